/*
 * yamllib.h -- libyaml, opened (dlopen, by its soname) the first time a
 * YAML file is read, not linked into weir: a delivery with no weir.yaml
 * and no ~/.weir/config.yaml (the common case, and the anchor bench's)
 * never maps it.  Linked, libyaml cost every delivery its mapping,
 * relocation and page faults at exec (issue 17: ~5 page faults, 4 mmap,
 * 1 mprotect, the open of the library, ~10 k instructions in ld.so).
 * It is opened by its soname, the library the dynamic loader would have
 * linked, found the same way (ld.so ignores LD_LIBRARY_PATH for a setgid
 * weir), as builtins/cares_api.h does for c-ares.
 *
 * Code that uses libyaml includes this header (yamlload.h does) instead
 * of <yaml.h>: the libyaml calls weir makes are macros calling through
 * the table weir_yaml.  yaml_parser_initialize() opens the library
 * first; when it cannot be opened it fails like an out-of-memory
 * initialisation (returns 0) and yamllib_error() says why.  Every other
 * call comes after a successful yaml_parser_initialize().
 */
#ifndef WEIR_YAMLLIB_H
#define WEIR_YAMLLIB_H

#include <yaml.h>

/* The libyaml of Debian 12 (libyaml-0-2: libyaml 0.2.5, soname 2). */
#define YAMLLIB_SONAME "libyaml-0.so.2"

struct weir_yaml_api {
    int (*parser_initialize)(yaml_parser_t *parser);
    void (*parser_delete)(yaml_parser_t *parser);
    void (*parser_set_input_string)(yaml_parser_t *parser, const unsigned char *input,
                                    size_t size);
    int (*parser_parse)(yaml_parser_t *parser, yaml_event_t *event);
    void (*event_delete)(yaml_event_t *event);
    int (*document_initialize)(yaml_document_t *document,
                               yaml_version_directive_t *version_directive,
                               yaml_tag_directive_t *tag_directives_start,
                               yaml_tag_directive_t *tag_directives_end,
                               int start_implicit, int end_implicit);
    void (*document_delete)(yaml_document_t *document);
    yaml_node_t *(*document_get_node)(yaml_document_t *document, int index);
    yaml_node_t *(*document_get_root_node)(yaml_document_t *document);
    int (*document_add_scalar)(yaml_document_t *document, const yaml_char_t *tag,
                               const yaml_char_t *value, int length,
                               yaml_scalar_style_t style);
    int (*document_add_sequence)(yaml_document_t *document, const yaml_char_t *tag,
                                 yaml_sequence_style_t style);
    int (*document_add_mapping)(yaml_document_t *document, const yaml_char_t *tag,
                                yaml_mapping_style_t style);
    int (*document_append_sequence_item)(yaml_document_t *document, int sequence, int item);
    int (*document_append_mapping_pair)(yaml_document_t *document, int mapping, int key,
                                        int value);
};

extern struct weir_yaml_api weir_yaml;

/* Opens libyaml and fills weir_yaml the first time: 0, or -1 (then and
 * for the rest of the process; yamllib_error() says why). */
int yamllib_open(void);
const char *yamllib_error(void);
int yamllib_parser_initialize(yaml_parser_t *parser);

#define yaml_parser_initialize(p) yamllib_parser_initialize(p)
#define yaml_parser_delete(p) (weir_yaml.parser_delete(p))
#define yaml_parser_set_input_string(p, s, n) (weir_yaml.parser_set_input_string((p), (s), (n)))
#define yaml_parser_parse(p, e) (weir_yaml.parser_parse((p), (e)))
#define yaml_event_delete(e) (weir_yaml.event_delete(e))
#define yaml_document_initialize(d, v, ts, te, si, ei) \
    (weir_yaml.document_initialize((d), (v), (ts), (te), (si), (ei)))
#define yaml_document_delete(d) (weir_yaml.document_delete(d))
#define yaml_document_get_node(d, i) (weir_yaml.document_get_node((d), (i)))
#define yaml_document_get_root_node(d) (weir_yaml.document_get_root_node(d))
#define yaml_document_add_scalar(d, t, v, n, s) (weir_yaml.document_add_scalar((d), (t), (v), (n), (s)))
#define yaml_document_add_sequence(d, t, s) (weir_yaml.document_add_sequence((d), (t), (s)))
#define yaml_document_add_mapping(d, t, s) (weir_yaml.document_add_mapping((d), (t), (s)))
#define yaml_document_append_sequence_item(d, s, i) \
    (weir_yaml.document_append_sequence_item((d), (s), (i)))
#define yaml_document_append_mapping_pair(d, m, k, v) \
    (weir_yaml.document_append_mapping_pair((d), (m), (k), (v)))

#endif
