#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# acct2syslog's live latency: from a process's exit to its message in the
# sink, at a steady RATE exits per second for SECONDS seconds (target: p99
# under 50 ms at 1,000 exits/s).  Run it as root from the top of a build
# tree:
#
#	cd build && sh ../bench/latency.sh
#
# It runs again in a pid namespace of its own (unshare --pid --fork
# --mount-proc) and turns accounting on there (accton) into a file in
# BENCH_DIR: only the processes of that namespace are recorded, and it
# goes off when the namespace ends.  acct2syslog follows the file with its
# defaults (--config /dev/null: batch_ms 200, heartbeat every 60 s, the
# file sink fdatasyncs each batch), --foreground, --sink file:OUT in kv.
# Then:
#
#   line-watch  follows OUT with inotify and stamps each line with
#               CLOCK_REALTIME as soon as it can be read;
#   exit-storm  forks RATE x SECONDS children on a fixed schedule; each
#               reads CLOCK_REALTIME and _exit()s at once (the kernel
#               writes the record in do_exit(), before the parent reaps).
#
# Latency of a child = when the line with its process_id= appeared in OUT
# - when it exited; percentiles by nearest rank over every child.  "In
# the sink" is "readable in the file": the line is there after the sink's
# write(2), before the fdatasync that ends its batch.
#
# Environment: BUILD_DIR (default .), BENCH_DIR (default
# $BUILD_DIR/bench/out; on disk, as /var/log/account is), RATE (1000),
# SECONDS_ (10; SECONDS is taken by some shells).
set -eu
BENCH_NAME=latency.sh
. "$(dirname "$0")/bench-lib.sh"

RATE=${RATE:-1000}
DURATION=${SECONDS_:-10}
COUNT=$((RATE * DURATION))
STORM=$BUILD_DIR/bench/exit-storm
WATCH=$BUILD_DIR/bench/line-watch

if [ "${BENCH_PRIVATE_NS:-}" != 1 ]; then
	need_root "process accounting (acct(2)) in a pid namespace of its own"
	need_cmd unshare "apt-get install util-linux"
	need_cmd accton "apt-get install acct"
	need_exe "$STORM"
	need_exe "$WATCH"
	# The pids of the namespace must not wrap during the run.
	[ "$COUNT" -le 30000 ] ||
	    die "RATE x SECONDS_ = $COUNT children: at most 30000"
	if ! err=$(unshare --pid --fork --mount-proc true 2>&1); then
		skip "no private pid namespace here: $err"
	fi
	BENCH_PRIVATE_NS=1
	export BENCH_PRIVATE_NS
	exec unshare --pid --fork --mount-proc /bin/sh "$0" "$@"
fi

copy_daemon
machine_note
W=$BENCH_DIR/latency
rm -rf "$W"
# The accounting file in a folder of its own, as /var/log/account: the
# daemon watches that folder, and its own writes must not wake it.
mkdir -p "$W/state" "$W/account"
: >"$W/account/pacct"
accton "$W/account/pacct" >/dev/null ||
    skip "accton $W/account/pacct failed"

DAEMON_PID=
WATCH_PID=
cleanup() {
	for pid in $WATCH_PID $DAEMON_PID; do
		kill -TERM "$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
	done
	accton off >/dev/null 2>&1 || :
}
trap cleanup EXIT

"$DAEMON" --config /dev/null --file "$W/account/pacct" --state-dir "$W/state" \
    --sink "file:$W/out.kv" --format kv --foreground 2>"$W/daemon.err" &
DAEMON_PID=$!
"$WATCH" "$W/out.kv" "$W/appeared" 2>"$W/watch.err" &
WATCH_PID=$!

# Ready: forwarder_start and the first heartbeat's record are out.
tries=100
until grep -q '^event="heartbeat"' "$W/out.kv" 2>/dev/null; do
	kill -0 "$DAEMON_PID" 2>/dev/null ||
	    die "acct2syslog stopped: see $W/daemon.err"
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] || die "acct2syslog is not ready after 10 s"
	sleep 0.1
done
sleep 1

echo "== $COUNT exits at $RATE/s"
"$STORM" --rate "$RATE" --count "$COUNT" -o "$W/exited" 2>"$W/storm.err"
cat "$W/storm.err"

# Until every child's line is out (10 s at most), then a last read.
tries=100
while :; do
	got=$(awk 'NR == FNR { want[$1]; next }
	    match($0, / process_id=[0-9]+ /) {
		if (substr($0, RSTART + 12, RLENGTH - 13) in want) n++
	    }
	    END { print n + 0 }' "$W/exited" "$W/out.kv")
	[ "$got" -ge "$COUNT" ] && break
	tries=$((tries - 1))
	[ "$tries" -gt 0 ] || break
	sleep 0.1
done
sleep 0.2
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" || die "line-watch failed: see $W/watch.err"
WATCH_PID=
[ "$got" -ge "$COUNT" ] ||
    echo "== only $got of $COUNT children reached the sink within 10 s"

awk 'NR == FNR { exited[$1] = $2; next }
    ($1 in exited) && !($1 in seen) { seen[$1]; print $2 - exited[$1] }' \
    "$W/exited" "$W/appeared" | sort -n >"$W/latency-us"
awk -v count="$COUNT" -v rate="$RATE" -v out="$BENCH_DIR/latency.sh.result" '
{ v[NR] = $1 }
function pct(p,    i) {
	i = int((NR * p + 99) / 100)
	if (i < 1) i = 1
	return v[i] / 1000
}
END {
	if (NR == 0) {
		print "no child was seen in the sink"
		exit 1
	}
	print ""
	print "| exits/s | children seen | p50 | p95 | p99 | max |"
	print "|---|---|---|---|---|---|"
	printf "| %d | %d of %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n", \
	    rate, NR, count, pct(50), pct(95), pct(99), pct(100)
	ok = NR == count && pct(99) < 50
	printf "\np99 %.1f ms at %d exits/s (target < 50 ms): %s\n", \
	    pct(99), rate, (ok ? "holds" : "MISSED")
	printf "rate=\"%d\"\nseen=\"%d\"\ncount=\"%d\"\np50_ms=\"%.2f\"\n" \
	    "p95_ms=\"%.2f\"\np99_ms=\"%.2f\"\nmax_ms=\"%.2f\"\n", rate, NR, \
	    count, pct(50), pct(95), pct(99), pct(100) > out
}' "$W/latency-us" | tee "$BENCH_DIR/latency-summary.md"
echo "latencies (us, sorted): $W/latency-us"
