# tests/delivery/lib-delivery.sh -- helpers for the delivery engine's
# integration tests.  Source after nothing else: it sources tests/lib.sh.
#
# DRIVER runs the real commit code with actions from its arguments (see
# commit_driver.c); SPLIT splits an mbox into messages (mboxsplit.c);
# KILLER runs a command and SIGKILLs it after a random delay (killer.c).

. "$top_srcdir/tests/lib.sh"
DRIVER="$top_builddir/tests/delivery/commit_driver"
SPLIT="$top_builddir/tests/delivery/mboxsplit"
KILLER="$top_builddir/tests/delivery/killer"
# The corpus lives in shared/ beside the clone (or beside a worktree dir).
CORPUS="$top_srcdir/testdata/corpus"
MOUNTS=""

cleanup_delivery() {
    for m in $MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
    chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"
}
trap cleanup_delivery EXIT

# try_tmpfs DIR SIZE: mount a tmpfs of SIZE on DIR; 0 if mounted.
try_tmpfs() {
    mkdir -p "$1"
    [ "$(id -u)" = 0 ] || return 1
    mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1" 2>/dev/null || return 1
    MOUNTS="$1 $MOUNTS"
    return 0
}

# mkmsg FILE ID [BODYLINES]: a normalised message (LF, final newline, no
# From_ line) whose body has "From " lines that mboxrd must quote.
mkmsg() {
    {
        printf 'From: Test <test@example.org>\nTo: user@example.org\n'
        printf 'Subject: message %s\nMessage-ID: <%s@test.example>\n\n' "$2" "$2"
        printf 'Body of %s\nFrom the start of a line\n>From quoted once\n' "$2"
        printf '>>From quoted twice\nFromage is not a separator\n'
        i=0
        while [ "$i" -lt "${3:-3}" ]; do
            printf 'line %s of message %s: the quick brown fox\n' "$i" "$2"
            i=$((i + 1))
        done
        printf 'From %s at the end\n' "$2"
    } > "$1"
}

# hashes DIR...: sorted md5 sums of the regular files (content only).
hashes() {
    find "$@" -maxdepth 1 -type f -print0 | xargs -0 -r md5sum | cut -d' ' -f1 | sort
}

# tree_state DIR: a listing of names, sizes and checksums under DIR.
tree_state() {
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r md5sum)
}
