/*
 * test_units.c -- the duplicate facts (lda/resp/dupe.h) on a real state
 * database and the program test runner (lda/resp/progtest.h) with real
 * programs: keys, never-duplicate without a Message-ID, recording and
 * expiry; exit 0 true, clean non-zero false, exit 75 / missing program /
 * timeout / tainted arguments errors, the message on standard input.
 */
#include "config.h"
#include "dupe.h"
#include "log.h"
#include "progtest.h"
#include "state.h"
#include "util.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static ssize_t
str_pread(const void *src, void *buf, size_t n, size_t off)
{
    const char *s = src;
    size_t len = strlen(s);

    if (off >= len)
        return 0;
    if (n > len - off)
        n = len - off;
    memcpy(buf, s + off, n);
    return (ssize_t)n;
}

static int
prog(const char *const *argv, const char *input, int tainted, unsigned timeout, int *code)
{
    struct child_input in = { str_pread, input, input ? strlen(input) : 0 };
    struct child_env env;
    struct progtest t = { argv, tainted, input ? &in : NULL, NULL, timeout };
    struct status st;
    int rc;

    child_env_init(&env);
    t.env = child_env_list(&env);
    rc = progtest_run(&t, code, &st);
    if (rc == PROGTEST_ERROR)
        printf("#   error: %s\n", st.text);
    child_env_free(&env);
    return rc;
}

int
main(void)
{
    char base[] = "/tmp/weir-units.XXXXXX", *dir, *k1, *k2, *k3, *cmd;
    struct mp_header h;
    struct status st;
    int code;
    time_t t0;

    log_open("test_units", LOG_DEST_STDERR, NULL);
    if (mkdtemp(base) == NULL)
        return 1;
    dir = xasprintf("%s/state", base);
    setenv("WEIR_TEST_NOW", "1800000000", 1);

    /* ---- duplicates ---- */
    {
        static const char hdr[] = "From: a@b\nMessage-ID:  <abc@example.org> (x)\n\n";
        static const char nomid[] = "From: a@b\nSubject: x\n\n";

        mp_header_parse(hdr, strlen(hdr), &h);
        k1 = dupe_key(&h, NULL);
        is_str(k1, "id <abc@example.org>", "key from Message-ID");
        k2 = dupe_key(&h, "bob@example.com\nlunch");
        is_str(k2, "key bob@example.com?lunch", "given key, control characters replaced");
        mp_header_free(&h);
        mp_header_parse(nomid, strlen(nomid), &h);
        k3 = dupe_key(&h, NULL);
        ok(k3 == NULL, "no Message-ID: no key (never a duplicate)");
        mp_header_free(&h);
    }
    ok(dupe_seen(dir, k1, &st) == 0, "not seen before anything is recorded");
    ok(access(dir, F_OK) != 0, "... and checking created nothing");
    ok(dupe_seen(dir, NULL, &st) == 0, "a message without key is never a duplicate");
    {
        const char *keys[] = { k1, k2 };

        ok(dupe_record(dir, keys, 2, 3, &st) == 0, "record after delivery");
    }
    ok(dupe_seen(dir, k1, &st) == 1 && dupe_seen(dir, k2, &st) == 1, "seen afterwards");
    t0 = state_now();
    setenv("WEIR_TEST_NOW", "1800259199", 1);           /* 3 days - 1 s */
    ok(dupe_seen(dir, k1, &st) == 1, "still a duplicate just before N days");
    setenv("WEIR_TEST_NOW", "1800259200", 1);
    ok(dupe_seen(dir, k1, &st) == 0, "not a duplicate after N days");
    (void)t0;

    /* ---- program tests ---- */
    {
        const char *t[] = { "true", NULL }, *f[] = { "false", NULL };
        const char *e3[] = { "sh", "-c", "exit 3", NULL };
        const char *e75[] = { "sh", "-c", "exit 75", NULL };
        const char *missing[] = { "/nonexistent/checker", NULL };
        const char *slow[] = { "sleep", "10", NULL };
        const char *grep[] = { "grep", "-q", "^Subject: spam", NULL };
        const char *ctl[] = { "echo", "a\nb", NULL };

        ok(prog(t, NULL, 0, 5, &code) == PROGTEST_TRUE && code == 0, "exit 0: true");
        ok(prog(f, NULL, 0, 5, &code) == PROGTEST_FALSE && code == 1, "exit 1: false");
        ok(prog(e3, NULL, 0, 5, &code) == PROGTEST_FALSE && code == 3, "exit 3: false");
        ok(prog(e75, NULL, 0, 5, &code) == PROGTEST_ERROR && code == 75, "exit 75: error");
        ok(prog(missing, NULL, 0, 5, &code) == PROGTEST_ERROR, "missing program: error");
        ok(prog(slow, NULL, 0, 1, &code) == PROGTEST_ERROR, "timeout: error (group killed)");
        ok(prog(t, NULL, 1, 5, &code) == PROGTEST_ERROR && code == -1,
           "tainted arguments: refused, not run");
        ok(prog(ctl, NULL, 0, 5, &code) == PROGTEST_ERROR && code == -1,
           "control character in an argument: refused");
        ok(prog(grep, "Subject: spam offer\n\nbody\n", 0, 5, &code) == PROGTEST_TRUE,
           "message on standard input: true when it matches");
        ok(prog(grep, "Subject: hello\n\nbody\n", 0, 5, &code) == PROGTEST_FALSE,
           "... false when it does not");
    }
    cmd = xasprintf("rm -rf '%s'", base);
    if (system(cmd) != 0)
        printf("# cleanup failed\n");
    free(cmd);
    free(k1);
    free(k2);
    free(dir);
    return done();
}
