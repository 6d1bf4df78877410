#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fault 9: bytes that are not records written into the live file while the
# kernel appends to it (about 1000 processes a second exit): garbage of
# 100 and 128 bytes, one and three 64-byte all-zero records, 10 stray
# bytes that put every later record off the 64-byte grid.  Each is
# appended in one write (dd oflag=append, as the kernel appends: the two
# cannot interleave), and the kernel goes on appending after it; a few
# records of our own follow each, so that the reader can find the records
# again before the next one.
#
# The oracle walks the file as it ends up: at each offset either the next
# injected block (byte for byte) or a kernel record (version 3; no block
# has a 3 in its second byte), so it knows where each block went.  The
# daemon must send a corrupt_data event whose offset and bytes are exactly
# those of each block, forward every kernel record, and nothing else.
# One round of five blocks (ten with ACCT_FAULTS_SOAK=1).
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"
. "$top_srcdir/tests/faults/lib-faults.sh"

require_cmd perl dd
faults_init "9. garbage and zero records in the file"
rounds=1
[ "$soak" = 1 ] && rounds=10
printf 'batch_ms = 50\n' >"$tmp/a2s.conf"
# The blocks, in the order they are written.
head -c 100 /dev/zero | tr '\000' '\377' >"$tmp/blk1"
head -c 64 /dev/zero >"$tmp/blk2"
printf 'garbage, not a record; ' | awk '{ while (length(s) < 128) s = s $0
    printf "%s", substr(s, 1, 128) }' >"$tmp/blk3"
head -c 192 /dev/zero >"$tmp/blk4"
printf '0123456789' >"$tmp/blk5"
blocks="$tmp/blk1 $tmp/blk2 $tmp/blk3 $tmp/blk4 $tmp/blk5"

cat >"$tmp/workload.sh" <<EOS
set -u
. "$tmp/ns.sh"
config=$tmp/a2s.conf rounds=$rounds blocks="$blocks"
EOS
cat >>"$tmp/workload.sh" <<'EOS'
accounting_on
daemon_start
load_start
r=0
while [ "$r" -lt "$rounds" ]; do
	for b in $blocks; do
		sleep_ms 50 200
		dd if="$b" of="$tmp/acct/pacct" bs="$(wc -c <"$b")" count=1 \
		    conv=notrunc oflag=append status=none
		burst 5
	done
	r=$((r + 1))
done
sleep_ms 200 400
load_stop
finish
EOS
faults_run

# split_file: the kernel's records of the file in $tmp/clean, and
# "offset bytes" of each block found in $tmp/injected.
set --
r=0
while [ "$r" -lt "$rounds" ]; do
	# shellcheck disable=SC2086 # the list of blocks
	set -- "$@" $blocks
	r=$((r + 1))
done
perl -e '
	my ($file, $clean, @blk) = @ARGV;
	local $/;
	open(my $f, "<:raw", $file) or die "$file: $!";
	my $d = <$f>;
	@blk = map { open(my $b, "<:raw", $_) or die "$_: $!"; scalar <$b> } @blk;
	open(my $o, ">:raw", $clean) or die "$clean: $!";
	my ($pos, $i) = (0, 0);
	while ($pos < length $d) {
		if ($i < @blk && substr($d, $pos, length $blk[$i]) eq $blk[$i]) {
			print "$pos ", length $blk[$i], "\n";
			$pos += length $blk[$i++];
			next;
		}
		my $r = substr($d, $pos, 64);
		die "neither a record nor block ", $i + 1, " at $pos\n"
		    unless length $r == 64 && ord(substr($r, 1, 1)) == 3;
		print $o $r;
		$pos += 64;
	}
	die "block ", $i + 1, " not found\n" if $i < @blk;
' "$tmp/acct/pacct" "$tmp/clean" "$@" >"$tmp/injected" 2>"$tmp/split.err" ||
    diag "$(cat "$tmp/split.err")"
ok "every block was found in the file, between kernel records" \
    [ ! -s "$tmp/split.err" ]
is "$(wc -l <"$tmp/injected")" $((5 * rounds)) "$((5 * rounds)) blocks written"
faults_judge "$tmp/clean"
grep '^event="corrupt_data"' "$tmp/out.kv" |
    awk '{
	o = b = ""
	if (match($0, / offset=[0-9]+/)) o = substr($0, RSTART + 8, RLENGTH - 8)
	if (match($0, / bytes=[0-9]+/)) b = substr($0, RSTART + 7, RLENGTH - 7)
	print o, b
    }' >"$tmp/announced"
ok "a corrupt_data event for each block, with its exact offset and bytes" \
    cmp -s "$tmp/injected" "$tmp/announced"
[ "$tap_passed" = 1 ] || diag "written (offset bytes), then announced:" \
    "$(cat "$tmp/injected")" "--" "$(cat "$tmp/announced")"
is "$(cat "$tmp/daemon.rc" 2>/dev/null)" 0 "the daemon exits 0 on SIGTERM"
done_testing
