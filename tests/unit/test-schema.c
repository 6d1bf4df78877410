/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-schema: the table of schema.h, the proof of format.h's buffer sizes
 * it gives, and the bounded writer: every field at its limit fits; every
 * field at what a reader of archives takes (64-byte names of control
 * bytes, the escapings' worst case) never writes past a buffer, and is
 * FMT_TOO_LONG where it does not fit; JSON is read back by libfastjson.
 */
#include "config.h"

#include <ctype.h>
#include <json.h>

#include "format.h"
#include "mkrec.h"
#include "schema.h"
#include "tap.h"

#define CANARY		0xa5
#define CANARY_LEN	64

static void
test_table(void)
{
	bool names = true, journal = true, found = true, json_only = true;
	bool places = true;

	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++) {
		const struct schema_row *r = &schema_rows[f];
		char want[64];
		size_t i;

		for (int g = 0; g < f; g++) {
			const struct schema_row *o = &schema_rows[g];

			if (strcmp(r->kv, o->kv) == 0)
				names = false;
			if (r->section == o->section &&
			    strcmp(r->member, o->member) == 0)
				places = false;
		}
		/* ACCT_ and the kv name in upper case. */
		for (i = 0; r->kv[i] != '\0'; i++)
			want[i] = (char)toupper((unsigned char)r->kv[i]);
		want[i] = '\0';
		if (strncmp(r->journal, "ACCT_", 5) != 0 ||
		    strncmp(r->journal + 5, want, i) != 0 ||
		    strcmp(r->journal + 5 + i, "=") != 0 ||
		    r->journal_len != strlen(r->journal) ||
		    r->kv_len != strlen(r->kv) ||
		    r->member_len != strlen(r->member))
			journal = false;
		if (f < SCHEMA_KV_COUNT && schema_find(r->kv, r->kv_len) != f)
			found = false;
		if ((f < SCHEMA_KV_COUNT) == !!(r->messages & SCHEMA_JSON_ONLY))
			json_only = false;
	}
	ok(names, "every kv name once");
	ok(places, "every JSON place once");
	ok(journal, "journal names are ACCT_ and the kv name in upper case");
	ok(found, "schema_find() finds every kv name");
	ok(json_only, "kv fields first, JSON-only members after them");
	ok(schema_find("nosuch", 6) == -1 && schema_find("timestamp", 9) == -1,
	    "unknown and JSON-only names are not kv fields");
	is_int(schema_level("warning", 7), 4, "log level warning is 4");
	is_int(schema_level("warn", 4), -1, "no level warn");
}

/* Is a the object sec or one that holds it? */
static bool
holds(int a, int sec)
{
	for (; sec != SCHEMA_SEC_NONE; sec = schema_sections[sec].parent)
		if (sec == a)
			return true;
	return false;
}

/* Does layout m (count members) open each object once: once left, an
 * object is never entered again? */
static bool
contiguous(const struct schema_json_member *m, size_t count)
{
	bool closed[SCHEMA_SEC_COUNT] = { false };
	int cur = SCHEMA_SEC_ROOT;

	for (size_t i = 0; i < count; i++) {
		enum schema_section sec;
		const char *name;
		size_t len;

		schema_json_place(&m[i], &sec, &name, &len);
		while (!holds(cur, (int)sec)) {
			closed[cur] = true;
			cur = schema_sections[cur].parent;
		}
		for (int s = (int)sec; s != cur; s = schema_sections[s].parent)
			if (closed[s])
				return false;
		cur = (int)sec;
	}
	return true;
}

static void
test_proof(void)
{
	static const struct {
		enum schema_encoding enc;
		unsigned messages;
		const char *what;
		size_t room;
	} cases[] = {
		{ SCHEMA_KV, SCHEMA_IN_RECORD, "record kv", FMT_LINE_MAX - 2 },
		{ SCHEMA_KV, SCHEMA_IN_CONTROL, "control kv",
		    FMT_LINE_MAX - 2 },
		{ SCHEMA_JSON, SCHEMA_IN_RECORD, "record JSON",
		    FMT_JSON_MAX - 2 },
		{ SCHEMA_JSON, SCHEMA_IN_CONTROL, "control JSON",
		    FMT_CONTROL_JSON_MAX - 2 },
		{ SCHEMA_JOURNAL, SCHEMA_IN_RECORD, "record journal",
		    FMT_JOURNAL_MAX },
		{ SCHEMA_JOURNAL, SCHEMA_IN_CONTROL, "control journal",
		    FMT_JOURNAL_MAX },
	};
	size_t record_fields = 0, control_fields = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = schema_message_max(cases[i].enc, cases[i].messages,
		    false);
		size_t r = schema_message_max(cases[i].enc, cases[i].messages,
		    true);

		ok(n <= cases[i].room, "%s: at most %zu bytes, room %zu",
		    cases[i].what, n, cases[i].room);
		/* lastcomm-ng writes kv and JSON of what it read. */
		if (cases[i].enc != SCHEMA_JOURNAL)
			ok(r + 2 <= FMT_READ_MAX, "%s of what a reader "
			    "takes: at most %zu bytes, FMT_READ_MAX %d",
			    cases[i].what, r, FMT_READ_MAX);
	}
	for (int f = 0; f < SCHEMA_KV_COUNT; f++) {
		record_fields += !!(schema_rows[f].messages & SCHEMA_IN_RECORD);
		control_fields += !!(schema_rows[f].messages &
		    SCHEMA_IN_CONTROL);
	}
	ok(1 + record_fields + 3 <= FMT_JOURNAL_FIELDS &&
	    1 + control_fields + 3 <= FMT_JOURNAL_FIELDS, "journal fields: "
	    "at most %zu and %zu, room %d", 1 + record_fields + 3,
	    1 + control_fields + 3, FMT_JOURNAL_FIELDS);
	ok(contiguous(schema_json_record, SCHEMA_JSON_RECORD_COUNT) &&
	    contiguous(schema_json_control, SCHEMA_JSON_CONTROL_COUNT),
	    "each JSON object is opened once");
}

static void
test_writer(void)
{
	char buf[16 + CANARY_LEN];
	struct writer w;
	bool canary = true;

	memset(buf, CANARY, sizeof(buf));
	w = writer_init(buf, 16);
	writer_literal(&w, "0123456789");
	writer_u64(&w, UINT64_MAX);
	ok(w.overflow && w.p <= buf + 16, "a number that does not fit: "
	    "overflow, nothing past the end");
	writer_char(&w, 'x');
	writer_escaped(&w, "\x01\x02\x03\x04\x05\x06\x07\x08", 8, ESC_QUOTED);
	writer_seconds(&w, UINT64_MAX);
	writer_key(&w, schema_rows[SCHEMA_TTY].kv_key,
	    schema_rows[SCHEMA_TTY].kv_key_len, false);
	ok(w.overflow, "overflow stays set");
	for (size_t i = 16; i < sizeof(buf); i++)
		if ((uint8_t)buf[i] != CANARY)
			canary = false;
	ok(canary, "no byte written past the buffer");

	/* An escape that fits only in part is checked piece by piece. */
	memset(buf, CANARY, sizeof(buf));
	w = writer_init(buf, 16);
	writer_escaped(&w, "abcdefghijkl\x01", 13, ESC_QUOTED);
	ok(!w.overflow && w.p == buf + 16 && memcmp(buf, "abcdefghijkl#001",
	    16) == 0, "an escape filling the buffer exactly fits");
	writer_escaped(&w, "a", 1, 0);
	ok(w.overflow && (uint8_t)buf[16] == CANARY, "one byte more does not");
}

/* A record with every number at its largest. */
static struct acct_event
largest(void)
{
	uint8_t rec[64];
	struct acct_event ev;

	mkrec_v3(rec, false, 1, "x");
	acct_decode(rec, sizeof(rec), 100, &ev);
	memset(ev.comm, 0x01, ACCT_COMM_MAX);
	ev.comm_len = ACCT_COMM_MAX;
	ev.pid = ev.ppid = ev.uid = ev.gid = UINT32_MAX;
	ev.exit_code = 255;
	ev.signal = 127;
	ev.core_dumped = true;
	ev.flags = 0xff;
	ev.start_time = UINT32_MAX;
	ev.ahz = 1;
	ev.elapsed_ticks = 1e12;
	ev.user_ticks = ev.sys_ticks = UINT64_MAX / 1000000;
	ev.mem_kib = ev.minflt = ev.majflt = UINT64_MAX;
	ev.io_chars = ev.io_blocks = ev.swaps = UINT64_MAX;
	return ev;
}

/* n bytes of c, NUL-terminated, into a buffer of size n + 1. */
static char *
fill(char *buf, int c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static bool
json_parses(const char *s)
{
	struct fjson_object *o = fjson_tokener_parse(s);

	fjson_object_put(o);
	return o != NULL;
}

/* Every field at the schema's limit: each encoding fits its buffer. */
static void
test_at_limits(void)
{
	struct acct_event ev = largest();
	char user[SCHEMA_NAME_MAX / 4 + 1], group[SCHEMA_NAME_MAX / 2 + 1];
	char tty[SCHEMA_TTY_MAX / 4 + 1], host[SCHEMA_NAME_MAX / 4 + 1];
	char stream[SCHEMA_STREAM_MAX / 4 + 1];
	struct fmt_context ctx = {
		/* Control bytes escape to 4, '"' to 2 (kv, JSON). */
		.user = fill(user, 0x01, sizeof(user) - 1),
		.group = fill(group, '"', sizeof(group) - 1),
		.tty = fill(tty, 0x7f, sizeof(tty) - 1),
		.host = fill(host, '#', sizeof(host) - 1),
		.stream = fill(stream, 0xff, sizeof(stream) - 1),
		.seq = UINT64_MAX,
	};
	char text[SCHEMA_TEXT_MAX / 4 + 1];
	struct fmt_control c = {
		.kind = FMT_ACCOUNTING_RESUMED, .priority = 0,
		.time_us = UINT64_MAX,
		.message = fill(text, 0x1b, sizeof(text) - 1),
		.file = text, .new_file = text, .has = 0x1f,
		.offset = UINT64_MAX, .bytes = UINT64_MAX,
		.records = UINT64_MAX, .seq_from = UINT64_MAX,
		.seq_to = UINT64_MAX, .free_percent = 100,
	};
	char kv[FMT_LINE_MAX], json[FMT_CONTROL_JSON_MAX];
	struct fmt_journal j;
	size_t n;

	ok(fmt_kv(kv, sizeof(kv), &ev, &ctx, &n) == FMT_OK &&
	    strstr(kv, " schema=1") != NULL && n <= schema_message_max(
	    SCHEMA_KV, SCHEMA_IN_RECORD, false),
	    "a record at the limits: kv fits (%zu bytes)", n);
	ok(fmt_json(json, FMT_JSON_MAX, &ev, &ctx, &n) == FMT_OK &&
	    json_parses(json) && n <= schema_message_max(SCHEMA_JSON,
	    SCHEMA_IN_RECORD, false), "and JSON (%zu bytes)", n);
	ok(fmt_journal(&j, &ev, &ctx) == FMT_OK && j.count == 1 + 30 + 3,
	    "and the journal, every field");
	ok(fmt_control_kv(kv, sizeof(kv), &c, &ctx, &n) == FMT_OK &&
	    strstr(kv, " schema=1") != NULL && n <= schema_message_max(
	    SCHEMA_KV, SCHEMA_IN_CONTROL, false),
	    "a control event at the limits: kv fits (%zu bytes)", n);
	ok(fmt_control_json(json, sizeof(json), &c, &ctx, &n) == FMT_OK &&
	    json_parses(json), "and JSON (%zu bytes)", n);
	ok(fmt_control_journal(&j, &c, &ctx) == FMT_OK &&
	    j.count == 1 + 16 + 3, "and the journal, every field");
}

/* What an archive line may bring (64 raw bytes of control bytes in every
 * name, host and stream): never past a buffer; FMT_TOO_LONG where the
 * schema's buffers are too small, complete in FMT_READ_MAX. */
static void
test_hostile(void)
{
	struct acct_event ev = largest();
	char name[SCHEMA_READ_NAME_MAX + 1], quotes[SCHEMA_READ_NAME_MAX + 1];
	struct fmt_context ctx = {
		.user = fill(name, 0x01, SCHEMA_READ_NAME_MAX),
		.group = name, .tty = name, .host = name,
		.stream = fill(quotes, '\\', SCHEMA_READ_NAME_MAX),
		.seq = UINT64_MAX,
	};
	char text[SCHEMA_READ_TEXT_MAX + 1];
	struct fmt_control c = {
		.kind = FMT_GAP, .priority = 3, .time_us = 1,
		.message = fill(text, 0x9b, SCHEMA_READ_TEXT_MAX),
		.file = text, .new_file = text, .has = 0x1f,
	};
	static char buf[FMT_READ_MAX + CANARY_LEN];
	struct fmt_journal j;
	enum fmt_status st;
	bool canary = true;
	size_t n;

	memset(buf, CANARY, sizeof(buf));
	ok(fmt_kv(buf, FMT_LINE_MAX, &ev, &ctx, &n) == FMT_TOO_LONG &&
	    n == 0 && buf[0] == '\0', "hostile names: kv in FMT_LINE_MAX is "
	    "FMT_TOO_LONG, nothing of it");
	ok(fmt_json(buf, FMT_JSON_MAX, &ev, &ctx, &n) == FMT_TOO_LONG &&
	    n == 0 && buf[0] == '\0', "JSON in FMT_JSON_MAX is FMT_TOO_LONG");
	for (size_t i = FMT_JSON_MAX; i < sizeof(buf); i++)
		if ((uint8_t)buf[i] != CANARY)
			canary = false;
	ok(canary, "nothing written past either buffer");
	ok(fmt_kv(buf, FMT_READ_MAX, &ev, &ctx, &n) == FMT_OK &&
	    n <= schema_message_max(SCHEMA_KV, SCHEMA_IN_RECORD, true),
	    "kv in FMT_READ_MAX: complete (%zu bytes)", n);
	ok(fmt_json(buf, FMT_READ_MAX, &ev, &ctx, &n) == FMT_OK &&
	    json_parses(buf) && n <= schema_message_max(SCHEMA_JSON,
	    SCHEMA_IN_RECORD, true), "JSON in FMT_READ_MAX: complete, "
	    "parses (%zu bytes)", n);
	st = fmt_journal(&j, &ev, &ctx);
	ok(st == FMT_TOO_LONG ? j.count == 0 : j.count == 1 + 30 + 3,
	    "journal fields: all or none");
	ok(fmt_control_kv(buf, FMT_LINE_MAX, &c, &ctx, &n) == FMT_TOO_LONG,
	    "hostile control texts: kv in FMT_LINE_MAX is FMT_TOO_LONG");
	memset(buf, CANARY, sizeof(buf));
	st = fmt_control_json(buf, FMT_CONTROL_JSON_MAX, &c, &ctx, &n);
	ok((st == FMT_OK ? json_parses(buf) : buf[0] == '\0') &&
	    (uint8_t)buf[FMT_CONTROL_JSON_MAX] == CANARY,
	    "JSON in FMT_CONTROL_JSON_MAX: whole or nothing, not past it");
	ok(fmt_control_kv(buf, FMT_READ_MAX, &c, &ctx, &n) == FMT_OK &&
	    fmt_control_json(buf, FMT_READ_MAX, &c, &ctx, &n) == FMT_OK &&
	    json_parses(buf), "complete in FMT_READ_MAX");
	ok(fmt_control_journal(&j, &c, &ctx) == FMT_TOO_LONG && j.count == 0,
	    "control journal fields: none");
	memset(buf, CANARY, sizeof(buf));
	ok(fmt_kv(buf, 1, &ev, &ctx, &n) == FMT_TOO_LONG && buf[0] == '\0' &&
	    (uint8_t)buf[1] == CANARY && fmt_kv(buf, 0, &ev, &ctx, NULL) ==
	    FMT_TOO_LONG, "buffers of 1 and 0 bytes");
}

int
main(void)
{
	test_table();
	test_proof();
	test_writer();
	test_at_limits();
	test_hostile();
	return done_testing();
}
