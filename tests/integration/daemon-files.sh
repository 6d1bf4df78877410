#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-files.sh: the files acct2syslog creates (state.tmp, state, lock,
# the file sink) are never written through a symbolic link planted in
# their place: the daemon refuses, with one line naming the file and what
# to do, and the file the link points to is untouched, whether the link is
# there at start or planted while it runs.  A state directory (or a file
# sink's directory) that others may change is refused the same way (sshd's
# StrictModes); one behind a symbolic link whose target is fine, as the
# unit's DynamicUser= makes /var/lib/acct2syslog, is accepted.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
[ -x "$ACCT2SYSLOG" ] || bail_out "$ACCT2SYSLOG not built"
A=$ACCT2SYSLOG
root=no
[ "$(id -u)" -eq 0 ] && root=yes
mkdir "$tmp/acct"
"$top_builddir/bench/acct-gen" --records 3 -o "$tmp/acct/pacct"
precious="precious: must stay as it is"
echo "$precious" >"$tmp/victim"

# run WANT_STATUS PATTERN DESCRIPTION STATE_DIR [ARG...]: the daemon once on
# the accounting file with STATE_DIR; its status, and stderr is one line
# matching PATTERN (an extended regular expression).
run() {
	want=$1 pattern=$2 desc=$3 state=$4
	shift 4
	"$A" --config /dev/null --file "$tmp/acct/pacct" --state-dir "$state" \
	    --once --sink stdout "$@" >"$tmp/out" 2>"$tmp/err" </dev/null &&
	    st=0 || st=$?
	is "$st" "$want" "$desc: exit status $want"
	if [ "$want" -ne 0 ]; then
		ok "$desc: says so in one line" \
		    sh -c "[ \$(wc -l <'$tmp/err') -eq 1 ] &&
		    grep -Eq -- \"\$1\" '$tmp/err'" sh "$pattern"
		[ "$tap_passed" = 1 ] || diag "stderr:" "$(cat "$tmp/err")"
	fi
}

untouched() {
	[ "$(cat "$tmp/victim")" = "$precious" ]
}

# Links where the daemon writes, planted before it starts.
mkdir "$tmp/s-tmp"
ln -s "$tmp/victim" "$tmp/s-tmp/state.tmp"
run 2 "$tmp/s-tmp/state.tmp is a symbolic link, which the daemon does not follow.*remove it" \
    "a symlink at state.tmp" "$tmp/s-tmp"
ok "  the file it points to is untouched" untouched
ok "  no state was saved" test ! -e "$tmp/s-tmp/state"

mkdir "$tmp/s-lock"
ln -s "$tmp/nologin" "$tmp/s-lock/lock"
run 2 "$tmp/s-lock/lock is a symbolic link" "a symlink at lock" "$tmp/s-lock"
ok "  the file it points to is not created" test ! -e "$tmp/nologin"

mkdir "$tmp/s-state"
ln -s "$tmp/victim" "$tmp/s-state/state"
run 2 "$tmp/s-state/state is a symbolic link" "a symlink at state" \
    "$tmp/s-state"
ok "  the file it points to is untouched" untouched

mkdir "$tmp/s-ok"
ln -s "$tmp/victim" "$tmp/out-link.kv"
run 2 "$tmp/out-link.kv is a symbolic link, which the file sink does not follow" \
    "a symlink at the file sink's path" "$tmp/s-ok" \
    --sink "file:$tmp/out-link.kv"
ok "  the file it points to is untouched" untouched
ln -s "$tmp/nowhere.kv" "$tmp/dangling.kv"
run 2 "$tmp/dangling.kv is a symbolic link" \
    "a dangling symlink at the file sink's path" "$tmp/s-ok" \
    --sink "file:$tmp/dangling.kv"
ok "  the file it points to is not created" test ! -e "$tmp/nowhere.kv"

# Directories others may change.
mkdir -m 775 "$tmp/s-group"
run 2 "state directory $tmp/s-group is writable by its group or by others \\(mode 0775\\).*chmod go-w $tmp/s-group" \
    "a state directory its group may write" "$tmp/s-group"
ok "  nothing is created in it" test ! -e "$tmp/s-group/lock"
mkdir -m 1777 "$tmp/s-all"
run 2 "state directory $tmp/s-all is writable by its group or by others \\(mode 1777\\)" \
    "a state directory anyone may write (sticky)" "$tmp/s-all"
ln -s s-all "$tmp/s-all-link"
run 2 "state directory $tmp/s-all-link is writable" \
    "a symlink to a state directory anyone may write" "$tmp/s-all-link"
mkdir -m 777 "$tmp/sink-all"
run 2 "the file sink's directory $tmp/sink-all is writable by its group or by others \\(mode 0777\\)" \
    "a file sink in a directory anyone may write" "$tmp/s-ok" \
    --sink "file:$tmp/sink-all/out.kv"
ok "  no file is made there" test ! -e "$tmp/sink-all/out.kv"
if [ "$root" = yes ]; then
	mkdir "$tmp/s-foreign"
	chown 65534:65534 "$tmp/s-foreign"
	run 2 "state directory $tmp/s-foreign is owned by uid 65534, not by root or the daemon's user \\(uid 0\\)" \
	    "a state directory of another user" "$tmp/s-foreign"
	ok "  nothing is created in it" test ! -e "$tmp/s-foreign/lock"
else
	skip "a state directory of another user" "needs root to make one"
fi

# A symbolic link to a fine state directory is resolved once and used.
mkdir "$tmp/s-real"
ln -s s-real "$tmp/s-link"
run 0 "" "a symlink to a fine state directory" "$tmp/s-link"
is "$(grep -c '^event="process_end"' "$tmp/out")" 3 "  every record goes out"
ok "  the state is in the real directory" test -f "$tmp/s-real/state"
ok "  and the link is still a link" test -L "$tmp/s-link"

# As the packaged unit runs it: DynamicUser= and StateDirectory= make
# /var/lib/acct2syslog a link to private/acct2syslog, a directory of the
# dynamic user with StateDirectoryMode=0750; the service sees
# /var/lib/private through a 0755 mount of its own.
if [ "$root" = yes ] && command -v setpriv >/dev/null; then
	mkdir -p "$tmp/lib/private/acct2syslog"
	chmod 755 "$tmp" "$tmp/lib/private"
	chown 65534:65534 "$tmp/lib/private/acct2syslog"
	chmod 750 "$tmp/lib/private/acct2syslog"
	ln -s private/acct2syslog "$tmp/lib/acct2syslog"
	setpriv --reuid 65534 --regid 65534 --clear-groups "$A" \
	    --config /dev/null --file "$tmp/acct/pacct" --once --sink stdout \
	    --state-dir "$tmp/lib/acct2syslog" >"$tmp/out" 2>"$tmp/err" &&
	    st=0 || st=$?
	is "$st" 0 "as the unit's dynamic user, through the link: runs"
	[ "$st" -eq 0 ] || diag "stderr:" "$(cat "$tmp/err")"
	is "$(grep -c '^event="process_end"' "$tmp/out")" 3 \
	    "  every record goes out"
	is "$(stat -c %u "$tmp/lib/private/acct2syslog/state" 2>&1)" 65534 \
	    "  the state is in the real directory, the dynamic user's"
else
	skip "as the unit's dynamic user" "needs root and setpriv"
fi

# A link planted at state.tmp while the daemon runs: the save fails and
# is reported, messages still go out, the file it points to is untouched;
# once the link is gone the daemon saves again.
printf 'heartbeat_interval = 0\nbatch_ms = 50\npoll_interval_ms = 100\nretry_max_ms = 400\n' \
    >"$tmp/run.conf"
mkdir "$tmp/s-run"
"$A" --foreground --config "$tmp/run.conf" --file "$tmp/acct/pacct" \
    --state-dir "$tmp/s-run" --sink "file:$tmp/run.kv" 2>"$tmp/run.err" &
dpid=$!
# Idle once all three records are committed (no heartbeat, no new data).
if wait_for 10 has_line "$tmp/s-run/state" '^offset=192$'; then
	ln -s "$tmp/victim" "$tmp/s-run/state.tmp"
	"$top_builddir/bench/acct-gen" --records 3 -o "$tmp/more"
	cat "$tmp/more" >>"$tmp/acct/pacct"
	ok "a symlink planted at state.tmp while running: the save fails and says why" \
	    wait_for 10 has_line "$tmp/run.err" \
	    "cannot save the position in $tmp/s-run .*Too many levels of symbolic links"
	ok "  the records still go out" \
	    wait_for 10 sh -c "[ \$(grep -c '^event=\"process_end\"' '$tmp/run.kv') -ge 6 ]"
	ok "  the file it points to is untouched" untouched
	rm "$tmp/s-run/state.tmp"
	ok "  once the link is gone, the save works again" \
	    wait_for 10 has_line "$tmp/run.err" "works again after"
	ok "  and the state holds all six records" \
	    wait_for 10 has_line "$tmp/s-run/state" '^offset=384$'
else
	ok "the daemon commits the first three records" false
fi
kill -TERM "$dpid"
wait "$dpid" && st=0 || st=$?
is "$st" 0 "the daemon stops cleanly"
[ "$tap_passed" = 1 ] || diag "daemon said:" "$(cat "$tmp/run.err")"
ok "the file a link pointed to was never touched" untouched
done_testing
