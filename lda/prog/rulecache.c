/*
 * rulecache.c -- compiled-rules cache files (see rulecache.h).
 *
 * Entry points: rulecache_get (the one most callers want), rulecache_store,
 * rulecache_load, rulecache_file, rulecache_read_file.  Failures come back
 * as struct status (always 4.3.0: a cache problem never bounces mail); a
 * cache that cannot be used is a reason to compile, not to fail.
 *
 * SECURITY: cache files are untrusted input: opened O_NOFOLLOW and
 * O_NONBLOCK (a FIFO cannot block weir), must be regular files (fstat
 * before the first read) owned by the effective user (or root), at most
 * RULECACHE_MAX bytes; the key is checked against the real sources, which
 * a delivery opens through its own trust check (rulecache_load_trusted),
 * and the bytecode is fully verified by rl_load().  Writes go to a mkstemp file in
 * the same directory, fsync'd, then renamed over the old file; the
 * directory is created mode 0700.
 */
#include "config.h"
#include "rulecache.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static uint64_t
fnv64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* The hash of a source file's content in the cache key: 8 bytes a step
 * (FNV-1a above, a byte a step, cost 37 k instructions per delivery of
 * the anchor bench's 4.6 KB rules, 4% of the delivery), each word
 * multiplied in and rotated, then a murmur3-style finaliser.  Not
 * cryptographic, as FNV was not: it tells an edited file from the one
 * compiled, the size and the path being in the key too. */
static uint64_t
content_hash(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n, w;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h ^= w * 0xff51afd7ed558ccdull;
        h = (h << 29 | h >> 35) * 0xc4ceb9fe1a85ec53ull;
    }
    if (i < n) {
        w = 0;
        memcpy(&w, s + i, n - i);
        h ^= w * 0xff51afd7ed558ccdull;
        h = (h << 29 | h >> 35) * 0xc4ceb9fe1a85ec53ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* Read the rest of an open regular file into out (at most max bytes). */
static int
read_open(int fd, size_t max, struct buf *out, char *err, size_t errlen)
{
    char tmp[8192];
    ssize_t r;

    while ((r = read_retry(fd, tmp, sizeof tmp)) > 0) {
        if (out->len + (size_t)r > max) {
            snprintf(err, errlen, "larger than %zu bytes", max);
            return -1;
        }
        buf_add(out, tmp, (size_t)r);
    }
    if (r < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Read a regular file (not following a final symlink is not required for
 * rule files: the owner check is lda's job) into out.  Opened O_NONBLOCK
 * and checked with fstat() before the first read, so a FIFO or a device
 * planted under the name can neither block weir nor be read. */
static int
read_whole(const char *path, size_t max, int nofollow, int check_owner,
           struct buf *out, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
                        (nofollow ? O_NOFOLLOW : 0));
    struct stat sb;
    int rc;

    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        close(fd);
        return -1;
    }
    if (check_owner && sb.st_uid != geteuid() && sb.st_uid != 0) {
        snprintf(err, errlen, "owned by another user");
        close(fd);
        return -1;
    }
    if ((uintmax_t)sb.st_size > max) {
        snprintf(err, errlen, "larger than %zu bytes", max);
        close(fd);
        return -1;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    rc = read_open(fd, max, out, err, errlen);
    close(fd);
    return rc;
}

/* The rule language's largest source file. */
static size_t
source_max(void)
{
    struct rl_limits lim;

    rl_limits_default(&lim);
    return lim.source_max;
}

int
rulecache_read_file(void *ctx, const char *path, struct buf *out, char *err,
                    size_t errlen)
{
    (void)ctx;
    return read_whole(path, source_max(), 0, 0, out, err, errlen);
}

char *
rulecache_file(const char *dir, const char *rules_path)
{
    char *abs = NULL;
    uint64_t h;

    if (rules_path[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd))
            abs = xasprintf("%s/%s", cwd, rules_path);
    }
    if (abs == NULL)
        abs = xstrdup(rules_path);
    h = fnv64(FNV_OFFSET, abs, strlen(abs));
    free(abs);
    return xasprintf("%s/%016llx.wbc", dir, (unsigned long long)h);
}

/* The key block for the program's sources as they are now; -1 when a
 * source cannot be read (*why says why when open_src refused it). */
static int
make_key(const struct rl_program *p, rulecache_open_fn open_src, void *ctx,
         struct buf *key, struct buf *why)
{
    buf_printf(key, "weir %s\npcre2 %s\nbytecode %u\n", PACKAGE_VERSION,
               rl_pcre2_version(), RL_BYTECODE_VERSION);
    for (size_t i = 0; i < rl_program_nsources(p); i++) {
        const char *src = rl_program_source(p, i);
        struct buf b = BUF_INIT;
        char err[128];
        int rc, fd;

        if (open_src == NULL) {
            rc = read_whole(src, source_max(), 0, 0, &b, err, sizeof err);
        } else if ((rc = open_src(ctx, src, &fd, why)) == 0) {
            rc = read_open(fd, source_max(), &b, err, sizeof err);
            close(fd);
        } else {
            rc = -2;                    /* refused: *why */
        }
        if (rc < 0) {
            buf_free(&b);
            return rc;
        }
        buf_printf(key, "source %zu %016llx %s\n", b.len,
                   (unsigned long long)content_hash(b.data ? b.data : "", b.len), src);
        buf_free(&b);
    }
    return 0;
}

int
rulecache_load(const char *file, const struct rl_limits *lim,
               struct rl_program **out, struct status *st)
{
    return rulecache_load_trusted(file, lim, NULL, NULL, out, st);
}

int
rulecache_load_trusted(const char *file, const struct rl_limits *lim,
                       rulecache_open_fn open_src, void *ctx,
                       struct rl_program **out, struct status *st)
{
    struct buf b = BUF_INIT, key = BUF_INIT, why = BUF_INIT;
    char err[128];
    size_t klen;
    struct rl_program *p = NULL;
    int rc = -1;

    *out = NULL;
    if (read_whole(file, RULECACHE_MAX, 1, 1, &b, err, sizeof err) < 0) {
        status_set(st, "4.3.0", "cache %s: %s", file, err);
        buf_free(&b);           /* a read error after the first chunk */
        return -1;
    }
    if (b.len < 12 || memcmp(b.data, RULECACHE_MAGIC, 8) != 0) {
        status_set(st, "4.3.0", "cache %s: not a weir cache file", file);
        goto out;
    }
    klen = (size_t)(unsigned char)b.data[8] | (size_t)(unsigned char)b.data[9] << 8 |
           (size_t)(unsigned char)b.data[10] << 16 | (size_t)(unsigned char)b.data[11] << 24;
    if (klen > b.len - 12) {
        status_set(st, "4.3.0", "cache %s: truncated", file);
        goto out;
    }
    if (rl_load(b.data + 12 + klen, b.len - 12 - klen, lim, &p, st) < 0)
        goto out;
    rc = make_key(p, open_src, ctx, &key, &why);
    if (rc == -2) {
        /* Compiling again applies the same checks to whatever the rules
         * include now. */
        status_set(st, "4.3.0", "cache %s: not used: %s", file,
                   why.data ? why.data : "a source file was refused");
        rl_program_free(p);
        p = NULL;
        rc = -1;
        goto out;
    }
    if (rc < 0 || key.len != klen || memcmp(key.data, b.data + 12, klen) != 0) {
        status_set(st, "4.3.0", "cache %s: stale (sources or versions changed)", file);
        rl_program_free(p);
        p = NULL;
        rc = -1;
        goto out;
    }
    *out = p;
    rc = 0;
out:
    buf_free(&b);
    buf_free(&key);
    buf_free(&why);
    return rc;
}

/* The cache directory, private (0700), and its parent when that is
 * missing too (a user without ~/.weir: one whose rules are given with -r,
 * or who never made it), so that such a user does not compile the rules
 * again for every message.  Only those two levels: a deeper missing path
 * is a configuration mistake.  The load's trust checks then apply to what
 * was made here as to anything else (owned by the user, not writable by
 * others). */
static int
make_cache_dir(const char *dir)
{
    char *parent, *slash;
    int rc;

    if (mkdir(dir, 0700) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return -1;
    parent = xstrdup(dir);
    while ((slash = strrchr(parent, '/')) != NULL && slash[1] == '\0' && slash > parent)
        *slash = '\0';         /* trailing slashes */
    if ((slash = strrchr(parent, '/')) == NULL || slash == parent) {
        free(parent);
        errno = ENOENT;
        return -1;
    }
    *slash = '\0';
    rc = mkdir(parent, 0700) == 0 || errno == EEXIST ? 0 : -1;
    free(parent);
    if (rc < 0)
        return -1;
    return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

int
rulecache_store(const char *dir, const char *rules_path,
                const struct rl_program *p, struct status *st)
{
    struct buf img = BUF_INIT, key = BUF_INIT;
    char *file = NULL, *tmp = NULL;
    unsigned char hdr[12];
    int fd = -1, rc = -1;

    if (make_cache_dir(dir) < 0) {
        status_errno(st, "4.3.0", errno, "cache: cannot create %s", dir);
        return -1;
    }
    if (make_key(p, NULL, NULL, &key, NULL) < 0) {
        status_set(st, "4.3.0", "cache: a source file of %s cannot be read", rules_path);
        goto out;
    }
    memcpy(hdr, RULECACHE_MAGIC, 8);
    hdr[8] = key.len & 0xff;
    hdr[9] = (key.len >> 8) & 0xff;
    hdr[10] = (key.len >> 16) & 0xff;
    hdr[11] = (key.len >> 24) & 0xff;
    buf_add(&img, hdr, sizeof hdr);
    buf_add(&img, key.data, key.len);
    rl_serialize(p, &img);
    file = rulecache_file(dir, rules_path);
    tmp = xasprintf("%s.tmpXXXXXX", file);
    if ((fd = mkstemp(tmp)) < 0) {
        status_errno(st, "4.3.0", errno, "cache: cannot create a file in %s", dir);
        goto out;
    }
    if (fchmod(fd, 0644) < 0 || write_all(fd, img.data, img.len) < 0 || fsync(fd) < 0) {
        status_errno(st, "4.3.0", errno, "cache: cannot write %s", tmp);
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) < 0) {
        status_errno(st, "4.3.0", errno, "cache: cannot write %s", tmp);
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, file) < 0) {
        status_errno(st, "4.3.0", errno, "cache: cannot rename to %s", file);
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(file);
    free(tmp);
    buf_free(&img);
    buf_free(&key);
    return rc;
}

struct rl_program *
rulecache_get(const char *rules_path, const char *dir, int store,
              const struct rl_limits *lim, struct rl_diags *diags,
              enum rulecache_result *how, struct status *st)
{
    struct rl_program *p = NULL;
    struct rl_reader rd = { rulecache_read_file, NULL };
    struct buf src = BUF_INIT;
    struct status cst;
    char err[128];

    status_ok(st);
    if (dir) {
        char *file = rulecache_file(dir, rules_path);
        int r = rulecache_load(file, lim, &p, &cst);

        free(file);
        if (r == 0) {
            *how = RULECACHE_HIT;
            return p;
        }
        if (strstr(cst.text, "No such file") == NULL)
            msg_info("%s (compiling %s again)", cst.text, rules_path);
    }
    if (read_whole(rules_path, lim ? lim->source_max : source_max(), 0, 0,
                   &src, err, sizeof err) < 0) {
        status_set(st, "4.3.0", "%s: %s", rules_path, err);
        buf_free(&src);
        return NULL;
    }
    p = rl_compile(rules_path, src.data ? src.data : "", src.len, &rd, lim, diags);
    buf_free(&src);
    if (p == NULL) {
        status_set(st, "4.3.0", "%s: the rules do not compile", rules_path);
        return NULL;
    }
    *how = RULECACHE_COMPILED_NOSTORE;
    if (dir && store) {
        if (rulecache_store(dir, rules_path, p, &cst) == 0)
            *how = RULECACHE_COMPILED;
        else
            msg_warn("%s", cst.text);
    }
    return p;
}
