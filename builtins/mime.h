/*
 * mime.h -- the MIME walk: one streaming pass over a message that finds
 * every part (nested multiparts, enclosed messages, uuencoded blocks in
 * text parts) and its facts (path, declared type, disposition, file name,
 * extensions, decoded size, defects), plus facts computed later, only
 * when asked: the sniffed type (libmagic), archive members (libarchive)
 * and the decoded body text the `body` tests read.
 *
 * Entry points: mime_walk() builds a struct mime_tree; mime_part_sniff(),
 * mime_part_archive() and mime_body_text() add the lazy facts;
 * mime_tree_free() frees it.  The exact parsing rules are in the MIME
 * WALK RULES block at the top of builtins/mime.c (also weir-rules(5)).
 *
 * The message is read through a pread-style callback (struct
 * mime_source), so it may be an unlinked spool file (lda/message.h
 * message_pread): memory use is bounded by the limits below and the
 * per-field caps in mime_int.h, never by the size of the message or of
 * a part.  Lazy facts re-read only the bytes of the part they need.
 *
 * Nothing here fails on the message: malformed MIME is read as lenient
 * mail readers read it, with the problem recorded as a defect of the
 * part.  Reaching a limit is recorded too (mime_tree.limit): the walk
 * stops there and the facts found so far stand.  A lazy fact that needs
 * a module that cannot be loaded is "unavailable" (the reason is kept,
 * mime_modules_error()); it never stops the walk.
 */
#ifndef WEIR_MIME_H
#define WEIR_MIME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

/* Random access to the message bytes. */
struct mime_source {
    /* Read up to n bytes at off; bytes read (0 at the end), -1 on error
     * (an error ends the walk like the end of the message would). */
    ssize_t (*pread)(void *ctx, void *buf, size_t n, size_t off);
    void *ctx;
    size_t len;                 /* message length in bytes */
};

/* Built-in defaults; weir.yaml(5) limits.* override them. */
#define MIME_DEFAULT_DEPTH      16u
#define MIME_DEFAULT_PARTS      1000u
#define MIME_DEFAULT_DECODE     ((size_t)32 * 1024 * 1024)
#define MIME_DEFAULT_BODY_SCAN  ((size_t)1024 * 1024)
#define MIME_DEFAULT_ARCHIVE_EXPANSION ((size_t)64 * 1024 * 1024)
#define MIME_DEFAULT_ARCHIVE_MEMBERS 1000u
#define MIME_DEFAULT_ARCHIVE_DEPTH 2u

struct mime_limits {
    unsigned depth;             /* limits.mime_depth: container nesting */
    unsigned parts;             /* limits.mime_parts: parts per message */
    size_t decode;              /* limits.mime_decode: decoded bytes of one
                                   part looked into (uuencode scan,
                                   sniffing, archives, body text) */
    size_t body_scan;           /* limits.body_scan: decoded body text */
    size_t archive_expansion;   /* limits.archive_expansion, per message */
    unsigned archive_members;   /* limits.archive_members, per message */
    unsigned archive_depth;     /* limits.archive_depth: archives in archives */
};

void mime_limits_default(struct mime_limits *lim);

enum mime_kind {
    MIME_LEAF = 1,              /* a part with content */
    MIME_MULTIPART,             /* multipart/x: children are its parts */
    MIME_MESSAGE,               /* message/rfc822 or message/global: one
                                   child, the enclosed message */
    MIME_UUENCODED              /* a uuencoded block inside a text part
                                   (a child of that part) */
};

/* Content-Transfer-Encoding (and the encoding of uuencoded blocks). */
enum mime_enc {
    MIME_ENC_7BIT = 0,
    MIME_ENC_8BIT,
    MIME_ENC_BINARY,
    MIME_ENC_BASE64,
    MIME_ENC_QP,
    MIME_ENC_UUENCODE,          /* x-uuencode CTE, and uuencoded blocks */
    MIME_ENC_BASE64_BLOCK,      /* a "begin-base64" block in text */
    MIME_ENC_UNKNOWN            /* unknown CTE: read as 8bit */
};

/* Defects: problems the walk worked around.  One table, mime_defects.def,
 * gives the bit and the name shown by `weir mime`. */
enum mime_defect_bit {
#define MIME_DEFECT(id, name) MIME_DEFECT_BIT_##id,
#include "mime_defects.def"
#undef MIME_DEFECT
    MIME_NDEFECTS
};
#define MIME_D(id) (1u << MIME_DEFECT_BIT_##id)
_Static_assert(MIME_NDEFECTS <= 32, "defects fit in an unsigned");

/* The name of defect bit i ("missing closing boundary"). */
const char *mime_defect_name(unsigned bit);

/* One step from the raw message to a part's decoded bytes: take len
 * bytes at off of the previous step's output and decode them with enc. */
struct mime_layer {
    size_t off, len;
    enum mime_enc enc;
};

/* An archive member (lazy, mime_part_archive). */
struct mime_member {
    char *name;                 /* path inside the archive, UTF-8; a
                                   member of a nested archive is
                                   "inner.zip/dir/x.exe" */
    int64_t size;               /* uncompressed size, -1 when unknown */
    unsigned depth;             /* 0 = member of the attachment itself */
    int encrypted;
    char *sniffed;              /* libmagic type of its first bytes, or NULL */
    char *ext;                  /* last extension, lower-case, or NULL */
    char **exts;                /* all extensions of its name */
    size_t nexts;
};

/* Lazy fact states. */
enum mime_lazy { MIME_LAZY_NOT_YET = 0, MIME_LAZY_DONE, MIME_LAZY_UNAVAILABLE };

/* Archive facts (flags). */
#define MIME_AR_ENCRYPTED  0x01u    /* a member or the index is encrypted */
#define MIME_AR_EXPANSION  0x02u    /* limits.archive_expansion reached */
#define MIME_AR_MEMBERS    0x04u    /* limits.archive_members reached */
#define MIME_AR_DEPTH      0x08u    /* limits.archive_depth reached */
#define MIME_AR_DAMAGED    0x10u    /* libarchive could not read all of it */
#define MIME_AR_DECODE     0x20u    /* limits.mime_decode cut the part */

struct mime_part {
    char *path;                 /* "1", "1.2", "1.2.1" (see weir-rules(5)) */
    long parent;                /* index in mime_tree.parts, -1 for the root */
    unsigned depth;             /* containers above it */
    enum mime_kind kind;
    char *type;                 /* declared type/subtype, lower-case; the
                                   default (text/plain, message/rfc822 in a
                                   digest) when absent or invalid */
    char *charset;              /* charset parameter, lower-case, or NULL */
    char *disposition;          /* "attachment", "inline", ... or NULL */
    char *name;                 /* decoded file name (UTF-8) or NULL */
    char *ext;                  /* last extension of name, lower-case, or NULL */
    char **exts;                /* all extensions of name, in order */
    size_t nexts;
    enum mime_enc enc;
    char *enc_name;             /* the CTE as written when unknown, else NULL */
    size_t size;                /* decoded bytes (leaves, messages, uuencoded) */
    unsigned defects;           /* MIME_D(...) bits */
    int attachment;             /* counts as an attachment (mime.c rules) */
    struct mime_layer *layers;  /* how to re-read its decoded bytes */
    size_t nlayers;
    /* Lazy facts. */
    enum mime_lazy sniff_state;
    char *sniffed;              /* libmagic MIME type, or NULL */
    enum mime_lazy archive_state;
    char *archive_format;       /* "ZIP 2.0 (deflation)", ... or NULL */
    unsigned archive_flags;     /* MIME_AR_* */
    struct mime_member *members;
    size_t nmembers;
};

/* What the lazy facts keep open (the libmagic handle, the modules) and
 * why a module could not be used; may be shared by the trees of many
 * messages of one run (mime_walk's mods), or owned by one tree. */
struct mime_modules;
/* load(ctx, name) gives a private module's api table ("magic",
 * "archive"), or NULL when it cannot be loaded: lda/sys/dynload.h
 * dynload_api(), or a rule host's module loader.  load NULL: no module
 * is ever available. */
struct mime_modules *mime_modules_new(const void *(*load)(void *ctx, const char *name),
                                      void *ctx);
void mime_modules_free(struct mime_modules *m);
/* Why a module was unavailable ("cannot load module ..."), or NULL. */
const char *mime_modules_error(const struct mime_modules *m);

struct mime_tree {
    struct mime_part *parts;    /* in document order (preorder) */
    size_t nparts;
    const char *limit;          /* "mime_depth" / "mime_parts" when the walk
                                   stopped at a limit, else NULL */
    char *limit_path;           /* where it was reached */
    /* For the lazy facts. */
    struct mime_source src;
    struct mime_limits lim;
    size_t archive_used;        /* expansion spent (bytes) */
    unsigned members_used;
    struct mime_modules *mods;
    int own_mods;
};

/* Walk the message once.  lim NULL: the defaults; mods NULL: no module
 * (lazy facts that need one are unavailable).  Never fails: the tree has
 * at least the root. */
struct mime_tree *mime_walk(const struct mime_source *src, const struct mime_limits *lim,
                            struct mime_modules *mods);
void mime_tree_free(struct mime_tree *t);

/* The sniffed type of a part's first decoded bytes (loads weir_magic.so
 * on first use).  Returns it, or NULL when the part has no content or
 * the module is unavailable (then part->sniff_state says which). */
const char *mime_part_sniff(struct mime_tree *t, struct mime_part *p);

/* List the members when the part's decoded bytes are an archive (zip,
 * 7z, rar, tar, cab, gzip/bzip2/xz; weir_archive.so is loaded only for a
 * part that starts like one).  0 when listed or not an archive, -1 when
 * the module is unavailable. */
int mime_part_archive(struct mime_tree *t, struct mime_part *p);

/* 1 when libmagic can be used (loading it if needed), else 0. */
int mime_sniff_available(struct mime_tree *t);

/* Whether the sniffed type disagrees with the declared type or the file
 * name's extension (sniffs the part): 1 yes, 0 no or unknown. */
int mime_part_mismatch(struct mime_tree *t, struct mime_part *p);

/* The decoded body text: text/plain and text/html parts that are not
 * attachments, HTML tags removed, UTF-8, at most lim.body_scan bytes.
 * Appended to out.  Never fails. */
void mime_body_text(struct mime_tree *t, struct buf *out);

/* Sequential reader of a part's decoded bytes (its layers), for the lazy
 * facts and tests.  mime_stream_read returns bytes read, 0 at the end. */
struct mime_stream;
struct mime_stream *mime_stream_open(const struct mime_tree *t, const struct mime_part *p);
size_t mime_stream_read(struct mime_stream *s, void *buf, size_t n);
void mime_stream_close(struct mime_stream *s);

#endif
