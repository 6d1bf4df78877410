#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 5: process accounting stops behind the daemon's back, while about
# 1000 processes a second exit: first the accounting filesystem (a tmpfs
# of its own) is remounted read-only, which makes the kernel close the
# accounting file; then an administrator runs `accton off`.  With
# heartbeat_interval = 2 and heartbeat_timeout = 1, accounting_off must
# come within two heartbeat periods of the fault (4 s, from the fault to
# the event in the sink, on the boot clock: /proc/uptime, as other tests
# may set the wall clock meanwhile), and accounting_resumed once
# accounting is on again (remount rw and accton; accton).  The processes
# that exit while accounting is off are never written by the kernel: no
# loss of ours, and what accounting_off announces.  Every record the
# kernel did write arrives.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "5. accounting off: filesystem read-only, accton off"
interval=2
printf 'heartbeat_interval = %d\nheartbeat_timeout = 1\nbatch_ms = 50\npoll_interval_ms = 100\n' \
    "$interval" >"$tmp/a2s.conf"
cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf
EOS
cat >>"$tmp/workload.sh" <<'EOS'
count() {
	grep -c "event=\"$1\"" "$tmp/out.kv" || :
}
count_is() {
	[ "$(count "$1")" -ge "$2" ]
}
# The boot clock, in ms (10 ms steps).
now_ms() {
	awk '{ split($1, t, "."); print t[1] * 1000 + t[2] * 10 }' /proc/uptime
}
size() {
	wc -c <"$tmp/acct/pacct"
}
# off NAME: the fault was just made at $t0: whether the kernel really
# stopped writing; how long until accounting_off number $n is in the sink
# (ms, checked every 50 ms).
off() {
	s1=$(size)
	sleep 0.5
	[ "$(size)" = "$s1" ] && echo yes >"$tmp/$1.stopped"
	wait_for 10 count_is accounting_off "$n" &&
		echo $(($(now_ms) - t0)) >"$tmp/$1.ms"
}
# on NAME: accounting is on again: wait for accounting_resumed number $n.
on() {
	wait_for 10 count_is accounting_resumed "$n" && echo yes >"$tmp/$1.resumed"
}

mount -t tmpfs -o size=8m tmpfs "$tmp/acct" ||
	echo "cannot mount a tmpfs for the accounting file" >>"$tmp/fail"
: >"$tmp/acct/pacct"
accounting_on
daemon_start
load_start
wait_for 10 count_is heartbeat 1 || echo "no heartbeat at first" >>"$tmp/fail"

# Read-only: the kernel closes the accounting file.
n=1
mount -o remount,ro "$tmp/acct" ||
	echo "cannot remount the accounting filesystem read-only" >>"$tmp/fail"
t0=$(now_ms)
off ro
mount -o remount,rw "$tmp/acct"
accounting_on
on ro

# accton off.
n=2
accton off >/dev/null
t0=$(now_ms)
off accton
accounting_on
on accton

load_stop
finish
# The filesystem goes with the namespace: the judge reads a copy.
cp "$tmp/acct/pacct" "$tmp/pacct.copy"
EOS
faults_run
ok "the workload went as planned" test ! -e "$tmp/fail"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/fail")"
for f in ro accton; do
	case $f in
	ro) what="read-only" ;;
	accton) what="accton off" ;;
	esac
	ok "$what: the kernel stopped writing" test -e "$tmp/$f.stopped"
	ms=$(cat "$tmp/$f.ms" 2>/dev/null || :)
	ok "$what: accounting_off ${ms:-never} ms after the fault (at most 2 * $((interval * 1000)))" \
	    sh -c "[ -n '$ms' ] && [ '$ms' -le $((2 * interval * 1000)) ]"
	ok "$what: accounting_resumed once accounting is on again" \
	    test -e "$tmp/$f.resumed"
done
is "$(grep -c 'event="accounting_off"' "$tmp/out.kv")" 2 \
    "accounting_off once per fault"
ok "accounting_off says no heartbeat came back within 1 s" \
    sh -c "grep 'event=\"accounting_off\"' '$tmp/out.kv' | grep -q 'no heartbeat record came back within 1 s'"
ok "accounting_off, accounting_resumed, twice, in this order" \
    matches "$(events "$tmp/out.kv" | grep -E '^accounting_(off|resumed)$' | tr '\n' ' ')" \
    'accounting_off accounting_resumed accounting_off accounting_resumed '
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
faults_judge "$tmp/pacct.copy"
done_testing
