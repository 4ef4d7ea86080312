/*
 * compose.h -- building blocks for the mail weir writes itself (vacation
 * replies, fake bounces): header fields that nothing from the original
 * message can break out of, plain-address checks, Message-ID extraction,
 * dates, "Re:" subjects.
 *
 * Pure functions: no I/O except resp_message_id() (getrandom) and
 * resp_date() (the local time zone).  Results are appended to a struct
 * buf or allocated (xmalloc family); nothing fails on hostile input.
 *
 * SECURITY: every text that goes into a header passes through
 * resp_header_text() or resp_header_addr(): CR, LF, NUL and other control
 * characters become spaces, invalid UTF-8 becomes '?', non-ASCII text is
 * RFC 2047-encoded, and long values are folded (never split inside an
 * encoded-word or a UTF-8 sequence).  An address is put into a header or
 * an argv only after resp_addr_plain() accepted it.
 */
#ifndef WEIR_COMPOSE_H
#define WEIR_COMPOSE_H

#include <stddef.h>
#include <time.h>

#include "util.h"

#define RESP_ADDR_MAX 254           /* longest address accepted (RFC 5321) */
#define RESP_SUBJECT_MAX 200        /* bytes of an original subject reused */
#define RESP_MSGID_MAX 250          /* longest msg-id reused */
#define RESP_REFERENCES_MAX 10      /* msg-ids carried into References */
#define RESP_HEADER_VALUE_MAX 900   /* bytes of one header value before encoding */

/* Whether s is a plain address: local@domain, 1..RESP_ADDR_MAX bytes, the
 * local part a dot-atom ([A-Za-z0-9!#$%&'*+/=?^_`{|}~-] and inner dots),
 * the domain dot-separated labels of [A-Za-z0-9-] (or an [IP literal] of
 * hex digits, dots and colons).  Anything else (quotes, spaces, angle
 * brackets, commas, control or 8-bit bytes) is refused. */
int resp_addr_plain(const char *s);

/* Append "Name: value\n", value made safe (see SECURITY) and folded at 78
 * columns; encoded per RFC 2047 (UTF-8, B) when it has non-ASCII bytes or
 * already looks like an encoded-word ("=?"). */
void resp_header_text(struct buf *b, const char *name, const char *value);
/* Append "Name: <display> <addr>\n" (display may be NULL; it is encoded
 * like text).  addr must have passed resp_addr_plain(). */
void resp_header_addr(struct buf *b, const char *name, const char *display,
                      const char *addr);

/* The msg-ids ("<...>", printable ASCII without spaces, at most
 * RESP_MSGID_MAX bytes) of a header value, in order; at most max are
 * stored into out (allocated strings).  Returns how many were stored. */
size_t resp_msgids(const char *value, char **out, size_t max);

/* Append an RFC 5322 date ("Sun, 30 Nov 2026 00:10:00 +0100"). */
void resp_date(struct buf *b, time_t t);
/* Append a new msg-id "<time.pid.random@host>". */
void resp_message_id(struct buf *b, const char *host, time_t now);

/* "Re: " + subject, without stacking: leading "Re:", "RE:", "Re[2]:",
 * "Aw:", "Sv:", "Antw:" prefixes (and white space) are dropped first.
 * The subject is an RFC 2047-decoded, unfolded value (or NULL); control
 * characters become spaces and it is cut at RESP_SUBJECT_MAX bytes on a
 * UTF-8 boundary.  Allocated. */
char *resp_re_subject(const char *subject);

/* A copy of s that is valid UTF-8 without control characters other than
 * tab and newline (others become spaces, invalid bytes '?'), with a final
 * newline; for message bodies.  Allocated. */
char *resp_body_text(const char *s);

/* Case-insensitive ASCII glob (only '*') used by the sender patterns. */
int resp_glob(const char *pat, const char *s);

#endif
