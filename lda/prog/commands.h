/*
 * commands.h -- weir's subcommands.  main() dispatches `weir NAME ...` to
 * cmd_NAME(argc, argv) with argv[0] == NAME; each returns a sysexits.h
 * code.  Each lives in its own file (lda/cmd_NAME.c).
 */
#ifndef WEIR_COMMANDS_H
#define WEIR_COMMANDS_H

int cmd_test(int argc, char **argv);       /* dry-run tester, weir-test(1) */
int cmd_check(int argc, char **argv);      /* compile and report errors */
int cmd_dump(int argc, char **argv);       /* disassemble */
int cmd_compile(int argc, char **argv);    /* precompile into a cache */
int cmd_import(int argc, char **argv);     /* procmailrc -> rules, weir-import(1) */
int cmd_mime(int argc, char **argv);       /* print MIME trees, weir(1) */
int cmd_state(int argc, char **argv);      /* state databases (lda/resp/) */

#endif
