/*
 * cares_api.h -- the c-ares calls builtins/dns.c makes, as a table it
 * fills with dlsym() from CARES_SONAME the first time a message needs a
 * DNS lookup (a dnsbl or rhsbl test the DNS cache cannot answer), not at
 * every start: linked into weir, libcares.so (bound at load time,
 * BIND_NOW) cost 77 k of a 1.2 M-instruction delivery on the anchor bench
 * (issue 17).  It is opened by its soname, so it is the library the
 * dynamic loader would have linked, found the same way (the environment
 * cannot point a setgid weir elsewhere: ld.so ignores LD_LIBRARY_PATH
 * then).
 *
 * The types are c-ares's own (<ares.h>, header only); each member has the
 * signature of the function it is named after.
 */
#ifndef WEIR_CARES_API_H
#define WEIR_CARES_API_H

#include <ares.h>

#define CARES_API_VERSION 1
/* The c-ares library of Debian 12 (libc-ares2: c-ares 1.18, soname 2). */
#define CARES_SONAME "libcares.so.2"

struct weir_cares_api {
    int version;                /* CARES_API_VERSION */
    int (*library_init)(int flags);
    const char *(*strerror)(int code);
    int (*init_options)(ares_channel *channel, struct ares_options *options, int optmask);
    int (*set_servers_ports)(ares_channel channel, struct ares_addr_port_node *servers);
    void (*destroy)(ares_channel channel);
    void (*query)(ares_channel channel, const char *name, int dnsclass, int type,
                  ares_callback callback, void *arg);
    int (*getsock)(ares_channel channel, ares_socket_t *socks, int numsocks);
    struct timeval *(*timeout)(ares_channel channel, struct timeval *maxtv, struct timeval *tv);
    void (*process_fd)(ares_channel channel, ares_socket_t read_fd, ares_socket_t write_fd);
    void (*cancel)(ares_channel channel);
};

#endif
