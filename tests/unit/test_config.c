/*
 * test_config.c -- config_load() values: the shipped example is exactly
 * the built-in defaults, units and ranges parse as documented, networks
 * parse, a failed load changes nothing, the user allowlist, home_path(),
 * the libraries' defaults, config_value()'s text.
 */
#include "config.h"
#include "weir_config.h"
#include "message.h"
#include "rl.h"
#include "tests/tap.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char dir[] = "/tmp/weir-config.XXXXXX";

static char *
write_yaml(const char *name, const char *text)
{
    char *p = xasprintf("%s/%s", dir, name);
    FILE *fp = fopen(p, "w");

    if (fp == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
        perror(p);
    return p;
}

static int
same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Every field of two configurations, by hand (the test must not share
 * the code's key table, or it could not catch a table mistake). */
static int
same_config(const struct weir_config *a, const struct weir_config *b, char *what, size_t n)
{
#define S(f) if (!same_str(a->f, b->f)) { snprintf(what, n, "%s", #f); return 0; }
#define V(f) if (a->f != b->f) { snprintf(what, n, "%s", #f); return 0; }
    S(default_mailbox) S(maildir_root) S(mail_root) S(system_rules) S(system_cache_dir)
    S(user_rules) S(user_cache_dir) S(user_config) S(state_dir) S(hold_file) S(spool_dir)
    S(append_dir) S(temp_dir) S(sendmail) S(logging.user_log_file)
    V(child_timeout_ms) V(lock_wait_ms) V(lock_stale_ms) V(dns.nservers) V(dns.timeout_ms)
    V(dns.budget_ms) V(ntrusted_relays) V(limits.message_size) V(limits.memory_spool)
    V(limits.header_size) V(limits.body_scan) V(limits.mime_depth) V(limits.mime_parts) V(limits.mime_decode)
    V(limits.vm_steps)
    V(limits.regex_match_limit) V(limits.regex_depth_limit) V(limits.regex_heap_limit)
    V(limits.archive_expansion) V(limits.archive_members) V(limits.archive_depth)
    V(rate_limits.reply.per_sender_days) V(rate_limits.reply.per_hour)
    V(rate_limits.fakebounce.per_sender_days) V(rate_limits.fakebounce.per_hour)
    V(logging.syslog) V(logging.user_log)
#undef S
#undef V
    return 1;
}

int
main(void)
{
    struct weir_config def, c;
    struct buf err = BUF_INIT;
    char what[64], *p, *example;
    const char *srcdir = getenv("top_srcdir");
    int rc;

    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    config_defaults(&def);

    /* the shipped example states the defaults */
    example = xasprintf("%s/rulesets/weir.yaml.example", srcdir ? srcdir : ".");
    config_defaults(&c);
    rc = config_load(&c, example, 0, &err);
    ok(rc == 0, "weir.yaml.example loads: %s", err.data ? err.data : "");
    /* The example shows the packaged path; this build may use another
     * sysconfdir (./configure defaults to /usr/local/etc). */
    if (strcmp(c.system_rules, "/etc/weir/system.rules") == 0) {
        free(c.system_rules);
        c.system_rules = xstrdup(WEIR_SYSCONFDIR "/system.rules");
    }
    ok(same_config(&c, &def, what, sizeof what), "weir.yaml.example is the defaults (first difference: %s)",
       same_config(&c, &def, what, sizeof what) ? "none" : what);
    config_free(&c);
    free(example);

    /* missing file */
    config_defaults(&c);
    ok(config_load(&c, "/nonexistent/weir.yaml", 0, &err) == CONFIG_MISSING, "missing file: CONFIG_MISSING");
    /* empty file and comments only: defaults */
    p = write_yaml("empty.yaml", "# nothing here\n");
    ok(config_load(&c, p, 0, &err) == 0 && same_config(&c, &def, what, sizeof what),
       "a file of comments is the defaults");
    free(p);

    /* units */
    p = write_yaml("units.yaml",
                   "limits:\n  message_size: 10M\n  header_size: 64KiB\n  memory_spool: 0\n"
                   "  regex_heap_limit: 1G\n  vm_steps: 5000\n"
                   "dns:\n  timeout: 500ms\n  budget: 2m\n"
                   "child_timeout: 1h\nlock_wait: 45\n"
                   "logging:\n  syslog: off\n  user_log: YES\n");
    buf_reset(&err);
    rc = config_load(&c, p, 0, &err);
    ok(rc == 0, "units parse: %s", err.data ? err.data : "");
    is_long((long)c.limits.message_size, 10L * 1024 * 1024, "10M");
    is_long((long)c.limits.header_size, 64L * 1024, "64KiB");
    is_long((long)c.limits.memory_spool, 0, "0");
    is_long((long)c.limits.regex_heap_limit, 1024L * 1024 * 1024, "1G");
    is_long((long)c.limits.vm_steps, 5000, "vm_steps 5000");
    is_long((long)c.dns.timeout_ms, 500, "500ms");
    is_long((long)c.dns.budget_ms, 120000, "2m");
    is_long((long)c.child_timeout_ms, 3600000, "1h");
    is_long((long)c.lock_wait_ms, 45000, "a bare number is seconds");
    ok(c.logging.syslog == 0 && c.logging.user_log == 1, "off / YES booleans");
    free(p);

    /* networks */
    p = write_yaml("nets.yaml",
                   "trusted_relays: [192.0.2.7, 198.51.100.0/24, \"2001:db8::/32\", \"::1\"]\n"
                   "dns:\n  servers:\n    - 127.0.0.1\n    - \"::1\"\n");
    buf_reset(&err);
    rc = config_load(&c, p, 0, &err);
    ok(rc == 0 && c.ntrusted_relays == 4 && c.dns.nservers == 2, "lists parse: %s",
       err.data ? err.data : "");
    if (c.ntrusted_relays == 4) {
        unsigned char v4[4];

        inet_pton(AF_INET, "198.51.100.0", v4);
        ok(c.trusted_relays[0].family == AF_INET && c.trusted_relays[0].prefix == 32,
           "a bare IPv4 address is a /32");
        ok(c.trusted_relays[1].prefix == 24 && memcmp(c.trusted_relays[1].addr, v4, 4) == 0,
           "198.51.100.0/24");
        ok(c.trusted_relays[2].family == AF_INET6 && c.trusted_relays[2].prefix == 32,
           "2001:db8::/32");
        ok(c.trusted_relays[3].prefix == 128, "::1 is a /128");
    } else
        ok(0, "trusted relays not parsed");
    if (c.dns.nservers == 2)
        ok(strcmp(c.dns.servers[0], "127.0.0.1") == 0 && strcmp(c.dns.servers[1], "::1") == 0,
           "DNS servers kept as written");
    else
        ok(0, "DNS servers not parsed");
    free(p);

    /* a failed load changes nothing, even keys before the error */
    {
        struct weir_config before;

        before = c;
        p = write_yaml("half.yaml", "sendmail: /opt/sendmail\nlimits:\n  mime_depth: 0\n");
        buf_reset(&err);
        rc = config_load(&c, p, 0, &err);
        ok(rc == -1 && strcmp(c.sendmail, "/usr/sbin/sendmail") == 0 &&
           c.sendmail == before.sendmail, "all or nothing: a good key before an error is not applied");
        free(p);
    }
    config_free(&c);

    /* the user allowlist */
    config_defaults(&c);
    p = write_yaml("user.yaml", "default_mailbox: ~/Mail/in/\nuser_rules: ~/rules\n"
                   "logging:\n  user_log: true\n  user_log_file: ~/weir.log\n");
    buf_reset(&err);
    rc = config_load(&c, p, 1, &err);
    ok(rc == 0 && strcmp(c.default_mailbox, "~/Mail/in/") == 0 && strcmp(c.user_rules, "~/rules") == 0 &&
       c.logging.user_log && strcmp(c.logging.user_log_file, "~/weir.log") == 0,
       "user config: the four allowlisted keys apply: %s", err.data ? err.data : "");
    free(p);
    {
        static const char *const refused[] = {
            "sendmail: /bin/true\n", "system_rules: /tmp/r\n", "limits:\n  vm_steps: 2000\n",
            "logging:\n  syslog: false\n", "dns:\n  servers: []\n", "hold_file: ~/h\n",
            "temp_dir: /tmp\n", NULL
        };

        for (int i = 0; refused[i]; i++) {
            char name[32];

            snprintf(name, sizeof name, "refused%d.yaml", i);
            p = write_yaml(name, refused[i]);
            buf_reset(&err);
            rc = config_load(&c, p, 1, &err);
            ok(rc == -1 && err.data && strstr(err.data, "cannot be set in a user configuration"),
               "user config refuses %.*s", (int)strcspn(refused[i], ":"), refused[i]);
            free(p);
        }
    }
    config_free(&c);

    /* config_path */
    p = home_path("~/Maildir/", "/home/u");
    is_str(p, "/home/u/Maildir/", "config_path ~/");
    free(p);
    p = home_path("~", "/home/u");
    is_str(p, "/home/u", "config_path ~");
    free(p);
    p = home_path("/var/mail", "/home/u");
    is_str(p, "/var/mail", "config_path absolute");
    free(p);
    p = home_path("~x/y", "/home/u");
    is_str(p, "~x/y", "config_path leaves ~user alone (refused elsewhere)");
    free(p);

    /* the limits the libraries enforce take the libraries' defaults */
    {
        struct rl_limits rl;
        struct intake_limits il;

        rl_limits_default(&rl);
        message_limits_default(&il);
        ok(def.limits.vm_steps == rl.steps && def.limits.regex_match_limit == rl.match_limit &&
           def.limits.regex_depth_limit == rl.depth_limit &&
           def.limits.regex_heap_limit == (size_t)rl.heap_limit * 1024,
           "rule-language limits default to rl_limits_default()");
        ok(def.limits.message_size == il.size_max && def.limits.memory_spool == il.mem_max &&
           def.limits.header_size == il.header_max && strcmp(def.temp_dir, il.spool_dir) == 0,
           "intake limits default to message_limits_default()");
    }

    /* config_value: the text a builtin gets through rl_bi_setting() */
    {
        struct buf v = BUF_INIT;

        config_defaults(&c);
        p = write_yaml("value.yaml", "dns:\n  timeout: 1500ms\n  servers: [127.0.0.1, \"[::1]:5353\"]\n"
                                      "limits:\n  mime_decode: 2M\n  mime_depth: 7\n"
                                      "trusted_relays: [10.0.0.0/8, \"!10.1.2.3\"]\n");
        buf_reset(&err);
        rc = config_load(&c, p, 0, &err);
        ok(rc == 0, "value.yaml loads: %s", err.data ? err.data : "");
        ok(config_value(&c, "dns.timeout", &v) == 0, "dns.timeout known");
        is_str(v.data, "1500", "a duration in milliseconds");
        config_value(&c, "limits.mime_decode", &v);
        is_str(v.data, "2097152", "a size in bytes");
        config_value(&c, "limits.mime_depth", &v);
        is_str(v.data, "7", "a number");
        config_value(&c, "dns.health_check", &v);
        is_str(v.data, "false", "a boolean");
        config_value(&c, "limits.vm_steps", &v);
        is_str(v.data, "1000000", "a library default");
        config_value(&c, "state_dir", &v);
        is_str(v.data, "~/.weir/state", "a path as set, unexpanded");
        config_value(&c, "dns.servers", &v);
        is_str(v.data, "127.0.0.1\n[::1]:5353", "a list, one entry a line");
        config_value(&c, "trusted_relays", &v);
        is_str(v.data, "10.0.0.0/8\n!10.1.2.3/32", "networks with their prefix");
        ok(config_value(&c, "dns", &v) == -1 && v.len == 0, "a map is not a value");
        ok(config_value(&c, "dns.nosuch", &v) == -1, "an unknown key");
        ok(config_value(&c, "timeout", &v) == -1, "a sub-key needs its map");
        ok(config_value(&c, "limits.mime_depth.x", &v) == -1, "nothing below a value");
        ok(config_value(&c, "", &v) == -1, "the empty key");
        config_free(&c);
        buf_free(&v);
        free(p);
    }

    config_free(&def);
    buf_free(&err);
    p = xasprintf("rm -rf %s", dir);
    if (system(p) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    free(p);
    return done();
}
