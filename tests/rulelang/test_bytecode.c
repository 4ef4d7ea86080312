/*
 * test_bytecode.c -- the bytecode image and the cache files as untrusted
 * input.  A real program (every opcode) is serialized; then every byte of
 * the image is corrupted (three ways) and the image truncated at every
 * length: rl_load must reject each, or load a program that then runs to
 * completion (ASan/UBSan watch in the sanitizer build).  Then the cache
 * files (lda/prog/rulecache.c): hit, stale on any source change (includes
 * too), corrupt/truncated/foreign/symlinked files ignored and rebuilt.
 */
#include "config.h"
#include "rl.h"
#include "rulecache.h"
#include "tests/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char rules[] =
    "set mail = \"~/Maildir\"\n"
    "rule \"r\" \"all of it\" shadow {\n"
    "  if header \"List-Id\" matches /<(?<l>[a-z]+)\\.example>/i and not header raw \"X\" exists {\n"
    "    file \"${mail}/.${l}.${1}/\"\n"
    "  }\n"
    "}\n"
    "if address \"From\" domain is \"example.org\" or envelope from localpart contains \"x\" {\n"
    "  score 2.5 \"reason ${sender}\"\n"
    "} elif size > 10k { copy forward \"a@b\" } else { final discard }\n"
    "if score >= 2 and string \"${user}\" glob \"u*\" and body contains \"hello\" {\n"
    "  reply days 3 subject \"s\" from \"f@x\" text \"t\"\n"
    "  header add \"X-A\" \"1\"\n"
    "  header set \"X-B\" \"2\"\n"
    "  header remove \"X-C\"\n"
    "  bounce \"no\"\n"
    "  defer\n"
    "  fakebounce\n"
    "  pipe \"cmd\"\n"
    "  filter \"f\"\n"
    "  log \"${env.HOME} ${extension} ${recipient} ${home}\"\n"
    "}\n"
    "if true { stop }\n"
    "if false { log \"x\" }\n";

static const char header[] =
    "From: A <a@example.org>\nList-Id: L <abc.example>\nSubject: hi\n\n";

static int
body(void *ctx, const char **p, size_t *n)
{
    (void)ctx;
    *p = "hello world\n";
    *n = 12;
    return 0;
}

static int
run_ok(const struct rl_program *p)
{
    struct rl_msg m;
    struct action_list out;
    struct status st;
    struct rl_limits lim;
    int rc;

    memset(&m, 0, sizeof m);
    m.header = header;
    m.header_len = sizeof header - 1;
    m.size = 1000;
    m.get_body = body;
    m.envelope_from = "x@y";
    m.envelope_to = "u@v";
    m.user = "user";
    rl_limits_default(&lim);
    lim.steps = 10000;
    actions_init(&out);
    rc = rl_run(p, &m, NULL, &lim, &out, NULL, &st);
    actions_free(&out);
    return rc == 0;
}

static void
write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");

    if (f == NULL || fputs(s, f) < 0 || fclose(f) != 0)
        exit(99);
}

int
main(void)
{
    struct rl_diags d;
    struct rl_program *p, *q;
    struct buf img = BUF_INIT, d1 = BUF_INIT, d2 = BUF_INIT;
    struct status st;
    size_t rejected = 0, ran = 0, crashed = 0, trunc_ok = 0;
    static const unsigned char xors[] = { 0xff, 0x01, 0x80 };

    rl_diags_init(&d);
    p = rl_compile("t.rules", rules, sizeof rules - 1, NULL, NULL, &d);
    if (!ok(p != NULL, "the test program compiles")) {
        struct buf b = BUF_INIT;
        rl_diags_format(&d, &b);
        printf("%s", b.data);
        return done();
    }
    ok(run_ok(p), "and runs");
    ok(rl_program_uses(p, "body") && !rl_program_uses(p, "dnsbl") &&
       !rl_program_uses(p, "no-such-builtin"), "rl_program_uses names the builtins it calls");
    ok(rl_program_nsources(p) == 1 && strcmp(rl_program_source(p, 0), "t.rules") == 0 &&
       rl_program_source(p, 1) == NULL, "rl_program_source lists the sources");
    rl_serialize(p, &img);
    ok(rl_load(img.data, img.len, NULL, &q, &st) == 0, "its image loads: %s", st.text);
    rl_disassemble(p, &d1);
    if (q)
        rl_disassemble(q, &d2);
    is_str(d2.data, d1.data, "loaded program disassembles identically");
    rl_program_free(q);

    for (size_t i = 0; i < img.len; i++)
        for (size_t x = 0; x < sizeof xors; x++) {
            img.data[i] ^= (char)xors[x];
            if (rl_load(img.data, img.len, NULL, &q, &st) < 0) {
                rejected++;
                if (strncmp(st.code, "4.", 2) != 0)
                    crashed++;
            } else {
                if (run_ok(q))
                    ran++;
                else
                    crashed++;
                rl_program_free(q);
            }
            img.data[i] ^= (char)xors[x];
        }
    ok(crashed == 0 && rejected + ran == img.len * sizeof xors,
       "every corrupted byte (%zu bytes x 3): %zu rejected, %zu loaded and ran safely",
       img.len, rejected, ran);
    ok(rejected > ran, "most corruptions are rejected by the verifier");
    for (size_t l = 0; l < img.len; l++) {
        if (rl_load(img.data, l, NULL, &q, &st) == 0) {
            trunc_ok++;
            rl_program_free(q);
        }
    }
    is_long((long)trunc_ok, 0, "every truncation of the image is rejected");
    img.data[8]++;
    ok(rl_load(img.data, img.len, NULL, &q, &st) < 0 &&
       strstr(st.text, "version") != NULL, "another bytecode version is refused: %s", st.text);
    img.data[8]--;
    img.data[0] = 'X';
    ok(rl_load(img.data, img.len, NULL, &q, &st) < 0, "a bad magic is refused: %s", st.text);
    img.data[0] = 'W';

    /* fuzz_loader finding: a reply "days" number too large for a long
     * (3.6e24) came from a corrupt image that verifies; the VM clamps it */
    {
        int hit = 0;
        for (size_t i = 0; i < img.len - 8; i++) {
            double three = 3, big = 3.62678e+24;
            if (memcmp(img.data + i, &three, 8) == 0) {
                memcpy(img.data + i, &big, 8);
                hit = 1;
            }
        }
        ok(hit && rl_load(img.data, img.len, NULL, &q, &st) == 0,
           "an image with reply days 3.6e24 verifies (it is a valid number)");
        if (q) {
            ok(run_ok(q), "and runs without undefined behaviour (days clamped)");
            rl_program_free(q);
        }
    }

    /* ---- cache files ---- */
    char tmpl[] = "/tmp/weir-bc-XXXXXX";
    char *dir = mkdtemp(tmpl);
    char *rpath, *ipath, *cdir, *cfile;
    enum rulecache_result how;

    if (dir == NULL)
        return 99;
    rpath = xasprintf("%s/main.rules", dir);
    ipath = xasprintf("%s/part.inc", dir);
    cdir = xasprintf("%s/cache", dir);
    write_file(rpath, "include \"part.inc\"\nfile \"x\"\n");
    write_file(ipath, "log \"one\"\n");
    q = rulecache_get(rpath, cdir, 1, NULL, NULL, &how, &st);
    ok(q && how == RULECACHE_COMPILED, "first load compiles and stores");
    rl_program_free(q);
    q = rulecache_get(rpath, cdir, 1, NULL, NULL, &how, &st);
    ok(q && how == RULECACHE_HIT, "second load is a cache hit");
    rl_program_free(q);
    write_file(ipath, "log \"two\"\n");
    q = rulecache_get(rpath, cdir, 1, NULL, NULL, &how, &st);
    ok(q && how == RULECACHE_COMPILED, "changing an included file invalidates the cache");
    rl_program_free(q);
    q = rulecache_get(rpath, cdir, 1, NULL, NULL, &how, &st);
    ok(q && how == RULECACHE_HIT, "and the rebuilt cache is used again");
    rl_program_free(q);

    cfile = rulecache_file(cdir, rpath);
    {
        struct stat sb;
        ok(stat(cfile, &sb) == 0 && truncate(cfile, sb.st_size / 2) == 0, "truncate the cache file");
    }
    ok(rulecache_load(cfile, NULL, &q, &st) < 0, "a truncated cache is refused: %s", st.text);
    q = rulecache_get(rpath, cdir, 1, NULL, NULL, &how, &st);
    ok(q && how == RULECACHE_COMPILED, "and rebuilt");
    rl_program_free(q);
    write_file(cfile, "this is not a cache file at all\n");
    ok(rulecache_load(cfile, NULL, &q, &st) < 0 && strstr(st.text, "not a weir cache"),
       "a foreign file is refused: %s", st.text);
    q = rulecache_get(rpath, cdir, 1, NULL, NULL, &how, &st);
    ok(q && how == RULECACHE_COMPILED, "and replaced");
    rl_program_free(q);
    {
        char *other = xasprintf("%s/other.wbc", dir);
        ok(rename(cfile, other) == 0 && symlink(other, cfile) == 0, "cache file replaced by a symlink");
        ok(rulecache_load(cfile, NULL, &q, &st) < 0, "a symlinked cache is not followed: %s", st.text);
        free(other);
    }
    q = rulecache_get(rpath, cdir, 1, NULL, NULL, &how, &st);
    ok(q && how == RULECACHE_COMPILED, "and it is rebuilt as a regular file");
    rl_program_free(q);
    {
        struct stat sb;
        ok(lstat(cfile, &sb) == 0 && S_ISREG(sb.st_mode), "the cache is a regular file again");
    }
    write_file(rpath, "file \"x\"\nfiel \"y\"\n");
    q = rulecache_get(rpath, cdir, 1, NULL, NULL, &how, &st);
    ok(q == NULL, "a source that no longer compiles is not served from the old cache");

    {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", dir);
    }
    free(rpath);
    free(ipath);
    free(cdir);
    free(cfile);
    rl_program_free(p);
    rl_diags_free(&d);
    buf_free(&img);
    buf_free(&d1);
    buf_free(&d2);
    return done();
}
