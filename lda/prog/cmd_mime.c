/*
 * cmd_mime.c -- `weir mime [options] FILE...`: print the MIME tree of
 * saved messages as the attachment tests see it (builtins/mime.h): per
 * part its path, declared and sniffed type, disposition, decoded file
 * name and extensions, decoded size, archive members, and the defects
 * and limits met.  Text (default) or JSON lines (--format json).  See
 * weir(1), RULE TOOLS.
 *
 * Each FILE (or "-" for standard input) is read through the same intake
 * as a delivery (lda/message.h: a From_ line dropped, CRLF made LF),
 * with the limits of the system configuration (or -c FILE).  Exit 0,
 * EX_NOINPUT when a file could not be read (the others are still
 * printed), EX_USAGE for a bad command line, EX_CONFIG for a broken -c
 * file.  Reads only the named files (and libmagic's database); writes
 * only standard output, and an unlinked temporary file for a large
 * message.
 */
#include "config.h"
#include "commands.h"
#include "dynload.h"
#include "message.h"
#include "mime.h"
#include "tester.h"
#include "util.h"
#include "weir_config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

struct opts {
    int json;
    int content;                /* sniff, list archives, mismatch */
};

static ssize_t
src_pread(void *ctx, void *buf, size_t n, size_t off)
{
    return message_pread(ctx, buf, n, off);
}

static const char *
enc_name(const struct mime_part *p)
{
    static const char *const names[] = {
        [MIME_ENC_7BIT] = "7bit", [MIME_ENC_8BIT] = "8bit", [MIME_ENC_BINARY] = "binary",
        [MIME_ENC_BASE64] = "base64", [MIME_ENC_QP] = "quoted-printable",
        [MIME_ENC_UUENCODE] = "uuencode", [MIME_ENC_BASE64_BLOCK] = "begin-base64",
        [MIME_ENC_UNKNOWN] = "unknown",
    };

    return p->enc_name ? p->enc_name : names[p->enc];
}

static const char *
kind_name(enum mime_kind k)
{
    switch (k) {
    case MIME_MULTIPART:
        return "multipart";
    case MIME_MESSAGE:
        return "message";
    case MIME_UUENCODED:
        return "uuencoded";
    default:
        return "leaf";
    }
}

/* A value for the text format: bare when it is a plain token, else
 * quoted with C escapes (control characters as \xNN). */
static void
text_val(struct buf *b, const char *s)
{
    int plain = *s != '\0';

    for (const char *c = s; *c && plain; c++)
        if ((unsigned char)*c <= ' ' || *c == '"' || *c == '\\' || *c == 0x7f ||
            (unsigned char)*c >= 0x80)
            plain = 0;
    if (plain) {
        buf_adds(b, s);
        return;
    }
    buf_addc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < ' ' || c == 0x7f)
            buf_printf(b, "\\x%02x", c);
        else
            buf_addc(b, c);
    }
    buf_addc(b, '"');
}

static void
defect_list(struct buf *b, unsigned d, const char *sep)
{
    int first = 1;

    for (unsigned i = 0; i < MIME_NDEFECTS; i++)
        if (d & (1u << i)) {
            buf_printf(b, "%s%s", first ? "" : sep, mime_defect_name(i));
            first = 0;
        }
}

static const struct {
    unsigned flag;
    const char *name;
} ar_flags[] = {
    { MIME_AR_ENCRYPTED, "encrypted" },
    { MIME_AR_EXPANSION, "limit reached: archive_expansion" },
    { MIME_AR_MEMBERS, "limit reached: archive_members" },
    { MIME_AR_DEPTH, "limit reached: archive_depth" },
    { MIME_AR_DAMAGED, "damaged" },
    { MIME_AR_DECODE, "limit reached: mime_decode" },
};

static void
print_text(struct buf *b, struct mime_tree *t, const struct opts *o)
{
    for (size_t i = 0; i < t->nparts; i++) {
        struct mime_part *p = &t->parts[i];
        unsigned ind = 2 * p->depth;

        buf_printf(b, "%*s%s %s", (int)ind, "", p->path, p->type);
        if (p->charset) {
            buf_adds(b, " charset=");
            text_val(b, p->charset);
        }
        if (p->kind != MIME_MULTIPART && p->enc != MIME_ENC_7BIT) {
            buf_adds(b, " encoding=");
            text_val(b, enc_name(p));
        }
        if (p->disposition) {
            buf_adds(b, " disposition=");
            text_val(b, p->disposition);
        }
        if (p->name) {
            buf_adds(b, " name=");
            text_val(b, p->name);
        }
        if (p->nexts > 1) {
            buf_adds(b, " exts=");
            for (size_t k = 0; k < p->nexts; k++) {
                if (k)
                    buf_addc(b, ',');
                text_val(b, p->exts[k]);
            }
        } else if (p->ext) {
            buf_adds(b, " ext=");
            text_val(b, p->ext);
        }
        if (p->kind != MIME_MULTIPART)
            buf_printf(b, " size=%zu", p->size);
        if (o->content && (p->kind == MIME_LEAF || p->kind == MIME_UUENCODED)) {
            const char *s = mime_part_sniff(t, p);

            buf_adds(b, " sniffed=");
            text_val(b, s ? s : p->sniff_state == MIME_LAZY_UNAVAILABLE ? "unavailable" : "none");
            if (mime_part_mismatch(t, p))
                buf_adds(b, " mismatch");
        }
        if (p->attachment)
            buf_adds(b, " is-attachment");
        if (p->defects) {
            buf_adds(b, " defects=\"");
            defect_list(b, p->defects, "; ");
            buf_addc(b, '"');
        }
        buf_addc(b, '\n');
        if (!o->content)
            continue;
        if (mime_part_archive(t, p) < 0) {
            buf_printf(b, "%*s  archive unavailable\n", (int)ind, "");
            continue;
        }
        if (p->archive_format == NULL)
            continue;
        buf_printf(b, "%*s  archive %s", (int)ind, "", p->archive_format);
        for (size_t k = 0; k < sizeof ar_flags / sizeof ar_flags[0]; k++)
            if (p->archive_flags & ar_flags[k].flag)
                buf_printf(b, " [%s]", ar_flags[k].name);
        buf_addc(b, '\n');
        for (size_t k = 0; k < p->nmembers; k++) {
            const struct mime_member *m = &p->members[k];

            buf_printf(b, "%*s  member ", (int)(ind + 2 * m->depth), "");
            text_val(b, m->name);
            if (m->size >= 0)
                buf_printf(b, " size=%lld", (long long)m->size);
            if (m->ext) {
                buf_adds(b, " ext=");
                text_val(b, m->ext);
            }
            if (m->sniffed) {
                buf_adds(b, " sniffed=");
                text_val(b, m->sniffed);
            }
            if (m->encrypted)
                buf_adds(b, " encrypted");
            buf_addc(b, '\n');
        }
    }
    if (t->limit)
        buf_printf(b, "limit reached: %s at %s\n", t->limit, t->limit_path);
    if (o->content && mime_modules_error(t->mods))
        buf_printf(b, "unavailable: %s\n", mime_modules_error(t->mods));
}

static void
jkey(struct buf *b, const char *k, const char *v)
{
    buf_printf(b, ",\"%s\":", k);
    if (v)
        tester_json_str(b, v);
    else
        buf_adds(b, "null");
}

static void
print_json(struct buf *b, const char *file, struct mime_tree *t, const struct opts *o)
{
    buf_adds(b, "{\"file\":");
    tester_json_str(b, file);
    buf_adds(b, ",\"parts\":[");
    for (size_t i = 0; i < t->nparts; i++) {
        struct mime_part *p = &t->parts[i];

        buf_adds(b, i ? ",{\"path\":" : "{\"path\":");
        tester_json_str(b, p->path);
        buf_printf(b, ",\"depth\":%u,\"kind\":\"%s\"", p->depth, kind_name(p->kind));
        jkey(b, "type", p->type);
        jkey(b, "charset", p->charset);
        jkey(b, "encoding", enc_name(p));
        jkey(b, "disposition", p->disposition);
        jkey(b, "name", p->name);
        jkey(b, "extension", p->ext);
        buf_adds(b, ",\"extensions\":[");
        for (size_t k = 0; k < p->nexts; k++) {
            if (k)
                buf_addc(b, ',');
            tester_json_str(b, p->exts[k]);
        }
        buf_addc(b, ']');
        if (p->kind == MIME_MULTIPART)
            buf_adds(b, ",\"size\":null");
        else
            buf_printf(b, ",\"size\":%zu", p->size);
        buf_printf(b, ",\"attachment\":%s", p->attachment ? "true" : "false");
        buf_adds(b, ",\"defects\":[");
        for (unsigned k = 0, first = 1; k < MIME_NDEFECTS; k++)
            if (p->defects & (1u << k)) {
                if (!first)
                    buf_addc(b, ',');
                tester_json_str(b, mime_defect_name(k));
                first = 0;
            }
        buf_addc(b, ']');
        if (o->content && (p->kind == MIME_LEAF || p->kind == MIME_UUENCODED)) {
            const char *s = mime_part_sniff(t, p);

            jkey(b, "sniffed", s);
            buf_printf(b, ",\"mismatch\":%s", mime_part_mismatch(t, p) ? "true" : "false");
            if (mime_part_archive(t, p) == 0 && p->archive_format) {
                buf_adds(b, ",\"archive\":{\"format\":");
                tester_json_str(b, p->archive_format);
                buf_adds(b, ",\"flags\":[");
                for (size_t k = 0, first = 1; k < sizeof ar_flags / sizeof ar_flags[0]; k++)
                    if (p->archive_flags & ar_flags[k].flag) {
                        if (!first)
                            buf_addc(b, ',');
                        tester_json_str(b, ar_flags[k].name);
                        first = 0;
                    }
                buf_adds(b, "],\"members\":[");
                for (size_t k = 0; k < p->nmembers; k++) {
                    const struct mime_member *m = &p->members[k];

                    buf_adds(b, k ? ",{\"name\":" : "{\"name\":");
                    tester_json_str(b, m->name);
                    if (m->size >= 0)
                        buf_printf(b, ",\"size\":%lld", (long long)m->size);
                    else
                        buf_adds(b, ",\"size\":null");
                    buf_printf(b, ",\"depth\":%u", m->depth);
                    jkey(b, "extension", m->ext);
                    jkey(b, "sniffed", m->sniffed);
                    buf_printf(b, ",\"encrypted\":%s}", m->encrypted ? "true" : "false");
                }
                buf_adds(b, "]}");
            }
        }
        buf_addc(b, '}');
    }
    buf_addc(b, ']');
    if (t->limit) {
        buf_adds(b, ",\"limit\":{\"name\":");
        tester_json_str(b, t->limit);
        jkey(b, "path", t->limit_path);
        buf_addc(b, '}');
    } else
        buf_adds(b, ",\"limit\":null");
    if (o->content)
        jkey(b, "unavailable", mime_modules_error(t->mods));
    buf_adds(b, "}\n");
}

static void
usage(FILE *fp)
{
    fprintf(fp,
"usage: weir mime [--format text|json] [--no-content] [-c config] FILE...\n"
"Print the MIME tree of saved messages (\"-\" reads standard input): paths,\n"
"declared and sniffed types, file names, sizes, archive members, defects.\n"
"  --no-content  do not sniff types or open archives (no libmagic, libarchive)\n");
}

int
cmd_mime(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'F' },
        { "no-content", no_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    struct opts o = { 0, 1 };
    struct weir_config cfg;
    struct mime_limits lim;
    struct intake_limits il;
    struct mime_modules *mods;
    const char *config_file = NULL;
    int c, rc = 0;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'F':
            if (strcmp(optarg, "json") == 0)
                o.json = 1;
            else if (strcmp(optarg, "text") == 0)
                o.json = 0;
            else {
                fprintf(stderr, "weir mime: --format must be text or json, not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case 'N':
            o.content = 0;
            break;
        case 'c':
            config_file = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EX_USAGE;
    }
    config_defaults(&cfg);
    {
        struct buf err = BUF_INIT;
        int r = config_load(&cfg, config_file ? config_file : WEIR_CONFIG_FILE, 0, &err);

        if (r < 0 || (r == CONFIG_MISSING && config_file)) {
            fprintf(stderr, "%s", err.len ? err.data : "");
            if (r == CONFIG_MISSING)
                fprintf(stderr, "%s: error: no such file\n", config_file);
            buf_free(&err);
            config_free(&cfg);
            return EX_CONFIG;
        }
        buf_free(&err);
    }
    mime_limits_default(&lim);
    lim.depth = cfg.limits.mime_depth;
    lim.parts = cfg.limits.mime_parts;
    lim.decode = cfg.limits.mime_decode;
    lim.body_scan = cfg.limits.body_scan;
    lim.archive_expansion = cfg.limits.archive_expansion;
    lim.archive_members = cfg.limits.archive_members;
    lim.archive_depth = cfg.limits.archive_depth;
    message_limits_default(&il);
    il.size_max = 0;
    il.mem_max = cfg.limits.memory_spool;
    il.header_max = cfg.limits.header_size;
    il.spool_dir = cfg.temp_dir;
    mods = mime_modules_new(dynload_api, NULL);

    for (int i = optind; i < argc; i++) {
        const char *file = argv[i];
        int fd = strcmp(file, "-") == 0 ? 0 : open(file, O_RDONLY | O_NOCTTY);
        struct message m;
        struct status st;
        struct mime_source src;
        struct mime_tree *t;
        struct buf out = BUF_INIT;

        if (fd < 0) {
            perror(file);
            rc = EX_NOINPUT;
            continue;
        }
        if (message_read(&m, fd, &il, &st) < 0) {
            fprintf(stderr, "%s: %s\n", file, st.text);
            if (fd != 0)
                close(fd);
            rc = EX_NOINPUT;
            continue;
        }
        if (fd != 0)
            close(fd);
        src.pread = src_pread;
        src.ctx = &m;
        src.len = m.len;
        t = mime_walk(&src, &lim, mods);
        if (o.json)
            print_json(&out, file, t, &o);
        else {
            buf_printf(&out, "%s:\n", file);
            print_text(&out, t, &o);
        }
        fwrite(out.data, 1, out.len, stdout);
        buf_free(&out);
        mime_tree_free(t);
        message_free(&m);
    }
    mime_modules_free(mods);
    config_free(&cfg);
    if (fflush(stdout) != 0 && rc == 0)
        rc = EX_IOERR;
    return rc;
}
