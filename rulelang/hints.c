/*
 * hints.c -- recognising other filters' syntax and vocabulary for the
 * parser's diagnostics (see hints.h).  Entry points: rl_hint_foreign(),
 * rl_hint_migration(), rl_hint_synonym().  They never fail: an input
 * they do not recognise gives RL_FOREIGN_NONE or NULL.
 */
#include "config.h"
#include "hints.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* procmail's own variables, as a pasted procmailrc assigns them. */
static const char *const procmail_vars[] = {
    "MAILDIR", "DEFAULT", "LOGFILE", "LOGABSTRACT", "VERBOSE", "LOCKFILE",
    "INCLUDERC", "SWITCHRC", "SENDMAIL", "FORMAIL", "ORGMAIL", "UMASK",
    "COMSAT", "LINEBUF", "SHELL", "PATH", "DROPPRIVS", "TRAP", NULL
};

/* Sieve commands that cannot start a weir statement. */
static const char *const sieve_cmds[] = {
    "require", "fileinto", "keep", "redirect", "vacation", "addflag",
    "setflag", "notify", NULL
};

static int
word_at(const char *s, size_t len, size_t off, const char *w)
{
    size_t n = strlen(w);

    return off + n <= len && memcmp(s + off, w, n) == 0 &&
           (off + n == len || !(isalnum((unsigned char)s[off + n]) || s[off + n] == '_'));
}

static size_t
skip_blanks(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

enum rl_foreign
rl_hint_foreign(const char *s, size_t len, size_t off, const char **what)
{
    size_t i;

    *what = NULL;
    if (off >= len)
        return RL_FOREIGN_NONE;
    if (s[off] == ':' && off + 1 < len && s[off + 1] == '0') {
        *what = "a procmail recipe (':0')";
        return RL_FOREIGN_PROCMAIL;
    }
    for (size_t k = 0; procmail_vars[k]; k++)
        if (word_at(s, len, off, procmail_vars[k])) {
            i = skip_blanks(s, len, off + strlen(procmail_vars[k]));
            if (i < len && s[i] == '=') {
                *what = "a procmail assignment (NAME=value)";
                return RL_FOREIGN_PROCMAIL;
            }
        }
    for (size_t k = 0; sieve_cmds[k]; k++)
        if (word_at(s, len, off, sieve_cmds[k])) {
            i = skip_blanks(s, len, off + strlen(sieve_cmds[k]));
            /* require ["fileinto"]; fileinto "x"; keep; */
            if (i < len && (s[i] == '[' || s[i] == '"' || s[i] == ';' || s[i] == ':')) {
                *what = "Sieve (RFC 5228)";
                return RL_FOREIGN_SIEVE;
            }
        }
    return RL_FOREIGN_NONE;
}

const char *
rl_hint_migration(enum rl_foreign f)
{
    switch (f) {
    case RL_FOREIGN_PROCMAIL:
        return "weir has its own rule language: MIGRATING FROM PROCMAIL in weir-rules(5) "
               "shows each kind of recipe as a rule (the rest of this file is not checked)";
    case RL_FOREIGN_SIEVE:
        return "weir has its own rule language: MIGRATING FROM SIEVE in weir-rules(5) "
               "shows each Sieve command as a rule (the rest of this file is not checked)";
    case RL_FOREIGN_NONE:
        break;
    }
    return NULL;
}

static const struct { const char *word, *name; } synonyms[] = {
    { "host", "domain" }, { "hostname", "domain" }, { "domainname", "domain" },
    { "site", "domain" },
    { "local", "localpart" }, { "local-part", "localpart" }, { "mailbox", "localpart" },
    { "address", "all" }, { "addr", "all" }, { "email", "all" },
    { "display", "name" }, { "displayname", "name" }, { "realname", "name" },
    { "phrase", "name" }, { "comment", "name" },
    { "plus", "detail" }, { "extension", "detail" }, { "subaddress", "detail" },
    { "tag", "detail" },
    { "username", "user" },
};

static const struct { const char *tag, *example; } sieve_tags[] = {
    { "contains", "header \"Subject\" contains \"x\"" },
    { "is", "header \"Subject\" is \"x\"" },
    { "matches", "header \"Subject\" glob \"x*\"" },
    { "regex", "header \"Subject\" matches /x/" },
    { "localpart", "address \"From\" localpart is \"x\"" },
    { "domain", "address \"From\" domain is \"example.org\"" },
    { "all", "address \"From\" all is \"x@example.org\"" },
};

const char *
rl_hint_sieve_tag(const char *s, size_t len, size_t off, size_t *n)
{
    size_t i = off + 1;

    if (off >= len || s[off] != ':')
        return NULL;
    while (i < len && isalpha((unsigned char)s[i]))
        i++;
    for (size_t k = 0; k < sizeof sieve_tags / sizeof sieve_tags[0]; k++)
        if (i - off - 1 == strlen(sieve_tags[k].tag) &&
            memcmp(s + off + 1, sieve_tags[k].tag, i - off - 1) == 0) {
            *n = i - off - 1;
            return sieve_tags[k].example;
        }
    return NULL;
}

/* What each address part is, for the help line. */
static const struct { const char *name, *what; } part_desc[] = {
    { "all", "the whole address" }, { "localpart", "the part before the @" },
    { "domain", "the part after the @" }, { "name", "the display name" },
    { "detail", "what follows a + in the local part" },
    { "user", "the local part before a +" },
};

const char *
rl_hint_part_desc(const char *name)
{
    for (size_t i = 0; i < sizeof part_desc / sizeof part_desc[0]; i++)
        if (strcmp(part_desc[i].name, name) == 0)
            return part_desc[i].what;
    return NULL;
}

const char *
rl_hint_synonym(const char *word, const char *const *names)
{
    if (word == NULL || names == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++) {
        if (strcasecmp(word, synonyms[i].word) != 0)
            continue;
        for (size_t k = 0; names[k]; k++)
            if (strcmp(names[k], synonyms[i].name) == 0)
                return names[k];
    }
    return NULL;
}
