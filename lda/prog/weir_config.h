/*
 * weir_config.h -- weir.yaml: the system configuration and the user's short
 * list of overrides (weir.yaml(5) documents every key).  (Named
 * weir_config.h because config.h is autoconf's; the module is config.c.)
 *
 * config_defaults() fills a struct weir_config with the built-in defaults:
 * each key's default is written in its row of the key table in config.c
 * (as text, as weir.yaml would say it), except the limits the rule
 * language and the intake enforce, which come from rl_limits_default()
 * and message_limits_default().
 * config_load() reads one YAML file over it: the system file (every key)
 * or the user's ~/.weir/config.yaml (only the keys marked "user" in the
 * table in config.c and weir.yaml(5)).  Unknown keys, wrong types, bad
 * values and YAML syntax errors are reported as
 *     file:line:col: error: message
 * (1-based, from libyaml's marks) in *err; the struct is left exactly as
 * it was before the call (the file is applied all or nothing).
 *
 * Return values: 0 loaded; CONFIG_MISSING (1) the file does not exist
 * (nothing changed: built-in defaults stay); -1 error (*err set).  The
 * caller decides what an error means: a broken system config holds the
 * mail (exit 75), a broken user config is ignored with a log line.
 *
 * Paths may start with "~/" (the recipient's home directory);
 * home_path() expands them.  Strings are owned by the struct and freed
 * by config_free().
 */
#ifndef WEIR_WEIR_CONFIG_H
#define WEIR_WEIR_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define CONFIG_MISSING 1

/* Largest configuration file read. */
#define CONFIG_FILE_MAX (256u * 1024)

/* One IP network: trusted relays.  family is AF_INET or AF_INET6. */
struct config_net {
    int family;
    unsigned char addr[16];
    unsigned prefix;            /* 0..32 or 0..128 */
    int negate;                 /* "!net": never trusted (trusted_relays) */
};

struct config_rate {
    unsigned per_sender_days;   /* at most one per sender in this many days */
    unsigned per_hour;          /* at most this many in any hour, all senders */
};

struct weir_config {
    char *default_mailbox;
    char *maildir_root;         /* relative Maildir targets */
    char *mail_root;            /* relative mbox and MH targets */
    char *system_rules;
    char *system_cache_dir;
    char *user_rules;
    char *user_cache_dir;
    char *user_config;
    char *state_dir;
    char *hold_file;
    char *spool_dir;            /* the system mail spool (/var/mail) */
    char *append_dir;           /* mbox crash-repair records */
    char *temp_dir;             /* large messages while weir works */
    char *sendmail;
    char **addresses;           /* the user's other addresses (replies) */
    size_t naddresses;
    char *fakebounce_template;  /* fake-bounce text template, or NULL */
    unsigned child_timeout_ms;
    unsigned lock_wait_ms;      /* longest wait for mbox locks */
    unsigned lock_stale_ms;     /* a dotlock older than this is stale */
    struct {
        char **servers;         /* ADDRESS[:PORT], [IPv6]:PORT; none: resolv.conf */
        size_t nservers;
        unsigned timeout_ms;    /* one query */
        unsigned budget_ms;     /* all DNS work for one message */
        int health_check;       /* RFC 5782 zone check */
        unsigned health_hold_ms; /* a zone that failed it stays unusable */
        unsigned cache_ttl_max_ms; /* longest an answer is cached; 0: no cache */
    } dns;
    struct config_net *trusted_relays;
    size_t ntrusted_relays;
    struct {
        size_t message_size;
        size_t memory_spool;
        size_t header_size;
        size_t body_scan;               /* body bytes body tests see */
        unsigned mime_depth;
        unsigned mime_parts;
        size_t mime_decode;             /* decoded bytes looked into per part */
        unsigned long vm_steps;
        unsigned regex_match_limit;
        unsigned regex_depth_limit;
        size_t regex_heap_limit;        /* bytes */
        size_t archive_expansion;       /* bytes unpacked per message */
        unsigned archive_members;
        unsigned archive_depth;
    } limits;
    struct {
        struct config_rate reply;
        struct config_rate fakebounce;
    } rate_limits;
    struct {
        int syslog;
        int user_log;
        char *user_log_file;
    } logging;
};

void config_defaults(struct weir_config *c);
/* user: 1 for ~/.weir/config.yaml (allowlisted keys only). */
int config_load(struct weir_config *c, const char *path, int user, struct buf *err);
void config_free(struct weir_config *c);
/* The value of a dotted key ("dns.timeout", "limits.mime_depth") as text
 * in *out: sizes in bytes, durations in milliseconds, numbers in decimal,
 * booleans "true"/"false", paths as set (unexpanded), lists one entry a
 * line.  0, or -1 for a key the table does not have (out is then ""). */
int config_value(const struct weir_config *c, const char *name, struct buf *out);

#endif
