/*
 * mod_db.c -- the weir_db.so module: Berkeley DB btree files behind
 * dynload (lda/sys/dynload.h), for the per-user state layer (lda/store/state.c).
 * The api table (struct weir_db_api) and its return codes are described
 * in lda/sys/mod_db.h.
 *
 * Self-contained: libdb and libc only (the module is linked with
 * -no-undefined).  Berkeley DB's error messages go into the caller's
 * struct wdb_err through an error callback, never to stderr.
 */
#include "config.h"
#include "dynload.h"
#include "mod_db.h"

#include <db.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wdb {
    DB *db;
    DBC *cur;                   /* iteration cursor, or NULL */
    struct wdb_err *e;          /* where Berkeley DB's messages go */
    int panicked;               /* an operation returned DB_RUNRECOVERY */
};

/* A handle for verify(), which has no struct wdb. */
struct errsink {
    struct wdb_err *e;
};

static void
set_text(struct wdb_err *e, const char *s)
{
    size_t n;

    if (e == NULL)
        return;
    n = strlen(s);
    if (n >= sizeof e->text)
        n = sizeof e->text - 1;
    memcpy(e->text, s, n);
    e->text[n] = '\0';
}

/* Berkeley DB's error callback: keep the first message of an operation. */
static void
errcall(const DB_ENV *env, const char *pfx, const char *msg)
{
    struct wdb_err *e = env ? env->app_private : NULL;

    (void)pfx;
    if (e && e->text[0] == '\0')
        set_text(e, msg ? msg : "");
}

static void
msgcall(const DB_ENV *env, const char *msg)
{
    (void)env;
    (void)msg;                  /* informational (verify): not wanted */
}

static void
err_reset(struct wdb_err *e)
{
    if (e) {
        e->sys = 0;
        e->text[0] = '\0';
    }
}

/* Map a Berkeley DB return code to WDB_*, filling *e. */
static int
classify(int rc, const char *what, struct wdb_err *e)
{
    char detail[160];
    int n;

    switch (rc) {
    case 0:
        return WDB_OK;
    case DB_NOTFOUND:
    case DB_KEYEMPTY:
        return WDB_NOTFOUND;
    default:
        break;
    }
    if (e == NULL)
        return rc > 0 && rc != EINVAL ? WDB_ERR : WDB_CORRUPT;
    /* Keep Berkeley DB's own message (from errcall) as the detail. */
    if (snprintf(detail, sizeof detail, "%s", e->text) < 0)
        detail[0] = '\0';
    if (detail[0])
        n = snprintf(e->text, sizeof e->text, "%s: %s (%s)", what, db_strerror(rc), detail);
    else
        n = snprintf(e->text, sizeof e->text, "%s: %s", what, db_strerror(rc));
    if (n < 0)
        e->text[0] = '\0';
    /* Positive codes are errno values: system trouble, except EINVAL,
     * which Berkeley DB returns for a file of the wrong type or format.
     * Its own negative codes (DB_VERIFY_BAD, DB_PAGE_NOTFOUND,
     * DB_RUNRECOVERY, DB_OLD_VERSION...) mean the file cannot be used. */
    if (rc > 0 && rc != EINVAL) {
        e->sys = rc;
        return WDB_ERR;
    }
    return WDB_CORRUPT;
}

/* classify() for an operation on h, remembering a Berkeley DB panic. */
static int
hclassify(struct wdb *h, int rc, const char *what, struct wdb_err *e)
{
    if (rc == DB_RUNRECOVERY)
        h->panicked = 1;
    return classify(rc, what, e);
}

static int
too_big(size_t n, struct wdb_err *e)
{
    if (n <= UINT32_MAX)
        return 0;
    set_text(e, "record too large");
    e->sys = EINVAL;
    return 1;
}

static void
dbt_in(DBT *d, const void *p, size_t n)
{
    memset(d, 0, sizeof *d);
    d->data = (void *)(uintptr_t)p;     /* Berkeley DB does not write it */
    d->size = (u_int32_t)n;
}

/* A malloc()ed, NUL-terminated copy of a DB_DBT_MALLOC result. */
static int
dbt_out(DBT *d, void **p, size_t *n, struct wdb_err *e)
{
    char *s = realloc(d->data, (size_t)d->size + 1);

    if (s == NULL) {
        free(d->data);
        e->sys = ENOMEM;
        set_text(e, "out of memory");
        return WDB_ERR;
    }
    s[d->size] = '\0';
    *p = s;
    *n = d->size;
    return WDB_OK;
}

static int
w_open(const char *path, int create, struct wdb **hp, struct wdb_err *e)
{
    struct wdb *h;
    DB *db;
    int rc;

    err_reset(e);
    *hp = NULL;
    h = calloc(1, sizeof *h);
    if (h == NULL) {
        e->sys = ENOMEM;
        set_text(e, "out of memory");
        return WDB_ERR;
    }
    rc = db_create(&db, NULL, 0);
    if (rc != 0) {
        free(h);
        return classify(rc > 0 ? rc : EIO, "db_create", e);
    }
    h->db = db;
    h->e = e;
    db->get_env(db)->app_private = e;
    db->set_errcall(db, errcall);
    db->set_msgcall(db, msgcall);
    /* Page checksums: a damaged page is reported, not believed.  (Ignored
     * by Berkeley DB for an existing file created without them.) */
    rc = db->set_flags(db, DB_CHKSUM);
    if (rc == 0)
        rc = db->open(db, NULL, path, NULL, DB_BTREE, create ? DB_CREATE : 0, 0600);
    if (rc != 0) {
        if (rc == DB_RUNRECOVERY)       /* see w_close */
            (void)db->get_env(db)->set_flags(db->get_env(db), DB_PANIC_ENVIRONMENT, 0);
        rc = classify(rc, "open", e);
        db->close(db, DB_NOSYNC);
        free(h);
        return rc;
    }
    *hp = h;
    return WDB_OK;
}

static void
bind_err(struct wdb *h, struct wdb_err *e)
{
    err_reset(e);
    h->e = e;
    h->db->get_env(h->db)->app_private = e;
}

static int
w_close(struct wdb *h, int sync, struct wdb_err *e)
{
    int rc = 0, rc2;

    if (h == NULL)
        return WDB_OK;
    bind_err(h, e);
    /* After a panic (a damaged page) Berkeley DB refuses to close, and
     * would leak the handle: clear the private environment's panic flag
     * first.  Nothing is written (the caller moves the file aside). */
    if (h->panicked) {
        DB_ENV *env = h->db->get_env(h->db);

        (void)env->set_flags(env, DB_PANIC_ENVIRONMENT, 0);
        sync = 0;
    }
    if (h->cur)
        rc = h->cur->close(h->cur);
    rc2 = h->db->close(h->db, sync ? 0 : DB_NOSYNC);
    free(h);
    return classify(rc2 ? rc2 : rc, "close", e);
}

static int
w_get(struct wdb *h, const void *k, size_t kl, void **v, size_t *vl, struct wdb_err *e)
{
    DBT dk, dv;
    int rc;

    bind_err(h, e);
    if (too_big(kl, e))
        return WDB_ERR;
    dbt_in(&dk, k, kl);
    memset(&dv, 0, sizeof dv);
    dv.flags = DB_DBT_MALLOC;
    rc = hclassify(h, h->db->get(h->db, NULL, &dk, &dv, 0), "get", e);
    if (rc != WDB_OK)
        return rc;
    return dbt_out(&dv, v, vl, e);
}

static int
w_put(struct wdb *h, const void *k, size_t kl, const void *v, size_t vl, struct wdb_err *e)
{
    DBT dk, dv;

    bind_err(h, e);
    if (too_big(kl, e) || too_big(vl, e))
        return WDB_ERR;
    dbt_in(&dk, k, kl);
    dbt_in(&dv, v, vl);
    return hclassify(h, h->db->put(h->db, NULL, &dk, &dv, 0), "put", e);
}

static int
w_del(struct wdb *h, const void *k, size_t kl, struct wdb_err *e)
{
    DBT dk;

    bind_err(h, e);
    if (too_big(kl, e))
        return WDB_ERR;
    dbt_in(&dk, k, kl);
    return hclassify(h, h->db->del(h->db, NULL, &dk, 0), "del", e);
}

static int
w_next(struct wdb *h, void **k, size_t *kl, void **v, size_t *vl, struct wdb_err *e)
{
    DBT dk, dv;
    int rc;

    bind_err(h, e);
    if (h->cur == NULL) {
        rc = hclassify(h, h->db->cursor(h->db, NULL, &h->cur, 0), "cursor", e);
        if (rc != WDB_OK) {
            h->cur = NULL;
            return rc == WDB_NOTFOUND ? WDB_CORRUPT : rc;
        }
    }
    memset(&dk, 0, sizeof dk);
    memset(&dv, 0, sizeof dv);
    dk.flags = DB_DBT_MALLOC;
    dv.flags = DB_DBT_MALLOC;
    rc = hclassify(h, h->cur->get(h->cur, &dk, &dv, DB_NEXT), "cursor get", e);
    if (rc != WDB_OK) {
        h->cur->close(h->cur);
        h->cur = NULL;
        return rc;
    }
    if (dbt_out(&dk, k, kl, e) != WDB_OK) {
        free(dv.data);
        return WDB_ERR;
    }
    if (dbt_out(&dv, v, vl, e) != WDB_OK) {
        free(*k);
        *k = NULL;
        return WDB_ERR;
    }
    return WDB_OK;
}

static int
w_cursor_del(struct wdb *h, struct wdb_err *e)
{
    bind_err(h, e);
    if (h->cur == NULL) {
        e->sys = EINVAL;
        set_text(e, "cursor_del without a current record");
        return WDB_ERR;
    }
    return hclassify(h, h->cur->del(h->cur, 0), "cursor del", e);
}

static void
w_rewind(struct wdb *h)
{
    if (h->cur) {
        h->cur->close(h->cur);
        h->cur = NULL;
    }
}

static int
w_sync(struct wdb *h, struct wdb_err *e)
{
    bind_err(h, e);
    return hclassify(h, h->db->sync(h->db, 0), "sync", e);
}

static int
w_verify(const char *path, struct wdb_err *e)
{
    DB *db;
    int rc;

    err_reset(e);
    rc = db_create(&db, NULL, 0);
    if (rc != 0)
        return classify(rc > 0 ? rc : EIO, "db_create", e);
    db->get_env(db)->app_private = e;
    db->set_errcall(db, errcall);
    db->set_msgcall(db, msgcall);
    /* DB->verify destroys the handle whatever it returns. */
    rc = db->verify(db, path, NULL, NULL, 0);
    return classify(rc, "verify", e);
}

static const struct weir_db_api api = {
    WDB_API_VERSION, w_open, w_close, w_get, w_put, w_del, w_next, w_cursor_del,
    w_rewind, w_sync, w_verify
};

static const char *
lib_version(void)
{
    return db_version(NULL, NULL, NULL);
}

const struct weir_module weir_module = { WEIR_MODULE_ABI, "db", lib_version, &api };
