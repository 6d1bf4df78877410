#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerate the build system: ./autogen.sh && ./configure && make && make check
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf --force --install
# automake ships the TAP driver but does not install it on its own.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
