/*
 * responder.h -- vacation replies and fake bounces with their state: the
 * decision (plan) and the sending (send), kept apart so that `weir test`
 * shows exactly the text and the reason a delivery would use.
 *
 * resp_plan_reply()/resp_plan_fakebounce() decide without changing
 * anything: the suppression rules of autoreply.h, then the state record
 * ("already answered on ..."), then compose the message.  p->why is NULL
 * when the answer will be sent, else the reason; p->mail holds the
 * composed message in both cases when the sender is a plain address.
 * With dry set the state is only read (nothing is created).
 *
 * resp_send() sends a planned answer: under one state transaction it
 * claims the record for (sender, handle) with a short "pending" expiry
 * (so a concurrent delivery for the same sender answers nothing) and
 * counts the answer against the hourly cap; then it runs sendmail (argv
 * only, envelope sender <>, the one recipient after "--", lda/sys/child.h
 * hygiene and timeout); only when sendmail accepted the message is the
 * record written to last `days` (reply) or per_sender_days (fake bounce);
 * when sendmail failed the claim is removed, so a later message tries
 * again.  Returns 1 sent, 0 suppressed now (p->why says why: an answer
 * sent meanwhile, the hourly cap, state trouble -- the state databases
 * fail closed), -1 sendmail failed (*st).
 *
 * STATE KEYS: reply.db "<sender> <handle>" (sender lower-cased; handle
 * the rule's, or 8 hex digits derived from subject, from and text, so a
 * new text answers everybody again) with value "replied" or "pending";
 * "#hour <YYYY-MM-DDTHH>" (UTC) counting answers in that hour.
 * fakebounce.db "<sender>" and the same "#hour" counter.
 */
#ifndef WEIR_RESPONDER_H
#define WEIR_RESPONDER_H

#include <time.h>

#include "autoreply.h"
#include "status.h"
#include "util.h"

#define RESP_PENDING_EXTRA 60       /* seconds a pending claim outlives the
                                       sendmail timeout */
#define RESP_HANDLE_MAX 64          /* bytes of a reply handle */

struct resp_env {
    const char *header;             /* the original header block */
    size_t header_len;
    const char *sender;             /* envelope sender, "" for <> */
    struct resp_ident id;
    const char *state_dir;          /* absolute */
    const char *sendmail;           /* absolute path */
    const char *const *env;         /* environment for sendmail */
    unsigned timeout_sec;
    const char *host;               /* this host's name */
    const char *dsn_template;       /* template text, or NULL: built in */
    unsigned reply_days;            /* default once-per period */
    unsigned reply_per_hour;        /* 0: no cap */
    unsigned fb_days;
    unsigned fb_per_hour;
    time_t arrival;                 /* when the message came in */
    resp_org_differs org_differs;   /* optional (fake bounces) */
    void *org_ctx;
};

struct resp_reply_args {
    const char *from;               /* plain address, or NULL: the user's */
    const char *subject;            /* or NULL: "Re: <original>" */
    const char *text;
    const char *handle;             /* or NULL: derived */
    long days;                      /* 0: env->reply_days */
    int from_tainted;               /* from was built from message content */
};

struct resp_plan {
    enum resp_kind kind;
    const char *why;                /* NULL: to be sent */
    char whybuf[400];
    char *to;                       /* who gets it (the envelope sender) */
    char *key;                      /* state key, or NULL */
    time_t until;                   /* when the record will expire */
    struct buf mail;                /* the composed message */
};

int resp_plan_reply(const struct resp_env *e, const struct resp_reply_args *a, int dry,
                    struct resp_plan *p);
int resp_plan_fakebounce(const struct resp_env *e, const char *text, int dry,
                         struct resp_plan *p);
int resp_send(const struct resp_env *e, struct resp_plan *p, struct status *st);
void resp_plan_free(struct resp_plan *p);

/* Run sendmail for one recipient with the envelope sender <> and msg on
 * its standard input: 0, or -1 with *st. */
int resp_sendmail(const struct resp_env *e, const char *to, const char *msg, size_t len,
                  struct status *st);

#endif
