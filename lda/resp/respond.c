/*
 * respond.c -- plan and send the vacation replies and fake bounces of one
 * delivery (see respond.h).
 *
 * Entry points: respond_plan(), respond_plan_free(), respond_send().
 * Both build a struct resp_env from the delivery: the original header
 * block, the envelope, the user, the state directory (weir.yaml(5)
 * state_dir), sendmail, the child timeout, the rate limits and this
 * host's name; fake bounces also get the organisational-domain check
 * (orgdomain.h, the lazily loaded libpsl module).
 *
 * SECURITY: nothing here builds a header or an argv: responder.c does,
 * through compose.h's escaping and resp_addr_plain().
 */
#include "config.h"
#include "respond.h"
#include "child.h"
#include "delivery.h"
#include "dsn.h"
#include "log.h"
#include "orgdomain.h"
#include "state.h"
#include "util.h"
#include "weir_config.h"

#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct respond_env {
    struct resp_env e;
    struct weir_config dflt;        /* built-in defaults when d->cfg is NULL */
    int have_dflt;
    char *state_dir;
    char host[RESPOND_HOST_MAX];
    const char *domains[2];
    char *rdomain;
    struct child_env env;
};

/* Whether the two domains belong to different organisations.  When the
 * public suffix list cannot be asked, the domains themselves are compared
 * (stricter: no backscatter on doubt). */
static int
org_differs(void *ctx, const char *a, const char *b)
{
    char oa[PSL_NAME_MAX], ob[PSL_NAME_MAX];
    struct status st;

    (void)ctx;
    if (orgdomain_get(a, oa, &st) == PSL_OK && orgdomain_get(b, ob, &st) == PSL_OK)
        return strcasecmp(oa, ob) != 0;
    return strcasecmp(a, b) != 0;
}

char *
respond_state_dir(const struct delivery *d)
{
    struct weir_config dflt;
    char *dir;

    if (d->cfg)
        return home_path(d->cfg->state_dir, d->home ? d->home : "/");
    config_defaults(&dflt);
    dir = home_path(dflt.state_dir, d->home ? d->home : "/");
    config_free(&dflt);
    return dir;
}

unsigned
respond_timeout_sec(const struct delivery *d)
{
    struct weir_config dflt;
    unsigned t;

    if (d->cfg)
        return (d->cfg->child_timeout_ms + 999) / 1000;
    config_defaults(&dflt);
    t = (dflt.child_timeout_ms + 999) / 1000;
    config_free(&dflt);
    return t;
}

static void
env_init(const struct delivery *d, struct respond_env *r)
{
    const struct weir_config *cfg = d->cfg;
    const char *at;

    memset(r, 0, sizeof *r);
    if (cfg == NULL) {
        config_defaults(&r->dflt);
        r->have_dflt = 1;
        cfg = &r->dflt;
    }
    if (gethostname(r->host, sizeof r->host) != 0 || r->host[0] == '\0')
        snprintf(r->host, sizeof r->host, "localhost");
    r->host[sizeof r->host - 1] = '\0';
    r->e.header = d->msg.header;
    r->e.header_len = d->msg.header_len;
    r->e.sender = d->sender ? d->sender : "";
    r->e.id.login = d->user ? d->user : "";
    r->e.id.recipient = d->recipient;
    if (d->recipient && (at = strrchr(d->recipient, '@')) != NULL && at[1])
        r->domains[r->e.id.ndomains++] = r->rdomain = xstrdup(at + 1);
    r->domains[r->e.id.ndomains++] = r->host;
    r->e.id.domains = r->domains;
    r->e.id.addresses = (const char *const *)cfg->addresses;
    r->e.id.naddresses = cfg->naddresses;
    r->state_dir = respond_state_dir(d);
    r->e.state_dir = r->state_dir;
    r->e.sendmail = d->sendmail ? d->sendmail : cfg->sendmail;
    delivery_child_env(d, &r->env);
    r->e.env = child_env_list(&r->env);
    r->e.timeout_sec = (cfg->child_timeout_ms + 999) / 1000;
    r->e.host = r->host;
    r->e.dsn_template = NULL;
    r->e.reply_days = cfg->rate_limits.reply.per_sender_days;
    r->e.reply_per_hour = cfg->rate_limits.reply.per_hour;
    r->e.fb_days = cfg->rate_limits.fakebounce.per_sender_days;
    r->e.fb_per_hour = cfg->rate_limits.fakebounce.per_hour;
    r->e.arrival = state_now();
    r->e.org_differs = org_differs;
    r->e.org_ctx = NULL;
}

static void
env_free(struct respond_env *r)
{
    free(r->state_dir);
    free(r->rdomain);
    child_env_free(&r->env);
    if (r->have_dflt)
        config_free(&r->dflt);
}

/* weir.yaml fakebounce_template, read for a fake bounce: the text, or
 * NULL (none configured; or unreadable or unusable: logged, and the
 * built-in template is used -- the rule still gets its fake bounce). */
static char *
read_template(const struct delivery *d)
{
    const char *conf = d->cfg ? d->cfg->fakebounce_template : NULL;
    char *path, *text = NULL;
    const char *why = NULL;
    struct buf b = BUF_INIT;
    char chunk[4096];
    ssize_t n = 0;
    int fd;

    if (conf == NULL || *conf == '\0')
        return NULL;
    path = home_path(conf, d->home ? d->home : "/");
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        msg_warn("fakebounce_template %s: %s; the built-in template is used", path,
                 strerror(errno));
        free(path);
        return NULL;
    }
    while (b.len <= DSN_TEMPLATE_MAX && (n = read(fd, chunk, sizeof chunk)) > 0)
        buf_add(&b, chunk, (size_t)n);
    close(fd);
    if (n < 0)
        why = strerror(errno);
    else if (b.len > DSN_TEMPLATE_MAX)
        why = "larger than 64 KiB";
    else if (b.len == 0 || memchr(b.data, '\0', b.len) != NULL)
        why = "empty or binary";
    else if (dsn_template_check(b.data, &why) == 0)
        text = buf_steal(&b);
    if (text == NULL)
        msg_warn("fakebounce_template %s: %s; the built-in template is used", path,
                 why ? why : "unusable");
    buf_free(&b);
    free(path);
    return text;
}

struct resp_plan *
respond_plan(const struct delivery *d, const struct action *a)
{
    struct resp_plan *p = xcalloc(1, sizeof *p);
    struct respond_env r;

    env_init(d, &r);
    if (a->kind == ACT_REPLY) {
        struct resp_reply_args ra;

        memset(&ra, 0, sizeof ra);
        ra.from = a->target && *a->target ? a->target : NULL;
        ra.from_tainted = (a->flags & ACT_F_TAINTED) != 0;
        ra.subject = a->subject;
        ra.text = a->text ? a->text : "";
        ra.days = a->days;
        resp_plan_reply(&r.e, &ra, 1, p);
    } else {
        char *tmpl = read_template(d);

        r.e.dsn_template = tmpl;
        resp_plan_fakebounce(&r.e, a->text && *a->text ? a->text : NULL, 1, p);
        free(tmpl);
    }
    /* `weir test` simulates the state across its run: an answer planned
     * for an earlier message of the run counts as sent (it writes none) */
    if (p->why == NULL && p->key && p->until > state_now()) {
        const char *kind = a->kind == ACT_REPLY ? "reply" : "fakebounce";
        size_t kl = strlen(kind);

        for (size_t i = 0; i < d->nanswered; i++) {
            const char *k = d->answered[i];

            if (strncmp(k, kind, kl) == 0 && k[kl] == ' ' && strcmp(k + kl + 1, p->key) == 0) {
                snprintf(p->whybuf, sizeof p->whybuf, "already answered %.200s earlier in "
                         "this run (simulated state: weir test records nothing)", p->to);
                p->why = p->whybuf;
                break;
            }
        }
    }
    /* p->why may point into p itself (whybuf): still valid, p is not
     * moved.  Nothing else in p borrows from r. */
    env_free(&r);
    return p;
}

void
respond_plan_free(struct resp_plan *p)
{
    if (p == NULL)
        return;
    resp_plan_free(p);
    free(p);
}

int
respond_send(const struct delivery *d, struct resp_plan *p, struct status *st)
{
    struct respond_env r;
    int rc;

    env_init(d, &r);
    rc = resp_send(&r.e, p, st);
    env_free(&r);
    return rc;
}
