#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 13: a very large backlog.  The accounting file holds 1 M records
# (64 MiB; 16 M, 1 GiB, with ACCT_FAULTS_SOAK=1) made by acct-gen before
# the daemon first starts, then the kernel's own records after them.  The
# daemon sends to stdout, into a checker that keeps no more than a few
# thousand lines (the kv output is about 8 times the input: not stored):
#
#   - memory stays bounded: the daemon's peak RSS (VmHWM, sampled every
#     0.1 s) stays under 32 MiB, and does not grow with the backlog (at
#     the end no more than 2 MiB over what it was after the first tenth);
#   - progress is committed as it goes: the offset in the state file
#     advances at least 5 times during the first run;
#   - SIGTERM a third of the way through: the daemon exits 0 within 2 s,
#     its committed offset in the middle of the backlog;
#   - started again, it goes on from there: seq with no hole, what is sent
#     again identical, and every record (dump-acct of the whole file, up
#     to the marker, is the oracle: it decodes acct-gen's records as it
#     does the kernel's) arrives once, in the order of the file.
#
# faults_judge keeps the whole sink output; this case compares as it goes
# and keeps keys only (comm uid gid pid ppid start, as faults_judge does),
# and writes the same row to $FAULTS_RESULTS.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "13. a very large backlog"
ACCT_GEN=$top_builddir/bench/acct-gen
[ -x "$ACCT_GEN" ] || skip_all "$ACCT_GEN not built"
records=1048576
[ "$soak" = 1 ] && records=16777216
gen_bytes=$((records * 64))
"$ACCT_GEN" --records "$records" --fixed-users --seed 13 \
    --start 1700000000 -o "$tmp/acct/pacct"
# batch_records 1024: at most 16384 records are sent between commits.
printf 'heartbeat_interval = 0\nbatch_records = 1024\n' >"$tmp/a2s.conf"

# The checker of one run: the daemon's kv lines on stdin.  Every line's seq
# follows the one before, or (run 2) is one the previous run sent, and then
# the line is the same as it was (the previous run's last lines are in
# $tmp/tail.1).  Writes the key of each record sent for the first time to
# $tmp/keys.RUN, the control events and the kernel's records (not from
# 2023, as acct-gen's are) to $tmp/out.kv, its last lines to
# $tmp/tail.RUN and "lines first_seq last_seq dups differ holes" to
# $tmp/check.RUN.
cat >"$tmp/check.awk" <<'EOA'
function num(k) {
	if (!match($0, " " k "=[0-9]+")) return ""
	return substr($0, RSTART + length(k) + 2, RLENGTH - length(k) - 2) + 0
}
BEGIN {
	R = 20000
	last = 0
	if (prev != "")
		while ((getline l < prev) > 0) {
			i = index(l, "\t")
			s = substr(l, 1, i - 1) + 0
			old[s] = substr(l, i + 1)
			if (s > last) last = s
		}
	expect = last + 1
	n = dups = differ = holes = 0
}
{
	n++
	seq = num("seq")
	if (first == "") first = seq
	if (seq < expect) {
		dups++
		if (!(seq in old) || old[seq] != $0) differ++
		next
	}
	if (seq != expect) holes += seq - expect
	expect = seq + 1
	ring[seq % R] = $0
	ringseq[seq % R] = seq
	if (index($0, "event=\"process_end\" ") != 1) {
		print >> out; fflush(out)
		next
	}
	name = ""
	if (match($0, /process_name="([^"\\]|\\.)*"/))
		name = substr($0, RSTART + 14, RLENGTH - 15)
	start = ""
	if (match($0, / start_time="[^"]*"/))
		start = substr($0, RSTART + 13, 19)
	if (substr(start, 1, 5) != "2023-") {
		print >> out; fflush(out)
	}
	print name, num("user_id"), num("group_id"), num("process_id"),
	    num("parent_process_id"), start > keys
}
END {
	for (i in ring) print ringseq[i] "\t" ring[i] > tail
	print n, first, expect - 1, dups, differ, holes > stats
}
EOA

cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf
gen_bytes=$gen_bytes
EOS
cat >>"$tmp/workload.sh" <<'EOS'
offset() {
	sed -n 's/^offset=//p' "$tmp/state/state" 2>/dev/null
}
hwm() {
	awk '$1 == "VmHWM:" { print $2 }' "/proc/$dpid/status" 2>/dev/null
}
now_ms() {
	awk '{ split($1, t, "."); print t[1] * 1000 + t[2] * 10 }' /proc/uptime
}
# run N [PREV]: the daemon, to stdout, into checker N.
run() {
	rm -f "$tmp/fifo.$1"
	mkfifo "$tmp/fifo.$1"
	awk -v prev="${2:-}" -v out="$tmp/out.kv" -v keys="$tmp/keys.$1" \
	    -v tail="$tmp/tail.$1" -v stats="$tmp/check.$1" \
	    -f "$tmp/check.awk" <"$tmp/fifo.$1" &
	cpid=$!
	daemon_start --sink stdout >"$tmp/fifo.$1"
}
# sample N UNTIL: "offset VmHWM" every 0.1 s into $tmp/samples.N, until
# the committed offset is at least UNTIL (or the daemon is gone).
sample() {
	while kill -0 "$dpid" 2>/dev/null; do
		o=$(offset)
		echo "${o:-0} $(hwm)" >>"$tmp/samples.$1"
		[ "${o:-0}" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# Run 1: SIGTERM a third of the way.
run 1
sample 1 $((gen_bytes / 3)) || echo "run 1: the daemon died" >>"$tmp/fail"
t0=$(now_ms)
kill -TERM "$dpid"
( sleep 10; kill -KILL "$dpid" 2>/dev/null ) &
watchdog=$!
wait "$dpid"
echo "$? $(($(now_ms) - t0))" >"$tmp/term"
kill "$watchdog" 2>/dev/null || :
offset >"$tmp/term.offset"
wait "$cpid"

# Run 2: the rest, then the kernel's records after it.
run 2 "$tmp/tail.1"
sample 2 "$gen_bytes" || echo "run 2: the daemon died" >>"$tmp/fail"
accounting_on
burst 200
finish
wait "$cpid"
EOS
start_ms=$(awk '{ split($1, t, "."); print t[1] * 1000 + t[2] * 10 }' /proc/uptime)
faults_run

ok "the workload went as planned" test ! -e "$tmp/fail"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/fail")"

# Memory.
peak=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$tmp/samples.1" "$tmp/samples.2")
early=$(awk -v b=$((gen_bytes / 10)) '$1 >= b && $2 != "" { print $2; exit }' \
    "$tmp/samples.1")
late=$(awk '$2 != "" { m = $2 } END { print m + 0 }' "$tmp/samples.2")
ok "peak RSS ${peak} kB stays under 32 MiB" \
    sh -c "[ '$peak' -gt 0 ] && [ '$peak' -lt 32768 ]"
ok "peak RSS does not grow with the backlog (${early:-?} kB after a tenth, $late kB at its end)" \
    sh -c "[ -n '$early' ] && [ $late -le $((${early:-0} + 2048)) ]"

# Progress and SIGTERM.
commits=$(awk '$1 > 0 && $1 != last { n++; last = $1 } END { print n + 0 }' \
    "$tmp/samples.1")
ok "the committed offset advanced $commits times before SIGTERM (at least 5)" \
    [ "$commits" -ge 5 ]
read -r rc ms <"$tmp/term" || :
is "${rc:-}" 0 "SIGTERM: exit status 0"
ok "SIGTERM: exit within 2 s (${ms:-?} ms)" sh -c "[ -n '$ms' ] && [ '$ms' -le 2000 ]"
term_offset=$(cat "$tmp/term.offset")
ok "SIGTERM came in the middle of the backlog (committed offset $term_offset of $gen_bytes)" \
    sh -c "[ '${term_offset:-0}' -gt 0 ] && [ '${term_offset:-0}' -lt $gen_bytes ]"
ok "run 2 starts with forwarder_start, resumed at that offset" \
    sh -c "grep 'event=\"forwarder_start\"' '$tmp/out.kv' | sed -n 2p | grep -q ' offset=$term_offset '"

# The judge.
# shellcheck disable=SC2034 # the fields not used
read -r n1 first1 last1 dups1 differ1 holes1 <"$tmp/check.1" || :
# shellcheck disable=SC2034
read -r n2 first2 last2 dups2 differ2 holes2 <"$tmp/check.2" || :
is "${first1:-}" 1 "run 1 starts at seq 1"
is "$((${holes1:-1} + ${holes2:-1}))" 0 "seq has no hole"
is "$((${differ1:-1} + ${differ2:-1}))" 0 "a message sent twice has the same event_id and content"
dups=$((${dups1:-0} + ${dups2:-0}))
dump-acct "$tmp/acct/pacct" | dump_acct_keys |
    awk '{ print } $1 == "a2s-last" { exit }' >"$tmp/oracle"
cat "$tmp/keys.1" "$tmp/keys.2" 2>/dev/null |
    awk '{ print } $1 == "a2s-last" { exit }' >"$tmp/got"
ok "the marker record reached the sink (the daemon caught up)" \
    sh -c "tail -n 1 '$tmp/got' | grep -q '^a2s-last '"
written=$(wc -l <"$tmp/oracle")
received=$(wc -l <"$tmp/got")
if cmp -s "$tmp/oracle" "$tmp/got"; then
	missing=0 extra=0
else
	sort "$tmp/oracle" >"$tmp/want.sorted"
	sort "$tmp/got" >"$tmp/got.sorted"
	missing=$(comm -23 "$tmp/want.sorted" "$tmp/got.sorted" | wc -l)
	extra=$(comm -13 "$tmp/want.sorted" "$tmp/got.sorted" | wc -l)
	diag "first difference: $(cmp "$tmp/oracle" "$tmp/got" 2>&1 | head -n 1)"
fi
ok "every record the kernel and acct-gen wrote arrived once, in the file's order" \
    cmp -s "$tmp/oracle" "$tmp/got"
is "$missing" 0 "nothing missing"
is "$extra" 0 "nothing arrived that is not in the file"
ok "no control event announces a loss" \
    sh -c "! grep -Eq '^event=\"(truncated|corrupt_data|gap)\"' '$tmp/out.kv'"
ok "the kernel's records after the backlog arrived ($(grep -c 'process_name="a2s-true"' "$tmp/out.kv") of 200 a2s-true)" \
    sh -c "[ \$(grep -c 'process_name=\"a2s-true\"' '$tmp/out.kv') -eq 200 ]"
verdict=pass
[ "$tap_failed" -eq 0 ] || verdict=FAIL
end_ms=$(awk '{ split($1, t, "."); print t[1] * 1000 + t[2] * 10 }' /proc/uptime)
diag "$faults_case: kernel $written, received $received, missing" \
    "$missing, extra $extra, sent twice $dups, announced 0 bytes," \
    "peak RSS $peak kB, $(((end_ms - start_ms) / 1000)) s: $verdict"
mkdir -p "$(dirname "$FAULTS_RESULTS")"
printf '| %s | %d | %d | %d | %d | %s | %s |\n' "$faults_case" \
    "$written" "$received" "$dups" "$missing" "0 bytes" "$verdict" \
    >>"$FAULTS_RESULTS"
done_testing
