/*
 * fixture.c -- a test case's fixture (struct tester_fixture, tester.h):
 * DNS answers, the clock, reply and duplicate state given by a suite
 * (lda/tester/suite.c) or on the command line.  Apart from tester.c so
 * that the suite loader links without the tester (fuzz/fuzz_suite.c).
 */
#include "config.h"
#include "tester.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void
tester_fixture_free(struct tester_fixture *fx)
{
    for (size_t i = 0; i < fx->ndns; i++) {
        free(fx->dns[i].name);
        free_strv(fx->dns[i].a, fx->dns[i].na);
        free_strv(fx->dns[i].txt, fx->dns[i].ntxt);
    }
    free(fx->dns);
    free_strv(fx->replied, fx->nreplied);
    free_strv(fx->seen_ids, fx->nseen);
    memset(fx, 0, sizeof *fx);
}

const struct tester_dns *
tester_fixture_dns(const struct tester_fixture *fx, const char *name)
{
    size_t n = strlen(name);

    if (n && name[n - 1] == '.')
        n--;
    for (size_t i = 0; fx && i < fx->ndns; i++)
        if (strncasecmp(fx->dns[i].name, name, n) == 0 && fx->dns[i].name[n] == '\0')
            return &fx->dns[i];
    return NULL;
}
