/*
 * mismatch.h -- envelope/header mismatch facts, as pure functions of
 * addresses already parsed (mailparse.h).  The rule language's
 * `mismatch` tests are built on these; each explains its answer in *why
 * (one line: which two values were compared and why they differ or not).
 *
 * Strengths: MM_ADDRESS (same address, local part compared without
 * case), MM_DOMAIN (same domain), MM_ORG (same organisational domain,
 * psl_api.h).  Domains are compared in canonical form (lower case,
 * A-labels) through the caller's functions, so the tests can run with
 * or without the psl module.
 *
 * The null sender (<>, bounces and other notifications) has no address
 * and no domain: every envelope-sender comparison answers
 * MM_NOT_APPLICABLE ("null sender: nothing to compare"), which the rule
 * language reads as "no mismatch".  The recipient, From/To and Reply-To
 * tests do not involve the envelope sender and work the same for bounces.
 *
 * A header field that is absent or has no address gives
 * MM_NOT_APPLICABLE too; a domain whose canonical or organisational form
 * cannot be computed is compared as written (lower case).
 */
#ifndef WEIR_MISMATCH_H
#define WEIR_MISMATCH_H

#include <stddef.h>

#include "mailparse.h"
#include "psl_api.h"
#include "util.h"

enum mm_strength { MM_ADDRESS = 1, MM_DOMAIN, MM_ORG };

enum mm_verdict {
    MM_SAME = 0,            /* no mismatch */
    MM_DIFFERENT,           /* a mismatch: the test is true */
    MM_NOT_APPLICABLE       /* nothing to compare: the test is false */
};

/* Canonical form / organisational domain of a domain into out: 0, or -1
 * when it cannot be computed. */
typedef int (*mm_domain_fn)(void *ctx, const char *domain, char out[PSL_NAME_MAX]);

struct mm_ops {
    mm_domain_fn canonical;
    mm_domain_fn org;
    void *ctx;
};

/* The envelope sender ("" for <>) against the addresses of one header
 * field (field names it in *why): MM_DIFFERENT when none of them is the
 * same at this strength. */
enum mm_verdict mm_sender_vs(const struct mm_ops *ops, const char *sender, const char *field,
                             const struct mp_address *a, size_t n, enum mm_strength s,
                             struct buf *why);

/* The recipient is in neither To nor Cc (a blind copy): MM_DIFFERENT.
 * Addresses are compared without case and without a "+detail" on
 * either side. */
enum mm_verdict mm_recipient_hidden(const char *recipient, const struct mp_address *to, size_t nto,
                                    const struct mp_address *cc, size_t ncc, struct buf *why);

/* A From address is also a To address: MM_DIFFERENT (the test is true). */
enum mm_verdict mm_from_is_to(const struct mp_address *from, size_t nfrom,
                              const struct mp_address *to, size_t nto, struct buf *why);

/* A Reply-To address is in another organisation than every From
 * address: MM_DIFFERENT. */
enum mm_verdict mm_replyto_other_org(const struct mm_ops *ops, const struct mp_address *from,
                                     size_t nfrom, const struct mp_address *rt, size_t nrt,
                                     struct buf *why);

/* A display name contains an address ("support@bank.example"
 * <x@evil.example>) whose organisational domain is not the real
 * address's: MM_DIFFERENT. */
enum mm_verdict mm_display_address(const struct mm_ops *ops, const struct mp_address *a, size_t n,
                                   struct buf *why);

#endif
