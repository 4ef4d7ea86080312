/*
 * mod_archive.h -- the api table of the weir_archive.so module
 * (libarchive behind lda/dynload.h).  mime_content.c is its one caller.
 *
 * list() reads an archive (zip, 7z, rar, rar5, tar, cab, iso9660, cpio,
 * lha; gzip, bzip2, xz, lzma, zstd, lzip or compress on top, or alone
 * as a single compressed file) sequentially from io and reports every
 * member that is not a directory through opts->member, in archive order:
 * its path (UTF-8 when libarchive can convert it, else the raw bytes),
 * size, encrypted flag, nesting depth and, for members that are not
 * encrypted, its first opts->head bytes.  A member whose first bytes
 * opts->is_archive() recognises is itself listed (its members named
 * "member/path") while depth < opts->depth.
 *
 * Never expanded beyond budget: every byte decompressed counts against
 * opts->expansion (members' heads, nested archives, and the data of
 * formats where skipping a member means decompressing it); when it runs
 * out, listing stops with WEIR_ARCHIVE_EXPANSION.  The sizes the archive
 * declares count too: when their sum passes the budget the flag is set
 * (a zip bomb is recognised without expanding it), and listing goes on.
 * opts->members counts the members reported; at zero, listing stops with
 * WEIR_ARCHIVE_MEMBERS.  No external program is ever run (filters that
 * would need one are not enabled), nothing is written anywhere.
 *
 * Returns the WEIR_ARCHIVE_* flags; the format ("zip", "tar+gzip",
 * "gzip") is written to opts->format.
 */
#ifndef WEIR_MOD_ARCHIVE_H
#define WEIR_MOD_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WEIR_ARCHIVE_API_VERSION 1

#define WEIR_ARCHIVE_ENCRYPTED 0x01u
#define WEIR_ARCHIVE_EXPANSION 0x02u
#define WEIR_ARCHIVE_MEMBERS   0x04u
#define WEIR_ARCHIVE_DEPTH     0x08u
#define WEIR_ARCHIVE_DAMAGED   0x10u
#define WEIR_ARCHIVE_NONE      0x40u    /* not an archive after all */

struct weir_archive_io {
    void *ctx;
    /* Up to n bytes; 0 at the end (or on error). */
    ssize_t (*read)(void *ctx, void *buf, size_t n);
    /* Move to offset (SEEK_SET/SEEK_CUR/SEEK_END semantics); the new
     * offset, or -1.  NULL when the bytes can only be read in order. */
    int64_t (*seek)(void *ctx, int64_t off, int whence);
    int64_t size;               /* total bytes */
};

struct weir_archive_member {
    const char *name;
    int64_t size;               /* -1 unknown */
    int encrypted;
    unsigned depth;             /* 0: member of the archive given */
    const unsigned char *head;  /* first bytes, or NULL */
    size_t nhead;
};

struct weir_archive_opts {
    size_t expansion;           /* in/out: bytes that may still be expanded */
    unsigned members;           /* in/out: members that may still be listed */
    unsigned depth;             /* archives in archives opened */
    size_t head;                /* bytes of each member wanted */
    int compressed_only;        /* the bytes start like a compressed
                                   stream: a lone file is a member too */
    /* 1: the bytes start like an archive, 2: like a compressed stream
     * (a lone compressed file is then listed as one member), 0: not. */
    int (*is_archive)(const unsigned char *p, size_t n);
    void (*member)(void *ctx, const struct weir_archive_member *m);
    void *ctx;
    const char *raw_name;       /* name for the one member of a lone
                                   compressed file that does not store one
                                   (the attachment's name without its
                                   compression extension), or NULL */
    char format[64];            /* out */
};

struct weir_archive_api {
    int version;                /* WEIR_ARCHIVE_API_VERSION */
    unsigned (*list)(const struct weir_archive_io *io, struct weir_archive_opts *opts);
};

#endif
