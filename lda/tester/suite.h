/*
 * suite.h -- YAML test suites for rulesets (`weir test --suite FILE`),
 * read with libyaml; the format is documented in weir-test(1), SUITES.
 *
 * suite_load() parses and validates the whole file before anything runs:
 * every problem is reported as "file:line:col: message" (1-based) in
 * *errors, and the load fails if there was any.  suite_run() runs each
 * case through the dry-run tester (lda/tester/tester.h) with the case's
 * envelope and fixture, compares the result with the expectations and
 * reports each failing case with an expected-vs-actual diff.
 */
#ifndef WEIR_SUITE_H
#define WEIR_SUITE_H

#include <stddef.h>
#include <stdio.h>

#include "actions.h"
#include "tester.h"
#include "util.h"

/* An expected action; NULL strings match anything. */
struct suite_action {
    enum action_kind kind;
    char *target;               /* folder (as written in the rules), address,
                                   command */
    char *text;                 /* bounce/defer/log text, reply body, header
                                   value */
    char *name;                 /* header name */
};

struct suite_case {
    char *name;
    int line;                   /* where the case starts in the suite file */
    char *message_path;         /* resolved relative to the suite file */
    char *message_inline;
    char *env_from, *env_to, *env_client;
    char **env;                 /* `env:` NAME=VALUE strings, NULL-terminated,
                                   or NULL */
    size_t nenv;
    struct tester_fixture fixture;
    /* expectations; has_* says which were given */
    int has_actions;            /* `actions`: exactly these, in this order */
    struct suite_action *actions;
    size_t nactions;
    int has_include;            /* `actions_include`: at least these */
    struct suite_action *include;
    size_t ninclude;
    int keep;                   /* `keep`: -1 not given, else 0/1 */
    int has_score_min, has_score_max;
    double score_min, score_max;
    int no_reply;               /* `no_reply: true` */
    char *error;                /* `error`: expected error text (substring) */
};

struct suite {
    char *path;
    char *rules;                /* user rules, resolved; or NULL */
    char *system_rules;         /* system rules, resolved; or NULL */
    struct suite_case *cases;
    size_t ncases;
};

/* 0, or -1 with the problems in *errors and *s already freed. */
int suite_load(const char *path, struct suite *s, struct buf *errors);
void suite_free(struct suite *s);

/* Run every case (rule paths in opts override the suite's).  Prints a
 * line per case ("ok N - name" / "FAIL N - name" with the diff) and a
 * total.  Returns the number of failing cases, or -1 with st set when
 * the suite could not run at all. */
int suite_run(const struct suite *s, const struct tester_opts *opts, FILE *out,
              struct status *st);

/* Parse an action kind as written in suites ("file", "header_add"...);
 * 0 when unknown. */
enum action_kind suite_action_kind(const char *name);

#endif
