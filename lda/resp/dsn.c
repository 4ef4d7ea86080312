/*
 * dsn.c -- fake bounce text (see dsn.h for the format and the template).
 *
 * SECURITY: values from the message or the rule (sender, diagnostic)
 * reach the DSN only cleaned to printable ASCII on one line (text parts)
 * or through compose.h (header fields); the original header block is
 * included as the text/rfc822-headers part under a boundary it does not
 * contain.
 */
#include "config.h"
#include "dsn.h"
#include "compose.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#define SETTING_MAX 200             /* bytes of a template setting */

/* The built-in template: the look of Postfix's "user unknown" bounce. */
static const char default_template[] =
    "Subject: Undelivered Mail Returned to Sender\n"
    "From: Mail Delivery System\n"
    "\n"
    "This is the mail system at host ${host}.\n"
    "\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients. It's attached below.\n"
    "\n"
    "For further assistance, please send mail to postmaster.\n"
    "\n"
    "If you do so, please include this problem report. You can\n"
    "delete your own text from the attached returned message.\n"
    "\n"
    "                   The mail system\n"
    "\n"
    "<${recipient}>: ${diagnostic}\n";

/* One line of printable ASCII (others '?', control characters spaces),
 * at most max bytes.  Allocated. */
static char *
ascii_line(const char *s, size_t max)
{
    struct buf b = BUF_INIT;

    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && b.len < max; p++)
        buf_addc(&b, *p < 0x20 || *p == 0x7f ? ' ' : *p >= 0x80 ? '?' : *p);
    return buf_steal(&b);
}

/* The value of a "Name:" setting line in the template head, or NULL. */
static char *
setting(const char *head, size_t headlen, const char *name)
{
    size_t n = strlen(name);
    const char *p = head, *end = head + headlen;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

        if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            char *v = xstrndup(p + n + 1, len - n - 1), *c = ascii_line(v, SETTING_MAX);
            char *s = c, *e;

            free(v);
            while (*s == ' ' || *s == '\t')
                s++;
            e = s + strlen(s);
            while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
                *--e = '\0';
            memmove(c, s, strlen(s) + 1);
            return c;
        }
        p += len + 1;
    }
    return NULL;
}

/* Split a template into head (settings) and body. */
static void
split_template(const char *t, const char **head, size_t *headlen, const char **body)
{
    const char *blank = strstr(t, "\n\n");

    if (t[0] == '\n') {
        *head = t;
        *headlen = 0;
        *body = t + 1;
    } else if (blank) {
        *head = t;
        *headlen = (size_t)(blank - t);
        *body = blank + 2;
    } else {
        *head = t;
        *headlen = 0;
        *body = t;
    }
}

int
dsn_template_check(const char *tmpl, const char **why)
{
    const char *head, *body;
    size_t hl;

    if (strlen(tmpl) > DSN_TEMPLATE_MAX) {
        *why = "template too large";
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)tmpl; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
            *why = "control characters in the template";
            return -1;
        }
    split_template(tmpl, &head, &hl, &body);
    if (hl == 0 || strstr(tmpl, "\n\n") == NULL) {
        *why = "no settings (Subject:, From:) followed by an empty line";
        return -1;
    }
    if (*body == '\0') {
        *why = "no text after the settings";
        return -1;
    }
    return 0;
}

struct vars {
    const char *name;
    char *value;
};

/* Body text with ${name} replaced; lines starting with "--" get a space
 * in front (they could look like a MIME boundary). */
static void
expand(struct buf *out, const char *body, const struct vars *v)
{
    int bol = 1;

    for (const char *p = body; *p;) {
        if (bol && p[0] == '-' && p[1] == '-')
            buf_addc(out, ' ');
        bol = 0;
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p + 2, '}');
            int done = 0;

            for (size_t i = 0; close && v[i].name; i++)
                if ((size_t)(close - p - 2) == strlen(v[i].name) &&
                    strncmp(p + 2, v[i].name, strlen(v[i].name)) == 0) {
                    buf_adds(out, v[i].value);
                    p = close + 1;
                    done = 1;
                    break;
                }
            if (done)
                continue;
        }
        if (*p == '\n')
            bol = 1;
        buf_addc(out, *p++);
    }
    if (out->len == 0 || out->data[out->len - 1] != '\n')
        buf_addc(out, '\n');
}

static int
contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; k && i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

static int
non_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

static void
queue_id(char *id, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char r[8] = { 0 };

    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
        for (size_t i = 0; i < sizeof r; i++)
            r[i] = (unsigned char)(i * 37u + (unsigned)(uintptr_t)id);
    for (size_t i = 0; i + 1 < n && i < 10; i++)
        id[i] = hex[r[i % sizeof r] >> ((i & 1) ? 0 : 4) & 15];
    id[n - 1 < 10 ? n - 1 : 10] = '\0';
}

void
dsn_compose(const struct dsn_req *r, const char *orig_header, size_t orig_len, struct buf *out)
{
    const char *tmpl = r->tmpl ? r->tmpl : default_template, *head, *body;
    char *subject, *from_name, *host = ascii_line(r->host, 255), *diag, *sender, *rcpt;
    char *login = ascii_line(r->login, 64), *boundary = NULL, qid[11];
    struct buf date = BUF_INIT, arrival = BUF_INIT, text = BUF_INIT;
    size_t hl, hdr_len = orig_len;

    /* The original header block without its final empty line. */
    while (hdr_len > 0 && orig_header[hdr_len - 1] == '\n' &&
           (hdr_len == 1 || orig_header[hdr_len - 2] == '\n'))
        hdr_len--;
    split_template(tmpl, &head, &hl, &body);
    subject = setting(head, hl, "Subject");
    from_name = setting(head, hl, "From");
    if (strchr(r->recipient, '@'))
        rcpt = ascii_line(r->recipient, 254);
    else {
        char *t = xasprintf("%s@%s", r->recipient, host);

        rcpt = ascii_line(t, 254);
        free(t);
    }
    sender = ascii_line(r->to, 254);
    if (r->diagnostic && *r->diagnostic)
        diag = ascii_line(r->diagnostic, DSN_DIAGNOSTIC_MAX);
    else {
        char *t = xasprintf("unknown user: \"%s\"", login);

        diag = ascii_line(t, DSN_DIAGNOSTIC_MAX);
        free(t);
    }
    resp_date(&date, r->now);
    resp_date(&arrival, r->arrival);
    {
        struct vars v[] = {
            { "host", host }, { "recipient", rcpt }, { "sender", sender },
            { "login", login }, { "diagnostic", diag }, { "date", date.data },
            { NULL, NULL }
        };

        expand(&text, body, v);
    }
    for (int tries = 0; boundary == NULL || contains(orig_header, hdr_len, boundary) ||
                        contains(text.data, text.len, boundary); tries++) {
        free(boundary);
        queue_id(qid, sizeof qid);
        boundary = xasprintf("%s.%lld/%s%s", qid, (long long)r->now, host,
                             tries > 3 ? ".weir" : "");
    }

    /* Header. */
    {
        char *name = from_name && *from_name ? from_name : "Mail Delivery System";
        int plain = 1;

        for (const char *p = name; *p; p++)
            if (*p == '(' || *p == ')' || *p == '\\')
                plain = 0;
        buf_printf(out, "From: MAILER-DAEMON@%s (%s)\n", host, plain ? name : "Mail Delivery System");
    }
    resp_header_text(out, "Subject", subject && *subject ? subject
                     : "Undelivered Mail Returned to Sender");
    resp_header_addr(out, "To", NULL, r->to);
    buf_adds(out, "Auto-Submitted: auto-replied\n");
    buf_adds(out, "MIME-Version: 1.0\n");
    buf_printf(out, "Content-Type: multipart/report; report-type=delivery-status;\n"
               "\tboundary=\"%s\"\n", boundary);
    buf_adds(out, "Content-Transfer-Encoding: 8bit\n");
    buf_adds(out, "Message-Id: ");
    resp_message_id(out, host, r->now);
    buf_printf(out, "\nDate: %s\n\n", date.data);

    buf_adds(out, "This is a MIME-encapsulated message.\n\n");
    /* Human-readable part. */
    buf_printf(out, "--%s\n", boundary);
    buf_adds(out, "Content-Description: Notification\n");
    buf_printf(out, "Content-Type: text/plain; charset=%s\n\n",
               non_ascii(text.data, text.len) ? "utf-8" : "us-ascii");
    buf_add(out, text.data, text.len);
    buf_addc(out, '\n');
    /* Machine-readable part (RFC 3464). */
    buf_printf(out, "--%s\n", boundary);
    buf_adds(out, "Content-Description: Delivery report\n"
             "Content-Type: message/delivery-status\n\n");
    buf_printf(out, "Reporting-MTA: dns; %s\n", host);
    buf_printf(out, "X-Postfix-Queue-ID: %s\n", qid);
    buf_printf(out, "X-Postfix-Sender: rfc822; %s\n", sender);
    buf_printf(out, "Arrival-Date: %s\n\n", arrival.data);
    buf_printf(out, "Final-Recipient: rfc822; %s\n", rcpt);
    buf_printf(out, "Original-Recipient: rfc822;%s\n", rcpt);
    buf_adds(out, "Action: failed\n");
    buf_adds(out, "Status: " DSN_STATUS "\n");
    buf_printf(out, "Diagnostic-Code: X-Postfix; %s\n\n", diag);
    /* The original header. */
    buf_printf(out, "--%s\n", boundary);
    buf_adds(out, "Content-Description: Undelivered Message Headers\n"
             "Content-Type: text/rfc822-headers\n\n");
    buf_add(out, orig_header, hdr_len);
    if (hdr_len == 0 || orig_header[hdr_len - 1] != '\n')
        buf_addc(out, '\n');
    buf_printf(out, "\n--%s--\n", boundary);

    free(subject);
    free(from_name);
    free(host);
    free(diag);
    free(sender);
    free(rcpt);
    free(login);
    free(boundary);
    buf_free(&date);
    buf_free(&arrival);
    buf_free(&text);
}
