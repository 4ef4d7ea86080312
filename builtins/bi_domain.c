/*
 * bi_domain.c -- canonical and organisational domains through the host's
 * module loader (see bi_domain.h).
 */
#include "config.h"
#include "bi_domain.h"
#include "orgdomain.h"

#include <string.h>

static const char missing_key[] = "psl.missing";

static void
no_free(void *p)
{
    (void)p;
}

int
rl_bi_domain(struct rl_bi_env *env, const char *domain, int org, char out[PSL_NAME_MAX])
{
    const struct weir_psl_api *a;
    int lit;

    out[0] = '\0';
    if (domain == NULL || *domain == '\0')
        return -1;
    if ((lit = orgdomain_literal(domain, out)) != 0)
        return lit > 0 ? 0 : -1;
    if (rl_bi_cache_get(env, missing_key) != NULL)
        return -1;
    a = rl_bi_module(env, "psl");
    if (a == NULL || a->version != PSL_API_VERSION) {
        rl_bi_log(env, RL_LOG_WARN, "organisational domains are unavailable (module psl %s): "
                  "tests that need them are false", a ? "has another api version" : "not loaded");
        rl_bi_cache_put(env, missing_key, (void *)missing_key, no_free);
        return -1;
    }
    if ((org ? a->orgdomain(domain, out) : a->canonical(domain, out)) != PSL_OK) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}
