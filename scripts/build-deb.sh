#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build the Debian package from a clean copy of the tree and check it with
# lintian: scripts/build-deb.sh [--check] [--keep] [--out DIR]
#
#   --check    run the test suite during the build (default: nocheck)
#   --keep     keep the temporary build directory
#   --out DIR  copy the .deb, .buildinfo and .changes to DIR
#              (default: build-deb/ in the tree)
#
# Installs the build tools and Build-Depends that are missing (apt-get, as
# root or through sudo), copies the tracked and untracked-but-not-ignored
# files (so no build directories) to a temporary directory, runs
# dpkg-buildpackage -us -uc -b there, then lintian on the .changes (which
# covers the .deb).  Exits non-zero if the build fails or lintian reports
# any error or warning.
#
# Environment: SKIP_DEPS=1 leaves the packages alone.
set -eu

check=no
keep=no
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build-deb
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=yes ;;
	--keep) keep=yes ;;
	--out) shift; out=${1:?--out needs a directory} ;;
	-h|--help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "build-deb: unknown option: $1" >&2; exit 2 ;;
	esac
	shift
done

packages="build-essential devscripts debhelper dh-autoreconf lintian fakeroot
dpkg-dev autoconf automake libtool pkgconf libsystemd-dev liblognorm-dev
libestr-dev libfastjson-dev zlib1g-dev"

missing_packages() {
	for p in $packages; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || echo "$p"
	done
}

if [ "${SKIP_DEPS:-}" != 1 ] && [ -n "$(missing_packages)" ]; then
	sudo=
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo > /dev/null; then
			echo "build-deb: not root and no sudo: install" \
			    "$(missing_packages | tr '\n' ' ')" >&2
			exit 1
		fi
		sudo="sudo -n"
	fi
	echo "build-deb: installing build tools and dependencies"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq < /dev/null ||
	    echo "build-deb: apt-get update failed; trying with the cache" >&2
	# shellcheck disable=SC2046
	$sudo apt-get install -y -qq --no-install-recommends \
	    -o Dpkg::Use-Pty=0 $(missing_packages) < /dev/null || true
	missing=$(missing_packages)
	if [ -n "$missing" ]; then
		echo "build-deb: could not install:" "$(echo "$missing" | tr '\n' ' ')" >&2
		exit 1
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/build-deb.XXXXXX")
cleanup() {
	if [ "$keep" = yes ]; then
		echo "build-deb: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Reads NUL-separated paths, writes those that exist (git still lists a
# tracked file deleted in the work tree).
existing_only() {
	tr '\0' '\n' | while IFS= read -r f; do
		[ -e "$f" ] && printf '%s\0' "$f"
	done
	return 0
}

# A clean copy: what git tracks, plus new files that are not ignored (the
# packaging before it is committed), minus files deleted in the work tree.
src=$tmp/acct2syslog
mkdir "$src"
if git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	    existing_only |
	    tar --null -T - -cf -) | tar -xf - -C "$src"
else
	echo "build-deb: not a git checkout: copying without build dirs" >&2
	(cd "$top" && tar --exclude='./build*' --exclude=./build-deb \
	    --exclude=./autom4te.cache -cf - .) | tar -xf - -C "$src"
	mkdir -p "$src/build-aux"
	cp "$top/build-aux/run-test" "$src/build-aux/"
fi

opts=${DEB_BUILD_OPTIONS:-}
[ "$check" = yes ] || opts="nocheck${opts:+ $opts}"
echo "build-deb: dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS='$opts')"
if ! (cd "$src" && DEB_BUILD_OPTIONS=$opts dpkg-buildpackage -us -uc -b); then
	echo "build-deb: dpkg-buildpackage failed" >&2
	exit 1
fi

changes=$(ls "$tmp"/*.changes)
mkdir -p "$out"
for f in "$tmp"/*.deb "$tmp"/*.buildinfo "$changes"; do
	cp "$f" "$out/"
done

echo "build-deb: lintian $(basename "$changes")"
# --fail-on error,warning: lintian exits non-zero on either.  Info and
# pedantic tags are shown but do not fail the build.
status=0
lintian --info --display-info --fail-on error,warning "$changes" || status=$?

for f in "$tmp"/*.deb; do
	echo "build-deb: $out/$(basename "$f")"
done
if [ "$status" -ne 0 ]; then
	echo "build-deb: lintian reported errors or warnings" >&2
	exit 1
fi
