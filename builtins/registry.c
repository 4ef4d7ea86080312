/*
 * registry.c -- the list of builtin tests (registry.h), the syntax-string
 * reader shared by the parser, the verifier and the disassembler, and the
 * per-message environment builtins read facts through.
 *
 * Adding a builtin: write builtins/bi_NAME.c with one const struct
 * rl_builtin, add one line below and the file to builtins/local.mk
 * (builtins/README.md).  Bytecode names a builtin by its index here, so new
 * builtins are appended; the cache key covers the weir version, so a
 * reorder only costs a rebuild.
 */
#include "config.h"
#include "registry.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

extern const struct rl_builtin rl_bi_body_def, rl_bi_attachment_def,
    rl_bi_dnsbl_def, rl_bi_rhsbl_def, rl_bi_mismatch_def, rl_bi_duplicate_def,
    rl_bi_envelope_def, rl_bi_size_def, rl_bi_string_def, rl_bi_program_def,
    rl_bi_procmail_def;

const struct rl_builtin *const rl_builtins[] = {
    &rl_bi_body_def,
    &rl_bi_attachment_def,
    &rl_bi_dnsbl_def,
    &rl_bi_rhsbl_def,
    &rl_bi_mismatch_def,
    &rl_bi_duplicate_def,
    &rl_bi_envelope_def,
    &rl_bi_size_def,
    &rl_bi_string_def,
    &rl_bi_program_def,
    &rl_bi_procmail_def,
};
const size_t rl_nbuiltins = sizeof rl_builtins / sizeof rl_builtins[0];
/* The BUILTIN instruction's c operand and the per-program use table are
 * sized by rl_nbuiltins; this only keeps the index in a u16 for traces. */
_Static_assert(sizeof rl_builtins / sizeof rl_builtins[0] < 65536, "too many builtins");

int
rl_builtin_find(const char *name)
{
    for (size_t i = 0; i < rl_nbuiltins; i++)
        if (strcmp(rl_builtins[i]->name, name) == 0)
            return (int)i;
    return -1;
}

int
rl_builtin_fact(const struct rl_builtin *b, const char *fact)
{
    for (int i = 0; b->facts && b->facts[i]; i++)
        if (strcmp(b->facts[i], fact) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* syntax strings                                                      */
/* ------------------------------------------------------------------ */

static int
item_kind(const char *w, size_t n, enum rl_bi_item_kind *k)
{
    static const struct { const char *w; enum rl_bi_item_kind k; } kinds[] = {
        { "FIELD", RL_BI_FIELD }, { "TEXT", RL_BI_TEXT }, { "NUM", RL_BI_NUM },
        { "STR", RL_BI_STR }, { "RAW", RL_BI_RAW },
    };

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].w) == n && memcmp(kinds[i].w, w, n) == 0) {
            *k = kinds[i].k;
            return 1;
        }
    return 0;
}

int
rl_bi_form_parse(const char *syntax, struct rl_bi_item *items, size_t max,
                 int *nargs, int *nopts)
{
    const char *s = syntax;
    size_t n = 0;
    int group = -1, args = 0, opts = 0, cmp = 0;

    for (;;) {
        const char *w;
        size_t len;
        int open = 0, close = 0;
        enum rl_bi_item_kind k;

        while (*s == ' ')
            s++;
        if (*s == '\0')
            break;
        if (*s == '[') {
            if (group >= 0)
                return -1;
            open = 1;
            s++;
        }
        w = s;
        while (*s && *s != ' ' && *s != ']')
            s++;
        len = (size_t)(s - w);
        if (*s == ']') {
            close = 1;
            s++;
        }
        if (len == 0 || n >= max)
            return -1;
        memset(&items[n], 0, sizeof items[n]);
        if (item_kind(w, len, &k)) {
            if (k == RL_BI_FIELD && open && close)
                k = RL_BI_OPT_FIELD;
            else if ((k == RL_BI_STR || k == RL_BI_RAW) && !open && group >= 0 && close) {
                /* [word ... STR]: the group's last item, after its words */
                items[n].optional = 1;
                items[n].group = group;
                group = -1;
            } else if (open || close || group >= 0)
                return -1;          /* only words, FIELD, and a STR/RAW ending a group */
            items[n].kind = k;
            if (k == RL_BI_TEXT || k == RL_BI_NUM) {
                if (cmp++)
                    return -1;      /* one comparison per form */
            }
            if (k != RL_BI_FIELD && k != RL_BI_OPT_FIELD) {
                if (args >= RL_BI_MAX_ARGS)
                    return -1;
                items[n].arg = args++;
            }
            n++;
            continue;
        }
        for (size_t i = 0; i < len; i++)
            if (w[i] < 'a' || w[i] > 'z')
                return -1;
        if (len >= sizeof items[n].word)
            return -1;
        memcpy(items[n].word, w, len);
        if (open) {
            if (opts >= RL_BI_MAX_OPTS)
                return -1;
            group = opts++;
        }
        if (group >= 0) {
            items[n].kind = RL_BI_OPT_WORD;
            items[n].group = group;
            items[n].optional = 1;
        } else {
            items[n].kind = RL_BI_WORD;
        }
        if (close) {
            if (group < 0)
                return -1;
            group = -1;
        }
        n++;
    }
    if (group >= 0)
        return -1;
    if (nargs)
        *nargs = args;
    if (nopts)
        *nopts = opts;
    return (int)n;
}

/* ------------------------------------------------------------------ */
/* environment                                                         */
/* ------------------------------------------------------------------ */

void
rl_bi_env_init(struct rl_bi_env *env, struct rl_msg *msg, const struct rl_host *host)
{
    memset(env, 0, sizeof *env);
    env->msg = msg;
    env->host = host;
}

void
rl_bi_env_free(struct rl_bi_env *env)
{
    for (size_t i = env->ncache; i-- > 0;)
        if (env->cache[i].free)
            env->cache[i].free(env->cache[i].p);
    free(env->cache);
    env->cache = NULL;
    env->ncache = 0;
}

int
rl_bi_body(struct rl_bi_env *env, const char **p, size_t *len)
{
    if (env->body_state == 0) {
        env->body_state = -1;
        if (env->msg && env->msg->get_body &&
            env->msg->get_body(env->msg->body_ctx, &env->body, &env->body_len) == 0)
            env->body_state = 1;
    }
    if (env->body_state < 0)
        return -1;
    *p = env->body;
    *len = env->body_len;
    return 0;
}

void *
rl_bi_cache_get(struct rl_bi_env *env, const char *key)
{
    for (size_t i = 0; i < env->ncache; i++)
        if (strcmp(env->cache[i].key, key) == 0)
            return env->cache[i].p;
    return NULL;
}

void
rl_bi_cache_put(struct rl_bi_env *env, const char *key, void *p, void (*free_fn)(void *))
{
    env->cache = xreallocarray(env->cache, env->ncache + 1, sizeof *env->cache);
    env->cache[env->ncache++] = (struct rl_bi_cache_ent){ key, p, free_fn };
}

const void *
rl_bi_module(struct rl_bi_env *env, const char *name)
{
    if (env->host == NULL || env->host->module == NULL)
        return NULL;
    return env->host->module(env->host->ctx, name);
}

const char *
rl_bi_setting(struct rl_bi_env *env, const char *key)
{
    if (env->host == NULL || env->host->setting == NULL)
        return NULL;
    return env->host->setting(env->host->ctx, key);
}

void
rl_bi_log(struct rl_bi_env *env, enum rl_log_level level, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;

    if (env->host == NULL || env->host->log == NULL)
        return;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    env->host->log(env->host->ctx, level, b.data);
    buf_free(&b);
}

void
rl_bi_note(struct rl_bi_result *r, const char *fmt, ...)
{
    va_list ap;

    if (r->note.len)
        buf_adds(&r->note, "; ");
    va_start(ap, fmt);
    buf_vprintf(&r->note, fmt, ap);
    va_end(ap);
}
