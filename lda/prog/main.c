/*
 * main.c -- weir's command line: delivery (the default) and the
 * subcommands.
 *
 * Delivery: start-up hygiene, read the message (lda/message.c), work out
 * the envelope, deliver, and map the final struct status to one exit code
 * (sysexits.h) and one stderr line that starts with the RFC 3463 code.
 * main() is the only product caller of status_sysexit() (lda/status.c).
 *
 * SECURITY: -d USER is honoured only for root or for the invoking user
 * themself; the switch (supplementary groups, gid, uid, verified) happens
 * before any file the user controls is opened.
 */
#include "config.h"
#include "commands.h"
#include "delivery.h"
#include "flow.h"
#include "dynload.h"
#include "log.h"
#include "priv.h"
#include "util.h"
#include "weir_config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

static void
usage(FILE *fp)
{
    fprintf(fp,
"usage: weir [-v] [-c config] [-r rules] [-f sender] [-a recipient] [-i client]\n"
"            [-d user] < message\n"
"       weir --version | --help\n"
"\n"
"Deliver one message from standard input for the invoking user (or USER\n"
"with -d, when run by root).  See weir(1).\n"
"\n"
"  -f sender     envelope sender (default: the From_ line, Return-Path,\n"
"                then $SENDER)\n"
"  -a recipient  envelope recipient (default: $RECIPIENT, then the user)\n"
"  -i client     the connecting client's IP address (also --client;\n"
"                default: $CLIENT_ADDRESS, then the Received: fields)\n"
"  -d user       deliver for USER (root only)\n"
"  -r rules      the user's rules from RULES instead of ~/.weir/rules\n"
"                (the same ownership and permission checks apply)\n"
"  -c config     read CONFIG instead of " WEIR_CONFIG_FILE "\n"
"                (root, or a weir that is not installed setgid)\n"
"  -v            also write log lines to standard error\n"
"\n"
"Subcommands (see weir(1)): test, check, dump, compile, mime, state, import.\n");
}

static void
version(void)
{
    struct status st;

    printf("weir %s\n", PACKAGE_VERSION);
    for (const char *const *n = dynload_names; *n; n++) {
        const struct weir_module *m = dynload_module(*n, &st);

        if (m)
            printf("  module %-8s %s\n", *n, m->lib_version());
        else
            printf("  module %-8s unavailable: %s\n", *n, st.text);
    }
}


/* The system configuration: a missing default file means built-in
 * defaults; a missing -c file or any error holds the mail (exit 75), with
 * every error logged and the first one in the line the MTA shows. */
static int
load_system_config(struct weir_config *cfg, const char *config_file)
{
    const char *path = config_file ? config_file : WEIR_CONFIG_FILE;
    struct buf err = BUF_INIT;
    int rc = config_load(cfg, path, 0, &err);

    if (rc == CONFIG_MISSING && config_file)
        buf_printf(&err, "%s: error: no such file\n", path);
    else if (rc == CONFIG_MISSING || rc == 0) {
        buf_free(&err);
        return 0;
    }
    for (char *line = err.data, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl == NULL)
            break;
        *nl = '\0';
        msg_warn("%s", line);
    }
    fprintf(stderr, "4.3.5 weir: configuration error, mail held: %s\n", err.data);
    buf_free(&err);
    return -1;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "client", required_argument, NULL, 'i' },
        { NULL, 0, NULL, 0 }
    };
    struct delivery d;
    struct status st;
    struct weir_config cfg;
    const char *user = NULL, *config_file = NULL;
    int c, verbose = 0, rc, dests;

    priv_startup();         /* fds 0-2, gid drop, environment, umask 077 */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);       /* EFBIG is reported, not a signal death */
    log_catch_crashes();    /* a crash or SIGTERM takes back and exits 75 */

    if (argc > 1) {
        static const struct {
            const char *name;
            int (*fn)(int, char **);
        } sub[] = {
            { "test", cmd_test }, { "check", cmd_check },
            { "dump", cmd_dump }, { "compile", cmd_compile }, { "mime", cmd_mime },
            { "state", cmd_state }, { "import", cmd_import },
        };

        for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++)
            if (strcmp(argv[1], sub[i].name) == 0) {
                log_open("weir", LOG_DEST_STDERR, NULL);
                return sub[i].fn(argc - 1, argv + 1);
            }
    }

    delivery_init(&d);
    while ((c = getopt_long(argc, argv, "+f:a:d:c:r:i:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            d.sender_arg = optarg;
            break;
        case 'a':
            d.recipient_arg = optarg;
            break;
        case 'd':
            user = optarg;
            break;
        case 'c':
            config_file = optarg;
            break;
        case 'r':
            d.rules_arg = optarg;
            break;
        case 'i':
            d.client_arg = optarg;      /* parsed as an address only (client.h) */
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            usage(stdout);
            return EX_OK;
        case 'V':
            version();
            return EX_OK;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "weir: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EX_USAGE;
    }
    log_open("weir", LOG_DEST_SYSLOG | (verbose ? LOG_DEST_STDERR : 0), NULL);

    /* -c is for root and for tests: a setgid weir run by a user must not
     * let that user choose its configuration.  Refused with 75, because
     * mail must not bounce over a misconfigured command line. */
    if (config_file && priv_is_setgid() && getuid() != 0) {
        msg_warn("-c %s refused: weir is setgid and the caller is not root", config_file);
        fprintf(stderr, "4.3.5 weir: -c is only for root or a weir that is not setgid\n");
        return EX_TEMPFAIL;
    }
    if (user && priv_switch_user(user, &st) < 0) {
        msg_warn("%s", st.text);
        fprintf(stderr, "%s %s\n", st.code, st.text);
        return st.code[0] == '5' ? EX_NOPERM : EX_TEMPFAIL;
    }

    config_defaults(&cfg);
    if (load_system_config(&cfg, config_file) < 0) {
        config_free(&cfg);
        return EX_TEMPFAIL;
    }
    dests = (cfg.logging.syslog ? LOG_DEST_SYSLOG : 0) | (verbose ? LOG_DEST_STDERR : 0);
    if (dests != (LOG_DEST_SYSLOG | (verbose ? LOG_DEST_STDERR : 0)))
        log_open("weir", dests, NULL);
    d.cfg = &cfg;
    d.log_dests = dests;

    rc = flow_deliver(&d, 0, &st);
    (void)rc;
    if (st.cls != STATUS_OK)
        fprintf(stderr, "%s weir: %s\n", st.code, st.text);
    delivery_free(&d);
    config_free(&cfg);
    return status_sysexit(&st);
}
