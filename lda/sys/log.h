/*
 * log.h -- graded diagnostics (after Postfix msg(3)).
 *
 * msg_info: a fact worth logging.  msg_warn: something is wrong, go on.
 * msg_fatal: the environment is broken; msg_panic: weir's own bug.  In an
 * LDA both fatal and panic exit 75 (EX_TEMPFAIL) so the MTA keeps the
 * message; they print the one "4.3.0 ..." line the MTA shows.  Before
 * exiting they take back every delivery still half done
 * (undo_run_all(), lda/sys/undo.h).
 *
 * Where lines go is set once by log_open(): syslog (facility mail), an
 * optional log file (~/.weir/log), and stderr only for interactive commands
 * or -v.  During a delivery stderr is reserved for the single final status
 * line, because Postfix reads an enhanced status code at the start of the
 * output.
 */
#ifndef WEIR_LOG_H
#define WEIR_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_dest {
    LOG_DEST_SYSLOG = 1,
    LOG_DEST_STDERR = 2,
    LOG_DEST_FILE = 4
};

/* Configure destinations; file may be NULL.  Safe to call again. */
void log_open(const char *ident, int dests, const char *file);
void log_close(void);

void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A log line as it is written: control characters become '?', bytes that
 * are not valid UTF-8 become \xHH; cut (at a whole character) to fit
 * outsz bytes including the NUL.  Every msg_* line goes through it. */
void log_scrub(const char *in, char *out, size_t outsz);

/* Hook run by msg_fatal/msg_panic before exiting (e.g. remove a temp
 * file).  One hook; NULL clears it. */
void log_set_cleanup(void (*fn)(void));

/* From here on the message is delivered for good (lda/prog/commit.c
 * calls it at the point of no return): a later fatal error or panic
 * (out of memory while logging, say) still takes back what is half done,
 * but exits 0 and prints no status code, because deferring would make
 * the MTA's retry deliver a second copy. */
void log_set_delivered(void);

/* Make a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT: a bug in weir
 * or a library, e.g. glibc's NSS code under memory exhaustion) and a
 * termination request (SIGTERM, SIGHUP, SIGINT: a shutdown, a hung-up
 * session) end like msg_panic(): what is half done is taken back (the
 * undo actions: unlink, ftruncate, nothing that allocates), and weir exits
 * 75 -- or 0 once the message is delivered (log_set_delivered()), so that
 * the MTA's retry does not file it twice -- instead of dying by the
 * signal.  The crash signals are not caught in sanitizer builds (ASan and
 * UBSan report crashes themselves). */
void log_catch_crashes(void);

#endif
