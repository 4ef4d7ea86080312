/*
 * lint.c -- checks on the whole parsed tree that the grammar cannot make
 * (see lint.h): header names written with a colon, ${...} inside a regex,
 * a folder spelled as an mbox file inside a Maildir, and folders built
 * from the message that can never be delivered to.
 *
 * Entry point: rl_lint().  Errors are for what can never work (a field
 * name with ':' matches no header; a regex with ${name} matches nothing;
 * a folder built from the message with a ".." component is always
 * refused at delivery); warnings for what works but likely not as meant.
 *
 * Variables are followed in the order the file sets them: a `set` whose
 * value is known at compile time (literals and other known variables)
 * lets a later `file "${mail}/.Spam"` be checked as "~/Maildir/.Spam".
 * A value built from the message (captures, ${sender}, ${env.X}, facts)
 * is unknown and tainted; anything else unknown is just unknown.
 */
#include "config.h"
#include "lint.h"

#include <stdlib.h>
#include <string.h>

#define TAINT_MARK '\001'       /* one byte standing for text from the message */
#define UNKNOWN_MARK '\002'     /* one byte standing for unknown, clean text */

struct var {
    char *name;
    char *value;                /* NULL: not known at compile time */
    int taint;
};

struct lint {
    struct rl_front *f;
    int file;
    int errors;
    struct var *vars;
    size_t nvars;
};

__attribute__((format(printf, 5, 6)))
static void
diag(struct lint *l, enum rl_severity sev, const struct ast_str *at, const char *help,
     const char *fmt, ...)
{
    const struct rl_parse_src *src = &l->f->src[l->file];
    struct buf b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    rl_diag_add(l->f->diags, sev, src->path, src->text, src->len, at->line, at->col,
                at->end_col, help, "%s", b.data);
    if (sev == RL_SEV_ERROR)
        l->errors++;
    buf_free(&b);
}

static struct var *
var_find(struct lint *l, const char *name)
{
    for (size_t i = 0; i < l->nvars; i++)
        if (strcmp(l->vars[i].name, name) == 0)
            return &l->vars[i];
    return NULL;
}

/* Known values are followed up to this length; a longer one counts as
 * unknown clean text.  (Without a bound, "set a = \"${a}${a}\"" written
 * n times made the linter build a 2^n-byte value: fuzz_parser timeout.) */
#define LINT_VALUE_MAX 4096

/* The value of string s as far as it is known: each byte of a tainted
 * part becomes TAINT_MARK (one per part), unknown clean text one
 * UNKNOWN_MARK.  *taint: some part came from the message. */
static void
value_of(struct lint *l, const struct ast_str *s, struct buf *out, int *taint)
{
    *taint = 0;
    buf_reset(out);
    for (size_t i = 0; i < s->n; i++) {
        const struct ast_part *p = &s->v[i];
        const struct var *v;

        if (out->len > LINT_VALUE_MAX) {
            /* too long to follow: one unknown mark, taint still counted */
            buf_reset(out);
            buf_addc(out, UNKNOWN_MARK);
            if (*taint) {
                buf_addc(out, TAINT_MARK);
                break;
            }
            for (; i < s->n; i++)
                if (s->v[i].kind != RL_TP_LIT &&
                    !(s->v[i].kind == RL_TP_DATE && !rl_date_tainted(s->v[i].s)) &&
                    strcmp(s->v[i].s, "home") != 0 &&
                    strcmp(s->v[i].s, "user") != 0 &&
                    ((v = var_find(l, s->v[i].s)) == NULL || v->taint)) {
                    buf_addc(out, TAINT_MARK);
                    *taint = 1;
                    break;
                }
            break;
        }
        if (p->kind == RL_TP_LIT) {
            buf_add(out, p->s, p->len);
            continue;
        }
        if (p->kind == RL_TP_DATE) {
            /* known at delivery; %Z (the zone's name, from TZ) is tainted */
            int z = rl_date_tainted(p->s);

            buf_addc(out, z ? TAINT_MARK : UNKNOWN_MARK);
            *taint |= z;
        } else if (strcmp(p->s, "home") == 0) {
            buf_addc(out, '~');
        } else if (strcmp(p->s, "user") == 0) {
            buf_addc(out, UNKNOWN_MARK);
        } else if ((v = var_find(l, p->s)) != NULL) {
            if (v->value)
                buf_adds(out, v->value);
            else
                buf_addc(out, v->taint ? TAINT_MARK : UNKNOWN_MARK);
            *taint |= v->taint;
        } else {
            /* captures, ${sender}, ${recipient}, ${extension}, ${env.X},
             * ${builtin.fact}, named captures: all from the message */
            buf_addc(out, TAINT_MARK);
            *taint = 1;
        }
    }
    if (out->data == NULL)
        buf_adds(out, "");
}

/* The string as written, for messages: literals and ${name}. */
static void
as_written(const struct ast_str *s, struct buf *out)
{
    buf_reset(out);
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].kind == RL_TP_LIT)
            buf_add(out, s->v[i].s, s->v[i].len);
        else if (s->v[i].kind == RL_TP_DATE)
            buf_printf(out, "${date:%s}", s->v[i].s);
        else
            buf_printf(out, "${%s}", s->v[i].s);
    }
    if (out->data == NULL)
        buf_adds(out, "");
}

static void
set_var(struct lint *l, const struct ast *a)
{
    struct buf v = BUF_INIT;
    struct var *x = var_find(l, a->name);
    int taint;

    value_of(l, a->s1, &v, &taint);
    if (x == NULL) {
        l->vars = xreallocarray(l->vars, l->nvars + 1, sizeof *l->vars);
        x = &l->vars[l->nvars++];
        x->name = xstrdup(a->name);
        x->value = NULL;
    }
    free(x->value);
    x->value = NULL;
    x->taint = taint;
    if (!memchr(v.data, TAINT_MARK, v.len) && !memchr(v.data, UNKNOWN_MARK, v.len))
        x->value = xstrdup(v.data);
    buf_free(&v);
}

/* ---------------- header names ---------------- */

static void
check_field_name(struct lint *l, const struct ast_str *s, const char *how)
{
    struct buf name = BUF_INIT, help = BUF_INIT;
    size_t n;

    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].kind != RL_TP_LIT)
            return;             /* built at run time: checked then */
    as_written(s, &name);
    n = name.len;
    if (n > 1 && name.data[n - 1] == ':' && memchr(name.data, ':', n - 1) == NULL) {
        buf_printf(&help, "write %s \"%.*s\"", how, (int)(n - 1), name.data);
        diag(l, RL_SEV_ERROR, s, help.data,
             "a header name is written without the colon: '%s' can never match", name.data);
    } else {
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)name.data[i];

            if (c <= 32 || c >= 127 || c == ':') {
                diag(l, RL_SEV_ERROR, s,
                     "header names are printable ASCII without spaces or ':', e.g. \"X-Spam-Flag\"",
                     "'%s' is not a header name, so it can never match", name.data);
                break;
            }
        }
    }
    buf_free(&name);
    buf_free(&help);
}

/* ---------------- regexes ---------------- */

static int
name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':';
}

/* An unescaped ${name} outside a character class: PCRE2 reads it as an
 * end anchor followed by the literal text "{name}", which can never
 * match.  Variables are not interpolated in regexes (weir-rules(5),
 * INTERPOLATION): say so where it is written. */
static void
check_regex(struct lint *l, const struct ast_str *s)
{
    const char *p;
    size_t n;
    int cls = 0;

    if (s == NULL || s->pattern == NULL)
        return;
    p = s->pattern;
    n = strlen(p);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\') {
            i++;
            continue;
        }
        if (cls) {
            if (p[i] == ']')
                cls = 0;
            continue;
        }
        if (p[i] == '[') {
            cls = 1;
            if (i + 1 < n && (p[i + 1] == ']' || p[i + 1] == '^'))
                i++;
            if (i + 1 < n && p[i] == '^' && p[i + 1] == ']')
                i++;
            continue;
        }
        if (p[i] == '$' && i + 1 < n && p[i + 1] == '{') {
            size_t j = i + 2;

            while (j < n && name_char(p[j]))
                j++;
            if (j > i + 2 && j < n && p[j] == '}') {
                struct ast_str at = *s;

                at.col = s->col + 1 + (int)i;
                at.end_col = at.col + (int)(j + 1 - i);
                if (at.end_col > s->end_col)
                    at.end_col = s->end_col;
                diag(l, RL_SEV_ERROR, &at,
                     "compare with a string to use a variable: contains \"${name}\" or is "
                     "\"${name}\"; a literal '$' in a regex is written \\$",
                     "variables are not interpolated in a regex: '%.*s' can never match",
                     (int)(j + 1 - i), p + i);
                return;
            }
        }
    }
}

/* ---------------- folders ---------------- */

static void
check_folder(struct lint *l, const struct ast_str *s)
{
    struct buf v = BUF_INIT, w = BUF_INIT, help = BUF_INIT;
    int taint;
    const char *t, *last;
    size_t n;

    if (s == NULL)
        return;
    value_of(l, s, &v, &taint);
    as_written(s, &w);
    t = v.data;
    n = v.len;

    if (taint) {
        /* a ".." component written by the author: always refused */
        for (const char *c = t; c < t + n;) {
            const char *e = memchr(c, '/', (size_t)(t + n - c));
            size_t len = e ? (size_t)(e - c) : (size_t)(t + n - c);

            if (len == 2 && c[0] == '.' && c[1] == '.') {
                diag(l, RL_SEV_ERROR, s,
                     "name the folder from inside your mail root, e.g. \"~/Maildir/.${1}/\"",
                     "a folder built from the message may not contain '..': delivery always "
                     "refuses \"%s\" and files the message in the default mailbox", w.data);
                goto out;
            }
            c += len + 1;
        }
        if (t[0] == '/') {
            diag(l, RL_SEV_WARNING, s,
                 "write it below your Maildir, e.g. \"~/Maildir/.${1}/\", or relative "
                 "(\".${1}/\" is inside the mail root)",
                 "a folder built from the message must lie inside the mail root "
                 "(~/Maildir, ~/Mail by default): \"%s\" is delivered only if it names it",
                 w.data);
            goto out;
        }
    }

    /* "~/Maildir/.Spam": an mbox file inside a Maildir */
    if (n == 0 || t[n - 1] == '/' || (n >= 2 && t[n - 2] == '/' && t[n - 1] == '.'))
        goto out;
    last = NULL;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '/')
            last = t + i;
    if (last) {
        const char *pstart = last;

        while (pstart > t && pstart[-1] != '/')
            pstart--;
        if ((size_t)(last - pstart) == 7 && memcmp(pstart, "Maildir", 7) == 0) {
            buf_printf(&help, "write file \"%s/\" for the Maildir folder (a folder that "
                       "already exists as a Maildir is delivered to as one either way)",
                       w.data);
            diag(l, RL_SEV_WARNING, s, help.data,
                 "\"%s\" names an mbox file inside a Maildir (no '/' at the end)", w.data);
        }
    }
out:
    buf_free(&v);
    buf_free(&w);
    buf_free(&help);
}

/* ---------------- the walk ---------------- */

static void
walk_cond(struct lint *l, const struct ast *a)
{
    if (a == NULL)
        return;
    switch (a->kind) {
    case A_AND: case A_OR:
        walk_cond(l, a->l);
        walk_cond(l, a->r);
        break;
    case A_NOT:
        walk_cond(l, a->l);
        break;
    case A_HEADER: case A_ADDRESS:
        check_field_name(l, a->s1, a->kind == A_HEADER ? "header" : "address");
        if (a->cmp == RL_CMP_MATCHES)
            check_regex(l, a->s2);
        break;
    case A_BUILTIN:
        if (a->cmp == RL_CMP_MATCHES && a->s2 && a->s2->is_regex)
            check_regex(l, a->s2);
        break;
    default:
        break;
    }
}

static void
walk(struct lint *l, const struct ast *a)
{
    for (; a; a = a->next) {
        l->file = a->file;
        switch (a->kind) {
        case A_SET:
            set_var(l, a);
            break;
        case A_IF:
            walk_cond(l, a->cond);
            walk(l, a->body);
            l->file = a->file;
            walk(l, a->els);
            break;
        case A_RULE:
            walk(l, a->body);
            break;
        case A_ACTION:
            if (a->act == ACT_FILE)
                check_folder(l, a->s1);
            else if (a->act == ACT_HEADER_ADD || a->act == ACT_HEADER_SET ||
                     a->act == ACT_HEADER_REMOVE)
                check_field_name(l, a->s1,
                                 a->act == ACT_HEADER_ADD ? "header add" :
                                 a->act == ACT_HEADER_SET ? "header set" : "header remove");
            break;
        default:
            break;
        }
    }
}

int
rl_lint(struct rl_front *f)
{
    struct lint l;

    memset(&l, 0, sizeof l);
    l.f = f;
    walk(&l, f->top);
    for (size_t i = 0; i < l.nvars; i++) {
        free(l.vars[i].name);
        free(l.vars[i].value);
    }
    free(l.vars);
    return l.errors;
}
