/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exit-storm: processes that exit at a fixed rate, each noting when.
 *
 *	exit-storm [--rate N] [--count N] [-o FILE]
 *
 * Forks --count children (default 10000), one every 1/--rate second
 * (default 1000 per second) on an absolute schedule, so that a late fork
 * does not slow the rest down.  Each child reads CLOCK_REALTIME and
 * _exit()s at once: the kernel writes its accounting record in do_exit(),
 * before the parent hears of it, so that reading is as close to the
 * record as a program can get.  The times go through a shared mapping;
 * once every child is reaped, FILE (default stdout) gets one line a child:
 *
 *	PID EXIT_US
 *
 * (pid as this pid namespace sees it, microseconds since the epoch), and
 * standard error one line on how well the schedule was kept.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NS	INT64_C(1000000000)

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: exit-storm [--rate N] [--count N] [-o FILE]\n");
	exit(2);
}

static unsigned long
number(const char *what, const char *text)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v == 0)
		errx(2, "%s: not a positive number: %s", what, text);
	return v;
}

static int64_t
ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NS + ts->tv_nsec;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long rate = 1000, count = 10000, spawned = 0, reaped = 0;
	const char *out_path = NULL;
	struct timespec t0, due, now;
	int64_t interval, late_max = 0, late_sum = 0;
	uint64_t *exit_us;
	pid_t *pid;
	FILE *out = stdout;
	int ch;

	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rate = number("--rate", optarg);
			break;
		case 'n':
			count = number("--count", optarg);
			break;
		case 'o':
			out_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	interval = NS / (int64_t)rate;
	exit_us = mmap(NULL, count * sizeof(*exit_us), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (exit_us == MAP_FAILED)
		err(1, "mmap");
	if ((pid = calloc(count, sizeof(*pid))) == NULL)
		err(1, "calloc");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (spawned = 0; spawned < count; spawned++) {
		int64_t at = ns_of(&t0) + (int64_t)spawned * interval, late;

		due.tv_sec = at / NS;
		due.tv_nsec = at % NS;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due,
		    NULL) == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
		late = ns_of(&now) - at;
		late_sum += late;
		if (late > late_max)
			late_max = late;
		pid[spawned] = fork();
		if (pid[spawned] < 0)
			err(1, "fork %lu", spawned + 1);
		if (pid[spawned] == 0) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			exit_us[spawned] = (uint64_t)ts.tv_sec * 1000000 +
			    (uint64_t)ts.tv_nsec / 1000;
			_exit(0);
		}
		/* Reap as we go: no pile of zombies. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			reaped++;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	while (reaped < count && waitpid(-1, NULL, 0) > 0)
		reaped++;

	if (out_path != NULL && (out = fopen(out_path, "w")) == NULL)
		err(1, "%s", out_path);
	for (unsigned long i = 0; i < count; i++)
		fprintf(out, "%ld %" PRIu64 "\n", (long)pid[i], exit_us[i]);
	if (fflush(out) != 0 || (out != stdout && fclose(out) != 0))
		err(1, "%s", out_path ? out_path : "stdout");
	fprintf(stderr, "exit-storm: %lu children in %.3f s (%.0f/s asked, "
	    "%.0f/s kept); forks late by %.0f us on average, %.0f us at most\n",
	    count, (double)(ns_of(&now) - ns_of(&t0)) / 1e9, (double)rate,
	    (double)count * 1e9 / (double)(ns_of(&now) - ns_of(&t0)),
	    (double)late_sum / (double)count / 1e3, (double)late_max / 1e3);
	return 0;
}
