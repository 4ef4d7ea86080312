#!/bin/sh
# gen-rules.sh N -- print a rule file of N rules in the mix a real user or
# a Junkfilter-style ruleset has: list filing by List-Id regex, address
# and envelope tests, header contains/glob, scores, a body test every 10.
n=${1:?usage: gen-rules.sh N}
echo 'set mail = "~/Maildir"'
i=0
while [ "$i" -lt "$n" ]; do
    case $((i % 5)) in
    0) printf 'rule "list-%d" "File list %d" {\n  if header "List-Id" matches /<list%d\\.([a-z0-9.-]+)>/i { file "${mail}/.lists.%d.${1}/" stop }\n}\n' $i $i $i $i ;;
    1) printf 'if address "From" domain is "sender%d.example" and envelope from domain is not "sender%d.example" { score 2 "forged %d" }\n' $i $i $i ;;
    2) printf 'if header "Subject" contains "offer %d" or header "Subject" glob "*deal%d*" { score 1.5 "subject %d" }\n' $i $i $i ;;
    3) printf 'if address "To" detail is "tag%d" { file "${mail}/.tag%d/" }\n' $i $i ;;
    4) if [ $((i % 10)) -eq 4 ]; then
           printf 'if size > 200k and body contains "unsubscribe%d" { score 1 "body %d" }\n' $i $i
       else
           printf 'if header "X-Mailer" matches /^bulkmailer %d/ { score 3 "mailer %d" }\n' $i $i
       fi ;;
    esac
    i=$((i + 1))
done
echo 'if score >= 5 { file "${mail}/.Junk/" }'
