/*
 * fuzz_config.c -- weir's YAML configuration loader (lda/prog/config.c over
 * lda/prog/yamlload.c): the bytes as the system weir.yaml and as a user's
 * config.yaml.  config_load() reads a file (it applies the trust checks to
 * what it opens), so each input is written to one private temporary file.
 * A load that fails must leave the configuration as it was (it loads into
 * a copy) and say why; one that succeeds must give every key a value.
 */
#include "config.h"
#include "weir_config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
load(const char *file, int user)
{
    struct weir_config c;
    struct buf err = BUF_INIT, v = BUF_INIT;
    int rc;

    config_defaults(&c);
    rc = config_load(&c, file, user, &err);
    if (rc < 0 && err.len == 0)
        abort();                /* refused without a reason */
    if (config_value(&c, "limits.header_size", &v) != 0 || v.len == 0)
        abort();
    buf_free(&v);
    buf_free(&err);
    config_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd;

    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/fuzz_config.XXXXXX");
        fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
    }
    fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size))
        abort();
    close(fd);
    load(path, 0);
    load(path, 1);
    return 0;
}
