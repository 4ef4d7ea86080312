/*
 * delivery.h -- one delivery: the message, its envelope, the user, and the
 * commit of what the rules decided.
 *
 * delivery_run() reads the message from fd, fills in the envelope and
 * delivers; it returns 0 with *st OK, or -1 with *st saying why (the
 * caller maps it to an exit code).  No path through it loses the message:
 * it is delivered, explicitly dropped by a rule, or *st is temporary.
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
    struct intake_limits limits;
    struct weir_config *cfg;        /* the system configuration (main's);
                                       the user's overrides are loaded into
                                       it.  NULL: built-in defaults */
    int cfg_owned;                  /* cfg was allocated here */
    int log_dests;                  /* log_open() destinations from main */
    /* delivery engine settings: defaults from delivery_init(), the
     * configuration may point them elsewhere (borrowed strings; "~/"
     * means the user's home) */
    const char *maildir_root;       /* Maildir targets: "~/Maildir" */
    const char *mail_root;          /* mbox and MH targets: "~/Mail" */
    const char *spool_dir;          /* system spool: "/var/mail" */
    const char *append_dir;         /* mbox append records: "~/.weir/append" */
    const char *sendmail;           /* "/usr/sbin/sendmail" */
    unsigned lock_wait_sec;         /* LOCK_WAIT_SEC_DEFAULT */
    unsigned lock_stale_sec;        /* DOTLOCK_STALE_SEC_DEFAULT */
    /* worked out */
    struct message msg;
    char *sender;                   /* envelope sender, "" for <> */
    char *recipient;
    char *user;
    char *home;
    char *default_mailbox;          /* a `file` target: "~/Maildir/" unless
                                       set before delivery_prepare() */
    char *delivered_to;             /* where the message went (for the log) */
    /* the rule programs that ran: the action list borrows from them */
    struct rl_program *prog_sys, *prog_user;
};

#define DELIVERY_MAILDIR_ROOT   "~/Maildir"
#define DELIVERY_MAIL_ROOT      "~/Mail"
#define DELIVERY_SPOOL_DIR      "/var/mail"
#define DELIVERY_APPEND_DIR     "~/.weir/append"
#define DELIVERY_SENDMAIL       "/usr/sbin/sendmail"
#define DELIVERY_DEFAULT_MAILBOX "~/Maildir/"

void delivery_init(struct delivery *d);
/* Find the user, read the message, work out the envelope: 0, or -1 with
 * *st.  Then the caller runs the rules and commit_run() (lda/commit.h). */
int delivery_prepare(struct delivery *d, int fd, struct status *st);
/* delivery_prepare() and a commit with no actions (implicit keep). */
int delivery_run(struct delivery *d, int fd, struct status *st);
void delivery_free(struct delivery *d);
/* The environment of a program run for this delivery (pipe, filter,
 * sendmail): the allowlisted environment (lda/child.h) with HOME, USER,
 * LOGNAME, SENDER and RECIPIENT of this delivery. */
struct child_env;
void delivery_child_env(const struct delivery *d, struct child_env *env);

#endif
