#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install what the project needs to build and test, on Debian (12 first),
# with apt-get.  Already-installed packages are fine offline; only a
# package that is missing and cannot be installed is an error.
#
# Environment: SKIP_DEPS=1 leaves the packages alone.
set -eu

packages="build-essential autoconf automake libtool pkg-config
libsystemd-dev liblognorm-dev libestr-dev libfastjson-dev zlib1g-dev acct
clang libclang-rt-14-dev mandoc hyperfine rsyslog jq debootstrap
systemd-container logrotate"

# Packages that are not installed, one a line.
missing_packages() {
	for p in $packages; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || echo "$p"
	done
}

[ "${SKIP_DEPS:-}" = 1 ] && exit 0
if ! command -v apt-get > /dev/null; then
	# shellcheck disable=SC2086
	echo "install-deps: no apt-get here: install these by hand:" \
	    $packages >&2
	exit 0
fi
[ -z "$(missing_packages)" ] && exit 0

sudo=
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo > /dev/null; then
		echo "install-deps: not root and no sudo: run me as root" >&2
		exit 1
	fi
	sudo="sudo -n"
fi
echo "install-deps: installing build dependencies"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq < /dev/null ||
    echo "install-deps: apt-get update failed; trying with the cache" >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 \
    $packages < /dev/null || true
missing=$(missing_packages)
if [ -n "$missing" ]; then
	echo "install-deps: could not install:" $missing >&2
	exit 1
fi
