#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gnu-lastcomm-golden.sh: lastcomm-ng's default output against GNU lastcomm's, byte
# for byte, on the same files with the same options (docs/gnu-lastcomm-notes.md
# says what GNU does and why each case is here).
#
# Files: every fixture of tests/fixtures but v1 (GNU cannot read the 62-byte
# v1 records its own dump-acct writes), 20,000-record files from acct-gen
# (v3, v0 and v2 in both byte orders), a file of edge values made here
# (names, flags, ids, terminals, times, AHZ), and one of records GNU takes
# in its own odd ways (an all-zero slot, versions 4, 5 and 7).
#
# One test point per (file, options): stdout must be identical (cmp);
# stderr and the exit status are not compared, since lastcomm-ng reports
# errors where GNU stays silent.  On a mismatch the first differing lines
# are shown.  Both programs run under the same TZ, the same user and tty
# databases and the same stdin (the /dev scan follows /dev/stdin).
#
# Not compared, because GNU is broken there (see the notes):
#  * --strict-match with positional words: GNU requires each word to equal
#    the command, the user and the terminal at once, so it prints nothing;
#  * files whose size is not a multiple of 64 (a partial record at the end,
#    a v1 file): read backwards, GNU prints garbage and segfaults;
#  * a directory as -f: GNU prints all-zero records forever.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

gnu=${GNU_LASTCOMM:-$(command -v lastcomm || true)}
if [ -z "$gnu" ] || [ ! -x "$gnu" ]; then
	skip_all "GNU lastcomm (acct) not installed"
fi
case $("$gnu" --version 2>/dev/null) in
*"GNU Accounting Utilities"*) ;;
*) skip_all "$gnu is not GNU lastcomm" ;;
esac
lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
acct_gen=$top_builddir/bench/acct-gen
make_tmpdir
diag "oracle: $gnu ($("$gnu" --version))"

# A hanging program must not hang make check.
run_limit=
if command -v timeout >/dev/null 2>&1; then
	run_limit="timeout 30"
fi

# compare DESCRIPTION INPUT ARG...: one test point, both programs run with
# ARG... and INPUT on stdin; passed when their stdout is the same.
compare() {
	compare_desc=$1
	compare_input=$2
	shift 2
	# shellcheck disable=SC2086 # run_limit: a command and its argument
	$run_limit "$gnu" "$@" <"$compare_input" >"$tmp/gnu.out" \
	    2>"$tmp/gnu.err" || true
	if [ "${mask_controls:-}" = 1 ]; then
		# lastcomm-ng never prints raw control bytes (see the
		# man page): compare with GNU's, each such byte as '?'.
		LC_ALL=C tr '\000-\011\013-\037\177-\377' '[?*]' \
		    <"$tmp/gnu.out" >"$tmp/gnu.masked"
		mv "$tmp/gnu.masked" "$tmp/gnu.out"
	fi
	# shellcheck disable=SC2086
	$run_limit "$lastcomm" "$@" <"$compare_input" >"$tmp/ng.out" \
	    2>"$tmp/ng.err" || true
	ok "$compare_desc" cmp -s "$tmp/ng.out" "$tmp/gnu.out"
	if [ "$tap_passed" != 1 ]; then
		diag "lastcomm $*"
		diff "$tmp/gnu.out" "$tmp/ng.out" | head -n 8 | cat -v |
		    sed 's/^/# /' || true
		if [ -s "$tmp/ng.err" ]; then
			head -n 2 "$tmp/ng.err" | cat -v |
			    sed 's/^/# lastcomm-ng stderr: /'
		fi
	fi
}

# Columns of GNU's default line: command 1-16, user 24-31, tty 33-40.
# column FIRST LAST < LINES: that column of each line, blanks trimmed.
column() {
	awk -v first="$1" -v last="$2" '{
		value = substr($0, first, last - first + 1)
		sub(/^ +/, "", value)
		sub(/ +$/, "", value)
		print value
	}'
}

# pick_values FILE: set cmd, nouser and tty to values present in FILE as
# GNU shows it: the command "sh" if there is one (else the first plain
# name), the first user shown as a number (a uid without a name), the first
# terminal that is not cut to 8 columns.  Empty when there is none.
pick_values() {
	"$gnu" -f "$1" </dev/null >"$tmp/pick" 2>/dev/null || true
	if column 1 16 <"$tmp/pick" | grep -qx 'sh'; then
		cmd="sh"
	else
		cmd=$(column 1 16 <"$tmp/pick" | grep -m 1 -x '[A-Za-z0-9._-]\{1,\}' ||
		    true)
	fi
	nouser=$(column 24 31 <"$tmp/pick" | grep -m 1 -x -- '-\{0,1\}[0-9]\{1,7\}' ||
	    true)
	tty=$(column 33 40 <"$tmp/pick" | grep -m 1 -x '[A-Za-z0-9/]\{1,7\}' ||
	    true)
}

# compare_set NAME FILE SECOND [ahz]: the standard options on FILE (shown
# as NAME); SECOND is another file for -f FILE -f SECOND; "ahz" adds
# --ahz 64 (for v0/v2, whose records carry their own AHZ).
compare_set() {
	set_name=$1
	set_file=$2
	set_second=$3
	set_ahz=${4:-}
	pick_values "$set_file"
	diag "$set_name: command ${cmd:-(none)}, uid without a name ${nouser:-(none)}, terminal ${tty:-(none)}"

	compare "$set_name: no options" /dev/null -f "$set_file"
	compare "$set_name: --pid" /dev/null --pid -f "$set_file"
	compare "$set_name: -p" /dev/null -p -f "$set_file"
	compare "$set_name: -p --pid --forwards" /dev/null \
	    --forwards -p --pid -f "$set_file"
	compare "$set_name: --forwards" /dev/null --forwards -f "$set_file"
	mask_controls=1
	compare "$set_name: --print-controls (control bytes as ?)" /dev/null \
	    --print-controls -f "$set_file"
	mask_controls=
	compare "$set_name: --user root" /dev/null --user root -f "$set_file"
	compare "$set_name: positional root" /dev/null -f "$set_file" root
	compare "$set_name: --tty __" /dev/null --tty __ -f "$set_file"
	if [ -n "$nouser" ]; then
		compare "$set_name: --user $nouser (a uid without a name)" \
		    /dev/null --user "$nouser" -f "$set_file"
	else
		skip "$set_name: --user, a uid without a name" "none in the file"
	fi
	if [ -n "$cmd" ]; then
		compare "$set_name: --command $cmd" /dev/null \
		    --command "$cmd" -f "$set_file"
		compare "$set_name: positional $cmd" /dev/null \
		    -f "$set_file" "$cmd"
		compare "$set_name: --strict-match --command $cmd --user root" \
		    /dev/null --strict-match --command "$cmd" --user root \
		    -f "$set_file"
		compare "$set_name: --command $cmd --user root (either)" \
		    /dev/null --command "$cmd" --user root -f "$set_file"
	else
		skip "$set_name: --command" "no plain command name in the file"
		skip "$set_name: positional command" "no plain command name"
		skip "$set_name: --strict-match --command --user root" \
		    "no plain command name"
		skip "$set_name: --command --user root" "no plain command name"
	fi
	if [ -n "$cmd" ] && [ -n "$nouser" ]; then
		compare "$set_name: positionals $cmd $nouser" /dev/null \
		    -f "$set_file" "$cmd" "$nouser"
	else
		skip "$set_name: two positionals" "no plain command or no uid without a name"
	fi
	if [ -n "$tty" ]; then
		compare "$set_name: --tty $tty" /dev/null --tty "$tty" \
		    -f "$set_file"
	else
		skip "$set_name: --tty" "no terminal in the file"
	fi
	if [ "$set_ahz" = ahz ]; then
		compare "$set_name: --ahz 64" /dev/null --ahz 64 -f "$set_file"
	fi
	compare "$set_name: -f FILE -f $(basename "$set_second")" /dev/null \
	    -f "$set_file" -f "$set_second"
	compare "$set_name: -f - (stdin)" "$set_file" -f -
	# GNU with --strict-match and positional words prints nothing: not
	# compared (see the notes).
}

# --- Fixtures: real kernel records in every version and byte order -----

for fixture in "$FIXTURES"/*.pacct; do
	name=$(basename "$fixture" .pacct)
	case $name in
	v1-*)
		skip "$name: GNU lastcomm on a v1 file" \
		    "GNU reads its own 62-byte v1 records in 64-byte slots (garbage, then a crash)"
		continue
		;;
	v0-* | v2-*) ahz=ahz ;;
	*) ahz= ;;
	esac
	second=$FIXTURES/real-v3.pacct
	[ "$name" != real-v3 ] || second=$FIXTURES/v0-be.pacct
	compare_set "$name" "$fixture" "$second" "$ahz"
done

# --- Generated: 20,000 records of a busy server --------------------------

if [ -x "$acct_gen" ]; then
	for variant in 3-le 0-le 0-be 2-le 2-be; do
		version=${variant%-*}
		endian=
		[ "${variant#*-}" = le ] || endian=--big-endian
		# shellcheck disable=SC2086 # endian: one word or none
		"$acct_gen" --records 20000 --version "$version" $endian \
		    --fixed-users -o "$tmp/gen-v$variant.pacct"
		ahz=
		[ "$version" = 3 ] || ahz=ahz
		compare_set "gen-v$variant" "$tmp/gen-v$variant.pacct" \
		    "$FIXTURES/real-v3.pacct" "$ahz"
	done
	# Local time: a US zone, over a daylight saving change.
	if [ -f /usr/share/zoneinfo/America/New_York ]; then
		"$acct_gen" --records 20000 --version 3 --fixed-users \
		    --start 1699000000 --span 259200 -o "$tmp/gen-dst.pacct"
		TZ=America/New_York
		compare "gen-dst: TZ=America/New_York, across the end of DST" \
		    /dev/null -f "$tmp/gen-dst.pacct"
		compare "gen-dst: TZ=America/New_York, -p --pid" \
		    /dev/null -p --pid -f "$tmp/gen-dst.pacct"
		TZ=UTC
	else
		skip "gen-dst: TZ=America/New_York" "no zoneinfo"
		skip "gen-dst: TZ=America/New_York, -p --pid" "no zoneinfo"
	fi
else
	skip "generated files" "$acct_gen not built"
fi

# --- Edge values, in records made here -----------------------------------

# bytes N...: the bytes with these values (no subshell per byte).
bytes() {
	for bytes_value in "$@"; do
		# shellcheck disable=SC2059 # the format is the octal escape
		printf "\\$((bytes_value / 64))$((bytes_value / 8 % 8))$((bytes_value % 8))"
	done
}

# u16 BE N, u32 BE N: N in 2 or 4 bytes, big-endian when BE is 1.
u16() {
	if [ "$1" = 1 ]; then
		bytes $(($2 >> 8 & 255)) $(($2 & 255))
	else
		bytes $(($2 & 255)) $(($2 >> 8 & 255))
	fi
}
u32() {
	if [ "$1" = 1 ]; then
		u16 1 $(($2 >> 16 & 65535))
		u16 1 $(($2 & 65535))
	else
		u16 0 $(($2 & 65535))
		u16 0 $(($2 >> 16 & 65535))
	fi
}

# name_field FORMAT WIDTH: printf FORMAT, NUL-padded or cut to WIDTH bytes.
name_field() {
	# shellcheck disable=SC2059 # FORMAT holds the escapes of the name
	{ printf "$1"; head -c "$2" /dev/zero; } | head -c "$2"
}

# v3 FLAG TTY UID PID BTIME UTIME STIME MINFLT NAME: a v3 little-endian
# record; times and counts are raw comp_t values.  The version byte is
# $v3_version (3 unless set, to make GNU's odd versions in the same layout).
v3_version=3
v3() {
	bytes "$1" "$v3_version"
	u16 0 "$2"
	u32 0 0			# exit code
	u32 0 "$3"		# uid
	u32 0 0			# gid
	u32 0 "$4"		# pid
	u32 0 1			# ppid
	u32 0 "$5"		# btime
	u32 0 0			# etime, float 0.0
	u16 0 "$6"		# utime
	u16 0 "$7"		# stime
	u16 0 2500		# mem
	u16 0 0			# io
	u16 0 0			# rw
	u16 0 "$8"		# minflt
	u16 0 "$8"		# majflt
	u16 0 "$8"		# swaps
	name_field "$9" 16
}

# v02 VERSION BE UID16 UID32 TTY AHZ UTIME NAME: a v0 or v2 record.
v02() {
	bytes 0 $(($1 | $2 * 128))
	u16 "$2" "$3"		# uid16
	u16 "$2" 0		# gid16
	u16 "$2" "$5"		# tty
	u32 "$2" 1700000000	# btime
	u16 "$2" "$7"		# utime
	u16 "$2" 3		# stime
	u16 "$2" 0		# etime
	u16 "$2" 100		# mem
	u16 "$2" 0		# io
	u16 "$2" 0		# rw
	u16 "$2" 7		# minflt
	u16 "$2" 1		# majflt
	u16 "$2" 0		# swaps
	u16 "$2" "$6"		# ahz
	u32 "$2" 0		# exit code
	name_field "$8" 17
	bytes 0			# etime_hi
	u16 "$2" 0		# etime_lo
	u32 "$2" "$4"		# uid
	u32 "$2" 0		# gid
}

{
	# Names: 16 bytes with no NUL, empty, bytes GNU shows as '?',
	# a NUL inside.
	v3 255 0 4294967295 4294967295 1700000000 1 2 5 '0123456789abcdef'
	v3 0 0 123456789 2 1700000059 0 0 0 ''
	v3 2 0 0 3 1700000100 0 0 0 'a\tb\351\377 \177~\033'
	v3 1 0 0 4 1700000200 0 0 0 'ab\000cd'
	# Terminals: none known, cut at 8 columns, pts computed, vt.
	v3 16 $((254 << 8 | 7)) 0 5 1700000300 0 0 0 'tty-unknown'
	v3 8 $((255 << 8 | 255)) 0 6 1700000400 0 0 0 'tty-cut'
	v3 4 $((137 << 8 | 5)) 0 7 1700000500 0 0 0 'tty-pts261'
	v3 24 $((4 << 8 | 1)) 0 8 1700000600 0 0 0 'tty-vt1'
	# Times: the largest comp_t, printf rounding; dates at the limits.
	v3 0 0 0 9 4294967295 65535 65535 65535 'max-comp'
	v3 0 0 0 10 2147483648 5 0 8191 'after-2038'
	v3 0 0 0 11 0 1 0 0 'epoch'
	# v0/v2: AHZ from the record or, when 0, --ahz; which uid field.
	v02 2 0 0 1000 0 0 7 'v2-ahz0'
	v02 2 1 0 0 0 8 5 'v2-ahz8-be'
	v02 2 0 1000 0 0 64 1 'v2-uid16-only'
	v02 0 0 4464 70000 0 100 1 'v0-uid-high'
	v02 0 1 5 131079 0 100 1 'v0-uid-mismatch'
	v02 0 0 0 0 $((4 << 8 | 65)) 0 3 '0123456789abcdefg'
} >"$tmp/edge.pacct"

edge=$tmp/edge.pacct
if [ "$(wc -c <"$edge")" -ne $((17 * 64)) ]; then
	bail_out "edge.pacct is $(wc -c <"$edge") bytes, not 17 records"
fi
compare "edge: no options" /dev/null -f "$edge"
compare "edge: --pid" /dev/null --pid -f "$edge"
compare "edge: -p" /dev/null -p -f "$edge"
mask_controls=1
compare "edge: --print-controls (control bytes as ?)" /dev/null \
    --print-controls -f "$edge"
mask_controls=
compare "edge: --forwards --ahz 10" /dev/null --forwards --ahz 10 -f "$edge"
compare "edge: --user -1 (uid 4294967295)" /dev/null --user -1 -f "$edge"
compare "edge: --user 123456789 (shown cut to 8)" /dev/null \
    --user 123456789 -f "$edge"
compare "edge: --tty [255,255] (shown cut to 8)" /dev/null \
    --tty '[255,255]' -f "$edge"
compare "edge: --tty pts/261" /dev/null --tty pts/261 -f "$edge"
compare "edge: --command with 16 bytes" /dev/null \
    --command 0123456789abcdef -f "$edge"
compare "edge: --command with a tab (raw bytes match)" /dev/null \
    --command "$(printf 'a\tb\351\377 \177~\033')" -f "$edge"
compare "edge: --strict-match --user root --tty __" /dev/null \
    --strict-match --user root --tty __ -f "$edge"

# --- Records GNU takes in its own way ------------------------------------

# An all-zero slot is a v0 record to GNU; version 4 reads as v3 without a
# pid; version 5 is skipped silently, 7 with a line on stderr.
{
	v3 0 0 0 20 1700000000 0 0 0 'before'
	head -c 64 /dev/zero
	v3_version=4
	v3 0 0 0 21 1700000000 0 0 0 'version-4'
	v3_version=5
	v3 0 0 0 22 1700000000 0 0 0 'version-5'
	v3_version=7
	v3 0 0 0 23 1700000000 0 0 0 'version-7'
	v3_version=3
	v3 0 0 0 24 1700000000 0 0 0 'after'
} >"$tmp/quirks.pacct"
if [ "$(wc -c <"$tmp/quirks.pacct")" -ne $((6 * 64)) ]; then
	bail_out "quirks.pacct is $(wc -c <"$tmp/quirks.pacct") bytes, not 6 records"
fi
# lastcomm-ng differs here on purpose (see the man page): the all-zero
# slot and versions 4..7 are not records; they are skipped and reported,
# never printed as processes.
status=0
"$lastcomm" -f "$tmp/quirks.pacct" >"$tmp/ng.out" 2>"$tmp/ng.err" || status=$?
is "$(column 1 16 <"$tmp/ng.out" | tr '\n' ' ')" "after before " \
    "quirks: only the real records are listed"
ok "quirks: the slots that are not records are reported, exit 1" \
    sh -c "[ $status -eq 1 ] && grep -q 'skipped 256 bytes that are not accounting records' '$tmp/ng.err'"

done_testing
