/*
 * yamllib.c -- libyaml opened on first use (see yamllib.h).
 */
#include "config.h"
#include "yamllib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

struct weir_yaml_api weir_yaml;

static int state;               /* 0 not tried, 1 ready, -1 failed */
static char why[200];

int
yamllib_open(void)
{
    void *h;

    if (state != 0)
        return state > 0 ? 0 : -1;
    state = -1;
    if ((h = dlopen(YAMLLIB_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        snprintf(why, sizeof why, "cannot load %s: %s", YAMLLIB_SONAME, dlerror());
        return -1;
    }
#define SYM(field, name) do { \
        void *f_ = dlsym(h, name); \
        if (f_ == NULL) { \
            snprintf(why, sizeof why, "%s: no symbol %s", YAMLLIB_SONAME, name); \
            memset(&weir_yaml, 0, sizeof weir_yaml); \
            return -1; \
        } \
        *(void **)&weir_yaml.field = f_;   /* the dlsym(3) idiom */ \
    } while (0)
    SYM(parser_initialize, "yaml_parser_initialize");
    SYM(parser_delete, "yaml_parser_delete");
    SYM(parser_set_input_string, "yaml_parser_set_input_string");
    SYM(parser_parse, "yaml_parser_parse");
    SYM(event_delete, "yaml_event_delete");
    SYM(document_initialize, "yaml_document_initialize");
    SYM(document_delete, "yaml_document_delete");
    SYM(document_get_node, "yaml_document_get_node");
    SYM(document_get_root_node, "yaml_document_get_root_node");
    SYM(document_add_scalar, "yaml_document_add_scalar");
    SYM(document_add_sequence, "yaml_document_add_sequence");
    SYM(document_add_mapping, "yaml_document_add_mapping");
    SYM(document_append_sequence_item, "yaml_document_append_sequence_item");
    SYM(document_append_mapping_pair, "yaml_document_append_mapping_pair");
#undef SYM
    state = 1;
    return 0;
}

const char *
yamllib_error(void)
{
    return state < 0 ? why : "";
}

int
yamllib_parser_initialize(yaml_parser_t *parser)
{
    if (yamllib_open() < 0) {
        memset(parser, 0, sizeof *parser);
        return 0;
    }
    return weir_yaml.parser_initialize(parser);
}
