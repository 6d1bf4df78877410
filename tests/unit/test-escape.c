/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-escape: the #ooo escaping is exact and reversible for every byte.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "escape.h"
#include "tap.h"

/* Escape and unescape; true when the bytes come back exactly. */
static bool
round_trip(const uint8_t *s, size_t len, unsigned flags)
{
	char esc[ESC_MAX(256) + 1];
	uint8_t back[256];
	size_t n = esc_escape(esc, s, len, flags);
	ssize_t m = esc_unescape(back, esc, n, flags);

	return m == (ssize_t)len && memcmp(back, s, len) == 0;
}

/* Is the escaped form safe: printable ASCII or UTF-8 only, and, quoted,
 * no quote or backslash without a backslash before it? */
static bool
is_safe(const char *s, size_t n, unsigned flags)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		if (!(flags & ESC_QUOTED))
			continue;
		if (c == '"')
			return false;
		if (c == '\\' && (i + 1 == n || (s[i + 1] != '"' &&
		    s[i + 1] != '\\')))
			return false;
		if (c == '\\')
			i++;
	}
	return true;
}

static void
expect(const char *in, size_t len, unsigned flags, const char *want,
    const char *what)
{
	char out[ESC_MAX(64) + 1];
	size_t n = esc_escape(out, in, len, flags);

	out[n] = '\0';
	is_str(out, want, "%s", what);
}

int
main(void)
{
	uint8_t all[256], one[1];
	char esc[ESC_MAX(256)];
	bool good = true, safe = true;
	uint32_t seed = 12345;
	size_t n;

	for (unsigned c = 0; c < 256; c++) {
		one[0] = (uint8_t)c;
		all[c] = (uint8_t)c;
		for (unsigned flags = 0; flags <= ESC_QUOTED; flags++) {
			if (!round_trip(one, 1, flags)) {
				diag("byte %#x, flags %u does not survive", c, flags);
				good = false;
			}
			n = esc_escape(esc, one, 1, flags);
			safe &= is_safe(esc, n, flags);
		}
	}
	ok(good, "every byte 0..255 alone survives escaping and unescaping");
	ok(safe, "every byte 0..255 alone escapes to visible text");
	ok(round_trip(all, 256, ESC_QUOTED), "all 256 bytes in one string survive (quoted)");
	ok(round_trip(all, 256, 0), "all 256 bytes in one string survive (journal)");

	/* Random strings, weighted towards UTF-8 lead and continuation bytes. */
	good = true;
	for (int i = 0; i < 20000; i++) {
		uint8_t s[16];
		size_t len;

		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % 17;
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245 + 12345;
			s[k] = (uint8_t)(seed >> 16);
			if ((seed >> 8) % 3 == 0)
				s[k] = (uint8_t)(0x80 | (s[k] & 0x3f));
		}
		good &= round_trip(s, len, ESC_QUOTED) && round_trip(s, len, 0);
	}
	ok(good, "20000 random byte strings survive");

	expect("bash", 4, ESC_QUOTED, "bash", "plain ASCII is kept");
	expect("a#b", 3, ESC_QUOTED, "a#043b", "'#' is escaped");
	expect("a\"b\\c", 5, ESC_QUOTED, "a\\\"b\\\\c", "quote and backslash get a backslash");
	expect("a\"b\\c", 5, 0, "a\"b\\c", "not in the journal form");
	expect("\n\t\x7f", 3, ESC_QUOTED, "#012#011#177", "controls and DEL");
	expect("caf\xc3\xa9", 5, ESC_QUOTED, "caf\xc3\xa9", "valid UTF-8 is kept");
	expect("\xe2\x82\xac", 3, 0, "\xe2\x82\xac", "a 3-byte character is kept");
	expect("\xf0\x9f\x98\x80", 4, 0, "\xf0\x9f\x98\x80", "a 4-byte character is kept");
	expect("\xc3", 1, 0, "#303", "a lone lead byte is escaped");
	expect("\xe2\x82", 2, 0, "#342#202", "a cut 3-byte character is escaped");
	expect("\xc0\xaf", 2, 0, "#300#257", "an overlong form is escaped");
	expect("\xed\xa0\x80", 3, 0, "#355#240#200", "a surrogate is escaped");
	expect("\xf4\x90\x80\x80", 4, 0, "#364#220#200#200", "beyond U+10FFFF is escaped");
	expect("\x80x", 2, 0, "#200x", "a stray continuation byte is escaped");

	is_int(esc_unescape(all, "#9", 2, 0), -EINVAL, "unescape: short #");
	is_int(esc_unescape(all, "#400", 4, 0), -EINVAL, "unescape: #400 is too big");
	is_int(esc_unescape(all, "#08a", 4, 0), -EINVAL, "unescape: not octal");
	is_int(esc_unescape(all, "a\\x", 3, ESC_QUOTED), -EINVAL, "unescape: stray backslash");
	is_int(esc_unescape(all, "a\\", 2, ESC_QUOTED), -EINVAL, "unescape: backslash at the end");
	return done_testing();
}
