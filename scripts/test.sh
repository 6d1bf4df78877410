#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The project's test command: install the build dependencies
# (scripts/install-deps.sh), regenerate the build system, configure in a
# build directory with the flags given, build, run "make check", and show
# the logs of the tests that did not pass.
#
# usage: ./scripts/test.sh [configure flags...]
#   e.g. ./scripts/test.sh --enable-werror --enable-sanitizers
# Environment: BUILD_DIR (default: build) is where it builds; SKIP_DEPS=1
# leaves the packages alone (for a machine that has them already).
set -eu

cd "$(dirname "$0")/.."
top=$(pwd)
build=${BUILD_DIR:-build}

say() {
	printf '\n=== test.sh: %s\n' "$*"
}

# Print the test-suite.log of every test directory that has failures
# (automake puts the logs of the tests that did not pass in it).
show_failures() {
	find "$build" -name test-suite.log -not -path '*/_build/*' |
	    sort | while read -r log; do
		say "$log"
		cat "$log"
	done
}

say "installing build dependencies"
./scripts/install-deps.sh

say "autogen"
./autogen.sh </dev/null

say "configure $*"
mkdir -p "$build"
cd "$build"
if ! "$top/configure" "$@" </dev/null; then
	say "configure failed; the end of config.log:"
	tail -n 60 config.log
	exit 1
fi

say "make"
make -j2 </dev/null

say "make check"
if ! make check </dev/null; then
	cd "$top"
	show_failures
	say "make check FAILED"
	exit 1
fi
say "make check passed"
