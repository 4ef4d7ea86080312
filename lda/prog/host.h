/*
 * host.h -- the rule host for one message: what the rule VM asks of weir
 * (the body on demand, log lines, `filter`), the message view it runs on,
 * and the envelope it sees.
 *
 * One module for both sides: a delivery (lda/prog/rules.c) and `weir
 * test` (lda/tester/tester.c) run the rules through host_run() on the
 * same struct delivery, so the tester sees exactly the message, envelope,
 * body and limits a delivery sees.  The only differences are options the
 * caller states: whether `filter` programs really run (a delivery always,
 * `weir test` only with --run-programs), where log lines go (the
 * delivery log, or the tester's report), a trace, and the rule limits
 * (`weir test` JIT-compiles regexes for its long runs).
 *
 * host_run() returns 0 (the actions are in *out), or -1 with a temporary
 * *st when a filter program failed or was refused: nothing has been
 * delivered then.
 *
 * SECURITY: a filter runs through child_run() (lda/sys/child.h): the
 * allowlisted environment, no mail group, a time limit.  Its output is
 * read back through the normal intake (size and header limits).
 */
#ifndef WEIR_HOST_H
#define WEIR_HOST_H

#include "delivery.h"
#include "rl.h"
#include "status.h"
#include "util.h"

/* How block-list tests get answers (weir-test(1) --dns). */
enum host_dns {
    HOST_DNS_LIVE = 0,          /* DNS, and the per-user cache (a delivery) */
    HOST_DNS_OFF,               /* not looked up: the tests are false */
    HOST_DNS_OFFLINE            /* only from dns_fixture */
};

struct dnsbl;
struct dnscache;
struct dnsbl_cache_ops;

struct host {
    struct delivery *d;         /* the message, envelope, user, config */
    int run_filters;            /* 0: `filter` is only recorded */
    enum host_dns dns;
    int dns_no_cache;           /* live lookups without the cache (weir
                                   test writes no database) */
    const struct dnsbl_cache_ops *dns_fixture;  /* HOST_DNS_OFFLINE */
    /* weir test: the duplicate state of a suite case's fixture (state:
     * seen: Message-IDs or keys), answered instead of duplicate.db when
     * not NULL */
    char *const *dup_fixture;
    size_t ndup_fixture;
    /* Where rule log lines go; NULL: the delivery log (msg_info/warn). */
    void (*log)(void *ctx, enum rl_log_level level, const char *text);
    void *log_ctx;
    /* The mbox From_ line the rules see (the `procmail` builtin); NULL:
     * the one the message came with (d->msg.from_line). */
    const char *from_line;
    /* private */
    struct buf body;            /* a spooled message's body, read once */
    int body_loaded;
    struct buf setting;         /* the last setting a builtin asked for */
    struct dnsbl *dnsbl;        /* made on first use, freed after the run */
    struct dnscache *dnscache;
    char *from_seen;            /* the From_ line the rules see: a copy,
                                   kept when a filter replaces the message */
};

/* Where the envelope comes from (weir(1) INTAKE, weir-test(1) ENVELOPE). */
enum host_origin {
    HOST_FROM_MTA = 1,          /* a delivery: the MTA's environment counts */
    HOST_FROM_SAVED             /* saved mail (weir test): no environment,
                                   Delivered-To names the recipient */
};

void host_init(struct host *h, struct delivery *d);
void host_free(struct host *h);

/* Run the system program, then the user's (either may be NULL) over
 * h->d->msg with the limits lim (host_limits()), appending to
 * *out; trace may be NULL.  A filter that runs replaces h->d->msg. */
int host_run(struct host *h, const struct rl_program *sys, const struct rl_program *user,
             const struct rl_limits *lim, const struct rl_trace *trace,
             struct action_list *out, struct status *st);

/* The rule-language limits weir.yaml sets. */
void host_limits(const struct weir_config *cfg, struct rl_limits *lim);

/* The envelope of d->msg into d->sender and d->recipient (replacing
 * earlier values).  Sender: d->sender_arg (-f), else from_line (the mbox
 * separator a saved message came with, or NULL), else the message's own
 * From_ line, else Return-Path, else $SENDER (HOST_FROM_MTA only: Postfix
 * sanitises it, so it comes last), else "" (the null sender).
 * Recipient: d->recipient_arg (-a), else $RECIPIENT (HOST_FROM_MTA) or
 * Delivered-To (HOST_FROM_SAVED), else the user's login name.  Angle
 * brackets and surrounding blanks are removed. */
void host_envelope(struct delivery *d, enum host_origin origin, const char *from_line);

/* An unlinked temporary file in dir (read-write), or -1 with errno. */
int host_temp_fd(const char *dir);

#endif
