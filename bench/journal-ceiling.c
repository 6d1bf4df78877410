/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal-ceiling: how fast journald takes in the messages of acct2syslog,
 * with nothing else in the way.  The first N records of a pacct file are
 * decoded and turned into journal fields by fmt_journal(), exactly as the
 * journal sink does it (same names cache, host name, a stream and seq),
 * and copied into memory; then, and only then, the clock starts and every
 * message goes to journald with sd_journal_sendv() in a tight loop.
 *
 *	journal-ceiling [--records N] [--host NAME] [--inline] [--dry-run] FILE
 *
 * With --inline it works as the daemon does instead: each record is
 * decoded and formatted just before it is sent, the clock running from
 * the first record.  It prints one line on standard output:
 *
 *	records N bytes B start S end E seconds T rate R
 *
 * B is the size of the fields sent, S and E are CLOCK_REALTIME (seconds
 * since the epoch) before the first and after the last send, so that a
 * script can add the time journald takes to store what was queued
 * (journalctl --sync) on the same clock.  --dry-run formats and stores the
 * messages but sends nothing.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION	/* as the sink: no CODE_FILE= */
#include <systemd/sd-journal.h>

#include "format.h"
#include "names.h"
#include "pacct.h"

/* The messages formatted beforehand: for each, its field count, then
 * each field as a length and its bytes. */
struct arena {
	char	*buf;
	size_t	len, size;
};

/* Where the records come from and what goes with them. */
struct source {
	const char		*path;
	struct pacct_reader	*reader;
	struct fmt_context	ctx;
	struct names		*names;
	uint64_t		n;	/* records formatted so far */
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: journal-ceiling [--records N] [--host NAME] "
	    "[--inline] [--dry-run] FILE\n");
	exit(2);
}

static void
arena_put(struct arena *a, const void *p, size_t n)
{
	if (a->size - a->len < n) {
		size_t size = a->size ? a->size : 1 << 20;

		while (size - a->len < n)
			size *= 2;
		if ((a->buf = realloc(a->buf, size)) == NULL)
			err(1, "arena of %zu bytes", size);
		a->size = size;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static double
now_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fields of the next record into j, as the journal sink makes them;
 * false at the end of the file. */
static bool
next_message(struct source *src, struct fmt_journal *j)
{
	struct acct_event ev;
	int r;

	while ((r = pacct_next(src->reader, &ev, NULL)) != PACCT_END) {
		if (r < 0)
			errx(1, "%s: %s", src->path, strerror(-r));
		if (r != PACCT_RECORD)
			continue;
		/* seq 1 is the daemon's forwarder_start. */
		src->ctx.seq = ++src->n + 1;
		src->ctx.user = names_user(src->names, ev.uid);
		src->ctx.group = names_group(src->names, ev.gid);
		src->ctx.tty = names_tty(src->names, ev.tty);
		if (fmt_journal(j, &ev, &src->ctx) != FMT_OK)
			errx(1, "%s: a record does not fit", src->path);
		return true;
	}
	return false;
}

static void
send_message(const struct iovec *iov, size_t count, uint64_t i, bool dry_run)
{
	int r;

	if (!dry_run && (r = sd_journal_sendv(iov, (int)count)) < 0)
		errx(1, "sd_journal_sendv, message %" PRIu64 ": %s", i + 1,
		    strerror(-r));
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "records", required_argument, NULL, 'n' },
		{ "host", required_argument, NULL, 'h' },
		{ "inline", no_argument, NULL, 'i' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct pacct_options po = { .direction = PACCT_FORWARD };
	struct source src = { 0 };
	struct names *names;
	struct fmt_journal j;
	struct arena arena = { 0 };
	char host[HOST_NAME_MAX + 1], stream[33];
	const char *host_name = NULL;
	uint64_t want = 200000, n = 0, bytes = 0;
	bool dry_run = false, inline_format = false;
	double start, end;
	char *end_num;
	int ch, r;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			errno = 0;
			want = strtoull(optarg, &end_num, 10);
			if (errno || *end_num || want == 0)
				errx(2, "--records: not a positive number: %s",
				    optarg);
			break;
		case 'h':
			host_name = optarg;
			break;
		case 'i':
			inline_format = true;
			break;
		case 'd':
			dry_run = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	/* The daemon sends gethostname(), unless configured otherwise. */
	if (host_name == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		host_name = host;
	}
	/* A stream id as the daemon makes them: 32 hex digits. */
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	for (size_t i = 0; i < 32; i++)
		stream[i] = "0123456789abcdef"[random() & 15];
	stream[32] = '\0';

	if ((r = names_new(&names)) < 0)
		errx(1, "names: %s", strerror(-r));
	src.path = argv[optind];
	if ((r = pacct_open(src.path, &po, &src.reader)) < 0)
		errx(1, "%s: %s", src.path, strerror(-r));
	src.names = names;
	src.ctx = (struct fmt_context){ .host = host_name, .stream = stream };

	if (inline_format) {
		start = now_realtime();
		for (n = 0; n < want && next_message(&src, &j); n++) {
			for (size_t i = 0; i < j.count; i++)
				bytes += j.iov[i].iov_len;
			send_message(j.iov, j.count, n, dry_run);
		}
		end = now_realtime();
	} else {
		while (src.n < want && next_message(&src, &j)) {
			uint32_t count = (uint32_t)j.count;

			arena_put(&arena, &count, sizeof(count));
			for (size_t i = 0; i < j.count; i++) {
				uint32_t len = (uint32_t)j.iov[i].iov_len;

				arena_put(&arena, &len, sizeof(len));
				arena_put(&arena, j.iov[i].iov_base, len);
				bytes += len;
			}
		}
		/* The loop: unpack the iovecs in place and send. */
		start = now_realtime();
		for (size_t at = 0; n < src.n; n++) {
			struct iovec iov[FMT_JOURNAL_FIELDS];
			uint32_t count, len;

			memcpy(&count, arena.buf + at, sizeof(count));
			at += sizeof(count);
			for (uint32_t k = 0; k < count; k++) {
				memcpy(&len, arena.buf + at, sizeof(len));
				at += sizeof(len);
				iov[k] = (struct iovec){ arena.buf + at, len };
				at += len;
			}
			send_message(iov, count, n, dry_run);
		}
		end = now_realtime();
	}
	pacct_close(src.reader);
	names_free(names);
	free(arena.buf);
	if (n < want)
		errx(1, "%s: only %" PRIu64 " records, %" PRIu64 " wanted",
		    src.path, n, want);
	printf("records %" PRIu64 " bytes %" PRIu64 " start %.6f end %.6f "
	    "seconds %.6f rate %.0f\n", n, bytes, start, end, end - start,
	    (double)n / (end - start));
	return 0;
}
