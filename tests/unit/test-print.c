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
#include <time.h>

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
	summary_add(s, &archived("vi" ERASE, "root", "adm", NULL, NULL)->ev,
	    NULL);
	summary_add(s, &archived("ls\xc2\x9b" "2J\xe2\x80\xae", "root", "adm",
	    NULL, NULL)->ev, NULL);
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

/* --summary labels a user by the name that came with the record, as the
 * other printers do: one uid under two names (two hosts) is two rows, and
 * the names cache of this host is not asked. */
static void
test_summary_names(void)
{
	struct summary *s = summary_new();
	const struct entry *e;
	struct query_context ctx;
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	if (s == NULL || (f = open_memstream(&text, &size)) == NULL)
		abort();
	for (int i = 0; i < 3; i++) {
		e = archived("vi", "alice" ERASE, "adm", NULL, "web01");
		ctx = (struct query_context){ .names_given = true,
		    .user = e->ctx.user };
		summary_add(s, &e->ev, &ctx);
	}
	e = archived("vi", "bob", "adm", NULL, "web02");
	ctx = (struct query_context){ .names_given = true,
	    .user = e->ctx.user };
	summary_add(s, &e->ev, &ctx);
	e = archived("vi", NULL, "adm", NULL, "web03");
	ctx = (struct query_context){ .names_given = true };
	summary_add(s, &e->ev, &ctx);
	summary_print(s, NULL, f);
	if (fclose(f) != 0)
		abort();
	if (!ok(strstr(text, "\nalice" ERASE "          3 ") != NULL &&
	    strstr(text, "\nbob                       1 ") != NULL,
	    "summary: users by the names their records came with"))
		diag("got %s", text);
	ok(strstr(text, "\n1000                      1 ") != NULL,
	    "summary: a record without a user name by its uid");
	ok(is_visible(text), "summary: the given names made visible");
	free(text);
	summary_free(s);
}

/*
 * The limits.  Each printer gets records at the schema's limits (64-byte
 * names of control bytes, the largest numbers) and beyond them (names and
 * streams longer than any reader passes on), into buffers of every size
 * up to the line's own and one of exactly its size, with a canary behind:
 * nothing is written past the buffer, the exact one holds the whole line,
 * the smaller ones say it did not fit.
 */
#define CANARY		64
#define CANARY_BYTE	0xa5

/* n bytes of control bytes (1..31, ESC among them), NUL-terminated. */
static char *
controls(size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(1 + i % 31);
	s[n] = '\0';
	return s;
}

/* The text view of controls(n): "#ooo" each. */
static char *
controls_text(size_t n)
{
	char *s = malloc(4 * n + 1);

	if (s == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		snprintf(s + 4 * i, 5, "#%03o", (unsigned)(1 + i % 31));
	return s;
}

/* The line of p for ev, in a buffer far larger than any line. */
static char *
line_of(struct printer *p, const struct acct_event *ev, bool *ret_fits)
{
	static char big[65536];
	size_t n = printer_line(p, ev, big, sizeof(big), ret_fits);
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, big, n);
	s[n] = '\0';
	return s;
}

/* Every buffer size from 0 to the line's own: no byte past it touched;
 * the line's own size gives the line; a smaller one says it did not fit. */
static void
check_sizes(struct printer *p, const struct acct_event *ev,
    const char *want, const char *what)
{
	size_t len = strlen(want), bad_canary = 0, bad_fits = 0, bad_text = 0;
	unsigned char *buf = malloc(len + CANARY);

	if (buf == NULL)
		abort();
	for (size_t size = 0; size <= len; size++) {
		bool fits;
		size_t n;

		memset(buf, CANARY_BYTE, len + CANARY);
		n = printer_line(p, ev, (char *)buf, size, &fits);
		for (size_t i = size; i < len + CANARY; i++)
			if (buf[i] != CANARY_BYTE) {
				bad_canary++;
				break;
			}
		if (n > size || fits != (size == len))
			bad_fits++;
		if (size == len && (n != len || memcmp(buf, want, len) != 0))
			bad_text++;
	}
	ok(bad_canary == 0, "%s: nothing past the buffer, all %zu sizes",
	    what, len + 1);
	ok(bad_fits == 0, "%s: fits only in its own size (%zu)", what, len);
	ok(bad_text == 0, "%s: the exact buffer holds the whole line", what);
	free(buf);
}

/* A record at every limit of the schema. */
static struct acct_event
record_at_limits(void)
{
	struct acct_event ev = { .version = 3, .flags = 0x1f,
	    .has_pid = true, .pid = UINT32_MAX, .ppid = 0x80000000u,
	    .uid = UINT32_MAX, .gid = UINT32_MAX, .tty = UINT32_MAX,
	    .exit_code = 255, .signal = 127, .core_dumped = true,
	    .ahz = 100, .start_time = UINT32_MAX, .elapsed_ticks = 1e14,
	    .user_ticks = UINT64_MAX / 4000000, .sys_ticks = 999,
	    .mem_kib = UINT64_MAX, .io_chars = UINT64_MAX,
	    .io_blocks = UINT64_MAX, .minflt = UINT64_MAX,
	    .majflt = UINT64_MAX, .swaps = UINT64_MAX,
	    .comm_len = ACCT_COMM_MAX };

	for (size_t i = 0; i < ACCT_COMM_MAX; i++)
		ev.comm[i] = (char)(0x10 + i);	/* 0x1b, 0x1f among them */
	return ev;
}

static void
test_at_limits(void)
{
	struct acct_event ev = record_at_limits();
	char *name = controls(NAMES_MAX), *view = controls_text(NAMES_MAX);
	char comm_text[4 * ACCT_COMM_MAX + 1], want[8192], end[32];
	struct printer p = { .utc = true, .ctx = { .names_given = true,
	    .user = name, .group = name, .tty = name, .host = name,
	    .stream = name, .seq = UINT64_MAX } };
	char *got;
	bool fits;
	time_t t;

	for (size_t i = 0; i < ACCT_COMM_MAX; i++)
		snprintf(comm_text + 4 * i, 5, "#%03o", 0x10 + (unsigned)i);
	/* The oracle: the printf formats the printers had, fed the views. */
	p.format = PRINT_LASTCOMM;
	p.show_pid = true;
	got = line_of(&p, &ev, &fits);
	snprintf(want, sizeof(want), "%s SFCDX %.8s %.8s %3ju.%02ju secs "
	    "Sun Feb  7 06:28 -1 -2147483648\n", "????????????????",
	    "????????", "????????",
	    (uintmax_t)((ev.user_ticks + ev.sys_ticks) / 100),
	    (uintmax_t)((ev.user_ticks + ev.sys_ticks) % 100));
	is_str(got, want, "lastcomm at the limits (--pid)");
	ok(fits, "lastcomm at the limits: fits");
	check_sizes(&p, &ev, want, "lastcomm at the limits");
	free(got);

	p.show_paging = true;
	got = line_of(&p, &ev, &fits);
	snprintf(want, sizeof(want), "%s SFCDX %6ju%s%6ju%s%4ju%s"
	    "%3ju.%02ju secs Sun Feb  7 06:28 -1 -2147483648\n",
	    "????????????????", (uintmax_t)UINT64_MAX, "min ",
	    (uintmax_t)UINT64_MAX, "maj ", (uintmax_t)UINT64_MAX, "swp ",
	    (uintmax_t)((ev.user_ticks + ev.sys_ticks) / 100),
	    (uintmax_t)((ev.user_ticks + ev.sys_ticks) % 100));
	is_str(got, want, "lastcomm -p at the limits");
	check_sizes(&p, &ev, want, "lastcomm -p at the limits");
	free(got);

	/* Another tick rate: printf's rounding. */
	ev.ahz = 1000;
	p.show_paging = false;
	got = line_of(&p, &ev, &fits);
	snprintf(want, sizeof(want), "%s SFCDX %.8s %.8s %6.2f secs "
	    "Sun Feb  7 06:28 -1 -2147483648\n", "????????????????",
	    "????????", "????????",
	    (double)(ev.user_ticks + ev.sys_ticks) / 1000);
	is_str(got, want, "lastcomm at the limits, AHZ 1000");
	check_sizes(&p, &ev, want, "lastcomm at the limits, AHZ 1000");
	free(got);
	ev.ahz = 100;

	p.format = PRINT_LONG;
	p.show_host = true;
	t = (time_t)(acct_end_us(&ev) / 1000000);
	strftime(end, sizeof(end), "%Y-%m-%d %H:%M:%S", gmtime(&t));
	got = line_of(&p, &ev, &fits);
	snprintf(want, sizeof(want), "%-16s 2106-02-07 06:28:15 %s %-16s "
	    "%-8s %-8s %9.3fs cpu %6.2fs %-14s pid %u ppid %u\n", view, end,
	    comm_text, view, view, (double)acct_elapsed_us(&ev) / 1e6,
	    (double)acct_ticks_to_us(&ev, ev.user_ticks + ev.sys_ticks) / 1e6,
	    "signal 127 core", ev.pid, ev.ppid);
	is_str(got, want, "long at the limits (hosts)");
	ok(fits && is_visible(got), "long at the limits: fits, visible");
	check_sizes(&p, &ev, want, "long at the limits");
	free(got);

	p.format = PRINT_CSV;
	got = line_of(&p, &ev, &fits);
	snprintf(want, sizeof(want), "2106-02-07T06:28:15.000000Z,"
	    "9999-12-31T23:59:59.999999Z,%s,%u,%u,%s,%u,%s,%u,%s,%u,%u,%u,"
	    "\"fork,su,core,xsig\",%.3f,%.3f,%.3f,%ju,%ju,%ju,%ju,%ju,%ju,"
	    "%u,%s\n", comm_text, ev.pid, ev.ppid, view, ev.uid, view, ev.gid,
	    view, ev.exit_code, ev.signal, ev.core_dumped,
	    (double)acct_elapsed_us(&ev) / 1e6,
	    (double)acct_ticks_to_us(&ev, ev.user_ticks) / 1e6,
	    (double)acct_ticks_to_us(&ev, ev.sys_ticks) / 1e6,
	    (uintmax_t)ev.mem_kib, (uintmax_t)ev.minflt,
	    (uintmax_t)ev.majflt, (uintmax_t)ev.io_chars,
	    (uintmax_t)ev.io_blocks, (uintmax_t)ev.swaps, ev.version, view);
	is_str(got, want, "csv at the limits");
	ok(fits && is_visible(got), "csv at the limits: fits, visible");
	check_sizes(&p, &ev, want, "csv at the limits");
	free(got);

	/* kv and json: the wire form, whole or not at all. */
	p.format = PRINT_KV;
	got = line_of(&p, &ev, &fits);
	ok(fits && strstr(got, " user=\"#001#002") != NULL,
	    "kv at the limits: fits");
	check_sizes(&p, &ev, got, "kv at the limits");
	free(got);
	p.format = PRINT_JSON;
	got = line_of(&p, &ev, &fits);
	ok(fits, "json at the limits: fits");
	check_sizes(&p, &ev, got, "json at the limits");
	free(got);
	free(name);
	free(view);
}

/* Every buffer size up to a line's and beyond: no byte past the buffer,
 * whatever the printer made of the record. */
static void
check_no_overrun(struct printer *p, const struct acct_event *ev,
    const char *what)
{
	bool fits;
	char *line = line_of(p, ev, &fits);

	if (fits)
		check_sizes(p, ev, line, what);
	else
		ok(true, "%s: does not fit (the wire form is never cut)", what);
	free(line);
}

static void
test_beyond_limits(void)
{
	struct acct_event ev = record_at_limits();
	char *host = controls(300), *user = malloc(66), *tty = malloc(1001);
	char *host_cut = controls_text(63), *user_cut = malloc(300);
	struct printer p = { .utc = true, .show_host = true, .ctx = {
	    .names_given = true, .user = user, .group = host, .tty = tty,
	    .host = host, .stream = host, .seq = UINT64_MAX } };
	static const enum print_format formats[] = { PRINT_LASTCOMM,
	    PRINT_LONG, PRINT_KV, PRINT_JSON, PRINT_CSV };
	static const char *const names[] = { "lastcomm", "long", "kv",
	    "json", "csv" };
	char want[1024], what[64], *got;
	bool fits;

	if (user == NULL || tty == NULL || user_cut == NULL)
		abort();
	memset(user, '\x1b', 65);
	user[65] = '\0';
	user_cut[0] = '\0';
	for (int i = 0; i < 63; i++)
		strcat(user_cut, "#033");
	/* 'a', a comma (CSV quotes it), then 'a' to 1000 bytes. */
	memset(tty, 'a', 1000);
	tty[1] = ',';
	tty[1000] = '\0';

	p.format = PRINT_LONG;
	got = line_of(&p, &ev, &fits);
	snprintf(want, sizeof(want), "%s#... ", host_cut);
	ok(fits && strncmp(got, want, strlen(want)) == 0,
	    "long: a 300-byte host shortened to 63 escapes and #...");
	snprintf(want, sizeof(want), " %s#... a,%.253s#... 1000000000000.000s",
	    user_cut,
	    tty + 2);
	if (!ok(strstr(got, want) != NULL,
	    "long: a 65-byte user, a 1000-byte tty shortened, #..."))
		diag("got %s", got);
	ok(is_visible(got), "long beyond the limits: visible");
	free(got);

	p.format = PRINT_CSV;
	got = line_of(&p, &ev, &fits);
	snprintf(want, sizeof(want), ",%s#...,%u,%s#...,%u,\"a,%.251s#...\",",
	    user_cut, ev.uid, host_cut, ev.gid, tty + 2);
	if (!ok(fits && strstr(got, want) != NULL,
	    "csv: shortened fields end in #..., inside their quotes"))
		diag("got %s", got);
	ok(!has_formula(got) && is_visible(got),
	    "csv beyond the limits: no formula, visible");
	free(got);

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		p.format = formats[i];
		for (int pid = 0; pid < 2; pid++) {
			p.show_pid = p.show_paging = pid;
			snprintf(what, sizeof(what), "%s beyond the limits%s",
			    names[i], pid ? " (--pid -p)" : "");
			check_no_overrun(&p, &ev, what);
		}
	}
	free(host);
	free(user);
	free(tty);
	free(host_cut);
	free(user_cut);
}

int
main(void)
{
	test_lastcomm();
	test_long();
	test_csv();
	test_wire();
	test_summary();
	test_summary_names();
	test_at_limits();
	test_beyond_limits();
	return done_testing();
}
