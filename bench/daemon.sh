#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The acct2syslog benchmarks, one after the other, and one table of the
# figures against the targets:
#
#	throughput.sh  backlog of 2,000,000 records to the file sink, JSON
#	               (>= 1,000,000 records/s); kv and stdout for information
#	journal.sh     journal sink against journald's ceiling (>= 90 %)
#	latency.sh     process exit to the file sink at 1,000 exits/s
#	               (p99 < 50 ms)
#	idle.sh        at rest: wake-ups (<= 1 poll/s) and RSS (< 8 MiB)
#
# Run it as root from the top of a build tree (about five minutes):
#
#	cd build && sh ../bench/daemon.sh [throughput] [journal] [latency] [idle]
#
# With no names it runs all four.  Each script can be run alone and says
# what it does at its top; one whose prerequisite is missing (root,
# unshare, hyperfine, accton, strace, libsystemd) is skipped with the
# reason, and the others still run.  The environment is passed on
# (BUILD_DIR, BENCH_DIR, RUNS, ...); the figures of each script are in
# $BENCH_DIR/NAME.sh.result.
set -u
BENCH_NAME=daemon.sh
. "$(dirname "$0")/bench-lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

NAMES=${*:-throughput journal latency idle}
for name in $NAMES; do
	case $name in
	throughput | journal | latency | idle) ;;
	*) die "unknown benchmark '$name': throughput, journal, latency or idle" ;;
	esac
done

machine_note
STATUS=
for name in $NAMES; do
	echo ""
	echo "=== $name.sh"
	rm -f "$BENCH_DIR/$name.sh.result"
	sh "$HERE/$name.sh"
	rc=$?
	STATUS="$STATUS $name=$rc"
done

# The figures of one script, in a subshell: VAR=value lines.
figure() {
	(
		# shellcheck disable=SC2034 # read by the eval below
		skipped=
		f=$BENCH_DIR/$1.sh.result
		# shellcheck disable=SC1090 # written by the scripts
		[ -f "$f" ] && . "$f"
		eval "echo \"\${$2:-}\""
	)
}

verdict() {
	awk -v ok="$1" 'BEGIN { print (ok ? "yes" : "NO") }'
}

echo ""
echo "=== summary ($(date -u '+%Y-%m-%d %H:%M UTC'), load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg))"
echo ""
echo "| measurement | figure | target | holds |"
echo "|---|---|---|---|"
for entry in $STATUS; do
	name=${entry%=*}
	rc=${entry#*=}
	why=$(figure "$name" skipped)
	if [ "$rc" -eq 77 ]; then
		echo "| $name.sh | skipped: $why | | |"
		continue
	fi
	if [ "$rc" -ne 0 ]; then
		echo "| $name.sh | failed (exit $rc) | | NO |"
		continue
	fi
	case $name in
	throughput)
		json=$(figure throughput json_rate)
		echo "| backlog, file, JSON | $(group "$json") records/s" \
		    "| >= 1,000,000 records/s |" \
		    "$(verdict "$([ "$json" -ge 1000000 ] && echo 1)") |"
		echo "| backlog, file, kv | $(group \
		    "$(figure throughput kv_rate)") records/s | | |"
		echo "| backlog, stdout (/dev/null), JSON | $(group \
		    "$(figure throughput json_stdout_rate)") records/s | | |"
		echo "| backlog, stdout (/dev/null), kv | $(group \
		    "$(figure throughput kv_stdout_rate)") records/s | | |"
		base=$(figure throughput baseline_json_rate)
		if [ -n "$base" ]; then
			echo "| backlog, file, JSON, BASELINE | $(group \
			    "$base") records/s | | |"
			echo "| backlog, file, kv, BASELINE | $(group \
			    "$(figure throughput baseline_kv_rate)") records/s" \
			    "| | |"
		fi
		;;
	journal)
		awk -v r="$(figure journal ratio)" \
		    -v rs="$(figure journal ratio_sent)" \
		    -v rt="$(figure journal ratio_tight)" \
		    -v best="$(figure journal ceiling)" \
		    -v d="$(group "$(figure journal daemon_rate)")" \
		    -v c="$(group "$(figure journal ceiling_rate)")" 'BEGIN {
			printf "| journal sink / journald ceiling, stored |" \
			    " %.1f %% (%s / %s records/s, %s) | >= 90 %% |" \
			    " %s |\n", 100 * r, d, c, best,
			    (r >= 0.9 ? "yes" : "NO")
			printf "| journal sink / journald ceiling, sent |" \
			    " %.1f %% | | |\n", 100 * rs
			printf "| journal sink / tight-loop ceiling, stored |" \
			    " %.1f %% | | |\n", 100 * rt
		}'
		;;
	latency)
		awk -v p50="$(figure latency p50_ms)" \
		    -v p95="$(figure latency p95_ms)" \
		    -v p99="$(figure latency p99_ms)" \
		    -v max="$(figure latency max_ms)" \
		    -v rate="$(figure latency rate)" \
		    -v seen="$(figure latency seen)" \
		    -v count="$(figure latency count)" 'BEGIN {
			printf "| exit to file sink, %d exits/s, p99 |" \
			    " %.1f ms (p50 %.1f, p95 %.1f, max %.1f; %d of" \
			    " %d seen) | < 50 ms | %s |\n", rate, p99, p50,
			    p95, max, seen, count,
			    (p99 < 50 && seen == count ? "yes" : "NO")
		}'
		;;
	idle)
		awk -v w="$(figure idle wakeups_per_s)" \
		    -v p="$(figure idle polls_per_s)" \
		    -v rss="$(figure idle rss_kib)" \
		    -v hwm="$(figure idle hwm_kib)" 'BEGIN {
			printf "| idle wake-ups | %.2f/s switches, %.2f/s" \
			    " polls | <= 1/s | %s |\n", w, p,
			    (w <= 1.1 && p <= 1.1 ? "yes" : "NO")
			printf "| idle memory | VmRSS %.1f MiB, VmHWM %.1f" \
			    " MiB | < 8 MiB | %s |\n", rss / 1024,
			    hwm / 1024, (hwm < 8192 ? "yes" : "NO")
		}'
		;;
	esac
done
