/*
 * fuzz_resp.c -- the responders' composition (lda/resp/): the input is
 * taken as the original message's header block and, split at its first
 * NUL, also as the rule's subject, text and diagnostic.  resp_suppressed()
 * runs over it; a vacation reply and a fake bounce are composed from it,
 * and their headers are checked: every line is a continuation or one of
 * the fields weir writes, each field once, no CR or NUL, no line over 998
 * bytes; the DSN has exactly its three parts and one closing boundary.
 * Anything else means message content injected structure: abort().
 */
#include "config.h"
#include "autoreply.h"
#include "compose.h"
#include "dsn.h"
#include "mailparse.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const reply_fields[] = {
    "From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "Auto-Submitted", "X-Auto-Response-Suppress", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", NULL
};
static const char *const dsn_fields[] = {
    "From", "Subject", "To", "Auto-Submitted", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Message-Id", "Date", NULL
};

/* Check the header of a composed message; returns its length. */
static size_t
check_header(const char *m, size_t n, const char *const *fields)
{
    unsigned seen[16] = { 0 };
    size_t pos = 0;

    while (pos < n) {
        const char *nl = memchr(m + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (m + pos)) : n - pos;
        const char *line = m + pos;
        int known = 0;

        if (len == 0)
            return pos + 1;
        if (len > 998 || memchr(line, '\r', len) || memchr(line, '\0', len))
            abort();
        if (line[0] != ' ' && line[0] != '\t') {
            for (size_t i = 0; fields[i]; i++) {
                size_t k = strlen(fields[i]);

                if (len > k && strncmp(line, fields[i], k) == 0 && line[k] == ':') {
                    if (++seen[i] > 1)
                        abort();
                    known = 1;
                }
            }
            if (!known)
                abort();
        }
        pos += len + 1;
    }
    abort();                    /* no end of header */
}

static size_t
count_lines(const char *m, size_t n, const char *want)
{
    size_t c = 0, k = strlen(want), pos = 0;

    while (pos < n) {
        const char *nl = memchr(m + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (m + pos)) : n - pos;

        if (len == k && memcmp(m + pos, want, k) == 0)
            c++;
        pos += len + 1;
    }
    return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1), *hdr_end, *boundary, *b, *q;
    const char *text, *domains[] = { "example.org" };
    struct resp_ident id = { "alice", "alice@example.org", domains, 1, NULL, 0 };
    struct mp_header h;
    struct reply_req rr;
    struct dsn_req dr;
    struct buf out = BUF_INIT;
    char why[256];
    size_t hlen;

    if (in == NULL)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    text = memchr(data, '\0', size) ? in + strlen(in) + 1 : in;
    hdr_end = strstr(in, "\n\n");
    hlen = hdr_end ? (size_t)(hdr_end - in) + 2 : strlen(in);

    mp_header_parse(in, hlen, &h);
    (void)resp_suppressed(RESP_REPLY, &h, "bob@example.com", &id, NULL, NULL, why, sizeof why);
    (void)resp_suppressed(RESP_FAKEBOUNCE, &h, "bob@example.com", &id, NULL, NULL, why,
                          sizeof why);

    memset(&rr, 0, sizeof rr);
    rr.from = "alice@example.org";
    rr.to = "bob@example.com";
    rr.subject = (size & 1) ? text : NULL;
    rr.text = text;
    rr.host = "mx.example.org";
    rr.now = 1800000000;
    reply_compose(&rr, &h, &out);
    check_header(out.data, out.len, reply_fields);
    buf_reset(&out);

    memset(&dr, 0, sizeof dr);
    dr.to = "bob@example.com";
    dr.recipient = "alice@example.org";
    dr.login = "alice";
    dr.host = "mx.example.org";
    dr.diagnostic = text;
    dr.now = dr.arrival = 1800000000;
    dsn_compose(&dr, in, hlen, &out);
    check_header(out.data, out.len, dsn_fields);
    b = strstr(out.data, "boundary=\"");
    if (b == NULL)
        abort();
    b += 10;
    q = strchr(b, '"');
    if (q == NULL)
        abort();
    boundary = malloc((size_t)(q - b) + 5);
    memcpy(boundary, "--", 2);
    memcpy(boundary + 2, b, (size_t)(q - b));
    boundary[q - b + 2] = '\0';
    if (count_lines(out.data, out.len, boundary) != 3)
        abort();
    strcat(boundary, "--");
    if (count_lines(out.data, out.len, boundary) != 1)
        abort();
    free(boundary);
    buf_free(&out);
    mp_header_free(&h);
    free(in);
    return 0;
}
