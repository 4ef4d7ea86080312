/*
 * dupe.h -- the facts behind the `duplicate` test: has this user already
 * received this message (its Message-ID, or a key the rule gives, e.g.
 * sender + Subject) within N days?  State in duplicate.db (state.h).
 *
 * dupe_key() makes the key: "id <msg-id>" from the first valid msg-id of
 * Message-ID (compose.h resp_msgids), "key <text>" for a given key, or
 * NULL when there is no Message-ID and no key: such a message is never a
 * duplicate and nothing is recorded.
 *
 * dupe_seen() only reads: 1 seen within the period, 0 not, -1 with *st
 * when the database cannot be used (the caller treats it as "not seen":
 * a broken database must not throw mail away; fail-open).
 *
 * dupe_record() is called after the message was delivered -- never for a
 * delivery that ends in exit 75, so the MTA's retry is not taken for a
 * duplicate -- and records each key for `days` days.  0 or -1 with *st.
 */
#ifndef WEIR_DUPE_H
#define WEIR_DUPE_H

#include <stddef.h>

#include "mailparse.h"
#include "status.h"

#define DUPE_DB "duplicate"
#define DUPE_KEY_TEXT_MAX 512       /* bytes of a rule-given key kept */

char *dupe_key(const struct mp_header *h, const char *given);
/* Like dupe_seen(), but only a record written within the last `days`
 * days counts (the rule's period, whatever the record's own expiry). */
int dupe_seen_within(const char *state_dir, const char *key, long days, struct status *st);

/* The keys a delivery's `duplicate` tests met and did not find: recorded
 * by dupe_pending_commit() once the message is delivered (lda/prog/
 * commit.c), dropped otherwise.  A NULL set is empty. */
struct dupe_pending;
void dupe_pending_add(struct dupe_pending **set, const char *key, long days);
int dupe_pending_commit(const struct dupe_pending *set, const char *state_dir,
                        struct status *st);
size_t dupe_pending_count(const struct dupe_pending *set);
void dupe_pending_free(struct dupe_pending **set);
int dupe_seen(const char *state_dir, const char *key, struct status *st);
int dupe_record(const char *state_dir, const char *const *keys, size_t n, long days,
                struct status *st);

#endif
