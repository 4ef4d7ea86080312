/*
 * mime_int.h -- what the MIME modules share (mime.c, mime_codec.c,
 * mime_param.c, mime_stream.c, mime_content.c, mime_text.c).  Not part
 * of the builtins API: use mime.h.
 */
#ifndef WEIR_MIME_INT_H
#define WEIR_MIME_INT_H

#include <stddef.h>
#include <stdint.h>

#include "mime.h"
#include "util.h"

/* Line piece the walk looks at as one unit: the start of any line
 * (longer lines are passed on in pieces).  A parser whose multiparts
 * have longer boundaries uses pieces of the longest boundary plus
 * MIME_BOUNDARY_SLACK, so every boundary line is seen whole. */
#define MIME_LINE_MAX 1024
#define MIME_BOUNDARY_SLACK 64
/* RFC 2046's longest boundary; longer ones are used, with a defect. */
#define MIME_BOUNDARY_RFC 70
/* Bytes of one content header field kept (the rest is dropped, with the
 * defect "header field too long"). */
#define MIME_FIELD_MAX (64u * 1024)
/* Parameters of one field looked at. */
#define MIME_PARAMS_MAX 64
/* Bytes read from the source per call. */
#define MIME_CHUNK (64u * 1024)
/* First decoded bytes given to libmagic. */
#define MIME_SNIFF_BYTES (64u * 1024)
/* Longest line of a uuencoded block taken as data. */
#define MIME_UU_LINE_MAX 512

/* ------------------------------------------------------------------ */
/* Streaming decoders (mime_codec.c)                                   */
/* ------------------------------------------------------------------ */

typedef void (*mime_sink)(void *ctx, const char *p, size_t n);

#define MIME_DEC_OUT 4096

struct mime_dec {
    enum mime_enc enc;
    unsigned defects;           /* MIME_D(BAD_BASE64) ... found so far */
    mime_sink sink;
    void *ctx;
    /* base64 */
    uint32_t acc;
    unsigned nq;
    /* quoted-printable */
    int qstate;
    int qhex;
    char ws[256];               /* held white space (trailing is dropped) */
    size_t nws;
    /* uuencode: the current line */
    char line[MIME_UU_LINE_MAX];
    size_t nline;
    int line_long;
    int uu_state;               /* 0 data, 1 after a length-0 line, 2 after end */
    int uu_started;
    /* output */
    char out[MIME_DEC_OUT];
    size_t nout;
    /* count only (mime_dec_count_only): whole base64 quanta are counted
     * here instead of being decoded and handed to the sink */
    int count_only;
    size_t counted;
};

/* enc: MIME_ENC_*; 7bit, 8bit, binary and unknown pass bytes through. */
void mime_dec_init(struct mime_dec *d, enum mime_enc enc, mime_sink sink, void *ctx);
/* For a sink that only counts bytes: the base64 decoder then adds the
 * length of the bytes it would have decoded to d->counted instead of
 * writing them (the sink still gets the rest: partial quanta, padding);
 * defects are found as before.  The decoded length is the bytes given
 * to the sink plus d->counted. */
void mime_dec_count_only(struct mime_dec *d);
void mime_dec_feed(struct mime_dec *d, const char *p, size_t n);
/* Flush what is held and report the end of the input. */
void mime_dec_finish(struct mime_dec *d);

/* Decode one uuencoded line (without its line end) into out (room for
 * 64 bytes); returns the bytes written, 0 for a length-0 line, -1 when
 * the line is not uuencoded data. */
int mime_uu_line(const char *p, size_t n, unsigned char *out);
/* 1 when a whole line of n bytes looks like uuencoded data (its length
 * character matches its length). */
int mime_uu_line_valid(const char *p, size_t n);

/* ------------------------------------------------------------------ */
/* Content header fields (mime_param.c)                                */
/* ------------------------------------------------------------------ */

struct mime_rawparam {
    char *attr;                 /* lower-case name without "*N" / "*" */
    int section;                /* N of "name*N", -1 when none */
    int extended;               /* ended in "*": charset'lang'%XX value */
    char *value;                /* quotes removed, quoted pairs unescaped */
};

struct mime_fieldval {
    char *token;                /* lower-case first token ("text/plain",
                                   "attachment"), or NULL when empty */
    struct mime_rawparam *p;
    size_t n;
    unsigned defects;           /* MIME_D(BAD_PARAM) */
};

/* Parse an unfolded Content-Type / Content-Disposition value.  With
 * is_type, the token is "type/subtype" (white space around '/' allowed);
 * token is NULL when it is not valid. */
void mime_field_parse(const char *value, int is_type, struct mime_fieldval *out);
void mime_field_free(struct mime_fieldval *f);
/* The decoded value (UTF-8, trimmed) of parameter attr (lower-case):
 * RFC 2231 continuations and charsets, encoded-words inside the value,
 * raw UTF-8 or Latin-1 bytes.  Allocated, or NULL when absent. */
char *mime_param_get(const struct mime_fieldval *f, const char *attr);
/* The raw value of attr (no decoding; the first section), or NULL. */
const char *mime_param_raw(const struct mime_fieldval *f, const char *attr);

/* The Content-Transfer-Encoding named by an unfolded value. */
enum mime_enc mime_cte_parse(const char *value);

/* Extensions of a file name (lower-case ASCII, trailing dots and spaces
 * ignored, a leading dot is not an extension separator): fills *exts
 * (allocated) and returns how many. */
size_t mime_name_exts(const char *name, char ***exts);

/* ------------------------------------------------------------------ */
/* Streams and lazy facts (mime_stream.c, mime_content.c)              */
/* ------------------------------------------------------------------ */

/* Move to decoded offset pos (backwards: start again).  0, or -1 when
 * the stream ends before pos. */
int mime_stream_seek(struct mime_stream *s, size_t pos);
size_t mime_stream_pos(const struct mime_stream *s);

/* Bytes of an archive member given to libmagic. */
#define MIME_MEMBER_SNIFF_BYTES (16u * 1024)

/* ------------------------------------------------------------------ */
/* Decoded text (mime_text.c)                                          */
/* ------------------------------------------------------------------ */

/* Append n bytes of text to b as valid UTF-8, keeping line ends (CRLF
 * becomes LF); ill-formed bytes are Latin-1.  Used for raw charsets. */
void mime_utf8_text(struct buf *b, const char *p, size_t n);

#endif
