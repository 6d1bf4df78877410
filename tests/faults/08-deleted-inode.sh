#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 8: the accounting file deleted while the kernel still writes to it,
# and an inode number used again by a new file.  Three sub-runs:
#
#   a. pacct removed while the daemon runs: the kernel writes on into the
#      unlinked inode, the daemon reads on from the descriptor it holds;
#      a new pacct comes, accounting is switched to it.  Nothing is lost.
#   b. the same while the daemon is down: what the kernel wrote to the
#      deleted inode after the daemon's offset is gone for it, and must be
#      announced (gap, at the offset it had read up to).
#   c. on an ext4 loop filesystem (which gives a freed inode number to the
#      next new file at once; tmpfs does not): the daemon stopped, pacct
#      removed and made again with the same inode number, accounting on
#      it.  The daemon must take it for a new file (its first record is
#      another), announce what it could not read of the old one (gap) and
#      read the new one from 0, not go on at the old offset.
#
# The oracle of a deleted file is read through a descriptor the workload
# holds on it (/proc/PID/fd/7), or a copy taken while accounting is off.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

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
	cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf
EOS
}

# sub_skip WHY: 8c cannot be done here.
sub_skip() {
	skip "8c: inode reuse" "$1"
	tap_failed=$((tap_failed + failed_before))
	done_testing
}

sub_done() {
	is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
	tap_failed=$((tap_failed + failed_before))
}

# --- a. deleted while the daemon runs
sub_run "8a. file deleted while written, daemon running"
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
load_start
sleep_ms 300 600
exec 7<"$tmp/acct/pacct"
rm "$tmp/acct/pacct"
burst 200
sleep_ms 500 800		# longer than rotation_grace_ms
: >"$tmp/acct/pacct"
accounting_on
sleep_ms 500 800
load_stop
finish
cp "/proc/$$/fd/7" "$tmp/deleted"
EOS
faults_run
faults_judge "$tmp/deleted" "$tmp/acct/pacct"
is "$(grep -c '^event="rotation"' "$tmp/out.kv")" 1 \
    "a rotation event from the deleted file to the new one"
sub_done

# --- b. deleted while the daemon is down
sub_run "8b. file deleted while written, daemon down"
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
load_start
sleep_ms 300 600
daemon_stop
sed -n 's/^offset=//p' "$tmp/state/state" >"$tmp/stopped.offset"
burst 100			# unread
exec 7<"$tmp/acct/pacct"
rm "$tmp/acct/pacct"
burst 100			# into the deleted inode
: >"$tmp/acct/pacct"
accounting_on
burst 50
daemon_start
sleep_ms 300 600
load_stop
finish
cp "/proc/$$/fd/7" "$tmp/deleted"
EOS
faults_run
faults_judge --loss-ok "$tmp/deleted" "$tmp/acct/pacct"
ok "some records were lost with the deleted file" [ "$missing" -gt 0 ]
is "$(grep '^event="gap"' "$tmp/out.kv" | kv offset)" \
    "$(cat "$tmp/stopped.offset" 2>/dev/null)" \
    "a gap event, at the offset the daemon had read the old file up to"
sub_done

# --- c. inode number used again
sub_run "8c. a new file with the inode number of the old one"
if ! command -v mkfs.ext4 >/dev/null 2>&1; then
	sub_skip "mkfs.ext4 not found"
fi
truncate -s 16M "$tmp/fs.img"
mkfs.ext4 -q -F "$tmp/fs.img"
cat >>"$tmp/workload.sh" <<'EOS'
a=$tmp/acct
mount -o loop "$tmp/fs.img" "$a" 2>"$tmp/mount.err" || exit 0
echo mounted >"$tmp/mounted"
: >"$a/pacct"
accounting_on
daemon_start
burst 100
cp /bin/true "$tmp/bin/a2s-sync"
"$tmp/bin/a2s-sync"
wait_for 20 has_line "$tmp/out.kv" 'process_name="a2s-sync"'
daemon_stop
sed -n 's/^offset=//p' "$tmp/state/state" >"$tmp/stopped.offset"
burst 50			# unread: lost with the old file
accton off >/dev/null
stat -c %i "$a/pacct" >"$tmp/ino"
cp "$a/pacct" "$tmp/old"	# not recorded: accounting is off
rm "$a/pacct"
: >"$a/pacct"
stat -c %i "$a/pacct" >>"$tmp/ino"
accounting_on
burst 300			# more than the old offset: no shrinking
daemon_start
finish
cp "$a/pacct" "$tmp/new"	# the mount goes with the namespace
umount "$a"
EOS
faults_run
if [ ! -e "$tmp/mounted" ]; then
	sub_skip "cannot mount an ext4 image: $(head -n 1 "$tmp/mount.err")"
fi
diag "inode numbers, old and new: $(tr '\n' ' ' <"$tmp/ino")"
if [ "$(sort -u "$tmp/ino" | wc -l)" -ne 1 ]; then
	sub_skip "ext4 gave the new file another inode number"
fi
faults_judge --loss-ok "$tmp/old" "$tmp/new"
ok "the records written after the stop were lost with the old file" \
    [ "$missing" -gt 0 ]
is "$(grep '^event="gap"' "$tmp/out.kv" | kv offset)" \
    "$(cat "$tmp/stopped.offset" 2>/dev/null)" \
    "a gap event, at the offset the daemon had read the old file up to"
ok "the new file read from offset 0 (not from the old offset)" \
    grep -q '^event="forwarder_start".*the file read last is gone' \
    "$tmp/out.kv"
ok "no truncated event (it is not the old file shrunk)" \
    sh -c "! grep -q '^event=\"truncated\"' '$tmp/out.kv'"
sub_done
done_testing
