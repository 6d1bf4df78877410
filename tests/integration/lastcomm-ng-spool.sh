#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng-spool.sh: reading newest first copies a .gz or a pipe to an
# unlinked file in $TMPDIR, and --max-spool caps that copy.  Past the cap:
# one line that names the file and suggests --forwards, exit 1, nothing
# listed, and no more written (an endless /dev/zero and a gzip bomb stop
# at the cap instead of filling the disk).  Under the cap, and with
# --forwards, everything is listed.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
gen=$top_builddir/bench/acct-gen
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
make_tmpdir
mkdir "$tmp/spool"
TMPDIR=$tmp/spool
export TMPDIR

"$gen" --records 20000 -o "$tmp/a.pacct"
gzip -c "$tmp/a.pacct" >"$tmp/a.gz"
"$lastcomm" -f "$tmp/a.pacct" >"$tmp/want"

# capped FILE SIZE DESCRIPTION [ARG...]: the cap is reached.
capped() {
	f=$1 size=$2 desc=$3
	shift 3
	st=0
	timeout 60 "$lastcomm" --max-spool "$size" -f "$f" "$@" >"$tmp/got" \
	    2>"$tmp/err" || st=$?
	is "$st:$(wc -c <"$tmp/got" | tr -d ' ')" "1:0" \
	    "$desc: exit 1, nothing listed"
	is "$(cat "$tmp/err")" "lastcomm-ng: $f: more than $size (--max-spool) to copy to a temporary file to read it newest first; use --forwards, or a larger --max-spool" \
	    "$desc: one line naming the file, suggesting --forwards"
}

capped "$tmp/a.gz" 100K "a 1.3 MB .gz, --max-spool 100K"
"$lastcomm" --max-spool 10M -f "$tmp/a.gz" >"$tmp/got"
ok "--max-spool 10M: the .gz is listed newest first" cmp -s "$tmp/want" "$tmp/got"
"$lastcomm" --max-spool 100K --forwards -f "$tmp/a.gz" >"$tmp/got"
is "$(wc -l <"$tmp/got" | tr -d ' ')" 20000 "--forwards: no spool, no cap"
"$lastcomm" --max-spool 1280000 -f "$tmp/a.gz" >"$tmp/got"
ok "a cap of exactly the size (bytes, no unit) is enough" cmp -s "$tmp/want" "$tmp/got"
capped "$tmp/a.gz" 1279999 "a cap one byte short"

# A pipe read newest first (through /dev/stdin: -f - reads in file order).
st=0
cat "$tmp/a.pacct" | "$lastcomm" --max-spool 64K -f /dev/stdin \
    >"$tmp/got" 2>"$tmp/err" || st=$?
is "$st" 1 "a pipe newest first past the cap: exit 1"
ok "a pipe: said so" grep -q "^lastcomm-ng: /dev/stdin: more than 64K (--max-spool)" "$tmp/err"

# Endless and explosive input stop at the cap.
capped /dev/zero 8M "/dev/zero (endless)"
head -c 300000000 /dev/zero | gzip -1 >"$tmp/bomb.gz"
diag "a gzip bomb of $(wc -c <"$tmp/bomb.gz") bytes for 300 MB"
capped "$tmp/bomb.gz" 16M "a gzip bomb"
is "$(find "$tmp/spool" -type f | wc -l | tr -d ' ')" 0 \
    "nothing is left behind in \$TMPDIR"

# Bad sizes are refused with one line.
for bad in 0 -1 10X 1KK ""; do
	st=0
	"$lastcomm" --max-spool "$bad" -f "$tmp/a.gz" >/dev/null 2>"$tmp/err" ||
	    st=$?
	is "$st:$(cat "$tmp/err")" "1:lastcomm-ng: --max-spool $bad: give a size of at least 1 byte, in bytes or with K, M or G after it (512M)" \
	    "--max-spool '$bad' is refused"
done

done_testing
