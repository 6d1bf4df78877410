#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# acct2syslog catching up on a backlog: a 2,000,000-record v3 file sent
# with --once to the file sink in JSON (target: >= 1,000,000 records/s),
# and for information in kv, and to stdout (/dev/null) in both.  Run it
# from the top of a build tree:
#
#	cd build && sh ../bench/throughput.sh
#
# The output file is in BENCH_DIR, which must be on a disk (not tmpfs): the
# file sink fdatasyncs each batch, and the state directory there too is
# fsynced at each commit.  Each run starts from a fresh state directory and
# no output file (hyperfine --prepare), so it sends the whole file.
#
# Environment: BUILD_DIR (default .), BENCH_DIR (default
# $BUILD_DIR/bench/out), RUNS (hyperfine runs, 5), RECORDS (2000000), SEED
# (1), USERS (20), VARIANTS (1: also time JSON with file_fsync = never,
# batch_records = 65536 and both, to show what the syncs cost; 0: not),
# BASELINE (another acct2syslog, an older build say: its file runs are
# timed in the same hyperfine run, side by side), PROFILE (1: perf record
# one JSON run and print where the CPU time goes, then strace -w -c one
# more for the time spent waiting in system calls).
#
# The variants end with a floor: dd copying the JSON output of the first
# step to the output file in 64 KiB writes with one fdatasync at the end,
# what writing those bytes costs here without any formatting.
# shellcheck disable=SC2086 # $RUN and $spec are split on purpose
set -eu
BENCH_NAME=throughput.sh
. "$(dirname "$0")/bench-lib.sh"

RUNS=${RUNS:-5}
RECORDS=${RECORDS:-2000000}
VARIANTS=${VARIANTS:-1}
PROFILE=${PROFILE:-0}
BASELINE=${BASELINE:-}

need_cmd hyperfine "apt-get install hyperfine"
if [ "$(stat -f -c %T "$BENCH_DIR")" = tmpfs ]; then
	skip "$BENCH_DIR is on tmpfs: set BENCH_DIR to a directory on disk" \
	    "(the file sink's fdatasync is part of what is measured)"
fi
copy_daemon
if [ -n "$BASELINE" ]; then
	[ -x "$BASELINE" ] || die "BASELINE=$BASELINE is not a program"
	cp "$BASELINE" "$BENCH_DIR/acct2syslog-baseline"
fi
machine_note
make_pacct "$RECORDS"

rm -f "$BENCH_DIR"/tp-formats.* "$BENCH_DIR"/tp-variants.* \
    "$BENCH_DIR/tp-profile.txt"
ST=$BENCH_DIR/tp-state
OUT=$BENCH_DIR/tp-out
PREPARE="sh -c 'rm -rf $ST $OUT && mkdir $ST'"
RUN="$DAEMON --file $PACCT --state-dir $ST --once"

# The configuration: defaults (--config /dev/null), or one key changed.
printf 'file_fsync = never\n' >"$BENCH_DIR/tp-nosync.conf"
printf 'batch_records = 65536\n' >"$BENCH_DIR/tp-big.conf"
printf 'file_fsync = never\nbatch_records = 65536\n' \
    >"$BENCH_DIR/tp-big-nosync.conf"

# 1. Everything arrives, in both formats: the records, and
# forwarder_start and _stop.
for format in json kv; do
	rm -rf "$ST" "$OUT"
	mkdir "$ST"
	$RUN --config /dev/null --sink "file:$OUT" --format "$format" 2>/dev/null
	lines=$(wc -l <"$OUT")
	[ "$lines" -eq $((RECORDS + 2)) ] ||
	    die "$format: $OUT has $lines lines, $((RECORDS + 2)) expected"
	tail -n 1 "$OUT" | grep -Eq 'forwarder_stop' ||
	    die "$format: $OUT does not end with forwarder_stop"
	bytes=$(wc -c <"$OUT")
	echo "== $format to a file: $lines lines, $(group "$bytes") bytes" \
	    "($((bytes / lines)) a line)"
	result "${format}_bytes" "$bytes"
	# The JSON output stays for the floor below.
	if [ "$format" = json ]; then
		mv "$OUT" "$BENCH_DIR/tp-ref.json"
	fi
done
rm -rf "$ST" "$OUT"

# 2. Timings, in one hyperfine run so that the figures come from the same
# machine at the same time.  stdout goes to /dev/null (--output=null).
bench() {
	name=$1
	shift
	echo "== hyperfine: $name"
	hyperfine -N --warmup 1 --runs "$RUNS" --output=null \
	    --prepare "$PREPARE" \
	    --export-json "$BENCH_DIR/tp-$name.json" \
	    --export-markdown "$BENCH_DIR/tp-$name.md" "$@"
}

# Field F (mean, stddev, user, system) of the Nth command of an export.
field() {
	awk -v want="$2" -v f="\"$3\":" '$1 == f {
		if (++n == want) { sub(/.*": */, ""); sub(/,.*/, ""); print }
	}' "$BENCH_DIR/tp-$1.json"
}

set -- \
    -n "file, json" "$RUN --config /dev/null --sink file:$OUT --format json" \
    -n "file, kv" "$RUN --config /dev/null --sink file:$OUT --format kv" \
    -n "stdout, json" "$RUN --config /dev/null --sink stdout --format json" \
    -n "stdout, kv" "$RUN --config /dev/null --sink stdout --format kv"
if [ -n "$BASELINE" ]; then
	BASE_RUN="$BENCH_DIR/acct2syslog-baseline --file $PACCT --state-dir $ST --once"
	set -- "$@" \
	    -n "baseline: file, json" \
	    "$BASE_RUN --config /dev/null --sink file:$OUT --format json" \
	    -n "baseline: file, kv" \
	    "$BASE_RUN --config /dev/null --sink file:$OUT --format kv"
fi
bench formats "$@"
if [ "$VARIANTS" = 1 ]; then
	bench variants \
	    -n "file, json, file_fsync=never" \
	    "$RUN --config $BENCH_DIR/tp-nosync.conf --sink file:$OUT --format json" \
	    -n "file, json, batch_records=65536" \
	    "$RUN --config $BENCH_DIR/tp-big.conf --sink file:$OUT --format json" \
	    -n "file, json, both" \
	    "$RUN --config $BENCH_DIR/tp-big-nosync.conf --sink file:$OUT --format json" \
	    -n "floor: dd of the JSON output, 64 KiB writes, one fdatasync" \
	    "dd if=$BENCH_DIR/tp-ref.json of=$OUT bs=64k conv=fdatasync"
fi
rm -f "$BENCH_DIR/tp-ref.json"

# 3. Where the time goes, on request.
if [ "$PROFILE" = 1 ]; then
	need_cmd perf "apt-get install linux-perf"
	rm -rf "$ST" "$OUT"
	mkdir "$ST"
	echo "== perf record -g: file, json"
	perf record -q -g -o "$BENCH_DIR/tp-perf.data" \
	    $RUN --config /dev/null --sink "file:$OUT" --format json
	{
		echo "-- self time, by function"
		perf report -i "$BENCH_DIR/tp-perf.data" --no-children \
		    --sort dso,sym --stdio 2>/dev/null |
		    grep -E '^ +[0-9.]+%' | head -n 30
		echo "-- time in each system call, with what it calls"
		perf report -i "$BENCH_DIR/tp-perf.data" --children --sort sym \
		    --stdio 2>/dev/null |
		    grep -E '^ +[0-9.]+% +[0-9.]+% +\[k\] (__x64_sys_|ksys_)'
	} | tee "$BENCH_DIR/tp-profile.txt"
	# perf sees the CPU only: the waits (fdatasync, fsync) in wall time.
	if command -v strace >/dev/null 2>&1; then
		rm -rf "$ST" "$OUT"
		mkdir "$ST"
		echo "== strace -w -c: file, json (wall time in system calls)"
		strace -w -c -o "$BENCH_DIR/tp-strace.txt" \
		    $RUN --config /dev/null --sink "file:$OUT" --format json \
		    2>/dev/null
		head -n 12 "$BENCH_DIR/tp-strace.txt" |
		    tee -a "$BENCH_DIR/tp-profile.txt"
	fi
	rm -rf "$ST" "$OUT"
fi
rm -rf "$ST" "$OUT"

rate() {
	awk -v r="$RECORDS" -v m="$1" 'BEGIN { printf "%.0f\n", r / m }'
}

# 4. Summary.
{
	echo ""
	echo "| sink, format | mean | user | system | records/s |"
	echo "|---|---|---|---|---|"
	for spec in "formats 1 file, json" "formats 2 file, kv" \
	    "formats 3 stdout (/dev/null), json" \
	    "formats 4 stdout (/dev/null), kv" \
	    "formats 5 baseline: file, json" "formats 6 baseline: file, kv" \
	    "variants 1 file, json, file_fsync = never" \
	    "variants 2 file, json, batch_records = 65536" \
	    "variants 3 file, json, both" \
	    "variants 4 floor: dd of the JSON output, one fdatasync"; do
		set -- $spec
		[ -f "$BENCH_DIR/tp-$1.json" ] || continue
		[ -n "$(field "$1" "$2" mean)" ] || continue
		export_name=$1 n=$2
		shift 2
		mean=$(field "$export_name" "$n" mean)
		awk -v what="$*" -v mean="$mean" \
		    -v sd="$(field "$export_name" "$n" stddev)" \
		    -v user="$(field "$export_name" "$n" user)" \
		    -v sys="$(field "$export_name" "$n" system)" \
		    -v rate="$(group "$(rate "$mean")")" 'BEGIN {
			printf "| %s | %.3f s ± %.3f | %.3f s | %.3f s | %s |\n",
			    what, mean, sd, user, sys, rate
		}'
	done
} | tee "$BENCH_DIR/tp-summary.md"

JSON=$(field formats 1 mean)
KV=$(field formats 2 mean)
result json_s "$JSON"
result json_sd "$(field formats 1 stddev)"
result json_rate "$(rate "$JSON")"
result kv_rate "$(rate "$KV")"
result json_stdout_rate "$(rate "$(field formats 3 mean)")"
result kv_stdout_rate "$(rate "$(field formats 4 mean)")"
if [ -n "$BASELINE" ]; then
	result baseline_json_rate "$(rate "$(field formats 5 mean)")"
	result baseline_kv_rate "$(rate "$(field formats 6 mean)")"
fi
result load "$(cut -d' ' -f1-3 /proc/loadavg)"
JSON_RATE=$(rate "$JSON")
echo ""
echo "JSON to a file: $(group "$JSON_RATE") records/s (target >= 1,000,000):" \
    "$([ "$JSON_RATE" -ge 1000000 ] && echo holds || echo MISSED)"
echo "hyperfine exports: $BENCH_DIR/tp-{formats,variants}.{json,md}"
