/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escape.h: make untrusted bytes safe to ship, and back.
 *
 * Promise: the visible form keeps valid UTF-8 as it is and writes every
 * byte below 0x20, 0x7f, '#', and every byte of invalid UTF-8 as '#' and
 * three octal digits.  With ESC_QUOTED, '"' and '\\' are also preceded by a
 * backslash, so the result can stand between double quotes in a kv line or
 * a JSON string.  Escaping is exact and reversible: esc_unescape() gives
 * back the original bytes.  That is the wire form (docs/schema.md).
 *
 * esc_view() is the form for people (lastcomm-ng's lastcomm, long, csv,
 * summary and verify outputs, and warnings that quote a name from
 * outside): nothing it writes moves the cursor, changes the terminal or
 * reorders the text, and, for CSV, nothing is a formula.  It writes into
 * the caller's buffer within the size given, whatever the input, and never
 * cuts an escape or a character in two.  Pure functions, thread safe.
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

/*
 * The visible forms for people.  A "control" below is a byte below 0x20,
 * 0x7f, a C1 control (U+0080..U+009F, in UTF-8 or as a raw byte) or a
 * bidi control (Unicode's Bidi_Control: U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069).
 */
enum esc_view {
	/* GNU lastcomm's: each byte outside 0x20..0x7e is one '?' (UTF-8
	 * too, as GNU shows command names): one column per byte. */
	ESC_VIEW_LASTCOMM,
	/* Valid UTF-8 kept; each byte of a control, of invalid UTF-8 and
	 * '#' as '#' and three octal digits, as in the wire form. */
	ESC_VIEW_TEXT,
	/* As ESC_VIEW_TEXT, and '"' and '\\' preceded by a backslash, to
	 * stand between double quotes. */
	ESC_VIEW_QUOTED,
	/* One CSV field: as ESC_VIEW_TEXT; a field whose first byte is '=',
	 * '+', '-', '@', a tab or a CR gets a leading '\'' (OWASP's advice:
	 * a spreadsheet shows it as text, not a formula); a field holding a
	 * comma, a semicolon, a space or '"' is put between double quotes,
	 * '"' doubled (RFC 4180). */
	ESC_VIEW_CSV,
};

/* Size of a buffer for the whole esc_view() of len bytes, NUL included. */
#define ESC_VIEW_MAX(len)	(4 * (len) + 4)

/* Write the view of len bytes of src into dst, size bytes with the NUL
 * (size 0: nothing at all).  When it does not fit, it stops before the
 * first escape or character that would not fit whole (a CSV field keeps
 * its closing quote and its leading '\'', or is left empty);
 * *ret_used (may be NULL) gets how many bytes of src are shown.  Returns
 * the length written, NUL not counted. */
size_t	esc_view(char *dst, size_t size, const void *src, size_t len,
	    enum esc_view view, size_t *ret_used);

#endif
