/*
 * mailparse.c -- RFC 5322 header fields and unfolding; the UTF-8 helpers
 * the other mailparse modules share.  RFC 2047 decoding is in mp_2047.c,
 * address lists in mp_address.c.
 *
 * Entry points: mp_header_parse(), mp_header_free(), mp_field_is(),
 * mp_unfold() (API in mailparse.h).  Pure functions of their input: they
 * cannot fail (allocation failure exits 75 through xmalloc), hostile
 * input is skipped or kept as documented below, and the work done is
 * linear in the input.
 *
 * ---------------------------------------------------------------------
 * NORMALISATION RULES (what the rule language's header and address tests
 * see; the text for weir-rules(5))
 *
 * Header fields (mp_header_parse)
 *   - A field starts on a line "name:" where name is one or more printable
 *     US-ASCII characters other than ':' (33-126); white space between the
 *     name and the colon is allowed and not part of the name (RFC 5322
 *     obsolete syntax).  The value is everything after the colon.
 *   - A line starting with a space or tab continues the previous field
 *     (also a line of only white space).  Lines end in LF or CRLF.
 *   - A line that is neither (no colon, or a name with spaces, control or
 *     8-bit characters, e.g. a stray ">From " line) is skipped, and so are
 *     its continuation lines and any continuation before the first field.
 *   - The header ends at the first empty line (or at the end of the block).
 *   - Every occurrence of a field is kept, in order; names compare
 *     case-insensitively (ASCII only).
 *
 * Unfolding (mp_unfold)
 *   - CRLF and LF line breaks are removed; the white space that follows
 *     them is kept (RFC 5322 2.2.3).  Runs of white space are not
 *     collapsed.
 *   - A lone CR and a NUL byte become a space.
 *   - Leading and trailing spaces and tabs are removed.
 *
 * Decoding (mp_decode_2047, on an unfolded value)
 *   - An encoded-word is "=?charset?B?text?=" or "=?charset?Q?text?="
 *     (B/Q in either case), recognised anywhere in the value, even
 *     touching other text.  charset may carry an RFC 2231 language
 *     ("utf-8*en"), which is ignored.  text is printable ASCII without '?'
 *     and without spaces (Q text may also hold raw 8-bit bytes, taken in
 *     the word's charset); B text is base64 (padding optional, a padded
 *     chunk may be followed by another); in Q text "_" is a space and
 *     "=XX" a byte (hex digits in either case); a "=" not followed by two
 *     hex digits stays "=".
 *   - White space (also CR/LF, when the value was not unfolded) between
 *     two encoded-words is dropped.  Adjacent words in
 *     the same charset are decoded as one byte string, so a character
 *     split across two words comes out whole (and ISO-2022-JP shift
 *     state carries over).
 *   - Charsets: UTF-8 and US-ASCII (and unknown-8bit, x-unknown) are taken
 *     like raw text (below); ISO-8859-1 is decoded directly; every other
 *     name goes to iconv (glibc: ISO-8859-*, Windows-125x, KOI8-R/U,
 *     ISO-2022-JP, EUC-JP, Shift_JIS, GB2312, GBK, GB18030, Big5, EUC-KR,
 *     UTF-7, UTF-16...), with these supersets used instead of the
 *     declared set, as mail clients do: GB2312 and GBK -> GB18030,
 *     Shift_JIS -> CP932, KS_C_5601-1987 and EUC-KR -> CP949,
 *     ISO-8859-8-I -> ISO-8859-8, ISO-2022-JP -> ISO-2022-JP-3 (its
 *     superset with half-width katakana).  UTF-16 and UTF-32 are
 *     big-endian unless a byte order mark says otherwise (the mark is
 *     dropped).  A byte sequence invalid in its charset becomes U+FFFD.
 *   - Kept literally: malformed encoded-words, unknown charsets, charset
 *     names longer than MP_CHARSET_MAX or containing characters outside
 *     letters, digits and !#$%&'+^_`{}~.-, and encoded-words beyond the
 *     first MP_ICONV_OPEN_MAX distinct iconv charsets of one value.
 *   - Raw text (outside encoded-words): well-formed UTF-8 is kept, any
 *     other byte is taken as Latin-1.
 *   - NUL, CR and LF in the result (e.g. from "=0D=0A") become a space.
 *     The result is always valid UTF-8 and linear in size: at most 12
 *     bytes per input byte (glibc's TSCII, one byte = four Tamil code
 *     points, is the worst charset; raw text gives at most 2).
 *
 * Addresses (mp_address_parse_list, on an unfolded, undecoded value)
 *   - Tokens: atoms (any run of characters other than white space,
 *     controls and ()<>[]:;@\,." -- 8-bit bytes included), quoted strings
 *     (quoted pairs unescaped), comments (nested, dropped), domain
 *     literals [..] and the specials . @ , ; : < >.  An unterminated
 *     quote, comment or domain literal is not one: its opening character
 *     is skipped like any stray special.
 *   - An address ends at ',' or ';'.  A ':' before any '<' opens a group:
 *     everything before it (the group name) is dropped and the members are
 *     returned in place (flattened); the ';' closing it ends an address.
 *   - name-addr: the phrase before '<' is the display name, even when it
 *     holds an unquoted '@' ("support@bank.example <x@evil.example>" is
 *     x@evil.example, display "support@bank.example"); inside the
 *     brackets a route ("@a,@b:") or anything up to a ':' is dropped; a
 *     missing '>' ends the address at ',' ';' '<' or the end.
 *   - addr-spec (no brackets): the local part is the dot-joined run of
 *     words just before '@' (whitespace around dots allowed; empty
 *     elements such as "a..b." are kept); words before it are the display
 *     name (missing angle brackets); the domain is the dot-joined run of
 *     atoms or a domain literal after '@'.  The first comment becomes the
 *     display name when there is none.
 *   - A lone word or dot-run without '@' ("postmaster") is an address
 *     without a domain; several words without '@' or '<' are garbage.
 *   - Words after an address up to the next ',' or ';' are dropped unless
 *     another '@' or '<' follows first (a missing comma: "a@b c@d" is two
 *     addresses).
 *   - Display name: the phrase words joined with one space where the
 *     source had white space or a comment between them, then RFC 2047
 *     decoded (encoded-words inside quotes too), trimmed.
 *   - Local part: unquoted ("a b"@x -> a b), case kept.  Domain: ASCII
 *     letters lower-cased, a domain literal kept with its brackets, IDN
 *     (UTF-8 or xn--) left as is.  Both are made valid UTF-8 like raw
 *     text (CR and LF become spaces).  An address without a local part
 *     (e.g. "<>", "@x") or with empty local part and domain (a lone "")
 *     is dropped.
 *   - mp_local_split: the detail starts after the FIRST separator
 *     ("a+b+c" -> "a", "b+c"; "a+" -> "a", "").
 * ---------------------------------------------------------------------
 */
#include "config.h"
#include "mailparse.h"
#include "mp_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int
mp_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
mp_is_wsp(int c)
{
    return c == ' ' || c == '\t';
}

size_t
mp_utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len, i;
    unsigned lo = 0x80, hi = 0xbf;      /* allowed range of the 2nd byte */

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;                  /* no overlong forms */
        else if (c == 0xed)
            hi = 0x9f;                  /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;                  /* nothing above U+10FFFF */
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return len;
}

int
mp_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    while (i < n) {
        if ((k = mp_utf8_seq(p + i, n - i)) == 0)
            return 0;
        i += k;
    }
    return 1;
}

void
mp_utf8_add(struct buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    buf_reserve(b, n);
    while (i < n) {
        if (p[i] == '\0' || p[i] == '\r' || p[i] == '\n') {
            buf_addc(b, ' ');
            i++;
        } else if ((k = mp_utf8_seq(p + i, n - i)) != 0) {
            buf_add(b, p + i, k);
            i += k;
        } else {
            buf_addc(b, 0xc0 | (p[i] >> 6));
            buf_addc(b, 0x80 | (p[i] & 0x3f));
            i++;
        }
    }
}

/* ftext (RFC 5322 3.6.8): printable US-ASCII except ':'. */
static int
is_ftext(int c)
{
    return c >= 33 && c <= 126 && c != ':';
}

/* If the line [p, p+n) is "name:" return the name length and set *colon
 * to the colon's offset; else 0. */
static size_t
field_name(const char *p, size_t n, size_t *colon)
{
    size_t i = 0, name_len;

    while (i < n && is_ftext((unsigned char)p[i]))
        i++;
    name_len = i;
    if (name_len == 0)
        return 0;
    while (i < n && mp_is_wsp((unsigned char)p[i]))
        i++;
    if (i >= n || p[i] != ':')
        return 0;
    *colon = i;
    return name_len;
}

void
mp_header_parse(const char *block, size_t len, struct mp_header *out)
{
    size_t pos = 0, cap = 0;
    struct mp_field *cur = NULL;    /* field that continuations extend */

    out->f = NULL;
    out->n = 0;
    while (pos < len) {
        const char *line = block + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t full = nl ? (size_t)(nl - line) : len - pos;  /* without LF */
        size_t n = full;                                      /* without CR */
        size_t name_len, colon;

        if (nl && n > 0 && line[n - 1] == '\r')
            n--;
        pos += full + (nl ? 1 : 0);
        if (n == 0)
            break;                      /* end of the header */
        if (mp_is_wsp((unsigned char)line[0])) {
            if (cur)
                cur->raw_len = (size_t)(line + n - cur->raw);
            continue;
        }
        if ((name_len = field_name(line, n, &colon)) == 0) {
            cur = NULL;                 /* not a field: skip it and its continuations */
            continue;
        }
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            out->f = xreallocarray(out->f, cap, sizeof(*out->f));
        }
        cur = &out->f[out->n++];
        cur->name = line;
        cur->name_len = name_len;
        cur->raw = line + colon + 1;
        cur->raw_len = n - colon - 1;
    }
}

void
mp_header_free(struct mp_header *h)
{
    free(h->f);
    h->f = NULL;
    h->n = 0;
}

int
mp_field_is(const struct mp_field *f, const char *name)
{
    size_t i, n = strlen(name);

    if (n != f->name_len)
        return 0;
    for (i = 0; i < n; i++)
        if (mp_lower((unsigned char)f->name[i]) != mp_lower((unsigned char)name[i]))
            return 0;
    return 1;
}

char *
mp_unfold(const char *raw, size_t len)
{
    /* Written straight into its final size (a byte-wise buf_addc cost 30
     * instructions a byte; every header and address test and the client's
     * Received: fields unfold: issue 17). */
    char *out = xmalloc(len + 1);
    size_t n = 0, start = 0;

    for (size_t i = 0; i < len; i++) {
        char c = raw[i];

        if (c == '\n')
            continue;
        if (c == '\r') {
            if (i + 1 < len && raw[i + 1] == '\n')
                continue;
            c = ' ';
        } else if (c == '\0')
            c = ' ';
        out[n++] = c;
    }
    while (start < n && mp_is_wsp((unsigned char)out[start]))
        start++;
    while (n > start && mp_is_wsp((unsigned char)out[n - 1]))
        n--;
    if (start > 0)
        memmove(out, out + start, n - start);
    out[n - start] = '\0';
    return out;
}

void
mp_local_split(const char *local, char sep, char **user, char **detail)
{
    const char *p;

    if (local == NULL)
        local = "";
    p = sep != '\0' ? strchr(local, sep) : NULL;
    if (p == NULL) {
        *user = xstrdup(local);
        *detail = NULL;
        return;
    }
    *user = xstrndup(local, (size_t)(p - local));
    *detail = xstrdup(p + 1);
}
