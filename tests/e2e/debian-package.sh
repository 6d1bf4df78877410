#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End to end, the way a user meets acct2syslog: build the Debian package
# (scripts/build-deb.sh, lintian included), debootstrap a minimal Debian 12
# with acct and rsyslog, boot it with systemd-nspawn, install the package
# inside the running system, and check there that
#   - the service was enabled and started on install, reached READY (it is
#     Type=notify) and shows its STATUS line; systemd-analyze rates it;
#   - commands run as root and as a new user reach the journal with ACCT_*
#     fields and rsyslog's file, and lastcomm-ng --user finds them;
#   - Debian's own rotation (/etc/cron.daily/acct) under load, then
#     systemctl restart and a package upgrade under load, lose nothing:
#     the process_end records in the journal are exactly the records GNU
#     dump-acct reads from pacct.0 + pacct, none twice, and
#     lastcomm-ng --verify --journal says the stream is complete;
#   - apt-get purge leaves no file behind.
# The results table goes to this test's log.  Needs root, debootstrap,
# systemd-nspawn and Debian's archive (E2E_MIRROR); skips without them.
#
# Environment: E2E_DEB=FILE tests that package instead of building one;
# E2E_LOAD (8000) exits per load phase; ACCT_TEST_KEEP=1 keeps the tree.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"	# wait_for, dump_acct_keys

mirror=${E2E_MIRROR:-http://deb.debian.org/debian}
load_exits=${E2E_LOAD:-8000}
hostname=acct-e2e

[ "${ACCT_E2E:-1}" = 1 ] ||
    skip_all "the end-to-end test runs with make check-e2e (ACCT_E2E=1)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (debootstrap, systemd-nspawn)"
require_cmd debootstrap systemd-nspawn nsenter jq dpkg-deb
make_tmpdir
trap 'stop_container; tmp_cleanup' EXIT
root=$tmp/root
nspawn_pid=
leader=

# in_ct COMMAND...: run COMMAND inside the booted container (all its
# namespaces, so the container's kernel accounting sees it), with a clean
# environment.
in_ct() {
	nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    LANG=C.UTF-8 TZ=UTC DEBIAN_FRONTEND=noninteractive "$@"
}

stop_container() {
	[ -n "$nspawn_pid" ] || return 0
	kill -TERM "$nspawn_pid" 2>/dev/null
	wait_for 30 sh -c "! kill -0 $nspawn_pid 2>/dev/null" ||
	    kill -KILL "$nspawn_pid" "$leader" 2>/dev/null
	nspawn_pid=
}

# The container's systemd, once the system is up (running or degraded).
boot() {
	systemd-nspawn --register=no --keep-unit -b -D "$root" -M acct-e2e \
	    --hostname="$hostname" --capability=CAP_SYS_PACCT \
	    --console=passive < /dev/null > "$tmp/nspawn.log" 2>&1 &
	nspawn_pid=$!
	wait_for 30 sh -c "pgrep -P $nspawn_pid > '$tmp/leader'" || return 1
	leader=$(head -n 1 "$tmp/leader")
	wait_for 30 in_ct test -S /run/systemd/private || return 1
	state=$(in_ct timeout 90 systemctl is-system-running --wait)
	diag "system state after boot: $state"
	[ "$state" = running ] || [ "$state" = degraded ]
}

# unit_prop NAME: a property of acct2syslog.service.
unit_prop() {
	in_ct systemctl show -P "$1" acct2syslog.service
}

# load N: N short processes in the container, in the background.
load() {
	in_ct sh -c "i=0; while [ \$i -lt $1 ]; do /bin/true; i=\$((i + 1)); done" &
	load_pid=$!
}

# The kernel's records, by GNU dump-acct, as one key a line (file order):
# comm uid gid pid ppid start (lib-daemon.sh).
oracle_keys() {
	for f in pacct.0 pacct; do
		in_ct test -f "/var/log/account/$f" || continue
		in_ct dump-acct "/var/log/account/$f"
	done | dump_acct_keys
}

# The process_end messages in the container's journal: stream seq key.
journal_keys() {
	in_ct journalctl -q -o json --no-pager ACCT_EVENT=process_end "$@" |
	    jq -r '[.ACCT_STREAM, .ACCT_SEQ, ([.ACCT_PROCESS_NAME,
		.ACCT_USER_ID, .ACCT_GROUP_ID, .ACCT_PROCESS_ID,
		.ACCT_PARENT_PROCESS_ID, .ACCT_START_TIME[0:19]] | join(" "))]
		| join(" ")'
}

# journal_has KEY: a process_end message with this key is in the journal.
journal_has() {
	journal_keys "ACCT_PROCESS_ID=$(echo "$1" | awk '{ print $(NF - 2) }')" |
	    cut -d' ' -f3- | grep -qxF -- "$1"
}

# compare PHASE: the journal against the kernel's files, as they are now.
# Waits until the last record of the files has arrived, then takes the
# messages up to its seq and compares them with the files' records as
# sets: missing, extra, and seqs seen twice.  Adds a row to the table.
compare() {
	oracle_keys > "$tmp/oracle"
	last=$(tail -n 1 "$tmp/oracle")
	if ! wait_for 60 journal_has "$last"; then
		diag "$1: the last record ($last) never reached the journal"
	fi
	journal_keys | sort -k2,2n > "$tmp/journal"
	cut_seq=$(awk -v k="$last" 'substr($0, index($0, $3)) == k &&
	    $3 != "" { print $2 }' "$tmp/journal" | tail -n 1)
	awk -v s="${cut_seq:-0}" '$2 <= s' "$tmp/journal" > "$tmp/sent"
	streams=$(cut -d' ' -f1 "$tmp/sent" | sort -u | wc -l)
	dups=$(cut -d' ' -f1,2 "$tmp/sent" | sort | uniq -d | wc -l)
	cut -d' ' -f3- "$tmp/sent" | sort > "$tmp/sent.keys"
	sort "$tmp/oracle" > "$tmp/oracle.keys"
	missing=$(comm -23 "$tmp/oracle.keys" "$tmp/sent.keys" | wc -l)
	extra=$(comm -13 "$tmp/oracle.keys" "$tmp/sent.keys" | wc -l)
	written=$(wc -l < "$tmp/oracle")
	sent=$(wc -l < "$tmp/sent")
	comm -3 "$tmp/oracle.keys" "$tmp/sent.keys" | head -n 5 |
	    sed 's/^/  differs: /' > "$tmp/differs"
	[ -s "$tmp/differs" ] && diag "$(cat "$tmp/differs")"
	printf '| %-26s | %7d | %7d | %7d | %5d | %10d | %7d |\n' "$1" \
	    "$written" "$sent" "$missing" "$extra" "$dups" "$streams" \
	    >> "$tmp/table"
	ok "$1: journal == pacct.0 + pacct ($written records), none twice" \
	    [ "$missing/$extra/$dups/$streams" = 0/0/0/1 ] && [ "$written" -gt 0 ]
}

# --- the package ---------------------------------------------------------
if [ -n "${E2E_DEB:-}" ]; then
	deb=$E2E_DEB
else
	diag "building the package (scripts/build-deb.sh, with lintian)"
	if "$top_srcdir/scripts/build-deb.sh" --out "$tmp/deb" \
	    > "$tmp/build-deb.log" 2>&1; then
		ok "the package builds and lintian reports no error or warning" true
	else
		ok "the package builds and lintian reports no error or warning" false
		tail -n 30 "$tmp/build-deb.log" | sed 's/^/# /'
	fi
	deb=$(ls "$tmp"/deb/acct2syslog_*.deb 2>/dev/null | head -n 1)
fi
[ -f "$deb" ] || bail_out "no package to test"

# --- a minimal Debian 12 with acct and rsyslog ---------------------------
# The package's own dependencies come in here, so installing it later
# needs no network inside.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
    sed 's/^ *//; s/ .*//; s/:any$//' | grep -v '^$' | tr '\n' ',')
diag "debootstrap bookworm from $mirror"
if ! debootstrap --variant=minbase \
    --include="systemd,systemd-sysv,dbus,acct,rsyslog,procps,${deps%,}" \
    bookworm "$root" "$mirror" > "$tmp/debootstrap.log" 2>&1; then
	tail -n 5 "$tmp/debootstrap.log" | sed 's/^/# /'
	skip_all "debootstrap could not make a Debian 12 tree from $mirror"
fi
cp "$deb" "$root/root/acct2syslog.deb"	# the booted /tmp is a tmpfs
echo "$hostname" > "$root/etc/hostname"	# debootstrap copied ours

if ! boot; then
	tail -n 30 "$tmp/nspawn.log" | sed 's/^/# /'
	bail_out "the container did not boot"
fi
ok "acct.service turned accounting on in the container" \
    in_ct systemctl is-active -q acct.service

# A user, and two commands with names of their own.
tag=$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')
as_root=e2e-root-$tag
as_user=e2e-alice-$tag
in_ct useradd -m -s /bin/sh alice

# What is on the disk before the package, to compare after the purge.
files_on_disk() {
	in_ct find / -xdev \( -path /proc -o -path /sys -o -path /dev \
	    -o -path /run -o -path /tmp -o -path /var/tmp -o -path /var/log \
	    -o -path /var/cache -o -path /var/lib/apt -o -path /var/lib/dpkg \
	    -o -path /home -o -path /root \) -prune -o -print | sort
}
files_on_disk > "$tmp/files.before"
in_ct cp /bin/true "/usr/local/bin/$as_root"
in_ct cp /bin/true "/usr/local/bin/$as_user"

# --- install: enabled, started, READY, STATUS ----------------------------
in_ct apt-get install -y -q /root/acct2syslog.deb > "$tmp/apt-install.log" 2>&1
ok "apt-get install of the package succeeds" [ $? -eq 0 ]
[ "$tap_passed" = 1 ] || tail -n 20 "$tmp/apt-install.log" | sed 's/^/# /'
is "$(in_ct systemctl is-enabled acct2syslog.service)" enabled \
    "the unit is enabled on install"
# Type=notify: the unit leaves "activating" only on READY=1.
wait_for 20 sh -c "[ \"\$(nsenter -t $leader -a systemctl show -P \
    ActiveState acct2syslog.service)\" = active ]"
is "$(unit_prop ActiveState)/$(unit_prop SubState)" active/running \
    "the service was started on install and reported READY"
status=$(unit_prop StatusText)
diag "STATUS: $status"
ok "its STATUS line names the file, the stream and the sink" \
    sh -c "echo '$status' | grep -q '^file /var/log/account/pacct offset .* stream [0-9a-f]\{32\} seq .* sink journal'"
ok "systemctl status shows the STATUS line" \
    sh -c "nsenter -t $leader -a systemctl status --no-pager acct2syslog |
	grep -q 'Status: \"file /var/log/account/pacct'"
exposure=$(in_ct systemd-analyze security --no-pager acct2syslog.service |
    sed -n 's/.*Overall exposure level for acct2syslog.service: \([0-9.]*\).*/\1/p')
diag "systemd-analyze security: exposure $exposure"
ok "systemd-analyze security rates the exposure 2.0 or lower ($exposure)" \
    awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 2.0) }'

# --- commands as root and as alice ---------------------------------------
in_ct "/usr/local/bin/$as_root"
in_ct runuser -u alice -- "/usr/local/bin/$as_user"
found_in_journal() {
	in_ct journalctl -q -o json --no-pager ACCT_EVENT=process_end \
	    "ACCT_PROCESS_NAME=$1" | jq -r '[.ACCT_USER, .ACCT_USER_ID,
		.ACCT_HOST, (.MESSAGE | startswith("event=\"process_end\""))]
		| map(tostring) | join(" ")' | grep -qx "$2"
}
ok "the command run as root is in the journal with ACCT_* fields" \
    wait_for 20 found_in_journal "$as_root" "root 0 $hostname true"
ok "the command run as alice is in the journal with ACCT_* fields" \
    wait_for 20 found_in_journal "$as_user" \
    "alice $(in_ct id -u alice) $hostname true"
in_syslog() {
	in_ct grep -q "acct2syslog.*process_name=\"$1\".* user=\"$2\"" \
	    /var/log/syslog
}
ok "rsyslog wrote the root command to /var/log/syslog" \
    wait_for 20 in_syslog "$as_root" root
ok "rsyslog wrote alice's command to /var/log/syslog" \
    wait_for 20 in_syslog "$as_user" alice
in_ct lastcomm-ng --user alice > "$tmp/lastcomm.alice"
in_ct lastcomm-ng --journal --user alice > "$tmp/lastcomm.journal.alice"
ok "lastcomm-ng --user alice lists alice's command" \
    grep -q "^$as_user " "$tmp/lastcomm.alice"
ok "lastcomm-ng --user alice lists only alice's commands" \
    awk 'NF < 3 || $2 != "alice" && $3 != "alice" { exit 1 }' \
    "$tmp/lastcomm.alice"
ok "lastcomm-ng --journal --user alice lists alice's command" \
    grep -q "^$as_user " "$tmp/lastcomm.journal.alice"
compare "after install"

# --- Debian's daily rotation under load ----------------------------------
load "$load_exits"
sleep 2
in_ct /etc/cron.daily/acct
wait "$load_pid"
# The rotation must fall inside the load: its processes on both sides.
load_in() {
	in_ct dump-acct "/var/log/account/$1" | grep -c '^true '
}
rotated=$(load_in pacct.0)/$(load_in pacct)
diag "load records in pacct.0/pacct: $rotated"
ok "cron.daily/acct rotated pacct to pacct.0 in the middle of the load" \
    sh -c "echo $rotated | grep -q '^[1-9][0-9]*/[1-9][0-9]*$'"
compare "cron.daily/acct under load"

# --- systemctl restart and an upgrade under load -------------------------
pid0=$(unit_prop MainPID)
load "$load_exits"
sleep 1
in_ct systemctl restart acct2syslog.service
pid1=$(unit_prop MainPID)
sleep 1
in_ct systemctl restart acct2syslog.service
sleep 1
# Reinstalling runs the upgrade path: postinst restarts the service.
in_ct apt-get install -y -q --reinstall /root/acct2syslog.deb \
    > "$tmp/apt-reinstall.log" 2>&1
pid3=$(unit_prop MainPID)
wait "$load_pid"
restarted() {
	[ "$pid0" != "$pid1" ] && [ "$pid1" != "$pid3" ] && [ "$pid3" != 0 ]
}
ok "systemctl restart and the upgrade restarted the service" restarted
is "$(unit_prop ActiveState)" active "the service is active after them"
compare "restart x2 + upgrade, load"

# The archives' own check on the whole stream.
in_ct lastcomm-ng --verify --journal > "$tmp/verify" 2>&1
rc=$?
sed 's/^/# verify: /' "$tmp/verify" | head -n 20
ok "lastcomm-ng --verify --journal: the stream is complete" [ "$rc" -eq 0 ]
syslog_lines=$(in_ct grep -c 'acct2syslog.*event="process_end"' \
    /var/log/syslog)
# journald hands messages on to rsyslog over a datagram socket and drops
# what does not fit when rsyslog falls behind: not part of the guarantee
# (contrib/rsyslog/host.conf's own socket, or imjournal, is the lossless
# way into rsyslog).
diag "process_end lines in /var/log/syslog: $syslog_lines of $sent" \
    "(journald's ForwardToSyslog, lossy under load by design)"

# --- purge -----------------------------------------------------------------
in_ct apt-get purge -y -q acct2syslog > "$tmp/apt-purge.log" 2>&1
ok "apt-get purge succeeds" [ $? -eq 0 ]
ok "the service is gone after the purge" \
    sh -c "! nsenter -t $leader -a systemctl is-active -q acct2syslog &&
	! nsenter -t $leader -a pgrep -x acct2syslog > /dev/null"
in_ct rm -f "/usr/local/bin/$as_root" "/usr/local/bin/$as_user"
files_on_disk > "$tmp/files.after"
# The catalog database and systemd's own timestamps may stay.
diff "$tmp/files.before" "$tmp/files.after" |
    grep '^[<>]' | grep -v '/var/lib/systemd/\(catalog\|timers\)' \
    > "$tmp/files.diff"
ok "apt-get purge leaves no file behind" [ ! -s "$tmp/files.diff" ]
[ "$tap_passed" = 1 ] || sed 's/^/# /' "$tmp/files.diff" | head -n 20

stop_container

diag "" "results (records: kernel = GNU dump-acct of pacct.0 + pacct;" \
    "journal = process_end messages up to the last of them):"
{
	printf '| %-26s | %7s | %7s | %7s | %5s | %10s | %7s |\n' phase \
	    kernel journal missing extra "seen twice" streams
	printf '|%s|\n' "----------------------------|---------|---------|---------|-------|------------|---------"
	cat "$tmp/table"
	echo "exposure (systemd-analyze security): $exposure"
} | sed 's/^/# /'
done_testing
