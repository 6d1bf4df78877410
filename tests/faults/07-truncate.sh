#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 7: the live accounting file truncated under the daemon, while the
# kernel goes on appending (it writes with O_APPEND, so at the new end):
#
#   a. to 0 while the daemon is caught up: nothing may be lost;
#   b. to 0 while it is behind (stopped with SIGSTOP while records are
#      written, truncated, then SIGCONT): the records it had not read are
#      gone, which it cannot prevent, but it must say how many bytes;
#   c. to a size that is not a multiple of 64, while caught up: nothing
#      lost, the records appended at the odd offset all arrive;
#   d. logrotate copytruncate while the daemon is behind (loss possible,
#      announced);
#   e. as b, but the kernel writes more after the truncation than the
#      daemon had read before it: the file is then not shorter than the
#      offset the daemon stands at when it looks again.  The daemon sees
#      its first record changed, reads it from 0 and says records were
#      lost; how many it cannot say (it was stopped while they were
#      written and truncated away: nobody can count them afterwards), so
#      this one is judged with --loss-unsized.
#
# The oracle is what the kernel wrote: a copy of the file taken just before
# the truncation, then what the file holds after it past the size it was
# cut to (the bytes below that size are in the copy already).  The copy
# and the truncation are done by one process (perl), so that no record
# lands between them: with cp, cp's own record would be written after the
# copy and cut away by the truncation, in neither piece.  No writer runs
# while it happens (load stopped, heartbeat off).
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

require_cmd perl

# sub_run CASE: a fresh case directory (the previous one removed), with
# its own verdict in the results (the failures before it are added back
# at the end).
failed_before=0
sub_run() {
	if [ -n "$tmp" ] && [ "${ACCT_TEST_KEEP:-0}" != 1 ]; then
		rm -rf "$tmp"
	fi
	failed_before=$((failed_before + tap_failed))
	tap_failed=0
	faults_init "$1"
	printf 'heartbeat_interval = 0\nbatch_ms = 50\n' >"$tmp/a2s.conf"
	cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf
EOS
	cat >>"$tmp/workload.sh" <<'EOS'
# cut SIZE [wait]: copy the file to $tmp/snap and truncate it to SIZE (a
# perl expression of $n, the length of the file), in one process: its own
# record goes to the file after the truncation.  With "wait", it first
# waits until the daemon forwarded the file's last record (the exit of
# the command that waited for the daemon, which comes after caught_up's
# own), so nothing is left unread.  The size it cut to goes to
# $tmp/cut.size.
cut() {
	perl -e '
		if (($ARGV[4] // "") eq "wait") {
			for (my $t = 0; $t < 400; $t++) {
				open(my $a, "<:raw", $ARGV[0]) or die;
				seek($a, -64, 2) or die; read($a, my $r, 64);
				my $pid = unpack("V", substr($r, 16, 4));
				open(my $k, "<", $ARGV[5]) or die;
				local $/; my $out = <$k>;
				last if $out =~ / process_id=$pid /;
				select(undef, undef, undef, 0.05);
			}
		}
		open(my $i, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!";
		open(my $o, ">:raw", $ARGV[1]) or die "$ARGV[1]: $!";
		local $/; my $d = <$i>; print $o $d or die; close $o or die;
		my $n = length($d); my $k = eval $ARGV[2];
		truncate($ARGV[0], $k) or die "truncate: $!";
		open(my $s, ">", $ARGV[3]) or die; print $s "$k\n";
	' "$tmp/acct/pacct" "$tmp/snap" "$1" "$tmp/cut.size" "${2:-}" \
	    "$tmp/out.kv"
}
# caught_up: a record of its own is written and forwarded, and nothing
# writes after it.
caught_up() {
	cp /bin/true "$tmp/bin/a2s-sync$1"
	"$tmp/bin/a2s-sync$1"
	wait_for 20 has_line "$tmp/out.kv" "process_name=\"a2s-sync$1\""
}
EOS
}

# judge_cut [--loss-ok]: faults_judge over the copy and what the file got
# after the cut; the truncated event(s).
judge_cut() {
	cut_size=$(cat "$tmp/cut.size" 2>/dev/null || echo 0)
	snap_size=$(wc -c <"$tmp/snap" 2>/dev/null || echo 0)
	tail -c +"$((cut_size + 1))" "$tmp/acct/pacct" >"$tmp/after"
	diag "copy $snap_size bytes, cut to $cut_size, $(wc -c <"$tmp/after") bytes after"
	faults_judge "$@" "$tmp/snap" "$tmp/after"
	is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
}

# The bytes all truncated events announce.
truncated_bytes() {
	grep '^event="truncated"' "$tmp/out.kv" | kv bytes |
	    awk '{ s += $1 } END { print s + 0 }'
}

# --- a. to 0, caught up
sub_run "7a. truncated to 0 while caught up"
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
load_start
sleep_ms 300 600
load_stop
caught_up 1
cut 0 wait
load_start
sleep_ms 300 600
load_stop
finish
EOS
faults_run
judge_cut
is "$(grep '^event="truncated"' "$tmp/out.kv" | kv offset)" "$snap_size" \
    "one truncated event, at the offset read up to (the old size)"

# --- b. to 0, behind
sub_run "7b. truncated to 0 while behind"
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
burst 300
caught_up 1
kill -STOP "$dpid"
burst 200		# unread: lost with the truncation
cut 0
burst 20		# less than it had read: the file is shorter
kill -CONT "$dpid"
finish
EOS
faults_run
judge_cut --loss-ok
ok "a truncated event was sent" grep -q '^event="truncated"' "$tmp/out.kv"
ok "the truncated events announce at least 64 bytes a missing record" \
    [ "$(truncated_bytes)" -ge $((missing * 64)) ]
diag "missing $missing records ($((missing * 64)) bytes), truncated" \
    "events announce $(truncated_bytes) bytes"

# --- c. to a size that is not a multiple of 64, caught up
sub_run "7c. truncated to a size not a multiple of 64"
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
load_start
sleep_ms 300 600
load_stop
caught_up 1
cut 'int($n / 2 / 64) * 64 + 37' wait	# 37 bytes into a record
load_start
sleep_ms 300 600
load_stop
finish
EOS
faults_run
judge_cut
is "$(grep '^event="truncated"' "$tmp/out.kv" | kv offset)" "$snap_size" \
    "one truncated event, at the offset read up to (the old size)"
ok "the cut is a multiple of 64 plus 37" [ $((cut_size % 64)) -eq 37 ]

# --- d. copytruncate, behind
if ! command -v logrotate >/dev/null 2>&1; then
	skip "7d: copytruncate" "logrotate not found"
else
	sub_run "7d. logrotate copytruncate while behind"
	cat >"$tmp/logrotate.conf" <<EOF
$tmp/acct/pacct {
	copytruncate
	rotate 1
	nocompress
}
EOF
	cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
burst 300
caught_up 1
kill -STOP "$dpid"
burst 200
logrotate -f -s "$tmp/logrotate.state" "$tmp/logrotate.conf"
echo 0 >"$tmp/cut.size"
burst 20
kill -CONT "$dpid"
finish
EOS
	faults_run
	# logrotate's copy is the oracle's first piece.
	cp "$tmp/acct/pacct.1" "$tmp/snap" 2>/dev/null || :
	judge_cut --loss-ok
	ok "a truncated event was sent" grep -q '^event="truncated"' \
	    "$tmp/out.kv"
	ok "the truncated events announce at least 64 bytes a missing record" \
	    [ "$(truncated_bytes)" -ge $((missing * 64)) ]
	diag "missing $missing records ($((missing * 64)) bytes), truncated" \
	    "events announce $(truncated_bytes) bytes"
fi

# --- e. to 0, behind, and rewritten past the old offset
sub_run "7e. truncated while behind, rewritten past the offset read"
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
burst 100
caught_up 1
kill -STOP "$dpid"
burst 200		# unread: lost with the truncation
cut 0
burst 300		# more than it had read
kill -CONT "$dpid"
finish
EOS
faults_run
judge_cut --loss-unsized
ok "a truncated or gap event was sent" \
    grep -Eq '^event="(truncated|gap)"' "$tmp/out.kv"
tap_failed=$((tap_failed + failed_before))
done_testing
