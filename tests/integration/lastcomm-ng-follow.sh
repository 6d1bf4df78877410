#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng-follow.sh: --follow prints records as they are appended, waits
# for a record written in two pieces, and survives a rotation without
# losing what the kernel still wrote to the renamed file.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
require_acct_fields
make_tmpdir
fixture=$FIXTURES/real-v3.pacct
"$ACCT_FIELDS" "$fixture" | field pid > "$tmp/all-pids"

# records FIRST COUNT: COUNT records of the fixture from the FIRST-th (1-based).
records() {
	dd if="$fixture" bs=64 skip=$(($1 - 1)) count="$2" 2>/dev/null
}

# wait_lines N: until the output has N lines, for at most 10 s.
wait_lines() {
	i=0
	while [ "$(wc -l < "$tmp/out")" -lt "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

records 1 5 > "$tmp/pacct"
: > "$tmp/out"
: > "$tmp/err"
"$lastcomm" --follow -f "$tmp/pacct" --format kv >> "$tmp/out" 2>> "$tmp/err" &
follower=$!
trap 'kill $follower 2>/dev/null || true; tmp_cleanup' EXIT

wait_lines 5
is "$(wc -l < "$tmp/out" | tr -d ' ')" 5 "the records already there come first"

# A record in two writes: nothing half-decoded in between.
records 6 5 > "$tmp/more"
head -c 300 "$tmp/more" >> "$tmp/pacct"
wait_lines 9
sleep 0.6
is "$(wc -l < "$tmp/out" | tr -d ' ')" 9 "four whole records appended: four more lines, the fifth waits"
tail -c +301 "$tmp/more" >> "$tmp/pacct"
wait_lines 10
is "$(wc -l < "$tmp/out" | tr -d ' ')" 10 "its second half arrives: the fifth is printed"

# Rotation: renamed, still written to, then a new file.
mv "$tmp/pacct" "$tmp/pacct.0"
records 11 2 >> "$tmp/pacct.0"
sleep 0.6
records 13 3 > "$tmp/pacct"
wait_lines 15
sed -n 's/.* process_id=\([0-9]*\) .*/\1/p' "$tmp/out" > "$tmp/got"
head -n 15 "$tmp/all-pids" > "$tmp/want"
ok "after a rotation: every record once, in order (the old file's tail first)" \
    cmp -s "$tmp/got" "$tmp/want"
is "$(wc -c < "$tmp/err" | tr -d ' ')" 0 "nothing on stderr"
kill "$follower" 2>/dev/null || true
wait "$follower" 2>/dev/null || true

# The file's identity is that of what was opened, not of what the path
# names a moment later.  A FIFO holds lastcomm-ng in open(2) (the kernel
# waits for a writer); meanwhile the path is given a new file, and only
# then does the writer come.  Read by path, the identity was the new
# file's: the rotation was never seen and its records never shown.
if command -v mkfifo > /dev/null && [ -r /proc/self/wchan ]; then
	mkfifo "$tmp/fifo"
	: > "$tmp/out"
	"$lastcomm" --follow -f "$tmp/fifo" --format kv > "$tmp/out" 2>> "$tmp/err" &
	follower=$!
	i=0
	while [ "$(cat /proc/$follower/wchan 2>/dev/null)" != wait_for_partner ] &&
	    [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	mv "$tmp/fifo" "$tmp/fifo.old"
	records 16 4 > "$tmp/fifo"
	records 1 15 > "$tmp/fifo.old"
	wait_lines 19
	sed -n 's/.* process_id=\([0-9]*\) .*/\1/p' "$tmp/out" > "$tmp/got"
	head -n 19 "$tmp/all-pids" > "$tmp/want"
	ok "replaced while being opened: what was opened, then the new file" \
	    cmp -s "$tmp/got" "$tmp/want"
else
	skip "replaced while being opened" "needs mkfifo and /proc/PID/wchan"
fi
done_testing
