/*
 * child_driver.c -- runs one program the way weir runs pipe, filter and
 * sendmail children, for tests/privileges/privileges.sh: start-up hygiene
 * exactly as weir's main() (priv_startup), then child_run() with the
 * environment built by child_env_init().  Installed setgid by the test
 * to check, for real, what a child of a setgid weir can and cannot do.
 *
 * usage: child_driver COMMAND   (run with /bin/sh -c; its stdout is
 * printed; exit status: the child's, or 75 when child_run failed)
 */
#include "config.h"
#include "child.h"
#include "log.h"
#include "priv.h"

#include <stdio.h>
#include <sysexits.h>

int
main(int argc, char **argv)
{
    struct child_env env;
    struct child_spec spec = { 0 };
    struct buf out = BUF_INIT;
    struct status st;
    int code, rc;

    priv_startup();
    log_open("child_driver", LOG_DEST_STDERR, NULL);
    if (argc != 2) {
        fprintf(stderr, "usage: child_driver COMMAND\n");
        return EX_USAGE;
    }
    child_env_init(&env);
    spec.command = argv[1];
    spec.env = child_env_list(&env);
    spec.timeout_sec = 30;
    spec.out_max = 1024 * 1024;
    rc = child_run(&spec, NULL, &out, &code, &st);
    if (out.len)
        fwrite(out.data, 1, out.len, stdout);
    if (rc < 0)
        fprintf(stderr, "%s %s\n", st.code, st.text);
    buf_free(&out);
    child_env_free(&env);
    return rc == 0 ? 0 : (code > 0 && code < 128 ? code : EX_TEMPFAIL);
}
