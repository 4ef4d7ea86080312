/*
 * bi_mismatch.c -- builtin test `mismatch`: envelope and header sender
 * mismatches (the facts are builtins/mismatch.h; organisational domains
 * through bi_domain.h, the psl module loaded only when a test needs one).
 *
 *   mismatch envelope "Header" [address|domain|orgdomain]
 *       the envelope sender is not the same as any address of the header
 *       field (From, Sender, Reply-To, Return-Path, or any other) at that
 *       strength: the same address (default), the same domain, the same
 *       organisational domain.  False for the null sender (a bounce has
 *       no envelope domain) and when the field is absent or has no
 *       address.
 *   mismatch bcc            the envelope recipient is in neither To nor Cc
 *   mismatch from equals to a From address is also a To address
 *   mismatch reply to       a Reply-To address is in another organisation
 *                           than every From address
 *   mismatch display name   a From display name shows an address of
 *                           another organisation ("support@bank.example"
 *                           <x@evil.example>)
 *
 * Each test notes in the trace which two values it compared and why they
 * differ (or not), and exports the same line as ${mismatch.why}.  The
 * header read is the message as received (the rules' header edits do not
 * change it).  The parsed header is kept per message (rl_bi_cache).
 */
#include "config.h"
#include "registry.h"
#include "bi_domain.h"
#include "mailparse.h"
#include "mismatch.h"

#include <stdlib.h>
#include <string.h>

enum { F_ENVELOPE, F_BCC, F_FROM_TO, F_REPLY_TO, F_DISPLAY };

static const char *const fields[] = { "address", "domain", "orgdomain", NULL };
static const enum mm_strength strength[] = { MM_ADDRESS, MM_DOMAIN, MM_ORG };

static const struct rl_bi_form forms[] = {
    { "envelope STR [FIELD]", F_ENVELOPE },
    { "bcc", F_BCC },
    { "from equals to", F_FROM_TO },
    { "reply to", F_REPLY_TO },
    { "display name", F_DISPLAY },
    { NULL, 0 }
};

static const char *const facts[] = { "why", NULL };

/* The parsed header, once per message. */
struct mm_hdr {
    struct mp_header hp;
};

static void
hdr_free(void *p)
{
    struct mm_hdr *h = p;

    mp_header_free(&h->hp);
    free(h);
}

static const struct mp_header *
header(struct rl_bi_env *env)
{
    struct mm_hdr *h = rl_bi_cache_get(env, "mismatch.header");

    if (h == NULL) {
        h = xcalloc(1, sizeof *h);
        mp_header_parse(env->msg->header ? env->msg->header : "",
                        env->msg->header ? env->msg->header_len : 0, &h->hp);
        rl_bi_cache_put(env, "mismatch.header", h, hdr_free);
    }
    return &h->hp;
}

struct alist {
    struct mp_address *a;
    size_t n;
};

/* Every address of every occurrence of the field. */
static void
addresses(struct rl_bi_env *env, const char *name, struct alist *out)
{
    const struct mp_header *hp = header(env);

    out->a = NULL;
    out->n = 0;
    for (size_t i = 0; i < hp->n; i++) {
        struct mp_address *a;
        size_t n;
        char *v;

        if (!mp_field_is(&hp->f[i], name))
            continue;
        v = mp_unfold(hp->f[i].raw, hp->f[i].raw_len);
        n = mp_address_parse_list(v, &a);
        free(v);
        if (n == 0)
            continue;
        out->a = xreallocarray(out->a, out->n + n, sizeof *out->a);
        memcpy(out->a + out->n, a, n * sizeof *a);
        out->n += n;
        free(a);                /* the strings moved into out */
    }
}

static void
alist_free(struct alist *l)
{
    mp_address_list_free(l->a, l->n);
    l->a = NULL;
    l->n = 0;
}

static int
dom_canonical(void *ctx, const char *domain, char out[PSL_NAME_MAX])
{
    return rl_bi_domain(ctx, domain, 0, out);
}

static int
dom_org(void *ctx, const char *domain, char out[PSL_NAME_MAX])
{
    return rl_bi_domain(ctx, domain, 1, out);
}

/* A header name as `mismatch envelope` takes it: printable ASCII, no
 * colon or space, at most 76 bytes (RFC 5322 2.2). */
static int
field_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 76)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == ':')
            return 0;
    return 1;
}

static const char *
mismatch_check(const struct rl_bi_call *call, const char **help)
{
    if (call->id == F_ENVELOPE && call->arg[0] && !field_name_ok(call->arg[0], call->arglen[0])) {
        *help = "e.g. mismatch envelope \"From\" orgdomain";
        return "'mismatch envelope' takes a header field name (From, Sender, Reply-To, "
               "Return-Path, ...)";
    }
    return NULL;
}

static int
mismatch_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    struct mm_ops ops = { dom_canonical, dom_org, env };
    struct buf why = BUF_INIT;
    struct alist a = { NULL, 0 }, b = { NULL, 0 };
    enum mm_verdict v = MM_NOT_APPLICABLE;
    const char *sender = env->msg->envelope_from ? env->msg->envelope_from : "";
    const char *rcpt = env->msg->envelope_to;

    switch (call->id) {
    case F_ENVELOPE:
        if (call->arg[0] == NULL || !field_name_ok(call->arg[0], call->arglen[0])) {
            buf_adds(&why, "no header field name");
            break;
        }
        addresses(env, call->arg[0], &a);
        v = mm_sender_vs(&ops, sender, call->arg[0], a.a, a.n,
                         strength[call->field >= 0 && call->field < 3 ? call->field : 0], &why);
        break;
    case F_BCC:
        if (rcpt == NULL || *rcpt == '\0') {
            buf_adds(&why, "no envelope recipient");
            break;
        }
        addresses(env, "To", &a);
        addresses(env, "Cc", &b);
        v = mm_recipient_hidden(rcpt, a.a, a.n, b.a, b.n, &why);
        break;
    case F_FROM_TO:
        addresses(env, "From", &a);
        addresses(env, "To", &b);
        v = mm_from_is_to(a.a, a.n, b.a, b.n, &why);
        break;
    case F_REPLY_TO:
        addresses(env, "From", &a);
        addresses(env, "Reply-To", &b);
        v = mm_replyto_other_org(&ops, a.a, a.n, b.a, b.n, &why);
        break;
    case F_DISPLAY:
        addresses(env, "From", &a);
        v = mm_display_address(&ops, a.a, a.n, &why);
        break;
    }
    rl_bi_true(r, v == MM_DIFFERENT);
    if (why.len) {
        rl_bi_note(r, "%s", why.data);
        rl_bi_export(r, "why", why.data, why.len);
    }
    buf_free(&why);
    alist_free(&a);
    alist_free(&b);
    return 0;
}

const struct rl_builtin rl_bi_mismatch_def = {
    .name = "mismatch",
    .summary = "envelope and header sender mismatch",
    .forms = forms,
    .fields = fields,
    .facts = facts,
    .modules = "psl",
    .check = mismatch_check,
    .eval = mismatch_eval,
};
