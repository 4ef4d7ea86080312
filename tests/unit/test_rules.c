/*
 * test_rules.c -- rules_run(): the system ruleset then the user's, with
 * real files, modes and owners: refused rule files and includes (also
 * when the program comes from the cache), broken rules, `stop` and
 * `final` in the system ruleset, the compiled cache, and `filter`
 * through a real program.  Linked with the rule-language test double of
 * mailparse.h until builtins/mailparse.c exists (see lda/config.mk).
 */
#include "config.h"
#include "rules.h"
#include "delivery.h"
#include "util.h"
#include "tests/tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OTHER_UID 4242u

static char base[] = "/tmp/weir-rules.XXXXXX";

static void
put(const char *rel, const char *text, mode_t mode)
{
    char *p = xasprintf("%s/%s", base, rel);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd < 0 || write_all(fd, text, strlen(text)) != 0 || close(fd) != 0 || chmod(p, mode) != 0)
        perror(p);
    free(p);
}

static void
mode(const char *rel, mode_t m)
{
    char *p = xasprintf("%s/%s", base, rel);

    if (chmod(p, m) != 0)
        perror(p);
    free(p);
}

static void
rm(const char *rel)
{
    char *p = xasprintf("rm -rf %s/%s", base, rel);

    if (system(p) != 0)
        fprintf(stderr, "cannot %s\n", p);
    free(p);
}

static int
count_cache(void)
{
    char *p = xasprintf("%s/home/.weir/cache", base);
    DIR *dir = opendir(p);
    struct dirent *e;
    int n = 0;

    free(p);
    if (dir == NULL)
        return 0;
    while ((e = readdir(dir)) != NULL)
        if (strstr(e->d_name, ".wbc"))
            n++;
    closedir(dir);
    return n;
}

/* Run the rules for a fresh copy of the test message. */
static int
run(struct delivery *d, struct action_list *out, struct status *st)
{
    char *path = xasprintf("%s/msg", base);
    int fd = open(path, O_RDONLY), rc;

    free(path);
    message_free(&d->msg);
    memset(&d->msg, 0, sizeof d->msg);
    d->msg.fd = -1;
    if (fd < 0 || message_read(&d->msg, fd, &d->limits, st) != 0) {
        perror("message");
        exit(1);
    }
    close(fd);
    actions_free(out);
    actions_init(out);
    rc = rules_run(d, out, st);
    return rc;
}

static int
has(const struct action_list *l, enum action_kind k, unsigned flags)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].kind == k && (l->v[i].flags & flags) == flags)
            return 1;
    return 0;
}

int
main(void)
{
    struct delivery d;
    struct weir_config cfg;
    struct action_list out;
    struct status st;
    int rc;

    if (mkdtemp(base) == NULL || chmod(base, 0755) != 0) {
        perror("mkdtemp");
        return 1;
    }
    put("msg", "From: alice@example.org\nTo: bob@example.org\nSubject: hello there\n\nbody text\n", 0644);
    {
        char *p = xasprintf("%s/home", base);

        mkdir(p, 0700);
        free(p);
        p = xasprintf("%s/home/.weir", base);
        mkdir(p, 0700);
        free(p);
        p = xasprintf("%s/etc", base);
        mkdir(p, 0755);
        free(p);
    }

    config_defaults(&cfg);
    free(cfg.system_rules);
    cfg.system_rules = xasprintf("%s/etc/system.rules", base);
    free(cfg.system_cache_dir);
    cfg.system_cache_dir = xasprintf("%s/etc/cache", base);
    free(cfg.temp_dir);
    cfg.temp_dir = xasprintf("%s", base);
    delivery_init(&d);
    d.cfg = &cfg;
    d.home = xasprintf("%s/home", base);
    d.user = xstrdup("tester");
    d.sender = xstrdup("alice@example.org");
    d.recipient = xstrdup("bob@example.org");
    d.limits.spool_dir = cfg.temp_dir;
    actions_init(&out);

    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 0, "no rule files: no actions (implicit keep)");

    put("home/.weir/rules", "discard\n", 0600);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 1 && out.v[0].kind == ACT_DISCARD, "user rules run: discard");
    is_long(count_cache(), 1, "compiled program stored in ~/.weir/cache");
    rc = run(&d, &out, &st);
    ok(rc == 0 && has(&out, ACT_DISCARD, 0), "second run (from the cache): discard");

    mode("home/.weir/rules", 0620);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 0, "group-writable user rules refused (also with a valid cache)");
    mode("home/.weir/rules", 0602);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 0, "world-writable user rules refused");
    mode("home/.weir/rules", 0600);
    mode("home/.weir", 0770);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 0, "user rules in a group-writable directory refused");
    mode("home/.weir", 0700);

    /* includes get the same checks */
    put("home/.weir/rules", "include \"inc.rules\"\n", 0600);
    put("home/.weir/inc.rules", "discard\n", 0644);
    rc = run(&d, &out, &st);
    ok(rc == 0 && has(&out, ACT_DISCARD, 0), "trusted include runs");
    mode("home/.weir/inc.rules", 0666);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 0, "world-writable include refused (program from the cache)");
    rm("home/.weir/cache");
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 0, "world-writable include refused (compiling)");
    mode("home/.weir/inc.rules", 0644);
    {
        char *p = xasprintf("%s/shared", base);

        mkdir(p, 0777);
        chmod(p, 0777);
        free(p);
    }
    put("shared/inc.rules", "discard\n", 0644);
    put("home/.weir/rules", "include \"../../shared/inc.rules\"\n", 0600);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 0, "include in a world-writable directory without sticky bit refused");
    mode("shared", 01777);
    rc = run(&d, &out, &st);
    ok(rc == 0 && has(&out, ACT_DISCARD, 0), "... accepted once the directory has the sticky bit");
    if (getuid() == 0) {
        char *p = xasprintf("%s/shared/inc.rules", base);

        if (chown(p, OTHER_UID, OTHER_UID) != 0)
            perror(p);
        free(p);
        rm("home/.weir/cache");
        rc = run(&d, &out, &st);
        ok(rc == 0 && out.n == 0, "include owned by another user refused");
    } else
        printf("ok %d # SKIP not root: cannot chown an include to another user\n", ++tap_n);

    /* the system ruleset first; stop; final */
    put("home/.weir/rules", "discard\n", 0600);
    put("etc/system.rules",
        "if header \"Subject\" contains \"hello\" {\n"
        "    final file \"/var/mail/quarantine/\"\n"
        "    stop\n"
        "}\n", 0644);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 1 && has(&out, ACT_FILE, ACT_F_SYSTEM | ACT_F_FINAL),
       "system rules: a final file action, marked SYSTEM|FINAL");
    ok(out.system_stopped && !has(&out, ACT_DISCARD, 0), "system stop: the user's rules did not run");
    put("etc/system.rules", "copy file \"~/Maildir/.seen/\"\n", 0644);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 2 && (out.v[0].flags & ACT_F_SYSTEM) && out.v[1].kind == ACT_DISCARD &&
       !(out.v[1].flags & ACT_F_SYSTEM), "system actions first, then the user's");
    put("home/.weir/rules", "if header \"Subject\" {\n", 0600);
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 1 && (out.v[0].flags & ACT_F_SYSTEM),
       "broken user rules: system rules only");
    put("home/.weir/rules", "discard\n", 0600);
    mode("etc/system.rules", 0664);
    rc = run(&d, &out, &st);
    ok(rc == -1 && out.n == 0 && strcmp(st.code, "4.3.5") == 0 && strstr(st.text, "group-writable"),
       "group-writable system rules: mail held (4.3.5, the reason in the status)");
    mode("etc/system.rules", 0644);
    if (getuid() == 0) {
        char *p = xasprintf("%s/etc/system.rules", base);

        if (chown(p, OTHER_UID, OTHER_UID) != 0)
            perror(p);
        rc = run(&d, &out, &st);
        ok(rc == -1 && out.n == 0 && strcmp(st.code, "4.3.5") == 0,
           "system rules owned by a user: refused, mail held");
        if (chown(p, 0, 0) != 0)
            perror(p);
        free(p);
    } else
        printf("ok %d # SKIP not root: cannot chown the system rules\n", ++tap_n);
    put("etc/system.rules", "if header \"Subject\" contains {\n", 0644);
    rc = run(&d, &out, &st);
    ok(rc == -1 && out.n == 0 && strcmp(st.code, "4.3.5") == 0 && strstr(st.text, "system.rules:1:"),
       "system rules that do not compile: mail held, the first error's position in the status");
    rm("etc/system.rules");

    /* filter through a real program replaces the message */
    put("home/.weir/rules",
        "filter \"tr a-z A-Z\"\n"
        "if header \"Subject\" contains \"HELLO THERE\" { discard }\n", 0600);
    rc = run(&d, &out, &st);
    ok(rc == 0 && has(&out, ACT_DISCARD, 0), "filter output is what later rules see");
    {
        char *subj = message_header_first(&d.msg, "SUBJECT");

        is_str(subj, "HELLO THERE", "the delivery's message was replaced by the filter's output");
        free(subj);
    }
    put("home/.weir/rules", "filter \"cat >/dev/null; exit 3\"\ndiscard\n", 0600);
    rc = run(&d, &out, &st);
    ok(rc == 0 && has(&out, ACT_DISCARD, 0),
       "a failing filter: the rules go on with the message unchanged");
    put("home/.weir/rules", "filter \"cat >/dev/null\"\ndiscard\n", 0600);
    rc = run(&d, &out, &st);
    ok(rc == 0 && has(&out, ACT_DISCARD, 0), "a filter with no output: the rules go on");
    put("home/.weir/rules", "filter \"cat >/dev/null; exit 3\" else defer\ndiscard\n", 0600);
    rc = run(&d, &out, &st);
    ok(rc == -1 && st.code[0] == '4', "filter ... else defer, failing: temporary failure (%s %s)",
       st.code, st.text);
    put("home/.weir/rules", "filter \"cat >/dev/null\" else defer\ndiscard\n", 0600);
    rc = run(&d, &out, &st);
    ok(rc == -1 && strstr(st.text, "no output"),
       "filter ... else defer with no output: temporary failure");

    /* limits from weir.yaml reach the VM */
    put("home/.weir/rules",
        "if header \"Subject\" contains \"a\" or header \"Subject\" contains \"b\" or "
        "header \"Subject\" contains \"c\" { discard }\n"
        "discard\n", 0600);
    cfg.limits.vm_steps = 1;
    rc = run(&d, &out, &st);
    ok(rc == 0 && out.n == 0, "vm_steps: 1 stops the run before any action");
    cfg.limits.vm_steps = 1000000;

    actions_free(&out);
    d.cfg = NULL;
    config_free(&cfg);
    delivery_free(&d);
    rm("");
    return done();
}
