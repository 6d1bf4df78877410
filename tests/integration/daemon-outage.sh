#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-outage.sh: the log system goes away under a running acct2syslog
# while processes keep exiting, and comes back: nothing is lost.  First a
# real journald (private, in a mount namespace of the test's own) stopped
# and started again; then a real rsyslog, whose socket disappears and comes
# back.  The records of the accounting file (read by dump-acct) must all be
# in the journal / rsyslog's file; a message that arrived twice has the
# same event_id and content; the daemon says what failed, and when it
# works again.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"
in_private_mount_ns "$0" "$@"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
daemon_prereqs
[ -x /lib/systemd/systemd-journald ] || skip_all "no systemd-journald"
require_cmd rsyslogd journalctl
mkdir "$tmp/state-j" "$tmp/state-s" "$tmp/bin"
: >"$tmp/pacct"
cp /bin/true "$tmp/bin/a2s-true"
cp /bin/sh "$tmp/bin/a2s-mark"
printf 'retry_max_ms = 400\nbatch_ms = 50\nheartbeat_interval = 0\n' \
    >"$tmp/journal.conf"
printf 'retry_max_ms = 400\nbatch_ms = 50\nheartbeat_interval = 0\nsyslog_socket = %s\n' \
    "$tmp/log" >"$tmp/syslog.conf"

cat >"$tmp/workload.sh" <<'EOS'
set -u
top_srcdir=$3
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
tmp=$1 daemon=$2		# lib.sh empties tmp
ACCT_TEST_PRIVATE_NS=1
busy() {
	i=0
	while [ "$i" -lt 300 ]; do
		"$tmp/bin/a2s-true"
		i=$((i + 1))
		[ $((i % 20)) -eq 0 ] && sleep 0.02
	done
}
# mark NAME TEST...: a process whose message must arrive (TEST NAME says).
mark() {
	cp "$tmp/bin/a2s-mark" "$tmp/bin/$1"
	"$tmp/bin/$1" -c :
	n=$1
	shift
	wait_for 30 "$@" "$n" || echo "mark $n never came" >>"$tmp/fail"
}
in_journal() {
	journalctl -D "$JOURNAL_DIR" -o cat "ACCT_PROCESS_NAME=$1" 2>/dev/null |
	    grep -q .
}
in_rsyslog() {
	grep -q "process_name=\"$1\"" "$tmp/rs.out" 2>/dev/null
}

accton "$tmp/pacct" >/dev/null

# journald, stopped and started again.
start_journald || echo "journald did not start" >>"$tmp/fail"
"$daemon" --foreground --config "$tmp/journal.conf" --file "$tmp/pacct" \
    --state-dir "$tmp/state-j" --sink journal 2>"$tmp/journal.err" &
dpid=$!
mark a2s-j1 in_journal
stop_journald
busy
sleep 1
start_journald || echo "journald did not start again" >>"$tmp/fail"
mark a2s-j2 in_journal
kill -TERM "$dpid"
wait "$dpid" || echo "daemon (journal) exit $?" >>"$tmp/fail"
journalctl -D "$JOURNAL_DIR" -o cat ACCT_EVENT=process_end >"$tmp/journal.kv"
journalctl -D "$JOURNAL_DIR" -o cat >"$tmp/journal-all.kv"
stop_journald

# rsyslog, whose socket goes away and comes back.
start_rsyslog "$tmp/rs" "$tmp/log" "$tmp/rs.out" ||
    echo "rsyslogd did not start" >>"$tmp/fail"
"$daemon" --foreground --config "$tmp/syslog.conf" --file "$tmp/pacct" \
    --state-dir "$tmp/state-s" --sink syslog 2>"$tmp/syslog.err" &
dpid=$!
mark a2s-s1 in_rsyslog
stop_rsyslog
busy
sleep 1
start_rsyslog "$tmp/rs" "$tmp/log" "$tmp/rs.out" ||
    echo "rsyslogd did not start again" >>"$tmp/fail"
mark a2s-s2 in_rsyslog
kill -TERM "$dpid"
wait "$dpid" || echo "daemon (syslog) exit $?" >>"$tmp/fail"
stop_rsyslog
accton off >/dev/null
EOS
unshare --pid --fork --mount-proc sh "$tmp/workload.sh" "$tmp" "$ACCT2SYSLOG" \
    "$top_srcdir" >"$tmp/workload.out" 2>&1 || :

ok "the workload went as planned" test ! -e "$tmp/fail"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/fail" "$tmp/workload.out")"
oracle_records "$tmp/pacct" >"$tmp/oracle"

# check NAME KVFILE STATE ERRFILE
check() {
	committed=$(sed -n 's/^offset=//p' "$3/state")
	head -n "$((committed / 64))" "$tmp/oracle" | sort -u >"$tmp/want.$1"
	records "$2" | sort -u >"$tmp/got.$1"
	diag "$1: $(wc -l <"$tmp/want.$1") records before the committed offset," \
	    "$(grep -c '^event="process_end"' "$2") process_end messages"
	ok "$1: every record of the file arrived" \
	    sh -c "comm -23 '$tmp/want.$1' '$tmp/got.$1' | grep -q . && exit 1 || exit 0"
	[ "$tap_passed" = 1 ] ||
	    diag "missing:" "$(comm -23 "$tmp/want.$1" "$tmp/got.$1" | head)"
	awk '{
		if (!match($0, /event_id="[^"]*"/)) next
		id = substr($0, RSTART, RLENGTH)
		if (id in seen && seen[id] != $0) bad++
		seen[id] = $0
	} END { exit bad > 0 }' "$2" && rc=0 || rc=$?
	is "$rc" 0 "$1: any message that came twice has the same event_id and content"
	ok "$1: the daemon said the sink failed" grep -q 'fails (for' "$4"
	ok "$1: and that it works again, nothing lost" \
	    grep -q 'works again after .*nothing was lost' "$4"
	[ "$tap_passed" = 1 ] || diag "$(cat "$4")"
}
check journal "$tmp/journal.kv" "$tmp/state-j" "$tmp/journal.err"
ok "journal: forwarder_start and forwarder_stop are there too" \
    sh -c "grep -q 'event=\"forwarder_start\"' '$tmp/journal-all.kv' &&
    grep -q 'event=\"forwarder_stop\"' '$tmp/journal-all.kv'"
cut -d'|' -f7- "$tmp/rs.out" | sed 's/^ //' >"$tmp/syslog.kv"
check syslog "$tmp/syslog.kv" "$tmp/state-s" "$tmp/syslog.err"
done_testing
