/*
 * lint.h -- checks on a parsed rule file for mistakes the grammar
 * accepts but that can never work as written, or very likely do not do
 * what the author meant (weir-rules(5), DIAGNOSTICS).  Run by
 * rl_compile() between the front end and the back end, so `weir check`,
 * `weir test`, `weir compile` and deliveries all see the same
 * diagnostics.
 *
 * rl_lint() adds errors and warnings, each with a position and a help
 * line, to f->diags and returns the number of errors it added (0 when
 * the tree may be compiled).  It never changes the tree.
 */
#ifndef WEIR_LINT_H
#define WEIR_LINT_H

#include "ast.h"

int rl_lint(struct rl_front *f);

#endif
