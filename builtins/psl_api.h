/*
 * psl_api.h -- the api table of the weir_psl.so module (mod_psl.c), which
 * wraps libpsl and libidn2 so that a delivery pays for them only when a
 * rule asks for an organisational domain (lda/dynload.h).
 *
 * Names go in as UTF-8 or A-labels, any case, with or without a final
 * dot; results come out in one canonical form: lower case, A-labels
 * (punycode), no final dot, so that "Bank.Example.", "bank.example" and
 * the U-label and A-label forms of an IDN compare equal with strcmp().
 */
#ifndef WEIR_PSL_API_H
#define WEIR_PSL_API_H

#include <stddef.h>

#define PSL_API_VERSION 1
/* Room for any DNS name plus the NUL. */
#define PSL_NAME_MAX 256

enum psl_result {
    PSL_OK = 0,
    PSL_SUFFIX,         /* the name is a public suffix itself ("co.uk") */
    PSL_INVALID         /* not a domain name (empty, bad IDNA, too long) */
};

struct weir_psl_api {
    int version;                /* PSL_API_VERSION */
    /* The canonical form of name into out[PSL_NAME_MAX]. */
    enum psl_result (*canonical)(const char *name, char *out);
    /* The registrable ("organisational") domain of name, canonical, into
     * out[PSL_NAME_MAX]: mail.bank.example.co.uk -> example.co.uk. */
    enum psl_result (*orgdomain)(const char *name, char *out);
    /* Where the list came from (a file name, or "built in"). */
    const char *(*list_source)(void);
};

#endif
