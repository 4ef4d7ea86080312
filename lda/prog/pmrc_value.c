/*
 * pmrc_value.c -- procmail's variables and values for the translator
 * (pmrc_emit.h): which weir variable or special a procmail variable is,
 * its procmail default, whether its value is known when translating
 * (then it can be written into a regex or decide a condition), and a
 * procmail value (literal text, $VAR, ${VAR:-alt}, $\VAR, `command`,
 * $$ and friends) as a weir string.
 *
 * Entry points: em_sym(), em_value(), em_expand_static(), em_assign(),
 * em_prologue(), em_note(), em_line().  Nothing fails: what cannot be
 * translated is reported in pm_val.bad or as a note.
 */
#include "config.h"
#include "pmrc_emit.h"
#include "registry.h"
#include "rl_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* output and notes                                                    */
/* ------------------------------------------------------------------ */

void
em_note(struct em *e, enum pmrc_note_kind k, int line, const char *fmt, ...)
{
    struct pmrc_result *r = e->res;
    struct buf b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    /* one note per text and line */
    for (size_t i = 0; i < r->nnotes; i++)
        if (r->notes[i].line == line && strcmp(r->notes[i].text, b.data) == 0 &&
            strcmp(r->notes[i].file, e->file) == 0) {
            buf_free(&b);
            return;
        }
    r->notes = xreallocarray(r->notes, r->nnotes + 1, sizeof *r->notes);
    r->notes[r->nnotes].kind = k;
    r->notes[r->nnotes].file = xstrdup(e->file);
    r->notes[r->nnotes].line = line;
    r->notes[r->nnotes].text = buf_steal(&b);
    r->nnotes++;
    if (k == PMRC_UNTRANSLATED)
        r->untranslated++;
}

void
em_line(struct em *e, const char *fmt, ...)
{
    va_list ap;

    for (int i = 0; i < e->indent; i++)
        buf_adds(&e->body, "    ");
    va_start(ap, fmt);
    buf_vprintf(&e->body, fmt, ap);
    va_end(ap);
    buf_addc(&e->body, '\n');
}

void
em_wescape(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\': buf_adds(b, "\\\\"); break;
        case '"': buf_adds(b, "\\\""); break;
        case '$': buf_adds(b, "\\$"); break;
        case '\n': buf_adds(b, "\\n"); break;
        case '\t': buf_adds(b, "\\t"); break;
        case '\r': buf_adds(b, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f || c >= 0x80) {
                if (c == 0)
                    break;      /* weir strings cannot hold NUL */
                buf_printf(b, "\\x%02x", c);
            } else {
                buf_addc(b, c);
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* variables                                                           */
/* ------------------------------------------------------------------ */

/* The environment variables weir passes on (weir(1) Start-up) that an MTA
 * sets: procmail saw them as variables too. */
static const char *const mta_env[] = {
    "SENDER", "RECIPIENT", "ORIGINAL_RECIPIENT", "EXTENSION", "LOCAL", "DOMAIN",
    "CLIENT_ADDRESS", "CLIENT_HOSTNAME", "CLIENT_HELO", "CLIENT_PROTOCOL", NULL
};

/* procmail's defaults (procmailrc(5) "Environment variable defaults"). */
static const struct { const char *name, *val; } defaults[] = {
    { "MAILDIR", "${home}" },
    { "ORGMAIL", "/var/mail/${user}" },
    { "DEFAULT", "/var/mail/${user}" },
    { "SENDMAIL", "/usr/sbin/sendmail" },
    { "SENDMAILFLAGS", "-oi" },
    { "SHELL", "/bin/sh" },
    { "SHELLMETAS", "&|<>~;?*[" },
    { "SHELLFLAGS", "-c" },
    { "LOCKEXT", ".lock" },
    { "MSGPREFIX", "msg." },
    { "PATH", "${home}/bin:/usr/local/bin:/usr/bin:/bin" },
    { "LINEBUF", "2048" },
    { "LOCKSLEEP", "8" },
    { "LOCKTIMEOUT", "1024" },
    { "TIMEOUT", "960" },
    { "SUSPEND", "16" },
    { "NORESRETRY", "4" },
    { "COMSAT", "no" },
    { "PROCMAIL_VERSION", "3.22" },
};

/* weir names a variable cannot have (weir-rules(5)): the specials and
 * the builtins' names. */
static int
reserved(const char *n)
{
    static const char *const r[] = {
        "user", "home", "extension", "sender", "recipient", "client", "env", "body",
        "attachment", "dnsbl", "rhsbl", "mismatch", "duplicate", "envelope",
        "size", "string", "procmail", "header", "address", "score", "true",
        "false", "not", "and", "or", NULL
    };

    for (size_t i = 0; r[i]; i++)
        if (strcmp(n, r[i]) == 0)
            return 1;
    for (int i = 0; i < RL_SP_COUNT; i++)
        if (strcmp(n, rl_special_names[i]) == 0)
            return 1;           /* every predefined name (score, reasons, ...) */
    if (rl_builtin_find(n) >= 0)
        return 1;               /* every builtin's name (program, ...) */
    if (strncmp(n, "pm_", 3) == 0)
        return 1;               /* the translator's own */
    return !(isalpha((unsigned char)n[0]));
}

/* A known value from a weir string body that only uses ${home} and
 * ${user}: the raw bytes with the translating user's values. */
static void
raw_of(const struct em *e, const char *w, struct buf *raw)
{
    while (*w) {
        if (strncmp(w, "${home}", 7) == 0) {
            buf_adds(raw, e->opt->home ? e->opt->home : "");
            w += 7;
        } else if (strncmp(w, "${user}", 7) == 0) {
            buf_adds(raw, e->opt->user ? e->opt->user : "");
            w += 7;
        } else if (*w == '\\' && w[1]) {
            buf_addc(raw, w[1]);
            w += 2;
        } else {
            buf_addc(raw, *w++);
        }
    }
}

struct pm_sym *
em_sym(struct em *e, const char *name)
{
    struct pm_sym *s;

    for (size_t i = 0; i < e->nsyms; i++)
        if (strcmp(e->syms[i]->name, name) == 0)
            return e->syms[i];
    e->syms = xreallocarray(e->syms, e->nsyms + 1, sizeof *e->syms);
    s = e->syms[e->nsyms++] = xcalloc(1, sizeof *s);
    s->name = xstrdup(name);
    buf_init(&s->raw);
    buf_init(&s->wstr);
    s->known = 1;               /* an unset variable is known: empty */
    if (strcmp(name, "HOME") == 0) {
        s->wname = xstrdup("home");
        s->special = 1;
        buf_adds(&s->wstr, "${home}");
    } else if (strcmp(name, "LOGNAME") == 0 || strcmp(name, "USER") == 0) {
        s->wname = xstrdup("user");
        s->special = 1;
        buf_adds(&s->wstr, "${user}");
    } else {
        for (size_t i = 0; mta_env[i]; i++)
            if (strcmp(name, mta_env[i]) == 0) {
                s->wname = xasprintf("env.%s", name);
                s->special = 1;
                s->known = 0;
                s->tainted = 1;
            }
        if (strcmp(name, "HOST") == 0) {
            /* the host name at delivery: the translating machine's, like
             * HOME and LOGNAME the translating user's */
            if (e->opt->host && e->opt->host[0]) {
                em_wescape(&s->wstr, e->opt->host, strlen(e->opt->host));
                s->init = xstrdup(s->wstr.data);
            } else {
                s->known = 0;
            }
        }
    }
    if (s->wname == NULL)
        s->wname = reserved(name) ? xasprintf("pm_%s", name) : xstrdup(name);
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (strcmp(name, defaults[i].name) == 0) {
            s->init = xstrdup(defaults[i].val);
            buf_adds(&s->wstr, defaults[i].val);
        }
    if (s->known)
        raw_of(e, s->wstr.data ? s->wstr.data : "", &s->raw);
    return s;
}

/* ------------------------------------------------------------------ */
/* values                                                              */
/* ------------------------------------------------------------------ */

void
em_alts_clear(struct pm_alts *a)
{
    for (size_t i = 0; i < a->n; i++) {
        buf_free(&a->raw[i]);
        buf_free(&a->w[i]);
    }
    a->n = 0;
}

void
em_alts_copy(struct pm_alts *dst, const struct pm_alts *src)
{
    em_alts_clear(dst);
    for (size_t i = 0; i < src->n; i++) {
        buf_init(&dst->raw[i]);
        buf_init(&dst->w[i]);
        buf_add(&dst->raw[i], src->raw[i].data ? src->raw[i].data : "", src->raw[i].len);
        buf_add(&dst->w[i], src->w[i].data ? src->w[i].data : "", src->w[i].len);
    }
    dst->n = src->n;
}

void
em_val_free(struct pm_val *v)
{
    buf_free(&v->w);
    buf_free(&v->raw);
}

/* procmail's $\VAR: "()" and the value with regex specials quoted. */
static void
rx_disarm(const char *s, size_t n, struct buf *out)
{
    buf_adds(out, "()");
    for (size_t i = 0; i < n; i++) {
        if (strchr("(|)*?+.^$[\\", s[i]))
            buf_addc(out, '\\');
        buf_addc(out, s[i]);
    }
}

static void
add_known(struct pm_val *v, const char *s, size_t n)
{
    em_wescape(&v->w, s, n);
    buf_add(&v->raw, s, n);
}

static void
add_sym_ref(struct em *e, struct pm_val *v, struct pm_sym *s)
{
    s->used = 1;
    buf_printf(&v->w, "${%s}", s->wname);
    if (s->known) {
        buf_add(&v->raw, s->raw.data ? s->raw.data : "", s->raw.len);
    } else {
        v->known = 0;
    }
    v->tainted |= s->tainted;
    (void)e;
}

/* A backquoted command split into blank-separated words, "..." or '...'
 * around (part of) a word taken off, as the shell would for a command with
 * no other metacharacters: the number of words (new strings), or -1 when
 * there are more than max or a quote is not closed. */
static int
cmd_words(const char *p, char **words, int max)
{
    int nw = 0;

    while (*p) {
        struct buf b = BUF_INIT;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        while (*p && *p != ' ' && *p != '\t') {
            if (*p == '"' || *p == '\'') {
                const char *q = strchr(p + 1, *p);
                if (q == NULL)
                    goto bad;
                buf_add(&b, p + 1, (size_t)(q - p - 1));
                p = q + 1;
            } else {
                buf_addc(&b, *p++);
            }
        }
        if (nw == max) {
        bad:
            buf_free(&b);
            for (int i = 0; i < nw; i++)
                free(words[i]);
            return -1;
        }
        words[nw++] = xstrdup(b.data ? b.data : "");
        buf_free(&b);
    }
    return nw;
}

/* `echo "$VAR" | tr A-Z a-z` (also '[A-Z]' '[a-z]', '[:upper:]'
 * '[:lower:]', and the other way): 1 with VAR (a new string) and which
 * case, for weir's ${VAR:lower} / ${VAR:upper} (ASCII letters, as tr's
 * ranges in the C locale). */
static int
case_idiom(const char *cmd, char **var, int *upper)
{
    static const char *const lo[] = { "a-z", "[a-z]", "[:lower:]", "'a-z'", "'[a-z]'",
                                      "'[:lower:]'", "\"a-z\"", "\"[a-z]\"",
                                      "\"[:lower:]\"", "\\[:lower:\\]", "\\[a-z\\]", NULL };
    static const char *const up[] = { "A-Z", "[A-Z]", "[:upper:]", "'A-Z'", "'[A-Z]'",
                                      "'[:upper:]'", "\"A-Z\"", "\"[A-Z]\"",
                                      "\"[:upper:]\"", "\\[:upper:\\]", "\\[A-Z\\]", NULL };
    const char *p = cmd, *q;
    char *words[4];
    int nw, from = -1, to = -1;
    size_t n;

    *var = NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "echo \"$", 7) != 0)
        return 0;
    p += 7;
    if (*p == '{') {
        q = strchr(p, '}');
        if (q == NULL || q[1] != '"')
            return 0;
        p++;
        n = (size_t)(q - p);
        q += 2;
    } else {
        for (q = p; isalnum((unsigned char)*q) || *q == '_'; q++)
            ;
        n = (size_t)(q - p);
        if (*q != '"')
            return 0;
        q++;
    }
    if (n == 0 || !(isalpha((unsigned char)*p) || *p == '_'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)p[i]) || p[i] == '_'))
            return 0;
    while (*q == ' ' || *q == '\t')
        q++;
    if (*q != '|')
        return 0;
    nw = cmd_words(q + 1, words, 4);
    if (nw < 0)
        return 0;
    if (nw == 3 && strcmp(words[0], "tr") == 0) {
        /* cmd_words took the quotes off: compare the bare forms */
        for (int i = 0; lo[i]; i++) {
            if (strcmp(words[1], up[i]) == 0 && strcmp(words[2], lo[i]) == 0)
                from = 0, to = 0;
            if (strcmp(words[1], lo[i]) == 0 && strcmp(words[2], up[i]) == 0)
                from = 1, to = 1;
        }
    }
    for (int i = 0; i < nw; i++)
        free(words[i]);
    if (from < 0 || to < 0)
        return 0;
    *upper = to;
    *var = xstrndup(p, n);
    return 1;
}

/* `date`, `date +FORMAT` (also /bin/date, /usr/bin/date): 1 with the
 * strftime format weir's ${date:...} takes (a new string) when the
 * command is just that and the format is one weir accepts; date's own
 * output without a format is "%a %b %e %H:%M:%S %Z %Y" (C locale). */
static int
date_idiom(const char *cmd, char **fmt)
{
    char *words[3];
    int nw = cmd_words(cmd, words, 3), ok = 0;
    char bad;

    *fmt = NULL;
    if (nw < 1)
        return 0;
    if ((strcmp(words[0], "date") == 0 || strcmp(words[0], "/bin/date") == 0 ||
         strcmp(words[0], "/usr/bin/date") == 0) &&
        (nw == 1 || (nw == 2 && words[1][0] == '+'))) {
        const char *f = nw == 1 ? "%a %b %e %H:%M:%S %Z %Y" : words[1] + 1;

        if (rl_date_format_ok(f, strlen(f), &bad)) {
            *fmt = xstrdup(f);
            ok = 1;
        }
    }
    for (int i = 0; i < nw; i++)
        free(words[i]);
    return ok;
}

/* Whether a value starts at the root: from its first byte when that is
 * known, else from the variable it starts with (paths in procmail's own
 * variables are absolute; others, e.g. $MATCH, are taken as relative). */
static void
set_abs(struct em *e, struct pm_val *v, const struct pm_seg *g)
{
    if (v->w.len > 0 || v->abs_guessed == 2)
        return;
    if (g->kind == PM_SEG_LIT) {
        v->abs = g->len > 0 && g->s[0] == '/';
    } else if (g->kind == PM_SEG_VAR && !g->rxquote) {
        struct pm_sym *s = em_sym(e, g->s);
        size_t nabs = 0;
        for (size_t k = 0; !s->known && k < s->alts.n; k++)
            nabs += s->alts.raw[k].len && s->alts.raw[k].data[0] == '/';
        if (s->known && s->raw.len)
            v->abs = s->raw.data[0] == '/';
        else if (!s->known && s->alts.n && (nabs == 0 || nabs == s->alts.n))
            v->abs = nabs != 0;     /* one of several values, all alike */
        else {
            v->abs = strcmp(g->s, "DEFAULT") == 0 || strcmp(g->s, "ORGMAIL") == 0 ||
                     strcmp(g->s, "MAILDIR") == 0 || strcmp(g->s, "HOME") == 0;
            v->abs_guessed = 1;
        }
    }
}

void
em_value(struct em *e, const struct pm_word *w, int sh, int line, struct pm_val *v)
{
    memset(v, 0, sizeof *v);
    buf_init(&v->w);
    buf_init(&v->raw);
    v->known = 1;
    for (size_t i = 0; w && i < w->n; i++) {
        const struct pm_seg *g = &w->v[i];

        set_abs(e, v, g);

        switch (g->kind) {
        case PM_SEG_LIT:
            add_known(v, g->s, g->len);
            break;
        case PM_SEG_CMD: {
            char *fmt;

            char *cv;
            int upper;

            if (g->s && date_idiom(g->s, &fmt)) {
                buf_printf(&v->w, "${date:%s}", fmt);   /* the clock: not tainted */
                free(fmt);
            } else if (g->s && case_idiom(g->s, &cv, &upper)) {
                struct pm_sym *cs = em_sym(e, cv);

                em_untr_use(e, cs, line);
                cs->used = 1;
                buf_printf(&v->w, "${%s:%s}", cs->wname, upper ? "upper" : "lower");
                v->tainted |= cs->tainted;
                em_note(e, PMRC_APPROX, line, "`echo \"$%s\" | tr ...` becomes ${%s:%s}: weir "
                        "changes the case of the ASCII letters, as tr does (procmail puts the "
                        "value into a shell command: $, ` and \\ in it would be the shell's)",
                        cv, cs->wname, upper ? "upper" : "lower");
                free(cv);
            } else {
                v->bad = "a `command` substitution (weir runs no program to compute a value)";
            }
            v->known = 0;
            break;
        }
        case PM_SEG_SPECIAL:
            switch (g->s[0]) {
            case '$':
                if (sh) {
                    buf_adds(&v->w, "\\$\\$");      /* the shell's process id */
                    v->known = 0;
                } else {
                    v->bad = "$$ (procmail's process id)";
                }
                break;
            case '_':
                add_known(v, e->file, strlen(e->file));
                break;
            case '-':
                if (!em_sym(e, "LASTFOLDER")->assigned)
                    v->bad = PM_LASTFOLDER_WHY;
                add_sym_ref(e, v, em_sym(e, "LASTFOLDER"));
                break;
            case '1':
                em_note(e, PMRC_INFO, line,
                        "$1 is taken as the address extension (${extension}): procmail gets "
                        "it with -a \"$EXTENSION\", as Postfix's usual mailbox_command passes it");
                buf_adds(&v->w, "${extension}");
                v->known = 0;
                v->tainted = 1;
                break;
            default:
                v->bad = g->s[0] == '=' ? "$= (the score of the last recipe)" :
                         g->s[0] == '?' ? "$? (the exit code of the last program)" :
                         g->s[0] == '#' ? "$# (procmail's argument count)" :
                         "$@ or $N (procmail's command-line arguments)";
                break;
            }
            break;
        case PM_SEG_VAR: {
            struct pm_sym *s = em_sym(e, g->s);

            if (strcmp(g->s, "LASTFOLDER") == 0 && !s->assigned)
                v->bad = PM_LASTFOLDER_WHY;
            em_untr_use(e, s, line);

            if (g->rxquote) {
                s->used = 1;
                if (s->known) {
                    struct buf d = BUF_INIT;
                    rx_disarm(s->raw.data ? s->raw.data : "", s->raw.len, &d);
                    add_known(v, d.data, d.len);
                    buf_free(&d);
                } else {
                    v->bad = "$\\VAR of a value only known at delivery (weir cannot quote it then)";
                }
                break;
            }
            if (g->mod == 0) {
                add_sym_ref(e, v, s);
                break;
            }
            if (g->mod == '-' || g->mod == '+')
                em_note(e, PMRC_APPROX, line, "${%s%c...}: weir does not tell an unset variable "
                        "from an empty one; translated as ${%s:%c...}", g->s, g->mod, g->s, g->mod);
            {
                int want_alt_if_empty = g->mod == 'm' || g->mod == '-';
                struct pm_val alt;

                if (s->known) {
                    int empty = s->raw.len == 0;
                    s->used = 1;
                    if (empty == want_alt_if_empty) {
                        em_value(e, g->alt, sh, line, &alt);
                        buf_add(&v->w, alt.w.data ? alt.w.data : "", alt.w.len);
                        buf_add(&v->raw, alt.raw.data ? alt.raw.data : "", alt.raw.len);
                        v->known &= alt.known;
                        v->tainted |= alt.tainted;
                        if (alt.bad)
                            v->bad = alt.bad;
                        em_val_free(&alt);
                    } else if (want_alt_if_empty) {
                        add_sym_ref(e, v, s);
                    }
                    break;
                }
                /* decided at delivery: a temporary variable */
                em_value(e, g->alt, sh, line, &alt);
                if (alt.bad)
                    v->bad = alt.bad;
                {
                    char *t = xasprintf("pm_v%d", ++e->tmp);
                    struct pm_sym *ts = em_sym(e, t);

                    free(ts->wname);
                    ts->wname = xstrdup(t);     /* the translator's own */
                    ts->known = 0;
                    ts->assigned = 1;
                    s->used = 1;
                    if (want_alt_if_empty) {
                        em_line(e, "set %s = \"${%s}\"", t, s->wname);
                        em_line(e, "if string \"${%s}\" is \"\" { set %s = \"%s\" }", s->wname, t,
                                alt.w.data ? alt.w.data : "");
                    } else {
                        em_line(e, "set %s = \"\"", t);
                        em_line(e, "if string \"${%s}\" is not \"\" { set %s = \"%s\" }", s->wname, t,
                                alt.w.data ? alt.w.data : "");
                    }
                    buf_printf(&v->w, "${%s}", t);
                    v->known = 0;
                    v->tainted |= s->tainted | alt.tainted;
                    free(t);
                }
                em_val_free(&alt);
            }
            break;
        }
        }
    }
}

int
em_expand_static(struct em *e, const char *text, struct buf *out, const char **why, int line)
{
    struct pm_words ws = { NULL, 0 };
    struct pm_val v;
    size_t start = e->body.len;
    int rc = 0;

    pm_read_string(text, strlen(text), 2, 1, &ws);
    for (size_t i = 0; i < ws.n; i++) {
        if (i)
            buf_addc(out, ' ');
        em_value(e, &ws.v[i], 0, line, &v);
        if (v.bad) {
            *why = v.bad;
            rc = -1;
        } else if (!v.known) {
            *why = "it uses a variable only known at delivery (weir's regexes are fixed when the rules are compiled)";
            rc = -1;
        }
        buf_add(out, v.raw.data ? v.raw.data : "", v.raw.len);
        em_val_free(&v);
    }
    /* statements written for a ${X:-y} decided at delivery: not wanted */
    if (rc < 0 && e->body.len > start) {
        e->body.len = start;
        e->body.data[start] = '\0';
    }
    pm_words_free(&ws);
    return rc;
}

/* The names of the variables a word refers to (${X:-alt} words too). */
static void
word_vars(const struct pm_word *w, char ***names, size_t *n)
{
    for (size_t i = 0; w && i < w->n; i++) {
        const struct pm_seg *g = &w->v[i];
        if (g->kind != PM_SEG_VAR)
            continue;
        {
            size_t k;
            for (k = 0; k < *n; k++)
                if (strcmp((*names)[k], g->s) == 0)
                    break;
            if (k == *n) {
                *names = xreallocarray(*names, *n + 1, sizeof **names);
                (*names)[(*n)++] = g->s;
            }
        }
        word_vars(g->alt, names, n);
    }
}

void
em_expansions_free(struct pm_expansion *x, int n)
{
    for (int i = 0; i < n; i++) {
        buf_free(&x[i].guard);
        buf_free(&x[i].text);
    }
    free(x);
}

int
em_expand_alts(struct em *e, const char *text, int line, struct pm_expansion **out)
{
    struct pm_words ws = { NULL, 0 };
    char **names = NULL;
    size_t nnames = 0, nv = 0;
    struct pm_sym *v[PM_MAX_COMBOS];
    struct pm_expansion *x = NULL;
    int combos = 1, nx = 0, rc = -1;

    *out = NULL;
    pm_read_string(text, strlen(text), 2, 1, &ws);
    for (size_t i = 0; i < ws.n; i++)
        word_vars(&ws.v[i], &names, &nnames);
    for (size_t i = 0; i < nnames; i++) {
        struct pm_sym *s = em_sym(e, names[i]);
        if (s->known)
            continue;
        if (s->alts.n == 0 || s->tainted || s->special || nv == PM_MAX_COMBOS)
            goto out;
        combos *= (int)s->alts.n;
        if (combos > PM_MAX_COMBOS)
            goto out;
        v[nv++] = s;
    }
    if (nv == 0)
        goto out;               /* unknown for another reason */
    x = xcalloc((size_t)combos, sizeof *x);
    for (int c = 0; c < combos; c++) {
        const char *why = NULL;
        int k = c, bad;

        buf_init(&x[c].guard);
        buf_init(&x[c].text);
        nx++;
        /* the c-th combination: each variable known with one value */
        for (size_t i = 0; i < nv; i++) {
            size_t a = (size_t)k % v[i]->alts.n;
            k /= (int)v[i]->alts.n;
            v[i]->known = 1;
            buf_reset(&v[i]->raw);
            buf_add(&v[i]->raw, v[i]->alts.raw[a].data ? v[i]->alts.raw[a].data : "",
                    v[i]->alts.raw[a].len);
            buf_printf(&x[c].guard, "%sstring \"${%s}\" is \"%s\"", i ? " and " : "",
                       v[i]->wname, v[i]->alts.w[a].data ? v[i]->alts.w[a].data : "");
        }
        e->in_alts++;
        bad = em_expand_static(e, text, &x[c].text, &why, line) < 0;
        e->in_alts--;
        for (size_t i = 0; i < nv; i++) {
            v[i]->known = 0;
            buf_reset(&v[i]->raw);
            v[i]->used = 1;
        }
        if (bad)
            goto out;
    }
    rc = nx;
    *out = x;
    x = NULL;
out:
    if (x)
        em_expansions_free(x, nx);
    free(names);
    pm_words_free(&ws);
    return rc;
}

/* ------------------------------------------------------------------ */
/* assignments                                                         */
/* ------------------------------------------------------------------ */

static int
is_one_of(const char *n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(n, list[i]) == 0)
            return 1;
    return 0;
}

/* A value that is just one `formail -...x NAME` command, the options
 * limited to r, t, z and c: which of them were given, and NAME. */
struct fm_cmd {
    int r, t, z, c;
    char *name;                 /* a new string */
};

static int
formail_cmd(const struct pm_word *w, struct fm_cmd *o)
{
    char *words[8];
    int nw, ok = 0, x = 0;

    memset(o, 0, sizeof *o);
    if (w == NULL || w->n != 1 || w->v[0].kind != PM_SEG_CMD || w->v[0].s == NULL)
        return 0;
    if ((nw = cmd_words(w->v[0].s, words, (int)(sizeof words / sizeof *words))) < 0)
        return 0;
    if (nw < 2 || !(strcmp(words[0], "formail") == 0 || strcmp(words[0], "/usr/bin/formail") == 0 ||
                    strcmp(words[0], "$FORMAIL") == 0 || strcmp(words[0], "${FORMAIL}") == 0))
        goto out;
    for (int i = 1; i < nw; i++) {
        const char *a = words[i];
        if (o->name != NULL)
            goto out;           /* more after the field name */
        if (x) {
            o->name = xstrdup(a);
            continue;
        }
        if (a[0] != '-' || a[1] == '\0')
            goto out;
        for (a++; *a; a++) {
            if (*a == 'r')
                o->r = 1;
            else if (*a == 't')
                o->t = 1;
            else if (*a == 'z')
                o->z = 1;
            else if (*a == 'c')
                o->c = 1;
            else if (*a == 'x') {
                x = 1;
                if (a[1])
                    o->name = xstrdup(a + 1);
                break;
            } else
                goto out;       /* -a, -i, -D ...: not just a value */
        }
    }
    if (o->name == NULL || o->name[0] == '\0')
        goto out;
    for (const char *q = o->name; *q; q++)
        if (!(isalnum((unsigned char)*q) || *q == '-' || *q == '_' || *q == '.' ||
              (*q == ':' && q[1] == '\0')))
            goto out;
    ok = 1;
out:
    for (int i = 0; i < nw; i++)
        free(words[i]);
    if (!ok) {
        free(o->name);
        o->name = NULL;
    }
    return ok;
}

/* VAR=`formail -xNAME:` (with -z and -c: formail(1)), the usual way to
 * put a header field into a variable: 1 with the field name (a new
 * string) and the options when the value is just that command. */
static int
formail_x_idiom(const struct pm_word *w, char **name, int *trim, int *join)
{
    struct fm_cmd o;

    *name = NULL;
    *trim = *join = 0;
    if (!formail_cmd(w, &o))
        return 0;
    if (o.r || o.t) {           /* -r, -t: another output */
        free(o.name);
        return 0;
    }
    *name = o.name;
    *trim = o.z;
    *join = o.c;
    return 1;
}

/* VAR=`formail -r[t][z]xTo:` (also -rt -zx To:), the address formail -r
 * would answer: 1 with -t and -z noted when the value is just that
 * command.  The reply header formail -r makes has only X-Loop: kept,
 * To:, Subject:, References: and In-Reply-To: fields: -xTo and -xTo:
 * take its To:. */
static int
formail_r_idiom(const struct pm_word *w, int *trust, int *trim)
{
    struct fm_cmd o;
    int ok;

    *trust = *trim = 0;
    if (!formail_cmd(w, &o))
        return 0;
    ok = o.r && !o.c && (strcasecmp(o.name, "To:") == 0 || strcasecmp(o.name, "To") == 0);
    *trust = o.t;
    *trim = o.z;
    free(o.name);
    return ok;
}

/* A variable whose last assignment was not translated: its uses see ""
 * in weir's rules, which the summary says where they are. */
void
em_untr_set(struct em *e, struct pm_sym *s, int line)
{
    free(s->untr_file);
    s->untr_file = xstrdup(e->file);
    s->untr_line = line;
}

void
em_untr_clear(struct pm_sym *s)
{
    free(s->untr_file);
    s->untr_file = NULL;
    s->untr_line = 0;
}

void
em_untr_use(struct em *e, struct pm_sym *s, int line)
{
    if (s->untr_file == NULL)
        return;
    if (strcmp(s->untr_file, e->file) == 0)
        em_note(e, PMRC_APPROX, line, "%s is set at line %d by a statement not translated: "
                "here it is empty", s->name, s->untr_line);
    else
        em_note(e, PMRC_APPROX, line, "%s is set at %s:%d by a statement not translated: "
                "here it is empty", s->name, s->untr_file, s->untr_line);
}

/* HOST unset, or set to a name that is not the host's: procmail stops
 * reading every rcfile at once and exits 0 without delivering (to the MTA
 * the message seems delivered): weir's discard, then stop. */
static void
host_stop(struct em *e, int line, const char *what)
{
    em_note(e, PMRC_APPROX, line, "%s: procmail stops here and drops the message (to the MTA it "
            "seems delivered): translated as discard and stop", what);
    em_line(e, "discard");
    em_line(e, "stop");
}

/* s now holds text from the message, only known at delivery. */
static void
set_from_message(struct pm_sym *s)
{
    em_untr_clear(s);
    s->assigned = 1;
    s->used = 1;
    s->known = 0;
    s->tainted = 1;
    em_alts_clear(&s->alts);
    buf_reset(&s->raw);
    buf_reset(&s->wstr);
}

/* VAR=`formail -x...` or `formail -r...xTo:` (also VAR=| formail ...,
 * value a command segment): procmail extract or procmail reply into the
 * variable.  1 when value is such a command (the statements written). */
int
em_assign_formail(struct em *e, struct pm_sym *s, const struct pm_word *value, int line)
{
    {
        char *fname;
        int trim, join;

        if (!s->special && formail_x_idiom(value, &fname, &trim, &join)) {
            em_line(e, "set %s = \"\"", s->wname);
            em_line(e, "if procmail extract \"%s\"%s%s { set %s = \"${procmail.field}\" }",
                    fname, trim ? " trim" : "", join ? " join" : "", s->wname);
            if (strchr(fname, ':'))
                em_note(e, PMRC_INFO, line, "%s=`formail -x%s`: the %s field as formail -x "
                        "gives it (procmail extract)", s->name, fname, fname);
            else
                em_note(e, PMRC_INFO, line, "%s=`formail -x%s`: every field whose name "
                        "starts with %s, as formail -x gives them (procmail extract)", s->name,
                        fname, fname);
            free(fname);
            set_from_message(s);
            return 1;
        }
    }
    {
        int trust, trim;

        if (!s->special && formail_r_idiom(value, &trust, &trim)) {
            em_line(e, "set %s = \"\"", s->wname);
            em_line(e, "if procmail reply%s%s { set %s = \"${procmail.field}\" }",
                    trust ? " trust" : "", trim ? " trim" : "", s->wname);
            em_note(e, PMRC_INFO, line, "%s=`formail -r%s%sxTo:`: the address formail -r "
                    "answers (procmail reply)", s->name, trust ? "t" : "", trim ? "z" : "");
            set_from_message(s);
            return 1;
        }
    }
    return 0;
}

void
em_assign(struct em *e, const struct pm_item *it)
{
    static const char *const quiet[] = {
        "VERBOSE", "LOGABSTRACT", "COMSAT", "LOCKSLEEP", "LOCKTIMEOUT", "TIMEOUT",
        "SUSPEND", "NORESRETRY", "LINEBUF", "LOCKEXT", "MSGPREFIX", "SHELLFLAGS",
        "SHELLMETAS", "DROPPRIVS", NULL
    };
    struct pm_sym *s = em_sym(e, it->name);
    struct pm_val v;

    if (it->kind == PM_UNSET) {
        if (strcmp(it->name, "HOST") == 0) {
            host_stop(e, it->line, "unsetting HOST");
            return;
        }
        if (s->special) {
            em_note(e, PMRC_UNTRANSLATED, it->line, "unsetting %s (weir's %s cannot change)",
                    it->name, s->wname);
            em_line(e, "# weir import: not translated (see the summary)");
            return;
        }
        em_line(e, "set %s = \"\"", s->wname);
        em_untr_clear(s);
        s->assigned = 1;
        s->known = 1;
        em_alts_clear(&s->alts);
        buf_reset(&s->raw);
        buf_reset(&s->wstr);
        s->tainted = 0;
        return;
    }
    if (em_assign_formail(e, s, &it->value, it->line))
        return;
    em_value(e, &it->value, 0, it->line, &v);
    if (v.bad) {
        em_note(e, PMRC_UNTRANSLATED, it->line, "%s=...: %s", it->name, v.bad);
        em_line(e, "# weir import: not translated (see the summary)");
        /* from here on its value is unknown (and empty in weir's rules) */
        em_untr_set(e, s, it->line);
        s->known = 0;
        em_alts_clear(&s->alts);
        s->assigned = 1;
        if (!s->special)
            s->used = 1;
        em_val_free(&v);
        return;
    }
    if (s->special) {
        em_note(e, PMRC_UNTRANSLATED, it->line, "assigning %s (weir's %s cannot change)",
                it->name, s->wname);
        em_line(e, "# weir import: not translated (see the summary)");
        em_val_free(&v);
        return;
    }
    em_untr_clear(s);
    if (strcmp(it->name, "LOG") == 0) {
        /* LOG=text appends text to the log file */
        struct buf t = BUF_INIT;
        buf_add(&t, v.w.data ? v.w.data : "", v.w.len);
        while (t.len >= 2 && memcmp(t.data + t.len - 2, "\\n", 2) == 0)
            t.len -= 2;
        if (t.data)
            t.data[t.len] = '\0';
        if (t.len)
            em_line(e, "log \"%s\"", t.data);
        buf_free(&t);
    } else if (strcmp(it->name, "LOGFILE") == 0) {
        em_note(e, PMRC_INFO, it->line, "LOGFILE: weir writes its own log (syslog, or ~/.weir/log: "
                "weir.yaml(5) logging); LOG= lines become log actions");
    } else if (strcmp(it->name, "DEFAULT") == 0) {
        e->default_assigned = 1;
    } else if (strcmp(it->name, "UMASK") == 0) {
        em_note(e, PMRC_INFO, it->line, "UMASK: weir creates every file with umask 077");
    } else if (strcmp(it->name, "LOCKFILE") == 0) {
        em_note(e, PMRC_INFO, it->line, "LOCKFILE (a global lock): weir locks each mbox itself "
                "and needs no global lock");
    } else if (strcmp(it->name, "PATH") == 0) {
        em_note(e, PMRC_APPROX, it->line, "PATH: programs weir runs get PATH=/usr/bin:/bin; "
                "write programs elsewhere with their full path");
    } else if (strcmp(it->name, "SHELL") == 0 && strcmp(v.raw.data ? v.raw.data : "", "/bin/sh") != 0) {
        em_note(e, PMRC_APPROX, it->line, "SHELL: weir runs commands with /bin/sh");
    } else if (strcmp(it->name, "HOST") == 0) {
        if (v.known && e->opt->host && e->opt->host[0] &&
            strcmp(v.raw.data ? v.raw.data : "", e->opt->host) != 0) {
            char what[300];

            snprintf(what, sizeof what, "HOST=%.*s, not this host (%s)",
                     (int)(v.raw.len > 64 ? 64 : v.raw.len), v.raw.data ? v.raw.data : "",
                     e->opt->host);
            host_stop(e, it->line, what);
            em_val_free(&v);
            return;
        }
        if (!v.known || !e->opt->host || !e->opt->host[0])
            em_note(e, PMRC_UNTRANSLATED, it->line, "HOST=...: procmail stops reading the rcfile "
                    "when this is not the host name, and the value is known only at delivery");
    } else if (is_one_of(it->name, (const char *const[]){ "TRAP", "EXITCODE", "DELIVERED", "SHIFT",
                                                           NULL })) {
        em_note(e, PMRC_UNTRANSLATED, it->line, "%s=...: this procmail control has no weir equivalent",
                it->name);
    } else if (is_one_of(it->name, quiet)) {
        /* no effect under weir; kept as a variable in case it is used */
    }
    em_line(e, "set %s = \"%s\"", s->wname, v.w.data ? v.w.data : "");
    s->assigned = 1;
    s->known = v.known;
    s->tainted = v.tainted;
    em_alts_clear(&s->alts);
    buf_reset(&s->raw);
    buf_add(&s->raw, v.raw.data ? v.raw.data : "", v.raw.len);
    buf_reset(&s->wstr);
    buf_add(&s->wstr, v.w.data ? v.w.data : "", v.w.len);
    em_val_free(&v);
}

void
em_prologue(struct em *e, struct buf *out)
{
    int any = 0;

    for (size_t i = 0; i < e->nsyms; i++) {
        const struct pm_sym *s = e->syms[i];
        if (!s->used || s->special)
            continue;
        if (strcmp(s->name, "HOST") == 0 && s->init)
            em_note(e, PMRC_INFO, 0, "$HOST is taken to be %s, the name of the machine the "
                    "translation was made on (weir import --host)", s->raw.data ? s->raw.data : "");
        if (!any)
            buf_adds(out, "# procmail's variables this file uses, with procmail's defaults\n");
        any = 1;
        buf_printf(out, "set %s = \"%s\"\n", s->wname, s->init ? s->init : "");
    }
    if (e->flags_used)
        buf_adds(out, "# procmail's recipe chain state (A, E flags): last conditions met, "
                      "previous recipe ran\nset pm_last = \"\"\nset pm_prev = \"\"\n");
    if (e->fail_used)
        buf_adds(out, "# the previous recipe's action failed (for e recipes)\nset pm_fail = \"\"\n");
    if (any || e->flags_used || e->fail_used)
        buf_addc(out, '\n');
}
