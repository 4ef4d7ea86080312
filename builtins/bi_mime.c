/*
 * bi_mime.c -- the per-message MIME walk shared by builtins (bi_mime.h).
 * Not a builtin itself: `attachment` (bi_attachment.c) and `body`
 * (bi_body.c) call it.  The walk, its modules and the body text live in
 * the registry cache under the key "mime" and are freed with it (after
 * the user's rules, or when a filter replaces the message).
 */
#include "config.h"
#include "bi_mime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct bi_mime {
    struct mime_tree *t;
    struct mime_modules *mods;
    struct buf text;
    int have_text;
};

static void
bi_mime_free(void *p)
{
    struct bi_mime *m = p;

    mime_tree_free(m->t);
    mime_modules_free(m->mods);
    buf_free(&m->text);
    free(m);
}

static const void *
load(void *ctx, const char *name)
{
    return rl_bi_module(ctx, name);
}

/* A numeric setting (bytes, a count), or dflt when absent or unreadable. */
static unsigned long long
num_setting(struct rl_bi_env *env, const char *key, unsigned long long dflt)
{
    const char *s = rl_bi_setting(env, key);
    char *end;
    unsigned long long v;

    if (s == NULL || *s < '0' || *s > '9')
        return dflt;
    errno = 0;
    v = strtoull(s, &end, 10);
    return errno || *end ? dflt : v;
}

struct mime_tree *
bi_mime_tree(struct rl_bi_env *env)
{
    struct bi_mime *m = rl_bi_cache_get(env, "mime");
    struct mime_limits lim;
    struct mime_source src;

    if (m)
        return m->t;
    if (env->msg == NULL || env->msg->read == NULL)
        return NULL;
    mime_limits_default(&lim);
    lim.depth = (unsigned)num_setting(env, "limits.mime_depth", lim.depth);
    lim.parts = (unsigned)num_setting(env, "limits.mime_parts", lim.parts);
    lim.decode = (size_t)num_setting(env, "limits.mime_decode", lim.decode);
    lim.body_scan = (size_t)num_setting(env, "limits.body_scan", lim.body_scan);
    lim.archive_expansion = (size_t)num_setting(env, "limits.archive_expansion",
                                                lim.archive_expansion);
    lim.archive_members = (unsigned)num_setting(env, "limits.archive_members",
                                                lim.archive_members);
    lim.archive_depth = (unsigned)num_setting(env, "limits.archive_depth", lim.archive_depth);
    m = xcalloc(1, sizeof *m);
    m->mods = mime_modules_new(load, env);
    src.pread = env->msg->read;
    src.ctx = env->msg->read_ctx;
    src.len = env->msg->size;
    m->t = mime_walk(&src, &lim, m->mods);
    if (m->t->limit)
        rl_bi_log(env, RL_LOG_WARN, "MIME walk: limit reached: %s at part %s; "
                  "the parts before it stand", m->t->limit, m->t->limit_path);
    rl_bi_cache_put(env, "mime", m, bi_mime_free);
    return m->t;
}

int
bi_mime_text(struct rl_bi_env *env, const char **p, size_t *n)
{
    struct bi_mime *m;

    if (bi_mime_tree(env) == NULL)
        return -1;
    m = rl_bi_cache_get(env, "mime");
    if (!m->have_text) {
        mime_body_text(m->t, &m->text);
        m->have_text = 1;
    }
    *p = m->text.data ? m->text.data : "";
    *n = m->text.len;
    return 0;
}
