/*
 * message.h -- message intake: read one message from a descriptor into a
 * spool, normalised, and give read access to it.
 *
 * Normalisation (documented in weir(1), INTAKE): a leading mbox "From "
 * line is removed and remembered (its address is the envelope sender unless
 * -f was given); CRLF line ends become LF (a lone CR is kept); a missing
 * final newline is added; NUL bytes and long lines are kept as they are.
 *
 * The message is held in memory up to limits->mem_max bytes, then moves to
 * an unlinked temporary file in limits->spool_dir: it is never held twice.
 * The header block (up to limits->header_max bytes) is always in memory.
 *
 * message_read() returns 0, or -1 with *st set: 5.3.4 when the message is
 * larger than limits->size_max (a permanent refusal, like an MTA's
 * message_size_limit), 4.x.x for I/O errors.
 */
#ifndef WEIR_MESSAGE_H
#define WEIR_MESSAGE_H

#include <stddef.h>
#include <sys/types.h>

#include "status.h"

struct intake_limits {
    size_t mem_max;             /* bytes held in memory before spooling */
    size_t size_max;            /* largest message accepted; 0 = no limit */
    size_t header_max;          /* header bytes kept in memory */
    const char *spool_dir;      /* where the unlinked temp file goes */
};

/* Fields kept past limits.header_size (issue 10: 10k Received lines must
 * not hide the Subject from the rules); "List-" is a prefix. */
#define INTAKE_KEEP_FIELDS { "From", "Sender", "To", "Cc", "Reply-To", "Subject", \
    "Date", "Message-ID", "In-Reply-To", "Return-Path", "Delivered-To", \
    "X-Original-To", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", \
    "Auto-Submitted", "Precedence", "List-", NULL }
#define INTAKE_KEEP_MAX (64u * 1024)

struct message {
    char *mem;                  /* whole message, when held in memory */
    int fd;                     /* unlinked spool file, or -1 */
    size_t len;                 /* bytes after normalisation */
    char *header;               /* header block: points into mem or own copy */
    size_t header_len;          /* bytes of header, including the blank line */
    size_t header_end;          /* where the body starts (header_len unless
                                   truncated) */
    int header_truncated;       /* header longer than header_max: header is
                                   then its first fields (up to header_max,
                                   cut at a field) plus the fields rules
                                   need most found after that
                                   (INTAKE_KEEP_FIELDS, at most
                                   INTAKE_KEEP_MAX bytes), and a blank line */
    int header_own;             /* header is a separate allocation */
    char *from_line;            /* the removed "From " line (no newline) or NULL */
    char *from_sender;          /* its envelope address ("" for <>) or NULL */
    int had_crlf;               /* CRLF line ends were converted */
    int added_newline;          /* a final newline was added */
};

/* The intake's defaults (weir.yaml's limits.message_size, memory_spool,
 * header_size and temp_dir take theirs from here): 1 MiB in memory,
 * 256 MiB largest message, 1 MiB of header, spooled in /var/tmp. */
void message_limits_default(struct intake_limits *lim);
int message_read(struct message *m, int fd, const struct intake_limits *lim,
                 struct status *st);
/* Read up to n bytes at off; returns bytes read (0 at end), -1 on error. */
ssize_t message_pread(const struct message *m, void *buf, size_t n, size_t off);
/* The message as a child's standard input (lda/sys/child.h). */
struct child_input;
void message_input(const struct message *m, struct child_input *in);
/* Write the whole message to fd.  0, or -1 with errno set. */
int message_write(const struct message *m, int fd);
/* First value of a header in the header block, unfolded, or NULL.  The
 * result is allocated.  A minimal lookup for intake; builtins/ has the
 * full RFC 5322 parser. */
char *message_header_first(const struct message *m, const char *name);
void message_free(struct message *m);

/* Parse the address out of an mbox From_ line ("From addr date...").
 * Returns an allocated string, "" for the null sender (<> or
 * MAILER-DAEMON), or NULL when the line has no address. */
char *message_parse_from_line(const char *line);

#endif
