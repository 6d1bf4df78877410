#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gnu-dump-acct.sh: our decoder against GNU acct's dump-acct, the oracle,
# on the fixtures of tests/fixtures (real kernel records, converted by
# dump-acct to every version and byte order; see its README.md).
#
#  1. acct-fields --gnu prints each fixture exactly as dump-acct does: every
#     column dump-acct decodes right is compared (see print_gnu() in
#     tools/acct-fields.c for the presentation it mirrors).  Without
#     dump-acct installed, its output recorded when the fixtures were made
#     is the oracle.
#  2. The facts known from how the fixtures were made hold (real-v3.facts),
#     including those dump-acct cannot show: the signal, the core bit.
#  3. Every version and byte order decodes to the same facts as the
#     kernel's own v3 file, field by field, for each field the conversion
#     keeps.  This is also how v1 is checked, since dump-acct cannot read
#     the v1 records it writes.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

[ -f "$FIXTURES/real-v3.pacct" ] ||
    skip_all "no fixtures: run tests/fixtures/make-fixtures.sh"
require_acct_fields
make_tmpdir

if [ -n "$DUMP_ACCT" ] && [ -x "$DUMP_ACCT" ]; then
	diag "oracle: $DUMP_ACCT"
else
	DUMP_ACCT=
	diag "dump-acct not found: the oracle is its output recorded in" \
	    "tests/fixtures/expected when the fixtures were made"
fi

# oracle NAME: dump-acct's text for fixture NAME, live or recorded.
oracle() {
	if [ -n "$DUMP_ACCT" ]; then
		"$DUMP_ACCT" "$FIXTURES/$1.pacct"
	else
		cat "$FIXTURES/expected/$1.dump-acct"
	fi
}

# same_output DESCRIPTION GOT WANT: one test point, a diff when they differ.
same_output() {
	ok "$1" cmp -s "$2" "$3"
	if [ "$tap_passed" != 1 ]; then
		diff -u "$3" "$2" | head -n 20 | cat -A | sed 's/^/# /'
	fi
}

# reverse_lines: the input, last line first (tac is not POSIX).
reverse_lines() {
	awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }'
}

# --- 1. The oracle comparison, one test point per fixture ---------------

for name in real-v3 v0-le v0-be v2-le v2-be v3-le v3-be; do
	oracle "$name" >"$tmp/$name.gnu"
	"$ACCT_FIELDS" --gnu "$FIXTURES/$name.pacct" >"$tmp/$name.ours"
	same_output "$name: acct-fields --gnu prints what dump-acct prints" \
	    "$tmp/$name.ours" "$tmp/$name.gnu"
done

# GNU writes v1 as 62-byte records (the m68k layout) but reads every
# version in 64-byte slots, so it cannot read its own v1 output past the
# first record.  Check that this is still so: if a later dump-acct reads
# v1, compare it like the others.  Our v1 decode is checked in part 3.
for name in v1-le v1-be; do
	"$ACCT_FIELDS" --gnu "$FIXTURES/$name.pacct" >"$tmp/$name.ours"
	if [ -z "$DUMP_ACCT" ]; then
		skip "$name: acct-fields --gnu prints what dump-acct prints" \
		    "dump-acct not installed (none recorded: it misreads v1)"
		continue
	fi
	"$DUMP_ACCT" "$FIXTURES/$name.pacct" >"$tmp/$name.gnu" 2>/dev/null
	if cmp -s "$tmp/$name.ours" "$tmp/$name.gnu"; then
		ok "$name: acct-fields --gnu prints what dump-acct prints" true
	elif [ "$(head -n 1 "$tmp/$name.ours")" = \
	    "$(head -n 1 "$tmp/$name.gnu")" ]; then
		# The first record is at offset 0 in both readings.
		skip "$name: acct-fields --gnu prints what dump-acct prints" \
		    "dump-acct misreads its own 62-byte v1 records after the first"
	else
		ok "$name: first record as dump-acct prints it" false
		diff -u "$tmp/$name.gnu" "$tmp/$name.ours" | head -n 5 |
		    sed 's/^/# /'
	fi
done

# The reader's other paths, same oracle: backwards, stdin, gzip.
reverse_lines <"$tmp/real-v3.gnu" >"$tmp/reversed.gnu"
"$ACCT_FIELDS" --gnu -r "$FIXTURES/real-v3.pacct" >"$tmp/reversed.ours"
same_output "real-v3 read backwards (-r): the records in reverse order" \
    "$tmp/reversed.ours" "$tmp/reversed.gnu"
"$ACCT_FIELDS" --gnu - <"$FIXTURES/real-v3.pacct" >"$tmp/stdin.ours"
same_output "real-v3 from standard input (-)" \
    "$tmp/stdin.ours" "$tmp/real-v3.gnu"
if command -v gzip >/dev/null 2>&1; then
	gzip -c "$FIXTURES/real-v3.pacct" >"$tmp/real-v3.pacct.gz"
	"$ACCT_FIELDS" --gnu "$tmp/real-v3.pacct.gz" >"$tmp/gz.ours"
	same_output "real-v3 gzip-compressed" "$tmp/gz.ours" "$tmp/real-v3.gnu"
	"$ACCT_FIELDS" --gnu -r - <"$tmp/real-v3.pacct.gz" >"$tmp/gz-r.ours"
	same_output "real-v3 gzip-compressed on stdin, backwards" \
	    "$tmp/gz-r.ours" "$tmp/reversed.gnu"
else
	skip "real-v3 gzip-compressed" "gzip not found"
	skip "real-v3 gzip-compressed on stdin, backwards" "gzip not found"
fi

# --- 2. Facts known from the workload -----------------------------------

"$ACCT_FIELDS" "$FIXTURES/real-v3.pacct" >"$tmp/real-v3.fields"
while read -r comm values; do
	case $comm in
	'#'* | '')
		continue
		;;
	esac
	# shellcheck disable=SC2086 # values: key=value words, no blanks
	ok "real-v3: a record comm=$comm has $values" \
	    test -n "$(select_records "$tmp/real-v3.fields" "comm=$comm" \
	    $values)"
	if [ "$tap_passed" != 1 ]; then
		select_records "$tmp/real-v3.fields" "comm=$comm" |
		    sed 's/^/# found: /'
	fi
done <"$FIXTURES/real-v3.facts"

# shellcheck disable=SC2317 # functions below run through ok()
# gnu_exit_column COMM: the exit column of dump-acct's first line for
# COMM (a plain name), blanks removed.
gnu_exit_column() {
	awk -F '|' -v comm="$1" '{
		name = $1
		sub(/ +$/, "", name)
		if (name == comm) {
			gsub(/ /, "", $13)
			print $13
			exit
		}
	}' "$tmp/real-v3.gnu"
}

# gnu_loses COMM SIGNAL: we decode SIGNAL where dump-acct says exit 0.
# shellcheck disable=SC2317
gnu_loses() {
	[ -n "$(select_records "$tmp/real-v3.fields" "comm=$1" \
	    "signal=$2" exit_code=0)" ] &&
	    [ "$(gnu_exit_column "$1")" = 0 ]
}
ok "fx-sigkill: signal=9 decoded; dump-acct's exit column shows just 0" \
    gnu_loses fx-sigkill 9
ok "fx-sigterm: signal=15 decoded; dump-acct's exit column shows just 0" \
    gnu_loses fx-sigterm 15
if grep -q '^fx-core .*core_dumped=1' "$FIXTURES/real-v3.facts"; then
	ok "fx-core: signal=11 and core_dumped=1 decoded; dump-acct shows 0" \
	    gnu_loses fx-core 11
else
	skip "fx-core: signal=11 and core_dumped=1 decoded; dump-acct shows 0" \
	    "no core was dumped when the fixtures were made (real-v3.about)"
fi
# ACORE in ac_flag is not "dumped core": this kernel sets it for every
# core-dumping signal, even when RLIMIT_CORE is 0 and nothing is written.
# Only the wait status's 0x80 says a core was dumped.
nocore_flags=$(select_records "$tmp/real-v3.fields" comm=fx-nocore |
    field flags | head -n 1)
if [ $((${nocore_flags:-0} & 0x08)) -ne 0 ]; then
	ok "fx-nocore: core_dumped=0 although ac_flag has ACORE ('D' in dump-acct)" \
	    test -n "$(select_records "$tmp/real-v3.fields" comm=fx-nocore \
	    core_dumped=0 signal=11)"
else
	skip "fx-nocore: core_dumped=0 although ac_flag has ACORE" \
	    "the recording kernel did not set ACORE without a core"
fi

# --- 3. Every variant decodes to the facts of the original --------------

# compare_variant FILE VERSION BIG_ENDIAN: mismatches against real-v3, one
# per line; nothing when every kept field is equal.  The conversion keeps
# all but pid/ppid (v3 only) and etime, which v0/v1/v2 store as comp_t or
# comp2_t: it must agree to rounding (half a tick, or 1/512 relative).
compare_variant() {
	"$ACCT_FIELDS" "$1" >"$tmp/variant.fields"
	awk -v version="$2" -v big_endian="$3" '
	function parse(line, into,    n, i, kv, eq) {
		n = split(line, kv, " ")
		for (i = 1; i <= n; i++) {
			eq = index(kv[i], "=")
			into[substr(kv[i], 1, eq - 1)] = substr(kv[i], eq + 1)
		}
	}
	function abs(x) { return x < 0 ? -x : x }
	NR == FNR { want[FNR] = $0; wanted = FNR; next }
	{
		got_count = FNR
		if (!(FNR in want)) {
			print "record " FNR ": not in real-v3"
			next
		}
		split("", w)
		split("", g)
		parse(want[FNR], w)
		parse($0, g)
		if (g["version"] != version || g["big_endian"] != big_endian)
			print "record " FNR ": version=" g["version"] \
			    " big_endian=" g["big_endian"]
		nkeep = split("comm uid gid tty start_time wait_status " \
		    "exit_code signal core_dumped flags ahz user_ticks " \
		    "sys_ticks mem_kib io_chars io_blocks minflt majflt swaps",
		    keep, " ")
		if (version == 3)
			keep[++nkeep] = "pid"
		if (version == 3)
			keep[++nkeep] = "ppid"
		for (i = 1; i <= nkeep; i++)
			if (g[keep[i]] != w[keep[i]])
				print "record " FNR " (" w["comm"] "): " \
				    keep[i] "=" g[keep[i]] ", want " w[keep[i]]
		if (version != 3 && (g["pid"] != 0 || g["ppid"] != 0))
			print "record " FNR ": pid/ppid in a v" version " record"
		e = w["elapsed_ticks"] + 0
		if (abs(g["elapsed_ticks"] - e) > 0.5 + e / 512)
			print "record " FNR " (" w["comm"] "): elapsed_ticks=" \
			    g["elapsed_ticks"] ", want about " e
	}
	END {
		if (got_count != wanted)
			print got_count + 0 " records, want " wanted
	}' "$tmp/real-v3.fields" "$tmp/variant.fields"
}

for name in v0-le v0-be v1-le v1-be v2-le v2-be v3-le v3-be; do
	version=${name#v}
	version=${version%-*}
	big_endian=0
	[ "${name#*-}" = be ] && big_endian=1
	compare_variant "$FIXTURES/$name.pacct" "$version" "$big_endian" \
	    >"$tmp/mismatches"
	ok "$name: every record decodes to the facts of real-v3" \
	    test ! -s "$tmp/mismatches"
	head -n 10 "$tmp/mismatches" | sed 's/^/# /'
done

# --- The tool's own contract --------------------------------------------

set +e
"$ACCT_FIELDS" "$tmp/does-not-exist" >"$tmp/out" 2>"$tmp/err"
status=$?
set -e
is "$status $(cat "$tmp/err")" \
    "1 acct-fields: $tmp/does-not-exist: No such file or directory" \
    "acct-fields: a missing file is one line on stderr and exit 1"

done_testing
