#!/bin/sh
# Quick start on a fresh Debian 12 machine, as root: install the build
# dependencies, build, make sure process accounting is on, and list the
# newest records of the live accounting file.
#
# usage: ./scripts/quickstart.sh [number of records, default 20]
set -eu

cd "$(dirname "$0")/.."
count=${1:-20}
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
sleep 1 &
wait

echo "quickstart: the $count newest records of $file:"
./build/lastcomm-ng/lastcomm-ng -f "$file" | head -n "$count"
