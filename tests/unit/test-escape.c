/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-escape: the #ooo escaping is exact and reversible for every byte;
 * the views for people (esc_view) show no control, C1 or bidi character,
 * make every invalid byte visible, never make a CSV formula, and stay in
 * their buffer, cut only between whole escapes.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>

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

static const char *const view_names[] = {
	[ESC_VIEW_LASTCOMM] = "lastcomm", [ESC_VIEW_TEXT] = "text",
	[ESC_VIEW_QUOTED] = "quoted", [ESC_VIEW_CSV] = "csv",
};

/* The view of a NUL-terminated string, in a buffer big enough. */
static const char *
view(const char *in, enum esc_view v)
{
	static char out[ESC_VIEW_MAX(64)];

	esc_view(out, sizeof(out), in, strlen(in), v, NULL);
	return out;
}

/* The view of one byte as the rules say it, worked out independently. */
static void
one_byte_wanted(uint8_t c, enum esc_view v, char *want, size_t size)
{
	bool printable = c >= 0x20 && c < 0x7f;

	if (v == ESC_VIEW_LASTCOMM) {
		snprintf(want, size, "%c", printable ? c : '?');
		return;
	}
	if (!printable || c == '#')
		snprintf(want, size, "#%03o", c);
	else if (v == ESC_VIEW_QUOTED && (c == '"' || c == '\\'))
		snprintf(want, size, "\\%c", c);
	else
		snprintf(want, size, "%c", c);
	if (v != ESC_VIEW_CSV)
		return;
	if (c == '"')
		snprintf(want, size, "\"\"\"\"");
	else if (c == ',' || c == ';' || c == ' ')
		snprintf(want, size, "\"%c\"", c);
	else if (c == '=' || c == '+' || c == '-' || c == '@')
		snprintf(want, size, "'%c", c);
	else if (c == '\t' || c == '\r')
		snprintf(want, size, "'#%03o", c);
}

/* Every byte alone, in every view. */
static void
test_view_bytes(void)
{
	for (int v = ESC_VIEW_LASTCOMM; v <= ESC_VIEW_CSV; v++) {
		bool good = true;

		for (unsigned c = 0; c < 256; c++) {
			uint8_t b = (uint8_t)c;
			char out[ESC_VIEW_MAX(1)], want[16];
			size_t used, n = esc_view(out, sizeof(out), &b, 1,
			    (enum esc_view)v, &used);

			one_byte_wanted(b, (enum esc_view)v, want,
			    sizeof(want));
			if (strcmp(out, want) != 0 || n != strlen(want) ||
			    used != 1) {
				diag("%s view of byte %#x: '%s', want '%s'",
				    view_names[v], c, out, want);
				good = false;
			}
		}
		ok(good, "%s view: every byte 0..255 alone as the rules say",
		    view_names[v]);
	}
}

/* UTF-8 of code point cp into p; its length. */
static size_t
utf8_put(uint8_t *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (uint8_t)(0xc0 | cp >> 6);
		p[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	p[0] = (uint8_t)(0xe0 | cp >> 12);
	p[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	p[2] = (uint8_t)(0x80 | (cp & 0x3f));
	return 3;
}

static bool
is_bidi_control(uint32_t cp)
{
	return cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Every code point of the BMP but surrogates, between two letters: C1 and
 * bidi controls escaped byte by byte, every other character kept. */
static void
test_view_code_points(void)
{
	bool c1 = true, bidi = true, kept = true, lastcomm = true;

	for (uint32_t cp = 0x80; cp <= 0xffff; cp++) {
		uint8_t in[8] = { 'a' }, *ch = in + 1;
		char out[ESC_VIEW_MAX(8)], want[32], q[8];
		size_t k, len;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		k = utf8_put(ch, cp);
		in[1 + k] = 'z';
		len = k + 2;
		if (cp <= 0x9f || is_bidi_control(cp)) {
			want[0] = 'a';
			for (size_t i = 0; i < k; i++)
				snprintf(want + 1 + 4 * i, 5, "#%03o", ch[i]);
			strcpy(want + 1 + 4 * k, "z");
		} else {
			memcpy(want, in, len);
			want[len] = '\0';
		}
		esc_view(out, sizeof(out), in, len, ESC_VIEW_TEXT, NULL);
		if (strcmp(out, want) != 0) {
			diag("U+%04X: '%s', want '%s'", (unsigned)cp, out,
			    want);
			if (cp <= 0x9f)
				c1 = false;
			else if (is_bidi_control(cp))
				bidi = false;
			else
				kept = false;
		}
		esc_view(out, sizeof(out), in, len, ESC_VIEW_LASTCOMM, NULL);
		memset(q, '?', k);
		q[k] = '\0';
		if (strncmp(out + 1, q, k) != 0 || strlen(out) != len)
			lastcomm = false;
	}
	ok(c1, "every C1 control U+0080..U+009F is escaped, each byte #ooo");
	ok(bidi, "every bidi control (U+061C, U+200E/F, U+202A..E, "
	    "U+2066..9) is escaped");
	ok(kept, "every other character of the BMP is kept as it is");
	ok(lastcomm, "lastcomm view: every non-ASCII character is a '?' "
	    "per byte");

	is_str(view("\xe2\x80\xae" "exe.txt", ESC_VIEW_TEXT),
	    "#342#200#256exe.txt", "RLO (U+202E) before a name");
	is_str(view("x\xc2\x9b" "31m", ESC_VIEW_TEXT), "x#302#23331m",
	    "CSI as C1 (U+009B)");
	is_str(view("\xf0\x9f\x98\x80", ESC_VIEW_TEXT), "\xf0\x9f\x98\x80",
	    "a 4-byte character is kept");
}

/* Invalid UTF-8 is visible, byte by byte, in every view. */
static void
test_view_invalid(void)
{
	is_str(view("\x9b" "31m", ESC_VIEW_TEXT), "#23331m",
	    "a raw 0x9b (C1 CSI as one byte, invalid UTF-8)");
	is_str(view("\x85", ESC_VIEW_TEXT), "#205", "a raw 0x85 (NEL)");
	is_str(view("\xc3", ESC_VIEW_TEXT), "#303", "a lone lead byte");
	is_str(view("\xe2\x80", ESC_VIEW_TEXT), "#342#200",
	    "a cut 3-byte character (bidi's lead bytes)");
	is_str(view("\xc0\x9b", ESC_VIEW_TEXT), "#300#233",
	    "an overlong C1 (0xc0 0x9b)");
	is_str(view("\xe0\x80\x9b", ESC_VIEW_TEXT), "#340#200#233",
	    "an overlong ESC in 3 bytes");
	is_str(view("\xed\xa0\x80", ESC_VIEW_TEXT), "#355#240#200",
	    "a surrogate");
	is_str(view("\xf4\x90\x80\x80", ESC_VIEW_TEXT), "#364#220#200#200",
	    "beyond U+10FFFF");
	is_str(view("\xff\xfe", ESC_VIEW_LASTCOMM), "??",
	    "lastcomm view: invalid bytes as '?'");
	is_str(view("a\xc3\xa9", ESC_VIEW_LASTCOMM), "a??",
	    "lastcomm view: one '?' per byte, as GNU lastcomm");
	is_str(view("\x1b[2K\x1b]0;x\x07", ESC_VIEW_LASTCOMM), "?[2K?]0;x?",
	    "lastcomm view: ESC and BEL as '?'");
}

/* CSV: formulas neutralised, quotes as RFC 4180. */
static void
test_view_csv(void)
{
	is_str(view("=HYPERLINK(\"http://x\")", ESC_VIEW_CSV),
	    "\"'=HYPERLINK(\"\"http://x\"\")\"", "'=' gets a \"'\"; quoted");
	is_str(view("+1", ESC_VIEW_CSV), "'+1", "'+'");
	is_str(view("-2+3", ESC_VIEW_CSV), "'-2+3", "'-'");
	is_str(view("@SUM(A1)", ESC_VIEW_CSV), "'@SUM(A1)", "'@'");
	is_str(view("\t=1", ESC_VIEW_CSV), "'#011=1", "a tab");
	is_str(view("\r=1", ESC_VIEW_CSV), "'#015=1", "a CR");
	is_str(view("a=1", ESC_VIEW_CSV), "a=1", "'=' inside is text");
	is_str(view("a,=1", ESC_VIEW_CSV), "\"a,=1\"",
	    "a comma: one field, quoted");
	is_str(view("a;=1", ESC_VIEW_CSV), "\"a;=1\"",
	    "a semicolon: quoted too");
	is_str(view("a\nb", ESC_VIEW_CSV), "a#012b", "a newline is escaped");
	is_str(view("", ESC_VIEW_CSV), "", "empty");
	is_str(view("root", ESC_VIEW_CSV), "root", "a plain name is kept");
	is_str(view("\xe2\x80\xae=1", ESC_VIEW_CSV), "#342#200#256=1",
	    "a bidi control is escaped");
}

/* The whole view of the first used bytes of src (len bytes), into want;
 * a CSV field framed (quotes, prefix) as all of src decides. */
static size_t
view_of_prefix(const char *src, size_t len, size_t used, enum esc_view v,
    char *want, size_t size)
{
	char text[ESC_VIEW_MAX(64)];
	bool quote, prefix;
	size_t t, w = 0;

	if (v != ESC_VIEW_CSV)
		return esc_view(want, size, src, used, v, NULL);
	quote = strcspn(src, ",; \"") < len;
	prefix = len > 0 && strchr("=+-@\t\r", src[0]) != NULL;
	t = esc_view(text, sizeof(text), src, used, ESC_VIEW_TEXT, NULL);
	if (quote)
		want[w++] = '"';
	if (prefix)
		want[w++] = '\'';
	for (size_t i = 0; i < t; i++) {
		if (text[i] == '"')
			want[w++] = '"';
		want[w++] = text[i];
	}
	if (quote)
		want[w++] = '"';
	want[w] = '\0';
	return w;
}

/* The view of src when dst has size bytes: nothing written past them,
 * NUL-terminated, the whole view of the bytes it says it used, and the
 * next whole unit would not have fitted.  A CSV field whose quotes and
 * prefix do not fit is left empty. */
static bool
cut_is_clean(const char *src, size_t len, enum esc_view v, size_t size)
{
	char out[ESC_VIEW_MAX(64) + 8], want[2 * ESC_VIEW_MAX(64)];
	size_t used, n, w;

	memset(out, 'X', sizeof(out));
	n = esc_view(out, size, src, len, v, &used);
	for (size_t i = size; i < sizeof(out); i++)
		if (out[i] != 'X')
			return false;		/* wrote past size */
	if (size == 0)
		return n == 0 && used == 0;
	if (n >= size || out[n] != '\0' || used > len)
		return false;
	w = view_of_prefix(src, len, used, v, want, sizeof(want));
	if (v == ESC_VIEW_CSV && n == 0 && w > size - 1)
		return used == 0;		/* the frame did not fit */
	if (w != n || memcmp(want, out, n) != 0)
		return false;
	if (used < len) {
		/* The next unit: a character (glibc's decoder says), or one
		 * byte of invalid UTF-8; one byte a unit in lastcomm's view. */
		mbstate_t st = { 0 };
		size_t k = mbrtowc(NULL, src + used, len - used, &st);

		if (v == ESC_VIEW_LASTCOMM || k == 0 || k > len - used)
			k = 1;
		return view_of_prefix(src, len, used + k, v, want,
		    sizeof(want)) > size - 1;
	}
	return used == len;
}

/* Cuts at every buffer size, in every view, of hostile strings. */
static void
test_view_cuts(void)
{
	static const char *const hostile[] = {
		"\x1b[2K\x1b[1Aroot",
		"r\xc2\x85oot\xe2\x80\xae\xe2\x81\xa6x",
		"=cmd|' /C calc'!A0",
		"\"a\",b;c d#e\\f",
		"caf\xc3\xa9 \xf0\x9f\x98\x80 \x9b\xff\xc3",
		"-\t\r\n\x7f\x80\x9f",
		"0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcde",
	};
	bool good = true;

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		skip(1, "no C.UTF-8 locale for mbrtowc");
		return;
	}
	for (size_t h = 0; h < sizeof(hostile) / sizeof(hostile[0]); h++) {
		const char *s = hostile[h];
		size_t len = strlen(s);

		for (int v = ESC_VIEW_LASTCOMM; v <= ESC_VIEW_CSV; v++)
			for (size_t size = 0; size <= ESC_VIEW_MAX(len) + 2 &&
			    size <= ESC_VIEW_MAX(64); size++)
				if (!cut_is_clean(s, len, (enum esc_view)v,
				    size)) {
					diag("string %zu, %s view, size %zu",
					    h, view_names[v], size);
					good = false;
				}
	}
	setlocale(LC_CTYPE, "C");
	ok(good, "every buffer size: within it, NUL-terminated, cut only "
	    "between whole escapes and characters");
}

/* The views of all 2-byte strings and all 3-byte strings that start with
 * a lead byte of U+0800..U+FFFF, read back by glibc's UTF-8 decoder (an
 * oracle independent of ours): valid UTF-8, no control, C1 or bidi
 * character; and the text view gives the bytes back with esc_unescape. */
static void
test_view_sweep(void)
{
	bool valid = true, clean = true, back = true;
	mbstate_t st;

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		skip(3, "no C.UTF-8 locale for mbrtowc");
		return;
	}
	for (uint32_t x = 0; x < 0x10000 + 16 * 0x10000; x++) {
		uint8_t in[3];
		char out[ESC_VIEW_MAX(3)];
		uint8_t orig[3];
		size_t len, n, i = 0;
		ssize_t m;

		if (x < 0x10000) {
			in[0] = (uint8_t)(x >> 8);
			in[1] = (uint8_t)x;
			len = 2;
		} else {
			in[0] = (uint8_t)(0xe0 + ((x - 0x10000) >> 16));
			in[1] = (uint8_t)(x >> 8);
			in[2] = (uint8_t)x;
			len = 3;
		}
		n = esc_view(out, sizeof(out), in, len, ESC_VIEW_TEXT, NULL);
		memset(&st, 0, sizeof(st));
		while (i < n) {
			wchar_t wc;
			size_t k = mbrtowc(&wc, out + i, n - i, &st);

			if (k == 0 || k > n - i) {
				valid = false;
				break;
			}
			if (wc < 0x20 || (wc >= 0x7f && wc <= 0x9f) ||
			    is_bidi_control((uint32_t)wc))
				clean = false;
			i += k;
		}
		m = esc_unescape(orig, out, n, 0);
		if (m != (ssize_t)len || memcmp(orig, in, len) != 0)
			back = false;
	}
	setlocale(LC_CTYPE, "C");
	ok(valid, "sweep: the text view is always valid UTF-8 (mbrtowc)");
	ok(clean, "sweep: no C0, DEL, C1 or bidi character in it");
	ok(back, "sweep: esc_unescape gives the bytes back");
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

	test_view_bytes();
	test_view_code_points();
	test_view_invalid();
	test_view_csv();
	test_view_cuts();
	test_view_sweep();
	return done_testing();
}
