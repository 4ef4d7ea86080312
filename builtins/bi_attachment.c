/*
 * bi_attachment.c -- builtin test `attachment`: attachments (declared/sniffed type, name, archives).  Reserved: the name is
 * registered so rules can be checked, but it is implemented by the MIME/attachment issue;
 * until then `weir check` reports it as not available in this build.
 */
#include "config.h"
#include "registry.h"

const struct rl_builtin rl_bi_attachment_def = {
    "attachment", "attachments (declared/sniffed type, name, archives)", "the MIME/attachment issue", NULL
};
