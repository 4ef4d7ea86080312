/*
 * weir_config.h -- weir.yaml: the system configuration and the user's short
 * list of overrides (weir.yaml(5) documents every key).  (Named
 * weir_config.h because config.h is autoconf's; the module is config.c.)
 *
 * config_defaults() fills a struct weir_config with the built-in defaults.
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

/* Built-in defaults (weir.yaml(5)).  The rule-language limits repeat the
 * RL_DEFAULT_* values of rulelang/rl.h. */
#define CONFIG_DEFAULT_MAILBOX        "~/Maildir/"
#define CONFIG_DEFAULT_MAILDIR_ROOT   "~/Maildir"
#define CONFIG_DEFAULT_MAIL_ROOT      "~/Mail"
#define CONFIG_DEFAULT_BODY_SCAN      (1024u * 1024)
#define CONFIG_DEFAULT_SPOOL_DIR      "/var/mail"
#define CONFIG_DEFAULT_APPEND_DIR     "~/.weir/append"
#define CONFIG_DEFAULT_LOCK_WAIT_MS   (90u * 1000)
#define CONFIG_DEFAULT_LOCK_STALE_MS  (300u * 1000)
#define CONFIG_DEFAULT_SYSTEM_CACHE   "/var/cache/weir"
#define CONFIG_DEFAULT_USER_RULES     "~/.weir/rules"
#define CONFIG_DEFAULT_USER_CACHE     "~/.weir/cache"
#define CONFIG_DEFAULT_USER_CONFIG    "~/.weir/config.yaml"
#define CONFIG_DEFAULT_STATE_DIR      "~/.weir/state"
#define CONFIG_DEFAULT_HOLD_FILE      "~/.weir/hold"
#define CONFIG_DEFAULT_SENDMAIL       "/usr/sbin/sendmail"
#define CONFIG_DEFAULT_USER_LOG_FILE  "~/.weir/log"
#define CONFIG_DEFAULT_CHILD_TIMEOUT_MS (300u * 1000)
#define CONFIG_DEFAULT_DNS_TIMEOUT_MS 2000u
#define CONFIG_DEFAULT_DNS_BUDGET_MS  10000u
#define CONFIG_DEFAULT_MIME_DEPTH     16u
#define CONFIG_DEFAULT_MIME_PARTS     1000u
#define CONFIG_DEFAULT_VM_STEPS       1000000ul
#define CONFIG_DEFAULT_MATCH_LIMIT    100000u
#define CONFIG_DEFAULT_DEPTH_LIMIT    10000u
#define CONFIG_DEFAULT_HEAP_LIMIT     (20u * 1024 * 1024)   /* bytes */
#define CONFIG_DEFAULT_ARCHIVE_EXPANSION ((size_t)64 * 1024 * 1024)
#define CONFIG_DEFAULT_ARCHIVE_MEMBERS 1000u
#define CONFIG_DEFAULT_ARCHIVE_DEPTH  2u
#define CONFIG_DEFAULT_REPLY_DAYS     7u
#define CONFIG_DEFAULT_REPLY_PER_HOUR 20u
#define CONFIG_DEFAULT_FAKEBOUNCE_DAYS 1u
#define CONFIG_DEFAULT_FAKEBOUNCE_PER_HOUR 10u

/* One IP network: trusted relays.  family is AF_INET or AF_INET6. */
struct config_net {
    int family;
    unsigned char addr[16];
    unsigned prefix;            /* 0..32 or 0..128 */
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
    unsigned child_timeout_ms;
    unsigned lock_wait_ms;      /* longest wait for mbox locks */
    unsigned lock_stale_ms;     /* a dotlock older than this is stale */
    struct {
        char **servers;         /* IP addresses; none: /etc/resolv.conf */
        size_t nservers;
        unsigned timeout_ms;    /* one query */
        unsigned budget_ms;     /* all DNS work for one message */
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
/* path with a leading "~/" (or "~" alone) replaced by home; allocated. */

#endif
