/*
 * bl.h -- what the `dnsbl` and `rhsbl` builtins share: the message's
 * block-list engine (through the host, rl.h rl_host.dnsbl), the
 * `returns` list of accepted answers, the zone check, and reporting one
 * call's lookups as a verdict, a trace note and the ${NAME.txt},
 * ${NAME.code}, ${NAME.query} facts.
 *
 * A lookup that fails (timeout, SERVFAIL, network, a refused or
 * out-of-range answer, an unusable zone) is never a listing: the test is
 * false for it and the trace says why; the engine logs it (dnsbl.h).
 */
#ifndef WEIR_BL_H
#define WEIR_BL_H

#include <stddef.h>
#include <sys/types.h>

#include "dnsbl.h"
#include "registry.h"

/* Accepted answers one `returns` list may give. */
#define BL_RANGES_MAX 32

/* The engine, or NULL with *why saying why DNS is not looked up. */
struct dnsbl *bl_engine(struct rl_bi_env *env, const char **why);

/* scan_raw for `returns 127.0.0.2, 127.0.0.4 .. 127.0.0.11`: addresses in
 * 127.0.0.0/8, single or lo .. hi, separated by commas; the canonical
 * text ("127.0.0.2, 127.0.0.4 .. 127.0.0.11") goes to out. */
ssize_t bl_scan_returns(int arg, const char *text, size_t n, struct buf *out, char *err,
                        size_t errlen);
/* The ranges of a canonical list (bl_scan_returns' output); how many. */
size_t bl_ranges(const char *s, struct dnsbl_range *r, size_t max);

/* NULL when zone (a constant, or NULL when built at run time) is a DNS
 * name; else the message for the check hook. */
const char *bl_zone_check(const char *zone, const char **help);

/* Report lookups h[0..n) (handles of bl_engine's engine, -1 for a value
 * that could not be asked) against the accepted ranges: the test is true
 * when one of them is listed with an accepted answer; each lookup is
 * noted (what was asked, the answer, why); the first accepted listing's
 * TXT, code and query name are exported.  what[i] names lookup i in the
 * note ("client 192.0.2.1"). */
void bl_report(struct rl_bi_env *env, struct dnsbl *b, const int *h, const char *const *what,
               size_t n, const char *ranges_text, struct rl_bi_result *r);

#endif
