/*
 * responder.c -- plan and send vacation replies and fake bounces (see
 * responder.h for the contract, the state keys and the order of events).
 *
 * SECURITY: the answer goes to the envelope sender only after
 * resp_addr_plain() accepted it, as the one argv element after "--";
 * sendmail runs through child_run() (no shell, allowlisted environment,
 * no mail group, timeout).  A From address built from message content is
 * refused.  The state databases are opened fail-closed: any doubt means
 * no answer.
 */
#include "config.h"
#include "responder.h"
#include "child.h"
#include "compose.h"
#include "dsn.h"
#include "log.h"
#include "state.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_SEC 86400L
#define HOUR_KEY_TTL (2 * 3600)

static void
why(struct resp_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
why(struct resp_plan *p, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vsnprintf(p->whybuf, sizeof p->whybuf, fmt, ap) < 0)
        p->whybuf[0] = '\0';
    va_end(ap);
    p->why = p->whybuf;
}

static char *
lower(const char *s)
{
    char *r = xstrdup(s);

    for (char *q = r; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return r;
}

/* FNV-1a over the parts that make a reply "the same reply". */
static void
derive_handle(const struct resp_reply_args *a, const char *from, char *out, size_t n)
{
    const char *parts[3] = { a->subject ? a->subject : "", from, a->text ? a->text : "" };
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < 3; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
            h ^= *p;
            h *= 16777619u;
        }
        h ^= 0xff;
        h *= 16777619u;
    }
    snprintf(out, n, "%08x", h);
}

/* A handle from the rule: printable ASCII without spaces, else derived. */
static int
handle_ok(const char *h)
{
    size_t n = strlen(h);

    if (n == 0 || n > RESP_HANDLE_MAX)
        return 0;
    for (const char *p = h; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            return 0;
    return 1;
}

static void
fmt_time(char *b, size_t n, time_t t)
{
    struct tm tm;

    if (localtime_r(&t, &tm) == NULL || strftime(b, n, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(b, n, "%lld", (long long)t);
}

/* Look the key up (read-only): 0 no record, 1 p->why set, -1 state
 * trouble (p->why set: fail closed). */
static int
lookup(const struct resp_env *e, const char *db_name, struct resp_plan *p, int dry)
{
    struct state_db *db;
    struct state_rec r;
    struct status st;
    int rc;

    rc = state_open(e->state_dir, db_name, STATE_FAIL_CLOSED | (dry ? STATE_NOCREATE : 0),
                    &db, &st);
    if (rc == 1)
        return 0;
    if (rc < 0) {
        why(p, "state unavailable (%s): nothing is sent", st.text);
        return -1;
    }
    rc = state_get(db, p->key, strlen(p->key), &r, &st);
    if (rc < 0) {
        why(p, "state unavailable (%s): nothing is sent", st.text);
        state_close(db);
        return -1;
    }
    if (rc == 1) {
        char w[64], x[64];

        fmt_time(w, sizeof w, r.created);
        fmt_time(x, sizeof x, r.expires);
        if (strcmp(r.val, "pending") == 0)
            why(p, "an answer to %s is being sent by another delivery (since %s)", p->to, w);
        else
            why(p, "already answered %s on %s; not again before %s (weir state forget \"%s\")",
                p->to, w, x, p->key);
        state_rec_free(&r);
        state_close(db);
        return 1;
    }
    state_close(db);
    return 0;
}

static void
plan_init(struct resp_plan *p, enum resp_kind k)
{
    memset(p, 0, sizeof *p);
    p->kind = k;
    buf_init(&p->mail);
}

static int
parse_header(const struct resp_env *e, struct mp_header *h)
{
    mp_header_parse(e->header ? e->header : "", e->header ? e->header_len : 0, h);
    return 0;
}

/* The user's address for From: the recipient, or login@first domain. */
static char *
default_from(const struct resp_env *e)
{
    if (e->id.recipient && resp_addr_plain(e->id.recipient))
        return xstrdup(e->id.recipient);
    if (e->id.ndomains > 0)
        return xasprintf("%s@%s", e->id.login, e->id.domains[0]);
    return xasprintf("%s@%s", e->id.login, e->host);
}

int
resp_plan_reply(const struct resp_env *e, const struct resp_reply_args *a, int dry,
                struct resp_plan *p)
{
    struct mp_header h;
    struct reply_req req;
    char handle[RESP_HANDLE_MAX + 1];
    char *from;
    const char *w;
    long days = a->days > 0 ? a->days : (long)e->reply_days;

    plan_init(p, RESP_REPLY);
    parse_header(e, &h);
    w = resp_suppressed(RESP_REPLY, &h, e->sender, &e->id, NULL, NULL, p->whybuf,
                        sizeof p->whybuf);
    if (w)
        p->why = w;
    if (a->from && a->from_tainted) {
        from = NULL;
        /* the taint rule's reason first: it holds whatever the message says */
        p->why = "the reply's From address was built from message content";
    } else if (a->from && !resp_addr_plain(a->from)) {
        from = NULL;
        if (!p->why)
            why(p, "the reply's From address \"%.100s\" is not a plain address", a->from);
    } else {
        from = a->from ? xstrdup(a->from) : default_from(e);
    }
    if (e->sender && resp_addr_plain(e->sender)) {
        char *ls = lower(e->sender);

        p->to = xstrdup(e->sender);
        if (a->handle && handle_ok(a->handle))
            snprintf(handle, sizeof handle, "%s", a->handle);
        else
            derive_handle(a, from ? from : "", handle, sizeof handle);
        p->key = xasprintf("%s %s", ls, handle);
        free(ls);
        p->until = state_now() + days * DAY_SEC;
        if (!p->why)
            lookup(e, "reply", p, dry);
        if (from) {
            req.from = from;
            req.to = p->to;
            req.subject = a->subject;
            req.text = a->text ? a->text : "";
            req.host = e->host;
            req.now = state_now();
            reply_compose(&req, &h, &p->mail);
        }
    }
    free(from);
    mp_header_free(&h);
    return 0;
}

int
resp_plan_fakebounce(const struct resp_env *e, const char *text, int dry, struct resp_plan *p)
{
    struct mp_header h;
    const char *w;

    plan_init(p, RESP_FAKEBOUNCE);
    parse_header(e, &h);
    w = resp_suppressed(RESP_FAKEBOUNCE, &h, e->sender, &e->id, e->org_differs, e->org_ctx,
                        p->whybuf, sizeof p->whybuf);
    if (w)
        p->why = w;
    if (e->sender && resp_addr_plain(e->sender)) {
        struct dsn_req r;

        p->to = xstrdup(e->sender);
        p->key = lower(e->sender);
        p->until = state_now() + (long)(e->fb_days ? e->fb_days : 1) * DAY_SEC;
        if (!p->why)
            lookup(e, "fakebounce", p, dry);
        memset(&r, 0, sizeof r);
        r.to = p->to;
        r.recipient = e->id.recipient && *e->id.recipient ? e->id.recipient : e->id.login;
        r.login = e->id.login;
        r.host = e->host;
        r.diagnostic = text;
        r.tmpl = e->dsn_template;
        r.now = state_now();
        r.arrival = e->arrival ? e->arrival : r.now;
        dsn_compose(&r, e->header ? e->header : "", e->header ? e->header_len : 0, &p->mail);
    }
    mp_header_free(&h);
    return 0;
}

struct membuf {
    const char *p;
    size_t n;
};

static ssize_t
mem_pread(const void *src, void *buf, size_t n, size_t off)
{
    const struct membuf *m = src;

    if (off >= m->n)
        return 0;
    if (n > m->n - off)
        n = m->n - off;
    memcpy(buf, m->p + off, n);
    return (ssize_t)n;
}

int
resp_sendmail(const struct resp_env *e, const char *to, const char *msg, size_t len,
              struct status *st)
{
    struct membuf mb = { msg, len };
    struct child_input in = { mem_pread, &mb, len };
    struct child_spec spec;
    const char *argv[7];

    if (!resp_addr_plain(to)) {
        status_set(st, "5.1.3", "not a plain address: refusing to send to it");
        return -1;
    }
    argv[0] = e->sendmail;
    argv[1] = "-oi";
    argv[2] = "-f";
    argv[3] = "<>";
    argv[4] = "--";
    argv[5] = to;
    argv[6] = NULL;
    memset(&spec, 0, sizeof spec);
    spec.argv = argv;
    spec.env = e->env;
    spec.timeout_sec = e->timeout_sec;
    return child_run(&spec, &in, NULL, NULL, st);
}

/* Claim the record and count the hour, in one transaction: 1 claimed, 0
 * not (p->why set). */
static int
claim(const struct resp_env *e, struct state_db *db, struct resp_plan *p, unsigned per_hour)
{
    struct state_rec r;
    struct status st;
    time_t now = state_now();
    char hour[32], hkey[48], cnt[32];
    struct tm tm;
    unsigned long n = 0;
    int rc;

    if (state_lock(db, &st) < 0) {
        why(p, "state unavailable (%s): nothing is sent", st.text);
        return 0;
    }
    rc = state_claim(db, p->key, strlen(p->key), "pending", 7,
                     now + (time_t)e->timeout_sec + RESP_PENDING_EXTRA, &r, &st);
    if (rc == 0) {
        char w[64];

        fmt_time(w, sizeof w, r.created);
        why(p, "%s %s on %s (another delivery)", strcmp(r.val, "pending") == 0
            ? "an answer is being sent to" : "already answered", p->to, w);
        state_rec_free(&r);
    } else if (rc < 0) {
        why(p, "state unavailable (%s): nothing is sent", st.text);
    } else {
        if (gmtime_r(&now, &tm) == NULL || strftime(hour, sizeof hour, "%Y-%m-%dT%H", &tm) == 0)
            snprintf(hour, sizeof hour, "%lld", (long long)(now / 3600));
        snprintf(hkey, sizeof hkey, "#hour %s", hour);
        rc = state_get(db, hkey, strlen(hkey), &r, &st);
        if (rc == 1) {
            n = strtoul(r.val, NULL, 10);
            state_rec_free(&r);
        }
        if (rc < 0) {
            why(p, "state unavailable (%s): nothing is sent", st.text);
            (void)state_del(db, p->key, strlen(p->key), &st);
        } else if (per_hour && n >= per_hour) {
            why(p, "the limit of %u answers per hour is reached", per_hour);
            (void)state_del(db, p->key, strlen(p->key), &st);
        } else {
            snprintf(cnt, sizeof cnt, "%lu", n + 1);
            if (state_put(db, hkey, strlen(hkey), cnt, strlen(cnt), now + HOUR_KEY_TTL,
                          &st) < 0) {
                why(p, "state unavailable (%s): nothing is sent", st.text);
                (void)state_del(db, p->key, strlen(p->key), &st);
            }
        }
    }
    if (state_unlock(db, &st) < 0 && !p->why)
        why(p, "state unavailable (%s): nothing is sent", st.text);
    return p->why == NULL;
}

int
resp_send(const struct resp_env *e, struct resp_plan *p, struct status *st)
{
    const char *name = p->kind == RESP_REPLY ? "reply" : "fakebounce";
    unsigned per_hour = p->kind == RESP_REPLY ? e->reply_per_hour : e->fb_per_hour;
    struct state_db *db;
    struct status sst;
    int rc;

    status_ok(st);
    if (p->why)
        return 0;
    if (p->to == NULL || p->key == NULL || p->mail.len == 0) {
        p->why = "nothing to send";
        return 0;
    }
    if (state_open(e->state_dir, name, STATE_FAIL_CLOSED, &db, &sst) < 0) {
        why(p, "state unavailable (%s): nothing is sent", sst.text);
        return 0;
    }
    if (!claim(e, db, p, per_hour)) {
        state_close(db);
        return 0;
    }
    rc = resp_sendmail(e, p->to, p->mail.data, p->mail.len, st);
    if (rc == 0) {
        if (state_put(db, p->key, strlen(p->key), p->kind == RESP_REPLY ? "replied" : "bounced",
                      p->kind == RESP_REPLY ? 7 : 7, p->until, &sst) < 0)
            msg_warn("%s sent to %s, but not recorded: %s", name, p->to, sst.text);
    } else if (state_del(db, p->key, strlen(p->key), &sst) < 0) {
        msg_warn("%s to %s failed and its claim could not be removed: %s", name, p->to,
                 sst.text);
    }
    state_close(db);
    return rc == 0 ? 1 : -1;
}

void
resp_plan_free(struct resp_plan *p)
{
    free(p->to);
    free(p->key);
    buf_free(&p->mail);
    memset(p, 0, sizeof *p);
}
