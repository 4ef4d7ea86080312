/*
 * tester.h -- the dry-run tester behind `weir test`: run the rules over
 * one message at a time exactly as a delivery would, minus the commit,
 * and describe what would happen (text or JSON lines), with an optional
 * trace and a summary over many messages.
 *
 * No side effects: nothing here writes a mailbox or a database, sends
 * mail or runs a program.  Facts a delivery would look up in the outside
 * world (DNS, the clock, reply-once state) come from a struct
 * tester_fixture, which the future builtins read; without a fixture or
 * --dns, DNS is reported as "not looked up".
 */
#ifndef WEIR_TESTER_H
#define WEIR_TESTER_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "actions.h"
#include "message.h"
#include "status.h"
#include "util.h"

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
/* Answers for name, or NULL when the fixture does not know it. */
const struct tester_dns *tester_fixture_dns(const struct tester_fixture *fx,
                                            const char *name);

enum tester_format { TESTER_TEXT = 1, TESTER_JSON };

#define TESTER_FILTER_TIMEOUT 30    /* seconds a filter may run (--run-programs) */

struct tester_opts {
    const char *sender;         /* -f, or NULL */
    const char *recipient;      /* -a, or NULL */
    const char *user_rules;     /* -r, or NULL for ~/.weir/rules */
    const char *system_rules;   /* -s, or NULL for the compiled-in path */
    int no_system_rules;        /* -S */
    int no_default_rules;       /* load only the files named here (suites) */
    int trace;                  /* --trace */
    int brief;                  /* -q: verdict lines only */
    int dns;                    /* --dns: real lookups allowed */
    int run_programs;           /* --run-programs: filters really run */
    enum tester_format format;
};

/* What one message would get. */
struct tester_result {
    struct action_list al;
    int ran;                    /* the rules ran (no load/run error) */
    int keep;                   /* implicit keep applies */
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
    char *user, *home, *default_mailbox;
    struct rl_program *sys, *usr;
    int have_rules;             /* at least one program loaded */
    struct status load_error;   /* rules failed to load (reported per message) */
    char *load_diags;           /* compiler diagnostics, or NULL */
    int memfd;
    size_t nmessages;
    struct tester_summary_row *rows;
    size_t nrows;
};

/* Set up: user, home, default mailbox, load the rules.  Returns 0, or -1
 * with st set (rules that fail to compile are not an error here: each
 * message then reports the error). */
int tester_init(struct tester *t, const struct tester_opts *opts, FILE *out,
                struct status *st);
/* Load rule files explicitly (suites); NULL paths are skipped. */
int tester_load_rules(struct tester *t, const char *system_path,
                      const char *user_path, struct status *st);
void tester_free(struct tester *t);

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

/* Folder names as delivery resolves them (weir(1), DELIVERY): "~/" is
 * the home; relative Maildir names ("x/") are under ~/Maildir, relative
 * mbox and MH names under ~/Mail.  The configured roots are the lead's to
 * wire in when lda/config.c is merged. */
/* The path a file target names (allocated), resolved by delivery's own
 * lda/folder.c with the default mail roots (~/Maildir, ~/Mail). */
char *tester_resolve_folder(const char *home, const char *target);
/* 1 with the reason in why when delivery would refuse a file target (for
 * ACT_F_TAINTED names: leaving the mail roots, "..", cur/new/tmp...), so
 * the message would go to the default mailbox instead; 0 otherwise. */
int tester_folder_refused(const char *home, const char *target, unsigned flags,
                          char *why, size_t whylen);
/* "Maildir", "MH" or "mbox" by the trailing-slash rule. */
const char *tester_folder_type(const char *target);

/* Append s as a JSON string (quotes included; bytes that are not UTF-8
 * become \ufffd). */
void tester_json_str(struct buf *b, const char *s);


#endif
