/*
 * undo.c -- registrations a fatal error takes back (see undo.h).
 *
 * Entry points: undo_push, undo_get, undo_set_path, undo_drop (normal
 * flow, may allocate), undo_run_all (the fatal path, allocates nothing).
 * The table is process-wide by nature: it is what the process must take
 * back when it dies, like the credentials priv.c keeps.
 */
#include "config.h"
#include "undo.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    struct undo_rec *v;
    size_t n;                       /* slots in use or free, v[0..n) */
    int running;
} undo;

int
undo_push(void (*fn)(struct undo_rec *))
{
    size_t i;

    for (i = 0; i < undo.n; i++)
        if (undo.v[i].fn == NULL)
            break;
    if (i == undo.n) {
        undo.v = xreallocarray(undo.v, undo.n + 1, sizeof *undo.v);
        undo.n++;
    }
    memset(&undo.v[i], 0, sizeof undo.v[i]);
    undo.v[i].fn = fn;
    undo.v[i].fd = -1;
    return (int)i + 1;
}

struct undo_rec *
undo_get(int h)
{
    if (h <= 0 || (size_t)h > undo.n || undo.v[h - 1].fn == NULL)
        return NULL;
    return &undo.v[h - 1];
}

void
undo_set_path(int h, int i, const char *p)
{
    struct undo_rec *r = undo_get(h);

    char *copy, *old;

    if (r == NULL || i < 0 || i > 1)
        return;
    /* Copy first: if the copy fails (a fatal error, which runs the undo
     * actions), the record must still hold a valid path, not a freed one. */
    copy = p ? xstrdup(p) : NULL;
    old = r->path[i];
    r->path[i] = copy;          /* never a freed path, even for a signal */
    free(old);
}

void
undo_drop(int h)
{
    struct undo_rec *r = undo_get(h);

    if (r == NULL)
        return;
    free(r->path[0]);
    free(r->path[1]);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}

void
undo_unlink(struct undo_rec *r)
{
    if (r->path[0])
        (void)unlink(r->path[0]);
    if (r->path[1])
        (void)unlink(r->path[1]);
}

void
undo_run_all(void)
{
    if (undo.running)
        return;                     /* a fatal error inside an undo */
    undo.running = 1;
    for (size_t i = undo.n; i > 0; i--) {
        struct undo_rec *r = &undo.v[i - 1];

        if (r->fn) {
            void (*fn)(struct undo_rec *) = r->fn;

            fn(r);
            free(r->path[0]);
            free(r->path[1]);
            memset(r, 0, sizeof *r);
            r->fd = -1;
        }
    }
    undo.running = 0;
}
