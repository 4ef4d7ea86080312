/*
 * delivery.c -- one delivery (see delivery.h).
 *
 * Envelope sender: -f, else the From_ line (exact), else Return-Path,
 * else $SENDER (sanitised by Postfix, so last), else "".
 * Recipient: -a, else $RECIPIENT, else the user's login name.
 * Home: $HOME when weir runs without elevated privileges and it is an
 * absolute path; otherwise the password entry.  (A setgid weir trusts only
 * the password file.)
 */
#include "config.h"
#include "delivery.h"
#include "log.h"
#include "maildir.h"
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
}

void
delivery_free(struct delivery *d)
{
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
    char *path = config_path(cfg->user_config, d->home);

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
        path = config_path(cfg->logging.user_log_file, d->home);
        log_open("weir", d->log_dests | LOG_DEST_FILE, path);
        free(path);
    }
    d->limits.size_max = cfg->limits.message_size;
    d->limits.mem_max = cfg->limits.memory_spool;
    d->limits.header_max = cfg->limits.header_size;
    d->limits.spool_dir = cfg->temp_dir;
}

int
delivery_run(struct delivery *d, int fd, struct status *st)
{
    struct weir_config defaults;
    char *msgid, *mbox;
    size_t n;
    int rc = -1;

    status_ok(st);
    if (d->cfg == NULL) {
        config_defaults(&defaults);
        d->cfg = &defaults;
    }
    if (find_user(d, st) < 0)
        goto out;
    /* A user editing rules holds mail with ~/.weir/hold: before anything
     * of theirs is read. */
    if (trust_hold(d->cfg->hold_file, d->home, st) < 0) {
        msg_info("to=<%s> status=deferred (%s %s)", d->user, st->code, st->text);
        goto out;
    }
    apply_config(d);
    if (message_read(&d->msg, fd, &d->limits, st) < 0) {
        msg_warn("message not accepted: %s %s", st->code, st->text);
        goto out;
    }
    find_envelope(d);
    /* This engine delivers the default mailbox as a Maildir; mbox and MH
     * default mailboxes come with the folder engine. */
    mbox = config_path(d->cfg->default_mailbox, d->home);
    n = strlen(mbox);
    while (n > 1 && mbox[n - 1] == '/')
        mbox[--n] = '\0';
    d->default_mailbox = mbox;

    /* No rules yet: implicit keep into the default mailbox. */
    if (maildir_deliver(d->default_mailbox, &d->msg, &d->delivered_to, st) < 0) {
        msg_warn("from=<%s> to=<%s> size=%zu status=deferred (%s %s)", d->sender,
                 d->recipient, d->msg.len, st->code, st->text);
        goto out;
    }
    msgid = message_header_first(&d->msg, "Message-ID");
    msg_info("from=<%s> to=<%s> message-id=%s size=%zu action=keep folder=%s/ file=%s",
             d->sender, d->recipient, msgid ? msgid : "-", d->msg.len,
             d->default_mailbox, d->delivered_to);
    free(msgid);
    rc = 0;
out:
    if (d->cfg == &defaults) {
        config_free(&defaults);
        d->cfg = NULL;
    }
    return rc;
}
