/*
 * mod_db.c -- the weir_db.so module: Berkeley DB (per-user state) behind
 * dynload (lda/dynload.h).  The api table for state databases is added by
 * the state issue.
 */
#include "config.h"
#include "dynload.h"

#include <db.h>

static const char *
lib_version(void)
{
    return db_version(NULL, NULL, NULL);
}

const struct weir_module weir_module = { WEIR_MODULE_ABI, "db", lib_version, NULL };
