/*
 * dsn.h -- the text of a fake bounce: an RFC 3464 delivery status
 * notification (multipart/report; report-type=delivery-status) that reads
 * like the MTA's own "user unknown" bounce -- Postfix's, by default.
 *
 * dsn_compose() writes the whole message into *out: From
 * MAILER-DAEMON@host, To the envelope sender, a human-readable part made
 * from a template, a message/delivery-status part (Reporting-MTA,
 * X-Postfix-Sender, Arrival-Date; Final-Recipient, Original-Recipient,
 * Action: failed, Status: 5.1.1, Diagnostic-Code), and a
 * text/rfc822-headers part with the original header block.  The MIME
 * boundary is chosen so that it does not occur in the original header.
 *
 * TEMPLATE (weir.yaml(5) fakebounce_template): lines up to the first
 * empty line set "Subject: ..." and "From: <display name>"; the rest is
 * the human-readable text, where ${host}, ${recipient}, ${sender},
 * ${login}, ${diagnostic} and ${date} are replaced (other text, including
 * unknown ${...}, stays as written).  Replacement values are cleaned to
 * one line of printable ASCII, so the message cannot inject MIME
 * structure.  dsn_template_check() says whether a template is usable.
 *
 * Pure: no I/O except resp_message_id()'s random bytes and the local
 * time zone for dates.
 */
#ifndef WEIR_DSN_H
#define WEIR_DSN_H

#include <stddef.h>
#include <time.h>

#include "util.h"

#define DSN_STATUS "5.1.1"
#define DSN_TEMPLATE_MAX (64u * 1024)       /* bytes of a template file */
#define DSN_DIAGNOSTIC_MAX 200              /* bytes of a diagnostic text */

struct dsn_req {
    const char *to;             /* the envelope sender (plain) */
    const char *recipient;      /* the user's address */
    const char *login;
    const char *host;           /* reporting MTA (plain host name) */
    const char *diagnostic;     /* the rule's text, or NULL: unknown user: "login" */
    const char *tmpl;           /* template text, or NULL for the built-in one */
    time_t now;                 /* Date */
    time_t arrival;             /* Arrival-Date */
};

void dsn_compose(const struct dsn_req *r, const char *orig_header, size_t orig_len,
                 struct buf *out);
/* 0, or -1 with a reason in *why (static text). */
int dsn_template_check(const char *tmpl, const char **why);

#endif
