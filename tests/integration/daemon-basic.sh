#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-basic.sh: acct2syslog on the live accounting file of a private pid
# namespace: N processes give exactly N process_end messages, in file
# order, with seq 1, 2, 3, ... and event_id = stream:seq, between a
# forwarder_start and a forwarder_stop.  GNU dump-acct, reading the same
# file, is the oracle for the names and pids.  Then --once on a file the
# daemon has already read sends nothing twice, and picks up what was
# appended.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
daemon_prereqs
N=200
mkdir "$tmp/state" "$tmp/bin"
cp /bin/true "$tmp/bin/a2s-true"
cp /bin/sh "$tmp/bin/a2s-exit7"
: >"$tmp/pacct"

cat >"$tmp/workload.sh" <<'EOS'
set -u
tmp=$1 n=$2 daemon=$3
. "$tmp/lib.sh"
accton "$tmp/pacct" >/dev/null
"$daemon" --foreground --config /dev/null --file "$tmp/pacct" \
    --state-dir "$tmp/state" --sink "file:$tmp/out.kv" 2>"$tmp/daemon.err" &
dpid=$!
wait_for 10 has_line "$tmp/out.kv" 'event="forwarder_start"'
i=0
while [ "$i" -lt "$n" ]; do
	"$tmp/bin/a2s-true"
	i=$((i + 1))
done
"$tmp/bin/a2s-exit7" -c 'exit 7' || :
wait_for 10 has_line "$tmp/out.kv" 'process_name="a2s-exit7"'
kill -TERM "$dpid"
wait "$dpid"
echo "$?" >"$tmp/daemon.rc"
accton off >/dev/null
EOS
# The workload sees the helpers through a copy: it runs in another shell.
sed -n '/^wait_for()/,/^}/p; /^has_line()/,/^}/p' \
    "$top_srcdir/tests/integration/lib-daemon.sh" >"$tmp/lib.sh"
unshare --pid --fork --mount-proc sh "$tmp/workload.sh" "$tmp" "$N" "$ACCT2SYSLOG" \
    >"$tmp/workload.out" 2>&1 || :

is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
[ -s "$tmp/daemon.err" ] && diag "daemon said:" "$(cat "$tmp/daemon.err")"
is "$(grep -c 'process_name="a2s-true"' "$tmp/out.kv")" "$N" \
    "$N processes, $N process_end messages"
# The file ends with records written after the daemon stopped: its own
# (two under LeakSanitizer, whose checker is a child too) and accton's.
oracle_records "$tmp/pacct" >"$tmp/oracle"
records "$tmp/out.kv" >"$tmp/got"
committed=$(sed -n 's/^offset=//p' "$tmp/state/state")
head -n "$((committed / 64))" "$tmp/oracle" >"$tmp/oracle.live"
tail -n "+$((committed / 64 + 1))" "$tmp/oracle" >"$tmp/oracle.after"
ok "every record of the file, in file order (names and pids as dump-acct reads them)" \
    cmp -s "$tmp/oracle.live" "$tmp/got"
[ "$tap_passed" = 1 ] || diag "$(diff "$tmp/oracle.live" "$tmp/got" | head -n 10)"
ok "after it, only the daemon's own record and accton's" \
    matches "$(cut -d' ' -f1 "$tmp/oracle.after" | tr '\n' ' ')" \
    '(acct2syslog-hb |acct2syslog )+accton ' 
ok "seq is 1, 2, 3, ... and event_id is stream:seq on every message" \
    seq_is_contiguous "$tmp/out.kv"
is "$(events "$tmp/out.kv" | head -n 1)" forwarder_start "forwarder_start comes first"
is "$(events "$tmp/out.kv" | tail -n 1)" forwarder_stop "forwarder_stop comes last"
is "$(grep 'process_name="a2s-exit7"' "$tmp/out.kv" | kv exit_code)" 7 \
    "exit code 7 is forwarded"
is "$(grep -c 'event="heartbeat"' "$tmp/out.kv")" 1 \
    "the heartbeat came back once (its child's record is in the file)"
ok "the heartbeat child's record is forwarded too" \
    grep -q 'process_name="acct2syslog-hb".*flags="fork"' "$tmp/out.kv"
ok "the state file says clean=1 after SIGTERM" \
    grep -q '^clean=1$' "$tmp/state/state"

# --once: nothing is sent again, only the two records written after the
# daemon stopped.
lines=$(wc -l <"$tmp/out.kv")
"$ACCT2SYSLOG" --once --config /dev/null --file "$tmp/pacct" \
    --state-dir "$tmp/state" --sink "file:$tmp/out.kv" 2>"$tmp/once.err"
is "$?" 0 "--once exits 0"
tail -n "+$((lines + 1))" "$tmp/out.kv" >"$tmp/once1.kv"
records "$tmp/once1.kv" >"$tmp/got2"
ok "--once sends no record again, only those written after the stop" \
    cmp -s "$tmp/oracle.after" "$tmp/got2"
is "$(events "$tmp/once1.kv" | sed -n '1p;$p' | tr '\n' ' ')" \
    "forwarder_start forwarder_stop " "--once: between forwarder_start and forwarder_stop"
ok "--once resumes after a clean stop" grep -q 'after a clean stop' "$tmp/once1.kv"
"$top_builddir/bench/acct-gen" --records 5 >>"$tmp/pacct"
lines=$(wc -l <"$tmp/out.kv")
"$ACCT2SYSLOG" --once --config /dev/null --file "$tmp/pacct" \
    --state-dir "$tmp/state" --sink "file:$tmp/out.kv" 2>>"$tmp/once.err"
tail -n "+$((lines + 1))" "$tmp/out.kv" >"$tmp/once2.kv"
is "$(grep -c '^event="process_end"' "$tmp/once2.kv")" 5 \
    "--once forwards the 5 records appended since"
ok "the stream goes on: seq still contiguous over all three runs" \
    seq_is_contiguous "$tmp/out.kv"
oracle_records "$tmp/pacct" | tail -n 5 >"$tmp/oracle5"
records "$tmp/once2.kv" >"$tmp/got5"
ok "and they are the last 5 of the file" cmp -s "$tmp/oracle5" "$tmp/got5"

# JSON lines on stdout: one object per line, as many as records.
"$ACCT2SYSLOG" --once --config /dev/null --file "$tmp/pacct" \
    --state-dir "$tmp/state2" --sink stdout --format json \
    >"$tmp/out.json" 2>"$tmp/json.err" && rc=0 || rc=$?
is "$rc" 2 "a missing state directory is an error (exit 2)"
ok "and the message names it" grep -q "state directory $tmp/state2" "$tmp/json.err"
mkdir "$tmp/state2"
"$ACCT2SYSLOG" --once --config /dev/null --file "$tmp/pacct" \
    --state-dir "$tmp/state2" --sink stdout --format json >"$tmp/out.json"
is "$(grep -c '"action":"process_end"' "$tmp/out.json")" \
    "$(dump-acct "$tmp/pacct" | wc -l)" "JSON: one process_end object per record"
done_testing
