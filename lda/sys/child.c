/*
 * child.c -- running programs for pipe, filter and sendmail (see child.h).
 *
 * Entry points: child_run(), and the child_env_* environment builder.
 * child_run() returns 0 when the program exited 0, else -1 with a
 * struct status (temporary unless the program exited non-zero cleanly and
 * the caller asked for permanence); it never exits and never leaves a
 * child behind it has not reaped (the child's own background children,
 * still holding its output open after it exited, are left alone once
 * CHILD_DRAIN_MS has passed, unless the timeout fired: then the whole
 * process group is killed).
 *
 * I/O: one poll() loop feeds the message to the child's stdin
 * (non-blocking, so a child that writes before reading cannot deadlock
 * us), reads its stdout (into *out up to out_max, else discarded) and its
 * stderr (first CHILD_ERR_MAX bytes kept for the log).  SIGPIPE is ignored
 * while a child runs; EPIPE just ends the feeding.
 *
 * SECURITY: the child gets only the allowlisted environment with the safe
 * PATH, fds 0-2 and nothing else (every other descriptor is closed), umask
 * 077, default signal dispositions, its own process group, and no mail
 * group: priv_child_drop() sets real, effective and saved gid to the real
 * gid (verified) before exec, so the program cannot regain it.
 */
#include "config.h"
#include "child.h"
#include "log.h"
#include "priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Bytes fed to the child per write. */
#define CHILD_FEED_CHUNK 65536
/* Bytes read from the child per read. */
#define CHILD_READ_CHUNK 65536
/* poll() tick while waiting for the child to exit. */
#define CHILD_TICK_MS 20
/* Longest program name kept for messages. */
#define CHILD_NAME_MAX 80
/* Environment entries accepted from a spec. */
#define CHILD_ENV_MAX 128
/* Output cap when the caller gave none (the default largest message). */
#define CHILD_OUT_MAX_DEFAULT ((size_t)256 * 1024 * 1024)

extern char **environ;

/* ------------------------------------------------------------------ */
/* Environment builder                                                 */
/* ------------------------------------------------------------------ */

static size_t
name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');

    return eq ? (size_t)(eq - entry) : strlen(entry);
}

static void
env_put(struct child_env *e, char *entry)
{
    size_t n = name_len(entry);

    for (size_t i = 0; i < e->n; i++)
        if (name_len(e->v[i]) == n && strncmp(e->v[i], entry, n) == 0) {
            free(e->v[i]);
            e->v[i] = entry;
            return;
        }
    if (e->n + 2 > e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->v = xreallocarray(e->v, e->cap, sizeof *e->v);
    }
    e->v[e->n++] = entry;
    e->v[e->n] = NULL;
}

void
child_env_init(struct child_env *e)
{
    e->v = NULL;
    e->n = e->cap = 0;
    for (char **p = environ; p && *p; p++) {
        char name[64];
        size_t n = name_len(*p);

        if (n == 0 || n >= sizeof name || (*p)[n] != '=')
            continue;
        memcpy(name, *p, n);
        name[n] = '\0';
        if (strcmp(name, "PATH") != 0 && priv_env_allowed(name))
            env_put(e, xstrdup(*p));
    }
    env_put(e, xstrdup("PATH=" PRIV_SAFE_PATH));
}

int
child_env_set(struct child_env *e, const char *name, const char *value)
{
    if (strcmp(name, "PATH") == 0 || !priv_env_allowed(name) ||
        strchr(value, '\n') != NULL)
        return -1;
    env_put(e, xasprintf("%s=%s", name, value));
    return 0;
}

int
child_env_set_safe(struct child_env *e, const char *name, const char *value)
{
    static const char safe[] = CHILD_ENV_SAFE_CHARS;
    char *v = xstrdup(value);
    int rc;

    for (char *p = v; *p; p++)
        if (strchr(safe, *p) == NULL)
            *p = '_';
    rc = child_env_set(e, name, v);
    free(v);
    return rc;
}

const char *const *
child_env_list(const struct child_env *e)
{
    static const char *const empty[] = { NULL };

    return e->v ? (const char *const *)e->v : empty;
}

void
child_env_free(struct child_env *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i]);
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

struct run {
    const struct child_spec *spec;
    const struct child_input *in;
    struct buf *out;
    size_t out_max;
    char name[CHILD_NAME_MAX];      /* for messages */
    char errtext[CHILD_ERR_MAX + 1];
    size_t errlen;
    int fd_in, fd_out, fd_err;      /* parent ends, -1 when closed */
    size_t fed;                     /* message bytes written */
    char chunk[CHILD_FEED_CHUNK];
    size_t chunk_off, chunk_len;
    int overflow;                   /* output passed out_max */
    size_t out_len;                 /* bytes written to spec->out_fd */
    int out_errno;                  /* writing to spec->out_fd failed */
};

static ssize_t
prefixed_pread(const void *src, void *buf, size_t n, size_t off)
{
    const struct child_prefixed *p = src;

    if (off < p->plen) {
        size_t k = p->plen - off < n ? p->plen - off : n;

        memcpy(buf, p->prefix + off, k);
        return (ssize_t)k;
    }
    return p->rest.pread(p->rest.src, buf, n, off - p->plen + p->skip);
}

void
child_input_prefixed(struct child_prefixed *p, const char *prefix, size_t plen,
                     const struct child_input *rest, size_t skip, struct child_input *in)
{
    p->prefix = prefix;
    p->plen = plen;
    p->rest = *rest;
    p->skip = skip < rest->len ? skip : rest->len;
    in->pread = prefixed_pread;
    in->src = p;
    in->len = plen + (rest->len - p->skip);
}

long long
child_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* The program path: argv[0] as given when it has a '/', else the first
 * executable match in PRIV_SAFE_PATH.  NULL when there is none. */
static char *
find_program(const char *prog)
{
    const char *p = PRIV_SAFE_PATH;

    if (strchr(prog, '/'))
        return xstrdup(prog);
    while (*p) {
        size_t n = strcspn(p, ":");
        char *path = xasprintf("%.*s/%s", (int)n, p, prog);

        if (access(path, X_OK) == 0)
            return path;
        free(path);
        p += n;
        if (*p == ':')
            p++;
    }
    return NULL;
}

/* spec->env, filtered through the allowlist, with the safe PATH. */
static char **
child_envp(const struct child_spec *spec)
{
    char **v = xcalloc(CHILD_ENV_MAX + 2, sizeof *v);
    size_t n = 0;

    for (const char *const *p = spec->env; p && *p && n < CHILD_ENV_MAX; p++) {
        char name[64];
        size_t len = name_len(*p);

        if (len == 0 || len >= sizeof name || (*p)[len] != '=')
            continue;
        memcpy(name, *p, len);
        name[len] = '\0';
        if (strcmp(name, "PATH") == 0)
            continue;
        if (!priv_env_allowed(name)) {
            msg_warn("child: environment variable %s not passed on (not allowlisted)", name);
            continue;
        }
        v[n++] = (char *)*p;
    }
    v[n++] = (char *)"PATH=" PRIV_SAFE_PATH;
    v[n] = NULL;
    return v;
}

static const char *
env_lookup(const char *const *env, const char *name)
{
    size_t n = strlen(name);

    for (; env && *env; env++)
        if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
            return *env + n + 1;
    return NULL;
}

/* In the child: report why exec did not happen, then exit. */
static _Noreturn void
child_fail(int fd, int stage)
{
    int msg[2] = { stage, errno };

    if (write(fd, msg, sizeof msg) < 0) {
        /* the parent sees a short read and reports an unknown failure */
    }
    _exit(127);
}

enum { STAGE_PRIV = 1, STAGE_FDS, STAGE_CWD, STAGE_EXEC };

static const char *
stage_name(int stage)
{
    switch (stage) {
    case STAGE_PRIV: return "cannot drop the mail group";
    case STAGE_FDS: return "cannot set up descriptors";
    case STAGE_CWD: return "cannot change directory";
    case STAGE_EXEC: return "cannot execute";
    default: return "cannot start";
    }
}

static void
close_other_fds(int keep)
{
    long max = sysconf(_SC_OPEN_MAX);

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    if ((keep <= 3 || close_range(3, (unsigned)keep - 1, 0) == 0) &&
        close_range((unsigned)keep + 1, ~0u, 0) == 0)
        return;
#endif
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        if (fd != keep)
            close(fd);
}

/* Everything between fork and exec (async-signal-safe calls only). */
static _Noreturn void
in_child(const char *path, char *const *argv, char *const *envp, const char *cwd,
         int in_fd, int out_fd, int err_fd, int exec_fd)
{
    sigset_t none;

    setpgid(0, 0);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (priv_child_drop() != 0)
        child_fail(exec_fd, STAGE_PRIV);
    umask(077);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        child_fail(exec_fd, STAGE_FDS);
    close_other_fds(exec_fd);
    if (chdir(cwd) != 0)
        child_fail(exec_fd, STAGE_CWD);
    execve(path, argv, envp);
    child_fail(exec_fd, STAGE_EXEC);
}

/* Feed the next piece of the message; close stdin at the end or on EPIPE. */
static int
feed(struct run *r, struct status *st)
{
    ssize_t n;

    if (r->chunk_off == r->chunk_len) {
        ssize_t got = r->in ? r->in->pread(r->in->src, r->chunk, sizeof r->chunk, r->fed) : 0;

        if (got < 0) {
            status_errno(st, "4.3.0", errno, "%s: cannot read the message", r->name);
            return -1;
        }
        if (got == 0) {
            close_fd(&r->fd_in);
            return 0;
        }
        r->chunk_off = 0;
        r->chunk_len = (size_t)got;
    }
    n = write(r->fd_in, r->chunk + r->chunk_off, r->chunk_len - r->chunk_off);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return 0;
        if (errno == EPIPE) {
            msg_info("%s: did not read all of its input (%zu of %zu bytes)", r->name,
                     r->fed, r->in ? r->in->len : (size_t)0);
            close_fd(&r->fd_in);
            return 0;
        }
        status_errno(st, "4.3.0", errno, "%s: cannot write its input", r->name);
        return -1;
    }
    r->chunk_off += (size_t)n;
    r->fed += (size_t)n;
    return 0;
}

static void
drain(struct run *r, int *fd, int is_err)
{
    char tmp[CHILD_READ_CHUNK];
    ssize_t n = read(*fd, tmp, sizeof tmp);

    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            close_fd(fd);
        return;
    }
    if (n == 0) {
        close_fd(fd);
        return;
    }
    if (is_err) {
        size_t room = CHILD_ERR_MAX - r->errlen;
        size_t take = (size_t)n < room ? (size_t)n : room;

        memcpy(r->errtext + r->errlen, tmp, take);
        r->errlen += take;
        r->errtext[r->errlen] = '\0';
    } else if (r->out) {
        if (r->out->len + (size_t)n > r->out_max)
            r->overflow = 1;
        else
            buf_add(r->out, tmp, (size_t)n);
    } else if (r->spec->out_fd > 2 && !r->out_errno) {
        if (r->out_len + (size_t)n > r->out_max)
            r->overflow = 1;
        else if (write_all(r->spec->out_fd, tmp, (size_t)n) != 0)
            r->out_errno = errno ? errno : EIO;
        else
            r->out_len += (size_t)n;
    }
}

/* Wait up to ms for pid; 1 when reaped (*wst set), 0 when still running. */
static int
wait_for(pid_t pid, int *wst, long long ms)
{
    long long until = child_now_ms() + ms;

    for (;;) {
        pid_t w = waitpid(pid, wst, WNOHANG);

        if (w == pid)
            return 1;
        if (w < 0 && errno != EINTR)
            return 1;           /* ECHILD: nothing left to wait for */
        if (child_now_ms() >= until)
            return 0;
        poll(NULL, 0, CHILD_TICK_MS);
    }
}

/* SIGTERM the whole group, SIGKILL what is left after the grace time. */
static void
kill_group(pid_t pid, int *wst, int reaped)
{
    kill(-pid, SIGTERM);
    if (!reaped)
        reaped = wait_for(pid, wst, CHILD_KILL_GRACE_MS);
    else
        poll(NULL, 0, CHILD_TICK_MS);
    kill(-pid, SIGKILL);
    if (!reaped)
        while (waitpid(pid, wst, 0) < 0 && errno == EINTR)
            ;
}

/* The first line of the child's stderr, made printable, for messages. */
static void
err_line(struct run *r, char *out, size_t outlen)
{
    size_t j = 0;

    for (size_t i = 0; i < r->errlen && j + 1 < outlen; i++) {
        unsigned char c = (unsigned char)r->errtext[i];

        if (c == '\n')
            break;
        out[j++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[j] = '\0';
}

static int
finish(struct run *r, int wst, int *exit_code, struct status *st)
{
    const struct child_spec *spec = r->spec;
    char line[CHILD_ERR_MAX + 1];
    int code;

    err_line(r, line, sizeof line);
    if (WIFEXITED(wst)) {
        code = WEXITSTATUS(wst);
        if (exit_code)
            *exit_code = code;
        if (code == 0)
            return 0;
        if (code == 75)
            status_set(st, "4.3.0", "%s exited 75 (temporary failure)%s%s", r->name,
                       *line ? ": " : "", line);
        else if (spec->perm_on_exit && !(spec->argv == NULL && (code == 126 || code == 127)))
            status_set(st, "5.3.0", "%s exited %d%s%s", r->name, code,
                       *line ? ": " : "", line);
        else
            status_set(st, "4.3.0", "%s exited %d%s%s", r->name, code,
                       *line ? ": " : "", line);
    } else {
        code = WIFSIGNALED(wst) ? WTERMSIG(wst) : 0;
        if (exit_code)
            *exit_code = 128 + code;
        status_set(st, "4.3.0", "%s killed by signal %d", r->name, code);
    }
    if (*line)
        msg_info("%s: stderr: %s", r->name, line);
    return -1;
}

int
child_run(const struct child_spec *spec, const struct child_input *in,
          struct buf *out, int *exit_code, struct status *st)
{
    struct run *r;
    const char *sh_argv[] = { "sh", "-c", spec->command, NULL };
    char *const *argv = spec->argv ? (char *const *)spec->argv : (char *const *)sh_argv;
    char *path = NULL, **envp = NULL;
    const char *cwd;
    int p_in[2] = { -1, -1 }, p_out[2] = { -1, -1 }, p_err[2] = { -1, -1 };
    int p_exec[2] = { -1, -1 };
    int wst = 0, reaped = 0, rc = -1, msg[2];
    unsigned timeout = spec->timeout_sec ? spec->timeout_sec : CHILD_TIMEOUT_DEFAULT;
    long long deadline, drain_until = 0;
    int shared = 0;
    struct sigaction ign, old_pipe;
    pid_t pid;
    ssize_t n;

    status_ok(st);
    if (exit_code)
        *exit_code = -1;
    if ((spec->argv == NULL || spec->argv[0] == NULL) && spec->command == NULL) {
        status_set(st, "4.3.0", "child: no program given");
        return -1;
    }
    r = xcalloc(1, sizeof *r);
    r->spec = spec;
    r->in = in;
    r->out = out;
    r->out_max = spec->out_max ? spec->out_max : CHILD_OUT_MAX_DEFAULT;
    r->fd_in = r->fd_out = r->fd_err = -1;
    if (snprintf(r->name, sizeof r->name, "%s%s%s", spec->argv ? "" : "command '",
                 spec->argv ? spec->argv[0] : spec->command,
                 spec->argv ? "" : "'") < 0)
        r->name[0] = '\0';
    if (spec->deadline_ms && child_now_ms() >= spec->deadline_ms) {
        status_set(st, "4.3.0", "%s: not started: the time this message's programs may "
                   "take together (child_timeout) is used up", r->name);
        msg_warn("%s", st->text);
        free(r);
        return -1;
    }

    path = spec->argv ? find_program(spec->argv[0]) : xstrdup("/bin/sh");
    if (path == NULL) {
        status_set(st, "4.3.0", "%s: not found in %s", r->name, PRIV_SAFE_PATH);
        free(r);
        return -1;
    }
    envp = child_envp(spec);
    cwd = spec->cwd ? spec->cwd : env_lookup((const char *const *)envp, "HOME");
    if (cwd == NULL || *cwd != '/')
        cwd = "/";

    if ((in && pipe2(p_in, O_CLOEXEC) != 0) || pipe2(p_out, O_CLOEXEC) != 0 ||
        pipe2(p_err, O_CLOEXEC) != 0 || pipe2(p_exec, O_CLOEXEC) != 0) {
        status_errno(st, "4.3.0", errno, "%s: cannot create pipes", r->name);
        goto out;
    }
    if (!in && (p_in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        status_errno(st, "4.3.0", errno, "%s: cannot open /dev/null", r->name);
        goto out;
    }

    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old_pipe);

    pid = fork();
    if (pid < 0) {
        status_errno(st, "4.3.0", errno, "%s: cannot fork", r->name);
        sigaction(SIGPIPE, &old_pipe, NULL);
        goto out;
    }
    if (pid == 0)
        in_child(path, argv, envp, cwd, p_in[0], p_out[1], p_err[1], p_exec[1]);

    /* Parent.  Either side may set the group first; the other's call then
     * fails harmlessly. */
    setpgid(pid, pid);
    close_fd(&p_in[0]);
    close_fd(&p_out[1]);
    close_fd(&p_err[1]);
    close_fd(&p_exec[1]);
    r->fd_in = p_in[1];
    r->fd_out = p_out[0];
    r->fd_err = p_err[0];
    p_in[1] = p_out[0] = p_err[0] = -1;

    /* The exec pipe closes on a successful exec, or carries the reason. */
    do
        n = read(p_exec[0], msg, sizeof msg);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
        while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
            ;
        errno = n == (ssize_t)sizeof msg ? msg[1] : 0;
        status_errno(st, "4.3.0", errno, "%s: %s", r->name,
                     n == (ssize_t)sizeof msg ? stage_name(msg[0]) : "cannot start");
        if (exit_code)
            *exit_code = 127;
        goto restore;
    }

    for (int *fd = &r->fd_in; fd <= &r->fd_err; fd++)
        if (*fd >= 0 && fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) | O_NONBLOCK) != 0) {
            status_errno(st, "4.3.0", errno, "%s: cannot set up pipes", r->name);
            kill_group(pid, &wst, 0);
            goto restore;
        }

    deadline = child_now_ms() + (long long)timeout * 1000;
    if (spec->deadline_ms && spec->deadline_ms < deadline) {
        deadline = spec->deadline_ms;       /* the message's budget, shared */
        shared = 1;
    }
    for (;;) {
        struct pollfd pf[3];
        nfds_t np = 0;
        long long now, wait_ms;

        if (!reaped) {
            pid_t w = waitpid(pid, &wst, WNOHANG);

            if (w == pid) {
                reaped = 1;
                drain_until = child_now_ms() + CHILD_DRAIN_MS;
                close_fd(&r->fd_in);
            }
        }
        if (r->out_errno) {
            kill_group(pid, &wst, reaped);
            status_errno(st, "4.3.0", r->out_errno, "%s: cannot keep its output", r->name);
            if (exit_code)
                *exit_code = -1;
            goto restore;
        }
        if (r->overflow) {
            kill_group(pid, &wst, reaped);
            status_set(st, "4.3.4", "%s: output larger than %zu bytes", r->name, r->out_max);
            if (exit_code)
                *exit_code = -1;
            goto restore;
        }
        if (reaped && r->fd_out < 0 && r->fd_err < 0)
            break;
        now = child_now_ms();
        if (now >= deadline) {
            kill_group(pid, &wst, reaped);
            if (shared)
                status_set(st, "4.3.0", "%s: timed out: the time this message's programs "
                           "may take together (child_timeout) is used up; process group "
                           "killed", r->name);
            else
                status_set(st, "4.3.0", "%s: timed out after %u s; process group killed",
                           r->name, timeout);
            msg_warn("%s", st->text);
            if (exit_code)
                *exit_code = 128 + SIGKILL;
            goto restore;
        }
        if (reaped && now >= drain_until)
            break;              /* its own children hold the output open */
        wait_ms = deadline - now;
        if (reaped && drain_until - now < wait_ms)
            wait_ms = drain_until - now;
        if (!reaped && wait_ms > CHILD_TICK_MS * 5)
            wait_ms = CHILD_TICK_MS * 5;
        if (r->fd_in >= 0)
            pf[np++] = (struct pollfd){ .fd = r->fd_in, .events = POLLOUT };
        if (r->fd_out >= 0)
            pf[np++] = (struct pollfd){ .fd = r->fd_out, .events = POLLIN };
        if (r->fd_err >= 0)
            pf[np++] = (struct pollfd){ .fd = r->fd_err, .events = POLLIN };
        if (np == 0)
            wait_ms = wait_ms < CHILD_TICK_MS ? wait_ms : CHILD_TICK_MS;
        if (poll(pf, np, (int)wait_ms) < 0) {
            if (errno == EINTR)
                continue;
            status_errno(st, "4.3.0", errno, "%s: poll", r->name);
            kill_group(pid, &wst, reaped);
            goto restore;
        }
        for (nfds_t i = 0; i < np; i++) {
            if (pf[i].revents == 0)
                continue;
            if (pf[i].fd == r->fd_in) {
                if (pf[i].revents & (POLLERR | POLLHUP)) {
                    msg_info("%s: did not read all of its input (%zu of %zu bytes)",
                             r->name, r->fed, in ? in->len : (size_t)0);
                    close_fd(&r->fd_in);
                } else if (feed(r, st) < 0) {
                    kill_group(pid, &wst, reaped);
                    goto restore;
                }
            } else if (pf[i].fd == r->fd_out) {
                drain(r, &r->fd_out, 0);
            } else if (pf[i].fd == r->fd_err) {
                drain(r, &r->fd_err, 1);
            }
        }
    }
    rc = finish(r, wst, exit_code, st);

restore:
    sigaction(SIGPIPE, &old_pipe, NULL);
out:
    close_fd(&r->fd_in);
    close_fd(&r->fd_out);
    close_fd(&r->fd_err);
    for (int i = 0; i < 2; i++) {
        close_fd(&p_in[i]);
        close_fd(&p_out[i]);
        close_fd(&p_err[i]);
        close_fd(&p_exec[i]);
    }
    free(path);
    free(envp);
    free(r);
    return rc;
}
