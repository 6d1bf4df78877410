# SPDX-License-Identifier: Apache-2.0
# lib-faults.sh: the frame of the fault suite (sourced after lib.sh and
# integration/lib-daemon.sh).  A case
#
#	faults_init "N. what"		# $tmp, $tmp/acct/pacct, $tmp/state
#	cat > "$tmp/workload.sh" <<'EOS'
#	. "$tmp/ns.sh"			# the helpers below, inside
#	accounting_on; daemon_start; load_start
#	... inject the fault ...
#	load_stop; finish		# marker record, daemon stopped cleanly
#	EOS
#	faults_run			# in a private pid namespace
#	faults_judge "$tmp/acct/pacct"	# the kernel's files, in order
#	done_testing
#
# runs real kernel accounting in a private pid namespace (the host's is
# left alone), and faults_judge then compares what the kernel wrote (GNU
# dump-acct of the files, up to the marker record finish() leaves) with
# what the sink received (the kv file $tmp/out.kv), record by record:
#
#   - every record arrived, at least once, unless a control event
#     announced the loss (truncated, corrupt_data: bytes; gap) and the case
#     allows it (faults_judge --loss-ok);
#   - nothing arrived that the kernel did not write;
#   - a message sent twice has the same event_id and the same content;
#   - seq has no hole but those a forwarder_start admits (seq_from..seq_to).
#
# Each judgement is a row of a Markdown table in $FAULTS_RESULTS (default
# tests/faults/CASE.rows in the build tree, rewritten by each run of the
# case; make check-faults prints them all): docs/reliability.md quotes it.
# ACCT_FAULTS_SOAK=1 (make check-faults) makes the cases that repeat
# something repeat it longer.

if [ -z "${FAULTS_RESULTS:-}" ]; then
	FAULTS_RESULTS=$top_builddir/tests/faults/$(basename "$0" .sh).rows
	mkdir -p "$(dirname "$FAULTS_RESULTS")"
	: >"$FAULTS_RESULTS"
fi
soak=${ACCT_FAULTS_SOAK:-0}

# faults_init CASE: a fresh case: prerequisites, directories, and the
# helpers the workload sources.
faults_init() {
	faults_case=$1
	make_tmpdir
	daemon_prereqs
	mkdir "$tmp/acct" "$tmp/state" "$tmp/bin"
	cp /bin/true "$tmp/bin/a2s-true"
	cp /bin/sh "$tmp/bin/a2s-last"
	: >"$tmp/acct/pacct"
	: >"$tmp/out.kv"
	{
		printf 'tmp=%s\ndaemon=%s\nsoak=%s\n' "$tmp" "$ACCT2SYSLOG" "$soak"
		sed -n '/^wait_for()/,/^}/p; /^has_line()/,/^}/p' \
		    "$top_srcdir/tests/integration/lib-daemon.sh"
		sed -n '/^# --- inside ---$/,$p' \
		    "$top_srcdir/tests/faults/lib-faults.sh"
	} >"$tmp/ns.sh"
}

# faults_run: the workload, as root of a private pid namespace.
faults_run() {
	unshare --pid --fork --mount-proc sh "$tmp/workload.sh" \
	    >"$tmp/workload.out" 2>&1 || :
	[ -s "$tmp/daemon.err" ] && diag "daemon said (last lines):" \
	    "$(tail -n 5 "$tmp/daemon.err")"
	[ -s "$tmp/workload.out" ] && diag "workload said (last lines):" \
	    "$(tail -n 5 "$tmp/workload.out")"
	return 0
}

# sent_keys FILE: for every process_end line of a kv file, its event_id,
# its seq and the same key: "event_id seq comm uid gid pid ppid start"
# (the key last: a command name may hold a blank).
sent_keys() {
	grep '^event="process_end"' "$1" | awk '
	function str(k,   v) {
		if (!match($0, " " k "=\"([^\"\\\\]|\\\\.)*\"")) return ""
		v = substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 4)
		return v
	}
	function num(k) {
		if (!match($0, " " k "=[0-9]+")) return ""
		return substr($0, RSTART + length(k) + 2, RLENGTH - length(k) - 2)
	}
	{
		name = ""
		if (match($0, /process_name="([^"\\]|\\.)*"/))
			name = substr($0, RSTART + 14, RLENGTH - 15)
		print str("event_id"), num("seq"), name, num("user_id"),
		    num("group_id"), num("process_id"),
		    num("parent_process_id"), substr(str("start_time"), 1, 19)
	}'
}

# faults_judge [--loss-ok | --loss-unsized] PACCT...: compare the
# kernel's records in the files (in this order, up to finish()'s marker)
# with $tmp/out.kv; TAP points and a row of $FAULTS_RESULTS.  --loss-ok:
# records may be missing when control events announce at least as many
# bytes, or a gap.  --loss-unsized: also when a truncated event announces
# a loss it could not size (records written while the daemon could not
# look, then truncated away: nobody can count them afterwards).
faults_judge() {
	loss_ok=no
	case $1 in
	--loss-ok) loss_ok=yes; shift ;;
	--loss-unsized) loss_ok=unsized; shift ;;
	esac
	for f in "$@"; do
		[ -f "$f" ] || continue
		case $f in
		*.gz) gzip -dc "$f" | dump-acct - 2>/dev/null ;;
		*) dump-acct "$f" ;;
		esac
	done | dump_acct_keys |
	    awk '{ print } $1 == "a2s-last" { exit }' >"$tmp/oracle"
	ok "the marker record reached the sink (the daemon caught up)" \
	    grep -q 'process_name="a2s-last"' "$tmp/out.kv"
	# What the daemon sent up to the marker (it goes on with the
	# records written after it until it is stopped).
	sent_keys "$tmp/out.kv" >"$tmp/sent.all"
	marker_seq=$(awk '$3 == "a2s-last" { print $2; exit }' "$tmp/sent.all")
	awk -v m="${marker_seq:-0}" '$2 <= m + 0' "$tmp/sent.all" >"$tmp/sent"
	sort "$tmp/oracle" >"$tmp/want"
	# One key per event_id: a duplicate is judged apart, below.
	awk '!seen[$1]++' "$tmp/sent" | cut -d' ' -f3- | sort >"$tmp/got"
	written=$(wc -l <"$tmp/oracle")
	received=$(wc -l <"$tmp/got")
	missing=$(comm -23 "$tmp/want" "$tmp/got" | wc -l)
	extra=$(comm -13 "$tmp/want" "$tmp/got" | wc -l)
	# Same event_id, same line.
	awk '{
		if (!match($0, /event_id="[^"]*"/)) next
		id = substr($0, RSTART, RLENGTH)
		if (id in seen) { dups++; if (seen[id] != $0) differ++ }
		seen[id] = $0
	} END { print dups + 0, differ + 0 }' "$tmp/out.kv" >"$tmp/dups"
	read -r dups differ <"$tmp/dups"
	# What the control events admit: records-worth of bytes, and gaps.
	lost_bytes=$(grep -E '^event="(truncated|corrupt_data)"' "$tmp/out.kv" |
	    kv bytes | awk '{ s += $1 } END { print s + 0 }')
	gaps=$(grep -c '^event="gap"' "$tmp/out.kv" || :)
	announced="$lost_bytes bytes"
	[ "$gaps" -gt 0 ] && announced="$announced, $gaps gap(s)"

	truncations=$(grep -c '^event="truncated"' "$tmp/out.kv" || :)
	if [ "$loss_ok" = unsized ] && [ "$truncations" -gt 0 ] &&
	    [ $((missing * 64)) -gt "$lost_bytes" ]; then
		announced="$announced (unsized)"
		ok "records missing ($missing) after a truncation it announced" \
		    true
	elif [ "$loss_ok" != no ]; then
		ok "records missing ($missing) only where a control event said so" \
		    sh -c "[ $missing -eq 0 ] || [ $gaps -gt 0 ] ||
			[ $((missing * 64)) -le $lost_bytes ]"
	else
		is "$missing" 0 "every record the kernel wrote arrived"
	fi
	[ "$missing" -eq 0 ] || diag "missing (first 5):" \
	    "$(comm -23 "$tmp/want" "$tmp/got" | head -n 5)"
	is "$extra" 0 "nothing arrived that the kernel did not write"
	[ "$extra" -eq 0 ] || diag "extra (first 5):" \
	    "$(comm -13 "$tmp/want" "$tmp/got" | head -n 5)"
	is "$differ" 0 "a message sent twice has the same event_id and content"
	grep 'event="forwarder_start"' "$tmp/out.kv" |
	    awk '{
		f = t = ""
		if (match($0, / seq_from=[0-9]+/))
			f = substr($0, RSTART + 10, RLENGTH - 10)
		if (match($0, / seq_to=[0-9]+/))
			t = substr($0, RSTART + 8, RLENGTH - 8)
		if (f != "")
			for (s = f; s <= (t == "" ? f : t); s++) print s
	    }' >"$tmp/admitted"
	kv seq <"$tmp/out.kv" | sort -n -u >"$tmp/seqs"
	holes=$(awk -v admitted="$tmp/admitted" 'BEGIN {
		while ((getline s < admitted) > 0) ok[s] = 1
	}
	{ have[$1] = 1; if ($1 > max) max = $1 }
	END {
		for (s = 1; s <= max; s++)
			if (!(s in have) && !(s in ok)) n++
		print n + 0
	}' "$tmp/seqs")
	is "$holes" 0 "seq has no hole but those a forwarder_start admits"
	streams=$(kv stream <"$tmp/out.kv" | sort -u | wc -l)

	verdict=pass
	[ "$tap_failed" -eq 0 ] || verdict=FAIL
	diag "$faults_case: kernel $written, received $received, missing" \
	    "$missing, extra $extra, sent twice $dups, announced $announced," \
	    "streams $streams: $verdict"
	printf '| %s | %d | %d | %d | %d | %s | %s |\n' "$faults_case" \
	    "$written" "$received" "$dups" "$missing" "$announced" "$verdict" \
	    >>"$FAULTS_RESULTS"
}

# --- inside ---
# The workload's helpers: sourced by the workload from $tmp/ns.sh, in the
# private pid namespace.

# accounting_on [FILE]: kernel accounting into FILE ($tmp/acct/pacct).
accounting_on() {
	accton "${1:-$tmp/acct/pacct}" >/dev/null
}

# daemon_start [OPTION...]: acct2syslog on $tmp/acct/pacct, in the
# background ($dpid), with the configuration $config (none by default),
# into the sink $sink (default: the kv file $tmp/out.kv; set it empty to
# take the sink from the configuration).  Options are added last.
daemon_start() {
	"$daemon" --foreground --config "${config:-/dev/null}" \
	    --file "$tmp/acct/pacct" --state-dir "$tmp/state" \
	    ${sink-"--sink=file:$tmp/out.kv"} ${sink:+"--sink=$sink"} "$@" \
	    2>>"$tmp/daemon.err" &
	dpid=$!
}

# daemon_stop: SIGTERM, wait; its exit status in $tmp/daemon.rc.
daemon_stop() {
	kill -TERM "$dpid" 2>/dev/null
	wait "$dpid"
	echo "$?" >"$tmp/daemon.rc"
}

# load_start: processes exit, about 1000 a second, until load_stop.
load_start() {
	rm -f "$tmp/load.stop"
	(
		while [ ! -e "$tmp/load.stop" ]; do
			i=0
			while [ "$i" -lt 10 ]; do
				"$tmp/bin/a2s-true"
				i=$((i + 1))
			done
			sleep 0.01
		done
	) &
	load_pid=$!
}

load_stop() {
	: >"$tmp/load.stop"
	wait "$load_pid"
}

# burst N: N processes exit, as fast as they can.
burst() {
	burst_i=0
	while [ "$burst_i" -lt "$1" ]; do
		"$tmp/bin/a2s-true"
		burst_i=$((burst_i + 1))
	done
}

# sleep_ms MIN MAX: sleep a random time between MIN and MAX ms.
sleep_ms() {
	ms=$(($(od -An -N2 -tu2 /dev/urandom) % ($2 - $1 + 1) + $1))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

# finish: the marker record; wait until the daemon forwarded it, stop the
# daemon cleanly, turn accounting off.
finish() {
	"$tmp/bin/a2s-last" -c 'exit 0'
	wait_for 30 has_line "$tmp/out.kv" 'process_name="a2s-last"'
	daemon_stop
	accton off >/dev/null
}
