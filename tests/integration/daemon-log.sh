#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-log.sh: every diagnostic of the daemon goes through log.c.  Under
# systemd (JOURNAL_STREAM set, no --foreground) each line of stderr carries
# the "<N>" priority prefix journald reads, so an error is an error in the
# journal: a bad option, a bad configuration at start, and a bad one at a
# reload (SIGHUP), which once went out as raw fprintf(stderr) lines.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
[ -x "$ACCT2SYSLOG" ] || bail_out "$ACCT2SYSLOG not built"
GEN=$top_builddir/bench/acct-gen
[ -x "$GEN" ] || bail_out "$GEN not built"
mkdir "$tmp/state"
"$GEN" --records 3 -o "$tmp/pacct"
printf 'heartbeat_interval = 0\n' >"$tmp/a2s.conf"
A=$ACCT2SYSLOG
export JOURNAL_STREAM=8:12345

"$A" --bogus 2>"$tmp/err1" && st=0 || st=$?
is "$st" 1 "an unknown option: exit status 1"
ok "an unknown option: one line with priority err" \
    grep -qx "<3>unknown option --bogus" "$tmp/err1"

printf 'bach_records = 1\n' >"$tmp/bad.conf"
"$A" --config "$tmp/bad.conf" --file "$tmp/pacct" 2>"$tmp/err2" &&
    st=0 || st=$?
is "$st" 1 "a bad configuration: exit status 1"
ok "a bad configuration: file:line with priority err" \
    grep -qx "<3>$tmp/bad.conf:1: unknown key 'bach_records'.*" "$tmp/err2"

"$A" --config "$tmp/a2s.conf" --file "$tmp/pacct" --state-dir "$tmp/state" \
    --sink "file:$tmp/out.kv" 2>"$tmp/err3" &
dpid=$!
wait_for 20 has_line "$tmp/out.kv" 'event="forwarder_start"' ||
    diag "the daemon did not start"
printf 'batch_records = 0\n' >"$tmp/a2s.conf"
kill -HUP "$dpid"
wait_for 20 grep -q "not reloaded" "$tmp/err3" || true
ok "SIGHUP with a bad configuration: the error with priority err" \
    grep -qx "<3>$tmp/a2s.conf:1: batch_records: 0 is out of range.*" \
    "$tmp/err3"
ok "  and that it keeps the old one, with priority err" \
    grep -qx "<3>configuration not reloaded: keeping the old one" "$tmp/err3"
ok "every line of the daemon has a priority prefix" \
    sh -c "! grep -qv '^<[0-7]>' '$tmp/err3'"
kill -TERM "$dpid"
wait "$dpid" && st=0 || st=$?
is "$st" 0 "it still stops cleanly"
[ "$tap_passed" = 1 ] || diag "stderr:" "$(cat "$tmp/err3")"

done_testing
