/*
 * commit.h -- perform what the rules decided: the one step that turns a
 * struct action_list (rulelang/actions.h) into deliveries.
 *
 * commit_run() returns 0 with *st OK when the message was delivered (or
 * explicitly discarded), or -1 with *st: 4.x.x when nothing could be
 * delivered safely (exit 75, nothing left half-written), 5.7.1 for a
 * rule's `bounce`.  It writes the one log line of the message.
 * Semantics (documented in weir(1), DELIVERY):
 *  - shadow actions are only logged;
 *  - `defer` wins over everything (nothing is delivered), then `bounce`;
 *  - folder deliveries are two-phase: every target is prepared (written
 *    and fsynced, mboxes appended and kept locked), then all are
 *    committed; a target that fails is replaced by the default mailbox;
 *    if the default mailbox fails too, every prepared or committed
 *    delivery of this message is taken back and the message deferred;
 *  - implicit keep delivers to the default mailbox unless a file,
 *    discard, forward or pipe action without :copy cancelled it;
 *  - pipe and forward run (lda/child.h) after every folder delivery is
 *    committed; one that fails sends the message to the default mailbox;
 *    a pipe command or forward address built from message content
 *    (ACT_F_TAINTED) is refused, likewise;
 *  - reply and fakebounce are not built yet: logged, and the message is
 *    kept as if they were absent.
 */
#ifndef WEIR_COMMIT_H
#define WEIR_COMMIT_H

#include "actions.h"
#include "delivery.h"
#include "status.h"

#define COMMIT_SUBJECT_LOG_MAX 120  /* bytes of Subject in the log line */

int commit_run(struct delivery *d, const struct action_list *l, struct status *st);

#endif
