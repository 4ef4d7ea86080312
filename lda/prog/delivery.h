/*
 * delivery.h -- the state of one delivery: the message, its envelope, the
 * user, the configuration, the rule programs that ran.
 *
 * This is the bottom of lda/prog/: the state and the steps that fill it
 * in (the user, the user's configuration, the message).  What is done
 * with it lives above: lda/prog/host.h runs the rules over it (and works
 * out the envelope), lda/prog/commit.h plans and executes the decision,
 * lda/prog/flow.h puts the steps of a delivery in order.  `weir test`
 * (lda/tester/) fills in the same state and stops after the plan.
 *
 * Functions returning int return 0, or -1 with *st saying why (the
 * caller maps it to an exit code); none of them exits.
 */
#ifndef WEIR_DELIVERY_H
#define WEIR_DELIVERY_H

#include "message.h"
#include "status.h"
#include "weir_config.h"

struct rl_program;

struct delivery {
    /* inputs */
    const char *sender_arg;         /* -f */
    const char *recipient_arg;      /* -a */
    const char *rules_arg;          /* -r: the user's rules file */
    const char *client_arg;         /* -i/--client: the client's address */
    struct intake_limits limits;
    struct weir_config *cfg;        /* the system configuration (main's);
                                       the user's overrides are loaded into
                                       it.  NULL: built-in defaults */
    int cfg_owned;                  /* cfg was allocated here */
    int log_dests;                  /* log_open() destinations from main */
    /* delivery engine settings: weir.yaml's built-in defaults from
     * delivery_init(), the configuration may point them elsewhere
     * (borrowed strings; "~/" means the user's home) */
    const char *maildir_root;       /* Maildir targets: "~/Maildir" */
    const char *mail_root;          /* mbox and MH targets: "~/Mail" */
    const char *spool_dir;          /* system spool: "/var/mail" */
    const char *append_dir;         /* mbox append records: "~/.weir/append" */
    const char *sendmail;           /* "/usr/sbin/sendmail" */
    unsigned lock_wait_sec;         /* longest wait for a mailbox's locks */
    unsigned lock_stale_sec;        /* an unverifiable dotlock older than
                                       this is stale */
    /* worked out */
    struct message msg;
    char *sender;                   /* envelope sender, "" for <> */
    char *recipient;
    /* the client (builtins/client.h), worked out with the envelope:
     * canonical text or NULL; the untrusted relays, client first */
    char *client;
    const char *client_source;      /* "command line", "CLIENT_ADDRESS", ... */
    char **relays;
    size_t nrelays;
    char *user;
    char *home;
    char *default_mailbox;          /* a `file` target: weir.yaml's
                                       default_mailbox unless set before
                                       delivery_configure() */
    char *delivered_to;             /* where the message went (for the log) */
    struct dupe_pending *dupes;     /* keys the `duplicate` test did not find:
                                       recorded after delivery (lda/resp/
                                       dupe.h, lda/prog/commit.c) */
    long long child_deadline_ms;    /* delivery_child_deadline(), or 0 */
    /* `weir test` only (NULL in a delivery): */
    char *const *env;               /* the MTA environment to simulate
                                       (--env NAME=VALUE, NULL-terminated)
                                       instead of the process's own */
    char *const *answered;          /* "reply KEY" / "fakebounce KEY" of
                                       answers planned earlier in this run
                                       (the simulated responder state) */
    size_t nanswered;
    /* the rule programs that ran: the action list borrows from them */
    struct rl_program *prog_sys, *prog_user;
};

void delivery_init(struct delivery *d);
/* getenv() of the MTA's environment: d->env when `weir test` simulates
 * one, else the process's (already reduced by priv_startup()). */
const char *delivery_getenv(const struct delivery *d, const char *name);
/* The invoking user and home: the password entry of getuid(); $HOME when
 * it is absolute and weir runs without privileges to lose
 * (priv_env_trusted()). */
int delivery_find_user(struct delivery *d, struct status *st);
/* The user's part of the configuration (~/.weir/config.yaml over d->cfg;
 * ignored with a log line when broken; d->cfg NULL: built-in defaults,
 * allocated here), then the values the delivery uses.  open_log: open the
 * user's log file when configured (a delivery; `weir test` writes
 * nothing). */
void delivery_configure(struct delivery *d, int open_log);
/* Read the message from fd into d->msg (replacing one read before) with
 * the intake limits d->limits. */
int delivery_read_message(struct delivery *d, int fd, struct status *st);
void delivery_free(struct delivery *d);
/* The environment of a program run for this delivery (pipe, filter,
 * sendmail): the allowlisted environment (lda/sys/child.h) with HOME, USER,
 * LOGNAME, SENDER and RECIPIENT of this delivery. */
struct child_env;
void delivery_child_env(const struct delivery *d, struct child_env *env);
/* The deadline (child_now_ms()) shared by every program run for this
 * message (filters, pipes, forwards): child_timeout after the first one
 * starts, so that hanging programs cannot add up past the MTA's own
 * limit (issue 10; weir.yaml(5) child_timeout).  For child_spec. */
long long delivery_child_deadline(struct delivery *d);

#endif
