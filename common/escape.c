/* SPDX-License-Identifier: Apache-2.0 */
/*
 * escape.c: the #ooo escaping of DESIGN.md, on the output hot path.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>

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
