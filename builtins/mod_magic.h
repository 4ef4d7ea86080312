/*
 * mod_magic.h -- the api table of the weir_magic.so module (libmagic
 * behind lda/dynload.h).  mime_content.c is its one caller.
 *
 * open() loads libmagic's default database for MIME types; it returns a
 * handle, or NULL with a one-line reason in err.  type() returns the MIME
 * type of n bytes ("application/pdf"), valid until the next call on the
 * handle, or NULL when libmagic fails.  Nothing here touches a file but
 * the database.
 */
#ifndef WEIR_MOD_MAGIC_H
#define WEIR_MOD_MAGIC_H

#include <stddef.h>

#define WEIR_MAGIC_API_VERSION 1

struct weir_magic_api {
    int version;                /* WEIR_MAGIC_API_VERSION */
    void *(*open)(char *err, size_t errlen);
    const char *(*type)(void *h, const void *p, size_t n);
    void (*close)(void *h);
};

#endif
