/*
 * test_tester.c -- the dry-run tester's reports (lda/tester/tester.c) and suite
 * matching (lda/tester/suite.c) with rules that choose actions.  The rules run
 * on tests/tester/fake_rl.c, a TEST DOUBLE of the rulelang API (see its
 * header), so every expected report below is exact.
 */
#include "config.h"
#include "suite.h"
#include "tester.h"
#include "util.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/weir-test-tester.XXXXXX";

static char *
put(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
        abort();
    return path;
}

/* Run one message with the given user rules; the report in *out. */
static void
run(const char *rules, const char *msg, struct tester_opts *o, char **out,
    struct tester_result *res)
{
    char *rp = put("rules", rules);
    size_t len;
    FILE *f = open_memstream(out, &len);
    struct tester t;
    struct status st;

    o->user_rules = rp;
    o->no_system_rules = 1;
    if (tester_init(&t, o, f, &st) != 0)
        abort();
    tester_message(&t, "m1", msg, strlen(msg), NULL, 1, res);
    tester_free(&t);
    fclose(f);
    free(rp);
}

static const char msg1[] = "From: a@example.org\nReturn-Path: <a@example.org>\n"
                           "Delivered-To: me@example.net\nTo: me@example.net\n"
                           "Subject: cheap pills\n\nbuy now\n";

/* Remove the report lines that differ from run to run (the Date and
 * Message-ID of a composed reply). */
static void
drop_volatile(char *s)
{
    char *r = s, *w = s;

    while (*r) {
        char *nl = strchr(r, '\n');
        size_t n = nl ? (size_t)(nl - r) + 1 : strlen(r);

        if (strncmp(r, "    | Date: ", 12) != 0 && strncmp(r, "    | Message-ID: ", 18) != 0) {
            memmove(w, r, n);
            w += n;
        }
        r += n;
    }
    *w = '\0';
}

static void
reports(void)
{
    struct tester_opts o;
    struct tester_result r;
    char *out, *want;

    memset(&o, 0, sizeof o);
    o.format = TESTER_TEXT;
    run("file .Junk/\nscore 5 sounds like spam\nreply Away | I am away.\nline two\n"
        "header_add X-Weir | junk\n", msg1, &o, &out, &r);
    want = xasprintf(
        "message 1: m1\n"
        "  envelope: from <a@example.org> to <%s>\n"
        "  subject: cheap pills\n"
        "  action: file %s/Maildir/.Junk/ (Maildir) [%s/rules:1]\n"
        "  action: reply to <a@example.org> subject \"Away\" days 7 [%s/rules:3]\n"
        "    | From: <me@example.net>\n"
        "    | To: <a@example.org>\n"
        "    | Subject: Away\n"
        "    | Auto-Submitted: auto-replied\n"
        "    | X-Auto-Response-Suppress: All\n"
        "    | MIME-Version: 1.0\n"
        "    | Content-Type: text/plain; charset=UTF-8\n"
        "    | Content-Transfer-Encoding: 7bit\n"
        "    | \n"
        "    | I am away.\n"
        "  action: header add X-Weir: junk [%s/rules:5]\n"
        "  implicit keep: no\n"
        "  score: 5 (+5 \"sounds like spam\" (line 2))\n"
        "  dns: not looked up\n"
        "  verdict: delivered to %s/Maildir/.Junk/ (%s/rules:1); reply to <a@example.org> "
        "(%s/rules:3)\n",
        r.recipient, getenv("HOME"), dir, dir, dir, getenv("HOME"), dir, dir);
    drop_volatile(out);
    is_str(out, want, "text report: actions, the exact reply, header edit, score, verdict");
    ok(!r.keep && r.ran, "no implicit keep after file");
    free(out);
    free(want);
    tester_result_free(&r);

    run("discard\n", msg1, &o, &out, &r);
    ok(strstr(out, "  verdict: dropped by discard (") != NULL, "discard: dropped by which rule");
    is_str(r.destination, "discarded", "discard: summary destination");
    free(out);
    tester_result_free(&r);

    run("bounce | no such user here\nfile x/\n", msg1, &o, &out, &r);
    want = xasprintf("bounced by %s/rules:1: no such user here", dir);
    is_str(r.verdict, want, "bounce wins over deliveries in the verdict");
    free(want);
    free(out);
    tester_result_free(&r);

    run("reply | hi\n", "Subject: x\n\nb\n", &o, &out, &r);
    ok(strstr(out, "    (suppressed: the envelope sender is empty (<>))\n") != NULL,
       "a reply to the null sender is shown as suppressed");
    ok(r.keep, "reply alone keeps the message");
    free(out);
    tester_result_free(&r);

    o.trace = 1;
    run("if-subject pills\nscore 2 pills\nif-subject viagra\nfile never/\n", msg1, &o, &out, &r);
    want = xasprintf(
        "message 1: m1 (trace)\n"
        "  trace %s/rules:1: header \"Subject\" contains \"pills\" on \"cheap pills\" -> true\n"
        "  trace %s/rules:2: score +2 \"pills\"\n"
        "  trace %s/rules:3: header \"Subject\" contains \"viagra\" on \"cheap pills\" -> false\n",
        dir, dir, dir);
    ok(strncmp(out, want, strlen(want)) == 0, "trace: tests with values and results, score");
    if (strncmp(out, want, strlen(want)) != 0)
        printf("# got:\n%s", out);
    free(want);
    free(out);
    tester_result_free(&r);

    o.trace = 0;
    o.format = TESTER_JSON;
    run("file .Junk/\n", msg1, &o, &out, &r);
    want = xasprintf("{\"event\":\"action\",\"index\":1,\"kind\":\"file\",\"target\":\".Junk/\","
                     "\"folder\":\"%s/Maildir/.Junk/\",\"folder_type\":\"Maildir\",\"text\":null,"
                     "\"name\":null,\"subject\":null,\"days\":0,\"flags\":\"\",\"file\":\"%s/rules\","
                     "\"line\":1,\"plan\":\"performed\",\"delivered_to\":\"%s/Maildir/.Junk/\"}\n",
                     getenv("HOME"), dir, getenv("HOME"));
    ok(strstr(out, want) != NULL, "json: a typed action event");
    if (strstr(out, want) == NULL)
        printf("# got:\n%s", out);
    ok(strstr(out, "\"implicit_keep\":false,\"score\":0,") != NULL, "json: result event");
    free(want);
    want = xasprintf("\"outcome\":\"delivered\",\"exit\":0,\"folders\":[\"%s/Maildir/.Junk/\"],"
                     "\"pipes\":[],\"forwards\":[]}\n", getenv("HOME"));
    ok(strstr(out, want) != NULL, "json: the plan's outcome and where the message goes");
    free(want);
    free(out);
    tester_result_free(&r);
}

static void
load_errors(void)
{
    struct tester_opts o;
    struct tester t;
    struct status st;
    char *rp = put("bad.rules", "file x/\nerror bad thing here\n");
    char *want = xasprintf("%s:2:1: error: bad thing here\n", rp);

    memset(&o, 0, sizeof o);
    o.format = TESTER_TEXT;
    o.user_rules = rp;
    o.no_system_rules = 1;
    tester_init(&t, &o, stdout, &st);
    ok(t.load_error.cls == STATUS_TEMP, "a compile error is a load error");
    is_str(t.load_diags, want, "compiler diagnostics kept for the report");
    tester_free(&t);
    free(want);
    free(rp);
}

static void
summary(void)
{
    struct tester_opts o;
    struct tester t;
    struct tester_result r;
    struct status st;
    char *rp = put("sum.rules", "if-subject junk\nfile .Junk/\n");
    char *out, *want;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    static const char *const msgs[] = { "Subject: junk 1\n\nb\n", "Subject: ham\n\nb\n",
                                        "Subject: junk 2\n\nb\n", "Subject: junk 3\n\nb\n",
                                        "Subject: junk 4\n\nb\n" };

    memset(&o, 0, sizeof o);
    o.format = TESTER_TEXT;
    o.brief = 1;
    o.user_rules = rp;
    o.no_system_rules = 1;
    tester_init(&t, &o, f, &st);
    for (size_t i = 0; i < 5; i++) {
        char label[16];

        snprintf(label, sizeof label, "m%zu", i + 1);
        tester_message(&t, label, msgs[i], strlen(msgs[i]), NULL, 1, &r);
        tester_result_free(&r);
    }
    tester_summary(&t);
    tester_free(&t);
    fclose(f);
    {
        const char *h = getenv("HOME");
        int wd = (int)strlen(h) + (int)strlen("/Maildir/.Junk/");
        char *junk = xasprintf("%s/Maildir/.Junk/", h), *inbox = xasprintf("%s/Maildir/", h);

        want = xasprintf("m1: delivered to %1$s (%2$s:2)\n"
                         "m2: delivered to %3$s (implicit keep)\n"
                         "m3: delivered to %1$s (%2$s:2)\n"
                         "m4: delivered to %1$s (%2$s:2)\n"
                         "m5: delivered to %1$s (%2$s:2)\n"
                         "\nsummary: 5 messages\n"
                         "%4$-*5$s   count  examples\n"
                         "%1$-*5$s       4  m1, m3, m4\n"
                         "%3$-*5$s       1  m2\n",
                         junk, rp, inbox, "destination", wd);
        free(junk);
        free(inbox);
    }
    is_str(out, want, "-q verdicts and the summary table (count, three examples)");
    free(want);
    free(out);
    free(rp);
}

static void
suite_actions(void)
{
    struct suite s;
    struct buf errors = BUF_INIT;
    struct tester_opts o;
    struct status st;
    char *path, *out, *want;
    size_t len;
    FILE *f;
    int failed;

    free(put("s.rules", "if-subject junk\nfile .Junk/\nheader_add X-Spam | yes\nscore 3 junk\n"));
    path = put("s.yaml",
        "rules: s.rules\n"
        "cases:\n"
        "  - name: junk is filed, exactly\n"
        "    message: \"Subject: junk\\n\\nb\\n\"\n"
        "    expect:\n"
        "      actions: [ { file: .Junk/ }, { header_add: \"X-Spam: yes\" } ]\n"
        "      keep: false\n"
        "      score: 3\n"
        "  - name: resolved folder matches too\n"
        "    message: \"Subject: junk\\n\\nb\\n\"\n"
        "    expect:\n"
        "      actions_include: [ { file: \"~/Maildir/.Junk/\" } ]\n"
        "  - name: wrong folder and order\n"
        "    message: \"Subject: junk\\n\\nb\\n\"\n"
        "    expect:\n"
        "      actions: [ { header_add: \"X-Spam: yes\" }, { file: .Spam/ } ]\n"
        "      score: { max: 2 }\n"
        "  - name: ham\n"
        "    message: \"Subject: hello\\n\\nb\\n\"\n"
        "    expect: { keep: true, actions: [] }\n");
    if (suite_load(path, &s, &errors) != 0) {
        printf("# %s", errors.data);
        ok(0, "suite loads");
        return;
    }
    memset(&o, 0, sizeof o);
    o.format = TESTER_TEXT;
    f = open_memstream(&out, &len);
    failed = suite_run(&s, &o, f, &st);
    fclose(f);
    is_long(failed, 1, "one failing case");
    want = xasprintf("ok 1 - junk is filed, exactly\n"
                     "ok 2 - resolved folder matches too\n"
                     "FAIL 3 - wrong folder and order (%s:13)\n"
                     "  actions (exactly, in order):\n"
                     "    - header_add X-Spam: \"yes\"\n"
                     "    - file .Spam/\n"
                     "    + file .Junk/  (%s/s.rules:2)\n"
                     "    + header_add X-Spam: \"yes\"  (%s/s.rules:3)\n"
                     "  score:\n"
                     "    - <= 2\n"
                     "    + 3 (+3 \"junk\")\n"
                     "ok 4 - ham\n"
                     "4 cases: 3 passed, 1 failed\n", path, dir, dir);
    is_str(out, want, "suite report: matching actions pass, the failing case shows its diff");
    free(want);
    free(out);
    suite_free(&s);
    buf_free(&errors);
    free(path);
}

/* no_reply passes when the reply would be suppressed by the reply-once
 * state of the fixture, and fails (showing the reply) otherwise. */
static void
suite_reply(void)
{
    struct suite s;
    struct buf errors = BUF_INIT;
    struct tester_opts o;
    struct status st;
    char *path, *out, *want;
    size_t len;
    FILE *f;

    free(put("r.rules", "reply Away | I am away.\n"));
    path = put("r.yaml",
        "rules: r.rules\n"
        "cases:\n"
        "  - name: already replied\n"
        "    message: \"Subject: x\\n\\nb\\n\"\n"
        "    envelope: { from: x@example.org }\n"
        "    fixtures: { state: { replied: [ X@example.org ] } }\n"
        "    expect: { no_reply: true, actions: [ { reply: \"I am away.\" } ] }\n"
        "  - name: not yet replied\n"
        "    message: \"To: me@example.net\\nSubject: x\\n\\nb\\n\"\n"
        "    envelope: { from: y@example.org, to: me@example.net }\n"
        "    fixtures: { state: { replied: [ x@example.org ] } }\n"
        "    expect: { no_reply: true }\n");
    if (suite_load(path, &s, &errors) != 0) {
        printf("# %s", errors.data);
        ok(0, "reply suite loads");
        return;
    }
    memset(&o, 0, sizeof o);
    o.format = TESTER_TEXT;
    f = open_memstream(&out, &len);
    suite_run(&s, &o, f, &st);
    fclose(f);
    want = xasprintf("ok 1 - already replied\n"
                     "FAIL 2 - not yet replied (%s:8)\n"
                     "  no reply:\n"
                     "    - (no reply)\n"
                     "    + reply \"I am away.\"  (%s/r.rules:1)\n"
                     "2 cases: 1 passed, 1 failed\n", path, dir);
    is_str(out, want, "no_reply honours the reply-once state fixture");
    free(want);
    free(out);
    suite_free(&s);
    buf_free(&errors);
    free(path);
}

static void
helpers(void)
{
    struct buf b = BUF_INIT;
    struct tester_fixture fx;
    struct tester_dns d[1];
    char *a[] = { (char *)"127.0.0.2" };

    static const struct folder_roots r = { "/home/u", "~/Maildir", "~/Mail" };

    is_str(tester_folder_type("/x/Maildir/"), "Maildir", "trailing / is a Maildir");
    is_str(tester_folder_type("/x/inbox/."), "MH", "trailing /. is MH");
    is_str(tester_folder_type("/var/mail/u"), "mbox", "otherwise mbox");
    {
        char *f1 = tester_resolve_folder(&r, "~/Mail/x"), *f2 = tester_resolve_folder(&r, ".Junk/");

        is_str(f1, "/home/u/Mail/x", "~ is the home");
        is_str(f2, "/home/u/Maildir/.Junk/", "a relative Maildir is under ~/Maildir");
        free(f1);
        free(f2);
    }
    {
        char *f3 = tester_resolve_folder(&r, "in/.");

        is_str(f3, "/home/u/Mail/in/.", "a relative MH folder is under ~/Mail");
        free(f3);
    }
    char why[STATUS_TEXT_MAX];

    ok(!tester_folder_refused(&r, "/var/mail/u", 0, why, sizeof why), "an author's absolute mbox is accepted");
    ok(tester_folder_refused(&r, "/var/mail/u", ACT_F_TAINTED, why, sizeof why), "a tainted absolute name is refused");
    ok(!tester_folder_refused(&r, "~/Maildir/.lists.wine/", ACT_F_TAINTED, why, sizeof why),
       "a tainted name inside ~/Maildir is accepted");
    ok(tester_folder_refused(&r, ".lists/../../x/", ACT_F_TAINTED, why, sizeof why), "a tainted .. is refused");
    ok(tester_folder_refused(&r, "~/Maildir/.a/cur/", ACT_F_TAINTED, why, sizeof why), "a tainted cur is refused");
    ok(tester_folder_refused(&r, ".a//b/", ACT_F_TAINTED, why, sizeof why), "a tainted empty component is refused");
    ok(tester_folder_refused(&r, "~bob/Maildir/", 0, why, sizeof why), "~user is refused");
    ok(tester_folder_refused(&r, "x\ny/", 0, why, sizeof why), "a control character is refused");
    tester_json_str(&b, "a\"b\\c\n\x01");
    is_str(b.data, "\"a\\\"b\\\\c\\n\\u0001\"", "JSON string escaping");
    buf_free(&b);
    tester_json_str(&b, "caf\xc3\xa9 \xe9t\xe9 \xed\xa0\x80");
    is_str(b.data, "\"caf\xc3\xa9 \\ufffdt\\ufffd \\ufffd\\ufffd\\ufffd\"",
           "JSON: UTF-8 kept, Latin-1 bytes and surrogates become U+FFFD");
    buf_free(&b);
    memset(&fx, 0, sizeof fx);
    memset(d, 0, sizeof d);
    d[0].name = (char *)"2.0.0.127.zen.example";
    d[0].a = a;
    d[0].na = 1;
    fx.dns = d;
    fx.ndns = 1;
    ok(tester_fixture_dns(&fx, "2.0.0.127.ZEN.example.") == &d[0],
       "fixture lookup: case-insensitive, trailing dot");
    ok(tester_fixture_dns(&fx, "3.0.0.127.zen.example") == NULL, "fixture lookup: unknown name");
}

int
main(void)
{
    char *home;

    if (mkdtemp(dir) == NULL)
        return 99;
    home = xasprintf("%s/home", dir);
    setenv("HOME", home, 1);
    reports();
    load_errors();
    summary();
    suite_actions();
    suite_reply();
    helpers();
    {
        char *cmd = xasprintf("rm -rf '%s'", dir);

        if (system(cmd) != 0)
            printf("# could not remove %s\n", dir);
        free(cmd);
    }
    free(home);
    return done();
}
