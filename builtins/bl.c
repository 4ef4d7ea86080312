/*
 * bl.c -- shared parts of the `dnsbl` and `rhsbl` builtins (see bl.h).
 */
#include "config.h"
#include "bl.h"

#include <stdio.h>
#include <string.h>

static const char *const state_text[] = {
    "not listed", "listed", "lookup failed", "refused or bad answer", "zone unusable",
    "not asked"
};

struct dnsbl *
bl_engine(struct rl_bi_env *env, const char **why)
{
    *why = "DNS not looked up (the host has no DNS)";
    if (env->host == NULL || env->host->dnsbl == NULL)
        return NULL;
    return env->host->dnsbl(env->host->ctx, why);
}

/* A dotted quad at s[0..n): its length and value, or 0. */
static size_t
quad(const char *s, size_t n, uint32_t *v)
{
    size_t i = 0;

    *v = 0;
    for (int part = 0; part < 4; part++) {
        unsigned x = 0;
        size_t d = 0;

        if (part) {
            if (i >= n || s[i] != '.')
                return 0;
            i++;
        }
        while (i < n && s[i] >= '0' && s[i] <= '9' && d < 4) {
            x = x * 10 + (unsigned)(s[i] - '0');
            i++;
            d++;
        }
        if (d == 0 || d > 3 || x > 255 || (d > 1 && s[i - d] == '0'))
            return 0;
        *v = *v << 8 | x;
    }
    if (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' ) &&
        !(i + 1 < n && s[i] == '.' && s[i + 1] == '.'))
        return 0;               /* 127.0.0.2.5 or 127.0.0.1234 */
    return i;
}

static size_t
blanks(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static void
put_quad(struct buf *b, uint32_t v)
{
    buf_printf(b, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
}

ssize_t
bl_scan_returns(int arg, const char *s, size_t n, struct buf *out, char *err, size_t errlen)
{
    size_t i = 0, end = 0, count = 0;

    (void)arg;
    for (;;) {
        uint32_t lo, hi;
        size_t k;

        i = blanks(s, n, i);
        if ((k = quad(s + i, n - i, &lo)) == 0) {
            snprintf(err, errlen, "expected an answer address such as 127.0.0.2 after %s",
                     count ? "','" : "'returns'");
            return -1;
        }
        i += k;
        end = i;
        hi = lo;
        k = blanks(s, n, i);
        if (k + 1 < n && s[k] == '.' && s[k + 1] == '.') {
            k = blanks(s, n, k + 2);
            if ((i = quad(s + k, n - k, &hi)) == 0) {
                snprintf(err, errlen, "expected the last address of the range after '..'");
                return -1;
            }
            i += k;
            end = i;
        }
        if ((lo >> 24) != 127 || (hi >> 24) != 127) {
            snprintf(err, errlen, "block lists answer in 127.0.0.0/8: an answer outside it is "
                     "an error, never a listing");
            return -1;
        }
        if (hi < lo) {
            snprintf(err, errlen, "the range ends before it starts");
            return -1;
        }
        if (++count > BL_RANGES_MAX) {
            snprintf(err, errlen, "at most %d answers or ranges", BL_RANGES_MAX);
            return -1;
        }
        if (out->len)
            buf_adds(out, ", ");
        put_quad(out, lo);
        if (hi != lo) {
            buf_adds(out, " .. ");
            put_quad(out, hi);
        }
        k = blanks(s, n, end);
        if (k < n && s[k] == ',') {
            i = k + 1;
            continue;
        }
        return (ssize_t)end;
    }
}

size_t
bl_ranges(const char *s, struct dnsbl_range *r, size_t max)
{
    size_t n = 0, len = s ? strlen(s) : 0, i = 0;

    /* the canonical list re-read with the same scanner, range by range */
    while (s && i < len && n < max) {
        uint32_t lo, hi;
        size_t k = blanks(s, len, i), q;

        if ((q = quad(s + k, len - k, &lo)) == 0)
            break;
        k += q;
        hi = lo;
        q = blanks(s, len, k);
        if (q + 1 < len && s[q] == '.' && s[q + 1] == '.') {
            q = blanks(s, len, q + 2);
            if ((k = quad(s + q, len - q, &hi)) == 0)
                break;
            k += q;
        }
        r[n].lo = lo;
        r[n].hi = hi;
        n++;
        k = blanks(s, len, k);
        if (k >= len || s[k] != ',')
            break;
        i = k + 1;
    }
    return n;
}

const char *
bl_zone_check(const char *zone, const char **help)
{
    if (zone == NULL || strstr(zone, "${"))
        return NULL;
    if (!dnsbl_name_ok(zone)) {
        *help = "a zone is a DNS name such as \"zen.spamhaus.org\" (letters, digits, '-', "
                "'_', dots)";
        return "the block list zone is not a DNS name";
    }
    return NULL;
}

static void
codes_text(const struct dnsbl_result *res, char *out, size_t outsz)
{
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < res->ncodes && len + 17 < outsz; i++) {
        uint32_t v = res->codes[i];
        int w = snprintf(out + len, outsz - len, "%s%u.%u.%u.%u", i ? "," : "", v >> 24,
                         (v >> 16) & 255, (v >> 8) & 255, v & 255);

        if (w < 0 || (size_t)w >= outsz - len)
            break;
        len += (size_t)w;
    }
}

void
bl_report(struct rl_bi_env *env, struct dnsbl *b, const int *h, const char *const *what,
          size_t n, const char *ranges_text, struct rl_bi_result *r)
{
    struct dnsbl_range ranges[BL_RANGES_MAX];
    size_t nr = bl_ranges(ranges_text, ranges, BL_RANGES_MAX);
    int matched = 0;

    (void)env;
    for (size_t i = 0; i < n; i++) {
        const struct dnsbl_result *res = h[i] >= 0 ? dnsbl_get(b, h[i]) : NULL;
        char codes[DNSA_ADDRS_MAX * 17];

        if (res == NULL) {
            rl_bi_note(r, "%s: not a name that can be asked", what[i]);
            continue;
        }
        codes_text(res, codes, sizeof codes);
        if (res->state == DNSBL_LISTED && !dnsbl_match(res, ranges, nr)) {
            rl_bi_note(r, "%s: %s listed %s, not an accepted answer (%s)", what[i], res->qname,
                       codes, ranges_text);
            continue;
        }
        rl_bi_note(r, "%s: %s %s%s%s%s", what[i], res->qname,
                   res->state < sizeof state_text / sizeof state_text[0] ? state_text[res->state]
                                                                         : "?",
                   res->state == DNSBL_LISTED ? " " : "", res->state == DNSBL_LISTED ? codes : "",
                   res->from_cache ? " (cached)" : "");
        if (res->state != DNSBL_LISTED && res->state != DNSBL_NOT_LISTED && res->why[0])
            rl_bi_note(r, "%s: taken as not listed", res->why);
        if (res->state == DNSBL_LISTED && !matched) {
            matched = 1;
            rl_bi_export(r, "txt", res->txt, strlen(res->txt));
            rl_bi_export(r, "code", codes, strlen(codes));
            rl_bi_export(r, "query", res->qname, strlen(res->qname));
        }
    }
    rl_bi_true(r, matched);
}
