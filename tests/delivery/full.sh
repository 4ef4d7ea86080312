#!/bin/sh
# Out of space: ENOSPC on a small tmpfs mounted by the test, and EFBIG
# from `ulimit -f`.  weir exits 75, an existing mbox is byte-identical to
# before, and nothing is left in Maildir tmp/ or new/ or in an MH folder.
. "$top_srcdir/tests/delivery/lib-delivery.sh"

mkmsg "$T/small" small 2
mkmsg "$T/big" big 4000           # about 200 KB
FS="$T/fs"

if try_tmpfs "$FS" 512k; then
    mkdir -p "$T/rec"
    "$DRIVER" -A "$T/rec" file:"$FS/box" < "$T/small" && "$DRIVER" -A "$T/rec" file:"$FS/box" < "$T/small"
    is "$?" 0 "tmpfs: mbox with two messages"
    cp "$FS/box" "$T/box.before"
    dd if=/dev/zero of="$FS/filler" bs=4k 2>/dev/null
    truncate -s -64k "$FS/filler"     # about 64 KB left: less than the message
    df -k "$FS" | sed 's/^/# /'

    "$DRIVER" -A "$T/rec" -D "$FS/Maildir/" file:"$FS/box" < "$T/big" 2> "$T/err"
    is "$?" 75 "ENOSPC mbox + Maildir default: exit 75"
    case "$(cat "$T/err")" in 4.2.2*) ok 0 "4.2.2 status line";; *) ok 1 "4.2.2 status line: $(cat "$T/err")";; esac
    cmp -s "$FS/box" "$T/box.before"; ok $? "ENOSPC: mbox byte-identical to before"
    is "$(count_files "$FS/Maildir/tmp")$(count_files "$FS/Maildir/new")" 00 "ENOSPC: Maildir tmp/ and new/ empty"
    is "$(ls -A "$T/rec" | wc -l)" 0 "ENOSPC: no append record left"
    [ ! -e "$FS/box.lock" ]; ok $? "ENOSPC: no dotlock left"

    "$DRIVER" -A "$FS/rec" -D "$FS/Maildir/" file:"$FS/box" < "$T/big" 2>/dev/null
    is "$?" 75 "ENOSPC with the append record on the full fs: exit 75"
    cmp -s "$FS/box" "$T/box.before"; ok $? "record on the full fs: mbox byte-identical"

    "$DRIVER" -D "$FS/Maildir/" file:"$FS/mh/." file:"$FS/md2/" < "$T/big" 2>/dev/null
    is "$?" 75 "ENOSPC MH + Maildir targets: exit 75"
    is "$(ls -A "$FS/mh" | wc -l)" 0 "ENOSPC: MH folder empty (no number, no temp file)"
    is "$(count_files "$FS/md2/tmp")$(count_files "$FS/md2/new")" 00 "ENOSPC: Maildir target tmp/ new/ empty"
    is "$(count_files "$FS/Maildir/tmp")$(count_files "$FS/Maildir/new")" 00 "ENOSPC: default Maildir still empty"

    mkdir -p "$FS/home"
    HOME="$FS/home" "$WEIR" < "$T/big" 2>/dev/null
    is "$?" 75 "weir itself, home on the full fs: exit 75"
    is "$(count_files "$FS/home/Maildir/tmp")$(count_files "$FS/home/Maildir/new")" 00 "weir: tmp/ and new/ empty"

    "$DRIVER" -A "$T/rec" -D "$FS/Maildir/" file:"$FS/box" < "$T/small"
    is "$?" 0 "a message that fits is still delivered"
    is "$("$SPLIT" "$FS/box" "$T")" 3 "mbox now has three complete messages"
else
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do
        skip "cannot mount a tmpfs (needs root: run make check as root) for the ENOSPC test"
    done
fi

# EFBIG: a file size limit below what the message needs (SIGXFSZ is ignored
# by weir, so write() fails with EFBIG).
E="$T/efbig"; mkdir -p "$E" "$T/rec2"
"$DRIVER" -A "$T/rec2" file:"$E/box" < "$T/small"
cp "$E/box" "$T/efbig.before"
(ulimit -f 100; exec "$DRIVER" -A "$T/rec2" -D "$E/Maildir/" file:"$E/box" file:"$E/mh/." < "$T/big") 2> "$T/err"
is "$?" 75 "EFBIG: exit 75"
case "$(cat "$T/err")" in 4.2.2*) ok 0 "EFBIG: 4.2.2 status line";; *) ok 1 "EFBIG: 4.2.2 status line: $(cat "$T/err")";; esac
cmp -s "$E/box" "$T/efbig.before"; ok $? "EFBIG: mbox byte-identical to before"
is "$(count_files "$E/Maildir/tmp")$(count_files "$E/Maildir/new")" 00 "EFBIG: Maildir tmp/ and new/ empty"
is "$(ls -A "$E/mh" | wc -l)" 0 "EFBIG: MH folder empty"
(ulimit -f 100; HOME="$E" exec "$WEIR" < "$T/big") 2>/dev/null
is "$?" 75 "EFBIG: weir itself exits 75"
is "$(count_files "$E/Maildir/tmp")$(count_files "$E/Maildir/new")" 00 "EFBIG: weir leaves tmp/ new/ empty"
(ulimit -f 100; exec "$DRIVER" -A "$T/rec2" file:"$E/box" < "$T/small")
is "$?" 0 "EFBIG: a small message under the limit is delivered"
done_testing
