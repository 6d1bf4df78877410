#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 12: a second acct2syslog started on the state directory of one
# that runs, while about 1000 processes a second exit: by the same path,
# by the path spelt otherwise (a trailing "/.") and through a symlink, and
# once with --once.  Each second instance must refuse at once (exit 2, one
# line on stderr naming the state directory) without sending anything to
# its own sink; the first goes on undisturbed: it is still running, it
# began one stream with one forwarder_start, and every record arrives.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "12. a second daemon on the same state directory"
ln -s "$tmp/state" "$tmp/state-link"
cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
EOS
cat >>"$tmp/workload.sh" <<'EOS'
# second N STATE_DIR [OPTION...]: a second daemon on STATE_DIR with a sink
# of its own; its exit status, how long it ran (ms) and its stderr in
# $tmp/second.N.*.  timeout(1) ends one that does not refuse.
second() {
	n=$1 dir=$2
	shift 2
	t0=$(date +%s%N)
	rc=0
	timeout -s KILL 10 "$daemon" --foreground --config /dev/null \
	    --file "$tmp/acct/pacct" --state-dir "$dir" \
	    --sink "file:$tmp/second.$n.kv" "$@" \
	    >"$tmp/second.$n.out" 2>"$tmp/second.$n.err" || rc=$?
	t1=$(date +%s%N)
	echo "$rc" >"$tmp/second.$n.rc"
	echo $(((t1 - t0) / 1000000)) >"$tmp/second.$n.ms"
}

accounting_on
daemon_start
load_start
wait_for 10 has_line "$tmp/out.kv" 'event="forwarder_start"'
sleep_ms 200 400
second 1 "$tmp/state"
sleep_ms 100 300
second 2 "$tmp/state/."
sleep_ms 100 300
second 3 "$tmp/state-link"
sleep_ms 100 300
second 4 "$tmp/state" --once
sleep_ms 200 400
kill -0 "$dpid" && echo alive >"$tmp/first.alive"
load_stop
finish
EOS
faults_run

is "$(cat "$tmp/first.alive" 2>/dev/null)" alive \
    "the first daemon still ran after the second ones"
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the first daemon exits 0 on SIGTERM"
for n in 1 2 3 4; do
	case $n in
	1) how="by the same path" dir=$tmp/state ;;
	2) how="by another spelling" dir=$tmp/state/. ;;
	3) how="through a symlink" dir=$tmp/state-link ;;
	4) how="with --once" dir=$tmp/state ;;
	esac
	is "$(cat "$tmp/second.$n.rc" 2>/dev/null)" 2 \
	    "a second daemon $how exits 2 (the state directory is locked)"
	ms=$(cat "$tmp/second.$n.ms" 2>/dev/null || echo 99999)
	ok "it refuses at once (${ms} ms)" [ "$ms" -lt 1000 ]
	is "$(wc -l <"$tmp/second.$n.err")" 1 "it says so in one line"
	diag "  $(cat "$tmp/second.$n.err")"
	ok "the line names the state directory" \
	    grep -qF "$dir" "$tmp/second.$n.err"
	ok "it sent nothing" sh -c "[ ! -s '$tmp/second.$n.kv' ] &&
	    [ ! -s '$tmp/second.$n.out' ]"
done
is "$(grep -c '^event="forwarder_start"' "$tmp/out.kv")" 1 \
    "the first daemon started once"
is "$(kv stream <"$tmp/out.kv" | sort -u | wc -l)" 1 \
    "its messages are one stream"
ok "the state file is the first daemon's (its stream)" \
    grep -qx "stream=$(kv stream <"$tmp/out.kv" | head -n 1)" "$tmp/state/state"
ok "the first daemon said nothing of the second ones" \
    sh -c "! grep -qi 'lock\|in use' '$tmp/daemon.err'"
faults_judge "$tmp/acct/pacct"
done_testing
