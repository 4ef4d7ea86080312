/*
 * mime_param.c -- Content-Type, Content-Disposition and
 * Content-Transfer-Encoding values: the first token, the parameters
 * (RFC 2045 5.1, RFC 2183), RFC 2231 continuations, charsets and
 * languages, and the broken forms mail clients send; file name
 * extensions.
 *
 * Entry points: mime_field_parse(), mime_field_free(), mime_param_get(),
 * mime_param_raw(), mime_cte_parse(), mime_name_exts() (mime_int.h).
 * Pure functions of their input; they cannot fail (allocation failure
 * exits 75 through xmalloc); work is linear in the value.
 *
 * PARAMETER RULES (weir-rules(5), "Attachments")
 *   - Value: TOKEN *( ";" attribute "=" value ).  Comments in
 *     parentheses are skipped around the token and between parameters.
 *     A parameter may also follow the token or another parameter after
 *     white space only (a missing ";").
 *   - A quoted value runs to the next unescaped '"' (quoted pairs are
 *     unescaped); an unterminated quote runs to the end of the field.
 *     An unquoted value runs to the next ';' (white space inside is kept,
 *     as mail clients do for `name=my file.pdf`), trailing white space
 *     removed.  Text after a closing quote up to the next ';' is ignored
 *     ("malformed parameter").
 *   - RFC 2231: "attr*" is an extended value charset'language'%XX..;
 *     "attr*N" and "attr*N*" are sections, joined in order of N (a
 *     missing section is skipped); the charset of section 0 applies to
 *     every extended section, unextended sections are taken literally.
 *     An extended value without the two apostrophes is %-decoded with
 *     no charset.  Bytes in a charset are converted to UTF-8 like RFC
 *     2047 words (mailparse.h); with no charset, or when no section is
 *     extended, the joined value is read like an unstructured header:
 *     RFC 2047 encoded-words inside it are decoded (Outlook and others
 *     send `name="=?UTF-8?B?...?="`, even split across sections), raw
 *     UTF-8 is kept and other 8-bit bytes are Latin-1.
 *   - When a parameter appears both ways, the RFC 2231 form wins (it is
 *     the one RFC 2231 senders mean; the plain one is their fallback);
 *     otherwise the first occurrence wins.  The result is trimmed.
 */
#include "config.h"
#include "mailparse.h"
#include "mime_int.h"
#include "mp_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Longest attribute name kept. */
#define MIME_ATTR_MAX 78
/* Highest RFC 2231 section number taken. */
#define MIME_SECTION_MAX 999

static int
is_ws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 2045 token character (not a tspecial, space or control). */
static int
is_tchar(int c)
{
    return c > ' ' && c < 0x7f && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* Skip white space and (nested) comments. */
static const char *
skip_cfws(const char *s)
{
    for (;;) {
        while (is_ws((unsigned char)*s))
            s++;
        if (*s != '(')
            return s;
        int depth = 0;

        do {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '(')
                depth++;
            else if (*s == ')')
                depth--;
            s++;
        } while (*s && depth > 0);
    }
}

static char *
lower_dup(const char *s, size_t n)
{
    char *r = xstrndup(s, n);

    for (char *p = r; *p; p++)
        *p = (char)mp_lower((unsigned char)*p);
    return r;
}

/* The first token; for a type, "type/subtype". */
static const char *
parse_token(const char *s, int is_type, struct mime_fieldval *out)
{
    const char *a, *b;

    s = skip_cfws(s);
    a = s;
    while (is_tchar((unsigned char)*s))
        s++;
    b = s;
    if (!is_type) {
        if (b > a)
            out->token = lower_dup(a, (size_t)(b - a));
        return s;
    }
    const char *t = skip_cfws(s);

    if (*t == '/' && b > a) {
        const char *c, *d;

        t = skip_cfws(t + 1);
        c = t;
        while (is_tchar((unsigned char)*t))
            t++;
        d = t;
        if (d > c) {
            char *ty = lower_dup(a, (size_t)(b - a)), *sub = lower_dup(c, (size_t)(d - c));

            out->token = xasprintf("%s/%s", ty, sub);
            free(ty);
            free(sub);
            return t;
        }
        s = t;
    }
    /* Not type/subtype: skip what there is up to the parameters. */
    while (*s && *s != ';')
        s++;
    return s;
}

static void
add_param(struct mime_fieldval *out, const char *attr, size_t alen, const char *val, size_t vlen)
{
    struct mime_rawparam *p;
    const char *star = memchr(attr, '*', alen);
    size_t base = star ? (size_t)(star - attr) : alen;

    if (out->n >= MIME_PARAMS_MAX || base == 0)
        return;
    out->p = xreallocarray(out->p, out->n + 1, sizeof *out->p);
    p = &out->p[out->n++];
    p->attr = lower_dup(attr, base);
    p->section = -1;
    p->extended = 0;
    if (star) {
        const char *q = star + 1, *end = attr + alen;

        if (q < end && *q >= '0' && *q <= '9') {
            long sec = 0;

            while (q < end && *q >= '0' && *q <= '9') {
                if (sec <= MIME_SECTION_MAX)
                    sec = sec * 10 + (*q - '0');
                q++;
            }
            p->section = sec > MIME_SECTION_MAX ? MIME_SECTION_MAX : (int)sec;
            if (q < end && *q == '*') {
                p->extended = 1;
                q++;
            }
        } else
            p->extended = 1;
        if (q != end)
            out->defects |= MIME_D(BAD_PARAM);
    }
    p->value = xstrndup(val, vlen);
}

void
mime_field_parse(const char *value, int is_type, struct mime_fieldval *out)
{
    const char *s;
    struct buf v = BUF_INIT;

    memset(out, 0, sizeof *out);
    s = parse_token(value, is_type, out);
    for (;;) {
        const char *a, *b;

        s = skip_cfws(s);
        while (*s == ';')
            s = skip_cfws(s + 1);
        if (*s == '\0')
            break;
        a = s;
        while (*s && *s != '=' && *s != ';' && !is_ws((unsigned char)*s) && *s != '"')
            s++;
        b = s;
        s = skip_cfws(s);
        if (*s != '=' || b == a || (size_t)(b - a) > MIME_ATTR_MAX) {
            /* Not a parameter: skip to the next ';'. */
            out->defects |= MIME_D(BAD_PARAM);
            if (*s == '"') {
                for (s++; *s && *s != '"'; s++)
                    if (*s == '\\' && s[1])
                        s++;
                if (*s)
                    s++;
            }
            while (*s && *s != ';')
                s++;
            continue;
        }
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        buf_reset(&v);
        if (*s == '"') {
            for (s++; *s && *s != '"'; s++) {
                if (*s == '\\' && s[1])
                    s++;
                buf_addc(&v, *s);
            }
            if (*s == '"')
                s++;
            else
                out->defects |= MIME_D(BAD_PARAM);
            /* Junk after the closing quote, up to ';' (or the next
             * attribute after white space). */
            const char *t = skip_cfws(s);

            if (*t && *t != ';') {
                const char *u = t;

                while (is_tchar((unsigned char)*u) || *u == '*')
                    u++;
                if (!(u > t && *skip_cfws(u) == '=' && t > s)) {
                    out->defects |= MIME_D(BAD_PARAM);
                    while (*t && *t != ';')
                        t++;
                }
            }
            s = t;
        } else {
            const char *e = s;

            while (*e && *e != ';')
                e++;
            /* `name=a.pdf size=12`: an attribute after white space ends
             * the value (a missing ';'). */
            for (const char *w = s; w < e; w++) {
                if (!is_ws((unsigned char)*w))
                    continue;
                const char *t = w;

                while (t < e && is_ws((unsigned char)*t))
                    t++;
                const char *u = t;

                while (u < e && (is_tchar((unsigned char)*u) || *u == '*'))
                    u++;
                if (u > t && u < e && *u == '=') {
                    e = w;
                    break;
                }
            }
            const char *f = e;

            while (f > s && is_ws((unsigned char)f[-1]))
                f--;
            buf_add(&v, s, (size_t)(f - s));
            s = e;
        }
        add_param(out, a, (size_t)(b - a), v.data ? v.data : "", v.len);
    }
    buf_free(&v);
}

void
mime_field_free(struct mime_fieldval *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->p[i].attr);
        free(f->p[i].value);
    }
    free(f->p);
    free(f->token);
    memset(f, 0, sizeof *f);
}

const char *
mime_param_raw(const struct mime_fieldval *f, const char *attr)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->p[i].attr, attr) == 0 && f->p[i].section <= 0)
            return f->p[i].value;
    return NULL;
}

static void
pct_decode(struct buf *b, const char *s)
{
    for (; *s; s++) {
        int h, l;

        if (*s == '%' && (h = hex_digit((unsigned char)s[1])) >= 0 &&
            (l = hex_digit((unsigned char)s[2])) >= 0) {
            buf_addc(b, h << 4 | l);
            s += 2;
        } else
            buf_addc(b, *s);
    }
}

static char *
trim_own(char *s)
{
    size_t n = strlen(s), i = 0;

    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    memmove(s, s + i, n - i);
    s[n - i] = '\0';
    return s;
}

/* The RFC 2231 value of attr, or NULL when it has no extended or
 * sectioned form. */
static char *
rfc2231_value(const struct mime_fieldval *f, const char *attr)
{
    const struct mime_rawparam *whole = NULL;
    const struct mime_rawparam *sec[MIME_PARAMS_MAX];
    size_t nsec = 0, i, j;
    int any_ext = 0;
    struct buf bytes = BUF_INIT, out = BUF_INIT;
    char charset[MP_CHARSET_MAX + 1] = "";

    for (i = 0; i < f->n; i++) {
        const struct mime_rawparam *p = &f->p[i];

        if (strcmp(p->attr, attr) != 0)
            continue;
        if (p->section < 0 && p->extended && !whole)
            whole = p;
        else if (p->section >= 0) {
            for (j = 0; j < nsec && sec[j]->section != p->section; j++)
                ;
            if (j == nsec)              /* first of each number */
                sec[nsec++] = p;
        }
    }
    if (whole) {
        sec[0] = whole;
        nsec = 1;
    }
    if (nsec == 0)
        return NULL;
    /* Sort sections by number (few of them). */
    for (i = 1; i < nsec; i++)
        for (j = i; j > 0 && sec[j]->section < sec[j - 1]->section; j--) {
            const struct mime_rawparam *t = sec[j];

            sec[j] = sec[j - 1];
            sec[j - 1] = t;
        }
    for (i = 0; i < nsec; i++) {
        const char *v = sec[i]->value;

        if (!sec[i]->extended) {
            buf_adds(&bytes, v);
            continue;
        }
        if (!any_ext) {
            const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

            any_ext = 1;
            if (i == 0 && q2) {
                size_t n = (size_t)(q1 - v);

                if (n <= MP_CHARSET_MAX) {
                    memcpy(charset, v, n);
                    charset[n] = '\0';
                }
                v = q2 + 1;
            }
        }
        pct_decode(&bytes, v);
    }
    if (!any_ext || charset[0] == '\0') {
        char *r = mp_decode_2047(bytes.data ? bytes.data : "");

        buf_free(&bytes);
        return trim_own(r);
    }
    mp_charset_decode(charset, bytes.data ? bytes.data : "", bytes.len, &out);
    buf_free(&bytes);
    return trim_own(buf_steal(&out));
}

char *
mime_param_get(const struct mime_fieldval *f, const char *attr)
{
    char *r = rfc2231_value(f, attr);
    const char *plain;

    if (r && *r)
        return r;
    plain = mime_param_raw(f, attr);
    if (plain == NULL)
        return r;
    free(r);
    return trim_own(mp_decode_2047(plain));
}

static int
same_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (mp_lower((unsigned char)a[i]) != mp_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

enum mime_enc
mime_cte_parse(const char *value)
{
    static const struct {
        const char *name;
        enum mime_enc enc;
    } cte[] = {
        { "7bit", MIME_ENC_7BIT }, { "8bit", MIME_ENC_8BIT },
        { "binary", MIME_ENC_BINARY }, { "base64", MIME_ENC_BASE64 },
        { "quoted-printable", MIME_ENC_QP }, { "x-uuencode", MIME_ENC_UUENCODE },
        { "x-uue", MIME_ENC_UUENCODE }, { "uuencode", MIME_ENC_UUENCODE },
        { "uue", MIME_ENC_UUENCODE },
        /* Seen in the wild, read as what they obviously mean. */
        { "7-bit", MIME_ENC_7BIT }, { "8-bit", MIME_ENC_8BIT },
        { "quoted_printable", MIME_ENC_QP }, { "qp", MIME_ENC_QP },
        { "base-64", MIME_ENC_BASE64 },
    };
    const char *s = skip_cfws(value), *e = s;
    size_t n;

    while (*e && !is_ws((unsigned char)*e) && *e != ';' && *e != '(')
        e++;
    n = (size_t)(e - s);
    if (n == 0)
        return MIME_ENC_7BIT;
    for (size_t i = 0; i < sizeof cte / sizeof cte[0]; i++)
        if (strlen(cte[i].name) == n && same_ci(s, cte[i].name, n))
            return cte[i].enc;
    return MIME_ENC_UNKNOWN;
}

size_t
mime_name_exts(const char *name, char ***exts)
{
    const char *base = name, *p;
    size_t n, count = 0;
    char **v = NULL;

    *exts = NULL;
    for (p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    n = strlen(base);
    /* Windows drops trailing dots and spaces: "x.exe. " is x.exe. */
    while (n > 0 && (base[n - 1] == '.' || base[n - 1] == ' '))
        n--;
    p = base;
    while (p < base + n && *p == '.')   /* ".profile": no extension */
        p++;
    for (;;) {
        const char *dot = memchr(p, '.', (size_t)(base + n - p));

        if (dot == NULL)
            break;
        p = dot + 1;
        const char *end = memchr(p, '.', (size_t)(base + n - p));
        size_t len = end ? (size_t)(end - p) : (size_t)(base + n - p);

        if (len == 0)
            continue;
        v = xreallocarray(v, count + 1, sizeof *v);
        v[count++] = lower_dup(p, len);
    }
    *exts = v;
    return count;
}
