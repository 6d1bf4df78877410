#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 2: the state file damaged while the daemon is down, as a power cut
# leaves it: empty (after a clean stop), cut in the middle of a line
# (after a SIGKILL), or its bytes all zero (after a SIGKILL).  About 1000
# processes a second exit all along, the daemon down included.
#
# What is documented (acct2syslog(8), docs/schema.md): a damaged state
# file is not trusted; the daemon begins a new stream and reads the file
# from its start, and its forwarder_start says so.  So the daemon must
# neither restart silently (the old stream's seq counted on, or the
# position taken from a damaged file) nor jump to the end of the file
# (the records written while it was down lost).  Per damage:
#   - the new stream begins with a forwarder_start (seq 1) that says the
#     state file was damaged and that it reads from the start (offset 0);
#   - the new stream alone holds every record the kernel wrote (the
#     frame's judgement, on the new stream);
#   - what the old stream sent is sent again, identical but for stream,
#     seq and event_id: duplicates a collector recognises by the stream
#     the forwarder_start announced;
#   - the old stream itself has no hole, and the state file is the new
#     stream's at the end.
# A fourth run empties the state file after a rotation (savelog) while the
# daemon was down: the records the old file got after the stop are in no
# stream unless the daemon reads the rotated file too, or says that they
# may be lost.  The daemon reads the newest rotated file from its start,
# then the new one, and its forwarder_start names the rotated file.
# There, what both streams hold together is judged.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

# with_stream ID < KV: the lines of stream ID.
with_stream() {
	grep -F " stream=\"$1\" "
}

# content < KV: process_end lines without what names the message in its
# stream (stream, seq, event_id): what must be the same when sent again.
content() {
	grep '^event="process_end"' |
	    sed 's/ stream="[^"]*"//; s/ seq=[0-9]*//; s/ event_id="[^"]*"//'
}

# damaged DAMAGE STOP ROTATE HOW: one run; DAMAGE is empty, cut or zeros,
# STOP the signal that stops the first daemon, ROTATE yes to rotate the
# file (as savelog does) while the daemon is down.
damaged() {
	damage=$1 stop=$2 rotate=$3 how=$4
	faults_init "2. state file $how"
	cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
damage=$damage
stop=$stop
rotate=$rotate
EOS
	cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
load_start
wait_for 10 has_line "$tmp/out.kv" 'event="process_end"'
sleep_ms 500 800
kill "-$stop" "$dpid"
wait "$dpid" 2>/dev/null
if [ "$rotate" = yes ]; then
	# Records the daemon did not read go into the old file, then the
	# kernel writes to a new one.
	sleep_ms 200 400
	mv "$tmp/acct/pacct" "$tmp/acct/pacct.0"
	: >"$tmp/acct/pacct"
	accounting_on
fi
st=$tmp/state/state
cp "$st" "$tmp/state.before"
size=$(wc -c <"$st")
case $damage in
empty)
	: >"$st" ;;
cut)
	# Up to the middle of the offset line: "offset=1234" becomes
	# "offset=12", a smaller number that still reads as one.
	line=$(grep '^offset=' "$st")
	keep=$(($(grep -b '^offset=' "$st" | cut -d: -f1) + 7 +
	    (${#line} - 7 + 1) / 2))
	head -c "$keep" "$tmp/state.before" >"$st" ;;
zeros)
	dd if=/dev/zero of="$st" bs="$size" count=1 conv=notrunc \
	    2>/dev/null ;;
esac
cp "$st" "$tmp/state.damaged"
sync
sleep_ms 200 400
daemon_start
sleep_ms 500 800
load_stop
finish
EOS
	faults_run
	diag "state before: $(tr '\n' ' ' <"$tmp/state.before" | cut -c 1-60)..." \
	    "damaged ($damage): $(wc -c <"$tmp/state.damaged") bytes," \
	    "$(od -An -c "$tmp/state.damaged" | tr -s ' \n' ' ' | tail -c 40)"
	is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"

	mv "$tmp/out.kv" "$tmp/out.all.kv"
	old=$(head -n 1 "$tmp/out.all.kv" | kv stream)
	new=$(grep '^event="forwarder_start"' "$tmp/out.all.kv" | tail -n 1 |
	    kv stream)
	is "$(kv stream <"$tmp/out.all.kv" | uniq | tr '\n' ' ')" \
	    "$old $new " "the old stream, then a new one (nothing interleaved)"
	with_stream "$old" <"$tmp/out.all.kv" >"$tmp/old.kv" || :
	with_stream "$new" <"$tmp/out.all.kv" >"$tmp/out.kv" || :
	start=$(head -n 1 "$tmp/out.kv")
	diag "  $(printf '%s' "$start" | sed 's/ time="[^"]*"//')"
	is "$(printf '%s\n' "$start" | kv event)" forwarder_start \
	    "the new stream begins with a forwarder_start"
	is "$(printf '%s\n' "$start" | kv seq)" 1 "... of seq 1"
	message=$(printf '%s\n' "$start" | kv message)
	ok "... that says the state file was damaged" \
	    matches "$message" '.*state file.* damaged.*new stream.*'
	is "$(grep -c '^event="forwarder_start"' "$tmp/out.kv")" 1 \
	    "the new stream has one forwarder_start"
	kv seq <"$tmp/old.kv" | sort -n -u >"$tmp/old.seqs"
	is "$(awk 'NR != $1 { print; exit }' "$tmp/old.seqs")" "" \
	    "the old stream has no seq hole ($(wc -l <"$tmp/old.seqs") messages)"
	ok "the state file is the new stream's at the end" \
	    grep -qx "stream=$new" "$tmp/state/state"
	if [ "$rotate" = yes ]; then
		# The new stream reads the rotated file from its start, then
		# the new one (acct2syslog(8)), and says so.
		ok "... and that it reads the rotated file from its start" \
		    matches "$message" '.*from the start of the rotated pacct\.0.*'
		is "$(printf '%s\n' "$start" | kv offset)" 0 "... offset 0"
		is "$(printf '%s\n' "$start" | kv file)" "$tmp/acct/pacct.0" \
		    "... of the rotated file"
		# What a collector holds: both streams, a record the old one
		# sent and the new one sent again counted once (the new
		# stream's forwarder_start announced them).  Every record of
		# the old file and the new must be there.
		content <"$tmp/out.kv" | sort -u >"$tmp/new.content"
		grep '^event="process_end"' "$tmp/old.kv" |
		    while IFS= read -r l; do
			c=$(printf '%s\n' "$l" | content)
			grep -qxF -- "$c" "$tmp/new.content" ||
			    printf '%s\n' "$l"
		    done >"$tmp/old.only"
		cat "$tmp/out.kv" "$tmp/old.only" >"$tmp/union.kv"
		mv "$tmp/union.kv" "$tmp/out.kv"
		faults_judge "$tmp/acct/pacct.0" "$tmp/acct/pacct"
		tmp_cleanup
		return 0
	fi
	ok "... and that it reads the file from its start" \
	    matches "$message" '.*from the start of the file.*'
	is "$(printf '%s\n' "$start" | kv offset)" 0 "... offset 0"
	is "$(printf '%s\n' "$start" | kv file)" "$tmp/acct/pacct" "... of the file"
	# Every record the old stream sent is in the new one too, the same
	# message but for its name.
	content <"$tmp/old.kv" | sort >"$tmp/old.content"
	content <"$tmp/out.kv" | sort >"$tmp/new.content"
	n_old=$(wc -l <"$tmp/old.content")
	again=$(comm -12 "$tmp/old.content" "$tmp/new.content" | wc -l)
	ok "the old stream sent records ($n_old)" [ "$n_old" -gt 0 ]
	is "$again" "$n_old" \
	    "they are all sent again in the new stream, identical but for the ids"
	faults_judge "$tmp/acct/pacct"
	tmp_cleanup
}

damaged empty TERM no "left empty (after a clean stop)"
damaged cut KILL no "cut in the middle of a line (after a SIGKILL)"
damaged zeros KILL no "all zero bytes (after a SIGKILL)"
damaged empty TERM yes "left empty, the file rotated while the daemon was down"
done_testing
