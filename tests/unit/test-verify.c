/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-verify: --verify finds what is missing, what is duplicated (alike
 * or not), what came out of order, and lists what the forwarder admitted;
 * it keeps memory bounded when seqs are huge or sparse, and is fast.
 * Entries are filled by hand, as entry_end() would leave them.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "format.h"
#include "macro.h"
#include "tap.h"
#include "verify.h"

#define A	"0123456789abcdef0123456789abcdef"
#define B	"fedcba9876543210fedcba9876543210"
#define T0	UINT64_C(1700000000)	/* 2023-11-14T22:13:20Z */

/* The digest of "the" message stream:seq; other content: salt != 0. */
static uint64_t
content(const char *stream, uint64_t seq, uint64_t salt)
{
	uint64_t h = UINT64_C(14695981039346656037) ^ salt;

	for (const char *s = stream; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * UINT64_C(1099511628211);
	return (h ^ seq) * UINT64_C(0x9e3779b97f4a7c15) ^ seq;
}

/* A process_end record of stream at seq, from host (NULL: none), its end
 * at T0 + seq seconds. */
static const struct entry *
record(const char *stream, const char *host, uint64_t seq)
{
	static struct entry e;

	memset(&e, 0, sizeof(e));
	strcpy(e.event, "process_end");
	e.is_record = true;
	e.control = -1;
	if (stream != NULL) {
		snprintf(e.stream, sizeof(e.stream), "%s", stream);
		e.ctx.stream = e.stream;
		e.ctx.seq = seq;
		e.has_seq = true;
	}
	if (host != NULL) {
		snprintf(e.host, sizeof(e.host), "%s", host);
		e.ctx.host = e.host;
	}
	e.time_us = (T0 + seq) * 1000000;
	e.digest = content(stream != NULL ? stream : "", seq, 0);
	e.schema = 1;
	return &e;
}

/* The same, with other content. */
static const struct entry *
record_other(const char *stream, const char *host, uint64_t seq)
{
	static struct entry e;

	e = *record(stream, host, seq);
	e.ctx.stream = e.stream;
	e.ctx.host = host != NULL ? e.host : NULL;
	e.digest = content(stream, seq, 42);
	return &e;
}

/* A control event of kind at seq. */
static struct entry *
control(const char *stream, const char *host, uint64_t seq,
    enum fmt_control_kind kind, const char *message)
{
	static struct entry e;

	e = *record(stream, host, seq);
	e.ctx.stream = e.stream;
	e.ctx.host = host != NULL ? e.host : NULL;
	snprintf(e.event, sizeof(e.event), "%s", fmt_control_name(kind));
	e.is_record = false;
	e.control = (int)kind;
	e.c.kind = kind;
	e.c.priority = 6;
	e.c.time_us = e.time_us;
	if (message != NULL) {
		snprintf(e.message, sizeof(e.message), "%s", message);
		e.c.message = e.message;
	}
	e.digest = content(stream, seq, 1000 + kind);
	return &e;
}

static void
add(struct verify *v, const struct entry *e)
{
	int rc = verify_add(v, e);

	if (rc < 0) {
		printf("Bail out! verify_add: %s\n", strerror(-rc));
		exit(1);
	}
}

/* Seqs from..to of stream, in order. */
static void
add_run(struct verify *v, const char *stream, const char *host,
    uint64_t from, uint64_t to)
{
	for (uint64_t s = from; s <= to; s++)
		add(v, record(stream, host, s));
}

/* The report of v (the caller frees it), and what verify_report() said. */
static char *
report(const struct verify *v, int *ret)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (f == NULL)
		abort();
	*ret = verify_report(v, f);
	if (ferror(f) || fclose(f) != 0)
		abort();
	return text;
}

/* Check the whole report and the verdict; frees v. */
static void
check(struct verify *v, const char *want, int want_rc, const char *name)
{
	int rc;
	char *got = report(v, &rc);

	is_str(got, want, "%s: report", name);
	is_int(rc, want_rc, "%s: verdict", name);
	free(got);
	verify_free(v);
}

/* True when the report of v has line (whole) in it; *ret_rc: verdict. */
static bool
has_line(const struct verify *v, const char *line, int *ret_rc)
{
	int rc;
	char *got = report(v, &rc);
	char *p = got;
	size_t n = strlen(line);
	bool found = false;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == got || p[-1] == '\n') && p[n] == '\n') {
			found = true;
			break;
		}
		p++;
	}
	if (!found)
		diag("  no line \"%s\" in:\n%s", line, got);
	if (ret_rc != NULL)
		*ret_rc = rc;
	free(got);
	return found;
}

static long
max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static struct verify *
new_verify(void)
{
	struct verify *v = verify_new();

	if (v == NULL) {
		printf("Bail out! verify_new: out of memory\n");
		exit(1);
	}
	return v;
}

static void
test_complete(void)
{
	struct verify *v = new_verify();

	add_run(v, A, "web01", 1, 5);
	check(v,
	    "stream " A " host web01: seq 1..5, 5 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:13:25.000000Z\n"
	    "  complete\n"
	    "verify: 1 stream, all complete\n", 1, "complete stream");
}

static void
test_missing(void)
{
	struct verify *v = new_verify();
	int rc;

	add_run(v, A, NULL, 1, 16);
	add_run(v, A, NULL, 18, 39);
	add_run(v, A, NULL, 43, 50);
	check(v,
	    "stream " A ": seq 1..50, 46 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:14:10.000000Z\n"
	    "  missing: 4 seqs in 2 ranges: 17, 40..42\n"
	    "  INCOMPLETE\n"
	    "verify: 1 stream, 1 INCOMPLETE\n", 0, "missing single and range");

	/* Every other seq of 1..61 missing: 30 ranges, 20 listed. */
	v = new_verify();
	for (uint64_t s = 1; s <= 61; s += 2)
		add(v, record(A, NULL, s));
	ok(has_line(v, "  missing: 30 seqs in 30 ranges: 2, 4, 6, 8, 10, 12, "
	    "14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40", &rc),
	    "missing: the first 20 ranges listed");
	ok(has_line(v, "  ... and 10 more ranges", NULL),
	    "missing: the rest counted");
	is_int(rc, 0, "missing: incomplete");
	verify_free(v);

	/* An archive that starts in the middle of its stream. */
	v = new_verify();
	add_run(v, A, NULL, 5000, 5003);
	ok(has_line(v, "  not checked: seq 1..4999 (below the lowest in the "
	    "sources)", &rc), "a stream seen from seq 5000: the head noted");
	is_int(rc, 1, "... and not counted as missing");
	verify_free(v);
}

static void
test_duplicates(void)
{
	struct verify *v = new_verify();

	add_run(v, A, NULL, 1, 5);
	add(v, record(A, NULL, 3));
	add(v, record(A, NULL, 3));
	add(v, record(A, NULL, 5));
	check(v,
	    "stream " A ": seq 1..5, 8 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:13:25.000000Z\n"
	    "  identical duplicates: 3\n"
	    "  complete\n"
	    "verify: 1 stream, all complete\n", 1, "identical duplicates");

	v = new_verify();
	add_run(v, A, NULL, 1, 5);
	add(v, record_other(A, NULL, 4));
	add(v, record_other(A, NULL, 2));
	add(v, record_other(A, NULL, 2));	/* differs from the first */
	add(v, record(A, NULL, 2));		/* is the first again */
	add(v, record_other(A, NULL, 3));
	check(v,
	    "stream " A ": seq 1..5, 10 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:13:25.000000Z\n"
	    "  differing duplicates: 3 seqs in 1 range: 2..4\n"
	    "  ALARM: same event_id, different content; first event_id " A ":2\n"
	    "  identical duplicates: 1\n"
	    "  INCOMPLETE\n"
	    "verify: 1 stream, 1 INCOMPLETE\n", 0, "differing duplicates");

	/* Many differing duplicates, again and again: compacted, listed. */
	v = new_verify();
	add_run(v, A, NULL, 1, 1000);
	for (int round = 0; round < 5; round++)
		for (uint64_t s = 1; s <= 1000; s += 10)
			add(v, record_other(A, NULL, s));
	ok(has_line(v, "  differing duplicates: 100 seqs in 100 ranges: 1, 11, "
	    "21, 31, 41, 51, 61, 71, 81, 91, 101, 111, 121, 131, 141, 151, 161, "
	    "171, 181, 191", NULL), "differing duplicates seen 5 times: "
	    "each seq once");
	verify_free(v);
}

static void
test_order(void)
{
	struct verify *v = new_verify();

	add_run(v, A, NULL, 1, 104);
	add_run(v, A, NULL, 111, 120);
	add_run(v, A, NULL, 105, 107);
	add(v, record(A, NULL, 100));		/* a duplicate: not late */
	add_run(v, A, NULL, 108, 110);		/* the same span goes on */
	add_run(v, A, NULL, 122, 140);
	add(v, record(A, NULL, 121));		/* a second span */
	add(v, record(A, NULL, 130));
	check(v,
	    "stream " A ": seq 1..140, 142 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:15:40.000000Z\n"
	    "  identical duplicates: 2\n"
	    "  out of order: 2 spans, 7 messages: seq 105..110 after 120, "
	    "seq 121 after 140\n"
	    "  complete\n"
	    "verify: 1 stream, all complete\n", 1, "out of order");

	/* Many spans: the first few listed; late below the lowest. */
	v = new_verify();
	add_run(v, A, NULL, 1000, 1010);
	for (uint64_t s = 999; s >= 990; s--)
		add(v, record(A, NULL, s));
	ok(has_line(v, "  out of order: 10 spans, 10 messages: seq 999 after "
	    "1010, seq 998 after 1010, seq 997 after 1010, seq 996 after 1010, "
	    "seq 995 after 1010", NULL), "descending seqs: one span each");
	ok(has_line(v, "  ... and 5 more spans", NULL), "spans beyond 5 counted");
	verify_free(v);

	/* A later archive read first: one span, nothing missing. */
	v = new_verify();
	add_run(v, A, NULL, 5001, 6000);
	add_run(v, A, NULL, 1, 5000);
	ok(has_line(v, "  out of order: 1 span, 5000 messages: seq 1..5000 "
	    "after 6000", NULL), "archives in the wrong order: one span");
	ok(has_line(v, "  complete", NULL), "... and complete");
	verify_free(v);
}

static void
test_interleaved(void)
{
	struct verify *v = new_verify();

	/* Two hosts, their messages mixed line by line; B lacks 3. */
	for (uint64_t s = 1; s <= 4; s++) {
		add(v, record(B, "web02", s + 100 * (s == 3)));
		add(v, record(A, "web01", s));
	}
	add(v, record(B, "web02", 5));
	add(v, record(B, "web01", 6));		/* a host that differs */
	add(v, record(A, NULL, 5));
	check(v,
	    "stream " A " host web01: seq 1..5, 5 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:13:25.000000Z\n"
	    "  other hosts: 1 message, first (none)\n"
	    "  complete\n"
	    "stream " B " host web02: seq 1..103, 6 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:15:03.000000Z\n"
	    "  missing: 97 seqs in 2 ranges: 3, 7..102\n"
	    "  out of order: 1 span, 3 messages: seq 4..6 after 103\n"
	    "  other hosts: 1 message, first web01\n"
	    "  INCOMPLETE\n"
	    "verify: 2 streams, 1 INCOMPLETE\n", 0, "two streams interleaved");
}

static void
test_admitted(void)
{
	struct verify *v = new_verify();
	struct entry *e;

	/* Seq 10 was taken for a control event before a crash, never sent;
	 * the forwarder_start after it (seq 11) says so. */
	add_run(v, A, NULL, 1, 9);
	e = control(A, NULL, 11, FMT_FORWARDER_START,
	    "resumed pacct at offset 640 after a crash");
	e->c.has = FMT_HAS_OFFSET | FMT_HAS_RECORDS | FMT_HAS_SEQ_RANGE;
	e->c.offset = 640;
	e->c.seq_from = e->c.seq_to = 10;
	add(v, e);
	add_run(v, A, NULL, 12, 13);
	check(v,
	    "stream " A ": seq 1..13, 12 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:13:33.000000Z\n"
	    "  admitted: 1 seq in 1 range: 10\n"
	    "  control events: forwarder_start 1\n"
	    "  complete\n"
	    "verify: 1 stream, all complete\n", 1, "admitted seq");

	/* Admitted but there after all: nothing to say. */
	v = new_verify();
	add_run(v, A, NULL, 1, 10);
	e = control(A, NULL, 11, FMT_FORWARDER_START, NULL);
	e->c.has = FMT_HAS_SEQ_RANGE;
	e->c.seq_from = e->c.seq_to = 10;
	add(v, e);
	check(v,
	    "stream " A ": seq 1..11, 11 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:13:31.000000Z\n"
	    "  control events: forwarder_start 1\n"
	    "  complete\n"
	    "verify: 1 stream, all complete\n", 1, "admitted seq present");

	/* Too wide, or not below the forwarder_start: not honoured. */
	v = new_verify();
	add(v, record(A, NULL, 1));
	e = control(A, NULL, 1000000, FMT_FORWARDER_START, NULL);
	e->c.has = FMT_HAS_SEQ_RANGE;
	e->c.seq_from = 2;
	e->c.seq_to = 999999;
	add(v, e);
	e = control(A, NULL, 1000001, FMT_FORWARDER_START, NULL);
	e->c.has = FMT_HAS_SEQ_RANGE;
	e->c.seq_from = e->c.seq_to = 1000002;
	add(v, e);
	add(v, record(A, NULL, 1000003));
	check(v,
	    "stream " A ": seq 1..1000003, 4 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-26T12:00:03.000000Z\n"
	    "  missing: 999999 seqs in 2 ranges: 2..999999, 1000002\n"
	    "  admission not honoured: forwarder_start at seq 1000000 says "
	    "seq 2..999999 may not have gone out (and 1 more)\n"
	    "  control events: forwarder_start 2\n"
	    "  INCOMPLETE\n"
	    "verify: 1 stream, 1 INCOMPLETE\n", 0, "admissions not honoured");

	/* Two admissions, one gap spanning both and more. */
	v = new_verify();
	add(v, record(A, NULL, 1));
	for (uint64_t s = 20; s <= 21; s++) {
		e = control(A, NULL, s, FMT_FORWARDER_START, NULL);
		e->c.has = FMT_HAS_SEQ_RANGE;
		e->c.seq_from = s == 20 ? 3 : 5;
		e->c.seq_to = s == 20 ? 4 : 7;
		add(v, e);
	}
	ok(has_line(v, "  missing: 13 seqs in 2 ranges: 2, 8..19", NULL),
	    "a gap split by admissions: missing");
	ok(has_line(v, "  admitted: 5 seqs in 1 range: 3..7", NULL),
	    "a gap split by admissions: adjacent admissions merged");
	verify_free(v);

	/* An admission of a seq that is there, before a gap, and one that
	 * reaches into the next gap. */
	v = new_verify();
	add_run(v, A, NULL, 1, 5);
	e = control(A, NULL, 6, FMT_FORWARDER_START, NULL);
	e->c.has = FMT_HAS_SEQ_RANGE;
	e->c.seq_from = e->c.seq_to = 3;
	add(v, e);
	add(v, record(A, NULL, 9));
	add(v, record(A, NULL, 11));
	e = control(A, NULL, 20, FMT_FORWARDER_START, NULL);
	e->c.has = FMT_HAS_SEQ_RANGE;
	e->c.seq_from = 8;
	e->c.seq_to = 10;
	add(v, e);
	ok(has_line(v, "  missing: 9 seqs in 2 ranges: 7, 12..19", NULL),
	    "admissions across gaps: missing");
	ok(has_line(v, "  admitted: 2 seqs in 2 ranges: 8, 10", NULL),
	    "admissions across gaps: one admission, two gaps");
	verify_free(v);
}

static void
test_controls(void)
{
	struct verify *v = new_verify();
	struct entry *e;

	add_run(v, A, "web01", 1, 4);
	e = control(A, "web01", 5, FMT_GAP, "pacct.1 is gone\n\"really\"");
	e->c.has = FMT_HAS_OFFSET;
	e->c.offset = 4096;
	snprintf(e->file, sizeof(e->file), "/var/log/account/pacct.1");
	e->c.file = e->file;
	add(v, e);
	add(v, e);				/* sent again: listed once */
	add(v, control(A, "web01", 6, FMT_HEARTBEAT, "round trip 2 ms"));
	e = control(A, "web01", 7, FMT_TRUNCATED, NULL);
	e->c.has = FMT_HAS_OFFSET | FMT_HAS_BYTES;
	e->c.offset = 8192;
	e->c.bytes = 1024;
	e->time_us = e->c.time_us = 0;		/* no time: none printed */
	add(v, e);
	add(v, control(A, "web01", 8, FMT_HEARTBEAT, NULL));
	check(v,
	    "stream " A " host web01: seq 1..8, 9 messages, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:13:28.000000Z\n"
	    "  identical duplicates: 1\n"
	    "  control events: truncated 1, gap 1, heartbeat 2\n"
	    "  loss: gap at seq 5, 2023-11-14T22:13:25.000000Z offset=4096 "
	    "file=\"/var/log/account/pacct.1\" "
	    "message=\"pacct.1 is gone#012\\\"really\\\"\"\n"
	    "  loss: truncated at seq 7 offset=8192 bytes=1024\n"
	    "  complete, 2 losses reported by the forwarder\n"
	    "verify: 1 stream, all complete\n", 1, "control events listed");

	/* 25 losses arriving backwards: the 20 lowest listed, in order. */
	v = new_verify();
	for (uint64_t s = 25; s >= 1; s--)
		add(v, control(A, NULL, s, FMT_ACCOUNTING_OFF, NULL));
	ok(has_line(v, "  loss: accounting_off at seq 1, "
	    "2023-11-14T22:13:21.000000Z", NULL), "losses: lowest first");
	ok(has_line(v, "  loss: accounting_off at seq 20, "
	    "2023-11-14T22:13:40.000000Z", NULL), "losses: up to the 20th");
	ok(has_line(v, "  ... and 5 more losses", NULL), "losses: rest counted");
	verify_free(v);

	v = new_verify();
	for (uint64_t s = 1; s <= 25; s++)
		add(v, control(A, NULL, s, FMT_ACCOUNTING_PAUSED, NULL));
	ok(has_line(v, "  loss: accounting_paused at seq 20, "
	    "2023-11-14T22:13:40.000000Z", NULL) &&
	    has_line(v, "  ... and 5 more losses", NULL),
	    "losses in order: the first 20 listed");
	verify_free(v);
}

/* Names from an archive (stream, host, file, message) with ESC, C1 and
 * bidi controls: the report shows them as #ooo, never raw. */
static void
test_hostile(void)
{
	struct verify *v = new_verify();
	struct entry *e;
	const char *rlo = "\xe2\x80\xae";	/* U+202E */

	e = control("\xe2\x80\xae" "0123456789abcdef", "web\xc2\x9b" "31m", 1,
	    FMT_GAP, "gone\xc2\x85" "\x1b[2K\"x\"");
	snprintf(e->file, sizeof(e->file), "/var/log/%stcapp", rlo);
	e->c.file = e->file;
	add(v, e);
	add(v, record("\xe2\x80\xae" "0123456789abcdef", "h\x1b[1A", 2));
	check(v,
	    "stream #342#200#2560123456789abcdef host web#302#23331m: "
	    "seq 1..2, 2 messages, first 2023-11-14T22:13:21.000000Z, "
	    "last 2023-11-14T22:13:22.000000Z\n"
	    "  other hosts: 1 message, first h#033[1A\n"
	    "  control events: gap 1\n"
	    "  loss: gap at seq 1, 2023-11-14T22:13:21.000000Z "
	    "file=\"/var/log/#342#200#256tcapp\" "
	    "message=\"gone#302#205#033[2K\\\"x\\\"\"\n"
	    "  complete, 1 loss reported by the forwarder\n"
	    "verify: 1 stream, all complete\n", 1,
	    "ESC, C1 and bidi in stream, hosts, file and message");
}

/* Many streams: sorted by host (none first), then stream id. */
static void
test_many_streams(void)
{
	struct verify *v = new_verify();
	char id[33], expected[64 * 128];
	int len = 0;

	for (int i = 99; i >= 0; i--) {
		snprintf(id, sizeof(id), "%032d", i);
		add(v, record(id, i % 3 == 0 ? NULL : i % 3 == 1 ? "web02" :
		    "web01", 1));
	}
	for (int h = 0; h < 3; h++)
		for (int i = 0; i < 100; i++) {
			if (i % 3 != (h == 0 ? 0 : h == 1 ? 2 : 1))
				continue;
			len += snprintf(expected + len, sizeof(expected) - len,
			    "stream %032d%s%s: ", i, h == 0 ? "" : " host ",
			    h == 0 ? "" : h == 1 ? "web01" : "web02");
		}
	{
		int rc;
		char *got = report(v, &rc), *p = got;
		int at = 0;
		bool in_order = true;

		/* Compare the header lines' beginnings, in order. */
		while (p != NULL && *p != '\0' && in_order) {
			if (strncmp(p, "stream ", 7) == 0) {
				const char *colon = strchr(p, ':');
				size_t n = (size_t)(colon - p) + 2;

				in_order = strncmp(p, expected + at, n) == 0;
				at += (int)n;
			}
			p = strchr(p, '\n');
			p = p != NULL ? p + 1 : NULL;
		}
		ok(in_order && at == len, "100 streams: all there, in order");
		is_int(rc, 1, "100 streams: complete");
		free(got);
	}
	verify_free(v);
}

static void
test_unverifiable(void)
{
	struct verify *v = new_verify();
	struct entry e;

	add(v, record(NULL, "web01", 0));
	e = *record(A, NULL, 1);
	e.has_seq = false;			/* a stream without a seq */
	add(v, &e);
	is_uint(verify_unverifiable(v), 2, "messages without seq counted");
	check(v, "verify: no stream to verify; 2 messages without stream and "
	    "seq, not verifiable\n", 0, "nothing to verify");

	v = new_verify();
	add_run(v, A, NULL, 1, 2);
	add(v, record(NULL, NULL, 0));
	ok(has_line(v, "verify: 1 stream, all complete; 1 message without "
	    "stream and seq, not verifiable", NULL), "unverifiable: summary");
	verify_free(v);

	/* A hostile stream id is made visible. */
	v = new_verify();
	add(v, record("ab\ncd#", "h\001", 1));
	ok(has_line(v, "stream ab#012cd#043 host h#001: seq 1, 1 message, "
	    "first 2023-11-14T22:13:21.000000Z, last 2023-11-14T22:13:21.000000Z",
	    NULL), "stream id and host escaped");
	verify_free(v);
}

static void
test_huge(void)
{
	const uint64_t top = UINT64_C(1) << 63;
	const uint64_t step = UINT64_C(100000000000000);	/* 10^14 */
	long rss = max_rss_kib();
	struct verify *v = new_verify();
	char want[2048];
	int rc, len;

	add(v, record(A, NULL, 1));
	add(v, record(A, NULL, top));
	ok(has_line(v, "  missing: 9223372036854775806 seqs in 1 range: "
	    "2..9223372036854775807", &rc), "seq 1 and 2^63");
	is_int(rc, 0, "seq 1 and 2^63: incomplete");
	verify_free(v);

	/* The far one first, then many close to 1: all kept, none lost. */
	v = new_verify();
	add(v, record(A, NULL, UINT64_C(1000000000000000000)));
	add_run(v, A, NULL, 1, 100000);
	add(v, record(A, NULL, 50000));
	ok(has_line(v, "  missing: 999999999999899999 seqs in 1 range: "
	    "100001..999999999999999999", NULL), "seq 10^18 first, then "
	    "1..100000");
	ok(has_line(v, "  identical duplicates: 1", NULL),
	    "... a duplicate among them found");
	verify_free(v);

	/* The extremes of the seq space. */
	v = new_verify();
	add(v, record(A, NULL, UINT64_MAX));
	add(v, record(A, NULL, 0));
	add(v, record(A, NULL, UINT64_MAX - 1));
	add(v, record(A, NULL, 1));
	ok(has_line(v, "  missing: 18446744073709551612 seqs in 1 range: "
	    "2..18446744073709551613", NULL), "seqs 0, 1, 2^64-2, 2^64-1");
	ok(has_line(v, "  out of order: 3 spans, 3 messages: seq 0 after "
	    "18446744073709551615, seq 18446744073709551614 after "
	    "18446744073709551615, seq 1 after 18446744073709551615", NULL),
	    "... and out of order");
	verify_free(v);

	/* Sparse: 20000 seqs 10^14 apart, then dense ones among them. */
	v = new_verify();
	for (uint64_t i = 1; i <= 20000; i++)
		add(v, record(A, NULL, i * step));
	for (uint64_t i = 1; i <= 20000; i++)
		add(v, record(A, NULL, i * step));
	add_run(v, A, NULL, UINT64_C(100000000000001),
	    UINT64_C(100000000050000));
	/* Present: i * 10^14 for i in 1..20000, and 10^14 + 1..50000. */
	len = snprintf(want, sizeof(want), "  missing: %" PRIu64 " seqs in "
	    "19999 ranges: 100000000050001..199999999999999",
	    20000 * step - step + 1 - 70000);
	for (uint64_t i = 2; i <= 20; i++)
		len += snprintf(want + len, sizeof(want) - len, ", %" PRIu64
		    "..%" PRIu64, i * step + 1, (i + 1) * step - 1);
	ok(has_line(v, want, NULL), "sparse seqs: missing ranges");
	ok(has_line(v, "  not checked: seq 1..99999999999999 (below the lowest "
	    "in the sources)", NULL), "sparse seqs: the head");
	ok(has_line(v, "  identical duplicates: 20000", NULL),
	    "sparse seqs: duplicates found");
	verify_free(v);

	rss = max_rss_kib() - rss;
	diag("huge and sparse seqs: peak RSS grew by %ld KiB", rss);
	ok(rss < 64 * 1024, "huge and sparse seqs: bounded memory");
}

/* A set of seqs for the model below: open addressing, 0 reserved. */
struct seq_set {
	uint64_t	slot[1 << 14];		/* seq + 1; 0: empty */
};

/* Add seq: true when it was not there. */
static bool
seq_set_add(struct seq_set *set, uint64_t seq)
{
	size_t mask = ELEMENTSOF(set->slot) - 1;
	size_t i = (size_t)(seq * UINT64_C(0x9e3779b97f4a7c15) >> 40) & mask;

	for (; set->slot[i] != 0; i = (i + 1) & mask)
		if (set->slot[i] == seq + 1)
			return false;
	set->slot[i] = seq + 1;
	return true;
}

static int
compare_seq(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Random streams, their seqs in clusters all over the seq space, in any
 * order, with duplicates; against a model: a set, sorted at the end. */
static void
test_random(void)
{
	static const uint64_t centre[] = {
		0, 1, 1000000, UINT64_C(1000000000000), UINT64_C(1) << 63,
		UINT64_MAX - 3000,
	};
	static struct seq_set set;
	static uint64_t distinct[4000];
	unsigned seed = 12345;
	bool all_ok = true;

	for (int round = 0; round < 300 && all_ok; round++) {
		struct verify *v = new_verify();
		int n = 1 + rand_r(&seed) % 4000, clusters, rc;
		uint64_t highest = 0, missing = 0, ranges = 0, late = 0;
		uint64_t spans = 0, cur_to = 0, cur_after = 0;
		size_t n_distinct = 0;
		bool in_span = false;
		char want[256], *got;

		memset(&set, 0, sizeof(set));
		clusters = 1 + round % (int)ELEMENTSOF(centre);
		for (int i = 0; i < n; i++) {
			uint64_t s = centre[rand_r(&seed) % clusters] +
			    (uint64_t)rand_r(&seed) % (round % 2 ? 3000 : 50);

			/* Mostly ascending runs, as archives are. */
			if (i > 0 && rand_r(&seed) % 4 != 0 && distinct[
			    n_distinct - 1] < UINT64_MAX)
				s = distinct[n_distinct - 1] + 1;
			add(v, record(A, NULL, s));
			if (!seq_set_add(&set, s))
				continue;
			if (n_distinct > 0 && s < highest) {
				late++;
				if (!in_span || s != cur_to + 1 ||
				    cur_after != highest) {
					spans++;
					cur_after = highest;
				}
				cur_to = s;
				in_span = true;
			} else
				in_span = false;
			highest = n_distinct == 0 || s > highest ? s : highest;
			distinct[n_distinct++] = s;
		}
		got = report(v, &rc);
		{
			uint64_t sorted[4000];

			memcpy(sorted, distinct, n_distinct * sizeof(*sorted));
			qsort(sorted, n_distinct, sizeof(*sorted), compare_seq);
			for (size_t i = 1; i < n_distinct; i++)
				if (sorted[i] > sorted[i - 1] + 1) {
					missing += sorted[i] - sorted[i - 1] - 1;
					ranges++;
				}
		}
		if (missing > 0)
			snprintf(want, sizeof(want), "\n  missing: %" PRIu64
			    " %s in %" PRIu64 " %s: ", missing, missing == 1 ?
			    "seq" : "seqs", ranges, ranges == 1 ? "range" :
			    "ranges");
		else
			snprintf(want, sizeof(want), "\n  complete\n");
		if (strstr(got, want) == NULL || rc != (missing == 0))
			all_ok = false;
		if (all_ok && (size_t)n > n_distinct) {
			snprintf(want, sizeof(want), "\n  identical duplicates: "
			    "%zu\n", (size_t)n - n_distinct);
			all_ok = strstr(got, want) != NULL;
		}
		if (all_ok && late > 0) {
			snprintf(want, sizeof(want), "\n  out of order: %" PRIu64
			    " %s, %" PRIu64 " %s: ", spans, spans == 1 ? "span" :
			    "spans", late, late == 1 ? "message" : "messages");
			all_ok = strstr(got, want) != NULL;
		}
		if (!all_ok)
			diag("round %d: want \"%s\" in:\n%s", round, want, got);
		free(got);
		verify_free(v);
	}
	ok(all_ok, "random streams all over the seq space: as the model says");
}

static void
test_million(void)
{
	struct verify *v = new_verify();
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t s = 1; s <= 1000000; s++)
		add(v, record(s % 4 ? A : B, s % 4 ? "web01" : "web02", s));
	ok(has_line(v, "stream " A " host web01: seq 1..999999, 750000 "
	    "messages, first 2023-11-14T22:13:21.000000Z, "
	    "last 2023-11-26T11:59:59.000000Z", &rc), "a million: stream A");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	diag("a million messages added and reported in %.3f s",
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	is_int(rc, 0, "a million: seqs shared by two streams are incomplete");
	verify_free(v);

	v = new_verify();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	add_run(v, A, "web01", 1, 1000000);
	ok(has_line(v, "  complete", &rc), "a million in one stream: complete");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	diag("a million messages of one stream in %.3f s",
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	is_int(rc, 1, "a million in one stream: verdict");
	verify_free(v);
}

int
main(void)
{
	test_huge();		/* first: its memory check reads peak RSS */
	test_complete();
	test_missing();
	test_duplicates();
	test_order();
	test_interleaved();
	test_admitted();
	test_controls();
	test_hostile();
	test_many_streams();
	test_unverifiable();
	test_random();
	test_million();
	return done_testing();
}
