/*
 * config.c -- weir.yaml via libyaml (see weir_config.h, weir.yaml(5)).
 *
 * Entry points: config_defaults(), config_load(), config_free(),
 * home_path().  config_load() returns 0, CONFIG_MISSING, or -1 with
 * "file:line:col: error: ..." lines in *err; on error the configuration is
 * unchanged (the file is applied to a copy, which replaces the original
 * only when every key was valid).
 *
 * One table (keys[] and its sub-tables) defines every key: its name, type,
 * where it is stored, its range, and whether a user's config.yaml may set
 * it.  Parsing, validation, copying and freeing are all driven by it.
 *
 * SECURITY: the file is untrusted text (the user's config.yaml, or a -c
 * file in tests): it is read with a size cap (CONFIG_FILE_MAX), must be a
 * regular file, and is parsed by libyaml's document loader; every value is
 * checked against its type and range before use.  Nothing here opens any
 * other file.
 */
#include "config.h"
#include "weir_config.h"
#include "message.h"
#include "netaddr.h"
#include "log.h"
#include "rl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "yamlload.h"
#include <yaml.h>

/* Errors reported per file before giving up. */
#define CONFIG_ERRORS_MAX 20
/* Entries accepted in a list (DNS servers, trusted relays). */
#define CONFIG_LIST_MAX 256
/* Longest string value. */
#define CONFIG_STRING_MAX 4096

enum ktype {
    K_MAP = 1,
    K_PATH,         /* "/..." or "~/..." */
    K_ABSPATH,      /* "/..." */
    K_BOOL,
    K_UINT,         /* unsigned, [min, max] */
    K_ULONG,
    K_SIZE,         /* bytes, with optional k/M/G suffix */
    K_MS,           /* duration: number with ms/s/m/h (bare = seconds) */
    K_IPLIST,       /* sequence of IP addresses (char **, count at off2) */
    K_NETLIST,      /* sequence of addr[/prefix] (struct config_net *) */
    K_ADDRLIST      /* sequence of mail addresses local@domain (char **,
                       count at off2) */
};

#define KEY_USER 1u     /* may be set in ~/.weir/config.yaml */

/* A row's def for a limit whose default belongs to the library that
 * enforces it: the rule language's (rl_limits_default()) or the intake's
 * (message_limits_default()).  config_defaults() copies those. */
static const char lib_default[] = "(library)";
#define LIB_DEFAULT lib_default

struct key {
    const char *name;
    enum ktype type;
    const char *def;            /* the built-in default, written as in
                                   weir.yaml; NULL: none (an empty list), or
                                   the library's own (LIB_DEFAULT) */
    size_t off;
    size_t off2;                /* list count */
    const struct key *sub;      /* K_MAP */
    unsigned flags;
    unsigned long long min, max;
};

#define F(field) offsetof(struct weir_config, field)
#define KB 1024ull
#define MB (1024ull * 1024)
#define GB (1024ull * 1024 * 1024)
#define MS_S 1000ull
#define MS_H (3600ull * 1000)

static const struct key dns_keys[] = {
    { "servers", K_IPLIST, NULL, F(dns.servers), F(dns.nservers), NULL, 0, 0, 0 },
    { "timeout", K_MS, "2s", F(dns.timeout_ms), 0, NULL, 0, 10, 60 * MS_S },
    { "budget", K_MS, "10s", F(dns.budget_ms), 0, NULL, 0, 0, 600 * MS_S },
    { "health_check", K_BOOL, "false", F(dns.health_check), 0, NULL, 0, 0, 0 },
    { "health_hold", K_MS, "1h", F(dns.health_hold_ms), 0, NULL, 0, 60 * MS_S, 24 * MS_H },
    { "cache_ttl_max", K_MS, "1h", F(dns.cache_ttl_max_ms), 0, NULL, 0, 0, 24 * MS_H },
    { NULL, 0, NULL, 0, 0, NULL, 0, 0, 0 }
};

static const struct key limit_keys[] = {
    { "message_size", K_SIZE, LIB_DEFAULT, F(limits.message_size), 0, NULL, 0, 1 * KB, 4 * GB },
    { "memory_spool", K_SIZE, LIB_DEFAULT, F(limits.memory_spool), 0, NULL, 0, 0, 1 * GB },
    { "header_size", K_SIZE, LIB_DEFAULT, F(limits.header_size), 0, NULL, 0, 1 * KB, 64 * MB },
    { "body_scan", K_SIZE, "1M", F(limits.body_scan), 0, NULL, 0, 1 * KB, 1024 * MB },
    { "mime_depth", K_UINT, "16", F(limits.mime_depth), 0, NULL, 0, 1, 100 },
    { "mime_parts", K_UINT, "1000", F(limits.mime_parts), 0, NULL, 0, 1, 100000 },
    { "mime_decode", K_SIZE, "32M", F(limits.mime_decode), 0, NULL, 0, 4 * KB, 4 * GB },
    { "vm_steps", K_ULONG, LIB_DEFAULT, F(limits.vm_steps), 0, NULL, 0, 1000, 1000000000ull },
    { "regex_match_limit", K_UINT, LIB_DEFAULT, F(limits.regex_match_limit), 0, NULL, 0, 100, 100000000ull },
    { "regex_depth_limit", K_UINT, LIB_DEFAULT, F(limits.regex_depth_limit), 0, NULL, 0, 10, 100000000ull },
    { "regex_heap_limit", K_SIZE, LIB_DEFAULT, F(limits.regex_heap_limit), 0, NULL, 0, 64 * KB, 1 * GB },
    { "archive_expansion", K_SIZE, "64M", F(limits.archive_expansion), 0, NULL, 0, 0, 4 * GB },
    { "archive_members", K_UINT, "1000", F(limits.archive_members), 0, NULL, 0, 0, 1000000 },
    { "archive_depth", K_UINT, "2", F(limits.archive_depth), 0, NULL, 0, 0, 10 },
    { NULL, 0, NULL, 0, 0, NULL, 0, 0, 0 }
};

static const struct key reply_keys[] = {
    { "per_sender_days", K_UINT, "7", F(rate_limits.reply.per_sender_days), 0, NULL, 0, 1, 3650 },
    { "per_hour", K_UINT, "20", F(rate_limits.reply.per_hour), 0, NULL, 0, 0, 100000 },
    { NULL, 0, NULL, 0, 0, NULL, 0, 0, 0 }
};

static const struct key fakebounce_keys[] = {
    { "per_sender_days", K_UINT, "1", F(rate_limits.fakebounce.per_sender_days), 0, NULL, 0, 1, 3650 },
    { "per_hour", K_UINT, "10", F(rate_limits.fakebounce.per_hour), 0, NULL, 0, 0, 100000 },
    { NULL, 0, NULL, 0, 0, NULL, 0, 0, 0 }
};

static const struct key rate_keys[] = {
    { "reply", K_MAP, NULL, 0, 0, reply_keys, 0, 0, 0 },
    { "fakebounce", K_MAP, NULL, 0, 0, fakebounce_keys, 0, 0, 0 },
    { NULL, 0, NULL, 0, 0, NULL, 0, 0, 0 }
};

static const struct key logging_keys[] = {
    { "syslog", K_BOOL, "true", F(logging.syslog), 0, NULL, 0, 0, 0 },
    { "user_log", K_BOOL, "false", F(logging.user_log), 0, NULL, KEY_USER, 0, 0 },
    { "user_log_file", K_PATH, "~/.weir/log", F(logging.user_log_file), 0, NULL, KEY_USER, 0, 0 },
    { NULL, 0, NULL, 0, 0, NULL, 0, 0, 0 }
};

static const struct key keys[] = {
    { "default_mailbox", K_PATH, "~/Maildir/", F(default_mailbox), 0, NULL, KEY_USER, 0, 0 },
    { "maildir_root", K_PATH, "~/Maildir", F(maildir_root), 0, NULL, 0, 0, 0 },
    { "mail_root", K_PATH, "~/Mail", F(mail_root), 0, NULL, 0, 0, 0 },
    { "system_rules", K_ABSPATH, WEIR_SYSCONFDIR "/system.rules", F(system_rules), 0, NULL, 0, 0, 0 },
    { "system_cache_dir", K_ABSPATH, "/var/cache/weir", F(system_cache_dir), 0, NULL, 0, 0, 0 },
    { "user_rules", K_PATH, "~/.weir/rules", F(user_rules), 0, NULL, KEY_USER, 0, 0 },
    { "user_cache_dir", K_PATH, "~/.weir/cache", F(user_cache_dir), 0, NULL, 0, 0, 0 },
    { "user_config", K_PATH, "~/.weir/config.yaml", F(user_config), 0, NULL, 0, 0, 0 },
    { "state_dir", K_PATH, "~/.weir/state", F(state_dir), 0, NULL, 0, 0, 0 },
    { "hold_file", K_PATH, "~/.weir/hold", F(hold_file), 0, NULL, 0, 0, 0 },
    { "spool_dir", K_ABSPATH, "/var/mail", F(spool_dir), 0, NULL, 0, 0, 0 },
    { "append_dir", K_PATH, "~/.weir/append", F(append_dir), 0, NULL, 0, 0, 0 },
    { "temp_dir", K_ABSPATH, LIB_DEFAULT, F(temp_dir), 0, NULL, 0, 0, 0 },
    { "sendmail", K_ABSPATH, "/usr/sbin/sendmail", F(sendmail), 0, NULL, 0, 0, 0 },
    { "child_timeout", K_MS, "5m", F(child_timeout_ms), 0, NULL, 0, 1 * MS_S, MS_H },
    { "lock_wait", K_MS, "90s", F(lock_wait_ms), 0, NULL, 0, 1 * MS_S, 900 * MS_S },
    { "lock_stale", K_MS, "5m", F(lock_stale_ms), 0, NULL, 0, 10 * MS_S, MS_H },
    { "dns", K_MAP, NULL, 0, 0, dns_keys, 0, 0, 0 },
    { "trusted_relays", K_NETLIST, NULL, F(trusted_relays), F(ntrusted_relays), NULL, 0, 0, 0 },
    { "limits", K_MAP, NULL, 0, 0, limit_keys, 0, 0, 0 },
    { "rate_limits", K_MAP, NULL, 0, 0, rate_keys, 0, 0, 0 },
    { "logging", K_MAP, NULL, 0, 0, logging_keys, 0, 0, 0 },
    { "addresses", K_ADDRLIST, NULL, F(addresses), F(naddresses), NULL, KEY_USER, 0, 0 },
    { "fakebounce_template", K_PATH, NULL, F(fakebounce_template), 0, NULL, KEY_USER, 0, 0 },
    { NULL, 0, NULL, 0, 0, NULL, 0, 0, 0 }
};

#define FIELD(c, k, type) ((type *)(void *)((char *)(c) + (k)->off))
#define COUNT(c, k) ((size_t *)(void *)((char *)(c) + (k)->off2))

/* ------------------------------------------------------------------ */
/* Defaults, copy, free                                                */
/* ------------------------------------------------------------------ */

static int set_scalar(struct weir_config *c, const struct key *k, const char *s,
                      const char *name, char *why, size_t whylen);
static void key_name(char *out, size_t outlen, const char *prefix, const char *name);

/* Apply every row's default text, as if read from a file. */
static void
defaults_table(struct weir_config *c, const struct key *t, const char *prefix)
{
    char name[128], why[256];

    for (const struct key *k = t; k->name; k++) {
        if (k->type == K_MAP) {
            key_name(name, sizeof name, prefix, k->name);
            defaults_table(c, k->sub, name);
        } else if (k->def != NULL && k->def != LIB_DEFAULT &&
                   set_scalar(c, k, k->def, k->name, why, sizeof why) != 0) {
            key_name(name, sizeof name, prefix, k->name);  /* (only to say so) */
            msg_panic("built-in default of %s: %s", name, why);
        }
    }
}

static void own_table(struct weir_config *dst, const struct key *t);

/* The built-in configuration: converted from the table's text once per
 * process (a delivery needs it twice: main's configuration and the
 * delivery's settings), then copied. */
void
config_defaults(struct weir_config *out)
{
    struct weir_config *c = out;
    static struct weir_config tmpl;
    static int ready;
    struct intake_limits il;
    struct rl_limits rl;

    if (ready) {
        *c = tmpl;
        own_table(c, keys);     /* its own copies of the strings and lists */
        return;
    }
    c = &tmpl;
    ready = 1;
    memset(c, 0, sizeof *c);
    defaults_table(c, keys, "");
    message_limits_default(&il);
    c->limits.message_size = il.size_max;
    c->limits.memory_spool = il.mem_max;
    c->limits.header_size = il.header_max;
    c->temp_dir = xstrdup(il.spool_dir);
    rl_limits_default(&rl);
    c->limits.vm_steps = rl.steps;
    c->limits.regex_match_limit = rl.match_limit;
    c->limits.regex_depth_limit = rl.depth_limit;
    c->limits.regex_heap_limit = (size_t)rl.heap_limit * 1024;
    config_defaults(out);
}

/* Give dst its own copies of everything src's table entries point to
 * (dst starts as a byte copy of src). */
static void
own_table(struct weir_config *dst, const struct key *t)
{
    for (const struct key *k = t; k->name; k++) {
        switch (k->type) {
        case K_MAP:
            own_table(dst, k->sub);
            break;
        case K_PATH:
        case K_ABSPATH: {
            char **p = FIELD(dst, k, char *);

            if (*p)
                *p = xstrdup(*p);
            break;
        }
        case K_IPLIST:
        case K_ADDRLIST: {
            char ***p = FIELD(dst, k, char **);
            size_t n = *COUNT(dst, k);
            char **v = n ? xcalloc(n, sizeof *v) : NULL;

            for (size_t i = 0; i < n; i++)
                v[i] = xstrdup((*p)[i]);
            *p = v;
            break;
        }
        case K_NETLIST: {
            struct config_net **p = FIELD(dst, k, struct config_net *);
            size_t n = *COUNT(dst, k);
            struct config_net *v = n ? xcalloc(n, sizeof *v) : NULL;

            if (n)
                memcpy(v, *p, n * sizeof *v);
            *p = v;
            break;
        }
        default:
            break;
        }
    }
}

static void
free_table(struct weir_config *c, const struct key *t)
{
    for (const struct key *k = t; k->name; k++) {
        switch (k->type) {
        case K_MAP:
            free_table(c, k->sub);
            break;
        case K_PATH:
        case K_ABSPATH:
            free(*FIELD(c, k, char *));
            *FIELD(c, k, char *) = NULL;
            break;
        case K_IPLIST:
        case K_ADDRLIST: {
            char **v = *FIELD(c, k, char **);

            for (size_t i = 0; i < *COUNT(c, k); i++)
                free(v[i]);
            free(v);
            *FIELD(c, k, char **) = NULL;
            *COUNT(c, k) = 0;
            break;
        }
        case K_NETLIST:
            free(*FIELD(c, k, struct config_net *));
            *FIELD(c, k, struct config_net *) = NULL;
            *COUNT(c, k) = 0;
            break;
        default:
            break;
        }
    }
}

void
config_free(struct weir_config *c)
{
    free_table(c, keys);
}

/* The row of dotted key name in table t, or NULL. */
static const struct key *
find_key(const struct key *t, const char *name)
{
    size_t n = strcspn(name, ".");

    for (const struct key *k = t; k->name; k++) {
        if (strlen(k->name) != n || strncmp(k->name, name, n) != 0)
            continue;
        if (name[n] == '\0')
            return k->type == K_MAP ? NULL : k;
        return k->type == K_MAP ? find_key(k->sub, name + n + 1) : NULL;
    }
    return NULL;
}

int
config_value(const struct weir_config *c, const char *name, struct buf *out)
{
    const struct key *k = find_key(keys, name);

    buf_reset(out);
    buf_adds(out, "");
    if (k == NULL)
        return -1;
    switch (k->type) {
    case K_PATH:
    case K_ABSPATH: {
        const char *v = *FIELD(c, k, char *);

        buf_adds(out, v ? v : "");
        break;
    }
    case K_BOOL:
        buf_adds(out, *FIELD(c, k, int) ? "true" : "false");
        break;
    case K_UINT:
    case K_MS:
        buf_printf(out, "%u", *FIELD(c, k, unsigned));
        break;
    case K_ULONG:
        buf_printf(out, "%lu", *FIELD(c, k, unsigned long));
        break;
    case K_SIZE:
        buf_printf(out, "%zu", *FIELD(c, k, size_t));
        break;
    case K_IPLIST:
    case K_ADDRLIST: {
        char **v = *FIELD(c, k, char **);

        for (size_t i = 0; i < *COUNT(c, k); i++)
            buf_printf(out, "%s%s", i ? "\n" : "", v[i]);
        break;
    }
    case K_NETLIST: {
        const struct config_net *v = *FIELD(c, k, struct config_net *);
        char a[INET6_ADDRSTRLEN];

        for (size_t i = 0; i < *COUNT(c, k); i++) {
            if (inet_ntop(v[i].family, v[i].addr, a, sizeof a) == NULL)
                continue;
            buf_printf(out, "%s%s%s/%u", out->len ? "\n" : "", v[i].negate ? "!" : "",
                       a, v[i].prefix);
        }
        break;
    }
    default:
        return -1;
    }
    return 0;
}


/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

struct loader {
    const char *file;
    int user;
    yaml_document_t *doc;
    struct weir_config *c;
    struct buf *err;
    int nerrors;
};

__attribute__((format(printf, 3, 4)))
static void
error_at(struct loader *ld, const yaml_node_t *node, const char *fmt, ...)
{
    va_list ap;

    ld->nerrors++;
    if (ld->nerrors > CONFIG_ERRORS_MAX)
        return;
    if (node)
        buf_printf(ld->err, "%s:%zu:%zu: error: ", ld->file, node->start_mark.line + 1,
                   node->start_mark.column + 1);
    else
        buf_printf(ld->err, "%s: error: ", ld->file);
    va_start(ap, fmt);
    buf_vprintf(ld->err, fmt, ap);
    va_end(ap);
    buf_addc(ld->err, '\n');
}

static const char *
node_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE: return n->data.scalar.length ? "a scalar" : "an empty value";
    default: return "nothing";
    }
}

static const char *
scalar(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* The dotted name of key k inside prefix, for messages. */
static void
key_name(char *out, size_t outlen, const char *prefix, const char *name)
{
    if (snprintf(out, outlen, "%s%s%s", prefix, *prefix ? "." : "", name) < 0)
        out[0] = '\0';
}

static void
list_keys(struct buf *b, const struct key *t, int user)
{
    int first = 1;

    buf_adds(b, "");
    for (const struct key *k = t; k->name; k++) {
        if (user && k->type != K_MAP && !(k->flags & KEY_USER))
            continue;
        buf_printf(b, "%s%s", first ? "" : ", ", k->name);
        first = 0;
    }
}

/* Whether any key of a table (recursively) is allowed in a user file. */
static int
has_user_keys(const struct key *t)
{
    for (const struct key *k = t; k->name; k++)
        if ((k->type == K_MAP && has_user_keys(k->sub)) || (k->flags & KEY_USER))
            return 1;
    return 0;
}

/* Parse a number with an optional unit suffix.  units is a table of
 * {suffix, multiplier}; the first entry with suffix "" is the bare unit. */
struct unit {
    const char *suffix;
    unsigned long long mult;
};

static const struct unit size_units[] = {
    { "", 1 }, { "k", KB }, { "K", KB }, { "KB", KB }, { "KiB", KB },
    { "M", MB }, { "MB", MB }, { "MiB", MB }, { "G", GB }, { "GB", GB }, { "GiB", GB },
    { NULL, 0 }
};

static const struct unit ms_units[] = {
    { "", MS_S }, { "ms", 1 }, { "s", MS_S }, { "m", 60 * MS_S }, { "h", MS_H },
    { NULL, 0 }
};

static int
parse_number(const char *s, const struct unit *units, unsigned long long *out)
{
    unsigned long long v = 0;
    const char *p = s;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (ULLONG_MAX - 9) / 10)
            return -1;
        v = v * 10 + (unsigned long long)(*p - '0');
    }
    while (*p == ' ')
        p++;
    for (const struct unit *u = units; u->suffix; u++)
        if (strcmp(p, u->suffix) == 0) {
            if (u->mult && v > ULLONG_MAX / u->mult)
                return -1;
            *out = v * u->mult;
            return 0;
        }
    return -1;
}

static int
parse_net(const char *s, struct config_net *net)
{
    char addr[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    unsigned long long prefix;
    int negate = s[0] == '!';

    if (negate) {
        s++;
        n--;
    }
    if (n == 0 || n >= sizeof addr)
        return -1;
    memcpy(addr, s, n);
    addr[n] = '\0';
    memset(net, 0, sizeof *net);
    net->negate = negate;
    if (inet_pton(AF_INET, addr, net->addr) == 1) {
        net->family = AF_INET;
        net->prefix = 32;
    } else if (inet_pton(AF_INET6, addr, net->addr) == 1) {
        net->family = AF_INET6;
        net->prefix = 128;
    } else
        return -1;
    if (slash) {
        if (parse_number(slash + 1, size_units, &prefix) != 0 || slash[1] == '\0' ||
            strspn(slash + 1, "0123456789") != strlen(slash + 1) || prefix > net->prefix)
            return -1;
        net->prefix = (unsigned)prefix;
    }
    return 0;
}

static int
parse_bool(const char *s, int *out)
{
    static const char *const yes[] = { "true", "yes", "on", NULL };
    static const char *const no[] = { "false", "no", "off", NULL };

    for (int i = 0; yes[i]; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

/* A limit as a person would write it: 4G, 64k, 30s, 500ms. */
static void
human(char *out, size_t outlen, const struct key *k, unsigned long long v)
{
    int r;

    if (k->type == K_SIZE && v && v % GB == 0)
        r = snprintf(out, outlen, "%lluG", v / GB);
    else if (k->type == K_SIZE && v && v % MB == 0)
        r = snprintf(out, outlen, "%lluM", v / MB);
    else if (k->type == K_SIZE && v && v % KB == 0)
        r = snprintf(out, outlen, "%lluk", v / KB);
    else if (k->type == K_MS && v % MS_S == 0)
        r = snprintf(out, outlen, "%llus", v / MS_S);
    else if (k->type == K_MS)
        r = snprintf(out, outlen, "%llums", v);
    else
        r = snprintf(out, outlen, "%llu", v);
    if (r < 0)
        out[0] = '\0';
}

static void
describe_range(char *out, size_t outlen, const struct key *k)
{
    char lo[32], hi[32];

    human(lo, sizeof lo, k, k->min);
    human(hi, sizeof hi, k, k->max);
    if (snprintf(out, outlen, "%s to %s", lo, hi) < 0)
        out[0] = '\0';
}

static void apply_map(struct loader *ld, const struct key *t, yaml_node_t *map,
                      const char *prefix);

/* An `addresses` entry: local@domain, printable ASCII without blanks,
 * quotes or angle brackets, at most 254 bytes. */
static int
address_ok(const char *s)
{
    const char *at = strrchr(s, '@');

    if (at == NULL || at == s || at[1] == '\0' || strlen(s) > 254)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>(),;:\\[]", *p))
            return 0;
    return 1;
}

/* A dns.servers entry: ADDRESS, ADDRESS:PORT, [IPv6]:PORT (netaddr.h). */
static int
server_ok(const char *s)
{
    struct na_addr a;
    unsigned port;

    return na_parse_server(s, &a, &port) == 0;
}

static void
apply_list(struct loader *ld, const struct key *k, yaml_node_t *v, const char *name)
{
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    char **ips = NULL;
    struct config_net *nets = NULL;
    size_t count = 0;
    int bad = 0;

    if (n > CONFIG_LIST_MAX) {
        error_at(ld, v, "'%s' has %zu entries; at most %d are accepted", name, n,
                 CONFIG_LIST_MAX);
        return;
    }
    if (k->type != K_NETLIST)
        ips = xcalloc(n ? n : 1, sizeof *ips);
    else
        nets = xcalloc(n ? n : 1, sizeof *nets);
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(ld->doc, *it);
        struct config_net net;

        if (e == NULL)
            continue;
        if (e->type != YAML_SCALAR_NODE || e->data.scalar.length == 0) {
            error_at(ld, e, "'%s': expected an IP address%s, found %s", name,
                     k->type == K_NETLIST ? " or network (addr/prefix)" : "", node_kind(e));
            bad = 1;
            continue;
        }
        if (k->type == K_ADDRLIST ? !address_ok(scalar(e)) :
            k->type == K_IPLIST ? !server_ok(scalar(e)) : parse_net(scalar(e), &net) != 0) {
            error_at(ld, e, "'%s': '%s' is not %s", name, scalar(e),
                     k->type == K_ADDRLIST ? "a mail address (local@domain)" :
                     k->type == K_NETLIST
                         ? "an IP address or network (like 192.0.2.0/24, 2001:db8::/32, or "
                           "!10.0.0.0/8 for never trusted)"
                         : "an address (ADDRESS, ADDRESS:PORT or [IPv6]:PORT)");
            bad = 1;
            continue;
        }
        if (k->type != K_NETLIST)
            ips[count++] = xstrdup(scalar(e));
        else
            nets[count++] = net;
    }
    if (bad) {
        for (size_t i = 0; ips && i < count; i++)
            free(ips[i]);
        free(ips);
        free(nets);
        return;
    }
    if (k->type != K_NETLIST) {
        char **old = *FIELD(ld->c, k, char **);

        for (size_t i = 0; i < *COUNT(ld->c, k); i++)
            free(old[i]);
        free(old);
        *FIELD(ld->c, k, char **) = ips;
    } else {
        free(*FIELD(ld->c, k, struct config_net *));
        *FIELD(ld->c, k, struct config_net *) = nets;
    }
    *COUNT(ld->c, k) = count;
}

static void
apply_value(struct loader *ld, const struct key *k, yaml_node_t *v, const char *name)
{
    char why[CONFIG_STRING_MAX + 256];
    const char *s;

    if (k->type == K_MAP) {
        if (v->type != YAML_MAPPING_NODE) {
            struct buf names = BUF_INIT;

            list_keys(&names, k->sub, 0);
            error_at(ld, v, "'%s' must be a mapping of keys (%s), found %s", name,
                     names.data, node_kind(v));
            buf_free(&names);
            return;
        }
        apply_map(ld, k->sub, v, name);
        return;
    }
    if (k->type == K_IPLIST || k->type == K_NETLIST || k->type == K_ADDRLIST) {
        if (v->type != YAML_SEQUENCE_NODE) {
            error_at(ld, v, "'%s' must be a list (like %s), found %s", name,
                     k->type == K_ADDRLIST ? "[me@example.org, me@old.example]"
                                           : "[192.0.2.1, 2001:db8::1]", node_kind(v));
            return;
        }
        apply_list(ld, k, v, name);
        return;
    }
    if (v->type != YAML_SCALAR_NODE) {
        error_at(ld, v, "'%s' must be a single value, found %s", name, node_kind(v));
        return;
    }
    s = scalar(v);
    if (v->data.scalar.length == 0) {
        error_at(ld, v, "'%s' has no value", name);
        return;
    }
    if (v->data.scalar.length > CONFIG_STRING_MAX || strlen(s) != v->data.scalar.length) {
        error_at(ld, v, "'%s': value too long or contains a NUL byte", name);
        return;
    }
    if (set_scalar(ld->c, k, s, name, why, sizeof why) != 0)
        error_at(ld, v, "%s", why);
}

/* Store scalar text s as key k's value: the one conversion shared by
 * files and the built-in defaults.  0, or -1 with the reason in why. */
static int
set_scalar(struct weir_config *c, const struct key *k, const char *s, const char *name,
           char *why, size_t whylen)
{
    unsigned long long num;
    char range[96];

    switch (k->type) {
    case K_PATH:
    case K_ABSPATH:
        if (strchr(s, '\n') || strchr(s, '\r')) {
            snprintf(why, whylen, "'%s': a path cannot contain a line break", name);
            return -1;
        }
        if (s[0] != '/' && !(k->type == K_PATH && s[0] == '~' && (s[1] == '/' || s[1] == '\0'))) {
            snprintf(why, whylen, "'%s': '%s' must be an absolute path%s", name, s,
                     k->type == K_PATH ? " or start with ~/ (the home directory)" : "");
            return -1;
        }
        free(*FIELD(c, k, char *));
        *FIELD(c, k, char *) = xstrdup(s);
        return 0;
    case K_BOOL:
        if (parse_bool(s, FIELD(c, k, int)) != 0) {
            snprintf(why, whylen, "'%s': expected true or false, found '%s'", name, s);
            return -1;
        }
        return 0;
    case K_UINT:
    case K_ULONG:
    case K_SIZE:
    case K_MS:
        if (parse_number(s, k->type == K_SIZE ? size_units :
                            k->type == K_MS ? ms_units : size_units, &num) != 0 ||
            ((k->type == K_UINT || k->type == K_ULONG) &&
             strspn(s, "0123456789") != strlen(s))) {
            snprintf(why, whylen, "'%s': expected %s, found '%s'", name,
                     k->type == K_SIZE ? "a size (like 512k, 10M, 1G)" :
                     k->type == K_MS ? "a duration (like 500ms, 30s, 5m)" :
                     "a whole number", s);
            return -1;
        }
        if (num < k->min || num > k->max) {
            describe_range(range, sizeof range, k);
            snprintf(why, whylen, "'%s': %s is out of range (%s)", name, s, range);
            return -1;
        }
        if (k->type == K_SIZE)
            *FIELD(c, k, size_t) = (size_t)num;
        else if (k->type == K_ULONG)
            *FIELD(c, k, unsigned long) = (unsigned long)num;
        else
            *FIELD(c, k, unsigned) = (unsigned)num;
        return 0;
    default:
        snprintf(why, whylen, "'%s': internal error: unknown key type", name);
        return -1;
    }
}

static void
apply_map(struct loader *ld, const struct key *t, yaml_node_t *map, const char *prefix)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(ld->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(ld->doc, p->value);
        const struct key *k;
        char name[128];
        int dup = 0;

        if (kn == NULL || vn == NULL)
            continue;
        if (kn->type != YAML_SCALAR_NODE) {
            error_at(ld, kn, "a key must be a plain name, found %s", node_kind(kn));
            continue;
        }
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *qk = yaml_document_get_node(ld->doc, q->key);

            if (qk && qk->type == YAML_SCALAR_NODE && strcmp(scalar(qk), scalar(kn)) == 0)
                dup = 1;
        }
        key_name(name, sizeof name, prefix, scalar(kn));
        if (dup) {
            error_at(ld, kn, "duplicate key '%s'", name);
            continue;
        }
        for (k = t; k->name; k++)
            if (strcmp(k->name, scalar(kn)) == 0)
                break;
        if (k->name == NULL) {
            struct buf names = BUF_INIT;

            list_keys(&names, t, 0);
            error_at(ld, kn, "unknown key '%s' (expected one of: %s)", name, names.data);
            buf_free(&names);
            continue;
        }
        if (ld->user && (k->type == K_MAP ? !has_user_keys(k->sub) : !(k->flags & KEY_USER))) {
            error_at(ld, kn, "'%s' cannot be set in a user configuration (allowed: "
                     "default_mailbox, user_rules, logging.user_log, logging.user_log_file)",
                     name);
            continue;
        }
        apply_value(ld, k, vn, name);
    }
}

/* Read the whole file (regular file, at most CONFIG_FILE_MAX bytes). */
static int
read_config_file(const char *path, struct buf *out, struct buf *err)
{
    struct stat sb;
    char tmp[8192];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0) {
        if (errno == ENOENT)
            return CONFIG_MISSING;
        buf_printf(err, "%s: error: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        buf_printf(err, "%s: error: not a regular file\n", path);
        close(fd);
        return -1;
    }
    if ((unsigned long long)sb.st_size > CONFIG_FILE_MAX) {
        buf_printf(err, "%s: error: larger than %u bytes\n", path, CONFIG_FILE_MAX);
        close(fd);
        return -1;
    }
    while ((n = read_retry(fd, tmp, sizeof tmp)) > 0) {
        buf_add(out, tmp, (size_t)n);
        if (out->len > CONFIG_FILE_MAX) {
            buf_printf(err, "%s: error: larger than %u bytes\n", path, CONFIG_FILE_MAX);
            close(fd);
            return -1;
        }
    }
    if (n < 0) {
        buf_printf(err, "%s: error: cannot read: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* line:col (1-based) of a byte offset, for reader errors. */
static void
offset_position(const struct buf *text, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < text->len; i++) {
        if (text->data[i] == '\n') {
            (*line)++;
            *col = 1;
        } else
            (*col)++;
    }
}

static void
yaml_error(const char *path, const yaml_parser_t *p, const struct buf *text, struct buf *err)
{
    size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;

    if (p->error == YAML_READER_ERROR)
        offset_position(text, p->problem_offset, &line, &col);
    buf_printf(err, "%s:%zu:%zu: error: %s", path, line, col,
               p->problem ? p->problem : "malformed YAML");
    if (p->context)
        buf_printf(err, " (%s at line %zu, column %zu)", p->context,
                   p->context_mark.line + 1, p->context_mark.column + 1);
    buf_addc(err, '\n');
}

int
config_load(struct weir_config *c, const char *path, int user, struct buf *err)
{
    struct buf text = BUF_INIT;
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    yaml_node_t *root;
    struct weir_config work;
    struct loader ld;
    int rc;

    rc = read_config_file(path, &text, err);
    if (rc != 0) {
        buf_free(&text);
        return rc;
    }
    if (!yaml_parser_initialize(&parser)) {
        buf_printf(err, "%s: error: cannot initialise the YAML parser%s%s\n", path,
                   *yamllib_error() ? ": " : "", yamllib_error());
        buf_free(&text);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text.data ? text.data : ""),
                                 text.len);
    if (!yamlload_document(&parser, &doc)) {
        yaml_error(path, &parser, &text, err);
        yaml_parser_delete(&parser);
        buf_free(&text);
        return -1;
    }

    work = *c;
    own_table(&work, keys);
    memset(&ld, 0, sizeof ld);
    ld.file = path;
    ld.user = user;
    ld.doc = &doc;
    ld.c = &work;
    ld.err = err;

    root = yaml_document_get_root_node(&doc);
    /* "---" alone (an empty document) is an empty configuration. */
    if (root && root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0 &&
        root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        root = NULL;
    if (root) {
        if (root->type != YAML_MAPPING_NODE)
            error_at(&ld, root, "the configuration must be a mapping of keys to values, "
                     "found %s", node_kind(root));
        else
            apply_map(&ld, keys, root, "");
    }
    /* A second document is a mistake, not something to ignore (even
     * after an empty first one). */
    if (!yamlload_document(&parser, &extra)) {
        yaml_error(path, &parser, &text, err);
        ld.nerrors++;
    } else {
        yaml_node_t *r2 = yaml_document_get_root_node(&extra);

        if (r2)
            error_at(&ld, r2, "only one YAML document is allowed (remove the '---')");
        yaml_document_delete(&extra);
    }
    if (ld.nerrors > CONFIG_ERRORS_MAX)
        buf_printf(err, "%s: error: %d more errors not shown\n", path,
                   ld.nerrors - CONFIG_ERRORS_MAX);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    buf_free(&text);
    if (ld.nerrors) {
        config_free(&work);
        return -1;
    }
    config_free(c);
    *c = work;
    return 0;
}
