/*
 * tester.c -- the dry-run tester (see tester.h): one message at a time
 * through intake and the rules, as a delivery would, then a report of the
 * intended actions instead of their commit.
 *
 * Entry points: tester_init(), tester_load_rules(), tester_message(),
 * tester_summary(), tester_free().  Failures to read a message or to load
 * the rules are reported per message in struct tester_result (->error);
 * nothing here exits.
 *
 * SECURITY: the tester only reads.  Messages are normalised through an
 * anonymous memfd (no file name, gone at exit); rule files are read as
 * the invoking (unprivileged) user (cmd_test.c has dropped root); no
 * program is run (the rl_host has no filter callback, so `filter` is only
 * recorded), no mail is sent, no database or mailbox is opened.
 *
 * Until the rule VM links into weir (see the pragmas below), a run with no
 * rule files is an implicit keep and a run that needs rules reports that
 * the rule language is missing.
 */
#include "config.h"
#include "tester.h"
#include "folder.h"
#include "weir_config.h"
#include "trust.h"
#include "child.h"
#include "dynload.h"
#include "log.h"
#include "rl.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUMMARY_EXAMPLES   3            /* example messages per row */
#define RULE_FILE_MAX      (4u * 1024 * 1024)
#define SUBJECT_SHOW_MAX   200

struct tester_summary_row {
    char *destination;
    size_t count;
    char *examples[SUMMARY_EXAMPLES];
};

/* ------------------------------------------------------------------ */
/* Fixture                                                             */
/* ------------------------------------------------------------------ */

static void
free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void
tester_fixture_free(struct tester_fixture *fx)
{
    for (size_t i = 0; i < fx->ndns; i++) {
        free(fx->dns[i].name);
        free_strv(fx->dns[i].a, fx->dns[i].na);
        free_strv(fx->dns[i].txt, fx->dns[i].ntxt);
    }
    free(fx->dns);
    free_strv(fx->replied, fx->nreplied);
    free_strv(fx->seen_ids, fx->nseen);
    memset(fx, 0, sizeof *fx);
}

const struct tester_dns *
tester_fixture_dns(const struct tester_fixture *fx, const char *name)
{
    size_t n = strlen(name);

    if (n && name[n - 1] == '.')
        n--;
    for (size_t i = 0; fx && i < fx->ndns; i++)
        if (strncasecmp(fx->dns[i].name, name, n) == 0 && fx->dns[i].name[n] == '\0')
            return &fx->dns[i];
    return NULL;
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
read_rule_file(const char *path, struct buf *out, char *err, size_t errlen)
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
        if (out->len + (size_t)n > RULE_FILE_MAX) {
            snprintf(err, errlen, "%s: larger than %u bytes", path, RULE_FILE_MAX);
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
    (void)ctx;
    return read_rule_file(path, out, err, errlen);
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

    if (read_rule_file(path, &src, err, sizeof err) < 0) {
        status_set(st, "4.3.0", "%s", err);
        buf_free(&src);
        return NULL;
    }
    rl_diags_init(&diags);
    p = rl_compile(path, src.data ? src.data : "", src.len, &reader, NULL, &diags);
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

int
tester_init(struct tester *t, const struct tester_opts *opts, FILE *out,
            struct status *st)
{
    struct passwd *pw;
    const char *env_home = getenv("HOME");
    char *sys_default = NULL, *usr_default = NULL;
    struct stat sb;

    memset(t, 0, sizeof *t);
    t->opts = *opts;
    t->out = out;
    t->memfd = -1;
    status_ok(&t->load_error);
    errno = 0;
    if ((pw = getpwuid(getuid())) == NULL) {
        status_set(st, "4.3.0", "no password entry for uid %ld", (long)getuid());
        return -1;
    }
    t->user = xstrdup(pw->pw_name);
    t->home = xstrdup(env_home && env_home[0] == '/' ? env_home : pw->pw_dir);
    t->default_mailbox = xasprintf("%s/Maildir/", t->home);
    t->memfd = memfd_create("weir-test", MFD_CLOEXEC);
    if (t->memfd < 0) {
        status_errno(st, "4.3.0", errno, "memfd_create");
        return -1;
    }

    /* Rules as a delivery would load them, unless named. */
    if (!opts->no_system_rules && !opts->no_default_rules) {
        if (opts->system_rules == NULL) {
            sys_default = xstrdup(WEIR_SYSCONFDIR "/system.rules");
            if (stat(sys_default, &sb) != 0) {
                free(sys_default);
                sys_default = NULL;
            }
        }
    }
    if (opts->user_rules == NULL && !opts->no_default_rules) {
        usr_default = xasprintf("%s/.weir/rules", t->home);
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
tester_free(struct tester *t)
{
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
    free(t->user);
    free(t->home);
    free(t->default_mailbox);
    free(t->load_diags);
    if (t->memfd >= 0)
        close(t->memfd);
    memset(t, 0, sizeof *t);
    t->memfd = -1;
}

void
tester_result_free(struct tester_result *res)
{
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

/* Folders are resolved by delivery's own code (lda/folder.c), with the
 * default mail roots, so the tester says what a delivery would do. */
static int
resolve(const char *home, const char *target, unsigned flags, struct folder *f,
        struct status *st)
{
    struct folder_roots r = { home, CONFIG_DEFAULT_MAILDIR_ROOT, CONFIG_DEFAULT_MAIL_ROOT };

    return folder_resolve(target, (flags & ACT_F_TAINTED) != 0, &r, f, st);
}

static char *
folder_display(const struct folder *f)
{
    return xasprintf("%s%s", f->path, f->type == FOLDER_MAILDIR ? "/"
                                      : f->type == FOLDER_MH ? "/." : "");
}

char *
tester_resolve_folder(const char *home, const char *target)
{
    struct folder f;
    struct status st;
    char *s;

    if (resolve(home, target, 0, &f, &st) < 0)
        return xstrdup(target);     /* not a folder name: shown as written */
    s = folder_display(&f);
    folder_free(&f);
    return s;
}

int
tester_folder_refused(const char *home, const char *target, unsigned flags,
                      char *why, size_t whylen)
{
    struct folder f;
    struct status st;

    if (resolve(home, target, flags, &f, &st) < 0) {
        snprintf(why, whylen, "%s", st.text);
        return 1;
    }
    folder_free(&f);
    return 0;
}

/* Where a file action would really go: its folder, or the default
 * mailbox (with the reason in why) when delivery would refuse the name;
 * why is "" otherwise. */
static char *
file_folder(const struct tester *t, const struct action *a, char *why, size_t whylen)
{
    const char *target = a->target ? a->target : "";

    why[0] = '\0';
    if (tester_folder_refused(t->home, target, a->flags, why, whylen))
        return xstrdup(t->default_mailbox);
    return tester_resolve_folder(t->home, target);
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
    struct message *m;          /* replaced by a filter (--run-programs) */
    const struct tester_result *res;
    struct buf body;            /* a spooled message's body */
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

/* The body as body tests see it, with the same limit as a delivery
 * (weir.yaml limits.body_scan, its default here). */
static int
get_body(void *ctx, const char **body, size_t *len)
{
    struct run_ctx *rc = ctx;
    const struct message *m = rc->m;
    size_t off = m->header_len < m->len ? m->header_len : m->len;
    size_t want = m->len - off;

    if (want > CONFIG_DEFAULT_BODY_SCAN)
        want = CONFIG_DEFAULT_BODY_SCAN;
    if (m->mem) {
        *body = m->mem + off;
        *len = want;
        return 0;
    }
    buf_reset(&rc->body);
    buf_reserve(&rc->body, want);
    while (rc->body.len < want) {
        ssize_t n = message_pread(m, rc->body.data + rc->body.len, want - rc->body.len,
                                  off + rc->body.len);

        if (n <= 0)
            return -1;
        rc->body.len += (size_t)n;
    }
    *body = rc->body.data ? rc->body.data : "";
    *len = rc->body.len;
    return 0;
}

static void
host_log(void *ctx, enum rl_log_level level, const char *text)
{
    struct run_ctx *rc = ctx;

    /* what a delivery would log: warnings always, the rest with --trace */
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
        if (ev->kind == RL_TR_TEST)
            buf_printf(b, ",\"result\":%s", ev->result ? "true" : "false");
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
        case RL_TR_TEST:
            buf_printf(b, "%s", ev->test ? ev->test : "test");
            if (ev->operand) {
                buf_adds(b, " \"");
                add_quoted(b, ev->operand, 1);
                buf_addc(b, '"');
            }
            buf_adds(b, " on \"");
            add_quoted(b, ev->value, 1);
            buf_printf(b, "\" -> %s", ev->result ? "true" : "false");
            if (ev->detail) {
                buf_adds(b, " (");
                add_quoted(b, ev->detail, 1);
                buf_addc(b, ')');
            }
            break;
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

static char *
strip_angles(const char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
        return xstrndup(s + 1, n - 2);
    return xstrndup(s, n);
}

/* Envelope as delivery works it out, per message (weir-test(1)). */
static void
envelope(struct tester *t, const struct message *m, const char *from_line,
         struct tester_result *res)
{
    char *v;

    if (t->opts.sender)
        res->sender = xstrdup(t->opts.sender);
    else if (from_line && (v = message_parse_from_line(from_line)) != NULL)
        res->sender = v;
    else if (m->from_sender)
        res->sender = xstrdup(m->from_sender);
    else if ((v = message_header_first(m, "Return-Path")) != NULL) {
        res->sender = strip_angles(v);
        free(v);
    } else
        res->sender = xstrdup("");
    if (t->opts.recipient)
        res->recipient = xstrdup(t->opts.recipient);
    else if ((v = message_header_first(m, "Delivered-To")) != NULL) {
        res->recipient = strip_angles(v);
        free(v);
    } else
        res->recipient = xstrdup(t->user);
    res->subject = message_header_first(m, "Subject");
}

static const char *
where(const struct action *a, char *tmp, size_t n)
{
    int w = snprintf(tmp, n, "%s:%d", a->file ? a->file : "?", a->line);

    return (w < 0 || (size_t)w >= n) ? "?" : tmp;
}

/* The verdict line and the summary destination. */
static void
decide(struct tester *t, struct tester_result *res)
{
    const struct action_list *al = &res->al;
    const struct action *drop = NULL;   /* discard or fakebounce */
    struct buf v = BUF_INIT, dest = BUF_INIT;
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
    for (size_t i = 0; i < al->n; i++) {
        const struct action *a = &al->v[i];

        if (a->flags & ACT_F_SHADOW)
            continue;
        if (a->kind == ACT_DEFER) {
            res->verdict = xasprintf("deferred (exit 75) by %s: %s", where(a, w, sizeof w),
                                     a->text ? a->text : "");
            res->destination = xstrdup("deferred");
            return;
        }
        if (a->kind == ACT_BOUNCE) {
            res->verdict = xasprintf("bounced by %s: %s", where(a, w, sizeof w),
                                     a->text ? a->text : "");
            res->destination = xstrdup("bounced");
            return;
        }
    }
    for (size_t i = 0; i < al->n; i++) {
        const struct action *a = &al->v[i];
        char why[STATUS_TEXT_MAX];
        char *f;

        if (a->flags & ACT_F_SHADOW)
            continue;
        switch (a->kind) {
        case ACT_FILE:
            f = file_folder(t, a, why, sizeof why);
            buf_printf(&v, "%sdelivered to %s (%s%s%s)", v.len ? ", " : "", f,
                       where(a, w, sizeof w), why[0] ? "; refused name: " : "", why);
            buf_printf(&dest, "%s%s", dest.len ? ", " : "", f);
            free(f);
            ndeliver++;
            break;
        case ACT_FORWARD:
            buf_printf(&v, "%sforwarded to %s (%s)", v.len ? ", " : "",
                       a->target ? a->target : "", where(a, w, sizeof w));
            buf_printf(&dest, "%sforward %s", dest.len ? ", " : "", a->target ? a->target : "");
            ndeliver++;
            break;
        case ACT_PIPE:
            buf_printf(&v, "%spiped to %s (%s)", v.len ? ", " : "",
                       a->target ? a->target : "", where(a, w, sizeof w));
            buf_printf(&dest, "%spipe %s", dest.len ? ", " : "", a->target ? a->target : "");
            ndeliver++;
            break;
        case ACT_DISCARD:
            if (drop == NULL)
                drop = a;
            break;
        case ACT_FAKEBOUNCE:
            if (drop == NULL || drop->kind != ACT_FAKEBOUNCE)
                drop = a;
            break;
        default:
            break;
        }
    }
    if (res->keep) {
        buf_printf(&v, "%sdelivered to %s (implicit keep)", v.len ? ", " : "", t->default_mailbox);
        buf_printf(&dest, "%s%s", dest.len ? ", " : "", t->default_mailbox);
        ndeliver++;
    }
    if (drop && drop->kind == ACT_FAKEBOUNCE)
        buf_printf(&v, "%sfake bounce to <%s> (%s)", v.len ? ", " : "", res->sender,
                   where(drop, w, sizeof w));
    if (drop && ndeliver == 0) {
        buf_reset(&v);
        buf_printf(&v, "dropped by %s (%s)", actions_kind_name(drop->kind), where(drop, w, sizeof w));
        if (drop->kind == ACT_FAKEBOUNCE)
            buf_printf(&v, ", fake bounce to <%s>", res->sender);
        buf_adds(&dest, drop->kind == ACT_FAKEBOUNCE ? "fakebounced" : "discarded");
    }
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
    int w = snprintf(tmp, n, "%s%s%s%s%s", f & ACT_F_COPY ? " copy" : "",
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
    if (res->subject)
        buf_printf(b, "  subject: %.*s\n", SUBJECT_SHOW_MAX, res->subject);
    if (!res->ran) {
        buf_printf(b, "  error: %s\n", res->error.text);
        if (t->load_diags)
            add_block(b, "  | ", t->load_diags);
    }
    for (size_t i = 0; i < al->n; i++) {
        const struct action *a = &al->v[i];
        char why[STATUS_TEXT_MAX];
        char *f;

        buf_printf(b, "  action: %s", actions_kind_name(a->kind));
        switch (a->kind) {
        case ACT_FILE:
            f = file_folder(t, a, why, sizeof why);
            if (why[0])
                buf_printf(b, " %s refused (%s): %s instead", a->target ? a->target : "", why, f);
            else
                buf_printf(b, " %s (%s)", f, tester_folder_type(f));
            free(f);
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
        buf_printf(b, " [%s%s]\n", where(a, w, sizeof w), flag_names(a->flags, fl, sizeof fl));
        if (a->kind == ACT_REPLY) {
            const char *sup = tester_reply_suppressed(t, res, a);

            if (sup != NULL)
                buf_printf(b, "    (suppressed: %s)\n", sup);
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
    buf_printf(b, "  dns: %s\n", t->fixture && t->fixture->ndns ? "from the fixture" :
               t->opts.dns ? "real lookups allowed (--dns)" : "not looked up");
    buf_printf(b, "  verdict: %s\n", res->verdict);
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

        buf_printf(b, "{\"event\":\"action\",\"index\":%zu", t->nmessages);
        json_kv(b, "kind", actions_kind_name(a->kind));
        json_kv(b, "target", a->target);
        if (a->kind == ACT_FILE) {
            char why[STATUS_TEXT_MAX];
            char *f = file_folder(t, a, why, sizeof why);

            json_kv(b, "folder", f);
            json_kv(b, "folder_type", tester_folder_type(f));
            if (why[0])
                json_kv(b, "refused", why);
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
    json_kv(b, "dns", t->fixture && t->fixture->ndns ? "fixture" :
            t->opts.dns ? "real" : "not looked up");
    json_kv(b, "destination", res->destination);
    json_kv(b, "verdict", res->verdict);
    buf_adds(b, "}\n");
}

/* --run-programs: a `filter` really runs, as in a delivery (through
 * lda/child.c, allowlisted environment, timeout), and its output replaces
 * the message the later rules see.  Without the option the host has no
 * filter callback and the VM only records the action. */
static int
host_filter(void *ctx, const char *command, struct rl_msg *msg, struct status *st)
{
    struct child_input in;
    struct run_ctx *rc = ctx;
    struct tester *t = rc->t;
    struct child_env env;
    struct child_spec spec;
    struct buf out = BUF_INIT;
    struct intake_limits lim;
    struct message nm;
    int r;

    child_env_init(&env);
    child_env_set(&env, "HOME", t->home);
    child_env_set(&env, "USER", t->user);
    child_env_set(&env, "LOGNAME", t->user);
    child_env_set(&env, "SENDER", rc->res->sender ? rc->res->sender : "");
    child_env_set(&env, "RECIPIENT", rc->res->recipient ? rc->res->recipient : "");
    memset(&spec, 0, sizeof spec);
    spec.command = command;
    spec.env = child_env_list(&env);
    spec.timeout_sec = TESTER_FILTER_TIMEOUT;
    spec.out_max = INTAKE_SIZE_MAX_DEFAULT;
    message_input(rc->m, &in);
    r = child_run(&spec, &in, &out, NULL, st);
    child_env_free(&env);
    if (r == 0 && out.len == 0) {
        status_set(st, "4.3.0", "filter '%s' produced no output", command);
        r = -1;
    }
    if (r == 0 && (ftruncate(t->memfd, 0) != 0 || lseek(t->memfd, 0, SEEK_SET) != 0 ||
                   write_all(t->memfd, out.data, out.len) != 0 ||
                   lseek(t->memfd, 0, SEEK_SET) != 0)) {
        status_errno(st, "4.3.0", errno, "cannot stage the filter's output");
        r = -1;
    }
    buf_free(&out);
    if (r < 0)
        return -1;
    message_limits_default(&lim);
    if (message_read(&nm, t->memfd, &lim, st) != 0)
        return -1;
    message_free(rc->m);
    *rc->m = nm;
    buf_reset(&rc->body);
    msg->header = rc->m->header;
    msg->header_len = rc->m->header_len;
    msg->size = rc->m->len;
    return 0;
}

int
tester_message(struct tester *t, const char *label, const char *data, size_t len,
               const char *from_line, int print, struct tester_result *res)
{
    struct message m;
    struct intake_limits lim;
    struct run_ctx rc;
    struct status st;
    int rv = 0;

    memset(res, 0, sizeof *res);
    actions_init(&res->al);
    status_ok(&res->error);
    memset(&m, 0, sizeof m);
    m.fd = -1;
    memset(&rc, 0, sizeof rc);
    rc.t = t;
    rc.m = &m;
    rc.res = res;
    rc.print = print;
    t->nmessages++;

    /* intake, exactly as a delivery does it, from an anonymous memfd */
    message_limits_default(&lim);
    if (ftruncate(t->memfd, 0) != 0 || lseek(t->memfd, 0, SEEK_SET) != 0 ||
        write_all(t->memfd, data, len) != 0 || lseek(t->memfd, 0, SEEK_SET) != 0) {
        status_errno(&res->error, "4.3.0", errno, "cannot stage the message");
        rv = -1;
    } else if (message_read(&m, t->memfd, &lim, &st) != 0) {
        res->error = st;
        rv = -1;
    }
    if (rv == 0)
        envelope(t, &m, from_line, res);
    else {
        res->sender = xstrdup("");
        res->recipient = xstrdup(t->user);
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
        struct rl_msg rm;
        struct rl_host host = { .ctx = &rc, .log = host_log,
                                .filter = t->opts.run_programs ? host_filter : NULL,
                                .module = dynload_api };
        struct rl_trace tr = { trace_cb, &rc };
        struct rl_limits rlim;

        /* One process runs many messages: JIT compiling the regexes pays. */
        rl_limits_default(&rlim);
        rlim.jit = 1;
        memset(&rm, 0, sizeof rm);
        rm.header = m.header;
        rm.header_len = m.header_len;
        rm.size = m.len;
        rm.get_body = get_body;
        rm.body_ctx = &rc;
        rm.from_line = from_line ? from_line : m.from_line;
        rm.envelope_from = res->sender;
        rm.envelope_to = res->recipient;
        rm.user = t->user;
        rm.home = t->home;
        if (rl_run_chain(t->sys, t->usr, &rm, &host, &rlim, &res->al,
                         print && t->opts.trace ? &tr : NULL, &st) != 0) {
            res->error = st;
            rv = -1;
        }
    }
    res->ran = rv == 0;
    if (res->ran)
        actions_enforce_final(&res->al);   /* as a delivery does */
    res->keep = res->ran && !actions_cancel_keep(&res->al);
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
    buf_free(&rc.body);
    message_free(&m);
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
