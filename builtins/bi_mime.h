/*
 * bi_mime.h -- the MIME walk (builtins/mime.h) of the message a rule runs
 * on, made once per message and shared by the builtins that need it
 * (`attachment`, `body`) through the registry's per-message cache.
 *
 * bi_mime_tree() returns the tree, or NULL when the host cannot stream
 * the message (struct rl_msg.read is NULL): the test then has no facts.
 * The walk uses the limits weir.yaml sets (limits.mime_depth,
 * mime_parts, mime_decode, body_scan, archive_expansion,
 * archive_members, archive_depth, through rl_bi_setting(); a host
 * without settings gets the documented defaults) and loads libmagic and
 * libarchive through the host (rl_bi_module()) only when a lazy fact
 * needs them.  A walk that reached a limit is logged once.
 *
 * bi_mime_text() returns the decoded body text (mime_body_text), made
 * once per message: 0 with *p and *n set, or -1 without a tree.
 */
#ifndef WEIR_BI_MIME_H
#define WEIR_BI_MIME_H

#include <stddef.h>

#include "mime.h"
#include "registry.h"

struct mime_tree *bi_mime_tree(struct rl_bi_env *env);
int bi_mime_text(struct rl_bi_env *env, const char **p, size_t *n);

#endif
