#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sink-journal.sh: the journal sink against a real systemd-journald, started
# here in a private mount namespace (see lib-services.sh), so the host's
# journal is not touched.  journalctl, reading journald's files, is the
# oracle: N records give exactly N entries with the schema's fields, the
# kv line (as the stdout sink prints it) as MESSAGE.  Then journald is
# stopped: sd_journal_sendv() would report success, the sink must not;
# started again, sending works.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"

SINK_SEND=$top_builddir/tests/tools/sink-send
JOURNALD=/lib/systemd/systemd-journald
STREAM=0123456789abcdef0123456789abcdef
N=200

[ -x "$SINK_SEND" ] || bail_out "$SINK_SEND not built (make check builds it)"
[ -x "$JOURNALD" ] || skip_all "$JOURNALD not found"
require_cmd journalctl
in_private_mount_ns "$0" "$@"
make_tmpdir
trap 'stop_journald; tmp_cleanup' EXIT
start_journald || bail_out "journald did not start: $(cat "$tmp/journald.err")"
if ! "$SINK_SEND" --sink journal --count 0 2>"$tmp/send.err"; then
	grep -q "not supported" "$tmp/send.err" &&
	    skip_all "sink-send built without libsystemd"
	bail_out "the journal sink fails with journald there: $(cat "$tmp/send.err")"
fi

# The MESSAGE_ID of process_end, from the header that defines it.
PROCESS_END_ID=$(sed -n \
    's/^#define FMT_MESSAGE_ID_PROCESS_END[^"]*"\([0-9a-f]*\)".*/\1/p' \
    "$top_srcdir/common/format.h")

# send ARG...: sink-send; $send_rc, its error output in $tmp/send.err.
send() {
	send_rc=0
	"$SINK_SEND" "$@" 2>"$tmp/send.err" || send_rc=$?
}

# entries [MATCH...]: one line per entry of our stream:
# ACCT_SEQ|PRIORITY|MESSAGE_ID|SYSLOG_IDENTIFIER|_TRANSPORT|MESSAGE
entries() {
	journal_entries "ACCT_STREAM=$STREAM" "$@" | awk '
	BEGIN { RS = ""; FS = "\n" }
	{
		delete f
		for (i = 1; i <= NF; i++) {
			eq = index($i, "=")
			if (eq > 0)
				f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
		}
		print f["ACCT_SEQ"] "|" f["PRIORITY"] "|" f["MESSAGE_ID"] "|" \
		    f["SYSLOG_IDENTIFIER"] "|" f["_TRANSPORT"] "|" f["MESSAGE"]
	}'
}

# has_entries N [MATCH...]: at least N entries of our stream (match).
# shellcheck disable=SC2317 # runs through service_wait
has_entries() {
	has_n=$1
	shift
	[ "$(entries "$@" | wc -l)" -ge "$has_n" ]
}

# want_entries PRIORITY MESSAGE_ID < kv lines: the entries they should be.
want_entries() {
	awk -v prio="$1" -v id="$2" '{
		if (match($0, / seq=[0-9]+ /))
			seq = substr($0, RSTART + 5, RLENGTH - 6)
		print seq "|" prio "|" id "|acct2syslog|journal|" $0
	}'
}

# 1. N records.
"$SINK_SEND" --sink stdout --count "$N" >"$tmp/want.kv"
send --sink journal --count "$N"
is "$send_rc" 0 "sink-send of $N records to journald succeeds"
service_wait 5 has_entries "$N" ||
    diag "journald has $(entries | wc -l) entries"
entries >"$tmp/got"
is "$(wc -l <"$tmp/got")" "$N" "exactly $N entries"
want_entries 6 "$PROCESS_END_ID" <"$tmp/want.kv" >"$tmp/want"
ok "seq 1..$N in order; PRIORITY, MESSAGE_ID, SYSLOG_IDENTIFIER; MESSAGE kv" \
    cmp -s "$tmp/want" "$tmp/got"
[ "$tap_passed" = 1 ] || diag "first difference:" \
    "$(diff "$tmp/want" "$tmp/got" | head -n 4)"
journal_entries "ACCT_STREAM=$STREAM" ACCT_SEQ=7 >"$tmp/entry7"
# has_fields FILE FIELD=VALUE...: FILE has each of these lines.
# shellcheck disable=SC2317 # runs through ok()
has_fields() {
	has_file=$1
	shift
	for has_field in "$@"; do
		grep -qxF "$has_field" "$has_file" || return 1
	done
}
ok "the schema's fields as ACCT_* (entry of seq 7)" \
    has_fields "$tmp/entry7" ACCT_EVENT=process_end \
    ACCT_PROCESS_NAME=sink-send ACCT_PROCESS_ID=1007 \
    ACCT_PARENT_PROCESS_ID=1006 ACCT_USER_ID=1000 ACCT_EXIT_CODE=1 \
    ACCT_FLAGS=su ACCT_ELAPSED=1.500 ACCT_ACCT_VERSION=3 \
    ACCT_HOST=testhost ACCT_STREAM=$STREAM ACCT_SEQ=7 \
    "ACCT_EVENT_ID=$STREAM:7" ACCT_SCHEMA=1 _TRANSPORT=journal

# 2. Control events, at their priority.
"$SINK_SEND" --sink stdout --control --first 1001 --count 2 >"$tmp/want.kv"
send --sink journal --control --first 1001 --count 2
is "$send_rc" 0 "sink-send of 2 control events succeeds"
service_wait 5 has_entries 2 ACCT_EVENT=gap || :
entries ACCT_EVENT=gap >"$tmp/got"
# Their MESSAGE_ID is the gap one: any 32 hex digits but process_end's.
gap_id=$(head -n 1 "$tmp/got" | cut -d'|' -f3)
# shellcheck disable=SC2317 # runs through ok()
other_message_id() {
	[ "$1" != "$PROCESS_END_ID" ] &&
	    [ "$(printf '%s' "$1" | tr -cd '0-9a-f' | wc -c)" -eq 32 ] &&
	    [ "${#1}" -eq 32 ]
}
ok "(the gap MESSAGE_ID is its own)" other_message_id "$gap_id"
want_entries 4 "$gap_id" <"$tmp/want.kv" >"$tmp/want"
ok "control events: PRIORITY 4, MESSAGE their kv line" \
    cmp -s "$tmp/want" "$tmp/got"

# 3. journald stopped: the sink says so.  Its socket is left behind, which
# sd_journal_sendv() itself reports (ECONNREFUSED); without the socket,
# as where journald never ran, sd_journal_sendv() reports success and only
# the sink's own check can tell.
stop_journald
send --sink journal --first 2001 --count 3
is "$send_rc" 1 "journald stopped: sink-send fails"
is "$(cat "$tmp/send.err")" "sink-send: journal: Connection refused" \
    "journald stopped: one line saying why"
rm -f "$JOURNAL_SOCKET"
send --sink journal --first 2001 --count 3
is "$send_rc" 1 "no journald socket: sink-send fails, not success"
is "$(cat "$tmp/send.err")" "sink-send: journal: No such file or directory" \
    "no journald socket: one line saying why"
start_journald ||
    bail_out "journald did not start again: $(cat "$tmp/journald.err")"
send --sink journal --first 2001 --count 3
is "$send_rc" 0 "journald started again: sink-send succeeds"
service_wait 5 has_entries $((N + 5)) || :
is "$(entries | cut -d'|' -f1 | tr '\n' ' ')" \
    "$(seq 1 "$N" | tr '\n' ' ')1001 1002 2001 2002 2003 " \
    "the journal holds each seq once: 1..$N, 1001-1002, 2001-2003"

# 4. journald's /dev/log reads what syslog(3) sends, "<PRI>TIMESTAMP TAG:
# MSG", without a HOSTNAME, as our RFC 3164 frames are.
send --sink syslog --socket /run/systemd/journal/dev-log --first 3001
is "$send_rc" 0 "RFC 3164 to journald's /dev/log: sent"
# shellcheck disable=SC2317 # runs through service_wait
has_syslog_entry() {
	[ -n "$(journal_entries _TRANSPORT=syslog)" ]
}
service_wait 5 has_syslog_entry || :
journal_entries _TRANSPORT=syslog >"$tmp/syslog-entry"
ok "journald's /dev/log reads SYSLOG_IDENTIFIER acct2syslog from it" \
    grep -qx SYSLOG_IDENTIFIER=acct2syslog "$tmp/syslog-entry"
diag "journald read: $(grep -E '^(SYSLOG_IDENTIFIER|MESSAGE)=' \
    "$tmp/syslog-entry" | cut -c1-90)"

stop_journald
done_testing
