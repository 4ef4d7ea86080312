/*
 * host.c -- the rule host for one message (see host.h): the message view
 * the VM runs on, the body on demand, log lines, `filter`, the envelope.
 *
 * Entry points: host_init(), host_limits(), host_run(), host_free(),
 * host_envelope(), host_temp_fd().  host_run() returns 0, or -1 with a temporary *st when
 * a filter failed; nothing here exits.
 *
 * The body is what body tests see: the first limits.body_scan bytes after
 * the header (weir.yaml).  A message held in memory is not copied; a
 * spooled one is read once, up to the limit, so a huge attachment never
 * has to be in memory for a body rule.
 *
 * SECURITY: filter programs run through child_run() with the delivery's
 * allowlisted environment (delivery_child_env()), no mail group, and the
 * configured time limit; their output goes to an unlinked temporary file
 * in temp_dir and is read back through message_read() with the delivery's
 * intake limits.
 */
#include "config.h"
#include "host.h"
#include "dupe.h"
#include "respond.h"
#include "dynload.h"
#include "child.h"
#include "log.h"
#include "client.h"
#include "dnsbl.h"
#include "dnscache.h"
#include "mailparse.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

void
host_init(struct host *h, struct delivery *d)
{
    memset(h, 0, sizeof *h);
    h->d = d;
    h->run_filters = 1;
}

static void
host_dns_free(struct host *h)
{
    if (h->dnsbl)
        dnsbl_free(h->dnsbl);
    dnscache_close(h->dnscache);
    h->dnsbl = NULL;
    h->dnscache = NULL;
}

void
host_free(struct host *h)
{
    buf_free(&h->body);
    h->body_loaded = 0;
    buf_free(&h->setting);
    host_dns_free(h);
    free(h->from_seen);
    h->from_seen = NULL;
}

/* The block-list engine (rl.h rl_host.dnsbl): weir.yaml's dns settings;
 * a delivery keeps answers in the per-user cache (dnscache.h) under
 * state_dir; weir test --dns offline answers from the fixtures only
 * (they act as a cache that knows every name, so nothing is sent). */
static void *
host_dnsbl(void *ctx, const char **why)
{
    struct host *h = ctx;
    const struct weir_config *cfg = h->d->cfg;
    struct dns_config dc;
    struct dnsbl_cache_ops ops;
    int health = 0;

    if (h->dns == HOST_DNS_OFF || cfg == NULL) {
        *why = "DNS not looked up (weir test without --dns)";
        return NULL;
    }
    *why = h->dns == HOST_DNS_OFFLINE ? "fixtures" : "DNS";
    if (h->dnsbl)
        return h->dnsbl;
    memset(&dc, 0, sizeof dc);
    dc.servers = cfg->dns.servers;
    dc.nservers = cfg->dns.nservers;
    dc.timeout_ms = cfg->dns.timeout_ms;
    dc.budget_ms = cfg->dns.budget_ms;
    if (h->dns == HOST_DNS_OFFLINE) {
        h->dnsbl = dnsbl_new(&dc, 0, h->dns_fixture);
        return h->dnsbl;
    }
    health = cfg->dns.health_check;
    if (!h->dns_no_cache && cfg->dns.cache_ttl_max_ms && cfg->state_dir && h->d->home) {
        char *dir = home_path(cfg->state_dir, h->d->home);

        h->dnscache = dnscache_open(dir, cfg->dns.cache_ttl_max_ms / 1000,
                                    cfg->dns.health_hold_ms / 1000);
        free(dir);
    }
    if (h->dnscache)
        dnscache_ops(h->dnscache, &ops);
    h->dnsbl = dnsbl_new(&dc, health, h->dnscache ? &ops : NULL);
    return h->dnsbl;
}

/* ------------------------------------------------------------------ */
/* Callbacks                                                           */
/* ------------------------------------------------------------------ */

static void
host_log(void *ctx, enum rl_log_level level, const char *text)
{
    struct host *h = ctx;

    if (h->log) {
        h->log(h->log_ctx, level, text);
        return;
    }
    if (level == RL_LOG_WARN)
        msg_warn("%s", text);
    else
        msg_info("%s", text);
}

static int
host_body(void *ctx, const char **body, size_t *len)
{
    struct host *h = ctx;
    const struct message *m = &h->d->msg;
    size_t off = m->header_end < m->len ? m->header_end : m->len;
    size_t want = m->len - off;

    if (want > h->d->cfg->limits.body_scan)
        want = h->d->cfg->limits.body_scan;
    if (m->mem) {
        *body = m->mem + off;
        *len = want;
        return 0;
    }
    if (!h->body_loaded) {
        buf_reset(&h->body);
        buf_reserve(&h->body, want);
        while (h->body.len < want) {
            ssize_t n = message_pread(m, h->body.data + h->body.len, want - h->body.len,
                                      off + h->body.len);

            if (n <= 0)
                return -1;
            h->body.len += (size_t)n;
        }
        if (h->body.data)
            h->body.data[h->body.len] = '\0';
        h->body_loaded = 1;
    }
    *body = h->body.data ? h->body.data : "";
    *len = h->body.len;
    return 0;
}

static void
set_view(struct rl_msg *msg, const struct delivery *d)
{
    msg->header = d->msg.header;
    msg->header_len = d->msg.header_len;
    msg->size = d->msg.len;
}

int
host_temp_fd(const char *dir)
{
    char *path;
    int fd;

#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
#endif
    path = xasprintf("%s/weir-filter.XXXXXX", dir);
    fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    free(path);
    return fd;
}

/* `filter "command"`: the program's output replaces the message.  It reads
 * the message with the header the rules see (msg->header: header edits
 * made so far are in it). */
static int
host_filter(void *ctx, const char *command, struct rl_msg *msg, struct status *st)
{
    struct child_input in;
    struct host *h = ctx;
    struct delivery *d = h->d;
    const struct weir_config *cfg = d->cfg;
    struct child_env env;
    struct child_spec spec;
    struct message m;
    struct child_prefixed edited;
    struct stat sb;
    int fd, rc;

    /* The output goes straight to an unlinked temporary file, never
     * into memory (a 250 MB output cost 246 MB: issue 10). */
    fd = host_temp_fd(cfg->temp_dir);
    if (fd < 0) {
        status_errno(st, "4.3.0", errno, "filter '%s': cannot keep its output in %s",
                     command, cfg->temp_dir);
        return -1;
    }
    delivery_child_env(d, &env);
    memset(&spec, 0, sizeof spec);
    spec.command = command;
    spec.env = child_env_list(&env);
    spec.timeout_sec = (cfg->child_timeout_ms + 999) / 1000;
    spec.deadline_ms = delivery_child_deadline(d);
    spec.out_max = cfg->limits.message_size;
    spec.out_fd = fd;
    message_input(&d->msg, &in);
    if (msg->header != d->msg.header && !d->msg.header_truncated) {
        /* the edited header, then the body as it is */
        struct child_input whole = in;

        child_input_prefixed(&edited, msg->header, msg->header_len, &whole,
                             d->msg.header_len, &in);
    }
    rc = child_run(&spec, &in, NULL, NULL, st);
    child_env_free(&env);
    if (rc < 0) {
        close(fd);
        return -1;
    }
    if (fstat(fd, &sb) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        status_errno(st, "4.3.0", errno, "filter '%s': cannot read back its output in %s",
                     command, cfg->temp_dir);
        close(fd);
        return -1;
    }
    if (sb.st_size == 0) {
        status_set(st, "4.3.0", "filter '%s' produced no output", command);
        close(fd);
        return -1;
    }
    memset(&m, 0, sizeof m);
    m.fd = -1;
    rc = message_read(&m, fd, &d->limits, st);
    close(fd);
    if (rc < 0) {
        message_free(&m);
        return -1;
    }
    message_free(&d->msg);
    d->msg = m;
    h->body_loaded = 0;
    set_view(msg, d);
    if (d->msg.from_line) {
        /* the filter wrote a From_ line: the rules see that one */
        free(h->from_seen);
        h->from_seen = xstrdup(d->msg.from_line);
        msg->from_line = h->from_seen;
    }
    {
        char *line = xasprintf("filter '%s': message replaced (%zu bytes)", command,
                               d->msg.len);

        host_log(h, RL_LOG_INFO, line);
        free(line);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

void
host_limits(const struct weir_config *cfg, struct rl_limits *lim)
{
    rl_limits_default(lim);
    lim->steps = cfg->limits.vm_steps;
    lim->match_limit = cfg->limits.regex_match_limit;
    lim->depth_limit = cfg->limits.regex_depth_limit;
    lim->heap_limit = (uint32_t)(cfg->limits.regex_heap_limit / 1024);
}

/* A weir.yaml setting for a builtin (config_value()'s text), valid until
 * the next call. */
static const char *
host_setting(void *ctx, const char *key)
{
    struct host *h = ctx;

    if (h->d->cfg == NULL || config_value(h->d->cfg, key, &h->setting) != 0)
        return NULL;
    return h->setting.data;
}

/* The whole message as the rules see it (after any filter), for builtins
 * that stream it (the MIME walk). */
static ssize_t
host_read(void *ctx, void *buf, size_t n, size_t off)
{
    struct host *h = ctx;

    return message_pread(&h->d->msg, buf, n, off);
}

int
host_run(struct host *h, const struct rl_program *sys, const struct rl_program *user,
         const struct rl_limits *lim, const struct rl_trace *trace,
         struct action_list *out, struct status *st)
{
    struct delivery *d = h->d;
    struct rl_host rh;
    struct rl_msg msg;

    status_ok(st);
    memset(&rh, 0, sizeof rh);
    rh.ctx = h;
    rh.log = host_log;
    rh.filter = h->run_filters ? host_filter : NULL;
    rh.module = hostsvc_module;      /* lda/resp/hostsvc.c */
    rh.setting = host_setting;
    rh.dnsbl = host_dnsbl;
    memset(&msg, 0, sizeof msg);
    set_view(&msg, d);
    msg.get_body = host_body;
    msg.body_ctx = h;
    msg.read = host_read;
    msg.read_ctx = h;
    {
        const char *fl = h->from_line ? h->from_line : d->msg.from_line;
        free(h->from_seen);
        h->from_seen = fl ? xstrdup(fl) : NULL;
        msg.from_line = h->from_seen;
    }
    msg.envelope_from = d->sender;
    msg.envelope_to = d->recipient;
    msg.user = d->user;
    msg.home = d->home;
    msg.extension = delivery_getenv(d, "EXTENSION");
    msg.client = d->client;
    msg.relays = (const char *const *)d->relays;
    msg.nrelays = d->nrelays;
    msg.env = (const char *const *)(d->env ? d->env : environ);
    h->body_loaded = 0;
    dupe_pending_free(&d->dupes);      /* this message's duplicate keys */
    {
        int rc = rl_run_chain(sys, user, &msg, &rh, lim, out, trace, st);

        host_dns_free(h);       /* the cache is closed before the commit */
        return rc < 0 ? -1 : 0;
    }
}

/* ------------------------------------------------------------------ */
/* Envelope                                                            */
/* ------------------------------------------------------------------ */

static char *
strip_angles(const char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
        return xstrndup(s + 1, n - 2);
    return xstrndup(s, n);
}

/* The client and the untrusted relays (client.h) into d. */
static void
host_client(struct delivery *d, enum host_origin origin)
{
    const struct weir_config *cfg = d->cfg;
    struct client_net *nets = NULL;
    struct client_in in;
    struct client_out out;
    struct mp_header hp;
    size_t nnets = cfg ? cfg->ntrusted_relays : 0;
    char text[NA_TEXT_MAX];

    free(d->client);
    d->client = NULL;
    for (size_t i = 0; i < d->nrelays; i++)
        free(d->relays[i]);
    free(d->relays);
    d->relays = NULL;
    d->nrelays = 0;
    d->client_source = client_source_name(CLIENT_NONE);
    if (nnets) {
        nets = xcalloc(nnets, sizeof *nets);
        for (size_t i = 0; i < nnets; i++) {
            nets[i].family = cfg->trusted_relays[i].family;
            memcpy(nets[i].addr, cfg->trusted_relays[i].addr, sizeof nets[i].addr);
            nets[i].prefix = cfg->trusted_relays[i].prefix;
            nets[i].negate = cfg->trusted_relays[i].negate;
        }
    }
    mp_header_parse(d->msg.header ? d->msg.header : "", d->msg.header ? d->msg.header_len : 0,
                    &hp);
    memset(&in, 0, sizeof in);
    in.arg = d->client_arg;
    if (origin == HOST_FROM_MTA || d->env) {
        in.env_client_address = delivery_getenv(d, "CLIENT_ADDRESS");
        in.env_sender_host_address = delivery_getenv(d, "SENDER_HOST_ADDRESS");
    }
    in.header = &hp;
    in.trusted = nets;
    in.ntrusted = nnets;
    client_find(&in, &out);
    if (out.bad_arg)
        msg_warn("client address '%.64s' (-i/--client) is not an IP address: ignored",
                 d->client_arg);
    if (out.source != CLIENT_NONE) {
        d->client = xstrdup(out.text);
        d->client_source = client_source_name(out.source);
    }
    if (out.nrelays) {
        d->relays = xcalloc(out.nrelays, sizeof *d->relays);
        for (size_t i = 0; i < out.nrelays; i++)
            d->relays[d->nrelays++] = xstrdup(na_format(&out.relays[i], text));
    }
    mp_header_free(&hp);
    free(nets);
}

void
host_envelope(struct delivery *d, enum host_origin origin, const char *from_line)
{
    const char *env;
    char *v;

    free(d->sender);
    free(d->recipient);
    if (d->sender_arg)
        d->sender = strip_angles(d->sender_arg);
    else if (from_line && (v = message_parse_from_line(from_line)) != NULL)
        d->sender = v;
    else if (d->msg.from_sender)
        d->sender = xstrdup(d->msg.from_sender);
    else if ((v = message_header_first(&d->msg, "Return-Path")) != NULL) {
        d->sender = strip_angles(v);
        free(v);
    } else if ((origin == HOST_FROM_MTA || d->env) && (env = delivery_getenv(d, "SENDER")) != NULL)
        d->sender = xstrdup(env);
    else
        d->sender = xstrdup("");

    if (d->recipient_arg)
        d->recipient = strip_angles(d->recipient_arg);
    else if ((origin == HOST_FROM_MTA || d->env) &&
             (env = delivery_getenv(d, "RECIPIENT")) != NULL && *env)
        d->recipient = xstrdup(env);
    else if (origin == HOST_FROM_SAVED &&
             (v = message_header_first(&d->msg, "Delivered-To")) != NULL) {
        d->recipient = strip_angles(v);
        free(v);
    } else
        d->recipient = xstrdup(d->user);
    host_client(d, origin);
}
