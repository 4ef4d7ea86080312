/*
 * commit.c -- execute a commit plan (see commit.h; the plan is made in
 * commit_plan.c).
 *
 * Entry points: commit_execute(), commit_run().  Header edits are applied
 * to the message first.  Prepare: Maildir and MH targets first in rule
 * order, then mboxes sorted by path (so two deliveries never wait on each
 * other's locks in opposite orders).  Commit: Maildir and MH (link into
 * new/, give the MH number), then mboxes (remove the append record,
 * unlock).  Then pipe and forward (lda/sys/child.h), which cannot be
 * taken back, then replies and fake bounces (lda/resp/respond.h).  A failure anywhere brings in the default mailbox (the
 * plan named it); a failure of the default mailbox aborts every
 * transaction (mboxes truncated back, tmp files removed, committed
 * Maildir/MH files unlinked) and defers the message -- unless something
 * that cannot be taken back (a committed mbox, a program that ran)
 * already has the message: then the failure is logged and the message
 * is not deferred (a retry would file a second copy there).  The order
 * (revocable Maildir/MH commits, then mboxes, then programs) puts what
 * cannot be undone last.  Nothing here
 * decides what a rule meant: every refusal and fallback that can be
 * known before the first write is the plan's.
 *
 * SECURITY: only folders the plan resolved (folder_resolve()) are
 * written; mailboxes are opened by the delivery modules with O_NOFOLLOW
 * and ownership checks.  Pipe commands and forward addresses reach a
 * shell or argv only when the plan accepted them (never ACT_F_TAINTED).
 */
#include "config.h"
#include "commit.h"
#include "dupe.h"
#include "child.h"
#include "host.h"
#include "lock.h"
#include "log.h"
#include "mailparse.h"
#include "maildir.h"
#include "mbox.h"
#include "mh.h"
#include "rl.h"
#include "undo.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define COMMIT_COPY_CHUNK (64u * 1024)  /* bytes per read when rewriting */

/* ------------------------------------------------------------------ */
/* Execution: targets                                                  */
/* ------------------------------------------------------------------ */

enum tstate { T_NEW, T_PREPARED, T_COMMITTED, T_FAILED };

struct target {
    const struct action *a;     /* NULL for the default mailbox */
    const struct folder *f;     /* the plan's */
    enum tstate state;
    struct maildir_txn md;
    struct mh_txn mh;
    struct mbox_txn mb;
};

struct ctx {
    struct delivery *d;
    const struct commit_plan *p;
    struct target *t;
    size_t n;
    long deflt;                 /* index of the default mailbox, or -1 */
    struct mbox_opts mo;
    struct buf log;
    int committing;             /* in the commit phase */
    const char *irrevocable;    /* the first delivery that cannot be taken
                                   back (a committed mbox, a program that
                                   ran), or NULL: once set, a failure no
                                   longer defers (see commit_execute) */
};

static void
log_where(struct buf *b, const struct action *a)
{
    if (a && a->file)
        buf_printf(b, " (%s:%d)", a->file, a->line);
    else if (a && a->line)
        buf_printf(b, " (line %d)", a->line);
}

static void
log_action(struct ctx *c, const struct action *a, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
log_action(struct ctx *c, const struct action *a, const char *fmt, ...)
{
    va_list ap;

    buf_adds(&c->log, "; ");
    if (a) {
        buf_printf(&c->log, "%s%s", (a->flags & ACT_F_SHADOW) ? "shadow " : "",
                   actions_kind_name(a->kind));
        if (a->flags & ACT_F_COPY)
            buf_adds(&c->log, " :copy");
        if (a->target)
            buf_printf(&c->log, " \"%s\"", a->target);
        log_where(&c->log, a);
    } else {
        buf_adds(&c->log, "keep");
    }
    {
        struct buf tail = BUF_INIT;

        va_start(ap, fmt);
        buf_vprintf(&tail, fmt, ap);
        va_end(ap);
        if (tail.len)
            buf_printf(&c->log, " %s", tail.data);
        buf_free(&tail);
    }
}

static char *
expand(const char *s, const char *home)
{
    if (s[0] == '~' && (s[1] == '/' || s[1] == '\0'))
        return xasprintf("%s%s", home, s + 1);
    return xstrdup(s);
}

static const char *
target_file(const struct target *t)
{
    switch (t->f->type) {
    case FOLDER_MAILDIR: return t->md.path ? t->md.path : t->f->path;
    case FOLDER_MH: return t->mh.path ? t->mh.path : t->f->path;
    case FOLDER_MBOX: return t->f->path;
    }
    return t->f->path;
}

static int
t_prepare(struct ctx *c, struct target *t, struct status *st)
{
    int rc;

    if (folder_make_parents(t->f, st) < 0) {
        t->state = T_FAILED;
        return -1;
    }
    switch (t->f->type) {
    case FOLDER_MAILDIR:
        rc = maildir_prepare(&t->md, t->f->path, &c->d->msg, st);
        break;
    case FOLDER_MH:
        rc = mh_prepare(&t->mh, t->f->path, &c->d->msg, st);
        break;
    case FOLDER_MBOX: {
        char *dir = xstrdup(t->f->path), *slash = strrchr(dir, '/');

        if (slash)
            *slash = '\0';
        /* The mail group serves only the user's own spool file
         * (<spool>/<login>, as `lockfile -ml`): with it, any user could
         * lock (and so block) another user's spool mailbox. */
        c->mo.spool = slash && c->d->spool_dir && strcmp(dir, c->d->spool_dir) == 0 &&
                      c->d->user && strcmp(slash + 1, c->d->user) == 0;
        free(dir);
        rc = mbox_prepare(&t->mb, t->f->path, &c->d->msg, &c->mo, st);
        break;
    }
    default:
        rc = -1;
        status_set(st, "4.3.0", "unknown folder type");
    }
    t->state = rc == 0 ? T_PREPARED : T_FAILED;
    return rc;
}

static int
t_commit(struct target *t, struct status *st)
{
    int rc = -1;

    switch (t->f->type) {
    case FOLDER_MAILDIR:
        rc = maildir_commit(&t->md, st);
        break;
    case FOLDER_MH:
        rc = mh_commit(&t->mh, st);
        break;
    case FOLDER_MBOX:
        rc = mbox_commit(&t->mb, st);
        if (rc < 0)
            mbox_abort(&t->mb);
        break;
    }
    t->state = rc == 0 ? T_COMMITTED : T_FAILED;
    return rc;
}

/* Take back a prepared or committed delivery. */
static void
t_abort(struct target *t)
{
    if (t->state != T_PREPARED && t->state != T_COMMITTED)
        return;
    switch (t->f->type) {
    case FOLDER_MAILDIR:
        maildir_abort(&t->md);
        break;
    case FOLDER_MH:
        mh_abort(&t->mh);
        break;
    case FOLDER_MBOX:
        if (t->state == T_PREPARED)
            mbox_abort(&t->mb);
        else
            msg_warn("%s: already delivered, cannot be taken back", t->f->path);
        break;
    }
    t->state = T_FAILED;
}

static void
t_free(struct target *t)
{
    maildir_txn_free(&t->md);
    mh_txn_free(&t->mh);
}

/* Make sure the default mailbox has (or will get) the message.  In the
 * commit phase it is committed at once.  0, or -1 with *st. */
static int
fallback(struct ctx *c, struct status *st)
{
    struct target *t;

    if (c->deflt < 0) {
        if (!c->p->deflt_ok) {
            *st = c->p->deflt_st;
            return -1;
        }
        c->t = xreallocarray(c->t, c->n + 1, sizeof *c->t);
        memset(&c->t[c->n], 0, sizeof c->t[c->n]);
        c->t[c->n].f = &c->p->deflt_f;
        c->t[c->n].state = T_NEW;
        c->deflt = (long)c->n++;
    }
    t = &c->t[c->deflt];
    if (t->state == T_FAILED)
        return -1;
    if (t->state == T_NEW && t_prepare(c, t, st) < 0)
        return -1;
    if (c->committing && t->state == T_PREPARED && t_commit(t, st) < 0)
        return -1;
    return 0;
}

static void
note_failure(struct ctx *c, struct target *t, const struct status *st)
{
    log_action(c, t->a, "-> %s failed (%s %s)", t->f->path, st->code, st->text);
    msg_warn("delivery to %s failed: %s %s", t->f->path, st->code, st->text);
}

static int
cmp_mbox(const void *x, const void *y, void *arg)
{
    const struct target *t = arg;
    const struct target *a = &t[*(const size_t *)x], *b = &t[*(const size_t *)y];
    int am = a->f->type == FOLDER_MBOX, bm = b->f->type == FOLDER_MBOX;

    if (am != bm)
        return am - bm;
    if (am)
        return strcmp(a->f->path, b->f->path);
    return (*(const size_t *)x > *(const size_t *)y) - (*(const size_t *)x < *(const size_t *)y);
}

/* Insertion sort (few targets) with cmp_mbox. */
static void
sort_order(size_t *ord, size_t n, struct target *t)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_mbox(&ord[j - 1], &ord[j], t) > 0; j--) {
            size_t x = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = x;
        }
}

/* The point of no return: the message is delivered for good.  The
 * committed Maildir and MH files stop being taken back by a fatal error,
 * and a fatal error from now on exits 0 (log_set_delivered()): a retry
 * by the MTA would deliver a second copy.  Called when something that
 * cannot be taken back has the message (c->irrevocable) and once every
 * delivering action is done; again after later commits. */
static void
no_return(struct ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        struct target *t = &c->t[i];

        if (t->state != T_COMMITTED)
            continue;
        if (t->f->type == FOLDER_MAILDIR) {
            undo_drop(t->md.undo);
            t->md.undo = 0;
        } else if (t->f->type == FOLDER_MH) {
            undo_drop(t->mh.undo);
            t->mh.undo = 0;
        }
    }
    log_set_delivered();
}

static void
abort_all(struct ctx *c)
{
    for (size_t i = 0; i < c->n; i++)
        t_abort(&c->t[i]);
}

/* Deliver to every target; 0, or -1 with *st (temporary) and nothing
 * left of this message anywhere it could be taken back from, or 1 with
 * *st when a target failed, the default mailbox too, after an mbox was
 * committed (c->irrevocable): what was delivered stays. */
static int
deliver_all(struct ctx *c, struct status *st)
{
    size_t n0 = c->n, *ord = xreallocarray(NULL, n0 ? n0 : 1, sizeof *ord);
    struct status fst;

    for (size_t i = 0; i < n0; i++)
        ord[i] = i;
    sort_order(ord, n0, c->t);
    for (size_t k = 0; k < n0; k++) {
        struct target *t = &c->t[ord[k]];

        if (t->state != T_NEW)
            continue;                   /* e.g. already the fallback */
        if (t_prepare(c, t, &fst) == 0)
            continue;
        note_failure(c, t, &fst);
        if ((long)ord[k] == c->deflt || fallback(c, st) < 0)
            goto fail;
    }
    free(ord);
    ord = NULL;

    c->committing = 1;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < c->n; i++) {
            struct target *t = &c->t[i];

            sigset_t term, old;
            int crc;

            if (t->state != T_PREPARED || (t->f->type == FOLDER_MBOX) != pass)
                continue;
            /* An mbox commit cannot be taken back: SIGTERM and co. wait
             * until the point of no return is marked (or the commit
             * failed), so that they never exit 75 with the message in
             * the mbox (lda/sys/log.h, log_catch_crashes()). */
            sigemptyset(&term);
            sigaddset(&term, SIGTERM);
            sigaddset(&term, SIGHUP);
            sigaddset(&term, SIGINT);
            sigprocmask(SIG_BLOCK, &term, &old);
            crc = t_commit(t, &fst);
            if (crc == 0) {
                if (t->f->type == FOLDER_MBOX && !c->irrevocable)
                    c->irrevocable = t->f->path;
                if (c->irrevocable)
                    no_return(c);
            }
            sigprocmask(SIG_SETMASK, &old, NULL);
            if (crc == 0)
                continue;
            note_failure(c, t, &fst);
            if ((long)i == c->deflt || fallback(c, st) < 0) {
                if (c->irrevocable)
                    goto partial;
                goto fail;
            }
        }
    }
    return 0;

partial:
    /* An mbox has the message for good: deferring now would make the
     * MTA's retry file it there again.  Keep what is delivered, commit
     * what is prepared, and let the caller log the loss of this target. */
    if (st->cls == STATUS_OK)
        *st = fst;
    for (size_t i = 0; i < c->n; i++)
        if (c->t[i].state == T_PREPARED && t_commit(&c->t[i], &fst) != 0)
            note_failure(c, &c->t[i], &fst);
    no_return(c);
    return 1;

fail:
    if (st->cls == STATUS_OK)
        *st = fst;
    free(ord);
    abort_all(c);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Execution: the message, programs, forwards                          */
/* ------------------------------------------------------------------ */

static char *
subject_for_log(const struct message *m)
{
    char *s = message_header_first(m, "Subject");
    size_t n;

    if (s == NULL)
        return xstrdup("");
    n = strlen(s);
    if (n > COMMIT_SUBJECT_LOG_MAX)
        s[COMMIT_SUBJECT_LOG_MAX] = '\0';
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"')
            *p = '?';
    return s;
}

/* Apply the run's header edits (header add/set/remove, in order, shadow
 * and overridden ones excepted) to d->msg, the message that will be
 * delivered; the body is kept byte for byte.  0, or -1 with *st (4.x.x)
 * when the edited copy cannot be written: nothing is delivered then. */
static int
apply_header_edits(struct delivery *d, const struct commit_plan *p, struct status *st)
{
    struct buf hdr = BUF_INIT, nb = BUF_INIT, chunk = BUF_INIT;
    struct message nm;
    size_t edits = 0, off;
    int fd, rc;

    for (size_t i = 0; i < p->nsteps; i++) {
        const struct action *a = p->steps[i].a;
        struct mp_header h;
        struct buf t;

        if (a == NULL || p->steps[i].fate != COMMIT_DO ||
            (a->kind != ACT_HEADER_ADD && a->kind != ACT_HEADER_SET &&
             a->kind != ACT_HEADER_REMOVE) ||
            (a->flags & ACT_F_APPLIED))     /* a filter's output holds it */
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
    fd = host_temp_fd(d->cfg->temp_dir);
    rc = fd < 0 || write_all(fd, hdr.data, hdr.len) != 0 ? -1 : 0;
    buf_reserve(&chunk, COMMIT_COPY_CHUNK);
    for (off = d->msg.header_len; rc == 0 && off < d->msg.len;) {
        ssize_t n = message_pread(&d->msg, chunk.data, COMMIT_COPY_CHUNK, off);

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

/* Run one pipe or forward action: 0, or -1 with *st. */
static int
run_outgoing(struct ctx *c, const struct action *a, struct status *st)
{
    struct child_input in;
    struct delivery *d = c->d;
    struct child_env env;
    struct child_spec spec;
    const char *argv[7];
    struct child_prefixed loop;
    char *marker = NULL;
    int rc;

    delivery_child_env(d, &env);
    memset(&spec, 0, sizeof spec);
    spec.env = child_env_list(&env);
    spec.timeout_sec = d->cfg ? (d->cfg->child_timeout_ms + 999) / 1000 : 0;
    spec.deadline_ms = delivery_child_deadline(d);
    if (a->kind == ACT_PIPE) {
        spec.command = a->target;
    } else {
        argv[0] = d->sendmail;
        argv[1] = "-oi";
        argv[2] = "-f";
        argv[3] = *d->sender ? d->sender : "<>";
        argv[4] = "--";
        argv[5] = a->target;
        argv[6] = NULL;
        spec.argv = argv;
    }
    message_input(&d->msg, &in);
    if (a->kind == ACT_FORWARD) {
        /* the loop marker first, then the message */
        char *v = commit_loop_value(d);
        struct child_input whole = in;

        marker = xasprintf("%s: %s\n", COMMIT_LOOP_HEADER, v);
        free(v);
        child_input_prefixed(&loop, marker, strlen(marker), &whole, 0, &in);
    }
    rc = child_run(&spec, &in, NULL, NULL, st);
    free(marker);
    child_env_free(&env);
    return rc;
}

/* The log entries of the steps that write nothing themselves. */
static void
log_steps(struct ctx *c)
{
    const struct commit_plan *p = c->p;

    for (size_t i = 0; i < p->nsteps; i++) {
        const struct commit_step *s = &p->steps[i];
        const struct action *a = s->a;

        if (a == NULL)
            continue;
        switch (s->fate) {
        case COMMIT_SHADOW:
        case COMMIT_OVERRIDDEN:
            log_action(c, a, "(shadow: not performed)");
            break;
        case COMMIT_REFUSED:
            log_action(c, a, "refused: %s; default mailbox instead", s->why);
            if (a->kind == ACT_FILE)
                msg_warn("folder \"%s\" refused: %s", a->target ? a->target : "", s->why);
            else
                msg_warn("%s \"%s\" refused: %s", actions_kind_name(a->kind),
                         a->target ? a->target : "", s->why);
            break;
        case COMMIT_SUPPRESSED:
            log_action(c, a, "suppressed: %s", s->why);
            break;
        case COMMIT_DECIDES:
            log_action(c, a, "%s", "");
            break;
        case COMMIT_CANCELLED:
            break;
        case COMMIT_DO:
            switch (a->kind) {
            case ACT_DISCARD:
                log_action(c, a, "%s", "");
                break;
            case ACT_HEADER_ADD:
            case ACT_HEADER_SET:
            case ACT_HEADER_REMOVE:
                log_action(c, a, "%s: applied", a->name ? a->name : "");
                break;
            case ACT_LOG:
                log_action(c, a, "\"%s\"", a->text ? a->text : "");
                break;
            case ACT_FILTER:
                log_action(c, a, "%s", "(applied during the run)");
                break;
            default:
                break;                  /* logged once performed */
            }
            break;
        }
    }
}

int
commit_execute(struct delivery *d, const struct commit_plan *p, struct status *st)
{
    struct ctx c;
    char *msgid, *subject, *append_dir;
    const char *outcome = commit_outcome_name(p->outcome);
    int rc = 0, delivered = 0, partial = 0;
    struct status lost;                 /* why a target lost its copy */

    status_ok(st);
    memset(&c, 0, sizeof c);
    c.d = d;
    c.p = p;
    c.deflt = p->deflt;
    append_dir = expand(d->append_dir, d->home);
    c.mo.sender = d->sender;
    c.mo.when = time(NULL);
    c.mo.record_dir = append_dir;
    c.mo.wait_sec = d->lock_wait_sec;
    /* One lock budget for the whole message, however many mboxes. */
    c.mo.deadline = lock_deadline(d->lock_wait_sec);
    c.mo.stale_sec = d->lock_stale_sec;

    log_steps(&c);
    if (p->outcome == COMMIT_DEFERRED || p->outcome == COMMIT_BOUNCED) {
        *st = p->st;
        rc = -1;
    } else if (apply_header_edits(d, p, st) < 0) {
        outcome = commit_outcome_name(COMMIT_DEFERRED);
        rc = -1;
    } else {
        c.n = p->nt;
        c.t = xreallocarray(NULL, p->nt ? p->nt : 1, sizeof *c.t);
        memset(c.t, 0, (p->nt ? p->nt : 1) * sizeof *c.t);
        for (size_t i = 0; i < p->nt; i++) {
            c.t[i].a = p->t[i].a;
            c.t[i].f = &p->t[i].f;
            c.t[i].state = T_NEW;
        }
        status_ok(&lost);
        switch (deliver_all(&c, &lost)) {
        case -1:
            *st = lost;
            outcome = commit_outcome_name(COMMIT_DEFERRED);
            rc = -1;
            break;
        case 1:
            partial = 1;
            break;
        }
        /* Then programs and forwards (they cannot be taken back, so they
         * run only once every folder delivery is complete). */
        for (size_t i = 0; rc == 0 && i < p->nout; i++) {
            const struct action *a = p->steps[p->out[i]].a;
            struct status fst;

            if (run_outgoing(&c, a, &fst) == 0) {
                if (!c.irrevocable)
                    c.irrevocable = a->target;
                no_return(&c);
                log_action(&c, a, "-> done");
                delivered++;
                continue;
            }
            log_action(&c, a, "failed (%s %s)", fst.code, fst.text);
            msg_warn("%s \"%s\" failed: %s %s", actions_kind_name(a->kind), a->target,
                     fst.code, fst.text);
            if (fallback(&c, &lost) < 0) {
                if (lost.cls == STATUS_OK)
                    lost = fst;
                if (c.irrevocable) {
                    partial = 1;        /* see below */
                    continue;
                }
                *st = lost;
                abort_all(&c);
                outcome = commit_outcome_name(COMMIT_DEFERRED);
                rc = -1;
            }
        }
        /* Something that cannot be taken back (a committed mbox, a program
         * that ran) has the message, and a later target and the default
         * mailbox failed: exit 0 and log it.  Deferring would bring the
         * message back from the MTA, and the retry would deliver a second
         * copy to what already has one, every time (weir(1), DELIVERY). */
        if (rc == 0 && partial) {
            msg_warn("not deferred: already delivered to %s, which cannot be taken back; "
                     "a target and the default mailbox failed (%s %s): see the log line",
                     c.irrevocable, lost.code, lost.text);
            buf_printf(&c.log, "; default mailbox failed (%s %s); not deferred: already "
                       "delivered to %s", lost.code, lost.text, c.irrevocable);
        }
        /* Every delivering action is done: once something has the
         * message, nothing defers from here on.  (A message only fake-
         * bounced is not delivered: until the bounce is sent, a fatal
         * error still defers it.) */
        if (rc == 0) {
            int any = c.irrevocable != NULL;

            for (size_t i = 0; i < c.n; i++)
                any |= c.t[i].state == T_COMMITTED;
            if (any)
                no_return(&c);
        }
        /* Then replies and fake bounces: only for a message that is
         * delivered (a deferred one is answered by the MTA's retry). */
        for (size_t i = 0; rc == 0 && i < p->nsend; i++) {
            const struct commit_step *s = &p->steps[p->send[i]];
            const struct action *a = s->a;
            struct status fst;
            int sent = respond_send(d, s->resp, &fst);

            if (sent > 0) {
                log_action(&c, a, "-> sent to <%s>", s->resp->to);
                continue;
            }
            if (sent == 0) {
                log_action(&c, a, "suppressed: %s", s->resp->why);
                continue;
            }
            log_action(&c, a, "failed (%s %s)", fst.code, fst.text);
            msg_warn("%s to <%s> failed: %s %s", actions_kind_name(a->kind), s->resp->to,
                     fst.code, fst.text);
            /* the sender never got the fake bounce: keep the message */
            if (a->kind == ACT_FAKEBOUNCE && !(a->flags & ACT_F_COPY) &&
                fallback(&c, &lost) < 0) {
                if (lost.cls == STATUS_OK)
                    lost = fst;
                if (c.irrevocable) {
                    /* as above: a retry would file a second copy there */
                    msg_warn("not deferred: already delivered to %s, which cannot be taken "
                             "back; the fake bounce and the default mailbox failed (%s %s)",
                             c.irrevocable, lost.code, lost.text);
                    continue;
                }
                *st = lost;
                abort_all(&c);
                outcome = commit_outcome_name(COMMIT_DEFERRED);
                rc = -1;
            }
        }
        /* The keys the `duplicate` test met, now that the message is
         * delivered (never for exit 75: the retry is no duplicate). */
        if (rc == 0 && dupe_pending_count(d->dupes) > 0) {
            char *dir = respond_state_dir(d);
            struct status dst;

            if (dupe_pending_commit(d->dupes, dir, &dst) < 0)
                msg_warn("duplicate keys not recorded: %s", dst.text);
            free(dir);
        }
        if (rc == 0) {
            for (size_t i = 0; i < c.n; i++) {
                struct target *t = &c.t[i];

                if (t->state != T_COMMITTED)
                    continue;
                delivered++;
                log_action(&c, t->a, "-> %s", target_file(t));
            }
            outcome = commit_outcome_name(delivered ? COMMIT_DELIVERED : COMMIT_DISCARDED);
            if (c.deflt >= 0 && !d->delivered_to)
                d->delivered_to = xstrdup(target_file(&c.t[c.deflt]));
        }
    }

    msgid = message_header_first(&d->msg, "Message-ID");
    subject = subject_for_log(&d->msg);
    if (rc == 0)
        msg_info("from=<%s> to=<%s> message-id=%s subject=\"%s\" size=%zu status=%s%s",
                 d->sender, d->recipient, msgid ? msgid : "-", subject, d->msg.len,
                 outcome, c.log.data ? c.log.data : "");
    else
        msg_warn("from=<%s> to=<%s> message-id=%s subject=\"%s\" size=%zu status=%s "
                 "(%s %s)%s", d->sender, d->recipient, msgid ? msgid : "-", subject,
                 d->msg.len, outcome, st->code, st->text, c.log.data ? c.log.data : "");
    free(msgid);
    free(subject);
    for (size_t i = 0; i < c.n; i++)
        t_free(&c.t[i]);
    free(c.t);
    buf_free(&c.log);
    free(append_dir);
    return rc;
}

int
commit_run(struct delivery *d, const struct action_list *l, struct status *st)
{
    struct commit_plan p;
    int rc;

    commit_plan(d, l, &p);
    rc = commit_execute(d, &p, st);
    commit_plan_free(&p);
    return rc;
}
