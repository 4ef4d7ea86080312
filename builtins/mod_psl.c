/*
 * mod_psl.c -- the weir_psl.so module: libpsl (organisational domains)
 * behind dynload (lda/dynload.h).
 */
#include "config.h"
#include "dynload.h"

#include <libpsl.h>
#include <stdio.h>

static const char *
lib_version(void)
{
    static char v[48];

    if (snprintf(v, sizeof v, "libpsl %s", psl_get_version()) < 0)
        return "libpsl";
    return v;
}

const struct weir_module weir_module = { WEIR_MODULE_ABI, "psl", lib_version, NULL };
