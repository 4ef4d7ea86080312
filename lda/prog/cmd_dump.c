/*
 * cmd_dump.c -- `weir dump FILE`: the bytecode disassembly of a rule file
 * (compiled now) or of a cache file (a .wbc written by weir or `weir
 * compile`, verified first): offset, source:line, opcode, operands, and
 * the constants they name.  `weir dump --opcodes` prints the instruction
 * set (from rulelang/opcodes.def).  Exit 0, 1 when the file does not
 * compile or the cache does not verify, EX_USAGE for a bad command line.
 */
#include "config.h"
#include "commands.h"
#include "rl.h"
#include "rulecache.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

int
cmd_dump(int argc, char **argv)
{
    struct buf src = BUF_INIT, out = BUF_INIT;
    struct rl_reader rd = { rulecache_read_file, NULL };
    struct rl_diags d;
    struct rl_program *p = NULL;
    char err[256];
    int rc = 0;

    if (argc == 2 && strcmp(argv[1], "--opcodes") == 0) {
        rl_opcode_table(&out);
        fputs(out.data, stdout);
        buf_free(&out);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr,
                "usage: weir dump FILE | --opcodes\n"
                "Disassemble a rule file or a compiled cache file (.wbc),\n"
                "or list the instruction set.\n");
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : EX_USAGE;
    }
    if (rulecache_read_file(NULL, argv[1], &src, err, sizeof err) < 0) {
        fprintf(stderr, "%s: error: cannot read: %s\n", argv[1], err);
        return 1;
    }
    rl_diags_init(&d);
    if (src.len >= 8 && memcmp(src.data, RULECACHE_MAGIC, 8) == 0) {
        struct status st;

        buf_free(&src);
        if (rulecache_load(argv[1], NULL, &p, &st) < 0)
            fprintf(stderr, "%s: error: %s\n", argv[1], st.text);
    } else {
        p = rl_compile(argv[1], src.data ? src.data : "", src.len, &rd, NULL, &d);
        rl_diags_format(&d, &out);
        if (out.len)
            fputs(out.data, stderr);
        buf_reset(&out);
    }
    if (p) {
        rl_disassemble(p, &out);
        fputs(out.data, stdout);
    } else {
        rc = 1;
    }
    rl_program_free(p);
    rl_diags_free(&d);
    buf_free(&out);
    buf_free(&src);
    fflush(stdout);
    return rc;
}
