/*
 * state_codec.c -- the pure parts of the state layer (state.h): the
 * encoding of a stored record (state_rec_encode/decode) and the check of
 * a Berkeley DB btree meta page made before libdb reads a file
 * (state_check_meta).  No I/O, no allocation; both decoders accept any
 * bytes (fuzz/fuzz_state.c) and return -1 for anything they do not
 * recognise.
 */
#include "config.h"
#include "state.h"

#include <stdint.h>

/* Berkeley DB btree meta page (dbinc/db_page.h, DBMETA). */
#define META_MAGIC_OFF    12
#define META_PAGESIZE_OFF 20
#define META_TYPE_OFF     25
#define META_LASTPG_OFF   32
#define META_MIN          36
#define BTREE_MAGIC       0x053162u
#define HASH_MAGIC        0x061561u
#define QUEUE_MAGIC       0x042253u
#define HEAP_MAGIC        0x074582u
#define P_BTREEMETA       9
#define PAGE_MIN          512u
#define PAGE_MAX          65536u

/* ---- record encoding ---------------------------------------------------- */

static void
put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t
get64(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

size_t
state_rec_encode(unsigned char *out, time_t created, time_t expires)
{
    out[0] = 'w';
    out[1] = 1;
    put64(out + 2, (uint64_t)(int64_t)created);
    put64(out + 10, (uint64_t)(int64_t)expires);
    return STATE_REC_HDR;
}

int
state_rec_decode(const unsigned char *buf, size_t len, time_t *created,
                 time_t *expires, const unsigned char **payload, size_t *plen)
{
    int64_t c, x;

    if (len < STATE_REC_HDR || buf[0] != 'w' || buf[1] != 1)
        return -1;
    c = (int64_t)get64(buf + 2);
    x = (int64_t)get64(buf + 10);
    if (c < 0 || x < 0)
        return -1;
    *created = (time_t)c;
    *expires = (time_t)x;
    *payload = buf + STATE_REC_HDR;
    *plen = len - STATE_REC_HDR;
    return 0;
}

/* ---- file checks -------------------------------------------------------- */

static uint32_t
rd32(const unsigned char *p, int swap)
{
    if (swap)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int
state_check_meta(const unsigned char *head, size_t n, unsigned long long size,
                 const char **why)
{
    uint32_t magic, pagesize, last;
    int swap;

    if (n < META_MIN || size < PAGE_MIN) {
        *why = "too short to be a Berkeley DB file (truncated?)";
        return -1;
    }
    magic = rd32(head + META_MAGIC_OFF, 0);
    if (magic == BTREE_MAGIC)
        swap = 0;
    else if (rd32(head + META_MAGIC_OFF, 1) == BTREE_MAGIC)
        swap = 1;
    else {
        uint32_t m2 = rd32(head + META_MAGIC_OFF, 1);

        if (magic == HASH_MAGIC || m2 == HASH_MAGIC || magic == QUEUE_MAGIC ||
            m2 == QUEUE_MAGIC || magic == HEAP_MAGIC || m2 == HEAP_MAGIC)
            *why = "a Berkeley DB file of another type (not a btree)";
        else
            *why = "not a Berkeley DB file";
        return -1;
    }
    if (head[META_TYPE_OFF] != P_BTREEMETA) {
        *why = "first page is not a btree meta page";
        return -1;
    }
    pagesize = rd32(head + META_PAGESIZE_OFF, swap);
    if (pagesize < PAGE_MIN || pagesize > PAGE_MAX || (pagesize & (pagesize - 1)) != 0) {
        *why = "bad page size in the meta page";
        return -1;
    }
    if (size % pagesize != 0) {
        *why = "size is not a multiple of the page size (truncated?)";
        return -1;
    }
    last = rd32(head + META_LASTPG_OFF, swap);
    if (((unsigned long long)last + 1) * pagesize > size) {
        *why = "shorter than its meta page says (truncated)";
        return -1;
    }
    return 0;
}
