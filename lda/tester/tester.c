/*
 * tester.c -- the dry-run tester (see tester.h): one message at a time
 * through the delivery's intake, envelope, rule host and commit plan,
 * then a report of the plan instead of its execution.
 *
 * Entry points: tester_init(), tester_load_rules(), tester_message(),
 * tester_summary(), tester_free().  Failures to read a message or to load
 * the rules are reported per message in struct tester_result (->error);
 * nothing here exits.
 *
 * SECURITY: the tester only reads.  Messages are normalised through an
 * anonymous memfd (no file name, gone at exit); rule files are read as
 * the invoking (unprivileged) user (cmd_test.c has dropped root) through
 * trust_open(), as a delivery reads them; the configuration is read as a
 * delivery reads it, but no log file is opened.  No program is run (the
 * rule host gets no filter, so `filter` is only recorded) unless
 * --run-programs asks for filters; no mail is sent, no database or
 * mailbox is opened: the plan (lda/prog/commit_plan.c) is made from
 * folder names alone, and the execution (lda/prog/commit.c) is not linked
 * into this module's path.
 */
#include "config.h"
#include "tester.h"
#include "folder.h"
#include "host.h"
#include "weir_config.h"
#include "trust.h"
#include "log.h"
#include "rl.h"
#include "dnsbl.h"
#include "responder.h"
#include "state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUMMARY_EXAMPLES   3            /* example messages per row */
#define SUBJECT_SHOW_MAX   200

struct tester_summary_row {
    char *destination;
    size_t count;
    char *examples[SUMMARY_EXAMPLES];
};

static const char *const dns_mode_text[] = {
    "not looked up", "real lookups (--dns live)", "from the fixtures only (--dns offline)"
};
static const char *const dns_mode_json[] = { "not looked up", "real", "fixture" };

enum tester_dns_mode
tester_dns_mode(const struct tester *t)
{
    if (t->opts.dns == TESTER_DNS_LIVE || t->opts.dns == TESTER_DNS_OFFLINE)
        return (enum tester_dns_mode)t->opts.dns;
    return t->fixture && t->fixture->ndns ? TESTER_DNS_OFFLINE : TESTER_DNS_OFF;
}

/* A fixture answer as the block-list engine's cache sees it (dnsbl.h):
 * every name is answered -- one the fixture does not name is not listed
 * -- so offline runs send nothing.  A-records in 127.0.0.0/8 outside
 * 127.255.255.0/24 are a listing; others are a bad answer, as from DNS. */
static int
fixture_get(void *ctx, const char *qname, int type, struct dnsbl_result *r)
{
    const struct tester_dns *e = tester_fixture_dns(ctx, qname);

    (void)type;
    memset(r, 0, sizeof *r);
    snprintf(r->qname, sizeof r->qname, "%s", qname);
    r->txt_asked = 1;
    if (e == NULL) {
        r->state = DNSBL_NOT_LISTED;
        snprintf(r->why, sizeof r->why, "not in the fixtures: not listed");
        return 1;
    }
    if (e->timeout) {
        r->state = DNSBL_ERROR;
        snprintf(r->why, sizeof r->why, "timeout (fixture)");
        return 1;
    }
    r->state = e->na ? DNSBL_LISTED : DNSBL_NOT_LISTED;
    for (size_t i = 0; i < e->na && r->ncodes < DNSA_ADDRS_MAX; i++) {
        struct in_addr a;
        uint32_t v;

        if (inet_pton(AF_INET, e->a[i], &a) != 1)
            continue;
        v = ntohl(a.s_addr);
        if ((v >> 24) != 127 || (v >> 8) == 0x7fffff) {
            r->state = DNSBL_BAD_ANSWER;
            r->ncodes = 0;
            snprintf(r->why, sizeof r->why, "answer %s is not a listing (fixture)", e->a[i]);
            return 1;
        }
        r->codes[r->ncodes++] = v;
    }
    if (e->ntxt)
        snprintf(r->txt, sizeof r->txt, "%s", e->txt[0]);
    snprintf(r->why, sizeof r->why, "%s (fixture)", r->state == DNSBL_LISTED ? "listed" : "not listed");
    return 1;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (2..4), or 0. */
static size_t
utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned long cp;

    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1fu;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0fu;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07u;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

void
tester_json_str(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    buf_addc(b, '"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x80) {
            /* JSON is UTF-8: raw 8-bit header bytes that are not become
             * U+FFFD, so every line stays valid JSON */
            size_t n = utf8_len((const unsigned char *)s);

            if (n) {
                buf_add(b, s, n);
                s += n - 1;
            } else
                buf_adds(b, "\\ufffd");
            continue;
        }
        switch (c) {
        case '"': buf_adds(b, "\\\""); break;
        case '\\': buf_adds(b, "\\\\"); break;
        case '\n': buf_adds(b, "\\n"); break;
        case '\r': buf_adds(b, "\\r"); break;
        case '\t': buf_adds(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                buf_adds(b, "\\u00");
                buf_addc(b, hex[c >> 4]);
                buf_addc(b, hex[c & 15]);
            } else
                buf_addc(b, c);
        }
    }
    buf_addc(b, '"');
}

static void
json_kv(struct buf *b, const char *key, const char *val)
{
    buf_printf(b, ",\"%s\":", key);
    if (val)
        tester_json_str(b, val);
    else
        buf_adds(b, "null");
}

static void
emit(struct tester *t, struct buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, t->out) != b->len)
        msg_warn("cannot write the report: %s", strerror(errno));
    buf_reset(b);
}

/* ------------------------------------------------------------------ */
/* Set-up and rules                                                    */
/* ------------------------------------------------------------------ */

/* Rule files (and includes) are opened through trust_open(), as a
 * delivery opens them: a file a delivery would refuse is refused here
 * too, with the reason. */
static int
read_rule_file(const char *path, size_t max, struct buf *out, char *err, size_t errlen)
{
    char tmp[8192];
    struct buf why = BUF_INIT;
    int fd = -1, rc = trust_open(path, getuid(), &fd, &why);
    ssize_t n;

    if (rc != 0) {
        if (rc == TRUST_MISSING)
            snprintf(err, errlen, "%s: %s", path, strerror(ENOENT));
        else
            snprintf(err, errlen, "%s: refused, as a delivery would refuse it: %s", path,
                     why.data ? why.data : "not trusted");
        buf_free(&why);
        return -1;
    }
    buf_free(&why);
    buf_reset(out);
    while ((n = read_retry(fd, tmp, sizeof tmp)) > 0) {
        if (out->len + (size_t)n > max) {
            snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
            close(fd);
            return -1;
        }
        buf_add(out, tmp, (size_t)n);
    }
    if (n < 0)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    close(fd);
    return n < 0 ? -1 : 0;
}

static int
reader_cb(void *ctx, const char *path, struct buf *out, char *err, size_t errlen)
{
    const struct tester *t = ctx;

    return read_rule_file(path, t->lim.source_max, out, err, errlen);
}

/* Compile one rule file; NULL with t->load_error/diags set on failure. */
static struct rl_program *
compile_file(struct tester *t, const char *path, struct status *st)
{
    struct rl_reader reader = { reader_cb, t };
    struct buf src = BUF_INIT, text = BUF_INIT;
    struct rl_diags diags;
    struct rl_program *p;
    char err[STATUS_TEXT_MAX];

    if (read_rule_file(path, t->lim.source_max, &src, err, sizeof err) < 0) {
        status_set(st, "4.3.0", "%s", err);
        buf_free(&src);
        return NULL;
    }
    rl_diags_init(&diags);
    p = rl_compile(path, src.data ? src.data : "", src.len, &reader, &t->lim, &diags);
    if (diags.n) {
        rl_diags_format(&diags, &text);
        if (t->load_diags) {
            buf_adds(&text, t->load_diags);
            free(t->load_diags);
        }
        t->load_diags = buf_steal(&text);
    }
    if (p == NULL)
        status_set(st, "4.3.0", "%s: %zu error%s in the rules", path, diags.nerrors,
                   diags.nerrors == 1 ? "" : "s");
    rl_diags_free(&diags);
    buf_free(&src);
    buf_free(&text);
    return p;
}

int
tester_load_rules(struct tester *t, const char *system_path, const char *user_path,
                  struct status *st)
{
    status_ok(st);
    if (system_path && (t->sys = compile_file(t, system_path, st)) == NULL)
        goto fail;
    if (user_path && (t->usr = compile_file(t, user_path, st)) == NULL)
        goto fail;
    t->have_rules = t->sys || t->usr;
    return 0;
fail:
    t->load_error = *st;
    return -1;
}

/* The system configuration as a delivery reads it (a missing default
 * file: built-in defaults), then the user's part (errors there are
 * logged and ignored, as a delivery does). */
static int
load_config(struct tester *t, const char *path, struct status *st)
{
    struct buf err = BUF_INIT;
    int rc = config_load(&t->cfg, path ? path : WEIR_CONFIG_FILE, 0, &err);

    if (rc == 0 || (rc == CONFIG_MISSING && path == NULL)) {
        buf_free(&err);
        return 0;
    }
    if (rc == CONFIG_MISSING)
        status_set(st, "4.3.5", "%s: no such file", path);
    else {
        char *nl = err.data ? strchr(err.data, '\n') : NULL;

        if (nl)
            *nl = '\0';
        status_set(st, "4.3.5", "configuration error: %s", err.data ? err.data : path);
    }
    buf_free(&err);
    return -1;
}

int
tester_init(struct tester *t, const struct tester_opts *opts, FILE *out,
            struct status *st)
{
    char *sys_default = NULL, *usr_default = NULL;
    struct stat sb;

    memset(t, 0, sizeof *t);
    t->opts = *opts;
    t->out = out;
    t->memfd = -1;
    status_ok(&t->load_error);
    config_defaults(&t->cfg);
    delivery_init(&t->d);
    t->d.cfg = &t->cfg;
    if (load_config(t, opts->config, st) < 0)
        return -1;
    if (delivery_find_user(&t->d, st) < 0)
        return -1;
    /* ~/.weir/config.yaml and the values a delivery takes from the
     * configuration (roots, default mailbox, intake limits); no log. */
    delivery_configure(&t->d, 0);
    /* weir test writes no file: the message it is given is in memory
     * already, so its intake holds it there whatever limits.memory_spool
     * says (a delivery spools above it to bound its memory); the size
     * limit still applies. */
    t->d.limits.mem_max = t->d.limits.size_max ? t->d.limits.size_max : SIZE_MAX;
    t->roots.home = t->d.home;
    t->roots.maildir_root = t->d.maildir_root;
    t->roots.mail_root = t->d.mail_root;
    /* One process runs many messages: JIT compiling the regexes pays. */
    host_limits(&t->cfg, &t->lim);
    t->lim.jit = 1;
    t->memfd = memfd_create("weir-test", MFD_CLOEXEC);
    if (t->memfd < 0) {
        status_errno(st, "4.3.0", errno, "memfd_create");
        return -1;
    }

    /* Rules as a delivery would load them, unless named. */
    if (!opts->no_system_rules && !opts->no_default_rules) {
        if (opts->system_rules == NULL) {
            sys_default = xstrdup(t->cfg.system_rules);
            if (stat(sys_default, &sb) != 0) {
                free(sys_default);
                sys_default = NULL;
            }
        }
    }
    if (opts->user_rules == NULL && !opts->no_default_rules) {
        usr_default = home_path(t->cfg.user_rules, t->d.home);
        if (stat(usr_default, &sb) != 0) {
            free(usr_default);
            usr_default = NULL;
        }
    }
    tester_load_rules(t, opts->no_system_rules ? NULL :
                      opts->system_rules ? opts->system_rules : sys_default,
                      opts->user_rules ? opts->user_rules : usr_default, st);
    free(sys_default);
    free(usr_default);
    status_ok(st);
    return 0;
}

void
tester_forget_answers(struct tester *t)
{
    for (size_t i = 0; i < t->nanswered; i++)
        free(t->answered[i]);
    free(t->answered);
    t->answered = NULL;
    t->nanswered = 0;
}

/* The answers this message's plan would send: a later message of the run
 * sees them as the state a delivery would have written (respond.c). */
static void
remember_answers(struct tester *t, const struct commit_plan *p)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        const struct commit_step *s = &p->steps[i];

        if (s->fate != COMMIT_DO || s->resp == NULL || s->resp->key == NULL ||
            s->resp->until <= state_now())
            continue;
        t->answered = xreallocarray(t->answered, t->nanswered + 1, sizeof *t->answered);
        t->answered[t->nanswered++] = xasprintf("%s %s", s->resp->kind == RESP_REPLY ?
                                                "reply" : "fakebounce", s->resp->key);
    }
}

void
tester_free(struct tester *t)
{
    tester_forget_answers(t);
    if (t->sys)
        rl_program_free(t->sys);
    if (t->usr)
        rl_program_free(t->usr);
    for (size_t i = 0; i < t->nrows; i++) {
        free(t->rows[i].destination);
        for (size_t k = 0; k < SUMMARY_EXAMPLES; k++)
            free(t->rows[i].examples[k]);
    }
    free(t->rows);
    free(t->load_diags);
    if (t->memfd >= 0)
        close(t->memfd);
    delivery_free(&t->d);
    config_free(&t->cfg);
    memset(t, 0, sizeof *t);
    t->memfd = -1;
}

void
tester_result_free(struct tester_result *res)
{
    commit_plan_free(&res->plan);
    actions_free(&res->al);
    free(res->sender);
    free(res->recipient);
    free(res->subject);
    free(res->verdict);
    free(res->destination);
    memset(res, 0, sizeof *res);
}

/* ------------------------------------------------------------------ */
/* Folders                                                             */
/* ------------------------------------------------------------------ */

static char *
folder_display(const struct folder *f)
{
    return xasprintf("%s%s", f->path, f->type == FOLDER_MAILDIR ? "/"
                                      : f->type == FOLDER_MH ? "/." : "");
}

char *
tester_resolve_folder(const struct folder_roots *r, const char *target)
{
    struct folder f;
    struct status st;
    char *s;

    if (folder_resolve(target, 0, r, &f, &st) < 0)
        return xstrdup(target);     /* not a folder name: shown as written */
    s = folder_display(&f);
    folder_free(&f);
    return s;
}

int
tester_folder_refused(const struct folder_roots *r, const char *target, unsigned flags,
                      char *why, size_t whylen)
{
    struct folder f;
    struct status st;

    if (folder_resolve(target, (flags & ACT_F_TAINTED) != 0, r, &f, &st) < 0) {
        snprintf(why, whylen, "%s", st.text);
        return 1;
    }
    folder_free(&f);
    return 0;
}

/* The default mailbox as the plan names it (allocated). */
static char *
default_display(const struct tester *t, const struct commit_plan *p)
{
    if (p->deflt_ok)
        return folder_display(&p->deflt_f);
    return xstrdup(t->d.default_mailbox ? t->d.default_mailbox : "");
}

/* Where the plan sends a step that delivers to a folder (a file action,
 * a refusal, the implicit keep), allocated; NULL for other steps. */
static char *
step_folder(const struct tester *t, const struct commit_plan *p, const struct commit_step *s)
{
    if (s->target >= 0)
        return folder_display(&p->t[s->target].f);
    if (s->fate == COMMIT_REFUSED || (s->a == NULL && s->fate == COMMIT_DO))
        return default_display(t, p);
    return NULL;
}

/* The plan's step for action i of the list (the plan has one per
 * action, in order), or NULL when there is no plan. */
static const struct commit_step *
step_of(const struct tester_result *res, size_t i)
{
    return res->ran && i < res->plan.nsteps ? &res->plan.steps[i] : NULL;
}

const char *
tester_folder_type(const char *target)
{
    size_t n = strlen(target);

    if (n >= 2 && strcmp(target + n - 2, "/.") == 0)
        return "MH";
    if (n && target[n - 1] == '/')
        return "Maildir";
    return "mbox";
}

/* ------------------------------------------------------------------ */
/* One message                                                         */
/* ------------------------------------------------------------------ */

struct run_ctx {
    struct tester *t;
    int print;                  /* the report is printed */
    struct buf line;            /* output being built */
};

/* s with newlines, tabs, other controls and (when quotes) '"' escaped,
 * so a value shows on one line. */
static void
add_quoted(struct buf *b, const char *s, int quotes)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\n')
            buf_adds(b, "\\n");
        else if (c == '\t')
            buf_adds(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            buf_printf(b, "\\x%02x", c);
        else if (quotes && c == '"')
            buf_adds(b, "\\\"");
        else
            buf_addc(b, c);
    }
}

/* The rule host's log lines (lda/prog/host.c) go into the report: what a
 * delivery would log, warnings always, the rest with --trace. */
static void
report_log(void *ctx, enum rl_log_level level, const char *text)
{
    struct run_ctx *rc = ctx;

    if (!rc->print || (level != RL_LOG_WARN && !rc->t->opts.trace))
        return;
    if (rc->t->opts.format == TESTER_JSON) {
        buf_adds(&rc->line, "{\"event\":\"log\"");
        json_kv(&rc->line, "level", level == RL_LOG_WARN ? "warning" : "info");
        json_kv(&rc->line, "text", text);
        buf_adds(&rc->line, "}\n");
    } else {
        buf_printf(&rc->line, "  log%s: ", level == RL_LOG_WARN ? " (warning)" : "");
        add_quoted(&rc->line, text, 0);
        buf_addc(&rc->line, '\n');
    }
    emit(rc->t, &rc->line);
}

static const char *const trace_kind_names[] = {
    "", "rule", "test", "capture", "set", "action", "score", "stop", "limit"
};

static void
trace_cb(void *ctx, const struct rl_trace_event *ev)
{
    struct run_ctx *rc = ctx;
    struct buf *b = &rc->line;
    const char *kind = (ev->kind >= RL_TR_RULE && ev->kind <= RL_TR_LIMIT) ?
                       trace_kind_names[ev->kind] : "unknown";

    if (rc->t->opts.format == TESTER_JSON) {
        buf_adds(b, "{\"event\":\"trace\"");
        json_kv(b, "kind", kind);
        json_kv(b, "file", ev->file);
        buf_printf(b, ",\"line\":%d", ev->line);
        json_kv(b, "rule", ev->rule);
        if (ev->desc)
            json_kv(b, "desc", ev->desc);
        if (ev->test)
            json_kv(b, "test", ev->test);
        if (ev->name)
            json_kv(b, "name", ev->name);
        if (ev->value)
            json_kv(b, "value", ev->value);
        if (ev->operand)
            json_kv(b, "operand", ev->operand);
        if (ev->detail)
            json_kv(b, "detail", ev->detail);
        if (ev->kind == RL_TR_TEST) {
            /* result: as written (after the test's own `not`s) */
            buf_printf(b, ",\"result\":%s", ev->undecided ? "\"undecided\"" :
                       (ev->result != ev->negated) ? "true" : "false");
            if (ev->negated)
                buf_adds(b, ",\"negated\":true");
            if (ev->counted)
                buf_printf(b, ",\"values\":%zu", ev->nvalues);
        }
        if (ev->kind == RL_TR_SCORE)
            buf_printf(b, ",\"points\":%g", ev->points);
        if (ev->action) {
            json_kv(b, "action", actions_kind_name(ev->action->kind));
            if (ev->action->target)
                json_kv(b, "target", ev->action->target);
        }
        buf_adds(b, "}\n");
    } else {
        buf_printf(b, "  trace %s:%d: ", ev->file ? ev->file : "?", ev->line);
        switch (ev->kind) {
        case RL_TR_RULE:
            buf_printf(b, "rule %s%s%s", ev->rule ? ev->rule : "(unnamed)",
                       ev->desc ? " - " : "", ev->desc ? ev->desc : "");
            break;
        case RL_TR_TEST: {
            /* as written: `is not "a"` (or `not ...` for the others), and
             * the result the condition sees */
            const char *t = ev->test ? ev->test : "test";
            size_t tl = strlen(t);
            int is_is = tl >= 3 && strcmp(t + tl - 3, " is") == 0;

            if (ev->negated && !is_is)
                buf_adds(b, "not ");
            buf_adds(b, t);
            if (ev->negated && is_is)
                buf_adds(b, " not");
            if (ev->operand) {
                buf_adds(b, " \"");
                add_quoted(b, ev->operand, 1);
                buf_addc(b, '"');
            }
            if (ev->counted && ev->nvalues == 0)
                buf_adds(b, " on (none in the message)");
            else {
                buf_adds(b, " on \"");
                add_quoted(b, ev->value, 1);
                buf_addc(b, '"');
                if (ev->counted && ev->nvalues > 1)
                    buf_printf(b, " (%zu values compared, the last shown)", ev->nvalues);
            }
            buf_printf(b, " -> %s", ev->undecided ? "undecided" :
                       (ev->result != ev->negated) ? "true" : "false");
            if (ev->detail) {
                buf_adds(b, " (");
                add_quoted(b, ev->detail, 1);
                buf_addc(b, ')');
            }
            break;
        }
        case RL_TR_CAPTURE:
        case RL_TR_SET:
            buf_printf(b, "%s %s = \"", kind, ev->name ? ev->name : "?");
            add_quoted(b, ev->value, 1);
            buf_addc(b, '"');
            break;
        case RL_TR_ACTION:
            buf_printf(b, "action %s", ev->action ? actions_kind_name(ev->action->kind) : "?");
            if (ev->action && ev->action->target) {
                buf_addc(b, ' ');
                add_quoted(b, ev->action->target, 0);
            }
            if (ev->action && ev->action->name)
                buf_printf(b, " %s", ev->action->name);
            break;
        case RL_TR_SCORE:
            buf_printf(b, "score %+g \"%s\"", ev->points, ev->value ? ev->value : "");
            break;
        case RL_TR_STOP:
            buf_adds(b, "stop");
            break;
        default:
            buf_printf(b, "%s %s", kind, ev->value ? ev->value : "");
        }
        buf_addc(b, '\n');
    }
    emit(rc->t, b);
}

static const char *
where(const struct action *a, char *tmp, size_t n)
{
    int w = snprintf(tmp, n, "%s:%d", a->file ? a->file : "?", a->line);

    return (w < 0 || (size_t)w >= n) ? "?" : tmp;
}

/* The verdict line and the summary destination, from the plan. */
static void
decide(struct tester *t, struct tester_result *res)
{
    const struct commit_plan *p = &res->plan;
    const struct action *drop = NULL;   /* discard or fakebounce */
    int drop_sent = 0;                  /* drop is a fake bounce to be sent */
    struct buf v = BUF_INIT, dest = BUF_INIT, notes = BUF_INIT;
    size_t ndeliver = 0;
    char w[512];

    if (!res->ran) {
        /* as delivery would end: a permanent intake failure (5.3.4, too
         * large) bounces, anything else keeps the message in the queue */
        if (res->error.cls == STATUS_PERM) {
            res->verdict = xasprintf("bounced (%s): %s", res->error.code, res->error.text);
            res->destination = xstrdup("bounced");
        } else {
            res->verdict = xasprintf("deferred (exit 75): %s", res->error.text);
            res->destination = xstrdup("deferred: rules not run");
        }
        return;
    }
    if (p->outcome == COMMIT_DEFERRED) {
        if (p->decider)
            res->verdict = xasprintf("deferred (exit 75) by %s: %s",
                                     where(p->decider, w, sizeof w),
                                     p->decider->text ? p->decider->text : "");
        else
            res->verdict = xasprintf("deferred (exit 75): %s", p->st.text);
        res->destination = xstrdup("deferred");
        return;
    }
    if (p->outcome == COMMIT_BOUNCED) {
        res->verdict = xasprintf("bounced by %s: %s", where(p->decider, w, sizeof w),
                                 p->decider->text ? p->decider->text : "");
        res->destination = xstrdup("bounced");
        return;
    }
    for (size_t i = 0; i < p->nsteps; i++) {
        const struct commit_step *s = &p->steps[i];
        const struct action *a = s->a;
        char *f = step_folder(t, p, s);

        if (a == NULL) {
            buf_printf(&v, "%sdelivered to %s (implicit keep)", v.len ? ", " : "", f);
            buf_printf(&dest, "%s%s", dest.len ? ", " : "", f);
            ndeliver++;
        } else if (s->fate == COMMIT_REFUSED) {
            buf_printf(&v, "%sdelivered to %s (%s; refused %s: %s)", v.len ? ", " : "", f,
                       where(a, w, sizeof w), a->kind == ACT_FILE ? "name"
                       : actions_kind_name(a->kind), s->why);
            buf_printf(&dest, "%s%s", dest.len ? ", " : "", f);
            ndeliver++;
        } else if (s->fate == COMMIT_SUPPRESSED) {
            buf_printf(&notes, "%s%s (%s) suppressed: %s", notes.len ? ", " : "",
                       actions_kind_name(a->kind), where(a, w, sizeof w), s->why);
            if (a->kind == ACT_FAKEBOUNCE && !(a->flags & ACT_F_COPY) && drop == NULL)
                drop = a;
        } else if (s->fate == COMMIT_DO) {
            switch (a->kind) {
            case ACT_FILE:
            case ACT_FORWARD:
            case ACT_PIPE: {
                const char *to = a->kind == ACT_FILE ? f : a->target;

                buf_printf(&v, "%s%s %s (%s)", v.len ? ", " : "",
                           a->kind == ACT_FILE ? "delivered to" :
                           a->kind == ACT_FORWARD ? "forwarded to" : "piped to",
                           to, where(a, w, sizeof w));
                buf_printf(&dest, "%s%s%s", dest.len ? ", " : "",
                           a->kind == ACT_FILE ? "" : a->kind == ACT_FORWARD ? "forward " : "pipe ",
                           to);
                ndeliver++;
                break;
            }
            case ACT_DISCARD:
                if (drop == NULL)
                    drop = a;
                break;
            case ACT_FAKEBOUNCE:
                if (!(a->flags & ACT_F_COPY) && (drop == NULL || !drop_sent)) {
                    drop = a;
                    drop_sent = 1;
                }
                if (a->flags & ACT_F_COPY)
                    buf_printf(&notes, "%sfake bounce to <%s> (%s)", notes.len ? ", " : "",
                               res->sender, where(a, w, sizeof w));
                break;
            case ACT_REPLY:
                buf_printf(&notes, "%sreply to <%s> (%s)", notes.len ? ", " : "",
                           res->sender, where(a, w, sizeof w));
                break;
            default:
                break;
            }
        }
        free(f);
    }
    if (drop && drop_sent)
        buf_printf(&v, "%sfake bounce to <%s> (%s)", v.len ? ", " : "", res->sender,
                   where(drop, w, sizeof w));
    if (drop && ndeliver == 0) {
        buf_reset(&v);
        buf_printf(&v, "dropped by %s (%s)", actions_kind_name(drop->kind), where(drop, w, sizeof w));
        if (drop_sent)
            buf_printf(&v, ", fake bounce to <%s>", res->sender);
        buf_adds(&dest, drop->kind == ACT_FAKEBOUNCE ? "fakebounced" : "discarded");
    }
    if (notes.len)
        buf_printf(&v, "%s%s", v.len ? "; " : "", notes.data);
    buf_free(&notes);
    res->verdict = buf_steal(&v);
    res->destination = buf_steal(&dest);
}

static void
summary_add(struct tester *t, const char *dest, const char *label)
{
    struct tester_summary_row *r = NULL;

    for (size_t i = 0; i < t->nrows; i++)
        if (strcmp(t->rows[i].destination, dest) == 0)
            r = &t->rows[i];
    if (r == NULL) {
        t->rows = xreallocarray(t->rows, t->nrows + 1, sizeof *t->rows);
        r = &t->rows[t->nrows++];
        memset(r, 0, sizeof *r);
        r->destination = xstrdup(dest);
    }
    if (r->count < SUMMARY_EXAMPLES)
        r->examples[r->count] = xstrdup(label);
    r->count++;
}

const char *
tester_reply_suppressed(const struct tester *t, const struct tester_result *res,
                        const struct action *a)
{
    if (a->kind != ACT_REPLY)
        return NULL;
    if (a->flags & ACT_F_SHADOW)
        return "the rule is in shadow mode";
    /* the plan's reason (lda/resp/respond.h: the delivery's own) */
    if (res->ran && a >= res->al.v && a < res->al.v + res->al.n) {
        const struct commit_step *s = step_of(res, (size_t)(a - res->al.v));

        if (s && s->fate == COMMIT_SUPPRESSED)
            return s->why;
        if (s && s->fate == COMMIT_CANCELLED)
            return "cancelled: a defer or bounce decides";
    }
    if (a->target && (a->flags & ACT_F_TAINTED))    /* as lda/resp/responder.c */
        return "the reply's From address was built from message content";
    if (res->sender == NULL || res->sender[0] == '\0')
        return "the envelope sender is empty";
    for (size_t i = 0; t->fixture && i < t->fixture->nreplied; i++)
        if (strcasecmp(t->fixture->replied[i], res->sender) == 0)
            return "already replied to this sender (state fixture)";
    return NULL;
}

static const char *
flag_names(unsigned f, char *tmp, size_t n)
{
    int w = snprintf(tmp, n, "%s%s%s%s%s%s", f & ACT_F_COPY ? " copy" : "",
                     f & ACT_F_ELSE_DEFER ? " else-defer" : "",
                     f & ACT_F_OVERRIDDEN ? " overridden-by-final"
                     : f & ACT_F_SHADOW ? " shadow" : "", f & ACT_F_FINAL ? " final" : "",
                     f & ACT_F_SYSTEM ? " system" : "", f & ACT_F_TAINTED ? " tainted" : "");

    return (w < 0 || (size_t)w >= n) ? "" : tmp;
}

/* Text lines of a multi-line value, each prefixed. */
static void
add_block(struct buf *b, const char *prefix, const char *text)
{
    while (text && *text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);

        buf_printf(b, "%s%.*s\n", prefix, (int)n, text);
        text += n + (nl != NULL);
    }
}

static void
print_text(struct tester *t, const char *label, struct tester_result *res,
           struct buf *b)
{
    const struct action_list *al = &res->al;
    char w[512], fl[64];

    if (t->opts.brief) {
        buf_printf(b, "%s: %s\n", label, res->verdict);
        return;
    }
    buf_printf(b, "message %zu: %s\n", t->nmessages, label);
    buf_printf(b, "  envelope: from <%s> to <%s>\n", res->sender, res->recipient);
    if (t->d.client)
        buf_printf(b, "  client: %s (%s)\n", t->d.client, t->d.client_source);
    if (res->subject)
        buf_printf(b, "  subject: %.*s\n", SUBJECT_SHOW_MAX, res->subject);
    if (!res->ran) {
        buf_printf(b, "  error: %s\n", res->error.text);
        if (t->load_diags)
            add_block(b, "  | ", t->load_diags);
    }
    for (size_t i = 0; i < al->n; i++) {
        const struct action *a = &al->v[i];
        const struct commit_step *s = step_of(res, i);
        char *f = s ? step_folder(t, &res->plan, s) : NULL;

        buf_printf(b, "  action: %s", actions_kind_name(a->kind));
        if (s && s->fate == COMMIT_REFUSED)
            buf_printf(b, " %s refused (%s): %s instead", a->target ? a->target : "", s->why, f);
        else switch (a->kind) {
        case ACT_FILE:
            if (f)
                buf_printf(b, " %s (%s)", f, tester_folder_type(f));
            else
                buf_printf(b, " %s", a->target ? a->target : "");
            break;
        case ACT_HEADER_ADD:
        case ACT_HEADER_SET:
            buf_printf(b, " %s: %s", a->name ? a->name : "", a->text ? a->text : "");
            break;
        case ACT_HEADER_REMOVE:
            buf_printf(b, " %s", a->name ? a->name : "");
            break;
        case ACT_REPLY:
            buf_printf(b, " to <%s> subject \"%s\" days %ld", res->sender,
                       a->subject ? a->subject : "Re: (original subject)", a->days);
            break;
        case ACT_FAKEBOUNCE:
            buf_printf(b, " to <%s>", res->sender);
            break;
        default:
            if (a->target)
                buf_printf(b, " %s", a->target);
            if (a->text)
                buf_printf(b, " \"%s\"", a->text);
        }
        free(f);
        buf_printf(b, " [%s%s]\n", where(a, w, sizeof w), flag_names(a->flags, fl, sizeof fl));
        if (a->kind == ACT_REPLY || a->kind == ACT_FAKEBOUNCE) {
            const char *sup = a->kind == ACT_REPLY ? tester_reply_suppressed(t, res, a)
                            : s && s->fate == COMMIT_SUPPRESSED ? s->why : NULL;

            if (sup != NULL)
                buf_printf(b, "    (suppressed: %s)\n", sup);
            /* the exact message a delivery would hand to sendmail (its
             * Date and Message-ID are made anew when it is sent) */
            if (s && s->resp && s->resp->mail.len)
                add_block(b, "    | ", s->resp->mail.data);
            else
                add_block(b, "    | ", a->text);
        }
    }
    buf_printf(b, "  implicit keep: %s\n", res->keep ? "yes" : "no");
    buf_printf(b, "  score: %g", al->score);
    for (size_t i = 0; i < al->nreasons; i++) {
        buf_printf(b, "%s%+g \"%s\" (", i ? ", " : " (", al->reasons[i].points,
                   al->reasons[i].reason ? al->reasons[i].reason : "");
        if (al->reasons[i].rule)
            buf_printf(b, "rule %s, ", al->reasons[i].rule);
        buf_printf(b, "line %d)", al->reasons[i].line);
    }
    buf_adds(b, al->nreasons ? ")\n" : "\n");
    buf_printf(b, "  dns: %s\n", dns_mode_text[tester_dns_mode(t)]);
    buf_printf(b, "  verdict: %s\n", res->verdict);
}

/* The plan's outcome and where the message goes: "outcome", "exit"
 * (what weir would exit with), "folders" (distinct, resolved), "pipes"
 * and "forwards" (in the order they would run). */
static void
plan_json(const struct tester *t, const struct commit_plan *p, struct buf *b)
{
    int ex = p->outcome == COMMIT_DEFERRED ? 75 : p->outcome == COMMIT_BOUNCED ? 77 : 0;

    json_kv(b, "outcome", commit_outcome_name(p->outcome));
    buf_printf(b, ",\"exit\":%d", ex);
    if (p->outcome == COMMIT_DEFERRED || p->outcome == COMMIT_BOUNCED) {
        json_kv(b, "status", p->st.code);
        buf_adds(b, ",\"folders\":[],\"pipes\":[],\"forwards\":[]");
        return;
    }
    buf_adds(b, ",\"folders\":[");
    for (size_t i = 0; i < p->nt; i++) {
        char *f = folder_display(&p->t[i].f);

        buf_adds(b, i ? "," : "");
        tester_json_str(b, f);
        free(f);
    }
    for (int k = 0; k < 2; k++) {
        size_t n = 0;

        buf_adds(b, k ? "],\"forwards\":[" : "],\"pipes\":[");
        for (size_t i = 0; i < p->nout; i++) {
            const struct action *a = p->steps[p->out[i]].a;

            if ((a->kind == ACT_FORWARD) != k)
                continue;
            buf_adds(b, n++ ? "," : "");
            tester_json_str(b, a->target);
        }
    }
    buf_adds(b, "]");
    (void)t;
}

static void
print_json(struct tester *t, const char *label, struct tester_result *res,
           struct buf *b)
{
    const struct action_list *al = &res->al;
    char fl[64];

    if (!res->ran) {
        buf_printf(b, "{\"event\":\"error\",\"index\":%zu", t->nmessages);
        json_kv(b, "code", res->error.code);
        json_kv(b, "text", res->error.text);
        if (t->load_diags)
            json_kv(b, "diagnostics", t->load_diags);
        buf_adds(b, "}\n");
    }
    for (size_t i = 0; i < al->n; i++) {
        const struct action *a = &al->v[i];
        const struct commit_step *s = step_of(res, i);

        buf_printf(b, "{\"event\":\"action\",\"index\":%zu", t->nmessages);
        json_kv(b, "kind", actions_kind_name(a->kind));
        json_kv(b, "target", a->target);
        if (a->kind == ACT_FILE) {
            char *f = s ? step_folder(t, &res->plan, s) : NULL;

            json_kv(b, "folder", f ? f : a->target);
            json_kv(b, "folder_type", tester_folder_type(f ? f : a->target ? a->target : ""));
            if (s && s->fate == COMMIT_REFUSED)
                json_kv(b, "refused", s->why);
            free(f);
        }
        json_kv(b, "text", a->text);
        json_kv(b, "name", a->name);
        json_kv(b, "subject", a->subject);
        buf_printf(b, ",\"days\":%ld", a->days);
        json_kv(b, "flags", flag_names(a->flags, fl, sizeof fl)[0] ? fl + 1 : "");
        json_kv(b, "file", a->file);
        buf_printf(b, ",\"line\":%d", a->line);
        if (a->kind == ACT_REPLY && tester_reply_suppressed(t, res, a))
            json_kv(b, "suppressed", tester_reply_suppressed(t, res, a));
        if (s && s->resp) {
            json_kv(b, "to", s->resp->to);
            if (s->resp->mail.len)
                json_kv(b, "message", s->resp->mail.data);
        }
        if (s) {
            char *f = step_folder(t, &res->plan, s);

            json_kv(b, "plan", commit_fate_name(s->fate));
            if (s->why)
                json_kv(b, "why", s->why);
            if (f)
                json_kv(b, "delivered_to", f);
            free(f);
        }
        buf_adds(b, "}\n");
    }
    buf_printf(b, "{\"event\":\"result\",\"index\":%zu", t->nmessages);
    json_kv(b, "source", label);
    json_kv(b, "from", res->sender);
    json_kv(b, "to", res->recipient);
    json_kv(b, "subject", res->subject);
    buf_printf(b, ",\"implicit_keep\":%s,\"score\":%g,\"reasons\":[",
               res->keep ? "true" : "false", al->score);
    for (size_t i = 0; i < al->nreasons; i++) {
        buf_printf(b, "%s{\"points\":%g", i ? "," : "", al->reasons[i].points);
        json_kv(b, "reason", al->reasons[i].reason);
        buf_printf(b, ",\"line\":%d}", al->reasons[i].line);
    }
    buf_adds(b, "]");
    json_kv(b, "dns", dns_mode_json[tester_dns_mode(t)]);
    json_kv(b, "destination", res->destination);
    json_kv(b, "verdict", res->verdict);
    if (res->ran)
        plan_json(t, &res->plan, b);
    buf_adds(b, "}\n");
}

int
tester_message(struct tester *t, const char *label, const char *data, size_t len,
               const char *from_line, int print, struct tester_result *res)
{
    struct delivery *d = &t->d;
    struct run_ctx rc;
    struct status st;
    int rv = 0;

    memset(res, 0, sizeof *res);
    actions_init(&res->al);
    status_ok(&res->error);
    memset(&rc, 0, sizeof rc);
    rc.t = t;
    rc.print = print;
    t->nmessages++;

    /* intake, exactly as a delivery does it (the configured limits),
     * from an anonymous memfd, with the From_ line the message was saved
     * with in front of it, as an MTA hands it over (then the intake takes
     * that line off, and only that one); then the envelope of saved
     * mail */
    d->sender_arg = t->opts.sender;
    d->recipient_arg = t->opts.recipient;
    d->env = t->opts.env;
    d->answered = t->answered;
    d->nanswered = t->nanswered;
    d->client_arg = t->opts.client;
    if (ftruncate(t->memfd, 0) != 0 || lseek(t->memfd, 0, SEEK_SET) != 0 ||
        (from_line != NULL && (write_all(t->memfd, from_line, strlen(from_line)) != 0 ||
                               write_all(t->memfd, "\n", 1) != 0)) ||
        write_all(t->memfd, data, len) != 0 || lseek(t->memfd, 0, SEEK_SET) != 0) {
        status_errno(&res->error, "4.3.0", errno, "cannot stage the message");
        rv = -1;
    } else if (delivery_read_message(d, t->memfd, &st) != 0) {
        res->error = st;
        rv = -1;
    }
    if (rv == 0) {
        host_envelope(d, HOST_FROM_SAVED, from_line);
        res->sender = xstrdup(d->sender);
        res->recipient = xstrdup(d->recipient);
        res->subject = message_header_first(&d->msg, "Subject");
    } else {
        res->sender = xstrdup("");
        res->recipient = xstrdup(d->user);
    }

    if (t->opts.format == TESTER_JSON && print) {
        buf_printf(&rc.line, "{\"event\":\"message\",\"index\":%zu", t->nmessages);
        json_kv(&rc.line, "source", label);
        json_kv(&rc.line, "from", res->sender);
        json_kv(&rc.line, "to", res->recipient);
        buf_adds(&rc.line, "}\n");
        emit(t, &rc.line);
    } else if (print && t->opts.trace && !t->opts.brief) {
        buf_printf(&rc.line, "message %zu: %s (trace)\n", t->nmessages, label);
        emit(t, &rc.line);
    }

    if (rv == 0 && t->load_error.cls != STATUS_OK) {
        res->error = t->load_error;
        rv = -1;
    } else if (rv == 0 && t->have_rules) {
        /* the delivery's rule host: the same message view, body, limits
         * and envelope; filters run only with --run-programs */
        struct rl_trace tr = { trace_cb, &rc };
        struct host h;

        struct dnsbl_cache_ops fx;

        host_init(&h, d);
        h.run_filters = t->opts.run_programs;
        h.from_line = from_line;        /* the mbox From_ line it was saved with */
        switch (tester_dns_mode(t)) {
        case TESTER_DNS_LIVE:
            h.dns = HOST_DNS_LIVE;
            h.dns_no_cache = 1;         /* weir test writes no database */
            break;
        case TESTER_DNS_OFFLINE:
            memset(&fx, 0, sizeof fx);
            fx.get = fixture_get;
            fx.ctx = (void *)t->fixture;
            h.dns = HOST_DNS_OFFLINE;
            h.dns_fixture = &fx;
            break;
        default:
            h.dns = HOST_DNS_OFF;
            break;
        }
        if (t->fixture && t->fixture->nseen) {  /* duplicate state: the fixture's */
            h.dup_fixture = t->fixture->seen_ids;
            h.ndup_fixture = t->fixture->nseen;
        }
        h.log = report_log;
        h.log_ctx = &rc;
        if (host_run(&h, t->sys, t->usr, &t->lim, print && t->opts.trace ? &tr : NULL,
                     &res->al, &st) != 0) {
            res->error = st;
            rv = -1;
        }
        host_free(&h);
    }
    res->ran = rv == 0;
    if (res->ran) {
        actions_enforce_final(&res->al);   /* as a delivery does */
        commit_plan(d, &res->al, &res->plan);
        res->keep = res->plan.keep;
        remember_answers(t, &res->plan);
    }
    decide(t, res);
    summary_add(t, res->destination, label);
    if (print) {
        if (t->opts.format == TESTER_JSON)
            print_json(t, label, res, &rc.line);
        else
            print_text(t, label, res, &rc.line);
        emit(t, &rc.line);
    }
    buf_free(&rc.line);
    return rv;
}

void
tester_summary(struct tester *t)
{
    struct buf b = BUF_INIT;
    size_t width = strlen("destination");

    if (t->opts.format == TESTER_JSON) {
        buf_printf(&b, "{\"event\":\"summary\",\"messages\":%zu,\"destinations\":[",
                   t->nmessages);
        for (size_t i = 0; i < t->nrows; i++) {
            buf_adds(&b, i ? ",{\"destination\":" : "{\"destination\":");
            tester_json_str(&b, t->rows[i].destination);
            buf_printf(&b, ",\"count\":%zu,\"examples\":[", t->rows[i].count);
            for (size_t k = 0; k < SUMMARY_EXAMPLES && t->rows[i].examples[k]; k++) {
                buf_adds(&b, k ? "," : "");
                tester_json_str(&b, t->rows[i].examples[k]);
            }
            buf_adds(&b, "]}");
        }
        buf_adds(&b, "]}\n");
        emit(t, &b);
        buf_free(&b);
        return;
    }
    for (size_t i = 0; i < t->nrows; i++)
        if (strlen(t->rows[i].destination) > width)
            width = strlen(t->rows[i].destination);
    buf_printf(&b, "\nsummary: %zu messages\n%-*s %7s  %s\n", t->nmessages, (int)width,
               "destination", "count", "examples");
    for (size_t i = 0; i < t->nrows; i++) {
        buf_printf(&b, "%-*s %7zu  ", (int)width, t->rows[i].destination, t->rows[i].count);
        for (size_t k = 0; k < SUMMARY_EXAMPLES && t->rows[i].examples[k]; k++)
            buf_printf(&b, "%s%s", k ? ", " : "", t->rows[i].examples[k]);
        buf_addc(&b, '\n');
    }
    emit(t, &b);
    buf_free(&b);
}
