#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Remake the seed corpus of fuzz-pacct in fuzz/corpus/: a few records of
# each version and byte order, GNU acct's own conversions, gzip (one and two
# members, and cut short), a truncated file, a hole and garbage between
# records.  Deterministic: fixed seeds and --fixed-users.
#
# usage: fuzz/make-corpus.sh [path/to/acct-gen]
# Needs acct-gen (make -C bench), GNU acct's dump-acct and gzip.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
gen=${1:-}
if [ -z "$gen" ]; then
	for g in "$top/bench/acct-gen" "$top"/build*/bench/acct-gen; do
		if [ -x "$g" ]; then
			gen=$g
			break
		fi
	done
fi
if [ -z "$gen" ] || [ ! -x "$gen" ]; then
	echo "make-corpus.sh: acct-gen not found: build it (make -C bench)" \
	    "and give its path" >&2
	exit 1
fi
command -v dump-acct >/dev/null || {
	echo "make-corpus.sh: dump-acct not found: apt-get install acct" >&2
	exit 1
}

out=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
rm -f "$out"/*

gen() {
	"$gen" --fixed-users --users 6 --span 600 "$@"
}

# Each version in both byte orders; v1 is the 62-byte m68k layout.
for v in 0 1 2 3; do
	gen --version "$v" --records 4 --seed "1$v" -o "$out/v$v-le.pacct"
	gen --version "$v" --records 4 --seed "2$v" --big-endian \
	    -o "$out/v$v-be.pacct"
done

# What GNU acct writes when it converts a file (both id widths in v0).
gen --records 3 --seed 30 -o "$tmp/v3.pacct"
dump-acct --raw --format 0 "$tmp/v3.pacct" >"$out/gnu-v0.pacct"
dump-acct --raw --format 2 "$tmp/v3.pacct" >"$out/gnu-v2.pacct"

# gzip: one member, two members, and one cut short.
gen --records 6 --seed 40 -o "$tmp/a.pacct"
gen --records 3 --seed 41 -o "$tmp/b.pacct"
gzip -n -9 <"$tmp/a.pacct" >"$out/v3.pacct.gz"
{ gzip -n -1 <"$tmp/a.pacct"; gzip -n -1 <"$tmp/b.pacct"; } \
    >"$out/v3-members.pacct.gz"
size=$(wc -c <"$out/v3.pacct.gz")
head -c $((size - 11)) "$out/v3.pacct.gz" >"$out/v3-cut.pacct.gz"

# A tail shorter than a record: the kernel was writing when we looked.
head -c $((64 * 2 + 37)) "$tmp/a.pacct" >"$out/v3-truncated.pacct"

# A hole (zeros from a crash) and garbage between records.
{
	head -c 128 "$tmp/a.pacct"
	head -c 192 /dev/zero
	tail -c 128 "$tmp/a.pacct"
} >"$out/v3-hole.pacct"
{
	head -c 128 "$tmp/a.pacct"
	printf 'garbage, not a record\n'
	tail -c 192 "$tmp/a.pacct"
} >"$out/v3-garbage.pacct"
{
	head -c 64 "$tmp/a.pacct"
	head -c 62 "$out/v1-be.pacct"
	tail -c 64 "$tmp/a.pacct"
} >"$out/mixed-sizes.pacct"

# GNU acct must read what acct-gen wrote (it cannot read 62-byte v1).
check() {
	n=$(dump-acct "$@" | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "make-corpus.sh: dump-acct $* read nothing" >&2
		exit 1
	fi
}
for v in 0 2 3; do
	check --format "$v" "$out/v$v-le.pacct"
	check --format "$v" --byteswap "$out/v$v-be.pacct"
done
check --format 0 "$out/gnu-v0.pacct"
check --format 2 "$out/gnu-v2.pacct"

ls -l "$out"
