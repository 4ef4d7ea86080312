/*
 * lockmode.c -- the measurement behind lda/store/state.h's locking choice:
 * one "delivery" (a fresh process: open, get, put if absent, close) on a
 * Berkeley DB btree, either under an fcntl lock on a separate lock file
 * with no environment (mode 0, what weir does) or inside a DB_INIT_CDB
 * environment (mode 1); mode 2 does nothing (the cost of a process that
 * links libdb).  bench/state/run.sh counts its instructions
 * (callgrind) and system calls (strace) per delivery, and runs it from
 * many processes at once to check the file with db_verify.
 *
 *   lockmode DIR MODE KEYNO               one delivery
 *   lockmode DIR MODE PROCS DELIVERIES    PROCS processes x DELIVERIES
 */
#include <db.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void
delivery(const char *dir, int mode, int p, int i)
{
    char path[512], key[64];
    DB *db;
    DBT k, v;
    int rc;

    snprintf(key, sizeof key, "sender%d-%d@example.org", p, i);
    memset(&k, 0, sizeof k);
    memset(&v, 0, sizeof v);
    k.data = key;
    k.size = (u_int32_t)strlen(key);
    if (mode == 2)
        return;
    if (mode == 0) {
        struct flock fl;
        int fd;

        snprintf(path, sizeof path, "%s/reply.lock", dir);
        fd = open(path, O_RDWR | O_CREAT, 0600);
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        while (fcntl(fd, F_SETLKW, &fl) < 0)
            ;
        snprintf(path, sizeof path, "%s/reply.db", dir);
        db_create(&db, NULL, 0);
        if ((rc = db->open(db, NULL, path, NULL, DB_BTREE, DB_CREATE, 0600)) != 0) {
            fprintf(stderr, "open: %s\n", db_strerror(rc));
            exit(1);
        }
        if (db->get(db, NULL, &k, &v, 0) == DB_NOTFOUND) {
            v.data = "0123456789abcdef";
            v.size = 16;
            db->put(db, NULL, &k, &v, 0);
        }
        db->close(db, 0);
        close(fd);
    } else {
        DB_ENV *env;
        DBC *c;

        db_env_create(&env, 0);
        if ((rc = env->open(env, dir, DB_CREATE | DB_INIT_CDB | DB_INIT_MPOOL, 0600)) != 0) {
            fprintf(stderr, "env: %s\n", db_strerror(rc));
            exit(1);
        }
        db_create(&db, env, 0);
        if ((rc = db->open(db, NULL, "reply.db", NULL, DB_BTREE, DB_CREATE, 0600)) != 0) {
            fprintf(stderr, "open: %s\n", db_strerror(rc));
            exit(1);
        }
        db->cursor(db, NULL, &c, DB_WRITECURSOR);
        if (c->get(c, &k, &v, DB_SET) == DB_NOTFOUND) {
            v.data = "0123456789abcdef";
            v.size = 16;
            c->put(c, &k, &v, DB_KEYFIRST);
        }
        c->close(c);
        db->close(db, 0);
        env->close(env, 0);
    }
}

int
main(int argc, char **argv)
{
    int mode, np, n;

    if (argc == 4) {
        delivery(argv[1], atoi(argv[2]), 9, atoi(argv[3]));
        return 0;
    }
    if (argc != 5) {
        fprintf(stderr, "usage: lockmode DIR MODE KEYNO | DIR MODE PROCS DELIVERIES\n");
        return 2;
    }
    mode = atoi(argv[2]);
    np = atoi(argv[3]);
    n = atoi(argv[4]);
    for (int p = 0; p < np; p++)
        if (fork() == 0) {
            for (int i = 0; i < n; i++) {
                int st;

                if (fork() == 0) {
                    delivery(argv[1], mode, p, i);
                    _exit(0);
                }
                wait(&st);
            }
            _exit(0);
        }
    for (int p = 0; p < np; p++) {
        int st;

        wait(&st);
    }
    return 0;
}
