/*
 * test_prefilter.c -- the regex prefilter (rulelang/prefilter.c) never
 * skips a regex that would have matched.
 *  1. The literals found for known patterns (and none where the scan
 *     must give up).
 *  2. The caseless assumption checked against the PCRE2 in use: no
 *     character above U+007F matches an ASCII letter under /i with
 *     PCRE2_UTF except U+212A (k) and U+017F (s).
 *  3. Differential: fixed patterns x tricky subjects, then 40,000 random
 *     patterns and subjects (fixed seed) over letters, k/s and their
 *     Unicode partners, classes, groups, quantifiers, anchors and
 *     invalid UTF-8: whenever pcre2_match matches (or stops at a
 *     limit), the prefilter must say "may match"; it must also say "no"
 *     often enough to be worth having.
 */
#include "config.h"
#include "rl_int.h"
#include "prefilter.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

static pcre2_match_data *md;

static pcre2_code *
comp(const char *pat, uint32_t flags)
{
    int ec;
    PCRE2_SIZE off;

    return pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, rl_regex_options(flags),
                         &ec, &off, NULL);
}

/* The literals as "a|b" ("" when none). */
static void
lits(const char *pat, uint32_t flags, char *out, size_t n)
{
    struct rl_prefilter pf;

    out[0] = 0;
    if (!rl_prefilter_build(pat, strlen(pat), flags, &pf))
        return;
    for (size_t i = 0; i < pf.n; i++)
        snprintf(out + strlen(out), n - strlen(out), "%s%.*s", i ? "|" : "",
                 (int)pf.len[i], pf.lit[i]);
}

static const struct { const char *pat; uint32_t flags; const char *want; } known[] = {
    { "acme-corp confidential", RL_RE_I, "acme-corp confidential" },
    { "(you have won|claim your prize|wire transfer fee)", RL_RE_I,
      "you have won|claim your prize|wire tran" },   /* 's' ends a run under /i */
    { "account number ending in [0-9]+", RL_RE_I, "account number ending in " },
    { "track(ing)? your (package|order)", RL_RE_I, " your " },
    { "view (this email|it) in your browser", RL_RE_I, " in your brow" },
    { "^YES", RL_RE_I, "YE" },
    { "^[*][*][*] ?SPAM", RL_RE_I, "***" },
    { "@(promo-deals|cheap-meds|win-big)[.]example", RL_RE_I, ".example" },
    { "linux-kernel[.]vger[.]kernel[.]org", RL_RE_I, "ernel.vger." },
    { "linux-kernel[.]vger[.]kernel[.]org", 0, "linux-kernel.vger.kernel.org" },
    { "ab+c", 0, "ab" },
    { "xa{2}y", 0, "xa" },
    { "a{0,3}b", 0, "b" },
    { "(a|)b", 0, "b" },
    { "(?:foo|bar)+", 0, "foo|bar" },
    { "(?<n>foo)x", 0, "foo" },
    { "caf\xc3\xa9", 0, "caf\xc3\xa9" },
    { "caf\xc3\xa9", RL_RE_I, "caf" },
    { "a\\.b\\tc", 0, "a.b\tc" },
    { "[]]x", 0, "]x" },
    /* the scan gives up */
    { "(?i)foo", 0, "" },
    { "(?=foo)bar", 0, "" },
    { "\\Qa.b\\E", 0, "" },
    { "(a)\\1", 0, "" },
    { "a{,3}", 0, "" },
    { "foo", RL_RE_X, "" },
    { "[[:alpha:]]x", 0, "" },
    { "(*UTF)foo", 0, "" },
    { "foo|", 0, "" },
    { ".*", 0, "" },
    { "\\x41", 0, "" },
    { "kiss", RL_RE_I, "i" },
};

static const char *const fixed_pats[] = {
    "acme-corp confidential", "(you have won|claim your prize|wire transfer fee)",
    "account number ending in [0-9]+", "track(ing)? your (package|order)",
    "view (this email|it) in your browser", "^YES", "^Yes,", "(viagra|cialis|casino bonus|lottery)",
    "^(Re: )?[[](PATCH|RFC)", "owner-[a-z-]+@", "^(Re: )?Bug.[0-9]+:", "[a-z]",
    "KELVIN", "class", "money!\\nCaf", "free money!$", "^you won", "Caf\xc3\xa9 cr\xc3\xa8me",
    "(a+)+$", "sk", "ks", "S", "k",
};
static const char *const fixed_subj[] = {
    "", "ACME-CORP CONFIDENTIAL memo", "acme-corp\nconfidential",
    "You Have Won!", "wire tranſfer fee", "WIRE TRANSFER FEE",
    "Account Number Ending In 42", "TRACKING YOUR PACKAGE", "view it in your browser",
    "yes", "Yes, 5", "CASINO BONUS", "ca\xc5\xbfino bonu\xc5\xbf",
    "Re: [PATCH v2]", "owner-list@x", "Re: Bug#123: x", "\xe2\x84\xaa" "ELVIN",
    "cla\xc5\xbf\xc5\xbf", "free money!\nCaf\xc3\xa9 cr\xc3\xa8me", "you won free money!",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "\xc5\xbf\xe2\x84\xaa", "\xe2\x84\xaa\xc5\xbf", "\xff" "sk\xfe",
};

static int
agree(const char *pat, uint32_t flags, const char *subj, size_t slen, size_t *rejected)
{
    pcre2_code *re = comp(pat, flags);
    struct rl_prefilter pf;
    int m, may;

    if (re == NULL)
        return 1;               /* the compiler refuses these: never run */
    rl_prefilter_build(pat, strlen(pat), flags, &pf);
    may = rl_prefilter_may_match(&pf, subj, slen);
    m = pcre2_match(re, (PCRE2_SPTR)subj, slen, 0, 0, md, NULL);
    pcre2_code_free(re);
    if (!may)
        (*rejected)++;
    if ((m >= 0 || m != PCRE2_ERROR_NOMATCH) && !may) {
        printf("# pattern /%s/%s subject '%.*s': pcre2 %d, prefilter says no\n", pat,
               flags & RL_RE_I ? "i" : "", (int)slen, subj, m);
        return 0;
    }
    return 1;
}

static unsigned long rnd_state = 17;

static unsigned
rnd(unsigned n)
{
    rnd_state = rnd_state * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(rnd_state >> 33) % n;
}

int
main(void)
{
    char got[1024];
    size_t bad = 0, rejected = 0, runs = 0;

    md = pcre2_match_data_create(10, NULL);

    /* 1. */
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        lits(known[i].pat, known[i].flags, got, sizeof got);
        is_str(got, known[i].want, known[i].pat);
    }

    /* 2. */
    {
        pcre2_code *re = comp("[a-jl-rt-z]", RL_RE_I);
        pcre2_code *ks = comp("[ks]", RL_RE_I);
        size_t others = 0, kelvin = 0;

        for (unsigned c = 0x80; c < 0x110000; c++) {
            unsigned char b[4];
            size_t n;

            if (c >= 0xd800 && c < 0xe000)
                continue;
            if (c < 0x800) {
                b[0] = (unsigned char)(0xc0 | c >> 6); b[1] = (unsigned char)(0x80 | (c & 63)); n = 2;
            } else if (c < 0x10000) {
                b[0] = (unsigned char)(0xe0 | c >> 12); b[1] = (unsigned char)(0x80 | ((c >> 6) & 63));
                b[2] = (unsigned char)(0x80 | (c & 63)); n = 3;
            } else {
                b[0] = (unsigned char)(0xf0 | c >> 18); b[1] = (unsigned char)(0x80 | ((c >> 12) & 63));
                b[2] = (unsigned char)(0x80 | ((c >> 6) & 63)); b[3] = (unsigned char)(0x80 | (c & 63));
                n = 4;
            }
            if (pcre2_match(re, b, n, 0, 0, md, NULL) >= 0) {
                printf("# U+%04X matches an ASCII letter other than k, s under /i\n", c);
                others++;
            }
            if (pcre2_match(ks, b, n, 0, 0, md, NULL) >= 0)
                kelvin++;
        }
        ok(others == 0, "under /i no non-ASCII character matches an ASCII letter but k and s");
        is_long((long)kelvin, 2, "k and s have exactly their two Unicode partners");
        pcre2_code_free(re);
        pcre2_code_free(ks);
    }

    /* 3. fixed */
    for (size_t i = 0; i < sizeof fixed_pats / sizeof fixed_pats[0]; i++)
        for (size_t j = 0; j < sizeof fixed_subj / sizeof fixed_subj[0]; j++)
            for (uint32_t f = 0; f <= RL_RE_I; f += RL_RE_I) {
                bad += !agree(fixed_pats[i], f, fixed_subj[j], strlen(fixed_subj[j]), &rejected);
                bad += !agree(fixed_pats[i], f | RL_RE_M | RL_RE_S, fixed_subj[j],
                              strlen(fixed_subj[j]), &rejected);
            }
    ok(bad == 0, "fixed patterns x subjects: no match is skipped");
    ok(rejected > 200, "fixed patterns x subjects: the prefilter skips %zu runs", rejected);

    /* 3. random */
    {
        static const char *const piece[] = {
            "a", "b", "k", "s", "K", "S", "ab", "sk", "\\.", ".", "[ab]", "[k]", "[.]", "[^a]",
            "(a|b)", "(ab|sk)", "(?:ka|b)", "(a|)", "x?", "y*", "z+", "c{2}", "c{0,2}", "a+?",
            "\\b", "^", "$", "\\d", "\\s", "\xc3\xa9", "\xc3\x89", "\\n", " ", "(?<g>sa)",
            "a+", "b{2,}", "(ab)+", "(?:a|b){2}",
        };
        static const char *const sym[] = {
            "a", "b", "c", "k", "s", "x", "y", "z", "K", "S", "A", "B", ".", "\xc3\xa9",
            "\xc3\x89", "\xc5\xbf", "\xe2\x84\xaa", " ", "\n", "1", "\xff", "\xc3",
            "aa", "bb", "zz", "cc", "abab",
        };
        static const char *const few[] = {   /* denser: more matches */
            "a", "b", "aa", "bb", "ab", "c", "k", "K", "s", "\xc5\xbf", "\xe2\x84\xaa", ".",
        };
        static const char *const fewp[] = {
            "a", "b", "k", "s", "a+", "b+", "b{2}", "(a|b)", "(ab)+", "[k]", "a?", ".", "aS",
        };
        size_t before = rejected;

        bad = 0;
        for (int it = 0; it < 40000; it++) {
            char pat[256] = "", subj[128] = "";
            unsigned np = 1 + rnd(5), ns = rnd(14);
            uint32_t f = (rnd(2) ? RL_RE_I : 0) | (rnd(4) == 0 ? RL_RE_M : 0);

            if (rnd(6) == 0)
                strcat(pat, "(");
            for (unsigned i = 0; i < np; i++) {
                strcat(pat, it % 2 ? piece[rnd(sizeof piece / sizeof piece[0])]
                                   : fewp[rnd(sizeof fewp / sizeof fewp[0])]);
                if (pat[0] == '(' && rnd(5) == 0)
                    strcat(pat, "|");
            }
            if (pat[0] == '(')
                strcat(pat, rnd(2) ? ")" : ")+");
            for (unsigned i = 0; i < ns; i++)
                strcat(subj, it % 2 ? sym[rnd(sizeof sym / sizeof sym[0])]
                                    : few[rnd(sizeof few / sizeof few[0])]);
            bad += !agree(pat, f, subj, strlen(subj), &rejected);
            runs++;
        }
        ok(bad == 0, "%zu random patterns and subjects: no match is skipped", runs);
        ok(rejected - before > runs / 4, "random: the prefilter skips %zu of %zu runs",
           rejected - before, runs);
    }
    pcre2_match_data_free(md);
    return done();
}
