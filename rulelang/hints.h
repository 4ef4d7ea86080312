/*
 * hints.h -- what a rule author most likely meant, for the parser's
 * diagnostics (rulelang/parse.c): text pasted from another mail filter
 * (procmail, Sieve) recognised at the start of a statement, and the
 * words other filters use for the parts of an address ("host" for
 * "domain").  Pure functions of their arguments; no diagnostics are
 * added here.
 */
#ifndef WEIR_HINTS_H
#define WEIR_HINTS_H

#include <stddef.h>

enum rl_foreign {
    RL_FOREIGN_NONE = 0,
    RL_FOREIGN_PROCMAIL,        /* a ":0" recipe or a procmail assignment */
    RL_FOREIGN_SIEVE            /* require / fileinto / keep; ... (RFC 5228) */
};

/* Whether the statement starting at byte off of source s (len bytes) is
 * another filter's syntax.  *what gets a short description of what was
 * recognised ("a procmail recipe (':0')"). */
enum rl_foreign rl_hint_foreign(const char *s, size_t len, size_t off, const char **what);

/* The diagnostics' pointer to the migration section of weir-rules(5). */
const char *rl_hint_migration(enum rl_foreign f);

/* The name among names (NULL-terminated) that `word` is another filter's
 * word for ("host" -> "domain", "plus" -> "detail"), or NULL. */
const char *rl_hint_synonym(const char *word, const char *const *names);

/* At byte off of s: a Sieve tag such as ":contains" (the tag's length
 * after the ':' in *n) -> the same test written in weir
 * ("header \"Subject\" contains \"x\""), or NULL. */
const char *rl_hint_sieve_tag(const char *s, size_t len, size_t off, size_t *n);

/* What an address part ("domain") is, in words, or NULL. */
const char *rl_hint_part_desc(const char *name);

#endif
