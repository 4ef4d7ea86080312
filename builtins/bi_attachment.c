/*
 * bi_attachment.c -- builtin test `attachment`: the attachments of a
 * message from the MIME walk (builtins/mime.h), computed once per message
 * (shared with `body` through the builtin cache, builtins/bi_mime.c).
 *
 * Forms (weir-rules(5), "Attachments"):
 *   attachment exists
 *   attachment count NUM                 how many attachments
 *   attachment size NUM                  an attachment's decoded size
 *   attachment encrypted                 an encrypted archive
 *   attachment mismatch                  sniffed type disagrees with the
 *                                        declared type or the extension
 *   attachment in archive FIELD TEXT     a member of an archive attachment
 *                                        (name, extension, type)
 *   attachment FIELD TEXT                name, extension, extensions, type
 *                                        (sniffed), declared type,
 *                                        disposition, path
 * A test is true when one attachment makes it true; that attachment's
 * facts are exported (${attachment.name}, .extension, .type, .declared,
 * .disposition, .path, .size, .member) and the trace notes it.
 *
 * eval returns -1 (the test is false, logged) when the message cannot be
 * read, or when the test needs libmagic or libarchive and the module
 * cannot be loaded.  libmagic is loaded only by `type` (of parts or
 * members), `mismatch` and `in archive`; libarchive only by `in archive`
 * and `encrypted`, and only for parts that start like an archive.
 */
#include "config.h"
#include "bi_mime.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FL_NAME, FL_EXT, FL_EXTS, FL_TYPE, FL_DECLARED, FL_DISPOSITION, FL_PATH };
enum { F_EXISTS, F_COUNT, F_SIZE, F_ENCRYPTED, F_MISMATCH, F_ARCHIVE, F_PART };

static const char *const fields[] = {
    "name", "extension", "extensions", "type", "declared type", "disposition", "path", NULL
};

static const struct rl_bi_form forms[] = {
    { "exists", F_EXISTS },
    { "count NUM", F_COUNT },
    { "size NUM", F_SIZE },
    { "encrypted", F_ENCRYPTED },
    { "mismatch", F_MISMATCH },
    { "in archive FIELD TEXT", F_ARCHIVE },
    { "FIELD TEXT", F_PART },
    { NULL, 0 }
};

static const char *const facts[] = {
    "name", "extension", "type", "declared", "disposition", "path", "size", "member", NULL
};

static const char *
att_check(const struct rl_bi_call *call, const char **help)
{
    if (call->id == F_ARCHIVE && call->field != FL_NAME && call->field != FL_EXT &&
        call->field != FL_EXTS && call->field != FL_TYPE) {
        *help = "write `attachment in archive name|extension|extensions|type ...`";
        return "archive members have a name, extensions and a type only";
    }
    return NULL;
}

static void
export_s(struct rl_bi_result *r, const char *name, const char *v)
{
    rl_bi_export(r, name, v ? v : "", v ? strlen(v) : 0);
}

/* The matching part's facts (the member's for `in archive`), and the
 * trace note. */
static void
matched(struct rl_bi_result *r, const struct mime_part *p, const struct mime_member *m,
        const char *why)
{
    char size[32];

    snprintf(size, sizeof size, "%zu", p->size);
    export_s(r, "name", p->name);
    export_s(r, "extension", p->ext);
    export_s(r, "type", p->sniff_state == MIME_LAZY_DONE ? p->sniffed : NULL);
    export_s(r, "declared", p->type);
    export_s(r, "disposition", p->disposition);
    export_s(r, "path", p->path);
    export_s(r, "size", size);
    export_s(r, "member", m ? m->name : NULL);
    rl_bi_note(r, "part %s%s%s%s%s%s%s", p->path, p->name ? " " : "", p->name ? p->name : "",
               m ? " member " : "", m ? m->name : "", why ? ": " : "", why ? why : "");
}

static int
text(struct rl_bi_result *r, const char *s)
{
    return s ? rl_bi_text(r, s, strlen(s)) : 0;
}

/* FIELD TEXT on one part: 1 matched, 0 not, -1 facts unavailable. */
static int
part_field(struct mime_tree *t, struct mime_part *p, int field, struct rl_bi_result *r)
{
    switch (field) {
    case FL_NAME:
        return text(r, p->name);
    case FL_EXT:
        return text(r, p->ext);
    case FL_EXTS:
        for (size_t i = 0; i < p->nexts; i++)
            if (text(r, p->exts[i]))
                return 1;
        return 0;
    case FL_TYPE:
        if (p->kind == MIME_MESSAGE)
            return 0;
        mime_part_sniff(t, p);
        if (p->sniff_state == MIME_LAZY_UNAVAILABLE)
            return -1;
        return text(r, p->sniffed);
    case FL_DECLARED:
        return text(r, p->type);
    case FL_DISPOSITION:
        return text(r, p->disposition);
    case FL_PATH:
        return text(r, p->path);
    }
    return 0;
}

static int
member_field(const struct mime_member *m, int field, struct rl_bi_result *r)
{
    switch (field) {
    case FL_NAME:
        return text(r, m->name);
    case FL_EXT:
        return text(r, m->ext);
    case FL_EXTS:
        for (size_t i = 0; i < m->nexts; i++)
            if (text(r, m->exts[i]))
                return 1;
        return 0;
    case FL_TYPE:
        return text(r, m->sniffed);
    }
    return 0;
}

static int
att_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    struct mime_tree *t = bi_mime_tree(env);
    int unavailable = 0;
    size_t count = 0;

    if (t == NULL) {
        rl_bi_note(r, "the message cannot be read part by part");
        return -1;
    }
    for (size_t i = 0; i < t->nparts && !r->matched; i++) {
        struct mime_part *p = &t->parts[i];
        int rc;

        if (!p->attachment)
            continue;
        count++;
        switch (call->id) {
        case F_EXISTS:
            rl_bi_true(r, 1);
            matched(r, p, NULL, NULL);
            return 0;
        case F_SIZE:
            if (rl_bi_number(r, (double)p->size))
                matched(r, p, NULL, NULL);
            break;
        case F_ENCRYPTED:
            if (mime_part_archive(t, p) < 0)
                unavailable = 1;
            else if (p->archive_flags & MIME_AR_ENCRYPTED) {
                rl_bi_true(r, 1);
                matched(r, p, NULL, "encrypted archive");
            }
            break;
        case F_MISMATCH:
            rc = mime_part_mismatch(t, p);
            if (p->sniff_state == MIME_LAZY_UNAVAILABLE)
                unavailable = 1;
            else if (rc) {
                rl_bi_true(r, 1);
                matched(r, p, NULL, p->sniffed);
            }
            break;
        case F_PART:
            rc = part_field(t, p, call->field, r);
            if (rc < 0)
                unavailable = 1;
            else if (rc)
                matched(r, p, NULL, NULL);
            break;
        case F_ARCHIVE:
            if (mime_part_archive(t, p) < 0) {
                unavailable = 1;
                break;
            }
            if (call->field == FL_TYPE && p->nmembers && !mime_sniff_available(t)) {
                unavailable = 1;
                break;
            }
            for (size_t k = 0; k < p->nmembers && !r->matched; k++)
                if (member_field(&p->members[k], call->field, r))
                    matched(r, p, &p->members[k], NULL);
            break;
        }
    }
    if (call->id == F_COUNT) {
        rl_bi_number(r, (double)count);
        rl_bi_note(r, "%zu attachment%s", count, count == 1 ? "" : "s");
        return 0;
    }
    if (!r->matched && unavailable) {
        rl_bi_note(r, "%s", mime_modules_error(t->mods) ? mime_modules_error(t->mods)
                                                        : "a module is unavailable");
        return -1;
    }
    if (!r->matched)            /* the trace says what was looked at */
        rl_bi_note(r, "%zu attachment%s, none %s", count, count == 1 ? "" : "s",
                   call->id == F_ARCHIVE ? "with a matching member" : "matches");
    return 0;
}

const struct rl_builtin rl_bi_attachment_def = {
    .name = "attachment",
    .summary = "attachments: file name, declared and sniffed type, size, archive members",
    .forms = forms,
    .fields = fields,
    .facts = facts,
    .modules = "magic archive",
    .check = att_check,
    .eval = att_eval,
};
