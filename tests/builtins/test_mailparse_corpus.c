/*
 * test_mailparse_corpus.c -- builtins/mailparse.h over real messages.
 *
 * 1. Spot checks: messages copied from the corpus into testdata/mailparse/
 *    (origins in testdata/README.md), read through the real intake
 *    (lda/store/message.c), with exact expected decoded values and addresses.
 * 2. The whole corpus ($top_srcdir/testdata/corpus, or argv[1]): every
 *    message's header split into fields, every field unfolded and RFC
 *    2047 decoded, the address fields parsed; asserts no crash (the
 *    sanitizer build runs this too), valid UTF-8 without CR/LF/NUL, and
 *    lower-case domains.  One TAP line per message; skipped with a reason
 *    when the corpus is absent.
 */
#include "config.h"
#include "mailparse.h"
#include "message.h"
#include "mp_internal.h"
#include "status.h"
#include "util.h"
#include "tests/tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Seconds the whole corpus run may take before SIGALRM fails it. */
#define CORPUS_TIME_LIMIT 300

static const char *const addr_fields[] = {
    "From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Return-Path",
    "Resent-From", "Resent-To", "Resent-Cc", "Resent-Sender",
};

struct stats {
    size_t messages, fields, decoded, addresses;
};

/* Read a message through the real intake; 0 or -1. */
static int
load(const char *path, struct message *m)
{
    struct intake_limits lim;
    struct status st;
    int fd = open(path, O_RDONLY), rc;

    if (fd < 0)
        return -1;
    message_limits_default(&lim);
    lim.spool_dir = "/tmp";
    rc = message_read(m, fd, &lim, &st);
    close(fd);
    return rc;
}

/* Value of the first field called name: unfolded, decoded when decode. */
static char *
field_value(const struct mp_header *h, const char *name, int decode)
{
    size_t i;

    for (i = 0; i < h->n; i++)
        if (mp_field_is(&h->f[i], name)) {
            char *u = mp_unfold(h->f[i].raw, h->f[i].raw_len), *d;

            if (!decode)
                return u;
            d = mp_decode_2047(u);
            free(u);
            return d;
        }
    return NULL;
}

/* "display|local|domain" of every address in the first field called name. */
static char *
field_addresses(const struct mp_header *h, const char *name)
{
    struct mp_address *a;
    struct buf b = BUF_INIT;
    char *v = field_value(h, name, 0);
    size_t n, i;

    if (v == NULL)
        return NULL;
    n = mp_address_parse_list(v, &a);
    for (i = 0; i < n; i++)
        buf_printf(&b, "%s%s|%s|%s", i ? " ;; " : "", a[i].display, a[i].local,
                   a[i].domain);
    mp_address_list_free(a, n);
    free(v);
    return buf_steal(&b);
}

static const struct spot {
    const char *file, *field;
    char kind;                  /* 'D' decoded value, 'A' addresses */
    const char *want;
} spots[] = {
    { "iso2022jp-subject.eml", "Subject", 'D',
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab"
      "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88 (testing Japanese emails)" },
    { "iso2022jp-subject.eml", "To", 'A', "Jeffrey Stedfast|x|x.com" },
    { "encoded-from.eml", "From", 'A', "Foo, Bar|foo.bar|example.com" },
    { "gb2312-comment-name.eml", "Subject", 'D',
      "RE: \xe8\xa3\x85\xe7\xa1\xac\xe7\xa2\x9f\xe9\x97\xae\xe9\xa2\x98" },
    { "gb2312-comment-name.eml", "From", 'A', "Jason Lee|Jason_Lee|quantatw.com" },
    { "gb2312-comment-name.eml", "To", 'A', "|debian-chinese-gb|lists.debian.org" },
    { "gb2312-comment-name.eml", "Sender", 'A', "Anthony Fok|foka|master.debian.org" },
    { "eai-split-utf8.eml", "Subject", 'D', "Doma\xc4\x8d" "e omre\xc5\xbe" "je" },
    { "eai-split-utf8.eml", "From", 'A',
      "Maril\xc3\xb9 Gioffr\xc3\xa9 \xe2\x99\xa5|Maril\xc3\xb9.Gioffr\xc3\xa9|"
      "esempio-universit\xc3\xa0.it" },
    { "eai-split-utf8.eml", "To", 'A',
      "D\xc3\xb6rte \xc3\x85. S\xc3\xb6rensen, Jr.|D\xc3\xb6rte|s\xc3\xb6rensen.example.com" },
    { "eai-split-utf8.eml", "Cc", 'A',
      "|\xce\xb8\xcf\x83\xce\xb5\xcf\x81|\xce\xb5\xcf\x87\xce\xb1\xce\xbc\xcf\x80"
      "\xce\xbb\xce\xb5.\xcf\x88\xce\xbf\xce\xbc" },
    { "eai-split-utf8.eml", "Return-Path", 'A',
      "|Maril\xc3\xb9.Gioffr\xc3\xa9|esempio-universit\xc3\xa0.it" },
    { "many-b-words.eml", "Subject", 'D',
      "MySurvey.com:  You have a survey waiting!  91123105" },
    { "many-b-words.eml", "From", 'A', "MySurvey.com & Carol Adams|carol|mysurvey.com" },
    { "many-b-words.eml", "Reply-To", 'A', "|carol|reply.mysurvey.com" },
    { "q-8bit-crlf.eml", "To", 'A',
      "J\xc3\xbcrgen Schm\xc3\xbcrgen|jschmuergen|example.com" },
    { "q-8bit-crlf.eml", "Subject", 'D', "Die Hasen und die Fr\xc3\xb6sche" },
    { "q-8bit-crlf.eml", "X-Sender", 'D', "dwsauder@pop.example.com (Unverified)" },
    { "folded-to.eml", "To", 'A',
      "White House Transportation Coordinator|transport|whitehouse.gov" },
    { "folded-to.eml", "From", 'A', "Al Gore|vice-president|whitehouse.gov" },
    { "undisclosed-group.eml", "To", 'A', "" },
    { "undisclosed-group.eml", "From", 'A', "|sb55sb123456789|yahoo.com" },
};

static void
spot_checks(const char *testdata)
{
    size_t i;

    for (i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
        const struct spot *s = &spots[i];
        char *path = xasprintf("%s/mailparse/%s", testdata, s->file), *got = NULL;
        char *what = xasprintf("spot: %s %s (%s)", s->file, s->field,
                               s->kind == 'D' ? "decoded" : "addresses");
        struct message m;
        struct mp_header h;

        if (load(path, &m) == 0) {
            mp_header_parse(m.header, m.header_len, &h);
            got = s->kind == 'D' ? field_value(&h, s->field, 1)
                                 : field_addresses(&h, s->field);
            mp_header_free(&h);
            message_free(&m);
        }
        is_str(got, s->want, what);
        free(got);
        free(what);
        free(path);
    }
}

static int
clean_utf8(const char *s)
{
    return mp_utf8_valid(s, strlen(s)) && strpbrk(s, "\r\n") == NULL;
}

static int
lower_domain(const char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            return 0;
    return 1;
}

/* All checks on one message; NULL when fine, else what failed. */
static const char *
check_message(const char *path, struct stats *st)
{
    struct message m;
    struct mp_header h;
    const char *bad = NULL;
    size_t i, j, k, n;

    if (load(path, &m) < 0)
        return "intake failed";
    mp_header_parse(m.header, m.header_len, &h);
    if (h.n == 0)
        bad = "no header fields";
    for (i = 0; i < h.n && !bad; i++) {
        char *u = mp_unfold(h.f[i].raw, h.f[i].raw_len);
        char *d = mp_decode_2047(u);

        st->fields++;
        if (strcmp(u, d) != 0)
            st->decoded++;
        if (strchr(u, '\n') || !clean_utf8(d))
            bad = "unfolded or decoded value not clean UTF-8";
        for (j = 0; j < sizeof(addr_fields) / sizeof(addr_fields[0]) && !bad; j++) {
            struct mp_address *a;

            if (!mp_field_is(&h.f[i], addr_fields[j]))
                continue;
            n = mp_address_parse_list(u, &a);
            st->addresses += n;
            for (k = 0; k < n && !bad; k++) {
                char *spec = mp_address_spec(&a[k]);

                if (!clean_utf8(a[k].display) || !clean_utf8(a[k].local) ||
                    !clean_utf8(a[k].domain) || !clean_utf8(spec))
                    bad = "address part not clean UTF-8";
                else if (!lower_domain(a[k].domain))
                    bad = "domain not lower-cased";
                else if (a[k].local[0] == '\0' && a[k].domain[0] == '\0')
                    bad = "empty address returned";
                free(spec);
            }
            mp_address_list_free(a, n);
        }
        free(d);
        free(u);
    }
    mp_header_free(&h);
    message_free(&m);
    st->messages++;
    return bad;
}

static int
skip_name(const struct dirent *e)
{
    return e->d_name[0] != '.' && strcmp(e->d_name, "SOURCES.md") != 0;
}

static void
walk(const char *dir, const char *rel, struct stats *st)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, skip_name, alphasort), i;

    if (n < 0) {
        ok(0, "corpus: cannot read %s", dir);
        return;
    }
    for (i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, ents[i]->d_name);
        char *r = *rel ? xasprintf("%s/%s", rel, ents[i]->d_name) : xstrdup(ents[i]->d_name);
        struct stat sb;

        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            walk(path, r, st);
        else if (S_ISREG(sb.st_mode)) {
            const char *bad = check_message(path, st);

            ok(bad == NULL, "corpus: %s%s%s", r, bad ? ": " : "", bad ? bad : "");
        }
        free(r);
        free(path);
        free(ents[i]);
    }
    free(ents);
}

int
main(int argc, char **argv)
{
    const char *top = getenv("top_srcdir"), *testdata = getenv("TESTDATA");
    char *corpus, *td;
    struct stats st = { 0, 0, 0, 0 };
    struct stat sb;

    alarm(CORPUS_TIME_LIMIT);
    td = testdata ? xstrdup(testdata) : xasprintf("%s/testdata", top ? top : ".");
    spot_checks(td);
    free(td);

    corpus = argc > 1 ? xstrdup(argv[1]) : xasprintf("%s/testdata/corpus", top ? top : ".");
    if (stat(corpus, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        printf("ok %d # SKIP corpus not found at %s\n", ++tap_n, corpus);
    } else {
        walk(corpus, "", &st);
        printf("# %zu messages, %zu fields (%zu changed by RFC 2047 decoding), "
               "%zu addresses\n", st.messages, st.fields, st.decoded, st.addresses);
        ok(st.messages > 0, "corpus: messages found");
    }
    free(corpus);
    return done();
}
