#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-rotation-errors.sh: what comes after a rotation is not always a
# file the daemon can read.  When the new accounting file is a directory,
# or mode 0600 root while the daemon runs as another user, the daemon says
# so (naming the file), keeps running without losing its position, and
# goes on with the file once it can be read (it once crashed: strcmp() on
# the NULL of forwarder_failing()).  And --once after a rotation to a new,
# empty file forwards what the old one still held and ends (it once
# waited for the new file's first record).  No kernel accounting here:
# the files are made by acct-gen and judged by GNU dump-acct.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
require_cmd dump-acct timeout
[ -x "$ACCT2SYSLOG" ] || bail_out "$ACCT2SYSLOG not built"
GEN=$top_builddir/bench/acct-gen
[ -x "$GEN" ] || bail_out "$GEN not built"
printf 'rotation_grace_ms = 200\nbatch_ms = 50\npoll_interval_ms = 100\nheartbeat_interval = 0\n' \
    >"$tmp/a2s.conf"
chmod 755 "$tmp"
chmod 644 "$tmp/a2s.conf"

# count FILE: the process_end lines of a kv file.
count() {
	grep -c '^event="process_end"' "$1" 2>/dev/null || true
}
has_count() {
	[ "$(count "$1")" -ge "$2" ]
}

# unreadable_case NAME AS MAKE_BAD MAKE_GOOD WHY: forward 20 records,
# rotate to a path MAKE_BAD makes unreadable (strerror WHY), then MAKE_GOOD
# makes it readable with 7 records; the daemon runs as AS ("" for root,
# else a command that runs it as uid 65534).
unreadable_case() {
	name=$1 as=$2 bad=$3 good=$4
	d=$tmp/$name
	mkdir -m 755 "$d" "$d/acct" "$d/state"
	"$GEN" --records 20 --seed 1 -o "$d/acct/pacct"
	chmod 644 "$d/acct/pacct"
	: >"$d/out.kv"
	# What the daemon writes is its user's.
	[ -z "$as" ] || chown 65534:65534 "$d/state" "$d/out.kv"
	$as "$ACCT2SYSLOG" --foreground --config "$tmp/a2s.conf" \
	    --file "$d/acct/pacct" --state-dir "$d/state" \
	    --sink "file:$d/out.kv" 2>"$d/err" &
	dpid=$!
	wait_for 20 has_count "$d/out.kv" 20 ||
	    diag "$name: the first 20 records did not come"
	mv "$d/acct/pacct" "$d/acct/pacct.0"
	$bad "$d/acct/pacct"
	# The grace period is 200 ms: the switch is tried several times.
	wait_for 10 grep -q "cannot read $d/acct/pacct" "$d/err" || true
	sleep 0.5
	ok "$name: the daemon keeps running" kill -0 "$dpid"
	ok "$name: it says it cannot read the new file, and why" \
	    grep -Eq "cannot read $d/acct/pacct \(for [0-9]+ s\).*nothing is lost: $5" \
	    "$d/err"
	$good "$d/acct/pacct"
	ok "$name: once the file can be read, its records follow" \
	    wait_for 20 has_count "$d/out.kv" 27
	ok "$name: and it says the file works again" \
	    grep -q "$d/acct/pacct works again after" "$d/err"
	kill -TERM "$dpid" 2>/dev/null || true
	wait "$dpid" && st=0 || st=$?
	is "$st" 0 "$name: exit status 0 on SIGTERM"
	{
		oracle_records "$d/acct/pacct.0"
		oracle_records "$d/acct/pacct"
	} >"$d/want"
	records "$d/out.kv" >"$d/got"
	ok "$name: every record of both files, once, in order" \
	    cmp -s "$d/got" "$d/want"
	ok "$name: seq is contiguous" seq_is_contiguous "$d/out.kv"
	ok "$name: a rotation event names the old file and the new" \
	    grep -q "^event=\"rotation\".*file=\"$d/acct/pacct.0\".*new_file=\"$d/acct/pacct\"" \
	    "$d/out.kv"
	[ "$tap_passed" = 1 ] || diag "stderr:" "$(cat "$d/err")"
}

make_dir() { mkdir "$1"; }
dir_to_file() { rmdir "$1"; "$GEN" --records 7 --seed 2 -o "$1"; }
unreadable_case directory "" make_dir dir_to_file "Is a directory"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	make_private() { "$GEN" --records 7 --seed 2 -o "$1"; chmod 600 "$1"; }
	make_public() { chmod 644 "$1"; }
	unreadable_case private \
	    "setpriv --reuid 65534 --regid 65534 --clear-groups" \
	    make_private make_public "Permission denied"
else
	skip "a file of mode 0600 after a rotation" \
	    "needs root and setpriv to run the daemon as another user"
fi

# --once after a rotation to an empty file.
d=$tmp/once
mkdir "$d" "$d/acct" "$d/state"
"$GEN" --records 20 --seed 1 -o "$d/acct/pacct"
"$ACCT2SYSLOG" --once --config "$tmp/a2s.conf" --file "$d/acct/pacct" \
    --state-dir "$d/state" --sink "file:$d/out.kv" 2>"$d/err1"
# The kernel wrote 5 more before it switched; the new file is empty.
"$GEN" --records 5 --seed 3 -o "$d/more"
cat "$d/more" >>"$d/acct/pacct"
mv "$d/acct/pacct" "$d/acct/pacct.0"
: >"$d/acct/pacct"
timeout 30 "$ACCT2SYSLOG" --once --config "$tmp/a2s.conf" \
    --file "$d/acct/pacct" --state-dir "$d/state" \
    --sink "file:$d/out.kv" 2>"$d/err2" && st=0 || st=$?
is "$st" 0 "--once after a rotation to an empty file: ends, exit 0"
oracle_records "$d/acct/pacct.0" >"$d/want"
records "$d/out.kv" >"$d/got"
ok "--once: every record of the rotated file, once, in order" \
    cmp -s "$d/got" "$d/want"
ok "--once: a rotation event to the empty file" \
    grep -q "^event=\"rotation\".*new_file=\"$d/acct/pacct\"" "$d/out.kv"
ok "--once: seq is contiguous over both runs" seq_is_contiguous "$d/out.kv"
[ "$tap_passed" = 1 ] || diag "stderr:" "$(cat "$d/err2")"

done_testing
