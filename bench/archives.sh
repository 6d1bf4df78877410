#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng reading what acct2syslog forwarded, against the targets of
# the issue: a syslog text archive >= 500,000 lines/s, JSON lines
# >= 1,000,000 lines/s, the journal with a field match >= 100,000
# entries/s.  Run it from the top of a build tree (as root for the
# journal part):
#
#	cd build && sh ../bench/archives.sh
#
# A v3 file of RECORDS records (acct-gen) goes through acct2syslog --once
# --sink stdout, in kv and in JSON (fresh state directories).  The kv
# lines get an rsyslog RSYSLOG_FileFormat header
# ("2026-11-21T07:30:12.123456+00:00 web01 acct2syslog[123]: "): that is
# the syslog text archive.  hyperfine then times lastcomm-ng --archive on
# both with --user nosuchuser (every line parsed, none printed), and for
# information with --format kv to /dev/null (every line parsed and
# printed).  lines/s = lines of the file / mean time.
#
# The journal part runs only as root where unshare --mount works: in a
# private mount namespace, tmpfs over /run, a journald of its own
# (Storage=volatile, RateLimitIntervalSec=0, as journal.sh), fed
# JOURNAL_RECORDS records by acct2syslog --sink journal; then lastcomm-ng
# --journal-dir is timed with --user nosuchuser (the match is done by
# sd-journal, which selects nothing), --user USER (the commonest user of
# the file) and all entries with --format kv.  entries/s = acct2syslog's
# records in the journal / mean time (journald's own few entries are not
# counted); the matched entries / time are given too.  Otherwise that part
# is skipped, with the reason, and the rest still runs.
#
# Environment: BUILD_DIR (default .), BENCH_DIR (default
# $BUILD_DIR/bench/out), RUNS (hyperfine runs, 5), RECORDS (1000000),
# JOURNAL_RECORDS (200000), SEED (1), USERS (20), JOURNALD
# (/lib/systemd/systemd-journald), KEEP (1: keep the archives, which
# take about 1.5 GB; default 0).
set -eu
BENCH_NAME=archives.sh
. "$(dirname "$0")/bench-lib.sh"

RUNS=${RUNS:-5}
RECORDS=${RECORDS:-1000000}
JOURNAL_RECORDS=${JOURNAL_RECORDS:-200000}
JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}
KEEP=${KEEP:-0}
SRC=$(cd "$(dirname "$0")/.." && pwd)
NG=$BENCH_DIR/lastcomm-ng
LCNG="env LASTCOMM_NG_RULEBASE_DIR=$SRC/rules $NG"
HEADER='2026-11-21T07:30:12.123456+00:00 web01 acct2syslog[123]: '
JOURNAL_DIR=/run/log/journal
JOURNAL_SOCKET=/run/systemd/journal/socket
ROWS=$BENCH_DIR/arch-rows
JROWS=$BENCH_DIR/arch-journal-rows

case $SRC in
*[[:space:]]*) die "use a source path without blanks" ;;
esac

# Field F (mean, stddev) of the Nth command of hyperfine export NAME.
field() {
	awk -v want="$2" -v f="\"$3\":" '$1 == f {
		if (++n == want) { sub(/.*": */, ""); sub(/,.*/, ""); print }
	}' "$BENCH_DIR/arch-$1.json"
}

bench() {
	name=$1
	runs=$2
	shift 2
	echo "== hyperfine: $name"
	hyperfine -N --warmup 1 --runs "$runs" --output=null \
	    --export-json "$BENCH_DIR/arch-$name.json" \
	    --export-markdown "$BENCH_DIR/arch-$name.md" "$@"
}

# row NAME N WHAT COUNT UNIT: a table row for command N of export NAME,
# COUNT items over its mean time.
row() {
	awk -v what="$3" -v n="$4" -v unit="$5" \
	    -v mean="$(field "$1" "$2" mean)" \
	    -v sd="$(field "$1" "$2" stddev)" 'BEGIN {
		printf "%s\t%.3f s ± %.3f\t%s\t%.0f\n", what, mean, sd,
		    n " " unit, n / mean
	}'
}

# The journal part, in the private mount namespace (see the end).
journal_part() {
	mount -t tmpfs -o mode=0755 tmpfs /run
	mkdir -p /run/systemd/journal "$JOURNAL_DIR" \
	    /run/systemd/journald.conf.d
	if [ -d /var/log/journal ]; then
		mount -t tmpfs tmpfs /var/log/journal
	fi
	cat >"$BENCH_DIR/arch-journald.conf" <<EOF
# archives.sh: a private journald for the benchmark.
[Journal]
Storage=volatile
RateLimitIntervalSec=0
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
EOF
	cp "$BENCH_DIR/arch-journald.conf" \
	    /run/systemd/journald.conf.d/zz-bench.conf
	if [ -f /etc/systemd/journald.conf ]; then
		mount --bind "$BENCH_DIR/arch-journald.conf" \
		    /etc/systemd/journald.conf
	fi
	if [ -d /etc/systemd/journald.conf.d ]; then
		mount -t tmpfs tmpfs /etc/systemd/journald.conf.d
	fi
	"$JOURNALD" >"$BENCH_DIR/arch-journald.err" 2>&1 &
	JOURNALD_PID=$!
	trap 'kill -TERM "$JOURNALD_PID" 2>/dev/null || :
	    wait "$JOURNALD_PID" 2>/dev/null || :' EXIT
	tries=200
	until [ -S "$JOURNAL_SOCKET" ] && journalctl --sync >/dev/null 2>&1; do
		kill -0 "$JOURNALD_PID" 2>/dev/null ||
		    die "journald did not start: see $BENCH_DIR/arch-journald.err"
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || die "journald does not answer after 10 s"
		sleep 0.05
	done

	make_pacct "$JOURNAL_RECORDS"
	rm -rf "$BENCH_DIR/arch-jstate"
	mkdir "$BENCH_DIR/arch-jstate"
	echo "== $JOURNAL_RECORDS records to the journal"
	"$DAEMON" --once --config /dev/null --file "$PACCT" \
	    --state-dir "$BENCH_DIR/arch-jstate" --sink journal \
	    --foreground 2>/dev/null || die "acct2syslog --sink journal failed"
	journalctl --sync
	rm -rf "$BENCH_DIR/arch-jstate"
	# All entries of that journal, ours and journald's own.
	entries=$(journalctl -D "$JOURNAL_DIR" -o cat | wc -l)
	all=$($NG --journal-dir "$JOURNAL_DIR" --format kv | wc -l)
	[ "$all" -ge "$JOURNAL_RECORDS" ] ||
	    die "lastcomm-ng --journal-dir lists $all entries," \
	    "$JOURNAL_RECORDS sent"
	# The commonest user: a match selecting a share of the entries.
	user=$($NG --journal-dir "$JOURNAL_DIR" --format kv |
	    sed -n 's/.* user="\([^"]*\)".*/\1/p' | sort | uniq -c |
	    sort -rn | awk '{ print $2; exit }')
	some=$($NG --journal-dir "$JOURNAL_DIR" --user "$user" --format kv |
	    wc -l)
	none=$($NG --journal-dir "$JOURNAL_DIR" --user nosuchuser | wc -l)
	[ "$none" -eq 0 ] || die "--user nosuchuser lists $none entries"
	echo "== journal: $entries entries, lastcomm-ng lists $all;" \
	    "--user $user: $some"

	bench journal 3 \
	    -n "journal, --user nosuchuser" \
	    "$NG --journal-dir $JOURNAL_DIR --user nosuchuser" \
	    -n "journal, --user $user" \
	    "$NG --journal-dir $JOURNAL_DIR --user $user" \
	    -n "journal, all, --format kv" \
	    "$NG --journal-dir $JOURNAL_DIR --format kv"
	{
		row journal 1 "journal, \`--user nosuchuser\` (0 matched)" \
		    "$all" "records in the journal"
		row journal 2 "journal, \`--user $user\` ($some matched)" \
		    "$all" "records in the journal"
		row journal 2 "journal, \`--user $user\`, matched only" \
		    "$some" "entries matched"
		row journal 3 "journal, all, \`--format kv\`" \
		    "$all" "entries listed"
	} >"$JROWS"
}

if [ "${BENCH_PRIVATE_NS:-}" = 1 ]; then
	DAEMON=$BENCH_DIR/acct2syslog
	journal_part
	exit 0
fi

need_cmd hyperfine "apt-get install hyperfine"
need_exe "$BUILD_DIR/lastcomm-ng/lastcomm-ng"
copy_daemon
cp "$BUILD_DIR/lastcomm-ng/lastcomm-ng" "$NG.$$"
mv "$NG.$$" "$NG"
machine_note
make_pacct "$RECORDS"
rm -f "$BENCH_DIR"/arch-*
K=$BENCH_DIR/arch-kv
S=$BENCH_DIR/arch-syslog.log
J=$BENCH_DIR/arch-json
ST=$BENCH_DIR/arch-state

# 1. The archives.
for format in kv json; do
	rm -rf "$ST"
	mkdir "$ST"
	out=$K
	[ "$format" = kv ] || out=$J
	"$DAEMON" --once --config /dev/null --file "$PACCT" --state-dir "$ST" \
	    --sink stdout --format "$format" >"$out" 2>/dev/null ||
	    die "acct2syslog --format $format failed"
done
rm -rf "$ST"
sed "s/^/$HEADER/" "$K" >"$S"
rm -f "$K"
SLINES=$(wc -l <"$S")
JLINES=$(wc -l <"$J")
[ "$SLINES" -eq $((RECORDS + 2)) ] ||
    die "$S has $SLINES lines, $((RECORDS + 2)) expected"
for f in "$S" "$J"; do
	n=$($LCNG --archive "$f" --format kv | wc -l)
	[ "$n" -eq "$RECORDS" ] ||
	    die "lastcomm-ng --archive $f lists $n records, $RECORDS expected"
	echo "== $f: $(wc -l <"$f") lines, $(group "$(wc -c <"$f")") bytes;" \
	    "lastcomm-ng lists $n records"
done

# 2. Timings.
bench archives "$RUNS" \
    -n "syslog text, --user nosuchuser" "$LCNG --archive $S --user nosuchuser" \
    -n "JSON lines, --user nosuchuser" "$LCNG --archive $J --user nosuchuser" \
    -n "syslog text, --format kv" "$LCNG --archive $S --format kv" \
    -n "JSON lines, --format kv" "$LCNG --archive $J --format kv"
{
	row archives 1 "syslog text, \`--user nosuchuser\`" "$SLINES" lines
	row archives 2 "JSON lines, \`--user nosuchuser\`" "$JLINES" lines
	row archives 3 "syslog text, \`--format kv\` (information)" \
	    "$SLINES" lines
	row archives 4 "JSON lines, \`--format kv\` (information)" \
	    "$JLINES" lines
} >"$ROWS"
if [ "$KEEP" != 1 ]; then
	rm -f "$S" "$J"
fi

# 3. The journal, in a namespace of its own.
JSKIP=
if [ "$(id -u)" -ne 0 ]; then
	JSKIP="needs root (a private mount namespace and a journald)"
elif ! command -v unshare >/dev/null 2>&1; then
	JSKIP="unshare not found: apt-get install util-linux"
elif ! command -v journalctl >/dev/null 2>&1 || [ ! -x "$JOURNALD" ]; then
	JSKIP="journalctl or $JOURNALD not found: apt-get install systemd"
elif ! err=$(unshare --mount --propagation private true 2>&1); then
	JSKIP="no private mount namespace here: $err"
else
	BENCH_PRIVATE_NS=1 unshare --mount --propagation private \
	    /bin/sh "$0" || JSKIP="journal part failed (see above)"
fi
if [ -n "$JSKIP" ]; then
	echo "$BENCH_NAME: journal part SKIPPED: $JSKIP" >&2
	result journal_skipped "$JSKIP"
fi

# 4. Summary.
{
	echo ""
	echo "| archive, query | mean | counted | per second |"
	echo "|---|---|---|---|"
	if [ -z "$JSKIP" ]; then
		cat "$ROWS" "$JROWS"
	else
		cat "$ROWS"
	fi | while IFS='	' read -r what mean n rate; do
		echo "| $what | $mean | $(group "${n%% *}") ${n#* } |" \
		    "$(group "$rate") |"
	done
} | tee "$BENCH_DIR/arch-summary.md"

verdict() {
	[ "$1" -ge "$2" ] && echo holds || echo MISSED
}
rate_of() {
	sed -n "${1}p" "$2" | cut -f4
}
SRATE=$(rate_of 1 "$ROWS")
JRATE=$(rate_of 2 "$ROWS")
result syslog_rate "$SRATE"
result json_rate "$JRATE"
echo ""
echo "syslog text archive: $(group "$SRATE") lines/s (target >= 500,000):" \
    "$(verdict "$SRATE" 500000)"
echo "JSON lines archive: $(group "$JRATE") lines/s (target >= 1,000,000):" \
    "$(verdict "$JRATE" 1000000)"
if [ -z "$JSKIP" ]; then
	NRATE=$(rate_of 1 "$JROWS")
	URATE=$(rate_of 2 "$JROWS")
	result journal_none_rate "$NRATE"
	result journal_user_rate "$URATE"
	echo "journal, --user nosuchuser: $(group "$NRATE") entries/s" \
	    "(records in the journal / time; target >= 100,000):" \
	    "$(verdict "$NRATE" 100000)"
	echo "journal, --user of the commonest user: $(group "$URATE")" \
	    "entries/s (records in the journal / time; target >= 100,000):" \
	    "$(verdict "$URATE" 100000)"
fi
result load "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "hyperfine exports: $BENCH_DIR/arch-{archives,journal}.{json,md}"
