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

struct delivery {
    /* inputs */
    const char *sender_arg;         /* -f */
    const char *recipient_arg;      /* -a */
    struct intake_limits limits;
    struct weir_config *cfg;        /* system config; user overrides are
                                       loaded into it (NULL: defaults) */
    int log_dests;                  /* log_open() destinations from main */
    /* worked out */
    struct message msg;
    char *sender;                   /* envelope sender, "" for <> */
    char *recipient;
    char *user;
    char *home;
    char *default_mailbox;          /* "~/Maildir/" expanded */
    char *delivered_to;             /* where the message went (for the log) */
};

void delivery_init(struct delivery *d);
int delivery_run(struct delivery *d, int fd, struct status *st);
void delivery_free(struct delivery *d);

#endif
