/*
 * bi_procmail.c -- builtin test `procmail`: the message the way procmail's
 * conditions search it, so that rules translated from a .procmailrc by
 * `weir import procmailrc` (weir-import(1)) decide exactly as procmail did.
 *
 *   procmail header|body|message CMP OPERAND
 *   procmail size [message|header|body] REL NUMBER
 *
 * The searched text is procmail's search area: `header` is the mbox From_
 * line the message came with (when it came with one), the header fields
 * with every continuation line break turned into a space (procmail joins
 * folded fields before searching), and the empty line that ends the
 * header; `body` is what follows; `message` is both (procmail's HB).  The
 * value compared is that text with one newline added before and after it
 * (procmail's matcher sees a newline before the first and after the last
 * byte: that is what its ^ and $ match there), and every byte >= 0x80
 * turned into the character of the same number, so that one byte is one
 * character as it is for procmail, and text that is not UTF-8 is still
 * searched.  Header edits made by earlier rules are seen.  `size` counts
 * bytes as procmail does: the From_ line too.
 *
 * Regexes for this test are written by pmrc_regex.c (lda/prog/pmrc.h).
 * Never fails: a message without a body has an empty body.
 */
#include "config.h"
#include "registry.h"

#include <stdlib.h>
#include <string.h>

enum { AREA_MESSAGE, AREA_HEADER, AREA_BODY };

static const char *const fields[] = { "message", "header", "body", NULL };

static const struct rl_bi_form forms[] = {
    { "size [FIELD] NUM", 1 },
    { "FIELD TEXT", 0 },
    { NULL, 0 }
};

/* One byte as the view holds it (Latin-1 -> UTF-8). */
static void
add_byte(struct buf *b, unsigned char c)
{
    if (c < 0x80) {
        buf_addc(b, c);
    } else {
        buf_addc(b, 0xc0 | (c >> 6));
        buf_addc(b, 0x80 | (c & 0x3f));
    }
}

struct views {
    const char *hdr_src;        /* what the views were built from */
    size_t hdr_len;
    const char *from_line;
    struct buf head;            /* From_ + joined header + empty line */
    size_t head_bytes;          /* its size in message bytes */
    struct buf body;
    size_t body_bytes;
    int have_body;
};

static void
views_free(void *p)
{
    struct views *v = p;

    buf_free(&v->head);
    buf_free(&v->body);
    free(v);
}

static struct views *
get_views(struct rl_bi_env *env, int need_body)
{
    struct views *v = rl_bi_cache_get(env, "procmail.views");
    const char *h = env->hdr ? env->hdr : env->msg->header;
    size_t hn = env->hdr ? env->hdr_len : env->msg->header_len;

    if (h == NULL)
        h = "", hn = 0;
    if (v == NULL) {
        v = xcalloc(1, sizeof *v);
        rl_bi_cache_put(env, "procmail.views", v, views_free);
    }
    if (v->head.data == NULL || v->hdr_src != h || v->hdr_len != hn ||
        v->from_line != env->msg->from_line) {
        const char *fl = env->msg->from_line;

        buf_reset(&v->head);
        v->head_bytes = 0;
        if (fl) {
            for (const char *q = fl; *q; q++)
                add_byte(&v->head, (unsigned char)*q);
            buf_addc(&v->head, '\n');
            v->head_bytes += strlen(fl) + 1;
        }
        /* A line break followed by a space or tab continues a field:
         * procmail searches it as a space. */
        for (size_t i = 0; i < hn; i++) {
            unsigned char c = (unsigned char)h[i];
            if (c == '\n' && i + 1 < hn && (h[i + 1] == ' ' || h[i + 1] == '\t'))
                c = ' ';
            add_byte(&v->head, c);
        }
        v->head_bytes += hn;
        v->hdr_src = h;
        v->hdr_len = hn;
        v->from_line = fl;
    }
    if (need_body && !v->have_body) {
        const char *p;
        size_t n;

        v->have_body = 1;
        if (rl_bi_body(env, &p, &n) == 0) {
            buf_reserve(&v->body, n + n / 8 + 1);
            for (size_t i = 0; i < n; i++)
                add_byte(&v->body, (unsigned char)p[i]);
            v->body_bytes = n;
        }
    }
    return v;
}

static int
procmail_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    struct views *v = get_views(env, call->field != AREA_HEADER);
    struct buf s = BUF_INIT;

    if (call->id == 1) {        /* size */
        double n = call->field == AREA_HEADER ? (double)v->head_bytes :
                   call->field == AREA_BODY ? (double)v->body_bytes :
                   (double)v->head_bytes +
                   (double)(env->msg->size > env->msg->header_len ?
                            env->msg->size - env->msg->header_len : 0);
        rl_bi_number(r, n);
        return 0;
    }
    buf_reserve(&s, (call->field != AREA_BODY ? v->head.len : 0) +
                    (call->field != AREA_HEADER ? v->body.len : 0) + 2);
    buf_addc(&s, '\n');
    if (call->field != AREA_BODY)
        buf_add(&s, v->head.data ? v->head.data : "", v->head.len);
    if (call->field != AREA_HEADER)
        buf_add(&s, v->body.data ? v->body.data : "", v->body.len);
    buf_addc(&s, '\n');
    rl_bi_text(r, s.data, s.len);
    buf_free(&s);
    return 0;
}

const struct rl_builtin rl_bi_procmail_def = {
    .name = "procmail",
    .summary = "the message as procmail's conditions search it (weir import procmailrc)",
    .forms = forms,
    .fields = fields,
    .eval = procmail_eval,
};
