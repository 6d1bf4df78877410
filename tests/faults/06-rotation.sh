#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 6: the accounting file rotated under a burst of exits, three ways,
# each a sub-run of its own (own files, own daemon, own row):
#
#   a. Debian, as /etc/cron.daily/acct does it: savelog -c N renames pacct
#      to pacct.0 (pacct.0 to pacct.1.gz ...) and makes a new pacct, the
#      kernel writes on into pacct.0 until accounting is stopped and
#      started again on the new pacct (invoke-rc.d acct restart).
#   b. RHEL, as the psacct logrotate rule does it: logrotate renames pacct
#      to pacct.1 (delaycompress: pacct.1 to pacct.2.gz ...), creates a new
#      pacct, and its postrotate accton switches the kernel to it at once.
#   c. The daemon stopped across two Debian rotations: the file it read
#      last is pacct.1.gz when it comes back (compressed meanwhile).
#
# Each time every record of every file (oldest first) arrives, and seq is
# contiguous.  Three rotations a run (a, b); with ACCT_FAULTS_SOAK=1, ten.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

require_cmd savelog gzip
rotations=3
[ "$soak" = 1 ] && rotations=10
keep=$((rotations + 2))

# sub_run CASE: a fresh case directory (the previous one removed), with
# its own verdict in the results.
sub_run() {
	if [ -n "$tmp" ] && [ "${ACCT_TEST_KEEP:-0}" != 1 ]; then
		rm -rf "$tmp"
	fi
	failed_before=$tap_failed
	tap_failed=0
	faults_init "$1"
	printf 'rotation_grace_ms = 300\nbatch_ms = 50\n' >"$tmp/a2s.conf"
}

# judge_all: faults_judge over every file of $tmp/acct, oldest first (the
# highest number first, then pacct.0 or pacct.1, then pacct).
judge_all() {
	# shellcheck disable=SC2012 # our own names
	files=$(cd "$tmp/acct" && ls pacct.* 2>/dev/null |
	    sed 's/^pacct\.\([0-9]*\).*/\1 &/' | sort -rn | cut -d' ' -f2)
	# shellcheck disable=SC2086 # a list
	diag "files: $(printf '%s ' $files)pacct"
	set --
	for f in $files; do
		set -- "$@" "$tmp/acct/$f"
	done
	faults_judge "$@" "$tmp/acct/pacct"
	ok "no gap was announced" sh -c "! grep -q '^event=\"gap\"' '$tmp/out.kv'"
	tap_failed=$((tap_failed + failed_before))
}

# --- a. Debian
sub_run "6a. rotation, Debian savelog + accounting restart"
cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf rotations=$rotations keep=$keep
EOS
cat >>"$tmp/workload.sh" <<'EOS'
debian_rotate() {
	(cd "$tmp/acct" && savelog -g adm -m 0640 -u root -c "$keep" \
	    "$tmp/acct/pacct" >/dev/null)
	burst 200			# into pacct.0, the old inode
	accton off >/dev/null		# invoke-rc.d acct restart
	accton "$tmp/acct/pacct" >/dev/null
}
accounting_on
daemon_start
load_start
r=0
while [ "$r" -lt "$rotations" ]; do
	sleep_ms 300 600
	burst 200 &
	debian_rotate
	wait $!
	r=$((r + 1))
done
sleep_ms 300 600
load_stop
finish
EOS
faults_run
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "6a: the daemon exits 0 on SIGTERM"
is "$(grep -c '^event="rotation"' "$tmp/out.kv")" "$rotations" \
    "6a: a rotation event for each rotation"
judge_all

# --- b. RHEL
if ! command -v logrotate >/dev/null 2>&1; then
	skip "6b: rotation, logrotate + accton switch" "logrotate not found"
else
	sub_run "6b. rotation, logrotate + atomic accton switch"
	cat >"$tmp/logrotate.conf" <<EOF
$tmp/acct/pacct {
	compress
	delaycompress
	notifempty
	rotate $keep
	create 0600 root root
	postrotate
		accton $tmp/acct/pacct >/dev/null
	endscript
}
EOF
	cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf rotations=$rotations
EOS
	cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
load_start
r=0
while [ "$r" -lt "$rotations" ]; do
	sleep_ms 300 600
	burst 200 &
	logrotate -f -s "$tmp/logrotate.state" "$tmp/logrotate.conf"
	wait $!
	r=$((r + 1))
done
sleep_ms 300 600
load_stop
finish
EOS
	faults_run
	is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 \
	    "6b: the daemon exits 0 on SIGTERM"
	is "$(grep -c '^event="rotation"' "$tmp/out.kv")" "$rotations" \
	    "6b: a rotation event for each rotation"
	judge_all
fi

# --- c. down across two rotations
sub_run "6c. daemon down across two rotations, its file compressed"
cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf keep=$keep
EOS
cat >>"$tmp/workload.sh" <<'EOS'
debian_rotate() {
	(cd "$tmp/acct" && savelog -g adm -m 0640 -u root -c "$keep" \
	    "$tmp/acct/pacct" >/dev/null)
	burst 100
	accton off >/dev/null
	accton "$tmp/acct/pacct" >/dev/null
}
accounting_on
daemon_start
load_start
sleep_ms 300 600
daemon_stop
echo "$(cat "$tmp/daemon.rc")" >"$tmp/daemon.rc.first"
burst 200			# unread, in the file it read last
debian_rotate
burst 200
debian_rotate			# its file is now pacct.1.gz
burst 200
daemon_start
sleep_ms 300 600
load_stop
finish
EOS
faults_run
is "$(cat "$tmp/daemon.rc.first" 2>/dev/null)/$(cat "$tmp/daemon.rc" \
    2>/dev/null)" 0/0 "6c: the daemon exits 0 on SIGTERM, both times"
ok "6c: the file it read last was compressed meanwhile" \
    test -f "$tmp/acct/pacct.1.gz"
ok "6c: the restart found its file among the rotated ones" \
    grep -q '^event="forwarder_start".*resumed [^ ]*pacct\.1\.gz at offset' \
    "$tmp/out.kv"
is "$(grep -c '^event="rotation"' "$tmp/out.kv")" 2 \
    "6c: a rotation event for pacct.1.gz and for pacct.0"
judge_all
done_testing
