/* placeholder, replaced below */
int cmd_import(int argc, char **argv);
int cmd_import(int argc, char **argv) { (void)argc; (void)argv; return 0; }
