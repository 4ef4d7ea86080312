/*
 * util.h -- allocation that cannot return NULL, and the one growable
 * buffer type (struct buf) used everywhere.
 *
 * xmalloc() and friends never return NULL: on exhaustion they log and exit
 * 75 (EX_TEMPFAIL) so the MTA keeps the message.  A struct buf owns its
 * bytes; it is always NUL-terminated (data[len] == 0) so it can be used as a
 * C string when it holds no NUL bytes of its own.
 */
#ifndef WEIR_UTIL_H
#define WEIR_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* The value of hex digit c (either case), or -1. */
int hex_digit(int c);

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_addc(struct buf *b, int c);
void buf_adds(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hand the bytes to the caller (NUL-terminated, never NULL); b is reset. */
char *buf_steal(struct buf *b);

/* write(2) all of p, retrying on EINTR and short writes.  0 or -1/errno. */
int write_all(int fd, const void *p, size_t n);
/* read(2) up to n bytes, retrying on EINTR; returns bytes read, 0 at EOF, -1. */
ssize_t read_retry(int fd, void *p, size_t n);

/* fsync(2) a directory (after creating, linking or removing a name in it).
 * 0, or -1 with errno set. */
int fsync_dir(const char *path);
/* "~/x" or "~" with home put in place of "~"; any other path copied.
 * Allocated. */
char *home_path(const char *path, const char *home);

#endif
