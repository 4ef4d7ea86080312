/*
 * suite.c -- YAML test suites for rulesets (see suite.h; the format is in
 * weir-test(1), SUITES).
 *
 * Entry points: suite_load() (libyaml document API; every problem becomes
 * "file:line:col: message" in *errors, and any problem fails the load),
 * suite_run() (each case through lda/tester/tester.c, up to the plan a
 * delivery would execute; results compared with the expectations,
 * failures printed as expected-vs-actual diffs), suite_free().
 *
 * SECURITY: reads the suite file and the message files it names, as the
 * invoking user; runs cases through the dry-run tester, which has no side
 * effects.
 */
#include "config.h"
#include "suite.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "yamlload.h"
#include <yaml.h>

#define SUITE_FILE_MAX   (16u * 1024 * 1024)  /* suite or message file */

struct loader {
    const char *path;
    char *dir;                  /* directory of the suite file, NULL: cwd */
    yaml_document_t *doc;
    struct buf *errors;
    size_t nerrors;
};

__attribute__((format(printf, 3, 4)))
static void
err_at(struct loader *ld, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;

    buf_printf(ld->errors, "%s:%lu:%lu: ", ld->path, n ? (unsigned long)n->start_mark.line + 1 : 0ul,
               n ? (unsigned long)n->start_mark.column + 1 : 0ul);
    va_start(ap, fmt);
    buf_vprintf(ld->errors, fmt, ap);
    va_end(ap);
    buf_addc(ld->errors, '\n');
    ld->nerrors++;
}

static yaml_node_t *
node(struct loader *ld, int i)
{
    return yaml_document_get_node(ld->doc, i);
}

static const char *
scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A mapping key's text, "" for a key that is not a scalar. */
static const char *
key_text(const yaml_node_t *k)
{
    const char *s = scalar(k);

    return s ? s : "";
}

static const char *
type_name(const yaml_node_t *n)
{
    if (n == NULL)
        return "nothing";
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

/* An environment variable name as the MTAs set them. */
static int
env_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* A string value, or NULL with an error. */
static char *
want_string(struct loader *ld, const yaml_node_t *n, const char *key)
{
    const char *s = scalar(n);

    if (s == NULL) {
        err_at(ld, n, "'%s' must be a string, not %s", key, type_name(n));
        return NULL;
    }
    return xstrdup(s);
}

static int
want_bool(struct loader *ld, const yaml_node_t *n, const char *key)
{
    const char *s = scalar(n);

    if (s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0))
        return 1;
    if (s && (strcmp(s, "false") == 0 || strcmp(s, "no") == 0))
        return 0;
    err_at(ld, n, "'%s' must be true or false", key);
    return -1;
}

static int
want_number(struct loader *ld, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = scalar(n);
    char *end;

    if (s && *s) {
        errno = 0;
        *out = strtod(s, &end);
        if (errno == 0 && *end == '\0' && isfinite(*out))
            return 0;
    }
    err_at(ld, n, "'%s' must be a number", key);
    return -1;
}

/* A list of strings (a single string counts as a list of one). */
static void
want_strings(struct loader *ld, const yaml_node_t *n, const char *key, char ***v, size_t *nv)
{
    if (n && n->type == YAML_SCALAR_NODE) {
        *v = xreallocarray(*v, *nv + 1, sizeof **v);
        (*v)[(*nv)++] = xstrdup(scalar(n));
        return;
    }
    if (n == NULL || n->type != YAML_SEQUENCE_NODE) {
        err_at(ld, n, "'%s' must be a list of strings", key);
        return;
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        char *s = want_string(ld, node(ld, *it), key);

        if (s) {
            *v = xreallocarray(*v, *nv + 1, sizeof **v);
            (*v)[(*nv)++] = s;
        }
    }
}

static char *
resolve(struct loader *ld, const char *p)
{
    return p[0] == '/' || ld->dir == NULL ? xstrdup(p) : xasprintf("%s/%s", ld->dir, p);
}

/* Iterate over the pairs of a mapping node; it names the cursor (nested
 * loops need distinct ones). */
/* Whether the pair at it repeats an earlier key of its mapping (reported:
 * a second value would replace, and leak, the first). */
static int
dup_key(struct loader *ld, const yaml_node_t *map, const yaml_node_pair_t *it)
{
    const char *key = key_text(node(ld, it->key));

    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < it; p++)
        if (strcmp(key_text(node(ld, p->key)), key) == 0) {
            err_at(ld, node(ld, it->key), "duplicate key '%s'", key);
            return 1;
        }
    return 0;
}

/* Each pair of a mapping, a repeated key skipped (and reported). */
#define FOR_PAIRS(ld, map, k, v, kname, it) \
    for (yaml_node_pair_t *it = (map)->data.mapping.pairs.start; \
         it < (map)->data.mapping.pairs.top && \
         ((k) = node(ld, it->key), (v) = node(ld, it->value), \
          (kname) = key_text(k), 1); it++) \
        if (!dup_key(ld, map, it))

static int
want_mapping(struct loader *ld, const yaml_node_t *n, const char *what)
{
    if (n && n->type == YAML_MAPPING_NODE)
        return 1;
    err_at(ld, n, "%s must be a mapping, not %s", what, type_name(n));
    return 0;
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */
/* ------------------------------------------------------------------ */

/* Action names in a suite are the yaml column of rulelang/actions.def. */
enum action_kind
suite_action_kind(const char *name)
{
    for (unsigned k = 1; k < ACT_COUNT; k++)
        if (strcmp(actions_table[k].yaml, name) == 0)
            return (enum action_kind)k;
    return 0;
}

static const char *
kind_yaml_name(enum action_kind k)
{
    return actions_info(k) ? actions_table[k].yaml : "?";
}

/* The short form `- KIND: VALUE` fills the field that kind is about: its
 * target; a header name ("Name: value" for edits that take a value); or
 * its text. */
static void
short_value(struct suite_action *a, const char *v)
{
    const struct action_info *ai = actions_info(a->kind);
    const char *colon;

    if (ai && ai->c == ACT_O_TARGET) {
        a->target = xstrdup(v);
    } else if (ai && ai->c == ACT_O_NAME && ai->d == ACT_O_NONE) {
        a->name = xstrdup(v);
    } else if (ai && ai->c == ACT_O_NAME) {
        if ((colon = strchr(v, ':')) != NULL) {
            a->name = xstrndup(v, (size_t)(colon - v));
            colon++;
            while (*colon == ' ')
                colon++;
            a->text = xstrdup(colon);
        } else
            a->name = xstrdup(v);
    } else {
        a->text = xstrdup(v);
    }
}

static void
load_action(struct loader *ld, yaml_node_t *n, struct suite_action *a)
{
    yaml_node_t *k, *v;
    const char *key;

    memset(a, 0, sizeof *a);
    if (scalar(n)) {
        if ((a->kind = suite_action_kind(scalar(n))) == 0)
            err_at(ld, n, "unknown action '%s'", scalar(n));
        return;
    }
    if (n->type != YAML_MAPPING_NODE ||
        n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1) {
        err_at(ld, n, "an action is KIND or {KIND: VALUE} or {KIND: {target, text, name}}");
        return;
    }
    k = node(ld, n->data.mapping.pairs.start->key);
    v = node(ld, n->data.mapping.pairs.start->value);
    if ((a->kind = suite_action_kind(scalar(k) ? scalar(k) : "")) == 0) {
        struct buf names = BUF_INIT;

        for (unsigned i = 1; i < ACT_COUNT; i++)
            buf_printf(&names, "%s%s", i == 1 ? "" : i + 1 == ACT_COUNT ? " or " : ", ",
                       actions_table[i].yaml);
        err_at(ld, k, "unknown action '%s' (expected %s)", scalar(k) ? scalar(k) : "",
               names.data);
        buf_free(&names);
        return;
    }
    if (scalar(v)) {
        short_value(a, scalar(v));
        return;
    }
    if (!want_mapping(ld, v, "an action's fields"))
        return;
    FOR_PAIRS(ld, v, k, n, key, p_) {
        if (strcmp(key, "target") == 0)
            a->target = want_string(ld, n, key);
        else if (strcmp(key, "text") == 0)
            a->text = want_string(ld, n, key);
        else if (strcmp(key, "name") == 0)
            a->name = want_string(ld, n, key);
        else
            err_at(ld, k, "unknown action field '%s' (expected target, text or name)", key);
    }
}

static void
load_actions(struct loader *ld, yaml_node_t *n, struct suite_action **v, size_t *nv)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        err_at(ld, n, "expected a list of actions");
        return;
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        *v = xreallocarray(*v, *nv + 1, sizeof **v);
        load_action(ld, node(ld, *it), &(*v)[*nv]);
        (*nv)++;
    }
}

/* ------------------------------------------------------------------ */
/* Fixtures and cases                                                  */
/* ------------------------------------------------------------------ */

static void
load_dns(struct loader *ld, yaml_node_t *n, struct tester_fixture *fx)
{
    yaml_node_t *k, *v, *k2, *v2;
    const char *key, *key2;

    if (!want_mapping(ld, n, "'dns'"))
        return;
    FOR_PAIRS(ld, n, k, v, key, p_) {
        struct tester_dns *d;

        fx->dns = xreallocarray(fx->dns, fx->ndns + 1, sizeof *fx->dns);
        d = &fx->dns[fx->ndns++];
        memset(d, 0, sizeof *d);
        d->name = xstrdup(key);
        if (scalar(v) && strcmp(scalar(v), "timeout") == 0) {
            d->timeout = 1;
            continue;
        }
        if (!want_mapping(ld, v, "a DNS answer ({a: [...], txt: [...]} or timeout)"))
            continue;
        FOR_PAIRS(ld, v, k2, v2, key2, q_) {
            if (strcmp(key2, "a") == 0)
                want_strings(ld, v2, "a", &d->a, &d->na);
            else if (strcmp(key2, "txt") == 0)
                want_strings(ld, v2, "txt", &d->txt, &d->ntxt);
            else
                err_at(ld, k2, "unknown DNS answer field '%s' (expected a or txt)", key2);
        }
    }
}

/* "2026-11-28T01:00:00Z" or seconds since the epoch. */
static void
load_clock(struct loader *ld, yaml_node_t *n, struct tester_fixture *fx)
{
    const char *s = scalar(n);
    struct tm tm;
    char *end;

    memset(&tm, 0, sizeof tm);
    if (s && (end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) != NULL && *end == '\0') {
        fx->clock = timegm(&tm);
        fx->have_clock = 1;
        return;
    }
    if (s && *s) {
        long long v = strtoll(s, &end, 10);

        if (*end == '\0' && v >= 0) {
            fx->clock = (time_t)v;
            fx->have_clock = 1;
            return;
        }
    }
    err_at(ld, n, "'clock' must be YYYY-MM-DDTHH:MM:SSZ (UTC) or seconds since 1970");
}

static void
load_fixtures(struct loader *ld, yaml_node_t *n, struct tester_fixture *fx)
{
    yaml_node_t *k, *v, *k2, *v2;
    const char *key, *key2;

    if (!want_mapping(ld, n, "'fixtures'"))
        return;
    FOR_PAIRS(ld, n, k, v, key, p_) {
        if (strcmp(key, "dns") == 0)
            load_dns(ld, v, fx);
        else if (strcmp(key, "clock") == 0)
            load_clock(ld, v, fx);
        else if (strcmp(key, "state") == 0) {
            if (!want_mapping(ld, v, "'state'"))
                continue;
            FOR_PAIRS(ld, v, k2, v2, key2, q_) {
                if (strcmp(key2, "replied") == 0)
                    want_strings(ld, v2, key2, &fx->replied, &fx->nreplied);
                else if (strcmp(key2, "seen") == 0)
                    want_strings(ld, v2, key2, &fx->seen_ids, &fx->nseen);
                else
                    err_at(ld, k2, "unknown state '%s' (expected replied or seen)", key2);
            }
        } else
            err_at(ld, k, "unknown fixture '%s' (expected dns, clock or state)", key);
    }
}

static void
load_expect(struct loader *ld, yaml_node_t *n, struct suite_case *c)
{
    yaml_node_t *k, *v, *k2, *v2;
    const char *key, *key2;
    double d;
    int b;

    if (!want_mapping(ld, n, "'expect'"))
        return;
    FOR_PAIRS(ld, n, k, v, key, p_) {
        if (strcmp(key, "actions") == 0) {
            c->has_actions = 1;
            load_actions(ld, v, &c->actions, &c->nactions);
        } else if (strcmp(key, "actions_include") == 0) {
            c->has_include = 1;
            load_actions(ld, v, &c->include, &c->ninclude);
        } else if (strcmp(key, "keep") == 0) {
            if ((b = want_bool(ld, v, key)) >= 0)
                c->keep = b;
        } else if (strcmp(key, "no_reply") == 0) {
            if ((b = want_bool(ld, v, key)) >= 0)
                c->no_reply = b;
        } else if (strcmp(key, "error") == 0) {
            c->error = want_string(ld, v, key);
        } else if (strcmp(key, "score") == 0) {
            if (scalar(v)) {
                if (want_number(ld, v, key, &d) == 0) {
                    c->has_score_min = c->has_score_max = 1;
                    c->score_min = c->score_max = d;
                }
                continue;
            }
            if (!want_mapping(ld, v, "'score' (a number or {min, max})"))
                continue;
            FOR_PAIRS(ld, v, k2, v2, key2, q_) {
                if (strcmp(key2, "min") == 0)
                    c->has_score_min = want_number(ld, v2, key2, &c->score_min) == 0;
                else if (strcmp(key2, "max") == 0)
                    c->has_score_max = want_number(ld, v2, key2, &c->score_max) == 0;
                else
                    err_at(ld, k2, "unknown score bound '%s' (expected min or max)", key2);
            }
        } else
            err_at(ld, k, "unknown expectation '%s' (expected actions, actions_include, "
                   "keep, score, no_reply or error)", key);
    }
}

static void
load_case(struct loader *ld, yaml_node_t *n, struct suite_case *c, size_t idx)
{
    yaml_node_t *k, *v, *k2, *v2;
    const char *key, *key2;
    int have_expect = 0;

    memset(c, 0, sizeof *c);
    c->keep = -1;
    c->line = (int)n->start_mark.line + 1;
    if (!want_mapping(ld, n, "a case"))
        return;
    FOR_PAIRS(ld, n, k, v, key, p_) {
        if (strcmp(key, "name") == 0)
            c->name = want_string(ld, v, key);
        else if (strcmp(key, "message") == 0)
            c->message_inline = want_string(ld, v, key);
        else if (strcmp(key, "message_file") == 0) {
            char *p = want_string(ld, v, key);

            if (p) {
                c->message_path = resolve(ld, p);
                if (access(c->message_path, R_OK) != 0)
                    err_at(ld, v, "message_file '%s': %s", p, strerror(errno));
                free(p);
            }
        } else if (strcmp(key, "envelope") == 0) {
            if (!want_mapping(ld, v, "'envelope'"))
                continue;
            FOR_PAIRS(ld, v, k2, v2, key2, q_) {
                if (strcmp(key2, "from") == 0)
                    c->env_from = want_string(ld, v2, key2);
                else if (strcmp(key2, "to") == 0)
                    c->env_to = want_string(ld, v2, key2);
                else if (strcmp(key2, "client") == 0)
                    c->env_client = want_string(ld, v2, key2);
                else
                    err_at(ld, k2, "unknown envelope field '%s' (expected from, to or client)",
                           key2);
            }
        } else if (strcmp(key, "env") == 0) {
            if (!want_mapping(ld, v, "'env'"))
                continue;
            FOR_PAIRS(ld, v, k2, v2, key2, q_) {
                char *val = want_string(ld, v2, key2);

                if (val == NULL)
                    continue;
                if (!env_name_ok(key2))
                    err_at(ld, k2, "env: '%s' is not a variable name (letters, digits, _)",
                           key2);
                else {
                    c->env = xreallocarray(c->env, c->nenv + 2, sizeof *c->env);
                    c->env[c->nenv++] = xasprintf("%s=%s", key2, val);
                    c->env[c->nenv] = NULL;
                }
                free(val);
            }
        } else if (strcmp(key, "fixtures") == 0)
            load_fixtures(ld, v, &c->fixture);
        else if (strcmp(key, "expect") == 0) {
            have_expect = 1;
            load_expect(ld, v, c);
        } else
            err_at(ld, k, "unknown case field '%s' (expected name, message, message_file, "
                   "envelope, env, fixtures or expect)", key);
    }
    if (c->name == NULL)
        c->name = xasprintf("case %zu", idx + 1);
    if (!c->message_inline == !c->message_path)
        err_at(ld, n, "case '%s' needs exactly one of message or message_file", c->name);
    if (!have_expect)
        err_at(ld, n, "case '%s' has no 'expect'", c->name);
}

static int
read_file(const char *path, struct buf *b, char *err, size_t errlen)
{
    char tmp[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    while ((n = read_retry(fd, tmp, sizeof tmp)) > 0) {
        if (b->len + (size_t)n > SUITE_FILE_MAX) {
            snprintf(err, errlen, "larger than %u bytes", SUITE_FILE_MAX);
            close(fd);
            return -1;
        }
        buf_add(b, tmp, (size_t)n);
    }
    if (n < 0)
        snprintf(err, errlen, "%s", strerror(errno));
    close(fd);
    return n < 0 ? -1 : 0;
}

int
suite_load(const char *path, struct suite *s, struct buf *errors)
{
    struct loader ld;
    struct buf text = BUF_INIT;
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_node_t *root, *k, *v;
    const char *key, *slash;
    char err[256];
    int have_cases = 0;

    memset(s, 0, sizeof *s);
    s->path = xstrdup(path);
    if (read_file(path, &text, err, sizeof err) < 0) {
        buf_printf(errors, "%s: %s\n", path, err);
        buf_free(&text);
        suite_free(s);
        return -1;
    }
    memset(&ld, 0, sizeof ld);
    ld.path = path;
    ld.errors = errors;
    slash = strrchr(path, '/');
    /* names in the suite are relative to its directory */
    ld.dir = slash == path ? xstrdup("/") : slash ? xstrndup(path, (size_t)(slash - path)) : NULL;

    if (!yaml_parser_initialize(&parser))
        msg_fatal("cannot initialise libyaml: %s",
                  *yamllib_error() ? yamllib_error() : "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text.data ? text.data : ""),
                                 text.len);
    if (!yamlload_document(&parser, &doc)) {
        buf_printf(errors, "%s:%lu:%lu: %s%s%s\n", path,
                   (unsigned long)parser.problem_mark.line + 1,
                   (unsigned long)parser.problem_mark.column + 1,
                   parser.problem ? parser.problem : "YAML error",
                   parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        buf_free(&text);
        free(ld.dir);
        suite_free(s);
        return -1;
    }
    ld.doc = &doc;
    root = yaml_document_get_root_node(&doc);
    if (root == NULL)
        buf_printf(errors, "%s:1:1: the suite is empty (expected a mapping with 'cases')\n", path),
        ld.nerrors++;
    else if (want_mapping(&ld, root, "the suite")) {
        FOR_PAIRS(&ld, root, k, v, key, p_) {
            if (strcmp(key, "rules") == 0 || strcmp(key, "system_rules") == 0) {
                char *p = want_string(&ld, v, key);

                if (p) {
                    char **dst = key[0] == 'r' ? &s->rules : &s->system_rules;

                    free(*dst);
                    *dst = resolve(&ld, p);
                    free(p);
                }
            } else if (strcmp(key, "cases") == 0) {
                have_cases = 1;
                if (v->type != YAML_SEQUENCE_NODE) {
                    err_at(&ld, v, "'cases' must be a list");
                    continue;
                }
                for (yaml_node_item_t *it = v->data.sequence.items.start;
                     it < v->data.sequence.items.top; it++) {
                    s->cases = xreallocarray(s->cases, s->ncases + 1, sizeof *s->cases);
                    load_case(&ld, node(&ld, *it), &s->cases[s->ncases], s->ncases);
                    s->ncases++;
                }
            } else
                err_at(&ld, k, "unknown key '%s' (expected rules, system_rules or cases)", key);
        }
        if (!have_cases)
            err_at(&ld, root, "the suite has no 'cases'");
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    buf_free(&text);
    free(ld.dir);
    if (ld.nerrors) {
        suite_free(s);
        return -1;
    }
    return 0;
}

static void
free_actions(struct suite_action *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].target);
        free(v[i].text);
        free(v[i].name);
    }
    free(v);
}

void
suite_free(struct suite *s)
{
    for (size_t i = 0; i < s->ncases; i++) {
        struct suite_case *c = &s->cases[i];

        free(c->name);
        free(c->message_path);
        free(c->message_inline);
        free(c->env_from);
        free(c->env_client);
        free(c->env_to);
        tester_fixture_free(&c->fixture);
        for (size_t k = 0; k < c->nenv; k++)
            free(c->env[k]);
        free(c->env);
        free_actions(c->actions, c->nactions);
        free_actions(c->include, c->ninclude);
        free(c->error);
    }
    free(s->cases);
    free(s->path);
    free(s->rules);
    free(s->system_rules);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

static int
field_match(const char *want, const char *got)
{
    return want == NULL || (got && strcmp(want, got) == 0);
}

static int
action_match(const struct tester *t, const struct suite_action *w, const struct action *a)
{
    if (w->kind != a->kind || !field_match(w->text, a->text) || !field_match(w->name, a->name))
        return 0;
    if (field_match(w->target, a->target))
        return 1;
    if (a->kind == ACT_FILE && a->target) {
        /* the same folder once both are resolved as delivery would
         * (".Junk/", "~/.Junk/" and "/home/u/.Junk/" are one folder) */
        char *f = tester_resolve_folder(&t->roots, a->target);
        char *g = tester_resolve_folder(&t->roots, w->target);
        int m = strcmp(f, g) == 0;

        free(f);
        free(g);
        return m;
    }
    return 0;
}

static void
show_expected(struct buf *b, const struct suite_action *w)
{
    buf_printf(b, "    - %s", kind_yaml_name(w->kind));
    if (w->target)
        buf_printf(b, " %s", w->target);
    if (w->name)
        buf_printf(b, " %s:", w->name);
    if (w->text)
        buf_printf(b, " \"%s\"", w->text);
    buf_addc(b, '\n');
}

static void
show_actual(struct buf *b, const struct action *a)
{
    buf_printf(b, "    + %s", kind_yaml_name(a->kind));
    if (a->target)
        buf_printf(b, " %s", a->target);
    if (a->name)
        buf_printf(b, " %s:", a->name);
    if (a->text)
        buf_printf(b, " \"%s\"", a->text);
    buf_printf(b, "  (%s:%d)\n", a->file ? a->file : "?", a->line);
}

static void
show_actions_diff(struct buf *b, const char *what, const struct suite_action *w, size_t nw,
                  const struct action_list *al)
{
    buf_printf(b, "  %s:\n", what);
    for (size_t i = 0; i < nw; i++)
        show_expected(b, &w[i]);
    if (nw == 0)
        buf_adds(b, "    - (none)\n");
    for (size_t i = 0; i < al->n; i++)
        show_actual(b, &al->v[i]);
    if (al->n == 0)
        buf_adds(b, "    + (none)\n");
}

/* Compare one result with the case; the diff goes to d.  0: passed. */
static int
check_case(const struct tester *t, const struct suite_case *c, const struct tester_result *r,
           struct buf *d)
{
    const struct action_list *al = &r->al;
    int fail = 0;

    if (c->error) {
        if (r->ran || (strstr(r->error.text, c->error) == NULL &&
                       (t->load_diags == NULL || strstr(t->load_diags, c->error) == NULL))) {
            buf_printf(d, "  error:\n    - %s\n    + %s\n", c->error,
                       r->ran ? "(no error)" : r->error.text);
            fail = 1;
        }
        return fail;
    }
    if (!r->ran) {
        buf_printf(d, "  error:\n    - (no error)\n    + %s\n", r->error.text);
        return 1;
    }
    if (c->has_actions) {
        int m = c->nactions == al->n;

        for (size_t i = 0; m && i < al->n; i++)
            m = action_match(t, &c->actions[i], &al->v[i]);
        if (!m) {
            show_actions_diff(d, "actions (exactly, in order)", c->actions, c->nactions, al);
            fail = 1;
        }
    }
    if (c->has_include) {
        int m = 1;

        for (size_t i = 0; m && i < c->ninclude; i++) {
            int found = 0;

            for (size_t k = 0; !found && k < al->n; k++)
                found = action_match(t, &c->include[i], &al->v[k]);
            m = found;
        }
        if (!m) {
            show_actions_diff(d, "actions (at least)", c->include, c->ninclude, al);
            fail = 1;
        }
    }
    if (c->keep >= 0 && c->keep != r->keep) {
        buf_printf(d, "  implicit keep:\n    - %s\n    + %s\n", c->keep ? "yes" : "no",
                   r->keep ? "yes" : "no");
        fail = 1;
    }
    if ((c->has_score_min && al->score < c->score_min) ||
        (c->has_score_max && al->score > c->score_max)) {
        buf_adds(d, "  score:\n    - ");
        if (c->has_score_min && c->has_score_max && c->score_min == c->score_max)
            buf_printf(d, "%g\n", c->score_min);
        else {
            if (c->has_score_min)
                buf_printf(d, ">= %g", c->score_min);
            if (c->has_score_max)
                buf_printf(d, "%s<= %g", c->has_score_min ? " and " : "", c->score_max);
            buf_addc(d, '\n');
        }
        buf_printf(d, "    + %g", al->score);
        for (size_t i = 0; i < al->nreasons; i++)
            buf_printf(d, "%s%+g \"%s\"", i ? ", " : " (", al->reasons[i].points,
                       al->reasons[i].reason ? al->reasons[i].reason : "");
        buf_adds(d, al->nreasons ? ")\n" : "\n");
        fail = 1;
    }
    if (c->no_reply) {
        for (size_t i = 0; i < al->n; i++)
            if (al->v[i].kind == ACT_REPLY && !tester_reply_suppressed(t, r, &al->v[i])) {
                buf_adds(d, "  no reply:\n    - (no reply)\n");
                show_actual(d, &al->v[i]);
                fail = 1;
            }
    }
    return fail;
}

int
suite_run(const struct suite *s, const struct tester_opts *opts, FILE *out,
          struct status *st)
{
    struct tester_opts o = *opts;
    struct tester t;
    size_t failed = 0;

    o.no_default_rules = 1;
    o.user_rules = opts->user_rules ? opts->user_rules : s->rules;
    o.system_rules = opts->system_rules ? opts->system_rules : s->system_rules;
    if (opts->no_system_rules)
        o.system_rules = NULL;
    if (tester_init(&t, &o, out, st) != 0)
        return -1;

    for (size_t i = 0; i < s->ncases; i++) {
        const struct suite_case *c = &s->cases[i];
        struct tester_result r;
        struct buf msg = BUF_INIT, diff = BUF_INIT;
        char err[256];

        t.opts.sender = opts->sender ? opts->sender : c->env_from;
        t.opts.recipient = opts->recipient ? opts->recipient : c->env_to;
        t.opts.client = opts->client ? opts->client : c->env_client;
        t.fixture = &c->fixture;
        t.opts.env = c->env ? c->env : opts->env;
        tester_forget_answers(&t);      /* each case starts from its fixtures */
        if (c->message_path && read_file(c->message_path, &msg, err, sizeof err) < 0) {
            memset(&r, 0, sizeof r);
            actions_init(&r.al);
            status_set(&r.error, "4.3.0", "%s: %s", c->message_path, err);
        } else {
            if (c->message_inline)
                buf_adds(&msg, c->message_inline);
            tester_message(&t, c->name, msg.data ? msg.data : "", msg.len, NULL, 0, &r);
        }
        if (check_case(&t, c, &r, &diff)) {
            failed++;
            fprintf(out, "FAIL %zu - %s (%s:%d)\n%s", i + 1, c->name, s->path, c->line,
                    diff.data);
        } else
            fprintf(out, "ok %zu - %s\n", i + 1, c->name);
        tester_result_free(&r);
        buf_free(&msg);
        buf_free(&diff);
    }
    fprintf(out, "%zu case%s: %zu passed, %zu failed\n", s->ncases, s->ncases == 1 ? "" : "s",
            s->ncases - failed, failed);
    tester_free(&t);
    return (int)failed;
}
