/*
 * fake_rl.c -- TEST DOUBLE for the rulelang/ API (rl.h), linked only into
 * tests/tester/test_tester so that the tester's reporting (actions,
 * verdicts, summary, trace, JSON, suite matching) can be tested exactly
 * while the real compiler and VM are written elsewhere.  It is not a rule
 * language: each source line is one unconditional statement
 *
 *     KIND [TARGET] [| TEXT]     an action (file, discard, reply, ...;
 *                                header_add NAME | VALUE)
 *     score N REASON             add N points
 *     stop                       end the run
 *     if-subject WORD            skip the rest unless Subject contains WORD
 *     error MESSAGE              a compile error at this line
 *
 * and rl_run_chain emits RL_TR_RULE/TEST/ACTION/SCORE/STOP trace events
 * for them.  Nothing in the product links this file.
 */
#include "config.h"
#include "rl.h"

#include <stdlib.h>
#include <string.h>

struct fake_stmt {
    char *word, *arg, *text;
    int line;
};

struct rl_program {
    char *path;
    struct fake_stmt *s;
    size_t n;
};

void
rl_limits_default(struct rl_limits *lim)
{
    memset(lim, 0, sizeof *lim);
    lim->steps = 1000000;               /* the fake needs no real limits */
    lim->include_depth = 8;
    lim->source_max = 4 * 1024 * 1024;
    lim->string_max = 64 * 1024;
}

void
rl_diags_init(struct rl_diags *d)
{
    memset(d, 0, sizeof *d);
}

void
rl_diags_free(struct rl_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].message);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}

void
rl_diags_format(const struct rl_diags *d, struct buf *out)
{
    for (size_t i = 0; i < d->n; i++)
        buf_printf(out, "%s:%d:%d: error: %s\n", d->v[i].file, d->v[i].line, d->v[i].col,
                   d->v[i].message);
}

struct rl_program *
rl_compile(const char *path, const char *source, size_t len,
           const struct rl_reader *reader, const struct rl_limits *limits,
           struct rl_diags *diags)
{
    struct rl_program *p = xcalloc(1, sizeof *p);
    const char *end = source + len;
    int line = 0, errors = 0;

    (void)reader;
    (void)limits;
    p->path = xstrdup(path);
    while (source < end) {
        const char *nl = memchr(source, '\n', (size_t)(end - source));
        char *l = xstrndup(source, nl ? (size_t)(nl - source) : (size_t)(end - source));
        char *sp, *bar;
        struct fake_stmt st = { NULL, NULL, NULL, ++line };

        source = nl ? nl + 1 : end;
        if (l[0] == '\0' || l[0] == '#') {
            free(l);
            continue;
        }
        if ((bar = strstr(l, " | ")) != NULL) {
            *bar = '\0';
            st.text = xstrdup(bar + 3);
        }
        if ((sp = strchr(l, ' ')) != NULL) {
            *sp = '\0';
            st.arg = xstrdup(sp + 1);
        }
        st.word = xstrdup(l);
        free(l);
        if (strcmp(st.word, "error") == 0 && diags) {
            diags->v = xreallocarray(diags->v, diags->n + 1, sizeof *diags->v);
            memset(&diags->v[diags->n], 0, sizeof diags->v[0]);
            diags->v[diags->n].severity = RL_SEV_ERROR;
            diags->v[diags->n].file = xstrdup(path);
            diags->v[diags->n].line = line;
            diags->v[diags->n].col = 1;
            diags->v[diags->n].message = xstrdup(st.arg ? st.arg : "error");
            diags->n++;
            diags->nerrors++;
            errors++;
        }
        p->s = xreallocarray(p->s, p->n + 1, sizeof *p->s);
        p->s[p->n++] = st;
    }
    if (errors) {
        rl_program_free(p);
        return NULL;
    }
    return p;
}

void
rl_program_free(struct rl_program *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->s[i].word);
        free(p->s[i].arg);
        free(p->s[i].text);
    }
    free(p->s);
    free(p->path);
    free(p);
}

static char *
subject_of(const struct rl_msg *m)
{
    const char *h = m->header, *e = m->header + m->header_len;

    while (h && h < e) {
        const char *nl = memchr(h, '\n', (size_t)(e - h));
        size_t n = nl ? (size_t)(nl - h) : (size_t)(e - h);

        if (n > 9 && strncasecmp(h, "Subject: ", 9) == 0)
            return xstrndup(h + 9, n - 9);
        h = nl ? nl + 1 : e;
    }
    return xstrdup("");
}

static int
run1(const struct rl_program *p, struct rl_msg *msg, unsigned flags,
     struct action_list *out, const struct rl_trace *trace)
{
    struct rl_trace_event ev;
    char *subject = subject_of(msg);

    for (size_t i = 0; i < p->n; i++) {
        const struct fake_stmt *s = &p->s[i];
        struct action a;

        memset(&ev, 0, sizeof ev);
        ev.file = p->path;
        ev.line = s->line;
        if (strcmp(s->word, "if-subject") == 0) {
            ev.kind = RL_TR_TEST;
            ev.test = "header \"Subject\" contains";
            ev.value = subject;
            ev.operand = s->arg;
            ev.result = s->arg && strstr(subject, s->arg) != NULL;
            if (trace)
                trace->event(trace->ctx, &ev);
            if (!ev.result)
                break;
            continue;
        }
        if (strcmp(s->word, "stop") == 0) {
            ev.kind = RL_TR_STOP;
            if (trace)
                trace->event(trace->ctx, &ev);
            out->stopped = 1;
            break;
        }
        if (strcmp(s->word, "score") == 0) {
            char *end;
            double pts = strtod(s->arg ? s->arg : "0", &end);

            while (*end == ' ')
                end++;
            actions_add_score(out, pts, end, NULL, s->line);
            ev.kind = RL_TR_SCORE;
            ev.points = pts;
            ev.value = end;
            if (trace)
                trace->event(trace->ctx, &ev);
            continue;
        }
        memset(&a, 0, sizeof a);
        a.flags = flags;
        a.file = p->path;
        a.line = s->line;
        if (strcmp(s->word, "header_add") == 0) {
            a.kind = ACT_HEADER_ADD;
            a.name = s->arg;
            a.text = s->text;
        } else {
            static const char *const names[] = { "", "file", "discard", "bounce", "defer",
                "fakebounce", "reply", "forward", "pipe", "filter" };

            for (size_t k = 1; k < sizeof names / sizeof names[0]; k++)
                if (strcmp(names[k], s->word) == 0)
                    a.kind = (enum action_kind)k;
            a.target = s->arg;
            a.text = s->text;
            if (a.kind == ACT_REPLY) {
                a.target = NULL;
                a.subject = s->arg;
                a.days = 7;
            }
            if (a.kind == 0)
                continue;
        }
        ev.kind = RL_TR_ACTION;
        ev.action = actions_add(out, &a);
        if (trace)
            trace->event(trace->ctx, &ev);
    }
    free(subject);
    return 0;
}

int
rl_run_chain(const struct rl_program *sys, const struct rl_program *user,
             struct rl_msg *msg, const struct rl_host *host,
             const struct rl_limits *limits, struct action_list *out,
             const struct rl_trace *trace, struct status *st)
{
    (void)host;
    (void)limits;
    (void)st;
    if (sys) {
        run1(sys, msg, ACT_F_SYSTEM, out, trace);
        if (out->stopped) {
            out->system_stopped = 1;
            return 0;
        }
    }
    if (user)
        run1(user, msg, 0, out, trace);
    return 0;
}
