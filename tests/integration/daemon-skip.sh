#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-skip.sh: a huge region that is not records (2 GiB of zeros, a
# sparse file: nothing on disk) does not make the daemon deaf.  Skipping
# it goes back to the main loop every MiB, so SIGTERM stops the daemon
# within moments, inside the region, with the records before it sent and
# committed.  Started again, the daemon skips the rest, reports the region
# once (a corrupt_data event with its exact offset and length) and sends
# the records after it.  GNU dump-acct of the two record files around the
# hole is the oracle for what must arrive.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
[ -x "$ACCT2SYSLOG" ] || bail_out "$ACCT2SYSLOG not built"
require_cmd dump-acct truncate
gen=$top_builddir/bench/acct-gen
hole=$((2 * 1024 * 1024 * 1024))

"$gen" --records 10 --seed 1 -o "$tmp/before"
"$gen" --records 10 --seed 7 -o "$tmp/after"
cp "$tmp/before" "$tmp/pacct"
truncate -s "$((640 + hole))" "$tmp/pacct" ||
    skip_all "no sparse 2 GiB file in $tmp"
cat "$tmp/after" >>"$tmp/pacct"
mkdir "$tmp/state"
printf 'batch_ms = 20\n' >"$tmp/a2s.conf"

# now_ms: a monotonic enough clock for a few seconds.
now_ms() {
	date +%s%3N
}

"$ACCT2SYSLOG" --config "$tmp/a2s.conf" --file "$tmp/pacct" \
    --state-dir "$tmp/state" --sink "file:$tmp/out1.kv" --foreground \
    2>"$tmp/daemon.err" &
pid=$!
ok "the records before the region are sent" \
    wait_for 30 sh -c "[ \"\$(grep -c '^event=\"process_end\"' '$tmp/out1.kv' 2>/dev/null)\" = 10 ]"
t0=$(now_ms)
kill -TERM "$pid"
st=0
wait "$pid" || st=$?
ms=$(($(now_ms) - t0))
diag "SIGTERM to exit: $ms ms"
is "$st" 0 "stopped by SIGTERM: exit status 0"
ok "SIGTERM while skipping: the daemon exits within 5 s ($ms ms)" \
    [ "$ms" -lt 5000 ]
is "$(grep -c '^event="corrupt_data"' "$tmp/out1.kv" || true)" 0 \
    "it stopped inside the region (no corrupt_data yet)"
is "$(records "$tmp/out1.kv")" "$(oracle_records "$tmp/before")" \
    "the records before the region went out, nothing after it"
ok "and the stop was said" has_line "$tmp/out1.kv" '^event="forwarder_stop"'

st=0
timeout 300 "$ACCT2SYSLOG" --config "$tmp/a2s.conf" --file "$tmp/pacct" \
    --state-dir "$tmp/state" --sink "file:$tmp/out2.kv" --once \
    2>>"$tmp/daemon.err" || st=$?
is "$st" 0 "started again (--once): exit status 0"
is "$(records "$tmp/out2.kv")" "$(oracle_records "$tmp/after")" \
    "the records after the region arrive, none twice"
is "$(grep '^event="corrupt_data"' "$tmp/out2.kv" | kv offset):$(grep '^event="corrupt_data"' "$tmp/out2.kv" | kv bytes)" \
    "640:$hole" "the region is reported once, with its exact offset and length"
cat "$tmp/out1.kv" "$tmp/out2.kv" >"$tmp/all.kv"
ok "seq is contiguous across the stop" seq_is_contiguous "$tmp/all.kv"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/daemon.err")"

done_testing
