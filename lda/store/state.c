/*
 * state.c -- per-user state databases (see state.h for the contract, the
 * locking choice and the damage rules).
 *
 * Entry points: state_open/close, state_get/put/del/claim, state_iter,
 * state_expire, state_lock/unlock, state_now.  Every failure is a
 * temporary status in *st; only the recovery of a damaged file logs.
 *
 * A transaction: lock_fcntl() on `<name>.lock` (bounded wait), check the
 * file (check_file), open it through the weir_db.so module, check the
 * "\0weir-state" marker, do the work, close (flushing when something
 * changed), unlock.  Damage found anywhere in between is handled under the
 * same lock: close, rename the file aside, create a new one.
 *
 * SECURITY: the directory and files must belong to the effective user and
 * not be writable by group or others.  Files are opened with O_NOFOLLOW
 * and O_NONBLOCK (no symlink, no FIFO), and are never followed or
 * chmod()ed: what is wrong is moved aside (database) or refused (lock
 * file, directory).  Keys and values are bytes stored as given; nothing
 * from them reaches a path.
 */
#include "config.h"
#include "state.h"
#include "dynload.h"
#include "lock.h"
#include "log.h"
#include "mod_db.h"
#include "priv.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The marker record: its key starts with NUL, which user keys may not. */
static const char marker_key[] = "\0weir-state";
#define MARKER_KLEN (sizeof marker_key - 1)
#define MARKER_VERSION 1

#define HEAD_READ         512     /* bytes read for state_check_meta */

struct state_db {
    const struct weir_db_api *api;
    char *dir, *name, *path, *lockpath;
    unsigned flags;
    int lockfd;
    int depth;                  /* state_lock nesting */
    struct wdb *h;              /* open while depth > 0 */
    int changed;                /* written in this transaction */
    int damaged;                /* met damage since state_open */
    int lost;                   /* this transaction's changes were dropped */
};

time_t
state_now(void)
{
    const char *s = getenv("WEIR_TEST_NOW");
    char *end;
    long long v;

    if (s == NULL || *s == '\0' || !priv_env_trusted())
        return time(NULL);
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        return time(NULL);
    return (time_t)v;
}

static int
expired(time_t expires, time_t now)
{
    return expires != 0 && expires <= now;
}

enum { FILE_OK, FILE_MISSING, FILE_BAD };

/* Check the database file before Berkeley DB reads it: FILE_OK,
 * FILE_MISSING, FILE_BAD with *why, or -1 with *st. */
static int
check_file(const char *path, char *why, size_t whylen, struct status *st)
{
    unsigned char head[HEAD_READ];
    struct stat sb;
    const char *w = NULL;
    ssize_t n;
    int fd;

    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return FILE_MISSING;
        if (errno == ELOOP)
            w = "a symbolic link";
        else if (errno == EACCES)
            w = "not readable (owned by someone else?)";
        else {
            status_errno(st, "4.3.0", errno, "cannot open %s", path);
            return -1;
        }
        snprintf(why, whylen, "%s", w);
        return FILE_BAD;
    }
    if (fstat(fd, &sb) < 0) {
        status_errno(st, "4.3.0", errno, "cannot stat %s", path);
        close(fd);
        return -1;
    }
    if (!S_ISREG(sb.st_mode))
        snprintf(why, whylen, "not a regular file");
    else if (sb.st_uid != geteuid())
        snprintf(why, whylen, "owned by uid %lu, not %lu", (unsigned long)sb.st_uid,
                 (unsigned long)geteuid());
    else if (sb.st_mode & (S_IWGRP | S_IWOTH))
        snprintf(why, whylen, "writable by group or others (mode %03o)",
                 (unsigned)(sb.st_mode & 0777));
    else if (sb.st_nlink != 1)
        snprintf(why, whylen, "has %lu hard links", (unsigned long)sb.st_nlink);
    else if (sb.st_size == 0)
        snprintf(why, whylen, "empty (truncated)");
    else {
        n = read_retry(fd, head, sizeof head);
        if (n < 0) {
            status_errno(st, "4.3.0", errno, "cannot read %s", path);
            close(fd);
            return -1;
        }
        if (state_check_meta(head, (size_t)n, (unsigned long long)sb.st_size, &w) == 0) {
            close(fd);
            return FILE_OK;
        }
        snprintf(why, whylen, "%s", w);
    }
    close(fd);
    return FILE_BAD;
}

/* Rename the database aside after damage; 0 or -1 with *st. */
static int
move_aside(struct state_db *db, const char *why, struct status *st)
{
    char *bad;

    if (db->h) {
        struct wdb_err e;

        db->api->close(db->h, 0, &e);
        db->h = NULL;
    }
    /* A fresh name (an earlier damaged file of the same second stays). */
    bad = xasprintf("%s.bad.%lld.%ld", db->path, (long long)time(NULL), (long)getpid());
    for (unsigned i = 1; i < 1000; i++) {
        struct stat sb;

        if (lstat(bad, &sb) < 0 && errno == ENOENT)
            break;
        free(bad);
        bad = xasprintf("%s.bad.%lld.%ld.%u", db->path, (long long)time(NULL),
                        (long)getpid(), i);
    }
    db->damaged = 1;
    if (rename(db->path, bad) < 0 && errno != ENOENT) {
        status_errno(st, "4.3.0", errno, "%s is damaged (%s) and cannot be moved aside",
                     db->path, why);
        msg_warn("state: %s", st->text);
        free(bad);
        return -1;
    }
    msg_warn("state: %s: %s; moved aside to %s, a new database is created",
             db->path, why, bad);
    (void)fsync_dir(db->dir);
    free(bad);
    return 0;
}

/*
 * Berkeley DB reports a passing failure (out of memory, a read that was
 * interrupted or failed once) in some of its paths as a damaged file --
 * and libdb 5.3 keeps the error of a retried read even when the retry
 * succeeded.  Before a file's records are given up, the damage is
 * confirmed: the handle is closed and Berkeley DB's structural check
 * (db_verify) runs over the file.  1: confirmed, move it aside; 0: the
 * file verifies, the failure was not in it (*st says so, nothing is
 * moved); -1: the check itself failed (*st).
 */
static int
damage_confirmed(struct state_db *db, const char *why, struct status *st)
{
    struct wdb_err e;
    int rc;

    if (db->h) {
        db->api->close(db->h, 0, &e);
        db->h = NULL;
    }
    rc = db->api->verify(db->path, &e);
    if (rc == WDB_CORRUPT)
        return 1;
    if (rc == WDB_OK)
        status_set(st, "4.3.0", "%s: %s (the file verifies: kept as it is)", db->path, why);
    else
        status_set(st, "4.3.0", "%s: %s; and verifying it: %s", db->path, why, e.text);
    return -1 + (rc == WDB_OK);
}

/* move_aside() for damage Berkeley DB reported, once confirmed: 0 moved,
 * 1 the file is sound (a passing failure, *st says what), -1 (*st). */
static int
move_aside_confirmed(struct state_db *db, const char *why, struct status *st)
{
    int rc = damage_confirmed(db, why, st);

    if (rc < 0)
        return -1;
    return rc == 0 ? 1 : move_aside(db, why, st);
}

/* A system error worth one more try: an interrupted call (Berkeley DB
 * 5.3 reports one even when its own retry succeeded), a transient
 * shortage. */
static int
passing(const struct wdb_err *e)
{
    return e->sys == EINTR || e->sys == EAGAIN || e->sys == ENOMEM;
}

/* The marker record: 0 fine (written if the database is new), 1 foreign
 * (*why), or a WDB_* error code (<0) with *e. */
static int
check_marker(struct state_db *db, char *why, size_t whylen, struct wdb_err *e)
{
    char *want = xasprintf("weir-state %d %s", MARKER_VERSION, db->name);
    void *v, *k;
    size_t vl, kl;
    int rc;

    rc = db->api->get(db->h, marker_key, MARKER_KLEN, &v, &vl, e);
    if (rc == WDB_OK) {
        if (vl != strlen(want) || memcmp(v, want, vl) != 0) {
            snprintf(why, whylen, "marker says \"%.60s\", not \"%s\"", (char *)v, want);
            rc = 1;
        }
        free(v);
        free(want);
        return rc;
    }
    if (rc != WDB_NOTFOUND) {
        free(want);
        return rc;
    }
    /* No marker: a new database, or someone else's. */
    rc = db->api->next(db->h, &k, &kl, &v, &vl, e);
    if (rc == WDB_OK) {
        free(k);
        free(v);
        db->api->rewind(db->h);
        snprintf(why, whylen, "a btree database without weir's marker (someone else's)");
        free(want);
        return 1;
    }
    if (rc != WDB_NOTFOUND) {
        free(want);
        return rc;
    }
    rc = db->api->put(db->h, marker_key, MARKER_KLEN, want, strlen(want), e);
    free(want);
    if (rc == WDB_OK)
        db->changed = 1;
    return rc;
}

/*
 * Berkeley DB creates a database under a temporary name in the same
 * directory ("__db.<file name>") and renames it into place.  A creation
 * that failed half way (a full disk, an I/O error) leaves that name
 * behind, and every later open then waits for the "other creator"
 * forever: deliveries hang until the MTA kills them.  With our lock held
 * nobody else is creating the file, so a leftover is removed first.
 */
static void
remove_create_leftover(const struct state_db *db)
{
    const char *base = strrchr(db->path, '/');
    char *tmp;

    base = base ? base + 1 : db->path;
    tmp = xasprintf("%s/__db.%s", db->dir, base);
    if (unlink(tmp) == 0)
        msg_warn("state: removed %s, left by an interrupted creation of %s", tmp, db->path);
    free(tmp);
}

/* Open the database file (lock held): 0 with db->h, 1 (STATE_NOCREATE and
 * no file), or -1 with *st. */
static int
open_checked(struct state_db *db, struct status *st)
{
    char why[200];
    struct wdb_err e;
    int rc, missing;

    status_ok(st);
    for (int attempt = 0; attempt < 3; attempt++) {
        rc = check_file(db->path, why, sizeof why, st);
        if (rc < 0)
            return -1;
        if (rc == FILE_BAD) {
            if (move_aside(db, why, st) < 0)
                return -1;
            continue;
        }
        if (rc == FILE_MISSING && (db->flags & STATE_NOCREATE))
            return 1;
        if (rc == FILE_MISSING)
            remove_create_leftover(db);
        /* An existing file is opened without DB_CREATE: Berkeley DB
         * takes a file whose first page it failed to read for one being
         * created, and would write an empty database over it. */
        missing = rc == FILE_MISSING;
        rc = db->api->open(db->path, missing, &db->h, &e);
        if (rc != WDB_OK && missing)
            remove_create_leftover(db);     /* a creation that failed */
        if (rc == WDB_CORRUPT) {
            if (move_aside_confirmed(db, e.text, st) < 0)
                return -1;
            continue;                       /* moved aside, or sound */
        }
        if (rc != WDB_OK) {
            status_set(st, "4.3.0", "%s: %s", db->path, e.text);
            if (passing(&e))
                continue;
            return -1;
        }
        rc = check_marker(db, why, sizeof why, &e);
        if (rc == 0) {
            status_ok(st);
            return 0;
        }
        if (rc == 1 || rc == WDB_CORRUPT) {
            if ((rc == 1 ? move_aside(db, why, st) : move_aside_confirmed(db, e.text, st)) < 0)
                return -1;
            continue;
        }
        db->api->close(db->h, 0, &e);
        db->h = NULL;
        status_set(st, "4.3.0", "%s: %s", db->path, e.text);
        if (!passing(&e))
            return -1;
    }
    if (st->text[0] == '\0')
        status_set(st, "4.3.0", "%s: still unusable after recreating it", db->path);
    return -1;
}

static void
unlock_file(struct state_db *db)
{
    struct flock fl;

    memset(&fl, 0, sizeof fl);
    fl.l_type = F_UNLCK;
    fl.l_whence = SEEK_SET;
    (void)fcntl(db->lockfd, F_SETLK, &fl);
}

/* Begin a transaction: 0, 1 (nothing there, STATE_NOCREATE), -1. */
static int
txn_begin(struct state_db *db, struct status *st)
{
    int rc;

    if (lock_fcntl(db->lockfd, db->lockpath,
                   lock_deadline((STATE_LOCK_WAIT_MS + 999) / 1000), st) < 0)
        return -1;
    db->changed = 0;
    db->lost = 0;
    rc = open_checked(db, st);
    if (rc != 0)
        unlock_file(db);
    return rc;
}

/* End a transaction: 0, or -1 with *st when changes may not be on disk. */
static int
txn_end(struct state_db *db, struct status *st)
{
    struct wdb_err e;
    int rc = WDB_OK;

    if (db->h)
        rc = db->api->close(db->h, db->changed, &e);
    db->h = NULL;
    unlock_file(db);
    if (rc != WDB_OK && db->changed) {
        status_set(st, "4.3.0", "%s: %s", db->path, e.text);
        db->changed = db->lost = 0;
        return -1;
    }
    db->changed = 0;
    if (db->lost) {
        db->lost = 0;
        status_set(st, "4.3.0", "%s: changes dropped after a failed operation", db->path);
        return -1;
    }
    return 0;
}

int
state_lock(struct state_db *db, struct status *st)
{
    if (db->depth == 0) {
        int rc = txn_begin(db, st);

        if (rc == 1)
            status_set(st, "4.3.0", "%s: no such database", db->path);
        if (rc != 0)
            return -1;
    } else if (db->h == NULL) {
        /* an operation of this transaction lost the file */
        status_set(st, "4.3.0", "%s: unavailable since a failed operation", db->path);
        return -1;
    }
    db->depth++;
    return 0;
}

int
state_unlock(struct state_db *db, struct status *st)
{
    if (db->depth <= 0)
        msg_panic("state_unlock without state_lock");
    if (--db->depth > 0)
        return 0;
    return txn_end(db, st);
}

/* End an operation's own transaction, keeping its result. */
static int
leave(struct state_db *db, int rc, struct status *st)
{
    struct status st2;

    if (state_unlock(db, &st2) < 0 && rc >= 0) {
        *st = st2;
        return -1;
    }
    return rc;
}

/* Damage met by an operation (lock held): move aside and open a new file.
 * 0 (db->h is the new database) or -1. */
static int
recover(struct state_db *db, const char *why, struct status *st)
{
    char *w = xstrdup(why);
    int rc = damage_confirmed(db, w, st);

    if (rc == 0) {
        struct status st2;

        /* A passing failure: the file is sound.  This operation fails;
         * what the transaction wrote before it was dropped with the
         * handle (txn_end reports it), and the file is opened again for
         * the operations that follow. */
        free(w);
        db->lost |= db->changed;
        db->changed = 0;
        if (open_checked(db, &st2) != 0)
            msg_warn("state: %s", st2.text);
        return -1;
    }
    rc = rc < 0 ? -1 : move_aside(db, w, st);
    free(w);
    if (rc < 0)
        return -1;
    db->changed = 0;
    rc = open_checked(db, st);
    if (rc == 1) {
        status_set(st, "4.3.0", "%s: gone", db->path);
        return -1;
    }
    return rc;
}

static int
doubt(struct state_db *db, struct status *st)
{
    if (db->damaged && (db->flags & STATE_FAIL_CLOSED)) {
        status_set(st, "4.3.0", "%s was damaged and has been recreated: "
                   "not trusted for this message", db->path);
        return 1;
    }
    return 0;
}

static int
key_ok(const void *key, size_t klen, struct status *st)
{
    if (klen == 0 || klen > STATE_KEY_MAX || ((const char *)key)[0] == '\0') {
        status_set(st, "4.3.0", "invalid state key (empty, too long or reserved)");
        return 0;
    }
    return 1;
}

static int
wdb_fail(struct state_db *db, const struct wdb_err *e, struct status *st)
{
    status_set(st, "4.3.0", "%s: %s", db->path, e->text);
    return -1;
}

/* Fill *rec from a stored value: 0, or -1 (not a weir record). */
static int
rec_fill(struct state_rec *rec, const void *key, size_t klen, const void *v, size_t vl)
{
    const unsigned char *p;
    size_t pl;
    time_t c, x;

    if (state_rec_decode(v, vl, &c, &x, &p, &pl) < 0)
        return -1;
    rec->key = xmalloc(klen + 1);
    memcpy(rec->key, key, klen);
    rec->key[klen] = '\0';
    rec->klen = klen;
    rec->val = xmalloc(pl + 1);
    memcpy(rec->val, p, pl);
    rec->val[pl] = '\0';
    rec->vlen = pl;
    rec->created = c;
    rec->expires = x;
    return 0;
}

void
state_rec_free(struct state_rec *rec)
{
    if (rec == NULL)
        return;
    free(rec->key);
    free(rec->val);
    memset(rec, 0, sizeof *rec);
}

/* The lookup inside a transaction: 1, 0 or -1 (expired and damaged
 * records are removed). */
static int
get_locked(struct state_db *db, const void *key, size_t klen, struct state_rec *rec,
           struct status *st)
{
    struct wdb_err e;
    struct state_rec r;
    void *v;
    size_t vl;
    int rc;

    memset(&r, 0, sizeof r);
    rc = db->api->get(db->h, key, klen, &v, &vl, &e);
    if (rc == WDB_NOTFOUND)
        return doubt(db, st) ? -1 : 0;
    if (rc == WDB_CORRUPT) {
        if (recover(db, e.text, st) < 0)
            return -1;
        return doubt(db, st) ? -1 : 0;
    }
    if (rc != WDB_OK)
        return wdb_fail(db, &e, st);
    if (rec_fill(&r, key, klen, v, vl) < 0) {
        free(v);
        msg_warn("state: %s: damaged record removed", db->path);
        db->damaged = 1;
        if (db->api->del(db->h, key, klen, &e) == WDB_OK)
            db->changed = 1;
        return doubt(db, st) ? -1 : 0;
    }
    free(v);
    if (expired(r.expires, state_now())) {
        state_rec_free(&r);
        if (db->api->del(db->h, key, klen, &e) == WDB_OK)
            db->changed = 1;
        return doubt(db, st) ? -1 : 0;
    }
    if (doubt(db, st)) {
        state_rec_free(&r);
        return -1;
    }
    if (rec)
        *rec = r;
    else
        state_rec_free(&r);
    return 1;
}

static int
put_locked(struct state_db *db, const void *key, size_t klen, const void *val,
           size_t vlen, time_t expires, struct status *st)
{
    struct wdb_err e;
    unsigned char *buf = xmalloc(STATE_REC_HDR + vlen + 1);
    int rc;

    state_rec_encode(buf, state_now(), expires);
    if (vlen)
        memcpy(buf + STATE_REC_HDR, val, vlen);
    rc = db->api->put(db->h, key, klen, buf, STATE_REC_HDR + vlen, &e);
    if (rc == WDB_CORRUPT) {
        if (recover(db, e.text, st) < 0) {
            free(buf);
            return -1;
        }
        rc = db->api->put(db->h, key, klen, buf, STATE_REC_HDR + vlen, &e);
    }
    free(buf);
    if (rc != WDB_OK)
        return wdb_fail(db, &e, st);
    db->changed = 1;
    return 0;
}

int
state_get(struct state_db *db, const void *key, size_t klen, struct state_rec *rec,
          struct status *st)
{
    if (rec)
        memset(rec, 0, sizeof *rec);
    if (!key_ok(key, klen, st) || doubt(db, st) || state_lock(db, st) < 0)
        return -1;
    return leave(db, get_locked(db, key, klen, rec, st), st);
}

int
state_put(struct state_db *db, const void *key, size_t klen, const void *val,
          size_t vlen, time_t expires, struct status *st)
{
    if (!key_ok(key, klen, st))
        return -1;
    if (vlen > STATE_VAL_MAX) {
        status_set(st, "4.3.0", "state value too large (%zu bytes)", vlen);
        return -1;
    }
    if (state_lock(db, st) < 0)
        return -1;
    return leave(db, put_locked(db, key, klen, val, vlen, expires, st), st);
}

int
state_del(struct state_db *db, const void *key, size_t klen, struct status *st)
{
    struct wdb_err e;
    int rc;

    if (!key_ok(key, klen, st) || state_lock(db, st) < 0)
        return -1;
    rc = db->api->del(db->h, key, klen, &e);
    if (rc == WDB_OK) {
        db->changed = 1;
        rc = 1;
    } else if (rc == WDB_NOTFOUND) {
        rc = 0;
    } else if (rc == WDB_CORRUPT) {
        rc = recover(db, e.text, st) < 0 ? -1 : 0;
    } else {
        rc = wdb_fail(db, &e, st);
    }
    return leave(db, rc, st);
}

int
state_claim(struct state_db *db, const void *key, size_t klen, const void *val,
            size_t vlen, time_t expires, struct state_rec *existing, struct status *st)
{
    struct state_rec r;
    int rc;

    if (existing)
        memset(existing, 0, sizeof *existing);
    if (!key_ok(key, klen, st) || doubt(db, st))
        return -1;
    if (vlen > STATE_VAL_MAX) {
        status_set(st, "4.3.0", "state value too large (%zu bytes)", vlen);
        return -1;
    }
    if (state_lock(db, st) < 0)
        return -1;
    rc = get_locked(db, key, klen, &r, st);
    if (rc == 1) {
        if (existing)
            *existing = r;
        else
            state_rec_free(&r);
        rc = 0;
    } else if (rc == 0) {
        rc = put_locked(db, key, klen, val, vlen, expires, st) < 0 ? -1 : 1;
    }
    return leave(db, rc, st);
}

static int
iter_locked(struct state_db *db, int (*fn)(void *, const struct state_rec *), void *arg,
            size_t *removed, struct status *st)
{
    time_t now = state_now();
    struct wdb_err e;
    void *k, *v;
    size_t kl, vl;
    int rc;

    db->api->rewind(db->h);
    for (;;) {
        struct state_rec r;

        rc = db->api->next(db->h, &k, &kl, &v, &vl, &e);
        if (rc == WDB_NOTFOUND)
            return 0;
        if (rc == WDB_CORRUPT) {
            if (recover(db, e.text, st) < 0)
                return -1;
            return doubt(db, st) ? -1 : 0;
        }
        if (rc != WDB_OK)
            return wdb_fail(db, &e, st);
        if (kl == 0 || ((char *)k)[0] == '\0') {
            free(k);
            free(v);
            continue;                   /* the marker */
        }
        memset(&r, 0, sizeof r);
        if (rec_fill(&r, k, kl, v, vl) < 0 || expired(r.expires, now)) {
            if (r.key == NULL) {
                msg_warn("state: %s: damaged record removed", db->path);
                db->damaged = 1;
            }
            state_rec_free(&r);
            free(k);
            free(v);
            if (db->api->cursor_del(db->h, &e) != WDB_OK) {
                db->api->rewind(db->h);
                return wdb_fail(db, &e, st);
            }
            db->changed = 1;
            if (removed)
                (*removed)++;
            continue;
        }
        free(k);
        free(v);
        rc = fn ? fn(arg, &r) : 0;
        state_rec_free(&r);
        if (rc) {
            db->api->rewind(db->h);
            return 0;
        }
    }
}

int
state_iter(struct state_db *db, int (*fn)(void *arg, const struct state_rec *rec),
           void *arg, struct status *st)
{
    if (state_lock(db, st) < 0)
        return -1;
    return leave(db, iter_locked(db, fn, arg, NULL, st), st);
}

int
state_expire(struct state_db *db, size_t *removed, struct status *st)
{
    size_t n = 0;
    int rc;

    if (state_lock(db, st) < 0)
        return -1;
    rc = leave(db, iter_locked(db, NULL, NULL, &n, st), st);
    if (removed)
        *removed = n;
    return rc;
}

int
state_damaged(const struct state_db *db)
{
    return db->damaged;
}

const char *
state_path(const struct state_db *db)
{
    return db->path;
}

/* ---- opening ------------------------------------------------------------ */

static int
name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > STATE_NAME_MAX)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-'))
            return 0;
    return 1;
}

/* mkdir -p with mode 0700 for the missing components of an absolute dir. */
static int
make_dirs(const char *dir)
{
    char *p = xstrdup(dir);

    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;

            *s = '\0';
            if (mkdir(p, 0700) < 0 && errno != EEXIST) {
                int e = errno;

                free(p);
                errno = e;
                return -1;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    return 0;
}

/* The directory must exist (or be created) and be safe: 0, 1 (missing and
 * STATE_NOCREATE), -1 with *st. */
static int
check_dir(const char *dir, unsigned flags, struct status *st)
{
    struct stat sb;

    if (stat(dir, &sb) < 0) {
        if (errno != ENOENT) {
            status_errno(st, "4.3.0", errno, "state directory %s", dir);
            return -1;
        }
        if (flags & STATE_NOCREATE)
            return 1;
        if (make_dirs(dir) < 0 || stat(dir, &sb) < 0) {
            status_errno(st, "4.3.0", errno, "cannot create state directory %s", dir);
            return -1;
        }
    }
    if (!S_ISDIR(sb.st_mode)) {
        status_set(st, "4.3.0", "state directory %s is not a directory", dir);
        return -1;
    }
    if (sb.st_uid != geteuid()) {
        status_set(st, "4.3.0", "state directory %s is owned by uid %lu, not %lu", dir,
                   (unsigned long)sb.st_uid, (unsigned long)geteuid());
        return -1;
    }
    if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
        status_set(st, "4.3.0", "state directory %s is writable by group or others "
                   "(mode %03o)", dir, (unsigned)(sb.st_mode & 0777));
        return -1;
    }
    return 0;
}

static int
open_lockfile(struct state_db *db, struct status *st)
{
    struct stat sb;
    int fd;

    fd = open(db->lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) {
        status_errno(st, "4.3.0", errno, "cannot open lock file %s", db->lockpath);
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        status_errno(st, "4.3.0", errno, "cannot stat %s", db->lockpath);
        close(fd);
        return -1;
    }
    /* Not moved aside: another delivery may hold a lock on it, and two
     * lock files would mean no lock at all. */
    if (!S_ISREG(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & (S_IWGRP | S_IWOTH))) {
        status_set(st, "4.3.0", "lock file %s is not a private regular file of uid %lu; "
                   "remove it", db->lockpath, (unsigned long)geteuid());
        close(fd);
        return -1;
    }
    db->lockfd = fd;
    return 0;
}

int
state_open(const char *dir, const char *name, unsigned flags, struct state_db **dbp,
           struct status *st)
{
    const struct weir_module *mod;
    struct state_db *db;
    int rc;

    *dbp = NULL;
    if (dir == NULL || dir[0] != '/') {
        status_set(st, "4.3.0", "state directory %s is not an absolute path",
                   dir ? dir : "(none)");
        return -1;
    }
    if (!name_ok(name)) {
        status_set(st, "4.3.0", "invalid state database name \"%s\"", name);
        return -1;
    }
    rc = check_dir(dir, flags, st);
    if (rc != 0)
        return rc;
    mod = dynload_module("db", st);
    if (mod == NULL)
        return -1;
    if (mod->api == NULL ||
        ((const struct weir_db_api *)mod->api)->version != WDB_API_VERSION) {
        status_set(st, "4.3.0", "module db has no state api of version %d", WDB_API_VERSION);
        return -1;
    }
    db = xcalloc(1, sizeof *db);
    db->api = mod->api;
    db->flags = flags;
    db->lockfd = -1;
    db->dir = xstrdup(dir);
    db->name = xstrdup(name);
    db->path = xasprintf("%s/%s.db", dir, name);
    db->lockpath = xasprintf("%s/%s.lock", dir, name);
    if ((flags & STATE_NOCREATE) && access(db->path, F_OK) < 0 && errno == ENOENT) {
        state_close(db);
        return 1;
    }
    if (open_lockfile(db, st) < 0) {
        state_close(db);
        return -1;
    }
    /* One transaction now: create or check the file, so that damage is
     * found (and STATE_FAIL_CLOSED applies) from the start. */
    rc = txn_begin(db, st);
    if (rc == 0)
        rc = txn_end(db, st);
    if (rc != 0) {
        state_close(db);
        return rc;
    }
    *dbp = db;
    return 0;
}

void
state_close(struct state_db *db)
{
    if (db == NULL)
        return;
    if (db->depth > 0) {
        struct status st;

        msg_warn("state: %s closed inside a transaction", db->path);
        db->depth = 0;
        (void)txn_end(db, &st);
    }
    if (db->lockfd >= 0)
        close(db->lockfd);
    free(db->dir);
    free(db->name);
    free(db->path);
    free(db->lockpath);
    free(db);
}
