/*
 * state_tool.c -- test driver for the state layer from shell tests:
 *     state_tool DIR DB put KEY VALUE EXPIRES
 *     state_tool DIR DB get KEY            (prints VALUE, exit 1 if absent)
 * Exit 0, 1 (absent), 2 (error, message on stderr).
 */
#include "config.h"
#include "log.h"
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
    struct state_db *db;
    struct state_rec r;
    struct status st;
    int rc;

    log_open("state_tool", LOG_DEST_STDERR, NULL);
    if (argc < 5) {
        fprintf(stderr, "usage: state_tool DIR DB put KEY VALUE EXPIRES | get KEY\n");
        return 2;
    }
    if (state_open(argv[1], argv[2], 0, &db, &st) != 0) {
        fprintf(stderr, "state_tool: %s\n", st.text);
        return 2;
    }
    if (strcmp(argv[3], "put") == 0 && argc == 7)
        rc = state_put(db, argv[4], strlen(argv[4]), argv[5], strlen(argv[5]),
                       (time_t)strtoll(argv[6], NULL, 10), &st) == 0 ? 0 : 2;
    else if (strcmp(argv[3], "get") == 0 && argc == 5) {
        rc = state_get(db, argv[4], strlen(argv[4]), &r, &st);
        if (rc == 1)
            printf("%s\n", r.val);
        state_rec_free(&r);
        rc = rc == 1 ? 0 : rc == 0 ? 1 : 2;
    } else {
        fprintf(stderr, "state_tool: bad arguments\n");
        rc = 2;
    }
    if (rc == 2 && st.text[0])
        fprintf(stderr, "state_tool: %s\n", st.text);
    state_close(db);
    return rc;
}
