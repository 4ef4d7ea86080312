/*
 * delivery.c -- one delivery (see delivery.h).
 *
 * Envelope sender: -f, else the From_ line (exact), else Return-Path,
 * else $SENDER (sanitised by Postfix, so last), else "".
 * Recipient: -a, else $RECIPIENT, else the user's login name.
 * Home: $HOME when weir runs without elevated privileges and it is an
 * absolute path; otherwise the password entry.  (A setgid weir, or one
 * switched by -d, trusts only the password file: priv_env_trusted().)
 *
 * Order (weir(1), PRIVILEGES): the user, then the hold file (before
 * anything of the user's is read), then ~/.weir/config.yaml (ignored with
 * a log line when broken), then the message, then the rules
 * (lda/rules.c), then the commit.
 */
#include "config.h"
#include "delivery.h"
#include "actions.h"
#include "child.h"
#include "commit.h"
#include "lock.h"
#include "log.h"
#include "rules.h"
#include "rl.h"
#include "priv.h"
#include "trust.h"
#include "util.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
delivery_init(struct delivery *d)
{
    memset(d, 0, sizeof *d);
    d->msg.fd = -1;
    message_limits_default(&d->limits);
    d->maildir_root = DELIVERY_MAILDIR_ROOT;
    d->mail_root = DELIVERY_MAIL_ROOT;
    d->spool_dir = DELIVERY_SPOOL_DIR;
    d->append_dir = DELIVERY_APPEND_DIR;
    d->sendmail = DELIVERY_SENDMAIL;
    d->lock_wait_sec = LOCK_WAIT_SEC_DEFAULT;
    d->lock_stale_sec = DOTLOCK_STALE_SEC_DEFAULT;
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
    free(d->user);
    free(d->home);
    free(d->default_mailbox);
    free(d->delivered_to);
    memset(d, 0, sizeof *d);
    d->msg.fd = -1;
}

static char *
strip_angles(const char *s)
{
    size_t n = strlen(s);

    while (*s == ' ' || *s == '\t')
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
        return xstrndup(s + 1, n - 2);
    return xstrndup(s, n);
}

static int
find_user(struct delivery *d, struct status *st)
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

static void
find_envelope(struct delivery *d)
{
    const char *env;
    char *rp;

    if (d->sender_arg)
        d->sender = strip_angles(d->sender_arg);
    else if (d->msg.from_sender)
        d->sender = xstrdup(d->msg.from_sender);
    else if ((rp = message_header_first(&d->msg, "Return-Path")) != NULL) {
        d->sender = strip_angles(rp);
        free(rp);
    } else if ((env = getenv("SENDER")) != NULL)
        d->sender = xstrdup(env);
    else
        d->sender = xstrdup("");

    if (d->recipient_arg)
        d->recipient = strip_angles(d->recipient_arg);
    else if ((env = getenv("RECIPIENT")) != NULL && *env)
        d->recipient = xstrdup(env);
    else
        d->recipient = xstrdup(d->user);
}

/* The user's part of the configuration: ~/.weir/config.yaml (ignored with
 * a log line when broken), then the values the delivery uses. */
static void
apply_config(struct delivery *d)
{
    struct weir_config *cfg = d->cfg;
    struct buf err = BUF_INIT;
    char *path = home_path(cfg->user_config, d->home);

    if (config_load(cfg, path, 1, &err) < 0) {
        for (char *line = err.data, *nl; line && (nl = strchr(line, '\n')); line = nl + 1) {
            *nl = '\0';
            msg_warn("%s", line);
        }
        msg_warn("%s ignored: built-in and system settings apply", path);
    }
    free(path);
    buf_free(&err);
    if (cfg->logging.user_log) {
        path = home_path(cfg->logging.user_log_file, d->home);
        log_open("weir", d->log_dests | LOG_DEST_FILE, path);
        free(path);
    }
    /* A caller without a configuration (a test driver) keeps the
     * settings it made itself. */
    if (d->cfg_owned)
        return;
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
    if (d->default_mailbox == NULL)
        d->default_mailbox = xstrdup(cfg->default_mailbox);
}

int
delivery_prepare(struct delivery *d, int fd, struct status *st)
{
    status_ok(st);
    if (d->cfg == NULL) {
        d->cfg = xmalloc(sizeof *d->cfg);
        config_defaults(d->cfg);
        d->cfg_owned = 1;
    }
    if (find_user(d, st) < 0)
        return -1;
    /* A user editing rules holds mail with ~/.weir/hold: checked before
     * anything of theirs is read. */
    if (trust_hold(d->cfg->hold_file, d->home, st) < 0) {
        msg_info("to=<%s> status=deferred (%s %s)", d->user, st->code, st->text);
        return -1;
    }
    apply_config(d);
    if (message_read(&d->msg, fd, &d->limits, st) < 0) {
        msg_warn("message not accepted: %s %s", st->code, st->text);
        return -1;
    }
    find_envelope(d);
    if (d->default_mailbox == NULL)
        d->default_mailbox = xstrdup(DELIVERY_DEFAULT_MAILBOX);
    return 0;
}

int
delivery_run(struct delivery *d, int fd, struct status *st)
{
    struct action_list actions;
    int rc;

    if (delivery_prepare(d, fd, st) < 0)
        return -1;
    actions_init(&actions);
    /* The rules decide (lda/rules.h); -1 means a filter program failed:
     * a temporary failure with nothing delivered. */
    if (rules_run(d, &actions, st) < 0) {
        msg_warn("to=<%s> status=deferred (%s %s)", d->user, st->code, st->text);
        actions_free(&actions);
        return -1;
    }
    if (actions_enforce_final(&actions) > 0)
        msg_info("to=<%s> the system rules' final decision overrides some of the user's actions",
                 d->user);
    if (rules_apply_header_edits(d, &actions, st) < 0) {
        msg_warn("to=<%s> status=deferred (%s %s)", d->user, st->code, st->text);
        actions_free(&actions);
        return -1;
    }
    rc = commit_run(d, &actions, st);
    actions_free(&actions);
    return rc;
}

void
delivery_child_env(const struct delivery *d, struct child_env *env)
{
    child_env_init(env);
    child_env_set(env, "HOME", d->home);
    child_env_set(env, "USER", d->user);
    child_env_set(env, "LOGNAME", d->user);
    child_env_set(env, "SENDER", d->sender);
    child_env_set(env, "RECIPIENT", d->recipient);
}
