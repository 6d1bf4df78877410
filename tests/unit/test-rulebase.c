/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-rulebase: lines of a syslog text archive back into entries through
 * the rulebases of rules/ and liblognorm.  The real formatter is the oracle: a
 * message written by fmt_kv() or fmt_control_kv(), behind a header as
 * rsyslog writes it, must parse back into an entry whose kv line is the
 * original, byte for byte.  Lines that are not ours give 0, ours broken
 * give -EBADMSG, and nothing crashes.  The rules are those of
 * $top_srcdir/rules.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "format.h"
#include "mkrec.h"
#include "rulebase.h"
#include "tap.h"

#define STREAM	"0123456789abcdef0123456789abcdef"
#define LINE	(FMT_LINE_MAX + 256)

/* The headers of rsyslog's default file templates (RSYSLOG_FileFormat,
 * Debian 12's default, and RSYSLOG_TraditionalFileFormat), as rsyslogd
 * 8.2302 writes them for a message of acct2syslog. */
static const char *const headers[] = {
	"2026-11-21T07:30:12.123456+00:00 web01 acct2syslog[123]: ",
	"Nov 21 07:30:12 web01 acct2syslog[123]: ",
};
#define N_HEADERS	(sizeof(headers) / sizeof(headers[0]))

static struct rulebase *rb;
static struct entry ent;
static const char no_name[16];	/* mkrec_v3() reads 16 bytes */
static char rules_dir[4096];

/* xorshift64*: the same numbers on every run. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

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

/* Parse header + kv; false (with the first few diagnosed) unless it gives
 * 1 and an entry whose kv line is kv. */
static bool
round_trip_with(const char *header, const char *kv)
{
	static unsigned diagnosed;
	char line[LINE], got[FMT_LINE_MAX];
	int n = snprintf(line, sizeof(line), "%s%s", header, kv);
	int rc = rulebase_parse(rb, line, (size_t)n, &ent);

	if (rc == 1) {
		entry_kv(&ent, got, sizeof(got));
		if (strcmp(got, kv) == 0)
			return true;
	} else
		got[0] = '\0';
	if (diagnosed++ < 5) {
		diag("rulebase_parse() %d for %s", rc, line);
		diag("got %s", got);
	}
	return false;
}

/* In every header. */
static bool
round_trip(const char *kv)
{
	bool good = true;

	for (size_t h = 0; h < N_HEADERS; h++)
		good &= round_trip_with(headers[h], kv);
	return good;
}

static bool
record_round_trip(const struct acct_event *ev, const struct fmt_context *ctx)
{
	char kv[FMT_LINE_MAX];

	fmt_kv(kv, sizeof(kv), ev, ctx, NULL);
	return round_trip(kv);
}

/* A record of a version as acct_decode() gives it from random bytes
 * (half of the v3 ones plain, as the kernel writes them). */
static void
rnd_record(unsigned version, struct acct_event *ev)
{
	static const unsigned ahz[] = { 100, 64, 1000, 1024, 1 };
	uint8_t rec[64];

	for (;;) {
		for (size_t i = 0; i < sizeof(rec); i++)
			rec[i] = (uint8_t)rnd();
		rec[1] = (uint8_t)(version | (rnd() & 1 ? 0x80 : 0));
		if (version == 3 && rnd_below(2) == 0) {
			mkrec_v3(rec, rnd() & 1, (uint32_t)rnd(), no_name);
			for (int i = 0; i < 16; i++)
				rec[48 + i] = (uint8_t)(i < (int)rnd_below(17) ?
				    1 + rnd_below(255) : 0);
		}
		if (acct_decode(rec, sizeof(rec), ahz[rnd_below(5)], ev) > 0)
			return;
	}
}

/* What the entry cannot keep exactly (only garbage in a record gives
 * it): an end past 9999-12-31, an elapsed time over 2^50 us. */
static bool
extreme(const struct acct_event *ev)
{
	uint64_t elapsed = acct_elapsed_us(ev);

	return elapsed > (UINT64_C(1) << 50) ||
	    (uint64_t)ev->start_time * 1000000 + elapsed >=
	    UINT64_C(253402300800000000);
}

/* Names and hosts with what escapes: quotes, backslashes, '#', control
 * bytes, UTF-8 and broken UTF-8. */
static const char *const name_pool[] = {
	"root", "alice", "www-data", "a\"b\\c", "#x#", "\\", "\"", "\\\\\"",
	"\x01\x7f\xff", "\xc3\xa9t\xc3\xa9", "pts/3", "[136,7]", "DOM\\user",
	"a b", "0123456789012345678901234567890123456789012345678901234567890123",
};
#define N_NAMES	(sizeof(name_pool) / sizeof(name_pool[0]))

static const char *
rnd_name(void)
{
	unsigned i = rnd_below(N_NAMES + 3);

	return i < N_NAMES ? name_pool[i] : NULL;
}

static void
rnd_context(struct fmt_context *ctx)
{
	static const uint64_t seqs[] = { 1, 7, UINT32_MAX, INT64_MAX,
	    (uint64_t)INT64_MAX + 1, UINT64_MAX };

	*ctx = (struct fmt_context){ 0 };
	ctx->user = rnd_name();
	ctx->group = rnd_name();
	ctx->tty = rnd_name();
	ctx->host = rnd_below(3) == 0 ? NULL : rnd_name();
	if (rnd_below(3) > 0) {
		ctx->stream = STREAM;
		ctx->seq = rnd_below(2) ? seqs[rnd_below(6)] : rnd();
	}
}

static void
test_records(void)
{
	struct fmt_context ctx;
	struct acct_event ev;

	for (unsigned version = 0; version <= 3; version++) {
		unsigned n = 0;
		bool good = true;

		while (n < 600) {
			rnd_record(version, &ev);
			if (extreme(&ev))
				continue;
			rnd_context(&ctx);
			good &= record_round_trip(&ev, &ctx);
			n++;
		}
		ok(good, "v%u records, names or none, host, stream or none: "
		    "%u in both headers, kv byte for byte", version, n);
	}
}

/* A plain record with a command name of n bytes. */
static struct acct_event
named(const char *comm, size_t n)
{
	uint8_t rec[64];
	struct acct_event ev;

	mkrec_v3(rec, false, 4242, no_name);
	memcpy(rec + 48, comm, n);
	acct_decode(rec, sizeof(rec), 100, &ev);
	return ev;
}

static void
test_every_byte(void)
{
	struct fmt_context ctx = { .host = "web01", .stream = STREAM,
	    .seq = 1 };
	bool good = true;

	for (unsigned c = 1; c < 256; c++) {
		char comm[16];
		struct acct_event ev;

		comm[0] = 'a';
		comm[1] = comm[2] = (char)c;
		comm[3] = 'z';
		ev = named(comm, 4);
		good &= ev.comm_len == 4 && record_round_trip(&ev, &ctx);
		memset(comm, (int)c, sizeof(comm));
		ev = named(comm, sizeof(comm));
		good &= ev.comm_len == 16 && record_round_trip(&ev, &ctx);
	}
	ok(good, "every byte 1..255 in a command name, alone and 16 times");
}

static void
test_names(void)
{
	static const char *const comms[] = {
		"\"", "\\", "\"\"", "\\\\", "\\\"", "\"\\", "a\"b\\c#d",
		"#043", "x\\", "\" user_id=0 ", "\" group=\"", "#", "\\#\"",
		"",
	};
	struct fmt_context ctx = { .stream = STREAM,
	    .seq = 3 };
	bool good = true;

	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		struct acct_event ev = named(comms[i], strlen(comms[i]));

		for (size_t j = 0; j < N_NAMES; j++) {
			ctx.user = name_pool[j];
			ctx.group = name_pool[(j + 3) % N_NAMES];
			ctx.tty = name_pool[(j + 5) % N_NAMES];
			ctx.host = name_pool[(j + 7) % N_NAMES];
			good &= record_round_trip(&ev, &ctx);
		}
	}
	ok(good, "command, user, group, tty and host names with quotes, "
	    "backslashes, '#' (fields made up inside a name stay in it)");
}

static void
test_seq(void)
{
	static const uint64_t seqs[] = { 0, 1, UINT32_MAX, INT64_MAX,
	    UINT64_MAX - 1, UINT64_MAX };
	struct acct_event ev = named("bash", 4);
	struct fmt_context ctx = { .stream = STREAM };
	bool good = true;

	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		ctx.seq = seqs[i];
		good &= record_round_trip(&ev, &ctx);
	}
	ok(good, "seq from 0 to 2^64-1");
	good = round_trip_with(headers[0], "event=\"process_end\" "
	    "process_name=\"x\" user_id=0 group_id=0 exit_code=0 signal=0 "
	    "core_dumped=0 flags=\"\" start_time=\"1970-01-01T00:00:00."
	    "000000Z\" end_time=\"1970-01-01T00:00:00.000000Z\" "
	    "elapsed=0.000 cpu_user=0.000 cpu_sys=0.000 "
	    "mem_kib=18446744073709551615 minflt=18446744073709551615 "
	    "majflt=0 io_chars=0 io_blocks=0 swaps=18446744073709551615 "
	    "acct_version=2 stream=\"" STREAM "\" seq=18446744073709551615 "
	    "event_id=\"" STREAM ":18446744073709551615\" schema=1");
	ok(good, "counters at 2^64-1");
}

static void
test_control(void)
{
	static const char *const texts[] = {
		"first start: a new stream", "/var/log/account/pacct",
		"a \"quoted\" \\ path #1", "\xc3\xa9t\xc3\xa9 \x01\x7f\xff",
		"", "\\", "\"",
	};
	struct fmt_context ctx;

	for (int kind = 0; kind < FMT_CONTROL_COUNT; kind++) {
		unsigned n = 0;
		bool good = true;

		/* Each string there or not, each FMT_HAS_* set or not, with
		 * host and stream or without. */
		for (unsigned strs = 0; strs < 8; strs++)
			for (unsigned has = 0; has < 32; has++)
				for (unsigned c = 0; c < 4; c++) {
					struct fmt_control ctl = {
						.kind = kind,
						.time_us = rnd() %
						    UINT64_C(253402300800000000),
						.has = has,
						.offset = rnd(),
						.bytes = rnd_below(2) ?
						    UINT64_MAX : rnd_below(99),
						.records = rnd(),
						.seq_from = rnd(),
						.seq_to = UINT64_MAX,
						.free_percent = rnd_below(101),
					};
					char kv[FMT_LINE_MAX];

					if (strs & 1)
						ctl.message = texts[rnd_below(7)];
					if (strs & 2)
						ctl.file = texts[rnd_below(7)];
					if (strs & 4)
						ctl.new_file =
						    texts[rnd_below(7)];
					ctx = (struct fmt_context){
						.host = c & 1 ? "web01" : NULL,
						.stream = c & 2 ? STREAM :
						    NULL,
						.seq = rnd(),
					};
					fmt_control_kv(kv, sizeof(kv), &ctl,
					    &ctx, NULL);
					good &= round_trip(kv);
					n++;
				}
		ok(good, "%s: every optional field set and unset, %u in both "
		    "headers", fmt_control_name(kind), n);
	}
}

/* A line (C string): rulebase_parse()'s result. */
static int
parse(const char *line)
{
	return rulebase_parse(rb, line, strlen(line), &ent);
}

#define HEARTBEAT "event=\"heartbeat\" message=\"round trip\" " \
	"time=\"2026-11-21T07:30:12.000000Z\" schema=1"

static void
test_headers(void)
{
	static const char *const others[] = {
		/* rsyslog writes an RFC 5424 message's tag without ':' */
		"2026-11-21T08:22:15.132118+00:00 vm acct2syslog[24279] ",
		/* logger -t acct2syslog, without -i */
		"Nov 21 08:22:08 vm acct2syslog: ",
		"Nov  1 08:22:08 vm acct2syslog[1]: ",
		"2026-11-21T07:30:12-05:00 vm acct2syslog[1]: ",
		"2026-11-21T07:30:12Z vm acct2syslog[1]: ",
		"2026-11-21T07:30:12.123456+00:00 h\xc3\xa9te acct2syslog[1]: ",
	};
	char line[LINE];
	bool good = true;
	int rc;

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		good &= round_trip_with(others[i], HEARTBEAT);
	ok(good, "other tags and times rsyslog writes: [pid] without ':', "
	    "no pid, one-digit day, time zones, a UTF-8 host");

	snprintf(line, sizeof(line), "%s%s", headers[1], HEARTBEAT);
	rc = parse(line);
	is_str(rc == 1 ? rulebase_syslog_host(rb) : "", "web01",
	    "the header's host is there for a message without host");
	snprintf(line, sizeof(line), "%s%s\n", headers[0], HEARTBEAT);
	ok(parse(line) == 1, "a newline at the end is not part of it");
	snprintf(line, sizeof(line), "%s%s\r\n", headers[0], HEARTBEAT);
	ok(parse(line) == 1, "nor a carriage return");

	snprintf(line, sizeof(line), "%s%s new_field=1 other=\"a b\"",
	    headers[0], HEARTBEAT);
	rc = parse(line);
	ok(rc == 1, "unknown fields after schema (a newer writer) parse");
	if (rc == 1) {
		char got[FMT_LINE_MAX];

		entry_kv(&ent, got, sizeof(got));
		is_str(got, HEARTBEAT, "and the fields we know are kept");
	} else
		ok(false, "and the fields we know are kept");
}

static void
test_not_ours(void)
{
	static const char *const lines[] = {
		"",
		"\n",
		"Nov 21 07:30:12 web01 kernel: [12345.678901] e1000e: eth0 NIC "
		    "Link is Up 1000 Mbps Full Duplex",
		"2026-11-21T07:30:12.123456+00:00 web01 sshd[991]: Accepted "
		    "publickey for alice from 192.0.2.1 port 50022 ssh2",
		/* another program writing our words */
		"2026-11-21T07:30:12.123456+00:00 web01 foo[1]: " HEARTBEAT,
		"2026-11-21T07:30:12.123456+00:00 web01 acct2syslogd[1]: "
		    HEARTBEAT,
		/* acct2syslog's own diagnostics */
		"2026-11-21T07:30:12.123456+00:00 web01 acct2syslog[123]: "
		    "forwarding /var/log/account/pacct to journald",
		"Nov 21 07:30:12 web01 acct2syslog[123]: event",
		/* our message without a header (not a syslog file line) */
		HEARTBEAT,
		" " HEARTBEAT,
		"Nov 21 07:30:12 web01 CRON[1]: (root) CMD (echo acct2syslog "
		    "event=\"process_end\")",
	};
	bool good = true;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int rc = parse(lines[i]);

		if (rc != 0) {
			diag("%d for %s", rc, lines[i]);
			good = false;
		}
	}
	ok(good, "lines that are not acct2syslog messages: 0");
	ok(rulebase_parse(rb, NULL, 0, &ent) == 0, "an empty line (NULL): 0");
}

static void
test_broken(void)
{
	static const char *const broken[] = {
		"process_id=abc", "user_id=-1", "exit_code=256",
		"start_time=\"garbage\"", "flags=\"bogus\"",
		"process_name=\"a\\q\"", "process_name=\"#9zz\"",
		"process_name=\"unterminated", "elapsed=1.5",
		"seq=18446744073709551616", "core_dumped=2",
		"acct_version=4", "event=\"no_such_event\"",
		"process_name=\"toolong_toolong_x\"", "schema=1x",
	};
	char kv[FMT_LINE_MAX], line[LINE];
	struct acct_event ev = named("bash", 4);
	struct fmt_context ctx = { .user = "alice",
	    .group = "alice", .tty = "pts/3", .host = "web01",
	    .stream = STREAM, .seq = 42 };
	size_t n, start;
	bool good = true;

	fmt_kv(kv, sizeof(kv), &ev, &ctx, NULL);
	n = (size_t)snprintf(line, sizeof(line), "%s%s", headers[0], kv);
	start = strlen(headers[0]);
	/* Cut anywhere after its event=" (a torn last line). */
	for (size_t cut = start + 7; cut < n; cut++) {
		int rc = rulebase_parse(rb, line, cut, &ent);

		if (rc != -EBADMSG) {
			diag("%d for %.*s", rc, (int)cut, line);
			good = false;
		}
	}
	ok(good, "an acct2syslog line cut short: -EBADMSG");

	good = true;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const char *eq = strchr(broken[i], '=');
		char key[32], *p, *q;
		int rc;

		snprintf(key, sizeof(key), " %.*s=", (int)(eq - broken[i]),
		    broken[i]);
		n = (size_t)snprintf(line, sizeof(line), "%s%s", headers[1],
		    kv);
		/* Replace the field's value: up to the next " x=". */
		if ((p = strstr(line, key)) == NULL) {
			diag("no %s in %s", key, line);
			good = false;
			continue;
		}
		q = p + strlen(key);
		if (*q == '"')
			q = strstr(q, "\" ") + 1;
		else
			q += strcspn(q, " ");
		memmove(p + 1 + strlen(broken[i]), q, strlen(q) + 1);
		memcpy(p + 1, broken[i], strlen(broken[i]));
		rc = parse(line);
		if (rc != -EBADMSG) {
			diag("%d for %s", rc, line);
			good = false;
		}
	}
	ok(good, "a field with a broken value: -EBADMSG");

	memset(line, 'x', sizeof(line) - 1);
	memcpy(line, headers[0], strlen(headers[0]));
	memcpy(line + strlen(headers[0]), "event=\"", 7);
	ok(rulebase_parse(rb, line, sizeof(line) - 1, &ent) == -EBADMSG,
	    "an acct2syslog line of %zu bytes: -EBADMSG", sizeof(line) - 1);
}

/* Random bytes changed in good lines: any of 1, 0, -EBADMSG, and a
 * line that parses has a kv line the formatter can write. */
static void
test_mutations(void)
{
	char kv[FMT_LINE_MAX], line[LINE], got[FMT_LINE_MAX];
	struct fmt_context ctx;
	struct acct_event ev;
	unsigned results[3] = { 0 };
	bool good = true;

	for (unsigned i = 0; i < 20000; i++) {
		size_t n;
		int rc;

		rnd_record(3, &ev);
		rnd_context(&ctx);
		fmt_kv(kv, sizeof(kv), &ev, &ctx, NULL);
		n = (size_t)snprintf(line, sizeof(line), "%s%s",
		    headers[i & 1], kv);
		for (unsigned k = 1 + rnd_below(3); k > 0; k--) {
			static const char set[] = "\"\\ =#0a\x80\xc3";

			line[rnd_below((unsigned)n)] = rnd_below(2) ?
			    set[rnd_below(sizeof(set) - 1)] :
			    (char)(1 + rnd_below(255));
		}
		rc = rulebase_parse(rb, line, n, &ent);
		if (rc == 1) {
			results[0]++;
			good &= entry_kv(&ent, got, sizeof(got)) > 0;
		} else if (rc == 0)
			results[1]++;
		else if (rc == -EBADMSG)
			results[2]++;
		else {
			diag("%d for %.*s", rc, (int)n, line);
			good = false;
		}
	}
	ok(good, "20000 lines with bytes changed: %u parse, %u not ours, "
	    "%u damaged, none crash", results[0], results[1], results[2]);
}

/* A file of text in dir. */
static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0)
		diag("cannot write %s", path);
}

static void
remove_dir(const char *dir)
{
	static const char *const names[] = {
		"lastcomm-ng-x.rulebase", "inc.rulebase",
	};
	char path[4096];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
test_load_errors(void)
{
	char rules_tmpl[] = "/tmp/test-rulebase.XXXXXX";
	char cwd_tmpl[] = "/tmp/test-rulebase.XXXXXX", cwd[4096];
	struct rulebase *other = NULL;
	const char *dir, *work;

	ok(rulebase_new("/nonexistent/rules", &other) == -ENOENT,
	    "no rules folder: -ENOENT");
	if ((dir = mkdtemp(rules_tmpl)) == NULL ||
	    (work = mkdtemp(cwd_tmpl)) == NULL) {
		ok(false, "mkdtemp");
		return;
	}
	ok(rulebase_new(dir, &other) == -ENOENT, "no wrapper in it: -ENOENT");
	put_file(dir, "lastcomm-ng-x.rulebase", "rule=:%x:word%\n");
	ok(rulebase_new(dir, &other) == -EINVAL,
	    "a wrapper without version=2: -EINVAL");
	put_file(dir, "lastcomm-ng-x.rulebase",
	    "version=2\nrule=:%x:no-such-parser%\n");
	ok(rulebase_new(dir, &other) == -EINVAL,
	    "a rule liblognorm rejects: -EINVAL");

	/* include= is read from the rules folder, never from the working
	 * directory (where liblognorm itself looks first). */
	put_file(dir, "lastcomm-ng-x.rulebase", "version=2\n"
	    "prefix=%-:date-rfc3164% %syslog_host:word% acct2syslog:\n"
	    "include=inc.rulebase\n");
	put_file(work, "inc.rulebase", "version=2\nrule=: event=%e:word%\n");
	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(work) < 0)
		diag("cannot go to %s", work);
	ok(rulebase_new(dir, &other) == -ENOENT, "an include missing from "
	    "the rules folder: -ENOENT, whatever the working directory has");
	put_file(work, "inc.rulebase", "version=2\nrule=:%x:bogus%\n");
	put_file(dir, "inc.rulebase", "version=2\nrule=: event=%e:word%\n");
	ok(rulebase_new(dir, &other) == 0,
	    "a wrapper loads the include of the rules folder");
	ok(other != NULL && rulebase_parse(other, "Nov 21 07:30:12 h "
	    "acct2syslog: event=\"", 39, &ent) == -EBADMSG,
	    "and parses with it");
	rulebase_free(other);
	if (chdir(cwd) < 0)
		diag("cannot go back to %s", cwd);
	remove_dir(work);
	remove_dir(dir);
	rulebase_free(NULL);
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	int rc;

	if (top == NULL)
		skip_all("top_srcdir is not set (make check sets it)");
	snprintf(rules_dir, sizeof(rules_dir), "%s/rules", top);
	rc = rulebase_new(rules_dir, &rb);
	if (!ok(rc == 0, "the rules of %s load", rules_dir)) {
		diag("rulebase_new: %s", strerror(-rc));
		return done_testing();
	}
	test_records();
	test_every_byte();
	test_names();
	test_seq();
	test_control();
	test_headers();
	test_not_ours();
	test_broken();
	test_mutations();
	test_load_errors();
	rulebase_free(rb);
	return done_testing();
}
