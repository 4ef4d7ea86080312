/*
 * fuzz_pmrc.c -- libFuzzer target for weir import procmailrc
 * (lda/prog/pmrc.h).  The first byte picks the part:
 *   'R'  the rest is one procmail regular expression: pmre_translate()
 *        either rejects it or writes a pattern PCRE2 compiles with weir's
 *        options (anything else aborts);
 *   'F'  the rest is a message: the next byte's bits say -t (1), -z (2)
 *        and whether its first line is a From_ line (4); pm_formail_reply()
 *        must give an answer no longer than the input allows (anything
 *        else, or a read outside the input, aborts);
 *   else the input is an rcfile: pmrc_translate() must produce rules that
 *        rl_compile() accepts (the translator's promise), whatever the
 *        input; INCLUDERC is served from a tiny in-memory file system that
 *        includes itself.
 */
#include "config.h"
#include "pmrc.h"
#include "rl.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int
read_mem(void *ctx, const char *path, struct buf *out, char *err, size_t errlen)
{
    (void)ctx;
    if (strstr(path, "a.rc")) {
        buf_adds(out, ":0\n* ^Subject:.*\\/x\n{ INCLUDERC=/b.rc }\nX=$MATCH\n");
        return 0;
    }
    if (strstr(path, "b.rc")) {
        buf_adds(out, "INCLUDERC=/a.rc\n:0 E\n| cat\n");
        return 0;
    }
    snprintf(err, errlen, "no such file");
    return -1;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 0 && data[0] == 'R') {
        struct buf pat = BUF_INIT;
        struct pmre_result res;
        char err[160];
        char *re = strndup((const char *)data + 1, size - 1);

        if (re && pmre_translate(re, strlen(re), PMRE_CASELESS, &pat, &res, err, sizeof err) == 0) {
            int ec;
            PCRE2_SIZE off;
            pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat.data, pat.len,
                                          PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS,
                                          &ec, &off, NULL);
            if (c == NULL)
                abort();        /* a translation PCRE2 refuses */
            pcre2_code_free(c);
        }
        free(re);
        buf_free(&pat);
        return 0;
    }
    if (size > 1 && data[0] == 'F') {
        unsigned bits = data[1];
        size_t n = size - 2;
        /* a copy of exactly the input's size, so ASan sees any overread */
        char *m = malloc(n ? n : 1), *from = NULL;
        const char *h = m;
        size_t hn = n;
        struct buf out = BUF_INIT;

        if (m == NULL)
            return 0;
        memcpy(m, data + 2, n);
        if (bits & 4u) {
            const char *nl = memchr(m, '\n', n);
            size_t l = nl ? (size_t)(nl - m) : n;
            from = strndup(m, l);
            h = m + l + (nl != NULL);
            hn = n - l - (nl != NULL);
        }
        pm_formail_reply(from, h, hn, "env@example.org", bits & 1u, (bits >> 1) & 1u, &out);
        /* the answer is input text (two brackets and a blank added), the
         * envelope's From_ line, or formail's foo@bar */
        if (out.len > n + 64)
            abort();
        buf_free(&out);
        free(from);
        free(m);
        return 0;
    }
    {
        struct pmrc_reader rd = { read_mem, NULL, NULL };
        struct pmrc_options opt = {
            .user = "user", .home = "/home/user", .host = "host.example",
            .have = PMRC_HAVE_PROGRAM_TEST | PMRC_HAVE_DUPLICATE | PMRC_HAVE_REPLY |
                    PMRC_HAVE_SEARCH,
            .include_depth = 4,
        };
        struct pmrc_result res;
        struct rl_diags d;
        struct rl_program *p;

        pmrc_translate("fuzz.rc", (const char *)data, size, &rd, &opt, &res);
        rl_diags_init(&d);
        p = rl_compile("fuzz.rules", res.out.data ? res.out.data : "", res.out.len, NULL, NULL, &d);
        if (p == NULL) {
            struct buf e = BUF_INIT;
            rl_diags_format(&d, &e);
            fprintf(stderr, "%s\n----\n%s\n", res.out.data, e.data);
            abort();            /* the translation does not compile */
        }
        rl_program_free(p);
        rl_diags_free(&d);
        pmrc_result_free(&res);
    }
    return 0;
}
