/*
 * runeach.c -- bench helper: run a command once per input file, the file
 * on standard input, standard output to /dev/null, like an MTA runs an
 * MDA; report the total wall time, the children's CPU time and the
 * largest peak RSS of one child (wait4(2)).
 *     runeach LISTFILE COMMAND [ARG...]
 * prints "WALL_S CPU_S MAXRSS_KB FAILURES".  Exit 0 when every command
 * could be run, 1 otherwise.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
    FILE *list;
    char line[4096];
    double t0, cpu = 0;
    long maxrss = 0;
    int fails = 0, devnull;

    if (argc < 3) {
        fprintf(stderr, "usage: runeach LISTFILE COMMAND [ARG...]\n");
        return 1;
    }
    list = fopen(argv[1], "r");
    devnull = open("/dev/null", O_WRONLY);
    if (list == NULL || devnull < 0) {
        perror(argv[1]);
        return 1;
    }
    t0 = now();
    while (fgets(line, sizeof line, list)) {
        struct rusage ru;
        int status, fd;
        pid_t pid;

        line[strcspn(line, "\n")] = '\0';
        if ((fd = open(line, O_RDONLY)) < 0) {
            perror(line);
            fails++;
            continue;
        }
        pid = fork();
        if (pid == 0) {
            dup2(fd, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        close(fd);
        if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) {
            fails++;
            continue;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fails++;
        cpu += ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        if (ru.ru_maxrss > maxrss)
            maxrss = ru.ru_maxrss;
    }
    printf("%.3f %.3f %ld %d\n", now() - t0, cpu, maxrss, fails);
    return 0;
}
