/*
 * orgdomain.c -- organisational domains via weir_psl.so (see orgdomain.h).
 */
#include "config.h"
#include "orgdomain.h"
#include "dynload.h"
#include "netaddr.h"

#include <stdio.h>
#include <sys/socket.h>
#include <string.h>

static const struct weir_psl_api *
api(struct status *st)
{
    const struct weir_module *m = dynload_module("psl", st);
    const struct weir_psl_api *a;

    if (m == NULL)
        return NULL;
    a = m->api;
    if (a == NULL || a->version != PSL_API_VERSION) {
        status_set(st, "4.3.0", "module psl has no api of version %d", PSL_API_VERSION);
        return NULL;
    }
    return a;
}

/* "[addr]" -> canonical "[addr]" (1), or 0 when not a literal, -1 when a
 * bad one. */
int
orgdomain_literal(const char *domain, char out[PSL_NAME_MAX])
{
    struct na_addr a;
    char text[NA_TEXT_MAX];
    size_t n = strlen(domain);

    if (n < 2 || domain[0] != '[' || domain[n - 1] != ']')
        return 0;
    if (na_parse(domain, n, &a) != 0) {
        out[0] = '\0';
        return -1;
    }
    snprintf(out, PSL_NAME_MAX, a.family == AF_INET6 ? "[IPv6:%s]" : "[%s]", na_format(&a, text));
    return 1;
}

int
orgdomain_get(const char *domain, char out[PSL_NAME_MAX], struct status *st)
{
    const struct weir_psl_api *a;
    int lit = orgdomain_literal(domain, out);

    if (lit)
        return lit > 0 ? PSL_OK : PSL_INVALID;
    if ((a = api(st)) == NULL)
        return -1;
    return (int)a->orgdomain(domain, out);
}

int
orgdomain_canonical(const char *domain, char out[PSL_NAME_MAX], struct status *st)
{
    const struct weir_psl_api *a;
    int lit = orgdomain_literal(domain, out);

    if (lit)
        return lit > 0 ? PSL_OK : PSL_INVALID;
    if ((a = api(st)) == NULL)
        return -1;
    return (int)a->canonical(domain, out);
}
