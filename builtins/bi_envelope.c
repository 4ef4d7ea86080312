/*
 * bi_envelope.c -- builtin test `envelope from|to [PART] CMP OPERAND`: the
 * envelope sender (`from`, `sender`; "" for the null sender) or recipient
 * (`to`, `recipient`) as the MTA gave it, whole or one part: localpart,
 * domain (lower-cased), user and detail (split at the first '+'), and
 * orgdomain (the organisational domain, bi_domain.h; none for the null
 * sender).  An envelope address has no display name: `name` never
 * matches.
 */
#include "config.h"
#include "registry.h"
#include "mailparse.h"
#include "bi_domain.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { PART_ALL, PART_LOCAL, PART_DOMAIN, PART_NAME, PART_DETAIL, PART_USER, PART_ORG };

static const char *const fields[] = {
    "all", "localpart", "domain", "name", "detail", "user", "orgdomain", NULL
};

static const struct rl_bi_form forms[] = {
    { "from [FIELD] TEXT", 0 },
    { "sender [FIELD] TEXT", 0 },
    { "to [FIELD] TEXT", 1 },
    { "recipient [FIELD] TEXT", 1 },
    { NULL, 0 }
};

static int
envelope_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    const char *addr = call->id ? env->msg->envelope_to : env->msg->envelope_from;
    const char *at;
    char *local, *dom, *u = NULL, *d = NULL;

    if (addr == NULL)
        return 0;
    if (call->field == PART_ALL) {
        rl_bi_text(r, addr, strlen(addr));
        return 0;
    }
    at = strrchr(addr, '@');
    local = at ? xstrndup(addr, (size_t)(at - addr)) : xstrdup(addr);
    dom = xstrdup(at ? at + 1 : "");
    for (char *q = dom; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    switch (call->field) {
    case PART_LOCAL: rl_bi_text(r, local, strlen(local)); break;
    case PART_DOMAIN: rl_bi_text(r, dom, strlen(dom)); break;
    case PART_ORG: {
        char org[PSL_NAME_MAX];

        if (rl_bi_domain(env, dom, 1, org) == 0)
            rl_bi_text(r, org, strlen(org));
        break;
    }
    case PART_DETAIL: case PART_USER:
        mp_local_split(local, '+', &u, &d);
        if (call->field == PART_USER && u)
            rl_bi_text(r, u, strlen(u));
        else if (call->field == PART_DETAIL && d)
            rl_bi_text(r, d, strlen(d));
        free(u);
        free(d);
        break;
    default:
        break;
    }
    free(local);
    free(dom);
    return 0;
}

const struct rl_builtin rl_bi_envelope_def = {
    .name = "envelope",
    .summary = "the envelope sender or recipient the MTA gave",
    .forms = forms,
    .fields = fields,
    .eval = envelope_eval,
};
