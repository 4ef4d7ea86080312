/*
 * pmre_probe.c -- test driver for the procmail regex translation
 * (lda/prog/pmrc_regex.c) through the real rule VM and the real `procmail`
 * builtin (builtins/bi_procmail.c).  Used by tests/import/regex.sh, which
 * runs the same cases through procmail itself and compares.  Not installed.
 *
 *   pmre_probe run TEXT REGEXES     for every regex (a line "FLAGS<TAB>RE",
 *                                   FLAGS "-" or "D"), search TEXT as the
 *                                   body of a message (procmail's B area)
 *                                   and print "i 1 [MATCH]" or "i 0"
 *   pmre_probe rc TEXT REGEXES OUT  write the procmail rcfile that does
 *                                   the same (LOG lines, see parse)
 *   pmre_probe parse LOG N          procmail's LOG lines -> "i 1 [MATCH]"
 *                                   / "i 0", like run prints them
 *   pmre_probe gen SEED N DIR       N random texts DIR/t.K and regexes
 *                                   DIR/re (procmail's own syntax, small
 *                                   alphabets so that they often match)
 *
 * MATCH is printed with \n, \\ and \xHH escapes; the probe turns the
 * builtin's code points 0x80-0xff back into bytes, as procmail has them.
 */
#include "config.h"
#include "pmrc.h"
#include "rl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
slurp(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    char tmp[4096];
    size_t n;

    if (f == NULL) {
        perror(path);
        return -1;
    }
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(out, tmp, n);
    fclose(f);
    return 0;
}

static void
print_escaped(const char *s, size_t n, int from_utf8)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (from_utf8 && (c == 0xc2 || c == 0xc3) && i + 1 < n) {
            c = (unsigned char)(((c & 0x3) << 6) | ((unsigned char)s[i + 1] & 0x3f));
            i++;
        }
        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\\')
            fputs("\\\\", stdout);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

/* ---------------- run ---------------- */

struct body { const char *p; size_t n; };

static int
get_body(void *ctx, const char **p, size_t *len)
{
    struct body *b = ctx;
    *p = b->p;
    *len = b->n;
    return 0;
}

struct seen { int set; struct buf val; };

static void
on_trace(void *ctx, const struct rl_trace_event *ev)
{
    struct seen *s = ctx;

    if (ev->kind == RL_TR_SET && ev->value) {
        s->set = 1;
        buf_reset(&s->val);
        buf_adds(&s->val, ev->value);
    }
}

static int
translate(const char *flags, const char *re, struct buf *rule, int *split)
{
    struct buf ex = BUF_INIT, pat = BUF_INIT;
    struct pmre_result res;
    char err[128];
    int force = 0;
    unsigned fl = strchr(flags, 'D') ? 0 : PMRE_CASELESS;

    struct buf trimmed = BUF_INIT;

    /* procmail strips white space at the end of a condition */
    buf_adds(&trimmed, re);
    while (trimmed.len && (trimmed.data[trimmed.len - 1] == ' ' ||
                           trimmed.data[trimmed.len - 1] == '\t'))
        trimmed.data[--trimmed.len] = '\0';
    pmre_macros(trimmed.data ? trimmed.data : "", &ex, &force);
    buf_free(&trimmed);
    if (force)
        fl |= PMRE_CASELESS;
    if (pmre_translate(ex.data, ex.len, fl, &pat, &res, err, sizeof err) < 0) {
        buf_free(&ex);
        buf_free(&pat);
        return -1;
    }
    buf_printf(rule, "if procmail body matches /%s/%s { set m = \"%s\" }\n", pat.data,
               fl & PMRE_CASELESS ? "i" : "", res.split ? "${1}" : "");
    *split = res.split;
    buf_free(&ex);
    buf_free(&pat);
    return 0;
}

static int
cmd_run(const char *textf, const char *ref)
{
    struct buf text = BUF_INIT, res = BUF_INIT;
    char *save = NULL;
    int i = 0;

    if (slurp(textf, &text) < 0 || slurp(ref, &res) < 0)
        return 2;
    for (char *line = strtok_r(res.data ? res.data : (char *)"", "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), i++) {
        char *tab = strchr(line, '\t');
        struct buf rule = BUF_INIT;
        struct rl_diags d;
        struct rl_program *p;
        int split = 0;

        if (tab == NULL)
            continue;
        *tab = '\0';
        if (translate(line, tab + 1, &rule, &split) < 0) {
            printf("%d invalid\n", i);
            continue;
        }
        rl_diags_init(&d);
        p = rl_compile("probe", rule.data, rule.len, NULL, NULL, &d);
        if (p == NULL) {
            struct buf e = BUF_INIT;
            rl_diags_format(&d, &e);
            printf("%d compile-error %s", i, e.data);
            buf_free(&e);
        } else {
            struct body b = { text.data ? text.data : "", text.len };
            struct rl_msg m;
            struct action_list al;
            struct status st;
            const char *hdr = "Subject: x\n\n";

            memset(&m, 0, sizeof m);
            m.header = hdr;
            m.header_len = strlen(hdr);
            m.size = m.header_len + text.len;
            m.get_body = get_body;
            m.body_ctx = &b;
            m.envelope_from = "";
            struct seen seen = { 0, BUF_INIT };
            struct rl_trace tr = { on_trace, &seen };

            actions_init(&al);
            rl_run(p, &m, NULL, NULL, &al, &tr, &st);
            if (seen.set) {
                printf("%d 1 [", i);
                print_escaped(seen.val.data ? seen.val.data : "", seen.val.len, 1);
                puts("]");
            } else {
                printf("%d 0\n", i);
            }
            buf_free(&seen.val);
            actions_free(&al);
            rl_program_free(p);
        }
        rl_diags_free(&d);
        buf_free(&rule);
    }
    buf_free(&text);
    buf_free(&res);
    return 0;
}

/* ---------------- procmail side ---------------- */

static int
cmd_rc(const char *ref, const char *outf)
{
    struct buf res = BUF_INIT;
    FILE *o;
    char *save = NULL;
    int i = 0;

    if (slurp(ref, &res) < 0 || (o = fopen(outf, "w")) == NULL)
        return 2;
    for (char *line = strtok_r(res.data ? res.data : (char *)"", "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), i++) {
        char *tab = strchr(line, '\t');
        if (tab == NULL)
            continue;
        *tab = '\0';
        /* "* \RE" where RE starts with what a condition would take for
         * special ($ ! ? < > \ a weight), so procmail searches RE itself;
         * not otherwise: a backslash before ^TO_ turns the macro off */
        const char *re = tab + 1;
        int quote = re[0] && (strchr("$!?<>\\+-.,0123456789", re[0]) != NULL || strstr(re, "??"));
        fprintf(o, "MATCH\n:0 B%s\n* %s%s\n{ LOG=\"<<<R %d [$MATCH]>>>\n\" }\n",
                strchr(line, 'D') ? "D" : "", quote ? "\\" : "", re, i);
    }
    /* no mailbox write at the end: procmail's first delivery into a new
     * mbox sleeps a second */
    fputs(":0\n/dev/null\n", o);
    fclose(o);
    buf_free(&res);
    return 0;
}

static int
cmd_parse(const char *logf, int n)
{
    struct buf log = BUF_INIT;
    char **match = calloc((size_t)n + 1, sizeof *match);
    size_t *mlen = calloc((size_t)n + 1, sizeof *mlen);
    const char *p, *end;

    if (slurp(logf, &log) < 0) {
        buf_reset(&log);        /* no log: nothing matched */
    }
    p = log.data ? log.data : "";
    end = p + log.len;
    while ((p = strstr(p, "<<<R ")) != NULL) {
        char *q;
        long k = strtol(p + 5, &q, 10);
        const char *close;

        if (*q != ' ' || q[1] != '[' || k < 0 || k >= n) {
            p += 5;
            continue;
        }
        close = strstr(q + 2, "]>>>");
        if (close == NULL || close > end)
            break;
        match[k] = (char *)q + 2;
        mlen[k] = (size_t)(close - (q + 2));
        match[k] = xstrndup(match[k], mlen[k]);
        p = close + 4;
    }
    for (int i = 0; i < n; i++) {
        if (match[i]) {
            printf("%d 1 [", i);
            print_escaped(match[i], mlen[i], 0);
            puts("]");
            free(match[i]);
        } else {
            printf("%d 0\n", i);
        }
    }
    free(match);
    free(mlen);
    buf_free(&log);
    return 0;
}

/* ---------------- random cases ---------------- */

static unsigned long rng;

static unsigned
rnd(unsigned n)
{
    rng = rng * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)((rng >> 33) % n);
}

static void
gen_re(struct buf *b, int depth)
{
    static const char *const atoms[] = {
        "a", "b", "A", "B", "x", ".", "^", "$", "[ab]", "[^a]", "[a-b]", "[]a]",
        "[^]b]", "\\<", "\\>", "\\.", " ", "-", "\\*", "\xe9", "[\xe0-\xff]", "[^a\xe9]"
    };
    int n = 1 + (int)rnd(5);

    for (int i = 0; i < n; i++) {
        unsigned k = rnd(100);
        if (k < 12 && depth < 3) {
            buf_addc(b, '(');
            gen_re(b, depth + 1);
            if (rnd(3) == 0) {
                buf_addc(b, '|');
                gen_re(b, depth + 1);
            }
            buf_addc(b, ')');
        } else {
            buf_adds(b, atoms[rnd(sizeof atoms / sizeof atoms[0])]);
        }
        k = rnd(100);
        if (k < 15)
            buf_addc(b, '*');
        else if (k < 22)
            buf_addc(b, '+');
        else if (k < 29)
            buf_addc(b, '?');
    }
}

static int
cmd_gen(unsigned long seed, int n, const char *dir)
{
    static const char alpha[] = "abAB x-.\n\n*\xe9";
    char path[4096];
    FILE *f;

    rng = seed;
    for (int t = 0; t < n; t++) {
        int len = (int)rnd(24);
        snprintf(path, sizeof path, "%s/t.%d", dir, t);
        if ((f = fopen(path, "wb")) == NULL)
            return 2;
        for (int i = 0; i < len; i++)
            fputc(alpha[rnd(sizeof alpha - 1)], f);
        if (rnd(4))
            fputc('\n', f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/re", dir);
    if ((f = fopen(path, "w")) == NULL)
        return 2;
    for (int r = 0; r < 60; r++) {
        struct buf b = BUF_INIT;
        unsigned k = rnd(100);
        if (k < 8)
            buf_adds(&b, "^^");
        gen_re(&b, 0);
        if (rnd(100) < 25) {
            buf_adds(&b, "\\/");
            gen_re(&b, 1);
        }
        if (rnd(100) < 8)
            buf_adds(&b, "^^");
        /* a condition loses its leading and trailing blanks */
        while (b.len && b.data[b.len - 1] == ' ')
            b.data[--b.len] = '\0';
        fprintf(f, "%s\t%s\n", rnd(4) ? "-" : "D", b.data + strspn(b.data, " "));
        buf_free(&b);
    }
    fclose(f);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "run") == 0)
        return cmd_run(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "rc") == 0)
        return cmd_rc(argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "parse") == 0)
        return cmd_parse(argv[2], atoi(argv[3]));
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return cmd_gen(strtoul(argv[2], NULL, 10), atoi(argv[3]), argv[4]);
    fprintf(stderr, "usage: pmre_probe run TEXT REGEXES | rc TEXT REGEXES OUT | "
            "parse LOG N | gen SEED N DIR\n");
    return 64;
}
