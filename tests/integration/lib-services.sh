# SPDX-License-Identifier: Apache-2.0
# lib-services.sh: a private rsyslogd and a private journald for the tests
# (POSIX sh, sourced after lib.sh).  Nothing of the host is touched: rsyslog
# listens on a socket in the test's folder and writes there; journald runs
# in a private mount namespace with tmpfs over /run (and /var/log/journal),
# so it has a socket, a journal and a configuration of its own.
#
#	in_private_mount_ns "$0" "$@"	# first: re-runs the test as root in
#					# a mount namespace of its own
#	make_tmpdir
#	trap 'stop_rsyslog; stop_journald; tmp_cleanup' EXIT
#	start_rsyslog "$tmp/rs" "$tmp/log" "$tmp/out" || bail_out ...
#	wait_lines "$tmp/out" 3		# rsyslog wrote 3 lines (5 s at most)
#	stop_rsyslog
#	start_journald || bail_out ...	# in the namespace only
#	journal_entries FIELD=VALUE...	# journalctl -o export of its journal
#	stop_journald
#	todo "what should work" "why it does not yet" COMMAND...
#
# journald's namespace has tmpfs over all of /run (not just its folders),
# so that no folder is made on the host's /run: anything else a test needs
# under /run must be made there again.

RSYSLOG_PID=
JOURNALD_PID=
JOURNAL_SOCKET=/run/systemd/journal/socket
JOURNAL_DIR=/run/log/journal

# service_wait SECONDS COMMAND...: run COMMAND every 50 ms until it
# succeeds; false when it never did.
service_wait() {
	service_wait_left=$(($1 * 20))
	shift
	until "$@"; do
		[ "$service_wait_left" -gt 0 ] || return 1
		service_wait_left=$((service_wait_left - 1))
		sleep 0.05
	done
}

# todo DESCRIPTION WHY COMMAND...: a test point for a known problem, TAP's
# TODO: reported, not failing the test; a pass shows up as unexpected
# (XPASS), to be made a plain test point then.
todo() {
	todo_desc=$1 todo_why=$2
	shift 2
	tap_run=$((tap_run + 1))
	todo_word='not ok'
	if "$@"; then
		todo_word=ok
	fi
	printf '%s %d - %s # TODO %s\n' "$todo_word" "$tap_run" "$todo_desc" \
	    "$todo_why"
}

# one_line_error FILE ERE: FILE is one line, matching ERE.
one_line_error() {
	[ "$(wc -l <"$1")" -eq 1 ] && grep -Eq "$2" "$1"
}

# wait_lines FILE N [SECONDS]: until FILE has at least N lines (5 s).
wait_lines() {
	service_wait "${3:-5}" service_has_lines "$1" "$2"
}

service_has_lines() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]
}

# in_private_mount_ns "$0" "$@": unless already there, run this test again
# as root in a private mount namespace (unshare --mount) and exit with its
# status; skips the test when that cannot be done here.  Call it before
# make_tmpdir.
in_private_mount_ns() {
	[ "${ACCT_TEST_PRIVATE_NS:-}" = 1 ] && return 0
	[ "$(id -u)" -eq 0 ] ||
	    skip_all "needs root for a private mount namespace"
	command -v unshare >/dev/null 2>&1 || skip_all "unshare not found"
	if ! in_ns_err=$(unshare --mount --propagation private true 2>&1); then
		skip_all "no private mount namespace here: $in_ns_err"
	fi
	ACCT_TEST_PRIVATE_NS=1
	export ACCT_TEST_PRIVATE_NS
	exec unshare --mount --propagation private /bin/sh "$@"
}

# start_rsyslog DIR SOCKET OUTFILE [INPUT_PARAMETERS]: rsyslogd -n with a
# configuration of its own in DIR (made if needed): imuxsock on SOCKET
# only (not /dev/log), every message as one line in OUTFILE:
#
#	FACILITY.SEVERITY|HOSTNAME|PROGRAMNAME|PROCID|MSGID|STRUCTURED-DATA|MSG
#
# (RSYSLOG_DebugFormat in OUTFILE.debug; with mmpstrucdata, the parsed
# structured data as JSON, "{ }" when none, one line each in OUTFILE.sd).
# The input reads RFC 3164 with a HOSTNAME and RFC 5424 (the regular
# parser chain: UseSpecialParser="off" ParseHostname="on") unless
# INPUT_PARAMETERS say otherwise ("" for rsyslog's defaults, those of a
# stock /dev/log).  Sets RSYSLOG_PID; false, with rsyslogd's words in
# DIR/rsyslogd.err, when it did not start.
start_rsyslog() {
	rs_dir=$1 rs_socket=$2 rs_out=$3
	rs_input=${4-UseSpecialParser=\"off\" ParseHostname=\"on\"}
	mkdir -p "$rs_dir/work"
	rs_sd_module='' rs_sd_action=''
	for rs_module in /usr/lib/*/rsyslog/mmpstrucdata.so \
	    /usr/lib/rsyslog/mmpstrucdata.so; do
		[ -f "$rs_module" ] || continue
		rs_sd_module='module(load="mmpstrucdata")'
		rs_sd_action="action(type=\"mmpstrucdata\")
action(type=\"omfile\" file=\"$rs_out.sd\" template=\"sd\")"
	done
	cat >"$rs_dir/rsyslog.conf" <<EOF
global(workDirectory="$rs_dir/work")
module(load="imuxsock" SysSock.Use="off")
$rs_sd_module
input(type="imuxsock" Socket="$rs_socket" RateLimit.Interval="0" $rs_input)
template(name="fields" type="string" string="%syslogfacility-text%.%syslogseverity-text%|%hostname%|%programname%|%procid%|%msgid%|%structured-data%|%msg%\n")
template(name="sd" type="string" string="%\$!rfc5424-sd%\n")
action(type="omfile" file="$rs_out" template="fields")
action(type="omfile" file="$rs_out.debug" template="RSYSLOG_DebugFormat")
$rs_sd_action
EOF
	# A socket left by an rsyslogd that was killed would pass for ours.
	rm -f "$rs_dir/rsyslogd.pid" "$rs_socket"
	rsyslogd -n -f "$rs_dir/rsyslog.conf" -i "$rs_dir/rsyslogd.pid" \
	    >"$rs_dir/rsyslogd.err" 2>&1 &
	RSYSLOG_PID=$!
	if ! service_wait 10 rsyslog_ready "$rs_socket"; then
		stop_rsyslog
		return 1
	fi
}

# Is our rsyslogd alive and listening?
rsyslog_ready() {
	kill -0 "$RSYSLOG_PID" 2>/dev/null && [ -S "$1" ]
}

# stop_rsyslog: stop the rsyslogd start_rsyslog started (SIGTERM, then
# wait for it: it writes out what it has and removes its socket).
stop_rsyslog() {
	[ -n "$RSYSLOG_PID" ] || return 0
	kill -TERM "$RSYSLOG_PID" 2>/dev/null || :
	wait "$RSYSLOG_PID" 2>/dev/null || :
	RSYSLOG_PID=
}

# start_journald: systemd-journald of our own, in the private mount
# namespace (in_private_mount_ns): tmpfs over /run and /var/log/journal
# the first time, volatile storage in /run/log/journal, no rate limit, no
# forwarding.  Journal files stay across a stop and a start.  Sets
# JOURNALD_PID; false (its words in $tmp/journald.err) when it did not
# come up.
start_journald() {
	[ "${ACCT_TEST_PRIVATE_NS:-}" = 1 ] ||
	    bail_out "start_journald outside a private mount namespace"
	if [ -z "${JOURNALD_MOUNTED:-}" ]; then
		mount -t tmpfs -o mode=0755 tmpfs /run || return 1
		if [ -d /var/log/journal ]; then
			mount -t tmpfs tmpfs /var/log/journal || return 1
		fi
		mkdir -p /run/systemd/journal "$JOURNAL_DIR" \
		    /run/systemd/journald.conf.d
		cat >/run/systemd/journald.conf.d/test.conf <<EOF
[Journal]
Storage=volatile
RateLimitIntervalSec=0
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
EOF
		JOURNALD_MOUNTED=1
	fi
	# shellcheck disable=SC2154 # $tmp: lib.sh's make_tmpdir
	/lib/systemd/systemd-journald >>"$tmp/journald.err" 2>&1 &
	JOURNALD_PID=$!
	if ! service_wait 10 journald_ready; then
		stop_journald
		return 1
	fi
}

# Is our journald alive and answering?  A socket file is left behind by
# the one before, so ask it: journalctl --sync talks to it (varlink) and
# adds nothing to the journal.
journald_ready() {
	kill -0 "$JOURNALD_PID" 2>/dev/null && [ -S "$JOURNAL_SOCKET" ] &&
	    journalctl --sync >/dev/null 2>&1
}

# stop_journald: stop our journald (SIGTERM: it closes its journal).
stop_journald() {
	[ -n "$JOURNALD_PID" ] || return 0
	kill -TERM "$JOURNALD_PID" 2>/dev/null || :
	wait "$JOURNALD_PID" 2>/dev/null || :
	JOURNALD_PID=
}

# journal_entries [MATCH...]: the entries of our journal, journalctl's
# export format (FIELD=value lines, a blank line after each entry).
journal_entries() {
	journalctl -D "$JOURNAL_DIR" -o export --no-pager "$@"
}
