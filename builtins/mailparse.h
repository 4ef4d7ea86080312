/*
 * mailparse.h -- RFC 5322 / RFC 2047 parsing used by the builtin tests:
 * header fields, unfolding, encoded-word decoding, address lists.
 *
 * Pure functions of their input: no I/O, no global state, never fail on
 * hostile input (malformed parts are skipped or kept literally, as
 * documented per function).  Results are allocated with the xmalloc
 * family (lda/sys/util.h) and freed by the matching *_free function.
 * Borrowed pointers (struct mp_field) point into the caller's header block
 * and live as long as it does.
 */
#ifndef WEIR_MAILPARSE_H
#define WEIR_MAILPARSE_H

#include <stddef.h>

struct mp_field {
    const char *name;       /* borrowed; not NUL-terminated */
    size_t name_len;
    const char *raw;        /* borrowed: the value after the colon, folding
                               included, final newline excluded */
    size_t raw_len;
};

struct mp_header {
    struct mp_field *f;
    size_t n;
};

/* Split a header block (as lda/store/message.h keeps it) into fields, in order.
 * A line that is neither a field nor a continuation is skipped; a
 * continuation before any field is skipped.  Stops at the first empty
 * line or at len. */
void mp_header_parse(const char *block, size_t len, struct mp_header *out);
void mp_header_free(struct mp_header *h);

/* Case-insensitive field-name comparison. */
int mp_field_is(const struct mp_field *f, const char *name);

/* Unfold: remove the line breaks of folding (RFC 5322 2.2.3), keep the
 * white space after them, trim leading and trailing white space.
 * NUL bytes (and a lone CR) are replaced by a space so results are C
 * strings.  Allocated.  The exact rules: NORMALISATION RULES at the top
 * of builtins/mailparse.c. */
char *mp_unfold(const char *raw, size_t len);

/* Decode RFC 2047 encoded-words (B and Q, any charset iconv knows, RFC
 * 2231 language suffix ignored) in an unfolded value to UTF-8.  White
 * space between adjacent encoded-words is dropped.  Malformed or unknown
 * encoded-words are kept literally.  Raw 8-bit bytes that are not valid
 * UTF-8 are taken as Latin-1.  NUL, CR and LF in the result become a
 * space (no header injection through "=0D=0A").  The result is always
 * valid UTF-8.  Allocated. */
char *mp_decode_2047(const char *s);

/* Convert n bytes in charset cs (a MIME charset name, e.g. from an RFC
 * 2231 parameter) to UTF-8, appended to out, exactly as the bytes of an
 * encoded-word in that charset are converted: an unknown or invalid
 * charset reads them as raw text; NUL, CR and LF become a space. */
struct buf;
void mp_charset_decode(const char *cs, const char *p, size_t n, struct buf *out);

struct mp_address {
    char *display;          /* decoded display name, or "" */
    char *local;            /* local part, unquoted ("a b" -> a b) */
    char *domain;           /* domain, lower-cased, or "" when none */
};

/* Parse an address-list / mailbox-list value (unfolded, not decoded):
 * name-addr and addr-spec, groups (flattened), comments (dropped; a
 * comment after a bare addr-spec becomes the display name when there is
 * none), quoted strings, obsolete routes (@a,@b:) and missing angle
 * brackets tolerated.  Garbage between addresses is skipped, and so is an
 * address without a local part ("<>").  All parts are valid UTF-8 (8-bit
 * bytes that are not are taken as Latin-1).  Returns the number of
 * addresses; *out is allocated (NULL when 0). */
size_t mp_address_parse_list(const char *value, struct mp_address **out);
void mp_address_list_free(struct mp_address *a, size_t n);

/* "local@domain" of an address (allocated); just local when no domain.
 * The local part is not re-quoted. */
char *mp_address_spec(const struct mp_address *a);

/* Split a local part at the first separator character (e.g. '+'):
 * user and detail (both allocated; detail NULL when there is none, ""
 * for "user+"; sep '\0' never splits). */
void mp_local_split(const char *local, char sep, char **user, char **detail);

#endif
