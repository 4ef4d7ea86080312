/*
 * killer.c -- test helper: run a command with stdin from a file and send
 * it SIGKILL after a random delay.
 *
 * usage: killer MIN_US MAX_US SEED INPUT CMD [ARG...]
 * Prints "killed" when the signal hit a running process, or "exit N" when
 * the command finished first.  Exits 0, or 2 on a usage/system error.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    long lo, hi, delay;
    struct timespec ts;
    pid_t pid;
    int status, fd;

    if (argc < 6) {
        fprintf(stderr, "usage: killer MIN_US MAX_US SEED INPUT CMD [ARG...]\n");
        return 2;
    }
    lo = atol(argv[1]);
    hi = atol(argv[2]);
    srandom((unsigned)atol(argv[3]));
    delay = lo + (hi > lo ? random() % (hi - lo + 1) : 0);
    fd = open(argv[4], O_RDONLY);
    if (fd < 0) {
        perror(argv[4]);
        return 2;
    }
    pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        dup2(fd, 0);
        close(fd);
        execv(argv[5], argv + 5);
        _exit(127);
    }
    close(fd);
    ts.tv_sec = delay / 1000000;
    ts.tv_nsec = (delay % 1000000) * 1000;
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    if (waitpid(pid, &status, 0) < 0)
        return 2;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        printf("killed\n");
    else
        printf("exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
    return 0;
}
