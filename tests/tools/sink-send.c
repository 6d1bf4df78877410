/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink-send: send synthetic records through one sink, for the shell tests.
 * A test tool, never installed.
 *
 *	sink-send --sink journal|syslog|file:PATH|stdout [--socket PATH]
 *	    [--rfc5424] [--sd] [--format kv|json] [--count N] [--first SEQ]
 *	    [--comm NAME] [--control]
 *
 * Sends N messages with seq SEQ..SEQ+N-1 (default 1..N), stream
 * 0123456789abcdef0123456789abcdef, host "testhost", facility authpriv,
 * then flushes.  Record seq i is a v3 record (tests/unit/mkrec.h) of pid
 * 1000 + i named NAME (default "sink-send"); with --control every message
 * is instead a "gap" control event (warning) about seq i.  No names are
 * resolved, so the same options give the same messages anywhere: the
 * stdout sink prints what the others send.  Exit 0 when the sink accepted
 * everything, 1 with a one-line error when it did not, 2 for bad usage.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"
#include "unit/mkrec.h"

#define PROGRAM_NAME	"sink-send"
#define STREAM		"0123456789abcdef0123456789abcdef"
#define HOST		"testhost"
#define AUTHPRIV	10

static void
usage(void)
{
	fprintf(stderr, "usage: %s --sink journal|syslog|file:PATH|stdout "
	    "[--socket PATH] [--rfc5424] [--sd] [--format kv|json] "
	    "[--count N] [--first SEQ] [--comm NAME] [--control]\n",
	    PROGRAM_NAME);
	exit(2);
}

static uint64_t
number(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
		fprintf(stderr, "%s: %s: not a number: %s\n", PROGRAM_NAME,
		    what, s);
		exit(2);
	}
	return v;
}

/* Parse --sink into the options; false when it names no sink. */
static bool
parse_sink(const char *arg, struct sink_options *o)
{
	if (strcmp(arg, "journal") == 0)
		o->kind = SINK_JOURNAL;
	else if (strcmp(arg, "syslog") == 0)
		o->kind = SINK_SYSLOG;
	else if (strcmp(arg, "stdout") == 0)
		o->kind = SINK_STDOUT;
	else if (strncmp(arg, "file:", 5) == 0 && arg[5] != '\0') {
		o->kind = SINK_FILE;
		o->path = arg + 5;
	} else
		return false;
	return true;
}

/* Give message seq to the sink. */
static int
send_one(struct sink *s, uint64_t seq, const char *comm, bool control)
{
	struct fmt_context ctx = { .host = HOST, .stream = STREAM,
	    .seq = seq };
	struct fmt_control c = { .kind = FMT_GAP, .priority = 4,
	    .time_us = 1700000000123456,
	    .message = "records lost [test] \"quoted\" back\\slash",
	    .file = "/var/log/account/pacct", .has = FMT_HAS_SEQ_RANGE,
	    .seq_from = seq, .seq_to = seq };
	struct acct_event ev;
	uint8_t rec[64];

	if (control)
		return sink_control(s, &c, &ctx);
	mkrec_v3(rec, false, (uint32_t)(1000 + seq), comm);
	if (acct_decode(rec, sizeof(rec), 100, &ev) < 0)
		return -EINVAL;
	return sink_record(s, &ev, &ctx);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sink", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "rfc5424", no_argument, NULL, '5' },
		{ "sd", no_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "first", required_argument, NULL, 'F' },
		{ "comm", required_argument, NULL, 'c' },
		{ "control", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct sink_options o = { .kind = SINK_STDOUT, .facility = AUTHPRIV,
	    .host = HOST, .framing = SINK_RFC3164 };
	const char *comm = "sink-send", *socket_path = NULL;
	uint64_t count = 1, first = 1;
	bool have_sink = false, control = false;
	struct sink *s = NULL;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		switch (ch) {
		case 's':
			if (!parse_sink(optarg, &o))
				usage();
			have_sink = true;
			break;
		case 'S':
			socket_path = optarg;
			break;
		case '5':
			o.framing = SINK_RFC5424;
			break;
		case 'd':
			o.structured_data = true;
			break;
		case 'f':
			if (strcmp(optarg, "kv") == 0)
				o.format = SINK_FORMAT_KV;
			else if (strcmp(optarg, "json") == 0)
				o.format = SINK_FORMAT_JSON;
			else
				usage();
			break;
		case 'n':
			count = number(optarg, "--count");
			break;
		case 'F':
			first = number(optarg, "--first");
			break;
		case 'c':
			comm = optarg;
			break;
		case 'C':
			control = true;
			break;
		default:
			usage();
		}
	if (!have_sink || optind != argc)
		usage();
	if (o.kind == SINK_SYSLOG)
		o.path = socket_path;
	signal(SIGPIPE, SIG_IGN);	/* the stdout sink reports EPIPE */

	if ((r = sink_open(&o, &s)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM_NAME,
		    s ? sink_describe(s) : "cannot make the sink",
		    strerror(-r));
		sink_close(s);
		return 1;
	}
	for (uint64_t seq = first; seq < first + count; seq++)
		if ((r = send_one(s, seq, comm, control)) < 0) {
			fprintf(stderr, "%s: %s: seq %" PRIu64 ": %s\n",
			    PROGRAM_NAME, sink_describe(s), seq,
			    strerror(-r));
			sink_close(s);
			return 1;
		}
	if ((r = sink_flush(s)) < 0) {
		fprintf(stderr, "%s: %s: flush: %s\n", PROGRAM_NAME,
		    sink_describe(s), strerror(-r));
		sink_close(s);
		return 1;
	}
	sink_close(s);
	return 0;
}
