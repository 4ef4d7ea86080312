/*
 * test_registry.c -- the builtin registry (builtins/registry.h) as data:
 * every form of every builtin is a valid syntax string and fits what the
 * builtin declares (fields for FIELD, scan_raw for RAW); the syntax reader
 * accepts and refuses what its grammar says; and the verifier refuses a
 * BUILTIN instruction whose form, comparison, call list, field, flags or
 * argument constants do not fit its builtin, one corruption at a time.
 */
#include "config.h"
#include "rl_int.h"
#include "registry.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

static int
load_fails(const struct rl_program *p, const char *want)
{
    struct buf img = BUF_INIT;
    struct rl_program *q = NULL;
    struct status st;
    int rc;

    rl_serialize(p, &img);
    rc = rl_load(img.data, img.len, NULL, &q, &st);
    rl_program_free(q);
    buf_free(&img);
    if (rc == 0) {
        printf("# loaded, expected a refusal: %s\n", want);
        return 0;
    }
    if (strstr(st.text, want) == NULL) {
        printf("# refused as \"%s\", expected \"%s\"\n", st.text, want);
        return 0;
    }
    return 1;
}

static const char rules[] =
    "if envelope from domain is \"a.example\" { log \"1\" }\n"
    "if size > 10k { log \"2\" }\n"
    "if string \"${user}\" matches /^u/ { log \"3\" }\n"
    "if body contains \"x\" { log \"4\" }\n";

int
main(void)
{
    struct rl_bi_item it[RL_BI_MAX_ITEMS];
    int nargs, nopts, n;
    struct rl_diags d;
    struct rl_program *p;

    /* 1. every registered form */
    for (size_t i = 0; i < rl_nbuiltins; i++) {
        const struct rl_builtin *b = rl_builtins[i];
        int bad = 0, nf = 0, nfields = 0;

        while (b->fields && b->fields[nfields])
            nfields++;
        if (b->eval == NULL) {
            struct rl_diags rd;
            struct buf src = BUF_INIT, out = BUF_INIT;
            struct rl_program *rp;

            rl_diags_init(&rd);
            buf_printf(&src, "if %s \"x\" { stop }\n", b->name);
            rp = rl_compile("r.rules", src.data, src.len, NULL, NULL, &rd);
            rl_diags_format(&rd, &out);
            ok(rp == NULL && strstr(out.data ? out.data : "", "is not available in this version") &&
               strstr(out.data, b->summary) != NULL,
               "%s: reserved (no eval): weir check says it is not available, and what it tests",
               b->name);
            rl_program_free(rp);
            rl_diags_free(&rd);
            buf_free(&src);
            buf_free(&out);
            continue;
        }
        for (; b->forms && b->forms[nf].syntax; nf++) {
            n = rl_bi_form_parse(b->forms[nf].syntax, it, RL_BI_MAX_ITEMS, &nargs, &nopts);
            if (n < 0) {
                printf("# %s form %d \"%s\" does not parse\n", b->name, nf, b->forms[nf].syntax);
                bad++;
                continue;
            }
            for (int j = 0; j < n; j++) {
                if ((it[j].kind == RL_BI_FIELD || it[j].kind == RL_BI_OPT_FIELD) && nfields == 0)
                    bad++, printf("# %s form %d has FIELD but no fields\n", b->name, nf);
                if (it[j].kind == RL_BI_RAW && b->scan_raw == NULL)
                    bad++, printf("# %s form %d has RAW but no scan_raw\n", b->name, nf);
            }
        }
        ok(nf > 0 && bad == 0, "%s: %d forms, each valid and backed by the builtin", b->name, nf);
        ok(rl_builtin_find(b->name) == (int)i, "%s: found by name", b->name);
        for (int f = 0; b->facts && b->facts[f]; f++)
            ok(rl_builtin_fact(b, b->facts[f]) == f, "%s: fact %s found", b->name, b->facts[f]);
    }
    ok(rl_builtin_find("no-such") == -1, "an unknown name is not found");

    /* 2. the syntax reader */
    n = rl_bi_form_parse("in archive FIELD TEXT", it, RL_BI_MAX_ITEMS, &nargs, &nopts);
    ok(n == 4 && it[0].kind == RL_BI_WORD && strcmp(it[1].word, "archive") == 0 &&
       it[2].kind == RL_BI_FIELD && it[3].kind == RL_BI_TEXT && it[3].arg == 0 &&
       nargs == 1 && nopts == 0, "words, FIELD and TEXT");
    n = rl_bi_form_parse("STR [on all relays] [returns RAW]", it, RL_BI_MAX_ITEMS, &nargs, &nopts);
    ok(n == 6 && it[0].kind == RL_BI_STR && !it[0].optional && it[1].optional &&
       it[1].group == 0 && it[4].kind == RL_BI_OPT_WORD && it[4].group == 1 &&
       it[5].kind == RL_BI_RAW && it[5].optional && it[5].group == 1 && it[5].arg == 1 &&
       nargs == 2 && nopts == 2, "RAW ending an optional group: optional, in that group's bit");
    n = rl_bi_form_parse("[of STR]", it, RL_BI_MAX_ITEMS, &nargs, &nopts);
    ok(n == 2 && it[1].kind == RL_BI_STR && it[1].optional && it[1].group == 0 && nargs == 1,
       "STR ending an optional group");
    ok(rl_bi_form_parse("[RAW]", it, RL_BI_MAX_ITEMS, NULL, NULL) < 0,
       "a group that is only RAW is refused (it needs a word to be seen)");
    ok(rl_bi_form_parse("[returns RAW words]", it, RL_BI_MAX_ITEMS, NULL, NULL) < 0,
       "RAW must end its group");
    ok(rl_bi_form_parse("[returns TEXT]", it, RL_BI_MAX_ITEMS, NULL, NULL) < 0,
       "a comparison cannot be optional");
    n = rl_bi_form_parse("STR [on all relays] returns RAW", it, RL_BI_MAX_ITEMS, &nargs, &nopts);
    ok(n == 6 && it[1].kind == RL_BI_OPT_WORD && it[1].group == 0 && it[3].group == 0 &&
       it[4].kind == RL_BI_WORD && it[5].kind == RL_BI_RAW && it[5].arg == 1 &&
       nargs == 2 && nopts == 1, "an optional group of three words, then RAW in slot 1");
    n = rl_bi_form_parse("[FIELD] NUM", it, RL_BI_MAX_ITEMS, &nargs, &nopts);
    ok(n == 2 && it[0].kind == RL_BI_OPT_FIELD && it[1].kind == RL_BI_NUM, "[FIELD] and NUM");
    ok(rl_bi_form_parse("TEXT NUM", it, RL_BI_MAX_ITEMS, NULL, NULL) < 0,
       "two comparisons in one form are refused");
    ok(rl_bi_form_parse("[on", it, RL_BI_MAX_ITEMS, NULL, NULL) < 0, "an open group is refused");
    ok(rl_bi_form_parse("on]", it, RL_BI_MAX_ITEMS, NULL, NULL) < 0, "a stray ] is refused");
    ok(rl_bi_form_parse("Upper", it, RL_BI_MAX_ITEMS, NULL, NULL) < 0,
       "a word that is neither lower case nor an item kind is refused");
    ok(rl_bi_form_parse("STR STR STR STR STR", it, RL_BI_MAX_ITEMS, NULL, NULL) < 0,
       "more than RL_BI_MAX_ARGS arguments are refused");
    ok(rl_bi_form_parse("", it, RL_BI_MAX_ITEMS, NULL, NULL) == 0, "an empty form has no items");

    /* 3. the verifier, one corruption at a time */
    rl_diags_init(&d);
    p = rl_compile("t.rules", rules, sizeof rules - 1, NULL, NULL, &d);
    if (!ok(p != NULL, "a program with four builtin calls compiles")) {
        rl_diags_free(&d);
        return done();
    }
    ok(rl_program_uses(p, "envelope") && rl_program_uses(p, "size") &&
       rl_program_uses(p, "string") && rl_program_uses(p, "body") &&
       !rl_program_uses(p, "attachment"), "rl_program_uses names exactly the builtins called");
    /* A builtin without eval (or none), for the "reserved" corruption. */
    size_t reserved = 0;

    while (reserved < rl_nbuiltins && rl_builtins[reserved]->eval != NULL)
        reserved++;
    for (size_t pc = 0; pc < p->ncode; pc++) {
        struct rl_insn *in = &p->code[pc], save = *in;
        struct rl_const *k;
        const char *name;
        uint32_t s0;

        if (in->op != RL_OP_BUILTIN)
            continue;
        name = rl_builtins[in->c]->name;
        k = &p->k[in->d];
        in->a = 200;
        ok(load_fails(p, "builtin form out of range"), "%s: a form index out of range", name);
        *in = save;
        in->b = 60000;
        ok(load_fails(p, "out of range"), "%s: a comparison out of range", name);
        *in = save;
        /* the first builtin without eval, or one past the last builtin when
         * every builtin has one: the loader refuses both */
        in->c = (uint32_t)reserved;
        ok(load_fails(p, "not in this build"), "%s: a reserved or unknown builtin", name);
        *in = save;
        in->d = 0;
        ok(p->k[0].kind == RL_K_LIST || load_fails(p, "call list index invalid"),
           "%s: a call list that is not a list", name);
        *in = save;
        s0 = k->list[RL_CALL_FIELD];
        k->list[RL_CALL_FIELD] = 99;
        ok(load_fails(p, "builtin field out of range"), "%s: a field out of range", name);
        k->list[RL_CALL_FIELD] = s0;
        s0 = k->list[RL_CALL_FLAGS];
        k->list[RL_CALL_FLAGS] = 1;
        ok(load_fails(p, "builtin flags out of range"), "%s: flags for a group the form lacks", name);
        k->list[RL_CALL_FLAGS] = s0;
        s0 = k->list[k->nlist - 1];
        k->list[k->nlist - 1] = (uint32_t)p->nk + 5;
        ok(load_fails(p, "constant invalid"), "%s: an argument constant out of range", name);
        k->list[k->nlist - 1] = s0;
        k->nlist--;
        ok(load_fails(p, "wrong length"), "%s: a call list one item short", name);
        k->nlist++;
    }
    {
        struct buf img = BUF_INIT;
        struct rl_program *q = NULL;
        struct status st;

        rl_serialize(p, &img);
        ok(rl_load(img.data, img.len, NULL, &q, &st) == 0,
           "the program restored after every corruption loads again: %s", st.text);
        rl_program_free(q);
        buf_free(&img);
    }
    rl_program_free(p);
    rl_diags_free(&d);

    /* 4. an argument ending an optional group ([returns RAW]) is there
     * exactly when the group's flag bit is */
    {
        static const char src[] = "if dnsbl \"bl.test\" returns 127.0.0.2 { stop }\n"
                                  "if dnsbl \"bl.test\" on all relays { stop }\n";
        struct rl_const *k1 = NULL, *k2 = NULL;
        uint32_t save;

        rl_diags_init(&d);
        p = rl_compile("o.rules", src, sizeof src - 1, NULL, NULL, &d);
        ok(p != NULL, "dnsbl with and without its optional [returns RAW] compiles");
        for (size_t pc = 0; p && pc < p->ncode; pc++)
            if (p->code[pc].op == RL_OP_BUILTIN)
                (k1 ? &k2 : &k1)[0] = &p->k[p->code[pc].d];
        if (k1 && k2) {
            ok(k1->list[RL_CALL_FLAGS] == 2 && k1->list[RL_CALL_ARGS + 1] != RL_NONE &&
               k2->list[RL_CALL_FLAGS] == 1 && k2->list[RL_CALL_ARGS + 1] == RL_NONE,
               "flags bit 1 and the returns constant set together; absent: RL_NONE");
            save = k1->list[RL_CALL_ARGS + 1];
            k1->list[RL_CALL_ARGS + 1] = RL_NONE;
            ok(load_fails(p, "argument constant invalid"), "group written, argument missing");
            k1->list[RL_CALL_ARGS + 1] = save;
            k2->list[RL_CALL_ARGS + 1] = save;
            ok(load_fails(p, "argument of an absent group"), "group absent, argument present");
            k2->list[RL_CALL_ARGS + 1] = RL_NONE;
            {
                struct buf img = BUF_INIT;
                struct rl_program *q = NULL;
                struct status st;

                rl_serialize(p, &img);
                ok(rl_load(img.data, img.len, NULL, &q, &st) == 0, "restored, it loads");
                rl_program_free(q);
                buf_free(&img);
            }
        }
        rl_program_free(p);
        rl_diags_free(&d);
    }
    return done();
}
