/*
 * hostsvc.c -- the host services builtins ask for by name (builtins/
 * hostsvc.h): the `duplicate` facts and the `program` test, answered from
 * the delivery the rules run for.
 *
 * Entry point: hostsvc_module(), the rule host's module callback
 * (lda/prog/host.c): the two service tables by name, any other name a
 * private module (lda/sys/dynload.h).
 *
 * duplicate: the key (dupe_key: the rule's text, or the Message-ID) is
 * looked up in the user's duplicate.db read-only; a key not seen joins
 * the delivery's pending set, which commit.c records after a complete
 * delivery (never for exit 75).
 *
 * program: refused unless the host runs programs (a delivery; `weir
 * test` only with --run-programs, like `filter`); then progtest_run()
 * (lda/resp/progtest.h) with the delivery's allowlisted environment, the
 * message on standard input when asked, and the child timeout.
 *
 * SECURITY: no shell unless the rule wrote `program shell`; an argv built
 * from message content is refused (progtest.c); the state key is only a
 * database key.
 */
#include "config.h"
#include "hostsvc.h"
#include "child.h"
#include "dupe.h"
#include "dynload.h"
#include "host.h"
#include "mailparse.h"
#include "progtest.h"
#include "respond.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static int
dup_seen(void *ctx, const char *given, long days, struct status *st)
{
    struct host *h = ctx;
    struct delivery *d = h->d;
    struct mp_header hdr;
    char *key, *dir;
    int rc;

    mp_header_parse(d->msg.header ? d->msg.header : "", d->msg.header ? d->msg.header_len : 0,
                    &hdr);
    key = dupe_key(&hdr, given);
    mp_header_free(&hdr);
    if (key == NULL)
        return 0;               /* no Message-ID: never a duplicate */
    dir = respond_state_dir(d);
    rc = dupe_seen_within(dir, key, days, st);
    if (rc == 0)
        dupe_pending_add(&d->dupes, key, days);
    free(dir);
    free(key);
    return rc;
}

static int
prog_run(void *ctx, const char *const *argv, int tainted, int with_message, int *exit_code,
         struct status *st)
{
    struct host *h = ctx;
    struct delivery *d = h->d;
    struct child_input in;
    struct child_env env;
    struct progtest t;
    int rc;

    if (exit_code)
        *exit_code = -1;
    if (!h->run_filters) {
        status_set(st, "4.3.0", "programs are not run (weir test without --run-programs)");
        return -1;
    }
    delivery_child_env(d, &env);
    message_input(&d->msg, &in);
    memset(&t, 0, sizeof t);
    t.argv = argv;
    t.tainted = tainted;
    t.input = with_message ? &in : NULL;
    t.env = child_env_list(&env);
    t.timeout_sec = respond_timeout_sec(d);
    rc = progtest_run(&t, exit_code, st);
    child_env_free(&env);
    return rc == PROGTEST_TRUE ? 1 : rc == PROGTEST_FALSE ? 0 : -1;
}

static const struct hostsvc_duplicate dup_api = { dup_seen };
static const struct hostsvc_program prog_api = { prog_run };

const void *
hostsvc_module(void *ctx, const char *name)
{
    if (strcmp(name, HOSTSVC_DUPLICATE) == 0)
        return &dup_api;
    if (strcmp(name, HOSTSVC_PROGRAM) == 0)
        return &prog_api;
    return dynload_api(ctx, name);
}
