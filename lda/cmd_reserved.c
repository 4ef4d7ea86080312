/*
 * cmd_reserved.c -- subcommands that are reserved but not built yet.  Each
 * prints that it is not available and exits EX_USAGE; when a subcommand is
 * implemented its function moves to lda/cmd_NAME.c and leaves this file.
 */
#include "config.h"
#include "commands.h"

#include <stdio.h>
#include <sysexits.h>

static int
reserved(const char *name)
{
    fprintf(stderr, "weir: '%s' is reserved and not part of this build yet\n", name);
    return EX_USAGE;
}

int cmd_test(int argc, char **argv) { (void)argc; return reserved(argv[0]); }
