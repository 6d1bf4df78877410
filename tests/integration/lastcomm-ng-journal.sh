#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng-journal.sh: lastcomm-ng reads the journal (sd-journal).  A
# journald of our own (lib-services.sh: a private mount namespace, tmpfs
# over /run) receives accounting files of every record version through
# acct2syslog --sink journal --once.  Then lastcomm-ng --journal-dir lists
# the same records, field for field, as lastcomm-ng -f on the files (less
# host, stream, seq and event_id, which only forwarded messages carry);
# --user and --uid pick the same records from both; --verify finds every
# stream complete; --journal-file reads one journal file.  journalctl, an
# independent reader, counts the entries.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"

LASTCOMM=$top_builddir/lastcomm-ng/lastcomm-ng
ACCT_GEN=$top_builddir/bench/acct-gen
JOURNALD=/lib/systemd/systemd-journald
: "${ACCT2SYSLOG:=$top_builddir/acct2syslog/acct2syslog}"
N=3000

[ -x "$LASTCOMM" ] || skip_all "lastcomm-ng is not built"
[ -x "$ACCT2SYSLOG" ] || skip_all "acct2syslog is not built"
[ -x "$ACCT_GEN" ] || skip_all "bench/acct-gen is not built (make builds it)"
"$LASTCOMM" --help 2>&1 | grep -q -e '--journal-dir' ||
    skip_all "lastcomm-ng does not know --journal-dir yet"
[ -x "$JOURNALD" ] || skip_all "$JOURNALD not found"
require_cmd journalctl
in_private_mount_ns "$0" "$@"
make_tmpdir
trap 'stop_journald; tmp_cleanup' EXIT
start_journald || bail_out "journald did not start: $(cat "$tmp/journald.err")"

status=0
"$LASTCOMM" --journal-dir "$JOURNAL_DIR" >"$tmp/out" 2>"$tmp/err" || status=$?
if [ "$status" -ne 0 ] && grep -q "without libsystemd" "$tmp/err"; then
	skip_all "lastcomm-ng is built without libsystemd"
fi
is "$status:$(wc -l <"$tmp/out"):$(cat "$tmp/err")" "0:0:" \
    "an empty journal: nothing listed, nothing said, exit 0"

# strip: the kv fields of the forwarded message only, left out.
strip() {
	sed -E -e 's/ host="([^"\\]|\\.)*"//' -e 's/ stream="[0-9a-f]*"//' \
	    -e 's/ seq=[0-9]+//' -e 's/ event_id="[^"]*"//'
}

# Many records (many users, ttys, exit codes) and every record version,
# each file forwarded by its own acct2syslog run (its own stream).
"$ACCT_GEN" --records "$N" --users 12 --seed 7 -o "$tmp/gen.pacct"
set -- "$tmp/gen.pacct" "$FIXTURES/v0-le.pacct" "$FIXTURES/v1-be.pacct" \
    "$FIXTURES/v2-le.pacct" "$FIXTURES/v3-be.pacct" "$FIXTURES/real-v3.pacct"
files=$#
run=0
for file in "$@"; do
	run=$((run + 1))
	mkdir "$tmp/state$run"
	"$ACCT2SYSLOG" --once --sink journal --config /dev/null \
	    --state-dir "$tmp/state$run" --file "$file" 2>"$tmp/send.err" ||
	    bail_out "acct2syslog --sink journal: $(cat "$tmp/send.err")"
	set -- "$@" -f "$file"
	shift
done
journalctl --sync

"$LASTCOMM" --forwards "$@" --format=kv >"$tmp/want.raw"
strip <"$tmp/want.raw" >"$tmp/want"
records=$(wc -l <"$tmp/want")
is "$(journal_entries ACCT_EVENT=process_end | grep -c '^MESSAGE=')" \
    "$records" "journalctl: one entry for each of the $records records"
is "$(journal_entries ACCT_EVENT=forwarder_start | grep -c '^MESSAGE=')" \
    "$files" "journalctl: one forwarder_start for each of the $files files"

status=0
"$LASTCOMM" --journal-dir "$JOURNAL_DIR" --format=kv >"$tmp/got.raw" \
    2>"$tmp/err" || status=$?
is "$status:$(cat "$tmp/err")" "0:" "--journal-dir: exit 0, nothing said"
strip <"$tmp/got.raw" >"$tmp/got"
ok "--journal-dir lists the records of -f, field for field, in order" \
    cmp -s "$tmp/want" "$tmp/got"
[ "$tap_passed" = 1 ] || diag "first difference:" \
    "$(diff "$tmp/want" "$tmp/got" | head -n 6)"
ok "and each with the host, stream, seq and event_id it was sent with" \
    test "$(grep -c ' host="[^"]*" stream="[0-9a-f]\{32\}" seq=[0-9]* event_id="' \
    "$tmp/got.raw")" -eq "$records"

# --verify reads the control events too (no ACCT_EVENT match).
status=0
"$LASTCOMM" --journal-dir "$JOURNAL_DIR" --verify >"$tmp/verify" 2>&1 ||
    status=$?
is "$status" 0 "--verify: the $files streams in the journal are complete"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/verify")"

# --user and --uid: a user with few records, and one with none.
user=$(sed -n 's/.* user="\([a-z_][a-z0-9_-]*\)" .*/\1/p' "$tmp/want" |
    sort | uniq -c | sort -n | awk 'NR == 1 { print $2 }')
[ -n "$user" ] || bail_out "no record with a user name"
uid=$(sed -n "s/.* user=\"$user\" user_id=\([0-9]*\) .*/\1/p" "$tmp/want" |
    head -n 1)
grep " user=\"$user\" " "$tmp/want" >"$tmp/want.user"
"$LASTCOMM" --forwards "$@" --format=kv --user "$user" | strip \
    >"$tmp/file.user"
"$LASTCOMM" --journal-dir "$JOURNAL_DIR" --format=kv --user "$user" |
    strip >"$tmp/got.user"
ok "--user $user: -f picks its $(wc -l <"$tmp/want.user") records" \
    cmp -s "$tmp/want.user" "$tmp/file.user"
ok "--user $user: the journal gives the same" \
    cmp -s "$tmp/file.user" "$tmp/got.user"
"$LASTCOMM" --journal-dir "$JOURNAL_DIR" --format=kv --uid "$uid" | strip \
    >"$tmp/got.uid"
"$LASTCOMM" --forwards "$@" --format=kv --uid "$uid" | strip >"$tmp/file.uid"
ok "--uid $uid: the journal gives what -f gives" \
    cmp -s "$tmp/file.uid" "$tmp/got.uid"
status=0
"$LASTCOMM" --journal-dir "$JOURNAL_DIR" --user no-such-user-here \
    >"$tmp/out" 2>"$tmp/err" || status=$?
is "$status:$(wc -l <"$tmp/out")" "0:0" "--user of no record: nothing, exit 0"

# One journal file (all of it: the journal is small enough not to have
# rotated).
set -- "$JOURNAL_DIR"/*/system.journal
if [ -f "$1" ]; then
	"$LASTCOMM" --journal-file "$1" --format=kv | strip >"$tmp/got.file"
	ok "--journal-file $(basename "$1"): the same records" \
	    cmp -s "$tmp/want" "$tmp/got.file"
else
	skip "--journal-file" "no system.journal in $JOURNAL_DIR"
fi

status=0
"$LASTCOMM" --journal-dir "$tmp/missing" >"$tmp/out" 2>"$tmp/err" ||
    status=$?
is "$status:$(wc -l <"$tmp/out"):$(cat "$tmp/err")" \
    "1:0:lastcomm-ng: $tmp/missing: No such file or directory" \
    "--journal-dir of a missing folder: exit 1, one line naming it"

stop_journald
done_testing
