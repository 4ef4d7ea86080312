/*
 * rules.c -- load the system and user rulesets and run them (see rules.h).
 *
 * Entry points: rules_run() for a delivery, rules_load() for one ruleset,
 * rules_limits().  rules_run() returns 0 (the decision is in *out, maybe
 * empty: implicit keep), or -1 with a temporary *st when a filter failed.
 *
 * The host side of the VM lives here too: log lines, the message body on
 * demand, and `filter` (the program runs through child_run(); its output,
 * read through the normal intake, replaces the message).
 *
 * SECURITY: a rule file decides where mail goes and which programs run.
 * It is opened only through trust_open() (owner, modes, every directory
 * on the path), includes too; a cached program is used only after every
 * source file it was built from passes the same check.  System rules must
 * be owned by root, except when weir runs with no privilege to lose (not
 * setgid, not switched by -d): then the invoking user's own files are
 * accepted too, so tests and `weir -c` experiments work unprivileged.
 */
#include "config.h"
#include "rules.h"
#include "child.h"
#include "dynload.h"
#include "log.h"
#include "mailparse.h"
#include "priv.h"
#include "rulecache.h"
#include "trust.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

void
rules_limits(const struct weir_config *cfg, struct rl_limits *lim)
{
    rl_limits_default(lim);
    lim->steps = cfg->limits.vm_steps;
    lim->match_limit = cfg->limits.regex_match_limit;
    lim->depth_limit = cfg->limits.regex_depth_limit;
    lim->heap_limit = (uint32_t)(cfg->limits.regex_heap_limit / 1024);
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

struct trusted_reader {
    uid_t owner;
    size_t max;
};

static int
read_fd(int fd, size_t max, struct buf *out, char *err, size_t errlen)
{
    char tmp[8192];
    ssize_t n;

    while ((n = read_retry(fd, tmp, sizeof tmp)) > 0) {
        if (out->len + (size_t)n > max) {
            snprintf(err, errlen, "larger than %zu bytes", max);
            return -1;
        }
        buf_add(out, tmp, (size_t)n);
    }
    if (n < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    return 0;
}

/* rl_reader for `include`: the same trust check as the main file. */
static int
read_trusted(void *ctx, const char *path, struct buf *out, char *err, size_t errlen)
{
    const struct trusted_reader *tr = ctx;
    struct buf why = BUF_INIT;
    int fd, rc = trust_open(path, tr->owner, &fd, &why);

    if (rc == TRUST_MISSING) {
        snprintf(err, errlen, "no such file");
        buf_free(&why);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "refused: %s", why.data ? why.data : "untrusted");
        buf_free(&why);
        return -1;
    }
    buf_free(&why);
    rc = read_fd(fd, tr->max, out, err, errlen);
    close(fd);
    return rc;
}

/* Every source a program was built from must still pass trust_open(). */
static int
sources_trusted(const struct rl_program *p, uid_t owner, struct buf *why)
{
    for (size_t i = 0; i < rl_program_nsources(p); i++) {
        int fd, rc = trust_open(rl_program_source(p, i), owner, &fd, why);

        if (rc == 0) {
            close(fd);
            continue;
        }
        if (rc == TRUST_MISSING)
            buf_printf(why, "%s: no such file", rl_program_source(p, i));
        return -1;
    }
    return 0;
}

static void
log_diags(const struct rl_diags *diags)
{
    struct buf out = BUF_INIT;

    rl_diags_format(diags, &out);
    for (char *line = out.data, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (*line)
            msg_warn("%s", line);
        if (nl == NULL)
            break;
    }
    buf_free(&out);
}

enum rules_load
rules_load(const char *path, uid_t owner, const char *cache_dir, int store,
           const struct rl_limits *lim, struct rl_program **prog)
{
    struct trusted_reader tr = { owner, lim->source_max };
    struct rl_reader reader = { read_trusted, &tr };
    struct buf why = BUF_INIT, src = BUF_INIT;
    struct rl_diags diags;
    struct status st;
    char err[128];
    int fd, rc;

    *prog = NULL;
    rc = trust_open(path, owner, &fd, &why);
    if (rc == TRUST_MISSING) {
        buf_free(&why);
        return RULES_MISSING;
    }
    if (rc != 0) {
        msg_warn("rules refused: %s", why.data ? why.data : path);
        buf_free(&why);
        return RULES_REFUSED;
    }

    if (cache_dir) {
        char *file = rulecache_file(cache_dir, path);
        struct rl_program *p = NULL;

        if (rulecache_load(file, lim, &p, &st) == 0) {
            if (sources_trusted(p, owner, &why) == 0) {
                free(file);
                close(fd);
                buf_free(&why);
                *prog = p;
                return RULES_LOADED;
            }
            msg_warn("rules refused: %s", why.data ? why.data : path);
            rl_program_free(p);
            free(file);
            close(fd);
            buf_free(&why);
            return RULES_REFUSED;
        }
        if (strstr(st.text, "No such file") == NULL)
            msg_info("%s (compiling %s again)", st.text, path);
        free(file);
    }

    if (read_fd(fd, lim->source_max, &src, err, sizeof err) < 0) {
        msg_warn("rules %s not used: %s", path, err);
        close(fd);
        buf_free(&src);
        buf_free(&why);
        return RULES_BROKEN;
    }
    close(fd);
    rl_diags_init(&diags);
    *prog = rl_compile(path, src.data ? src.data : "", src.len, &reader, lim, &diags);
    buf_free(&src);
    log_diags(&diags);
    rl_diags_free(&diags);
    if (*prog == NULL) {
        msg_warn("rules %s not used: they do not compile (weir check %s)", path, path);
        buf_free(&why);
        return RULES_BROKEN;
    }
    if (cache_dir && store && rulecache_store(cache_dir, path, *prog, &st) < 0)
        msg_info("%s", st.text);
    buf_free(&why);
    return RULES_LOADED;
}

/* ------------------------------------------------------------------ */
/* Running: the host                                                   */
/* ------------------------------------------------------------------ */

struct host_ctx {
    struct delivery *d;
    struct buf body;
    int body_loaded;
};

static void
host_log(void *ctx, enum rl_log_level level, const char *text)
{
    (void)ctx;
    if (level == RL_LOG_WARN)
        msg_warn("%s", text);
    else
        msg_info("%s", text);
}

/* The body as body tests see it: the first limits.body_scan bytes after
 * the header.  A message held in memory is not copied; a spooled one is
 * read once, up to the limit, so a huge attachment never has to be in
 * memory for a body rule. */
static int
host_body(void *ctx, const char **body, size_t *len)
{
    struct host_ctx *h = ctx;
    const struct message *m = &h->d->msg;
    size_t off = m->header_len < m->len ? m->header_len : m->len;
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
set_view(struct rl_msg *msg, struct delivery *d)
{
    msg->header = d->msg.header;
    msg->header_len = d->msg.header_len;
    msg->size = d->msg.len;
}

#define RULES_COPY_CHUNK (64u * 1024)

/* An unlinked temporary file in dir, for a filter's output. */
static int
temp_fd(const char *dir)
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

static int
host_filter(void *ctx, const char *command, struct rl_msg *msg, struct status *st)
{
    struct child_input in;
    struct host_ctx *h = ctx;
    struct delivery *d = h->d;
    const struct weir_config *cfg = d->cfg;
    struct child_env env;
    struct child_spec spec;
    struct buf out = BUF_INIT;
    struct message m;
    int fd, rc;

    delivery_child_env(d, &env);
    memset(&spec, 0, sizeof spec);
    spec.command = command;
    spec.env = child_env_list(&env);
    spec.timeout_sec = (cfg->child_timeout_ms + 999) / 1000;
    spec.out_max = cfg->limits.message_size;
    message_input(&d->msg, &in);
    rc = child_run(&spec, &in, &out, NULL, st);
    child_env_free(&env);
    if (rc < 0) {
        buf_free(&out);
        return -1;
    }
    if (out.len == 0) {
        status_set(st, "4.3.0", "filter '%s' produced no output", command);
        buf_free(&out);
        return -1;
    }
    fd = temp_fd(cfg->temp_dir);
    if (fd < 0 || write_all(fd, out.data, out.len) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        status_errno(st, "4.3.0", errno, "filter '%s': cannot keep its output in %s",
                     command, cfg->temp_dir);
        if (fd >= 0)
            close(fd);
        buf_free(&out);
        return -1;
    }
    buf_free(&out);
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
    msg_info("filter '%s': message replaced (%zu bytes)", command, d->msg.len);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Running: the chain                                                  */
/* ------------------------------------------------------------------ */

int
rules_run(struct delivery *d, struct action_list *out, struct status *st)
{
    const struct weir_config *cfg = d->cfg;
    struct rl_limits lim;
    struct rl_program *sys = NULL, *user = NULL;
    struct host_ctx h;
    struct rl_host host;
    struct rl_msg msg;
    enum rules_load how;
    char *upath, *ucache;
    uid_t sys_owner = priv_env_trusted() ? getuid() : 0;
    int rc = 0;

    status_ok(st);
    /* Programs of an earlier run on this delivery (tests run several):
     * that run's action list, which borrowed from them, is gone by now. */
    rl_program_free(d->prog_sys);
    rl_program_free(d->prog_user);
    d->prog_sys = d->prog_user = NULL;
    rules_limits(cfg, &lim);

    how = rules_load(cfg->system_rules, sys_owner, cfg->system_cache_dir, 0, &lim, &sys);
    if (how == RULES_REFUSED || how == RULES_BROKEN) {
        msg_warn("system rules %s not run: no rules run for this message (implicit keep)",
                 cfg->system_rules);
        return 0;
    }
    upath = d->rules_arg ? xstrdup(d->rules_arg) : home_path(cfg->user_rules, d->home);
    ucache = home_path(cfg->user_cache_dir, d->home);
    how = rules_load(upath, getuid(), ucache, 1, &lim, &user);
    if (how == RULES_REFUSED || how == RULES_BROKEN)
        msg_warn("user rules %s not run (system rules only, then implicit keep)", upath);
    free(upath);
    free(ucache);
    if (sys == NULL && user == NULL)
        return 0;

    memset(&h, 0, sizeof h);
    h.d = d;
    memset(&host, 0, sizeof host);
    host.ctx = &h;
    host.log = host_log;
    host.filter = host_filter;
    host.module = dynload_api;
    memset(&msg, 0, sizeof msg);
    set_view(&msg, d);
    msg.get_body = host_body;
    msg.body_ctx = &h;
    msg.from_line = d->msg.from_line;
    msg.envelope_from = d->sender;
    msg.envelope_to = d->recipient;
    msg.user = d->user;
    msg.home = d->home;
    msg.extension = getenv("EXTENSION");
    msg.env = (const char *const *)environ;

    if (rl_run_chain(sys, user, &msg, &host, &lim, out, NULL, st) < 0)
        rc = -1;
    /* The actions borrow rule names and source files from the programs:
     * the delivery keeps them until it ends (delivery_free). */
    d->prog_sys = sys;
    d->prog_user = user;
    buf_free(&h.body);
    return rc;
}

int
rules_apply_header_edits(struct delivery *d, const struct action_list *l,
                         struct status *st)
{
    struct buf hdr = BUF_INIT, nb = BUF_INIT, chunk = BUF_INIT;
    struct message nm;
    size_t edits = 0, off;
    int fd, rc;

    status_ok(st);
    for (size_t i = 0; i < l->n; i++) {
        const struct action *a = &l->v[i];
        struct mp_header h;
        struct buf t;

        if (a->flags & ACT_F_SHADOW || (a->kind != ACT_HEADER_ADD &&
                                        a->kind != ACT_HEADER_SET &&
                                        a->kind != ACT_HEADER_REMOVE))
            continue;
        if (d->msg.header_truncated) {
            msg_warn("header edits not applied: the header is longer than limits.header_size");
            buf_free(&hdr);
            return 0;
        }
        if (edits++ == 0)
            buf_add(&hdr, d->msg.header, d->msg.header_len);
        mp_header_parse(hdr.data, hdr.len, &h);
        buf_reset(&nb);
        rl_header_edit(hdr.data, hdr.len, &h, a->kind, a->name, a->text ? a->text : "", &nb);
        mp_header_free(&h);
        t = hdr;
        hdr = nb;
        nb = t;
    }
    buf_free(&nb);
    if (edits == 0)
        return 0;
    /* The delivered message: the edited header, then the body as it was. */
    fd = temp_fd(d->cfg->temp_dir);
    rc = fd < 0 || write_all(fd, hdr.data, hdr.len) != 0 ? -1 : 0;
    buf_reserve(&chunk, RULES_COPY_CHUNK);
    for (off = d->msg.header_len; rc == 0 && off < d->msg.len;) {
        ssize_t n = message_pread(&d->msg, chunk.data, RULES_COPY_CHUNK, off);

        if (n <= 0 || write_all(fd, chunk.data, (size_t)n) != 0)
            rc = -1;
        else
            off += (size_t)n;
    }
    buf_free(&chunk);
    buf_free(&hdr);
    if (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)
        rc = -1;
    if (rc < 0) {
        status_errno(st, "4.3.0", errno, "cannot apply header edits in %s", d->cfg->temp_dir);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    memset(&nm, 0, sizeof nm);
    nm.fd = -1;
    rc = message_read(&nm, fd, &d->limits, st);
    close(fd);
    if (rc < 0) {
        message_free(&nm);
        return -1;
    }
    message_free(&d->msg);
    d->msg = nm;
    msg_info("%zu header edit%s applied to the delivered message", edits, edits == 1 ? "" : "s");
    return 0;
}
