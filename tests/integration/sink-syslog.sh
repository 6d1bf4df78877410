#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sink-syslog.sh: the syslog sink against a real rsyslogd (private, on a
# socket in the test's folder; see lib-services.sh).  rsyslog's own parsers
# are the oracle for the framing: what it understood (facility, severity,
# host, program, pid, msgid, structured data, message) must be what was
# meant, and the message must be the kv line byte for byte, as the stdout
# sink (fmt_kv) prints it.
#
#  1. RFC 3164, RFC 5424 without and with structured data (the SD built
#     again here from the kv line; with mmpstrucdata, rsyslog's parsed SD
#     values must be the kv values, a command name with ] " \ included).
#  2. Control events go at their own severity, with their name as MSGID.
#  3. rsyslog stopped: sink-send fails with one clear line; started again:
#     it works.
#  4. What a stock /dev/log (imuxsock's special parser) makes of it.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"

SINK_SEND=$top_builddir/tests/tools/sink-send
SD_ID=acct2syslog@32473
COMM='a]b"c\d'

command -v rsyslogd >/dev/null 2>&1 ||
    skip_all "rsyslogd not found (apt-get install rsyslog)"
[ -x "$SINK_SEND" ] || bail_out "$SINK_SEND not built (make check builds it)"
make_tmpdir
trap 'stop_rsyslog; tmp_cleanup' EXIT
sock=$tmp/log
out=$tmp/out
start_rsyslog "$tmp/rs" "$sock" "$out" ||
    bail_out "rsyslogd did not start: $(cat "$tmp/rs/rsyslogd.err")"

# send ARG...: sink-send in the background, so its pid is known: sets
# $send_pid and $send_rc, its error output in $tmp/send.err.
send() {
	"$SINK_SEND" "$@" 2>"$tmp/send.err" &
	send_pid=$!
	send_rc=0
	wait "$send_pid" || send_rc=$?
}

# header < rsyslog lines: the header fields up to STRUCTURED-DATA, the pid
# of our sink-send as PID.
header() {
	cut -d'|' -f1-6 | sed "s/|$send_pid|/|PID|/"
}

# The message: field 7 on.
message() {
	cut -d'|' -f7-
}

# kv_to_sd < kv lines: the RFC 5424 SD element of each, made here
# independently: every key=value a param, every value quoted, ']' escaped
# besides the '"' and '\' a kv value has escaped already.
kv_to_sd() {
	awk -v id="$SD_ID" '{
		line = $0; n = length(line); i = 1; out = "[" id
		while (i <= n) {
			eq = index(substr(line, i), "=")
			if (eq == 0)
				break
			out = out " " substr(line, i, eq - 1) "=\""
			i += eq
			if (substr(line, i, 1) == "\"") {
				for (i++; i <= n; i++) {
					c = substr(line, i, 1)
					if (c == "\"")
						break
					if (c == "\\") {
						out = out c substr(line, i + 1, 1)
						i++
						continue
					}
					if (c == "]")
						out = out "\\"
					out = out c
				}
				i++
			} else
				for (; i <= n && (c = substr(line, i, 1)) != " "; i++)
					out = out c
			out = out "\""
			i++
		}
		print out "]"
	}'
}

# kv_pairs < kv lines: "key<TAB>value" per field, quotes taken off and
# \" \\ undone.
kv_pairs() {
	awk '{
		line = $0; n = length(line); i = 1
		while (i <= n) {
			eq = index(substr(line, i), "=")
			if (eq == 0)
				break
			key = substr(line, i, eq - 1); v = ""
			i += eq
			if (substr(line, i, 1) == "\"") {
				for (i++; i <= n; i++) {
					c = substr(line, i, 1)
					if (c == "\"")
						break
					if (c == "\\") {
						i++
						c = substr(line, i, 1)
					}
					v = v c
				}
				i++
			} else
				for (; i <= n && (c = substr(line, i, 1)) != " "; i++)
					v = v c
			print key "\t" v
			i++
		}
	}'
}

# repeat N LINE: LINE N times.
repeat() {
	awk -v n="$1" -v line="$2" 'BEGIN { for (i = 0; i < n; i++) print line }'
}

lines=0
# got N: wait for N more lines from rsyslog; they are in $tmp/got.
got() {
	wait_lines "$out" $((lines + $1)) ||
	    diag "rsyslog wrote only $(wc -l <"$out") lines"
	tail -n +$((lines + 1)) "$out" >"$tmp/got"
	lines=$((lines + $1))
}

# The oracle: the kv lines, as the stdout sink prints them.
"$SINK_SEND" --sink stdout --count 3 --comm "$COMM" >"$tmp/want.kv"
"$SINK_SEND" --sink stdout --count 2 --control >"$tmp/want-control.kv"
ok "(the kv lines hold the name with ] \" \\)" \
    grep -qF 'process_name="a]b\"c\\d"' "$tmp/want.kv"

# 1. RFC 3164, as syslog(3) sends it on a local socket: no HOSTNAME, so
# rsyslog fills in its own.
local=$(hostname | cut -d. -f1)
send --sink syslog --socket "$sock" --count 3 --comm "$COMM"
is "$send_rc" 0 "3164: sink-send succeeds"
got 3
is "$(header <"$tmp/got")" \
    "$(repeat 3 "authpriv.info|$local|acct2syslog|PID|-|-")" \
    "3164: rsyslog reads authpriv.info, its own host name, acct2syslog, its pid"
# RFC 3164 parsers keep the space after "TAG:" in MSG.
sed 's/^/ /' "$tmp/want.kv" >"$tmp/want"
message <"$tmp/got" >"$tmp/msg"
ok "3164: MSG is the kv line, byte for byte" cmp -s "$tmp/want" "$tmp/msg"

# RFC 5424 without structured data.
send --sink syslog --socket "$sock" --rfc5424 --count 3 --comm "$COMM"
is "$send_rc" 0 "5424: sink-send succeeds"
got 3
is "$(header <"$tmp/got")" \
    "$(repeat 3 'authpriv.info|testhost|acct2syslog|PID|process_end|-')" \
    "5424: authpriv.info, testhost, acct2syslog, pid, process_end, no SD"
message <"$tmp/got" >"$tmp/msg"
ok "5424: MSG is the kv line, byte for byte" cmp -s "$tmp/want.kv" "$tmp/msg"

# RFC 5424 with structured data.
send --sink syslog --socket "$sock" --rfc5424 --sd --count 3 --comm "$COMM"
is "$send_rc" 0 "5424 SD: sink-send succeeds"
got 3
cut -d'|' -f1-5 <"$tmp/got" | sed "s/|$send_pid|/|PID|/" >"$tmp/head"
is "$(cat "$tmp/head")" \
    "$(repeat 3 'authpriv.info|testhost|acct2syslog|PID|process_end')" \
    "5424 SD: the header"
cut -d'|' -f6 <"$tmp/got" >"$tmp/sd"
kv_to_sd <"$tmp/want.kv" >"$tmp/want.sd"
ok "5424 SD: rsyslog's STRUCTURED-DATA is the kv fields as params" \
    cmp -s "$tmp/want.sd" "$tmp/sd"
[ "$tap_passed" = 1 ] || diag "got:  $(head -n 1 "$tmp/sd")" \
    "want: $(head -n 1 "$tmp/want.sd")"
message <"$tmp/got" >"$tmp/msg"
ok "5424 SD: MSG is the kv line, byte for byte" \
    cmp -s "$tmp/want.kv" "$tmp/msg"
if [ -f "$out.sd" ] && command -v jq >/dev/null 2>&1; then
	wait_lines "$out.sd" "$lines" || :
	tail -n 3 "$out.sd" | jq -r --arg id "$SD_ID" \
	    '.[$id] | to_entries[] | "\(.key)\t\(.value)"' >"$tmp/sd.pairs" ||
	    :
	kv_pairs <"$tmp/want.kv" >"$tmp/want.pairs"
	ok "5424 SD: rsyslog's mmpstrucdata reads back every kv value exactly" \
	    cmp -s "$tmp/want.pairs" "$tmp/sd.pairs"
	is "$(tail -n 1 "$out.sd" |
	    jq -r --arg id "$SD_ID" '.[$id].process_name')" "$COMM" \
	    "5424 SD: the name with ] \" \\ comes back as it was"
else
	skip "5424 SD: rsyslog's parse of the SD values" "no mmpstrucdata or jq"
	skip "5424 SD: the name with ] \" \\ comes back as it was" \
	    "no mmpstrucdata or jq"
fi

# 2. Control events.
send --sink syslog --socket "$sock" --count 2 --control
is "$send_rc" 0 "3164 control: sink-send succeeds"
got 2
is "$(header <"$tmp/got")" \
    "$(repeat 2 "authpriv.warning|$local|acct2syslog|PID|-|-")" \
    "3164 control: at its priority, authpriv.warning"
sed 's/^/ /' "$tmp/want-control.kv" >"$tmp/want"
message <"$tmp/got" >"$tmp/msg"
ok "3164 control: MSG is its kv line" cmp -s "$tmp/want" "$tmp/msg"
send --sink syslog --socket "$sock" --rfc5424 --sd --count 2 --control
is "$send_rc" 0 "5424 SD control: sink-send succeeds"
got 2
cut -d'|' -f1-5 <"$tmp/got" | sed "s/|$send_pid|/|PID|/" >"$tmp/head"
is "$(cat "$tmp/head")" \
    "$(repeat 2 'authpriv.warning|testhost|acct2syslog|PID|gap')" \
    "5424 SD control: authpriv.warning, MSGID gap"
cut -d'|' -f6 <"$tmp/got" >"$tmp/sd"
kv_to_sd <"$tmp/want-control.kv" >"$tmp/want.sd"
message <"$tmp/got" >"$tmp/msg"
ok "5424 SD control: fields as SD (message with [ ] \" \\)" \
    cmp -s "$tmp/want.sd" "$tmp/sd"
ok "5424 SD control: MSG is its kv line" \
    cmp -s "$tmp/want-control.kv" "$tmp/msg"

# 3. rsyslog stopped, then started again.
stop_rsyslog
send --sink syslog --socket "$sock" --first 4 --count 2
is "$send_rc" 1 "rsyslog stopped: sink-send fails"
why='(No such file or directory|Connection refused)'
ok "rsyslog stopped: one line saying which socket and why" \
    one_line_error "$tmp/send.err" \
    "^sink-send: syslog socket $sock \(RFC 3164\): $why\$"
[ "$tap_passed" = 1 ] || diag "it said: $(cat "$tmp/send.err")"
start_rsyslog "$tmp/rs" "$sock" "$out" ||
    bail_out "rsyslogd did not start again: $(cat "$tmp/rs/rsyslogd.err")"
send --sink syslog --socket "$sock" --first 4 --count 2
is "$send_rc" 0 "rsyslog started again: sink-send succeeds"
got 2
"$SINK_SEND" --sink stdout --first 4 --count 2 | sed 's/^/ /' >"$tmp/want"
message <"$tmp/got" >"$tmp/msg"
ok "rsyslog started again: seq 4 and 5 arrive" cmp -s "$tmp/want" "$tmp/msg"
stop_rsyslog

# 4. A stock /dev/log: imuxsock with its special parser, which expects
# what syslog(3) sends, "<PRI>TIMESTAMP TAG: MSG", without a HOSTNAME
# (journald's /dev/log expects the same), as our RFC 3164 frames are.
# RFC 5424 needs UseSpecialParser="off" on the input.
out=$tmp/stock.out
lines=0
start_rsyslog "$tmp/stock" "$tmp/stock.log" "$out" "" ||
    bail_out "rsyslogd did not start: $(cat "$tmp/stock/rsyslogd.err")"
send --sink syslog --socket "$tmp/stock.log" --count 1
got 1
ok "stock /dev/log parser: program acct2syslog from our RFC 3164 frame" \
    [ "$(cut -d'|' -f3 <"$tmp/got")" = acct2syslog ]
diag "stock parser read: $(cut -c1-100 "$tmp/got")"
stop_rsyslog

done_testing
