/*
 * test_child.c -- child_run() and the child environment against real
 * processes: exit codes and their classes, filters with large input and
 * output (no deadlock), children that do not read their input, timeouts
 * killing a whole process group, output caps, the allowlisted
 * environment, closed descriptors, umask, and (as root) that the saved
 * set-group-ID is not passed on.
 */
#include "config.h"
#include "child.h"
#include "message.h"
#include "priv.h"
#include "util.h"
#include "tests/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/weir-child.XXXXXX";

/* A message of about `size` bytes, read through the real intake. */
static void
make_message(struct message *m, size_t size)
{
    char path[256];
    struct intake_limits lim;
    struct status st;
    struct buf b = BUF_INIT;
    int fd;

    buf_adds(&b, "From: a@example.org\nTo: b@example.org\nSubject: child test\n\n");
    for (size_t i = 0; b.len < size; i++)
        buf_printf(&b, "line %zu of a long body, to fill the pipe many times over\n", i);
    snprintf(path, sizeof path, "%s/msg", tmpdir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write_all(fd, b.data, b.len) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        perror("make_message");
        exit(1);
    }
    message_limits_default(&lim);
    lim.spool_dir = tmpdir;
    memset(m, 0, sizeof *m);
    m->fd = -1;
    if (message_read(m, fd, &lim, &st) != 0) {
        fprintf(stderr, "message_read: %s\n", st.text);
        exit(1);
    }
    close(fd);
    buf_free(&b);
}

/* The whole message as a string, to compare with a filter's output. */
static char *
message_text(const struct message *m)
{
    char *s = xmalloc(m->len + 1);
    size_t off = 0;

    while (off < m->len) {
        ssize_t n = message_pread(m, s + off, m->len - off, off);

        if (n <= 0)
            break;
        off += (size_t)n;
    }
    s[off] = '\0';
    return s;
}

static int
run_cmd(const char *cmd, const struct message *in, struct buf *out, unsigned timeout,
        int perm, int *code, struct status *st)
{
    static const char *const env[] = { "HOME=/", NULL };
    struct child_spec spec = { 0 };
    struct child_input input;

    spec.command = cmd;
    spec.env = env;
    spec.timeout_sec = timeout;
    spec.perm_on_exit = perm;
    spec.out_max = 1024 * 1024 * 64;
    if (in)
        message_input(in, &input);
    return child_run(&spec, in ? &input : NULL, out, code, st);
}

/* Whether a pid is gone (or a zombie nobody reaps: dead all the same). */
static int
pid_dead(pid_t pid)
{
    char path[64], buf[256];
    FILE *fp;
    char *p;

    if (kill(pid, 0) != 0 && errno == ESRCH)
        return 1;
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    fp = fopen(path, "r");
    if (fp == NULL)
        return 1;
    p = fgets(buf, sizeof buf, fp);
    fclose(fp);
    if (p == NULL || (p = strrchr(buf, ')')) == NULL)
        return 0;
    return p[2] == 'Z' || p[2] == 'X';
}

static long long
ms_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(void)
{
    struct status st;
    struct message big, small;
    struct buf out = BUF_INIT;
    char *text, cmd[512], path[256];
    int code, rc, fd;
    long long t0;

    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    make_message(&big, 3 * 1024 * 1024);
    make_message(&small, 100);

    /* exit codes and classes */
    rc = run_cmd("exit 0", NULL, NULL, 10, 0, &code, &st);
    ok(rc == 0 && code == 0 && st.cls == STATUS_OK, "exit 0 is success");
    rc = run_cmd("exit 3", NULL, NULL, 10, 1, &code, &st);
    ok(rc == -1 && code == 3, "exit 3 is a failure with exit code 3");
    is_str(st.code, "5.3.0", "exit 3 with perm_on_exit: permanent");
    rc = run_cmd("exit 3", NULL, NULL, 10, 0, &code, &st);
    is_str(st.code, "4.3.0", "exit 3 without perm_on_exit: temporary");
    rc = run_cmd("exit 75", NULL, NULL, 10, 1, &code, &st);
    ok(rc == -1 && code == 75, "exit 75 reported");
    is_str(st.code, "4.3.0", "exit 75 is temporary even with perm_on_exit");
    rc = run_cmd("no-such-command-weir-test", NULL, NULL, 10, 1, &code, &st);
    ok(rc == -1 && code == 127 && strcmp(st.code, "4.3.0") == 0,
       "missing command under sh (127) stays temporary: %s", st.text);
    rc = run_cmd("echo boom >&2; exit 2", NULL, NULL, 10, 0, &code, &st);
    ok(rc == -1 && strstr(st.text, "boom") != NULL, "stderr line in the status: %s", st.text);
    rc = run_cmd("kill -9 $$", NULL, NULL, 10, 1, &code, &st);
    ok(rc == -1 && code == 128 + 9 && strcmp(st.code, "4.3.0") == 0,
       "killed by a signal: temporary, code 137 (%d)", code);

    /* argv form, PATH lookup, exec failures */
    {
        static const char *const av_true[] = { "true", NULL };
        static const char *const av_missing[] = { "weir-no-such-program", NULL };
        static const char *const av_bad[] = { "/nonexistent/weir/prog", NULL };
        struct child_spec spec = { 0 };

        spec.argv = av_true;
        rc = child_run(&spec, NULL, NULL, &code, &st);
        ok(rc == 0 && code == 0, "argv 'true' found in the safe PATH and run");
        spec.argv = av_missing;
        rc = child_run(&spec, NULL, NULL, &code, &st);
        ok(rc == -1 && strcmp(st.code, "4.3.0") == 0 && strstr(st.text, "not found"),
           "program not in the safe PATH: temporary (%s)", st.text);
        spec.argv = av_bad;
        rc = child_run(&spec, NULL, NULL, &code, &st);
        ok(rc == -1 && code == 127 && strstr(st.text, "cannot execute"),
           "exec failure reported from the child: %s", st.text);
    }

    /* filter: 3 MiB through cat, fed and read at once */
    text = message_text(&big);
    rc = run_cmd("cat", &big, &out, 30, 0, &code, &st);
    ok(rc == 0 && out.len == big.len && memcmp(out.data, text, big.len) == 0,
       "3 MiB through cat comes back intact (%zu of %zu bytes)", out.len, big.len);
    free(text);
    buf_reset(&out);
    rc = run_cmd("head -c 10; exit 0", &big, &out, 30, 0, &code, &st);
    ok(rc == 0 && out.len == 10, "a child that reads 10 bytes of 3 MiB and exits 0 succeeds");
    buf_reset(&out);
    rc = run_cmd("exit 0", &big, NULL, 30, 0, &code, &st);
    ok(rc == 0, "a child that reads nothing: EPIPE handled, success");
    rc = run_cmd("cat >/dev/null; exit 1", &small, NULL, 30, 0, &code, &st);
    ok(rc == -1 && code == 1, "exit status decides after reading everything");

    /* output cap */
    {
        struct child_spec spec = { 0 };
        static const char *const env[] = { NULL };

        spec.command = "head -c 100000 /dev/zero";
        spec.env = env;
        spec.out_max = 1000;
        rc = child_run(&spec, NULL, &out, &code, &st);
        ok(rc == -1 && strcmp(st.code, "4.3.4") == 0, "output beyond out_max: 4.3.4 (%s)",
           st.text);
        ok(out.len <= 1000, "no more than out_max bytes kept (%zu)", out.len);
        buf_reset(&out);
    }

    /* timeout kills the whole process group, sleeper included */
    snprintf(path, sizeof path, "%s/sleeper.pid", tmpdir);
    snprintf(cmd, sizeof cmd, "sleep 60 & echo $! > %s; sleep 60", path);
    t0 = ms_now();
    rc = run_cmd(cmd, NULL, NULL, 1, 0, &code, &st);
    ok(rc == -1 && strcmp(st.code, "4.3.0") == 0 && strstr(st.text, "timed out"),
       "timeout is a temporary failure: %s", st.text);
    ok(ms_now() - t0 < 5000, "returned within the timeout plus grace (%lld ms)", ms_now() - t0);
    {
        FILE *fp = fopen(path, "r");
        long spid = 0;

        if (fp) {
            if (fscanf(fp, "%ld", &spid) != 1)
                spid = 0;
            fclose(fp);
        }
        /* SIGKILL is asynchronous: give the kernel a moment. */
        for (int i = 0; i < 50 && spid > 0 && !pid_dead((pid_t)spid); i++)
            usleep(20000);
        ok(spid > 0 && pid_dead((pid_t)spid), "the forked sleeper (pid %ld) was killed too", spid);
    }
    /* a child that ignores SIGTERM still dies */
    t0 = ms_now();
    rc = run_cmd("trap '' TERM; sleep 60", NULL, NULL, 1, 0, &code, &st);
    ok(rc == -1 && code == 128 + 9 && ms_now() - t0 < 6000,
       "SIGTERM ignored: SIGKILL after the grace time (%lld ms)", ms_now() - t0);
    /* a background child holding stdout does not hold weir */
    t0 = ms_now();
    rc = run_cmd("sleep 3 & echo hi", NULL, &out, 30, 0, &code, &st);
    ok(rc == 0 && strcmp(out.data ? out.data : "", "hi\n") == 0 && ms_now() - t0 < 2900,
       "exited child with a background process holding stdout: done after the drain time");
    buf_reset(&out);

    /* environment: only the allowlist, safe PATH */
    {
        static const char *const env[] = {
            "HOME=/tmp", "SENDER=a@example.org", "LD_PRELOAD=/tmp/evil.so",
            "IFS=x", "PATH=.", "FOO=bar", "BASH_ENV=/tmp/x", "LANG=C", NULL
        };
        struct child_spec spec = { 0 };

        spec.command = "env";
        spec.env = env;
        rc = child_run(&spec, NULL, &out, &code, &st);
        ok(rc == 0, "env ran");
        ok(out.data && strstr(out.data, "SENDER=a@example.org\n") != NULL, "SENDER passed on");
        ok(out.data && strstr(out.data, "PATH=" PRIV_SAFE_PATH "\n") != NULL &&
           strstr(out.data, "PATH=.\n") == NULL, "PATH is the safe one");
        ok(out.data && strstr(out.data, "LD_PRELOAD") == NULL && strstr(out.data, "FOO=") == NULL &&
           strstr(out.data, "IFS=") == NULL && strstr(out.data, "BASH_ENV") == NULL,
           "LD_PRELOAD, IFS, BASH_ENV and unknown names dropped");
        buf_reset(&out);
        spec.command = "pwd; umask";
        rc = child_run(&spec, NULL, &out, &code, &st);
        is_str(out.data, "/tmp\n0077\n", "cwd defaults to HOME; umask 077");
        buf_reset(&out);
    }
    {
        struct child_env e;
        const char *const *l;
        int ld = 0, sender = 0;

        setenv("SENDER", "env@example.org", 1);
        setenv("LD_PRELOAD", "/tmp/evil.so", 1);
        child_env_init(&e);
        ok(child_env_set(&e, "PATH", "/tmp") == -1, "child_env_set refuses PATH");
        ok(child_env_set(&e, "LD_PRELOAD", "/x.so") == -1, "child_env_set refuses LD_PRELOAD");
        ok(child_env_set(&e, "SENDER", "a\nb") == -1, "child_env_set refuses a newline");
        ok(child_env_set(&e, "SENDER", "x@example.org") == 0 &&
           child_env_set(&e, "RECIPIENT", "me@example.org") == 0, "child_env_set SENDER, RECIPIENT");
        for (l = child_env_list(&e); *l; l++) {
            if (strncmp(*l, "SENDER=", 7) == 0)
                sender++;
            if (strncmp(*l, "LD_", 3) == 0)
                ld++;
        }
        ok(ld == 0, "child_env_init copies no LD_ variable from the environment");
        ok(sender == 1, "SENDER replaced, not duplicated");
        child_env_free(&e);
        unsetenv("LD_PRELOAD");
    }

    /* descriptors: only 0-2 reach the child */
    snprintf(path, sizeof path, "%s/open-file", tmpdir);
    fd = open(path, O_WRONLY | O_CREAT, 0600);   /* deliberately not O_CLOEXEC */
    rc = run_cmd("ls /proc/self/fd/ | wc -l", NULL, &out, 10, 0, &code, &st);
    /* ls itself has 0, 1, 2 and the directory it lists. */
    is_str(out.data, "4\n", "child has only fds 0-2 (plus ls's own directory fd)");
    buf_reset(&out);
    if (fd >= 0)
        close(fd);

    /* the saved set-group-ID is not passed on */
    if (getuid() == 0) {
        if (setresgid(0, 0, 8) == 0) {
            rc = run_cmd("grep '^Gid:' /proc/self/status", NULL, &out, 10, 0, &code, &st);
            is_str(out.data, "Gid:\t0\t0\t0\t0\n",
                   "saved gid 8 in weir: the child has real, effective and saved gid 0");
            buf_reset(&out);
            if (setresgid(0, 0, 0) != 0)
                perror("setresgid");
        } else
            ok(0, "setresgid(0, 0, 8) as root: %s", strerror(errno));
    } else
        printf("ok %d # SKIP not root: cannot give this process a saved gid\n", ++tap_n);

    message_free(&big);
    message_free(&small);
    buf_free(&out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return done();
}
