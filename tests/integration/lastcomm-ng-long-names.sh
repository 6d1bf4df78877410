#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng-long-names.sh: archive lines whose names are as long as a
# reader takes them (64 bytes each, every one a control byte: 256 bytes
# escaped), as any local user can write them into a central archive.
# Every output format prints them whole and nothing overflows: the JSON
# and CSV printers used to write past a stack buffer here (ASan stops the
# run), and the kv and JSON lines now come back byte for byte as the
# archive line had them.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
make_tmpdir
: "${LASTCOMM_NG_RULEBASE_DIR:=$top_srcdir/rules}"
export LASTCOMM_NG_RULEBASE_DIR

# 64 control bytes, escaped as acct2syslog writes them.
n=
i=0
while [ $i -lt 64 ]; do
	n="$n#001"
	i=$((i + 1))
done
s=0123456789abcdef0123456789abcdef
t1=2023-11-14T23:24:02.000000Z
t2=2023-11-14T23:24:03.500000Z

# The same message as acct2syslog's kv and JSON would have it.
kv="event=\"process_end\" process_name=\"#001#002bash\" process_id=4242 \
parent_process_id=4241 user=\"$n\" user_id=1000 group=\"$n\" group_id=100 \
tty=\"$n\" exit_code=1 signal=0 core_dumped=0 flags=\"su\" \
start_time=\"$t1\" end_time=\"$t2\" elapsed=1.500 cpu_user=0.120 \
cpu_sys=0.030 mem_kib=18446744073709551615 minflt=18446744073709551615 \
majflt=18446744073709551615 io_chars=18446744073709551615 \
io_blocks=18446744073709551615 swaps=18446744073709551615 acct_version=3 \
host=\"$n\" stream=\"$n\" seq=18446744073709551615 \
event_id=\"$n:18446744073709551615\" schema=1"
json="{\"@timestamp\":\"$t2\",\"event\":{\"kind\":\"event\",\
\"category\":[\"process\"],\"type\":[\"end\"],\"action\":\"process_end\",\
\"id\":\"$n:18446744073709551615\",\"start\":\"$t1\",\"end\":\"$t2\",\
\"duration\":1500000000},\"process\":{\"name\":\"#001#002bash\",\
\"pid\":4242,\"parent\":{\"pid\":4241},\"exit_code\":1},\
\"user\":{\"id\":\"1000\",\"name\":\"$n\"},\"group\":{\"id\":\"100\",\
\"name\":\"$n\"},\"host\":{\"name\":\"$n\"},\"acct\":{\"tty\":\"$n\",\
\"signal\":0,\"core_dumped\":false,\"flags\":\"su\",\"elapsed\":1.500,\
\"cpu_user\":0.120,\"cpu_sys\":0.030,\"mem_kib\":18446744073709551615,\
\"minflt\":18446744073709551615,\"majflt\":18446744073709551615,\
\"io_chars\":18446744073709551615,\"io_blocks\":18446744073709551615,\
\"swaps\":18446744073709551615,\"acct_version\":3,\"stream\":\"$n\",\
\"seq\":18446744073709551615,\"schema\":1}}"
printf '%s\n' "$json" > "$tmp/archive.json"
printf 'Nov 14 23:24:04 web01 acct2syslog[42]: %s\n' "$kv" > "$tmp/archive.log"

for kind in json log; do
	for format in json kv csv long lastcomm; do
		rc=0
		"$lastcomm" --archive "$tmp/archive.$kind" --format $format \
		    > "$tmp/out" 2> "$tmp/err" || rc=$?
		want=1
		[ $format != csv ] || want=2	# the header
		good=false
		[ $rc -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq $want ] &&
		    [ ! -s "$tmp/err" ] && good=true
		ok "$kind archive, --format $format: whole, nothing on stderr" \
		    $good
		$good || diag "exit $rc: $(head -c 300 "$tmp/err")"
		case $format in
		json) is "$(cat "$tmp/out")" "$json" \
		    "$kind archive: the JSON line whole, as written" ;;
		kv) is "$(cat "$tmp/out")" "$kv" \
		    "$kind archive: the kv line whole, as written" ;;
		esac
	done
done
done_testing
