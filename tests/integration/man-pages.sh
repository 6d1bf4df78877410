#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# man-pages.sh: the manual pages are valid mdoc (mandoc -Tlint, warnings
# and worse) and describe every option the program's --help lists, and
# acct2syslog.conf(5) every key the example configuration has.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

make_tmpdir
for page in lastcomm-ng.1 acct2syslog.8 acct2syslog.conf.5; do
	if command -v mandoc > /dev/null; then
		# An out-of-date man database is the machine's business.
		mandoc -Tlint -W warning "$top_srcdir/man/$page" \
		    > "$tmp/lint" 2>&1 || true
		grep -v 'mandoc.db' "$tmp/lint" > "$tmp/lint.real" || true
		ok "$page: mandoc -Tlint finds nothing" test ! -s "$tmp/lint.real"
		[ -s "$tmp/lint.real" ] && diag "$(cat "$tmp/lint.real")"
	else
		skip "$page: mandoc -Tlint" "mandoc is not installed"
	fi
done

# Every --option in the usage message has an entry in the page.
for prog in lastcomm-ng/lastcomm-ng:lastcomm-ng.1 \
    acct2syslog/acct2syslog:acct2syslog.8; do
	page=$top_srcdir/man/${prog#*:}
	"$top_builddir/${prog%:*}" --help > "$tmp/help"
	missing=
	for option in $(grep -o -- '--[a-z-]*' "$tmp/help" | sort -u); do
		name=${option#--}
		grep -q "^\\.It Fl .*\\\\-$name\\b" "$page" ||
		    missing="$missing $option"
	done
	is "$missing" "" "every option of --help is described in ${prog#*:}"
done

# Every key of the example configuration is described in the page.
page=$top_srcdir/man/acct2syslog.conf.5
missing=
for key in $(sed -n 's/^#\{0,1\}\([a-z_]*\) *=.*/\1/p' \
    "$top_srcdir/etc/acct2syslog.conf" | sort -u); do
	grep -q "^\\.It Cm $key\\b\\|^\\.It Ic $key\\b\\|^\\.It Va $key\\b" "$page" ||
	    missing="$missing $key"
done
is "$missing" "" "every key of etc/acct2syslog.conf is described in acct2syslog.conf.5"
done_testing
