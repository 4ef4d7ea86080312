/*
 * state.h -- per-user state: small key/value databases with an expiry time
 * per record, in Berkeley DB btree files under the configured state_dir
 * (weir.yaml(5) `state_dir`, default ~/.weir/state/).  Used for reply-once
 * records, fake-bounce rate limits, duplicate Message-IDs and the DNSBL
 * answer cache; `weir state` shows and edits them.
 *
 * USING IT (e.g. a cache):
 *
 *     struct state_db *db;
 *     struct state_rec r;
 *     struct status st;
 *     char *dir = home_path(cfg->state_dir, home);       // absolute
 *
 *     if (state_open(dir, "dnsbl", 0, &db, &st) < 0) {
 *         msg_warn("%s", st.text);        // no cache: ask DNS
 *     } else {
 *         switch (state_get(db, key, strlen(key), &r, &st)) {
 *         case 1:  use r.val, r.vlen; state_rec_free(&r); break;  // live
 *         case 0:  ask DNS; state_put(db, key, klen, answer, alen,
 *                                     state_now() + ttl, &st); break;
 *         default: msg_warn("%s", st.text); ask DNS;              // doubt
 *         }
 *         state_close(db);
 *     }
 *
 * Every function that can fail returns -1 with *st set (4.3.0 for
 * everything: state is never a reason to bounce), and logs nothing
 * itself except the recovery of a damaged file (msg_warn).  A caller
 * decides what a failure means: a cache goes on without the cache; the
 * reply and fake-bounce databases (STATE_FAIL_CLOSED) send nothing.  No
 * function exits or leaves the lock held.
 *
 * Names: a database is `<state_dir>/<name>.db` with its lock file
 * `<name>.lock`; name is 1..STATE_NAME_MAX of [a-z0-9_-].  Current
 * names: "reply", "fakebounce", "duplicate", "dnsbl".
 *
 * Keys and values are byte strings (keys up to STATE_KEY_MAX, values up
 * to STATE_VAL_MAX).  `weir state` prints keys as text with control
 * bytes escaped, so keys made of printable text are best.  Each record
 * carries the time it was written and the time it expires (0: never).
 * An expired record is treated as absent everywhere and removed when it
 * is met (state_get, state_claim, state_iter) or by state_expire().
 *
 * CLOCK: state_now() is time(NULL), or WEIR_TEST_NOW (seconds since the
 * epoch) when that variable is set and weir runs without privileges
 * (priv_env_trusted(): not setgid, not switched by -d), so tests can move
 * time forward; an installed setgid weir ignores it.
 *
 * CONCURRENCY: two deliveries for the same user may run at once.  Every
 * operation (or group of operations between state_lock() and
 * state_unlock()) is a short transaction under an exclusive fcntl(2)
 * lock on `<name>.lock`: lock, open the btree file, work, close (which
 * flushes and fdatasyncs when something changed), unlock.  Nothing is
 * cached between transactions, so each one sees the others' writes.
 * state_claim() is the atomic "insert unless a live record exists" for
 * reservations (reply once, even with 16 deliveries racing).  Never hold
 * the lock while running a program or waiting on the network.
 * Why not a Berkeley DB environment with DB_INIT_CDB (measured by
 * bench/state/run.sh): the cost is about the same (707k against 735k
 * instructions per delivery, of which 532k are the process itself; 70
 * against 92 system calls; one fdatasync each), but a delivery killed
 * while holding a CDB lock leaves the shared lock region wedged for every
 * later delivery (clearing it needs the transactional subsystem's
 * DB_REGISTER/failchk), the environment adds region files (__db.00N) that
 * are one more thing to be damaged or owned by someone else, and the btree
 * file alone is not consistent while the environment holds dirty pages
 * (db_verify failed on it when deliveries closed without a sync, and
 * concurrent environment creation failed once with "mmap: Invalid
 * argument").  The kernel drops an fcntl lock when its holder dies,
 * whatever the death, and the file is complete after every transaction.
 *
 * DAMAGE: before Berkeley DB reads a file, state.c checks that it is a
 * regular file owned by the user, not writable by group or others, with
 * one link, and that its first page is a btree meta page (either byte
 * order) whose page size and last page agree with the file size.  Inside,
 * a record "\0weir-state" names the database ("weir-state 1 reply"); a
 * valid btree without it that holds records belongs to someone else.  A
 * file failing any check, or one Berkeley DB reports as damaged at any
 * point (open, get, put, iteration) and its structural check (db_verify)
 * confirms, is renamed to `<name>.db.bad.<time>.<pid>` with a log line,
 * and a new empty database is created in its place.  A file that
 * verifies is kept: the failure was passing (out of memory, an
 * interrupted read), the operation fails (the open is retried).  An
 * existing file is never opened with DB_CREATE.  A damaged record (bad
 * header) is deleted.
 *
 * FAIL-CLOSED: with STATE_FAIL_CLOSED, once a handle has met damage (a
 * file moved aside or a damaged record), state_get() and state_claim()
 * return -1 ("doubt") for the rest of that handle's life, because an
 * empty new database would say "never answered" to everybody.  The next
 * delivery opens the recreated database and works normally.  Without the
 * flag, lookups on a recreated database just find nothing.
 *
 * SECURITY: the state directory (created 0700 with missing parents when
 * absent) must be owned by the user and not writable by group or others,
 * else state_open() fails without touching it.  Files are created 0600.
 * libdb is loaded (dynload_module("db")) by the first state_open() and
 * never before: a delivery that uses no state does not load it.
 */
#ifndef WEIR_STATE_H
#define WEIR_STATE_H

#include <stddef.h>
#include <time.h>

#include "status.h"

#define STATE_NAME_MAX 32           /* bytes of a database name */
#define STATE_KEY_MAX 1024          /* bytes of a key */
#define STATE_VAL_MAX 65536         /* bytes of a value */
#define STATE_LOCK_WAIT_MS 30000    /* longest wait for another delivery's
                                       transaction before giving up */

/* state_open() flags */
#define STATE_FAIL_CLOSED 0x1u      /* any doubt: lookups fail (see above) */
#define STATE_NOCREATE    0x2u      /* a missing directory or database is
                                       not created: state_open() returns 1
                                       and *db is NULL (for `weir state`) */

struct state_db;

/* One record, returned by state_get/state_claim/state_iter.  key and val
 * are NUL-terminated beyond their lengths. */
struct state_rec {
    char *key;
    size_t klen;
    char *val;
    size_t vlen;
    time_t created;             /* when it was written */
    time_t expires;             /* when it stops counting; 0 never */
};

/* The clock used for expiry (see CLOCK). */
time_t state_now(void);

/* Open (creating when needed) `<dir>/<name>.db`; dir must be absolute.
 * 0 with *db set, 1 (STATE_NOCREATE: nothing there, *db NULL), or -1 with
 * *st (module missing, directory unsafe, lock or I/O failure). */
int state_open(const char *dir, const char *name, unsigned flags,
               struct state_db **db, struct status *st);
void state_close(struct state_db *db);

/* 1 with *rec filled (free with state_rec_free), 0 when there is no live
 * record, -1 with *st (and, with STATE_FAIL_CLOSED, after any damage). */
int state_get(struct state_db *db, const void *key, size_t klen,
              struct state_rec *rec, struct status *st);
/* Write or replace a record expiring at `expires` (0 never).  0 or -1. */
int state_put(struct state_db *db, const void *key, size_t klen,
              const void *val, size_t vlen, time_t expires, struct status *st);
/* 1 deleted, 0 there was none, -1 error. */
int state_del(struct state_db *db, const void *key, size_t klen, struct status *st);
/* Atomically: when no live record exists, write this one and return 1;
 * otherwise return 0 and, when existing is not NULL, fill it with the
 * live record.  -1 with *st (as state_get). */
int state_claim(struct state_db *db, const void *key, size_t klen,
                const void *val, size_t vlen, time_t expires,
                struct state_rec *existing, struct status *st);

/* Call fn for every live record in key order (the internal "\0weir-state"
 * record is not shown); expired and damaged records met are removed.  fn
 * returns nonzero to stop and must not use db.  0 or -1. */
int state_iter(struct state_db *db, int (*fn)(void *arg, const struct state_rec *rec),
               void *arg, struct status *st);
/* Remove every expired record; *removed (if not NULL) gets how many. */
int state_expire(struct state_db *db, size_t *removed, struct status *st);

/* Group several operations into one transaction (one lock, one open of
 * the file): state_lock, any operations, state_unlock.  Nesting counts.
 * state_unlock returns -1 with *st when the changes could not be written.
 * Keep the section short: no programs, no network. */
int state_lock(struct state_db *db, struct status *st);
int state_unlock(struct state_db *db, struct status *st);

/* Whether this handle has met damage (a file moved aside or a damaged
 * record) since it was opened. */
int state_damaged(const struct state_db *db);
/* The database file's path (for messages). */
const char *state_path(const struct state_db *db);

void state_rec_free(struct state_rec *rec);

/* Encoding of a stored value (exposed for the fuzz target and tests):
 * 'w', version 1, created and expires as 64-bit big-endian, then the
 * payload.  state_rec_decode() returns 0 and points *payload into buf,
 * or -1 for a value that is not a weir record. */
#define STATE_REC_HDR 18
size_t state_rec_encode(unsigned char *out, time_t created, time_t expires);
int state_rec_decode(const unsigned char *buf, size_t len, time_t *created,
                     time_t *expires, const unsigned char **payload, size_t *plen);
/* The btree meta page check applied before Berkeley DB reads a file: 0 for
 * a plausible btree file of `size` bytes whose first bytes are head[0..n),
 * else -1 with a reason in *why (static text). */
int state_check_meta(const unsigned char *head, size_t n, unsigned long long size,
                     const char **why);

#endif
