/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escape.h: make untrusted bytes safe to ship, and back.
 *
 * Promise: the visible form keeps valid UTF-8 as it is and writes every
 * byte below 0x20, 0x7f, '#', and every byte of invalid UTF-8 as '#' and
 * three octal digits.  With ESC_QUOTED, '"' and '\\' are also preceded by a
 * backslash, so the result can stand between double quotes in a kv line or
 * a JSON string.  Escaping is exact and reversible: esc_unescape() gives
 * back the original bytes.  Pure functions, thread safe.
 */
#ifndef ACCT_ESCAPE_H
#define ACCT_ESCAPE_H

#include <stddef.h>
#include <sys/types.h>

#define ESC_QUOTED	0x1

/* Worst-case size of the escaped form of len bytes (no NUL counted). */
#define ESC_MAX(len)	(4 * (len))

/* Escape len bytes of src into dst (room for ESC_MAX(len) bytes); returns
 * the length written.  No NUL is added. */
size_t	esc_escape(char *dst, const void *src, size_t len, unsigned flags);

/* Undo esc_escape() with the same flags: dst gets at most len bytes.
 * Returns the length written, or -EINVAL for a malformed escape (a '#'
 * without three octal digits below 0400, a stray backslash). */
ssize_t	esc_unescape(void *dst, const char *src, size_t len, unsigned flags);

#endif
