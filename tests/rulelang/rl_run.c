/*
 * rl_run.c -- test driver for the rule VM: compile RULES (and -S SYSTEM),
 * read MESSAGE through lda/store/message.c, run, and print the action list in a
 * canonical text form (one line per action / score reason, flags named),
 * the host log lines and, with -t, the trace events.  Used by vm.sh with
 * .ref files; not installed.
 *
 * usage: rl_run [-S system.rules] [-f sender] [-a recipient] [-i client] [-x extension]
 *               [-n steps] [-t] [-F] [-B] [-T epoch] MESSAGE RULES
 *   -F  provide a host filter that adds "X-Filtered: yes" to the header
 *   -B  the host has no body to give, nor the message to walk (body and
 *       attachment tests cannot be decided)
 *   -T  the clock ${date:...} reads, seconds since the epoch, in UTC
 */
#include "config.h"
#include "dynload.h"
#include "message.h"
#include "rl.h"
#include "rulecache.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bodyctx {
    struct message *m;
    struct buf body;
    int got;
};

static ssize_t
read_msg(void *ctx, void *buf, size_t n, size_t off)
{
    return message_pread(ctx, buf, n, off);
}

static int
get_body(void *ctx, const char **p, size_t *len)
{
    struct bodyctx *b = ctx;

    if (!b->got) {
        char tmp[8192];
        size_t off = b->m->header_len;
        ssize_t r;
        while ((r = message_pread(b->m, tmp, sizeof tmp, off)) > 0) {
            buf_add(&b->body, tmp, (size_t)r);
            off += (size_t)r;
        }
        if (r < 0)
            return -1;
        b->got = 1;
    }
    *p = b->body.data ? b->body.data : "";
    *len = b->body.len;
    return 0;
}

static void
host_log(void *ctx, enum rl_log_level lvl, const char *text)
{
    (void)ctx;
    printf("log %s: %s\n", lvl == RL_LOG_WARN ? "warn" : "info", text);
}

static struct buf filtered;

static int
host_filter(void *ctx, const char *cmd, struct rl_msg *msg, struct status *st)
{
    (void)ctx;
    if (strcmp(cmd, "fail") == 0) {
        status_set(st, "4.3.0", "filter %s failed", cmd);
        return -1;
    }
    buf_reset(&filtered);
    buf_adds(&filtered, "X-Filtered: yes\n");
    buf_add(&filtered, msg->header, msg->header_len);
    msg->header = filtered.data;
    msg->header_len = filtered.len;
    return 0;
}

static void
flags(unsigned f)
{
    static const struct { unsigned bit; const char *name; } n[] = {
        { ACT_F_COPY, "copy" }, { ACT_F_SHADOW, "shadow" }, { ACT_F_FINAL, "final" },
        { ACT_F_SYSTEM, "system" }, { ACT_F_TAINTED, "tainted" }, { ACT_F_APPLIED, "applied" },
    };
    const char *sep = " [";
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
        if (f & n[i].bit) {
            printf("%s%s", sep, n[i].name);
            sep = ",";
        }
    if (sep[0] == ',')
        printf("]");
}

static void
trace_cb(void *ctx, const struct rl_trace_event *e)
{
    static const char *const k[] = { "?", "rule", "test", "capture", "set", "action",
                                     "score", "stop", "limit" };
    (void)ctx;
    printf("trace %s line %d", k[e->kind], e->line);
    if (e->rule) printf(" rule=%s", e->rule);
    if (e->kind == RL_TR_TEST)
        printf(" %s value=\"%s\" operand=\"%s\" -> %s", e->test, e->value ? e->value : "",
               e->operand ? e->operand : "",
               e->undecided ? "undecided" : e->result ? "true" : "false");
    if (e->kind == RL_TR_CAPTURE || e->kind == RL_TR_SET)
        printf(" %s=\"%s\"", e->name, e->value);
    if (e->kind == RL_TR_ACTION)
        printf(" %s", actions_kind_name(e->action->kind));
    if (e->kind == RL_TR_SCORE)
        printf(" %+g \"%s\"", e->points, e->value);
    if (e->kind == RL_TR_LIMIT)
        printf(" %s", e->value);
    printf("\n");
}

static struct rl_program *
load(const char *path)
{
    struct rl_diags d;
    struct buf out = BUF_INIT;
    struct status st;
    enum rulecache_result how;
    struct rl_program *p;

    rl_diags_init(&d);
    p = rulecache_get(path, NULL, 0, NULL, &d, &how, &st);
    rl_diags_format(&d, &out);
    if (out.len)
        fputs(out.data, stdout);
    if (p == NULL) {
        printf("error: %s\n", st.text);
        exit(1);
    }
    rl_diags_free(&d);
    buf_free(&out);
    return p;
}

int
main(int argc, char **argv)
{
    const char *sys = NULL;
    struct rl_msg msg;
    struct rl_host host = { .log = host_log, .module = dynload_api };
    struct rl_trace tr = { trace_cb, NULL };
    struct rl_limits lim;
    struct intake_limits il;
    struct message m;
    struct status st;
    struct bodyctx bc;
    struct action_list out;
    struct rl_program *sp = NULL, *up;
    int c, trace = 0, fd, rc, nobody = 0;

    memset(&msg, 0, sizeof msg);
    rl_limits_default(&lim);
    host.module = dynload_api;          /* libmagic, libarchive ($WEIR_MODULEDIR) */
    msg.envelope_from = "sender@example.net";
    msg.envelope_to = "user+box@example.org";
    msg.user = "user";
    msg.home = "/home/user";
    static const char *const env[] = { "CLIENT_ADDRESS=192.0.2.1", NULL };
    msg.env = env;
    while ((c = getopt(argc, argv, "S:f:a:i:x:n:tFBT:")) != -1) {
        switch (c) {
        case 'S': sys = optarg; break;
        case 'f': msg.envelope_from = strcmp(optarg, "<>") ? optarg : ""; break;
        case 'a': msg.envelope_to = optarg; break;
        case 'i': msg.client = optarg; break;     /* the client, as given */
        case 'x': msg.extension = optarg; break;
        case 'n': lim.steps = strtoul(optarg, NULL, 10); break;
        case 't': trace = 1; break;
        case 'F': host.filter = host_filter; break;
        case 'B': nobody = 1; break;
        case 'T':               /* a fixed clock for ${date:...}, in UTC */
            msg.now = (time_t)strtoll(optarg, NULL, 10);
            setenv("TZ", "UTC0", 1);
            tzset();
            break;
        default: return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: rl_run [options] MESSAGE RULES\n");
        return 2;
    }
    if (sys)
        sp = load(sys);
    up = load(argv[optind + 1]);
    message_limits_default(&il);
    il.spool_dir = "/tmp";
    if ((fd = open(argv[optind], O_RDONLY)) < 0 || message_read(&m, fd, &il, &st) < 0) {
        printf("error: cannot read %s\n", argv[optind]);
        return 1;
    }
    close(fd);
    memset(&bc, 0, sizeof bc);
    bc.m = &m;
    msg.header = m.header;
    msg.header_len = m.header_len;
    msg.from_line = m.from_line;
    msg.size = m.len;
    msg.get_body = nobody ? NULL : get_body;
    msg.body_ctx = &bc;
    msg.read = nobody ? NULL : read_msg; /* for the MIME walk (body, attachment) */
    msg.read_ctx = &m;
    actions_init(&out);
    rc = rl_run_chain(sp, up, &msg, &host, &lim, &out, trace ? &tr : NULL, &st);
    if (rc < 0)
        printf("run failed: %s %s\n", st.code, st.text);
    for (size_t i = 0; i < out.n; i++) {
        const struct action *a = &out.v[i];
        printf("action %s", actions_kind_name(a->kind));
        if (a->target) printf(" target=\"%s\"", a->target);
        if (a->name) printf(" name=\"%s\"", a->name);
        if (a->text) printf(" text=\"%s\"", a->text);
        if (a->subject) printf(" subject=\"%s\"", a->subject);
        if (a->days) printf(" days=%ld", a->days);
        flags(a->flags);
        printf(" (line %d%s%s)\n", a->line, a->rule ? ", rule " : "", a->rule ? a->rule : "");
    }
    for (size_t i = 0; i < out.nreasons; i++)
        printf("score %+g \"%s\" (line %d)\n", out.reasons[i].points, out.reasons[i].reason,
               out.reasons[i].line);
    printf("total score %g%s%s; keep %s\n", out.score, out.stopped ? "; stopped" : "",
           out.system_stopped ? "; system stopped" : "",
           actions_cancel_keep(&out) ? "cancelled" : "implicit");
    actions_free(&out);
    rl_program_free(sp);
    rl_program_free(up);
    buf_free(&bc.body);
    buf_free(&filtered);
    message_free(&m);
    return 0;
}
