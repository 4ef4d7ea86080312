/*
 * test_mismatch.c -- envelope/header mismatch facts (builtins/mismatch.h)
 * with the real psl module for organisational domains.
 */
#include "config.h"
#include "mismatch.h"
#include "orgdomain.h"
#include "tests/tap.h"

static int
ocanon(void *ctx, const char *d, char out[PSL_NAME_MAX])
{
    struct status st;

    (void)ctx;
    return orgdomain_canonical(d, out, &st) == PSL_OK ? 0 : -1;
}

static int
oorg(void *ctx, const char *d, char out[PSL_NAME_MAX])
{
    struct status st;

    (void)ctx;
    return orgdomain_get(d, out, &st) == PSL_OK ? 0 : -1;
}

static const struct mm_ops ops = { ocanon, oorg, NULL };

struct list {
    struct mp_address *a;
    size_t n;
};

static struct list
L(const char *v)
{
    struct list l;

    l.n = mp_address_parse_list(v, &l.a);
    return l;
}

static void
sender(const char *env, const char *from, enum mm_strength s, enum mm_verdict want,
       const char *why_has)
{
    struct list l = L(from);
    struct buf why = BUF_INIT;
    enum mm_verdict v = mm_sender_vs(&ops, env, "From", l.a, l.n, s, &why);

    ok(v == want && strstr(why.data ? why.data : "", why_has) != NULL,
       "sender %s vs From %s (strength %d): %d: %s", env, from, s, v, why.data);
    buf_free(&why);
    mp_address_list_free(l.a, l.n);
}

int
main(void)
{
    struct buf why = BUF_INIT;
    struct list a, b;
    enum mm_verdict v;

    sender("alice@bank.example", "Alice <alice@bank.example>", MM_ADDRESS, MM_SAME, "same address");
    sender("Alice@BANK.example", "alice@bank.example", MM_ADDRESS, MM_SAME, "same address");
    sender("bounce-123@bank.example", "alice@bank.example", MM_ADDRESS, MM_DIFFERENT,
           "local parts bounce-123 and alice differ");
    sender("bounce-123@bank.example", "alice@bank.example", MM_DOMAIN, MM_SAME, "same domain");
    sender("b@mail.bank.example", "alice@bank.example", MM_DOMAIN, MM_DIFFERENT,
           "domains mail.bank.example and bank.example differ");
    sender("b@mail.bank.example", "alice@bank.example", MM_ORG, MM_SAME,
           "same organisational domain");
    sender("b@news.example.co.uk", "a@shop.example.co.uk", MM_ORG, MM_SAME, "same organisational");
    sender("b@example.co.uk", "a@other.co.uk", MM_ORG, MM_DIFFERENT,
           "organisational domains example.co.uk and other.co.uk differ");
    sender("x@evil.example", "\"Bank\" <alice@bank.example>", MM_ORG, MM_DIFFERENT,
           "vs From alice@bank.example");
    sender("x@bücher.de", "a@mail.xn--bcher-kva.de", MM_ORG, MM_SAME, "same organisational");
    sender("x@bücher.de", "a@XN--BCHER-KVA.DE", MM_DOMAIN, MM_SAME, "same domain");
    sender("x@evil.example", "a@other.example, b@evil.example", MM_DOMAIN, MM_SAME,
           "b@evil.example");
    sender("", "a@bank.example", MM_ORG, MM_NOT_APPLICABLE, "null envelope sender");
    sender("a@bank.example", "", MM_ORG, MM_NOT_APPLICABLE, "no From address");

    a = L("Bob <bob@example.org>, carol@example.org");
    b = L("dave@example.org");
    v = mm_recipient_hidden("carol+lists@Example.ORG", a.a, a.n, b.a, b.n, &why);
    ok(v == MM_SAME,
       "recipient in To (detail and case ignored): %s", why.data);
    buf_reset(&why);
    v = mm_recipient_hidden("dave@example.org", a.a, a.n, b.a, b.n, &why);
    ok(v == MM_SAME &&
       strstr(why.data, "in Cc") != NULL, "recipient in Cc: %s", why.data);
    buf_reset(&why);
    v = mm_recipient_hidden("erin@example.org", a.a, a.n, b.a, b.n, &why);
    ok(v == MM_DIFFERENT,
       "blind copy: %s", why.data);
    buf_reset(&why);
    v = mm_recipient_hidden("erin@example.org", NULL, 0, NULL, 0, &why);
    ok(v == MM_DIFFERENT,
       "no To/Cc at all: a blind copy: %s", why.data);
    buf_reset(&why);
    v = mm_recipient_hidden("", a.a, a.n, b.a, b.n, &why);
    ok(v == MM_NOT_APPLICABLE,
       "no recipient: not applicable");
    buf_reset(&why);
    mp_address_list_free(a.a, a.n);
    mp_address_list_free(b.a, b.n);

    a = L("Victim <victim@example.net>");
    b = L("victim@EXAMPLE.net");
    v = mm_from_is_to(a.a, a.n, b.a, b.n, &why);
    ok(v == MM_DIFFERENT, "From equals To: %s", why.data);
    buf_reset(&why);
    mp_address_list_free(b.a, b.n);
    b = L("other@example.net");
    v = mm_from_is_to(a.a, a.n, b.a, b.n, &why);
    ok(v == MM_SAME, "From is not To: %s", why.data);
    buf_reset(&why);
    mp_address_list_free(b.a, b.n);

    b = L("collect@evil.example");
    v = mm_replyto_other_org(&ops, a.a, a.n, b.a, b.n, &why);
    ok(v == MM_DIFFERENT &&
       strstr(why.data, "evil.example") != NULL, "Reply-To in another organisation: %s",
       why.data);
    buf_reset(&why);
    mp_address_list_free(b.a, b.n);
    b = L("help@support.example.net");
    v = mm_replyto_other_org(&ops, a.a, a.n, b.a, b.n, &why);
    ok(v == MM_SAME,
       "Reply-To in the same organisation: %s", why.data);
    buf_reset(&why);
    mp_address_list_free(b.a, b.n);
    v = mm_replyto_other_org(&ops, a.a, a.n, NULL, 0, &why);
    ok(v == MM_NOT_APPLICABLE,
       "no Reply-To: not applicable");
    buf_reset(&why);
    mp_address_list_free(a.a, a.n);

    a = L("\"support@bank.example\" <x@evil.example>");
    v = mm_display_address(&ops, a.a, a.n, &why);
    ok(v == MM_DIFFERENT &&
       strstr(why.data, "bank.example") && strstr(why.data, "evil.example"),
       "display name shows another domain: %s", why.data);
    buf_reset(&why);
    mp_address_list_free(a.a, a.n);
    a = L("\"support@bank.example via Help\" <noreply@mail.bank.example>");
    v = mm_display_address(&ops, a.a, a.n, &why);
    ok(v == MM_SAME, "same organisation: %s", why.data);
    buf_reset(&why);
    mp_address_list_free(a.a, a.n);
    a = L("=?utf-8?q?service=40paypal=2Ecom?= <a@evil.example>");
    v = mm_display_address(&ops, a.a, a.n, &why);
    ok(v == MM_DIFFERENT,
       "RFC 2047-encoded address in the display name: %s", why.data);
    buf_reset(&why);
    mp_address_list_free(a.a, a.n);
    a = L("Alice Smith <alice@example.org>");
    v = mm_display_address(&ops, a.a, a.n, &why);
    ok(v == MM_NOT_APPLICABLE, "plain name: n/a");
    buf_reset(&why);
    mp_address_list_free(a.a, a.n);
    buf_free(&why);
    return done();
}
