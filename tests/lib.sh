# SPDX-License-Identifier: Apache-2.0
# lib.sh: shared helpers for the shell tests (POSIX sh; sourced, not run).
#
#	. "$top_srcdir/tests/lib.sh"
#	make_tmpdir			# $tmp, removed on exit
#	ok "what was checked" cmp -s a b
#	is "$got" "$want" "what was compared"
#	skip "what was not checked" "why"
#	done_testing			# prints the plan, exit status
#
# Tests speak TAP with the plan at the end.  A test whose prerequisite is
# missing calls skip_all, which prints "1..0 # SKIP why" and exits 77.
# Set ACCT_TEST_KEEP=1 to keep the temporary directory for a post-mortem.

# Where things are when make check did not say (a test run by hand).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
if [ -z "${DUMP_ACCT+set}" ]; then
	DUMP_ACCT=$(command -v dump-acct || true)
fi
TZ=UTC
LC_ALL=C
export TZ LC_ALL
# The daemon refuses a state or sink directory its group may write: what
# the tests make must not depend on the umask of whoever runs them.
umask 022

# shellcheck disable=SC2034 # for the tests that source this
ACCT_FIELDS=$top_builddir/tests/tools/acct-fields
# shellcheck disable=SC2034
FIXTURES=$top_srcdir/tests/fixtures

tap_run=0
tap_failed=0
tap_passed=1
tmp=

# diag LINE...: comment lines, for people reading the log.
diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# ok DESCRIPTION COMMAND [ARG...]: one test point, passed when COMMAND
# succeeds.  Always returns 0 (the caller runs under set -e); $tap_passed
# says how it went.
ok() {
	tap_desc=$1
	shift
	tap_run=$((tap_run + 1))
	if "$@"; then
		tap_passed=1
		printf 'ok %d - %s\n' "$tap_run" "$tap_desc"
	else
		tap_passed=0
		tap_failed=$((tap_failed + 1))
		printf 'not ok %d - %s\n' "$tap_run" "$tap_desc"
	fi
}

# is GOT WANT DESCRIPTION: one test point comparing two strings.
is() {
	ok "$3" [ "x$1" = "x$2" ]
	[ "$tap_passed" = 1 ] || diag "  got:  '$1'" "  want: '$2'"
}

# skip DESCRIPTION WHY: a test point that could not be checked here.
skip() {
	tap_run=$((tap_run + 1))
	printf 'ok %d - %s # SKIP %s\n' "$tap_run" "$1" "$2"
}

# skip_all WHY: the whole test cannot run here; not a failure.
skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	exit 77
}

# bail_out WHY...: something is broken that makes every further check moot.
bail_out() {
	printf 'Bail out! %s\n' "$*"
	exit 99
}

# done_testing: print the plan and exit 0 when every test point passed.
done_testing() {
	printf '1..%d\n' "$tap_run"
	[ "$tap_failed" -eq 0 ] && exit 0
	exit 1
}

# make_tmpdir: a fresh directory in $tmp, removed when the test exits.
make_tmpdir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/acct-test.XXXXXX")
	trap tmp_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

tmp_cleanup() {
	if [ -n "$tmp" ] && [ "${ACCT_TEST_KEEP:-0}" != 1 ]; then
		rm -rf "$tmp"
	elif [ -n "$tmp" ]; then
		echo "# kept $tmp" >&2
	fi
}

# require_cmd NAME...: skip the whole test unless every command exists.
require_cmd() {
	for require_name in "$@"; do
		command -v "$require_name" >/dev/null 2>&1 ||
		    skip_all "$require_name not found"
	done
}

# require_acct_fields: the decoder front end must have been built.
require_acct_fields() {
	[ -x "$ACCT_FIELDS" ] ||
	    bail_out "$ACCT_FIELDS not built (make check builds it)"
}

# field KEY < LINES: the value of KEY on each acct-fields line.  Values
# never hold spaces (comm is escaped), so a line splits on blanks.
field() {
	awk -v key="$1" '{
		for (i = 1; i <= NF; i++)
			if (index($i, key "=") == 1) {
				print substr($i, length(key) + 2)
				break
			}
	}'
}

# select_records FILE KEY=VALUE...: the acct-fields lines of FILE that have
# every one of the given values.  (Through the environment: awk -v would
# expand the backslash escapes of an escaped comm.)
select_records() {
	select_file=$1
	shift
	SELECT_WANT="$*" awk '
	BEGIN { n = split(ENVIRON["SELECT_WANT"], want, " ") }
	{
		for (i = 1; i <= n; i++) {
			found = 0
			for (j = 1; j <= NF; j++)
				if ($j == want[i]) {
					found = 1
					break
				}
			if (!found)
				next
		}
		print
	}' "$select_file"
}
