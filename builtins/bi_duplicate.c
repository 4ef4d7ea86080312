/*
 * bi_duplicate.c -- builtin test `duplicate`: has this user already
 * received this message?
 *
 *   duplicate                              Message-ID, within 7 days
 *   duplicate within N days                Message-ID, within N days
 *   duplicate key "TEXT" within N days     the rule's key (e.g.
 *                                          "${sender} ${1}"), N days
 *
 * The facts come from the host (hostsvc.h, HOSTSVC_DUPLICATE: the user's
 * duplicate.db, lda/resp/dupe.h): a message without Message-ID (and no
 * key) is never a duplicate; a key not seen is recorded only after the
 * message was delivered, so a delivery that ends in exit 75 records
 * nothing and the MTA's retry is not taken for a duplicate.  When the
 * state cannot be read the test is undecided (false, logged): a broken
 * database must not throw mail away.
 */
#include "config.h"
#include "hostsvc.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>

#define DUPLICATE_DAYS_DEFAULT 7
#define DUPLICATE_DAYS_MAX 3650

enum { D_ID = 1, D_ID_DAYS, D_KEY_DAYS };

static const struct rl_bi_form forms[] = {
    { "within RAW days", D_ID_DAYS },
    { "key STR within RAW days", D_KEY_DAYS },
    { "", D_ID },
    { NULL, 0 }
};

/* N of "within N days": 1 .. DUPLICATE_DAYS_MAX, digits only. */
static ssize_t
dup_scan_raw(int arg, const char *text, size_t n, struct buf *out, char *err, size_t errlen)
{
    size_t i = 0;
    unsigned long v = 0;

    (void)arg;
    while (i < n && text[i] >= '0' && text[i] <= '9' && i < 5)
        v = v * 10 + (unsigned long)(text[i++] - '0');
    if (i == 0 || (i < n && text[i] >= '0' && text[i] <= '9') || v < 1 ||
        v > DUPLICATE_DAYS_MAX) {
        snprintf(err, errlen, "expected a number of days (1 to %d)", DUPLICATE_DAYS_MAX);
        return -1;
    }
    buf_printf(out, "%lu", v);
    return (ssize_t)i;
}

static int
dup_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    const struct hostsvc_duplicate *api = rl_bi_module(env, HOSTSVC_DUPLICATE);
    const char *key = call->id == D_KEY_DAYS ? call->arg[0] : NULL;
    const char *days_s = call->id == D_KEY_DAYS ? call->arg[1]
                       : call->id == D_ID_DAYS ? call->arg[0] : NULL;
    long days = days_s ? strtol(days_s, NULL, 10) : DUPLICATE_DAYS_DEFAULT;
    struct status st;
    int rc;

    if (api == NULL)
        return -1;
    if (days < 1 || days > DUPLICATE_DAYS_MAX)  /* bytecode is untrusted */
        days = DUPLICATE_DAYS_DEFAULT;
    if (key && *key == '\0') {
        rl_bi_note(r, "empty key: never a duplicate");
        rl_bi_true(r, 0);
        return 0;
    }
    status_ok(&st);
    rc = api->seen(env->host->ctx, key, days, &st);
    if (rc < 0) {
        rl_bi_log(env, RL_LOG_WARN, "duplicate: %s", st.text);
        return -1;
    }
    rl_bi_note(r, "%s within %ld days", rc ? "seen" : "not seen", days);
    rl_bi_true(r, rc == 1);
    return 0;
}

const struct rl_builtin rl_bi_duplicate_def = {
    .name = "duplicate",
    .summary = "a message this user already received (Message-ID, or a key) within N days",
    .forms = forms,
    .scan_raw = dup_scan_raw,
    .eval = dup_eval,
};
