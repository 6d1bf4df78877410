#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng against GNU lastcomm on a 2,000,000-record v3 file: checks
# that both print the same bytes, then measures the targets of issue 3
# (full listing >= 20x, --user >= 50x, JSON >= 1,000,000 records/s, peak
# RSS < 16 MiB).  Run it from the top of a build tree:
#
#	cd build && sh ../bench/lastcomm.sh
#
# Environment: BUILD_DIR (the build tree, default .), BENCH_DIR (work dir,
# default $BUILD_DIR/bench/out; the generated files are cached there),
# LASTCOMM (GNU lastcomm, default lastcomm), RUNS (hyperfine runs, default
# 5), RECORDS (default 2000000), SEED (1), USERS (acct-gen --users, 20),
# BENCH_TZ (TZ for the main runs; unset by default, as on most servers).
set -eu

BUILD_DIR=${BUILD_DIR:-.}
BENCH_DIR=${BENCH_DIR:-$BUILD_DIR/bench/out}
ACCT_GEN=$BUILD_DIR/bench/acct-gen
NG=$BUILD_DIR/lastcomm-ng/lastcomm-ng
GNU=${LASTCOMM:-lastcomm}
RUNS=${RUNS:-5}
RECORDS=${RECORDS:-2000000}
SEED=${SEED:-1}
USERS=${USERS:-20}
TIME=/usr/bin/time

# With TZ unset, glibc's localtime(3) stats /etc/localtime on every call,
# and GNU lastcomm calls it once a record: that is how lastcomm runs on most
# machines, so the main runs leave TZ unset whatever the caller has.  One
# more pair runs with TZ=UTC to show the ratio without that cost.
unset TZ
if [ -n "${BENCH_TZ:-}" ]; then
	TZ=$BENCH_TZ
	export TZ
fi
LC_ALL=C
export LC_ALL

die()
{
	echo "lastcomm.sh: $*" >&2
	exit 1
}

for tool in "$ACCT_GEN" "$NG"; do
	[ -x "$tool" ] || die "$tool not found: run make in the build tree," \
	    "or set BUILD_DIR to it"
done
command -v "$GNU" >/dev/null 2>&1 ||
    die "$GNU not found: apt-get install acct (or set LASTCOMM)"
command -v hyperfine >/dev/null 2>&1 ||
    die "hyperfine not found: apt-get install hyperfine"
[ -x "$TIME" ] || die "$TIME not found: apt-get install time"

case $BENCH_DIR$BUILD_DIR in
*[[:space:]]*)
	die "hyperfine splits commands at blanks: use paths without them" ;;
esac
mkdir -p "$BENCH_DIR"

# Measure a copy, so that a rebuild during the run cannot change or remove
# the program half-way.
cp "$NG" "$BENCH_DIR/lastcomm-ng"
NG=$(cd "$BENCH_DIR" && pwd)/lastcomm-ng
SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
if REVISION=$(git -C "$SRC_DIR" describe --always --dirty 2>/dev/null); then
	echo "== source $SRC_DIR at $REVISION"
fi
echo "== $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo |
    sed 1q), Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $("$GNU" --version | sed 1q)"

# 1. The input, made once.  acct-gen takes the accounts of this machine
# (getpwent), so GNU lastcomm resolves the same names as lastcomm-ng.
# A file older than acct-gen is made again.
FILE=$BENCH_DIR/pacct-v3-r$RECORDS-s$SEED-u$USERS
GZ=$FILE.gz
USER_CACHE=$FILE.user
if [ ! -f "$FILE" ] || [ -n "$(find "$ACCT_GEN" -newer "$FILE")" ]; then
	echo "== generating $FILE"
	"$ACCT_GEN" --records "$RECORDS" --version 3 --seed "$SEED" \
	    --users "$USERS" -o "$FILE.tmp"
	mv "$FILE.tmp" "$FILE"
	rm -f "$GZ" "$USER_CACHE"
fi
if [ ! -f "$GZ" ]; then
	echo "== compressing $GZ"
	gzip -n -c "$FILE" >"$GZ.tmp"
	mv "$GZ.tmp" "$GZ"
fi

# The user for --user: of the uids with an account here, the one whose
# share of the records is closest to 1 %.
if [ ! -f "$USER_CACHE" ]; then
	echo "== choosing the --user account"
	"$NG" -f "$FILE" --format=kv |
	    awk '{
		if (match($0, / user_id=[0-9]+ /))
			count[substr($0, RSTART + 9, RLENGTH - 10)]++
		total++
	    }
	    END { for (uid in count) print uid, count[uid], total }' |
	    while read -r uid count total; do
		if name=$(getent passwd "$uid"); then
			echo "${name%%:*} $count $total"
		fi
	    done |
	    awk '{
		share = 100 * $2 / $3
		off = share > 1 ? share - 1 : 1 - share
		if (best == "" || off < best_off) {
			best = $1; best_off = off; best_share = share
			best_count = $2
		}
	    }
	    END {
		if (best != "")
			printf "%s %d %.2f\n", best, best_count, best_share
	    }' >"$USER_CACHE.tmp"
	[ -s "$USER_CACHE.tmp" ] || die "no record has a uid with an account here"
	mv "$USER_CACHE.tmp" "$USER_CACHE"
fi
read -r NAME NAME_COUNT NAME_SHARE <"$USER_CACHE"
echo "== $FILE: $RECORDS records, $(wc -c <"$FILE") bytes;" \
    ".gz $(wc -c <"$GZ") bytes"
echo "== --user $NAME: $NAME_COUNT records ($NAME_SHARE %)"

# 2. The same bytes, or the timings mean nothing.
check()
{
	label=$1
	shift
	"$GNU" -f "$FILE" "$@" >"$BENCH_DIR/gnu.out"
	"$NG" -f "$FILE" "$@" >"$BENCH_DIR/ng.out"
	if ! cmp "$BENCH_DIR/gnu.out" "$BENCH_DIR/ng.out"; then
		die "$label: outputs differ; see $BENCH_DIR/gnu.out and ng.out"
	fi
	echo "== $label: identical output ($(wc -l <"$BENCH_DIR/ng.out") lines)"
	rm -f "$BENCH_DIR/gnu.out" "$BENCH_DIR/ng.out"
}
check "full listing"
check "--user $NAME" --user "$NAME"

# 3. Timings: each pair in one hyperfine run, so the ratio comes from the
# same machine at the same time.  Output goes to /dev/null.
bench()
{
	name=$1
	shift
	echo "== hyperfine: $name"
	hyperfine -N --warmup 1 --runs "$RUNS" --output=null \
	    --export-json "$BENCH_DIR/$name.json" \
	    --export-markdown "$BENCH_DIR/$name.md" "$@"
}

# Mean time of the Nth command (1-based) of a hyperfine JSON export.
mean()
{
	awk -v want="$2" '/"mean":/ {
		if (++n == want) { sub(/.*"mean": */, ""); sub(/,.*/, ""); print }
	}' "$BENCH_DIR/$1.json"
}

bench full \
    -n "GNU lastcomm" "$GNU -f $FILE" \
    -n "lastcomm-ng" "$NG -f $FILE"
bench full-utc \
    -n "TZ=UTC GNU lastcomm" "env TZ=UTC $GNU -f $FILE" \
    -n "TZ=UTC lastcomm-ng" "env TZ=UTC $NG -f $FILE"
bench user \
    -n "GNU lastcomm --user $NAME" "$GNU -f $FILE --user $NAME" \
    -n "lastcomm-ng --user $NAME" "$NG -f $FILE --user $NAME"
bench formats \
    -n "lastcomm-ng --format=json" "$NG -f $FILE --format=json" \
    -n "lastcomm-ng --format=kv" "$NG -f $FILE --format=kv"

# 4. Peak RSS in KiB.  GNU lastcomm cannot read .gz.
rss()
{
	"$TIME" -f %M -o "$BENCH_DIR/rss" "$@" >/dev/null
	cat "$BENCH_DIR/rss"
}
RSS_BACK=$(rss "$NG" -f "$FILE")
RSS_BACK_GZ=$(rss "$NG" -f "$GZ")
RSS_FWD_GZ=$(rss "$NG" --forwards -f "$GZ")
RSS_JSON=$(rss "$NG" -f "$FILE" --format=json)
RSS_GNU=$(rss "$GNU" -f "$FILE")
rm -f "$BENCH_DIR/rss"

# 5. Summary.
GNU_FULL=$(mean full 1)
NG_FULL=$(mean full 2)
GNU_FULL_UTC=$(mean full-utc 1)
NG_FULL_UTC=$(mean full-utc 2)
GNU_USER=$(mean user 1)
NG_USER=$(mean user 2)
JSON=$(mean formats 1)
KV=$(mean formats 2)

awk -v gnu_full="$GNU_FULL" -v ng_full="$NG_FULL" \
    -v gnu_full_utc="$GNU_FULL_UTC" -v ng_full_utc="$NG_FULL_UTC" \
    -v gnu_user="$GNU_USER" -v ng_user="$NG_USER" \
    -v json="$JSON" -v kv="$KV" -v records="$RECORDS" -v name="$NAME" \
    -v rss_back="$RSS_BACK" -v rss_back_gz="$RSS_BACK_GZ" \
    -v rss_fwd_gz="$RSS_FWD_GZ" -v rss_json="$RSS_JSON" \
    -v rss_gnu="$RSS_GNU" '
function group(n,    s) {
	s = sprintf("%.0f", n)
	while (s ~ /[0-9][0-9][0-9][0-9]/)
		sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return s
}
function verdict(ok) { return ok ? "yes" : "NO" }
function row(what, measured, target, ok) {
	printf "| %s | %s | %s | %s |\n", what, measured, target, verdict(ok)
	if (!ok)
		failed++
}
BEGIN {
	full = gnu_full / ng_full
	user = gnu_user / ng_user
	json_rate = records / json
	kv_rate = records / kv
	rss_max = rss_back
	if (rss_back_gz > rss_max) rss_max = rss_back_gz
	if (rss_fwd_gz > rss_max) rss_max = rss_fwd_gz
	if (rss_json > rss_max) rss_max = rss_json

	print ""
	print "| measurement | GNU lastcomm | lastcomm-ng | ratio |"
	print "|---|---|---|---|"
	printf "| full listing | %.3f s | %.3f s | %.1fx |\n", \
	    gnu_full, ng_full, full
	printf "| full listing, TZ=UTC | %.3f s | %.3f s | %.1fx |\n", \
	    gnu_full_utc, ng_full_utc, gnu_full_utc / ng_full_utc
	printf "| --user %s | %.3f s | %.3f s | %.1fx |\n", \
	    name, gnu_user, ng_user, user
	printf "| --format=json | | %.3f s | %s records/s |\n", \
	    json, group(json_rate)
	printf "| --format=kv | | %.3f s | %s records/s |\n", \
	    kv, group(kv_rate)
	printf "| peak RSS, backward, plain | %s KiB | %s KiB | |\n", \
	    group(rss_gnu), group(rss_back)
	printf "| peak RSS, backward, .gz | | %s KiB | |\n", group(rss_back_gz)
	printf "| peak RSS, forward, .gz | | %s KiB | |\n", group(rss_fwd_gz)
	printf "| peak RSS, --format=json | | %s KiB | |\n", group(rss_json)
	print ""
	print "| target | measured | wanted | holds |"
	print "|---|---|---|---|"
	row("full listing", sprintf("%.1fx", full), ">= 20x", full >= 20)
	row("--user", sprintf("%.1fx", user), ">= 50x", user >= 50)
	row("JSON", group(json_rate) " records/s", ">= 1,000,000 records/s", \
	    json_rate >= 1000000)
	row("peak RSS", sprintf("%.1f MiB", rss_max / 1024), "< 16 MiB", \
	    rss_max < 16 * 1024)
	print ""
	if (failed)
		printf "%d of 4 targets missed.\n", failed
	else
		print "All 4 targets hold."
}'
echo "hyperfine exports: $BENCH_DIR/{full,full-utc,user,formats}.{json,md}"
