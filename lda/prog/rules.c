/*
 * rules.c -- load the system and user rulesets and run them (see rules.h).
 *
 * Entry points: rules_run() for a delivery, rules_load() for one ruleset.
 * rules_run() returns 0 (the decision is in *out, maybe empty: implicit
 * keep), or -1 with a temporary *st when the system ruleset is broken or
 * refused (4.3.5: the mail is held) or a filter failed.
 *
 * The rules run through lda/prog/host.c (the message view, the body,
 * log lines, `filter`), the host `weir test` uses too.
 *
 * SECURITY: a rule file decides where mail goes and which programs run.
 * It is opened only through trust_open() (owner, modes, every directory
 * on the path), includes too; a cached program is used only if every
 * source file it names passes the same check, made before any of them is
 * read (the cache is the user's to tamper with); otherwise the rules are
 * compiled again.  System rules must
 * be owned by root, except when weir runs with no privilege to lose (not
 * setgid, not switched by -d): then the invoking user's own files are
 * accepted too, so tests and `weir -c` experiments work unprivileged.
 */
#include "config.h"
#include "rules.h"
#include "host.h"
#include "log.h"
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

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

struct trusted_reader {
    uid_t owner;
    size_t max;
    /* The rule file rules_load() opened (trust_open) moments ago: when a
     * cache names it as a source, its key is computed from this same open
     * file instead of checking and opening the path again (issue 17: 6
     * readlink + 6 stat + open per delivery). */
    const char *path;
    int fd;
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

/* rulecache_open_fn: a source a cache names is opened only through
 * trust_open(), like the rule file itself, before a byte of it is read. */
static int
open_trusted(void *ctx, const char *path, int *fd, struct buf *why)
{
    const struct trusted_reader *tr = ctx;
    int rc;

    if (tr->fd >= 0 && tr->path && strcmp(path, tr->path) == 0) {
        /* The file we checked and opened: read it from its start through
         * a duplicate (the caller closes *fd; the offset is shared, and
         * rules_load() rewinds before it compiles). */
        if (lseek(tr->fd, 0, SEEK_SET) == 0 && (*fd = fcntl(tr->fd, F_DUPFD_CLOEXEC, 0)) >= 0)
            return 0;
        buf_printf(why, "%s: %s", path, strerror(errno));
        return -1;
    }
    rc = trust_open(path, tr->owner, fd, why);
    if (rc == TRUST_MISSING)
        buf_printf(why, "%s: no such file", path);
    return rc;
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

/* The first error of a compile, on one line: "file:line:col: message". */
static void
first_error(const struct rl_diags *diags, struct buf *why)
{
    for (size_t i = 0; i < diags->n; i++) {
        const struct rl_diag *d = &diags->v[i];

        if (d->severity != RL_SEV_ERROR)
            continue;
        buf_printf(why, "%s:%d:%d: %s", d->file ? d->file : "?", d->line, d->col,
                   d->message ? d->message : "error");
        return;
    }
}

enum rules_load
rules_load(const char *path, uid_t owner, const char *cache_dir, int store,
           const struct rl_limits *lim, struct rl_program **prog, struct buf *first)
{
    struct trusted_reader tr = { owner, lim->source_max, NULL, -1 };
    struct rl_reader reader = { read_trusted, &tr };
    struct buf why = BUF_INIT, src = BUF_INIT;
    struct rl_diags diags;
    struct status st;
    char err[128];
    int fd, rc, rewound;

    *prog = NULL;
    rc = trust_open(path, owner, &fd, &why);
    if (rc == TRUST_MISSING) {
        buf_free(&why);
        return RULES_MISSING;
    }
    if (rc != 0) {
        msg_warn("rules refused: %s", why.data ? why.data : path);
        if (first)
            buf_printf(first, "refused: %s", why.data ? why.data : path);
        buf_free(&why);
        return RULES_REFUSED;
    }

    if (cache_dir) {
        char *file = rulecache_file(cache_dir, path);
        struct rl_program *p = NULL;

        tr.path = path;
        tr.fd = fd;
        if (rulecache_load_trusted(file, lim, open_trusted, &tr, &p, &st) == 0) {
            free(file);
            close(fd);
            buf_free(&why);
            *prog = p;
            return RULES_LOADED;
        }
        if (strstr(st.text, "No such file") == NULL)
            msg_info("%s (compiling %s again)", st.text, path);
        free(file);
        tr.path = NULL;     /* includes are checked and opened by path */
        tr.fd = -1;
    }

    /* The cache's key may have read fd already (open_trusted). */
    rewound = lseek(fd, 0, SEEK_SET) == 0;
    if (!rewound)
        snprintf(err, sizeof err, "%s", strerror(errno));
    if (!rewound || read_fd(fd, lim->source_max, &src, err, sizeof err) < 0) {
        msg_warn("rules %s not used: %s", path, err);
        if (first)
            buf_printf(first, "%s: %s", path, err);
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
    if (*prog == NULL && first)
        first_error(&diags, first);
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
/* Running: the chain                                                  */
/* ------------------------------------------------------------------ */

int
rules_run(struct delivery *d, struct action_list *out, struct status *st)
{
    const struct weir_config *cfg = d->cfg;
    struct rl_limits lim;
    struct rl_program *sys = NULL, *user = NULL;
    struct buf why = BUF_INIT;
    struct host h;
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
    host_limits(cfg, &lim);

    /* A broken or refused system ruleset holds the mail, as a broken
     * weir.yaml does: delivering without the administrator's policy
     * (a quarantine, a final discard) would turn it off silently. */
    how = rules_load(cfg->system_rules, sys_owner, cfg->system_cache_dir, 0, &lim, &sys,
                     &why);
    if (how == RULES_REFUSED || how == RULES_BROKEN) {
        status_set(st, "4.3.5", "system rules %s not usable, mail held: %s",
                   cfg->system_rules, why.data ? why.data : "see the log");
        buf_free(&why);
        return -1;
    }
    buf_free(&why);
    upath = d->rules_arg ? xstrdup(d->rules_arg) : home_path(cfg->user_rules, d->home);
    ucache = home_path(cfg->user_cache_dir, d->home);
    how = rules_load(upath, getuid(), ucache, 1, &lim, &user, NULL);
    if (how == RULES_REFUSED || how == RULES_BROKEN)
        msg_warn("user rules %s not run (system rules only, then implicit keep)", upath);
    free(upath);
    free(ucache);
    if (sys == NULL && user == NULL)
        return 0;

    host_init(&h, d);
    if (host_run(&h, sys, user, &lim, NULL, out, st) < 0)
        rc = -1;
    host_free(&h);
    /* The actions borrow rule names and source files from the programs:
     * the delivery keeps them until it ends (delivery_free). */
    d->prog_sys = sys;
    d->prog_user = user;
    return rc;
}
