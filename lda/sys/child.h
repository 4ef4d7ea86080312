/*
 * child.h -- running programs for pipe, filter and sendmail (forward,
 * replies, bounces).
 *
 * child_run() forks and execs spec->argv (or "/bin/sh -c spec->command"),
 * with the allowlisted environment spec->env only (see child_env below), no inherited privileges
 * (the setgid mail group is not passed on), umask 077, the message (if
 * any) on its standard input, and its standard output captured into *out
 * when out is not NULL (filter), else discarded.  The child runs in its own
 * process group; when spec->timeout_sec passes, the whole group is killed
 * (SIGTERM, then SIGKILL) and the run is a temporary failure.
 *
 * Returns 0 when the child exited 0; otherwise -1 with *st set: 4.x.x for
 * timeouts, signals, exit 75 and failures to start; 5.x.x only for a clean
 * non-zero exit other than 75 when spec->perm_on_exit is set (126 and 127
 * from "/bin/sh -c", a missing or unrunnable program, stay temporary).
 * Output beyond spec->out_max kills the child: 4.3.4.  A child that exits
 * without reading all of its input is not an error in itself (EPIPE is
 * handled); its exit status decides.  An argv[0] without '/' is looked up
 * in PRIV_SAFE_PATH.  *exit_code
 * (if not NULL) gets the exit status or 128+signal.
 */
#ifndef WEIR_CHILD_H
#define WEIR_CHILD_H

#include <sys/types.h>

#include "status.h"
#include "util.h"

/* Timeout when spec->timeout_sec is 0 (callers normally pass the
 * configured value, weir.yaml(5) child_timeout). */
#define CHILD_TIMEOUT_DEFAULT 300u
/* After SIGTERM to the group, how long before SIGKILL. */
#define CHILD_KILL_GRACE_MS 2000
/* After the child exited, how long output still held open by its own
 * children (e.g. "prog &") is read before weir stops listening. */
#define CHILD_DRAIN_MS 1000
/* Bytes of the child's stderr kept for the log and the status text. */
#define CHILD_ERR_MAX 512

struct child_spec {
    const char *const *argv;    /* program and arguments, or NULL */
    const char *command;        /* run with /bin/sh -c when argv is NULL */
    const char *const *env;     /* "NAME=value" list, NULL-terminated */
    const char *cwd;            /* working directory, or NULL for $HOME */
    unsigned timeout_sec;       /* 0: the configured default */
    long long deadline_ms;      /* child_now_ms() value by which it must be
                                   done (one budget shared by the programs
                                   of a message), or 0; a child is not
                                   started once it has passed */
    size_t out_max;             /* largest output accepted into *out */
    int out_fd;                 /* > 2: with out NULL, the output is
                                   written to this descriptor (at most
                                   out_max bytes) instead of memory */
    int perm_on_exit;           /* a non-zero exit is permanent */
};

/* What a child reads on its standard input: len bytes read through
 * pread(src, ...) (lda/store/message.h message_input() makes one for a
 * message), so that this system layer does not depend on mail storage. */
struct child_input {
    ssize_t (*pread)(const void *src, void *buf, size_t n, size_t off);
    const void *src;
    size_t len;
};

/* An input made of `prefix` (plen bytes, not copied: it must outlive the
 * child), then `rest` from byte `skip` on: a forward's loop marker line
 * before the message, or a filter's edited header before the body.
 * child_input_prefixed() fills *in to read it through *p. */
struct child_prefixed {
    const char *prefix;
    size_t plen;
    struct child_input rest;
    size_t skip;
};

void child_input_prefixed(struct child_prefixed *p, const char *prefix, size_t plen,
                          const struct child_input *rest, size_t skip,
                          struct child_input *in);

/* CLOCK_MONOTONIC milliseconds (for child_spec.deadline_ms). */
long long child_now_ms(void);
int child_run(const struct child_spec *spec, const struct child_input *in,
              struct buf *out, int *exit_code, struct status *st);

/*
 * The environment for a child.  child_env_init() copies the allowlisted
 * variables of weir's (already sanitised, priv.h) environment and sets
 * PATH to PRIV_SAFE_PATH; child_env_set() adds or replaces one (returns
 * -1, changing nothing, for a name outside the allowlist, for PATH, or
 * for a value with a newline).  child_run() itself drops any entry of
 * spec->env outside the allowlist and always sets the safe PATH.
 */
struct child_env {
    char **v;                   /* NULL-terminated "NAME=value" list */
    size_t n, cap;
};

void child_env_init(struct child_env *e);
int child_env_set(struct child_env *e, const char *name, const char *value);
/* child_env_set() with every byte outside CHILD_ENV_SAFE_CHARS replaced by
 * '_': for values taken from the envelope (SENDER, RECIPIENT...), which a
 * child's shell script may expand unquoted.  The set is Postfix's default
 * command_expansion_filter, so a program sees what Postfix would give it
 * (o'b&x|y$z@d becomes o_b_x_y_z@d). */
#define CHILD_ENV_SAFE_CHARS \
    "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
int child_env_set_safe(struct child_env *e, const char *name, const char *value);
const char *const *child_env_list(const struct child_env *e);
void child_env_free(struct child_env *e);

#endif
