/*
 * rulecache.h -- compiled-rules cache files (~/.weir/cache/, or a system
 * directory filled by `weir compile`).
 *
 * A cache file is "<dir>/<hash of the rule file's path>.wbc": a key block
 * (weir version, PCRE2 version, bytecode version, and for every source
 * file the program was built from -- includes too -- its path, size and a
 * 64-bit content hash) followed by the bytecode image (rulelang/rl.h).
 * It is used only when every part of the key still holds and the image
 * verifies; anything else (stale, corrupt, truncated, foreign, wrong
 * owner) is ignored and the rules are compiled again.
 */
#ifndef WEIR_RULECACHE_H
#define WEIR_RULECACHE_H

#include "rl.h"
#include "status.h"
#include "util.h"

#define RULECACHE_MAGIC "WEIRRC01"
#define RULECACHE_MAX   (64u * 1024 * 1024)   /* largest cache file read */

enum rulecache_result {
    RULECACHE_HIT = 1,          /* loaded from the cache */
    RULECACHE_COMPILED,         /* compiled; cache written */
    RULECACHE_COMPILED_NOSTORE  /* compiled; cache not written (logged) */
};

/* The rl_reader callback: read a whole rule file (regular file, at most
 * rl_limits_default()'s source_max bytes). */
int rulecache_read_file(void *ctx, const char *path, struct buf *out,
                        char *err, size_t errlen);

/* Allocated "<dir>/<16 hex digits>.wbc" for rules_path. */
char *rulecache_file(const char *dir, const char *rules_path);

/* The rules at rules_path: from the cache in dir (may be NULL: no cache)
 * when valid, else compiled (and stored when store is nonzero).  Returns
 * the program, or NULL: compile errors in diags (st 4.3.0/5.x as the
 * caller decides), or st set for unreadable files.  *how says which. */
struct rl_program *rulecache_get(const char *rules_path, const char *dir,
                                 int store, const struct rl_limits *lim,
                                 struct rl_diags *diags,
                                 enum rulecache_result *how,
                                 struct status *st);

/* Write p's cache file for rules_path into dir (created 0700 if missing):
 * temp file, fsync, rename.  0, or -1 with st set. */
int rulecache_store(const char *dir, const char *rules_path,
                    const struct rl_program *p, struct status *st);

/* Load a cache file's program if its key matches the sources now.
 * 0 with *out, or -1 with st saying why it was not used.  The sources a
 * cache file names are read as regular files (O_NONBLOCK, fstat first). */
int rulecache_load(const char *file, const struct rl_limits *lim,
                   struct rl_program **out, struct status *st);

/* Opens a source file a cache names, applying the caller's trust checks:
 * 0 with *fd open for reading, else non-zero with the reason in *why. */
typedef int (*rulecache_open_fn)(void *ctx, const char *path, int *fd, struct buf *why);

/* rulecache_load(), with every source the cache names opened through
 * open_src before a byte of it is read (a tampered cache cannot make weir
 * read a file the caller would refuse).  A refused source makes the cache
 * unusable (-1, the reason in st): the caller compiles again, applying
 * its checks to what the rules include now. */
int rulecache_load_trusted(const char *file, const struct rl_limits *lim,
                           rulecache_open_fn open_src, void *ctx,
                           struct rl_program **out, struct status *st);

#endif
