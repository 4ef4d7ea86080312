/*
 * mime.c -- the MIME walk (mime.h): one streaming pass over a message
 * that builds the tree of its parts and their facts.
 *
 * Entry points: mime_walk(), mime_tree_free(), mime_limits_default(),
 * mime_defect_name().  mime_walk() cannot fail: every input gives a tree
 * with at least the root part; what is malformed is read as lenient mail
 * readers read it and recorded as a defect (mime_defects.def).  Memory is
 * bounded by the limits and the caps in mime_int.h (one line piece, one
 * content field, the boundaries of the open multiparts, the parts found),
 * never by the size of a part: bodies are decoded as they stream by and
 * only counted (and scanned for uuencoded blocks, in text parts).
 *
 * How it works: a parser reads one message (the top one, or one enclosed
 * in a message/rfc822 part) as lines; a line longer than MIME_LINE_MAX
 * is handled in pieces, its first piece deciding what the line is.  A
 * part's body goes through the part's decoder; for message/rfc822 and
 * message/global parts the decoded bytes feed a nested parser, so an
 * enclosed message is walked in the same pass even when it is base64.
 * Each part remembers how its decoded bytes can be read again (struct
 * mime_layer), for the lazy facts of mime_content.c.
 *
 * ---------------------------------------------------------------------
 * MIME WALK RULES (the text for weir-rules(5), "Attachments")
 *
 * Paths: the message itself is 1; the parts of a multipart with path P
 *   are P.1, P.2, ...; the message enclosed in a message/rfc822 or
 *   message/global part P is P.1; the uuencoded blocks found in a text
 *   part P are P.1, P.2, ...  (Every part has a path, containers too,
 *   as reformime(1) numbers them.)
 * Header of a part: lines up to the first empty line; fields as in
 *   mailparse.h; Content-Type, Content-Disposition and
 *   Content-Transfer-Encoding are read (the first of each; a repeated
 *   one is a defect).  A first line "From " of a message is skipped.  A
 *   line that is not a header field ends the header and starts the body
 *   ("missing blank line after header"); a part that starts with an
 *   empty line has no header.
 * Type: lower-cased type/subtype; absent or invalid ("invalid
 *   content-type") means text/plain, or message/rfc822 inside
 *   multipart/digest.  Every multipart subtype is a container;
 *   message/rfc822 and message/global are walked into, whatever their
 *   transfer encoding; every other type is a leaf.
 * Boundaries: a line "--" boundary, optionally followed by white space,
 *   starts a part; "--" boundary "--" (anything may follow) closes the
 *   multipart.  CR before LF is ignored.  The line end before a
 *   boundary line belongs to the boundary.  Boundaries of every open
 *   multipart are checked, innermost first, so a missing closing
 *   boundary of an inner multipart is closed by an outer one; after its
 *   closing boundary a multipart's own boundary is no longer looked for.
 *   Text before the first and after the closing boundary is ignored.  A
 *   boundary longer than RFC 2046's 70 characters is used all the same
 *   ("boundary too long").  A multipart without a boundary parameter
 *   takes the first line "--X" of its body as its boundary ("boundary
 *   guessed"); the end of the message closes everything still open
 *   ("missing closing boundary").
 * Transfer encodings: 7bit, 8bit, binary, base64, quoted-printable,
 *   x-uuencode (mime_codec.c says how lenient each is); an unknown one
 *   is read as 8bit.  A transfer encoding on a multipart is ignored.
 * File name: Content-Disposition filename, else Content-Type name, both
 *   decoded by the rules of mime_param.c; extensions by mime_name_exts.
 * uuencoded blocks in text parts (not text/html): a line "begin MODE
 *   NAME" (MODE three or four octal digits) or "begin-base64 MODE NAME",
 *   followed by a line of valid data, starts one; a line "end" (or
 *   "====") ends it, and so does a line that is not data ("uuencode
 *   without end").
 * Attachments: a part counts as an attachment unless it is a multipart
 *   or an inline text part without a file name (the text of a
 *   message); enclosed messages and uuencoded blocks count.
 * Limits: creating a part beyond limits.mime_parts, or a part deeper
 *   than limits.mime_depth containers, stops the walk ("limit reached"),
 *   and the parts found so far stand; parts cut short by the stop carry
 *   "walk stopped inside this part".  limits.mime_decode bounds the
 *   decoded bytes of one part that are looked into (the uuencode scan
 *   here, sniffing, archives and body text later); sizes are always
 *   counted in full.
 */
#include "config.h"
#include "mailparse.h"
#include "mime_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum pstate { P_HEADER = 1, P_BODY, P_SKIP };
enum lkind { LK_SKIP = 0, LK_HEADER, LK_BODY };
enum uustate { UU_SEARCH = 0, UU_CAND, UU_DATA };

struct walk {
    struct mime_tree *t;
    const struct mime_limits *lim;
    int stop;
};

struct level {                  /* one open multipart of a parser */
    char *boundary;             /* NULL while guessing */
    size_t blen;
    long node;
    unsigned nchild;
    int digest;
    int closed;                 /* in the epilogue */
};

struct uuscan {
    enum uustate state;
    char line[MIME_UU_LINE_MAX];
    size_t nline;
    int too_long;
    size_t line_off;            /* decoded offset of the line */
    size_t pos;                 /* decoded offset of the next byte */
    enum mime_enc benc;
    char *name;
    size_t data_off;
    long node;
    struct mime_dec dec;
    size_t size;
    unsigned count;
};

struct parser;

struct leaf {
    long node;
    struct mime_layer *layers;  /* last one's len is SIZE_MAX until the end */
    size_t nlayers;
    struct mime_dec dec;
    size_t size;
    struct uuscan *uu;
    struct parser *inner;
    struct parser *owner;
};

struct parser {
    struct walk *w;
    struct mime_layer *base;    /* layers of this parser's input */
    size_t nbase;
    struct level *lv;
    size_t nlv;
    enum pstate state;
    long cur;                   /* entity in P_HEADER or P_BODY, or -1 */
    int cur_is_root;
    /* header of cur */
    struct buf field;
    int field_on;               /* 1 a content field, 2 another field */
    int field_long;
    char *ct, *cd, *cte;
    unsigned hdr_dups;
    unsigned hdr_lines;
    /* body of cur */
    int in_leaf;
    struct leaf leaf;
    size_t body_off;
    /* line assembly */
    char *lb;                   /* a line start cut by the end of a piece */
    size_t nlb, lbmax;          /* lbmax: the piece size */
    size_t lbwant;              /* grow lb to this at the next line start */
    int in_long;
    int held_cr;
    enum lkind line_kind;
    size_t off;                 /* input offset of the next byte */
    size_t line_off;
    int pend;                   /* a line end not yet known to be content */
    size_t pend_off;
    unsigned pend_len;
};

static void parser_feed(struct parser *p, const char *s, size_t n);
static void parser_finish(struct parser *p);
static void parser_free(struct parser *p);

/* ------------------------------------------------------------------ */
/* Defects, limits                                                     */
/* ------------------------------------------------------------------ */

static const char *const defect_names[] = {
#define MIME_DEFECT(id, name) name,
#include "mime_defects.def"
#undef MIME_DEFECT
};
_Static_assert(sizeof defect_names / sizeof defect_names[0] == MIME_NDEFECTS,
               "one name per defect");

const char *
mime_defect_name(unsigned bit)
{
    return bit < MIME_NDEFECTS ? defect_names[bit] : "?";
}

void
mime_limits_default(struct mime_limits *lim)
{
    lim->depth = MIME_DEFAULT_DEPTH;
    lim->parts = MIME_DEFAULT_PARTS;
    lim->decode = MIME_DEFAULT_DECODE;
    lim->body_scan = MIME_DEFAULT_BODY_SCAN;
    lim->archive_expansion = MIME_DEFAULT_ARCHIVE_EXPANSION;
    lim->archive_members = MIME_DEFAULT_ARCHIVE_MEMBERS;
    lim->archive_depth = MIME_DEFAULT_ARCHIVE_DEPTH;
}

/* ------------------------------------------------------------------ */
/* Nodes                                                               */
/* ------------------------------------------------------------------ */

static struct mime_part *
node(struct walk *w, long i)
{
    return &w->t->parts[i];
}

static void
stop_at(struct walk *w, const char *limit, const char *path)
{
    if (w->stop)
        return;
    w->stop = 1;
    w->t->limit = limit;
    w->t->limit_path = xstrdup(path);
}

/* A new part under parent (-1 for the root), numbered n; -1 when a limit
 * stops the walk here. */
static long
new_node(struct walk *w, long parent, unsigned n, enum mime_kind kind)
{
    struct mime_tree *t = w->t;
    char *path = parent < 0 ? xstrdup("1") : xasprintf("%s.%u", node(w, parent)->path, n);
    unsigned depth = parent < 0 ? 0 : node(w, parent)->depth + 1;
    struct mime_part *p;

    if (w->stop) {
        free(path);
        return -1;
    }
    if (t->nparts >= w->lim->parts) {
        stop_at(w, "mime_parts", path);
        free(path);
        return -1;
    }
    if (depth > w->lim->depth) {
        stop_at(w, "mime_depth", path);
        free(path);
        return -1;
    }
    t->parts = xreallocarray(t->parts, t->nparts + 1, sizeof *t->parts);
    p = &t->parts[t->nparts];
    memset(p, 0, sizeof *p);
    p->path = path;
    p->parent = parent;
    p->depth = depth;
    p->kind = kind;
    return (long)t->nparts++;
}

static int
enc_identity(enum mime_enc e)
{
    return e == MIME_ENC_7BIT || e == MIME_ENC_8BIT || e == MIME_ENC_BINARY ||
           e == MIME_ENC_UNKNOWN;
}

/* base + the range [off, off+len) of its output decoded with enc. */
static void
layers_extend(const struct mime_layer *base, size_t nbase, size_t off, size_t len,
              enum mime_enc enc, struct mime_layer **out, size_t *nout)
{
    size_t n = nbase;
    struct mime_layer *l;

    if (nbase > 0 && enc_identity(base[nbase - 1].enc))
        n--;                            /* merge into the identity layer */
    l = xcalloc(n + 1, sizeof *l);
    if (nbase)
        memcpy(l, base, n * sizeof *l);
    if (n < nbase) {
        l[n].off = base[n].off + off;
        l[n].enc = enc;
    } else {
        l[n].off = off;
        l[n].enc = enc;
    }
    l[n].len = len;
    *out = l;
    *nout = n + 1;
}

/* ------------------------------------------------------------------ */
/* uuencoded blocks inside text parts                                  */
/* ------------------------------------------------------------------ */

static void
uu_count(void *ctx, const char *p, size_t n)
{
    (void)p;
    ((struct uuscan *)ctx)->size += n;
}

/* "begin 644 name" or "begin-base64 644 name": 1 with the name set. */
static int
uu_begin(const char *s, size_t n, enum mime_enc *enc, char **name)
{
    size_t i, d;

    if (n > 13 && memcmp(s, "begin-base64 ", 13) == 0) {
        *enc = MIME_ENC_BASE64_BLOCK;
        i = 13;
    } else if (n > 6 && memcmp(s, "begin ", 6) == 0) {
        *enc = MIME_ENC_UUENCODE;
        i = 6;
    } else
        return 0;
    for (d = 0; i < n && s[i] >= '0' && s[i] <= '7'; i++)
        d++;
    if (d < 3 || d > 4 || i >= n || s[i] != ' ')
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (i >= n)
        return 0;
    char *raw = xstrndup(s + i, n - i);

    *name = mp_decode_2047(raw);
    free(raw);
    return 1;
}

static int
b64_line(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
            return 0;
    }
    return 1;
}

static int
uu_data_line(enum mime_enc enc, const char *s, size_t n)
{
    return enc == MIME_ENC_UUENCODE ? mime_uu_line_valid(s, n) : b64_line(s, n);
}

static int
uu_end_line(enum mime_enc enc, const char *s, size_t n)
{
    if (enc == MIME_ENC_UUENCODE)
        return n >= 3 && memcmp(s, "end", 3) == 0 &&
               (n == 3 || s[3] == ' ' || s[3] == '\t');
    return n >= 4 && memcmp(s, "====", 4) == 0;
}

static void
uu_close(struct leaf *lf, size_t end, int no_end)
{
    struct uuscan *u = lf->uu;
    struct walk *w = lf->owner->w;
    struct mime_part *np;

    mime_dec_finish(&u->dec);
    np = node(w, u->node);
    np->size = u->size;
    np->defects |= u->dec.defects;
    if (no_end)
        np->defects |= MIME_D(UU_NO_END);
    layers_extend(lf->layers, lf->nlayers, u->data_off, end - u->data_off, u->benc,
                  &np->layers, &np->nlayers);
    u->state = UU_SEARCH;
    u->node = -1;
}

/* One decoded line of a text part: s (n bytes, no line end) at offset
 * off; next is the offset of the following line. */
static void
uu_line(struct leaf *lf, const char *s, size_t n, int too_long, size_t off, size_t next)
{
    struct uuscan *u = lf->uu;
    struct walk *w = lf->owner->w;

    while (n > 0 && s[n - 1] == '\r')
        n--;
    for (;;) {
        switch (u->state) {
        case UU_SEARCH:
            if (!too_long && n > 6 && s[0] == 'b' && uu_begin(s, n, &u->benc, &u->name)) {
                u->state = UU_CAND;
                u->data_off = next;
            }
            return;
        case UU_CAND:
            if (!too_long && uu_data_line(u->benc, s, n) &&
                !(u->benc == MIME_ENC_UUENCODE && s[0] == '`')) {
                long i = new_node(w, lf->node, ++u->count, MIME_UUENCODED);
                struct mime_part *np;

                if (i < 0) {
                    free(u->name);
                    u->name = NULL;
                    u->state = UU_SEARCH;
                    return;
                }
                np = node(w, i);
                np->type = xstrdup("application/octet-stream");
                np->disposition = xstrdup("attachment");
                np->name = u->name;
                u->name = NULL;
                np->nexts = mime_name_exts(np->name, &np->exts);
                np->ext = np->nexts ? xstrdup(np->exts[np->nexts - 1]) : NULL;
                np->enc = u->benc;
                np->attachment = 1;
                u->node = i;
                u->size = 0;
                mime_dec_init(&u->dec, u->benc, uu_count, u);
                mime_dec_feed(&u->dec, s, n);
                mime_dec_feed(&u->dec, "\n", 1);
                u->state = UU_DATA;
                return;
            }
            free(u->name);
            u->name = NULL;
            u->state = UU_SEARCH;
            continue;                   /* it may be a begin line itself */
        case UU_DATA:
            if (uu_end_line(u->benc, s, n)) {
                uu_close(lf, off, 0);
                return;
            }
            if (!too_long && (n == 0 || uu_data_line(u->benc, s, n))) {
                mime_dec_feed(&u->dec, s, n);
                mime_dec_feed(&u->dec, "\n", 1);
                return;
            }
            uu_close(lf, off, 1);
            continue;
        }
    }
}

static void
uu_feed(struct leaf *lf, const char *s, size_t n)
{
    struct uuscan *u = lf->uu;

    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        size_t take = nl ? (size_t)(nl - s) : n;

        if (u->nline + take <= sizeof u->line) {
            memcpy(u->line + u->nline, s, take);
            u->nline += take;
        } else {
            size_t room = sizeof u->line - u->nline;

            memcpy(u->line + u->nline, s, room);
            u->nline += room;
            u->too_long = 1;
        }
        u->pos += take;
        if (nl == NULL)
            return;
        u->pos++;
        uu_line(lf, u->line, u->nline, u->too_long, u->line_off, u->pos);
        u->nline = 0;
        u->too_long = 0;
        u->line_off = u->pos;
        s += take + 1;
        n -= take + 1;
    }
}

static void
uu_finish(struct leaf *lf)
{
    struct uuscan *u = lf->uu;

    if (u->nline || u->too_long)
        uu_line(lf, u->line, u->nline, u->too_long, u->line_off, u->pos);
    if (u->state == UU_DATA)
        uu_close(lf, u->pos, 1);
    free(u->name);
    free(u);
    lf->uu = NULL;
}

/* ------------------------------------------------------------------ */
/* Leaves                                                              */
/* ------------------------------------------------------------------ */

static void
leaf_sink(void *ctx, const char *s, size_t n)
{
    struct leaf *lf = ctx;
    struct walk *w = lf->owner->w;
    size_t before = lf->size;

    lf->size += n;
    if (lf->inner)
        parser_feed(lf->inner, s, n);
    if (lf->uu) {
        size_t lim = w->lim->decode;

        if (before >= lim || n > lim - before) {
            node(w, lf->node)->defects |= MIME_D(DECODE_LIMIT);
            if (before >= lim)
                return;
            n = lim - before;
        }
        uu_feed(lf, s, n);
    }
}

static struct parser *parser_new(struct walk *w, long root, const struct mime_layer *base,
                                 size_t nbase);

/* Start the body of p->cur as a leaf (or an enclosed message). */
static void
leaf_start(struct parser *p, size_t body_off)
{
    struct walk *w = p->w;
    struct leaf *lf = &p->leaf;
    struct mime_part *np = node(w, p->cur);

    memset(lf, 0, sizeof *lf);
    lf->owner = p;
    lf->node = p->cur;
    layers_extend(p->base, p->nbase, body_off, SIZE_MAX, np->enc, &lf->layers, &lf->nlayers);
    mime_dec_init(&lf->dec, np->enc, leaf_sink, lf);
    if (np->kind == MIME_MESSAGE) {
        long r = new_node(w, p->cur, 1, MIME_LEAF);

        if (r >= 0)
            lf->inner = parser_new(w, r, lf->layers, lf->nlayers);
    } else if (strncmp(np->type, "text/", 5) == 0 && strcmp(np->type, "text/html") != 0) {
        lf->uu = xcalloc(1, sizeof *lf->uu);
        lf->uu->node = -1;
    } else {
        mime_dec_count_only(&lf->dec);  /* leaf_sink only counts its bytes */
    }
    p->in_leaf = 1;
    p->body_off = body_off;
}

/* Parts created after part i that read their bytes through its layer k
 * (still open-ended) get its final length. */
static void
patch_layers(struct walk *w, long i, size_t k, size_t len)
{
    for (size_t j = (size_t)i + 1; j < w->t->nparts; j++) {
        struct mime_part *q = &w->t->parts[j];

        if (q->nlayers > k && q->layers[k].len == SIZE_MAX)
            q->layers[k].len = len;
    }
}

static void
leaf_end(struct parser *p, size_t end)
{
    struct walk *w = p->w;
    struct leaf *lf = &p->leaf;
    struct mime_part *np;
    size_t len = end >= p->body_off ? end - p->body_off : 0;

    mime_dec_finish(&lf->dec);
    if (lf->uu)
        uu_finish(lf);
    if (lf->inner) {
        parser_finish(lf->inner);
        parser_free(lf->inner);
        lf->inner = NULL;
    }
    np = node(w, lf->node);
    np->size = lf->size + lf->dec.counted;
    np->defects |= lf->dec.defects;
    lf->layers[lf->nlayers - 1].len = len;
    np->layers = lf->layers;
    np->nlayers = lf->nlayers;
    lf->layers = NULL;
    patch_layers(w, lf->node, np->nlayers - 1, len);
    if (w->stop)
        np->defects |= MIME_D(STOPPED);
    p->in_leaf = 0;
}

/* ------------------------------------------------------------------ */
/* Headers                                                             */
/* ------------------------------------------------------------------ */

static int
is_field_start(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && s[i] > ' ' && s[i] < 0x7f && s[i] != ':')
        i++;
    if (i == 0)
        return 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < n && s[i] == ':';
}

static int
name_is(const char *s, size_t n, const char *name)
{
    size_t k = strlen(name);

    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if ((s[i] | 0x20) != name[i])
            return 0;
    for (size_t i = k; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/* s starts with prefix (lower-case), ignoring ASCII case; s has room. */
static int
name_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if ((*s | 0x20) != *prefix && *s != *prefix)
            return 0;
    return 1;
}

static void
field_done(struct parser *p)
{
    const char *s = p->field.data, *colon;
    char **slot = NULL;

    if (p->field_on != 1) {
        p->field_on = 0;
        return;
    }
    p->field_on = 0;
    colon = memchr(s, ':', p->field.len);
    if (colon == NULL)
        return;
    if (name_is(s, (size_t)(colon - s), "content-type"))
        slot = &p->ct;
    else if (name_is(s, (size_t)(colon - s), "content-disposition"))
        slot = &p->cd;
    else if (name_is(s, (size_t)(colon - s), "content-transfer-encoding"))
        slot = &p->cte;
    if (slot == NULL)
        return;
    if (*slot) {
        p->hdr_dups = 1;
        return;
    }
    *slot = mp_unfold(colon + 1, p->field.len - (size_t)(colon + 1 - s));
    if (p->field_long)
        p->hdr_dups |= 2;
}

static void
field_add(struct parser *p, const char *s, size_t n)
{
    if (p->field_on != 1)
        return;
    if (p->field.len + n > MIME_FIELD_MAX) {
        n = p->field.len < MIME_FIELD_MAX ? MIME_FIELD_MAX - p->field.len : 0;
        p->field_long = 1;
    }
    buf_add(&p->field, s, n);
}

static void
header_reset(struct parser *p)
{
    free(p->ct);
    free(p->cd);
    free(p->cte);
    p->ct = p->cd = p->cte = NULL;
    p->field_on = 0;
    p->field_long = 0;
    p->hdr_dups = 0;
    p->hdr_lines = 0;
    buf_reset(&p->field);
}

static int
parent_is_digest(struct parser *p)
{
    return p->nlv > 0 && p->lv[p->nlv - 1].digest && !p->cur_is_root;
}

static void
push_level(struct parser *p, long nd, char *boundary, int digest)
{
    struct level *l;

    p->lv = xreallocarray(p->lv, p->nlv + 1, sizeof *p->lv);
    l = &p->lv[p->nlv++];
    memset(l, 0, sizeof *l);
    l->node = nd;
    l->boundary = boundary;
    l->blen = boundary ? strlen(boundary) : 0;
    l->digest = digest;
}

/* The header of p->cur is complete; its body starts at body_off. */
static void
header_end(struct parser *p, size_t body_off)
{
    struct walk *w = p->w;
    struct mime_fieldval ct, cd;
    struct mime_part *np;
    char *fname;

    field_done(p);
    np = node(w, p->cur);
    if (p->hdr_dups & 1)
        np->defects |= MIME_D(DUP_FIELD);
    if (p->hdr_dups & 2)
        np->defects |= MIME_D(LONG_HEADER);
    mime_field_parse(p->ct ? p->ct : "", 1, &ct);
    mime_field_parse(p->cd ? p->cd : "", 0, &cd);
    np->defects |= ct.defects | cd.defects;
    if (ct.token)
        np->type = xstrdup(ct.token);
    else {
        if (p->ct && *p->ct)
            np->defects |= MIME_D(BAD_CTYPE);
        np->type = xstrdup(parent_is_digest(p) ? "message/rfc822" : "text/plain");
    }
    if (mime_param_raw(&ct, "charset")) {
        char *cs = mime_param_get(&ct, "charset");

        for (char *c = cs; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c + 32);
        np->charset = cs;
    }
    if (cd.token)
        np->disposition = xstrdup(cd.token);
    fname = mime_param_get(&cd, "filename");
    if (fname == NULL || *fname == '\0') {
        free(fname);
        fname = mime_param_get(&ct, "name");
        if (fname && *fname == '\0') {
            free(fname);
            fname = NULL;
        }
    }
    np->name = fname;
    if (fname) {
        np->nexts = mime_name_exts(fname, &np->exts);
        np->ext = np->nexts ? xstrdup(np->exts[np->nexts - 1]) : NULL;
    }
    np->enc = p->cte ? mime_cte_parse(p->cte) : MIME_ENC_7BIT;
    if (np->enc == MIME_ENC_UNKNOWN) {
        np->defects |= MIME_D(BAD_CTE);
        np->enc_name = xstrdup(p->cte);
    }

    if (strncmp(np->type, "multipart/", 10) == 0) {
        const char *b = mime_param_raw(&ct, "boundary");
        char *bd = NULL;

        np->kind = MIME_MULTIPART;
        if (!enc_identity(np->enc))
            np->defects |= MIME_D(ENCODED_CONTAINER);
        if (b) {
            size_t n = strlen(b);

            while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\t'))
                n--;
            if (n > MIME_BOUNDARY_RFC)
                np->defects |= MIME_D(LONG_BOUNDARY);
            if (n > 0)
                bd = xstrndup(b, n);
            if (n + MIME_BOUNDARY_SLACK > p->lbwant)
                p->lbwant = n + MIME_BOUNDARY_SLACK;
        }
        if (bd == NULL)
            np->defects |= MIME_D(NO_BOUNDARY);
        else
            for (size_t i = 0; i < p->nlv; i++)
                if (p->lv[i].boundary && strcmp(p->lv[i].boundary, bd) == 0)
                    np->defects |= MIME_D(REUSED_BOUNDARY);
        push_level(p, p->cur, bd, strcmp(np->type, "multipart/digest") == 0);
        p->state = P_SKIP;
        p->cur = -1;
    } else {
        if (strcmp(np->type, "message/rfc822") == 0 || strcmp(np->type, "message/global") == 0)
            np->kind = MIME_MESSAGE;
        else
            np->kind = MIME_LEAF;
        p->state = P_BODY;
        leaf_start(p, body_off);
    }
    mime_field_free(&ct);
    mime_field_free(&cd);
    header_reset(p);
    p->pend = 0;
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

static void
body_bytes(struct parser *p, const char *s, size_t n)
{
    if (p->in_leaf && n)
        mime_dec_feed(&p->leaf.dec, s, n);
}

static void
flush_pend(struct parser *p)
{
    if (p->pend) {
        body_bytes(p, p->pend_len == 2 ? "\r\n" : "\n", p->pend_len);
        p->pend = 0;
    }
}

/* End the entity in progress at end (the start of a boundary line, or
 * the end of the input). */
static void
end_entity(struct parser *p, size_t end)
{
    if (p->state == P_HEADER && p->cur >= 0) {
        header_end(p, end);
        p->pend = 0;
    }
    if (p->state == P_BODY && p->in_leaf)
        leaf_end(p, p->pend ? p->pend_off : end);
    p->pend = 0;
    p->state = P_SKIP;
    p->cur = -1;
}

static void
pop_level(struct parser *p)
{
    struct level *l = &p->lv[--p->nlv];
    struct mime_part *np = node(p->w, l->node);

    if (!l->closed)
        np->defects |= p->w->stop ? MIME_D(STOPPED) : MIME_D(NO_CLOSE);
    if (l->nchild == 0 && !p->w->stop)
        np->defects |= MIME_D(NO_PARTS);
    free(l->boundary);
}

/* Which open multipart's boundary the line s (n bytes, no line end) is:
 * its level index, with *close set; -1 when none. */
static long
match_boundary(struct parser *p, const char *s, size_t n, int end, int *close)
{
    for (size_t k = p->nlv; k-- > 0;) {
        struct level *l = &p->lv[k];

        if (l->closed)
            continue;
        if (l->boundary == NULL) {
            /* Guessing: the first "--X" line of the preamble. */
            size_t i;

            if (k != p->nlv - 1 || l->nchild > 0 || n < 3 || !end)
                continue;
            for (i = 2; i < n && s[i] > ' ' && s[i] < 0x7f; i++)
                ;
            if (i < n)
                continue;
            l->boundary = xstrndup(s + 2, n - 2);
            l->blen = n - 2;
            node(p->w, l->node)->defects |= MIME_D(BOUNDARY_GUESSED);
            *close = 0;
            return (long)k;
        }
        if (n < 2 + l->blen || memcmp(s + 2, l->boundary, l->blen) != 0)
            continue;
        const char *r = s + 2 + l->blen;
        size_t rn = n - 2 - l->blen, i;

        if (rn >= 2 && r[0] == '-' && r[1] == '-') {
            *close = 1;
            return (long)k;
        }
        for (i = 0; i < rn && (r[i] == ' ' || r[i] == '\t'); i++)
            ;
        if (i == rn && end) {
            *close = 0;
            return (long)k;
        }
    }
    return -1;
}

static void
on_boundary(struct parser *p, size_t k, int close, size_t line_off)
{
    struct level *l;

    end_entity(p, line_off);
    while (p->nlv > k + 1)
        pop_level(p);
    l = &p->lv[k];
    if (close) {
        l->closed = 1;
        return;
    }
    l->nchild++;
    p->cur = new_node(p->w, l->node, l->nchild, MIME_LEAF);
    p->cur_is_root = 0;
    header_reset(p);
    p->state = p->cur >= 0 ? P_HEADER : P_SKIP;
}

static void
body_line_start(struct parser *p, const char *s, size_t n, int end, unsigned eol, size_t off)
{
    flush_pend(p);
    body_bytes(p, s, n);
    p->line_kind = LK_BODY;
    if (end && eol > 0) {
        p->pend = 1;
        p->pend_len = eol;
        p->pend_off = off + n;
    }
}

static void piece(struct parser *p, const char *s, size_t n, size_t off, int start, int end,
                  unsigned eol);

static void
header_line(struct parser *p, const char *s, size_t n, int end, unsigned eol, size_t off)
{
    unsigned first = p->hdr_lines++;

    if (n == 0) {
        header_end(p, off + eol);
        p->line_kind = LK_SKIP;
        return;
    }
    if (first == 0 && p->cur_is_root && n >= 5 && memcmp(s, "From ", 5) == 0) {
        p->line_kind = LK_SKIP;
        return;
    }
    if (s[0] == ' ' || s[0] == '\t') {
        if (p->field_on) {
            field_add(p, "\n", 1);
            field_add(p, s, n);
        }
        p->line_kind = LK_HEADER;
        return;
    }
    if (is_field_start(s, n)) {
        field_done(p);
        p->field_on = 2;
        if (n >= 8 && name_prefix(s, "content-")) {
            p->field_on = 1;
            buf_reset(&p->field);
            p->field_long = 0;
            field_add(p, s, n);
        }
        p->line_kind = LK_HEADER;
        return;
    }
    /* Not a header line: the body starts here, with this line (which
     * may be the first boundary of a multipart that just began). */
    node(p->w, p->cur)->defects |= MIME_D(NO_SEPARATOR);
    header_end(p, off);
    piece(p, s, n, off, 1, end, eol);
}

/* One piece of a line: s (n bytes) at input offset off; start: it begins
 * the line; end: the line ends after it, with eol bytes of line end. */
static void
piece(struct parser *p, const char *s, size_t n, size_t off, int start, int end, unsigned eol)
{
    /* A CR before a bare LF makes the line end CRLF -- once: a line
     * handed back here after header_end() already has it counted (and a
     * second CR is text: "\r\r\n" is a line ending in CR, then CRLF). */
    if (end && eol == 1 && n > 0 && s[n - 1] == '\r') {
        n--;
        eol++;
    }
    if (!start) {
        switch (p->line_kind) {
        case LK_HEADER:
            field_add(p, s, n);
            break;
        case LK_BODY:
            body_bytes(p, s, n);
            if (end && eol > 0) {
                p->pend = 1;
                p->pend_len = eol;
                p->pend_off = off + n;
            }
            break;
        default:
            break;
        }
        return;
    }
    if (p->nlv > 0 && n >= 2 && s[0] == '-' && s[1] == '-') {
        int close;
        long k = match_boundary(p, s, n, end, &close);

        if (k >= 0) {
            on_boundary(p, (size_t)k, close, off);
            p->line_kind = LK_SKIP;
            return;
        }
    }
    switch (p->state) {
    case P_HEADER:
        header_line(p, s, n, end, eol, off);
        break;
    case P_BODY:
        body_line_start(p, s, n, end, eol, off);
        break;
    default:
        p->line_kind = LK_SKIP;
        break;
    }
}

static void
parser_feed(struct parser *p, const char *s, size_t n)
{
    size_t off = p->off;

    p->off += n;
    while (n > 0 && !p->w->stop) {
        const char *e;
        size_t len;

        if (p->in_long) {
            if (p->held_cr) {
                p->held_cr = 0;
                if (s[0] == '\n') {
                    piece(p, "", 0, off - 1, 0, 1, 2);
                    p->in_long = 0;
                    s++, n--, off++;
                    continue;
                }
                piece(p, "\r", 1, off - 1, 0, 0, 0);
            }
            e = memchr(s, '\n', n);
            if (e) {
                len = (size_t)(e - s);
                piece(p, s, len, off, 0, 1, 1);
                p->in_long = 0;
                s += len + 1, n -= len + 1, off += len + 1;
                continue;
            }
            len = n;
            if (s[n - 1] == '\r') {
                len--;
                p->held_cr = 1;
            }
            if (len)
                piece(p, s, len, off, 0, 0, 0);
            return;
        }
        if (p->nlb == 0) {
            if (p->lbwant > p->lbmax) {     /* no line is in lb now */
                p->lbmax = p->lbwant;
                p->lb = xrealloc(p->lb, p->lbmax);
            }
            /* Fast path: a body with no boundary to look for. */
            if (p->state == P_BODY && p->nlv == 0) {
                flush_pend(p);
                body_bytes(p, s, n);
                return;
            }
            p->line_off = off;
            e = memchr(s, '\n', n < p->lbmax + 1 ? n : p->lbmax + 1);
            if (e) {
                len = (size_t)(e - s);
                piece(p, s, len, off, 1, 1, 1);
                s += len + 1, n -= len + 1, off += len + 1;
                continue;
            }
            if (n > p->lbmax) {
                size_t k = p->lbmax;

                piece(p, s, k, off, 1, 0, 0);
                p->in_long = 1;
                s += k, n -= k, off += k;
                continue;
            }
            memcpy(p->lb, s, n);
            p->nlb = n;
            return;
        }
        size_t room = p->lbmax - p->nlb;

        e = memchr(s, '\n', n < room + 1 ? n : room + 1);
        if (e) {
            len = (size_t)(e - s);
            if (len <= room) {
                memcpy(p->lb + p->nlb, s, len);
                piece(p, p->lb, p->nlb + len, p->line_off, 1, 1, 1);
                p->nlb = 0;
                s += len + 1, n -= len + 1, off += len + 1;
                continue;
            }
        }
        if (n >= room) {
            memcpy(p->lb + p->nlb, s, room);
            piece(p, p->lb, p->lbmax, p->line_off, 1, 0, 0);
            p->nlb = 0;
            p->in_long = 1;
            s += room, n -= room, off += room;
            continue;
        }
        memcpy(p->lb + p->nlb, s, n);
        p->nlb += n;
        return;
    }
}

/* The end of the parser's input. */
static void
parser_finish(struct parser *p)
{
    if (!p->w->stop) {
        if (p->nlb) {
            size_t n = p->nlb;

            p->nlb = 0;
            piece(p, p->lb, n, p->line_off, 1, 1, 0);
        } else if (p->in_long && p->held_cr) {
            piece(p, "\r", 1, p->off - 1, 0, 0, 0);
        }
        p->in_long = 0;
        p->held_cr = 0;
        if (p->state == P_BODY)
            flush_pend(p);          /* the last line end is content */
    }
    end_entity(p, p->off);
    while (p->nlv > 0)
        pop_level(p);
}

static struct parser *
parser_new(struct walk *w, long root, const struct mime_layer *base, size_t nbase)
{
    struct parser *p = xcalloc(1, sizeof *p);

    p->w = w;
    if (nbase) {
        p->base = xcalloc(nbase, sizeof *base);
        memcpy(p->base, base, nbase * sizeof *base);
        p->nbase = nbase;
    }
    p->cur = root;
    p->cur_is_root = 1;
    p->state = P_HEADER;
    p->lbmax = p->lbwant = MIME_LINE_MAX;
    p->lb = xmalloc(p->lbmax);
    return p;
}

static void
parser_free(struct parser *p)
{
    if (p == NULL)
        return;
    if (p->in_leaf) {
        if (p->leaf.inner) {
            parser_free(p->leaf.inner);
        }
        if (p->leaf.uu) {
            free(p->leaf.uu->name);
            free(p->leaf.uu);
        }
        free(p->leaf.layers);
    }
    for (size_t i = 0; i < p->nlv; i++)
        free(p->lv[i].boundary);
    free(p->lv);
    header_reset(p);
    buf_free(&p->field);
    free(p->base);
    free(p->lb);
    free(p);
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */
/* ------------------------------------------------------------------ */

static void
mark_attachments(struct mime_tree *t)
{
    for (size_t i = 0; i < t->nparts; i++) {
        struct mime_part *p = &t->parts[i];

        if (p->type == NULL)            /* cut off before its header ended */
            p->type = xstrdup("text/plain");
        switch (p->kind) {
        case MIME_MULTIPART:
            p->attachment = 0;
            break;
        case MIME_UUENCODED:
        case MIME_MESSAGE:
            p->attachment = 1;
            break;
        case MIME_LEAF:
            p->attachment = p->name != NULL ||
                            (p->disposition && strcmp(p->disposition, "attachment") == 0) ||
                            strncmp(p->type, "text/", 5) != 0;
            break;
        }
    }
}

struct mime_tree *
mime_walk(const struct mime_source *src, const struct mime_limits *lim,
          struct mime_modules *mods)
{
    struct mime_tree *t = xcalloc(1, sizeof *t);
    struct walk w = { t, NULL, 0 };
    struct parser *p;
    char *chunk = xmalloc(MIME_CHUNK);
    size_t off = 0;
    long root;

    t->src = *src;
    t->mods = mods;
    if (lim)
        t->lim = *lim;
    else
        mime_limits_default(&t->lim);
    if (t->lim.parts == 0)
        t->lim.parts = 1;
    w.lim = &t->lim;
    root = new_node(&w, -1, 1, MIME_LEAF);
    p = parser_new(&w, root, NULL, 0);
    while (off < src->len && !w.stop) {
        size_t want = src->len - off < MIME_CHUNK ? src->len - off : MIME_CHUNK;
        ssize_t r = src->pread(src->ctx, chunk, want, off);

        if (r <= 0)
            break;
        parser_feed(p, chunk, (size_t)r);
        off += (size_t)r;
    }
    parser_finish(p);
    parser_free(p);
    free(chunk);
    mark_attachments(t);
    return t;
}

static void
part_free(struct mime_part *p)
{
    free(p->path);
    free(p->type);
    free(p->charset);
    free(p->disposition);
    free(p->name);
    free(p->ext);
    for (size_t i = 0; i < p->nexts; i++)
        free(p->exts[i]);
    free(p->exts);
    free(p->enc_name);
    free(p->layers);
    free(p->sniffed);
    free(p->archive_format);
    for (size_t i = 0; i < p->nmembers; i++) {
        free(p->members[i].name);
        free(p->members[i].sniffed);
        free(p->members[i].ext);
        for (size_t k = 0; k < p->members[i].nexts; k++)
            free(p->members[i].exts[k]);
        free(p->members[i].exts);
    }
    free(p->members);
}

void
mime_tree_free(struct mime_tree *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nparts; i++)
        part_free(&t->parts[i]);
    free(t->parts);
    free(t->limit_path);
    if (t->own_mods)
        mime_modules_free(t->mods);
    free(t);
}
