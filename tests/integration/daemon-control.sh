#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-control.sh: the control events that watch the kernel and the
# files, and how the daemon is run.  In a private pid and mount namespace:
# accounting off (no heartbeat comes back: accounting_off at error
# priority), then on (accounting_resumed, heartbeat); SIGHUP (a new sink
# from the edited configuration), SIGUSR1 (a status line), the systemd
# notifications (READY=1, STATUS=, STOPPING=1, on a socket of the test's);
# a nearly full filesystem (accounting_paused / accounting_resumed with the
# free space, as the kernel decides).  Then, outside: the file read last
# replaced while the daemon was down (gap), and a run as an unprivileged
# user in group adm.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
daemon_prereqs
require_cmd setpriv
NOTIFY_RECV=$top_builddir/tests/tools/notify-recv
mkdir "$tmp/state" "$tmp/state-small" "$tmp/small" "$tmp/bin"
cp /bin/sh "$tmp/bin/a2s-mark"
: >"$tmp/hb.pacct"
sed -n '/^wait_for()/,/^}/p; /^has_line()/,/^}/p' \
    "$top_srcdir/tests/integration/lib-daemon.sh" >"$tmp/lib.sh"

cat >"$tmp/workload.sh" <<'EOS'
set -u
tmp=$1 daemon=$2 notify_recv=$3
. "$tmp/lib.sh"
fail() {
	echo "$*" >>"$tmp/fail"
}
conf() {
	printf 'heartbeat_interval = 1\nheartbeat_timeout = 1\nbatch_ms = 50\nsink = file:%s\n' \
	    "$1" >"$tmp/a2s.conf"
}

# Accounting off, then on; reload; status; notifications.
"$notify_recv" "$tmp/notify" 20 >"$tmp/notify.out" &
nr=$!
wait_for 5 test -S "$tmp/notify" || fail "notify-recv did not start"
conf "$tmp/a.kv"
NOTIFY_SOCKET=$tmp/notify "$daemon" --config "$tmp/a2s.conf" \
    --file "$tmp/hb.pacct" --state-dir "$tmp/state" 2>"$tmp/daemon.err" &
dpid=$!
wait_for 10 has_line "$tmp/a.kv" 'event="accounting_off"' ||
    fail "no accounting_off while accounting is off"
accton "$tmp/hb.pacct" >/dev/null
wait_for 10 has_line "$tmp/a.kv" 'event="accounting_resumed"' ||
    fail "no accounting_resumed once accounting is on"
wait_for 10 has_line "$tmp/a.kv" 'event="heartbeat"' || fail "no heartbeat"
conf "$tmp/b.kv"
kill -HUP "$dpid"
wait_for 10 has_line "$tmp/daemon.err" 'configuration reloaded' ||
    fail "no reload"
cp "$tmp/bin/a2s-mark" "$tmp/bin/a2s-after-hup"
"$tmp/bin/a2s-after-hup" -c :
wait_for 10 has_line "$tmp/b.kv" 'process_name="a2s-after-hup"' ||
    fail "the record after SIGHUP is not in the new sink"
kill -USR1 "$dpid"
wait_for 10 has_line "$tmp/daemon.err" 'status: file ' || fail "no status line"
kill -TERM "$dpid"
wait "$dpid" || fail "daemon exit $?"
wait "$nr"
accton off >/dev/null

# A filesystem nearly full: the kernel's rule (f_bavail against the
# percentages of /proc/sys/kernel/acct) pauses and resumes accounting.
mount -t tmpfs -o size=1m tmpfs "$tmp/small" || fail "cannot mount a tmpfs"
: >"$tmp/small/pacct"
printf 'heartbeat_interval = 0\nbatch_ms = 50\npoll_interval_ms = 100\n' \
    >"$tmp/small.conf"
"$daemon" --foreground --config "$tmp/small.conf" --file "$tmp/small/pacct" \
    --state-dir "$tmp/state-small" --sink "file:$tmp/small.kv" \
    2>"$tmp/small.err" &
dpid=$!
wait_for 10 has_line "$tmp/small.kv" forwarder_start || fail "no start (small)"
dd if=/dev/zero of="$tmp/small/filler" bs=4k count=252 2>/dev/null || :
wait_for 10 has_line "$tmp/small.kv" 'event="accounting_paused"' ||
    fail "no accounting_paused on a full filesystem"
df -k "$tmp/small" | tail -n 1 >"$tmp/small.df"
rm "$tmp/small/filler"
wait_for 10 has_line "$tmp/small.kv" 'event="accounting_resumed"' ||
    fail "no accounting_resumed once space is back"
kill -TERM "$dpid"
wait "$dpid" || fail "daemon (small) exit $?"
umount "$tmp/small"
EOS
unshare --mount --propagation private --pid --fork --mount-proc \
    sh "$tmp/workload.sh" "$tmp" "$ACCT2SYSLOG" "$NOTIFY_RECV" \
    >"$tmp/workload.out" 2>&1 || :

ok "the workload went as planned" test ! -e "$tmp/fail"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/fail" "$tmp/workload.out")"
line() {
	grep "event=\"$2\"" "$tmp/$1" | head -n 1
}
ok "accounting_off says no heartbeat came back" \
    matches "$(line a.kv accounting_off | kv message)" 'no heartbeat record came back within 1 s.*'
ok "accounting_off comes before accounting_resumed, then a heartbeat" \
    matches "$(events "$tmp/a.kv" | grep -E '^(accounting|heartbeat)' | head -n 3 |
    tr '\n' ' ')" 'accounting_off accounting_resumed heartbeat '
ok "the heartbeat child's record is forwarded" \
    grep -q 'process_name="acct2syslog-hb"' "$tmp/a.kv"
ok "after SIGHUP nothing more went to the old sink" \
    sh -c "! grep -q 'a2s-after-hup' '$tmp/a.kv'"
ok "the stream goes on across the reload: seq contiguous over both sinks" \
    sh -c "cat '$tmp/a.kv' '$tmp/b.kv' >'$tmp/ab.kv' && . '$top_srcdir/tests/integration/lib-daemon.sh' && seq_is_contiguous '$tmp/ab.kv'"
ok "SIGUSR1: one status line with file, offset, seq" \
    grep -q "status: file $tmp/hb.pacct offset [0-9]* lag [0-9]* bytes; stream [0-9a-f]* seq [0-9]*" "$tmp/daemon.err"
ok "systemd is told READY=1" grep -qx 'READY=1' "$tmp/notify.out"
ok "systemd is told the STATUS" grep -q '^STATUS=file .* seq ' "$tmp/notify.out"
ok "systemd is told RELOADING=1 on SIGHUP" grep -qx 'RELOADING=1' "$tmp/notify.out"
ok "systemd is told STOPPING=1, last" \
    matches "$(tail -n 1 "$tmp/notify.out")" 'STOPPING=1'
ok "not in the foreground, log lines carry journald's priority prefix only under systemd" \
    grep -q '^acct2syslog: ' "$tmp/daemon.err"
p=$(line small.kv accounting_paused | kv free_percent)
ok "accounting_paused gives the free space, below the kernel's suspend threshold ($p %)" \
    [ -n "$p" ] && [ "$p" -le 2 ]
ok "accounting_paused takes its seq in the stream like any message" \
    seq_is_contiguous "$tmp/small.kv"
p=$(line small.kv accounting_resumed | kv free_percent)
ok "accounting_resumed gives the free space, at or above the resume threshold ($p %)" \
    [ -n "$p" ] && [ "$p" -ge 4 ]

# The file read last, replaced while the daemon was down: a gap.
"$top_builddir/bench/acct-gen" --records 7 --seed 1 -o "$tmp/gap.pacct"
mkdir "$tmp/state-gap"
run_once() {
	"$ACCT2SYSLOG" --once --config /dev/null --file "$tmp/gap.pacct" \
	    --state-dir "$tmp/state-gap" --sink "file:$tmp/gap.kv" 2>>"$tmp/gap.err"
}
run_once
rm "$tmp/gap.pacct"
"$top_builddir/bench/acct-gen" --records 4 --seed 2 -o "$tmp/gap.pacct"
run_once
ok "a file read last that is gone is a gap, at error priority, with its offset" \
    matches "$(line gap.kv gap | kv offset)" 448
ok "the new file is read from its start" \
    matches "$(grep -c '^event="process_end"' "$tmp/gap.kv")" 11
ok "seq contiguous across the gap" seq_is_contiguous "$tmp/gap.kv"

# Unprivileged: a user in group adm reads a 0640 root:adm file.
if getent group adm >/dev/null; then
	mkdir -m 755 "$tmp/unpriv"
	"$top_builddir/bench/acct-gen" --records 5 -o "$tmp/unpriv/pacct"
	chown root:adm "$tmp/unpriv/pacct"
	chmod 640 "$tmp/unpriv/pacct"
	mkdir "$tmp/unpriv/state"
	chown 65534:65534 "$tmp/unpriv/state"
	chmod 755 "$tmp"
	setpriv --reuid 65534 --regid 65534 --groups adm "$ACCT2SYSLOG" \
	    --once --config /dev/null --file "$tmp/unpriv/pacct" \
	    --state-dir "$tmp/unpriv/state" --sink stdout \
	    >"$tmp/unpriv.kv" 2>"$tmp/unpriv.err" && rc=0 || rc=$?
	is "$rc" 0 "as nobody in group adm: runs"
	is "$(grep -c '^event="process_end"' "$tmp/unpriv.kv")" 5 \
	    "as nobody in group adm: reads every record"
else
	skip "a run as a user in group adm" "no group adm here"
fi
done_testing
