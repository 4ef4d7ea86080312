#!/bin/sh
# client.sh -- ${client} in a real delivery and in weir test, from each of
# its sources in order (builtins/client.h, weir(1) -i): -i/--client, then
# $CLIENT_ADDRESS (Postfix), then $SENDER_HOST_ADDRESS (Exim), skipping a
# trusted or reserved address, then the newest Received: field outside
# trusted_relays; "!net" in trusted_relays un-reserves a range; a bad -i
# is ignored with a log line.  The rule writes the client into a header;
# the test reads it back from the delivered Maildir file.
. "$top_srcdir/tests/lib.sh"

mkdir -p "$HOME/.weir"
R="$HOME/.weir/rules"
md="$HOME/Maildir"
printf 'header add "X-Client" "[${client}]"\n' > "$R"
chmod 600 "$R"
printf 'default_mailbox: "~/Maildir/"\n' > "$T/weir.yaml"
msg="$T/m.eml"
cat > "$msg" <<'MSG'
Received: from relay.example.net (relay.example.net [10.1.2.3])
	by mx.example.org (Postfix) with ESMTP id 1; Mon, 1 Jan 2026 00:00:02 +0000
Received: from outside.example.com (outside.example.com [IPv6:2a00:1450:4001:82b::2005])
	by relay.example.net (Postfix) with ESMTPS id 2; Mon, 1 Jan 2026 00:00:01 +0000
Received: from [81.2.69.160] (helo=forged) by outside.example.com with esmtp (Exim 4.96)
	id 3; Mon, 1 Jan 2026 00:00:00 +0000
From: a@example.com
To: b@example.org
Subject: client

body
MSG

# deliver [weir args...]: the client the rules saw
deliver() {
    rm -rf "$md"
    env -u CLIENT_ADDRESS -u SENDER_HOST_ADDRESS ${ENVS:-} "$WEIR" -c "$T/weir.yaml" "$@" \
        < "$msg" 2> "$T/err"
    f=$(ls "$md/new" 2>/dev/null | head -1)
    [ -n "$f" ] && sed -n 's/^X-Client: //p' "$md/new/$f"
}

is "$(deliver)" "[2a00:1450:4001:82b::2005]" \
   "Received: the newest field not from a private address (10.1.2.3 is skipped)"
is "$(deliver -i 192.0.2.9)" "[192.0.2.9]" "-i wins, taken as given"
is "$(deliver --client ::ffff:192.0.2.10)" "[192.0.2.10]" "--client, IPv4-mapped IPv6 as IPv4"
is "$(ENVS=CLIENT_ADDRESS=81.2.69.161 deliver)" "[81.2.69.161]" "\$CLIENT_ADDRESS (Postfix)"
is "$(ENVS='CLIENT_ADDRESS=81.2.69.161 SENDER_HOST_ADDRESS=81.2.69.162' deliver -i 81.2.69.163)" \
   "[81.2.69.163]" "-i before the environment"
is "$(ENVS=SENDER_HOST_ADDRESS=81.2.69.162 deliver)" "[81.2.69.162]" "\$SENDER_HOST_ADDRESS (Exim)"
is "$(ENVS=CLIENT_ADDRESS=127.0.0.1 deliver)" "[2a00:1450:4001:82b::2005]" \
   "a loopback CLIENT_ADDRESS (a content filter's reinjection) is passed over"
is "$(deliver -v -i not-an-address)" "[2a00:1450:4001:82b::2005]" "a bad -i is ignored"
grep -q "client address 'not-an-address' (-i/--client) is not an IP address: ignored" "$T/err"
ok $? "and logged"

# trusted_relays: the relay that wrote the IPv6 field is trusted too
printf 'default_mailbox: "~/Maildir/"\ntrusted_relays:\n  - 2a00:1450::/32\n' > "$T/weir.yaml"
is "$(deliver)" "[81.2.69.160]" "trusted_relays: the next field's address (Exim form)"
printf 'default_mailbox: "~/Maildir/"\ntrusted_relays:\n  - "!10.0.0.0/8"\n' > "$T/weir.yaml"
is "$(deliver)" "[10.1.2.3]" "a !network entry makes a private range count"

# weir test sees the same client and says where it came from
printf 'default_mailbox: "~/Maildir/"\n' > "$T/weir.yaml"
chmod 755 "$T"; chmod 644 "$msg" "$T/weir.yaml"
AS=; [ "$(id -u)" = 0 ] && AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
cp "$R" "$T/r"; chmod 644 "$T/r"
out=$($AS env HOME="$T" "$WEIR" test -c "$T/weir.yaml" -S -r "$T/r" "$msg" 2>&1)
echo "$out" | grep -q '^  client: 2a00:1450:4001:82b::2005 (Received)$'; ok $? "weir test: the client and its source"
out=$($AS env HOME="$T" "$WEIR" test -c "$T/weir.yaml" -S -r "$T/r" --client 192.0.2.7 "$msg" 2>&1)
echo "$out" | grep -q '^  client: 192.0.2.7 (command line)$'; ok $? "weir test --client"
out=$($AS env HOME="$T" CLIENT_ADDRESS=81.2.69.161 "$WEIR" test -c "$T/weir.yaml" -S -r "$T/r" "$msg" 2>&1)
echo "$out" | grep -q '^  client: 2a00:1450:4001:82b::2005 (Received)$'
ok $? "weir test reads no MTA environment (saved mail has none)"
done_testing
