/*
 * resp_driver.c -- test driver for the responders (lda/resp/responder.h)
 * until the rule language reaches them: reads one message on standard
 * input (through the normal intake) and plans, and unless --dry sends, a
 * vacation reply or a fake bounce, like a delivery would.
 *
 *   resp_driver --state DIR --sendmail PATH --sender S --recipient R
 *       --login L [--domain D]... [--address A]... [--host H]
 *       [--per-hour N] [--fb-days N] [--fb-per-hour N] [--dry] [--show]
 *       [--batch FILE]      (one sender per line: the message is answered
 *                            once per line, each a separate "delivery")
 *       --reply TEXT [--subject S] [--days N] [--from F] [--handle H]
 *     | --fakebounce [--text T] [--template FILE]
 *
 * Prints "sent", "would send" or "suppressed: REASON" per delivery, and
 * with --show the composed message after a line "----".  Exit 0 when
 * every delivery sent (or would send), 1 when one was suppressed, 2 on
 * errors (sendmail failed: "error: ..." printed).
 */
#include "config.h"
#include "child.h"
#include "log.h"
#include "message.h"
#include "responder.h"
#include "state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LIST 16

static char *
slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;

    if (fp == NULL) {
        perror(path);
        exit(2);
    }
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_add(&b, chunk, n);
    fclose(fp);
    return buf_steal(&b);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "state", 1, NULL, 's' }, { "sendmail", 1, NULL, 'm' }, { "sender", 1, NULL, 'f' },
        { "recipient", 1, NULL, 'r' }, { "login", 1, NULL, 'l' }, { "domain", 1, NULL, 'D' },
        { "address", 1, NULL, 'A' }, { "host", 1, NULL, 'H' }, { "per-hour", 1, NULL, 'P' },
        { "fb-days", 1, NULL, 'B' }, { "fb-per-hour", 1, NULL, 'Q' }, { "dry", 0, NULL, 'n' },
        { "show", 0, NULL, 'S' }, { "batch", 1, NULL, 'b' }, { "reply", 1, NULL, 'R' },
        { "subject", 1, NULL, 'j' }, { "days", 1, NULL, 'd' }, { "from", 1, NULL, 'F' },
        { "handle", 1, NULL, 'h' }, { "fakebounce", 0, NULL, 'K' }, { "text", 1, NULL, 't' },
        { "template", 1, NULL, 'T' }, { NULL, 0, NULL, 0 }
    };
    const char *domains[MAX_LIST], *addresses[MAX_LIST], *batch = NULL, *fbtext = NULL;
    struct resp_reply_args ra;
    struct resp_env e;
    struct message msg;
    struct intake_limits lim;
    struct child_env env;
    struct status st;
    int c, dry = 0, show = 0, fake = 0, reply = 0, rc = 0;
    FILE *bf = NULL;
    char line[1024];

    memset(&e, 0, sizeof e);
    memset(&ra, 0, sizeof ra);
    e.host = "mx.example.org";
    e.reply_days = 7;
    e.fb_days = 1;
    e.timeout_sec = 30;
    e.id.domains = domains;
    e.id.addresses = addresses;
    log_open("resp_driver", LOG_DEST_STDERR, NULL);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': e.state_dir = optarg; break;
        case 'm': e.sendmail = optarg; break;
        case 'f': e.sender = optarg; break;
        case 'r': e.id.recipient = optarg; break;
        case 'l': e.id.login = optarg; break;
        case 'D': if (e.id.ndomains < MAX_LIST) domains[e.id.ndomains++] = optarg; break;
        case 'A': if (e.id.naddresses < MAX_LIST) addresses[e.id.naddresses++] = optarg; break;
        case 'H': e.host = optarg; break;
        case 'P': e.reply_per_hour = (unsigned)atoi(optarg); break;
        case 'B': e.fb_days = (unsigned)atoi(optarg); break;
        case 'Q': e.fb_per_hour = (unsigned)atoi(optarg); break;
        case 'n': dry = 1; break;
        case 'S': show = 1; break;
        case 'b': batch = optarg; break;
        case 'R': reply = 1; ra.text = optarg; break;
        case 'j': ra.subject = optarg; break;
        case 'd': ra.days = atol(optarg); break;
        case 'F': ra.from = optarg; break;
        case 'h': ra.handle = optarg; break;
        case 'K': fake = 1; break;
        case 't': fbtext = optarg; break;
        case 'T': e.dsn_template = slurp(optarg); break;
        default: return 2;
        }
    }
    if (!e.state_dir || !e.sendmail || !e.id.login || reply == fake) {
        fprintf(stderr, "resp_driver: --state, --sendmail, --login and one of --reply, "
                "--fakebounce are needed\n");
        return 2;
    }
    message_limits_default(&lim);
    memset(&msg, 0, sizeof msg);
    msg.fd = -1;
    if (message_read(&msg, 0, &lim, &st) < 0) {
        fprintf(stderr, "resp_driver: %s\n", st.text);
        return 2;
    }
    e.header = msg.header;
    e.header_len = msg.header_len;
    if (e.sender == NULL)
        e.sender = msg.from_sender ? msg.from_sender : "";
    child_env_init(&env);
    e.env = child_env_list(&env);
    e.arrival = state_now();
    if (batch && (bf = fopen(batch, "r")) == NULL) {
        perror(batch);
        return 2;
    }
    for (;;) {
        struct resp_plan p;
        int r;

        if (bf) {
            if (fgets(line, sizeof line, bf) == NULL)
                break;
            line[strcspn(line, "\n")] = '\0';
            e.sender = line;
        }
        if (reply)
            resp_plan_reply(&e, &ra, dry, &p);
        else
            resp_plan_fakebounce(&e, fbtext, dry, &p);
        if (dry)
            r = p.why ? 0 : 1;
        else
            r = resp_send(&e, &p, &st);
        if (r == 1)
            printf("%s\n", dry ? "would send" : "sent");
        else if (r == 0) {
            printf("suppressed: %s\n", p.why);
            if (rc == 0)
                rc = 1;
        } else {
            printf("error: %s %s\n", st.code, st.text);
            rc = 2;
        }
        if (show) {
            printf("----\n");
            fwrite(p.mail.data ? p.mail.data : "", 1, p.mail.len, stdout);
        }
        resp_plan_free(&p);
        if (!bf)
            break;
    }
    if (bf)
        fclose(bf);
    child_env_free(&env);
    message_free(&msg);
    free((char *)e.dsn_template);
    return rc;
}
