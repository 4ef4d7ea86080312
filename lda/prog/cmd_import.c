/*
 * cmd_import.c -- `weir import procmailrc [options] [FILE]`: translate a
 * procmail rcfile (default ~/.procmailrc) into weir rules (weir-import(1)).
 *
 * The rules go to standard output (or -o FILE: a regular file is written
 * to a temporary name and renamed, mode 0600; a device or FIFO is written
 * to as it is); a summary of what could not be translated
 * or is approximated, with file:line, goes to standard error.  The
 * translation is compiled before it is written: output that weir would
 * not accept is a bug of the translator, reported with exit 70 and never
 * written.
 *
 * Exit: 0 complete, 1 complete except the statements the summary lists,
 * 64 usage, 66 the rcfile cannot be read, 73 the output cannot be
 * written, 70 internal error.  Reads the rcfile and the files it
 * INCLUDERCs (up to RL_DEFAULT_SOURCE_MAX bytes each); runs nothing.
 */
#include "config.h"
#include "commands.h"
#include "pmrc.h"
#include "registry.h"
#include "rl.h"
#include "rulecache.h"

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

static int
read_rc(void *ctx, const char *path, struct buf *out, char *err, size_t errlen)
{
    (void)ctx;
    return rulecache_read_file(NULL, path, out, err, errlen);
}

static int
is_dir(void *ctx, const char *path)
{
    struct stat st;

    (void)ctx;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void
usage(FILE *f)
{
    fputs("usage: weir import procmailrc [-o FILE] [-q] [--user NAME] [--home DIR] [--host NAME]\n"
          "       [RCFILE]\n"
          "Translate a procmail rcfile (default ~/.procmailrc) into weir rules.\n"
          "  -o FILE       write the rules to FILE (default: standard output)\n"
          "  -q            no summary of what was not translated\n"
          "  --user NAME   the login name $LOGNAME stands for in regexes\n"
          "  --home DIR    the home directory $HOME stands for in regexes\n"
          "  --host NAME   the host name $HOST stands for (default: this machine's)\n"
          "Exit 0: all translated; 1: the summary lists what was not.\n", f);
}

static int
write_out(const char *path, const struct buf *b)
{
    char *tmp;
    int fd;
    struct stat st;

    if (path != NULL && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* a device, a FIFO: written to as it is, never replaced (a
         * rename over /dev/null would turn it into a file) */
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write_all(fd, b->data, b->len) != 0 || close(fd) != 0) {
            fprintf(stderr, "weir import: cannot write %s: %s\n", path, strerror(errno));
            return EX_CANTCREAT;
        }
        return 0;
    }
    if (path == NULL) {
        if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
            fprintf(stderr, "weir import: cannot write the rules: %s\n", strerror(errno));
            return EX_CANTCREAT;
        }
        return 0;
    }
    tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, b->data, b->len) != 0 || fsync(fd) != 0 || close(fd) != 0 ||
        rename(tmp, path) != 0) {
        fprintf(stderr, "weir import: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            unlink(tmp);
        free(tmp);
        return EX_CANTCREAT;
    }
    free(tmp);
    return 0;
}

int
cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "user", required_argument, NULL, 'u' },
        { "home", required_argument, NULL, 'H' },
        { "host", required_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *outpath = NULL, *user = getenv("LOGNAME"), *home = getenv("HOME");
    const char *host = NULL;
    char hostbuf[256];
    char *rcpath;
    struct pmrc_options opt;
    struct pmrc_reader rd = { read_rc, is_dir, NULL };
    struct pmrc_result res;
    struct buf src = BUF_INIT;
    char err[256];
    int c, quiet = 0, rc;
    const struct passwd *pw = getpwuid(getuid());

    if (argc < 2 || strcmp(argv[1], "procmailrc") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage(stdout);
            return 0;
        }
        usage(stderr);
        return EX_USAGE;
    }
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': outpath = optarg; break;
        case 'q': quiet = 1; break;
        case 'u': user = optarg; break;
        case 'H': home = optarg; break;
        case 'N': host = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (argc - optind > 1) {
        usage(stderr);
        return EX_USAGE;
    }
    if (user == NULL && pw)
        user = pw->pw_name;
    if (home == NULL && pw)
        home = pw->pw_dir;
    if (optind < argc)
        rcpath = xstrdup(argv[optind]);
    else
        rcpath = xasprintf("%s/.procmailrc", home ? home : ".");
    if (rulecache_read_file(NULL, rcpath, &src, err, sizeof err) < 0) {
        fprintf(stderr, "weir import: cannot read %s: %s\n", rcpath, err);
        free(rcpath);
        return EX_NOINPUT;
    }
    memset(&opt, 0, sizeof opt);
    opt.user = user ? user : "";
    opt.home = home ? home : "";
    if (host == NULL) {
        /* procmail's HOST: the name of the machine it runs on, which is
         * this one when the user translates where the mail is delivered */
        if (gethostname(hostbuf, sizeof hostbuf) == 0) {
            hostbuf[sizeof hostbuf - 1] = '\0';
            host = hostbuf;
        }
    }
    opt.host = host;
    opt.include_depth = PMRC_DEFAULT_INCLUDE_DEPTH;
    opt.have = PMRC_HAVE_PROGRAM_TEST | PMRC_HAVE_DUPLICATE | PMRC_HAVE_REPLY | PMRC_HAVE_SEARCH;
    rc = pmrc_translate(rcpath, src.data ? src.data : "", src.len, &rd, &opt, &res);

    /* the translation must compile: anything else is the translator's bug */
    {
        struct rl_reader rr = { rulecache_read_file, NULL };
        struct rl_diags d;
        struct rl_program *p;

        rl_diags_init(&d);
        p = rl_compile(outpath ? outpath : "(weir import)", res.out.data ? res.out.data : "",
                       res.out.len, &rr, NULL, &d);
        if (p == NULL) {
            struct buf e = BUF_INIT;
            rl_diags_format(&d, &e);
            fprintf(stderr, "weir import: internal error: the translation does not compile:\n%s",
                    e.data ? e.data : "");
            buf_free(&e);
            rl_diags_free(&d);
            pmrc_result_free(&res);
            buf_free(&src);
            free(rcpath);
            return EX_SOFTWARE;
        }
        rl_program_free(p);
        rl_diags_free(&d);
    }
    {
        int w = write_out(outpath, &res.out);
        if (w) {
            pmrc_result_free(&res);
            buf_free(&src);
            free(rcpath);
            return w;
        }
    }
    if (!quiet) {
        for (size_t i = 0; i < res.nnotes; i++) {
            const struct pmrc_note *n = &res.notes[i];
            fprintf(stderr, "%s:%d: %s: %s\n", n->file, n->line,
                    n->kind == PMRC_UNTRANSLATED ? "not translated" :
                    n->kind == PMRC_APPROX ? "approximated" : "note", n->text);
        }
        fprintf(stderr, "weir import: %d of %d recipes translated; %d statement%s not translated\n",
                res.translated, res.recipes, res.untranslated, res.untranslated == 1 ? "" : "s");
    }
    pmrc_result_free(&res);
    buf_free(&src);
    free(rcpath);
    return rc;
}
