/*
 * test_bytecode.c -- the bytecode image and the cache files as untrusted
 * input.  A real program (every opcode) is serialized; then every byte of
 * the image is corrupted (three ways) and the image truncated at every
 * length: rl_load must reject each, or load a program that then runs to
 * completion (ASan/UBSan watch in the sanitizer build).  Then the cache
 * files (lda/prog/rulecache.c): hit, stale on any source change (includes
 * too), corrupt/truncated/foreign/symlinked files ignored and rebuilt.
 * Then one operand at a time is set to a value its kind forbids (rule vs
 * action flags, `copy` where actions.def has no copy variant, action kinds
 * and their arguments, header mode, envelope side), each refused with its
 * reason, next to a control edit that stays valid and loads.
 */
#include "config.h"
#include "rl.h"
#include "rl_int.h"
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

/* Compile src, set operand `field` (a, b, c or d) of its first
 * instruction with opcode op to v, and load the image: 0 when it loads,
 * -1 with the reason in st; 99 when src or op is not there. */
static int
patched(const char *src, int op, char field, uint32_t v, struct status *st)
{
    struct rl_program *p = rl_compile("p.rules", src, strlen(src), NULL, NULL, NULL), *q;
    struct buf img = BUF_INIT;
    uint32_t ncode;
    size_t at;
    int rc = 99;

    if (p == NULL)
        return 99;
    rl_serialize(p, &img);
    rl_program_free(p);
    memcpy(&ncode, img.data + 12, 4);       /* little-endian hosts (CI) */
    for (size_t i = 0; i < ncode; i++) {
        unsigned char *in = (unsigned char *)img.data + img.len - (ncode - i) * 18;

        if (in[0] != op)
            continue;
        switch (field) {
        case 'a': in[1] = (unsigned char)v; break;
        case 'b': in[2] = v & 0xff; in[3] = (v >> 8) & 0xff; break;
        case 'c': case 'd':
            at = field == 'c' ? 4 : 8;
            for (int j = 0; j < 4; j++)
                in[at + j] = (v >> (8 * j)) & 0xff;
            break;
        }
        rc = rl_load(img.data, img.len, NULL, &q, st);
        if (rc == 0)
            rl_program_free(q);
        break;
    }
    buf_free(&img);
    return rc;
}

/* The operand edit is refused with a reason containing why. */
static void
refused(const char *src, int op, char field, uint32_t v, const char *why, const char *what)
{
    struct status st;
    int rc = patched(src, op, field, v, &st);

    ok(rc == -1 && strstr(st.text, why) != NULL, "%s: refused (%s)", what,
       rc == -1 ? st.text : rc == 0 ? "loaded" : "no such instruction");
}

static void
loads(const char *src, int op, char field, uint32_t v, const char *what)
{
    struct status st;
    int rc = patched(src, op, field, v, &st);

    ok(rc == 0, "control: %s loads%s%s", what, rc == -1 ? ": " : "", rc == -1 ? st.text : "");
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

    /* The undecided-test operands: JT/JF's a is 0 or 1, JU's d names an
     * instruction at or before the JU (the start of its condition). */
    {
        size_t jt = 0, ju = 0;
        uint32_t ju_d;
        for (size_t i = 0; i < p->ncode; i++) {
            if (p->code[i].op == RL_OP_JT && p->code[i].a == 1 && jt == 0)
                jt = i;
            if (p->code[i].op == RL_OP_JU && ju == 0)
                ju = i;
        }
        ok(jt && ju, "the program has a JT counting undecided as true and a JU");
        ju_d = p->code[ju].d;
        p->code[jt].a = 2;
        buf_reset(&d1);
        rl_serialize(p, &d1);
        ok(rl_load(d1.data, d1.len, NULL, &q, &st) < 0 && strstr(st.text, "undecided"),
           "JT with a=2 is refused: %s", st.text);
        p->code[jt].a = 1;
        p->code[ju].d = (uint32_t)ju + 1;
        buf_reset(&d1);
        rl_serialize(p, &d1);
        ok(rl_load(d1.data, d1.len, NULL, &q, &st) < 0 && strstr(st.text, "condition start"),
           "JU naming a condition start after itself is refused: %s", st.text);
        p->code[ju].d = (uint32_t)ju;
        buf_reset(&d1);
        rl_serialize(p, &d1);
        ok(rl_load(d1.data, d1.len, NULL, &q, &st) == 0, "JU naming itself loads (no test in between)");
        rl_program_free(q);
        q = NULL;
        p->code[ju].d = ju_d;
    }

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

    /* ---- operands against their kinds (opcodes.def, actions.def) ---- */
    refused("rule \"r\" { discard }\n", RL_OP_RULE, 'b', RL_AF_FINAL,
            "rule flags", "RULE with an action flag (final)");
    loads("rule \"r\" { discard }\n", RL_OP_RULE, 'b', RL_RF_SHADOW, "RULE shadow");
    refused("discard\n", RL_OP_ACTION, 'b', 0x08, "action flags", "ACTION flag 0x08");
    refused("discard\n", RL_OP_ACTION, 'b', 0x04, "'else defer' flag", "ACTION discard with else defer");
    refused("discard\n", RL_OP_ACTION, 'b', RL_AF_COPY, "copy",
            "ACTION discard with the copy flag");
    refused("log \"x\"\n", RL_OP_ACTION, 'b', RL_AF_COPY | RL_AF_FINAL, "copy",
            "ACTION log with copy and final");
    loads("file \"x/\"\n", RL_OP_ACTION, 'b', RL_AF_COPY | RL_AF_FINAL, "copy final file");
    loads("discard\n", RL_OP_ACTION, 'b', RL_AF_FINAL, "final discard");
    refused("discard\n", RL_OP_ACTION, 'a', 0, "action kind", "ACTION kind 0");
    refused("discard\n", RL_OP_ACTION, 'a', ACT_COUNT, "action kind",
            "ACTION kind one past the last in actions.def");
    refused("discard\n", RL_OP_ACTION, 'a', 0xff, "action kind", "ACTION kind 255");
    loads("discard\n", RL_OP_ACTION, 'a', ACT_FAKEBOUNCE, "discard turned fakebounce");
    loads("file \"x/\"\n", RL_OP_ACTION, 'a', ACT_FORWARD, "file turned forward");
    refused("file \"x/\"\n", RL_OP_ACTION, 'a', ACT_DISCARD, "no such argument",
            "file turned discard (a target discard does not take)");
    refused("discard\n", RL_OP_ACTION, 'a', ACT_FILE, "argument missing",
            "discard turned file (no target)");
    refused("discard\n", RL_OP_ACTION, 'a', ACT_LOG, "argument missing",
            "discard turned log (no text)");
    loads("discard\n", RL_OP_ACTION, 'a', ACT_BOUNCE, "discard turned bounce (text optional)");
    refused("header remove \"X\"\n", RL_OP_ACTION, 'a', ACT_HEADER_ADD, "argument missing",
            "header remove turned header add (no value)");
    refused("log \"x\"\n", RL_OP_ACTION, 'd', RL_NONE, "argument missing",
            "log without its text");
    refused("bounce \"x\"\n", RL_OP_ACTION, 'c', 0, "no such argument",
            "bounce with a target");
    loads("bounce \"x\"\n", RL_OP_ACTION, 'd', RL_NONE, "bounce without its text");
    refused("if header \"X\" exists { stop }\n", RL_OP_HEADER, 'a', RL_HMODE_COUNT,
            "header mode", "HEADER mode 2");
    loads("if header \"X\" exists { stop }\n", RL_OP_HEADER, 'a', RL_HMODE_RAW, "HEADER raw");
    refused("if envelope from is \"a\" { stop }\n", RL_OP_BUILTIN, 'a', 4,
            "builtin form", "BUILTIN envelope form 4 (it has four)");
    loads("if envelope from is \"a\" { stop }\n", RL_OP_BUILTIN, 'a', 2,
          "BUILTIN envelope from turned to");

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
