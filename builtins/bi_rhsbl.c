/*
 * bi_rhsbl.c -- builtin test `rhsbl`: domain block list lookups
 * (RFC 5782 section 2.2) of names the message carries.
 *
 *   rhsbl "zone" [sender|from|urls] [domain "name"] [returns 127.0.0.2, ...]
 *
 * Which names (default `sender`): the envelope sender's domain (none for
 * the null sender); the domains of the From: addresses; `urls`: the
 * organisational domains (bi_domain.h) of the host names of http/https
 * URLs in the decoded body text (the MIME walk, builtins/mime.h), at most
 * RHSBL_URLS_MAX of them; or `domain "name"`, a given string (e.g. a
 * capture).  Names are asked canonical (lower case, A-labels) before the
 * zone; the TXT reason comes in the same round: ${rhsbl.txt},
 * ${rhsbl.code}, ${rhsbl.query}.  prepare() declares the lookups of call
 * sites with constant arguments before the rules run.  A lookup that
 * fails is "not listed" (bl.h).
 */
#include "config.h"
#include "registry.h"
#include "bi_domain.h"
#include "bl.h"
#include "mailparse.h"
#include "mime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RHSBL_URLS_MAX 16       /* URL domains asked per message */
#define RHSBL_NAMES_MAX 24      /* names one call asks about */

enum { W_SENDER, W_FROM, W_URLS };
enum { G_DOMAIN = 1u << 0 };

static const char *const fields[] = { "sender", "from", "urls", NULL };

static const struct rl_bi_form forms[] = {
    { "STR [FIELD] [domain STR] [returns RAW]", 0 },
    { NULL, 0 }
};

static const char *const facts[] = { "txt", "code", "query", NULL };

struct names {
    char v[RHSBL_NAMES_MAX][PSL_NAME_MAX];
    size_t n;
};

static void
add_name(struct rl_bi_env *env, struct names *nm, const char *d, int org)
{
    char c[PSL_NAME_MAX];

    if (nm->n >= RHSBL_NAMES_MAX || rl_bi_domain(env, d, org, c) != 0 || c[0] == '[')
        return;
    for (size_t i = 0; i < nm->n; i++)
        if (strcmp(nm->v[i], c) == 0)
            return;
    memcpy(nm->v[nm->n++], c, PSL_NAME_MAX);
}

/* URL host names of the decoded body text, once per message. */
struct urlset {
    struct names nm;
};

static ssize_t
msg_pread(void *ctx, void *buf, size_t n, size_t off)
{
    const struct rl_msg *m = ctx;

    return m->read(m->read_ctx, buf, n, off);
}

static int
host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c >= 0x80;
}

static const struct names *
url_names(struct rl_bi_env *env)
{
    struct urlset *u = rl_bi_cache_get(env, "rhsbl.urls");
    struct mime_source src;
    struct mime_tree *t;
    struct buf text = BUF_INIT;
    const char *s;

    if (u)
        return &u->nm;
    u = xcalloc(1, sizeof *u);
    rl_bi_cache_put(env, "rhsbl.urls", u, free);
    if (env->msg->read == NULL)
        return &u->nm;
    src.pread = msg_pread;
    src.ctx = env->msg;
    src.len = env->msg->size;
    t = mime_walk(&src, NULL, NULL);
    mime_body_text(t, &text);
    mime_tree_free(t);
    for (s = text.data; s && (s = strstr(s, "://")) != NULL; s += 3) {
        const char *h = s + 3, *e;
        char host[PSL_NAME_MAX];
        size_t len;

        if (!((s - text.data >= 4 && strncasecmp(s - 4, "http", 4) == 0) ||
              (s - text.data >= 5 && strncasecmp(s - 5, "https", 5) == 0)))
            continue;
        e = h;
        while (*e && *e != '/' && *e != '?' && *e != '#' && *e != ':' && *e != '>' &&
               *e != '"' && *e != '\'' && *e > ' ')
            e++;
        if (memchr(h, '@', (size_t)(e - h)))    /* user@host: the host */
            h = (const char *)memrchr(h, '@', (size_t)(e - h)) + 1;
        len = (size_t)(e - h);
        while (len && h[len - 1] == '.')
            len--;
        if (len == 0 || len >= sizeof host)
            continue;
        for (size_t i = 0; i < len; i++)
            if (!host_char((unsigned char)h[i]))
                len = 0;
        if (len == 0)
            continue;
        memcpy(host, h, len);
        host[len] = '\0';
        if (u->nm.n < RHSBL_URLS_MAX)
            add_name(env, &u->nm, host, 1);
    }
    buf_free(&text);
    return &u->nm;
}

static void
names_of(struct rl_bi_env *env, const struct rl_bi_call *call, struct names *nm)
{
    nm->n = 0;
    if (call->flags & G_DOMAIN) {
        if (call->arg[1] && *call->arg[1])
            add_name(env, nm, call->arg[1], 0);
        return;
    }
    switch (call->field) {
    case W_SENDER: {
        const char *from = env->msg->envelope_from, *at;

        if (from && (at = strrchr(from, '@')) != NULL && at[1])
            add_name(env, nm, at + 1, 0);
        break;
    }
    case W_FROM: {
        struct mp_header hp;

        mp_header_parse(env->msg->header ? env->msg->header : "",
                        env->msg->header ? env->msg->header_len : 0, &hp);
        for (size_t i = 0; i < hp.n; i++) {
            struct mp_address *a;
            size_t n;
            char *v;

            if (!mp_field_is(&hp.f[i], "From"))
                continue;
            v = mp_unfold(hp.f[i].raw, hp.f[i].raw_len);
            n = mp_address_parse_list(v, &a);
            free(v);
            for (size_t j = 0; j < n; j++)
                if (a[j].domain[0])
                    add_name(env, nm, a[j].domain, 0);
            mp_address_list_free(a, n);
        }
        mp_header_free(&hp);
        break;
    }
    case W_URLS: {
        const struct names *u = url_names(env);

        for (size_t i = 0; i < u->n && nm->n < RHSBL_NAMES_MAX; i++)
            memcpy(nm->v[nm->n++], u->v[i], PSL_NAME_MAX);
        break;
    }
    }
}

static void
rhsbl_prepare(struct rl_bi_env *env, const struct rl_bi_call *call)
{
    struct names *nm;
    const char *why;
    struct dnsbl *b;

    if (call->arg[0] == NULL || !dnsbl_name_ok(call->arg[0]) ||
        ((call->flags & G_DOMAIN) && call->arg[1] == NULL) || (b = bl_engine(env, &why)) == NULL)
        return;
    nm = xcalloc(1, sizeof *nm);
    names_of(env, call, nm);
    for (size_t i = 0; i < nm->n; i++)
        dnsbl_add_domain(b, call->arg[0], nm->v[i], 1);
    free(nm);
}

static int
rhsbl_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    static const char *const what_names[] = { "sender domain", "From domain", "URL domain" };
    struct names *nm;
    char what[RHSBL_NAMES_MAX][PSL_NAME_MAX + 16];
    const char *names[RHSBL_NAMES_MAX];
    int h[RHSBL_NAMES_MAX];
    const char *why;
    struct dnsbl *b;

    if (call->arg[0] == NULL || !dnsbl_name_ok(call->arg[0])) {
        rl_bi_note(r, "zone \"%.64s\" is not a DNS name: not asked",
                   call->arg[0] ? call->arg[0] : "");
        rl_bi_true(r, 0);
        return 0;
    }
    if ((b = bl_engine(env, &why)) == NULL) {
        rl_bi_note(r, "%s", why);
        rl_bi_true(r, 0);
        return 0;
    }
    nm = xcalloc(1, sizeof *nm);
    names_of(env, call, nm);
    if (nm->n == 0) {
        rl_bi_note(r, "no %s to ask", (call->flags & G_DOMAIN) ? "domain name" :
                   call->field == W_SENDER ? "envelope sender domain (null sender?)" :
                   call->field == W_FROM ? "From domain" : "URL in the body text");
        rl_bi_true(r, 0);
        free(nm);
        return 0;
    }
    for (size_t i = 0; i < nm->n; i++) {
        h[i] = dnsbl_add_domain(b, call->arg[0], nm->v[i], 1);
        snprintf(what[i], sizeof what[i], "%s %s", (call->flags & G_DOMAIN) ? "domain" :
                 what_names[call->field >= 0 && call->field < 3 ? call->field : 0], nm->v[i]);
        names[i] = what[i];
    }
    bl_report(env, b, h, names, nm->n, call->arg[2], r);
    free(nm);
    return 0;
}

static const char *
rhsbl_check(const struct rl_bi_call *call, const char **help)
{
    if ((call->flags & G_DOMAIN) && call->field != 0) {
        *help = "write rhsbl \"zone\" domain \"name\" to ask about a given name";
        return "'domain \"...\"' names the domain itself: leave out sender, from or urls";
    }
    return bl_zone_check(call->arg[0], help);
}

const struct rl_builtin rl_bi_rhsbl_def = {
    .name = "rhsbl",
    .summary = "domain block list lookups of sender, From and URL domains",
    .forms = forms,
    .fields = fields,
    .facts = facts,
    .modules = "psl",
    .check = rhsbl_check,
    .scan_raw = bl_scan_returns,
    .prepare = rhsbl_prepare,
    .eval = rhsbl_eval,
};
