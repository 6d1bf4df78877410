#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-rotation.sh: rotation while processes keep exiting, the way Debian
# does it (savelog renames pacct to pacct.0 and makes a new pacct, then
# accounting is stopped and started on it) and the way RHEL does it
# (logrotate renames, then accton switches at once); then a rotation while
# the daemon is down, after which its file is pacct.1.gz.  Every record of
# every file must be forwarded exactly once (no crash here, so no
# duplicate), in order, with a contiguous seq; the old file is drained.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
daemon_prereqs
require_cmd gzip
mkdir "$tmp/state" "$tmp/bin" "$tmp/acct"
cp /bin/true "$tmp/bin/a2s-true"
cp /bin/sh "$tmp/bin/a2s-mark"
: >"$tmp/acct/pacct"
printf 'rotation_grace_ms = 300\nbatch_ms = 50\n' >"$tmp/a2s.conf"
sed -n '/^wait_for()/,/^}/p; /^has_line()/,/^}/p' \
    "$top_srcdir/tests/integration/lib-daemon.sh" >"$tmp/lib.sh"

cat >"$tmp/workload.sh" <<'EOS'
set -u
tmp=$1 daemon=$2
. "$tmp/lib.sh"
a=$tmp/acct
start() {
	"$daemon" --foreground --config "$tmp/a2s.conf" --file "$a/pacct" \
	    --state-dir "$tmp/state" --sink "file:$tmp/out.kv" \
	    2>>"$tmp/daemon.err" &
	dpid=$!
}
stop() {
	kill -TERM "$dpid"
	wait "$dpid" || echo "daemon exit $?" >>"$tmp/fail"
}
# mark NAME: a process whose record says where we are; wait until it is out.
mark() {
	cp "$tmp/bin/a2s-mark" "$tmp/bin/$1"
	"$tmp/bin/$1" -c :
	wait_for 20 has_line "$tmp/out.kv" "process_name=\"$1\"" ||
	    echo "mark $1 never came" >>"$tmp/fail"
}
busy() {
	(
		while [ ! -e "$tmp/stop.$1" ]; do
			"$tmp/bin/a2s-true"; "$tmp/bin/a2s-true"
			sleep 0.005
		done
	) &
	gen=$!
}
accton "$a/pacct" >/dev/null
start
mark m-start
busy 1
sleep 0.3
# Debian: savelog, then restart accounting.
mv "$a/pacct" "$a/pacct.0"
: >"$a/pacct"
sleep 0.2
accton off >/dev/null
accton "$a/pacct" >/dev/null
sleep 0.5
: >"$tmp/stop.1"; wait "$gen"
mark m-debian
busy 2
sleep 0.3
# RHEL: logrotate renames (delaycompress), accton switches at once.
mv "$a/pacct.0" "$a/pacct.1"
gzip "$a/pacct.1"
mv "$a/pacct" "$a/pacct.0"
: >"$a/pacct"
accton "$a/pacct" >/dev/null
sleep 0.5
: >"$tmp/stop.2"; wait "$gen"
mark m-rhel
# Down during two rotations: the file it read last ends up as pacct.1.gz.
stop
rotate() {
	for n in 3 2 1; do
		[ -e "$a/pacct.$n.gz" ] && mv "$a/pacct.$n.gz" "$a/pacct.$((n + 1)).gz"
	done
	mv "$a/pacct.0" "$a/pacct.1"
	gzip "$a/pacct.1"
	mv "$a/pacct" "$a/pacct.0"
	: >"$a/pacct"
	accton "$a/pacct" >/dev/null
}
busy 3
sleep 0.2
: >"$tmp/stop.3"; wait "$gen"
rotate
busy 4
sleep 0.2
: >"$tmp/stop.4"; wait "$gen"
rotate
"$tmp/bin/a2s-true"
start
mark m-end
stop
accton off >/dev/null
EOS
unshare --pid --fork --mount-proc sh "$tmp/workload.sh" "$tmp" "$ACCT2SYSLOG" \
    >"$tmp/workload.out" 2>&1 || :

ok "the workload went as planned" test ! -e "$tmp/fail"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/fail")" "$(cat "$tmp/daemon.err")"
# The oracle: every file, oldest first, read by dump-acct.
for f in pacct.3.gz pacct.2.gz pacct.1.gz pacct.0 pacct; do
	case $f in
	*.gz) gzip -dc "$tmp/acct/$f" >"$tmp/plain" ;;
	*) cp "$tmp/acct/$f" "$tmp/plain" ;;
	esac
	oracle_records "$tmp/plain"
done >"$tmp/oracle"
committed=$(sed -n 's/^offset=//p' "$tmp/state/state")
# pacct ends with records written after the last stop.
after=$(( $(wc -c <"$tmp/acct/pacct") / 64 - committed / 64 ))
head -n "$(($(wc -l <"$tmp/oracle") - after))" "$tmp/oracle" >"$tmp/want"
records "$tmp/out.kv" >"$tmp/got"
diag "$(wc -l <"$tmp/want") records in five files, $(wc -l <"$tmp/got") forwarded"
ok "every record of every file, exactly once, in order" cmp -s "$tmp/want" "$tmp/got"
[ "$tap_passed" = 1 ] || diag "$(diff "$tmp/want" "$tmp/got" | head -n 10)"
ok "seq is contiguous across the rotations and the restart" \
    seq_is_contiguous "$tmp/out.kv"
is "$(grep -c 'event="rotation"' "$tmp/out.kv")" 4 \
    "a rotation event for each file left behind (2 live, 2 after the restart)"
ok "rotation events name the file by its new name" \
    grep -q 'event="rotation".* file="[^"]*/pacct.0" new_file="[^"]*/pacct"' "$tmp/out.kv"
ok "the restart found its file among the rotated ones" \
    grep -q 'event="forwarder_start".*resumed [^ ]*pacct.1.gz at offset' "$tmp/out.kv"
ok "no gap was reported" sh -c "! grep -q 'event=\"gap\"' '$tmp/out.kv'"
done_testing
