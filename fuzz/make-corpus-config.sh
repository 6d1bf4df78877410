#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Remake the seed corpus of fuzz-config in fuzz/corpus-config/: config files
# (first byte 0x00, or 0x02 to load onto non-defaults) from the example and
# a few single keys, good and bad; state files (0x01) as state_save()
# writes them, damaged ones, and bodies (0x03) the harness signs itself.
# fuzz-config.c says what the first byte means.  Deterministic.
#
# usage: fuzz/make-corpus-config.sh
# Needs gzip (its trailer holds the CRC-32 the state file uses).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$here/corpus-config
mkdir -p "$out"
rm -f "$out"/*

# put NAME SELECTOR TEXT: TEXT (printf %b escapes) after the selector byte.
put() {
	printf "\\$2%b" "$3" >"$out/$1"
}

# The CRC-32 of stdin as state.c writes it (%08lx).
crc32() {
	gzip -c | tail -c 8 | head -c 4 | od -An -tx1 |
	    awk '{ print $4 $3 $2 $1 }'
}

# A state body: seq, first (hex or empty), offset, clean, pending_control.
state_body() {
	printf 'version=1\nstream=0123456789abcdef0123456789abcdef\n'
	printf 'seq=%s\ndev=2049\nino=131074\nfirst=%s\n' "$1" "$2"
	printf 'offset=%s\nclean=%s\npending_control=%s\n' "$3" "$4" "$5"
}

# state_body with its "crc=" line, as state_save() writes it.
state_signed() {
	state_body "$@"
	printf 'crc=%s\n' "$(state_body "$@" | crc32)"
}

# Config files.
{ printf '\000'; cat "$top/etc/acct2syslog.conf"; } >"$out/config-example"
{ printf '\002'; sed 's/^#\([a-z_]* =\)/\1/' "$top/etc/acct2syslog.conf"; } \
    >"$out/config-example-all-keys"
put config-sink-file 000 'sink = file:/var/log/acct2syslog.log\n'
put config-quoted 002 'hostname = "web-1"\nstate_dir="/srv/a #b"\r\n'
put config-numbers 000 'batch_records=1\nbatch_ms = 0\npoll_interval_ms\t=\t60000\nheartbeat_interval = 86400\nretry_max_ms = 00100\n'
put config-numbers-min 002 'batch_records = 1\nbatch_ms = 0\npoll_interval_ms = 10\nrotation_grace_ms = 0\nheartbeat_interval = 0\nheartbeat_timeout = 1\nretry_max_ms = 100\n'
put config-numbers-max 000 'batch_records = 65536\nbatch_ms = 60000\npoll_interval_ms = 60000\nrotation_grace_ms = 600000\nheartbeat_interval = 86400\nheartbeat_timeout = 3600\nretry_max_ms = 600000\n'
put config-syslog 002 'syslog_socket = /run/log\nsink = syslog\nsyslog_format = rfc5424\nsyslog_structured_data = on\nfacility = local0\n'
put config-bom 000 '\0357\0273\0277format = json\nfile_fsync = never\nenable_accounting = yes\n'
put config-bad-range 000 'heartbeat_timeout = 0\n'
put config-bad-twice 002 'sink = stdout\n# again\nsink = journal\n'
put config-bad-typo 000 'batch_record = 5\n'
put config-bad-comment 000 'file = /var/log/pacct # the file\n'
put config-bad-quote 000 'hostname = "web\n'
put config-bad-control 000 'rotation_grace_ms = 1\013\n'

# State files.  first: a v3 record of "sleep".
first=0003$(printf '%028d' 0)$(printf sleep | od -An -tx1 | tr -d ' \n')
first=$first$(printf '%0*d' $((128 - ${#first})) 0)
{ printf '\001'; state_signed 7 '' 640 1 0; } >"$out/state-saved"
{ printf '\001'; state_signed 123456 "$first" 64000 0 1; } \
    >"$out/state-saved-first"
{ printf '\001'; state_body 7 '' 640 1 0; printf 'crc=00000000\n'; } \
    >"$out/state-bad-crc"
{ printf '\001'; state_signed 7 '' 640 1 0 | head -c 100; } >"$out/state-cut"
{ printf '\003'; state_body 7 '' 640 1 0; } >"$out/state-body"
{ printf '\003'; state_body 7 '' 640 2 0; } >"$out/state-body-bad-clean"
