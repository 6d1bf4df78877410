# SPDX-License-Identifier: Apache-2.0
# lib-daemon.sh: helpers for the tests of the acct2syslog daemon (sourced
# after lib.sh).  The daemon runs inside a private pid namespace whose
# process accounting goes to a file of the test, so the host's accounting
# is left alone and the heartbeat's records come back to the daemon.

: "${ACCT2SYSLOG:=$top_builddir/acct2syslog/acct2syslog}"

# daemon_prereqs: skip the whole test unless the kernel can do it here.
daemon_prereqs() {
	[ "$(id -u)" -eq 0 ] ||
	    skip_all "needs root: acct(2) needs CAP_SYS_PACCT"
	require_cmd unshare accton dump-acct
	[ -x "$ACCT2SYSLOG" ] || bail_out "$ACCT2SYSLOG not built"
	if ! unshare --pid --fork --mount-proc true 2>"$tmp/unshare.err"; then
		skip_all "no private pid namespace here: $(head -n 1 \
		    "$tmp/unshare.err")"
	fi
}

# kv KEY < LINES: the value of KEY on each kv line that has it (strings
# without their quotes, \" and \\ left escaped).
kv() {
	awk -v key="$1" '{
		line = $0
		if ((i = index(line, " " key "=")) > 0)
			rest = substr(line, i + length(key) + 2)
		else if (index(line, key "=") == 1)
			rest = substr(line, length(key) + 2)
		else
			next
		if (substr(rest, 1, 1) == "\"") {
			v = ""
			for (j = 2; j <= length(rest); j++) {
				c = substr(rest, j, 1)
				if (c == "\\") {
					v = v c substr(rest, j + 1, 1)
					j++
				} else if (c == "\"")
					break
				else
					v = v c
			}
			print v
		} else {
			sub(/ .*/, "", rest)
			print rest
		}
	}'
}

# events FILE: the event names of a kv file, one a line.
events() {
	kv event <"$1"
}

# records FILE: "name pid" of every process_end line of a kv file.
records() {
	grep '^event="process_end"' "$1" | awk '{
		name = ""; pid = ""
		if (match($0, /process_name="([^"\\]|\\.)*"/))
			name = substr($0, RSTART + 14, RLENGTH - 15)
		if (match($0, / process_id=[0-9]+/))
			pid = substr($0, RSTART + 12, RLENGTH - 12)
		print name, pid
	}'
}

# oracle_records PACCT: "name pid" of every record, by GNU dump-acct.
oracle_records() {
	dump-acct "$1" | awk -F'|' '{
		name = $1; sub(/ +$/, "", name)
		pid = $10; gsub(/ /, "", pid)
		print name, pid
	}'
}

# dump_acct_keys: GNU dump-acct lines on stdin, one key a line out:
# "comm uid gid pid ppid start", start as YYYY-MM-DDThh:mm:ss (dump-acct
# prints local time: TZ=UTC).
dump_acct_keys() {
	awk -F'|' '
	BEGIN {
		split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " ")
		for (i = 1; i <= 12; i++)
			mon[m[i]] = sprintf("%02d", i)
	}
	{
		comm = $1; sub(/ +$/, "", comm)
		for (i = 6; i <= 11; i++)
			gsub(/ /, "", $i)
		split($NF, t, " ")
		printf "%s %s %s %s %s %s-%s-%02dT%s\n", comm, $6, $7, $10, $11,
		    t[5], mon[t[2]], t[3], t[4]
	}'
}

# wait_for SECONDS COMMAND...: run COMMAND every 50 ms until it succeeds;
# false when it never did.
wait_for() {
	wait_for_left=$(($1 * 20))
	shift
	while [ "$wait_for_left" -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		wait_for_left=$((wait_for_left - 1))
	done
	return 1
}

# has_line FILE PATTERN: grep -q, quietly false for a missing file.
has_line() {
	grep -q -- "$2" "$1" 2>/dev/null
}

# seq_is_contiguous FILE: the seq of every line is 1, 2, 3, ... in order,
# and every event_id is stream:seq.
seq_is_contiguous() {
	awk '{
		if (!match($0, / seq=[0-9]+/)) { bad = 1; exit }
		s = substr($0, RSTART + 5, RLENGTH - 5) + 0
		if (s != NR) { bad = 1; exit }
		if (!match($0, / stream="[0-9a-f]+"/)) { bad = 1; exit }
		st = substr($0, RSTART + 9, RLENGTH - 10)
		if (index($0, "event_id=\"" st ":" s "\"") == 0) { bad = 1; exit }
	} END { exit bad }' "$1"
}

# matches STRING ERE: the whole of STRING matches the extended regex.
matches() {
	printf '%s\n' "$1" | grep -Eqx -- "$2"
}
