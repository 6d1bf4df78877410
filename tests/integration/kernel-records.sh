#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kernel-records.sh: the running kernel's own accounting records, decoded.
#
# Runs processes with known outcomes in a private pid namespace whose
# accounting goes to a temporary file (the host's accounting, if any, is
# left alone), decodes the file with tools/acct-fields and checks each
# known fact exactly, one test point per fact.  Every command has a "kt-"
# name of its own, so its record is found by comm alone.
#
# Needs root (acct(2) needs CAP_SYS_PACCT), unshare and setpriv
# (util-linux), accton (acct); script (bsdutils) for the terminal check.
# Skips, saying why, where the environment cannot do it.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root: acct(2) needs CAP_SYS_PACCT"
require_cmd unshare setpriv accton chown sleep
require_acct_fields
make_tmpdir
if ! unshare --pid --fork --mount-proc true 2>"$tmp/err"; then
	skip_all "no private pid namespace here: $(head -n 1 "$tmp/err")"
fi

# Processes run as nobody must reach their binaries.
chmod 755 "$tmp"
mkdir -m 755 "$tmp/bin" "$tmp/cores"
bin=$tmp/bin
cp "$(command -v accton)" "$bin/kt-accton"
cp /bin/true "$bin/kt-true"
cp /bin/false "$bin/kt-false"
for name in kt-exit3 kt-exit255 kt-core kt-nocore kt-fork; do
	cp /bin/sh "$bin/$name"
done
cp "$(command -v sleep)" "$bin/kt-sigkill"
cp "$(command -v sleep)" "$bin/kt-sleep"
cp /bin/true "$bin/kt-nobody"
cp "$(command -v chown)" "$bin/kt-chown"
cp /bin/true "$bin/kt-fifteen-char"
cp /bin/true "$bin/kt-longer-than-15-bytes"
odd=$(printf 'kt odd#"\303\251')
cp /bin/true "$bin/$odd"
have_script=no
if command -v script >/dev/null 2>&1 && command -v tty >/dev/null 2>&1; then
	have_script=yes
	cp "$(command -v tty)" "$bin/kt-tty"
fi
: >"$tmp/nobody-file"
chown 65534:65534 "$tmp/nobody-file"
: >"$tmp/kt.pacct"

cat >"$tmp/workload.sh" <<'EOF'
# Pid 1 of a new pid namespace: builtins only, but for the kt- commands.
set -u
tmp=$1
odd=$2
have_script=$3
bin=$tmp/bin
echo "$$" >"$tmp/init.pid"

# Busy-wait until pid $1 has exec'd $2, so the signal lands on it.
wait_comm() {
	tries=0
	while [ "$tries" -lt 1000000 ]; do
		comm=
		read -r comm <"/proc/$1/comm" 2>/dev/null || :
		[ "$comm" = "$2" ] && return 0
		tries=$((tries + 1))
	done
	return 1
}

"$bin/kt-accton" "$tmp/kt.pacct" >/dev/null 2>"$tmp/accton.err" || exit 3
"$bin/kt-true"
"$bin/kt-false" || :
"$bin/kt-exit3" -c 'exit 3' || :
"$bin/kt-exit255" -c 'exit 255' || :
"$bin/kt-sigkill" 60 &
pid=$!
wait_comm "$pid" kt-sigkill && kill -KILL "$pid"
wait "$pid" || :
if (cd "$tmp/cores" && ulimit -c unlimited) 2>/dev/null; then
	echo yes >"$tmp/core.limit"
fi
(cd "$tmp/cores" && ulimit -c unlimited 2>/dev/null
    exec "$bin/kt-core" -c 'kill -SEGV $$') 2>/dev/null || :
(ulimit -c 0; exec "$bin/kt-nocore" -c 'kill -SEGV $$') 2>/dev/null || :
setpriv --reuid=65534 --regid=65534 --clear-groups "$bin/kt-nobody"
"$bin/kt-chown" 0 "$tmp/nobody-file"
"$bin/kt-fork" -c '(exit 7); exit 0'
"$bin/kt-sleep" 1
"$bin/kt-fifteen-char"
"$bin/kt-longer-than-15-bytes"
"$bin/$odd"
if [ "$have_script" = yes ]; then
	SHELL=/bin/sh script -qec "$bin/kt-tty" /dev/null \
	    </dev/null >"$tmp/tty.out" 2>&1 || :
fi
"$bin/kt-accton" off >/dev/null
EOF

t0=$(date +%s)
set +e
unshare --pid --fork --mount-proc setsid -w \
    sh "$tmp/workload.sh" "$tmp" "$odd" "$have_script" </dev/null \
    >"$tmp/workload.out" 2>&1
status=$?
set -e
t1=$(date +%s)
if [ "$status" -eq 3 ]; then
	skip_all "cannot switch accounting on: $(head -n 1 "$tmp/accton.err")"
fi
[ "$status" -eq 0 ] || bail_out "workload failed ($status): $(cat "$tmp/workload.out")"

"$ACCT_FIELDS" "$tmp/kt.pacct" >"$tmp/fields" 2>"$tmp/err" ||
    bail_out "acct-fields failed: $(cat "$tmp/err")"
if ! grep -q ' comm=kt-true$' "$tmp/fields"; then
	bail_out "no record of kt-true: accounting wrote nothing?  The kernel" \
	    "suspends it below 4% free space on ${TMPDIR:-/tmp}"
fi
init_pid=$(cat "$tmp/init.pid")
diag "init pid $init_pid, window $t0..$t1, $(wc -l <"$tmp/fields") records"

# value COMM KEY: KEY of the first record of COMM (for kt-accton, the one
# that switched accounting on).
value() {
	select_records "$tmp/fields" "comm=$1" | field "$2" | head -n 1
}

# fact COMM KEY=VALUE...: one test point: a record of COMM has them all.
fact() {
	fact_comm=$1
	shift
	ok "$fact_comm: $*" test -n "$(select_records "$tmp/fields" \
	    "comm=$fact_comm" "$@")"
	if [ "$tap_passed" != 1 ]; then
		select_records "$tmp/fields" "comm=$fact_comm" |
		    sed 's/^/# found: /'
	fi
}

# flag COMM BIT NAME yes|no: one test point on one ac_flag bit of COMM.
flag() {
	flag_value=$(value "$1" flags)
	flag_set=no
	[ $((${flag_value:-0} & $2)) -ne 0 ] && flag_set=yes
	is "$flag_set" "$4" "$1: flag $3 $(
	    [ "$4" = yes ] && echo set || echo clear) (flags=$flag_value)"
}

# Whole-file facts.
ok "the file is whole records: no skipped region, no partial tail" \
    test -z "$(grep -v '^version=' "$tmp/fields")"
if [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" = 1 ]; then
	host_be=0
else
	host_be=1
fi
ok "every record is v3, in the host's byte order, AHZ 100" \
    test -z "$(grep -v "^version=3 big_endian=$host_be .* ahz=100 " \
    "$tmp/fields")"
ok "every record started within the test's window $t0..$t1" \
    awk -v t0="$t0" -v t1="$t1" '{
	for (i = 1; i <= NF; i++)
		if ($i ~ /^start_time=/) {
			t = substr($i, 12) + 0
			if (t < t0 || t > t1) {
				print "# out of window: " $0
				bad = 1
			}
		}
    } END { exit bad }' "$tmp/fields"
# kt-fork forks a child that never execs; kt-accton runs twice (on, off).
ok "each kt- command left exactly one record per process" \
    awk '{
	comm = $NF
	sub(/^comm=/, "", comm)
	if (comm ~ /^kt/)
		n[comm]++
    } END {
	for (c in n)
		if (n[c] != (c == "kt-fork" || c == "kt-accton" ? 2 : 1)) {
			print "# " c ": " n[c] " records"
			bad = 1
		}
	exit bad
    }' "$tmp/fields"

# Exit statuses: ac_exitcode is the wait status, exit code in bits 8..15.
fact kt-true exit_code=0 signal=0 core_dumped=0 wait_status=0
fact kt-false exit_code=1 signal=0 core_dumped=0 wait_status=256
fact kt-exit3 exit_code=3 signal=0 core_dumped=0 wait_status=768
fact kt-exit255 exit_code=255 signal=0 core_dumped=0 wait_status=65280

# Death by a signal: the signal in bits 0..6 and AXSIG.
fact kt-sigkill signal=9 exit_code=0 core_dumped=0 wait_status=9
flag kt-sigkill 0x10 xsig yes

# A core dump: bit 7 of the wait status, only where a core can be written.
core_pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '?')
core_why=
case $core_pattern in
'|'*)	core_why="core_pattern pipes to a program ($core_pattern)" ;;
*/*)	core_why="core_pattern writes outside the cwd ($core_pattern)" ;;
'?')	core_why="core_pattern unreadable" ;;
esac
[ -z "$core_why" ] && [ ! -f "$tmp/core.limit" ] &&
    core_why="ulimit -c unlimited refused (hard limit)"
if [ -z "$core_why" ]; then
	fact kt-core signal=11 core_dumped=1 exit_code=0 wait_status=139
	flag kt-core 0x08 core yes
	flag kt-core 0x10 xsig yes
	ok "kt-core: the core file is on disk" \
	    test -n "$(ls "$tmp/cores")"
else
	skip "kt-core: signal=11 core_dumped=1 wait_status=139" "$core_why"
	skip "kt-core: flag core set" "$core_why"
	skip "kt-core: flag xsig set" "$core_why"
	skip "kt-core: the core file is on disk" "$core_why"
fi
# RLIMIT_CORE 0: no core, so no 0x80, whatever ac_flag says (this kernel
# sets ACORE for any core-dumping signal; reported, not asserted).
fact kt-nocore signal=11 core_dumped=0 exit_code=0 wait_status=11
diag "kt-nocore (no core written) has flags=$(value kt-nocore flags)"

# Users and privilege.  ASU is PF_SUPERPRIV: set when a capability check
# succeeded (accton: CAP_SYS_PACCT; chown: CAP_CHOWN), not for being root.
fact kt-true uid=0 gid=0
flag kt-true 0x02 su no
fact kt-nobody uid=65534 gid=65534
flag kt-accton 0x02 su yes
diag "the kt-accton that switched accounting off: $(select_records \
    "$tmp/fields" comm=kt-accton | tail -n 1 | cut -d' ' -f3,9-11,16-18):" \
    "written by acct(NULL) before that process ends, so no flags or usage"
flag kt-chown 0x02 su yes
diag "kt-nobody (setpriv dropped to 65534, then exec) has flags=$(
    value kt-nobody flags): PF_SUPERPRIV survives exec"

# Fork without exec.
ok "kt-fork: the child that never exec'd has flag fork and exit_code 7" \
    test -n "$(select_records "$tmp/fields" comm=kt-fork flags=0x01 \
    exit_code=7)"
fork_child_ppid=$(select_records "$tmp/fields" comm=kt-fork flags=0x01 |
    field ppid)
fork_parent_pid=$(select_records "$tmp/fields" comm=kt-fork flags=0x00 |
    field pid)
is "$fork_child_ppid" "$fork_parent_pid" \
    "kt-fork: the child's ppid is the parent's pid"
flag kt-true 0x01 fork no

# Pids are those of the namespace: the workload shell is $init_pid.
fact kt-true "ppid=$init_pid"
ok "kt-true: pid is plausible (above the namespace's init)" \
    test "$(value kt-true pid)" -gt "$init_pid"
ok "pids are unique" test -z "$(field pid <"$tmp/fields" | sort |
    uniq -d)"

# Times.
sleep_ticks=$(value kt-sleep elapsed_ticks)
ok "kt-sleep 1: elapsed_ticks $sleep_ticks is 1 s or more, within the window" \
    awk -v e="${sleep_ticks:-0}" -v w=$(((t1 - t0 + 1) * 100)) \
    'BEGIN { exit !(e >= 100 && e <= w) }'
fact kt-true tty=0

# Names: the kernel keeps 15 bytes; any byte but '/' and NUL.
fact kt-fifteen-char exit_code=0
fact kt-longer-than- exit_code=0
fact 'kt\040odd#"\303\251' exit_code=0

# A controlling terminal: old_encode_dev(major 136 + n / 256, n % 256).
if [ "$have_script" = yes ]; then
	pts=$(tr -d '\r' <"$tmp/tty.out" |
	    sed -n 's|^/dev/pts/\([0-9][0-9]*\)$|\1|p')
	if [ -n "$pts" ]; then
		fact kt-tty "tty=$(((136 + pts / 256) * 256 + pts % 256))"
	else
		skip "kt-tty: tty is its /dev/pts/N" \
		    "script gave no pts: $(head -n 1 "$tmp/tty.out")"
	fi
else
	skip "kt-tty: tty is its /dev/pts/N" "script(1) or tty(1) not found"
fi

done_testing
