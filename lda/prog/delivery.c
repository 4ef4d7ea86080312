/*
 * delivery.c -- one delivery (see delivery.h).
 *
 * Entry points: delivery_init(), delivery_find_user(),
 * delivery_configure(), delivery_read_message(), delivery_child_env(),
 * delivery_free().  The order they are called in (the hold file between
 * the user and the configuration) is lda/prog/flow.c's; the envelope is
 * lda/prog/host.c's.
 *
 * Home: $HOME when weir runs without elevated privileges and it is an
 * absolute path; otherwise the password entry.  (A setgid weir, or one
 * switched by -d, trusts only the password file: priv_env_trusted().)
 */
#include "config.h"
#include "delivery.h"
#include "dupe.h"
#include "child.h"
#include "lock.h"
#include "log.h"
#include "rl.h"
#include "priv.h"
#include "util.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* weir.yaml's built-in defaults, made once and kept for the process (the
 * delivery's settings borrow its strings). */
static const struct weir_config *
builtin_config(void)
{
    static struct weir_config c;
    static int made;

    if (!made) {
        config_defaults(&c);
        made = 1;
    }
    return &c;
}

/* The delivery engine's settings from a configuration. */
static void
apply_config(struct delivery *d, const struct weir_config *cfg)
{
    d->limits.size_max = cfg->limits.message_size;
    d->limits.mem_max = cfg->limits.memory_spool;
    d->limits.header_max = cfg->limits.header_size;
    d->limits.spool_dir = cfg->temp_dir;
    d->maildir_root = cfg->maildir_root;
    d->mail_root = cfg->mail_root;
    d->spool_dir = cfg->spool_dir;
    d->append_dir = cfg->append_dir;
    d->sendmail = cfg->sendmail;
    d->lock_wait_sec = (cfg->lock_wait_ms + 999) / 1000;
    d->lock_stale_sec = (cfg->lock_stale_ms + 999) / 1000;
}

void
delivery_init(struct delivery *d)
{
    memset(d, 0, sizeof *d);
    d->msg.fd = -1;
    apply_config(d, builtin_config());
}

void
delivery_free(struct delivery *d)
{
    rl_program_free(d->prog_sys);
    rl_program_free(d->prog_user);
    if (d->cfg_owned) {
        config_free(d->cfg);
        free(d->cfg);
    }
    message_free(&d->msg);
    free(d->sender);
    free(d->recipient);
    free(d->client);
    for (size_t i = 0; i < d->nrelays; i++)
        free(d->relays[i]);
    free(d->relays);
    free(d->user);
    free(d->home);
    free(d->default_mailbox);
    free(d->delivered_to);
    dupe_pending_free(&d->dupes);
    memset(d, 0, sizeof *d);
    d->msg.fd = -1;
}

int
delivery_find_user(struct delivery *d, struct status *st)
{
    struct passwd *pw;
    const char *env_home = getenv("HOME");

    errno = 0;
    pw = getpwuid(getuid());
    if (pw == NULL) {
        status_set(st, "4.3.0", "no password entry for uid %ld%s", (long)getuid(),
                   errno ? "" : " (lookup failed)");
        return -1;
    }
    d->user = xstrdup(pw->pw_name);
    if (env_home && env_home[0] == '/' && priv_env_trusted())
        d->home = xstrdup(env_home);
    else
        d->home = xstrdup(pw->pw_dir);
    return 0;
}

void
delivery_configure(struct delivery *d, int open_log)
{
    struct weir_config *cfg;
    struct buf err = BUF_INIT;
    char *path;

    if (d->cfg == NULL) {
        d->cfg = xmalloc(sizeof *d->cfg);
        config_defaults(d->cfg);
        d->cfg_owned = 1;
    }
    cfg = d->cfg;
    path = home_path(cfg->user_config, d->home);

    if (config_load(cfg, path, 1, &err) < 0) {
        for (char *line = err.data, *nl; line && (nl = strchr(line, '\n')); line = nl + 1) {
            *nl = '\0';
            msg_warn("%s", line);
        }
        msg_warn("%s ignored: built-in and system settings apply", path);
    }
    free(path);
    buf_free(&err);
    if (open_log && cfg->logging.user_log) {
        path = home_path(cfg->logging.user_log_file, d->home);
        log_open("weir", d->log_dests | LOG_DEST_FILE, path);
        free(path);
    }
    /* A caller without a configuration (a test driver) keeps the
     * settings it made itself. */
    if (!d->cfg_owned)
        apply_config(d, cfg);
    if (d->default_mailbox == NULL)
        d->default_mailbox = xstrdup(cfg->default_mailbox);
}

int
delivery_read_message(struct delivery *d, int fd, struct status *st)
{
    message_free(&d->msg);
    memset(&d->msg, 0, sizeof d->msg);
    d->msg.fd = -1;
    return message_read(&d->msg, fd, &d->limits, st);
}

long long
delivery_child_deadline(struct delivery *d)
{
    if (d->child_deadline_ms == 0) {
        unsigned ms = d->cfg ? d->cfg->child_timeout_ms : CHILD_TIMEOUT_DEFAULT * 1000u;

        d->child_deadline_ms = child_now_ms() + (long long)ms;
    }
    return d->child_deadline_ms;
}

const char *
delivery_getenv(const struct delivery *d, const char *name)
{
    size_t n = strlen(name);

    if (d->env == NULL)
        return getenv(name);
    for (char *const *e = d->env; *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

void
delivery_child_env(const struct delivery *d, struct child_env *env)
{
    child_env_init(env);
    child_env_set(env, "HOME", d->home);
    child_env_set(env, "USER", d->user);
    child_env_set(env, "LOGNAME", d->user);
    /* Envelope values reach programs sanitised (as Postfix passes them);
     * the rules keep the exact ones (${sender}, ${recipient}).  The MTA's
     * own variables are sanitised again: not every MTA does it. */
    static const char *const from_mta[] = {
        "ORIGINAL_RECIPIENT", "EXTENSION", "LOCAL", "DOMAIN", "CLIENT_HOSTNAME",
        "CLIENT_HELO", "CLIENT_ADDRESS", "CLIENT_PROTOCOL", "SENDER_HOST_ADDRESS", NULL
    };

    for (const char *const *n = from_mta; *n; n++) {
        const char *v = delivery_getenv(d, *n);

        if (v)
            child_env_set_safe(env, *n, v);
    }
    child_env_set_safe(env, "SENDER", d->sender ? d->sender : "");
    child_env_set_safe(env, "RECIPIENT", d->recipient ? d->recipient : "");
}
