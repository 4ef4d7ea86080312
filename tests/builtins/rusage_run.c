/*
 * rusage_run.c -- test helper: run a command with its standard output in
 * a file and report what it cost, from wait4(2)'s struct rusage:
 *     rusage_run OUTFILE COMMAND [ARG...]
 * prints "MAXRSS_KB CPU_MS EXIT" on standard output (EXIT is 128+signal
 * for a command killed by a signal).  Exit 0 when the command could be
 * run and waited for, 1 otherwise.  Used by tests/builtins/mime_bomb.sh to
 * assert time and memory bounds.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    struct rusage ru;
    pid_t pid;
    int status, fd;

    if (argc < 3) {
        fprintf(stderr, "usage: rusage_run OUTFILE COMMAND [ARG...]\n");
        return 1;
    }
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        dup2(fd, 1);
        close(fd);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    close(fd);
    if (wait4(pid, &status, 0, &ru) != pid) {
        perror("wait4");
        return 1;
    }
    printf("%ld %ld %d\n", ru.ru_maxrss,
           (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
               (long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
