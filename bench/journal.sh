#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# acct2syslog's journal sink against journald's own ingest ceiling (target:
# the daemon reaches >= 90 % of it).  Run it as root from the top of a
# build tree:
#
#	cd build && sh ../bench/journal.sh
#
# It runs again in a private mount namespace (unshare --mount) with tmpfs
# over /run and /var/log/journal and a journald.conf of its own
# (Storage=volatile, RateLimitIntervalSec=0, no forwarding) bind-mounted
# over /etc/systemd/journald.conf, and starts a systemd-journald there: the
# host's journal, if any, is not touched.  The same RECORDS records (a v3
# file made by acct-gen) go to it three ways, in turn, RUNS times each,
# each time to a freshly started journald with an empty journal:
#
#   ceiling  journal-ceiling: the records turned into journal fields by
#            fmt_journal() beforehand (the very iovecs of the journal
#            sink), then sd_journal_sendv() in a tight loop; the clock
#            starts at the first send.
#   inline   journal-ceiling --inline: the same, but each record decoded
#            and formatted just before it is sent, as the daemon does.
#            journald takes more from it than from the tight loop (see
#            README.md), so the target is judged against the higher of
#            the two.
#   daemon   acct2syslog --sink journal --once (defaults, fresh state
#            directory on disk): the clock starts before it is started, so
#            its start, reading, decoding, formatting and commits count.
#
# Two times for each: "sent", until the sender has exited
# (sd_journal_sendv() returns once the datagram is queued on journald's
# socket), and "stored", until journalctl --sync has returned after that
# (journald has written everything queued before it).  The number of
# process_end entries in the journal is then checked (journalctl -D).
#
# Environment: BUILD_DIR (default .), BENCH_DIR (default
# $BUILD_DIR/bench/out), RUNS (3), JOURNAL_RECORDS (200000), SEED (1),
# USERS (20), JOURNALD (/lib/systemd/systemd-journald).
set -eu
BENCH_NAME=journal.sh
. "$(dirname "$0")/bench-lib.sh"

RUNS=${RUNS:-3}
RECORDS=${JOURNAL_RECORDS:-200000}
JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}
JOURNAL_DIR=/run/log/journal
JOURNAL_SOCKET=/run/systemd/journal/socket
CEILING=$BUILD_DIR/bench/journal-ceiling

if [ "${BENCH_PRIVATE_NS:-}" != 1 ]; then
	need_root "a private mount namespace and a journald of its own"
	need_cmd unshare "apt-get install util-linux"
	need_cmd journalctl "apt-get install systemd"
	[ -x "$JOURNALD" ] || skip "$JOURNALD not found: apt-get install systemd"
	[ -x "$CEILING" ] || skip "$CEILING not built: configure found no" \
	    "libsystemd (apt-get install libsystemd-dev, configure again, make)"
	if ! err=$(unshare --mount --propagation private true 2>&1); then
		skip "no private mount namespace here: $err"
	fi
	BENCH_PRIVATE_NS=1
	export BENCH_PRIVATE_NS
	exec unshare --mount --propagation private /bin/sh "$0" "$@"
fi

copy_daemon
cp "$CEILING" "$BENCH_DIR/journal-ceiling"
CEILING=$BENCH_DIR/journal-ceiling
machine_note
make_pacct "$RECORDS"
ST=$BENCH_DIR/journal-state
SAMPLES=$BENCH_DIR/journal-samples
ERR=$BENCH_DIR/journal-stderr
: >"$SAMPLES"
: >"$ERR"

# Our own /run (journald's socket and volatile journal) and configuration.
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/systemd/journal "$JOURNAL_DIR" /run/systemd/journald.conf.d
if [ -d /var/log/journal ]; then
	mount -t tmpfs tmpfs /var/log/journal
fi
cat >"$BENCH_DIR/journald.conf" <<EOF
# journal.sh: a private journald for the benchmark.
[Journal]
Storage=volatile
RateLimitIntervalSec=0
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
EOF
cp "$BENCH_DIR/journald.conf" /run/systemd/journald.conf.d/zz-bench.conf
if [ -f /etc/systemd/journald.conf ]; then
	mount --bind "$BENCH_DIR/journald.conf" /etc/systemd/journald.conf
fi
if [ -d /etc/systemd/journald.conf.d ]; then
	mount -t tmpfs tmpfs /etc/systemd/journald.conf.d
fi

JOURNALD_PID=
start_journald() {
	rm -rf "${JOURNAL_DIR:?}"/*
	"$JOURNALD" >>"$BENCH_DIR/journald.err" 2>&1 &
	JOURNALD_PID=$!
	tries=200
	# journalctl --sync talks to it: it is up and answering.
	until [ -S "$JOURNAL_SOCKET" ] && journalctl --sync >/dev/null 2>&1; do
		kill -0 "$JOURNALD_PID" 2>/dev/null ||
		    die "journald did not start: see $BENCH_DIR/journald.err"
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || die "journald does not answer after 10 s"
		sleep 0.05
	done
}

stop_journald() {
	[ -n "$JOURNALD_PID" ] || return 0
	kill -TERM "$JOURNALD_PID" 2>/dev/null || :
	wait "$JOURNALD_PID" 2>/dev/null || :
	JOURNALD_PID=
}
trap 'stop_journald' EXIT

# journald's CPU time so far, in seconds.
journald_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{
		sub(/^.*\) /, "")	# after "pid (comm) "
		printf "%.2f\n", ($12 + $13) / hz
	}' "/proc/$JOURNALD_PID/stat"
}

# run KIND: one measurement, appended to $SAMPLES as
# KIND START SENT STORED JOURNALD_CPU.
run() {
	start_journald
	cpu0=$(journald_cpu)
	case $1 in
	ceiling | inline)
		set -- "$1"
		if [ "$1" = inline ]; then
			set -- "$1" --inline
		fi
		# shellcheck disable=SC2086 # no option: no word
		line=$("$CEILING" ${2:-} --records "$RECORDS" "$PACCT" \
		    2>>"$ERR") || die "journal-ceiling failed: see $ERR"
		sent=$(now)
		start=$(echo "$line" | awk '{ print $6 }')
		;;
	daemon)
		rm -rf "$ST"
		mkdir "$ST"
		start=$(now)
		"$DAEMON" --config /dev/null --file "$PACCT" --state-dir "$ST" \
		    --sink journal --once --foreground 2>>"$ERR" ||
		    die "acct2syslog failed: see $ERR"
		sent=$(now)
		;;
	esac
	journalctl --sync
	stored=$(now)
	cpu=$(awk -v a="$cpu0" -v b="$(journald_cpu)" \
	    'BEGIN { printf "%.2f\n", b - a }')
	count=$(journalctl -D "$JOURNAL_DIR" -o cat ACCT_EVENT=process_end |
	    wc -l)
	[ "$count" -eq "$RECORDS" ] ||
	    die "$1: $count process_end entries in the journal, $RECORDS sent"
	stop_journald
	echo "$1 $start $sent $stored $cpu" >>"$SAMPLES"
	awk -v k="$1" -v n="$RECORDS" -v a="$start" -v b="$sent" \
	    -v c="$stored" -v cpu="$cpu" 'BEGIN {
		printf "== %-7s sent %.3f s (%.0f/s), stored %.3f s (%.0f/s);" \
		    " journald CPU %.2f s\n", k, b - a, n / (b - a), c - a,
		    n / (c - a), cpu
	}'
}

echo "== $RECORDS records of $PACCT, $RUNS runs each, in turn"
i=0
while [ "$i" -lt "$RUNS" ]; do
	run ceiling
	run inline
	run daemon
	i=$((i + 1))
done

# Means over the runs; ratio of the mean rates.
awk -v n="$RECORDS" -v out="$BENCH_DIR/journal.sh.result" '
function mean(k, w) { return sum[k, w] / runs[k] }
function sd(k, w,    m) {
	m = mean(k, w)
	if (runs[k] < 2)
		return 0
	return sqrt((sq[k, w] - runs[k] * m * m) / (runs[k] - 1))
}
{
	runs[$1]++
	r = n / ($3 - $2); sum[$1, "sent"] += r; sq[$1, "sent"] += r * r
	r = n / ($4 - $2); sum[$1, "stored"] += r; sq[$1, "stored"] += r * r
	sum[$1, "cpu"] += $5
}
END {
	print ""
	print "| sender | sent: records/s | stored: records/s | journald CPU |"
	print "|---|---|---|---|"
	name["ceiling"] = "journal-ceiling (tight loop)"
	name["inline"] = "journal-ceiling --inline"
	name["daemon"] = "acct2syslog --sink journal"
	for (i = 1; i <= 3; i++) {
		k = i == 1 ? "ceiling" : i == 2 ? "inline" : "daemon"
		printf "| %s | %.0f ± %.0f | %.0f ± %.0f | %.2f s |\n", \
		    name[k], mean(k, "sent"), sd(k, "sent"), \
		    mean(k, "stored"), sd(k, "stored"), sum[k, "cpu"] / runs[k]
	}
	# The ceiling: the better of the two ways of sending.
	best = (mean("inline", "stored") > mean("ceiling", "stored")) ? \
	    "inline" : "ceiling"
	sent = mean("daemon", "sent") / mean(best, "sent")
	stored = mean("daemon", "stored") / mean(best, "stored")
	tight = mean("daemon", "stored") / mean("ceiling", "stored")
	printf "| acct2syslog / best ceiling | %.1f %% | %.1f %% | |\n", \
	    100 * sent, 100 * stored
	printf "| acct2syslog / tight loop | | %.1f %% | |\n", 100 * tight
	printf "\nacct2syslog reaches %.1f %% of journald'"'"'s ceiling " \
	    "(%s, stored; target >= 90 %%): %s\n", 100 * stored, \
	    name[best], (stored >= 0.9 ? "holds" : "MISSED")
	printf "ceiling_rate=\"%.0f\"\ndaemon_rate=\"%.0f\"\n" \
	    "tight_rate=\"%.0f\"\ninline_rate=\"%.0f\"\n" \
	    "ratio=\"%.4f\"\nratio_sent=\"%.4f\"\nratio_tight=\"%.4f\"\n" \
	    "ceiling=\"%s\"\nrecords=\"%d\"\n", \
	    mean(best, "stored"), mean("daemon", "stored"), \
	    mean("ceiling", "stored"), mean("inline", "stored"), stored, \
	    sent, tight, name[best], n > out
}' "$SAMPLES" | tee "$BENCH_DIR/journal-summary.md"
echo "samples (kind start sent stored journald-cpu): $SAMPLES"
