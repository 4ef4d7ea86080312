/*
 * bi_procmail.c -- builtin test `procmail`: the message the way procmail's
 * conditions search it, so that rules translated from a .procmailrc by
 * `weir import procmailrc` (weir-import(1)) decide exactly as procmail did.
 *
 *   procmail header|body|message CMP OPERAND
 *   procmail size [message|header|body] REL NUMBER
 *   procmail search "PATTERN" [with "V1"] [also "V2"] in header|body|message
 *            [case sensitive]
 *   procmail value "TEXT" search "PATTERN" [with "V1"] [also "V2"]
 *            [case sensitive]
 *   procmail formail id
 *   procmail extract "NAME" [trim] [join]
 *   procmail reply [trust] [trim]
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
 *
 * `search` is for a procmail condition whose regex is only known at
 * delivery (a `$` condition with a header value or MATCH in it): PATTERN
 * is the procmail regex as the translator wrote it, where \x01 1 p (\x01
 * 2 p) stands for V1 (V2) as it is and \x01 1 q (\x01 2 q) for procmail's
 * $\VAR disarming of it ("()" and the value with regex specials quoted);
 * the values are put in here, so that text from the message never becomes
 * a marker.  The result goes through procmail's macros and pmrc_regex.c,
 * as the translator does with fixed regexes, and is matched (caseless
 * unless `case sensitive`: procmail's D flag) against the area, or
 * against "\n" TEXT "\n" (procmail's VAR ?? regex).  The part after
 * procmail's \/ is exported as ${procmail.match}.  PCRE2's match and depth
 * limits are weir.yaml's (limits.regex_match_limit, regex_depth_limit):
 * at a limit the test is undecided.  A pattern procmail would reject
 * ("Invalid regexp") does not match.
 *
 * `formail id` is the key formail -D keeps in its cache (`| formail -D N
 * cache`, procmail's duplicate idiom): true when formail finds a
 * Message-ID with a non-empty value, exported as ${procmail.id}.  formail
 * reads the header its own way (formail(1); measured with procmail
 * 3.22's formail): the header is the lines from the first up to the
 * first line that is neither a field ("NAME:", NAME of bytes above space
 * other than ':' and DEL, blanks allowed before the colon) nor a
 * continuation of one (a line that starts with a space or tab), or an
 * mbox From_ line first; the last Message-ID field (any case, blanks
 * before the colon) of that header is taken; its value is everything
 * after the colon, continuation lines with their line breaks, less the
 * spaces (not tabs) it starts with and the line break it ends with.
 * Nothing else is normalised: the comparison is byte for byte.
 * `extract` is VAR=`formail -xNAME:` (trim: -z, join: -c) on the
 * same header, exported as ${procmail.field}; true when a field is there.
 * NAME without its colon takes every field whose name starts with it, as
 * formail does.
 * `reply` is VAR=`formail -r[t][z]xTo:`, the address formail -r
 * would answer (trust: -t, trim: -z), exported as ${procmail.field};
 * always true (formail answers foo@bar when it finds nobody).  formail
 * (getsender() in procmail 3.22's formail.c, measured against it on
 * every corpus message and on hostile headers: tests/import/formail.sh)
 * weighs the header's sender fields and keeps the first of the heaviest:
 * with -t Reply-To 8, From 7, Sender 6, Return-Path 5, the From_ line 4,
 * Errors-To 3, Return-Receipt-To 2, Path 1, Resent-* 0; without -t the
 * same list in the order Reply-To, From, Sender, Resent-Reply-To,
 * Resent-From, Resent-Sender, Path, Return-Receipt-To, Errors-To,
 * Return-Path, From_ gives 0 to 10.  An address is the first word of the
 * field read the RFC 822 way (comments dropped, quotes kept, a group
 * whole) unless a <...> follows, which then wins without its brackets;
 * one with no @, ! or / loses 48, one with .UUCP 36, user@host without
 * a dot 24, a bang path 12.  A Return-Path of <> answers "<>" whatever
 * else is there.  The From_ line counts only first in the header; its
 * address without @ is rebuilt as a bang path from its "remote from" and
 * "forwarded by" hosts.  With -z fields with an empty value are not
 * looked at.  When the message came without a From_ line, procmail
 * gives formail one made from the envelope sender, and so does this.
 *
 * Never fails otherwise: a message without a body has an empty body.
 */
#include "config.h"
#include "registry.h"
#include "pmrc.h"

#include <errno.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#define PM_DYN_MAX 65536        /* the longest pattern `search` compiles */
#define PM_DYN_MATCH_LIMIT 100000   /* defaults of weir.yaml's limits */
#define PM_DYN_DEPTH_LIMIT 10000

enum { AREA_MESSAGE, AREA_HEADER, AREA_BODY };

static const char *const fields[] = { "message", "header", "body", NULL };

enum { F_TEXT, F_SIZE, F_SEARCH, F_VALUE, F_FORMAIL_ID, F_FORMAIL_X, F_FORMAIL_R };

/* New forms go last: compiled rules name a form by its index. */
static const struct rl_bi_form forms[] = {
    { "size [FIELD] NUM", F_SIZE },
    { "FIELD TEXT", F_TEXT },
    { "search STR [with STR] [also STR] in FIELD [case sensitive]", F_SEARCH },
    { "value STR search STR [with STR] [also STR] [case sensitive]", F_VALUE },
    { "formail id", F_FORMAIL_ID },
    { "extract STR [trim] [join]", F_FORMAIL_X },
    { "reply [trust] [trim]", F_FORMAIL_R },
    { NULL, 0 }
};

static const char *const facts[] = { "match", "id", "field", NULL };

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

/* The searched text of an area: a newline, the area, a newline. */
static void
area_text(struct rl_bi_env *env, int field, struct buf *s)
{
    struct views *v = get_views(env, field != AREA_HEADER);

    buf_reserve(s, (field != AREA_BODY ? v->head.len : 0) +
                   (field != AREA_HEADER ? v->body.len : 0) + 2);
    buf_addc(s, '\n');
    if (field != AREA_BODY)
        buf_add(s, v->head.data ? v->head.data : "", v->head.len);
    if (field != AREA_HEADER)
        buf_add(s, v->body.data ? v->body.data : "", v->body.len);
    buf_addc(s, '\n');
}

static uint32_t
limit_setting(struct rl_bi_env *env, const char *key, uint32_t dflt)
{
    const char *s = rl_bi_setting(env, key);
    char *end;
    unsigned long v;

    if (s == NULL || *s < '0' || *s > '9')
        return dflt;
    errno = 0;
    v = strtoul(s, &end, 10);
    return errno || *end || v == 0 || v > UINT32_MAX ? dflt : (uint32_t)v;
}

/* procmail's $\VAR: "()" and the value with regex specials quoted. */
static void
disarm(struct buf *b, const char *s, size_t n)
{
    buf_adds(b, "()");
    for (size_t i = 0; i < n; i++) {
        if (strchr("(|)*?+.^$[\\", s[i]))
            buf_addc(b, '\\');
        buf_addc(b, s[i]);
    }
}

/* `search`: the pattern with the values put in, translated and matched. */
static int
search_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    int base = call->id == F_VALUE ? 1 : 0;     /* the pattern's slot */
    unsigned case_bit = 1u << 2;                /* [case sensitive] */
    const char *pat = call->arg[base] ? call->arg[base] : "";
    size_t patlen = call->arg[base] ? call->arglen[base] : 0;
    struct buf re = BUF_INIT, ex = BUF_INIT, pc = BUF_INIT, subj = BUF_INIT;
    struct pmre_result rr;
    char err[160];
    int force = 0, rc = 0;
    pcre2_code *code = NULL;
    pcre2_match_data *md = NULL;
    pcre2_match_context *mctx = NULL;
    int ec, m;
    PCRE2_SIZE off;

    for (size_t i = 0; i < patlen; i++) {
        if (pat[i] == '\x01' && i + 2 < patlen && (pat[i + 1] == '1' || pat[i + 1] == '2') &&
            (pat[i + 2] == 'p' || pat[i + 2] == 'q')) {
            int slot = base + (pat[i + 1] - '0');
            const char *v = call->arg[slot] ? call->arg[slot] : "";
            size_t vn = call->arg[slot] ? call->arglen[slot] : 0;
            if (pat[i + 2] == 'q')
                disarm(&re, v, vn);
            else
                buf_add(&re, v, vn);
            i += 2;
            continue;
        }
        buf_addc(&re, pat[i]);
    }
    if (re.len > PM_DYN_MAX || memchr(re.data ? re.data : "", '\0', re.len)) {
        rl_bi_note(r, "the pattern is longer than %d bytes or holds a NUL", PM_DYN_MAX);
        rc = -1;
        goto out;
    }
    pmre_macros(re.data ? re.data : "", &ex, &force);
    if (pmre_translate(ex.data ? ex.data : "", ex.len,
                       (!(call->flags & case_bit) || force) ? PMRE_CASELESS : 0,
                       &pc, &rr, err, sizeof err) < 0) {
        rl_bi_note(r, "procmail rejects the pattern: %s", err);
        rl_bi_true(r, 0);
        goto out;
    }
    code = pcre2_compile((PCRE2_SPTR)(pc.data ? pc.data : ""), pc.len,
                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C |
                         ((!(call->flags & case_bit) || force) ? PCRE2_CASELESS : 0),
                         &ec, &off, NULL);
    if (code == NULL) {
        rl_bi_note(r, "the translated pattern does not compile");
        rc = -1;
        goto out;
    }
    if (call->id == F_VALUE) {
        buf_addc(&subj, '\n');
        buf_add(&subj, call->arg[0] ? call->arg[0] : "", call->arg[0] ? call->arglen[0] : 0);
        buf_addc(&subj, '\n');
    } else {
        area_text(env, call->field, &subj);
    }
    mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(mctx, limit_setting(env, "limits.regex_match_limit", PM_DYN_MATCH_LIMIT));
    pcre2_set_depth_limit(mctx, limit_setting(env, "limits.regex_depth_limit", PM_DYN_DEPTH_LIMIT));
    md = pcre2_match_data_create_from_pattern(code, NULL);
    m = pcre2_match(code, (PCRE2_SPTR)subj.data, subj.len, 0, 0, md, mctx);
    if (m >= 0) {
        rl_bi_true(r, 1);
        if (rr.split && m >= 2) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            if (ov[2] != PCRE2_UNSET)
                rl_bi_export(r, "match", subj.data + ov[2], ov[3] - ov[2]);
        }
    } else if (m == PCRE2_ERROR_NOMATCH) {
        rl_bi_true(r, 0);
    } else {
        rl_bi_note(r, "the pattern hit a match limit");
        rc = -1;
    }
out:
    pcre2_match_data_free(md);
    pcre2_match_context_free(mctx);
    pcre2_code_free(code);
    buf_free(&re);
    buf_free(&ex);
    buf_free(&pc);
    buf_free(&subj);
    return rc;
}

/* The length of the field name that starts line p (n bytes, no line
 * break) as formail takes one, blanks before the colon included, with
 * the colon; 0 when the line is not a field for formail. */
static size_t
formail_field(const char *p, size_t n)
{
    size_t i = 0;

    while (i < n && (unsigned char)p[i] > ' ' && p[i] != ':' && p[i] != 0x7f)
        i++;
    if (i == 0)
        return 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i < n && p[i] == ':' ? i + 1 : 0;
}

/* Calls fn for each field of formail's header: the name (without the
 * blanks and the colon after it) and the value (after the colon, with
 * its continuation lines, without the last line break). */
typedef void (*formail_fn)(void *ctx, const char *name, size_t nlen, const char *val,
                           size_t vlen);

/* After a From_ line, formail takes the lines that start with '>'
 * (">From ..." lines of the hops before) as more of it: the length of
 * those at the start of the header h (hn bytes), line breaks included. */
static size_t
formail_from_more(int from, const char *h, size_t hn)
{
    size_t i = 0;

    if (!from || h == NULL)
        return 0;
    while (i < hn && h[i] == '>') {
        const char *nl = memchr(h + i, '\n', hn - i);
        i = nl ? (size_t)(nl - h) + 1 : hn;
    }
    return i;
}

/* The header h (hn bytes) of a message that came with a From_ line
 * (from) or without. */
static void
formail_header(const char *h, size_t hn, int from, formail_fn fn, void *ctx)
{
    const char *name = NULL, *val = NULL;
    size_t nlen = 0, vlen = 0, i;

    if (h == NULL)
        hn = 0;
    i = formail_from_more(from, h, hn);
    while (i < hn) {
        const char *line = h + i, *nl = memchr(line, '\n', hn - i);
        size_t l = nl ? (size_t)(nl - line) : hn - i, f;

        if (l > 0 && (line[0] == ' ' || line[0] == '\t')) {
            if (name == NULL)
                break;          /* a continuation of nothing */
            if (name)
                vlen = (size_t)(line + l - val);
        } else {
            if (name)
                fn(ctx, name, nlen, val, vlen);
            name = NULL;
            if (i == 0 && !from && l >= 5 &&
                memcmp(line, "From ", 5) == 0 && formail_field(line, l) == 0) {
                ;               /* a From_ line (weir takes it off when it comes first) */
            } else if ((f = formail_field(line, l)) != 0) {
                name = line;
                nlen = f - 1;
                while (nlen > 0 && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
                    nlen--;
                val = line + f;
                vlen = l - f;
            } else {
                break;          /* formail's header ends here */
            }
        }
        i += l + (nl != NULL);
    }
    if (name)
        fn(ctx, name, nlen, val, vlen);
}

static void
formail_fields(struct rl_bi_env *env, formail_fn fn, void *ctx)
{
    formail_header(env->hdr ? env->hdr : env->msg->header,
                   env->hdr ? env->hdr_len : env->msg->header_len,
                   env->msg->from_line != NULL, fn, ctx);
}

static int
name_is(const char *name, size_t nlen, const char *want, size_t wlen)
{
    if (nlen != wlen)
        return 0;
    for (size_t k = 0; k < nlen; k++) {
        unsigned char a = (unsigned char)name[k], b = (unsigned char)want[k];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

struct fm_id {
    const char *val;
    size_t vlen;
};

static void
id_field(void *ctx, const char *name, size_t nlen, const char *val, size_t vlen)
{
    struct fm_id *x = ctx;

    if (!name_is(name, nlen, "Message-ID", 10))
        return;
    while (vlen > 0 && *val == ' ')
        val++, vlen--;
    x->val = val;
    x->vlen = vlen;
}

/* `formail id`: the value of the last Message-ID of formail's header. */
static int
formail_id(struct rl_bi_env *env, struct rl_bi_result *r)
{
    struct fm_id x = { NULL, 0 };

    formail_fields(env, id_field, &x);
    if (x.val == NULL || x.vlen == 0) {
        rl_bi_note(r, x.val ? "formail finds an empty Message-ID" : "formail finds no Message-ID");
        rl_bi_true(r, 0);
        return 0;
    }
    rl_bi_export(r, "id", x.val, x.vlen);
    rl_bi_true(r, 1);
    return 0;
}

/* formail -z on a value p[*a, *b): the blanks at either end go. */
static void
fm_trim(const char *p, size_t *a, size_t *b)
{
    while (*a < *b && (p[*a] == ' ' || p[*a] == '\t'))
        (*a)++;
    while (*b > *a && (p[*b - 1] == ' ' || p[*b - 1] == '\t'))
        (*b)--;
}

struct fm_x {
    const char *want;
    size_t wlen;
    int prefix;                 /* NAME without a colon: names it starts */
    int trim, join;
    struct buf out;
    int any;
};

static void
x_field(void *ctx, const char *name, size_t nlen, const char *val, size_t vlen)
{
    struct fm_x *x = ctx;
    struct buf v = BUF_INIT;
    size_t a = 0, b;

    if (!name_is(name, x->prefix && nlen > x->wlen ? x->wlen : nlen, x->want, x->wlen))
        return;
    /* -c first (a line break becomes a space), then -z: the blanks at
     * either end go, and a field left empty is left out */
    for (size_t k = 0; k < vlen; k++)
        buf_addc(&v, x->join && val[k] == '\n' ? ' ' : val[k]);
    b = v.len;
    if (x->trim) {
        fm_trim(v.data, &a, &b);
        if (a == b) {
            buf_free(&v);
            return;
        }
    }
    buf_add(&x->out, v.data ? v.data + a : "", b - a);
    buf_addc(&x->out, '\n');
    x->any = 1;
    buf_free(&v);
}

/* `extract "NAME" [trim] [join]`: what VAR=`formail -x NAME:`
 * (-z: trim, -c: join) gives procmail: the value of every NAME field of
 * formail's header, each followed by a line break, then without the line
 * breaks at the end (procmail takes them off a `command`'s output). */
static int
formail_x(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    struct fm_x x;

    memset(&x, 0, sizeof x);
    buf_init(&x.out);
    x.want = call->arg[0] ? call->arg[0] : "";
    x.wlen = call->arg[0] ? call->arglen[0] : 0;
    if (x.wlen > 0 && x.want[x.wlen - 1] == ':')
        x.wlen--;
    else
        x.prefix = 1;
    x.trim = (call->flags & 1u) != 0;
    x.join = (call->flags & 2u) != 0;
    formail_fields(env, x_field, &x);
    while (x.out.len > 0 && x.out.data[x.out.len - 1] == '\n')
        x.out.len--;
    rl_bi_export(r, "field", x.out.data ? x.out.data : "", x.out.len);
    rl_bi_true(r, x.any);
    buf_free(&x.out);
    return 0;
}

/* formail -r: the sender fields in getsender()'s order, with the
 * weights -t gives them (without -t a field weighs its index). */
static const struct {
    const char *name;
    int trusted;
} fm_sest[] = {
    { "Reply-To", 8 }, { "From", 7 }, { "Sender", 6 }, { "Resent-Reply-To", 0 },
    { "Resent-From", 0 }, { "Resent-Sender", 0 }, { "Path", 1 },
    { "Return-Receipt-To", 2 }, { "Errors-To", 3 }, { "Return-Path", 5 },
    { "From_", 4 },
};
#define FM_NSEST ((int)(sizeof fm_sest / sizeof *fm_sest))
#define FM_FROM_ (FM_NSEST - 1)
#define FM_RETURN_PATH (FM_NSEST - 2)
#define FM_UNIT (FM_NSEST + 1)  /* (maxindex + 2): one step of depreciation */

/* A comment, s at its '(': where its ')' is, or the last byte before
 * the end of the text (nested comments and quoted bytes skipped). */
static char *
fm_skipcomment(char *s)
{
    int depth = 1;

    for (;;) {
        switch (*++s) {
        case '\0':
            return s - 1;
        case ')':
            if (--depth == 0)
                return s;
            break;
        case '\\':
            if (s[1] == '\0')
                return s;
            s++;
            break;
        case '(':
            depth++;
            break;
        }
    }
}

/* One RFC 822 word or <...> at start, the way formail reads it: packed in
 * place (comments and blanks out, quotes and [literals] kept, a group
 * whole, <...> without its brackets unless a , or ; is inside), ended
 * with a NUL; returns where reading stopped.  The text must have two NUL
 * bytes after its end (the bracket put back around a <...> with a comma
 * may need one more byte). */
static char *
fm_skipwords(char *start)
{
    int delim = 0, hitspc = 0, machref = 0, group = 1;
    char *target = start, *oldstart = start;

    if (*start == '<')
        start++, machref = 1;
    for (;;) {
        switch (*start) {
        case '<':
            if (!machref)
                return start;
            target = oldstart;  /* no nesting: start over */
            hitspc = 0;
            start++;
            continue;
        case '(':
            start = fm_skipcomment(start);
            /* FALLTHROUGH */
        case ' ': case '\t': case '\n':
            hitspc |= 1;
            start++;
            continue;
        case ';':
            if (group == 2)
                start[1] = '\0';       /* the group ends here */
            /* FALLTHROUGH */
        case ',':
            if (group == 2)
                goto special;
            if (machref) {
                machref = 2;
                goto special;
            }
            *target = '\0';
            return start;
        case '\0': case '>':
            goto end;
        default:
            if (!machref && hitspc == 3 && target > oldstart)
                goto end;       /* a second word */
            if (*start == '\\') {
                *target++ = '\\';
                if (*++start == '\0')
                    goto end;
            }
            hitspc = 2;
            goto normal;
        case ':':
            if (group == 1)
                group = 2;
            /* FALLTHROUGH */
        case '@': case '.':
            if (group == 1)
                group = 0;
        special:
            hitspc = 0;
        normal:
            *target++ = *start++;
            continue;
        case '[':
            delim = ']';
            break;
        case '"':
            *target++ = (char)(delim = '"');
            if (*++start == '\0')
                goto end;
            break;
        }
        for (;;) {              /* a quoted string or [literal] */
            int c = *target++ = *start++;
            if (c == delim)
                break;
            if (c == '\\' && *start)
                *target++ = *start++;
            if (*start == '\0')
                break;
        }
        hitspc = 2;
    }
end:
    if (machref == 2) {         /* a , or ; inside: keep the brackets */
        *target++ = '>';
        memmove(oldstart + 1, oldstart, (size_t)(target - oldstart));
        target++;
        *oldstart = '<';
    }
    *target = '\0';
    return start;
}

struct fm_r {
    int trust;                  /* -t */
    int best;                   /* the weight of addr */
    char *addr;
};

/* The address a From_ line's text (after "From ") gives: "<ADDR" when
 * it has one, or NULL (then its words are read as a field's). */
static char *
fm_from_addr(char *tmp)
{
    char *saddr = tmp, *chp, *sp, *out, *o;
    size_t n = strlen(tmp), j;

    if (*saddr == '\n' && (sp = strchr(saddr, ' ')) != NULL)
        saddr = sp + 1;
    chp = saddr;
    while ((sp = strchr(chp, '\n')) != NULL && (sp = strchr(sp, ' ')) != NULL)
        chp = sp + 1;           /* the last >From line's address */
    if ((sp = strchr(chp, ' ')) == NULL)
        return NULL;
    j = (size_t)(sp - chp);
    out = xmalloc(n + j + 4);
    o = out;
    *o++ = '<';
    if (memchr(chp, '@', j) == NULL) {
        /* no domain: the hosts it came through, as a bang path */
        const char *p = saddr;

        for (;;) {
            const char *rf = strstr(p, " remote from "), *fb = strstr(p, " forwarded by ");
            if (rf == NULL && fb == NULL)
                break;
            if (rf == NULL || (fb != NULL && fb < rf))
                p = fb + 14;
            else
                p = rf + 13;
            while (*p != '\0' && *p != '\n')
                *o++ = *p++;
            *o++ = '!';
            if (*p == '\0')
                break;
            p++;
        }
    }
    memcpy(o, chp, j);
    o += j;
    *o++ = '\0';
    *o = '\0';
    return out;
}

/* One sender field (idx in fm_sest) with its value: formail's
 * getsender(). */
static void
fm_sender(struct fm_r *r, int idx, const char *val, size_t vlen)
{
    int nowm = r->trust ? fm_sest[idx].trusted : idx;
    char *tmp = xmalloc(vlen + 3), *chp, *saddr = NULL;

    memcpy(tmp, val, vlen);
    tmp[vlen] = tmp[vlen + 1] = tmp[vlen + 2] = '\0';
    chp = tmp;
    if (idx == FM_FROM_) {
        char *a;

        if (memchr(tmp, '\n', vlen) != NULL)
            nowm -= 2;          /* more than one From_ line */
        if ((a = fm_from_addr(tmp)) != NULL) {
            free(tmp);
            chp = tmp = a;
        } else {
            if (*chp == '\n' && strchr(chp, ' '))
                chp = strchr(chp, ' ') + 1;
            for (char *sp; (sp = strchr(chp, '\n')) != NULL && (sp = strchr(sp, ' ')) != NULL;)
                chp = sp + 1;
        }
    }
    for (;;) {
        while (*chp == ' ' || *chp == '\t')
            chp++;
        if (*chp != '\n')
            break;
        chp++;
    }
    for (;; chp = fm_skipwords(chp)) {
        if (*chp == '\0')
            break;
        if (*chp == '<') {
            fm_skipwords(saddr = chp);
            break;
        }
        if (saddr == NULL)
            saddr = chp;
    }
    if (saddr != NULL && *saddr != '\0') {
        if (!strpbrk(saddr, "@!/"))
            nowm -= FM_UNIT * 4;        /* a bare user */
        else if (strstr(saddr, ".UUCP"))
            nowm -= FM_UNIT * 3;
        else if (strchr(saddr, '@') && !strchr(saddr, '.'))
            nowm -= FM_UNIT * 2;        /* user@host */
        else if (strchr(saddr, '!'))
            nowm -= FM_UNIT;    /* a bang path */
        if (r->addr == NULL || nowm > r->best) {
            free(r->addr);
            r->addr = xstrdup(saddr);
            r->best = nowm;
        }
    } else if (saddr != NULL && idx == FM_RETURN_PATH) {
        free(r->addr);          /* Return-Path: <>, an answer to nobody */
        r->addr = xstrdup("<>");
        r->best = FM_UNIT;
    }
    free(tmp);
}

struct fm_rctx {
    struct fm_r *r;
    int zap;
};

static void
r_field(void *ctx, const char *name, size_t nlen, const char *val, size_t vlen)
{
    struct fm_rctx *c = ctx;

    if (c->zap && (vlen == 0 || (vlen == 1 && (*val == ' ' || *val == '\t'))))
        return;                 /* -z drops an empty field */
    for (int i = 0; i < FM_FROM_; i++)
        if (name_is(name, nlen, fm_sest[i].name, strlen(fm_sest[i].name))) {
            fm_sender(c->r, i, val, vlen);
            return;
        }
}

void
pm_formail_reply(const char *from_line, const char *h, size_t hn, const char *envelope_from,
                 int trust, int trim, struct buf *out)
{
    struct fm_r fr = { trust, 0, NULL };
    struct fm_rctx c = { &fr, trim };
    struct buf v = BUF_INIT;
    size_t a = 0, b;

    if (h == NULL)
        hn = 0;
    if (from_line != NULL) {
        size_t more = formail_from_more(1, h, hn);

        buf_adds(&v, strncmp(from_line, "From ", 5) == 0 ? from_line + 5 : from_line);
        if (more > 0) {
            buf_addc(&v, '\n');
            buf_add(&v, h, h[more - 1] == '\n' ? more - 1 : more);
        }
        fm_sender(&fr, FM_FROM_, v.data ? v.data : "", v.len);
    } else if (hn >= 5 && memcmp(h, "From ", 5) == 0) {
        /* "From  : name <addr>" first: procmail takes it for its From_
         * line and makes none, formail reads it as the From field */
        const char *nl = memchr(h, '\n', hn);
        size_t l = nl ? (size_t)(nl - h) : hn;

        if (formail_field(h, l) == 0) {
            buf_add(&v, h + 5, l - 5);
            fm_sender(&fr, FM_FROM_, v.data ? v.data : "", v.len);
        }
    } else {
        /* procmail makes the message a From_ line from the envelope */
        buf_printf(&v, "%s  Thu Jan  1 00:00:00 1970",
                   envelope_from && *envelope_from ? envelope_from : "MAILER-DAEMON");
        fm_sender(&fr, FM_FROM_, v.data, v.len);
    }
    buf_free(&v);
    formail_header(h, hn, from_line != NULL, r_field, &c);
    a = out->len;
    buf_addc(out, ' ');
    buf_adds(out, fr.addr ? fr.addr : "foo@bar");
    b = out->len;
    if (trim) {
        size_t k = a;
        fm_trim(out->data, &k, &b);
        memmove(out->data + a, out->data + k, b - k);
        b -= k - a;
    }
    while (b > a && out->data[b - 1] == '\n')
        b--;
    out->len = b;
    out->data[b] = '\0';
    free(fr.addr);
}

/* `reply [trust] [trim]`: what VAR=`formail -r[t][z]xTo:` gives
 * procmail. */
static int
formail_r(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    struct buf out = BUF_INIT;

    pm_formail_reply(env->msg->from_line, env->hdr ? env->hdr : env->msg->header,
                     env->hdr ? env->hdr_len : env->msg->header_len, env->msg->envelope_from,
                     (call->flags & 1u) != 0, (call->flags & 2u) != 0, &out);
    rl_bi_export(r, "field", out.data ? out.data : "", out.len);
    rl_bi_true(r, 1);
    buf_free(&out);
    return 0;
}

static int
procmail_eval(struct rl_bi_env *env, const struct rl_bi_call *call, struct rl_bi_result *r)
{
    struct views *v;
    struct buf s = BUF_INIT;

    if (call->id == F_SEARCH || call->id == F_VALUE)
        return search_eval(env, call, r);
    if (call->id == F_FORMAIL_ID)
        return formail_id(env, r);
    if (call->id == F_FORMAIL_X)
        return formail_x(env, call, r);
    if (call->id == F_FORMAIL_R)
        return formail_r(env, call, r);
    v = get_views(env, call->field != AREA_HEADER);
    if (call->id == F_SIZE) {
        double n = call->field == AREA_HEADER ? (double)v->head_bytes :
                   call->field == AREA_BODY ? (double)v->body_bytes :
                   (double)v->head_bytes +
                   (double)(env->msg->size > env->msg->header_len ?
                            env->msg->size - env->msg->header_len : 0);
        rl_bi_number(r, n);
        return 0;
    }
    area_text(env, call->field, &s);
    rl_bi_text(r, s.data, s.len);
    buf_free(&s);
    return 0;
}

const struct rl_builtin rl_bi_procmail_def = {
    .name = "procmail",
    .summary = "the message as procmail's conditions search it (weir import procmailrc)",
    .forms = forms,
    .fields = fields,
    .facts = facts,
    .eval = procmail_eval,
};
