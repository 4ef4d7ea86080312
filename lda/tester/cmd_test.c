/*
 * cmd_test.c -- `weir test`: the dry-run tester's command line (weir-test(1)).
 *
 * Reads messages (files, mboxes, Maildirs, or standard input), runs each
 * through lda/tester/tester.c and prints the plan a delivery would
 * execute; or runs a YAML suite (lda/tester/suite.c).  Returns EX_OK, EX_USAGE for bad arguments,
 * EX_NOINPUT for unreadable input, EX_DATAERR for rules or a suite that
 * do not load, EX_NOPERM when run as root without -d, and 1 when a suite
 * has failing cases.
 *
 * SECURITY: the tester has no use for the mail group: the first thing it
 * does is drop the setgid group for good (real, effective and saved:
 * priv_mail_drop()).  It refuses to run as root unless -d USER is given,
 * and then switches to that user (groups, gid, uid, verified:
 * priv_become_user()) before reading any input or rule file; ids are
 * changed only in lda/sys/priv.c.  It never writes outside standard output
 * and standard error.
 */
#include "config.h"
#include "commands.h"
#include "log.h"
#include "mboxsplit.h"
#include "priv.h"
#include "suite.h"
#include "tester.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define EXIT_SUITE_FAILED 1         /* some suite case failed */
#define PROGRESS_EVERY    64        /* messages between progress updates */

static void
usage(FILE *fp)
{
    fprintf(fp,
"usage: weir test [options] [MESSAGE | MBOX | MAILDIR | -]...\n"
"       weir test [options] --suite FILE.yaml\n"
"\n"
"Show what delivery would do with each message, without doing it.\n"
"Options may come before or after the inputs; '--' ends them.\n"
"\n"
"  -c FILE         configuration (default: " WEIR_CONFIG_FILE ")\n"
"  -r FILE         user rules (default: ~/.weir/rules)\n"
"  -s FILE         system rules (default: " WEIR_SYSCONFDIR "/system.rules)\n"
"  -S              no system rules\n"
"  -f SENDER       envelope sender for every message\n"
"  -a RECIPIENT    envelope recipient for every message\n"
"  -i, --client ADDR  the client's IP address for every message (default:\n"
"                  the first untrusted Received: field)\n"
"  -d USER         run as USER (required when run by root)\n"
"  -q              one verdict line per message\n"
"  --trace         show each rule, test, capture and action\n"
"  --format text|json\n"
"  --mbox mboxrd|mboxo|raw   un-quoting of mbox input (default mboxrd)\n"
"  --dns live|offline  block-list lookups: live asks DNS (dns.servers);\n"
"                  offline answers from a suite's fixtures only (the\n"
"                  default for cases with DNS fixtures); without --dns\n"
"                  other messages are not looked up\n"
"  --run-programs  really run filter programs (pipe, forward and\n"
"                  replies are still only planned)\n"
"  --env NAME=VALUE  the MTA environment the rules and programs see\n"
"                  (repeatable; EXTENSION, CLIENT_ADDRESS, ...)\n"
"  --suite FILE    run a YAML test suite\n"
"See weir-test(1).\n");
}

struct inputs {
    struct tester *t;
    enum mbox_quoting quoting;
    int progress;
    int failed;             /* an input could not be read */
    unsigned long long total;   /* bytes of all inputs, 0: unknown (stdin) */
    unsigned long long done;    /* bytes of the messages read so far */
};

#define BAR_WIDTH 30

/* On a terminal only (in->progress): the count, and with a known input
 * size a bar and a percentage (by bytes: an mbox is not counted twice). */
static void
progress(struct inputs *in, int final)
{
    if (!in->progress)
        return;
    if (final) {
        fprintf(stderr, "\r%*s\r%zu messages\n", BAR_WIDTH + 40, "", in->t->nmessages);
        return;
    }
    if (in->t->nmessages % PROGRESS_EVERY != 0)
        return;
    if (in->total > 0) {
        unsigned long long d = in->done > in->total ? in->total : in->done;
        int fill = (int)(d * BAR_WIDTH / in->total), pct = (int)(d * 100 / in->total);
        char bar[BAR_WIDTH + 1];

        memset(bar, '#', (size_t)fill);
        memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
        bar[BAR_WIDTH] = '\0';
        fprintf(stderr, "\r[%s] %3d%%  %zu messages", bar, pct, in->t->nmessages);
    } else
        fprintf(stderr, "\r%zu messages...", in->t->nmessages);
}

static int
read_fd(int fd, struct buf *b)
{
    char tmp[65536];
    ssize_t n;

    while ((n = read_retry(fd, tmp, sizeof tmp)) > 0)
        buf_add(b, tmp, (size_t)n);
    return n < 0 ? -1 : 0;
}

static void
run_one(struct inputs *in, const char *label, const char *data, size_t len,
        const char *from_line)
{
    struct tester_result res;

    tester_message(in->t, label, data, len, from_line, 1, &res);
    tester_result_free(&res);
    in->done += len + (from_line ? strlen(from_line) + 1 : 0);
    progress(in, 0);
}

static void
run_buffer(struct inputs *in, const char *name, const char *data, size_t len)
{
    struct mbox_reader r;
    struct buf msg = BUF_INIT;
    char *from_line, *label;
    size_t lineno;

    if (!mbox_detect(data, len)) {
        run_one(in, name, data, len, NULL);
        return;
    }
    /* an mbox of one message is labelled like a message file; otherwise
     * each message by the line of its From_ line */
    mbox_reader_init(&r, data, len, in->quoting);
    while (mbox_next(&r, &msg, &from_line, &lineno)) {
        if (lineno == 1 && r.off >= r.len)
            label = xstrdup(name);
        else
            label = xasprintf("%s:%zu", name, lineno);
        run_one(in, label, msg.data ? msg.data : "", msg.len, from_line);
        free(label);
        free(from_line);
    }
    buf_free(&msg);
}

/* A Maildir file in delivery order: the time at the start of its unique
 * name ("1700000000.M123456P789.host"; seconds, then the microseconds of
 * an M part), then the name itself; names that do not start with a time
 * sort after those that do. */
struct mdfile {
    char *path;
    int timed;
    unsigned long long sec, usec;
    const char *base;
};

static void
mdfile_init(struct mdfile *f, char *path, const char *base)
{
    const char *p = base, *m;

    f->path = path;
    f->base = base;
    f->sec = f->usec = 0;
    f->timed = *p >= '0' && *p <= '9';
    for (; *p >= '0' && *p <= '9' && f->sec < 100000000000ULL; p++)
        f->sec = f->sec * 10 + (unsigned long long)(*p - '0');
    if (*p == '.' && (m = strchr(p + 1, '.')) != NULL) {
        /* the second part: M<usec> among its letters (Courier, Dovecot) */
        for (const char *q = p + 1; q < m; q++)
            if (*q == 'M' && q[1] >= '0' && q[1] <= '9') {
                for (q++; q < m && *q >= '0' && *q <= '9' && f->usec < 10000000ULL; q++)
                    f->usec = f->usec * 10 + (unsigned long long)(*q - '0');
                break;
            }
    }
}

static int
cmp_mdfiles(const void *a, const void *b)
{
    const struct mdfile *x = a, *y = b;

    if (x->timed != y->timed)
        return x->timed ? -1 : 1;
    if (x->sec != y->sec)
        return x->sec < y->sec ? -1 : 1;
    if (x->usec != y->usec)
        return x->usec < y->usec ? -1 : 1;
    return strcmp(x->base, y->base);
}

/* The files of new/ and cur/ together, in delivery order (weir-test(1)). */
static struct mdfile *
maildir_files(const char *dir, size_t *np, unsigned long long *bytes, int *found)
{
    static const char *const subdirs[] = { "new", "cur" };
    struct mdfile *v = NULL;
    size_t n = 0;

    *found = 0;
    *bytes = 0;
    for (size_t s = 0; s < 2; s++) {
        char *sub = xasprintf("%s/%s", dir, subdirs[s]);
        DIR *d = opendir(sub);
        struct dirent *de;

        if (d == NULL) {
            free(sub);
            continue;
        }
        *found = 1;
        while ((de = readdir(d)) != NULL) {
            struct stat sb;
            char *path;

            if (de->d_name[0] == '.')
                continue;
            path = xasprintf("%s/%s", sub, de->d_name);
            if (stat(path, &sb) == 0)
                *bytes += (unsigned long long)sb.st_size;
            v = xreallocarray(v, n + 1, sizeof *v);
            mdfile_init(&v[n], path, path + strlen(sub) + 1);
            n++;
        }
        closedir(d);
        free(sub);
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_mdfiles);
    *np = n;
    return v;
}

static void
run_maildir(struct inputs *in, const char *dir)
{
    unsigned long long bytes;
    size_t n;
    int found;
    struct mdfile *v = maildir_files(dir, &n, &bytes, &found);

    for (size_t i = 0; i < n; i++) {
        struct buf b = BUF_INIT;
        int fd = open(v[i].path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

        if (fd < 0 || read_fd(fd, &b) < 0) {
            fprintf(stderr, "weir test: %s: %s\n", v[i].path, strerror(errno));
            in->failed = 1;
        } else
            run_one(in, v[i].path, b.data ? b.data : "", b.len, NULL);
        if (fd >= 0)
            close(fd);
        buf_free(&b);
        free(v[i].path);
    }
    free(v);
    if (!found) {
        fprintf(stderr, "weir test: %s: a directory without cur/ or new/ is not a Maildir\n", dir);
        in->failed = 1;
    }
}

/* The bytes all inputs hold, for the progress bar; 0 when one of them is
 * standard input (unknown). */
static unsigned long long
input_bytes(char **paths, int n)
{
    unsigned long long total = 0;

    for (int i = 0; i < n; i++) {
        struct stat sb;

        if (strcmp(paths[i], "-") == 0)
            return 0;
        if (stat(paths[i], &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            unsigned long long bytes;
            size_t nf;
            int found;
            struct mdfile *v = maildir_files(paths[i], &nf, &bytes, &found);

            for (size_t k = 0; k < nf; k++)
                free(v[k].path);
            free(v);
            total += bytes;
        } else
            total += (unsigned long long)sb.st_size;
    }
    return total;
}

static void
run_input(struct inputs *in, const char *path)
{
    struct buf b = BUF_INIT;
    struct stat sb;
    int fd;

    if (strcmp(path, "-") == 0) {
        if (read_fd(0, &b) < 0) {
            fprintf(stderr, "weir test: standard input: %s\n", strerror(errno));
            in->failed = 1;
        } else
            run_buffer(in, "-", b.data ? b.data : "", b.len);
        buf_free(&b);
        return;
    }
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        run_maildir(in, path);
        return;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read_fd(fd, &b) < 0) {
        fprintf(stderr, "weir test: %s: %s\n", path, strerror(errno));
        in->failed = 1;
    } else
        run_buffer(in, path, b.data ? b.data : "", b.len);
    if (fd >= 0)
        close(fd);
    buf_free(&b);
}

/* Root must name the user; then become that user completely
 * (lda/sys/priv.c does the switch).  Anyone else may name only themself. */
static int
become_user(const char *user)
{
    struct passwd *pw;
    struct status st;

    if (getuid() != 0) {
        if (user == NULL)
            return 0;
        errno = 0;
        pw = getpwnam(user);
        if (pw && pw->pw_uid == getuid())
            return 0;
        fprintf(stderr, "weir test: -d %s: only root may test as another user\n", user);
        return -1;
    }
    if (user == NULL) {
        fprintf(stderr, "weir test: refusing to run as root; use -d USER to test as USER\n");
        return -1;
    }
    if (priv_become_user(user, &st) != 0) {
        fprintf(stderr, "weir test: %s\n", st.text);
        return -1;
    }
    return 0;
}

static int run(struct tester_opts *opts_, struct inputs *in_, const char *user,
               const char *suite_path, int argc, char **argv);

int
cmd_test(int argc, char **argv)
{
    enum { OPT_TRACE = 256, OPT_FORMAT, OPT_MBOX, OPT_DNS, OPT_RUN, OPT_SUITE, OPT_ENV };
    static const struct option longopts[] = {
        { "trace", no_argument, NULL, OPT_TRACE },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "mbox", required_argument, NULL, OPT_MBOX },
        { "dns", required_argument, NULL, OPT_DNS },
        { "client", required_argument, NULL, 'i' },
        { "run-programs", no_argument, NULL, OPT_RUN },
        { "suite", required_argument, NULL, OPT_SUITE },
        { "env", required_argument, NULL, OPT_ENV },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    struct tester_opts opts;
    struct inputs in;
    const char *user = NULL, *suite_path = NULL;
    char **env = NULL;
    size_t nenv = 0;
    int c, rc;

    /* The tester has no use for the mail group. */
    if (priv_mail_drop() != 0) {
        fprintf(stderr, "weir test: cannot drop the mail group: %s\n", strerror(errno));
        return EX_OSERR;
    }
    memset(&opts, 0, sizeof opts);
    opts.format = TESTER_TEXT;
    memset(&in, 0, sizeof in);
    in.quoting = MBOX_RD;
    optind = 1;
    /* options and inputs in any order (GNU getopt permutes them) */
    while ((c = getopt_long(argc, argv, "c:r:s:Sf:a:i:d:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': opts.config = optarg; break;
        case 'r': opts.user_rules = optarg; break;
        case 's': opts.system_rules = optarg; break;
        case 'S': opts.no_system_rules = 1; break;
        case 'f': opts.sender = optarg; break;
        case 'a': opts.recipient = optarg; break;
        case 'i': opts.client = optarg; break;
        case 'd': user = optarg; break;
        case 'q': opts.brief = 1; break;
        case OPT_TRACE: opts.trace = 1; break;
        case OPT_DNS:
            if (strcmp(optarg, "live") == 0)
                opts.dns = TESTER_DNS_LIVE;
            else if (strcmp(optarg, "offline") == 0)
                opts.dns = TESTER_DNS_OFFLINE;
            else {
                fprintf(stderr, "weir test: --dns takes live or offline, not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case OPT_RUN: opts.run_programs = 1; break;
        case OPT_ENV: {
            const char *eq = strchr(optarg, '=');
            size_t k = 0;

            if (eq && eq > optarg && (optarg[0] < '0' || optarg[0] > '9'))
                for (k = 0; optarg + k < eq; k++)
                    if (!((optarg[k] >= 'A' && optarg[k] <= 'Z') ||
                          (optarg[k] >= 'a' && optarg[k] <= 'z') ||
                          (optarg[k] >= '0' && optarg[k] <= '9') || optarg[k] == '_'))
                        break;
            if (eq == NULL || eq == optarg || optarg + k != eq) {
                fprintf(stderr, "weir test: --env takes NAME=VALUE (NAME: letters, digits, _), "
                        "not '%s'\n", optarg);
                return EX_USAGE;
            }
            env = xreallocarray(env, nenv + 2, sizeof *env);
            env[nenv++] = optarg;
            env[nenv] = NULL;
            break;
        }
        case OPT_SUITE: suite_path = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                opts.format = TESTER_TEXT;
            else if (strcmp(optarg, "json") == 0)
                opts.format = TESTER_JSON;
            else {
                fprintf(stderr, "weir test: --format: expected text or json, not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case OPT_MBOX:
            if ((in.quoting = mbox_quoting_parse(optarg)) == 0) {
                fprintf(stderr, "weir test: --mbox: expected mboxrd, mboxo or raw, not '%s'\n",
                        optarg);
                return EX_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return EX_OK;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    opts.env = env;
    rc = run(&opts, &in, user, suite_path, argc, argv);
    free(env);
    return rc;
}

static int
run(struct tester_opts *opts_, struct inputs *in_, const char *user, const char *suite_path,
    int argc, char **argv)
{
    struct tester_opts opts = *opts_;
    struct inputs in = *in_;
    struct tester t;
    struct status st;

    if (become_user(user) != 0)
        return EX_NOPERM;
    if (suite_path) {
        struct suite s;
        struct buf errors = BUF_INIT;
        int failed;

        if (optind != argc) {
            fprintf(stderr, "weir test: --suite takes no message arguments\n");
            return EX_USAGE;
        }
        if (suite_load(suite_path, &s, &errors) != 0) {
            fputs(errors.data ? errors.data : "", stderr);
            buf_free(&errors);
            return EX_DATAERR;
        }
        buf_free(&errors);
        failed = suite_run(&s, &opts, stdout, &st);
        suite_free(&s);
        if (failed < 0) {
            fprintf(stderr, "weir test: %s\n", st.text);
            return EX_DATAERR;
        }
        return failed ? EXIT_SUITE_FAILED : EX_OK;
    }

    if (tester_init(&t, &opts, stdout, &st) != 0) {
        fprintf(stderr, "weir test: %s\n", st.text);
        return EX_TEMPFAIL;
    }
    if (t.load_error.cls != STATUS_OK) {
        if (t.load_diags)
            fputs(t.load_diags, stderr);
        fprintf(stderr, "weir test: %s\n", t.load_error.text);
        tester_free(&t);
        return EX_DATAERR;
    }
    in.t = &t;
    in.progress = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
    if (in.progress)
        in.total = optind == argc ? 0 : input_bytes(argv + optind, argc - optind);
    if (optind == argc)
        run_input(&in, "-");
    for (int i = optind; i < argc; i++)
        run_input(&in, argv[i]);
    progress(&in, 1);
    if (t.nmessages > 1)
        tester_summary(&t);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "weir test: cannot write the report\n");
        tester_free(&t);
        return EX_IOERR;
    }
    tester_free(&t);
    return in.failed ? EX_NOINPUT : EX_OK;
}
