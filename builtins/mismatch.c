/*
 * mismatch.c -- envelope/header mismatch facts (see mismatch.h).
 * Pure: no I/O; the domain functions come from the caller.
 */
#include "config.h"
#include "mismatch.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Canonical domain, falling back to lower case as written. */
static void
canon(const struct mm_ops *ops, const char *d, char out[PSL_NAME_MAX])
{
    size_t i;

    if (ops && ops->canonical && ops->canonical(ops->ctx, d, out) == 0)
        return;
    for (i = 0; i < PSL_NAME_MAX - 1 && d[i]; i++)
        out[i] = (char)tolower((unsigned char)d[i]);
    if (i > 0 && out[i - 1] == '.')
        i--;
    out[i] = '\0';
}

static void
org(const struct mm_ops *ops, const char *d, char out[PSL_NAME_MAX])
{
    char c[PSL_NAME_MAX];

    canon(ops, d, c);
    if (ops && ops->org && ops->org(ops->ctx, c, out) == 0)
        return;
    memcpy(out, c, PSL_NAME_MAX);
}

/* Split "local@domain" at the last '@': local part in lp (allocated),
 * domain pointer into s (or "" when none). */
static char *
split_addr(const char *s, const char **domain)
{
    const char *at = strrchr(s, '@');

    if (at == NULL) {
        *domain = "";
        return xstrdup(s);
    }
    *domain = at + 1;
    return xstrndup(s, (size_t)(at - s));
}

/* Strength-level comparison of two (local, domain) pairs; the reason
 * for a difference goes to why. */
static int
same(const struct mm_ops *ops, const char *l1, const char *d1, const char *l2, const char *d2,
     enum mm_strength s, struct buf *why)
{
    char a[PSL_NAME_MAX], b[PSL_NAME_MAX];

    if (s == MM_ORG) {
        org(ops, d1, a);
        org(ops, d2, b);
        if (strcmp(a, b) == 0)
            return 1;
        if (why)
            buf_printf(why, "organisational domains %s and %s differ", a, b);
        return 0;
    }
    canon(ops, d1, a);
    canon(ops, d2, b);
    if (strcmp(a, b) != 0) {
        if (why)
            buf_printf(why, "domains %s and %s differ", a, b);
        return 0;
    }
    if (s == MM_DOMAIN)
        return 1;
    if (strcasecmp(l1, l2) != 0) {
        if (why)
            buf_printf(why, "local parts %s and %s differ", l1, l2);
        return 0;
    }
    return 1;
}

static const char *
strength_name(enum mm_strength s)
{
    return s == MM_ADDRESS ? "address" : s == MM_DOMAIN ? "domain" : "organisational domain";
}

enum mm_verdict
mm_sender_vs(const struct mm_ops *ops, const char *sender, const char *field,
             const struct mp_address *a, size_t n, enum mm_strength s, struct buf *why)
{
    const char *sd;
    char *sl;
    struct buf first = BUF_INIT;
    enum mm_verdict v = MM_DIFFERENT;

    if (sender == NULL || sender[0] == '\0') {
        buf_printf(why, "null envelope sender <> (a bounce): nothing to compare with %s", field);
        return MM_NOT_APPLICABLE;
    }
    if (n == 0) {
        buf_printf(why, "no %s address: nothing to compare with envelope sender %s", field,
                   sender);
        return MM_NOT_APPLICABLE;
    }
    sl = split_addr(sender, &sd);
    for (size_t i = 0; i < n; i++) {
        if (same(ops, sl, sd, a[i].local, a[i].domain, s, i == 0 ? &first : NULL)) {
            buf_printf(why, "envelope sender %s and %s %s@%s: same %s", sender, field,
                       a[i].local, a[i].domain, strength_name(s));
            v = MM_SAME;
            break;
        }
    }
    if (v == MM_DIFFERENT)
        buf_printf(why, "envelope sender %s vs %s %s@%s: %s", sender, field, a[0].local,
                   a[0].domain, first.data ? first.data : "different");
    buf_free(&first);
    free(sl);
    return v;
}

/* local part without "+detail" and case: compare a@d forms. */
static int
same_base(const char *l1, const char *d1, const char *l2, const char *d2)
{
    size_t n1 = strcspn(l1, "+"), n2 = strcspn(l2, "+");

    return n1 == n2 && strncasecmp(l1, l2, n1) == 0 && strcasecmp(d1, d2) == 0;
}

enum mm_verdict
mm_recipient_hidden(const char *recipient, const struct mp_address *to, size_t nto,
                    const struct mp_address *cc, size_t ncc, struct buf *why)
{
    const char *rd;
    char *rl;

    if (recipient == NULL || recipient[0] == '\0') {
        buf_printf(why, "no envelope recipient: nothing to compare");
        return MM_NOT_APPLICABLE;
    }
    rl = split_addr(recipient, &rd);
    for (size_t i = 0; i < nto + ncc; i++) {
        const struct mp_address *x = i < nto ? &to[i] : &cc[i - nto];

        if (same_base(rl, rd, x->local, x->domain)) {
            buf_printf(why, "recipient %s is in %s as %s@%s", recipient, i < nto ? "To" : "Cc",
                       x->local, x->domain);
            free(rl);
            return MM_SAME;
        }
    }
    buf_printf(why, "recipient %s is in neither To nor Cc (%zu addresses): a blind copy",
               recipient, nto + ncc);
    free(rl);
    return MM_DIFFERENT;
}

enum mm_verdict
mm_from_is_to(const struct mp_address *from, size_t nfrom, const struct mp_address *to,
              size_t nto, struct buf *why)
{
    if (nfrom == 0 || nto == 0) {
        buf_printf(why, "no %s address: nothing to compare", nfrom == 0 ? "From" : "To");
        return MM_NOT_APPLICABLE;
    }
    for (size_t i = 0; i < nfrom; i++)
        for (size_t j = 0; j < nto; j++)
            if (strcasecmp(from[i].local, to[j].local) == 0 &&
                strcasecmp(from[i].domain, to[j].domain) == 0) {
                buf_printf(why, "From %s@%s is also a To address", from[i].local,
                           from[i].domain);
                return MM_DIFFERENT;
            }
    buf_printf(why, "From %s@%s is not a To address", from[0].local, from[0].domain);
    return MM_SAME;
}

enum mm_verdict
mm_replyto_other_org(const struct mm_ops *ops, const struct mp_address *from, size_t nfrom,
                     const struct mp_address *rt, size_t nrt, struct buf *why)
{
    char a[PSL_NAME_MAX], b[PSL_NAME_MAX];

    if (nfrom == 0 || nrt == 0) {
        buf_printf(why, "no %s address: nothing to compare", nrt == 0 ? "Reply-To" : "From");
        return MM_NOT_APPLICABLE;
    }
    for (size_t j = 0; j < nrt; j++) {
        int found = 0;

        org(ops, rt[j].domain, b);
        for (size_t i = 0; i < nfrom && !found; i++) {
            org(ops, from[i].domain, a);
            found = strcmp(a, b) == 0;
        }
        if (!found) {
            org(ops, from[0].domain, a);
            buf_printf(why, "Reply-To %s@%s is in organisation %s, From %s@%s in %s",
                       rt[j].local, rt[j].domain, b, from[0].local, from[0].domain, a);
            return MM_DIFFERENT;
        }
    }
    org(ops, rt[0].domain, b);
    buf_printf(why, "Reply-To and From are in the same organisation %s", b);
    return MM_SAME;
}

/* Characters of a domain inside a display name (ASCII letters, digits,
 * '-', '.', and UTF-8 bytes for IDNs). */
static int
domain_char(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c >= 0x80;
}

static int
local_char(unsigned char c)
{
    return isalnum(c) || c >= 0x80 || strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL;
}

enum mm_verdict
mm_display_address(const struct mm_ops *ops, const struct mp_address *a, size_t n,
                   struct buf *why)
{
    char real[PSL_NAME_MAX], shown[PSL_NAME_MAX], dom[PSL_NAME_MAX];
    int any = 0;

    for (size_t i = 0; i < n; i++) {
        const char *d = a[i].display;

        for (const char *at = strchr(d, '@'); at; at = strchr(at + 1, '@')) {
            const char *s = at, *e = at + 1;
            size_t len;

            while (s > d && local_char((unsigned char)s[-1]))
                s--;
            while (*e && domain_char((unsigned char)*e))
                e++;
            while (e > at + 1 && e[-1] == '.')
                e--;
            len = (size_t)(e - at - 1);
            if (s == at || len == 0 || len >= sizeof dom || memchr(at + 1, '.', len) == NULL)
                continue;
            memcpy(dom, at + 1, len);
            dom[len] = '\0';
            any = 1;
            org(ops, dom, shown);
            org(ops, a[i].domain, real);
            if (strcmp(shown, real) != 0) {
                buf_printf(why, "display name \"%s\" shows an address in %s, the address "
                           "%s@%s is in %s", d, shown, a[i].local, a[i].domain, real);
                return MM_DIFFERENT;
            }
        }
    }
    if (!any) {
        buf_printf(why, "no display name contains an address");
        return MM_NOT_APPLICABLE;
    }
    buf_printf(why, "addresses in display names are in the organisation of their address");
    return MM_SAME;
}
