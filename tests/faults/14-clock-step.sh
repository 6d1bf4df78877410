#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 14: the real-time clock stepped while the daemon forwards and
# about 1000 processes a second exit: back by an hour for 4 s, then to the
# true time, then ahead by an hour for 3 s, then to the true time again
# (as date -s, an NTP step or a VM restored from a snapshot do).  One
# cycle (10 with ACCT_FAULTS_SOAK=1).  The clock is global: it is set back
# to the true time (counted on CLOCK_MONOTONIC from the start) on every
# way out of the case.  Because it steps the host's clock, which disturbs
# everything else on the machine (builds, TLS, other tests), it runs only
# when asked: ACCT_FAULTS_CLOCK=1 (make check-faults and a step of its own
# in .ci/run set it); plain make check skips it.
#
# What it guarantees, besides the frame's judgement (every record once):
#   - the messages keep the kernel's file order and seq rises by one from
#     line to line: one stream, whatever the clock says;
#   - the heartbeat neither misfires nor stops: no accounting_off, and
#     heartbeats after every step (heartbeat_interval 1 s), every round
#     trip shorter than heartbeat_timeout;
#   - the position is still committed within batch_ms while the clock is
#     behind (checked at a quiet moment, when no busy file forces it).
# The timestamps follow the clock (the kernel's records and the events'
# time alike): the case reports them, it does not judge them.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

[ "${ACCT_FAULTS_CLOCK:-0}" = 1 ] || [ "${ACCT_FAULTS_SOAK:-0}" = 1 ] ||
    skip_all "steps the host's clock: run with ACCT_FAULTS_CLOCK=1 (make check-faults)"
faults_init "14. clock stepped back and ahead"
cycles=1
[ "$soak" = 1 ] && cycles=10

# The clock helpers, here and in the workload: CLOCK_MONOTONIC in ns
# (/proc/timer_list, else /proc/uptime); the true time is the real time
# at the start plus the monotonic time since.
cat >"$tmp/clock.sh" <<'EOS'
mono_ns() {
	if [ -r /proc/timer_list ]; then
		sed -n 's/^now at \([0-9]*\) nsecs$/\1/p; /^now at/q' \
		    /proc/timer_list
	else
		awk '{ split($1, t, "."); printf "%d%02d0000000\n", t[1], t[2] }' \
		    /proc/uptime
	fi
}

# clock_step SECONDS: set the clock to the true time + SECONDS.
clock_step() {
	read -r t0_real t0_mono <"$tmp/clock.t0"
	now=$(($(mono_ns) - t0_mono + t0_real + $1 * 1000000000))
	: >"$tmp/clock.stepped"
	date -s "@$((now / 1000000000)).$(printf %09d $((now % 1000000000)))" \
	    >/dev/null
}

# clock_restore: the true time again, if the case stepped it.
clock_restore() {
	if [ -e "$tmp/clock.stepped" ]; then
		clock_step 0 && rm -f "$tmp/clock.stepped"
	fi
}
EOS
. "$tmp/clock.sh"
m1=$(mono_ns)
r=$(date +%s%N)
m2=$(mono_ns)
[ -n "$m1" ] || skip_all "no CLOCK_MONOTONIC in /proc/timer_list or /proc/uptime"
echo "$r $(((m1 + m2) / 2))" >"$tmp/clock.t0"
clock_step 0 2>"$tmp/date.err" ||
    skip_all "cannot set the clock: $(head -n 1 "$tmp/date.err")"
trap 'clock_restore; tmp_cleanup' EXIT

# Marker records: a2s-clk-CLOCK right after each step, a2s-quiet at the
# quiet moment.
for name in a2s-clk-back a2s-clk-true a2s-clk-ahead a2s-quiet; do
	cp /bin/true "$tmp/bin/$name"
done
printf 'heartbeat_interval = 1\nheartbeat_timeout = 2\nbatch_ms = 50\n' \
    >"$tmp/a2s.conf"
cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
. "$tmp/clock.sh"
cycles=$cycles
config=$tmp/a2s.conf
EOS
cat >>"$tmp/workload.sh" <<'EOS'
trap clock_restore EXIT
state_seq() {
	sed -n 's/^seq=//p' "$tmp/state/state"
}

accounting_on
daemon_start
load_start
wait_for 10 has_line "$tmp/out.kv" 'event="heartbeat"'
sleep 1
c=0
while [ "$c" -lt "$cycles" ]; do
	clock_step -3600
	"$tmp/bin/a2s-clk-back"
	sleep 0.5
	# A quiet moment: a few records, then a second for the batch_ms
	# commit (a busy file forces commits, which would hide a stalled
	# timer); the seq committed then.
	load_stop
	burst 5
	"$tmp/bin/a2s-quiet"
	sleep 1
	state_seq >>"$tmp/commits.back"
	load_start
	sleep 2.5
	clock_step 0
	"$tmp/bin/a2s-clk-true"
	sleep 2
	clock_step 3600
	"$tmp/bin/a2s-clk-ahead"
	sleep 3
	clock_step 0
	"$tmp/bin/a2s-clk-true"
	sleep 2
	c=$((c + 1))
done
clock_restore
echo "$c" >"$tmp/cycles"
load_stop
finish
EOS
faults_run
clock_restore
diag "the clock now: $(date -u +%FT%T.%NZ)"

is "$(cat "$tmp/cycles" 2>/dev/null)" "$cycles" \
    "the clock was stepped back and ahead $cycles time(s)"
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"

# Order: the records in the kernel's file order (up to the marker
# finish() leaves), seq +1 a message.
dump-acct "$tmp/acct/pacct" | dump_acct_keys |
    awk '{ print } $1 == "a2s-last" { exit }' >"$tmp/file.order"
sent_keys "$tmp/out.kv" | cut -d' ' -f3- |
    awk '{ print } $1 == "a2s-last" { exit }' >"$tmp/sent.order"
ok "the records arrived in the kernel's file order" sh -c \
    "[ -s '$tmp/file.order' ] && cmp -s '$tmp/file.order' '$tmp/sent.order'"
is "$(kv seq <"$tmp/out.kv" | awk 'NR != $1 { print NR ": " $1; exit }')" "" \
    "seq rises by one from message to message"
is "$(kv stream <"$tmp/out.kv" | sort -u | wc -l)" 1 "one stream"

# The heartbeat: never accounting_off; heartbeats between each step and
# the next (the marker records after the steps split the messages).
ok "no accounting_off (the heartbeat did not misfire)" \
    sh -c "! grep -q '^event=\"accounting_off\"' '$tmp/out.kv'"
grep -E '^event="heartbeat"|process_name="a2s-clk-' "$tmp/out.kv" | awk '
	/^event="heartbeat"/ { if (k) n[k]++; next }
	{
		match($0, /process_name="a2s-clk-[a-z]*"/)
		clock[++k] = substr($0, RSTART + 22, RLENGTH - 23)
	}
	END { for (i = 1; i <= k; i++) print i, clock[i], n[i] + 0 }' \
    >"$tmp/hb.by.step"
diag "heartbeats after each step: $(awk '{ printf "%s %s, ", $2, $3 }' \
    "$tmp/hb.by.step")"
is "$(wc -l <"$tmp/hb.by.step")" $((cycles * 4)) "every step has its marker"
for clock in back true ahead; do
	is "$(awk -v c="$clock" '$2 == c && $3 == 0 { print "step " $1 }' \
	    "$tmp/hb.by.step" | tr '\n' ' ')" "" \
	    "heartbeats go on after each step to the clock $clock"
done
grep '^event="heartbeat"' "$tmp/out.kv" | kv message |
    sed -n 's/^heartbeat record back after \([0-9]*\) ms$/\1/p' >"$tmp/hb.ms"
diag "heartbeat round trips (ms): $(sort -n "$tmp/hb.ms" | tr '\n' ' ')"
is "$(awk '$1 >= 2000' "$tmp/hb.ms" | head -n 3 | tr '\n' ' ')" "" \
    "every heartbeat round trip is shorter than heartbeat_timeout"

# Commits while the clock is behind: the quiet marker's seq is committed
# a second later.
grep 'process_name="a2s-quiet"' "$tmp/out.kv" | kv seq >"$tmp/quiet.seqs"
paste -d' ' "$tmp/quiet.seqs" "$tmp/commits.back" >"$tmp/quiet.commits"
diag "seq of the quiet marker, seq committed a second later:" \
    "$(tr '\n' ',' <"$tmp/quiet.commits")"
is "$(awk 'NF != 2 || $2 < $1' "$tmp/quiet.commits" | head -n 1)" "" \
    "the position is committed within batch_ms while the clock is behind"

# The timestamps: what the clock made of them (reported, not judged).
for name in a2s-clk-back a2s-clk-true a2s-clk-ahead; do
	diag "$name: end_time $(grep "process_name=\"$name\"" "$tmp/out.kv" |
	    head -n 1 | kv end_time), the next event's time: $(sed -n \
	    "/process_name=\"$name\"/,\$p" "$tmp/out.kv" | grep -m 1 ' time="' |
	    kv time)"
done
faults_judge "$tmp/acct/pacct"
done_testing
