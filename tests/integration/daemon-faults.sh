#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-faults.sh: a file that goes wrong under a running acct2syslog: a
# record written in two parts, garbage, a zero-filled hole, a misaligned
# run, truncation.  Each is reported as a control event with its offset
# and size, nothing that is not a record is forwarded, and every record
# around the damage is (dump-acct on each piece is the oracle).
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
require_cmd dump-acct
[ -x "$ACCT2SYSLOG" ] || bail_out "$ACCT2SYSLOG not built"
gen=$top_builddir/bench/acct-gen
mkdir "$tmp/state"
printf 'heartbeat_interval = 0\nbatch_ms = 50\npoll_interval_ms = 100\n' \
    >"$tmp/a2s.conf"
f=$tmp/pacct
out=$tmp/out.kv

# piece NAME SEED N: N records from acct-gen, and their oracle lines.
piece() {
	"$gen" --records "$3" --seed "$2" -o "$tmp/$1"
	oracle_records "$tmp/$1" >>"$tmp/want"
}
count() {
	n=$(grep -c '^event="process_end"' "$out" 2>/dev/null) || :
	echo "${n:-0}"
}
has_count() {
	[ "$(count)" -eq "$1" ]
}

piece p1 1 10
cp "$tmp/p1" "$f"
"$ACCT2SYSLOG" --foreground --config "$tmp/a2s.conf" --file "$f" \
    --state-dir "$tmp/state" --sink "file:$out" 2>"$tmp/daemon.err" &
dpid=$!
ok "10 records at the start" wait_for 10 has_count 10

# A record in two writes: nothing until the second half is there.
piece p2 2 1
head -c 30 "$tmp/p2" >>"$f"
sleep 0.5
is "$(count)" 10 "half a record is not forwarded"
tail -c 34 "$tmp/p2" >>"$f"
ok "the whole record is, once the rest is written" wait_for 10 has_count 11

# Garbage, then records: corrupt_data with offset and length.
off=$(wc -c <"$f")
head -c 100 /dev/zero | tr '\000' '\377' >>"$f"
piece p3 3 5
cat "$tmp/p3" >>"$f"
ok "the 5 records after 100 bytes of garbage" wait_for 10 has_count 16
is "$(grep 'event="corrupt_data"' "$out" | sed -n 1p | kv offset)/$(grep \
    'event="corrupt_data"' "$out" | sed -n 1p | kv bytes)" "$off/100" \
    "corrupt_data says offset $off, 100 bytes"

# A zero-filled hole.
off=$(wc -c <"$f")
head -c 640 /dev/zero >>"$f"
piece p4 4 3
cat "$tmp/p4" >>"$f"
ok "the 3 records after a 640-byte hole" wait_for 10 has_count 19
ok "the hole is reported as zero bytes at offset $off" \
    grep -q "event=\"corrupt_data\".*are zero.*offset=$off bytes=640" "$out"

# Misaligned: 10 stray bytes shift every record after them.
off=$(wc -c <"$f")
printf '0123456789' >>"$f"
piece p5 5 4
cat "$tmp/p5" >>"$f"
ok "the 4 records after 10 stray bytes" wait_for 10 has_count 23
ok "the stray bytes are reported at offset $off" \
    grep -q "event=\"corrupt_data\".*offset=$off bytes=10 " "$out"

# Truncation to nothing, then new records.
old=$(wc -c <"$f")
: >"$f"
piece p6 6 3
cat "$tmp/p6" >>"$f"
ok "the 3 records written after the truncation" wait_for 10 has_count 26
ok "truncated says from which offset, and how much went" \
    grep -q "event=\"truncated\".*offset=$old bytes=$old " "$out"

kill -TERM "$dpid"
wait "$dpid" && rc=0 || rc=$?
is "$rc" 0 "the daemon exits 0 on SIGTERM"
records "$out" >"$tmp/got"
ok "the records forwarded are those written, in order, and nothing else" \
    cmp -s "$tmp/want" "$tmp/got"
[ "$tap_passed" = 1 ] || diag "$(diff "$tmp/want" "$tmp/got" | head)"
ok "seq is contiguous over records and control events" seq_is_contiguous "$out"
is "$(grep -c 'event="corrupt_data"' "$out")" 3 "three corrupt_data events"
done_testing
