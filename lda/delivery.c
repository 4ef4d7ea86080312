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
#include "actions.h"
#include "commit.h"
#include "lock.h"
#include "log.h"
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
    if (env_home && env_home[0] == '/' && getuid() == geteuid() &&
        getgid() == getegid())
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

int
delivery_prepare(struct delivery *d, int fd, struct status *st)
{
    status_ok(st);
    if (find_user(d, st) < 0)
        return -1;
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
    struct action_list none;
    int rc;

    if (delivery_prepare(d, fd, st) < 0)
        return -1;
    /* No rules yet: implicit keep into the default mailbox. */
    actions_init(&none);
    rc = commit_run(d, &none, st);
    actions_free(&none);
    return rc;
}
