#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# systemd-files.sh: systemd/acct2syslog.service is hardened as the issue
# asks (systemd-analyze security --offline: exposure 2.0 or lower; the
# settings the daemon relies on are there), and systemd/acct2syslog.catalog
# compiles and explains every MESSAGE_ID the formatter sends (common/
# format.c), no more, no less.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

make_tmpdir
unit=$top_srcdir/systemd/acct2syslog.service
catalog=$top_srcdir/systemd/acct2syslog.catalog
require_cmd systemd-analyze journalctl

if systemd-analyze security --offline=true "$unit" >"$tmp/security" 2>&1; then
	level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
	    "$tmp/security")
	ok "systemd-analyze security: exposure $level, at most 2.0" \
	    awk -v l="$level" 'BEGIN { exit !(l != "" && l <= 2.0) }'
else
	skip "systemd-analyze security --offline" \
	    "$(tail -n 1 "$tmp/security")"
fi
for setting in Type=notify WatchdogSec= Restart=on-failure \
    Wants=acct.service After=acct.service StateDirectory=acct2syslog \
    LogRateLimitIntervalSec=0 SupplementaryGroups=adm \
    CapabilityBoundingSet= NoNewPrivileges=yes ProtectSystem=strict \
    RestrictAddressFamilies=AF_UNIX SystemCallFilter=@system-service; do
	ok "the unit sets $setting" grep -q "^$setting" "$unit"
done
ok "the unit does not map users away from adm (no PrivateUsers=)" \
    sh -c "! grep -q '^PrivateUsers=yes' '$unit'"

mkdir -p "$tmp/root/usr/lib/systemd/catalog"
cp "$catalog" "$tmp/root/usr/lib/systemd/catalog/"
ok "journalctl --update-catalog compiles the catalog" \
    journalctl --root="$tmp/root" --update-catalog
journalctl --root="$tmp/root" --list-catalog 2>/dev/null |
    awk '{ print $1 }' | sort >"$tmp/catalog-ids"
sed -n 's/.*"\([0-9a-f]\{32\}\)".*/\1/p' "$top_srcdir/common/format.c" \
    "$top_srcdir/common/format.h" | grep -v "^0*$" | sort -u >"$tmp/format-ids"
is "$(wc -l <"$tmp/format-ids")" 11 "the formatter has 11 MESSAGE_IDs"
ok "the catalog explains exactly those" cmp -s "$tmp/format-ids" "$tmp/catalog-ids"
[ "$tap_passed" = 1 ] || diag "$(diff "$tmp/format-ids" "$tmp/catalog-ids")"
done_testing
