#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Remake the seed corpora of the archive fuzz targets from the messages
# below (kv lines as fmt_kv() and fmt_control_kv() write them, and JSON
# lines as fmt_json() and fmt_control_json() do):
#   corpus-jsonline/  one JSON line a file: every message, and lines
#                     that only libfastjson reads (blanks, \u escapes,
#                     members reordered or twice, 1.5 for 1.500)
#   corpus-rulebase/  one syslog text line a file: every message behind
#                     rsyslog's two file headers and the tag forms, and
#                     lines of other programs
#   corpus-entry/     one message a file as "key=value" lines (the value
#                     as a kv line has it, without a string's quotes)
#   corpus-print/     every file of corpus-jsonline/ and corpus-rulebase/
# Deterministic, and needs nothing but a shell and sed.
#
# usage: fuzz/make-corpus-archive.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
for d in jsonline rulebase entry print; do
	mkdir -p "$here/corpus-$d"
	rm -f "$here/corpus-$d"/*
done

S=0123456789abcdef0123456789abcdef
T1=2026-11-18T21:19:58.000000Z
T2=2026-11-18T21:19:58.450000Z
# A name as long as an entry keeps (64 bytes).
N=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_

# The messages, one a line: NAME KV.
messages() {
	cat <<EOF
rec-v3 event="process_end" process_name="cron" process_id=1622407 parent_process_id=1 user="root" user_id=0 group="root" group_id=0 exit_code=0 signal=0 core_dumped=0 flags="su" start_time="$T1" end_time="$T2" elapsed=0.450 cpu_user=0.010 cpu_sys=0.020 mem_kib=4926 minflt=776 majflt=0 io_chars=0 io_blocks=0 swaps=0 acct_version=3 host="web01" stream="$S" seq=2 event_id="$S:2" schema=1
rec-v2-bare event="process_end" process_name="sh" user_id=1000 group_id=1000 exit_code=1 signal=0 core_dumped=0 flags="" start_time="$T1" end_time="$T1" elapsed=0.000 cpu_user=0.000 cpu_sys=0.000 mem_kib=0 minflt=0 majflt=0 io_chars=0 io_blocks=0 swaps=0 acct_version=2 schema=1
rec-tty event="process_end" process_name="vim" process_id=7 parent_process_id=6 user="alice" user_id=1000 group="users" group_id=100 tty="pts/3" exit_code=0 signal=9 core_dumped=1 flags="fork,su,core,xsig" start_time="$T1" end_time="$T2" elapsed=0.450 cpu_user=1.000 cpu_sys=2.500 mem_kib=18446744073709551615 minflt=1 majflt=2 io_chars=3 io_blocks=4 swaps=5 acct_version=3 host="web01" schema=1
rec-escapes event="process_end" process_name="a\\"b\\\\c#033[2J#000" process_id=4294967295 parent_process_id=0 user="\\"#043\\\\" user_id=4294967295 group="#302#200#342#200#256" group_id=4294967295 tty="[4,64]" exit_code=255 signal=127 core_dumped=0 flags="xsig" start_time="2106-02-07T06:28:15.000000Z" end_time="2106-02-07T06:28:15.999000Z" elapsed=0.999 cpu_user=0.001 cpu_sys=0.001 mem_kib=1 minflt=1 majflt=1 io_chars=1 io_blocks=1 swaps=1 acct_version=3 host="h\\"x" stream="$S" seq=18446744073709551615 event_id="$S:18446744073709551615" schema=1
rec-utf8 event="process_end" process_name="été日本" user="josé" user_id=1001 group="ünïcode" group_id=1001 exit_code=0 signal=0 core_dumped=0 flags="fork" start_time="1970-01-01T00:00:00.000000Z" end_time="1970-01-01T00:00:01.000000Z" elapsed=1.000 cpu_user=0.000 cpu_sys=0.000 mem_kib=0 minflt=0 majflt=0 io_chars=0 io_blocks=0 swaps=0 acct_version=0 schema=1
rec-long-names event="process_end" process_name="0123456789abcdef" process_id=1 parent_process_id=1 user="$N" user_id=1 group="$N" group_id=1 tty="$N" exit_code=0 signal=0 core_dumped=0 flags="" start_time="$T1" end_time="$T2" elapsed=0.450 cpu_user=0.000 cpu_sys=0.000 mem_kib=0 minflt=0 majflt=0 io_chars=0 io_blocks=0 swaps=0 acct_version=3 host="$N" stream="$N" seq=3 event_id="$N:3" schema=1
ctl-start event="forwarder_start" message="first start: a new stream" file="/var/log/account/pacct" offset=0 records=0 time="2026-12-04T18:54:54.076630Z" host="web01" stream="$S" seq=1 event_id="$S:1" schema=1
ctl-stop event="forwarder_stop" message="--once: at the end of the file" file="/var/log/account/pacct" offset=128 records=2 time="2026-12-04T18:54:54.079518Z" host="web01" stream="$S" seq=4 event_id="$S:4" schema=1
ctl-rotation event="rotation" file="/var/log/account/pacct.0" new_file="/var/log/account/pacct" offset=6400 records=100 time="$T2" host="web01" stream="$S" seq=5 event_id="$S:5" schema=1
ctl-truncated event="truncated" message="the file is shorter than the offset" file="/var/log/account/pacct" offset=640 bytes=576 time="$T2" stream="$S" seq=6 event_id="$S:6" schema=1
ctl-corrupt event="corrupt_data" file="/var/log/account/pacct" offset=64 bytes=13 records=1 time="$T2" schema=1
ctl-gap event="gap" message="records lost \\"here\\"" file="pacct" records=3 seq_from=7 seq_to=9 time="$T2" host="web01" stream="$S" seq=10 event_id="$S:10" schema=1
ctl-paused event="accounting_paused" free_percent=1 time="$T2" schema=1
ctl-resumed event="accounting_resumed" free_percent=100 time="$T2" schema=1
ctl-off event="accounting_off" message="no record for 120 s" time="$T2" schema=1
ctl-heartbeat event="heartbeat" time="$T2" host="web01" stream="$S" seq=11 event_id="$S:11" schema=1
EOF
}

# The JSON lines of the same messages: NAME JSON.
json_messages() {
	ev_rec='"event":{"kind":"event","category":["process"],"type":["end"],"action":"process_end"'
	ev_ctl='"event":{"kind":"event","category":["process"],"type":["info"],"action"'
	cat <<EOF
rec-v3 {"@timestamp":"$T2",$ev_rec,"id":"$S:2","start":"$T1","end":"$T2","duration":450000000},"process":{"name":"cron","pid":1622407,"parent":{"pid":1},"exit_code":0},"user":{"id":"0","name":"root"},"group":{"id":"0","name":"root"},"host":{"name":"web01"},"acct":{"signal":0,"core_dumped":false,"flags":"su","elapsed":0.450,"cpu_user":0.010,"cpu_sys":0.020,"mem_kib":4926,"minflt":776,"majflt":0,"io_chars":0,"io_blocks":0,"swaps":0,"acct_version":3,"stream":"$S","seq":2,"schema":1}}
rec-v2-bare {"@timestamp":"$T1",$ev_rec,"start":"$T1","end":"$T1","duration":0},"process":{"name":"sh","exit_code":1},"user":{"id":"1000"},"group":{"id":"1000"},"acct":{"signal":0,"core_dumped":false,"flags":"","elapsed":0.000,"cpu_user":0.000,"cpu_sys":0.000,"mem_kib":0,"minflt":0,"majflt":0,"io_chars":0,"io_blocks":0,"swaps":0,"acct_version":2,"schema":1}}
rec-tty {"@timestamp":"$T2",$ev_rec,"start":"$T1","end":"$T2","duration":450000000},"process":{"name":"vim","pid":7,"parent":{"pid":6},"exit_code":0},"user":{"id":"1000","name":"alice"},"group":{"id":"100","name":"users"},"host":{"name":"web01"},"acct":{"tty":"pts/3","signal":9,"core_dumped":true,"flags":"fork,su,core,xsig","elapsed":0.450,"cpu_user":1.000,"cpu_sys":2.500,"mem_kib":18446744073709551615,"minflt":1,"majflt":2,"io_chars":3,"io_blocks":4,"swaps":5,"acct_version":3,"schema":1}}
rec-escapes {"@timestamp":"2106-02-07T06:28:15.999000Z",$ev_rec,"id":"$S:18446744073709551615","start":"2106-02-07T06:28:15.000000Z","end":"2106-02-07T06:28:15.999000Z","duration":999000000},"process":{"name":"a\\"b\\\\c#033[2J#000","pid":4294967295,"parent":{"pid":0},"exit_code":255},"user":{"id":"4294967295","name":"\\"#043\\\\"},"group":{"id":"4294967295","name":"#302#200#342#200#256"},"host":{"name":"h\\"x"},"acct":{"tty":"[4,64]","signal":127,"core_dumped":false,"flags":"xsig","elapsed":0.999,"cpu_user":0.001,"cpu_sys":0.001,"mem_kib":1,"minflt":1,"majflt":1,"io_chars":1,"io_blocks":1,"swaps":1,"acct_version":3,"stream":"$S","seq":18446744073709551615,"schema":1}}
rec-utf8 {"@timestamp":"1970-01-01T00:00:01.000000Z",$ev_rec,"start":"1970-01-01T00:00:00.000000Z","end":"1970-01-01T00:00:01.000000Z","duration":1000000000},"process":{"name":"été日本","exit_code":0},"user":{"id":"1001","name":"josé"},"group":{"id":"1001","name":"ünïcode"},"acct":{"signal":0,"core_dumped":false,"flags":"fork","elapsed":1.000,"cpu_user":0.000,"cpu_sys":0.000,"mem_kib":0,"minflt":0,"majflt":0,"io_chars":0,"io_blocks":0,"swaps":0,"acct_version":0,"schema":1}}
rec-long-names {"@timestamp":"$T2",$ev_rec,"id":"$N:3","start":"$T1","end":"$T2","duration":450000000},"process":{"name":"0123456789abcdef","pid":1,"parent":{"pid":1},"exit_code":0},"user":{"id":"1","name":"$N"},"group":{"id":"1","name":"$N"},"host":{"name":"$N"},"acct":{"tty":"$N","signal":0,"core_dumped":false,"flags":"","elapsed":0.450,"cpu_user":0.000,"cpu_sys":0.000,"mem_kib":0,"minflt":0,"majflt":0,"io_chars":0,"io_blocks":0,"swaps":0,"acct_version":3,"stream":"$N","seq":3,"schema":1}}
ctl-start {"@timestamp":"2026-12-04T18:54:54.076630Z",$ev_ctl:"forwarder_start","id":"$S:1"},"log":{"level":"notice"},"message":"first start: a new stream","host":{"name":"web01"},"acct":{"event":"forwarder_start","file":"/var/log/account/pacct","offset":0,"records":0,"stream":"$S","seq":1,"schema":1}}
ctl-rotation {"@timestamp":"$T2",$ev_ctl:"rotation","id":"$S:5"},"log":{"level":"info"},"host":{"name":"web01"},"acct":{"event":"rotation","file":"/var/log/account/pacct.0","new_file":"/var/log/account/pacct","offset":6400,"records":100,"stream":"$S","seq":5,"schema":1}}
ctl-gap {"@timestamp":"$T2",$ev_ctl:"gap","id":"$S:10"},"log":{"level":"warning"},"message":"records lost \\"here\\"","host":{"name":"web01"},"acct":{"event":"gap","file":"pacct","records":3,"seq_from":7,"seq_to":9,"stream":"$S","seq":10,"schema":1}}
ctl-paused {"@timestamp":"$T2",$ev_ctl:"accounting_paused"},"log":{"level":"error"},"acct":{"event":"accounting_paused","free_percent":1,"schema":1}}
ctl-corrupt {"@timestamp":"$T2",$ev_ctl:"corrupt_data"},"log":{"level":"warning"},"acct":{"event":"corrupt_data","file":"/var/log/account/pacct","offset":64,"bytes":13,"records":1,"schema":1}}
ctl-heartbeat {"@timestamp":"$T2",$ev_ctl:"heartbeat","id":"$S:11"},"log":{"level":"info"},"host":{"name":"web01"},"acct":{"event":"heartbeat","stream":"$S","seq":11,"schema":1}}
fb-blanks { "@timestamp" : "$T2" , $ev_rec , "start" : "$T1" } , "process" : { "name" : "cron" , "exit_code" : 0 } , "user" : { "id" : "0" } , "group" : { "id" : "0" } , "acct" : { "signal" : 0 , "core_dumped" : false , "flags" : "" , "elapsed" : 0.45 , "cpu_user" : 0 , "cpu_sys" : 0.5 , "mem_kib" : 1 , "acct_version" : 3 , "schema" : 1 } }
fb-unicode {"@timestamp":"$T2",$ev_rec,"start":"$T1"},"process":{"name":"\\u0063r\\u006fn\\n","exit_code":0},"user":{"id":"0","name":"r\\u00e9\\t"},"group":{"id":"0"},"acct":{"signal":0,"core_dumped":false,"flags":"","elapsed":0.450,"cpu_user":0.000,"cpu_sys":0.000,"mem_kib":0,"minflt":0,"majflt":0,"io_chars":0,"io_blocks":0,"swaps":0,"acct_version":3,"schema":1}}
fb-reordered {"acct":{"schema":1,"acct_version":1,"flags":"core","signal":11,"core_dumped":true,"elapsed":2.000,"cpu_user":0.000,"cpu_sys":0.000,"mem_kib":0,"minflt":0,"majflt":0,"io_chars":0,"io_blocks":0,"swaps":0,"event":"process_end","newer_field":"x"},"group":{"name":"g","id":"5"},"user":{"name":"u","id":"5"},"process":{"exit_code":0,"name":"x"},"event":{"end":"$T2","start":"$T1","action":"process_end"},"@timestamp":"$T2","extra":[1,{"a":null},"s",true]}
fb-twice {"@timestamp":"$T2",$ev_rec,"start":"$T1"},"process":{"name":"a","name":"b","exit_code":0},"user":{"id":"0"},"group":{"id":"0"},"acct":{"signal":0,"core_dumped":false,"flags":"","elapsed":0.450,"cpu_user":0.000,"cpu_sys":0.000,"mem_kib":0,"minflt":0,"majflt":0,"io_chars":0,"io_blocks":0,"swaps":0,"acct_version":3,"schema":1}}
fb-disagree {"@timestamp":"$T1",$ev_rec,"start":"$T1","end":"$T2"},"process":{"name":"a","exit_code":0},"user":{"id":"0"},"group":{"id":"0"},"acct":{"event":"gap","signal":0,"core_dumped":false,"flags":"","elapsed":0.450,"acct_version":3,"schema":1}}
not-ours {"@timestamp":"$T2","message":"a JSON line of another program","host":{"name":"web01"}}
broken {"@timestamp":"$T2",$ev_rec,"process":{"name":"cut here
EOF
}

# Lines of other programs, in a syslog text file.
other_lines() {
	cat <<EOF
other-sshd Nov 21 07:30:12 web01 sshd[811]: Accepted publickey for alice from 192.0.2.1 port 50000
other-forged Nov 21 07:30:12 web01 sshd[811]: user acct2syslog: event="process_end" process_name="x"
other-logger 2026-11-21T07:30:12.123456+00:00 web01 logger: acct2syslog[1]: event="gap" time="$T2" schema=1
EOF
}

headers='rfc5424|2026-11-21T07:30:12.123456+00:00 web01 acct2syslog[123]: 
rfc3164|Nov 21 07:30:12 web01 acct2syslog: 
nocolon|2026-11-21T07:30:12.123456+00:00 web01.example.org acct2syslog[9] '

messages | while read -r name kv; do
	printf '%s\n' "$headers" | while IFS='|' read -r hname header; do
		printf '%s%s\n' "$header" "$kv" \
		    >"$here/corpus-rulebase/$name-$hname"
	done
	# key=value lines: the values of strings without their quotes.
	printf '%s\n' "$kv" |
	    sed -e 's/ \([a-z_]*\)=/\
\1=/g' | sed -e 's/^\([a-z_]*\)="\(.*\)"$/\1=\2/' \
	    >"$here/corpus-entry/$name"
done
other_lines | while read -r name line; do
	printf '%s\n' "$line" >"$here/corpus-rulebase/$name"
done
json_messages | while read -r name json; do
	printf '%s\n' "$json" >"$here/corpus-jsonline/$name"
done
for f in "$here"/corpus-jsonline/*; do
	cp "$f" "$here/corpus-print/json-$(basename "$f")"
done
for f in "$here"/corpus-rulebase/*; do
	cp "$f" "$here/corpus-print/syslog-$(basename "$f")"
done
for d in jsonline rulebase entry print; do
	echo "corpus-$d: $(ls "$here/corpus-$d" | wc -l) files"
done
