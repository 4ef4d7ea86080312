/*
 * mboxsplit.h -- reading mbox archives: finding the messages in an mbox
 * held in memory and undoing the ">From " quoting of the writer.
 *
 * The rules (documented in weir-test(1), MBOX INPUT):
 *
 *  - A From_ line starts with the five bytes "From " at the start of the
 *    archive or right after an empty line (a line that is "\n" or "\r\n"),
 *    and the rest of the line has an address field followed by a date
 *    that contains a time "hh:mm" (as every writer since V7 puts there:
 *    "From alice@example.org Sat Nov 28 01:19:29 2026").  A "From " line
 *    in a body that is not preceded by an empty line or has no time in it
 *    is body text, even in an unquoted (broken) mbox.
 *  - A message runs from the line after its From_ line to the empty line
 *    that precedes the next From_ line (that empty line is the writer's
 *    separator, RFC 4155, and not part of the message), or to the end of
 *    the archive, where one final empty line is likewise dropped.
 *  - Un-quoting: MBOX_RD (mboxrd, the default) removes one '>' from every
 *    line that matches /^>+From /; MBOX_O (mboxo) removes the '>' only
 *    from lines that are exactly ">From ..." (mboxo writers never quoted
 *    ">From ", so ">>From " stays as it is); MBOX_RAW removes nothing.
 *
 * Everything here is a pure function of the bytes given; nothing fails
 * except on allocation (which exits 75, util.h).
 */
#ifndef WEIR_MBOXSPLIT_H
#define WEIR_MBOXSPLIT_H

#include <stddef.h>

#include "util.h"

enum mbox_quoting {
    MBOX_RD = 1,        /* mboxrd: /^>+From / loses one '>' */
    MBOX_O,             /* mboxo: /^>From / loses its '>' */
    MBOX_RAW            /* no un-quoting */
};

struct mbox_reader {
    const char *data;
    size_t len;
    size_t off;                 /* start of the next From_ line */
    size_t lineno;              /* 1-based line of that From_ line */
    enum mbox_quoting quoting;
};

/* Whether line (len bytes, without its newline) is a From_ line by the
 * rules above (the preceding-empty-line rule is the caller's). */
int mbox_is_from_line(const char *line, size_t len);

/* Whether the data starts with a From_ line (an mbox, not one message). */
int mbox_detect(const char *data, size_t len);

/* Parse a quoting name ("mboxrd", "mboxo", "raw"); 0 if unknown. */
enum mbox_quoting mbox_quoting_parse(const char *name);

void mbox_reader_init(struct mbox_reader *r, const char *data, size_t len,
                      enum mbox_quoting quoting);

/* The next message: its un-quoted bytes replace the contents of msg, its
 * From_ line (allocated, without newline) goes to *from_line and the
 * line number of that From_ line to *lineno (either may be NULL).
 * Returns 1, or 0 when there are no more messages.  Data before the first
 * From_ line (not an mbox) is returned as one message with *from_line
 * NULL. */
int mbox_next(struct mbox_reader *r, struct buf *msg, char **from_line,
              size_t *lineno);

/* Append msg to out as one mbox entry: from_line, newline, msg quoted for
 * the given style (a final newline added if missing), empty line.  For
 * tests and tools that build archives. */
void mbox_write(struct buf *out, const char *from_line, const char *msg,
                size_t len, enum mbox_quoting quoting);

#endif
