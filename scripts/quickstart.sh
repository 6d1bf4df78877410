#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Quick start on a fresh Debian 12 machine, as root: install the build
# dependencies, build, make sure process accounting is on, and run
# acct2syslog in the foreground on the live accounting file, printing each
# record as a kv line the moment the process exits (Ctrl-C stops it).
#
# usage: ./scripts/quickstart.sh [--format json]
set -eu

cd "$(dirname "$0")/.."
file=/var/log/account/pacct

./scripts/install-deps.sh
./autogen.sh > /dev/null
mkdir -p build
(cd build && ../configure --quiet && make -j2 --quiet) > /dev/null

# Accounting is on when a process that exits makes the file grow.
size() {
	stat -c %s "$file" 2> /dev/null || echo 0
}
before=$(size)
/bin/true
if [ "$(size)" -eq "$before" ]; then
	echo "quickstart: process accounting is off; turning it on into $file"
	mkdir -p "$(dirname "$file")"
	accton "$file"
fi

# Its own state directory: the first run prints the file so far, then
# every process as it exits; a later run goes on where this one stopped.
state=build/quickstart-state
mkdir -p "$state"
echo "quickstart: acct2syslog on $file (state in $state); Ctrl-C to stop" >&2
exec ./build/acct2syslog/acct2syslog --foreground --config /dev/null \
    --file "$file" --state-dir "$state" --sink stdout "$@"
