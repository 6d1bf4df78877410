#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng-options.sh: every option beyond GNU lastcomm's, checked
# against an independent oracle: the same fixture decoded field by field
# by tools/acct-fields and selected with awk.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
require_acct_fields
make_tmpdir
fixture=$FIXTURES/real-v3.pacct
"$ACCT_FIELDS" "$fixture" > "$tmp/fields"

# ng ARGS...: lastcomm-ng's pids (in --format kv) for the fixture, sorted.
ng() {
	"$lastcomm" -f "$fixture" --format kv "$@" |
	    sed -n 's/.* process_id=\([0-9]*\) .*/\1/p' | sort -n
}

# oracle AWK-CONDITION: the pids of the acct-fields lines that satisfy it,
# with the fields as awk variables (exit_code, signal, uid, ...).
oracle() {
	awk "{
		for (i = 1; i <= NF; i++) {
			split(\$i, kv, \"=\")
			f[kv[1]] = substr(\$i, length(kv[1]) + 2)
		}
		if ($1) print f[\"pid\"]
	}" "$tmp/fields" | sort -n
}

# same DESCRIPTION CONDITION LASTCOMM-ARGS...: one test point.
same() {
	desc=$1 cond=$2
	shift 2
	ng "$@" > "$tmp/got"
	oracle "$cond" > "$tmp/want"
	if [ ! -s "$tmp/want" ]; then
		ok "$desc (the oracle selects something)" false
		return
	fi
	ok "$desc ($(wc -l < "$tmp/want") records)" cmp -s "$tmp/got" "$tmp/want"
}

same "--exit-code 3" 'f["exit_code"] == 3 && f["signal"] == 0' --exit-code 3
same "--exit-code 1 --exit-code 255" \
    '(f["exit_code"] == 1 || f["exit_code"] == 255) && f["signal"] == 0' \
    --exit-code 1 --exit-code 255
same "--signaled" 'f["signal"] != 0' --signaled
same "--failed" 'f["signal"] != 0 || f["exit_code"] != 0' --failed
same "--uid 65534" 'f["uid"] == 65534' --uid 65534
same "--uid 70000 --uid 65534" 'f["uid"] == 70000 || f["uid"] == 65534' \
    --uid 70000 --uid 65534
pid=$(select_records "$tmp/fields" comm=fx-exit3 | field pid | head -n 1)
same "--process-id $pid" "f[\"pid\"] == $pid" --process-id "$pid"
ppid=$(select_records "$tmp/fields" comm=fx-fork flags=0x01 | field ppid | head -n 1)
same "--ppid $ppid" "f[\"ppid\"] == $ppid" --ppid "$ppid"
same "positional name, exact" 'f["comm"] == "fx-true"' fx-true
same "--glob" 'f["comm"] ~ /^fx-s/' --glob 'fx-s*'
same "--regex" 'f["comm"] ~ /^fx-(true|false)$/' --regex '^fx-(true|false)$'
same "--strict-match --command --user" 'f["comm"] == "fx-nobody" && f["uid"] == 65534' \
    --strict-match --command fx-nobody --user nobody
ng --strict-match --command fx-true --user nobody > "$tmp/got"
is "$(wc -l < "$tmp/got" | tr -d ' ')" 0 "--strict-match: a user that did not run it: nothing"

# Times: the fixture's start times, as the oracle sees them.
first=$(field start_time < "$tmp/fields" | sort -n | head -n 1)
last=$(field start_time < "$tmp/fields" | sort -n | tail -n 1)
mid=$(( (first + last + 1) / 2 ))
iso() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}
same "--since (UTC date-time)" "f[\"start_time\"] >= $mid" --since "$(iso "$mid")"
same "--until (UTC date-time)" "f[\"start_time\"] < $mid" --until "$(iso "$mid")"
same "--since --until" "f[\"start_time\"] >= $first && f[\"start_time\"] < $((last + 1))" \
    --since "$(iso "$first")" --until "$(iso $((last + 1)))"
plus=$(TZ=Asia/Tokyo date -d "@$mid" +%Y-%m-%dT%H:%M:%S+09:00)
same "--since with an offset" "f[\"start_time\"] >= $mid" --since "$plus"
tokyo=$(TZ=Asia/Tokyo date -d "@$mid" '+%Y-%m-%d %H:%M:%S')
TZ=Asia/Tokyo ng --since "$tokyo" > "$tmp/got"
oracle "f[\"start_time\"] >= $mid" > "$tmp/want"
ok "--since in the local zone (TZ=Asia/Tokyo)" cmp -s "$tmp/got" "$tmp/want"
ng --until -3650d > "$tmp/got"
is "$(wc -l < "$tmp/got" | tr -d ' ')" 0 "--until -3650d: nothing is that old"
same "--since -3650d --until now" 'f["start_time"] > 0' --since -3650d --until now
status=0
"$lastcomm" -f "$fixture" --since "last tuesday" > /dev/null 2> "$tmp/err" || status=$?
is "$status" 1 "--since with words it does not know: exit 1"
ok "and a one-line message saying what it takes" grep -q "^lastcomm-ng: --since last tuesday: give a date" "$tmp/err"

# --utc: the same as TZ=UTC; the local zone otherwise.
TZ=Asia/Tokyo "$lastcomm" -f "$fixture" --utc > "$tmp/utc"
TZ=UTC "$lastcomm" -f "$fixture" > "$tmp/plain"
ok "--utc prints what TZ=UTC prints" cmp -s "$tmp/utc" "$tmp/plain"
TZ=Asia/Tokyo "$lastcomm" -f "$fixture" > "$tmp/tokyo"
ok "without --utc the zone counts" sh -c "! cmp -s '$tmp/tokyo' '$tmp/plain'"

# Formats: as many lines as records, in their own shapes.
n=$(wc -l < "$tmp/fields" | tr -d ' ')
for format in lastcomm long kv json; do
	"$lastcomm" -f "$fixture" --format "$format" > "$tmp/out"
	is "$(wc -l < "$tmp/out" | tr -d ' ')" "$n" "--format $format: a line a record"
done
"$lastcomm" -f "$fixture" --format csv > "$tmp/csv"
is "$(head -n 1 "$tmp/csv")" \
    "start_time,end_time,process_name,process_id,parent_process_id,user,user_id,group,group_id,tty,exit_code,signal,core_dumped,flags,elapsed,cpu_user,cpu_sys,mem_kib,minflt,majflt,io_chars,io_blocks,swaps,acct_version,host" \
    "--format csv: the header row"
if command -v python3 > /dev/null; then
	ok "--format csv: every row has 25 fields (python's csv reader)" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
sys.exit(0 if len(rows) == int(sys.argv[2]) + 1 and all(len(r) == 25 for r in rows) else 1)
' "$tmp/csv" "$n"
else
	skip "--format csv: rows read back" "no python3 here"
fi
"$lastcomm" -f "$fixture" --format long --utc > "$tmp/long"
ok "--format long: exit status and signal in words" \
    sh -c "grep -q ' fx-exit3 .* exit 3 ' '$tmp/long' && grep -q ' fx-sigkill .* signal 9 ' '$tmp/long'"

# --all: the rotated set, newest first; oldest first with --forwards.
mkdir "$tmp/rot"
cp "$fixture" "$tmp/rot/pacct"
head -c 640 "$fixture" > "$tmp/rot/pacct.0"
head -c 320 "$fixture" | gzip > "$tmp/rot/pacct.1.gz"
head -c 128 "$fixture" | gzip > "$tmp/rot/pacct.2.gz"
echo "not part of the set" > "$tmp/rot/pacct.old"
"$lastcomm" --all -f "$tmp/rot/pacct" > "$tmp/all"
{
	"$lastcomm" -f "$tmp/rot/pacct"
	"$lastcomm" -f "$tmp/rot/pacct.0"
	"$lastcomm" -f "$tmp/rot/pacct.1.gz"
	"$lastcomm" -f "$tmp/rot/pacct.2.gz"
} > "$tmp/want"
ok "--all: pacct, pacct.0, pacct.1.gz, pacct.2.gz, newest first" cmp -s "$tmp/all" "$tmp/want"
"$lastcomm" --all --forwards -f "$tmp/rot/pacct" > "$tmp/all"
{
	"$lastcomm" --forwards -f "$tmp/rot/pacct.2.gz"
	"$lastcomm" --forwards -f "$tmp/rot/pacct.1.gz"
	"$lastcomm" --forwards -f "$tmp/rot/pacct.0"
	"$lastcomm" --forwards -f "$tmp/rot/pacct"
} > "$tmp/want"
ok "--all --forwards: oldest first" cmp -s "$tmp/all" "$tmp/want"
"$lastcomm" --all --user root -f "$tmp/rot/pacct" > "$tmp/all"
{
	for f in pacct pacct.0 pacct.1.gz pacct.2.gz; do
		"$lastcomm" --user root -f "$tmp/rot/$f"
	done
} > "$tmp/want"
ok "--all --user root: root's commands across the set, newest first ($(wc -l < "$tmp/want" | tr -d ' ') lines)" \
    sh -c "cmp -s '$tmp/all' '$tmp/want' && [ -s '$tmp/want' ]"

# --summary: per-user counts and failures against the oracle.
"$lastcomm" -f "$fixture" --summary > "$tmp/summary"
root_n=$(oracle 'f["uid"] == 0' | wc -l | tr -d ' ')
root_failed=$(oracle 'f["uid"] == 0 && (f["exit_code"] != 0 || f["signal"] != 0)' |
    wc -l | tr -d ' ')
is "$(awk '$1 == "root" { print $2 " " $5 }' "$tmp/summary")" "$root_n $root_failed" \
    "--summary: root's count and failures"
fork_n=$(select_records "$tmp/fields" comm=fx-fork | wc -l | tr -d ' ')
is "$(awk '$1 == "fx-fork" { print $2 }' "$tmp/summary")" "$fork_n" \
    "--summary: a command's count"
is "$("$lastcomm" -f "$fixture" --summary --user nobody | awk '$1 == "USER" { getline; print $1 " " $2 }')" \
    "nobody 1" "--summary with a filter counts the selected records only"

# --help and --version: stdout, exit 0 (GNU's --help exits 1).
status=0
"$lastcomm" --help > "$tmp/out" 2>&1 || status=$?
is "$status" 0 "--help exits 0"
ok "--help prints the usage" grep -q "^usage: lastcomm-ng" "$tmp/out"
"$lastcomm" --version > "$tmp/out"
ok "--version names the program" grep -q "^lastcomm-ng " "$tmp/out"

done_testing
