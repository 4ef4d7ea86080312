/*
 * yamlload.h -- libyaml's document loader with a nesting limit.
 *
 * yamlload_document() is a drop-in replacement for yaml_parser_load(): it
 * builds the next document of the parser's stream from parser events
 * (yaml_document_add_*; anchors and aliases resolve to shared nodes as
 * with yaml_parser_load, node marks are kept for error messages), and
 * returns 1 with *doc filled (no root node at the end of the stream), or
 * 0 with the parser's error fields set (error, problem, problem_mark,
 * context, as libyaml sets them) and *doc empty.
 *
 * The difference: sequences and mappings nested deeper than
 * YAMLLOAD_DEPTH_MAX are an error at the first node too deep, so hostile
 * nesting (100,000 "[" cost yaml_parser_load 22 s) is refused after at
 * most YAMLLOAD_DEPTH_MAX levels of work.  Used for weir.yaml, the
 * user's config.yaml and weir test suites.
 */
#ifndef WEIR_YAMLLOAD_H
#define WEIR_YAMLLOAD_H

#include "yamllib.h"           /* libyaml, opened on first use */

/* Deepest nesting of sequences and mappings accepted in weir's YAML files
 * (configuration needs 3 levels, test suites about 8). */
#define YAMLLOAD_DEPTH_MAX 64

int yamlload_document(yaml_parser_t *parser, yaml_document_t *doc);

#endif
