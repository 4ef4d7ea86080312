/*
 * mboxsplit.c -- test helper: split an mboxrd file into its messages.
 *
 * usage: mboxsplit MBOX OUTDIR
 * Writes message N (1-based, From_ line removed, one level of ">From "
 * quoting removed, the separating blank line removed) to OUTDIR/N and
 * prints the count.  Exits 1 when the file does not parse into complete
 * messages: data before the first From_ line, or a message not followed
 * by the blank separator line (a torn tail).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
is_from(const char *line, size_t n)
{
    return n >= 5 && memcmp(line, "From ", 5) == 0;
}

static int
is_quoted_from(const char *line, size_t n)
{
    size_t i = 0;

    while (i < n && line[i] == '>')
        i++;
    return i > 0 && n - i >= 5 && memcmp(line + i, "From ", 5) == 0;
}

static int
flush(const char *dir, int num, const char *data, size_t len)
{
    char path[4096];
    FILE *f;

    if (len < 2 || data[len - 1] != '\n' || data[len - 2] != '\n')
        return -1;              /* no blank separator line: torn */
    snprintf(path, sizeof path, "%s/%d", dir, num);
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len - 1, f) != len - 1 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    FILE *in;
    char *line = NULL, *msg = NULL;
    size_t cap = 0, mlen = 0, mcap = 0;
    ssize_t n;
    int count = 0, bad = 0, lastnl = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: mboxsplit MBOX OUTDIR\n");
        return 2;
    }
    in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    while ((n = getline(&line, &cap, in)) > 0) {
        size_t len = (size_t)n;
        const char *p = line;

        lastnl = line[len - 1] == '\n';
        if (is_from(line, len)) {
            if (count > 0 && flush(argv[2], count, msg, mlen) < 0) {
                fprintf(stderr, "message %d: no blank line before the next From_\n", count);
                bad = 1;
            }
            count++;
            mlen = 0;
            continue;
        }
        if (count == 0) {
            fprintf(stderr, "data before the first From_ line\n");
            bad = 1;
            continue;
        }
        if (is_quoted_from(line, len))
            p++, len--;
        if (mlen + len + 1 > mcap) {
            char *grown;

            mcap = (mlen + len + 1) * 2;
            grown = realloc(msg, mcap);
            if (!grown) {
                free(msg);
                return 2;
            }
            msg = grown;
        }
        memcpy(msg + mlen, p, len);
        mlen += len;
    }
    if (count > 0) {
        /* The last message must end with "\n\n" (its blank line). */
        if (!lastnl || flush(argv[2], count, msg, mlen) < 0) {
            fprintf(stderr, "message %d: torn tail\n", count);
            bad = 1;
        }
    }
    printf("%d\n", count);
    free(line);
    free(msg);
    fclose(in);
    return bad;
}
