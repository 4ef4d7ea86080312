/*
 * mp_internal.h -- helpers shared by the mailparse modules (mailparse.c,
 * mp_2047.c, mp_address.c).  Not part of the builtins API.
 */
#ifndef WEIR_MP_INTERNAL_H
#define WEIR_MP_INTERNAL_H

#include <stddef.h>

#include "util.h"

/* Length (1-4) of the well-formed UTF-8 sequence at p (n bytes
 * available), or 0 when p does not start one (overlong forms, surrogates
 * and code points above U+10FFFF are not well formed). */
size_t mp_utf8_seq(const unsigned char *p, size_t n);

/* Append n bytes to b as valid UTF-8: well-formed sequences are copied,
 * every other byte is taken as Latin-1 (U+0080..U+00FF); NUL, CR and LF
 * become a space.  Output is at most 2n bytes. */
void mp_utf8_add(struct buf *b, const char *p, size_t n);

/* 1 when s (n bytes) is entirely well-formed UTF-8. */
int mp_utf8_valid(const char *s, size_t n);

/* Longest charset name taken (the longest IANA names are ~45). */
#define MP_CHARSET_MAX 64

/* The name to give iconv_open() for a MIME charset (lower-cased, the
 * aliases of mp_2047.c applied; ISO-8859-1 included), or NULL when the
 * charset is read as raw text (UTF-8, US-ASCII, unknown-8bit) or is not
 * a valid charset name.  buf has room for MP_CHARSET_MAX + 1 bytes. */
const char *mp_charset_iconv(const char *cs, char *buf);

/* ASCII-only case folding, independent of the locale. */
int mp_lower(int c);

/* SP or HT. */
int mp_is_wsp(int c);

#endif
