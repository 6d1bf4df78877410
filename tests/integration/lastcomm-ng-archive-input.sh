#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng-archive-input.sh: --archive reads every byte it is given.
#
# 1. --archive - (standard input) lists exactly what --archive FILE lists,
#    for every kind of archive (pacct, gzip'd pacct, syslog text, JSON
#    lines, gzip'd text), from a pipe, from a redirect, and from a pipe
#    that hands over one byte first: the bytes read to tell the kind are
#    not lost.  For pacct, GNU lastcomm -f - (which reads stdin in file
#    order too) is the oracle, byte for byte, and GNU dump-acct counts the
#    records.
# 2. A line longer than the reader's limit is skipped whole: a record
#    hidden behind another program's long line, where the old reader cut
#    the line, does not appear; one warning names the file and line.
# 3. A corrupt .gz archive ends with one error, never a loop.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
gen=$top_builddir/bench/acct-gen
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
[ -x "$ACCT2SYSLOG" ] || skip_all "acct2syslog is not built"
make_tmpdir

# The archives: 20000 records (1.3 MB of pacct: several read chunks),
# and what the daemon sends for them as JSON lines and as kv lines in a
# syslog file (rsyslog's RSYSLOG_FileFormat header).
"$gen" --records 20000 -o "$tmp/a.pacct"
gzip -c "$tmp/a.pacct" >"$tmp/a.pacct.gz"
mkdir "$tmp/st1" "$tmp/st2"
"$ACCT2SYSLOG" --config /dev/null --file "$tmp/a.pacct" --once \
    --state-dir "$tmp/st1" --sink stdout --format json \
    >"$tmp/a.json" 2>"$tmp/daemon.err"
"$ACCT2SYSLOG" --config /dev/null --file "$tmp/a.pacct" --once \
    --state-dir "$tmp/st2" --sink stdout --format kv 2>>"$tmp/daemon.err" |
    sed 's/^/2026-11-21T07:30:12.123456+00:00 web01 acct2syslog[123]: /' \
    >"$tmp/a.log"
gzip -c "$tmp/a.json" >"$tmp/a.json.gz"
gzip -c "$tmp/a.log" >"$tmp/a.log.gz"

# slow FILE: FILE's bytes through a pipe, the first one alone.
slow() {
	head -c 1 "$1"
	sleep 0.2
	tail -c +2 "$1"
}

for kind in a.pacct a.pacct.gz a.log a.json a.log.gz a.json.gz; do
	f=$tmp/$kind
	"$lastcomm" --archive "$f" --format kv >"$tmp/want" 2>"$tmp/err"
	is "$(wc -l <"$tmp/want" | tr -d ' '):$(wc -c <"$tmp/err" | tr -d ' ')" \
	    "20000:0" "$kind by name: 20000 records, nothing on stderr"
	st=0
	cat "$f" | "$lastcomm" --archive - --format kv >"$tmp/got" \
	    2>"$tmp/err" || st=$?
	ok "$kind from a pipe: the same records" cmp -s "$tmp/want" "$tmp/got"
	is "$st:$(cat "$tmp/err")" "0:" "$kind from a pipe: exit 0, silent"
	st=0
	"$lastcomm" --archive - --format kv <"$f" >"$tmp/got" 2>"$tmp/err" ||
	    st=$?
	ok "$kind from a redirect: the same records" cmp -s "$tmp/want" "$tmp/got"
	is "$st:$(cat "$tmp/err")" "0:" "$kind from a redirect: exit 0, silent"
	slow "$f" | "$lastcomm" --archive - --format kv >"$tmp/got" 2>"$tmp/err"
	ok "$kind from a pipe that gives one byte first: the same records" \
	    cmp -s "$tmp/want" "$tmp/got"
done

# pacct on stdin against GNU: lastcomm -f - reads stdin in file order.
if command -v lastcomm >/dev/null && command -v dump-acct >/dev/null; then
	for f in "$tmp/a.pacct" "$FIXTURES/real-v3.pacct"; do
		b=$(basename "$f")
		lastcomm -f - <"$f" >"$tmp/gnu"
		"$lastcomm" --archive - <"$f" >"$tmp/ng"
		ok "$b: --archive - < file is GNU lastcomm -f - byte for byte" \
		    cmp -s "$tmp/gnu" "$tmp/ng"
		cat "$f" | "$lastcomm" --archive - >"$tmp/ng"
		ok "$b: from a pipe too" cmp -s "$tmp/gnu" "$tmp/ng"
		gzip -c "$f" | "$lastcomm" --archive - >"$tmp/ng"
		ok "$b: gzip'd, from a pipe too" cmp -s "$tmp/gnu" "$tmp/ng"
		is "$(wc -l <"$tmp/ng" | tr -d ' ')" \
		    "$(dump-acct "$f" | wc -l | tr -d ' ')" \
		    "$b: as many records as GNU dump-acct shows"
	done
else
	skip "pacct on stdin against GNU lastcomm" "GNU acct is not installed"
fi

# A record behind a long line.  The old reader cut a line at its buffer
# (320 KiB) and parsed the rest as a line of its own; the new one skips
# any line over 64 KiB whole.  Records seq 3 and 5 are hidden behind
# 327680 and 70000 bytes of another program's text, seq 2 and 4 are not.
# pad N: N bytes of text without a newline.
pad() {
	head -c "$1" /dev/zero | tr '\000' x
}
for kind in json log; do
	src=$tmp/a.$kind
	{
		sed -n 2p "$src"
		pad 327680
		sed -n 3p "$src"
		sed -n 4p "$src"
		pad 70000
		sed -n 5p "$src"
		sed -n 6p "$src"
	} >"$tmp/smuggle.$kind"
	st=0
	"$lastcomm" --archive "$tmp/smuggle.$kind" --format kv \
	    >"$tmp/got" 2>"$tmp/err" || st=$?
	is "$(grep -o ' seq=[0-9]*' "$tmp/got" | tr -d '\n')" \
	    " seq=2 seq=4 seq=6" \
	    "$kind: a record behind a long line is not read"
	is "$st" 1 "$kind: a long line: exit status 1"
	is "$(cat "$tmp/err")" \
"lastcomm-ng: $tmp/smuggle.$kind:2: a line longer than 65536 bytes; skipped whole
lastcomm-ng: $tmp/smuggle.$kind:4: a line longer than 65536 bytes; skipped whole" \
	    "$kind: one warning a long line, naming file and line"
	cat "$tmp/smuggle.$kind" | "$lastcomm" --archive - --format kv \
	    >"$tmp/got" 2>"$tmp/err" || true
	is "$(grep -o ' seq=[0-9]*' "$tmp/got" | tr -d '\n')" \
	    " seq=2 seq=4 seq=6" "$kind from a pipe: the same"
done
# A long last line without a newline, and after it nothing.
{ sed -n 2p "$tmp/a.json"; pad 100000; } >"$tmp/tail.json"
st=0
"$lastcomm" --archive "$tmp/tail.json" --format kv >"$tmp/got" 2>"$tmp/err" ||
    st=$?
is "$st:$(wc -l <"$tmp/got" | tr -d ' '):$(cat "$tmp/err")" \
    "1:1:lastcomm-ng: $tmp/tail.json:2: a line longer than 65536 bytes; skipped whole" \
    "a long last line without a newline: skipped, named"

# A corrupt .gz archive: what came before, one error, and an end.
size=$(wc -c <"$tmp/a.json.gz")
head -c "$((size / 2))" "$tmp/a.json.gz" >"$tmp/cut.json.gz"
head -c 300 "$tmp/a.pacct.gz" >"$tmp/cut.pacct.gz"
for f in cut.json.gz cut.pacct.gz; do
	st=0
	timeout 60 "$lastcomm" --archive "$tmp/$f" --format kv >"$tmp/got" \
	    2>"$tmp/err" || st=$?
	is "$st:$(cat "$tmp/err")" \
	    "1:lastcomm-ng: $tmp/$f: corrupt or truncated gzip data" \
	    "$f: one error line and exit 1, no endless loop"
	ok "$f: the records before the damage are listed" test -s "$tmp/got"
done

done_testing
