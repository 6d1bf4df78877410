#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 3: the state directory cannot be written, while about 1000
# processes a second exit: first its filesystem is full (a 64 KiB tmpfs,
# filled up), then it is read-only (mount -o remount,ro).  Each time the
# daemon says so (one line on stderr naming the state directory and the
# error) and keeps running and retrying; the committed position (the
# state file) does not move while the directory cannot be written.  Once
# space is freed, or the filesystem is writable again, it commits and
# catches up: every record arrives, duplicates only if identical.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "3. state directory full, then read-only"
printf 'batch_ms = 50\npoll_interval_ms = 100\nretry_max_ms = 500\nheartbeat_interval = 0\n' \
    >"$tmp/a2s.conf"
cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf
EOS
cat >>"$tmp/workload.sh" <<'EOS'
# The committed offset, as the state file says.
offset() {
	sed -n 's/^offset=//p' "$tmp/state/state" 2>/dev/null
}
offset_past() {
	[ "$(offset)" -gt "$1" ] 2>/dev/null
}
errors() {
	grep -c "cannot save the position in $tmp/state" "$tmp/daemon.err" || :
}
errors_past() {
	[ "$(errors)" -gt "$1" ]
}
# fault NAME: the state directory cannot be written now: wait for the
# daemon to say so, then watch the committed offset for 2 s; NAME.* files
# say what was seen.
fault() {
	wait_for 10 errors_past "$e0" && echo yes >"$tmp/$1.said"
	o1=$(offset)
	sleep 2
	o2=$(offset)
	echo "$o1 $o2" >"$tmp/$1.offsets"
	kill -0 "$dpid" 2>/dev/null && echo yes >"$tmp/$1.alive"
}

mount -t tmpfs -o size=64k,mode=0700 tmpfs "$tmp/state" ||
	echo "cannot mount a tmpfs on the state directory" >>"$tmp/fail"
accounting_on
daemon_start
load_start
wait_for 10 offset_past 0 || echo "no first commit" >>"$tmp/fail"

# Full.
e0=$(errors)
dd if=/dev/zero of="$tmp/state/filler" bs=4k 2>/dev/null || :
fault full
rm -f "$tmp/state/filler"
wait_for 10 offset_past "$o2" && echo yes >"$tmp/full.cleared"

# Read-only, as an administrator does it (a commit in progress may hold
# the temporary state file open for a moment: try for 2 s).
e0=$(errors)
if wait_for 2 mount -o remount,ro "$tmp/state" 2>"$tmp/remount.err"; then
	echo yes >"$tmp/ro.mounted"
	fault ro
	mount -o remount,rw "$tmp/state"
	wait_for 10 offset_past "$o2" && echo yes >"$tmp/ro.cleared"
fi

load_stop
finish
EOS
faults_run
ok "the workload went as planned" test ! -e "$tmp/fail"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/fail")"
ok "the state directory can be remounted read-only while the daemon runs" \
    test -e "$tmp/ro.mounted"
[ "$tap_passed" = 1 ] || diag "$(tail -n 2 "$tmp/remount.err")"
for f in full ro; do
	case $f in
	full) what="full" errno="No space left on device" ;;
	ro) what="read-only" errno="Read-only file system" ;;
	esac
	if [ ! -e "$tmp/$f.mounted" ] && [ "$f" = ro ]; then
		skip "$what: the daemon's behaviour" "it could not be remounted"
		continue
	fi
	ok "$what: the daemon says it cannot save the position, naming the state directory" \
	    test -e "$tmp/$f.said"
	ok "$what: ... and why ($errno)" \
	    grep -q "cannot save the position in $tmp/state.*$errno" \
	    "$tmp/daemon.err"
	ok "$what: the daemon keeps running" test -e "$tmp/$f.alive"
	o1='' o2=''
	read -r o1 o2 <"$tmp/$f.offsets" || :
	ok "$what: the committed offset does not move ($o1, 2 s later $o2)" \
	    sh -c "[ -n '$o1' ] && [ '$o1' = '$o2' ]"
	ok "$what: once cleared, the daemon commits again" \
	    test -e "$tmp/$f.cleared"
done
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
faults_judge "$tmp/acct/pacct"
done_testing
