#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gnu-lastcomm.sh: lastcomm-ng's default output is GNU lastcomm's, byte for
# byte, on every fixture GNU reads correctly and on a generated file, for
# each option GNU has.  GNU lastcomm is the oracle.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
gen=$top_builddir/bench/acct-gen
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
command -v lastcomm > /dev/null || skip_all "GNU lastcomm is not installed (apt-get install acct)"
make_tmpdir

# same FILE DESCRIPTION ARGS...: GNU and ng print the same bytes.
same() {
	file=$1 desc=$2
	shift 2
	lastcomm "$@" -f "$file" > "$tmp/gnu" 2>&1 || true
	"$lastcomm" "$@" -f "$file" > "$tmp/ng" 2>&1 || true
	if [ ! -s "$tmp/gnu" ] && [ "$desc" != "${desc#*nothing}" ]; then
		:
	elif [ ! -s "$tmp/gnu" ]; then
		ok "$(basename "$file") $desc: GNU printed something to compare" false
		return
	fi
	ok "$(basename "$file") $desc ($(wc -l < "$tmp/gnu" | tr -d ' ') lines)" \
	    cmp -s "$tmp/gnu" "$tmp/ng"
	if ! cmp -s "$tmp/gnu" "$tmp/ng"; then
		diff "$tmp/gnu" "$tmp/ng" | head -n 6 | while read -r line; do
			diag "$line"
		done
	fi
}

# GNU cannot read its own 62-byte v1 files: those are checked elsewhere
# (gnu-dump-acct.sh, against the v3 original).
for f in real-v3 v0-le v0-be v2-le v2-be v3-le v3-be; do
	file=$FIXTURES/$f.pacct
	same "$file" "default"
	same "$file" "--pid" --pid
	same "$file" "-p" -p
	same "$file" "--forwards" --forwards
	same "$file" "--user root" --user root
	same "$file" "--user nobody" --user nobody
	same "$file" "--command fx-true" --command fx-true
	same "$file" "--tty pts/0" --tty pts/0
	same "$file" "positional fx-false" fx-false
	same "$file" "positional root fx-true (either)" root fx-true
	same "$file" "--strict-match --command --user" --strict-match --command fx-nobody --user nobody
	same "$file" "--strict-match, nothing matches" --strict-match --command fx-true --user nobody
done
for f in v0-le v2-be; do
	same "$FIXTURES/$f.pacct" "--ahz 64" --ahz 64
done

# Two files, and standard input.
lastcomm -f "$FIXTURES/v2-le.pacct" -f "$FIXTURES/real-v3.pacct" > "$tmp/gnu"
"$lastcomm" -f "$FIXTURES/v2-le.pacct" -f "$FIXTURES/real-v3.pacct" > "$tmp/ng"
ok "two -f files, in the order given" cmp -s "$tmp/gnu" "$tmp/ng"
lastcomm -f - < "$FIXTURES/v3-be.pacct" > "$tmp/gnu"
"$lastcomm" -f - < "$FIXTURES/v3-be.pacct" > "$tmp/ng"
ok "-f - reads standard input" cmp -s "$tmp/gnu" "$tmp/ng"

# A generated file: many users, commands, terminals and times.
if [ -x "$gen" ]; then
	for v in 3 2 0; do
		for order in "" --big-endian; do
			"$gen" --records 20000 --version $v $order --seed 7 \
			    --users 30 -o "$tmp/gen.pacct"
			name="generated v$v${order:+ big-endian}"
			cp "$tmp/gen.pacct" "$tmp/gen-v$v$order.pacct"
			same "$tmp/gen-v$v$order.pacct" "default"
			same "$tmp/gen-v$v$order.pacct" "--pid" --pid
			same "$tmp/gen-v$v$order.pacct" "-p --forwards" -p --forwards
			same "$tmp/gen-v$v$order.pacct" "--user root" --user root
			same "$tmp/gen-v$v$order.pacct" "positional sh bash" sh bash
		done
	done
else
	skip "generated files" "bench/acct-gen is not built"
fi

# Local time: GNU and ng read TZ the same way.
TZ=America/New_York lastcomm -f "$FIXTURES/real-v3.pacct" > "$tmp/gnu"
TZ=America/New_York "$lastcomm" -f "$FIXTURES/real-v3.pacct" > "$tmp/ng"
ok "TZ=America/New_York" cmp -s "$tmp/gnu" "$tmp/ng"

done_testing
