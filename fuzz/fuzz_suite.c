/*
 * fuzz_suite.c -- the YAML test-suite loader of `weir test --suite`
 * (lda/tester/suite.c over lda/prog/yamlload.c): the bytes as a suite file.
 * suite_load() reads a file and resolves the rule and message paths it
 * names relative to it, so each input is written to one private temporary
 * directory (with a rules file and a message there, so that inputs naming
 * them get past the existence checks into the case parsing).  A load that
 * fails must say why with "file:line:col:"; one that succeeds must have
 * freed nothing it returns (suite_free() then frees it all: LeakSanitizer).
 *
 * suite_run() is never called here; it needs the whole dry-run tester.
 * The tester's run functions below are therefore link-time stand-ins that
 * abort if reached (named as such: FAKES for the linker only).
 */
#include "config.h"
#include "suite.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[96];

static void
setup(void)
{
    char f[128];
    int fd;

    snprintf(dir, sizeof dir, "/tmp/fuzz_suite.XXXXXX");
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(path, sizeof path, "%s/suite.yaml", dir);
    snprintf(f, sizeof f, "%s/rules", dir);
    fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "keep\n", 5) != 5)
        abort();
    close(fd);
    snprintf(f, sizeof f, "%s/msg", dir);
    fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "Subject: x\n\nbody\n", 17) != 17)
        abort();
    close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct suite s;
    struct buf err = BUF_INIT;
    int fd, rc;

    if (dir[0] == '\0')
        setup();
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size))
        abort();
    close(fd);
    memset(&s, 0, sizeof s);
    rc = suite_load(path, &s, &err);
    if (rc < 0) {
        /* refused: with a reason that says where */
        if (err.len == 0 || strncmp(err.data, path, strlen(path)) != 0)
            abort();
    } else {
        for (size_t i = 0; i < s.ncases; i++)
            if (s.cases[i].name == NULL)
                abort();
        suite_free(&s);
    }
    buf_free(&err);
    return 0;
}

/* FAKES for the linker: suite_run()'s calls into the tester. */
#define NOT_HERE abort()
int tester_init(struct tester *t, const struct tester_opts *o, FILE *out, struct status *st)
{ (void)t; (void)o; (void)out; (void)st; NOT_HERE; }
void tester_free(struct tester *t) { (void)t; NOT_HERE; }
void tester_forget_answers(struct tester *t) { (void)t; NOT_HERE; }
int tester_message(struct tester *t, const char *label, const char *data, size_t len,
                   const char *from_line, int print, struct tester_result *res)
{ (void)t; (void)label; (void)data; (void)len; (void)from_line; (void)print; (void)res; NOT_HERE; }
void tester_result_free(struct tester_result *res) { (void)res; NOT_HERE; }
const char *tester_reply_suppressed(const struct tester *t, const struct tester_result *res,
                                    const struct action *a)
{ (void)t; (void)res; (void)a; NOT_HERE; }
char *tester_resolve_folder(const struct folder_roots *r, const char *target)
{ (void)r; (void)target; NOT_HERE; }
