/*
 * bi_attachment.c -- builtin test `attachment`: attachments (declared and sniffed type, file name, archive members).  Reserved: the name is known
 * so that rule files using it get a clear message ("not available in this
 * version of weir"), but it has no eval() yet.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_attachment_def = {
    .name = "attachment",
    .summary = "attachments (declared and sniffed type, file name, archive members)",
};
