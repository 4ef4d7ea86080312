/*
 * pmrc.h -- `weir import procmailrc`: translate a procmail rcfile into an
 * equivalent weir rule file (weir-import(1)).
 *
 * Three pure modules, no file access of their own (included rcfiles are
 * read through the caller's callback), so they can be fuzzed:
 *
 *   pmrc_regex.c   procmail's egrep dialect -> a PCRE2 pattern for weir's
 *                  /.../ literal, for the subject builtins/bi_procmail.c
 *                  presents (the text with one newline before and after,
 *                  bytes >= 0x80 as their Latin-1 code points), which makes
 *                  procmail's ^ and $ (they match a newline, with a
 *                  virtual one at each end), ^^, \< \> and \/ exact;
 *   pmrc_parse.c   the rcfile -> items (comments, assignments, recipes with
 *                  flags, conditions and action, nested blocks), the way
 *                  procmail's own reader splits it;
 *   pmrc_emit.c    items -> weir rules, every original statement above its
 *                  translation as a comment, and notes (file:line, what
 *                  could not be translated or is approximated, and why).
 *
 * Failure: nothing here exits or fails on bad input; what cannot be
 * translated becomes a comment in the output plus a PMRC_UNTRANSLATED
 * note.  The output always compiles (weir check).
 */
#ifndef WEIR_PMRC_H
#define WEIR_PMRC_H

#include <stddef.h>

#include "util.h"

/* ------------------------------------------------------------------ */
/* regular expressions (pmrc_regex.c)                                  */
/* ------------------------------------------------------------------ */

#define PMRE_CASELESS  0x1u     /* no D flag (or ^FROM_DAEMON forced it) */
#define PMRE_NO_SPLIT  0x2u     /* no capture group for \/ (the marker is
                                   dropped: where MATCH is not wanted) */

/* procmail's fixed macros, as compiled into Debian's procmail 3.22
 * (procmailrc(5) MISCELLANEOUS): key and substitute. */
#define PMRE_TO_       "(^((Original-)?(Resent-)?(To|Cc|Bcc)|(X-Envelope|Apparently(-Resent)?)-To):(.*[^-a-zA-Z0-9_.])?)"
#define PMRE_TO        "(^((Original-)?(Resent-)?(To|Cc|Bcc)|(X-Envelope|Apparently(-Resent)?)-To):(.*[^a-zA-Z])?)"
#define PMRE_FROM_DAEMON "(^(Mailing-List:|Precedence:.*(junk|bulk|list)|To: Multiple recipients of |(((Resent-)?(From|Sender)|X-Envelope-From):|>?From )([^>]*[^(.%@a-z0-9])?(Post(ma?(st(e?r)?|n)|office)|(send)?Mail(er)?|daemon|m(mdf|ajordomo)|n?uucp|LIST(SERV|proc)|NETSERV|o(wner|ps)|r(e(quest|sponse)|oot)|b(ounce|bs\\.smtp)|echo|mirror|s(erv(ices?|er)|mtp(error)?|ystem)|A(dmin(istrator)?|MMGR|utoanswer))(([^).!:a-z0-9][-_a-z0-9]*)?[%@>\t ][^<)]*(\\(.*\\).*)?)?$([^>]|$)))"
#define PMRE_FROM_MAILER "(^(((Resent-)?(From|Sender)|X-Envelope-From):|>?From )([^>]*[^(.%@a-z0-9])?(Post(ma(st(er)?|n)|office)|(send)?Mail(er)?|daemon|mmdf|n?uucp|ops|r(esponse|oot)|(bbs\\.)?smtp(error)?|s(erv(ices?|er)|ystem)|A(dmin(istrator)?|MMGR))(([^).!:a-z0-9][-_a-z0-9]*)?[%@>\t ][^<)]*(\\(.*\\).*)?)?$([^>]|$))"

/* Replace ^TO_, ^TO, ^FROM_DAEMON and ^FROM_MAILER (not after a
 * backslash) by their definitions, as procmail does before compiling;
 * *force_caseless is set when ^FROM_DAEMON was used (procmail then
 * ignores the D flag).  Returns the number of substitutions. */
int pmre_macros(const char *re, struct buf *out, int *force_caseless);

struct pmre_result {
    int split;                  /* the pattern has the \/ capture: ${1} */
    int approx;                 /* MATCH may differ (see why) */
    const char *why;            /* static text, or NULL */
};

/* Translate re (len bytes; procmail regex after macro expansion and
 * after the leading-backslash quote of a condition was removed) into a
 * PCRE2 pattern appended to out, ready to sit between weir's slashes
 * (no flags: PMRE_CASELESS adds 'i', which the caller writes after the
 * closing slash).  Every group is non-capturing except the \/ part.
 * Returns 0, or -1 with a reason in err when procmail itself would
 * reject the expression ("Invalid regexp"). */
int pmre_translate(const char *re, size_t len, unsigned flags, struct buf *out,
                   struct pmre_result *res, char *err, size_t errlen);

/* A pattern for one literal string (procmail's $\VAR disarming, or a
 * static value compared literally), appended to out. */
void pmre_literal(const char *s, size_t len, unsigned flags, struct buf *out);

/* What VAR=`formail -r[t][z]xTo:` gives procmail (builtins/bi_procmail.c,
 * the `procmail reply` test): the address formail -r answers for the
 * message with header h (hn bytes), its From_ line from_line (no line
 * break; NULL when it came without one: then procmail's From_ line made
 * from envelope_from counts), appended to out. */
void pm_formail_reply(const char *from_line, const char *h, size_t hn, const char *envelope_from,
                      int trust, int trim, struct buf *out);

/* ------------------------------------------------------------------ */
/* translation (pmrc_parse.c, pmrc_emit.c)                             */
/* ------------------------------------------------------------------ */

enum pmrc_note_kind {
    PMRC_UNTRANSLATED = 1,      /* left as a comment: translation incomplete */
    PMRC_APPROX,                /* translated, behaviour differs as noted */
    PMRC_INFO                   /* translated; something the user should know */
};

struct pmrc_note {
    enum pmrc_note_kind kind;
    char *file;
    int line;
    char *text;
};

/* Reads an INCLUDERC/SWITCHRC file: 0 with the contents in out, or -1
 * with a one-line reason in err. */
struct pmrc_reader {
    int (*read)(void *ctx, const char *path, struct buf *out, char *err, size_t errlen);
    /* Whether path names an existing directory (procmail then files a
     * message as dir/msg.XXXX); may be NULL. */
    int (*is_dir)(void *ctx, const char *path);
    void *ctx;
};

/* Which procmail features weir offers in this build: the translator only
 * emits what `weir check` accepts. */
#define PMRC_HAVE_PROGRAM_TEST 0x1u   /* `? program` conditions */
#define PMRC_HAVE_DUPLICATE    0x2u   /* formail -D -> duplicate */
#define PMRC_HAVE_REPLY        0x4u   /* formail -rt | sendmail -> reply */
#define PMRC_HAVE_SEARCH       0x8u   /* procmail search: regexes put
                                         together at delivery */

struct pmrc_options {
    const char *user;           /* login name, for $LOGNAME in regexes */
    const char *home;           /* home directory, for $HOME in regexes */
    const char *host;           /* host name, for $HOST (NULL: unknown, a
                                   value only known at delivery) */
    unsigned have;              /* PMRC_HAVE_* */
    int include_depth;          /* INCLUDERC nesting translated inline */
};

#define PMRC_DEFAULT_INCLUDE_DEPTH 8

struct pmrc_result {
    struct buf out;             /* the weir rule file */
    struct pmrc_note *notes;
    size_t nnotes;
    int recipes;                /* recipes met (included files too) */
    int translated;             /* of which translated (exactly or noted) */
    int untranslated;           /* notes of kind PMRC_UNTRANSLATED */
};

/* Translate rcfile text (len bytes, read from path).  Always produces
 * output; returns 0 when the translation is complete (no
 * PMRC_UNTRANSLATED note), 1 otherwise. */
int pmrc_translate(const char *path, const char *text, size_t len,
                   const struct pmrc_reader *reader, const struct pmrc_options *opt,
                   struct pmrc_result *res);
void pmrc_result_free(struct pmrc_result *res);

#endif
