/*
 * walker.c -- the fault walk of one scenario (tests/fault/walk.sh; see
 * tests/fault/README.md).  Test-only.
 *
 *   walker [options] -- WEIR ARGS...
 *     -n NAME      scenario name (for the report)
 *     -t DIR       the template: copied to -w before every run
 *     -w DIR       the work directory the runs deliver into
 *     -i FILE      the message, weir's standard input
 *     -s SHIM      the fault shim (LD_PRELOAD)
 *     -r FILE      the rules file inside -w (replaced for variants)
 *     -v FILE      a variant: rules whose clean outcome is also allowed
 *                  for an exit-0 run (e.g. "the default mailbox instead");
 *                  may repeat
 *     -x CODE      another allowed exit code that leaves everything as
 *                  before (the rule's own bounce), besides 75
 *     -X PATH      leave PATH (relative to -w) out of snapshots
 *     -N PATH      snapshot only the names under PATH (no contents)
 *     -m           no malloc/calloc/realloc (the shim was built without)
 *     -f LIST      walk only these functions (comma-separated)
 *     -k           a death by SIGSEGV or SIGABRT counts as weir's crash
 *                  handler would end it: exit 0 when the message is
 *                  delivered, else 75 (the sanitizer build, where the
 *                  handler is not installed)
 *     -A           walk only the calls made from weir's first read of its
 *                  standard input on (the start-up calls before it are the
 *                  same in every scenario: walked in one of them)
 *     -R PAT       snapshot lines containing PAT are the responder side (a
 *                  reply and its records), judged apart (see judge_resp())
 *                  and reported as "RESP_BAD n"; may repeat
 *     -S CMD       a command (words split at spaces, no shell) whose output
 *                  lines, each cut at " = ", are part of every snapshot
 *                  (`weir state list`: the keys; the files themselves
 *                  differ from run to run)
 *
 * It first runs weir clean under the shim's counting mode, then walks N
 * over every call of every counted function, one fault per run, and
 * judges each run (see judge()).  Prints "# ..." diagnostics and one last
 * line "POINTS <n> BAD <n> <summary>"; exits 0 when no run was bad.
 *
 * A snapshot of -w lists every regular file with a content hash, sorted,
 * with names normalised where they are random by design (Maildir unique
 * names, the fake sendmail's mktemp directories) and the date of mbox
 * From_ lines dropped (it is the time of delivery).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LIST 64
#define RUN_TIMEOUT_SEC 30
#define MAX_REPORT 20               /* bad runs described in full */
#define RC_CRASH 1000               /* -k: a crash, judged as the handler would end it */

extern char **environ;

struct strs {
    char **v;
    size_t n, cap;
};

static void
die(const char *what)
{
    fprintf(stderr, "walker: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void
strs_add(struct strs *s, char *p)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (s->v == NULL)
            die("realloc");
    }
    s->v[s->n++] = p;
}

static char *
xdup(const char *s)
{
    char *p = strdup(s);

    if (p == NULL)
        die("strdup");
    return p;
}

static char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
    va_list ap;
    char *p;

    va_start(ap, f);
    if (vasprintf(&p, f, ap) < 0)
        die("vasprintf");
    va_end(ap);
    return p;
}

/* ---- options ---- */

static const char *name = "?", *tmpl, *work, *input, *shim, *rules;
static struct strs variants, excl, names_only, resp_pats;
static int extra_exit = -1, no_malloc, after_stdin, crash_is_75;
static const char *only, *snap_cmd;
static char **weir_argv;

/* ---- file tree copy / removal ---- */

static int
rm_cb(const char *p, const struct stat *sb, int type, struct FTW *f)
{
    (void)sb;
    (void)f;
    if (type == FTW_DP)
        return rmdir(p) == 0 ? 0 : -1;
    return unlink(p) == 0 ? 0 : -1;
}

static void
rm_tree(const char *dir)
{
    struct stat sb;

    if (lstat(dir, &sb) != 0)
        return;
    chmod(dir, 0700);
    if (nftw(dir, rm_cb, 32, FTW_DEPTH | FTW_PHYS) != 0)
        die(dir);
}

static void
copy_file(const char *from, const char *to, const struct stat *sb)
{
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC), out;
    ssize_t n;

    if (in < 0)
        die(from);
    out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, sb->st_mode & 07777);
    if (out < 0)
        die(to);
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            die(to);
    if (n < 0)
        die(from);
    fchmod(out, sb->st_mode & 07777);
    {
        struct timespec ts[2] = { sb->st_atim, sb->st_mtim };
        futimens(out, ts);
    }
    close(in);
    close(out);
}

static void
copy_tree(const char *from, const char *to)
{
    struct stat sb;
    DIR *d;
    struct dirent *e;

    if (lstat(from, &sb) != 0)
        die(from);
    if (S_ISLNK(sb.st_mode)) {
        char t[4096];
        ssize_t n = readlink(from, t, sizeof t - 1);

        if (n < 0)
            die(from);
        t[n] = '\0';
        if (symlink(t, to) != 0)
            die(to);
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        copy_file(from, to, &sb);
        return;
    }
    if (mkdir(to, 0700) != 0)
        die(to);
    d = opendir(from);
    if (d == NULL)
        die(from);
    while ((e = readdir(d)) != NULL) {
        char *a, *b;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        a = fmt("%s/%s", from, e->d_name);
        b = fmt("%s/%s", to, e->d_name);
        copy_tree(a, b);
        free(a);
        free(b);
    }
    closedir(d);
    chmod(to, sb.st_mode & 07777);
    {
        struct timespec ts[2] = { sb.st_atim, sb.st_mtim };
        utimensat(AT_FDCWD, to, ts, 0);
    }
}

static void
restore(void)
{
    rm_tree(work);
    copy_tree(tmpl, work);
}

/* ---- snapshots ---- */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Content hash; an mbox (a file starting "From ") has the date of its
 * From_ lines dropped: "From sender date..." hashes as "From sender". */
static uint64_t
hash_file(const char *path, off_t *size, int sent)
{
    FILE *f = fopen(path, "rb");
    uint64_t h = 0xcbf29ce484222325ull;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int mbox = -1;

    *size = 0;
    if (f == NULL)
        return 0;
    while ((n = getdelim(&line, &cap, '\n', f)) > 0) {
        if (mbox < 0)
            mbox = n >= 5 && memcmp(line, "From ", 5) == 0;
        if (mbox == 1 && n >= 5 && memcmp(line, "From ", 5) == 0) {
            char *sp = memchr(line + 5, ' ', (size_t)n - 5);

            if (sp)
                n = sp - line;
        }
        /* a reply's Message-ID has the pid and random bits */
        if (sent && n > 12 && strncasecmp(line, "Message-ID: ", 12) == 0)
            n = 12;
        *size += n;                     /* of the normalised text */
        h = fnv(h, line, (size_t)n);
    }
    free(line);
    fclose(f);
    return h;
}

static int
in_list(const struct strs *l, const char *rel)
{
    for (size_t i = 0; i < l->n; i++) {
        size_t k = strlen(l->v[i]);

        if (strncmp(rel, l->v[i], k) == 0 && (rel[k] == '\0' || rel[k] == '/'))
            return 1;
    }
    return 0;
}

/* The normalised name of rel. */
static char *
norm_name(const char *rel)
{
    const char *base = strrchr(rel, '/');
    char *out;

    base = base ? base + 1 : rel;
    if (base - rel >= 4) {
        const char *parent = base - 4;

        if ((parent == rel || parent[-1] == '/') &&
            (strncmp(parent, "new/", 4) == 0 || strncmp(parent, "cur/", 4) == 0 ||
             strncmp(parent, "tmp/", 4) == 0)) {
            const char *s = strstr(base, ",S=");

            return fmt("%.*s<unique>%s", (int)(base - rel), rel, s ? s : "");
        }
    }
    out = xdup(rel);
    /* the stub sendmail's "sent/m.<pid>.argv" */
    {
        char *m = strstr(out, "sent/m.");

        if (m && (m == out || m[-1] == '/')) {
            char *e = m + 7, *r;

            while (*e && *e != '.' && *e != '/')
                e++;
            r = fmt("%.*s*%s", (int)(m + 7 - out), out, e);
            free(out);
            out = r;
        }
    }
    return out;
}

static void
snap_walk(const char *root, const char *rel, struct strs *out)
{
    char *path = rel[0] ? fmt("%s/%s", root, rel) : xdup(root);
    DIR *d = opendir(path);
    struct dirent *e;

    if (d == NULL) {
        free(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char *r, *full;
        struct stat sb;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        r = rel[0] ? fmt("%s/%s", rel, e->d_name) : xdup(e->d_name);
        full = fmt("%s/%s", root, r);
        if (in_list(&excl, r) || lstat(full, &sb) != 0) {
            /* left out */
        } else if (S_ISDIR(sb.st_mode)) {
            snap_walk(root, r, out);
        } else {
            char *n = norm_name(r);

            if (in_list(&names_only, r)) {
                strs_add(out, fmt("%s", n));
            } else if (S_ISREG(sb.st_mode)) {
                off_t size;
                uint64_t h = hash_file(full, &size, strstr(r, "sent/") != NULL);

                strs_add(out, fmt("%s %jd %016llx", n, (intmax_t)size, (unsigned long long)h));
            } else {
                strs_add(out, fmt("%s (type %o)", n, (unsigned)(sb.st_mode & S_IFMT)));
            }
            free(n);
        }
        free(r);
        free(full);
    }
    closedir(d);
    free(path);
}

static int
cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
snapshot(void)
{
    struct strs l = { 0 };
    size_t len = 1;
    char *s, *p;

    snap_walk(work, "", &l);
    if (snap_cmd) {
        /* run without a shell (words split at spaces); each output line
         * is kept up to " = " (a record's key, not its value) */
        int pfd[2];
        pid_t pid;

        if (pipe(pfd) != 0)
            die("pipe");
        pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            char *words = xdup(snap_cmd), *av[32], *sv;
            int n = 0;

            for (char *w = strtok_r(words, " ", &sv); w && n < 31; w = strtok_r(NULL, " ", &sv))
                av[n++] = w;
            av[n] = NULL;
            dup2(pfd[1], 1);
            close(pfd[0]);
            close(pfd[1]);
            execv(av[0], av);
            _exit(127);
        }
        close(pfd[1]);
        {
            FILE *pf = fdopen(pfd[0], "r");
            char line[1024];

            while (pf && fgets(line, sizeof line, pf)) {
                char *eq = strstr(line, " = ");

                if (eq)
                    *eq = '\0';
                line[strcspn(line, "\n")] = '\0';
                strs_add(&l, fmt("[%s]", line));
            }
            if (pf)
                fclose(pf);
        }
        waitpid(pid, NULL, 0);
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmpstr);
    for (size_t i = 0; i < l.n; i++)
        len += strlen(l.v[i]) + 1;
    p = s = malloc(len);
    if (s == NULL)
        die("malloc");
    *p = '\0';
    for (size_t i = 0; i < l.n; i++) {
        p = stpcpy(p, l.v[i]);
        *p++ = '\n';
        *p = '\0';
        free(l.v[i]);
    }
    free(l.v);
    return s;
}

/* ---- running weir ---- */

static const char *out_log;
static double slowest;
static char slowest_what[128];

/* Run weir once with fault settings (NULL: clean); the exit code, or
 * 128+signal, or -1 on timeout. */
static int
run(const char *fault, const char *clock, const char *countfile)
{
    sigset_t chld, old;
    pid_t pid;
    int wst;
    struct timespec deadline;

    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        int in = open(input, O_RDONLY), out = open(out_log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (in < 0 || out < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        close(in);
        close(out);
        setenv("LD_PRELOAD", shim, 1);
        unsetenv("WEIR_FAULT");
        unsetenv("WEIR_FAULT_CLOCK");
        unsetenv("WEIR_FAULT_COUNT");
        if (fault)
            setenv("WEIR_FAULT", fault, 1);
        if (clock)
            setenv("WEIR_FAULT_CLOCK", clock, 1);
        if (countfile)
            setenv("WEIR_FAULT_COUNT", countfile, 1);
        sigprocmask(SIG_SETMASK, &old, NULL);
        execv(weir_argv[0], weir_argv);
        _exit(127);
    }
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += RUN_TIMEOUT_SEC;
    for (;;) {
        struct timespec now, left;
        pid_t w = waitpid(pid, &wst, WNOHANG);

        if (w == pid)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > deadline.tv_sec) {
            kill(pid, SIGKILL);
            waitpid(pid, &wst, 0);
            sigprocmask(SIG_SETMASK, &old, NULL);
            return -1;
        }
        left.tv_sec = 1;
        left.tv_nsec = 0;
        sigtimedwait(&chld, NULL, &left);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (WIFEXITED(wst))
        return WEXITSTATUS(wst);
    if (crash_is_75 && (WTERMSIG(wst) == SIGSEGV || WTERMSIG(wst) == SIGABRT))
        return RC_CRASH;
    return 128 + WTERMSIG(wst);
}

static double
now_sec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
timed_run(const char *what, const char *fault, const char *clk, const char *cf)
{
    double t0 = now_sec(), dt;
    int rc = run(fault, clk, cf);

    dt = now_sec() - t0;
    if (dt > slowest) {
        slowest = dt;
        snprintf(slowest_what, sizeof slowest_what, "%s", what);
    }
    return rc;
}

static void
install_rules(const char *from)
{
    char *dst = fmt("%s/%s", work, rules);
    struct stat sb;

    if (lstat(from, &sb) != 0)
        die(from);
    unlink(dst);
    copy_file(from, dst, &sb);
    free(dst);
}

/* ---- the walk ---- */

struct fnspec {
    const char *fn;
    const char *errs[4];            /* cycled over N */
    int eintr;                      /* also walked with EINTR: must be clean */
};

static const struct fnspec specs[] = {
    { "open", { "EMFILE", "EIO", "ENOSPC", "EDQUOT" }, 0 },
    { "openat", { "EMFILE", "EIO", "ENOSPC", "EDQUOT" }, 0 },
    { "read", { "EIO" }, 1 },
    { "pread", { "EIO" }, 0 },
    { "write", { "ENOSPC", "EDQUOT", "EIO" }, 1 },
    { "pwrite", { "ENOSPC", "EDQUOT", "EIO" }, 0 },
    { "fsync", { "EIO", "ENOSPC", "EDQUOT" }, 0 },
    { "fdatasync", { "EIO", "ENOSPC", "EDQUOT" }, 0 },
    { "close", { "EIO" }, 0 },
    { "rename", { "EIO", "ENOSPC", "EDQUOT" }, 0 },
    { "link", { "EIO", "ENOSPC", "EDQUOT" }, 0 },
    { "unlink", { "EIO" }, 0 },
    { "mkdir", { "EIO", "ENOSPC", "EDQUOT" }, 0 },
    { "ftruncate", { "EIO", "EFBIG" }, 0 },
    { "fcntl", { "ENOLCK" }, 1 },
    { "flock", { "ENOLCK" }, 1 },
    { "malloc", { "ENOMEM" }, 0 },
    { "calloc", { "ENOMEM" }, 0 },
    { "realloc", { "ENOMEM" }, 0 },
    { "fork", { "EAGAIN", "ENOMEM" }, 0 },
    { "execve", { "ENOMEM", "EAGAIN" }, 0 },
    { "pipe", { "EMFILE", "ENFILE" }, 0 },
    { "pipe2", { "EMFILE", "ENFILE" }, 0 },
    { "dup2", { "EBUSY" }, 0 },
    { "waitpid", { NULL }, 1 },     /* EINTR only */
    { "clock_gettime", { NULL }, 0 },   /* a jump backwards: must be clean */
};

static struct strs ok1, ok2;    /* allowed states after one / two deliveries */
static char *before, *clean1, *before_mail;
static long npoints, nbad, nclean, nvariant, nbounce, nrepaired, nnotfired, ntolerated;

/* What a failed unlink(2) of weir's own second name leaves: a Maildir
 * tmp/ name (readers remove those after 36 hours, maildir(5)), an MH
 * ".weir-" temporary (hidden from MH readers), a dotlock's temporary name
 * (removed by a later delivery once it is DOTLOCK_TMP_STALE_SEC old).
 * weir logs each. */
static const char *const leftover_patterns[] = { "/tmp/<unique>", "/.weir-", ".lock.", NULL };

/* The lines of snap that contain one of the n patterns pats (want 1), or
 * none of them (want 0). */
static char *
lines_with(const char *snap, const char *const *pats, size_t n, int want)
{
    char *out = calloc(1, strlen(snap) + 1), *o = out;
    const char *p = snap;

    if (out == NULL)
        die("calloc");
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t k = nl ? (size_t)(nl - p) + 1 : strlen(p);
        int is = 0;

        for (size_t i = 0; i < n; i++) {
            const char *t = strstr(p, pats[i]);

            is |= t != NULL && t < p + k;
        }
        if (is == want) {
            memcpy(o, p, k);
            o += k;
        }
        p += k;
    }
    return out;
}

/* snap without the lines of leftover_patterns */
static char *
without_tmp(const char *snap)
{
    size_t n = 0;

    while (leftover_patterns[n])
        n++;
    return lines_with(snap, leftover_patterns, n, 0);
}
static char *countfile;

static int
contains(const struct strs *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

static void
report_bad(const char *what, const char *why, int rc, const char *snap, const char *want)
{
    nbad++;
    if (nbad > MAX_REPORT)
        return;
    printf("# %s: %s: exit %d, %s\n", name, what, rc, why);
    {
        FILE *f = fopen(out_log, "r");
        char line[512];

        while (f && fgets(line, sizeof line, f))
            printf("#   weir: %s", line);
        if (f)
            fclose(f);
    }
    if (snap && want) {
        /* lines only in one of the two */
        char *a = xdup(snap), *b = xdup(want), *sv, *t;

        for (t = strtok_r(a, "\n", &sv); t; t = strtok_r(NULL, "\n", &sv))
            if (!strstr(want, t))
                printf("#   extra:   %s\n", t);
        for (t = strtok_r(b, "\n", &sv); t; t = strtok_r(NULL, "\n", &sv))
            if (!strstr(snap, t))
                printf("#   missing: %s\n", t);
        free(a);
        free(b);
    }
}

static long nresp_bad, nresp_repaired;
static int run(const char *fault, const char *clock, const char *countfile);
static char *snapshot(void);

/* The lines of snap that contain one of resp_pats (want 1) or none (0). */
static char *
split_resp(const char *snap, int want)
{
    return lines_with(snap, (const char *const *)resp_pats.v, resp_pats.n, want);
}

/* Whether every line of a is a line of b. */
static int
lines_subset(const char *a, const char *b)
{
    char *c = xdup(a), *sv, *t;
    int r = 1;

    for (t = strtok_r(c, "\n", &sv); t && r; t = strtok_r(NULL, "\n", &sv)) {
        char *line = fmt("%s\n", t);

        r = strstr(b, line) != NULL;
        free(line);
    }
    free(c);
    return r;
}

/* Whether resp has a sent message that before_r has not (this run sent). */
static int
sent_now(const char *resp, const char *before_r)
{
    char *c = xdup(resp), *sv, *t;
    int r = 0;

    for (t = strtok_r(c, "\n", &sv); t && !r; t = strtok_r(NULL, "\n", &sv)) {
        char *line = fmt("%s\n", t);

        r = strstr(t, "sent/") != NULL && strstr(before_r, line) == NULL;
        free(line);
    }
    free(c);
    return r;
}

/*
 * The responder side of a run (-R): after exit 0, the reply is either
 * sent exactly as in a clean run or not at all, the records from before
 * are all kept, and the records are the clean run's or fewer (a claim left by a failed send suppresses replies
 * until it expires: a reply late, never a second one); after exit 75
 * nothing is sent or recorded (the MTA's retry answers).  must_be_clean:
 * exactly the clean run's.  Otherwise, when the mail side needs no repair
 * (may_repair), a state the next delivery repairs is allowed: after it,
 * the reply has gone out exactly once and the records are the clean
 * run's (a stray file Berkeley DB left when it crashed creating the
 * database).  Anything else (a database moved aside, a second reply)
 * counts in nresp_bad, reported apart from the mail.
 */
static void
judge_resp(const char *what, int rc, const char *resp, int must_be_clean, int may_repair)
{
    char *want = split_resp(clean1, 1), *before_r = split_resp(before, 1);
    int okay;

    if (must_be_clean)
        okay = strcmp(resp, want) == 0;
    else if (rc == 0)
        okay = lines_subset(resp, want) && lines_subset(before_r, resp) &&
               (!sent_now(resp, before_r) || lines_subset(want, resp));
    else
        okay = strcmp(resp, before_r) == 0;
    if (!okay && !must_be_clean && may_repair) {
        int r2 = run(NULL, NULL, NULL);
        char *again = snapshot(), *resp2 = split_resp(again, 1);

        okay = r2 == 0 && strcmp(resp2, want) == 0;
        if (okay) {
            nresp_repaired++;
            printf("# %s: %s: exit %d left a responder state the next delivery repaired\n",
                   name, what, rc);
        }
        free(again);
        free(resp2);
    }
    if (!okay) {
        nresp_bad++;
        if (nresp_bad <= MAX_REPORT) {
            printf("# %s: %s: exit %d, responder side not allowed\n", name, what, rc);
            report_bad(what, "(responder side)", rc, resp, rc == 0 ? want : before_r);
            nbad--;
        }
    }
    free(want);
    free(before_r);
}

static int
fired(void)
{
    FILE *f = fopen(countfile, "r");
    char fn[64];
    unsigned long long v;
    int r = 0;

    while (f && fscanf(f, "%63s %llu", fn, &v) == 2)
        if (strcmp(fn, "fired") == 0)
            r = v > 0;
    if (f)
        fclose(f);
    return r;
}

/*
 * The allowed outcomes of one run:
 *  - exit 0 and the state of a clean delivery (or of a variant's);
 *  - exit 75 (or -x) and the state from before;
 *  - anything else left behind must be what the next delivery repairs: a
 *    clean delivery then gives an allowed state (one delivery after an
 *    exit 75, two after an exit 0).
 * must_be_clean (EINTR, a clock jump): only exit 0 and the clean state.
 */
static void
judge(const char *what, int rc, int must_be_clean)
{
    char *snap = snapshot(), *again;
    int r2;

    if (!fired())
        nnotfired++;
    if (rc == RC_CRASH) {
        char *m = resp_pats.n ? split_resp(snap, 0) : xdup(snap);

        rc = contains(&ok1, m) ? 0 : 75;
        free(m);
    }
    if (resp_pats.n) {
        /* The mail is judged on the rest of the snapshot. */
        char *resp = split_resp(snap, 1), *mail = split_resp(snap, 0);
        int mail_ok = (rc == 0 && contains(&ok1, mail)) ||
                      ((rc == 75 || rc == extra_exit) && strcmp(mail, before_mail) == 0);

        judge_resp(what, rc, resp, must_be_clean, mail_ok);
        free(resp);
        free(snap);
        snap = mail;
    }
    if (must_be_clean) {
        if (rc != 0 || strcmp(snap, ok1.v[0]) != 0)
            report_bad(what, "not the same as a clean run", rc, snap, ok1.v[0]);
        else
            nclean++;
        free(snap);
        return;
    }
    if (rc == 0 && contains(&ok1, snap)) {
        if (strcmp(snap, ok1.v[0]) == 0)
            nclean++;
        else
            nvariant++;
        free(snap);
        return;
    }
    if (rc == 0 && strncmp(what, "unlink:", 7) == 0) {
        /* The link into new/ (or the folder, or the lock) worked, and
         * removing the temporary name failed: the delivery is complete;
         * see leftover_patterns. */
        char *t = without_tmp(snap);
        int okay = contains(&ok1, t);

        free(t);
        if (okay) {
            ntolerated++;
            free(snap);
            return;
        }
    }
    if ((rc == 75 || rc == extra_exit) && strcmp(snap, before_mail) == 0) {
        nbounce++;
        free(snap);
        return;
    }
    if (rc != 0 && rc != 75 && rc != extra_exit) {
        report_bad(what, "exit code not allowed", rc, snap, rc == 0 ? ok1.v[0] : before_mail);
        free(snap);
        return;
    }
    /* Something is left: the next delivery must repair it. */
    r2 = run(NULL, NULL, NULL);
    again = snapshot();
    if (resp_pats.n) {
        char *m = split_resp(again, 0);

        free(again);
        again = m;
    }
    if (r2 == 0 && contains(rc == 0 ? &ok2 : &ok1, again)) {
        nrepaired++;
        printf("# %s: %s: exit %d left a state the next delivery repaired\n", name, what, rc);
    } else {
        report_bad(what, "state left behind not repaired by the next delivery", rc, snap,
                   rc == 0 ? ok1.v[0] : before_mail);
        printf("#   after the next delivery (exit %d):\n", r2);
        report_bad(what, "after repair", r2, again, rc == 0 ? ok2.v[0] : ok1.v[0]);
        nbad--;
    }
    free(snap);
    free(again);
}

static int
walked(const char *fn)
{
    if (no_malloc && (strcmp(fn, "malloc") == 0 || strcmp(fn, "calloc") == 0 ||
                      strcmp(fn, "realloc") == 0))
        return 0;
    if (only) {
        size_t k = strlen(fn);
        const char *p = only;

        while ((p = strstr(p, fn)) != NULL) {
            if ((p == only || p[-1] == ',') && (p[k] == ',' || p[k] == '\0'))
                return 1;
            p += k;
        }
        return 0;
    }
    return 1;
}

static unsigned long long
count_of(const char *fn)
{
    FILE *f = fopen(countfile, "r");
    char n[64];
    unsigned long long v, r = 0;

    while (f && fscanf(f, "%63s %llu", n, &v) == 2)
        if (strcmp(n, fn) == 0)
            r = v;
    if (f)
        fclose(f);
    return r;
}

int
main(int argc, char **argv)
{
    int c, rc;
    char *summary, *counts_text = NULL;
    struct strs per = { 0 };

    while ((c = getopt(argc, argv, "n:t:w:i:s:r:v:x:X:N:mf:S:AR:k")) != -1) {
        switch (c) {
        case 'n': name = optarg; break;
        case 't': tmpl = optarg; break;
        case 'w': work = optarg; break;
        case 'i': input = optarg; break;
        case 's': shim = optarg; break;
        case 'r': rules = optarg; break;
        case 'v': strs_add(&variants, optarg); break;
        case 'x': extra_exit = atoi(optarg); break;
        case 'X': strs_add(&excl, optarg); break;
        case 'N': strs_add(&names_only, optarg); break;
        case 'm': no_malloc = 1; break;
        case 'f': only = optarg; break;
        case 'S': snap_cmd = optarg; break;
        case 'A': after_stdin = 1; break;
        case 'k': crash_is_75 = 1; break;
        case 'R': strs_add(&resp_pats, optarg); break;
        default: return 2;
        }
    }
    if (!tmpl || !work || !input || !shim || !rules || optind >= argc) {
        fprintf(stderr, "walker: usage: see walker.c\n");
        return 2;
    }
    weir_argv = argv + optind;
    strs_add(&excl, (char *)rules);     /* variants change it */
    out_log = fmt("%s.out", work);
    countfile = fmt("%s.counts", work);

    /* The states: before, after a clean delivery (the counting run), and
     * what each variant's rules give instead; then each followed by a
     * second clean delivery. */
    restore();
    before = snapshot();
    rc = run(NULL, NULL, countfile);
    clean1 = snapshot();
    if (rc != 0 || strcmp(before, clean1) == 0) {
        printf("# %s: the clean run exits %d and changes %s\n", name, rc,
               strcmp(before, clean1) ? "something" : "nothing");
        report_bad("clean run", "", rc, clean1, before);
        printf("POINTS 0 BAD 1\n");
        return 1;
    }
    {
        FILE *f = fopen(countfile, "r");
        size_t cap = 0;

        if (f == NULL || getdelim(&counts_text, &cap, '\0', f) < 0)
            die(countfile);
        fclose(f);
        countfile = fmt("%s.fcounts", work);   /* the walk's own file */
        {
            char *saved = fmt("%s.clean-counts", work);
            FILE *o = fopen(saved, "w");

            if (o) {
                fputs(counts_text, o);
                fclose(o);
            }
            free(saved);
        }
    }
    strs_add(&ok1, resp_pats.n ? split_resp(clean1, 0) : clean1);
    before_mail = resp_pats.n ? split_resp(before, 0) : before;
    if (run(NULL, NULL, NULL) != 0)
        printf("# %s: a second clean delivery fails\n", name);
    strs_add(&ok2, resp_pats.n ? split_resp(snapshot(), 0) : snapshot());
    for (size_t i = 0; i < variants.n; i++) {
        char *s;

        restore();
        install_rules(variants.v[i]);
        rc = run(NULL, NULL, NULL);
        s = snapshot();
        if (rc != 0)
            printf("# %s: variant %s exits %d\n", name, variants.v[i], rc);
        strs_add(&ok1, resp_pats.n ? split_resp(s, 0) : s);
        /* then a clean delivery with the scenario's rules */
        {
            char *orig = fmt("%s/%s", tmpl, rules);
            install_rules(orig);
            free(orig);
        }
        run(NULL, NULL, NULL);
        strs_add(&ok2, resp_pats.n ? split_resp(snapshot(), 0) : snapshot());
    }

    if (getenv("WALKER_DUMP")) {           /* debugging: the allowed states */
        for (size_t i = 0; i < ok1.n; i++)
            printf("# ok1[%zu]:\n%s", i, ok1.v[i]);
        for (size_t i = 0; i < ok2.n; i++)
            printf("# ok2[%zu]:\n%s", i, ok2.v[i]);
    }
    {
        /* counts come from the clean run; the walk reads its own file */
        char *saved = countfile;
        countfile = fmt("%s.clean-counts", work);
        for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
            const struct fnspec *sp = &specs[s];
            unsigned long long n = count_of(sp->fn), k0 = 1;
            long before_points = npoints, before_bad = nbad;

            if (after_stdin) {
                char *m = fmt("stdin.%s", sp->fn);

                k0 = count_of(m) + 1;
                free(m);
            }
            if (n < k0 || !walked(sp->fn))
                continue;
            countfile = saved;
            for (unsigned long long k = k0; k <= n; k++) {
                int nerr = 0;
                char what[128];

                while (nerr < 4 && sp->errs[nerr])
                    nerr++;
                if (nerr) {
                    const char *e = sp->errs[(k - 1) % (unsigned)nerr];
                    char *f = fmt("%s:%llu:%s", sp->fn, k, e);

                    restore();
                    snprintf(what, sizeof what, "%s", f);
                    rc = timed_run(what, f, NULL, countfile);
                    judge(what, rc, 0);
                    npoints++;
                    free(f);
                }
                if (sp->eintr) {
                    char *f = fmt("%s:%llu:EINTR", sp->fn, k);

                    restore();
                    snprintf(what, sizeof what, "%s", f);
                    rc = timed_run(what, f, NULL, countfile);
                    judge(what, rc, 1);
                    npoints++;
                    free(f);
                }
                if (strcmp(sp->fn, "clock_gettime") == 0) {
                    char *f = fmt("%llu:-86400", k);

                    restore();
                    snprintf(what, sizeof what, "clock jumps back a day at clock_gettime #%llu", k);
                    rc = timed_run(what, NULL, f, countfile);
                    /* (a clock shift does not "fire") */
                    nnotfired--;
                    judge(what, rc, 1);
                    npoints++;
                    free(f);
                }
            }
            strs_add(&per, fmt("%s %ld%s", sp->fn, npoints - before_points,
                               nbad > before_bad ? "!" : ""));
            countfile = fmt("%s.clean-counts", work);
        }
    }
    {
        size_t len = 1;
        for (size_t i = 0; i < per.n; i++)
            len += strlen(per.v[i]) + 2;
        summary = calloc(1, len);
        for (size_t i = 0; i < per.n; i++) {
            strcat(summary, per.v[i]);
            if (i + 1 < per.n)
                strcat(summary, ", ");
        }
    }
    printf("# %s: %ld runs: %ld as clean, %ld an allowed variant, %ld exit 75%s with nothing "
           "changed, %ld repaired by the next delivery, %ld temporary names left by a "
           "failed unlink, %ld bad; %ld faults did not fire; slowest run %.2f s (%s)\n",
           name, npoints, nclean, nvariant, nbounce, extra_exit >= 0 ? " (or -x)" : "",
           nrepaired, ntolerated, nbad, nnotfired, slowest, slowest_what);
    printf("# %s: points per function: %s\n", name, summary);
    if (resp_pats.n)
        printf("# %s: responder side: %ld runs not allowed, %ld repaired by the next delivery\n",
               name, nresp_bad, nresp_repaired);
    printf("POINTS %ld BAD %ld RESP_BAD %ld\n", npoints, nbad, nresp_bad);
    rm_tree(work);
    return nbad ? 1 : 0;
}
