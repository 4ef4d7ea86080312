/*
 * rl.h -- the public API of weir's rule language: compile rule text to
 * bytecode, serialize/load bytecode (cache), disassemble it, and run it
 * against a message, producing a list of intended actions (actions.h).
 *
 * rulelang/ knows nothing of files or sockets.  The host passes source
 * text and a file-reading callback (for `include`), cache bytes as a
 * buffer, and a message view (struct rl_msg).  lda/prog/rulecache.c owns the
 * cache files; lda/ alone performs the actions.
 *
 * Ownership: everything returned is allocated with the xmalloc family
 * (lda/sys/util.h) and freed by the matching *_free function.  Strings inside
 * a struct rl_program live as long as the program (struct action's
 * `rule` and `file` borrow them).
 *
 * Failure: rl_compile returns NULL with the reasons in struct rl_diags;
 * rl_load returns -1 with a struct status (always 4.x.x: a bad cache is
 * rebuilt, never trusted); rl_run never fails on the message: limits hit
 * during a run are logged through the host and handled as documented in
 * weir-rules(5) (a regex limit leaves its test undecided: no condition is
 * taken because of it, `not` included, and the run goes on;
 * the step budget ends the run with the actions chosen so far; long
 * strings are cut).  Header edits are applied to a working copy of the
 * header that later tests see.
 */
#ifndef WEIR_RL_H
#define WEIR_RL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "actions.h"
#include "status.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

struct rl_limits {
    unsigned long steps;        /* VM step budget for one rl_run */
    uint32_t match_limit;       /* pcre2_set_match_limit */
    uint32_t depth_limit;       /* pcre2_set_depth_limit */
    uint32_t heap_limit;        /* pcre2_set_heap_limit (KiB) */
    int include_depth;          /* deepest include nesting accepted */
    size_t source_max;          /* largest source file accepted */
    size_t string_max;          /* longest string built at run time */
    int jit;                    /* JIT-compile regexes the run reaches: pays
                                   only when one process runs many messages
                                   (weir test); off by default */
};

/* The library's defaults (weir.yaml's limits.vm_steps and limits.regex_*
 * take theirs from here): one million steps, PCRE2 match limit 100000,
 * depth 10000, heap 20 MiB, include depth 8, 4 MiB source files, 64 KiB
 * strings, no JIT. */
void rl_limits_default(struct rl_limits *lim);

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */
/* ------------------------------------------------------------------ */

enum rl_severity { RL_SEV_ERROR = 1, RL_SEV_WARNING, RL_SEV_NOTE };

struct rl_diag {
    enum rl_severity severity;
    char *file;                 /* path as given to rl_compile / include */
    int line, col, end_col;     /* 1-based; end_col exclusive; 0 = unknown */
    char *message;              /* "expected '{' after the condition" */
    char *help;                 /* a likely fix, or NULL */
    char *source_line;          /* the line exactly as written, or NULL */
};

struct rl_diags {
    struct rl_diag *v;
    size_t n, cap;
    size_t nerrors, nwarnings;
};

void rl_diags_init(struct rl_diags *d);
void rl_diags_free(struct rl_diags *d);
/* Append one diagnostic in the Rust/Elm style:
 *   file:line:col: error: message
 *      |
 *   12 | if header "X" matchs /a/ {
 *      |               ^^^^^^
 *      = help: did you mean 'matches'?
 */
void rl_diag_format(const struct rl_diag *d, struct buf *out);
/* All diagnostics in order, then nothing else. */
void rl_diags_format(const struct rl_diags *d, struct buf *out);

/* ------------------------------------------------------------------ */
/* Compile                                                             */
/* ------------------------------------------------------------------ */

/* Read the file `path` (already resolved relative to the including file)
 * into out.  Returns 0, or -1 with a one-line reason in err (NUL
 * terminated, at most errlen bytes).  For `include` only. */
struct rl_reader {
    int (*read_file)(void *ctx, const char *path, struct buf *out,
                     char *err, size_t errlen);
    void *ctx;
};

struct rl_program;

/* Compile `source` (len bytes, from file `path`).  reader may be NULL (then
 * `include` is an error).  limits may be NULL (defaults).  Diagnostics,
 * warnings included, are appended to diags (which may be NULL).  Returns
 * the program, or NULL when there was at least one error. */
struct rl_program *rl_compile(const char *path, const char *source, size_t len,
                              const struct rl_reader *reader,
                              const struct rl_limits *limits,
                              struct rl_diags *diags);
void rl_program_free(struct rl_program *p);

/* The source files the program was built from (the main file first, then
 * every included file in the order met), for cache keys and permission
 * checks. */
size_t rl_program_nsources(const struct rl_program *p);
const char *rl_program_source(const struct rl_program *p, size_t i);

/* Whether the program uses a builtin (by registry name: "body", "dnsbl"...);
 * lets the host prepare expensive facts only when needed. */
int rl_program_uses(const struct rl_program *p, const char *builtin);

/* ------------------------------------------------------------------ */
/* Bytecode: cache bytes and disassembly                               */
/* ------------------------------------------------------------------ */

/* A ${date:FORMAT} format: 1 when it holds a conversion, every % is
 * followed by one of the documented set (weir-rules(5)) and no byte needs
 * quoting ('"', '\\', '$', '}', newline); else 0, with the bad
 * conversion letter in *bad (0 when that is not the reason).  The lexer
 * checks it, the bytecode loader again, weir import before it writes one. */
int rl_date_format_ok(const char *s, size_t n, char *bad);
/* Whether a checked ${date:FORMAT} gives tainted text: it has %Z (the
 * zone's name comes from the MTA's TZ); "%%Z" is a literal, not %Z. */
int rl_date_tainted(const char *fmt);

#define RL_BYTECODE_MAGIC   "WEIRRLBC"   /* 8 bytes at offset 0 */
#define RL_BYTECODE_VERSION 4u

/* Append the program's bytecode image (self-contained, verified on load)
 * to out. */
void rl_serialize(const struct rl_program *p, struct buf *out);

/* Load and fully verify a bytecode image (untrusted input: magic,
 * version, every size, every jump target, constant and register index,
 * opcode 0 invalid).  Regexes are compiled here (once per process: the
 * compiled code lives in the program).  Returns 0 with *out set, or -1
 * with st set (4.3.0 "cache: ..."). */
int rl_load(const void *bytes, size_t len, const struct rl_limits *limits,
            struct rl_program **out, struct status *st);

/* The disassembly `weir dump` prints: header, constant pool, then one line
 * per instruction: offset, source file:line, opcode, operands, and the
 * constants they name. */
void rl_disassemble(const struct rl_program *p, struct buf *out);
/* The instruction set: one line per opcode (name, operand kinds, meaning),
 * expanded from rulelang/opcodes.def. */
void rl_opcode_table(struct buf *out);

/* ------------------------------------------------------------------ */
/* Run                                                                 */
/* ------------------------------------------------------------------ */

/* The message as the VM sees it.  All borrowed; strings may be NULL
 * (then tests on them are false and interpolations are empty). */
struct rl_msg {
    const char *header;         /* header block, including the blank line */
    size_t header_len;
    size_t size;                /* whole message in bytes */
    /* The raw body (after the blank line), contiguous; called at most once
     * per run and only when a rule needs it.  Returns 0, or -1 (then body
     * tests are false).  NULL: no body available. */
    int (*get_body)(void *ctx, const char **body, size_t *len);
    void *body_ctx;
    /* The whole message as received (header and body, before any header
     * edit), read in pieces for streaming builtins such as the MIME walk:
     * up to n bytes at off, returns the bytes read (0 at the end) or -1.
     * NULL: not available (then only header and get_body are). */
    ssize_t (*read)(void *ctx, void *buf, size_t n, size_t off);
    void *read_ctx;
    const char *from_line;      /* the mbox From_ line the message came
                                   with (no newline), or NULL */
    const char *envelope_from;  /* "" for the null sender */
    const char *envelope_to;
    const char *user;           /* login name */
    const char *home;
    const char *extension;      /* +detail of the recipient, or NULL */
    /* The client's address (builtins/client.h: -i, the MTA's environment,
     * the first untrusted Received: field), canonical text, or NULL when
     * unknown; then the untrusted relays, client first (dnsbl ... on all
     * relays). */
    const char *client;
    const char *const *relays;
    size_t nrelays;
    /* Other environment values, as "NAME=value" strings, NULL-terminated,
     * readable as ${env.NAME}; may be NULL. */
    const char *const *env;
    /* The delivery time ${date:...} formats (local time); 0: the clock is
     * read at the first ${date:...} of the message. */
    time_t now;
};

enum rl_log_level { RL_LOG_INFO = 1, RL_LOG_WARN };

struct rl_host {
    void *ctx;
    /* A line for the log (the host adds "rules:" context).  May be NULL. */
    void (*log)(void *ctx, enum rl_log_level level, const char *text);
    /* `filter "cmd"`: run cmd with the message on stdin and replace the
     * message with its output.  On success the host updates *msg (header,
     * size, get_body) and returns 0; -1 with st set on failure (the run
     * stops and the status is returned by rl_run).  NULL (as in the
     * dry-run tester): the filter is only recorded as an ACT_FILTER
     * action and the message stays as it is. */
    int (*filter)(void *ctx, const char *command, struct rl_msg *msg,
                  struct status *st);
    /* A private module by name (lda/sys/dynload.h), loaded on first use:
     * its api table, or NULL when it cannot be loaded.  May be NULL. */
    const void *(*module)(void *ctx, const char *name);
    /* A configuration setting by key ("dns.timeout") as text -- sizes in
     * bytes, durations in milliseconds, booleans "true"/"false", lists one
     * entry a line -- valid until the next call; NULL for a key the host
     * does not know (the builtin then uses the key's documented default).
     * May be NULL. */
    const char *(*setting)(void *ctx, const char *key);
    /* The DNS block-list engine of this message (builtins/dnsbl.h: a
     * struct dnsbl *), made by the host on the first call with weir.yaml's
     * dns settings and the per-user answer cache -- or, in weir test,
     * the suite's fixtures -- and freed after the run; *why says how
     * answers are obtained ("DNS", "fixtures").  NULL (with *why saying
     * why) when DNS is not looked up: block-list tests are then false.
     * May be NULL. */
    void *(*dnsbl)(void *ctx, const char **why);
};

/* Trace events, for `weir test --trace` / `--format json`.  Pointers are
 * valid only during the callback. */
enum rl_trace_kind {
    RL_TR_RULE = 1,             /* entered rule `rule` ("desc") at line */
    RL_TR_TEST,                 /* a test: `test` text, `value` tested,
                                   `operand`, result in `result` */
    RL_TR_CAPTURE,              /* `name` = `value` captured */
    RL_TR_SET,                  /* variable `name` = `value` */
    RL_TR_ACTION,               /* `action` chosen */
    RL_TR_SCORE,                /* `points` added for `value` (reason) */
    RL_TR_STOP,                 /* `stop` ran */
    RL_TR_LIMIT                 /* a limit was hit: `value` says which */
};

struct rl_trace_event {
    enum rl_trace_kind kind;
    const char *file;
    int line;
    const char *rule;           /* enclosing named rule, or NULL */
    const char *desc;           /* its description (RL_TR_RULE), or NULL */
    const char *test;           /* e.g. "header \"Subject\" contains" */
    const char *name;
    const char *value;
    const char *operand;
    const char *detail;         /* RL_TR_TEST of a builtin: why, in its
                                   own words ("part 2 invoice.pdf.exe"),
                                   or NULL */
    int result;
    int undecided;              /* RL_TR_TEST: the test could not be
                                   decided (a limit, facts unavailable);
                                   result is then 0 */
    int negated;                /* RL_TR_TEST: the test stands under an odd
                                   number of `not`s (`is not "a"`,
                                   `not header ...`): the condition sees
                                   the opposite of result */
    int counted;                /* RL_TR_TEST of header/address: nvalues
                                   is set */
    size_t nvalues;             /* values compared: 0 when the message has
                                   no such header (or address), else how
                                   many were tried before the result */
    double points;
    const struct action *action;
};

struct rl_trace {
    void (*event)(void *ctx, const struct rl_trace_event *ev);
    void *ctx;
};

/* Run one program.  The message view may be changed by a host filter.
 * Actions and score reasons are appended to out (which may already hold
 * those of an earlier program: the score carries on).  limits and trace
 * may be NULL.  Returns 0 when the run ended normally or by `stop`
 * (out->stopped set), -1 with st set only when a host filter failed. */
int rl_run(const struct rl_program *p, struct rl_msg *msg,
           const struct rl_host *host, const struct rl_limits *limits,
           struct action_list *out, const struct rl_trace *trace,
           struct status *st);

/* The system ruleset, then the user's: actions of `sys` carry
 * ACT_F_SYSTEM (and ACT_F_FINAL for `final` actions); a `stop` in `sys`
 * sets out->system_stopped and the user's program is not run.  Either
 * program may be NULL.  Score and header edits carry over; variables
 * do not.  Returns as rl_run. */
int rl_run_chain(const struct rl_program *sys, const struct rl_program *user,
                 struct rl_msg *msg, const struct rl_host *host,
                 const struct rl_limits *limits, struct action_list *out,
                 const struct rl_trace *trace, struct status *st);

/* One header edit (ACT_HEADER_ADD/SET/REMOVE) on a header block (base, n)
 * whose fields h were parsed from it (builtins/mailparse.h): the edited
 * block is appended to out.  ADD puts the new field first; SET removes
 * every field of that name and puts one new field first; REMOVE removes
 * every field of that name.  The VM edits its working header with it, and
 * lda/ applies the same edits to the message it delivers. */
struct mp_header;
void rl_header_edit(const char *base, size_t n, const struct mp_header *h,
                    enum action_kind k, const char *name, const char *value,
                    struct buf *out);

/* The PCRE2 library version string the bytecode cache key must cover. */
const char *rl_pcre2_version(void);

#endif
