/*
 * san_options.c -- sanitizer defaults for weir itself (only compiled into
 * anything when building with --enable-sanitizers; otherwise empty).
 *
 * LeakSanitizer cannot work in a setgid process: the kernel makes it
 * non-dumpable, so /proc/self (and ASAN_OPTIONS, read from
 * /proc/self/environ) is out of reach and LSan dies at exit with "fatal
 * error", turning every setgid run into exit 1.  When the process starts
 * setgid (AT_SECURE), leak detection is turned off; memory errors are
 * still caught.  Leaks on the same code paths are caught by the
 * non-setgid test runs.
 */
#include "config.h"

#if !defined(__SANITIZE_ADDRESS__) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#include <sys/auxv.h>

const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
    return getauxval(AT_SECURE) ? "detect_leaks=0" : "";
}
#else
/* ISO C forbids an empty translation unit. */
typedef int weir_san_options_unused;
#endif
