/*
 * test_mailparse.c -- unit tests for builtins/mailparse.h: header field
 * splitting, unfolding, RFC 2047 decoding, address lists, local-part
 * split.  Exact expected values, including hostile input (unterminated
 * constructs, NULs, 8-bit bytes, CRLF, huge and deeply nested values);
 * an alarm() turns a quadratic blow-up into a failure, not a hang.
 */
#include "config.h"
#include "mailparse.h"
#include "mp_internal.h"
#include "util.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Seconds the whole test may take (ASan included) before SIGALRM. */
#define TEST_TIME_LIMIT 120

/* ---- header fields ---- */

/* "name=[raw]" for every field, joined by "|". */
static char *
fields(const char *block, size_t len)
{
    struct mp_header h;
    struct buf b = BUF_INIT;
    size_t i;

    mp_header_parse(block, len, &h);
    for (i = 0; i < h.n; i++) {
        if (i)
            buf_addc(&b, '|');
        buf_add(&b, h.f[i].name, h.f[i].name_len);
        buf_adds(&b, "=[");
        buf_add(&b, h.f[i].raw, h.f[i].raw_len);
        buf_addc(&b, ']');
    }
    mp_header_free(&h);
    return buf_steal(&b);
}

static void
hdr(const char *block, const char *want, const char *what)
{
    char *got = fields(block, strlen(block));

    is_str(got, want, what);
    free(got);
}

static void
test_header(void)
{
    struct mp_header h;
    char *got;
    static const char nul[] = "X: a\0b\nY: c\n\nbody";

    hdr("Subject: hi\nFrom: a@b\n\nbody: x\n", "Subject=[ hi]|From=[ a@b]",
        "header: two fields, stops at the empty line");
    hdr("Subject: a\n b\n\tc\nX: y\n", "Subject=[ a\n b\n\tc]|X=[ y]",
        "header: folded field keeps its folding");
    hdr("Subject: a\r\n b\r\nX: y\r\n\r\nZ: no\r\n", "Subject=[ a\r\n b]|X=[ y]",
        "header: CRLF lines, CRLF empty line ends the header");
    hdr("Subject: a\nthis is junk\n cont\nX: y\n", "Subject=[ a]|X=[ y]",
        "header: junk line and its continuation skipped");
    hdr(" leading\n\tmore\nX: y\n", "X=[ y]", "header: continuation before any field skipped");
    hdr("Subject : hi\n", "Subject=[ hi]", "header: white space before the colon (obsolete)");
    hdr("X:\nY:z\n", "X=[]|Y=[z]", "header: empty value, no space after colon");
    hdr("X: y", "X=[ y]", "header: no final newline");
    hdr(">From a@b Mon Jan  1 12:00:00 2024\nX: y\n", "X=[ y]", "header: >From line skipped");
    hdr("S\xc3\xbc" "bject: x\nX: y\n", "X=[ y]", "header: 8-bit field name skipped");
    hdr(": x\nX: y\n", "X=[ y]", "header: empty field name skipped");
    hdr("A: 1\n \nB: 2\n", "A=[ 1\n ]|B=[ 2]", "header: white-space-only line continues");
    hdr("A: 1\n\n", "A=[ 1]", "header: trailing empty line");
    hdr("\nA: 1\n", "", "header: empty first line = empty header");
    hdr("A: 1\nB 2\nC: 3\n", "A=[ 1]|C=[ 3]", "header: line without colon skipped");
    hdr("Bad Name: 1\nC: 3\n", "C=[ 3]", "header: name with a space skipped");
    hdr("A: x: y\n", "A=[ x: y]", "header: colon in the value");

    got = fields(nul, sizeof(nul) - 1);
    ok(memcmp(got, "X=[ a\0b]|Y=[ c]", 15) == 0, "header: NUL kept in raw value");
    free(got);

    mp_header_parse("", 0, &h);
    ok(h.n == 0 && h.f == NULL, "header: empty block gives no fields");
    mp_header_free(&h);

    /* len stops the parse even without an empty line */
    got = fields("A: 1\nB: 2\n", 5);
    is_str(got, "A=[ 1]", "header: stops at len");
    free(got);

    mp_header_parse("Subject: x\nsubject: y\nSUBJECT: z\nSubj: no\n", 42, &h);
    ok(h.n == 4 && mp_field_is(&h.f[0], "subject") && mp_field_is(&h.f[1], "Subject") &&
       mp_field_is(&h.f[2], "sUbJeCt"), "field_is: case-insensitive, every occurrence kept");
    ok(!mp_field_is(&h.f[3], "Subject") && !mp_field_is(&h.f[0], "Subj") &&
       !mp_field_is(&h.f[0], "Subjects"), "field_is: no prefix matches");
    mp_header_free(&h);
}

/* ---- unfolding ---- */

static void
unf(const char *raw, size_t len, const char *want, const char *what)
{
    char *got = mp_unfold(raw, len);

    is_str(got, want, what);
    free(got);
}

static void
test_unfold(void)
{
    unf(" a\n b\n\tc", 8, "a b\tc", "unfold: LF folding, white space kept");
    unf(" a\r\n b", 6, "a b", "unfold: CRLF folding");
    unf("  x  \t", 6, "x", "unfold: trimmed");
    unf("a\rb", 3, "a b", "unfold: lone CR becomes a space");
    unf("a\0b", 3, "a b", "unfold: NUL becomes a space");
    unf("", 0, "", "unfold: empty");
    unf(" \n \t\r\n ", 7, "", "unfold: only white space");
    unf("a  \n   b", 8, "a     b", "unfold: runs of white space not collapsed");
    unf("a\n\nb", 4, "ab", "unfold: bare line breaks removed");
    unf("a\r\r\nb\r", 6, "a b", "unfold: CR before CRLF a space, a final CR trimmed");
    unf("\0 a", 3, "a", "unfold: a leading NUL is white space once a space");
}

/* ---- RFC 2047 ---- */

static void
dec(const char *in, const char *want, const char *what)
{
    char *got = mp_decode_2047(in);

    is_str(got, want, what);
    ok(mp_utf8_valid(got, strlen(got)), "  ... output is valid UTF-8");
    free(got);
}

static void
test_2047(void)
{
    struct buf b = BUF_INIT;
    char *got;
    size_t i;

    dec("plain ascii", "plain ascii", "2047: plain text unchanged");
    dec("=?UTF-8?Q?caf=C3=A9?=", "caf\xc3\xa9", "2047: Q UTF-8");
    dec("=?utf-8?q?caf=c3=a9?=", "caf\xc3\xa9", "2047: lower-case q and hex");
    dec("=?iso-8859-1?q?caf=E9?=", "caf\xc3\xa9", "2047: Q Latin-1");
    dec("=?UTF-8?B?Y2Fmw6k=?=", "caf\xc3\xa9", "2047: B UTF-8");
    dec("=?utf-8?b?Y2Fmw6k?=", "caf\xc3\xa9", "2047: B without padding");
    dec("=?utf-8?b?YQ==Yg==?=", "ab", "2047: B padded chunks back to back");
    dec("=?UTF-8?Q?a_b?=", "a b", "2047: Q underscore is a space");
    dec("=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab", "2047: space between words dropped");
    dec("=?UTF-8?Q?a?=\t  =?UTF-8?Q?b?=", "ab", "2047: tabs and spaces between words dropped");
    dec("=?UTF-8?Q?a?==?UTF-8?Q?b?=", "ab", "2047: touching words");
    dec("=?UTF-8?Q?a?= b", "a b", "2047: space before text kept");
    dec("a =?UTF-8?Q?b?= c", "a b c", "2047: word between text");
    dec("x=?utf-8?q?a?=y", "xay", "2047: word touching text decoded");
    dec("=?utf-8?q?" "?=", "", "2047: empty encoded text");
    dec("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=", "caf\xc3\xa9",
        "2047: UTF-8 character split across Q words");
    dec("=?utf-8?B?4oI=?= =?UTF-8?B?rA==?=", "\xe2\x82\xac",
        "2047: UTF-8 character split across B words (charset case differs)");
    dec("=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?=", "\xc3\xa9\xc3\xa9",
        "2047: adjacent words in different charsets");
    dec("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
        "2047: ISO-2022-JP");
    dec("=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= =?ISO-2022-JP?B?GyRCOGwbKEI=?=",
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "2047: ISO-2022-JP over two words");
    dec("=?iso-2022-jp?B?GyhJMTIbKEI=?=", "\xef\xbd\xb1\xef\xbd\xb2",
        "2047: ISO-2022-JP half-width katakana (ESC ( I)");
    dec("=?shift_jis?q?=82=A0?=", "\xe3\x81\x82", "2047: Shift_JIS");
    dec("=?gb2312?B?xOO6ww==?=", "\xe4\xbd\xa0\xe5\xa5\xbd", "2047: GB2312");
    dec("=?big5?B?pKSk5Q==?=", "\xe4\xb8\xad\xe6\x96\x87", "2047: Big5");
    dec("=?koi8-r?B?8NLJ18XU?=", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
        "2047: KOI8-R");
    dec("=?windows-1252?q?=80?=", "\xe2\x82\xac", "2047: Windows-1252");
    dec("=?ks_c_5601-1987?q?=C7=D1?=", "\xed\x95\x9c", "2047: ks_c_5601-1987 (as CP949)");
    dec("=?iso-8859-2?q?=B3?=", "\xc5\x82", "2047: ISO-8859-2");
    dec("=?utf-7?q?+AKM-1?=", "\xc2\xa3" "1", "2047: UTF-7");
    dec("=?utf-8*en?q?hi?=", "hi", "2047: RFC 2231 language suffix ignored");
    dec("=?x-nonexistent?q?hi?=", "=?x-nonexistent?q?hi?=", "2047: unknown charset kept");
    dec("=?utf-8?x?hi?=", "=?utf-8?x?hi?=", "2047: unknown encoding kept");
    dec("=?utf-8?q?hi", "=?utf-8?q?hi", "2047: unterminated word kept");
    dec("=?utf-8?q?h i?=", "=?utf-8?q?h i?=", "2047: space inside a word: kept");
    dec("=?" "?q?hi?=", "=?" "?q?hi?=", "2047: empty charset kept");
    dec("=?utf-8?b?Y2F!?=", "=?utf-8?b?Y2F!?=", "2047: non-base64 character kept");
    dec("=?utf-8//TRANSLIT?q?a?=", "=?utf-8//TRANSLIT?q?a?=", "2047: '/' in charset kept");
    dec("=?utf-8?q?a=zb=4?=", "a=zb=4", "2047: Q '=' without two hex digits stays");
    dec("=?utf-8?q?a?= =?bogus?q?b?=", "a =?bogus?q?b?=",
        "2047: space before an unusable word kept");
    dec("=?utf-8?q?a=0D=0Ab=00c?=", "a  b c", "2047: decoded CR, LF, NUL become spaces");
    dec("=?utf-8?q?=FF?=", "\xc3\xbf", "2047: invalid UTF-8 in a UTF-8 word as Latin-1");
    dec("=?euc-jp?q?a=A4?=", "a\xef\xbf\xbd", "2047: truncated multibyte becomes U+FFFD");
    dec("=?us-ascii?q?=E9?=", "\xc3\xa9", "2047: 8-bit in US-ASCII as Latin-1");
    dec("caf\xe9", "caf\xc3\xa9", "2047: raw Latin-1 byte");
    dec("caf\xc3\xa9", "caf\xc3\xa9", "2047: raw UTF-8 kept");
    dec("\xc0\xaf", "\xc3\x80\xc2\xaf", "2047: overlong UTF-8 taken as Latin-1");
    dec("\xed\xa0\x80", "\xc3\xad\xc2\xa0\xc2\x80", "2047: surrogate taken as Latin-1");
    dec("\xf4\x90\x80\x80", "\xc3\xb4\xc2\x90\xc2\x80\xc2\x80",
        "2047: above U+10FFFF taken as Latin-1");
    dec("\xf0\x9f\x98\x80 ok", "\xf0\x9f\x98\x80 ok", "2047: 4-byte UTF-8 kept");
    dec("\xe2\x82", "\xc3\xa2\xc2\x82", "2047: truncated UTF-8 at the end as Latin-1");
    dec("=?=?=?utf-8?q?a?=", "=?=?a", "2047: junk before a word");
    dec("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab", "2047: folding between words (not unfolded) dropped");
    dec("=?utf-16?b?AGEAYg==?=", "ab", "2047: UTF-16 without BOM (big-endian)");
    dec("=?utf-16?b?//5hAGIA?=", "ab", "2047: UTF-16 with a little-endian BOM");
    dec("=?UTF-16?b?/v8AYQBi?=", "ab", "2047: UTF-16 with a big-endian BOM");
    dec("=?utf-32?b?AAAAYQ==?=", "a", "2047: UTF-32 without BOM (big-endian)");
    dec("=?GBK?B?xOO6ww==?= =?cp936?B?xOO6ww==?=", "\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xbd\xa0\xe5\xa5\xbd",
        "2047: GBK and CP936 (as GB18030)");
    dec("=?NONE?B?VEVTVA=?=", "=?NONE?B?VEVTVA=?=", "2047: bogus charset from the corpus kept");

    /* The worst expansion glibc has: a TSCII byte is four code points. */
    got = mp_decode_2047("=?tscii?q?=82?=");
    is_str(got, "\xe0\xae\xb8\xe0\xaf\x8d\xe0\xae\xb0\xe0\xaf\x80",
           "2047: TSCII (one byte, four code points)");
    free(got);
    buf_adds(&b, "=?tscii?q?");
    for (i = 0; i < 1000; i++)
        buf_addc(&b, 0x82);
    buf_adds(&b, "?=");
    got = mp_decode_2047(b.data);
    ok(strlen(got) == 12000 && strlen(got) <= 12 * b.len && mp_utf8_valid(got, strlen(got)),
       "2047: 1000 raw TSCII bytes give 12000 bytes, within 12 per input byte");
    free(got);
    buf_reset(&b);

    /* The converter budget: only MP_ICONV_OPEN_MAX charsets per value. */
    for (i = 2; i <= 10; i++)
        buf_printf(&b, "=?iso-8859-%zu?q?x?= ", i);
    got = mp_decode_2047(b.data);
    is_str(got, "xxxxxxxx =?iso-8859-10?q?x?= ", "2047: 9th distinct iconv charset kept literally");
    free(got);
    buf_free(&b);
}

/* ---- addresses ---- */

/* "display|local|domain" for every address, joined by " ;; ". */
static char *
addrs(const char *value)
{
    struct mp_address *a;
    size_t n = mp_address_parse_list(value, &a), i;
    struct buf b = BUF_INIT;

    for (i = 0; i < n; i++)
        buf_printf(&b, "%s%s|%s|%s", i ? " ;; " : "", a[i].display, a[i].local,
                   a[i].domain);
    if (n == 0 && a != NULL)
        buf_adds(&b, "(non-NULL list with 0 addresses)");
    mp_address_list_free(a, n);
    return buf_steal(&b);
}

static void
adr(const char *value, const char *want, const char *what)
{
    char *got = addrs(value);

    is_str(got, want, what);
    free(got);
}

static void
test_address(void)
{
    adr("a@b.c", "|a|b.c", "addr: bare addr-spec");
    adr("John Smith <John.Smith@Example.COM>", "John Smith|John.Smith|example.com",
        "addr: name-addr, domain lower-cased, local case kept");
    adr("\"Smith, John\" <js@x.org>", "Smith, John|js|x.org", "addr: quoted display with comma");
    adr("a@b, c@d", "|a|b ;; |c|d", "addr: list");
    adr("js@x.org (John  Smith)", "John Smith|js|x.org", "addr: comment becomes display name");
    adr("(first) js@x.org (second)", "first|js|x.org", "addr: first comment taken");
    adr("Group: a@b, \"C\" <c@d>;, e@f", "|a|b ;; C|c|d ;; |e|f", "addr: group flattened");
    adr("undisclosed-recipients:;", "", "addr: empty group");
    adr("<@r1.example,@r2.example:user@dom>", "|user|dom", "addr: obsolete route dropped");
    adr("\"john smith\"@example.com", "|john smith|example.com", "addr: quoted local part");
    adr("\"a\\\"b\"@x", "|a\"b|x", "addr: quoted pair in local part");
    adr("\"a b\".c@x", "|a b.c|x", "addr: quoted and atom local part");
    adr("John Smith john@example.com", "John Smith|john|example.com",
        "addr: missing angle brackets");
    adr("=?utf-8?q?J=C3=B6rg?= <j@x>", "J\xc3\xb6rg|j|x", "addr: encoded display name");
    adr("\"=?utf-8?q?J=C3=B6rg?=\" <j@x>", "J\xc3\xb6rg|j|x",
        "addr: encoded-word inside quotes decoded");
    adr("=?utf-8?q?a?= =?utf-8?q?b?= <j@x>", "ab|j|x", "addr: adjacent encoded words in display");
    adr("John Q. Public <jqp@x>", "John Q. Public|jqp|x", "addr: obsolete phrase with dot");
    adr("a@[192.168.0.1]", "|a|[192.168.0.1]", "addr: domain literal");
    adr("a@[IPv6:::1]", "|a|[ipv6:::1]", "addr: IPv6 domain literal lower-cased");
    adr("postmaster", "|postmaster|", "addr: local part only");
    adr("<postmaster>", "|postmaster|", "addr: bracketed local part only");
    adr("<>", "", "addr: null address dropped");
    adr("John Smith", "", "addr: several words, no address: garbage");
    adr("\"unterminated <a@b>", "unterminated|a|b", "addr: unterminated quote skipped");
    adr("(unterminated a@b", "unterminated|a|b", "addr: unterminated comment skipped");
    adr("a@[1.2.3.4", "|a|1.2.3.4", "addr: unterminated domain literal");
    adr("<a@b", "|a|b", "addr: missing '>'");
    adr("<a@b, c@d", "|a|b ;; |c|d", "addr: missing '>' then list");
    adr("<@a, b@c", "|b|c", "addr: missing '>' after a route prefix");
    adr("a@b c@d", "|a|b ;; |c|d", "addr: missing comma between addr-specs");
    adr("a <b@c> d <e@f>", "a|b|c ;; d|e|f", "addr: missing comma between name-addrs");
    adr("<a@b> John, c@d", "|a|b ;; |c|d", "addr: words after an address dropped");
    adr("support@paypal.com <evil@x.example>", "support@paypal.com|evil|x.example",
        "addr: '@' in an unquoted display name stays display");
    adr("a@b (x (y) z)", "x (y) z|a|b", "addr: nested comment");
    adr("a@b (=?utf-8?q?J=C3=B6rg?=)", "J\xc3\xb6rg|a|b", "addr: encoded comment");
    adr("a . b @ c . d", "|a.b|c.d", "addr: white space around dots (obsolete)");
    adr("foo..bar.@docomo.ne.jp", "|foo..bar.|docomo.ne.jp", "addr: empty dot-atom parts kept");
    adr("a@b@c", "|a|b", "addr: second '@' is garbage");
    adr(",,, a@b ,,,", "|a|b", "addr: empty list elements");
    adr("a@b;c@d", "|a|b ;; |c|d", "addr: ';' separates too");
    adr("J\xf6rg <j@x>", "J\xc3\xb6rg|j|x", "addr: 8-bit Latin-1 display");
    adr("J\xc3\xb6rg <j@x>", "J\xc3\xb6rg|j|x", "addr: raw UTF-8 display");
    adr("a@B\xc3\xbc" "cher.DE", "|a|b\xc3\xbc" "cher.de", "addr: IDN left as is, ASCII lowered");
    adr("J\xc3\xb6rg@x", "|J\xc3\xb6rg|x", "addr: UTF-8 local part (RFC 6532)");
    adr("a\xff@x", "|a\xc3\xbf|x", "addr: invalid byte in local part as Latin-1");
    adr("", "", "addr: empty value");
    adr(" \t ", "", "addr: blank value");
    adr("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
        "Mary Smith|mary|x.test ;; |jdoe|example.org ;; Who?|one|y.test",
        "addr: RFC 5322 A.1.2");
    adr("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
        "Ed Jones|c|a.test ;; |joe|where.test ;; John|jdoe|one.test", "addr: RFC 5322 A.1.3");
    adr("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
        "Pete|pete|silly.test", "addr: RFC 5322 A.5 comments");
    adr("A Group(Some people)     :Chris Jones <c@(Chris's host.)public.example>,"
        "         joe@example.org,  John <jdoe@one.test> (my dear friend); (the end of the group)",
        "Chris Jones|c|public.example ;; |joe|example.org ;; John|jdoe|one.test",
        "addr: RFC 5322 A.5 group with comments");
    adr("John Doe <jdoe@machine(comment).  example>", "John Doe|jdoe|machine.example",
        "addr: RFC 5322 A.6.3 obsolete white space");
    adr("\"\"@x", "||x", "addr: empty quoted local part");
    adr("<<a@b>>", "|a|b", "addr: doubled brackets");
    adr("\"\", x@y", "|x|y", "addr: lone empty quoted string dropped");
    /* fuzz_address finding: an empty quoted string before the arena
     * held anything took an offset from a NULL pointer (UBSan) */
    adr("\"\" <js@x.orsg\276, a@b, c@:d", "|js|x.orsg\xc2\xbe ;; |a|b ;; |d|",
        "addr: fuzz case: empty display quote first");
    adr(":::;;;<<<>>>@@@...,,,", "", "addr: only specials");
    adr("=?utf-8?q?a=40b.com_=3Cx=40y=3E?= <evil@z>", "a@b.com <x@y>|evil|z",
        "addr: structure is parsed before decoding (encoded '<' '@' stay display)");
    adr("(mailbox in US-ASCII)", "", "addr: only a comment");
    adr("Moderator-Address <moderator>", "Moderator-Address|moderator|", "addr: name-addr without domain");
    adr("a@b,\r\n c@d", "|a|b ;; |c|d", "addr: CRLF (not unfolded) is white space");
    adr("<evil@x> bank@bank.example", "|evil|x ;; |bank|bank.example",
        "addr: addr-spec after a name-addr without comma");
    adr("\"a\r\nb\"@x", "|a  b|x", "addr: CR LF in a quoted local part become spaces");
}

static void
test_spec_split(void)
{
    struct mp_address a;
    char *s, *user, *detail;

    a.display = "";
    a.local = "john";
    a.domain = "example.com";
    s = mp_address_spec(&a);
    is_str(s, "john@example.com", "spec: local@domain");
    free(s);
    a.domain = "";
    s = mp_address_spec(&a);
    is_str(s, "john", "spec: local only without domain");
    free(s);

    mp_local_split("user+detail", '+', &user, &detail);
    ok(strcmp(user, "user") == 0 && detail && strcmp(detail, "detail") == 0, "split: user+detail");
    free(user), free(detail);
    mp_local_split("user", '+', &user, &detail);
    ok(strcmp(user, "user") == 0 && detail == NULL, "split: no separator, detail NULL");
    free(user);
    mp_local_split("a+b+c", '+', &user, &detail);
    ok(strcmp(user, "a") == 0 && strcmp(detail, "b+c") == 0, "split: at the first separator");
    free(user), free(detail);
    mp_local_split("+x", '+', &user, &detail);
    ok(strcmp(user, "") == 0 && strcmp(detail, "x") == 0, "split: empty user");
    free(user), free(detail);
    mp_local_split("a+", '+', &user, &detail);
    ok(strcmp(user, "a") == 0 && strcmp(detail, "") == 0, "split: empty detail is not NULL");
    free(user), free(detail);
    mp_local_split("a-b", '-', &user, &detail);
    ok(strcmp(user, "a") == 0 && strcmp(detail, "b") == 0, "split: other separator");
    free(user), free(detail);
}

/* ---- hostile sizes: linear work, bounded output ---- */

static char *
repeat(const char *unit, size_t times)
{
    size_t n = strlen(unit), i;
    char *s = xmalloc(n * times + 1);

    for (i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    s[n * times] = '\0';
    return s;
}

static void
test_hostile(void)
{
    struct mp_address *a;
    struct mp_header h;
    char *s, *d;
    size_t n;

    s = repeat("=?", 500000);
    d = mp_decode_2047(s);
    ok(strcmp(d, s) == 0, "hostile: 1 MB of '=?' kept literally");
    free(d), free(s);

    s = repeat("=?a?q?", 200000);
    d = mp_decode_2047(s);
    ok(strcmp(d, s) == 0, "hostile: 1.2 MB of unterminated word starts");
    free(d), free(s);

    s = repeat("=?utf-8?q?=C3=A9?= ", 50000);
    d = mp_decode_2047(s);
    ok(strlen(d) == 2 * 50000 + 1 && mp_utf8_valid(d, strlen(d)),
       "hostile: 50000 adjacent words joined (%zu bytes)", strlen(d));
    free(d), free(s);

    s = repeat("\xff", 1000000);
    d = mp_decode_2047(s);
    ok(strlen(d) == 2000000 && mp_utf8_valid(d, strlen(d)),
       "hostile: 1 MB of 0xFF bytes gives 2 MB of valid UTF-8");
    free(d), free(s);

    s = repeat("a@b,", 250000);
    n = mp_address_parse_list(s, &a);
    ok(n == 250000 && strcmp(a[n - 1].local, "a") == 0, "hostile: 250000 addresses");
    mp_address_list_free(a, n);
    free(s);

    s = repeat("(", 1000000);
    n = mp_address_parse_list(s, &a);
    ok(n == 0 && a == NULL, "hostile: 1 MB of '(' (unterminated nesting)");
    free(s);

    s = repeat("\"\\", 500000);
    n = mp_address_parse_list(s, &a);
    ok(n == 0, "hostile: 1 MB of quote-backslash");
    free(s);

    s = repeat("a@", 500000);
    n = mp_address_parse_list(s, &a);
    ok(n == 1, "hostile: 1 MB of 'a@' (got %zu)", n);
    mp_address_list_free(a, n);
    free(s);

    s = repeat("a b ", 250000);
    n = mp_address_parse_list(s, &a);
    ok(n == 0, "hostile: 1 MB of words without '@'");
    free(s);

    s = repeat("x <a@b> ", 100000);
    n = mp_address_parse_list(s, &a);
    ok(n == 100000, "hostile: 100000 name-addrs without commas (got %zu)", n);
    mp_address_list_free(a, n);
    free(s);

    s = repeat("<@a,", 250000);
    n = mp_address_parse_list(s, &a);
    ok(n == 0, "hostile: 1 MB of unterminated routes");
    free(s);

    s = repeat("(a)", 300000);
    d = xasprintf("x@y %s", s);
    n = mp_address_parse_list(d, &a);
    ok(n == 1 && strcmp(a[0].display, "a") == 0, "hostile: 300000 comments after an address");
    mp_address_list_free(a, n);
    free(d), free(s);

    s = repeat("X: y\n", 200000);
    mp_header_parse(s, strlen(s), &h);
    ok(h.n == 200000, "hostile: 200000 header fields");
    mp_header_free(&h);
    free(s);

    s = repeat(" \n", 500000);
    d = mp_unfold(s, strlen(s));
    ok(*d == '\0', "hostile: 1 MB of folding unfolds to nothing");
    free(d), free(s);
}

int
main(void)
{
    alarm(TEST_TIME_LIMIT);
    test_header();
    test_unfold();
    test_2047();
    test_address();
    test_spec_split();
    test_hostile();
    return done();
}
