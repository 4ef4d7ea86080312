/*
 * mod_db.h -- the api table of the weir_db.so module (lda/sys/mod_db.c): a
 * thin wrapper over Berkeley DB btree files, so that libdb is linked only
 * into the module and loaded only when a message needs state (see
 * dynload.h).  The only caller is lda/store/state.c; everyone else uses
 * state.h.
 *
 * The module links libdb and libc only, so it cannot use weir's log or
 * allocation functions: it reports through struct wdb_err and returns
 * malloc()ed bytes the caller free()s.  It opens databases without a
 * Berkeley DB environment (private memory pool, no region files); the
 * caller serialises access with its own lock (state.c explains why).
 *
 * Every function returns one of the WDB_* codes below.  WDB_CORRUPT means
 * the file is not a usable btree database (wrong format, damaged pages,
 * Berkeley DB panic); WDB_ERR is a system error (I/O, space, permission)
 * with errno in e->sys; in both cases e->text says what.  Berkeley DB's
 * own messages are captured into e->text, never printed (stderr belongs
 * to the MTA during a delivery).
 */
#ifndef WEIR_MOD_DB_H
#define WEIR_MOD_DB_H

#include <stddef.h>

#define WDB_API_VERSION 1

enum {
    WDB_OK = 0,
    WDB_NOTFOUND = 1,           /* no such key; end of iteration */
    WDB_ERR = -1,
    WDB_CORRUPT = -2
};

struct wdb_err {
    int sys;                    /* errno for WDB_ERR, else 0 */
    char text[256];
};

struct wdb;                     /* one open database file */

struct weir_db_api {
    int version;                /* WDB_API_VERSION */
    /* Open the btree file at path, creating it (mode 0600) when create is
     * set and it does not exist. */
    int (*open)(const char *path, int create, struct wdb **h, struct wdb_err *e);
    /* Close (flushing to disk first when sync is set) and free h, always. */
    int (*close)(struct wdb *h, int sync, struct wdb_err *e);
    /* *v is malloc()ed, NUL-terminated beyond *vl, for the caller to free. */
    int (*get)(struct wdb *h, const void *k, size_t kl, void **v, size_t *vl,
               struct wdb_err *e);
    int (*put)(struct wdb *h, const void *k, size_t kl, const void *v, size_t vl,
               struct wdb_err *e);
    int (*del)(struct wdb *h, const void *k, size_t kl, struct wdb_err *e);
    /* Iterate in key order: the first call after open (or after the end)
     * starts at the first record; WDB_NOTFOUND at the end.  *k and *v are
     * malloc()ed like get's.  cursor_del removes the record last
     * returned by next; iteration goes on after it. */
    int (*next)(struct wdb *h, void **k, size_t *kl, void **v, size_t *vl,
                struct wdb_err *e);
    int (*cursor_del)(struct wdb *h, struct wdb_err *e);
    /* Forget the iteration position (the next call to next starts over). */
    void (*rewind)(struct wdb *h);
    /* Flush to disk without closing. */
    int (*sync)(struct wdb *h, struct wdb_err *e);
    /* Berkeley DB's structural check of a closed file (db_verify). */
    int (*verify)(const char *path, struct wdb_err *e);
};

#endif
