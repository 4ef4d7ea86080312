/*
 * mp_double.c -- a small TEST DOUBLE of builtins/mailparse.h, linked only
 * into the rule-language test programs until the real implementation
 * (branch `builtins`) is merged; then this file and its lines in
 * rulelang/local.mk go.  Never part of the product.  Enough of RFC 5322 /
 * 2047 for the test messages: fields, unfolding, Q/B words in UTF-8 or
 * US-ASCII, simple address lists.
 */
#include "config.h"
#include "mailparse.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
mp_header_parse(const char *block, size_t len, struct mp_header *out)
{
    size_t i = 0;

    memset(out, 0, sizeof *out);
    while (i < len && block[i] != '\n') {
        size_t s = i, colon;
        while (i < len && block[i] != '\n')
            i++;
        while (i + 1 < len && (block[i + 1] == ' ' || block[i + 1] == '\t')) {
            i++;
            while (i < len && block[i] != '\n')
                i++;
        }
        for (colon = s; colon < i && block[colon] != ':'; colon++)
            ;
        if (block[s] != ' ' && block[s] != '\t' && colon < i) {
            struct mp_field *f;
            out->f = xreallocarray(out->f, out->n + 1, sizeof *out->f);
            f = &out->f[out->n++];
            f->name = block + s;
            f->name_len = colon - s;
            f->raw = block + colon + 1;
            f->raw_len = i - colon - 1;
        }
        if (i < len)
            i++;
    }
}

void mp_header_free(struct mp_header *h) { free(h->f); memset(h, 0, sizeof *h); }

int
mp_field_is(const struct mp_field *f, const char *name)
{
    return strlen(name) == f->name_len && strncasecmp(f->name, name, f->name_len) == 0;
}

char *
mp_unfold(const char *raw, size_t len)
{
    struct buf b = BUF_INIT;
    char *s, *e;

    for (size_t i = 0; i < len; i++)
        if (raw[i] != '\n' && raw[i] != '\r')
            buf_addc(&b, raw[i] ? raw[i] : ' ');
    s = buf_steal(&b);
    for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
        ;
    *e = 0;
    e = s;
    while (isspace((unsigned char)*e))
        e++;
    memmove(s, e, strlen(e) + 1);
    return s;
}

static int
b64(int c)
{
    const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(t, c) : NULL;
    return p ? (int)(p - t) : -1;
}

char *
mp_decode_2047(const char *s)
{
    struct buf b = BUF_INIT;

    while (*s) {
        const char *q1, *q2, *end;
        if (strncmp(s, "=?", 2) == 0 && (q1 = strchr(s + 2, '?')) && q1[1] && q1[2] == '?' &&
            (end = strstr(q1 + 3, "?=")) &&
            (strncasecmp(s + 2, "utf-8?", 6) == 0 || strncasecmp(s + 2, "us-ascii?", 9) == 0)) {
            char enc = (char)toupper((unsigned char)q1[1]);
            q2 = q1 + 3;
            if (enc == 'Q') {
                for (const char *p = q2; p < end; p++) {
                    if (*p == '_') buf_addc(&b, ' ');
                    else if (*p == '=' && p + 2 < end + 1 && isxdigit((unsigned char)p[1]) &&
                             isxdigit((unsigned char)p[2])) {
                        char h[3] = { p[1], p[2], 0 };
                        buf_addc(&b, (int)strtol(h, NULL, 16));
                        p += 2;
                    } else buf_addc(&b, *p);
                }
            } else {
                unsigned acc = 0; int bits = 0;
                for (const char *p = q2; p < end; p++) {
                    int v = b64(*p);
                    if (v < 0) continue;
                    acc = acc << 6 | (unsigned)v; bits += 6;
                    if (bits >= 8) { bits -= 8; buf_addc(&b, (int)((acc >> bits) & 0xff)); }
                }
            }
            s = end + 2;
            continue;
        }
        buf_addc(&b, *s++);
    }
    return buf_steal(&b);
}

size_t
mp_address_parse_list(const char *value, struct mp_address **out)
{
    size_t n = 0;
    char *copy = xstrdup(value), *save = NULL;

    *out = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *lt = strchr(tok, '<'), *gt, *spec, *at, *disp = xstrdup("");
        if (lt && (gt = strchr(lt, '>'))) {
            *gt = 0;
            spec = lt + 1;
            *lt = 0;
            free(disp);
            disp = mp_unfold(tok, strlen(tok));
            if (disp[0] == '"') {
                memmove(disp, disp + 1, strlen(disp));
                if (*disp && disp[strlen(disp) - 1] == '"') disp[strlen(disp) - 1] = 0;
            }
            char *dd = mp_decode_2047(disp);
            free(disp);
            disp = dd;
        } else {
            char *paren = strchr(tok, '(');
            if (paren) {
                char *cl = strchr(paren, ')');
                free(disp);
                disp = xstrndup(paren + 1, cl ? (size_t)(cl - paren - 1) : strlen(paren + 1));
                *paren = 0;
            }
            spec = tok;
        }
        char *sp = mp_unfold(spec, strlen(spec));
        if (*sp == 0) { free(sp); free(disp); continue; }
        *out = xreallocarray(*out, n + 1, sizeof **out);
        at = strrchr(sp, '@');
        (*out)[n].display = disp;
        (*out)[n].local = at ? xstrndup(sp, (size_t)(at - sp)) : xstrdup(sp);
        (*out)[n].domain = xstrdup(at ? at + 1 : "");
        for (char *d = (*out)[n].domain; *d; d++) *d = (char)tolower((unsigned char)*d);
        free(sp);
        n++;
    }
    free(copy);
    return n;
}

void
mp_address_list_free(struct mp_address *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].display); free(a[i].local); free(a[i].domain);
    }
    free(a);
}

char *
mp_address_spec(const struct mp_address *a)
{
    return a->domain[0] ? xasprintf("%s@%s", a->local, a->domain) : xstrdup(a->local);
}

void
mp_local_split(const char *local, char sep, char **user, char **detail)
{
    const char *p = strchr(local, sep);
    *user = p ? xstrndup(local, (size_t)(p - local)) : xstrdup(local);
    *detail = p ? xstrdup(p + 1) : NULL;
}
