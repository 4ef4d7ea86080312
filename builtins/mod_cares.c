/*
 * mod_cares.c -- the weir_cares.so module: c-ares behind dynload
 * (lda/sys/dynload.h), so that only a delivery that sends DNS queries
 * loads it.  The api is cares_api.h; builtins/dns.c is its one user.
 */
#include "config.h"
#include "dynload.h"
#include "cares_api.h"

#include <stddef.h>

static const char *
lib_version(void)
{
    return ares_version(NULL);
}

static const struct weir_cares_api api = {
    .version = CARES_API_VERSION,
    .library_init = ares_library_init,
    .strerror = ares_strerror,
    .init_options = ares_init_options,
    .set_servers_ports = ares_set_servers_ports,
    .destroy = ares_destroy,
    .query = ares_query,
    .getsock = ares_getsock,
    .timeout = ares_timeout,
    .process_fd = ares_process_fd,
    .cancel = ares_cancel,
};

const struct weir_module weir_module = {
    .abi = WEIR_MODULE_ABI,
    .name = "cares",
    .lib_version = lib_version,
    .api = &api,
};
