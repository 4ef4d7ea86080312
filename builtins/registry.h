/*
 * registry.h -- the one registry of builtin tests the rule language can
 * call by name (conventions.md habit 9; builtins/README.md says how to add
 * one).  A builtin is one const struct rl_builtin in its own file
 * (builtins/bi_NAME.c) and one line in builtins/registry.c.  The struct
 * carries the whole builtin:
 *
 *   grammar      its forms, written as syntax strings (below); the parser
 *                (rulelang/parse.c) checks a call against them generically
 *                and reports what was expected, with a position;
 *   validation   an optional check hook for what the grammar cannot say
 *                (e.g. a zone name must look like a domain);
 *   emission     generic: BUILTIN a=form b=comparison c=builtin d=call list
 *                (rulelang/opcodes.def), the list holding the field, the
 *                optional-group flags and every argument's constant;
 *   disassembly  generic, from the same syntax strings (rl_bi_render);
 *   execution    eval(), which reports candidate values or numbers and the
 *                VM compares them, or decides itself for bare forms;
 *   trace        generic text plus whatever eval() notes (rl_bi_note),
 *                e.g. which MIME part made the test true;
 *   facts        names exported to interpolation as ${NAME.fact};
 *   modules      loaded lazily through the host (rl_bi_module) only when
 *                eval needs them, so a message that needs none loads none;
 *   prefetch     prepare() sees every call site before the run starts
 *                (e.g. to start all DNS queries at once).
 *
 * Syntax strings (one per form), words separated by spaces:
 *   word       a literal keyword that must appear as written
 *   [w1 w2]    an optional group of literal words; present or not is one
 *              bit of the call's flags (first group bit 0, and so on)
 *   [w STR] [w RAW]  an optional group may end in one STR or RAW after its
 *              words: written only with them (`[returns RAW]`), and its
 *              argument is absent (NULL, constant RL_NONE) when the group
 *              is
 *   FIELD      one of the builtin's fields (a field may be several words,
 *              e.g. "declared type"); [FIELD] is optional and means
 *              fields[0] when absent
 *   TEXT       a text comparison: [not] is|contains|matches|glob OPERAND
 *              (`matches` takes a regex, the others a string); eval()
 *              reports candidate values with rl_bi_text()
 *   NUM        a relation and a number (> >= < <= == !=, k/M/G suffixes);
 *              eval() reports candidate numbers with rl_bi_number()
 *   STR        a string argument ("..."; ${...} interpolation allowed)
 *   RAW        source text the builtin scans itself (scan_raw), kept as a
 *              string constant, e.g. `127.0.0.2, 127.0.0.4 .. 127.0.0.11`
 * A form without TEXT or NUM is bare: eval() decides with rl_bi_true().
 * Forms are tried in order; the first whose first item can start at the
 * current word is taken.  At most RL_BI_MAX_ARGS STR/RAW/TEXT/NUM items
 * and RL_BI_MAX_OPTS optional groups per form.
 */
#ifndef WEIR_REGISTRY_H
#define WEIR_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rl.h"

#define RL_BI_MAX_ARGS  4       /* STR/RAW/TEXT/NUM items in one form */
#define RL_BI_MAX_OPTS  8       /* [optional] groups in one form */
#define RL_BI_MAX_ITEMS 24      /* items of one syntax string */

/* ---------------- grammar ---------------- */

enum rl_bi_item_kind {
    RL_BI_WORD = 1,             /* literal keyword */
    RL_BI_OPT_WORD,             /* literal keyword inside [group] */
    RL_BI_FIELD,                /* FIELD */
    RL_BI_OPT_FIELD,            /* [FIELD] */
    RL_BI_TEXT,                 /* TEXT: comparison + operand */
    RL_BI_NUM,                  /* NUM: relation + number */
    RL_BI_STR,                  /* STR */
    RL_BI_RAW                   /* RAW */
};

struct rl_bi_item {
    enum rl_bi_item_kind kind;
    char word[32];              /* WORD / OPT_WORD */
    int group;                  /* OPT_WORD, and STR/RAW when optional: the
                                   optional group (flag bit) */
    int optional;               /* 1: part of optional group `group` */
    int arg;                    /* TEXT/NUM/STR/RAW: argument slot */
};

/* A form split into items; returns the number of items, or -1 when the
 * syntax string is malformed (a registry bug: the unit tests check every
 * form of every builtin).  *nargs and *nopts get the slot counts. */
int rl_bi_form_parse(const char *syntax, struct rl_bi_item *items, size_t max,
                     int *nargs, int *nopts);

struct rl_bi_form {
    const char *syntax;         /* e.g. "in archive FIELD TEXT" */
    int id;                     /* passed to eval as call->id */
};

/* ---------------- execution ---------------- */

/* What a builtin may read during a run.  One per message: it carries over
 * from the system ruleset's run to the user's, so a MIME walk or a DNS
 * answer is obtained once per message. */
struct rl_bi_cache_ent {
    const char *key;            /* static string naming the cached thing */
    void *p;
    void (*free)(void *p);
};

struct rl_bi_env {
    struct rl_msg *msg;
    /* The VM's working header (msg->header with the rules' header edits
     * applied), set before each eval; NULL means msg->header. */
    const char *hdr;
    size_t hdr_len;
    const struct rl_host *host;
    const char *body;           /* rl_bi_body(): fetched at most once */
    size_t body_len;
    int body_state;             /* 0 not fetched, 1 ok, -1 unavailable */
    struct rl_bi_cache_ent *cache;
    size_t ncache;
};

void rl_bi_env_init(struct rl_bi_env *env, struct rl_msg *msg,
                    const struct rl_host *host);
void rl_bi_env_free(struct rl_bi_env *env);

/* The raw body (0), or -1 when the host has none. */
int rl_bi_body(struct rl_bi_env *env, const char **p, size_t *len);
/* Per-message cache of computed facts, shared by every builtin (the MIME
 * walk is used by `attachment` and `body`): get returns NULL when absent;
 * put takes ownership (free is called by rl_bi_env_free). */
void *rl_bi_cache_get(struct rl_bi_env *env, const char *key);
void rl_bi_cache_put(struct rl_bi_env *env, const char *key, void *p,
                     void (*free_fn)(void *));
/* A private module (lda/sys/dynload.h) by name, loaded on first use by the
 * host: its api table, or NULL (then the facts it gives are unavailable:
 * eval returns -1).  */
const void *rl_bi_module(struct rl_bi_env *env, const char *name);
/* A weir.yaml setting by key ("dns.timeout", "limits.mime_depth") as the
 * host has it, as text (sizes in bytes, durations in milliseconds,
 * booleans "true"/"false", lists one entry a line; valid until the next
 * call), or NULL when the host has none (use the default the key
 * documents). */
const char *rl_bi_setting(struct rl_bi_env *env, const char *key);
/* A log line through the host. */
void rl_bi_log(struct rl_bi_env *env, enum rl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One call as eval() sees it: arguments interpolated. */
struct rl_bi_call {
    int form;                   /* index into forms[] */
    int id;                     /* forms[form].id */
    int field;                  /* index into fields[], 0 when none */
    unsigned flags;             /* bit g: optional group g was written */
    int cmp;                    /* TEXT forms: RL_CMP_IS ... (rl_int.h) */
    int rel;                    /* NUM forms: RL_REL_GT ... */
    double num;                 /* NUM forms: the number */
    const char *arg[RL_BI_MAX_ARGS];  /* STR/RAW slots; NULL when absent
                                         (or, in prepare(), not constant) */
    size_t arglen[RL_BI_MAX_ARGS];
    int taint;                  /* an argument was built from the message */
};

/* The result eval() builds through these; the VM owns the comparison. */
struct rl_bi_result {
    /* rl_bi_text(): compare one candidate value; 1 when it matched (stop
     * producing values then). */
    int (*text)(void *ctx, const char *value, size_t len);
    /* rl_bi_number(): compare one candidate number; 1 when it matched. */
    int (*number)(void *ctx, double value);
    /* rl_bi_export(): a fact for ${builtin.NAME} (tainted) */
    void (*export)(void *ctx, const char *name, const char *value, size_t len);
    void *ctx;
    int matched;                /* set by the helpers below */
    struct buf note;            /* trace text: why (rl_bi_note) */
};

static inline int
rl_bi_text(struct rl_bi_result *r, const char *value, size_t len)
{
    if (r->text(r->ctx, value, len))
        r->matched = 1;
    return r->matched;
}

static inline int
rl_bi_number(struct rl_bi_result *r, double value)
{
    if (r->number(r->ctx, value))
        r->matched = 1;
    return r->matched;
}

static inline void
rl_bi_true(struct rl_bi_result *r, int yes)
{
    r->matched = yes != 0;
}

static inline void
rl_bi_export(struct rl_bi_result *r, const char *name, const char *value, size_t len)
{
    if (r->export)
        r->export(r->ctx, name, value, len);
}

void rl_bi_note(struct rl_bi_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---------------- the builtin ---------------- */

struct rl_builtin {
    const char *name;           /* the word that starts the test */
    const char *summary;        /* one line for users: docs, `weir check` */
    const struct rl_bi_form *forms;  /* terminated by { NULL, 0 } */
    const char *const *fields;  /* for FIELD, NULL-terminated, or NULL */
    const char *const *facts;   /* exported ${name.fact} names, or NULL */
    const char *modules;        /* private modules it may load, for docs
                                   and --version ("magic archive"), or NULL */
    /* Extra validation at compile time: NULL when fine, else a message
     * (*help may point to a hint).  May be NULL. */
    const char *(*check)(const struct rl_bi_call *call, const char **help);
    /* RAW arguments: scan text (n bytes, not NUL-terminated) and put the
     * canonical value in out; return the bytes consumed, or -1 with a
     * message in err.  Required when a form has RAW. */
    ssize_t (*scan_raw)(int arg, const char *text, size_t n, struct buf *out,
                        char *err, size_t errlen);
    /* Before the run, once per call site (constant arguments only). */
    void (*prepare)(struct rl_bi_env *env, const struct rl_bi_call *call);
    /* Run one call: 0 when decided (the result is in r), -1 when the facts
     * could not be obtained (a limit, a missing module, a DNS error): the
     * test is then undecided: no condition is taken because of it, `not`
     * included (weir-rules(5), Undecided tests; logged).  NULL: the
     * builtin is reserved, its name known but not in this build. */
    int (*eval)(struct rl_bi_env *env, const struct rl_bi_call *call,
                struct rl_bi_result *r);
};

extern const struct rl_builtin *const rl_builtins[];
extern const size_t rl_nbuiltins;

/* Index of the builtin called name, or -1. */
int rl_builtin_find(const char *name);
/* Index of a fact exported by builtin bi, or -1. */
int rl_builtin_fact(const struct rl_builtin *b, const char *fact);

#endif
