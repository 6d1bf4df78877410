#!/bin/sh
# man-pages.sh: the manual pages are valid mdoc (mandoc -Tlint, warnings
# and worse) and describe every option the program's --help lists.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

make_tmpdir
page=$top_srcdir/man/lastcomm-ng.1
if command -v mandoc > /dev/null; then
	# An out-of-date man database is the machine's business, not ours.
	mandoc -Tlint -W warning "$page" > "$tmp/lint" 2>&1 || true
	grep -v 'mandoc.db' "$tmp/lint" > "$tmp/lint.real" || true
	ok "lastcomm-ng.1: mandoc -Tlint finds nothing" test ! -s "$tmp/lint.real"
	[ -s "$tmp/lint.real" ] && diag "$(cat "$tmp/lint.real")"
else
	skip "lastcomm-ng.1: mandoc -Tlint" "mandoc is not installed"
fi

# Every --option in the usage message has an entry in the page.
"$top_builddir/lastcomm-ng/lastcomm-ng" --help > "$tmp/help"
missing=
for option in $(grep -o -- '--[a-z-]*' "$tmp/help" | sort -u); do
	name=${option#--}
	grep -q "^\\.It Fl .*\\\\-$name\\b" "$page" || missing="$missing $option"
done
is "$missing" "" "every option of --help is described in lastcomm-ng.1"

done_testing
