#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# acct2syslog at rest: wake-ups and memory on a quiet accounting file
# (targets: no busy wake-ups, at most one poll per second; RSS under
# 8 MiB).  Run it as root from the top of a build tree:
#
#	cd build && sh ../bench/idle.sh
#
# The daemon runs with its defaults (--config /dev/null: poll_interval_ms
# 1000, heartbeat every 60 s, the first at start) and --sink file:OUT,
# in a pid namespace of its own (unshare --pid --fork --mount-proc) where
# accounting is turned on (accton) into a file in BENCH_DIR: nothing else
# runs there, so the file stays quiet but for the heartbeat.  This script
# watches it from outside, so that its own sleep and awk leave no records.
# After SETTLE seconds:
#
#   1. WINDOW seconds: the context switches of the daemon
#      (voluntary_ctxt_switches + nonvoluntary_ctxt_switches in
#      /proc/PID/status), each a wake-up, and its CPU time;
#   2. WINDOW seconds more under strace -f -c -e trace=poll,ppoll (this
#      one holds the heartbeat at 60 s, with the defaults);
#   3. VmRSS and VmHWM.
#
# Environment: BUILD_DIR (default .), BENCH_DIR (default
# $BUILD_DIR/bench/out), SETTLE (5), WINDOW (30).
set -eu
BENCH_NAME=idle.sh
. "$(dirname "$0")/bench-lib.sh"

SETTLE=${SETTLE:-5}
WINDOW=${WINDOW:-30}

need_root "process accounting (acct(2)) in a pid namespace of its own"
need_cmd unshare "apt-get install util-linux"
need_cmd accton "apt-get install acct"
need_cmd strace "apt-get install strace"
need_cmd timeout "apt-get install coreutils"
if ! err=$(unshare --pid --fork --mount-proc true 2>&1); then
	skip "no private pid namespace here: $err"
fi
copy_daemon
machine_note
W=$BENCH_DIR/idle
rm -rf "$W"
# The accounting file in a folder of its own, as /var/log/account: the
# daemon watches that folder, and its own writes must not wake it.
mkdir -p "$W/state" "$W/account"
: >"$W/account/pacct"

# Inside: sh is the namespace's init and waits; the daemon is its child.
# shellcheck disable=SC2016 # expanded by that sh
unshare --pid --fork --mount-proc /bin/sh -c '
	accton "$1" >/dev/null || exit 1
	"$2" --config /dev/null --file "$1" --state-dir "$3" \
	    --sink "file:$4" --foreground 2>"$5" &
	wait $!' sh "$W/account/pacct" "$DAEMON" "$W/state" "$W/out.kv" \
    "$W/daemon.err" &
UNSHARE_PID=$!

# The daemon's pid out here: the child of the child of unshare.
children() {
	cat "/proc/$1/task/$1/children" 2>/dev/null || :
}
DAEMON_PID=
tries=100
while [ -z "$DAEMON_PID" ]; do
	for init in $(children "$UNSHARE_PID"); do
		DAEMON_PID=$(children "$init")
	done
	DAEMON_PID=${DAEMON_PID%% *}
	if [ -n "$DAEMON_PID" ] &&
	    ! grep -q '^Name:.*acct2syslog' "/proc/$DAEMON_PID/status" \
	    2>/dev/null; then
		DAEMON_PID=	# still the shell forking, or accton
	fi
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] || die "acct2syslog did not start"
	[ -n "$DAEMON_PID" ] || sleep 0.1
done
stop() {
	kill -TERM "$DAEMON_PID" 2>/dev/null || :
	wait "$UNSHARE_PID" 2>/dev/null || :
}
trap stop EXIT

status() {
	awk -v k="$1:" '$1 == k { print $2 }' "/proc/$DAEMON_PID/status"
}
switches() {
	echo $(($(status voluntary_ctxt_switches) + \
	    $(status nonvoluntary_ctxt_switches)))
}
cpu_ticks() {
	sed 's/^.*) //' "/proc/$DAEMON_PID/stat" | awk '{ print $12 + $13 }'
}

sleep "$SETTLE"
kill -0 "$DAEMON_PID" 2>/dev/null || die "acct2syslog stopped: see $W/daemon.err"
echo "== acct2syslog (pid $DAEMON_PID) settled for $SETTLE s;" \
    "$WINDOW s of context switches"
s0=$(switches)
c0=$(cpu_ticks)
sleep "$WINDOW"
s1=$(switches)
c1=$(cpu_ticks)
echo "== $WINDOW s under strace -f -c -e trace=poll,ppoll"
timeout -s INT "$WINDOW" strace -f -c -e trace=poll,ppoll -o "$W/strace" \
    -p "$DAEMON_PID" 2>/dev/null || :
polls=$(awk '$NF == "poll" || $NF == "ppoll" { n += $4 } END { print n + 0 }' \
    "$W/strace")
RSS=$(status VmRSS)
HWM=$(status VmHWM)
heartbeats=$(grep -c '^event="heartbeat"' "$W/out.kv" || :)

awk -v window="$WINDOW" -v sw=$((s1 - s0)) -v cpu=$((c1 - c0)) \
    -v hz="$(getconf CLK_TCK)" -v polls="$polls" -v rss="$RSS" \
    -v hwm="$HWM" -v hb="$heartbeats" \
    -v out="$BENCH_DIR/idle.sh.result" 'BEGIN {
	print ""
	print "| measurement | figure |"
	print "|---|---|"
	printf "| context switches in %d s | %d (%.2f/s) |\n", window, sw, \
	    sw / window
	printf "| CPU time in %d s | %.2f s |\n", window, cpu / hz
	printf "| poll calls in %d s (strace) | %d (%.2f/s) |\n", window, \
	    polls, polls / window
	printf "| heartbeats sent since start | %d |\n", hb
	printf "| VmRSS | %d KiB |\n", rss
	printf "| VmHWM | %d KiB |\n", hwm
	wake = sw / window
	poll_rate = polls / window
	# One poll a second, and the heartbeat: a little over 1/s.
	ok_wake = wake <= 1.1 && poll_rate <= 1.1
	ok_rss = hwm < 8192
	printf "\nwake-ups %.2f/s, polls %.2f/s (target <= 1/s): %s\n", \
	    wake, poll_rate, (ok_wake ? "holds" : "MISSED")
	printf "VmHWM %.1f MiB (target < 8 MiB): %s\n", hwm / 1024, \
	    (ok_rss ? "holds" : "MISSED")
	printf "wakeups_per_s=\"%.3f\"\npolls_per_s=\"%.3f\"\n" \
	    "rss_kib=\"%d\"\nhwm_kib=\"%d\"\ncpu_s=\"%.2f\"\nwindow=\"%d\"\n", \
	    wake, poll_rate, rss, hwm, cpu / hz, window > out
}' | tee "$BENCH_DIR/idle-summary.md"
