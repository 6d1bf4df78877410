#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 10a: journald goes away under the journal sink.  A private
# journald (lib-services.sh, in a mount namespace of the test's own)
# takes the daemon's messages while about 1000 processes a second exit;
# it is stopped for 3 s, while processes go on exiting, and started
# again.  Every record is in the journal (MESSAGE is the kv line),
# messages sent twice are the same, and the daemon says once that the
# journal fails and once that it works again.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"
in_private_mount_ns "$0" "$@"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "10a. journald stopped and started again"
[ -x /lib/systemd/systemd-journald ] || skip_all "no systemd-journald"
require_cmd journalctl
printf 'retry_max_ms = 400\nbatch_ms = 50\nheartbeat_interval = 0\n' \
    >"$tmp/a2s.conf"
# said_once FILE ERE: exactly one line of FILE matches ERE.
said_once() {
	[ "$(grep -Ec -- "$2" "$1")" -eq 1 ]
}

cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
top_srcdir=$top_srcdir
config=$tmp/a2s.conf
EOS
cat >>"$tmp/workload.sh" <<'EOS'
# journald in this pid namespace (it reads its clients' /proc).
ACCT_TEST_PRIVATE_NS=1
. "$top_srcdir/tests/integration/lib-services.sh"
in_journal() {
	journalctl -D "$JOURNAL_DIR" -o cat _PID="$dpid" "$@" 2>/dev/null |
	    grep -q .
}
start_journald || echo "journald did not start" >>"$tmp/fail"
accounting_on
daemon_start --sink journal
wait_for 10 in_journal ACCT_EVENT=forwarder_start || :
load_start
sleep_ms 300 700
stop_journald
sleep 3
start_journald || echo "journald did not start again" >>"$tmp/fail"
sleep 1
load_stop
# finish(), the journal's way.
"$tmp/bin/a2s-last" -c 'exit 0'
wait_for 30 in_journal ACCT_PROCESS_NAME=a2s-last ||
    echo "no marker in the journal" >>"$tmp/fail"
daemon_stop
accton off >/dev/null
journalctl -D "$JOURNAL_DIR" -o cat _PID="$dpid" | grep '^event=' \
    >"$tmp/out.kv"
stop_journald
EOS
faults_run
ok "the workload went as planned" test ! -e "$tmp/fail"
[ -e "$tmp/fail" ] && diag "$(cat "$tmp/fail")"
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
ok "the daemon said once that the journal fails" \
    said_once "$tmp/daemon.err" '^acct2syslog: journal fails \(for'
ok "and once that it works again" \
    said_once "$tmp/daemon.err" 'journal works again after'
faults_judge "$tmp/acct/pacct"
done_testing
