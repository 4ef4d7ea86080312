/*
 * prefilter.h -- a necessary condition for a regex, checked before the
 * regex is compiled or run: "the subject contains one of these literals".
 *
 * rl_prefilter_build() reads a pattern in the PCRE2 syntax the rule
 * language uses and finds literals that every match must contain (as
 * ripgrep's inner-literal scan does).  When the subject contains none of
 * them, the regex cannot match, and the VM skips pcre2_compile and
 * pcre2_match for that value: the test is false exactly as pcre2 would
 * have said (issue 17; the rules in prefilter.c's header keep it exact).
 * A pattern the scan does not fully understand gets no prefilter (the
 * regex always runs).
 */
#ifndef WEIR_PREFILTER_H
#define WEIR_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

/* Most literals kept for one pattern (alternatives of a group). */
#define RL_PREFILTER_MAX_LITS 8
/* Longest literal kept (a longer run is cut: a part of a required
 * literal is required too). */
#define RL_PREFILTER_MAX_LEN 32

struct rl_prefilter {
    int caseless;               /* ASCII letters compared case-blind */
    size_t n;                   /* literals; 0 = no prefilter */
    char lit[RL_PREFILTER_MAX_LITS][RL_PREFILTER_MAX_LEN];
    size_t len[RL_PREFILTER_MAX_LITS];
};

/* Fill *pf for pattern (len bytes) compiled with RL_RE_* flags.  Returns 1
 * when a prefilter was found (pf->n > 0), 0 when the regex must always
 * run. */
int rl_prefilter_build(const char *pat, size_t len, uint32_t flags, struct rl_prefilter *pf);

/* 0 when the subject (n bytes) contains none of the literals, so the
 * regex cannot match it; 1 when it may match (or there is no prefilter). */
int rl_prefilter_may_match(const struct rl_prefilter *pf, const char *s, size_t n);

#endif
