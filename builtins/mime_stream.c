/*
 * mime_stream.c -- read a part's decoded bytes again, from the message,
 * through its layers (struct mime_layer): the raw range, decoded, then a
 * range of that, decoded, and so on (an attachment inside a base64
 * message/global, a uuencoded block inside a quoted-printable text part).
 *
 * Entry points: mime_stream_open(), mime_stream_read(),
 * mime_stream_seek(), mime_stream_close() (mime.h, mime_int.h).  Memory
 * is a few small buffers per layer; reading is sequential, and a seek
 * backwards starts again from the beginning (decoding is cheap next to
 * what the readers of a stream do with it).  A read error of the source
 * ends the stream early; it is never reported as anything but the end.
 */
#include "config.h"
#include "mime_int.h"

#include <stdlib.h>
#include <string.h>

/* Input bytes taken from the layer below per step. */
#define STREAM_STEP 4096

struct lstream {
    struct mime_layer l;
    struct lstream *below;      /* NULL: the raw message */
    const struct mime_source *src;
    size_t taken;               /* bytes of the range consumed so far */
    int started;                /* below has been moved to l.off */
    int eof;
    struct mime_dec dec;
    struct buf out;             /* decoded, not yet read */
    size_t outp;
};

struct mime_stream {
    struct lstream *ls;         /* ls[0] reads the raw message */
    size_t n;
    size_t pos;                 /* decoded bytes read so far */
};

static void
sink(void *ctx, const char *p, size_t n)
{
    buf_add(&((struct lstream *)ctx)->out, p, n);
}

static void
ls_reset(struct lstream *ls)
{
    ls->taken = 0;
    ls->started = 0;
    ls->eof = 0;
    buf_reset(&ls->out);
    ls->outp = 0;
    mime_dec_init(&ls->dec, ls->l.enc, sink, ls);
}

static size_t ls_read(struct lstream *ls, char *buf, size_t n);

/* Up to n input bytes of ls's range. */
static size_t
ls_input(struct lstream *ls, char *buf, size_t n)
{
    size_t left = ls->l.len - ls->taken, got;

    if (n > left)
        n = left;
    if (n == 0)
        return 0;
    if (ls->below == NULL) {
        ssize_t r;

        if (ls->l.off + ls->taken >= ls->src->len)
            return 0;
        r = ls->src->pread(ls->src->ctx, buf, n, ls->l.off + ls->taken);
        got = r > 0 ? (size_t)r : 0;
    } else {
        if (!ls->started) {
            char skip[STREAM_STEP];
            size_t want = ls->l.off;

            while (want > 0) {
                size_t r = ls_read(ls->below, skip, want < sizeof skip ? want : sizeof skip);

                if (r == 0)
                    return 0;
                want -= r;
            }
            ls->started = 1;
        }
        got = ls_read(ls->below, buf, n);
    }
    ls->taken += got;
    return got;
}

static size_t
ls_read(struct lstream *ls, char *buf, size_t n)
{
    size_t done = 0;

    while (done < n) {
        if (ls->outp < ls->out.len) {
            size_t k = ls->out.len - ls->outp;

            if (k > n - done)
                k = n - done;
            memcpy(buf + done, ls->out.data + ls->outp, k);
            ls->outp += k;
            done += k;
            continue;
        }
        buf_reset(&ls->out);
        ls->outp = 0;
        if (ls->eof)
            break;
        char in[STREAM_STEP];
        size_t got = ls_input(ls, in, sizeof in);

        if (got == 0) {
            mime_dec_finish(&ls->dec);
            ls->eof = 1;
        } else
            mime_dec_feed(&ls->dec, in, got);
    }
    return done;
}

struct mime_stream *
mime_stream_open(const struct mime_tree *t, const struct mime_part *p)
{
    struct mime_stream *s;

    if (p->nlayers == 0)
        return NULL;
    s = xcalloc(1, sizeof *s);
    s->n = p->nlayers;
    s->ls = xcalloc(s->n, sizeof *s->ls);
    for (size_t i = 0; i < s->n; i++) {
        struct lstream *ls = &s->ls[i];

        ls->l = p->layers[i];
        ls->below = i ? &s->ls[i - 1] : NULL;
        ls->src = &t->src;
        ls_reset(ls);
    }
    return s;
}

size_t
mime_stream_read(struct mime_stream *s, void *buf, size_t n)
{
    size_t r = ls_read(&s->ls[s->n - 1], buf, n);

    s->pos += r;
    return r;
}

int
mime_stream_seek(struct mime_stream *s, size_t pos)
{
    char skip[STREAM_STEP];

    if (pos < s->pos) {
        for (size_t i = 0; i < s->n; i++)
            ls_reset(&s->ls[i]);
        s->pos = 0;
    }
    while (s->pos < pos) {
        size_t want = pos - s->pos;

        if (mime_stream_read(s, skip, want < sizeof skip ? want : sizeof skip) == 0)
            return -1;
    }
    return 0;
}

size_t
mime_stream_pos(const struct mime_stream *s)
{
    return s->pos;
}

void
mime_stream_close(struct mime_stream *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        buf_free(&s->ls[i].out);
    free(s->ls);
    free(s);
}
