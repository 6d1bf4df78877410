#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 10b: the syslog socket goes wrong under the syslog sink, while
# about 1000 processes a second exit.  A private rsyslogd (lib-services.sh)
# reads the socket $tmp/log; then, in turn:
#
#   missing:  rsyslogd stops (SIGTERM: its socket goes), 2 s;
#   refusing: a socket nobody listens on is left at the path (connect:
#             ECONNREFUSED), 2 s, then a regular file, 2 s;
#   back:     rsyslogd starts again;
#   blocked:  rsyslogd is stopped (SIGSTOP) for 7 s: the socket's queue
#             fills, sends block, and fail (EAGAIN) after the sink's 5 s
#             send timeout; then SIGCONT.
#
# Every record is in rsyslog's file (the kv line after the header),
# messages sent twice are the same, and the daemon says once per outage
# that the sink fails and once that it works again.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"
in_private_mount_ns "$0" "$@"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "10b. syslog socket missing, refusing, blocked"
require_cmd rsyslogd perl
printf 'retry_max_ms = 400\nbatch_ms = 50\nheartbeat_interval = 0\nsink = syslog\nsyslog_socket = %s\n' \
    "$tmp/log" >"$tmp/a2s.conf"
# said FILE ERE: how many lines of FILE match ERE.
said() {
	grep -Ec -- "$2" "$1" || :
}

cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
top_srcdir=$top_srcdir
EOS
cat >>"$tmp/workload.sh" <<'EOS'
ACCT_TEST_PRIVATE_NS=1
. "$top_srcdir/tests/integration/lib-services.sh"
in_rsyslog() {
	grep -q "$1" "$tmp/rs.out" 2>/dev/null
}
# stale_socket PATH: a unix datagram socket bound to PATH, whose owner is
# gone: connect(2) to it is refused.
stale_socket() {
	perl -MSocket -e 'socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die "$!";
	    bind($s, pack_sockaddr_un($ARGV[0])) or die "$!"' "$1"
}
# phase NAME: a line in the daemon's log, to see which outage it speaks of.
phase() {
	echo "=== $1" >>"$tmp/daemon.err"
}

start_rsyslog "$tmp/rs" "$tmp/log" "$tmp/rs.out" ||
    echo "rsyslogd did not start" >>"$tmp/fail"
accounting_on
# The sink of $tmp/a2s.conf (a --sink syslog would send it back to
# /dev/log).
sink= config=$tmp/a2s.conf daemon_start
wait_for 10 in_rsyslog 'event="forwarder_start"' || :
load_start
sleep_ms 300 700

phase missing
stop_rsyslog
sleep 2
phase refusing
stale_socket "$tmp/log" || echo "no stale socket" >>"$tmp/fail"
sleep 2
rm -f "$tmp/log"
: >"$tmp/log"
sleep 2
phase back
start_rsyslog "$tmp/rs" "$tmp/log" "$tmp/rs.out" ||
    echo "rsyslogd did not start again" >>"$tmp/fail"
sleep 1

phase blocked
kill -STOP "$RSYSLOG_PID"
sleep 7
kill -CONT "$RSYSLOG_PID"
sleep 1
phase end
load_stop

# finish(), rsyslog's way.
"$tmp/bin/a2s-last" -c 'exit 0'
wait_for 30 in_rsyslog 'process_name="a2s-last"' ||
    echo "no marker in rsyslog's file" >>"$tmp/fail"
daemon_stop
accton off >/dev/null
stop_rsyslog
EOS
faults_run
ok "the workload went as planned" test ! -e "$tmp/fail"
[ -e "$tmp/fail" ] && diag "$(cat "$tmp/fail")"
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
# The daemon's words per phase.  Only their order is judged, never which
# phase a line fell in or which errno a wait ended with: under load the
# daemon may notice an outage a phase late, and a blocked socket fails
# either a send (EAGAIN) or the wait for rsyslogd to read (ETIMEDOUT).
# What causality fixes: it cannot recover before rsyslogd is back, nor
# block before rsyslogd is stopped.
awk '/^=== / { p = $2; next } { print p ": " $0 }' "$tmp/daemon.err" \
    >"$tmp/said"
fails='fails \(for'
again='works again after'
grep -E -- "$fails|$again" "$tmp/said" |
    sed -E "s/^([a-z]+): .*($fails).*/\1 fails/; s/^([a-z]+): .*$again.*/\1 again/" \
    >"$tmp/story"
is "$(sed 's/^[a-z]* //' "$tmp/story" | tr '\n' ' ')" \
    "fails again fails again " \
    "the daemon said once per outage that the socket fails, and then that it works again"
is "$(said "$tmp/said" "^(missing|refusing): .*$fails.*(Connection refused|No such file)")" 1 \
    "the first outage was seen while rsyslogd was gone (refused or missing)"
is "$(sed -n 2p "$tmp/story" | grep -Ec '^(back|blocked|end) ')" 1 \
    "it works again only once rsyslogd was back"
is "$(sed -n 3p "$tmp/story" | grep -Ec '^(blocked|end) ')" 1 \
    "the second outage was seen only once rsyslogd was stopped"
is "$(said "$tmp/said" "^(blocked|end): .*$fails.*(temporarily unavailable|timed out)")" 1 \
    "and it says the socket was blocked (a send or the wait timed out)"
[ "$tap_failed" -eq 0 ] || diag "$(cat "$tmp/said")"
# rsyslog's lines: FAC.SEV|HOST|PROG|PROCID|MSGID|SD|MSG, MSG the kv line.
sed -n 's/^\([^|]*|\)\{6\} *\(event=\)/\2/p' "$tmp/rs.out" >"$tmp/out.kv"
faults_judge "$tmp/acct/pacct"
done_testing
