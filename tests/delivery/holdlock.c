/*
 * holdlock.c -- test helper: hold an fcntl write lock on FILE for SECONDS.
 *
 * usage: holdlock FILE SECONDS
 * Prints "locked" (and flushes) once the lock is held, then sleeps.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    struct flock fl;
    int fd;

    if (argc != 3) {
        fprintf(stderr, "usage: holdlock FILE SECONDS\n");
        return 2;
    }
    fd = open(argv[1], O_RDWR);
    if (fd < 0) {
        perror(argv[1]);
        return 2;
    }
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLKW, &fl) != 0) {
        perror("fcntl");
        return 2;
    }
    printf("locked\n");
    fflush(stdout);
    sleep((unsigned)atoi(argv[2]));
    return 0;
}
