/*
 * diag.c -- diagnostics of the rule compiler: a list of {severity, file,
 * line, col, end_col, message, help, source line} and the formatter that
 * prints them in the Rust/Elm style (file:line:col: error: ..., the line as
 * written, a caret under the span, "= help: ...").
 *
 * Entry points: rl_diags_init/free, rl_diag_add (internal), rl_diag_format,
 * rl_diags_format.  Allocation only; never fails.
 */
#include "config.h"
#include "rl_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIAG_MAX 200            /* more than this and only a count is kept */

void
rl_diags_init(struct rl_diags *d)
{
    memset(d, 0, sizeof *d);
}

void
rl_diags_free(struct rl_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].message);
        free(d->v[i].help);
        free(d->v[i].source_line);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* The text of line `line` (1-based) of src, without its newline. */
static char *
line_of(const char *src, size_t len, int line)
{
    size_t i = 0;
    int l = 1;

    if (src == NULL || line < 1)
        return NULL;
    while (l < line && i < len) {
        if (src[i++] == '\n')
            l++;
    }
    if (l != line)
        return NULL;
    size_t e = i;
    while (e < len && src[e] != '\n')
        e++;
    if (e > i && src[e - 1] == '\r')
        e--;
    char *s = xstrndup(src + i, e - i);
    for (char *p = s; *p; p++)         /* keep the output one line */
        if (*p == '\r' || ((unsigned char)*p < 0x20 && *p != '\t'))
            *p = ' ';
    return s;
}

void
rl_diag_add(struct rl_diags *d, enum rl_severity sev, const char *file,
            const char *src, size_t srclen, int line, int col, int end_col,
            const char *help, const char *fmt, ...)
{
    struct rl_diag *g;
    va_list ap;
    struct buf b = BUF_INIT;

    if (d == NULL)
        return;
    if (sev == RL_SEV_ERROR)
        d->nerrors++;
    else if (sev == RL_SEV_WARNING)
        d->nwarnings++;
    if (d->n >= DIAG_MAX)
        return;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
    }
    g = &d->v[d->n++];
    memset(g, 0, sizeof *g);
    g->severity = sev;
    g->file = xstrdup(file ? file : "-");
    g->line = line;
    g->col = col;
    g->end_col = end_col > col ? end_col : col + 1;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    g->message = buf_steal(&b);
    g->help = help ? xstrdup(help) : NULL;
    g->source_line = line_of(src, srclen, line);
}

static const char *
sev_name(enum rl_severity s)
{
    switch (s) {
    case RL_SEV_ERROR: return "error";
    case RL_SEV_WARNING: return "warning";
    case RL_SEV_NOTE: return "note";
    }
    return "error";
}

void
rl_diag_format(const struct rl_diag *d, struct buf *out)
{
    char num[32];
    int w;

    if (d->line > 0)
        buf_printf(out, "%s:%d:%d: %s: %s\n", d->file, d->line, d->col,
                   sev_name(d->severity), d->message);
    else
        buf_printf(out, "%s: %s: %s\n", d->file, sev_name(d->severity), d->message);
    w = snprintf(num, sizeof num, "%d", d->line);
    if (w < 0 || (size_t)w >= sizeof num)
        w = 1;
    if (d->source_line && d->line > 0) {
        size_t sl = strlen(d->source_line);

        buf_printf(out, "%*s |\n", w, "");
        buf_printf(out, "%s | %s\n", num, d->source_line);
        buf_printf(out, "%*s | ", w, "");
        /* copy tabs so the caret lines up under the span */
        for (int c = 1; c < d->col; c++)
            buf_addc(out, (size_t)(c - 1) < sl && d->source_line[c - 1] == '\t' ? '\t' : ' ');
        for (int c = d->col; c < d->end_col; c++)
            buf_addc(out, '^');
        buf_addc(out, '\n');
    }
    if (d->help)
        buf_printf(out, "%*s = help: %s\n", w, "", d->help);
}

/* Order: files in order of first mention, then line, then column; stable
 * (parse and compile diagnostics of one file interleave by position). */
void
rl_diags_sort(struct rl_diags *d)
{
    for (size_t i = 1; i < d->n; i++) {
        struct rl_diag x = d->v[i];
        size_t fx = 0, j = i;

        while (fx < i && strcmp(d->v[fx].file, x.file) != 0)
            fx++;
        while (j > 0) {
            const struct rl_diag *y = &d->v[j - 1];
            size_t fy = 0;
            while (strcmp(d->v[fy].file, y->file) != 0)
                fy++;
            if (fy < fx || (fy == fx && (y->line < x.line ||
                (y->line == x.line && y->col <= x.col))))
                break;
            d->v[j] = d->v[j - 1];
            j--;
        }
        d->v[j] = x;
    }
}

void
rl_diags_format(const struct rl_diags *d, struct buf *out)
{
    for (size_t i = 0; i < d->n; i++)
        rl_diag_format(&d->v[i], out);
    if (d->nerrors + d->nwarnings > d->n)
        buf_printf(out, "(%zu more diagnostics not shown)\n",
                   d->nerrors + d->nwarnings - d->n);
}
