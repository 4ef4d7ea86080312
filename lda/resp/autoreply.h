/*
 * autoreply.h -- the pure half of the responders: whether a message may be
 * answered at all (RFC 3834 section 2, RFC 5230 section 4.5, and the
 * backscatter rules of fake bounces), and the text of a vacation reply.
 * No I/O, no state: lda/resp/responder.h adds the once-per-days records
 * and the sending.
 *
 * resp_suppressed() returns NULL when the message may be answered, or the
 * reason it must not be (a static string or one written into buf), the
 * first rule that applies, in this order:
 *   - the envelope sender is empty (<>), or not a plain address
 *     (resp_addr_plain);
 *   - the sender is a system, list or no-reply address: its local part
 *     (without +detail) matches one of RESP_SYSTEM_SENDERS
 *     (mailer-daemon, postmaster, listserv, majordomo, owner-*, *-owner,
 *     *-request, *-bounce(s), bounce(s), noreply and its spellings...);
 *   - the sender is one of the user's own addresses;
 *   - the message has a List-* header (List-Id, List-Unsubscribe...);
 *   - Auto-Submitted is present and not "no";
 *   - Precedence is bulk, list or junk;
 *   - X-Auto-Response-Suppress has All or OOF (reply; All, DR or NDR for
 *     a fake bounce);
 *   - reply only: no address of the user in To, Cc, Bcc, Resent-To,
 *     Resent-Cc or Resent-Bcc (the login at a local domain, the envelope
 *     recipient, or one of the user's `addresses`; +detail ignored);
 *   - fake bounce only, when org_differs is given: it says the envelope
 *     sender's domain and the From domain belong to different
 *     organisations (a forged or third-party sender: no backscatter).
 *
 * reply_compose() writes the whole reply (header and body) into *out:
 * From the user, To the envelope sender, "Re: <original subject>" unless a
 * subject is given, In-Reply-To and References from the original's
 * Message-ID and References, Auto-Submitted: auto-replied,
 * X-Auto-Response-Suppress: All, MIME text/plain; charset=UTF-8 (7bit or
 * quoted-printable).  Every header value goes through compose.h, so
 * nothing in the original message or the rule text can add a header.
 */
#ifndef WEIR_AUTOREPLY_H
#define WEIR_AUTOREPLY_H

#include <stddef.h>
#include <time.h>

#include "mailparse.h"
#include "util.h"

/* Local parts (globs, '*' only, case-insensitive) never answered. */
#define RESP_SYSTEM_SENDERS \
    "mailer-daemon", "postmaster", "listserv", "majordomo", "mailman", "owner-*", \
    "*-owner", "*-request", "*-bounce", "*-bounces", "bounce", "bounces", "bounce-*", \
    "noreply", "no-reply", "no_reply", "noreply-*", "no-reply-*", "*-noreply", \
    "*-no-reply", "donotreply", "do-not-reply", "do_not_reply", "nobody"

/* Who the user is. */
struct resp_ident {
    const char *login;
    const char *recipient;              /* envelope recipient */
    const char *const *domains;         /* local domains */
    size_t ndomains;
    const char *const *addresses;       /* the user's other addresses */
    size_t naddresses;
};

enum resp_kind { RESP_REPLY = 1, RESP_FAKEBOUNCE };

/* For fake bounces: nonzero when the two domains belong to different
 * organisations (e.g. through the public suffix list). */
typedef int (*resp_org_differs)(void *ctx, const char *a, const char *b);

const char *resp_suppressed(enum resp_kind kind, const struct mp_header *h,
                            const char *sender, const struct resp_ident *id,
                            resp_org_differs org_differs, void *org_ctx,
                            char *buf, size_t n);

/* Whether addr (local@domain, any case, +detail ignored) is the user's. */
int resp_is_mine(const struct resp_ident *id, const char *addr);
/* The RESP_SYSTEM_SENDERS pattern addr's local part matches, or NULL. */
const char *resp_system_sender(const char *addr);

/* The first value of a field, unfolded (allocated), or NULL. */
char *resp_field(const struct mp_header *h, const char *name);

struct reply_req {
    const char *from;           /* the user's address (plain) */
    const char *to;             /* the envelope sender (plain) */
    const char *subject;        /* the rule's subject, or NULL */
    const char *text;           /* the body (UTF-8) */
    const char *host;           /* for the Message-ID */
    time_t now;
};

void reply_compose(const struct reply_req *r, const struct mp_header *orig, struct buf *out);

/* Append text as a MIME text/plain UTF-8 body: the three content header
 * fields, the blank line and the body (7bit when it is ASCII with short
 * lines, else quoted-printable). */
void resp_text_body(struct buf *out, const char *text);

#endif
