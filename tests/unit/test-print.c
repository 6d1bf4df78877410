/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-print: lastcomm-ng's printers, fed records whose names came with a
 * forwarded archive (any local user can write such a line): nothing they
 * print moves the cursor, rewrites the terminal or reorders the text (no
 * C0, DEL, C1 or bidi control, no invalid UTF-8), no CSV cell is a
 * formula, and kv and json stay the wire form byte for byte.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "format.h"
#include "print.h"
#include "summary.h"
#include "tap.h"

/* An archive entry as a kv line would give it (values with their #ooo
 * escapes and \" as the wire has them); NULL values are left out. */
static const struct entry *
archived(const char *comm, const char *user, const char *group,
    const char *tty, const char *host)
{
	static struct entry e;
	const char *fields[][2] = {
		{ "event", "process_end" },
		{ "process_name", comm },
		{ "process_id", "4242" },
		{ "parent_process_id", "1" },
		{ "user", user },
		{ "user_id", "1000" },
		{ "group", group },
		{ "group_id", "1000" },
		{ "tty", tty },
		{ "exit_code", "0" },
		{ "signal", "0" },
		{ "core_dumped", "0" },
		{ "flags", "su" },
		{ "start_time", "2026-11-21T05:27:03.000000Z" },
		{ "end_time", "2026-11-21T05:27:04.000000Z" },
		{ "elapsed", "1.000" },
		{ "cpu_user", "0.010" },
		{ "cpu_sys", "0.020" },
		{ "acct_version", "3" },
		{ "host", host },
		{ "schema", "1" },
	};

	entry_begin(&e);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *k = fields[i][0], *v = fields[i][1];

		if (v != NULL &&
		    entry_set(&e, k, strlen(k), v, strlen(v)) < 0) {
			printf("Bail out! entry_set %s=%s\n", k, v);
			exit(1);
		}
	}
	if (entry_end(&e) < 0) {
		printf("Bail out! entry_end\n");
		exit(1);
	}
	return &e;
}

/* What the printer prints for e, in format (long: show_host too). */
static char *
print(const struct entry *e, enum print_format format, bool show_host)
{
	struct printer p = { .format = format, .utc = true,
	    .show_host = show_host, .ctx = { .names_given = e->names_given,
	    .user = e->ctx.user, .group = e->ctx.group, .tty = e->ctx.tty,
	    .host = e->ctx.host, .stream = e->ctx.stream,
	    .seq = e->ctx.seq } };
	char *text = NULL;
	size_t size = 0;

	if ((p.out = open_memstream(&text, &size)) == NULL)
		abort();
	printer_record(&p, &e->ev);	/* CSV: the row, no header */
	if (fclose(p.out) != 0)
		abort();
	return text;
}

/* Is s (lines ending in '\n') safe on a terminal: valid UTF-8 with no C0
 * but the newlines, no DEL, no C1 (U+0080..U+009F) and no bidi control?
 * A decoder of its own, so as not to trust the one under test. */
static bool
is_visible(const char *str)
{
	const uint8_t *s = (const uint8_t *)str;

	while (*s != '\0') {
		uint32_t cp;
		int more;

		if (*s < 0x80) {
			if ((*s < 0x20 && *s != '\n') || *s == 0x7f)
				return false;
			s++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0) {
			cp = *s & 0x1f;
			more = 1;
		} else if ((*s & 0xf0) == 0xe0) {
			cp = *s & 0x0f;
			more = 2;
		} else if ((*s & 0xf8) == 0xf0) {
			cp = *s & 0x07;
			more = 3;
		} else
			return false;		/* a stray continuation byte */
		s++;
		for (int i = 0; i < more; i++, s++) {
			if ((*s & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*s & 0x3f);
		}
		if (cp < 0x80 || (more == 2 && cp < 0x800) ||
		    (more == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;		/* overlong, surrogate */
		if (cp <= 0x9f || cp == 0x61c || cp == 0x200e ||
		    cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return false;
	}
	return true;
}

/* Does any cell of the CSV row start a formula?  Cells split as RFC 4180
 * says: a quoted cell runs to its closing quote, "" is a quote. */
static bool
has_formula(const char *row)
{
	const char *s = row;

	for (;;) {
		char first;

		if (*s == '"') {
			first = s[1] == '"' && s[2] == '"' ? '"' : s[1];
			for (s++; *s != '\0'; s++) {
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
			}
			if (*s == '"')
				s++;
		} else {
			first = *s;
			s += strcspn(s, ",\n");
		}
		if (first == '=' || first == '+' || first == '-' ||
		    first == '@' || first == '\t' || first == '\r')
			return true;
		if (*s != ',')
			return false;
		s++;
	}
}

/* ESC sequences that erase lines, move the cursor and set the title. */
#define ERASE	"#033[2K#033[1A"
#define TITLE	"#033]0;owned#007"

static void
test_lastcomm(void)
{
	const struct entry *e;
	char *out;

	e = archived("=cmd" ERASE, ERASE "root", "adm", "+pts" TITLE, "web01");
	out = print(e, PRINT_LASTCOMM, false);
	is_str(out, "=cmd?[2K?[1A     S     ?[2K?[1A +pts?]0;   0.03 secs "
	    "Sat Nov 21 05:27\n", "lastcomm: ESC in command, user, tty as ?");
	ok(is_visible(out), "lastcomm: nothing raw reaches the terminal");
	free(out);

	/* C1 CSI (U+009B) and RLO (U+202E) in UTF-8, and a raw 0x9b. */
	e = archived("ls\xc2\x9b" "2J", "r\xe2\x80\xae" "oot", "adm",
	    "\x9b" "2J", NULL);
	out = print(e, PRINT_LASTCOMM, false);
	is_str(out, "ls??2J           S     r???oot  ?2J        0.03 secs "
	    "Sat Nov 21 05:27\n",
	    "lastcomm: C1, bidi, a raw 0x9b as ? per byte");
	ok(is_visible(out), "lastcomm: no C1, no bidi");
	free(out);
}

static void
test_long(void)
{
	const struct entry *e;
	char *out;

	e = archived("vi" ERASE, ERASE "root", "adm", "pts/1" TITLE,
	    "web\xc2\x9b" "31m");
	out = print(e, PRINT_LONG, false);
	is_str(out, "2026-11-21 05:27:03 2026-11-21 05:27:04 vi" ERASE
	    " " ERASE "root " "pts/1" TITLE "     1.000s cpu   0.03s "
	    "exit 0         pid 4242 ppid 1\n",
	    "long: ESC in user and tty as #ooo");
	ok(is_visible(out), "long: nothing raw reaches the terminal");
	free(out);

	out = print(e, PRINT_LONG, true);
	ok(strncmp(out, "web#302#23331m   2026-11-21 05:27:03 ", 37) == 0,
	    "long: the host column, C1 CSI as #302#233");
	ok(is_visible(out), "long with hosts: nothing raw");
	free(out);

	/* RLO "exe.txt": where text is laid out by bidi, it reads "txt.exe". */
	e = archived("\xe2\x80\xae" "exe.txt", "\xe2\x81\xa6" "root",
	    "adm", "\xc2\x85", NULL);
	out = print(e, PRINT_LONG, false);
	is_str(out, "2026-11-21 05:27:03 2026-11-21 05:27:04 "
	    "#342#200#256exe.txt #342#201#246root #302#205 "
	    "    1.000s cpu   0.03s exit 0         pid 4242 ppid 1\n",
	    "long: RLO, LRI and NEL as #ooo");
	ok(is_visible(out), "long: no C1, no bidi");
	free(out);
}

static void
test_csv(void)
{
	const struct entry *e;
	char *out;

	e = archived("=1+2", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3",
	    "=HYPERLINK(\\\"http://x\\\")");
	out = print(e, PRINT_CSV, false);
	is_str(out, "2026-11-21T05:27:03.000000Z,2026-11-21T05:27:04.000000Z,"
	    "'=1+2,4242,1,\"'+cmd|' /C calc'!A0\",1000,'@SUM(A1),1000,'-2+3,"
	    "0,0,0,su,1.000,0.010,0.020,0,0,0,0,0,0,3,"
	    "\"'=HYPERLINK(\"\"http://x\"\")\"\n",
	    "csv: formula prefixes get a ', quotes doubled");
	ok(!has_formula(out), "csv: no cell is a formula");
	ok(is_visible(out), "csv: nothing raw");
	free(out);

	e = archived("#011=1", "#015=2", "a,=3", "x;=4", ERASE);
	out = print(e, PRINT_CSV, false);
	is_str(out, "2026-11-21T05:27:03.000000Z,2026-11-21T05:27:04.000000Z,"
	    "'#011=1,4242,1,'#015=2,1000,\"a,=3\",1000,\"x;=4\","
	    "0,0,0,su,1.000,0.010,0.020,0,0,0,0,0,0,3," ERASE "\n",
	    "csv: tab, CR; a comma and a semicolon quoted");
	ok(!has_formula(out), "csv: no cell is a formula (tab, CR, split)");
	ok(is_visible(out), "csv: ESC, tab and CR as #ooo");
	free(out);

	e = archived("ls", "r\xc2\x9b" "oot", "\xe2\x80\xae" "adm",
	    "pts/1" TITLE, "h\x9b");
	out = print(e, PRINT_CSV, false);
	if (!ok(strstr(out, ",r#302#233oot,1000,#342#200#256adm,1000,"
	    "\"pts/1" TITLE "\",") != NULL && strstr(out, ",h#233\n") != NULL,
	    "csv: C1, bidi, ESC in the tty, a raw 0x9b as #ooo"))
		diag("got %s", out);
	ok(is_visible(out), "csv: no C1, no bidi, nothing raw");
	free(out);
}

/* kv and json are the wire form: what acct2syslog sends, byte for byte
 * (C0 already #ooo there; C1 and bidi pass as valid UTF-8, see the man
 * page). */
static void
test_wire(void)
{
	const struct entry *e = archived("vi" ERASE, "r\xc2\x9b" "oot",
	    "\xe2\x80\xae" "adm", "pts/1" TITLE, "web01");
	char want[FMT_JSON_MAX + 1], *out;
	size_t n;

	fmt_kv(want, sizeof(want), &e->ev, &e->ctx, &n);
	want[n++] = '\n';
	want[n] = '\0';
	out = print(e, PRINT_KV, false);
	is_str(out, want, "kv: the wire form, unchanged");
	ok(strchr(out, '\x1b') == NULL && strchr(out, '\a') == NULL,
	    "kv: no raw ESC or BEL");
	free(out);

	fmt_json(want, sizeof(want), &e->ev, &e->ctx, &n);
	want[n++] = '\n';
	want[n] = '\0';
	out = print(e, PRINT_JSON, false);
	is_str(out, want, "json: the wire form, unchanged");
	ok(strchr(out, '\x1b') == NULL && strchr(out, '\a') == NULL,
	    "json: no raw ESC or BEL");
	free(out);
}

static void
test_summary(void)
{
	struct summary *s = summary_new();
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	if (s == NULL || (f = open_memstream(&text, &size)) == NULL)
		abort();
	summary_add(s, &archived("vi" ERASE, "root", "adm", NULL, NULL)->ev);
	summary_add(s, &archived("ls\xc2\x9b" "2J\xe2\x80\xae", "root", "adm",
	    NULL, NULL)->ev);
	summary_print(s, NULL, f);
	if (fclose(f) != 0)
		abort();
	ok(strstr(text, "\nvi" ERASE "    ") != NULL,
	    "summary: ESC in a command as #ooo");
	ok(strstr(text, "\nls#302#2332J#342#200#256 ") != NULL,
	    "summary: C1 and bidi in a command as #ooo");
	ok(is_visible(text), "summary: nothing raw");
	free(text);
	summary_free(s);
}

int
main(void)
{
	test_lastcomm();
	test_long();
	test_csv();
	test_wire();
	test_summary();
	return done_testing();
}
