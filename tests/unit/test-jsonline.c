/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-jsonline: JSON lines back into entries.  The real formatter is the
 * oracle: a record or control event written by fmt_json() or
 * fmt_control_json() must parse back into an entry whose kv line is what
 * fmt_kv() or fmt_control_kv() write for it, byte for byte.  The scanner
 * and libfastjson must agree on every line the scanner takes, so
 * jsonline.c is included here to reach parse_fallback().
 */
#include "../../lastcomm-ng/jsonline.c"

#include "mkrec.h"
#include "tap.h"

#define STREAM	"0123456789abcdef0123456789abcdef"

/* xorshift64*: the same numbers on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned
rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A C string of up to max bytes, each 1..255, some plain. */
static void
rnd_text(char *dst, size_t max)
{
	size_t n = rnd_below((unsigned)max + 1);

	for (size_t i = 0; i < n; i++)
		dst[i] = (char)(rnd_below(3) == 0 ? 'a' + rnd_below(26) :
		    1 + rnd_below(255));
	dst[n] = '\0';
}

static struct jsonline *js;
static struct entry ent;

/* Parse line (n bytes) with the scanner, as jsonline_parse() does, and
 * with libfastjson; both must give want_rc, and for 1 the kv line want;
 * but libfastjson, which reads integers as int64, -EBADMSG when the line
 * has a number of ours above INT64_MAX (huge).  Returns true when all is
 * well; why in *why otherwise. */
static bool
check_huge(const char *line, size_t n, int want_rc, const char *want,
    bool huge, const char **why)
{
	char got[FMT_LINE_MAX];
	int rc;

	rc = jsonline_parse(js, line, n, &ent);
	if (rc != want_rc) {
		*why = "jsonline_parse() return";
		return false;
	}
	if (rc == 1) {
		entry_kv(&ent, got, sizeof(got));
		if (strcmp(got, want) != 0) {
			*why = "kv line";
			return false;
		}
	}
	rc = parse_fallback(js, line, n, &ent);
	if (huge && want_rc == 1)
		want_rc = -EBADMSG;
	if (rc != want_rc) {
		*why = "libfastjson return";
		return false;
	}
	if (rc == 1) {
		entry_kv(&ent, got, sizeof(got));
		if (strcmp(got, want) != 0) {
			*why = "libfastjson kv line";
			return false;
		}
	}
	return true;
}

static bool
check_line(const char *line, size_t n, int want_rc, const char *want,
    const char **why)
{
	return check_huge(line, n, want_rc, want, false, why);
}

/* Does the scanner take the line itself (no libfastjson)? */
static bool
scanner_takes(const char *line, size_t n)
{
	struct scan s = { js, line, line + n, NULL };

	if (n == 0 || line[0] != '{')
		return false;
	collect_reset(js);
	return scan_object(&s, SCHEMA_SEC_ROOT, 1) == 0 && s.p == s.end;
}

/* A random record of a version, as acct_decode() gives it from any
 * bytes: every field at values from plain to absurd. */
static void
rnd_record(unsigned version, struct acct_event *ev)
{
	static const unsigned ahz[] = { 100, 64, 1000, 1024, 1 };
	uint8_t rec[64];

	for (;;) {
		for (size_t i = 0; i < sizeof(rec); i++)
			rec[i] = (uint8_t)rnd();
		rec[1] = (uint8_t)(version | (rnd() & 1 ? 0x80 : 0));
		if (rnd_below(2) == 0 && version == 3) {
			/* Half of v3 plain, as the kernel writes them. */
			mkrec_v3(rec, rnd() & 1, (uint32_t)rnd(), "");
			for (int i = 0; i < 16; i++)
				rec[48 + i] = (uint8_t)(i < (int)rnd_below(17) ?
				    1 + rnd_below(255) : 0);
		}
		if (acct_decode(rec, sizeof(rec), ahz[rnd_below(5)], ev) > 0)
			return;
	}
}

static const char *const name_pool[] = {
	"root", "alice", "www-data", "a\"b\\c", "#x#", "\x01\x7f\xff",
	"\xc3\xa9t\xc3\xa9", "pts/3", "[136,7]", "0123456789012345678901234567",
};

static const char *
rnd_name(void)
{
	unsigned i = rnd_below(sizeof(name_pool) / sizeof(name_pool[0]) + 2);

	return i < sizeof(name_pool) / sizeof(name_pool[0]) ? name_pool[i] :
	    NULL;
}

/* One record in JSON and kv: the round trip; false with a diagnosis
 * (unless quiet). */
static bool
round_trip_quiet(const struct acct_event *ev, const struct fmt_context *ctx,
    bool quiet)
{
	char json[FMT_JSON_MAX], want[FMT_LINE_MAX];
	const char *why = NULL;
	size_t n;

	fmt_kv(want, sizeof(want), ev, ctx, NULL);
	fmt_json(json, sizeof(json), ev, ctx, &n);
	if (!check_huge(json, n, 1, want, ctx->stream && ctx->seq > INT64_MAX,
	    &why) ||
	    !(why = "the scanner", scanner_takes(json, n))) {
		char got[FMT_LINE_MAX];

		if (quiet)
			return false;
		entry_kv(&ent, got, sizeof(got));
		diag("%s differs for %s", why, json);
		diag("want %s", want);
		diag("got  %s", got);
		return false;
	}
	return true;
}

static bool
round_trip_record(const struct acct_event *ev, const struct fmt_context *ctx)
{
	return round_trip_quiet(ev, ctx, false);
}

/* Beyond what the entry keeps exactly: an end past 9999-12-31 (where
 * timefmt stops), or an elapsed time over 2^50 us (kept as a double of
 * milliseconds).  Only garbage in a record gives these. */
static bool
extreme(const struct acct_event *ev)
{
	uint64_t elapsed = acct_elapsed_us(ev);

	return elapsed > (UINT64_C(1) << 50) ||
	    (uint64_t)ev->start_time * 1000000 + elapsed >=
	    UINT64_C(253402300800000000);
}

static void
test_records(void)
{
	char host[NAMES_MAX + 1];
	bool extremes_good = true;
	int extremes = 0;

	for (unsigned version = 0; version <= 3; version++)
		for (int named = 0; named <= 1; named++) {
			bool good = true;
			int i;

			for (i = 0; i < 5000 && good; i++) {
				struct acct_event ev;
				struct fmt_context ctx = { 0 };

				rnd_record(version, &ev);
				if (named) {
					ctx.user = rnd_name();
					ctx.group = rnd_name();
					ctx.tty = rnd_name();
				}
				if (rnd() & 1) {
					rnd_text(host, 16);
					ctx.host = host;
				}
				if (rnd() & 1) {
					ctx.stream = STREAM;
					ctx.seq = rnd() >> rnd_below(64);
				}
				if (extreme(&ev)) {
					extremes++;
					if (!round_trip_quiet(&ev, &ctx,
					    !extremes_good))
						extremes_good = false;
					continue;
				}
				good = round_trip_record(&ev, &ctx);
			}
			ok(good, "v%u records %s names: JSON back to the same "
			    "kv line (%d)", version, named ? "with" : "without",
			    i);
		}
	todo_start("entry_end() takes the elapsed time from end_time (clamped "
	    "at 9999) as a double of ms");
	ok(extremes_good, "records ending past 9999 or lasting over 2^50 us "
	    "come back");
	todo_end();
	diag("%d such records among the random ones", extremes);
}

static void
test_every_byte(void)
{
	struct acct_event ev;
	char name[8], host[8];
	struct fmt_context ctx = { .user = name,
	    .group = name, .tty = name, .host = host, .stream = STREAM,
	    .seq = 1 };
	bool good = true;
	uint8_t rec[64];

	mkrec_v3(rec, false, 4242, "bash");
	acct_decode(rec, sizeof(rec), 100, &ev);
	for (unsigned c = 1; c < 256 && good; c++) {
		memcpy(ev.comm, (char[]){ 'a', (char)c, (char)c, 'z' }, 4);
		ev.comm_len = 4;
		snprintf(name, sizeof(name), "u%c%c", c, c);
		snprintf(host, sizeof(host), "%ch", c);
		good = round_trip_record(&ev, &ctx);
	}
	ok(good, "every byte 1..255 in command, user, group, tty and host names");
}

/* A control event of kind with the optional members has says. */
static bool
round_trip_control(const struct fmt_control *c, const struct fmt_context *ctx)
{
	char json[FMT_CONTROL_JSON_MAX], want[FMT_LINE_MAX];
	const char *why = NULL;
	size_t n;

	bool huge = (ctx->stream && ctx->seq > INT64_MAX) ||
	    (c->has & FMT_HAS_OFFSET && c->offset > INT64_MAX) ||
	    (c->has & FMT_HAS_BYTES && c->bytes > INT64_MAX) ||
	    (c->has & FMT_HAS_RECORDS && c->records > INT64_MAX) ||
	    (c->has & FMT_HAS_SEQ_RANGE && (c->seq_from > INT64_MAX ||
	    c->seq_to > INT64_MAX));

	fmt_control_kv(want, sizeof(want), c, ctx, NULL);
	fmt_control_json(json, sizeof(json), c, ctx, &n);
	if (!check_huge(json, n, 1, want, huge, &why) ||
	    !(why = "the scanner", scanner_takes(json, n)) ||
	    !(why = "priority", ent.c.priority == c->priority)) {
		char got[FMT_LINE_MAX];

		entry_kv(&ent, got, sizeof(got));
		diag("%s differs for %s", why, json);
		diag("want %s", want);
		diag("got  %s", got);
		return false;
	}
	return true;
}

static void
test_controls(void)
{
	char message[200], file[200], new_file[200], host[NAMES_MAX + 1];

	for (int kind = 0; kind < FMT_CONTROL_COUNT; kind++) {
		bool good = true;
		int i;

		for (i = 0; i < 1000 && good; i++) {
			struct fmt_control c = {
				.kind = (enum fmt_control_kind)kind,
				.priority = (int)rnd_below(8),
				.time_us = rnd() % 253402300800000000ULL,
				.has = (unsigned)rnd_below(32),
				.offset = rnd() >> rnd_below(64),
				.bytes = rnd() >> rnd_below(64),
				.records = rnd() >> rnd_below(64),
				.seq_from = rnd() >> rnd_below(64),
				.seq_to = rnd() >> rnd_below(64),
				.free_percent = rnd_below(101),
			};
			struct fmt_context ctx = { 0 };

			/* Plain words, or up to 140 bytes of anything
			 * (cut to 128 by the formatter). */
			if (rnd() & 1) {
				rnd_text(message, rnd() & 1 ? 20 : 140);
				c.message = message;
			}
			if (rnd() & 1) {
				rnd_text(file, rnd() & 1 ? 20 : 140);
				c.file = file;
			}
			if (rnd() & 1) {
				rnd_text(new_file, rnd() & 1 ? 20 : 140);
				c.new_file = new_file;
			}
			if (rnd() & 1) {
				rnd_text(host, 16);
				ctx.host = host;
			}
			if (rnd() & 1) {
				ctx.stream = STREAM;
				ctx.seq = rnd() >> rnd_below(64);
			}
			good = round_trip_control(&c, &ctx);
		}
		ok(good, "%s: JSON back to the same kv line and priority, "
		    "optional fields set or not (%d)", fmt_control_name(kind),
		    i);
	}
}

/* A sample record's JSON and kv lines. */
static void
sample(char *json, size_t json_size, char *kv, size_t *ret_len)
{
	struct fmt_context ctx = { .host = "web01", .stream = STREAM,
	    .seq = 7, .user = "alice", .group = "staff",
	    .tty = "pts/3" };
	struct acct_event ev;
	uint8_t rec[64];

	mkrec_v3(rec, false, 4242, "ba/sh\"\\#");
	acct_decode(rec, sizeof(rec), 100, &ev);
	fmt_json(json, json_size, &ev, &ctx, ret_len);
	fmt_kv(kv, FMT_LINE_MAX, &ev, &ctx, NULL);
}

/* Replace the first from in s (a NUL-terminated line) by to. */
static bool
replace(char *s, size_t size, const char *from, const char *to)
{
	char *p = strstr(s, from);
	size_t n = strlen(from), m = strlen(to), len = strlen(s);

	if (p == NULL || len - n + m >= size)
		return false;
	memmove(p + m, p + n, len - (size_t)(p - s) - n + 1);
	memcpy(p, to, m);
	return true;
}

/* As Python's json.dumps() separates: ", " and ": " (outside strings). */
static void
spaced(char *dst, const char *src)
{
	bool in_string = false;

	for (; *src; src++) {
		*dst++ = *src;
		if (in_string) {
			if (*src == '\\')
				*dst++ = *++src;
			else if (*src == '"')
				in_string = false;
		} else if (*src == '"')
			in_string = true;
		else if (*src == ',' || *src == ':')
			*dst++ = ' ';
	}
	*dst = '\0';
}

static void
test_unusual(void)
{
	char json[FMT_JSON_MAX], kv[FMT_LINE_MAX], line[2 * FMT_JSON_MAX];
	const char *why = "";
	struct fjson_object *o;
	size_t n;

	sample(json, sizeof(json), kv, &n);
	ok(check_line(json, n, 1, kv, &why) && scanner_takes(json, n),
	    "a sample record: the scanner reads it");

	spaced(line, json);
	ok(scanner_takes(line, strlen(line)) &&
	    check_line(line, strlen(line), 1, kv, &why),
	    "\", \" and \": \" as Python writes them: the scanner reads it too");

	/* libfastjson's own writing: spaces, "\/". */
	o = fjson_tokener_parse(json);
	snprintf(line, sizeof(line), "%s", fjson_object_to_json_string_ext(o,
	    FJSON_TO_STRING_SPACED));
	fjson_object_put(o);
	ok(strstr(line, "\\/") && !scanner_takes(line, strlen(line)) &&
	    check_line(line, strlen(line), 1, kv, &why),
	    "as libfastjson writes it (spaces, \\/): the same");
#define VARIANT(from, to, desc) do {					\
	snprintf(line, sizeof(line), "%s", json);			\
	if (!ok(replace(line, sizeof(line), from, to) &&		\
	    check_line(line, strlen(line), 1, kv, &why), desc))		\
		diag("%s: %s", why, line);				\
} while (0)
	VARIANT("\"ba", "\"\\u0062a", "\\u escapes undone");
	VARIANT("\"elapsed\":1.500", "\"elapsed\":1.5",
	    "seconds without three decimals (1.5): 1.500");
	VARIANT("\"cpu_sys\":0.030", "\"cpu_sys\":0.03",
	    "seconds without three decimals (0.03): 0.030");
	VARIANT("\"cpu_sys\":0.030", "\"cpu_sys\":3e-2",
	    "seconds with an exponent: 0.030");
	VARIANT("\"mem_kib\":2048", "\"mem_kib\":2048,\"mem_kib\":2048",
	    "a member twice with the same value");
	VARIANT("{\"@timestamp\"", " \t{ \"@timestamp\" ",
	    "white space around");
	VARIANT("\"schema\":1}}", "\"schema\":1,\"future\":[1,{\"x\":null}],"
	    "\"flag\":true,\"n\":2.5,\"s\":\"x\"},"
	    "\"agent\":{\"type\":\"filebeat\"}}",
	    "members we do not know are read over");
	VARIANT("\"pid\":4242", "\"pid\":null,\"pid\":4242",
	    "null, then the value: the last one counts");
	snprintf(line, sizeof(line), "%s\r\n", json);
	ok(check_line(line, strlen(line), 1, kv, &why), "CRLF at the end");
}

static void
test_not_ours(void)
{
	static const char *const lines[] = {
		"",
		"   ",
		"Nov 14 23:24:03 web01 acct2syslog: event=\"process_end\"",
		"<14>1 2023-11-14T23:24:03Z web01 acct2syslog - - - x",
		"{}",
		"{\"message\":\"hello\"}",
		"{\"message\":\"acct\",\"log\":{\"level\":\"info\"}}",
		"{\"acct\":1}",
		"{\"acct\":[1,2]}",
		"{\"event\":{\"acct\":{}}}",
		"[{\"acct\":{}}]",
		"{\"msg\":\"unfinished",
		"{not json at all",
		"x{\"acct\":{}}",
	};
	bool good = true;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int rc = jsonline_parse(js, lines[i], strlen(lines[i]), &ent);

		if (rc != 0) {
			diag("%d for %s", rc, lines[i]);
			good = false;
		}
	}
	ok(good, "lines that are not ours: 0");
}

static void
test_broken(void)
{
	static const struct {
		const char *from, *to, *desc;
	} breaks[] = {
		{ "\"pid\":4242", "\"pid\":\"x\"", "a pid that is no number" },
		{ "\"pid\":4242", "\"pid\":-1", "a negative pid" },
		{ "\"pid\":4242", "\"pid\":4294967296", "a pid over 32 bits" },
		{ "\"core_dumped\":false", "\"core_dumped\":\"maybe\"",
		    "core_dumped neither true nor false" },
		{ "\"name\":\"ba/sh", "\"nom\":\"ba/sh",
		    "no process.name" },
		{ "\"start\":", "\"begin\":", "no event.start" },
		{ "\"acct_version\":3", "\"event\":\"gap\",\"acct_version\":3",
		    "acct.event disagrees with event.action" },
		{ "\"@timestamp\":\"2023-11-14T23:24:03",
		    "\"@timestamp\":\"2023-11-14T23:24:04",
		    "@timestamp disagrees with event.end" },
		{ "\"action\":\"process_end\"", "\"action\":\"process_begin\"",
		    "an event we do not know" },
		{ "\"action\":\"process_end\"", "\"kind2\":\"process_end\"",
		    "no event" },
		{ "2023-11-14T23:24:02", "2023-13-14T23:24:02",
		    "month 13" },
		{ "\"flags\":\"su\"", "\"flags\":\"su,sudo\"", "a flag unknown" },
		{ "\"elapsed\":1.500", "\"elapsed\":-1.5", "negative seconds" },
		{ "\"name\":\"ba/sh", "\"name\":\"ba/sh#9", "a bad #ooo escape" },
		{ "\"signal\":0", "\"signal\":0,", "a trailing comma" },
		{ "\"schema\":1}}", "\"schema\":1}", "a brace missing" },
		{ "\"schema\":1}}", "\"schema\":1}}}", "a brace too many" },
		{ "\"schema\":1}}", "\"schema\":1}} x", "garbage after" },
		{ "\"schema\":1}}", "\"schema\":1}}{}", "two objects" },
		{ "\"signal\":0", "\"signal\":0 0", "two values" },
		{ "\"signal\":0", "\"signal\":01", "a leading zero" },
		{ "\"signal\":0", "\"signal\":tru", "a bad literal" },
		{ "\"signal\":0", "\"signal\":\"\\x\"", "a bad escape" },
	};
	char json[FMT_JSON_MAX], kv[FMT_LINE_MAX], line[2 * FMT_JSON_MAX];
	const char *why = "", *end;
	bool good = true;
	size_t n;

	sample(json, sizeof(json), kv, &n);
	for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		snprintf(line, sizeof(line), "%s", json);
		if (!replace(line, sizeof(line), breaks[i].from,
		    breaks[i].to) ||
		    !check_line(line, strlen(line), -EBADMSG, NULL, &why)) {
			diag("%s: %s (%s)", breaks[i].desc, why, line);
			good = false;
		}
	}
	ok(good, "broken lines of ours: -EBADMSG, from the scanner and "
	    "libfastjson alike");

	/* Every prefix: ours once it names its event. */
	good = true;
	end = strstr(json, "\"action\":\"process_end\"") +
	    strlen("\"action\":\"process_end\"");
	for (size_t len = 0; len < n; len++) {
		int want = json + len >= end ? -EBADMSG : 0;

		if (!check_line(json, len, want, NULL, &why)) {
			diag("prefix of %zu bytes: %s", len, why);
			good = false;
		}
	}
	ok(good, "every cut of a line: -EBADMSG once it names process_end, "
	    "else 0");
}

/* Random damage: never a crash, an answer in {1, 0, -EBADMSG}, and the
 * scanner and libfastjson agree wherever the scanner answers. */
static void
test_damage(void)
{
	char json[FMT_JSON_MAX], kv[FMT_LINE_MAX], line[FMT_JSON_MAX + 64];
	char got[FMT_LINE_MAX], fallback[FMT_LINE_MAX];
	bool good = true, agree = true;
	int counts[3] = { 0 };
	size_t n;

	sample(json, sizeof(json), kv, &n);
	for (int i = 0; i < 200000; i++) {
		size_t len = n;
		int rc, rc2, damage = 1 + (int)rnd_below(3);

		memcpy(line, json, n);
		while (damage-- > 0) {
			size_t at = rnd_below((unsigned)len);

			switch (rnd_below(3)) {
			case 0:
				line[at] = (char)rnd();
				break;
			case 1:
				memmove(line + at, line + at + 1, len - at - 1);
				len--;
				break;
			default:
				if (len < sizeof(line)) {
					memmove(line + at + 1, line + at,
					    len - at);
					line[at] = "{}[]\",:\\0.-e "[rnd_below(14)];
					len++;
				}
				break;
			}
		}
		rc = jsonline_parse(js, line, len, &ent);
		if (rc != 1 && rc != 0 && rc != -EBADMSG) {
			good = false;
			diag("%d for %.*s", rc, (int)len, line);
		}
		counts[rc == 1 ? 0 : rc == 0 ? 1 : 2]++;
		if (rc == 1)
			entry_kv(&ent, got, sizeof(got));
		if (!scanner_takes(line, len))
			continue;
		rc2 = parse_fallback(js, line, len, &ent);
		if (rc2 == 1)
			entry_kv(&ent, fallback, sizeof(fallback));
		if (rc != rc2 || (rc == 1 && strcmp(got, fallback) != 0)) {
			if (agree)
				diag("scanner %d, libfastjson %d: %.*s", rc, rc2,
				    (int)len, line);
			agree = false;
		}
	}
	ok(good, "200000 damaged lines: 1, 0 or -EBADMSG (%d, %d, %d)",
	    counts[0], counts[1], counts[2]);
	ok(agree, "the scanner and libfastjson agree on every line the "
	    "scanner reads");
}

static void
test_long(void)
{
	static char line[70000], x[60001];
	char json[FMT_JSON_MAX], kv[FMT_LINE_MAX];
	const char *why = "";
	size_t n;

	sample(json, sizeof(json), kv, &n);
	/* A process name far longer than any entry holds. */
	memset(x, 'x', sizeof(x) - 1);
	snprintf(line, sizeof(line), "%s", json);
	ok(replace(line, sizeof(line), "ba/sh", x) &&
	    check_line(line, strlen(line), -EBADMSG, NULL, &why),
	    "a 60000-byte process name: -EBADMSG");
	/* Nested deeper than the scanner goes, and than libfastjson. */
	memset(line, '[', 40);
	snprintf(line + 40, sizeof(line) - 40, "%s", json);
	ok(jsonline_parse(js, line, strlen(line), &ent) == 0,
	    "a line that is not an object: 0");
	snprintf(line, sizeof(line), "{\"acct\":{}, \"x\":");
	for (int i = 0; i < 100; i++)
		strcat(line, "[");
	for (int i = 0; i < 100; i++)
		strcat(line, "]");
	strcat(line, "}");
	ok(jsonline_parse(js, line, strlen(line), &ent) == -EBADMSG,
	    "100 arrays deep: -EBADMSG (libfastjson's limit)");
}

int
main(void)
{
	if (jsonline_new(&js) < 0) {
		printf("Bail out! jsonline_new\n");
		return 99;
	}
	test_records();
	test_every_byte();
	test_controls();
	test_unusual();
	test_not_ours();
	test_broken();
	test_damage();
	test_long();
	jsonline_free(js);
	return done_testing();
}
