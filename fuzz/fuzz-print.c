/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-print: libFuzzer target for the round trip an archive line makes
 * through lastcomm-ng: line -> entry (jsonline_parse(), else
 * rulebase_parse(), as a source tells the kinds apart) -> every printer
 * (lastcomm, with and without -p and --pid; long, with and without the
 * host column; kv; json; csv), --summary and --verify, each writing to a
 * memory stream as main.c's take_entry() has them do.
 *
 * The input is the line.  Checked on every message it gives:
 *  - every output is bounded: a printed record is one line, newline
 *    ended, shorter than print.c's line buffer (FMT_READ_MAX), with no
 *    NUL; the reports of --summary and --verify are bounded too;
 *  - kv output is the entry's kv line, and reads back through the
 *    rulebase (behind an rsyslog header) into the same kv line;
 *  - json output is strict JSON and reads back through jsonline_parse()
 *    into the same kv line;
 *  - csv output is the header and one row of as many RFC 4180 fields;
 *  - what is meant for people (lastcomm, long, csv, --summary,
 *    --verify) is valid UTF-8 with no control character but its
 *    newlines: no C0, DEL, C1 (U+0080..U+009F) nor bidi control
 *    (U+202A..U+202E, U+2066..U+2069), and no CSV field starts with a
 *    spreadsheet formula's first character (= + - @ tab CR).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "format.h"
#include "harness.h"
#include "jsonline.h"
#include "names.h"
#include "print.h"
#include "rulebase.h"
#include "summary.h"
#include "verify.h"

#define REPORT_MAX	(64 * 1024)	/* --summary, --verify of one message */
#define CSV_FIELDS	25
#define HEADER		"Nov 21 07:30:12 web01 acct2syslog[1]: "
#define RULEBASE_LINE_MAX 8192		/* rulebase.c refuses longer lines */

struct output {
	char		*text;
	size_t		len;
	FILE		*f;
};

static struct names *names;
static struct jsonline *json_parser;
static struct rulebase *rules;

/* A memory stream to print into. */
static void _nocov_
output_open(struct output *o)
{
	o->text = NULL;
	o->len = 0;
	if ((o->f = open_memstream(&o->text, &o->len)) == NULL)
		abort();
}

/* Its text, which may not hold a NUL. */
static void _nocov_
output_close(struct output *o)
{
	check(fflush(o->f) == 0 && !ferror(o->f));
	if (fclose(o->f) != 0)
		abort();
	check(memchr(o->text, '\0', o->len) == NULL);
}

/* What people read: valid UTF-8, no control but newlines. */
static void _nocov_
check_human(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + len;

	check(harness_utf8_valid(s, len));
	for (; p < end; p++) {
		check(*p >= 0x20 || *p == '\n');
		check(*p != 0x7f);
		/* U+0080..U+009F are C2 80..C2 9F. */
		check(!(p[0] == 0xc2 && p + 1 < end && p[1] >= 0x80 &&
		    p[1] <= 0x9f));
		/* U+202A..U+202E: E2 80 AA..AE; U+2066..U+2069: E2 81
		 * A6..A9. */
		check(!(p[0] == 0xe2 && p + 2 < end && p[1] == 0x80 &&
		    p[2] >= 0xaa && p[2] <= 0xae));
		check(!(p[0] == 0xe2 && p + 2 < end && p[1] == 0x81 &&
		    p[2] >= 0xa6 && p[2] <= 0xa9));
	}
}

/* One printed record: one line, bounded. */
static void _nocov_
check_record_line(const struct output *o)
{
	check(o->len > 0 && o->len < FMT_READ_MAX);
	check(o->text[o->len - 1] == '\n');
	check(memchr(o->text, '\n', o->len) == o->text + o->len - 1);
}

/* The printers' context of e, as take_entry() in main.c makes it: the
 * names and host the entry came with. */
static struct query_context _nocov_
context_of(const struct entry *e)
{
	struct query_context ctx = { .names = names };

	ctx.stream = e->ctx.stream;
	ctx.seq = e->ctx.seq;
	if (e->names_given) {
		ctx.names_given = true;
		ctx.user = e->ctx.user;
		ctx.group = e->ctx.group;
		ctx.tty = e->ctx.tty;
		ctx.host = e->ctx.host;
	}
	return ctx;
}

/* One record printed in one format (flag: -p, --pid, --utc, hosts). */
static void _nocov_
print_one(const struct entry *e, enum print_format format, bool flag,
    struct output *o)
{
	struct printer p = {
		.format = format, .out = NULL, .utc = flag,
		.show_pid = flag, .show_paging = flag, .show_host = flag,
		.ctx = context_of(e),
	};

	output_open(o);
	p.out = o->f;
	printer_begin(&p);
	printer_record(&p, &e->ev);
	output_close(o);
}

/* The fields of one CSV row (RFC 4180); each checked for formulas. */
static size_t _nocov_
csv_fields(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	size_t n = 0;

	for (;;) {
		char first;

		if (p < end && *p == '"') {
			p++;
			first = p < end ? *p : '\0';
			for (;;) {
				check(p < end);
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						p += 2;
						continue;
					}
					p++;
					break;
				}
				p++;
			}
		} else {
			first = p < end ? *p : '\0';
			while (p < end && *p != ',') {
				check(*p != '"');
				p++;
			}
		}
		check(first == '\0' || strchr("=+-@\t\r", first) == NULL);
		n++;
		if (p == end)
			return n;
		check(*p == ',');
		p++;
	}
}

/* csv output: the header and one row, as many fields each. */
static void _nocov_
check_csv(const struct output *o)
{
	const char *row = memchr(o->text, '\n', o->len);
	size_t header_len;

	check(row != NULL);
	header_len = (size_t)(row - o->text);
	row++;
	check(csv_fields(o->text, header_len) == CSV_FIELDS);
	check(o->len - header_len - 1 > 0 &&
	    o->len - header_len - 1 < FMT_READ_MAX);
	check(o->text[o->len - 1] == '\n');
	check(memchr(row, '\n', o->len - header_len - 1) ==
	    o->text + o->len - 1);
	check(csv_fields(row, (size_t)(o->text + o->len - 1 - row)) ==
	    CSV_FIELDS);
	check_human(o->text, o->len);
}

/* kv output: the entry's kv line, read back by the rulebase. */
static void _nocov_
check_kv(const struct output *o, const struct entry *e, const char *kv)
{
	static char line[sizeof(HEADER) + FMT_READ_MAX];
	static struct entry again;
	char back[FMT_READ_MAX];
	size_t n = o->len - 1;

	check_record_line(o);
	check(n == strlen(kv) && memcmp(o->text, kv, n) == 0);
	if (sizeof(HEADER) - 1 + n > RULEBASE_LINE_MAX)
		return;
	memcpy(line, HEADER, sizeof(HEADER) - 1);
	memcpy(line + sizeof(HEADER) - 1, o->text, o->len);
	check(rulebase_parse(rules, line, sizeof(HEADER) - 1 + o->len,
	    &again) == 1);
	entry_kv(&again, back, sizeof(back));
	check(harness_same_kv(e, kv, back));
}

/* json output: strict JSON, read back by jsonline_parse(). */
static void _nocov_
check_json(const struct output *o, const struct entry *e, const char *kv)
{
	static struct entry again;
	char back[FMT_READ_MAX];

	check_record_line(o);
	check(harness_json_valid(o->text, o->len - 1));
	check(jsonline_parse(json_parser, o->text, o->len, &again) == 1);
	entry_kv(&again, back, sizeof(back));
	check(harness_same_kv(e, kv, back));
}

/* Every printer first (a memory error is the worst finding), then what
 * each wrote. */
static void _nocov_
print_record(const struct entry *e, const char *kv)
{
	enum { LASTCOMM, LASTCOMM_FLAGS, LONG, LONG_FLAGS, KV, JSON, CSV,
	    SUMMARY, N_OUTPUTS };
	static const char *const what[N_OUTPUTS] = { "lastcomm",
	    "lastcomm -p --pid", "long", "long with hosts", "kv", "json",
	    "csv", "--summary" };
	struct query_context ctx = context_of(e);
	struct output o[N_OUTPUTS];
	struct summary *s;

	harness_note("print: the printers, of %s", kv);
	print_one(e, PRINT_LASTCOMM, false, &o[LASTCOMM]);
	print_one(e, PRINT_LASTCOMM, true, &o[LASTCOMM_FLAGS]);
	print_one(e, PRINT_LONG, false, &o[LONG]);
	print_one(e, PRINT_LONG, true, &o[LONG_FLAGS]);
	print_one(e, PRINT_KV, false, &o[KV]);
	print_one(e, PRINT_JSON, false, &o[JSON]);
	print_one(e, PRINT_CSV, false, &o[CSV]);
	if ((s = summary_new()) == NULL || summary_add(s, &e->ev, &ctx) < 0)
		abort();
	output_open(&o[SUMMARY]);
	summary_print(s, names, o[SUMMARY].f);
	output_close(&o[SUMMARY]);
	summary_free(s);

	for (int i = 0; i < N_OUTPUTS; i++) {
		harness_note("print: %s of %s: %.*s", what[i], kv,
		    (int)o[i].len, o[i].text);
		switch (i) {
		case LASTCOMM:
		case LASTCOMM_FLAGS:
		case LONG:
		case LONG_FLAGS:
			check_record_line(&o[i]);
			check_human(o[i].text, o[i].len);
			break;
		case KV:
			check_kv(&o[i], e, kv);
			break;
		case JSON:
			check_json(&o[i], e, kv);
			break;
		case CSV:
			check_csv(&o[i]);
			break;
		case SUMMARY:
			check(o[i].len < REPORT_MAX);
			check_human(o[i].text, o[i].len);
			break;
		}
		free(o[i].text);
	}
}

/* --verify of the message alone: a report people read, bounded. */
static void _nocov_
verify_one(const struct entry *e, const char *kv)
{
	struct verify *v = verify_new();
	struct output o;

	harness_note("print: --verify of %s", kv);
	if (v == NULL || verify_add(v, e) < 0)
		abort();
	output_open(&o);
	check(verify_report(v, o.f) >= 0);
	output_close(&o);
	check(o.len < REPORT_MAX);
	check_human(o.text, o.len);
	free(o.text);
	verify_free(v);
}

int _nocov_
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct entry e;
	char *line = harness_copy(data, size), kv[FMT_READ_MAX];
	int rc;

	if (names == NULL && (names_new(&names) < 0 ||
	    jsonline_new(&json_parser) < 0 ||
	    rulebase_new(harness_rules_dir(), &rules) < 0))
		abort();
	harness_note("print: a line of %zu bytes", size);
	rc = jsonline_parse(json_parser, line, size, &e);
	if (rc == 0)
		rc = rulebase_parse(rules, line, size, &e);
	free(line);
	if (rc != 1)
		return 0;
	harness_check_entry(&e);
	entry_kv(&e, kv, sizeof(kv));
	if (e.is_record)
		print_record(&e, kv);
	verify_one(&e, kv);
	return 0;
}
