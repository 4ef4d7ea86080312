/*
 * mod_magic.c -- the weir_magic.so module: libmagic behind dynload
 * (lda/dynload.h), loaded only when a rule (or `weir mime`) asks for a
 * sniffed type.  Its api table is struct weir_magic_api (mod_magic.h).
 *
 * open() returns NULL with the reason when libmagic or its database
 * cannot be loaded; type() returns NULL when libmagic fails on the bytes.
 * libmagic is asked for the MIME type only, without looking inside
 * compressed data (MAGIC_NO_CHECK_COMPRESS) and without reading any
 * file but its database.
 */
#include "config.h"
#include "dynload.h"
#include "mod_magic.h"

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

static void *
mg_open(char *err, size_t errlen)
{
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);

    if (m == NULL) {
        snprintf(err, errlen, "libmagic: magic_open failed");
        return NULL;
    }
    if (magic_load(m, NULL) != 0) {
        snprintf(err, errlen, "libmagic: cannot load its database: %s",
                 magic_error(m) ? magic_error(m) : "unknown error");
        magic_close(m);
        return NULL;
    }
    return m;
}

static const char *
mg_type(void *h, const void *p, size_t n)
{
    return magic_buffer((magic_t)h, p, n);
}

static void
mg_close(void *h)
{
    magic_close((magic_t)h);
}

static const struct weir_magic_api api = {
    WEIR_MAGIC_API_VERSION, mg_open, mg_type, mg_close
};

const struct weir_module weir_module = { WEIR_MODULE_ABI, "magic", lib_version, &api };
