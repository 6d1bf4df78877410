#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# daemon-errors.sh: acct2syslog refuses what it cannot do with one clear
# line naming the thing and what to do, and a non-zero status: unknown
# options, a bad configuration (file:line), an unreadable or missing
# accounting file, a directory, a missing or locked state directory.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
[ -x "$ACCT2SYSLOG" ] || bail_out "$ACCT2SYSLOG not built"
A=$ACCT2SYSLOG
mkdir "$tmp/state"
"$top_builddir/bench/acct-gen" --records 3 -o "$tmp/pacct"

# run WANT_STATUS PATTERN DESCRIPTION ARGS...: the status, and stderr is
# one line matching PATTERN (an extended regular expression).
run() {
	want=$1 pattern=$2 desc=$3
	shift 3
	"$A" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null && st=0 || st=$?
	is "$st" "$want" "$desc: exit status $want"
	ok "$desc: says so on stderr" grep -Eq -- "$pattern" "$tmp/err"
	[ "$tap_passed" = 1 ] || diag "stderr:" "$(cat "$tmp/err")"
}

base="--config /dev/null --file $tmp/pacct --state-dir $tmp/state --sink stdout --once"
# shellcheck disable=SC2086
run 1 "unknown option --bogus" "an unknown option" $base --bogus
# shellcheck disable=SC2086
run 1 "option --file needs an argument" "a missing argument" --file
# shellcheck disable=SC2086
run 1 "--sink: 'kafka' is not a sink" "a bad --sink" $base --sink kafka
# shellcheck disable=SC2086
run 1 "--format: .*json" "a bad --format" $base --format xml

printf 'file = %s\nbach_records = 10\n' "$tmp/pacct" >"$tmp/bad.conf"
run 1 "$tmp/bad.conf:2: unknown key 'bach_records'" \
    "an unknown key names file:line" --config "$tmp/bad.conf" --check-config
printf 'batch_records = 0\n' >"$tmp/range.conf"
run 1 "$tmp/range.conf:1: batch_records: 0 is out of range 1\\.\\.65536" \
    "a value out of range names file:line and the range" \
    --config "$tmp/range.conf" --check-config
run 1 "cannot read $tmp/none.conf" "a --config that is not there" \
    --config "$tmp/none.conf" --check-config
printf 'batch_records = 10\n' >"$tmp/good.conf"
"$A" --config "$tmp/good.conf" --check-config >"$tmp/out" 2>&1 && st=0 || st=$?
is "$st/$(cat "$tmp/out")" "0/" "--check-config on a good file: exit 0, silent"

# shellcheck disable=SC2086
run 2 "cannot read $tmp/nothere: No such file or directory \\(is process accounting on" \
    "a missing accounting file" $base --file "$tmp/nothere"
# shellcheck disable=SC2086
run 2 "cannot read $tmp/state: Is a directory" "a directory as the file" \
    $base --file "$tmp/state"
# shellcheck disable=SC2086
run 2 "cannot open state directory $tmp/missing: No such file or directory \\(create it" \
    "a missing state directory" $base --state-dir "$tmp/missing"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 600 "$tmp/pacct"
	# Its own state directory: one others may write is refused.
	mkdir -m 755 "$tmp/state-nobody"
	chown 65534:65534 "$tmp/state-nobody"
	chmod 755 "$tmp"
	setpriv --reuid 65534 --regid 65534 --clear-groups "$A" \
	    --config /dev/null --file "$tmp/pacct" --sink stdout --once \
	    --state-dir "$tmp/state-nobody" >"$tmp/out" 2>"$tmp/err" &&
	    st=0 || st=$?
	is "$st" 2 "an unreadable file: exit status 2"
	ok "an unreadable file: names it and group adm" \
	    grep -q "cannot read $tmp/pacct: Permission denied (the daemon's user needs group adm)" "$tmp/err"
	chmod 644 "$tmp/pacct"
else
	skip "an unreadable file" "needs root and setpriv to read as another user"
fi

# A second instance on the same state directory.
"$A" --config /dev/null --file "$tmp/pacct" --state-dir "$tmp/state" \
    --sink "file:$tmp/first.kv" --foreground 2>"$tmp/first.err" &
first=$!
wait_for 10 has_line "$tmp/first.kv" forwarder_start || :
run 2 "$tmp/state is in use by another acct2syslog" \
    "a second instance on the same state directory" \
    --config /dev/null --file "$tmp/pacct" --state-dir "$tmp/state" --sink stdout
kill -TERM "$first"
wait "$first" && st=0 || st=$?
is "$st" 0 "the first instance stops cleanly"

# The journal sink of a build without libsystemd (configure
# --with-systemd=no): not there, and said so.
if grep -q '^#define HAVE_SYSTEMD 1' "$top_builddir/config.h"; then
	skip "--sink journal in a build without libsystemd" \
	    "this build has libsystemd"
else
	# shellcheck disable=SC2086
	run 2 "this acct2syslog has no journal sink \\(it was built without libsystemd\\): set sink to syslog, file:PATH or stdout" \
	    "--sink journal without libsystemd" $base --sink journal
fi

# The sink: a file in a directory that is not there.
# shellcheck disable=SC2086
run 2 "$tmp/no/dir/out" "a file sink that cannot be opened" \
    --config /dev/null --file "$tmp/pacct" --state-dir "$tmp/state" --once \
    --sink "file:$tmp/no/dir/out"
done_testing
