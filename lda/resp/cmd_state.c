/*
 * cmd_state.c -- `weir state [-c CONFIG] [--db NAME] list|show KEY|forget KEY|expire`:
 * the user's view of their state databases (lda/sys/state.h), to see why
 * no reply was sent and to reset it.
 *
 * The databases are the *.db files of state_dir (weir.yaml(5); the
 * system configuration, then ~/.weir/config.yaml), or only NAME with
 * --db.  list prints every live record; show prints the records whose key
 * is KEY; forget deletes them; expire removes expired records.  Keys and
 * values are printed with control and non-ASCII bytes escaped (\xNN).
 * Nothing is created: a missing directory or database is empty.
 *
 * Exit: 0; 1 for show/forget when no database has KEY; EX_USAGE for a
 * bad command line; EX_TEMPFAIL when a database cannot be read;
 * EX_CONFIG for a broken system configuration.
 */
#include "config.h"
#include "commands.h"
#include "log.h"
#include "priv.h"
#include "state.h"
#include "util.h"
#include "weir_config.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

enum op { OP_LIST, OP_SHOW, OP_FORGET, OP_EXPIRE };

struct show_ctx {
    const char *db;
    const char *key;            /* NULL: every record */
    size_t found;
};

static void
usage(FILE *fp)
{
    fprintf(fp,
"usage: weir state [-c config] [--db NAME] list\n"
"       weir state [-c config] [--db NAME] show KEY\n"
"       weir state [-c config] [--db NAME] forget KEY\n"
"       weir state [-c config] [--db NAME] expire\n"
"Show and edit the state databases in state_dir (reply-once records,\n"
"fake-bounce limits, duplicates, DNS cache).  See weir(1).\n");
}

static void
put_escaped(FILE *fp, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            fprintf(fp, "\\x%02x", c);
        else
            fputc(c, fp);
    }
}

static void
put_time(FILE *fp, time_t t)
{
    char b[64];
    struct tm tm;

    if (localtime_r(&t, &tm) && strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm) > 0)
        fputs(b, fp);
    else
        fprintf(fp, "%lld", (long long)t);
}

static int
show_cb(void *arg, const struct state_rec *r)
{
    struct show_ctx *c = arg;

    if (c->key && (r->klen != strlen(c->key) || memcmp(r->key, c->key, r->klen) != 0))
        return 0;
    c->found++;
    printf("%s \"", c->db);
    put_escaped(stdout, r->key, r->klen);
    printf("\" = \"");
    put_escaped(stdout, r->val, r->vlen);
    printf("\" written ");
    put_time(stdout, r->created);
    if (r->expires) {
        printf(" expires ");
        put_time(stdout, r->expires);
    } else {
        printf(" never expires");
    }
    printf("\n");
    return 0;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The database names in dir (sorted), or only `only`. */
static size_t
db_names(const char *dir, const char *only, char ***out)
{
    DIR *d;
    struct dirent *e;
    char **v = NULL;
    size_t n = 0;

    *out = NULL;
    if (only) {
        v = xmalloc(sizeof *v);
        v[0] = xstrdup(only);
        *out = v;
        return 1;
    }
    d = opendir(dir);
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);

        if (len <= 3 || len - 3 > STATE_NAME_MAX || strcmp(e->d_name + len - 3, ".db") != 0)
            continue;
        v = xreallocarray(v, n + 1, sizeof *v);
        v[n++] = xstrndup(e->d_name, len - 3);
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, name_cmp);
    *out = v;
    return n;
}

/* state_dir from the system configuration and the user's. */
static char *
find_state_dir(const char *config_file, int *rc)
{
    struct weir_config cfg;
    struct buf err = BUF_INIT;
    struct passwd *pw = getpwuid(getuid());
    const char *env_home = getenv("HOME");
    char *home, *path, *dir = NULL;
    int r;

    *rc = 0;
    if (pw == NULL) {
        fprintf(stderr, "weir state: no password entry for uid %ld\n", (long)getuid());
        *rc = EX_NOUSER;
        return NULL;
    }
    home = xstrdup(env_home && env_home[0] == '/' && priv_env_trusted() ? env_home
                   : pw->pw_dir);
    config_defaults(&cfg);
    r = config_load(&cfg, config_file ? config_file : WEIR_CONFIG_FILE, 0, &err);
    if (r < 0 || (r == CONFIG_MISSING && config_file)) {
        fprintf(stderr, "weir state: %s", err.len ? err.data : "configuration file missing\n");
        *rc = EX_CONFIG;
        goto out;
    }
    buf_reset(&err);
    path = home_path(cfg.user_config, home);
    if (config_load(&cfg, path, 1, &err) < 0)
        fprintf(stderr, "weir state: ignoring %s", err.data);
    free(path);
    dir = home_path(cfg.state_dir, home);
out:
    config_free(&cfg);
    buf_free(&err);
    free(home);
    return dir;
}

int
cmd_state(int argc, char **argv)
{
    const char *config_file = NULL, *only = NULL, *key = NULL;
    enum op op;
    char *dir, **names;
    size_t n, found = 0;
    int i = 1, rc = 0;

    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            config_file = argv[++i];
        else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            usage(stderr);
            return EX_USAGE;
        }
        i++;
    }
    if (i >= argc) {
        usage(stderr);
        return EX_USAGE;
    }
    if (strcmp(argv[i], "list") == 0 && i + 1 == argc)
        op = OP_LIST;
    else if (strcmp(argv[i], "expire") == 0 && i + 1 == argc)
        op = OP_EXPIRE;
    else if (strcmp(argv[i], "show") == 0 && i + 2 == argc)
        op = OP_SHOW;
    else if (strcmp(argv[i], "forget") == 0 && i + 2 == argc)
        op = OP_FORGET;
    else {
        usage(stderr);
        return EX_USAGE;
    }
    if (op == OP_SHOW || op == OP_FORGET)
        key = argv[i + 1];
    if (config_file && priv_is_setgid() && getuid() != 0) {
        fprintf(stderr, "weir state: -c is only for root or a weir that is not setgid\n");
        return EX_USAGE;
    }
    dir = find_state_dir(config_file, &rc);
    if (dir == NULL)
        return rc;
    n = db_names(dir, only, &names);
    for (size_t k = 0; k < n; k++) {
        struct state_db *db;
        struct status st;
        struct show_ctx c = { names[k], key, 0 };
        size_t removed = 0;
        int r = state_open(dir, names[k], STATE_NOCREATE, &db, &st);

        if (r == 1)
            continue;
        if (r < 0) {
            fprintf(stderr, "weir state: %s: %s\n", names[k], st.text);
            rc = EX_TEMPFAIL;
            continue;
        }
        switch (op) {
        case OP_LIST:
        case OP_SHOW:
            r = state_iter(db, show_cb, &c, &st);
            found += c.found;
            break;
        case OP_FORGET:
            r = state_del(db, key, strlen(key), &st);
            if (r == 1) {
                printf("%s \"%s\" forgotten\n", names[k], key);
                found++;
            }
            break;
        case OP_EXPIRE:
            r = state_expire(db, &removed, &st);
            if (r == 0)
                printf("%s: %zu expired record%s removed\n", names[k], removed,
                       removed == 1 ? "" : "s");
            break;
        }
        if (r < 0) {
            fprintf(stderr, "weir state: %s: %s\n", names[k], st.text);
            rc = EX_TEMPFAIL;
        }
        state_close(db);
    }
    for (size_t k = 0; k < n; k++)
        free(names[k]);
    free(names);
    free(dir);
    if (rc == 0 && (op == OP_SHOW || op == OP_FORGET) && found == 0) {
        fprintf(stderr, "weir state: no record \"%s\"\n", key);
        rc = 1;
    }
    fflush(stdout);
    return rc;
}
