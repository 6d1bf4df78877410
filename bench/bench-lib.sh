# SPDX-License-Identifier: Apache-2.0
# bench-lib.sh: what the acct2syslog benchmarks share (POSIX sh, sourced
# after BENCH_NAME is set).  Run from the top of a build tree, or with
# BUILD_DIR set to it; work files go to BENCH_DIR (default bench/out of the
# build tree), which must be on a disk, not tmpfs, as a real deployment.
#
#	die MESSAGE		stop with an error (exit 1)
#	skip MESSAGE		stop, saying which prerequisite is missing
#				(exit 77, as automake's tests)
#	need_root WHAT		skip unless root
#	need_cmd CMD HOW	skip unless CMD is on PATH (HOW: how to get it)
#	need_exe FILE		die unless FILE was built
#	machine_note		the source revision, cores, CPU, kernel, load
#	copy_daemon		measure a copy of acct2syslog (sets DAEMON)
#	make_pacct N		a v3 file of N records, cached (sets PACCT)
#	now			CLOCK_REALTIME, seconds with nanoseconds
#	result KEY VALUE	one figure for daemon.sh ($BENCH_DIR/NAME.result)
#	group N			N rounded, with thousands separators

BUILD_DIR=${BUILD_DIR:-.}
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
BENCH_DIR=${BENCH_DIR:-$BUILD_DIR/bench/out}
SEED=${SEED:-1}
USERS=${USERS:-20}
LC_ALL=C
export LC_ALL BUILD_DIR BENCH_DIR

die() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

skip() {
	echo "$BENCH_NAME: SKIP: $*" >&2
	if [ -d "${BENCH_DIR:-}" ]; then
		echo "skipped=\"$*\"" >"$BENCH_DIR/$BENCH_NAME.result"
	fi
	exit 77
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root ($1)"
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 not found: $2"
}

need_exe() {
	[ -x "$1" ] || die "$1 not found: run make in the build tree," \
	    "or set BUILD_DIR to it"
}

# Blanks in paths would split hyperfine's and our command lines.
case $BENCH_DIR$BUILD_DIR in
*[[:space:]]*)
	die "use paths without blanks for BUILD_DIR and BENCH_DIR" ;;
esac
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
rm -f "$BENCH_DIR/$BENCH_NAME.result"

machine_note() {
	src=$(cd "$(dirname "$0")/.." && pwd)
	if rev=$(git -C "$src" describe --always --dirty 2>/dev/null); then
		echo "== source $src at $rev"
	fi
	echo "== $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' \
	    /proc/cpuinfo | sed 1q), Linux $(uname -r)," \
	    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "== BENCH_DIR $BENCH_DIR on" \
	    "$(findmnt -n -o FSTYPE,SOURCE -T "$BENCH_DIR" 2>/dev/null ||
	    stat -f -c %T "$BENCH_DIR")"
}

# A copy, so that a rebuild during the run changes nothing.
copy_daemon() {
	need_exe "$BUILD_DIR/acct2syslog/acct2syslog"
	cp "$BUILD_DIR/acct2syslog/acct2syslog" "$BENCH_DIR/acct2syslog.$$"
	mv "$BENCH_DIR/acct2syslog.$$" "$BENCH_DIR/acct2syslog"
	# shellcheck disable=SC2034 # used by the scripts that source this
	DAEMON=$BENCH_DIR/acct2syslog
}

# The file lastcomm.sh uses too (same name, same options): made once,
# again when acct-gen is newer.
make_pacct() {
	need_exe "$BUILD_DIR/bench/acct-gen"
	PACCT=$BENCH_DIR/pacct-v3-r$1-s$SEED-u$USERS
	if [ ! -f "$PACCT" ] ||
	    [ -n "$(find "$BUILD_DIR/bench/acct-gen" -newer "$PACCT")" ]; then
		echo "== generating $PACCT"
		"$BUILD_DIR/bench/acct-gen" --records "$1" --version 3 \
		    --seed "$SEED" --users "$USERS" -o "$PACCT.tmp"
		mv "$PACCT.tmp" "$PACCT"
	fi
}

now() {
	date +%s.%N
}

result() {
	echo "$1=\"$2\"" >>"$BENCH_DIR/$BENCH_NAME.result"
}

group() {
	awk -v n="$1" 'BEGIN {
		s = sprintf("%.0f", n)
		while (s ~ /[0-9][0-9][0-9][0-9]/)
			sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
		print s
	}'
}
