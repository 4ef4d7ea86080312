/*
 * mod_magic.c -- the weir_magic.so module: libmagic behind dynload
 * (lda/dynload.h), loaded only when a rule asks for a sniffed type.
 */
#include "config.h"
#include "dynload.h"

#include <magic.h>
#include <stdio.h>

static const char *
lib_version(void)
{
    static char v[32];
    int n = magic_version();

    if (snprintf(v, sizeof v, "libmagic %d.%02d", n / 100, n % 100) < 0)
        return "libmagic";
    return v;
}

const struct weir_module weir_module = { WEIR_MODULE_ABI, "magic", lib_version, NULL };
