/*
 * test_mime_lazy.c -- the MIME walk loads libmagic and libarchive only
 * when a fact needs them (lda/sys/dynload.h dynload_is_loaded), with the
 * real modules of the build ($WEIR_MODULEDIR):
 *   - walking a message, its body text, and asking for archives of parts
 *     that do not start like an archive load neither module;
 *   - a sniffed type loads weir_magic.so only;
 *   - listing the zip inside the attached message loads weir_archive.so,
 *     and finds the executable in it (by name and by sniffed type);
 *   - an .exe named invoice.pdf and declared application/pdf is a type
 *     mismatch, a real PDF is not.
 * The steps run in this order in one process (modules stay loaded).
 */
#include "config.h"
#include "dynload.h"
#include "message.h"
#include "mime.h"
#include "util.h"
#include "tests/tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t
src_pread(void *ctx, void *buf, size_t n, size_t off)
{
    return message_pread(ctx, buf, n, off);
}

static struct mime_tree *
walk_file(const char *name, struct message *m)
{
    const char *td = getenv("TESTDATA");
    char *path = xasprintf("%s/mime/%s", td ? td : "testdata", name);
    struct intake_limits lim;
    struct status st;
    struct mime_source src;
    struct mime_tree *t;
    int fd = open(path, O_RDONLY);

    free(path);
    message_limits_default(&lim);
    lim.spool_dir = "/tmp";
    if (fd < 0 || message_read(m, fd, &lim, &st) < 0) {
        printf("Bail out! cannot read testdata/mime/%s\n", name);
        exit(1);
    }
    close(fd);
    src.pread = src_pread;
    src.ctx = m;
    src.len = m->len;
    t = mime_walk(&src, NULL, mime_modules_new(dynload_api, NULL));
    t->own_mods = 1;                    /* freed with the tree */
    return t;
}

static struct mime_part *
part(struct mime_tree *t, const char *path)
{
    for (size_t i = 0; i < t->nparts; i++)
        if (strcmp(t->parts[i].path, path) == 0)
            return &t->parts[i];
    printf("Bail out! no part %s\n", path);
    exit(1);
}

int
main(void)
{
    struct message m, m2;
    struct mime_tree *t = walk_file("zip-in-message.eml", &m), *t2;
    struct mime_part *zip;
    struct buf text = BUF_INIT;
    int found_name = 0, found_type = 0;

    ok(!dynload_is_loaded("magic") && !dynload_is_loaded("archive"),
       "the walk loads no module");
    zip = part(t, "1.2.1.2");
    ok(zip->attachment && zip->name && strcmp(zip->name, "files.zip") == 0 &&
       zip->sniff_state == MIME_LAZY_NOT_YET && zip->archive_state == MIME_LAZY_NOT_YET,
       "the zip in the attached message is found, its content facts not computed");
    mime_body_text(t, &text);
    ok(strcmp(text.data, "Forwarding this.\nHere are the files.") == 0,
       "body text of both messages");
    buf_free(&text);
    ok(mime_part_archive(t, part(t, "1.1")) == 0 && part(t, "1.1")->archive_format == NULL,
       "a text part is not an archive");
    ok(!dynload_is_loaded("magic") && !dynload_is_loaded("archive"),
       "body text and a part without an archive signature load no module");

    ok(mime_part_sniff(t, part(t, "1.1")) != NULL &&
       strcmp(part(t, "1.1")->sniffed, "text/plain") == 0, "sniffed text/plain");
    ok(dynload_is_loaded("magic") && !dynload_is_loaded("archive"),
       "a sniffed type loads weir_magic.so only");

    ok(mime_part_archive(t, zip) == 0 && zip->archive_format &&
       strcmp(zip->archive_format, "zip") == 0, "the zip is listed");
    ok(dynload_is_loaded("archive"), "listing it loads weir_archive.so");
    for (size_t i = 0; i < zip->nmembers; i++) {
        const struct mime_member *mm = &zip->members[i];

        if (mm->ext && strcmp(mm->ext, "exe") == 0 && strcmp(mm->name, "payload/setup.exe") == 0)
            found_name = 1;
        if (mm->sniffed && strcmp(mm->sniffed, "application/vnd.microsoft.portable-executable") == 0)
            found_type = 1;
    }
    ok(found_name, "the executable in the zip in the attached message: by name");
    ok(found_type, "the executable in the zip in the attached message: by sniffed type");
    ok(mime_part_mismatch(t, zip) == 0, "a zip named .zip is no mismatch");

    t2 = walk_file("exe-as-pdf.eml", &m2);
    ok(mime_part_mismatch(t2, part(t2, "1.2")) == 1, "an .exe named invoice.pdf is a mismatch");
    ok(strcmp(part(t2, "1.2")->sniffed, "application/vnd.microsoft.portable-executable") == 0 &&
       strcmp(part(t2, "1.2")->type, "application/pdf") == 0,
       "declared application/pdf, sniffed a PE executable");
    mime_tree_free(t2);
    message_free(&m2);
    t2 = walk_file("bad-encodings.eml", &m2);
    ok(mime_part_mismatch(t2, part(t2, "1.4")) == 0 &&
       strcmp(part(t2, "1.4")->sniffed, "application/pdf") == 0, "a real PDF is no mismatch");
    mime_tree_free(t2);
    message_free(&m2);

    mime_tree_free(t);
    message_free(&m);
    return done();
}
