#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# schema-files.sh: what the message schema is written down in besides the
# C sources -- docs/schema.md, rules/acct2syslog.rulebase and the Splunk
# add-on -- held against the one table of common/schema.h (dumped by
# tools/schema-dump): the same field names, in the same order, nothing
# more and nothing missing.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

dump=$top_builddir/tests/tools/schema-dump
[ -x "$dump" ] || bail_out "$dump not built (make check builds it)"
require_cmd perl
make_tmpdir
"$dump" > "$tmp/table" || bail_out "schema-dump failed"
exec perl "$top_srcdir/tests/integration/schema-files.pl" "$tmp/table" \
    "$top_srcdir/docs/schema.md" "$top_srcdir/rules/acct2syslog.rulebase" \
    "$top_srcdir/contrib/splunk/TA-acct2syslog/default"
