/*
 * dnsanswer.c -- DNS response reading for block lists (see dnsanswer.h).
 */
#include "config.h"
#include "dnsanswer.h"

#include <string.h>

/* RRs read per section: more is either hostile or useless. */
#define DNSA_RR_MAX 64
/* Labels in one name (RFC 1035: 255 bytes, so at most 127 labels). */
#define DNSA_LABELS_MAX 128

static unsigned
u16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Skip a (possibly compressed) name at *off; -1 if malformed. */
static int
skip_name(const unsigned char *buf, size_t len, size_t *off)
{
    size_t o = *off, total = 0;

    for (int labels = 0; labels < DNSA_LABELS_MAX; labels++) {
        unsigned c;

        if (o >= len)
            return -1;
        c = buf[o];
        if (c == 0) {
            *off = o + 1;
            return 0;
        }
        if ((c & 0xc0) == 0xc0) {           /* pointer: ends the name here */
            if (o + 2 > len || (size_t)(u16(buf + o) & 0x3fff) >= len)
                return -1;
            *off = o + 2;
            return 0;
        }
        if (c & 0xc0)                       /* 0x40, 0x80: reserved */
            return -1;
        total += c + 1;
        if (total > 255 || o + 1 + c > len)
            return -1;
        o += 1 + c;
    }
    return -1;
}

static void
add_txt(struct dnsa *out, const unsigned char *p, size_t n)
{
    size_t have = strlen(out->txt);

    for (size_t i = 0; i < n && have < DNSA_TXT_MAX - 1; i++) {
        unsigned char c = p[i];

        out->txt[have++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    out->txt[have] = '\0';
}

static void
min_ttl(struct dnsa *out, uint32_t ttl)
{
    if (ttl > 0x7fffffffu)          /* RFC 2181 8: treat as zero */
        ttl = 0;
    if (!out->has_ttl || ttl < out->ttl)
        out->ttl = ttl;
    out->has_ttl = 1;
}

int
dnsa_parse(const unsigned char *buf, size_t len, struct dnsa *out)
{
    size_t off = 12;
    unsigned qd, an, ns;

    memset(out, 0, sizeof *out);
    if (len < 12)
        return -1;
    out->id = u16(buf);
    if (!(buf[2] & 0x80))                   /* not a response */
        return -1;
    out->truncated = (buf[2] & 0x02) != 0;
    out->rcode = buf[3] & 0x0f;
    qd = u16(buf + 4);
    an = u16(buf + 6);
    ns = u16(buf + 8);
    if (qd > 1 || an > DNSA_RR_MAX || ns > DNSA_RR_MAX)
        return -1;
    for (unsigned i = 0; i < qd; i++) {
        if (skip_name(buf, len, &off) != 0 || off + 4 > len)
            return -1;
        off += 4;
    }
    for (unsigned i = 0; i < an + ns; i++) {
        unsigned type, cls, rdlen;
        uint32_t ttl;
        const unsigned char *rd;

        if (skip_name(buf, len, &off) != 0 || off + 10 > len)
            return -1;
        type = u16(buf + off);
        cls = u16(buf + off + 2);
        ttl = u32(buf + off + 4);
        rdlen = u16(buf + off + 8);
        off += 10;
        if (off + rdlen > len)
            return -1;
        rd = buf + off;
        if (cls == DNSA_C_IN && i < an) {
            if (type == DNSA_T_A) {
                if (rdlen != 4)
                    return -1;
                if (out->naddrs < DNSA_ADDRS_MAX)
                    out->addrs[out->naddrs++] = u32(rd);
                min_ttl(out, ttl);
            } else if (type == DNSA_T_TXT && !out->has_txt) {
                for (size_t p = 0; p < rdlen;) {
                    size_t n = rd[p];

                    if (p + 1 + n > rdlen)
                        return -1;
                    add_txt(out, rd + p + 1, n);
                    p += 1 + n;
                }
                out->has_txt = 1;
                min_ttl(out, ttl);
            }
        } else if (cls == DNSA_C_IN && type == DNSA_T_SOA && !out->has_neg_ttl) {
            size_t so = off;

            /* MNAME and RNAME, then five 32-bit numbers; MINIMUM last */
            if (skip_name(buf, off + rdlen, &so) != 0 || skip_name(buf, off + rdlen, &so) != 0 ||
                so + 20 > off + rdlen)
                return -1;
            {
                uint32_t minimum = u32(buf + so + 16);

                if (ttl > 0x7fffffffu)
                    ttl = 0;
                out->neg_ttl = minimum < ttl ? minimum : ttl;
                out->has_neg_ttl = 1;
            }
        }
        off += rdlen;
    }
    return 0;
}
