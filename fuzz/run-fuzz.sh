#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run one libFuzzer target of this folder for a fixed time, on a copy of
# its seed corpus and its regression inputs, and fail on any finding.
# "make run-fuzz" runs it for each target; run it by hand from the build's
# fuzz/ folder to fuzz one target longer.
#
# usage: run-fuzz.sh SRCDIR NAME SECONDS MAX_LEN [DICT]
#   runs ./fuzz-NAME on corpus-run-NAME/ (a copy of SRCDIR/corpus-NAME/
#   and SRCDIR/regress-NAME/; pacct's are SRCDIR/corpus/ and
#   SRCDIR/regress/), with the dictionary SRCDIR/DICT if given;
#   findings go to fuzz-findings/NAME-*.  FUZZ_FLAGS adds libFuzzer
#   options (e.g. FUZZ_FLAGS=-jobs=1 or -print_coverage=1).
set -u

if [ $# -ne 4 ] && [ $# -ne 5 ]; then
	echo "usage: run-fuzz.sh SRCDIR NAME SECONDS MAX_LEN [DICT]" >&2
	exit 2
fi
srcdir=$1 name=$2 secs=$3 max_len=$4 dict=
[ $# -eq 5 ] && dict=-dict=$srcdir/$5
if [ "$name" = pacct ]; then
	seeds=$srcdir/corpus regress=$srcdir/regress
else
	seeds=$srcdir/corpus-$name regress=$srcdir/regress-$name
fi
run=corpus-run-$name
rm -rf "$run"
mkdir -p "$run" fuzz-findings || exit 1
rm -f fuzz-findings/"$name"-*
for d in "$seeds" "$regress"; do
	[ -d "$d" ] || continue
	# Regression inputs keep their names: a seed of the same name is
	# overwritten by one that once failed, which is the one to keep.
	cp "$d"/* "$run"/ 2>/dev/null
done

echo "fuzz-$name: fuzzing for $secs s"
# shellcheck disable=SC2086
./fuzz-"$name" -max_total_time="$secs" -max_len="$max_len" -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=fuzz-findings/"$name"- $dict ${FUZZ_FLAGS:-} "$run"
rc=$?
if [ "$rc" -ne 0 ] || [ -n "$(ls fuzz-findings | grep "^$name-")" ]; then
	echo "fuzz-$name: FAILED (exit $rc); reproducers:"
	ls -l fuzz-findings/"$name"-* 2>/dev/null
	echo "replay one with: fuzz/fuzz-$name fuzz/fuzz-findings/FILE" \
	    "(or fuzz/replay-$name FILE in any build)"
	exit 1
fi
echo "fuzz-$name: no findings in $secs s"
