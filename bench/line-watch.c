/* SPDX-License-Identifier: Apache-2.0 */
/*
 * line-watch: when does each line of a growing file appear?
 *
 *	line-watch [--key KEY] [--count N] [--timeout S] FILE [OUT]
 *
 * Follows FILE (which may not exist yet) with inotify, reading what was
 * appended as soon as it is told, and stamps each complete line with
 * CLOCK_REALTIME at that moment.  For each line holding " KEY=NUMBER"
 * (KEY defaults to process_id, as in acct2syslog's kv lines) it writes
 *
 *	NUMBER APPEAR_US
 *
 * to OUT (default stdout).  It stops on SIGINT or SIGTERM, after N such
 * lines (--count), or when nothing matching came for S seconds
 * (--timeout, after the first match; default: never), writing what it has.
 * Lines present when it starts count too; a file sink only appends, so the
 * reader keeps one offset.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE	(256 * 1024)
#define LINE_MAX_BYTES	(64 * 1024)

/* The line being put together, and what is looked for in it. */
struct watch {
	char		*line;
	size_t		line_len;
	const char	*needle;
	size_t		needle_len;
	FILE		*out;
	unsigned long	seen;
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: line-watch [--key KEY] [--count N] "
	    "[--timeout S] FILE [OUT]\n");
	exit(2);
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Take n bytes read at time t; returns how many lines matched. */
static unsigned long
take(struct watch *w, const char *buf, size_t n, uint64_t t)
{
	unsigned long matched = 0;

	for (size_t i = 0; i < n; i++) {
		const char *p;

		if (buf[i] != '\n') {
			if (w->line_len < LINE_MAX_BYTES - 1)
				w->line[w->line_len++] = buf[i];
			continue;
		}
		w->line[w->line_len] = '\0';
		w->line_len = 0;
		if ((p = strstr(w->line, w->needle)) == NULL)
			continue;
		fprintf(w->out, "%lu %" PRIu64 "\n",
		    strtoul(p + w->needle_len, NULL, 10), t);
		matched++;
	}
	w->seen += matched;
	return matched;
}

/* Read fd to its end, stamping each read; true when a line matched. */
static bool
drain(struct watch *w, int fd, char *buf)
{
	bool matched = false;
	ssize_t n;

	while ((n = read(fd, buf, READ_SIZE)) > 0)
		if (take(w, buf, (size_t)n, now_us()) > 0)
			matched = true;
	if (n < 0)
		err(1, "read");
	return matched;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = "process_id";
	char needle[80];
	unsigned long want = 0, timeout_s = 0;
	uint64_t last_match_ms = 0;
	struct watch w = { .out = stdout };
	char *buf;
	int fd = -1, ino, sig, ch;
	sigset_t mask;
	bool stop = false;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			key = optarg;
			break;
		case 'n':
			want = strtoul(optarg, NULL, 10);
			break;
		case 't':
			timeout_s = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 && optind != argc - 2)
		usage();
	if (snprintf(needle, sizeof(needle), " %s=", key) >=
	    (int)sizeof(needle))
		errx(2, "--key too long");
	w.needle = needle;
	w.needle_len = strlen(needle);
	if (optind == argc - 2 &&
	    (w.out = fopen(argv[optind + 1], "w")) == NULL)
		err(1, "%s", argv[optind + 1]);
	if ((buf = malloc(READ_SIZE)) == NULL ||
	    (w.line = malloc(LINE_MAX_BYTES)) == NULL)
		err(1, "malloc");

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((sig = signalfd(-1, &mask, SFD_CLOEXEC)) < 0)
		err(1, "signalfd");
	if ((ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0)
		err(1, "inotify_init1");

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sig, .events = POLLIN },
			{ .fd = ino, .events = POLLIN },
		};

		if (fd < 0) {
			/* Watch first, then open: no write is missed. */
			if (inotify_add_watch(ino, argv[optind], IN_MODIFY) < 0 &&
			    errno != ENOENT)
				err(1, "inotify_add_watch %s", argv[optind]);
			fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
			if (fd < 0 && errno != ENOENT)
				err(1, "%s", argv[optind]);
		}
		/* Everything there is, stamped as it arrives. */
		if (fd >= 0 && drain(&w, fd, buf))
			last_match_ms = monotonic_ms();
		if (stop || (want > 0 && w.seen >= want))
			break;
		if (timeout_s > 0 && last_match_ms > 0 &&
		    monotonic_ms() - last_match_ms >= timeout_s * 1000)
			break;
		/* The file may not exist yet: then look again every 10 ms. */
		if (poll(pfd, 2, fd < 0 ? 10 : 1000) < 0 && errno != EINTR)
			err(1, "poll");
		if (pfd[0].revents & POLLIN)
			stop = true;	/* after one more read */
		if (pfd[1].revents & POLLIN) {
			char ev[4096];

			while (read(ino, ev, sizeof(ev)) > 0)
				;
		}
	}
	if (fflush(w.out) != 0)
		err(1, "writing the stamps");
	fprintf(stderr, "line-watch: %lu lines with \"%s\"\n", w.seen,
	    needle + 1);
	return 0;
}
