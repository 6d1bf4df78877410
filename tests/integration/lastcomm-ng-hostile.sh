#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lastcomm-ng-hostile.sh: archives whose names were written by an attacker
# (any local user can put such a line into a central archive): ESC
# sequences that erase lines and set the title, C1 controls (CSI, NEL) in
# UTF-8 and as raw bytes, bidi overrides, invalid UTF-8, and fields that a
# spreadsheet takes for formulas, in every untrusted field (command, user,
# group, tty, host, stream, message, file) and in the archive's own name.
#
# Every human output (lastcomm, long, csv, --summary, --verify, the
# warnings on stderr) is judged by perl's strict UTF-8 decoder: no C0 but
# the newline, no DEL, no C1, no bidi control, no invalid UTF-8.  The CSV
# is read back by python's csv module: no cell starts a formula.  kv and
# json are the wire form: they keep its escaping (no raw C0), and a line in
# acct2syslog's own JSON comes out byte for byte as it went in.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

lastcomm=$top_builddir/lastcomm-ng/lastcomm-ng
[ -x "$lastcomm" ] || skip_all "lastcomm-ng is not built"
require_cmd perl
perl -MEncode -e 1 2>/dev/null || skip_all "perl without Encode"
make_tmpdir

# The archive's name: ESC [2K and RLO in it.
archive=$tmp/$(printf 'web\033[2K\342\200\256.json')
syslog=$tmp/$(printf 'syslog\302\233.log')

# Four JSON lines: a record exactly as acct2syslog writes it (C0 as #ooo,
# C1 and bidi as UTF-8); a record as another writer may put it (JSON
# escapes for the controls, a raw 0x9b and 0xff); a gap with a hostile
# file and message; a damaged line (a warning names the archive).
perl -e '
	my $s = "\xe2\x80\xae0123456789abcdef";	# RLO, in the stream
	print "{\"\@timestamp\":\"2026-11-21T05:27:04.000000Z\",\"event\":{\"kind\":\"event\",\"category\":[\"process\"],\"type\":[\"end\"],\"action\":\"process_end\",\"id\":\"$s:1\",\"start\":\"2026-11-21T05:27:03.000000Z\",\"end\":\"2026-11-21T05:27:04.000000Z\",\"duration\":1000000000},\"process\":{\"name\":\"=cmd#033[2K\",\"pid\":4242,\"parent\":{\"pid\":1},\"exit_code\":0},\"user\":{\"id\":\"1000\",\"name\":\"#033[2K#033[1Aroot\xc2\x9b2J\xe2\x80\xae\"},\"group\":{\"id\":\"1000\",\"name\":\"\@grp\xe2\x81\xa6\"},\"host\":{\"name\":\"-web\xc2\x85\"},\"acct\":{\"tty\":\"+pts/1#033]0;owned#007\",\"signal\":0,\"core_dumped\":false,\"flags\":\"su\",\"elapsed\":1.000,\"cpu_user\":0.010,\"cpu_sys\":0.020,\"mem_kib\":0,\"minflt\":0,\"majflt\":0,\"io_chars\":0,\"io_blocks\":0,\"swaps\":0,\"acct_version\":3,\"stream\":\"$s\",\"seq\":1,\"schema\":1}}\n";
	print "{\"\@timestamp\":\"2026-11-21T05:28:04.000000Z\",\"event\":{\"action\":\"process_end\",\"start\":\"2026-11-21T05:28:03.000000Z\"},\"process\":{\"name\":\"\\u001b[2J\\u009b\",\"pid\":4243},\"user\":{\"id\":\"0\",\"name\":\"\\u202eroot\\u2067\"},\"group\":{\"id\":\"0\",\"name\":\"=1+1\x9b\xff\"},\"host\":{\"name\":\"\\u0007\\u0085h\"},\"acct\":{\"tty\":\"\\t=2\",\"stream\":\"$s\",\"seq\":2,\"schema\":1}}\n";
	print "{\"\@timestamp\":\"2026-11-21T05:29:00.000000Z\",\"event\":{\"kind\":\"event\",\"category\":[\"process\"],\"type\":[\"info\"],\"action\":\"gap\",\"id\":\"$s:3\"},\"log\":{\"level\":\"warning\"},\"message\":\"lost\\u009b2J \xc2\x85\\u001b[1A\",\"host\":{\"name\":\"-web\xc2\x85\"},\"acct\":{\"event\":\"gap\",\"file\":\"/var/log/\\u001b[2Kpacct\xe2\x80\xae\",\"offset\":4096,\"stream\":\"$s\",\"seq\":3,\"schema\":1}}\n";
	print "{\"event\":{\"action\":\"process_end\"},\"acct\":{\"schema\":1}}\n";
' > "$archive"
# A syslog text archive (the rulebase reads it): the same names in kv.
perl -e '
	print "2026-11-21T05:30:12.123456+00:00 web01 acct2syslog[123]: event=\"process_end\" process_name=\"\@x#033[2K\" process_id=7 parent_process_id=1 user=\"#033]0;t#007\xc2\x9b\" user_id=1 group=\"-g\xe2\x80\xae\" group_id=1 tty=\"=pts\xe2\x81\xa9\" exit_code=0 signal=0 core_dumped=0 flags=\"\" start_time=\"2026-11-21T05:30:11.000000Z\" end_time=\"2026-11-21T05:30:12.000000Z\" elapsed=1.000 cpu_user=0.000 cpu_sys=0.000 mem_kib=0 minflt=0 majflt=0 io_chars=0 io_blocks=0 swaps=0 acct_version=3 host=\"+h\xc2\x9b\" schema=1\n";
' > "$syslog"

# visible FILE: strict UTF-8 with no C0 but newlines, no DEL, no C1 and no
# bidi control (Unicode Bidi_Control); says what it found otherwise.
visible() {
	perl -MEncode -e '
		local $/;
		open(my $f, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!";
		my $bytes = <$f>;
		my $text = eval { Encode::decode("UTF-8", $bytes,
		    Encode::FB_CROAK) };
		if (!defined $text) {
			print "# invalid UTF-8\n";
			exit 1;
		}
		if ($text =~ /([\x00-\x09\x0b-\x1f\x7f-\x9f\x{61c}\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}])/) {
			printf "# U+%04X in the output\n", ord($1);
			exit 1;
		}
		exit 0;
	' "$1"
}

# wire_form FILE: no C0 but newlines and no DEL (kv and json escape them).
wire_form() {
	! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"
}

# run NAME ARGS...: lastcomm-ng ARGS on both archives; stdout in
# $tmp/NAME.out, stderr in $tmp/NAME.err.
run() {
	run_name=$1
	shift
	"$lastcomm" --archive "$archive" --archive "$syslog" "$@" \
	    >"$tmp/$run_name.out" 2>"$tmp/$run_name.err" || true
}

for format in lastcomm long csv; do
	run "$format" --format "$format"
	ok "--format $format: the three records are listed" \
	    [ "$(grep -vc '^start_time,' "$tmp/$format.out")" = 3 ]
	ok "--format $format: no control, C1, bidi or invalid UTF-8" \
	    visible "$tmp/$format.out"
	ok "--format $format: the warning naming the archive is visible" \
	    visible "$tmp/$format.err"
done
ok "--format lastcomm: printable ASCII only (GNU's '?' for the rest)" \
    [ -z "$(LC_ALL=C tr -d '\n -~' < "$tmp/lastcomm.out")" ]
ok "--format lastcomm: the warning names the damaged line" \
    grep -q 'web#033\[2K#342#200#256\.json:4: a damaged' "$tmp/lastcomm.err"

if command -v python3 >/dev/null; then
	ok "--format csv: no cell starts a formula (python's csv reader)" \
	    python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
bad = [c for r in rows for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
for c in bad:
	print("# formula: %r" % c)
sys.exit(1 if bad or len(rows) != 4 or any(len(r) != 25 for r in rows) else 0)
' "$tmp/csv.out"
	ok "--format csv: the formulas are kept as text, after a '" \
	    python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
want = {"'"'"'=cmd#033[2K", "'"'"'@grp#342#201#246",
    "'"'"'+pts/1#033]0;owned#007", "'"'"'-web#302#205", "'"'"'=1+1#233#377",
    "'"'"'#011=2", "'"'"'@x#033[2K", "'"'"'-g#342#200#256",
    "'"'"'=pts#342#201#251", "'"'"'+h#302#233"}
cells = {c for r in rows for c in r}
for c in sorted(want - cells):
	print("# missing: %r" % c)
sys.exit(0 if want <= cells else 1)
' "$tmp/csv.out"
else
	skip "--format csv: cells read back" "no python3 here"
	skip "--format csv: the formulas kept as text" "no python3 here"
fi

run summary --summary
ok "--summary: no control, C1, bidi or invalid UTF-8" visible "$tmp/summary.out"
ok "--summary: the commands are listed" \
    grep -q '^#033\[2J#302#233 ' "$tmp/summary.out"
# The users by the names their records came with (uids 1000, 0 and 1
# here), not by this host's accounts.
ok "--summary: the users by the names the archives gave" sh -c '
	grep -q "^#033\[2K#033\[1Aroot#302#2332J#342#200#256 " "$1" &&
	grep -q "^#342#200#256root#342#201#247 " "$1" &&
	grep -q "^#033\]0;t#007#302#233 " "$1"' sh "$tmp/summary.out"

run verify --verify
ok "--verify: no control, C1, bidi or invalid UTF-8" visible "$tmp/verify.out"
ok "--verify: the stream, the hosts, the file and the message shown" \
    grep -q 'file="/var/log/#033\[2Kpacct#342#200#256" message="lost#302#2332J #302#205#033\[1A"' \
    "$tmp/verify.out"
ok "--verify: the warning is visible" visible "$tmp/verify.err"

# The wire form: what acct2syslog sends, unchanged.
for format in kv json; do
	run "$format" --format "$format"
	ok "--format $format: the three records are listed" \
	    [ "$(wc -l < "$tmp/$format.out")" -eq 3 ]
	ok "--format $format: the wire form's escaping (no raw C0 or DEL)" \
	    wire_form "$tmp/$format.out"
done
head -n 1 "$archive" > "$tmp/line1"
"$lastcomm" --archive "$archive" --format json 2>/dev/null | head -n 1 \
    > "$tmp/json1"
ok "--format json: acct2syslog's own line comes out byte for byte" \
    cmp -s "$tmp/line1" "$tmp/json1"

# A hostile name of a file to read, in the message that it is missing.
"$lastcomm" -f "$tmp/$(printf 'pacct\033]0;x\007\302\205')" \
    >/dev/null 2>"$tmp/missing.err" || true
ok "a missing file's name: visible in the warning" visible "$tmp/missing.err"
ok "a missing file's name: shown as #ooo" \
    grep -q 'pacct#033\]0;x#007#302#205: No such file' "$tmp/missing.err"

done_testing
