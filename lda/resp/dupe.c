/*
 * dupe.c -- duplicate-message facts (see dupe.h).  Keys hold only a
 * validated msg-id or the rule's text (cut, control characters as '?').
 */
#include "config.h"
#include "dupe.h"
#include "autoreply.h"
#include "compose.h"
#include "state.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define DAY_SEC 86400L

char *
dupe_key(const struct mp_header *h, const char *given)
{
    if (given && *given) {
        char *k = xasprintf("key %.*s", (int)DUPE_KEY_TEXT_MAX, given);

        for (char *p = k; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = '?';
        return k;
    }
    {
        char *v = resp_field(h, "Message-ID"), *id[1], *k = NULL;

        if (v && resp_msgids(v, id, 1) == 1) {
            k = xasprintf("id %s", id[0]);
            free(id[0]);
        }
        free(v);
        return k;
    }
}

/* The record of key in the duplicate database: 1 (*r filled when r is
 * given), 0 (none, or no database yet), -1 with *st. */
static int
lookup(const char *state_dir, const char *key, struct state_rec *r, struct status *st)
{
    struct state_db *db;
    int rc;

    if (key == NULL)
        return 0;
    rc = state_open(state_dir, DUPE_DB, STATE_NOCREATE, &db, st);
    if (rc == 1)
        return 0;
    if (rc < 0)
        return -1;
    rc = state_get(db, key, strlen(key), r, st);
    state_close(db);
    return rc;
}

int
dupe_seen(const char *state_dir, const char *key, struct status *st)
{
    return lookup(state_dir, key, NULL, st);
}

int
dupe_record(const char *state_dir, const char *const *keys, size_t n, long days,
            struct status *st)
{
    struct state_db *db;
    struct status ust;
    time_t until = state_now() + (days > 0 ? days : 1) * DAY_SEC;
    int rc = 0;

    if (n == 0)
        return 0;
    if (state_open(state_dir, DUPE_DB, 0, &db, st) < 0)
        return -1;
    if (state_lock(db, st) < 0) {
        state_close(db);
        return -1;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        if (keys[i])
            rc = state_put(db, keys[i], strlen(keys[i]), "seen", 4, until, st);
    if (state_unlock(db, &ust) < 0 && rc == 0) {
        *st = ust;
        rc = -1;
    }
    state_close(db);
    return rc;
}

int
dupe_seen_within(const char *state_dir, const char *key, long days, struct status *st)
{
    struct state_rec r;
    int rc = lookup(state_dir, key, &r, st);

    if (rc == 1) {
        rc = r.created >= state_now() - days * DAY_SEC;
        state_rec_free(&r);
    }
    return rc;
}

struct dupe_pending {
    char **keys;
    long days;                  /* the longest period asked for */
    size_t n;
};

void
dupe_pending_add(struct dupe_pending **set, const char *key, long days)
{
    struct dupe_pending *s = *set;

    if (s == NULL)
        s = *set = xcalloc(1, sizeof *s);
    if (days > s->days)
        s->days = days;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->keys[i], key) == 0)
            return;
    s->keys = xreallocarray(s->keys, s->n + 1, sizeof *s->keys);
    s->keys[s->n++] = xstrdup(key);
}

int
dupe_pending_commit(const struct dupe_pending *set, const char *state_dir, struct status *st)
{
    if (set == NULL || set->n == 0)
        return 0;
    return dupe_record(state_dir, (const char *const *)set->keys, set->n, set->days, st);
}

size_t
dupe_pending_count(const struct dupe_pending *set)
{
    return set ? set->n : 0;
}

void
dupe_pending_free(struct dupe_pending **set)
{
    struct dupe_pending *s = *set;

    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->keys[i]);
    free(s->keys);
    free(s);
    *set = NULL;
}
