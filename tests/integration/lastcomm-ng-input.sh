#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng-input.sh: lastcomm-ng on good and bad input.
#
# Every bad input gives one line on stderr that names the file, the other
# files are still listed, nothing half-decoded reaches stdout, and the exit
# status says something was wrong.  Records are counted against GNU
# dump-acct's view of the same fixture (its saved output), an independent
# count.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
make_tmpdir
fixture=$FIXTURES/real-v3.pacct
n=$(wc -l < "$FIXTURES/expected/real-v3.dump-acct")

# lines OUTPUT: the number of lines in a file.
lines() {
	wc -l < "$1" | tr -d ' '
}

"$lastcomm" -f "$fixture" > "$tmp/out" 2> "$tmp/err"
is "$(lines "$tmp/out")" "$n" "a fixture lists as many records as dump-acct shows"
is "$(lines "$tmp/err")" 0 "and says nothing on stderr"

"$lastcomm" -f "$fixture" --forwards --format json > "$tmp/json"
is "$(grep -c '^{"@timestamp":.*}}$' "$tmp/json")" "$n" "--format json: one object a line"

gzip -c "$fixture" > "$tmp/fixture.gz"
"$lastcomm" -f "$tmp/fixture.gz" > "$tmp/gz"
ok ".gz lists exactly what the plain file lists" cmp -s "$tmp/gz" "$tmp/out"
"$lastcomm" -f - < "$tmp/fixture.gz" > "$tmp/stdin"
"$lastcomm" --forwards -f "$fixture" > "$tmp/fwd"
ok "-f - reads stdin (gzip too), in file order as GNU does" cmp -s "$tmp/stdin" "$tmp/fwd"

# A missing file among good ones: error line, the others still listed.
status=0
"$lastcomm" -f "$fixture" -f "$tmp/missing" -f "$fixture" \
    > "$tmp/out2" 2> "$tmp/err" || status=$?
is "$status" 1 "a missing file: exit status 1"
is "$(lines "$tmp/out2")" "$((2 * n))" "a missing file: the other files are listed"
is "$(cat "$tmp/err")" "lastcomm-ng: $tmp/missing: No such file or directory" \
    "a missing file: one line naming it"

status=0
"$lastcomm" -f "$tmp" > "$tmp/out2" 2> "$tmp/err" || status=$?
is "$status:$(lines "$tmp/out2")" "1:0" "a directory: exit 1, no output"
is "$(cat "$tmp/err")" "lastcomm-ng: $tmp: Is a directory" "a directory: one line naming it"

# Truncated copy: the whole records, then a line about the tail.
size=$(wc -c < "$fixture")
head -c "$((size - 20))" "$fixture" > "$tmp/cut"
status=0
"$lastcomm" -f "$tmp/cut" --forwards > "$tmp/out2" 2> "$tmp/err" || status=$?
is "$status:$(lines "$tmp/out2")" "1:$((n - 1))" "a truncated copy: the whole records, exit 1"
ok "a truncated copy: the short tail is named with its offset" \
    grep -q "^lastcomm-ng: $tmp/cut: offset $((size - 64)): 44 bytes at the end" "$tmp/err"

# Garbage in the middle: skipped, reported once, reading goes on.
{ head -c 640 "$fixture"; yes 'garbage!' | head -c 100; \
    tail -c +641 "$fixture"; } > "$tmp/garbled"
status=0
"$lastcomm" -f "$tmp/garbled" --forwards > "$tmp/out2" 2> "$tmp/err" || status=$?
is "$status:$(lines "$tmp/out2")" "1:$n" "garbage in the middle: every record, exit 1"
is "$(grep -c 'offset 640: skipped 100 bytes that are not accounting records' "$tmp/err")" 1 \
    "garbage in the middle: one line with offset and length"

# Not an accounting file at all.
status=0
"$lastcomm" -f "$top_srcdir/README.md" > "$tmp/out2" 2> "$tmp/err" || status=$?
is "$status:$(lines "$tmp/out2")" "1:0" "a text file: nothing listed, exit 1"
ok "a text file: said so" grep -q "README.md: offset 0: skipped .* bytes that are not accounting records" "$tmp/err"

# A corrupt gzip: the records before the damage, then the error.
head -c "$(($(wc -c < "$tmp/fixture.gz") - 30))" "$tmp/fixture.gz" > "$tmp/cut.gz"
status=0
"$lastcomm" -f "$tmp/cut.gz" --forwards > "$tmp/out2" 2> "$tmp/err" || status=$?
is "$status" 1 "a truncated .gz: exit 1"
ok "a truncated .gz: named, with the offset" \
    grep -q "^lastcomm-ng: $tmp/cut.gz: offset [0-9]*: corrupt or truncated gzip data$" "$tmp/err"

# Usage errors exit 1, as GNU lastcomm's do.
status=0
"$lastcomm" --no-such-option > /dev/null 2> "$tmp/err" || status=$?
is "$status" 1 "an unknown option: exit 1"
ok "an unknown option: usage on stderr" grep -q "^usage: lastcomm-ng" "$tmp/err"
status=0
"$lastcomm" --format xml > /dev/null 2> "$tmp/err" || status=$?
is "$status:$(cat "$tmp/err")" \
    "1:lastcomm-ng: --format xml: unknown format; use lastcomm, long, kv, json or csv" \
    "an unknown format: exit 1, one line"
status=0
"$lastcomm" --ahz 0 > /dev/null 2> "$tmp/err" || status=$?
is "$status" 1 "--ahz 0 is refused"

# Unreadable, checked as an unprivileged user (root reads anything).
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	cp "$fixture" "$tmp/secret"
	chmod 600 "$tmp/secret"
	chmod 755 "$tmp"
	status=0
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$lastcomm" -f "$tmp/secret" > /dev/null 2> "$tmp/err" || status=$?
	is "$status:$(cat "$tmp/err")" "1:lastcomm-ng: $tmp/secret: Permission denied" \
	    "an unreadable file: exit 1, one line naming it"
else
	skip "an unreadable file" "needs root and setpriv to test as another user"
fi

# A closed stdout is an error, not a silent truncation.
status=0
"$lastcomm" -f "$fixture" > /dev/full 2> "$tmp/err" || status=$?
is "$status" 1 "a full stdout: exit 1"
ok "a full stdout: said so" grep -q "standard output" "$tmp/err"

done_testing
