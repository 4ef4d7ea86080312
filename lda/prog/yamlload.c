/*
 * yamlload.c -- yaml_parser_load() with a nesting limit (see yamlload.h).
 *
 * Entry point: yamlload_document().  Returns 1 (document built; empty at
 * the end of the stream) or 0 with the parser's error fields set, like
 * yaml_parser_load(); *doc is always safe to yaml_document_delete().
 *
 * SECURITY: the input is untrusted (a user's config.yaml).  Work is
 * bounded by the nesting limit: the parser is driven one event at a time
 * and stops at the first collection deeper than YAMLLOAD_DEPTH_MAX, before
 * libyaml has looked at what lies below it.
 */
#include "config.h"
#include "yamlload.h"

#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x)

struct open_node {
    int id;                     /* the collection's node id */
    int mapping;                /* a mapping (else a sequence) */
    int key;                    /* mapping: the key waiting for its value */
};

struct anchor {
    char *name;
    int id;
    yaml_mark_t mark;
};

struct loader {
    yaml_parser_t *p;
    yaml_document_t *doc;
    struct open_node stack[YAMLLOAD_DEPTH_MAX];
    size_t depth;
    struct anchor *anchors;
    size_t nanchors;
};

static int
fail(struct loader *ld, yaml_error_type_t type, const char *problem, yaml_mark_t mark)
{
    ld->p->error = type;
    ld->p->problem = problem;
    ld->p->problem_mark = mark;
    ld->p->context = NULL;
    return 0;
}

static void
set_marks(struct loader *ld, int id, const yaml_event_t *ev)
{
    yaml_node_t *n = yaml_document_get_node(ld->doc, id);

    if (n) {
        n->start_mark = ev->start_mark;
        n->end_mark = ev->end_mark;
    }
}

/* Hang a finished node under the open collection (or make it the root). */
static int
attach(struct loader *ld, int id, yaml_mark_t mark)
{
    struct open_node *top;

    if (ld->depth == 0)
        return 1;                       /* the root: node 1 */
    top = &ld->stack[ld->depth - 1];
    if (!top->mapping) {
        if (!yaml_document_append_sequence_item(ld->doc, top->id, id))
            return fail(ld, YAML_MEMORY_ERROR, "out of memory", mark);
    } else if (top->key == 0) {
        top->key = id;
    } else {
        if (!yaml_document_append_mapping_pair(ld->doc, top->id, top->key, id))
            return fail(ld, YAML_MEMORY_ERROR, "out of memory", mark);
        top->key = 0;
    }
    return 1;
}

/* gcc 12's -fanalyzer loses the copy once it is stored through the
 * realloc()ed array and reports it leaked; it is freed with the array
 * at the end of yamlload_document().  Silenced for this function only. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int
remember_anchor(struct loader *ld, const yaml_char_t *name, int id, yaml_mark_t mark)
{
    struct anchor *a;
    char *copy;

    if (name == NULL)
        return 1;
    for (size_t i = 0; i < ld->nanchors; i++)
        if (strcmp(ld->anchors[i].name, (const char *)name) == 0) {
            /* libyaml's own words for it */
            fail(ld, YAML_COMPOSER_ERROR, "second occurrence", mark);
            ld->p->context = "found duplicate anchor; first occurrence";
            ld->p->context_mark = ld->anchors[i].mark;
            return 0;
        }
    copy = strdup((const char *)name);
    if (copy == NULL)
        return fail(ld, YAML_MEMORY_ERROR, "out of memory", mark);
    a = realloc(ld->anchors, (ld->nanchors + 1) * sizeof *a);
    if (a == NULL) {
        free(copy);
        return fail(ld, YAML_MEMORY_ERROR, "out of memory", mark);
    }
    ld->anchors = a;
    a[ld->nanchors].name = copy;
    a[ld->nanchors].id = id;
    a[ld->nanchors].mark = mark;
    ld->nanchors++;
    return 1;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* A tag as yaml_parser_load() keeps it: none or "!" means the default. */
static const yaml_char_t *
tag_of(const yaml_char_t *tag)
{
    return tag == NULL || strcmp((const char *)tag, "!") == 0 ? NULL : tag;
}

/* One event inside a document: 1 go on, 2 document complete, 0 error. */
static int
node_event(struct loader *ld, yaml_event_t *ev)
{
    int id;

    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        for (size_t i = 0; i < ld->nanchors; i++)
            if (strcmp(ld->anchors[i].name, (const char *)ev->data.alias.anchor) == 0)
                return attach(ld, ld->anchors[i].id, ev->start_mark);
        return fail(ld, YAML_COMPOSER_ERROR, "found undefined alias", ev->start_mark);
    case YAML_SCALAR_EVENT:
        id = yaml_document_add_scalar(ld->doc, tag_of(ev->data.scalar.tag),
                                      ev->data.scalar.value, (int)ev->data.scalar.length,
                                      ev->data.scalar.style);
        if (id == 0)
            return fail(ld, YAML_MEMORY_ERROR, "out of memory", ev->start_mark);
        set_marks(ld, id, ev);
        if (!remember_anchor(ld, ev->data.scalar.anchor, id, ev->start_mark))
            return 0;
        return attach(ld, id, ev->start_mark);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int mapping = ev->type == YAML_MAPPING_START_EVENT;

        if (ld->depth == YAMLLOAD_DEPTH_MAX)
            return fail(ld, YAML_COMPOSER_ERROR,
                        "sequences and mappings nested deeper than "
                        STR(YAMLLOAD_DEPTH_MAX) " levels", ev->start_mark);
        id = mapping
             ? yaml_document_add_mapping(ld->doc, tag_of(ev->data.mapping_start.tag),
                                         ev->data.mapping_start.style)
             : yaml_document_add_sequence(ld->doc, tag_of(ev->data.sequence_start.tag),
                                          ev->data.sequence_start.style);
        if (id == 0)
            return fail(ld, YAML_MEMORY_ERROR, "out of memory", ev->start_mark);
        set_marks(ld, id, ev);
        if (!remember_anchor(ld, mapping ? ev->data.mapping_start.anchor
                                         : ev->data.sequence_start.anchor,
                             id, ev->start_mark))
            return 0;
        ld->stack[ld->depth].id = id;
        ld->stack[ld->depth].mapping = mapping;
        ld->stack[ld->depth].key = 0;
        ld->depth++;
        return 1;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        yaml_node_t *n;

        if (ld->depth == 0)
            return fail(ld, YAML_COMPOSER_ERROR, "unexpected end of a collection",
                        ev->start_mark);
        id = ld->stack[--ld->depth].id;
        n = yaml_document_get_node(ld->doc, id);
        if (n)
            n->end_mark = ev->end_mark;
        return attach(ld, id, ev->start_mark);
    }
    case YAML_DOCUMENT_END_EVENT:
        if (ld->depth != 0)
            return fail(ld, YAML_COMPOSER_ERROR, "unexpected end of the document",
                        ev->start_mark);
        return 2;
    default:
        return fail(ld, YAML_COMPOSER_ERROR, "unexpected event", ev->start_mark);
    }
}

static int
next_event(yaml_parser_t *p, yaml_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    return yaml_parser_parse(p, ev);
}

int
yamlload_document(yaml_parser_t *p, yaml_document_t *doc)
{
    struct loader ld;
    yaml_event_t ev;
    int rc = 0, r;

    memset(doc, 0, sizeof *doc);
    if (p->stream_end_produced)
        return 1;                           /* no more documents */
    if (!p->stream_start_produced) {
        if (!next_event(p, &ev))
            return 0;
        r = ev.type == YAML_STREAM_START_EVENT;
        yaml_event_delete(&ev);
        if (!r) {
            p->error = YAML_COMPOSER_ERROR;
            p->problem = "did not find the start of the stream";
            return 0;
        }
    }
    if (!next_event(p, &ev))
        return 0;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        return 1;
    }
    if (ev.type != YAML_DOCUMENT_START_EVENT) {
        p->error = YAML_COMPOSER_ERROR;
        p->problem = "did not find the start of a document";
        p->problem_mark = ev.start_mark;
        yaml_event_delete(&ev);
        return 0;
    }
    if (!yaml_document_initialize(doc, ev.data.document_start.version_directive,
                                  ev.data.document_start.tag_directives.start,
                                  ev.data.document_start.tag_directives.end,
                                  ev.data.document_start.implicit, 1)) {
        yaml_event_delete(&ev);
        memset(doc, 0, sizeof *doc);
        p->error = YAML_MEMORY_ERROR;
        p->problem = "out of memory";
        return 0;
    }
    doc->start_mark = ev.start_mark;
    yaml_event_delete(&ev);

    memset(&ld, 0, sizeof ld);
    ld.p = p;
    ld.doc = doc;
    for (;;) {
        if (!next_event(p, &ev))
            break;
        r = node_event(&ld, &ev);
        if (r == 2) {
            doc->end_implicit = ev.data.document_end.implicit;
            doc->end_mark = ev.end_mark;
        }
        yaml_event_delete(&ev);
        if (r == 0)
            break;
        if (r == 2) {
            rc = 1;
            break;
        }
    }
    for (size_t i = 0; i < ld.nanchors; i++)
        free(ld.anchors[i].name);
    free(ld.anchors);
    if (!rc) {
        yaml_document_delete(doc);
        memset(doc, 0, sizeof *doc);
    }
    return rc;
}
