#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# archive-pipeline.sh: the real pipeline, as contrib/rsyslog ships it.
# acct2syslog (syslog sink) -> a host-side rsyslog on its own socket
# (contrib/rsyslog/host.conf) -> TCP on loopback -> a central rsyslog that
# checks each message with rules/acct2syslog.rulebase (mmnormalize) and
# writes one file per host (contrib/rsyslog/central.conf).  Processes run
# with kernel accounting on in a private pid namespace.  Then lastcomm-ng
# reads the central file and the pacct file and lists the same records
# with the same fields; --verify finds the stream complete; a copy with
# one line deleted makes --verify name exactly that seq.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/lib-daemon.sh"

make_tmpdir
daemon_prereqs
require_cmd rsyslogd
LASTCOMM=$top_builddir/lastcomm-ng/lastcomm-ng
LASTCOMM_NG_RULEBASE_DIR=$top_srcdir/rules
export LASTCOMM_NG_RULEBASE_DIR
mods=$(dirname "$(find /usr/lib -name mmnormalize.so 2>/dev/null | head -n 1)")
[ -f "$mods/mmnormalize.so" ] || skip_all "rsyslog's mmnormalize module not found"
port=$((20000 + $$ % 20000))
mkdir "$tmp/central" "$tmp/central-work" "$tmp/host-work" "$tmp/state" \
    "$tmp/bin"
cp /bin/sh "$tmp/bin/a2s-last"
: >"$tmp/pacct"

# The shipped configurations, pointed at this test's places.
adapt() {
	sed -e "s|10514|$port|g" \
	    -e "s|/var/log/acct2syslog|$tmp/central|g" \
	    -e "s|/usr/share/acct2syslog|$top_srcdir/rules|g" \
	    -e "s|/run/acct2syslog/log|$tmp/host.sock|g" \
	    -e "s|logs.example.org|127.0.0.1|g" "$1"
}
{ echo "global(workDirectory=\"$tmp/central-work\")"; adapt \
    "$top_srcdir/contrib/rsyslog/central.conf"; } >"$tmp/central.conf"
{ echo "global(workDirectory=\"$tmp/host-work\")"; adapt \
    "$top_srcdir/contrib/rsyslog/host.conf"; } >"$tmp/host.conf"
rsyslogd -N1 -f "$tmp/central.conf" >"$tmp/n1.central" 2>&1 ||
    bail_out "contrib/rsyslog/central.conf does not load: $(tail -n 3 "$tmp/n1.central")"
rsyslogd -N1 -f "$tmp/host.conf" >"$tmp/n1.host" 2>&1 ||
    bail_out "contrib/rsyslog/host.conf does not load: $(tail -n 3 "$tmp/n1.host")"
rsyslogd -n -f "$tmp/central.conf" -i "$tmp/central.pid" \
    >"$tmp/central.err" 2>&1 &
central=$!
rsyslogd -n -f "$tmp/host.conf" -i "$tmp/host.pid" >"$tmp/host.err" 2>&1 &
host=$!
trap 'kill $central $host 2>/dev/null; wait 2>/dev/null; tmp_cleanup' EXIT
wait_for 10 test -S "$tmp/host.sock" || bail_out "host rsyslog did not start"
printf 'sink = syslog\nsyslog_socket = %s\nbatch_ms = 50\n' "$tmp/host.sock" \
    >"$tmp/a2s.conf"
sed -n '/^wait_for()/,/^}/p; /^has_line()/,/^}/p' \
    "$top_srcdir/tests/integration/lib-daemon.sh" >"$tmp/lib.sh"

cat >"$tmp/workload.sh" <<'EOS'
set -u
tmp=$1 daemon=$2
. "$tmp/lib.sh"
accton "$tmp/pacct" >/dev/null
"$daemon" --foreground --config "$tmp/a2s.conf" --file "$tmp/pacct" \
    --state-dir "$tmp/state" 2>"$tmp/daemon.err" &
dpid=$!
i=0
while [ "$i" -lt 100 ]; do
	/bin/true
	i=$((i + 1))
done
"$tmp/bin/a2s-last" -c 'exit 3' || :
sleep 1
kill -TERM "$dpid"
wait "$dpid" || echo "daemon exit $?" >>"$tmp/fail"
accton off >/dev/null
EOS
unshare --pid --fork --mount-proc sh "$tmp/workload.sh" "$tmp" \
    "$ACCT2SYSLOG" >"$tmp/workload.out" 2>&1 || :
ok "the workload went as planned" test ! -e "$tmp/fail"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/fail" "$tmp/daemon.err")"

# Everything the daemon sent (its last message is forwarder_stop) must
# reach the central file.
file=$(ls "$tmp/central"/*.log 2>/dev/null | grep -v unparsed | head -n 1)
has_stop() {
	[ -n "$file" ] || file=$(ls "$tmp/central"/*.log 2>/dev/null |
	    grep -v unparsed | head -n 1)
	[ -n "$file" ] && grep -q 'event="forwarder_stop"' "$file"
}
ok "the central rsyslog wrote a file for the host" wait_for 20 has_stop
ok "every message passed the rulebase (nothing in unparsed.log)" \
    test ! -s "$tmp/central/unparsed.log"
[ "$tap_passed" = 1 ] || diag "$(head -n 3 "$tmp/central/unparsed.log")"

# The same records, the same fields, from the archive and from the file
# (the pacct file has no stream, seq and event_id: left out of both).
strip() {
	sed -e 's/ stream="[^"]*" seq=[0-9]* event_id="[^"]*"//'
}
committed=$(sed -n 's/^offset=//p' "$tmp/state/state")
head -c "$committed" "$tmp/pacct" >"$tmp/sent.pacct"
"$LASTCOMM" -f "$tmp/sent.pacct" --forwards --format=kv | strip >"$tmp/want"
"$LASTCOMM" --archive "$file" --format=kv | strip >"$tmp/got"
diag "$(wc -l <"$tmp/want") records in the pacct file, $(wc -l <"$tmp/got") from the central archive"
ok "lastcomm-ng lists the same records with the same fields from both" \
    cmp -s "$tmp/want" "$tmp/got"
[ "$tap_passed" = 1 ] || diag "$(diff "$tmp/want" "$tmp/got" | head -n 6)"
"$LASTCOMM" -f "$tmp/sent.pacct" --forwards --format=kv --user root | strip >"$tmp/want.u"
"$LASTCOMM" --archive "$file" --format=kv --user root | strip >"$tmp/got.u"
ok "--user root: the same records from both" cmp -s "$tmp/want.u" "$tmp/got.u"

"$LASTCOMM" --archive "$file" --verify >"$tmp/verify" 2>&1 && rc=0 || rc=$?
is "$rc" 0 "--verify on the central file: exit 0"
ok "--verify says the stream is complete" grep -q '^  complete' "$tmp/verify"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/verify")"

# One process_end line deleted from a copy: exactly that seq is missing.
line=$(grep -n 'event="process_end"' "$file" | sed -n 50p | cut -d: -f1)
seq=$(sed -n "${line}p" "$file" | kv seq)
sed "${line}d" "$file" >"$tmp/cut.log"
"$LASTCOMM" --archive "$tmp/cut.log" --verify >"$tmp/verify.cut" 2>&1 &&
    rc=0 || rc=$?
is "$rc" 1 "--verify on a copy with one line deleted: exit 1"
ok "--verify names exactly seq $seq as missing" \
    grep -qx "  missing: 1 seq in 1 range: $seq" "$tmp/verify.cut"
[ "$tap_passed" = 1 ] || diag "$(cat "$tmp/verify.cut")"
done_testing
