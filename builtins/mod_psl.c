/*
 * mod_psl.c -- the weir_psl.so module: organisational domains with libpsl
 * and Debian's public suffix list (package publicsuffix), IDNA with
 * libidn2, behind dynload (lda/dynload.h).  The api is psl_api.h.
 *
 * The list is /usr/share/publicsuffix/public_suffix_list.dafsa (libpsl's
 * distribution file on Debian, kept current by the publicsuffix package)
 * when it loads, else the list built into libpsl.  It is loaded once, on
 * the first call.  Errors are results (PSL_INVALID), never exits.
 */
#include "config.h"
#include "dynload.h"
#include "psl_api.h"

#include <idn2.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PSL_DIST_FILE "/usr/share/publicsuffix/public_suffix_list.dafsa"

static psl_ctx_t *loaded;           /* from PSL_DIST_FILE, or NULL */
static const psl_ctx_t *ctx;
static const char *source = "not loaded";

static const psl_ctx_t *
psl(void)
{
    if (ctx == NULL) {
        loaded = psl_load_file(PSL_DIST_FILE);
        if (loaded) {
            ctx = loaded;
            source = PSL_DIST_FILE;
        } else {
            ctx = psl_builtin();
            source = "built into libpsl";
        }
    }
    return ctx;
}

static const char *
list_source(void)
{
    psl();
    return source;
}

/* RFC 1035 shape of an A-label name: labels of 1..63 bytes, 253 in all. */
static int
name_ok(const char *s)
{
    size_t label = 0, n = strlen(s);

    if (n == 0 || n > 253)
        return 0;
    for (; *s; s++) {
        if (*s == '.') {
            if (label == 0)
                return 0;
            label = 0;
        } else if (++label > 63)
            return 0;
    }
    return label > 0;
}

static enum psl_result
canonical(const char *name, char *out)
{
    size_t n = strlen(name);
    char tmp[PSL_NAME_MAX * 4];
    char *lower = NULL, *ascii = NULL;
    enum psl_result r = PSL_INVALID;

    out[0] = '\0';
    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0 || n >= sizeof tmp)
        return PSL_INVALID;
    memcpy(tmp, name, n);
    tmp[n] = '\0';
    if (psl_str_to_utf8lower(tmp, "utf-8", NULL, &lower) != PSL_SUCCESS)
        return PSL_INVALID;
    /* Non-transitional IDNA2008 with TR46 mapping, as browsers and
     * libpsl itself do; an already ASCII name passes through. */
    if (idn2_to_ascii_8z(lower, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) == IDN2_OK &&
        name_ok(ascii)) {
        for (char *p = ascii; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        strcpy(out, ascii);
        r = PSL_OK;
    }
    idn2_free(ascii);
    psl_free_string(lower);
    return r;
}

static enum psl_result
orgdomain(const char *name, char *out)
{
    char canon[PSL_NAME_MAX];
    const char *reg;

    out[0] = '\0';
    if (canonical(name, canon) != PSL_OK)
        return PSL_INVALID;
    reg = psl_registrable_domain(psl(), canon);
    if (reg == NULL)
        return PSL_SUFFIX;
    strcpy(out, reg);           /* a suffix of canon: fits */
    return PSL_OK;
}

static const char *
lib_version(void)
{
    static char v[64];

    if (snprintf(v, sizeof v, "libpsl %s, libidn2 %s", psl_get_version(),
                 idn2_check_version(NULL)) < 0)
        return "libpsl";
    return v;
}

static const struct weir_psl_api api = {
    PSL_API_VERSION, canonical, orgdomain, list_source
};

const struct weir_module weir_module = { WEIR_MODULE_ABI, "psl", lib_version, &api };
