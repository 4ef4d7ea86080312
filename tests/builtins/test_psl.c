/*
 * test_psl.c -- organisational domains through the real weir_psl.so
 * module (builtins/orgdomain.h) and Debian's public suffix list; the
 * module is loaded lazily, on the first question.
 */
#include "config.h"
#include "dynload.h"
#include "orgdomain.h"
#include "tests/tap.h"

static void
org(const char *in, int want_rc, const char *want)
{
    char out[PSL_NAME_MAX], what[600];
    struct status st;
    int rc = orgdomain_get(in, out, &st);

    snprintf(what, sizeof what, "orgdomain(%s) = %s", in, want);
    if (!ok(rc == want_rc && strcmp(out, want) == 0, "%s", what))
        printf("#   got: rc %d '%s'%s%s\n", rc, out, rc < 0 ? ": " : "", rc < 0 ? st.text : "");
}

static void
canon(const char *in, const char *want)
{
    char out[PSL_NAME_MAX];
    struct status st;
    char what[600];

    snprintf(what, sizeof what, "canonical(%s)", in);
    orgdomain_canonical(in, out, &st);
    is_str(out, want, what);
}

int
main(void)
{
    ok(!dynload_is_loaded("psl"), "psl module not loaded before the first question");
    org("mail.bank.example.co.uk", PSL_OK, "example.co.uk");
    ok(dynload_is_loaded("psl"), "loaded by the first question");
    org("bank.example.co.uk", PSL_OK, "example.co.uk");
    org("example.co.uk", PSL_OK, "example.co.uk");
    org("co.uk", PSL_SUFFIX, "");
    org("com", PSL_SUFFIX, "");
    org("Mail.Example.COM.", PSL_OK, "example.com");
    org("a.b.c.example.com", PSL_OK, "example.com");
    org("user.github.io", PSL_OK, "user.github.io");      /* private section */
    org("x.y.user.github.io", PSL_OK, "user.github.io");
    org("foo.city.kawasaki.jp", PSL_OK, "city.kawasaki.jp");   /* exception rule */
    org("a.b.nom.br", PSL_OK, "a.b.nom.br");              /* wildcard rule *.nom.br? */
    org("www.食狮.中国", PSL_OK, "xn--85x722f.xn--fiqs8s");
    org("WWW.xn--85x722f.XN--fiqs8s", PSL_OK, "xn--85x722f.xn--fiqs8s");
    org("mail.bücher.de", PSL_OK, "xn--bcher-kva.de");
    org("mail.straße.de", PSL_OK, "xn--strae-oqa.de");     /* non-transitional */
    org("[192.0.2.1]", PSL_OK, "[192.0.2.1]");
    org("[IPv6:2001:DB8::1]", PSL_OK, "[IPv6:2001:db8::1]");
    org("[not-an-ip]", PSL_INVALID, "");
    org("", PSL_INVALID, "");
    org("a..b.example", PSL_INVALID, "");
    canon("Bücher.DE.", "xn--bcher-kva.de");
    canon("xn--bcher-kva.de", "xn--bcher-kva.de");
    canon("Example.ORG", "example.org");
    {
        struct status st;
        const struct weir_module *m = dynload_module("psl", &st);
        const struct weir_psl_api *a = m ? m->api : NULL;

        ok(a && strstr(a->list_source(), "publicsuffix") != NULL,
           "the list is Debian's publicsuffix file: %s", a ? a->list_source() : "?");
        ok(m && strstr(m->lib_version(), "libpsl") != NULL, "version: %s",
           m ? m->lib_version() : "?");
    }
    return done();
}
