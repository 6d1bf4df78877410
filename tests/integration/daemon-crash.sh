#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-crash.sh: SIGKILL acct2syslog at random moments while processes
# keep exiting, start it again, 20 times; then let it catch up and stop it.
# Every record of the file must have been forwarded; a record sent twice
# must carry the same event_id with the same content (at least once, never
# a silent duplicate); the seq of the stream has no hole but those a
# forwarder_start admits (a control event that may not have gone out).
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
daemon_prereqs
ROUNDS=${ACCT_CRASH_ROUNDS:-20}
mkdir "$tmp/state" "$tmp/bin"
cp /bin/true "$tmp/bin/a2s-true"
cp /bin/sh "$tmp/bin/a2s-last"
: >"$tmp/pacct"
sed -n '/^wait_for()/,/^}/p; /^has_line()/,/^}/p' \
    "$top_srcdir/tests/integration/lib-daemon.sh" >"$tmp/lib.sh"

cat >"$tmp/workload.sh" <<'EOS'
set -u
tmp=$1 rounds=$2 daemon=$3
. "$tmp/lib.sh"
start() {
	"$daemon" --foreground --config /dev/null --file "$tmp/pacct" \
	    --state-dir "$tmp/state" --sink "file:$tmp/out.kv" \
	    2>>"$tmp/daemon.err" &
	dpid=$!
}
accton "$tmp/pacct" >/dev/null
# Processes keep exiting, about 1000 a second, until told to stop.
(
	while [ ! -e "$tmp/stop" ]; do
		i=0
		while [ "$i" -lt 10 ]; do
			"$tmp/bin/a2s-true"
			i=$((i + 1))
		done
		sleep 0.01
	done
) &
gen=$!
r=0
while [ "$r" -lt "$rounds" ]; do
	start
	ms=$(($(od -An -N2 -tu2 /dev/urandom) % 400 + 20))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
	kill -KILL "$dpid"
	wait "$dpid" 2>/dev/null || :
	r=$((r + 1))
done
: >"$tmp/stop"
wait "$gen"
start
"$tmp/bin/a2s-last" -c 'exit 0'
wait_for 20 has_line "$tmp/out.kv" 'process_name="a2s-last"'
kill -TERM "$dpid"
wait "$dpid"
echo "$?" >"$tmp/daemon.rc"
accton off >/dev/null
EOS
unshare --pid --fork --mount-proc sh "$tmp/workload.sh" "$tmp" "$ROUNDS" "$ACCT2SYSLOG" \
    >"$tmp/workload.out" 2>&1 || :

is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the last daemon exits 0 on SIGTERM"
oracle_records "$tmp/pacct" >"$tmp/oracle"
# Every record before the committed offset (the rest of the file was
# written after the last stop).
committed=$(sed -n 's/^offset=//p' "$tmp/state/state")
head -n "$((committed / 64))" "$tmp/oracle" | sort -u >"$tmp/want"
# (The daemon's own record is two under LeakSanitizer: its checker is a
# child too; and a heartbeat child started just before the stop may
# write its record after the last read.)
ok "after the committed offset: only the daemon's own record and accton's" \
    matches "$(tail -n +$((committed / 64 + 1)) "$tmp/oracle" | cut -d' ' -f1 |
    tr '\n' ' ')" '(acct2syslog-hb |acct2syslog )+accton ' 
[ "$tap_passed" = 1 ] || diag "after it: $(tail -n +$((committed / 64 + 1)) \
    "$tmp/oracle" | tr '\n' ' ')"
records "$tmp/out.kv" | sort -u >"$tmp/got"
diag "$(wc -l <"$tmp/want") records in the file, $(grep -c '^event="process_end"' \
    "$tmp/out.kv") process_end messages over $ROUNDS kills"
ok "every record of the file was forwarded at least once" \
    sh -c "comm -23 '$tmp/want' '$tmp/got' | grep -q . && exit 1 || exit 0"
[ "$tap_passed" = 1 ] || diag "missing:" "$(comm -23 "$tmp/want" "$tmp/got" | head)"
ok "nothing was forwarded that is not in the file" \
    sh -c "comm -13 '$tmp/want' '$tmp/got' | grep -q . && exit 1 || exit 0"

# Same event_id, same line: duplicates are recognisable and harmless.
awk '{
	if (!match($0, /event_id="[^"]*"/)) next
	id = substr($0, RSTART, RLENGTH)
	if (id in seen && seen[id] != $0) { print id; bad++ }
	if (id in seen) dups++
	seen[id] = $0
} END { print "dups " dups + 0 > "/dev/stderr"; exit bad > 0 }' \
    "$tmp/out.kv" 2>"$tmp/dups" >"$tmp/differ" && rc=0 || rc=$?
is "$rc" 0 "a message sent twice has the same event_id and the same content"
[ "$rc" = 0 ] || diag "differing:" "$(head -n 3 "$tmp/differ")"
diag "$(cat "$tmp/dups") (messages sent again after a kill)"
ok "some messages were sent twice (the kills did land mid-stream)" \
    grep -qv '^dups 0$' "$tmp/dups"

# No hole in seq but those admitted by a forwarder_start.
grep 'event="forwarder_start"' "$tmp/out.kv" | kv seq_from >"$tmp/admitted"
kv seq <"$tmp/out.kv" | sort -n -u >"$tmp/seqs"
awk -v admitted="$tmp/admitted" 'BEGIN {
	while ((getline s < admitted) > 0) ok[s] = 1
}
{ have[$1] = 1; if ($1 > max) max = $1 }
END {
	for (s = 1; s <= max; s++)
		if (!(s in have) && !(s in ok)) { print s; bad++ }
	exit bad > 0
}' "$tmp/seqs" >"$tmp/holes" && rc=0 || rc=$?
is "$rc" 0 "seq has no hole but those a forwarder_start admits"
[ "$rc" = 0 ] || diag "holes:" "$(head "$tmp/holes")"
# A daemon killed before its forwarder_start went out (before its first
# commit, or while sending again) says nothing; every one that did speak,
# but the very first, resumed after a crash.
grep 'event="forwarder_start"' "$tmp/out.kv" | kv message >"$tmp/starts"
ok "every forwarder_start after the first says it resumes after a crash" \
    sh -c "sed 1d '$tmp/starts' | grep -v 'after a crash' | grep -q . && exit 1 || exit 0"
[ "$tap_passed" = 1 ] || diag "$(sort "$tmp/starts" | uniq -c)"
diag "$(($(wc -l <"$tmp/starts") - 1)) of $ROUNDS restarts got as far as forwarder_start"
done_testing
