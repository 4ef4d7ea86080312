/*
 * pmrc_parse.c -- a procmail rcfile split into items (pmrc_int.h) the way
 * procmail's own reader splits it: statements start at the beginning of
 * a word; '#' there starts a comment; ':' a recipe (":0 flags :lockfile",
 * then '*' conditions, comments and empty lines between them, then one
 * action line, or '{' and a nested block up to its '}'); anything else is
 * an assignment NAME=value (the value is one sh-like word: quotes,
 * backslashes, $VAR, ${VAR:-x}, `command`), or NAME alone (unset).
 *
 * Entry points: pm_parse(), pm_read_string(), pm_items_free().  Never
 * fails: what procmail would skip becomes a PM_JUNK item.
 */
#include "config.h"
#include "pmrc_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PM_RECIPE_FLAGS "HBDAaEehbfcwWir"
#define PM_MAX_NEST 256         /* nested blocks parsed (deeper: junk) */

struct src {
    const char *s;
    size_t n, i;
    int line;
    const char *file;
};

static int
peek(const struct src *r)
{
    return r->i < r->n ? (unsigned char)r->s[r->i] : -1;
}

static int
peek2(const struct src *r)
{
    return r->i + 1 < r->n ? (unsigned char)r->s[r->i + 1] : -1;
}

static int
get(struct src *r)
{
    int c = peek(r);

    if (c >= 0) {
        r->i++;
        if (c == '\n')
            r->line++;
    }
    return c;
}

static void
skip_blanks(struct src *r)
{
    while (peek(r) == ' ' || peek(r) == '\t')
        get(r);
}

static void
skip_line(struct src *r)
{
    int c;

    while ((c = get(r)) >= 0 && c != '\n')
        ;
}

static int
alnum_(int c)
{
    return c >= 0 && (isalnum(c) || c == '_');
}

int
pm_has_flag(const struct pm_item *r, int c)
{
    return strchr(r->flags, c) != NULL;
}

/* ------------------------------------------------------------------ */
/* words (procmail's readparse)                                         */
/* ------------------------------------------------------------------ */

enum { NOTHING_YET = -1, SKIPPING = 0, NORMAL = 1, DQUOTED = 2, SQUOTED = 3 };

struct wb {                     /* a word being built */
    struct pm_word w;
    struct buf lit;
    int lit_quoted;
};

static void
seg_push(struct pm_word *w, const struct pm_seg *s)
{
    w->v = xreallocarray(w->v, w->n + 1, sizeof *w->v);
    w->v[w->n++] = *s;
}

static void
flush_lit(struct wb *b)
{
    if (b->lit.len) {
        struct pm_seg s = { .kind = PM_SEG_LIT, .len = b->lit.len, .quoted = b->lit_quoted };
        s.s = buf_steal(&b->lit);
        seg_push(&b->w, &s);
    }
}

static void
add_lit(struct wb *b, int c, int quoted)
{
    if (b->lit.len && b->lit_quoted != quoted)
        flush_lit(b);
    b->lit_quoted = quoted;
    buf_addc(&b->lit, c);
}

static void
end_word(struct wb *b, struct pm_words *out)
{
    flush_lit(b);
    out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
    out->v[out->n++] = b->w;
    memset(&b->w, 0, sizeof b->w);
}

static void read_words(struct src *r, int mode, int got, int in_brace, struct pm_words *out);

/* After '$' (consumed): one expansion into b.  Returns 0, or the byte to
 * process next as ordinary text (not an expansion). */
static int
read_dollar(struct src *r, struct wb *b, int got)
{
    int c = peek(r), quoted = got == DQUOTED;
    struct pm_seg s;

    memset(&s, 0, sizeof s);
    s.quoted = quoted;
    if (c < 0) {
        add_lit(b, '$', quoted);
        return 0;
    }
    if (c == '{') {
        struct buf name = BUF_INIT;
        get(r);
        while (alnum_(peek(r)))
            buf_addc(&name, get(r));
        c = peek(r);
        s.kind = PM_SEG_VAR;
        s.len = name.len;
        s.s = buf_steal(&name);
        if (c == '}') {
            get(r);
        } else if (c == ':' || c == '-' || c == '+') {
            struct pm_words alt = { NULL, 0 };
            get(r);
            if (c == ':') {
                c = get(r);
                s.mod = c == '-' ? 'm' : c == '+' ? 'p' : 0;
            } else {
                s.mod = (char)c;
            }
            /* the alternative runs to the matching '}' */
            read_words(r, 1, got == DQUOTED ? DQUOTED : NORMAL, 1, &alt);
            s.alt = xcalloc(1, sizeof *s.alt);
            if (alt.n) {
                *s.alt = alt.v[0];
                for (size_t k = 1; k < alt.n; k++)
                    pm_word_free(&alt.v[k]);
            }
            free(alt.v);
        }
        /* anything else: procmail logs "Bad substitution" and goes on */
        flush_lit(b);
        seg_push(&b->w, &s);
        return 0;
    }
    if (c == '$' || c == '?' || c == '#' || c == '=' || c == '_' || c == '-' ||
        isdigit(c) || (c == '@' && quoted)) {
        get(r);
        s.kind = PM_SEG_SPECIAL;
        s.s = xmalloc(2);
        s.s[0] = (char)c;
        s.s[1] = '\0';
        s.len = 1;
        flush_lit(b);
        seg_push(&b->w, &s);
        return 0;
    }
    if (c == '\\' && alnum_(peek2(r))) {
        get(r);
        s.rxquote = 1;
        c = peek(r);
    }
    if (alnum_(c)) {
        struct buf name = BUF_INIT;
        while (alnum_(peek(r)))
            buf_addc(&name, get(r));
        s.kind = PM_SEG_VAR;
        s.len = name.len;
        s.s = buf_steal(&name);
        flush_lit(b);
        seg_push(&b->w, &s);
        return 0;
    }
    add_lit(b, '$', quoted);    /* not an expansion: a dollar sign */
    return 0;
}

/* A `command` (the opening backquote consumed). */
static void
read_backquote(struct src *r, struct wb *b, int got)
{
    struct buf cmd = BUF_INIT;
    struct pm_seg s;
    int c;

    for (;;) {
        c = get(r);
        if (c < 0 || c == '`')
            break;
        if (c == '"' && got == DQUOTED)
            break;              /* procmail: missing closing backquote */
        if (c == '\\') {
            int d = get(r);
            if (d < 0)
                break;
            if (d == '\n')
                continue;
            if (d == '\\' || d == '$' || d == '`' || (d == '"' && got == DQUOTED)) {
                buf_addc(&cmd, d);
                continue;
            }
            buf_addc(&cmd, '\\');
            buf_addc(&cmd, d);
            continue;
        }
        buf_addc(&cmd, c);
    }
    memset(&s, 0, sizeof s);
    s.kind = PM_SEG_CMD;
    s.quoted = got == DQUOTED;
    s.len = cmd.len;
    s.s = buf_steal(&cmd);
    flush_lit(b);
    seg_push(&b->w, &s);
}

/* procmail's readparse(): mode 0 splits words at blanks, mode 1 reads one
 * word, mode 2 keeps one blank between words.  Stops at an unquoted
 * newline (consumed), a comment, the end, or with in_brace at the '}'
 * that closes ${name:-...} (consumed). */
static void
read_words(struct src *r, int mode, int got, int in_brace, struct pm_words *out)
{
    struct wb b;

    memset(&b, 0, sizeof b);
    buf_init(&b.lit);
    for (;;) {
        int c = peek(r);

        if (c < 0)
            break;
        if (in_brace && c == '}' && got != SQUOTED) {
            get(r);
            break;
        }
        get(r);
        switch (c) {
        case '\\':
            if (got == SQUOTED)
                goto literal;
            c = get(r);
            if (c < 0)
                goto done;
            if (c == '\n')
                continue;                       /* joined lines */
            if (c == '#' && got > SKIPPING) {
                add_lit(&b, '\\', got == DQUOTED);
                add_lit(&b, '#', got == DQUOTED);
            } else if ((c == ' ' || c == '\t' || c == '\'' || c == '#') && got == DQUOTED) {
                add_lit(&b, '\\', 1);
                add_lit(&b, c, 1);
            } else if (c == ' ' || c == '\t' || c == '\'' || c == '#' || c == '"' ||
                       c == '\\' || c == '$' || c == '`' || c == '}') {
                add_lit(&b, c, got == DQUOTED);
            } else if (got == DQUOTED) {
                add_lit(&b, '\\', 1);
                add_lit(&b, c, 1);
            } else {
                add_lit(&b, c, 0);
            }
            if (got <= SKIPPING)
                got = NORMAL;
            continue;
        case '`':
            if (got == SQUOTED)
                goto literal;
            read_backquote(r, &b, got);
            if (got <= SKIPPING)
                got = NORMAL;
            continue;
        case '"':
            if (got == SQUOTED)
                goto literal;
            if (got == DQUOTED) {
                got = NORMAL;
                continue;
            }
            got = DQUOTED;
            continue;
        case '\'':
            if (got == DQUOTED)
                goto literal;
            if (got == SQUOTED) {
                got = NORMAL;
                continue;
            }
            got = SQUOTED;
            continue;
        case '#':
            if (got > SKIPPING)
                goto literal;
            skip_line(r);
            goto done;
        case '$':
            if (got == SQUOTED)
                goto literal;
            read_dollar(r, &b, got);
            if (got <= SKIPPING)
                got = NORMAL;
            continue;
        case ' ': case '\t':
            if (got == NORMAL) {
                if (mode == 1)
                    goto done;
                if (mode == 0) {
                    end_word(&b, out);
                } else {
                    add_lit(&b, ' ', 0);
                }
                got = SKIPPING;
                continue;
            }
            if (got <= SKIPPING)
                continue;
            goto literal;
        case '\n':
            if (got <= NORMAL)
                goto done;
            goto literal;
        default:
        literal:
            add_lit(&b, c, got == DQUOTED || got == SQUOTED);
            if (got <= SKIPPING)
                got = NORMAL;
            continue;
        }
    }
done:
    flush_lit(&b);
    if (b.w.n || (mode != 0 && out->n == 0) || (mode == 0 && got != SKIPPING && got != NOTHING_YET))
        end_word(&b, out);
    else
        pm_word_free(&b.w);
    buf_free(&b.lit);
}

void
pm_read_string(const char *s, size_t len, int mode, int dquote, struct pm_words *out)
{
    struct src r = { s, len, 0, 1, NULL };

    read_words(&r, mode, dquote ? DQUOTED : NOTHING_YET, 0, out);
}

/* ------------------------------------------------------------------ */
/* lines                                                               */
/* ------------------------------------------------------------------ */

/* The rest of the line, backslash-newline joining lines (the blanks that
 * start a joined line dropped unless keep_blanks), without the newline. */
static char *
read_line_joined(struct src *r, int keep_blanks)
{
    struct buf b = BUF_INIT;
    int c;

    while ((c = get(r)) >= 0 && c != '\n') {
        if (c == '\\' && peek(r) == '\n') {
            get(r);
            if (!keep_blanks)
                skip_blanks(r);
            continue;
        }
        buf_addc(&b, c);
    }
    return buf_steal(&b);
}

static char *
slice(const struct src *r, size_t from, size_t to)
{
    while (to > from && (r->s[to - 1] == '\n'))
        to--;
    return xstrndup(r->s + from, to - from);
}

/* ------------------------------------------------------------------ */
/* items                                                               */
/* ------------------------------------------------------------------ */

static struct pm_item *
new_item(const struct src *r, enum pm_item_kind k, int line)
{
    struct pm_item *it = xcalloc(1, sizeof *it);

    it->kind = k;
    it->file = r->file;
    it->line = it->end_line = line;
    return it;
}

static struct pm_item *parse_items(struct src *r, int depth, int *closed);

static void
parse_recipe(struct src *r, struct pm_item *it, int depth)
{
    size_t start = r->i;        /* at ':' */
    char *head;
    long nrcond = -1;
    const char *p;
    int skippedempty = 0;

    get(r);                     /* ':' */
    head = read_line_joined(r, 0);
    p = head;
    while (*p == ' ' || *p == '\t')
        p++;
    if (isdigit((unsigned char)*p)) {
        nrcond = strtol(p, (char **)&p, 10);
    }
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            break;
        if (*p == ':') {
            it->lock = 1;
            p++;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p && *p != '#') {
                size_t l = strcspn(p, " \t#");
                it->lockfile = xstrndup(p, l);
                p += l;
            }
            break;
        }
        if (strchr(PM_RECIPE_FLAGS, *p) && *p) {
            if (!strchr(it->flags, *p) && strlen(it->flags) + 1 < sizeof it->flags)
                it->flags[strlen(it->flags)] = *p;
            p++;
            continue;
        }
        break;                  /* procmail skips the rest ("Skipped") */
    }
    free(head);
    if (nrcond < 0)
        nrcond = !(pm_has_flag(it, 'A') || pm_has_flag(it, 'a') || pm_has_flag(it, 'E') ||
                   pm_has_flag(it, 'e'));
    /* conditions */
    for (;;) {
        int c;

        skip_blanks(r);
        --nrcond;
        c = peek(r);
        if (c < 0)
            break;              /* end of file: an old-style count (":N")
                                   can promise more lines than there are */
        if (c != '*') {
            if (nrcond < 0) {
                if (c == '#') {
                    skip_line(r);
                    continue;
                }
                if (c == '\n') {
                    get(r);
                    skippedempty = 1;
                    continue;
                }
                if (skippedempty && c == ':') {
                    it->act = PM_ACT_NONE;      /* "Missing action" */
                    it->end_line = r->line - 1;
                    it->src = slice(r, start, r->i);
                    return;
                }
                break;
            }
        } else {
            get(r);
        }
        skip_blanks(r);
        {
            struct pm_cond cd;
            char *t;
            size_t l;

            cd.line = r->line;
            t = read_line_joined(r, peek(r) == '$');
            l = strlen(t);
            while (l && (t[l - 1] == ' ' || t[l - 1] == '\t'))
                t[--l] = '\0';
            cd.text = t;
            /* doubling: thousands of conditions stay linear */
            if (it->ncond == 0 || (it->ncond >= 4 && (it->ncond & (it->ncond - 1)) == 0))
                it->conds = xreallocarray(it->conds, it->ncond ? it->ncond * 2 : 4,
                                          sizeof *it->conds);
            it->conds[it->ncond++] = cd;
        }
    }
    /* the action line */
    skip_blanks(r);
    it->act_line = r->line;
    {
        int c = peek(r);

        if (c < 0) {
            it->act = PM_ACT_NONE;
        } else if (c == '!') {
            get(r);
            it->act = PM_ACT_FORWARD;
            read_words(r, 0, NOTHING_YET, 0, &it->args);
        } else if (c == '|') {
            get(r);
            it->act = PM_ACT_PIPE;
            it->action_raw = read_line_joined(r, 1);
        } else if (c == '{' && (peek2(r) == ' ' || peek2(r) == '\t' || peek2(r) == '\n')) {
            int closed = 0;
            get(r);
            it->act = PM_ACT_BLOCK;
            it->src = slice(r, start, r->i);
            it->end_line = r->line;
            if (depth >= PM_MAX_NEST) {
                it->unclosed = 1;
                return;
            }
            it->block = parse_items(r, depth + 1, &closed);
            if (!closed) {
                /* procmail closes it at the end of the file (an included
                 * file: "Missing closing brace", then the includer goes on) */
                it->unclosed = 2;
            } else {
                /* the '}' just read: its line as written */
                size_t ls = r->i;
                while (ls > 0 && r->s[ls - 1] != '\n')
                    ls--;
                it->close_line = r->line;
                {
                    size_t le = r->i;
                    while (le < r->n && r->s[le] != '\n')
                        le++;
                    it->close_src = xstrndup(r->s + ls, le - ls);
                }
            }
            return;
        } else {
            /* VAR=| command captures the output */
            size_t k = r->i;
            while (k < r->n && alnum_((unsigned char)r->s[k]))
                k++;
            if (k > r->i) {
                size_t e = k;
                while (e < r->n && (r->s[e] == ' ' || r->s[e] == '\t'))
                    e++;
                if (e < r->n && r->s[e] == '=') {
                    size_t f = e + 1;
                    while (f < r->n && (r->s[f] == ' ' || r->s[f] == '\t'))
                        f++;
                    if (f < r->n && (r->s[f] == '|' || r->s[f] == '!')) {
                        it->capvar = xstrndup(r->s + r->i, k - r->i);
                        while (r->i <= f)
                            get(r);
                        if (r->s[f] == '|') {
                            it->act = PM_ACT_PIPE;
                            it->action_raw = read_line_joined(r, 1);
                        } else {
                            it->act = PM_ACT_FORWARD;
                            read_words(r, 0, NOTHING_YET, 0, &it->args);
                        }
                        goto out;
                    }
                }
            }
            it->act = PM_ACT_FOLDER;
            read_words(r, 0, NOTHING_YET, 0, &it->args);
        }
    }
out:
    it->end_line = r->i > 0 && r->s[r->i - 1] == '\n' ? r->line - 1 : r->line;
    it->src = slice(r, start, r->i);
}

static struct pm_item *
parse_items(struct src *r, int depth, int *closed)
{
    struct pm_item *head = NULL, **tail = &head;

    for (;;) {
        struct pm_item *it = NULL;
        size_t ls;
        int c;

        skip_blanks(r);
        c = peek(r);
        if (c < 0)
            break;
        ls = r->i;
        while (ls > 0 && r->s[ls - 1] != '\n')
            ls--;
        if (c == '\n') {
            /* an empty line (only when nothing else was on it) */
            int empty = 1;
            for (size_t k = ls; k < r->i; k++)
                if (r->s[k] != ' ' && r->s[k] != '\t')
                    empty = 0;
            if (empty)
                it = new_item(r, PM_BLANK, r->line);
            get(r);
            if (it == NULL)
                continue;
        } else if (c == '#') {
            size_t from = r->i;
            it = new_item(r, PM_COMMENT, r->line);
            skip_line(r);
            it->src = slice(r, from, r->i);
        } else if (c == ':') {
            it = new_item(r, PM_RECIPE, r->line);
            parse_recipe(r, it, depth);
        } else if (c == '}') {
            get(r);
            if (depth > 0) {
                *closed = 1;
                break;
            }
            it = new_item(r, PM_JUNK, r->line);
            it->src = xstrdup("}");
        } else if (alnum_(c)) {
            size_t from = r->i;
            struct buf name = BUF_INIT;

            it = new_item(r, PM_UNSET, r->line);
            while (alnum_(peek(r)))
                buf_addc(&name, get(r));
            it->name = buf_steal(&name);
            skip_blanks(r);
            if (peek(r) == '=') {
                struct pm_words w = { NULL, 0 };
                get(r);
                it->kind = PM_ASSIGN;
                skip_blanks(r);
                read_words(r, 1, NOTHING_YET, 0, &w);
                if (w.n) {
                    it->value = w.v[0];
                    for (size_t k = 1; k < w.n; k++)
                        pm_word_free(&w.v[k]);
                }
                free(w.v);
            }
            it->end_line = r->i > from && r->s[r->i - 1] == '\n' ? r->line - 1 : r->line;
            it->src = slice(r, from, r->i);
        } else {
            size_t from = r->i;
            it = new_item(r, PM_JUNK, r->line);
            skip_line(r);
            it->src = slice(r, from, r->i);
        }
        *tail = it;
        tail = &it->next;
    }
    return head;
}

struct pm_item *
pm_parse(const char *file, const char *text, size_t len)
{
    struct src r = { text, len, 0, 1, file };
    int closed = 0;

    return parse_items(&r, 0, &closed);
}

void
pm_word_free(struct pm_word *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].s);
        if (w->v[i].alt) {
            pm_word_free(w->v[i].alt);
            free(w->v[i].alt);
        }
    }
    free(w->v);
    w->v = NULL;
    w->n = 0;
}

void
pm_words_free(struct pm_words *w)
{
    for (size_t i = 0; i < w->n; i++)
        pm_word_free(&w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = 0;
}

void
pm_items_free(struct pm_item *it)
{
    while (it) {
        struct pm_item *n = it->next;

        free(it->src);
        free(it->name);
        pm_word_free(&it->value);
        free(it->lockfile);
        for (size_t i = 0; i < it->ncond; i++)
            free(it->conds[i].text);
        free(it->conds);
        free(it->action_raw);
        free(it->capvar);
        pm_words_free(&it->args);
        pm_items_free(it->block);
        free(it->close_src);
        free(it);
        it = n;
    }
}
