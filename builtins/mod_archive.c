/*
 * mod_archive.c -- the weir_archive.so module: libarchive behind
 * dynload (lda/dynload.h).  Linked only into the module so deliveries that
 * never open an archive never load libarchive.  The api table for archive
 * members is added by the attachment builtins.
 */
#include "config.h"
#include "dynload.h"

#include <archive.h>

static const char *
lib_version(void)
{
    return archive_version_details();
}

const struct weir_module weir_module = { WEIR_MODULE_ABI, "archive", lib_version, NULL };
