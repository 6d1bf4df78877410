/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escape.c: the #ooo escaping of DESIGN.md, on the output hot path, and
 * the views for people (DESIGN.md "Hostile input").
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t
utf8_length(const uint8_t *p, size_t n)
{
	uint8_t lo = 0x80, hi = 0xbf;
	size_t len;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (p[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

static char *
put_octal(char *d, uint8_t c)
{
	*d++ = '#';
	*d++ = (char)('0' + (c >> 6));
	*d++ = (char)('0' + ((c >> 3) & 7));
	*d++ = (char)('0' + (c & 7));
	return d;
}

size_t
esc_escape(char *dst, const void *src, size_t len, unsigned flags)
{
	const uint8_t *s = src, *end = s + len;
	char *d = dst;

	while (s < end) {
		uint8_t c = *s;
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '#') {
			if ((flags & ESC_QUOTED) && (c == '"' || c == '\\'))
				*d++ = '\\';
			*d++ = (char)c;
			s++;
		} else if (c >= 0x80 && (n = utf8_length(s, (size_t)(end - s)))) {
			while (n-- > 0)
				*d++ = (char)*s++;
		} else
			d = put_octal(d, *s++);
	}
	return (size_t)(d - dst);
}

ssize_t
esc_unescape(void *dst, const char *src, size_t len, unsigned flags)
{
	const char *s = src, *end = src + len;
	uint8_t *d = dst;

	while (s < end) {
		if (*s == '#') {
			unsigned v = 0;

			if (end - s < 4)
				return -EINVAL;
			for (int i = 1; i <= 3; i++) {
				if (s[i] < '0' || s[i] > '7')
					return -EINVAL;
				v = v * 8 + (unsigned)(s[i] - '0');
			}
			if (v > 0xff)
				return -EINVAL;
			*d++ = (uint8_t)v;
			s += 4;
		} else if (*s == '\\' && (flags & ESC_QUOTED)) {
			if (end - s < 2 || (s[1] != '"' && s[1] != '\\'))
				return -EINVAL;
			*d++ = (uint8_t)s[1];
			s += 2;
		} else
			*d++ = (uint8_t)*s++;
	}
	return (ssize_t)(d - (uint8_t *)dst);
}

/* Is the valid UTF-8 character at p (n bytes) a C1 or a bidi control? */
static bool
is_hidden_control(const uint8_t *p, size_t n)
{
	if (n == 2)	/* U+0080..U+009F; U+061C ARABIC LETTER MARK */
		return (p[0] == 0xc2 && p[1] <= 0x9f) ||
		    (p[0] == 0xd8 && p[1] == 0x9c);
	if (n != 3 || p[0] != 0xe2)
		return false;
	if (p[1] == 0x80)	/* U+200E, U+200F; U+202A..U+202E */
		return p[2] == 0x8e || p[2] == 0x8f ||
		    (p[2] >= 0xaa && p[2] <= 0xae);
	return p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9; /* U+2066..9 */
}

/* The longest piece one unit of input can become: a 4-byte character,
 * each byte as #ooo. */
#define PIECE_MAX	16

/* The view of the unit (a byte, or a character) at s, n bytes left, in
 * piece; its length in *ret_len.  Returns the bytes of s it took. */
static size_t
view_piece(const uint8_t *s, size_t n, enum esc_view view,
    char piece[PIECE_MAX], size_t *ret_len)
{
	uint8_t c = s[0];
	size_t k = 0;

	if (c >= 0x20 && c < 0x7f && c != '#') {
		if (c == '"' && view == ESC_VIEW_CSV)
			piece[k++] = '"';	/* the field is quoted */
		else if ((c == '"' || c == '\\') && view == ESC_VIEW_QUOTED)
			piece[k++] = '\\';
		piece[k++] = (char)c;
		*ret_len = k;
		return 1;
	}
	if (c >= 0x80 && (k = utf8_length(s, n)) > 0 &&
	    !is_hidden_control(s, k)) {
		memcpy(piece, s, k);
		*ret_len = k;
		return k;
	}
	k = k > 0 ? k : 1;	/* a whole control character, or one byte */
	for (size_t i = 0; i < k; i++)
		put_octal(piece + 4 * i, s[i]);
	*ret_len = 4 * k;
	return k;
}

/* GNU lastcomm's view: one byte each, so a cut is only a shorter copy. */
static size_t
view_lastcomm(char *dst, size_t size, const uint8_t *s, size_t len,
    size_t *ret_used)
{
	size_t n = len < size - 1 ? len : size - 1;

	for (size_t i = 0; i < n; i++)
		dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	dst[n] = '\0';
	*ret_used = n;
	return n;
}

/* Must this CSV field stand between quotes (RFC 4180, and ';' for the
 * spreadsheets that split on it)?  Escaping adds none of these bytes. */
static bool
csv_needs_quotes(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == ';' || s[i] == ' ' || s[i] == '"')
			return true;
	return false;
}

/* Would a spreadsheet take a field starting with c for a formula? */
static bool
csv_is_formula_start(uint8_t c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	    c == '\r';
}

size_t
esc_view(char *dst, size_t size, const void *src, size_t len,
    enum esc_view view, size_t *ret_used)
{
	const uint8_t *s = src;
	size_t room, frame, n = 0, i = 0, unused;
	bool quote = false, prefix = false;

	if (ret_used == NULL)
		ret_used = &unused;
	*ret_used = 0;
	if (size == 0)
		return 0;
	if (view == ESC_VIEW_LASTCOMM)
		return view_lastcomm(dst, size, s, len, ret_used);
	room = size - 1;			/* the NUL */
	if (view == ESC_VIEW_CSV) {
		quote = csv_needs_quotes(s, len);
		prefix = len > 0 && csv_is_formula_start(s[0]);
		frame = (quote ? 2 : 0) + (prefix ? 1 : 0);
		if (room < frame) {
			dst[0] = '\0';		/* an empty field is safe */
			return 0;
		}
		room -= frame;
		if (quote)
			dst[n++] = '"';
		if (prefix)
			dst[n++] = '\'';
	}
	while (i < len) {
		char piece[PIECE_MAX];
		size_t piece_len, took;

		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '#' && s[i] != '"' &&
		    s[i] != '\\') {		/* the common case, kept */
			if (room == 0)
				break;
			dst[n++] = (char)s[i++];
			room--;
			continue;
		}
		took = view_piece(s + i, len - i, view, piece, &piece_len);
		if (piece_len > room)
			break;
		memcpy(dst + n, piece, piece_len);
		n += piece_len;
		room -= piece_len;
		i += took;
	}
	if (quote)
		dst[n++] = '"';
	dst[n] = '\0';
	*ret_used = i;
	return n;
}
