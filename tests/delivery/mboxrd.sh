. "$top_srcdir/tests/lib.sh"
skip "todo"
done_testing
