#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 4: the accounting filesystem nearly full, while about 1000
# processes a second exit.  The accounting file is on a 1 MiB tmpfs of
# its own; the kernel's thresholds in /proc/sys/kernel/acct keep their
# percentages (resume at 4 %, suspend at 2 % free by default: they are
# not raised, other tests use /tmp) but the kernel looks every second
# instead of every 30 (frequency = 1; the old values come back on every
# exit).  The tmpfs is filled to the suspend threshold: the kernel pauses
# accounting and the daemon says accounting_paused (with free_percent);
# the filler is removed: accounting_resumed.  The processes that exit
# during the pause are never written by the kernel (checked: a burst of
# a2s-unrec made then is not in the file); that is the loss the kernel
# makes and accounting_paused announces, not one of ours.  Every record
# the kernel did write arrives.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

faults_init "4. accounting filesystem nearly full"
acct_sysctl=/proc/sys/kernel/acct
# shellcheck disable=SC2046 # three numbers
set -- $(cat "$acct_sysctl")
acct_saved="$1 $2 $3"
resume=$1 suspend=$2
[ "$suspend" -ge 1 ] && [ "$suspend" -le 10 ] && [ "$resume" -le 20 ] ||
    skip_all "$acct_sysctl is '$acct_saved': thresholds this test does not expect"
restore_acct() {
	echo "$acct_saved" >"$acct_sysctl"
}
trap 'restore_acct; tmp_cleanup' EXIT
echo "$resume $suspend 1" >"$acct_sysctl"
cp /bin/true "$tmp/bin/a2s-unrec"
printf 'heartbeat_interval = 0\nbatch_ms = 50\npoll_interval_ms = 100\n' \
    >"$tmp/a2s.conf"
cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf
suspend=$suspend
EOS
cat >>"$tmp/workload.sh" <<'EOS'
count() {
	grep -c "event=\"$1\"" "$tmp/out.kv" || :
}
count_is() {
	[ "$(count "$1")" -ge "$2" ]
}

mount -t tmpfs -o size=1m tmpfs "$tmp/acct" ||
	echo "cannot mount a tmpfs for the accounting file" >>"$tmp/fail"
: >"$tmp/acct/pacct"
accounting_on
daemon_start
load_start
wait_for 10 has_line "$tmp/out.kv" process_end ||
	echo "no record at first" >>"$tmp/fail"

# Leave the suspend threshold's worth of blocks free (2 % of 256: 5),
# room for a second of records until the kernel's next look.
set -- $(stat -f -c '%b %a' "$tmp/acct")
keep=$(($1 * suspend / 100))
dd if=/dev/zero of="$tmp/acct/filler" bs=4k count=$(($2 - keep)) 2>/dev/null || :
stat -f -c '%b %a' "$tmp/acct" >"$tmp/filled.df"
wait_for 10 count_is accounting_paused 1 || :
# The kernel has paused too (it looks every second): these are not written.
sleep 1.5
i=0
while [ "$i" -lt 50 ]; do
	"$tmp/bin/a2s-unrec"
	i=$((i + 1))
done
sleep 0.5

rm "$tmp/acct/filler"
wait_for 10 count_is accounting_resumed 1 || :
sleep 0.5
load_stop
finish
# The filesystem goes with the namespace: the judge reads a copy.
cp "$tmp/acct/pacct" "$tmp/pacct.copy"
EOS
faults_run
restore_acct
# shellcheck disable=SC2086 # three numbers
is "$(cat "$acct_sysctl")" "$(printf '%s\t%s\t%s' $acct_saved)" \
    "$acct_sysctl is as it was"
ok "the workload went as planned" test ! -e "$tmp/fail"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/fail")"
line() {
	grep "event=\"$1\"" "$tmp/out.kv" | head -n 1
}
p=$(line accounting_paused | kv free_percent)
ok "accounting_paused, with the free space at or below $suspend % (${p:-none} %)" \
    sh -c "[ -n '$p' ] && [ '$p' -le $suspend ]"
ok "the kernel did pause: what exited then is not in the file" \
    sh -c "! dump-acct '$tmp/pacct.copy' | grep -q '^a2s-unrec '"
p=$(line accounting_resumed | kv free_percent)
ok "accounting_resumed, with the free space at or above $resume % (${p:-none} %)" \
    sh -c "[ -n '$p' ] && [ '$p' -ge $resume ]"
ok "paused, then resumed, once each" \
    matches "$(events "$tmp/out.kv" | grep -E '^accounting_' | tr '\n' ' ')" \
    'accounting_paused accounting_resumed '
ok "records the kernel wrote after the pause arrived" \
    sh -c "grep 'event=\"accounting_resumed\"' -A 1000000 '$tmp/out.kv' | grep -q 'process_name=\"a2s-true\"'"
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
faults_judge "$tmp/pacct.copy"
done_testing
