/*
 * autoreply.c -- whether a message may be answered, and the text of a
 * vacation reply (see autoreply.h for the rules and their order).
 *
 * SECURITY: nothing from the original message is copied into the reply's
 * header except through compose.h (cleaned, encoded, folded), and the only
 * pieces reused are the decoded Subject and validated msg-ids.  The
 * envelope sender must pass resp_addr_plain() before it is answered.
 */
#include "config.h"
#include "autoreply.h"
#include "compose.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define QP_LINE 76                  /* quoted-printable line length */
#define TEXT_7BIT_LINE 998          /* longest line sent as 7bit */

static const char *const system_senders[] = { RESP_SYSTEM_SENDERS, NULL };

char *
resp_field(const struct mp_header *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (mp_field_is(&h->f[i], name))
            return mp_unfold(h->f[i].raw, h->f[i].raw_len);
    return NULL;
}

/* Split addr at its last '@' into allocated local (without +detail) and
 * domain; 0, or -1 when there is no '@'. */
static int
split(const char *addr, char **local, char **domain)
{
    const char *at = strrchr(addr, '@');
    char *plus;

    if (at == NULL || at == addr)
        return -1;
    *local = xstrndup(addr, (size_t)(at - addr));
    if ((plus = strchr(*local, '+')) != NULL && plus != *local)
        *plus = '\0';
    *domain = xstrdup(at + 1);
    return 0;
}

static int
same_addr(const char *a, const char *b)
{
    char *la, *da, *lb, *db;
    int same = 0;

    if (split(a, &la, &da) < 0)
        return 0;
    if (split(b, &lb, &db) == 0) {
        same = strcasecmp(la, lb) == 0 && strcasecmp(da, db) == 0;
        free(lb);
        free(db);
    }
    free(la);
    free(da);
    return same;
}

int
resp_is_mine(const struct resp_ident *id, const char *addr)
{
    char *l, *d;
    int mine = 0;

    if (split(addr, &l, &d) < 0)
        return id->login && strcasecmp(addr, id->login) == 0;
    if (id->login && strcasecmp(l, id->login) == 0)
        for (size_t i = 0; i < id->ndomains && !mine; i++)
            mine = strcasecmp(d, id->domains[i]) == 0;
    free(l);
    free(d);
    if (!mine && id->recipient && strchr(id->recipient, '@'))
        mine = same_addr(addr, id->recipient);
    for (size_t i = 0; i < id->naddresses && !mine; i++)
        mine = same_addr(addr, id->addresses[i]);
    return mine;
}

const char *
resp_system_sender(const char *addr)
{
    char *l, *d;
    const char *hit = NULL;

    if (split(addr, &l, &d) < 0)
        return NULL;
    for (size_t i = 0; system_senders[i] && !hit; i++)
        if (resp_glob(system_senders[i], l))
            hit = system_senders[i];
    free(l);
    free(d);
    return hit;
}

/* Whether a comma/space separated value has one of the tokens. */
static const char *
has_token(const char *value, const char *const *tokens)
{
    const char *p = value;

    while (*p) {
        size_t n;

        while (*p == ',' || *p == ' ' || *p == '\t' || *p == ';')
            p++;
        n = strcspn(p, ", \t;");
        for (size_t i = 0; tokens[i]; i++)
            if (n == strlen(tokens[i]) && strncasecmp(p, tokens[i], n) == 0)
                return tokens[i];
        p += n;
    }
    return NULL;
}

/* First word of a value, lower-cased, at most n-1 bytes. */
static void
first_word(const char *v, char *w, size_t n)
{
    size_t i = 0;

    while (*v == ' ' || *v == '\t')
        v++;
    while (*v && *v != ' ' && *v != '\t' && *v != ';' && *v != '(' && i + 1 < n)
        w[i++] = (char)tolower((unsigned char)*v++);
    w[i] = '\0';
}

static int
addressed_to_me(const struct mp_header *h, const struct resp_ident *id)
{
    static const char *const fields[] = { "To", "Cc", "Bcc", "Resent-To", "Resent-Cc",
                                          "Resent-Bcc", NULL };
    int mine = 0;

    for (size_t i = 0; i < h->n && !mine; i++) {
        struct mp_address *a;
        size_t na;
        char *v;
        int want = 0;

        for (size_t k = 0; fields[k]; k++)
            want |= mp_field_is(&h->f[i], fields[k]);
        if (!want)
            continue;
        v = mp_unfold(h->f[i].raw, h->f[i].raw_len);
        na = mp_address_parse_list(v, &a);
        for (size_t k = 0; k < na && !mine; k++) {
            char *spec = mp_address_spec(&a[k]);

            mine = resp_is_mine(id, spec);
            free(spec);
        }
        mp_address_list_free(a, na);
        free(v);
    }
    return mine;
}

static char *
domain_of(const char *addr)
{
    const char *at = strrchr(addr, '@');

    return at ? xstrdup(at + 1) : NULL;
}

const char *
resp_suppressed(enum resp_kind kind, const struct mp_header *h, const char *sender,
                const struct resp_ident *id, resp_org_differs org_differs, void *org_ctx,
                char *buf, size_t n)
{
    static const char *const ars_reply[] = { "all", "oof", NULL };
    static const char *const ars_dsn[] = { "all", "dr", "ndr", NULL };
    static const char *const bulk[] = { "bulk", "list", "junk", NULL };
    const char *pat, *tok;
    char *v, w[64];

    if (sender == NULL || *sender == '\0')
        return "the envelope sender is empty (<>)";
    if (!resp_addr_plain(sender))
        return "the envelope sender is not a plain address";
    if ((pat = resp_system_sender(sender)) != NULL) {
        snprintf(buf, n, "the sender is a system, list or no-reply address (%s)", pat);
        return buf;
    }
    if (resp_is_mine(id, sender))
        return "the sender is one of your own addresses";
    for (size_t i = 0; i < h->n; i++)
        if (h->f[i].name_len > 5 && strncasecmp(h->f[i].name, "List-", 5) == 0) {
            snprintf(buf, n, "the message has a %.*s header (mailing list)",
                     (int)(h->f[i].name_len > 40 ? 40 : h->f[i].name_len), h->f[i].name);
            return buf;
        }
    if ((v = resp_field(h, "Auto-Submitted")) != NULL) {
        first_word(v, w, sizeof w);
        free(v);
        if (strcmp(w, "no") != 0) {
            snprintf(buf, n, "Auto-Submitted: %s (automatic mail)", w[0] ? w : "(empty)");
            return buf;
        }
    }
    if ((v = resp_field(h, "Precedence")) != NULL) {
        first_word(v, w, sizeof w);
        free(v);
        for (size_t i = 0; bulk[i]; i++)
            if (strcmp(w, bulk[i]) == 0) {
                snprintf(buf, n, "Precedence: %s", w);
                return buf;
            }
    }
    if ((v = resp_field(h, "X-Auto-Response-Suppress")) != NULL) {
        tok = has_token(v, kind == RESP_REPLY ? ars_reply : ars_dsn);
        free(v);
        if (tok) {
            snprintf(buf, n, "X-Auto-Response-Suppress: %s", tok);
            return buf;
        }
    }
    if (kind == RESP_REPLY && !addressed_to_me(h, id))
        return "not addressed to you (none of your addresses in To, Cc, Bcc or Resent-*)";
    if (kind == RESP_FAKEBOUNCE && org_differs && (v = resp_field(h, "From")) != NULL) {
        struct mp_address *a;
        size_t na = mp_address_parse_list(v, &a);
        int differs = 0;

        if (na > 0 && a[0].domain[0]) {
            char *ed = domain_of(sender);

            differs = ed && org_differs(org_ctx, ed, a[0].domain);
            free(ed);
        }
        mp_address_list_free(a, na);
        free(v);
        if (differs)
            return "the envelope sender's domain and the From domain belong to different "
                   "organisations (no backscatter to a third party)";
    }
    return NULL;
}

static void
qp_body(struct buf *out, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t col = 0;

    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        int c = *p;
        int enc = (c >= 0x80 || c == '=' || (c < 0x20 && c != '\t' && c != '\n'));

        if (c == '\n') {
            buf_addc(out, '\n');
            col = 0;
            continue;
        }
        /* White space before a line end must be encoded. */
        if ((c == ' ' || c == '\t') && (p[1] == '\n' || p[1] == '\0'))
            enc = 1;
        if (col + (enc ? 3 : 1) > QP_LINE - 1) {
            buf_adds(out, "=\n");
            col = 0;
        }
        if (enc) {
            buf_addc(out, '=');
            buf_addc(out, hex[c >> 4]);
            buf_addc(out, hex[c & 15]);
            col += 3;
        } else {
            buf_addc(out, c);
            col++;
        }
    }
}

void
resp_text_body(struct buf *out, const char *text)
{
    char *body = resp_body_text(text);
    int ascii = 1;
    size_t line = 0;

    for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
        if (*p >= 0x80)
            ascii = 0;
        line = *p == '\n' ? 0 : line + 1;
        if (line > TEXT_7BIT_LINE)
            ascii = 0;
    }
    buf_adds(out, "MIME-Version: 1.0\n"
             "Content-Type: text/plain; charset=UTF-8\n");
    if (ascii) {
        buf_adds(out, "Content-Transfer-Encoding: 7bit\n\n");
        buf_adds(out, body);
    } else {
        buf_adds(out, "Content-Transfer-Encoding: quoted-printable\n\n");
        qp_body(out, body);
    }
    free(body);
}

void
reply_compose(const struct reply_req *r, const struct mp_header *orig, struct buf *out)
{
    char *ids[RESP_REFERENCES_MAX + 1], *mid[1], *v, *subject;
    size_t nref = 0, nmid = 0;
    struct buf refs = BUF_INIT;

    resp_header_addr(out, "From", NULL, r->from);
    resp_header_addr(out, "To", NULL, r->to);
    if (r->subject)
        subject = xstrdup(r->subject);
    else {
        char *dec = NULL;

        if ((v = resp_field(orig, "Subject")) != NULL) {
            dec = mp_decode_2047(v);
            free(v);
        }
        subject = resp_re_subject(dec);
        free(dec);
    }
    resp_header_text(out, "Subject", subject);
    free(subject);
    buf_adds(out, "Date: ");
    resp_date(out, r->now);
    buf_adds(out, "\nMessage-ID: ");
    resp_message_id(out, r->host, r->now);
    buf_addc(out, '\n');
    if ((v = resp_field(orig, "Message-ID")) != NULL) {
        nmid = resp_msgids(v, mid, 1);
        free(v);
    }
    if (nmid) {
        buf_printf(out, "In-Reply-To: %s\n", mid[0]);
        /* References: the original's (the last ones), then its id. */
        if ((v = resp_field(orig, "References")) != NULL) {
            char *all[64];
            size_t na = resp_msgids(v, all, 64);
            size_t from = na > RESP_REFERENCES_MAX - 1 ? na - (RESP_REFERENCES_MAX - 1) : 0;

            for (size_t i = 0; i < na; i++) {
                if (i >= from)
                    ids[nref++] = all[i];
                else
                    free(all[i]);
            }
            free(v);
        }
        ids[nref++] = mid[0];
        for (size_t i = 0; i < nref; i++) {
            buf_printf(&refs, "%s%s", i ? "\n " : "", ids[i]);
            free(ids[i]);
        }
        buf_printf(out, "References: %s\n", refs.data);
        buf_free(&refs);
    }
    buf_adds(out, "Auto-Submitted: auto-replied\n"
             "X-Auto-Response-Suppress: All\n");
    resp_text_body(out, r->text);
}
