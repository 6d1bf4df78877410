#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# splunk-addon.sh: contrib/splunk/TA-acct2syslog against the messages it
# is for.  acct2syslog forwards the records of the fixtures, of acct-gen
# and of hand-made records with nasty command names (quotes, backslashes,
# '=', blanks, '#', bytes of 0x80 and above, control bytes) three times
# from the same state: kv to stdout, JSON to stdout, and through the
# syslog sink into an rsyslogd running the README's rule, which writes
# the file Splunk's forwarder would read.  splunk-addon.pl then checks:
#
#  a. every field the add-on reads (aliases, evals, the host transform,
#     the time prefix, event type searches) is in docs/schema.md and in
#     what acct2syslog wrote; aliases and evals make CIM Endpoint.Processes
#     fields; the event types and tags are those of the data model;
#  b. each kv line, read by a reader of Splunk's KV_MODE = auto_escaped
#     rules (\" and \\ the only escapes), gives exactly the values of the
#     JSON of the same message (the oracle), control events included;
#  c. TIME_PREFIX, MAX_TIMESTAMP_LOOKAHEAD and TIME_FORMAT find end_time
#     (time in a control event), with and without rsyslog's header;
#
# and that app.conf, README.md and Makefile.am agree with all this.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"

: "${ACCT2SYSLOG:=$top_builddir/acct2syslog/acct2syslog}"
ADDON=$top_srcdir/contrib/splunk/TA-acct2syslog
ACCT_GEN=$top_builddir/bench/acct-gen
SINK_SEND=$top_builddir/tests/tools/sink-send

require_cmd perl
perl -MJSON::PP -MTime::Local -e 1 2>/dev/null ||
    skip_all "perl without JSON::PP or Time::Local"
for prog in "$ACCT2SYSLOG" "$ACCT_GEN" "$SINK_SEND"; do
	[ -x "$prog" ] || bail_out "$prog not built (make check builds it)"
done
make_tmpdir
trap 'stop_rsyslog; tmp_cleanup' EXIT
sock=$tmp/log
: >"$tmp/manifest"

# rsyslogd with the README's rule, writing to $tmp/splunk instead of
# /var/log/acct2syslog/splunk; messages come in on $sock.
log=
if command -v rsyslogd >/dev/null 2>&1; then
	mkdir "$tmp/rs"
	{
		printf 'global(workDirectory="%s")\n' "$tmp/rs"
		printf 'module(load="imuxsock" SysSock.Use="off")\n'
		printf 'input(type="imuxsock" Socket="%s" RateLimit.Interval="0")\n' \
		    "$sock"
		perl -0777 -ne 'for (/^```[^\n]*\n(.*?)^```/msg) {
			if (/type="omfile"/) { print; last } }' "$ADDON/README.md" |
		    sed "s|/var/log/acct2syslog/splunk/|$tmp/splunk/|g"
	} >"$tmp/rs/rsyslog.conf"
	rsyslogd -n -f "$tmp/rs/rsyslog.conf" -i "$tmp/rs/rsyslogd.pid" \
	    >"$tmp/rs/rsyslogd.err" 2>&1 &
	RSYSLOG_PID=$!
	service_wait 10 rsyslog_ready "$sock" ||
	    bail_out "rsyslogd did not start: $(cat "$tmp/rs/rsyslogd.err")"
	log=$tmp/splunk/acct.log
fi

# stream_lines STREAM N: rsyslog has written N lines of STREAM.
stream_lines() {
	[ -f "$log" ] && [ "$(grep -c -F "stream=\"$1\"" "$log")" -ge "$2" ]
}

# run_set NAME SOURCE [HOSTNAME [FILENAME]]: SOURCE's records (a pacct
# file) forwarded three times from the same state, so with the same
# stream and seqs: kv and JSON to stdout, syslog through rsyslog.  The
# accounting file is NAME/FILENAME (default "pacct"): control events
# carry its name.
run_set() {
	set_dir=$tmp/$1
	set_file=$set_dir/${4:-pacct}
	mkdir "$set_dir"
	{
		printf 'syslog_socket = %s\n' "$sock"
		[ -z "${3:-}" ] || printf 'hostname = %s\n' "$3"
	} >"$set_dir/a2s.conf"
	: >"$set_file"
	# The stream begins on the empty file; then the records come.
	mkdir "$set_dir/s0"
	a2s s0 --sink stdout >/dev/null
	cat "$2" >>"$set_file"
	cp -R "$set_dir/s0" "$set_dir/s-kv"
	cp -R "$set_dir/s0" "$set_dir/s-json"
	cp -R "$set_dir/s0" "$set_dir/s-log"
	a2s s-kv --sink stdout --format kv >"$set_dir/kv"
	a2s s-json --sink stdout --format json >"$set_dir/json"
	set_log=-
	if [ -n "$log" ]; then
		a2s s-log --sink syslog
		set_stream=$(sed -n '1s/.* stream="\([0-9a-f]*\)".*/\1/p' \
		    "$set_dir/kv")
		service_wait 10 stream_lines "$set_stream" \
		    "$(wc -l <"$set_dir/kv")" ||
		    bail_out "rsyslog did not write the lines of $1"
		grep -F "stream=\"$set_stream\"" "$log" >"$set_dir/log"
		set_log=$set_dir/log
	fi
	printf '%s\tdaemon\t%s\t%s\t%s\n' "$1" "$set_dir/kv" "$set_dir/json" \
	    "$set_log" >>"$tmp/manifest"
}

# a2s STATE ARG...: acct2syslog --once on the set's file.
a2s() {
	a2s_state=$1
	shift
	"$ACCT2SYSLOG" --once --foreground --config "$set_dir/a2s.conf" \
	    --file "$set_file" --state-dir "$set_dir/$a2s_state" "$@" \
	    2>>"$set_dir/err" ||
	    bail_out "acct2syslog failed on $set_file: $(tail -n 1 "$set_dir/err")"
}

# Hand-made v3 records (little-endian, as on x86): command names no
# parser may get wrong, users with and without a name, terminals, exits
# and signals.
perl -e '
my @comm = ("a\"b", "a\\b", "end\\", "\\\"", "\\\\\"x", "\"", "\"\"",
    "=", "k=v x=y", " lead", "trail ", "#043", "#", "caf\xc3\xa9",
    "\xe2\x82\xac uro", "\xf0\x9f\x98\x80", "cut\xe2\x82", "\xff\xfe",
    "\x80abc", "t\tn\nr\r", "\x1b[31mred", "del\x7f", "",
    "event=\"x\"", " host=\"evil\"", "x end_time=\"1", "a\\\"b c=\\\"d",
    "123456789012345", "\\\\\\", "q\"=\\ #\xc3\xa9");
my @uid = (0, 65534, 4000000);
my @tty = (0, 136 << 8 | 5, 4 << 8 | 1, 4 << 8 | 64, 200 << 8 | 7);
# wait status, flags (AFORK 1, ASU 2, ACORE 8, AXSIG 16)
my @exit = ([0, 0], [1 << 8, 2], [255 << 8, 1], [9, 16], [0x8b, 24]);
my $i = 0;
for my $comm (@comm) {
	my ($status, $flags) = @{$exit[$i % @exit]};
	print pack("C C v V V V V V V f< v v v v v v v v a16", $flags, 3,
	    $tty[$i % @tty], $status, $uid[$i % @uid], $uid[($i + 1) % @uid],
	    1000 + $i, 999, 1700000000 + 61 * $i, 37.0 * $i, $i, 2 * $i,
	    1024 + $i, 0, 0, 100 + $i, $i % 3, 0, $comm);
	$i++;
}' >"$tmp/nasty.pacct"
"$ACCT_GEN" --records 400 --seed 11 -o "$tmp/gen.pacct"
"$ACCT_GEN" --records 100 --seed 12 --version 2 --big-endian \
    -o "$tmp/gen-v2be.pacct"

run_set nasty "$tmp/nasty.pacct" 'h"o\st#=x' \
    "$(printf 'na"me \\ #x=1 \303\251\377\011 time="0.pacct')"
run_set gen "$tmp/gen.pacct" web01.example.org
run_set gen-v2be "$tmp/gen-v2be.pacct"
for fixture in "$FIXTURES"/*.pacct; do
	name=$(basename "$fixture" .pacct)
	run_set "$name" "$fixture"
done

# Control events and records of sink-send, whose times are fixed: the kv
# and the JSON are the same messages to the microsecond.
mkdir "$tmp/sink-send"
for format in kv json; do
	{
		"$SINK_SEND" --sink stdout --format "$format" --control --count 3
		"$SINK_SEND" --sink stdout --format "$format" --first 10 \
		    --count 2 --comm 'x"y\z= #'
	} >"$tmp/sink-send/$format"
done
printf 'sink-send\tfixed\t%s\t%s\t-\n' "$tmp/sink-send/kv" \
    "$tmp/sink-send/json" >>"$tmp/manifest"
stop_rsyslog

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$top_builddir/config.h")
if perl "$top_srcdir/tests/integration/splunk-addon.pl" "addon=$ADDON" \
    "schema=$top_srcdir/docs/schema.md" \
    "central=$top_srcdir/contrib/rsyslog/central.conf" \
    "makefile=$top_srcdir/Makefile.am" "version=$version" \
    "manifest=$tmp/manifest" >"$tmp/results" 2>"$tmp/checker.err"; then
	checker=0
else
	checker=$?
fi
tab=$(printf '\t')
while IFS=$tab read -r result text; do
	case $result in
	ok) ok "$text" true ;;
	"not ok") ok "$text" false ;;
	diag) diag "  $text" ;;
	esac
done <"$tmp/results"
ok "the checker ran to its end" [ "$checker" -eq 0 ]
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/checker.err")"
[ -n "$log" ] || skip "the lines as rsyslog writes them" "rsyslogd not found"
done_testing
