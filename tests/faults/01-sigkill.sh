#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 1: SIGKILL acct2syslog at random moments (5 to 200 ms after it
# starts: while it reads, between a send and its commit, while it writes
# the state) while about 1000 processes a second exit; start it again
# each time.  100 kills (1000 with ACCT_FAULTS_SOAK=1).  Then it catches
# up: every record arrives at least once, duplicates are identical.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "1. SIGKILL at random moments"
kills=100
[ "$soak" = 1 ] && kills=1000
cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
kills=$kills
EOS
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
load_start
k=0
while [ "$k" -lt "$kills" ]; do
	daemon_start
	sleep_ms 5 200
	kill -KILL "$dpid"
	wait "$dpid" 2>/dev/null
	k=$((k + 1))
done
echo "$k" >"$tmp/kills"
load_stop
daemon_start
finish
EOS
faults_run
is "$(cat "$tmp/kills" 2>/dev/null)" "$kills" "the daemon was killed $kills times"
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the last daemon exits 0 on SIGTERM"
faults_judge "$tmp/acct/pacct"
dups=$(awk '{ print $1 }' "$tmp/dups")
ok "some messages were sent twice (kills landed between send and commit)" \
    [ "$dups" -gt 0 ]
done_testing
