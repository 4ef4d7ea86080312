/*
 * mime_content.c -- the lazy facts of a MIME part, computed only when
 * asked: the sniffed type of its first decoded bytes (libmagic, module
 * weir_magic.so), the members of an archive (libarchive, module
 * weir_archive.so), and whether the sniffed type disagrees with the
 * declared type or the file name.
 *
 * Entry points: mime_part_sniff(), mime_part_archive(),
 * mime_part_mismatch(), mime_modules_new(), mime_modules_free(),
 * mime_modules_error(), mime_sniff_available() (mime.h).  A module is
 * loaded through the caller's loader (lda/sys/dynload.h dynload_api, or
 * the rule host's) the first time a fact needs it, and libarchive only
 * for a part whose
 * first bytes carry an archive signature (the table below), so a
 * message without archives never loads it.  A module that cannot be
 * loaded makes its facts "unavailable" (the reason is kept); nothing
 * here fails otherwise.  Bytes are re-read through mime_stream, at most
 * limits.mime_decode of them per part; archives are listed within
 * limits.archive_expansion / archive_members / archive_depth, counted
 * per message.
 */
#include "config.h"
#include "mailparse.h"
#include "mime_int.h"
#include "mod_archive.h"
#include "mod_magic.h"
#include "mp_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mime_modules {
    const void *(*load)(void *ctx, const char *name);
    void *ctx;
    const struct weir_magic_api *magic_api;
    void *magic;
    int magic_failed;
    const struct weir_archive_api *archive_api;
    int archive_failed;
    char *error;
};

struct mime_modules *
mime_modules_new(const void *(*load)(void *ctx, const char *name), void *ctx)
{
    struct mime_modules *m = xcalloc(1, sizeof *m);

    m->load = load;
    m->ctx = ctx;
    return m;
}

void
mime_modules_free(struct mime_modules *m)
{
    if (m == NULL)
        return;
    if (m->magic)
        m->magic_api->close(m->magic);
    free(m->error);
    free(m);
}

const char *
mime_modules_error(const struct mime_modules *m)
{
    return m ? m->error : NULL;
}

static struct mime_modules *
mods(struct mime_tree *t)
{
    if (t->mods == NULL) {
        t->mods = mime_modules_new(NULL, NULL);
        t->own_mods = 1;
    }
    return t->mods;
}

static void
mod_error(struct mime_modules *m, const char *text)
{
    if (m->error == NULL)
        m->error = xstrdup(text);
}

/* A module's api table, or NULL (the reason kept). */
static const void *
load(struct mime_modules *m, const char *name)
{
    const void *api = m->load ? m->load(m->ctx, name) : NULL;

    if (api == NULL) {
        char why[80];

        snprintf(why, sizeof why, "module %s unavailable", name);
        mod_error(m, why);
    }
    return api;
}

/* The libmagic handle, loading the module and the database once. */
static void *
magic(struct mime_tree *t)
{
    struct mime_modules *m = mods(t);
    const struct weir_magic_api *api;
    char err[256];

    if (m->magic || m->magic_failed)
        return m->magic;
    api = load(m, "magic");
    if (api == NULL || api->version != WEIR_MAGIC_API_VERSION) {
        if (api)
            mod_error(m, "weir_magic.so has another api version");
        m->magic_failed = 1;
        return NULL;
    }
    m->magic_api = api;
    err[0] = '\0';
    m->magic = m->magic_api->open(err, sizeof err);
    if (m->magic == NULL) {
        mod_error(m, err);
        m->magic_failed = 1;
    }
    return m->magic;
}

static const struct weir_archive_api *
archive_api(struct mime_tree *t)
{
    struct mime_modules *m = mods(t);
    const struct weir_archive_api *api;

    if (m->archive_api || m->archive_failed)
        return m->archive_api;
    api = load(m, "archive");
    if (api == NULL || api->version != WEIR_ARCHIVE_API_VERSION) {
        if (api)
            mod_error(m, "weir_archive.so has another api version");
        m->archive_failed = 1;
        return NULL;
    }
    m->archive_api = api;
    return m->archive_api;
}

/* A sniffed type, owned (NULL when libmagic gives none). */
static char *
sniff_bytes(struct mime_tree *t, const void *p, size_t n)
{
    void *h = magic(t);
    const char *ty;

    if (h == NULL)
        return NULL;
    ty = t->mods->magic_api->type(h, p, n);
    return ty ? xstrdup(ty) : NULL;
}

static int
has_content(const struct mime_part *p)
{
    return (p->kind == MIME_LEAF || p->kind == MIME_UUENCODED) && p->nlayers > 0;
}

/* Up to n first decoded bytes of p into buf; bytes read. */
static size_t
head(const struct mime_tree *t, const struct mime_part *p, void *buf, size_t n)
{
    struct mime_stream *s = mime_stream_open(t, p);
    size_t got = 0, r;

    if (s == NULL)
        return 0;
    if (n > t->lim.decode)
        n = t->lim.decode;
    while (got < n && (r = mime_stream_read(s, (char *)buf + got, n - got)) > 0)
        got += r;
    mime_stream_close(s);
    return got;
}

int
mime_sniff_available(struct mime_tree *t)
{
    return magic(t) != NULL;
}

const char *
mime_part_sniff(struct mime_tree *t, struct mime_part *p)
{
    char *buf;
    size_t n;

    if (p->sniff_state != MIME_LAZY_NOT_YET)
        return p->sniffed;
    if (!has_content(p)) {
        p->sniff_state = MIME_LAZY_DONE;
        return NULL;
    }
    if (magic(t) == NULL) {
        p->sniff_state = MIME_LAZY_UNAVAILABLE;
        return NULL;
    }
    buf = xmalloc(MIME_SNIFF_BYTES);
    n = head(t, p, buf, MIME_SNIFF_BYTES);
    p->sniffed = sniff_bytes(t, buf, n);
    free(buf);
    p->sniff_state = MIME_LAZY_DONE;
    return p->sniffed;
}

/* ------------------------------------------------------------------ */
/* Archives                                                            */
/* ------------------------------------------------------------------ */

/* Signatures that make a part worth giving to libarchive: 1 an archive,
 * 2 a compressed stream (possibly a lone compressed file). */
static const struct {
    size_t off;
    const char *magic;
    size_t len;
    int kind;
    const char *format;         /* shown when libarchive cannot say */
} sigs[] = {
    { 0, "PK\x03\x04", 4, 1, "zip" },
    { 0, "PK\x05\x06", 4, 1, "zip" },        /* empty */
    { 0, "PK\x07\x08", 4, 1, "zip" },        /* spanned */
    { 0, "7z\xbc\xaf\x27\x1c", 6, 1, "7z" },
    { 0, "Rar!\x1a\x07", 6, 1, "rar" },      /* RAR 4 and 5 */
    { 0, "MSCF\0\0\0\0", 8, 1, "cab" },
    { 257, "ustar", 5, 1, "tar" },
    { 32769, "CD001", 5, 1, "iso9660" },
    { 0, "070707", 6, 1, "cpio" },
    { 0, "070701", 6, 1, "cpio" },
    { 0, "070702", 6, 1, "cpio" },           /* newc with checksums */
    { 0, "\x71\xc7", 2, 1, "cpio" },         /* old binary, big-endian */
    { 0, "\xc7\x71", 2, 1, "cpio" },         /* old binary, little-endian */
    { 2, "-lh", 3, 1, "lha" },
    { 0, "\x1f\x8b", 2, 2, "gzip" },
    { 0, "BZh", 3, 2, "bzip2" },
    { 0, "\xfd" "7zXZ\0", 6, 2, "xz" },
    { 0, "\x28\xb5\x2f\xfd", 4, 2, "zstd" },
    { 0, "LZIP", 4, 2, "lzip" },
    { 0, "\x1f\x9d", 2, 2, "compress" },
};

static int word_match(const char *list, const char *s, int prefixes);

/* The signature row the bytes match, or -1. */
static int
sig_row(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (n >= sigs[i].off + sigs[i].len &&
            memcmp(p + sigs[i].off, sigs[i].magic, sigs[i].len) == 0)
            return (int)i;
    return -1;
}

static int
archive_sig(const unsigned char *p, size_t n)
{
    int r = sig_row(p, n);

    return r < 0 ? 0 : sigs[r].kind;
}

struct arctx {
    struct mime_tree *t;
    struct mime_part *p;
    struct mime_stream *s;
    size_t limit;               /* decoded bytes given to libarchive */
};

static ssize_t
io_read(void *ctx, void *buf, size_t n)
{
    struct arctx *a = ctx;
    size_t pos = mime_stream_pos(a->s);

    if (pos >= a->limit)
        return 0;
    if (n > a->limit - pos)
        n = a->limit - pos;
    return (ssize_t)mime_stream_read(a->s, buf, n);
}

static int64_t
io_seek(void *ctx, int64_t off, int whence)
{
    struct arctx *a = ctx;
    int64_t to;

    switch (whence) {
    case SEEK_SET:
        to = off;
        break;
    case SEEK_CUR:
        to = (int64_t)mime_stream_pos(a->s) + off;
        break;
    case SEEK_END:
        to = (int64_t)a->limit + off;
        break;
    default:
        return -1;
    }
    if (to < 0 || (uint64_t)to > a->limit)
        return -1;
    if (mime_stream_seek(a->s, (size_t)to) < 0)
        return -1;
    return to;
}

static void
on_member(void *ctx, const struct weir_archive_member *m)
{
    struct arctx *a = ctx;
    struct mime_part *p = a->p;
    struct mime_member *mm;
    struct buf name = BUF_INIT;
    char **exts;
    size_t n;

    p->members = xreallocarray(p->members, p->nmembers + 1, sizeof *p->members);
    mm = &p->members[p->nmembers++];
    memset(mm, 0, sizeof *mm);
    mp_utf8_add(&name, m->name, strlen(m->name));
    mm->name = buf_steal(&name);
    mm->size = m->size;
    mm->depth = m->depth;
    mm->encrypted = m->encrypted;
    if (m->head)
        mm->sniffed = sniff_bytes(a->t, m->head, m->nhead);
    n = mime_name_exts(mm->name, &exts);
    if (n)
        mm->ext = xstrdup(exts[n - 1]);
    mm->exts = exts;
    mm->nexts = n;
    a->t->members_used++;
}

int
mime_part_archive(struct mime_tree *t, struct mime_part *p)
{
    unsigned char *buf;
    size_t n;
    int kind;
    const struct weir_archive_api *api;
    struct weir_archive_opts o;
    struct weir_archive_io io;
    struct arctx a;
    unsigned fl;
    int row;

    if (p->archive_state != MIME_LAZY_NOT_YET)
        return p->archive_state == MIME_LAZY_UNAVAILABLE ? -1 : 0;
    p->archive_state = MIME_LAZY_DONE;
    if (!has_content(p))
        return 0;
    buf = xmalloc(MIME_SNIFF_BYTES);
    n = head(t, p, buf, MIME_SNIFF_BYTES);
    row = sig_row(buf, n);
    free(buf);
    if (row < 0)
        return 0;
    kind = sigs[row].kind;
    if ((api = archive_api(t)) == NULL) {
        p->archive_state = MIME_LAZY_UNAVAILABLE;
        return -1;
    }
    magic(t);                           /* members are sniffed too */
    memset(&a, 0, sizeof a);
    a.t = t;
    a.p = p;
    a.s = mime_stream_open(t, p);
    a.limit = p->size < t->lim.decode ? p->size : t->lim.decode;
    if (p->size > t->lim.decode)
        p->archive_flags |= MIME_AR_DECODE;
    memset(&io, 0, sizeof io);
    io.ctx = &a;
    io.read = io_read;
    /* A part cut by limits.mime_decode is read as a stream: formats that
     * keep their index at the end (zip) still show their first members. */
    io.seek = p->archive_flags & MIME_AR_DECODE ? NULL : io_seek;
    io.size = (int64_t)a.limit;
    memset(&o, 0, sizeof o);
    o.expansion = t->lim.archive_expansion > t->archive_used
                      ? t->lim.archive_expansion - t->archive_used : 0;
    o.members = t->lim.archive_members > t->members_used
                    ? t->lim.archive_members - t->members_used : 0;
    o.depth = t->lim.archive_depth;
    o.head = MIME_MEMBER_SNIFF_BYTES;
    o.compressed_only = kind == 2;
    o.is_archive = archive_sig;
    o.member = on_member;
    o.ctx = &a;
    char *raw_name = NULL;

    if (kind == 2 && p->name && p->ext &&
        word_match("gz bz2 xz lz lzma zst z", p->ext, 0)) {
        const char *base = p->name;

        for (const char *c = p->name; *c; c++)
            if (*c == '/' || *c == '\\')
                base = c + 1;
        raw_name = xstrdup(base);
        char *dot = strrchr(raw_name, '.');

        if (dot && dot != raw_name)
            *dot = '\0';
        o.raw_name = raw_name;
    }
    size_t budget = o.expansion;

    fl = api->list(&io, &o);
    free(raw_name);
    mime_stream_close(a.s);
    t->archive_used += budget - o.expansion;
    if ((fl & WEIR_ARCHIVE_NONE) && p->nmembers == 0 && !(p->archive_flags & MIME_AR_DECODE)) {
        p->archive_flags = 0;
        return 0;
    }
    p->archive_format = xstrdup(o.format[0] && strcmp(o.format, "unknown") != 0
                                    ? o.format : sigs[row].format);
    if (fl & WEIR_ARCHIVE_ENCRYPTED)
        p->archive_flags |= MIME_AR_ENCRYPTED;
    if (fl & WEIR_ARCHIVE_EXPANSION)
        p->archive_flags |= MIME_AR_EXPANSION;
    if (fl & WEIR_ARCHIVE_MEMBERS)
        p->archive_flags |= MIME_AR_MEMBERS;
    if (fl & WEIR_ARCHIVE_DEPTH)
        p->archive_flags |= MIME_AR_DEPTH;
    if (fl & WEIR_ARCHIVE_DAMAGED)
        p->archive_flags |= MIME_AR_DAMAGED;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Type mismatch                                                       */
/* ------------------------------------------------------------------ */

/* Classes of content.  A sniffed type and a declared type or extension
 * agree when they are in the same class, one class is a kind of the
 * other (parent), or both are in the same group.  Types and extensions
 * not listed are unknown and never disagree; neither does a sniffed
 * type of class "text" (libmagic calls much structured text plain). */
static const struct tclass {
    const char *name;
    const char *parent;
    const char *group;
    const char *types;          /* space-separated; a final "*" matches a prefix */
    const char *exts;
} classes[] = {
    { "executable", NULL, NULL,
      "application/x-dosexec application/x-msdownload application/x-msdos-program "
      "application/x-executable application/x-pie-executable application/x-sharedlib "
      "application/x-mach-binary application/vnd.microsoft.portable-executable "
      "application/x-ms-dos-executable application/x-elf application/x-exe application/exe",
      "exe dll scr com pif cpl sys ocx drv efi" },
    { "pdf", NULL, NULL, "application/pdf application/x-pdf", "pdf" },
    { "zip", NULL, NULL, "application/zip application/x-zip-compressed application/x-zip", "zip" },
    { "ooxml", "zip", "office",
      "application/vnd.openxmlformats-officedocument.* application/vnd.ms-word.* "
      "application/vnd.ms-excel.* application/vnd.ms-powerpoint.*",
      "docx docm dotx dotm xlsx xlsm xltx xltm xlsb pptx pptm potx ppsx ppsm" },
    { "odf", "zip", "office", "application/vnd.oasis.opendocument.*",
      "odt ods odp odg ott ots otp" },
    { "jar", "zip", NULL, "application/java-archive application/x-java-archive", "jar" },
    { "ole", NULL, "office",
      "application/msword application/vnd.ms-excel application/vnd.ms-powerpoint "
      "application/x-ole-storage application/vnd.ms-office application/x-msi "
      "application/vnd.ms-outlook application/cdfv2",
      "doc dot xls xlt ppt pot pps msi msg" },
    { "rtf", NULL, "office", "text/rtf application/rtf", "rtf" },
    { "rar", NULL, NULL, "application/x-rar application/vnd.rar application/x-rar-compressed", "rar" },
    { "7z", NULL, NULL, "application/x-7z-compressed", "7z" },
    { "gzip", NULL, NULL, "application/gzip application/x-gzip", "gz tgz" },
    { "bzip2", NULL, NULL, "application/x-bzip2 application/x-bzip", "bz2 tbz2" },
    { "xz", NULL, NULL, "application/x-xz", "xz txz" },
    { "cab", NULL, NULL, "application/vnd.ms-cab-compressed", "cab" },
    { "iso", NULL, NULL, "application/x-iso9660-image", "iso" },
    { "html", NULL, NULL, "text/html application/xhtml+xml", "html htm xhtml" },
    { "image", NULL, NULL, "image/*", "jpg jpeg jpe png gif bmp tif tiff webp ico heic svg" },
    { "audio", NULL, NULL, "audio/*", "mp3 wav ogg oga m4a flac aac" },
    { "video", NULL, NULL, "video/*", "mp4 m4v avi mov mkv wmv webm mpg mpeg" },
    { "text", NULL, NULL, "text/plain text/csv", "txt csv log" },
};

static int
word_match(const char *list, const char *s, int prefixes)
{
    size_t n = strlen(s);

    while (*list) {
        const char *e = strchr(list, ' ');
        size_t k = e ? (size_t)(e - list) : strlen(list);

        if (k == n && strncmp(list, s, n) == 0)
            return 1;
        if (prefixes && k >= 1 && list[k - 1] == '*' && n >= k - 1 &&
            strncmp(list, s, k - 1) == 0)
            return 1;
        list += k;
        while (*list == ' ')
            list++;
    }
    return 0;
}

static const struct tclass *
class_of(const char *s, int is_type)
{
    if (s == NULL || *s == '\0')
        return NULL;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (word_match(is_type ? classes[i].types : classes[i].exts, s, is_type))
            return &classes[i];
    return NULL;
}

static int
agree(const struct tclass *a, const struct tclass *b)
{
    if (a == b)
        return 1;
    if ((a->parent && strcmp(a->parent, b->name) == 0) ||
        (b->parent && strcmp(b->parent, a->name) == 0))
        return 1;
    return a->group && b->group && strcmp(a->group, b->group) == 0;
}

int
mime_part_mismatch(struct mime_tree *t, struct mime_part *p)
{
    const struct tclass *s, *d, *e;

    s = class_of(mime_part_sniff(t, p), 1);
    if (s == NULL || strcmp(s->name, "text") == 0)
        return 0;
    d = class_of(p->type, 1);
    e = class_of(p->ext, 0);
    return (d && !agree(s, d)) || (e && !agree(s, e));
}
