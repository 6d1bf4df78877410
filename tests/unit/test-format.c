/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-format: the three encodings of the message schema.  JSON output is
 * read back with libfastjson, an independent parser.
 */
#include "config.h"

#include <json.h>
#include <pwd.h>

#include "escape.h"
#include "format.h"
#include "mkrec.h"
#include "tap.h"

#define STREAM	"0123456789abcdef0123456789abcdef"

static struct acct_event
sample(void)
{
	uint8_t rec[64];
	struct acct_event ev;

	mkrec_v3(rec, false, 4242, "bash");
	acct_decode(rec, sizeof(rec), 100, &ev);
	return ev;
}

/* The value of key in a kv line, unescaped; its length or -1. */
static ssize_t
kv_value(const char *line, const char *key, uint8_t *out)
{
	char pat[64];
	const char *s, *e;

	snprintf(pat, sizeof(pat), " %s=\"", key);
	if ((s = strstr(line, pat)) == NULL) {
		snprintf(pat, sizeof(pat), "%s=\"", key);
		if (strncmp(line, pat, strlen(pat)) != 0)
			return -1;
		s = line;
		s += strlen(pat);
	} else
		s += strlen(pat);
	for (e = s; *e && *e != '"'; e++)
		if (*e == '\\' && e[1])
			e++;
	return esc_unescape(out, s, (size_t)(e - s), ESC_QUOTED);
}

static struct fjson_object *
get(struct fjson_object *o, const char *path)
{
	char buf[128], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, ".", &save); p && o; p = strtok_r(NULL, ".", &save))
		if (!fjson_object_object_get_ex(o, p, &o))
			return NULL;
	return o;
}

static void
test_kv(void)
{
	struct acct_event ev = sample();
	struct fmt_context ctx = { .host = "web01", .stream = STREAM, .seq = 7 };
	char line[FMT_LINE_MAX];

	fmt_kv(line, sizeof(line), &ev, &ctx, NULL);
	is_str(line,
	    "event=\"process_end\" process_name=\"bash\" process_id=4242 "
	    "parent_process_id=4241 user_id=1000 group_id=100 exit_code=1 "
	    "signal=0 core_dumped=0 flags=\"su\" "
	    "start_time=\"2023-11-14T23:24:02.000000Z\" "
	    "end_time=\"2023-11-14T23:24:03.500000Z\" elapsed=1.500 "
	    "cpu_user=0.120 cpu_sys=0.030 mem_kib=2048 minflt=0 majflt=0 "
	    "io_chars=0 io_blocks=0 swaps=0 acct_version=3 host=\"web01\" "
	    "stream=\"" STREAM "\" seq=7 event_id=\"" STREAM ":7\" schema=1",
	    "kv line of a sample record, field for field");

	ctx = (struct fmt_context){ 0 };
	ev.has_pid = false;
	fmt_kv(line, sizeof(line), &ev, &ctx, NULL);
	ok(strstr(line, "process_id") == NULL && strstr(line, "host=") == NULL &&
	    strstr(line, "stream=") == NULL && strstr(line, "seq=") == NULL,
	    "absent pid, host and stream are left out");
}

static void
test_names(void)
{
	struct acct_event ev = sample();
	struct fmt_context ctx = { 0 };
	struct passwd *pw = getpwuid(0);
	char line[FMT_LINE_MAX], want[256];
	struct names *names;

	if (names_new(&names) < 0 || pw == NULL) {
		skip(1, "no names");
		return;
	}
	ev.uid = ev.gid = 0;
	/* The caller resolves the names (the formatter is pure). */
	ctx.user = names_user(names, ev.uid);
	ctx.group = names_group(names, ev.gid);
	ctx.tty = names_tty(names, ev.tty);
	fmt_kv(line, sizeof(line), &ev, &ctx, NULL);
	snprintf(want, sizeof(want), " user=\"%s\" user_id=0 group=\"", pw->pw_name);
	ok(strstr(line, want) && strstr(line, "\" group_id=0 tty=\"pts/3\" exit_code=1"),
	    "names stand before their ids, tty after the group");
	names_free(names);
}

static void
test_every_byte(void)
{
	struct fmt_context ctx = { 0 };
	struct acct_event ev = sample();
	char line[FMT_LINE_MAX], json[FMT_JSON_MAX];
	bool kv_good = true, json_good = true;

	for (unsigned c = 1; c < 256; c++) {
		uint8_t got[64];
		struct fjson_object *o, *name;
		const char *s;

		/* The byte alone, and between others, as the kernel may
		 * hand it over. */
		memset(ev.comm, 0, sizeof(ev.comm));
		ev.comm[0] = 'a';
		ev.comm[1] = (char)c;
		ev.comm[2] = (char)c;
		ev.comm[3] = 'z';
		ev.comm_len = 4;
		fmt_kv(line, sizeof(line), &ev, &ctx, NULL);
		if (kv_value(line, "process_name", got) != 4 ||
		    memcmp(got, ev.comm, 4) != 0) {
			diag("kv: byte %#x lost", c);
			kv_good = false;
		}
		fmt_json(json, sizeof(json), &ev, &ctx, NULL);
		o = fjson_tokener_parse(json);
		name = o ? get(o, "process.name") : NULL;
		s = name ? fjson_object_get_string(name) : NULL;
		if (s == NULL || esc_unescape(got, s, strlen(s), 0) != 4 ||
		    memcmp(got, ev.comm, 4) != 0) {
			diag("json: byte %#x lost: %s", c, json);
			json_good = false;
		}
		fjson_object_put(o);
	}
	ok(kv_good, "every byte 1..255 in a command name comes back from kv");
	ok(json_good, "every byte 1..255 in a command name comes back from JSON");
}

static void
test_json(void)
{
	struct acct_event ev = sample();
	struct fmt_context ctx = { .host = "web01", .stream = STREAM, .seq = 7 };
	char json[FMT_JSON_MAX];
	struct fjson_object *o, *v;

	fmt_json(json, sizeof(json), &ev, &ctx, NULL);
	o = fjson_tokener_parse(json);
	if (!ok(o != NULL, "JSON parses"))
		diag("%s", json);
#define STR(path, want) do {						\
	v = get(o, path);						\
	is_str(v ? fjson_object_get_string(v) : NULL, want, "JSON %s", path); \
} while (0)
#define INT(path, want) do {						\
	v = get(o, path);						\
	ok(v && fjson_object_is_type(v, fjson_type_int) &&		\
	    fjson_object_get_int64(v) == (want), "JSON %s = %lld", path,	\
	    (long long)(want));						\
} while (0)
#define DBL(path, want) do {						\
	v = get(o, path);						\
	ok(v && fjson_object_get_double(v) == (want), "JSON %s = %g", path, \
	    (double)(want));						\
} while (0)
	STR("@timestamp", "2023-11-14T23:24:03.500000Z");
	STR("event.kind", "event");
	STR("event.action", "process_end");
	STR("event.id", STREAM ":7");
	STR("event.start", "2023-11-14T23:24:02.000000Z");
	STR("event.end", "2023-11-14T23:24:03.500000Z");
	INT("event.duration", 1500000000);
	STR("process.name", "bash");
	INT("process.pid", 4242);
	INT("process.parent.pid", 4241);
	INT("process.exit_code", 1);
	STR("user.id", "1000");
	STR("group.id", "100");
	STR("host.name", "web01");
	INT("acct.signal", 0);
	v = get(o, "acct.core_dumped");
	ok(v && fjson_object_is_type(v, fjson_type_boolean) &&
	    !fjson_object_get_boolean(v), "JSON acct.core_dumped is false");
	STR("acct.flags", "su");
	DBL("acct.elapsed", 1.5);
	DBL("acct.cpu_user", 0.12);
	DBL("acct.cpu_sys", 0.03);
	INT("acct.mem_kib", 2048);
	INT("acct.acct_version", 3);
	STR("acct.stream", STREAM);
	INT("acct.seq", 7);
	INT("acct.schema", 1);
	v = get(o, "event.category");
	ok(v && fjson_object_is_type(v, fjson_type_array) &&
	    strcmp(fjson_object_get_string(fjson_object_array_get_idx(v, 0)),
	    "process") == 0, "JSON event.category is [\"process\"]");
	fjson_object_put(o);
}

static void
test_journal(void)
{
	struct acct_event ev = sample();
	struct fmt_context ctx = { .host = "web01", .stream = STREAM, .seq = 7 };
	struct fmt_journal j;
	char line[FMT_LINE_MAX];
	bool names_ok = true, found_name = false, found_id = false;
	bool found_priority = false, found_ident = false, found_msgid = false;

	fmt_kv(line, sizeof(line), &ev, &ctx, NULL);
	fmt_journal(&j, &ev, &ctx);
	ok(j.iov[0].iov_len == 8 + strlen(line) &&
	    memcmp(j.iov[0].iov_base, "MESSAGE=", 8) == 0 &&
	    memcmp((char *)j.iov[0].iov_base + 8, line, strlen(line)) == 0,
	    "MESSAGE is the kv line");
	for (size_t i = 0; i < j.count; i++) {
		const char *f = j.iov[i].iov_base;
		size_t len = j.iov[i].iov_len, k;

		for (k = 0; k < len && f[k] != '='; k++)
			if (!((f[k] >= 'A' && f[k] <= 'Z') || f[k] == '_'))
				names_ok = false;
		if (k == len)
			names_ok = false;
#define IS(s) (len == strlen(s) && memcmp(f, s, len) == 0)
		found_name |= IS("ACCT_PROCESS_NAME=bash");
		found_id |= IS("ACCT_EVENT_ID=" STREAM ":7");
		found_priority |= IS("PRIORITY=6");
		found_ident |= IS("SYSLOG_IDENTIFIER=acct2syslog");
		found_msgid |= IS("MESSAGE_ID=" FMT_MESSAGE_ID_PROCESS_END);
	}
	ok(names_ok, "every journal field is NAME=value with an upper-case name");
	ok(found_name, "ACCT_PROCESS_NAME");
	ok(found_id, "ACCT_EVENT_ID");
	ok(found_priority, "PRIORITY=6 (info)");
	ok(found_ident, "SYSLOG_IDENTIFIER=acct2syslog");
	ok(found_msgid, "MESSAGE_ID of process_end");
	is_uint(j.count, 1 + 27 + 3, "MESSAGE, 27 schema fields (no names given), 3 fixed");
}

static void
test_worst_case(void)
{
	struct acct_event ev = sample();
	char host[65], line[FMT_LINE_MAX], json[FMT_JSON_MAX];
	struct fmt_context ctx = { .host = host, .stream = STREAM,
	    .seq = UINT64_MAX };
	struct fjson_object *o;
	struct names *names;
	size_t n;

	memset(host, '#', 64);
	host[64] = '\0';
	memset(ev.comm, 0x01, 16);
	ev.comm_len = 16;
	ev.pid = ev.ppid = ev.uid = ev.gid = UINT32_MAX;
	ev.exit_code = 255;
	ev.signal = 127;
	ev.flags = 0xff;
	ev.start_time = UINT32_MAX;
	ev.elapsed_ticks = 3e38;
	ev.user_ticks = ev.sys_ticks = ev.mem_kib = ev.io_chars = 8191ULL << 21;
	ev.minflt = ev.majflt = ev.io_blocks = ev.swaps = 8191ULL << 21;
	ev.tty = 143 << 8 | 255;
	if (names_new(&names) < 0)
		return;
	ctx.user = names_user(names, ev.uid);
	ctx.group = names_group(names, ev.gid);
	ctx.tty = names_tty(names, ev.tty);
	fmt_kv(line, sizeof(line), &ev, &ctx, &n);
	ok(n < FMT_LINE_MAX - 1 && strcmp(line + n - 9, " schema=1") == 0,
	    "a record with every field at its largest fits one line (%zu bytes)", n);
	fmt_json(json, sizeof(json), &ev, &ctx, &n);
	o = fjson_tokener_parse(json);
	ok(o != NULL && n < FMT_JSON_MAX, "and its JSON parses (%zu bytes)", n);
	fjson_object_put(o);
	names_free(names);
}

/* Control events: the same schema, read back by libfastjson; strings of
 * any bytes and any length never overflow or break the line. */
static void
test_control(void)
{
	struct fmt_context ctx = { .host = "web01", .stream = STREAM, .seq = 9 };
	struct fmt_control c = {
		.kind = FMT_ROTATION, .priority = 4,
		.time_us = 1700000000123456ULL,
		.message = "rotated \"x\" #1", .file = "/var/log/account/pacct",
		.new_file = "/var/log/account/pacct.0",
		.has = FMT_HAS_OFFSET | FMT_HAS_RECORDS | FMT_HAS_SEQ_RANGE,
		.offset = 6400, .records = 100, .seq_from = 3, .seq_to = 5,
	};
	char line[FMT_LINE_MAX], json[FMT_CONTROL_JSON_MAX], big[4000];
	uint8_t val[FMT_LINE_MAX];
	struct fmt_journal j;
	struct fjson_object *o, *v;
	size_t n;
	ssize_t vn;
	bool ids_distinct = true;

	fmt_control_kv(line, sizeof(line), &c, &ctx, &n);
	is_str(line, "event=\"rotation\" message=\"rotated \\\"x\\\" #0431\" "
	    "file=\"/var/log/account/pacct\" "
	    "new_file=\"/var/log/account/pacct.0\" offset=6400 records=100 "
	    "seq_from=3 seq_to=5 time=\"2023-11-14T22:13:20.123456Z\" "
	    "host=\"web01\" stream=\"" STREAM "\" seq=9 "
	    "event_id=\"" STREAM ":9\" schema=1", "control kv line");
	ok(n == strlen(line), "control kv length");
	vn = kv_value(line, "message", val);
	ok(vn == (ssize_t)strlen(c.message) &&
	    memcmp(val, c.message, (size_t)vn) == 0,
	    "control message survives escaping");

	fmt_control_json(json, sizeof(json), &c, &ctx, NULL);
	o = fjson_tokener_parse(json);
	if (!ok(o != NULL, "control JSON parses"))
		diag("%s", json);
	STR("event.action", "rotation");
	STR("event.id", STREAM ":9");
	STR("log.level", "warning");
	STR("message", "rotated \"x\" #0431");	/* # escaped, as in kv */
	STR("acct.file", c.file);
	STR("acct.new_file", c.new_file);
	INT("acct.offset", 6400);
	INT("acct.records", 100);
	INT("acct.seq_from", 3);
	INT("acct.seq_to", 5);
	INT("acct.seq", 9);
	STR("@timestamp", "2023-11-14T22:13:20.123456Z");
	fjson_object_put(o);

	fmt_control_journal(&j, &c, &ctx);
	ok(j.iov[0].iov_len == 8 + n &&
	    memcmp(j.iov[0].iov_base, "MESSAGE=", 8) == 0 &&
	    memcmp((char *)j.iov[0].iov_base + 8, line, n) == 0,
	    "journal MESSAGE is the control kv line");
	ok(j.count > 4 && j.iov[j.count - 3].iov_len == 43 &&
	    memcmp(j.iov[j.count - 3].iov_base,
	    "MESSAGE_ID=1b429b0898e244b9b8508bc778546f94", 43) == 0,
	    "journal MESSAGE_ID of rotation");
	ok(j.iov[j.count - 2].iov_len == 10 &&
	    memcmp(j.iov[j.count - 2].iov_base, "PRIORITY=4", 10) == 0,
	    "journal PRIORITY");

	/* Worst case within the schema's limits: every string as long as
	 * SCHEMA_TEXT_MAX allows, of bytes that escape to 4. */
	memset(big, 0x01, SCHEMA_TEXT_MAX / 4);
	big[SCHEMA_TEXT_MAX / 4] = '\0';
	c.message = c.file = c.new_file = big;
	fmt_control_kv(line, sizeof(line), &c, &ctx, &n);
	ok(n < FMT_LINE_MAX && strlen(line) == n &&
	    strstr(line, " schema=1") != NULL,
	    "worst-case control kv line stays under FMT_LINE_MAX, complete");
	fmt_control_json(json, sizeof(json), &c, &ctx, &n);
	o = fjson_tokener_parse(json);
	ok(o != NULL && n < sizeof(json), "worst-case control JSON parses");
	fjson_object_put(o);
	fmt_control_journal(&j, &c, &ctx);
	ok(j.count <= FMT_JOURNAL_FIELDS, "worst-case journal fields fit");

	/* Beyond them (4000 bytes each): a message is never cut short nor
	 * a field left out; it is refused whole (issue 12: it is evidence). */
	memset(big, 0x01, sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(fmt_control_kv(line, sizeof(line), &c, &ctx, &n) == FMT_TOO_LONG &&
	    n == 0 && line[0] == '\0', "a control kv line too long: "
	    "FMT_TOO_LONG, nothing of it");
	ok(fmt_control_json(json, sizeof(json), &c, &ctx, &n) ==
	    FMT_TOO_LONG && n == 0 && json[0] == '\0',
	    "a control JSON object too long: FMT_TOO_LONG, nothing of it");
	ok(fmt_control_journal(&j, &c, &ctx) == FMT_TOO_LONG && j.count == 0,
	    "control journal fields too long: FMT_TOO_LONG, no fields");

	for (int a = 0; a < FMT_CONTROL_COUNT; a++)
		for (int b = a + 1; b < FMT_CONTROL_COUNT; b++)
			if (strcmp(fmt_control_message_id(a),
			    fmt_control_message_id(b)) == 0)
				ids_distinct = false;
	ok(ids_distinct && fmt_control_name(FMT_CONTROL_COUNT) == NULL,
	    "one MESSAGE_ID per control event");
}

int
main(void)
{
	test_kv();
	test_names();
	test_every_byte();
	test_json();
	test_journal();
	test_worst_case();
	test_control();
	return done_testing();
}
