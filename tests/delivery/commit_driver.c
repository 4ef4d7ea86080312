/*
 * commit_driver.c -- TEST DRIVER, not part of weir: stands in for the
 * rule VM until it lands.  It reads a message on stdin exactly as weir
 * does (flow_prepare()), builds an action list from its arguments and
 * runs the same commit step weir runs (commit_run()), then exits the way
 * weir's main() does (0, 75 for 4.x.x, 77 for 5.7.x, 69 otherwise) with
 * the one status line on stderr.
 *
 * usage: commit_driver [-v] [-f sender] [-D default-mailbox] [-W lock-wait]
 *                      [-R maildir-root] [-M mail-root] [-A append-dir]
 *                      [-S spool-dir] [-s sendmail]
 *                      ACTION...
 * ACTION: file:T copy:T tfile:T tcopy:T (t = tainted) shadow:T discard
 *         bounce:TEXT defer:TEXT fakebounce reply:TEXT pipe:CMD tpipe:CMD
 *         cpipe:CMD (copy) forward:ADDR tforward:ADDR log:TEXT
 * Each action is attributed to "driver" line N (its argument position).
 */
#include "config.h"
#include "actions.h"
#include "commit.h"
#include "delivery.h"
#include "flow.h"
#include "log.h"
#include "priv.h"
#include "status.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

/*
 * LeakSanitizer cannot stop a process whose saved gid differs from its
 * real gid (the setgid copy in tests/delivery/spool.sh): its checker would
 * fail the run.  LSan calls this hook (sanitizer/lsan_interface.h) to ask
 * whether it is switched off; in other builds it is never called.
 */
int __lsan_is_turned_off(void);
int
__lsan_is_turned_off(void)
{
    return priv_is_setgid();
}


static int
add(struct action_list *l, const char *arg, int line)
{
    static const struct {
        const char *prefix;
        enum action_kind kind;
        unsigned flags;
        int field;              /* 0 none, 1 target, 2 text */
    } map[] = {
        { "file:", ACT_FILE, 0, 1 },
        { "copy:", ACT_FILE, ACT_F_COPY, 1 },
        { "tfile:", ACT_FILE, ACT_F_TAINTED, 1 },
        { "tcopy:", ACT_FILE, ACT_F_TAINTED | ACT_F_COPY, 1 },
        { "shadow:", ACT_FILE, ACT_F_SHADOW, 1 },
        { "discard", ACT_DISCARD, 0, 0 },
        { "bounce:", ACT_BOUNCE, 0, 2 },
        { "defer:", ACT_DEFER, 0, 2 },
        { "fakebounce", ACT_FAKEBOUNCE, 0, 0 },
        { "reply:", ACT_REPLY, 0, 2 },
        { "pipe:", ACT_PIPE, 0, 1 },
        { "tpipe:", ACT_PIPE, ACT_F_TAINTED, 1 },
        { "cpipe:", ACT_PIPE, ACT_F_COPY, 1 },
        { "forward:", ACT_FORWARD, 0, 1 },
        { "tforward:", ACT_FORWARD, ACT_F_TAINTED, 1 },
        { "log:", ACT_LOG, 0, 2 },
    };

    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t n = strlen(map[i].prefix);
        struct action a;

        if (map[i].field == 0 ? strcmp(arg, map[i].prefix) != 0
                              : strncmp(arg, map[i].prefix, n) != 0)
            continue;
        memset(&a, 0, sizeof a);
        a.kind = map[i].kind;
        a.flags = map[i].flags;
        if (map[i].field == 1)
            a.target = (char *)(arg + n);
        else if (map[i].field == 2)
            a.text = (char *)(arg + n);
        a.file = "driver";
        a.line = line;
        actions_add(l, &a);
        return 0;
    }
    return -1;
}

int
main(int argc, char **argv)
{
    struct delivery d;
    struct action_list l;
    struct status st;
    int c, verbose = 0, rc;

    priv_init();
    umask(077);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    delivery_init(&d);
    while ((c = getopt(argc, argv, "+vf:D:W:R:M:A:S:s:")) != -1) {
        switch (c) {
        case 'v': verbose = 1; break;
        case 'f': d.sender_arg = optarg; break;
        case 'D': d.default_mailbox = strdup(optarg); break;
        case 'W': d.lock_wait_sec = (unsigned)atoi(optarg); break;
        case 'R': d.maildir_root = optarg; break;
        case 'M': d.mail_root = optarg; break;
        case 'A': d.append_dir = optarg; break;
        case 'S': d.spool_dir = optarg; break;
        case 's': d.sendmail = optarg; break;
        default:
            fprintf(stderr, "commit_driver: bad option\n");
            free(d.default_mailbox);
            return EX_USAGE;
        }
    }
    log_open("weir-driver", LOG_DEST_SYSLOG | (verbose ? LOG_DEST_STDERR : 0), NULL);
    actions_init(&l);
    for (int i = optind; i < argc; i++)
        if (add(&l, argv[i], i - optind + 1) < 0) {
            fprintf(stderr, "commit_driver: unknown action '%s'\n", argv[i]);
            free(d.default_mailbox);
            return EX_USAGE;
        }
    rc = flow_prepare(&d, 0, &st);
    if (rc == 0)
        rc = commit_run(&d, &l, &st);
    if (st.cls != STATUS_OK)
        fprintf(stderr, "%s weir: %s\n", st.code, st.text);
    actions_free(&l);
    delivery_free(&d);
    return status_sysexit(&st);
}
