#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 10c: the file sink's filesystem fills up.  The kv file is on a
# tmpfs of 4 MiB (in a mount namespace of the test's own); while about
# 1000 processes a second exit, a filler takes every free byte of it, so
# the daemon's writes fail with ENOSPC (a batch cut short is cut off the
# file again); 3 s later the filler goes and the daemon goes on.  Every
# record arrives, a line the daemon wrote twice is the same line, and the
# daemon says once that the sink fails and once that it works again.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-services.sh"
in_private_mount_ns "$0" "$@"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "10c. file sink on a full filesystem"
mkdir "$tmp/fs"
# mode 0755: a tmpfs is 1777 by default, a directory the file sink refuses.
mount -t tmpfs -o size=4m,mode=0755 tmpfs "$tmp/fs" ||
	skip_all "cannot mount a tmpfs"
trap 'umount "$tmp/fs" 2>/dev/null; tmp_cleanup' EXIT
# The daemon writes the file on the small filesystem by its own path (the
# file sink follows no symbolic link); the judge reads it as the frame's
# $tmp/out.kv, a link to it.
rm "$tmp/out.kv"
: >"$tmp/fs/out.kv"
ln -s "$tmp/fs/out.kv" "$tmp/out.kv"
# said_once FILE ERE: exactly one line of FILE matches ERE.
said_once() {
	[ "$(grep -Ec -- "$2" "$1")" -eq 1 ]
}
# whole_lines FILE: every line is a whole kv message, the last one too.
whole_lines() {
	! grep -Evq '^event="[a-z_]+" .* schema=[0-9]+$' "$1" &&
	    [ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' ')" = 0a ]
}
printf 'retry_max_ms = 400\nbatch_ms = 50\nheartbeat_interval = 0\nsink = file:%s\n' \
    "$tmp/fs/out.kv" >"$tmp/a2s.conf"

cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf
EOS
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
sink= daemon_start	# the sink of $tmp/a2s.conf
load_start
sleep 0.5
# Every free byte: dd stops at ENOSPC (and says so).  (df afterwards
# could see the bytes the daemon frees by cutting a failed batch off.)
dd if=/dev/zero of="$tmp/fs/filler" bs=4k 2>"$tmp/dd.err" || :
sleep 3
rm "$tmp/fs/filler"
sleep 1
load_stop
finish
EOS
faults_run
ok "the filler filled the filesystem (dd stopped at ENOSPC)" \
    grep -q 'No space left on device' "$tmp/dd.err"
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
ok "the daemon said once that the file sink fails (ENOSPC)" \
    said_once "$tmp/daemon.err" 'fails \(for .*No space left'
ok "and once that it works again" \
    said_once "$tmp/daemon.err" 'works again after'
ok "no torn line: every line is a whole message" whole_lines "$tmp/out.kv"
faults_judge "$tmp/acct/pacct"
done_testing
