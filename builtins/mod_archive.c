/*
 * mod_archive.c -- the weir_archive.so module: libarchive behind
 * dynload (lda/dynload.h).  Linked only into the module so deliveries that
 * never open an archive never load libarchive.  Its api table is struct
 * weir_archive_api (mod_archive.h, which states the contract: listing
 * only, within the expansion and member budgets, no external programs).
 *
 * Budgets: member data is read only for the first opts->head bytes and
 * for nested archives; skipping the rest of a member is free for seekable
 * zip and for uncompressed tar, iso9660 and cpio, and for everything
 * else (compressed streams, solid 7z and rar) the rest is read here and
 * counted, because libarchive would otherwise decompress it invisibly.
 *
 * SECURITY: archive bytes are hostile.  Only libarchive's built-in
 * decompressors are enabled: a filter whose support call does not
 * return ARCHIVE_OK (libarchive falls back to an external program when
 * it was built without the library) is never enabled.  Nothing is
 * extracted: data is read into memory buffers only.
 */
#include "config.h"
#include "dynload.h"
#include "mod_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Read buffer handed to libarchive. */
#define AR_BLOCK (64u * 1024)

static const char *
lib_version(void)
{
    return archive_version_details();
}

/* Where a reader's bytes come from: the io of the caller, or the data of
 * a member of an enclosing archive (after its already-read head). */
struct src {
    const struct weir_archive_io *io;
    struct archive *outer;
    const unsigned char *pre;   /* head already read from outer */
    size_t npre, ppre;
    struct weir_archive_opts *o;
    unsigned *flags;
    char buf[AR_BLOCK];
};

static la_ssize_t
rd(struct archive *a, void *ctx, const void **out)
{
    struct src *s = ctx;
    la_ssize_t r;

    (void)a;
    *out = s->buf;
    if (s->io)
        return s->io->read(s->io->ctx, s->buf, sizeof s->buf);
    if (s->ppre < s->npre) {
        size_t k = s->npre - s->ppre;

        *out = s->pre + s->ppre;
        s->ppre = s->npre;
        return (la_ssize_t)k;
    }
    if (s->o->expansion == 0) {
        *s->flags |= WEIR_ARCHIVE_EXPANSION;
        return 0;
    }
    r = archive_read_data(s->outer, s->buf,
                          s->o->expansion < sizeof s->buf ? s->o->expansion : sizeof s->buf);
    if (r < 0)
        return 0;
    s->o->expansion -= (size_t)r;
    return r;
}

static la_int64_t
sk(struct archive *a, void *ctx, la_int64_t request)
{
    struct src *s = ctx;
    int64_t cur, to;

    (void)a;
    if (s->io == NULL || s->io->seek == NULL)
        return 0;                       /* libarchive reads instead */
    cur = s->io->seek(s->io->ctx, 0, SEEK_CUR);
    if (cur < 0)
        return 0;
    to = cur + request;
    if (to > s->io->size)
        to = s->io->size;
    if (s->io->seek(s->io->ctx, to, SEEK_SET) < 0)
        return 0;
    return to - cur;
}

static la_int64_t
se(struct archive *a, void *ctx, la_int64_t off, int whence)
{
    struct src *s = ctx;

    (void)a;
    return s->io->seek(s->io->ctx, off, whence);
}

typedef int (*support_fn)(struct archive *);

static const struct {
    const char *name;
    support_fn fn;
} filters[] = {
    { "gzip", archive_read_support_filter_gzip },
    { "bzip2", archive_read_support_filter_bzip2 },
    { "xz", archive_read_support_filter_xz },
    { "lzma", archive_read_support_filter_lzma },
    { "zstd", archive_read_support_filter_zstd },
    { "lzip", archive_read_support_filter_lzip },
    { "compress", archive_read_support_filter_compress },
};

static const support_fn formats[] = {
    archive_read_support_format_7zip, archive_read_support_format_rar,
    archive_read_support_format_rar5, archive_read_support_format_tar,
    archive_read_support_format_cab, archive_read_support_format_iso9660,
    archive_read_support_format_cpio, archive_read_support_format_lha,
};

/* A reader for src; NULL if libarchive refuses.  raw: the bytes start
 * like a compressed stream, so a lone compressed file is an archive of
 * one member too (libarchive's raw format bids lowest: a tar inside
 * still reads as tar); raw == 2: nothing but that. */
static struct archive *
reader(struct src *s, int raw)
{
    struct archive *a = archive_read_new();

    if (a == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        /* A filter that needs an external program is not wanted: probe
         * on a scratch reader first. */
        struct archive *probe = archive_read_new();
        int ok = probe && filters[i].fn(probe) == ARCHIVE_OK;

        if (probe)
            archive_read_free(probe);
        if (ok)
            filters[i].fn(a);
    }
    if (raw)
        archive_read_support_format_raw(a);
    if (raw == 2)
        goto callbacks;                 /* only the raw format */
    if (s->io && s->io->seek)
        archive_read_support_format_zip_seekable(a);
    else
        archive_read_support_format_zip_streamable(a);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        formats[i](a);
    /* Zip tools write names in the OEM code page when they do not set
     * the UTF-8 flag; read them as CP437 like 7-Zip and Python. */
    archive_read_set_format_option(a, "zip", "hdrcharset", "CP437");
callbacks:
    archive_read_set_read_callback(a, rd);
    archive_read_set_callback_data(a, s);
    if (s->io && s->io->seek) {
        archive_read_set_seek_callback(a, se);
        archive_read_set_skip_callback(a, sk);
    }
    if (archive_read_open1(a) != ARCHIVE_OK) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

static int
cheap_skip(struct archive *a, int seekable)
{
    int f = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;

    if (f == ARCHIVE_FORMAT_ZIP && seekable)
        return 1;
    return archive_filter_count(a) <= 1 &&
           (f == ARCHIVE_FORMAT_TAR || f == ARCHIVE_FORMAT_ISO9660 || f == ARCHIVE_FORMAT_CPIO);
}

static void
format_name(struct archive *a, char *out, size_t outlen)
{
    static const struct {
        int code;
        const char *name;
    } fm[] = {
        { ARCHIVE_FORMAT_ZIP, "zip" }, { ARCHIVE_FORMAT_7ZIP, "7z" },
        { ARCHIVE_FORMAT_RAR, "rar" }, { ARCHIVE_FORMAT_RAR_V5, "rar5" },
        { ARCHIVE_FORMAT_TAR, "tar" }, { ARCHIVE_FORMAT_CAB, "cab" },
        { ARCHIVE_FORMAT_ISO9660, "iso9660" }, { ARCHIVE_FORMAT_CPIO, "cpio" },
        { ARCHIVE_FORMAT_LHA, "lha" }, { ARCHIVE_FORMAT_RAW, "" },
    };
    int f = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK, n = archive_filter_count(a);
    const char *name = "unknown";
    size_t len;

    for (size_t i = 0; i < sizeof fm / sizeof fm[0]; i++)
        if (fm[i].code == f)
            name = fm[i].name;
    snprintf(out, outlen, "%s", name);
    /* Filters, outermost last in libarchive's numbering: 0 is the
     * innermost (closest to the format). */
    for (int i = 0; i < n; i++) {
        const char *fn = archive_filter_name(a, i);

        if (fn == NULL || strcmp(fn, "none") == 0)
            continue;
        len = strlen(out);
        snprintf(out + len, outlen - len, "%s%s", len ? "+" : "", fn);
    }
}

struct lister {
    struct weir_archive_opts *o;
    unsigned flags;
    uint64_t declared;          /* sizes the archives declare */
    unsigned listed;            /* members reported */
    unsigned char *head;
};

static void list_reader(struct lister *L, struct archive *a, int seekable,
                        unsigned depth, const char *prefix);

/* "dir/x.txt.gz/" -> "x.txt" (malloc'd), for a nested lone compressed
 * file; NULL when there is nothing to strip. */
static char *
strip_compression(const char *prefix)
{
    static const char *const exts[] = { ".gz", ".bz2", ".xz", ".lz", ".lzma", ".zst", ".z" };
    size_t n = strlen(prefix);
    const char *base;
    char *r;

    if (n > 0 && prefix[n - 1] == '/')
        n--;
    base = prefix;
    for (size_t i = 0; i < n; i++)
        if (prefix[i] == '/')
            base = prefix + i + 1;
    n -= (size_t)(base - prefix);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t k = strlen(exts[i]);

        if (n > k && strncasecmp(base + n - k, exts[i], k) == 0) {
            r = malloc(n - k + 1);
            if (r) {
                memcpy(r, base, n - k);
                r[n - k] = '\0';
            }
            return r;
        }
    }
    return NULL;
}

/* Read up to n bytes of the current member, counted; returns bytes. */
static size_t
member_read(struct lister *L, struct archive *a, unsigned char *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        size_t want = n - got;
        la_ssize_t r;

        if (L->o->expansion == 0) {
            L->flags |= WEIR_ARCHIVE_EXPANSION;
            break;
        }
        if (want > L->o->expansion)
            want = L->o->expansion;
        r = archive_read_data(a, buf + got, want);
        if (r <= 0)
            break;
        got += (size_t)r;
        L->o->expansion -= (size_t)r;
    }
    return got;
}

/* Read the rest of the member, counted; 0, or -1 when the budget ran out. */
static int
member_drain(struct lister *L, struct archive *a)
{
    const void *blk;
    size_t len;
    la_int64_t off;
    int r;

    while ((r = archive_read_data_block(a, &blk, &len, &off)) == ARCHIVE_OK ||
           r == ARCHIVE_WARN) {
        if (len > L->o->expansion) {
            L->o->expansion = 0;
            L->flags |= WEIR_ARCHIVE_EXPANSION;
            return -1;
        }
        L->o->expansion -= len;
    }
    return 0;
}

static void
nested(struct lister *L, struct archive *outer, const unsigned char *head, size_t nhead,
       int raw, unsigned depth, const char *name)
{
    struct src *s = calloc(1, sizeof *s);
    struct archive *a;
    char *prefix;

    if (s == NULL)
        return;
    s->outer = outer;
    s->pre = head;
    s->npre = nhead;
    s->o = L->o;
    s->flags = &L->flags;
    a = reader(s, raw);
    if (a == NULL) {
        free(s);
        return;
    }
    prefix = malloc(strlen(name) + 2);
    if (prefix) {
        sprintf(prefix, "%s/", name);
        list_reader(L, a, 0, depth, prefix);
        free(prefix);
    }
    archive_read_free(a);
    free(s);
}

static void
list_reader(struct lister *L, struct archive *a, int seekable, unsigned depth,
            const char *prefix)
{
    struct archive_entry *e;
    int r;

    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        struct weir_archive_member m;
        const char *name;
        char *full;
        size_t nhead = 0;
        int kind;

        if (archive_entry_filetype(e) == AE_IFDIR)
            continue;
        if (L->o->members == 0) {
            L->flags |= WEIR_ARCHIVE_MEMBERS;
            return;
        }
        L->o->members--;
        name = archive_entry_pathname_utf8(e);
        if (name == NULL)
            name = archive_entry_pathname(e);
        if (name == NULL)
            name = "";
        char *rawname = NULL;

        if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW &&
            strcmp(name, "data") == 0) {
            if (depth == 0 && L->o->raw_name)
                name = L->o->raw_name;
            else if (depth > 0 && (rawname = strip_compression(prefix)) != NULL)
                name = rawname;
        }
        full = malloc(strlen(prefix) + strlen(name) + 1);
        if (full == NULL) {
            free(rawname);
            return;
        }
        sprintf(full, "%s%s", prefix, name);
        free(rawname);
        memset(&m, 0, sizeof m);
        m.name = full;
        m.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
        m.encrypted = archive_entry_is_encrypted(e) != 0;
        m.depth = depth;
        if (m.size > 0) {
            L->declared += (uint64_t)m.size;
            if (L->declared > (uint64_t)L->o->expansion)
                L->flags |= WEIR_ARCHIVE_EXPANSION;
        }
        if (m.encrypted)
            L->flags |= WEIR_ARCHIVE_ENCRYPTED;
        else if (L->o->head > 0 && archive_entry_filetype(e) == AE_IFREG) {
            nhead = member_read(L, a, L->head, L->o->head);
            if (nhead > 0 || m.size == 0) {     /* else unreadable: no head */
                m.head = L->head;
                m.nhead = nhead;
            }
        }
        L->o->member(L->o->ctx, &m);
        L->listed++;
        if (nhead > 0 && L->o->is_archive &&
            (kind = L->o->is_archive(L->head, nhead)) != 0) {
            if (depth + 1 <= L->o->depth) {
                unsigned char *copy = malloc(nhead);

                if (copy) {
                    memcpy(copy, L->head, nhead);
                    nested(L, a, copy, nhead, kind == 2, depth + 1, full);
                    free(copy);
                }
            } else
                L->flags |= WEIR_ARCHIVE_DEPTH;
        }
        free(full);
        if (L->o->expansion == 0 && (L->flags & WEIR_ARCHIVE_EXPANSION))
            return;
        if (!cheap_skip(a, seekable)) {
            /* Getting past this member means unpacking it: not when it
             * says it is bigger than what may still be unpacked. */
            if (m.size > 0 && (uint64_t)m.size - nhead > L->o->expansion) {
                L->flags |= WEIR_ARCHIVE_EXPANSION;
                return;
            }
            if (member_drain(L, a) < 0)
                return;
        }
    }
    if (archive_read_has_encrypted_entries(a) > 0)
        L->flags |= WEIR_ARCHIVE_ENCRYPTED;
    if (r == ARCHIVE_FATAL || r == ARCHIVE_FAILED) {
        const char *msg = archive_error_string(a);

        if (msg && (strstr(msg, "ncrypt") || strstr(msg, "assword")))
            L->flags |= WEIR_ARCHIVE_ENCRYPTED;
        else
            L->flags |= WEIR_ARCHIVE_DAMAGED;
    }
}

static unsigned
ar_list(const struct weir_archive_io *io, struct weir_archive_opts *o)
{
    struct lister L;
    struct src *s = calloc(1, sizeof *s);
    struct archive *a;
    int seekable = io->seek != NULL;

    memset(&L, 0, sizeof L);
    L.o = o;
    o->format[0] = '\0';
    L.head = malloc(o->head ? o->head : 1);
    if (s == NULL || L.head == NULL) {
        free(s);
        free(L.head);
        return WEIR_ARCHIVE_DAMAGED;
    }
    s->io = io;
    s->o = o;
    s->flags = &L.flags;
    a = reader(s, o->compressed_only);
    if (a == NULL) {
        free(s);
        free(L.head);
        return WEIR_ARCHIVE_NONE;
    }
    list_reader(&L, a, seekable, 0, "");
    format_name(a, o->format, sizeof o->format);
    if (L.listed == 0 && L.flags == 0 && o->compressed_only && seekable &&
        (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR &&
        io->seek(io->ctx, 0, SEEK_SET) == 0) {
        /* Nothing inside: a compressed file of zeros reads as an empty
         * tar.  Read it as one compressed file instead. */
        archive_read_free(a);
        L.flags = 0;
        a = reader(s, 2);
        if (a) {
            list_reader(&L, a, seekable, 0, "");
            format_name(a, o->format, sizeof o->format);
        }
    }
    if (a && archive_format(a) == 0)
        L.flags = (L.flags & ~WEIR_ARCHIVE_DAMAGED) | WEIR_ARCHIVE_NONE;
    if (a)
        archive_read_free(a);
    free(s);
    free(L.head);
    return L.flags;
}

static const struct weir_archive_api api = { WEIR_ARCHIVE_API_VERSION, ar_list };

const struct weir_module weir_module = { WEIR_MODULE_ABI, "archive", lib_version, &api };
