/*
 * test_log.c -- log_scrub() (lda/sys/log.c): what every log line goes
 * through.  Valid UTF-8 is kept, control characters become '?', and every
 * byte that is not part of valid UTF-8 (Latin-1, overlong forms,
 * surrogates, truncated sequences, code points above U+10FFFF) becomes
 * \xHH, so ~/.weir/log stays text; a line is cut at a whole character.
 */
#include "config.h"
#include "log.h"
#include "tests/tap.h"

static void
scrub_is(const char *in, const char *want, const char *what)
{
    char out[256];

    log_scrub(in, out, sizeof out);
    is_str(out, want, what);
}

int
main(void)
{
    char small[8];

    scrub_is("plain ASCII", "plain ASCII", "ASCII is kept");
    scrub_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7",
             "valid UTF-8 (2, 3 and 4 bytes) is kept");
    scrub_is("Subject: caf\xe9", "Subject: caf\\xE9", "a Latin-1 byte becomes \\xE9");
    scrub_is("a\tb\nc\x7f", "a?b?c?", "control characters become '?'");
    scrub_is("\xc0\xaf", "\\xC0\\xAF", "an overlong '/' is not UTF-8");
    scrub_is("\xe0\x80\xaf", "\\xE0\\x80\\xAF", "a 3-byte overlong form is not UTF-8");
    scrub_is("\xed\xa0\x80", "\\xED\\xA0\\x80", "a UTF-16 surrogate is not UTF-8");
    scrub_is("\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80", "above U+10FFFF is not UTF-8");
    scrub_is("end \xe2\x82", "end \\xE2\\x82", "a sequence cut at the end of the line");
    scrub_is("\xe2x", "\\xE2x", "a lead byte followed by ASCII");
    log_scrub("abcdefghij", small, sizeof small);
    is_str(small, "abcdefg", "a long line is cut to the buffer");
    log_scrub("abcdef\xc3\xa9", small, sizeof small);
    is_str(small, "abcdef", "never in the middle of a character");
    log_scrub("abcd\xe9", small, sizeof small);
    is_str(small, "abcd", "nor in the middle of an escape");
    return done();
}
