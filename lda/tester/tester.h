/*
 * tester.h -- the dry-run tester behind `weir test`: run the rules over
 * one message at a time exactly as a delivery would, up to the plan of
 * the commit (lda/prog/commit.h), and print that plan (text or JSON
 * lines) instead of executing it, with an optional trace and a summary
 * over many messages.
 *
 * One decision path: the tester fills in the delivery's own state
 * (lda/prog/delivery.h: the user, the configuration -- weir.yaml and
 * ~/.weir/config.yaml -- and the message read with its intake limits),
 * works out the envelope and runs the rules through the delivery's rule
 * host (lda/prog/host.h), applies the system ruleset's final decisions,
 * and asks commit_plan() what would happen to each action.  Every
 * refusal, fallback and outcome it reports is the plan a delivery would
 * execute; only failures met while writing (a full disk, a lock
 * timeout, a failing program) are beyond it.
 *
 * No side effects: nothing here writes a mailbox, a cache, a log or a
 * database, sends mail or runs a program -- except `filter` programs with
 * --run-programs, which run as in a delivery.  Facts a delivery would
 * look up in the outside world (DNS, the clock, reply-once state) come
 * from a struct tester_fixture; without a fixture or --dns, DNS is
 * reported as "not looked up".
 */
#ifndef WEIR_TESTER_H
#define WEIR_TESTER_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "actions.h"
#include "commit.h"
#include "delivery.h"
#include "folder.h"
#include "message.h"
#include "rl.h"
#include "status.h"
#include "util.h"
#include "weir_config.h"

/* One DNS fixture entry: a query name and its answers, or a timeout. */
struct tester_dns {
    char *name;                 /* "2.0.0.127.zen.spamhaus.org" */
    int timeout;                /* the query times out */
    char **a;                   /* A answers, dotted quads */
    size_t na;
    char **txt;                 /* TXT answers */
    size_t ntxt;
};

/* The outside world as a test case defines it (suite(5) "fixtures"). */
struct tester_fixture {
    struct tester_dns *dns;
    size_t ndns;
    int have_clock;
    time_t clock;               /* "now" for the run (UTC) */
    char **replied;             /* reply-once state: already replied to */
    size_t nreplied;
    char **seen_ids;            /* duplicate state: Message-IDs seen */
    size_t nseen;
};

void tester_fixture_free(struct tester_fixture *fx);
struct tester;
/* The DNS mode of the current message: --dns, else offline when the
 * fixture has DNS answers, else not looked up. */
enum tester_dns_mode tester_dns_mode(const struct tester *t);
/* Answers for name, or NULL when the fixture does not know it. */
const struct tester_dns *tester_fixture_dns(const struct tester_fixture *fx,
                                            const char *name);

enum tester_format { TESTER_TEXT = 1, TESTER_JSON };

/* How block-list tests get answers (weir-test(1) --dns). */
enum tester_dns_mode { TESTER_DNS_OFF = 0, TESTER_DNS_LIVE, TESTER_DNS_OFFLINE };

struct tester_opts {
    const char *config;         /* -c, or NULL for the system weir.yaml */
    const char *sender;         /* -f, or NULL */
    const char *recipient;      /* -a, or NULL */
    const char *client;         /* -i/--client, or NULL */
    const char *user_rules;     /* -r, or NULL for ~/.weir/rules */
    const char *system_rules;   /* -s, or NULL for the compiled-in path */
    int no_system_rules;        /* -S */
    int no_default_rules;       /* load only the files named here (suites) */
    int trace;                  /* --trace */
    int brief;                  /* -q: verdict lines only */
    int dns;                    /* --dns: enum tester_dns_mode; 0: the
                                   default (offline when the case has DNS
                                   fixtures, else not looked up) */
    int run_programs;           /* --run-programs: filters really run */
    enum tester_format format;
    char *const *env;           /* --env NAME=VALUE..., NULL-terminated:
                                   the MTA environment the rules and
                                   programs see; NULL: weir test's own */
};

/* What one message would get. */
struct tester_result {
    struct action_list al;
    struct commit_plan plan;    /* what a delivery would do (when ran) */
    int ran;                    /* the rules ran (no load/run error) */
    int keep;                   /* implicit keep applies (the plan's) */
    char *sender, *recipient, *subject;
    char *verdict;              /* one line */
    char *destination;          /* for the summary: folder or outcome */
    struct status error;        /* rules could not be loaded or run */
};

struct tester_summary_row;

struct tester {
    struct tester_opts opts;
    FILE *out;
    const struct tester_fixture *fixture;   /* may be NULL */
    struct weir_config cfg;     /* weir.yaml (and the user's overrides) */
    struct delivery d;          /* the delivery's state: user, home, the
                                   configured roots and limits, the
                                   message being tested */
    struct folder_roots roots;  /* folder names resolve against these */
    struct rl_limits lim;       /* the configured limits, JIT on */
    struct rl_program *sys, *usr;
    int have_rules;             /* at least one program loaded */
    struct status load_error;   /* rules failed to load (reported per message) */
    char *load_diags;           /* compiler diagnostics, or NULL */
    int memfd;
    size_t nmessages;
    char **answered;            /* answers planned so far in this run
                                   (the simulated responder state) */
    size_t nanswered;
    struct tester_summary_row *rows;
    size_t nrows;
};

/* Set up: the configuration (opts->config or the system weir.yaml, then
 * ~/.weir/config.yaml), user, home, default mailbox, load the rules.
 * Returns 0, or -1 with st set (a broken system configuration; rules that
 * fail to compile are not an error here: each message then reports the
 * error). */
int tester_init(struct tester *t, const struct tester_opts *opts, FILE *out,
                struct status *st);
/* Load rule files explicitly (suites); NULL paths are skipped. */
int tester_load_rules(struct tester *t, const char *system_path,
                      const char *user_path, struct status *st);
void tester_free(struct tester *t);
/* Forget the answers simulated so far (a suite's cases are independent). */
void tester_forget_answers(struct tester *t);

/* Run one message (raw bytes as read: a leading From_ line and CRLF are
 * handled as intake does).  from_line: the mbox separator line the
 * message came with, or NULL.  label names it in the output.  Prints the
 * report unless print is 0.  Returns 0, or -1 with res->error set (the
 * message could not be read or the rules not run). */
int tester_message(struct tester *t, const char *label, const char *data,
                   size_t len, const char *from_line, int print,
                   struct tester_result *res);
void tester_result_free(struct tester_result *res);

/* Why a reply action would not be sent (null sender, reply-once state in
 * the fixture, shadow mode), or NULL when it would be. */
const char *tester_reply_suppressed(const struct tester *t,
                                    const struct tester_result *res,
                                    const struct action *a);

/* The summary table (text) or event (JSON) over all messages run. */
void tester_summary(struct tester *t);

/* The path a file target names (allocated), resolved by delivery's own
 * lda/store/folder.c against the roots (a name it refuses is shown as
 * written). */
char *tester_resolve_folder(const struct folder_roots *r, const char *target);
/* 1 with the reason in why when delivery would refuse a file target (for
 * ACT_F_TAINTED names: leaving the mail roots, "..", cur/new/tmp...), so
 * the message would go to the default mailbox instead; 0 otherwise. */
int tester_folder_refused(const struct folder_roots *r, const char *target,
                          unsigned flags, char *why, size_t whylen);
/* "Maildir", "MH" or "mbox" by the trailing-slash rule. */
const char *tester_folder_type(const char *target);

/* Append s as a JSON string (quotes included; bytes that are not UTF-8
 * become \ufffd). */
void tester_json_str(struct buf *b, const char *s);


#endif
