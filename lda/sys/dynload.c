/*
 * dynload.c -- dlopen() of private modules (see dynload.h).
 *
 * SECURITY: the directory comes from the build (MODULEDIR); the
 * environment can change it only for an unprivileged process, and module
 * names are a fixed list, so no path from a message or the environment of
 * a privileged process reaches dlopen().
 */
#include "config.h"
#include "dynload.h"
#include "log.h"
#include "priv.h"
#include "util.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const dynload_names[] = { "archive", "magic", "db", "psl", NULL };

#define NMODULES (sizeof dynload_names / sizeof dynload_names[0] - 1)

static const struct weir_module *loaded[NMODULES];

static int
module_index(const char *name)
{
    for (size_t i = 0; i < NMODULES; i++)
        if (strcmp(dynload_names[i], name) == 0)
            return (int)i;
    return -1;
}

static const char *
module_dir(void)
{
    const char *env = getenv("WEIR_MODULEDIR");

    if (env && *env == '/' && priv_env_trusted())
        return env;
    return MODULEDIR;
}

int
dynload_is_loaded(const char *name)
{
    int i = module_index(name);

    return i >= 0 && loaded[i] != NULL;
}

const struct weir_module *
dynload_module(const char *name, struct status *st)
{
    int i = module_index(name);
    char *path;
    void *h;
    const struct weir_module *mod;

    if (i < 0) {
        status_set(st, "4.3.0", "unknown module %s", name);
        return NULL;
    }
    if (loaded[i])
        return loaded[i];
    path = xasprintf("%s/weir_%s.so", module_dir(), name);
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        status_set(st, "4.3.0", "cannot load module %s: %s", path, dlerror());
        free(path);
        return NULL;
    }
    mod = dlsym(h, "weir_module");
    if (mod == NULL || mod->abi != WEIR_MODULE_ABI || strcmp(mod->name, name) != 0) {
        status_set(st, "4.3.0", "module %s is not a weir %s module of ABI %d",
                   path, name, WEIR_MODULE_ABI);
        dlclose(h);
        free(path);
        return NULL;
    }
    free(path);
    loaded[i] = mod;
    return mod;
}

const void *
dynload_api(void *ctx, const char *name)
{
    struct status st;
    const struct weir_module *mod;

    (void)ctx;
    status_ok(&st);
    if ((mod = dynload_module(name, &st)) == NULL) {
        msg_warn("%s", st.text);
        return NULL;
    }
    return mod->api;
}
