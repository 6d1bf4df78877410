/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fwtest.h: the frame of the forwarder's unit tests (test-forward,
 * test-follow): a temporary directory, accounting files written record by
 * record (mkrec.h), a forwarder on them with a file sink, and a look at
 * what the sink got.  Header-only; one test program uses it at a time.
 */
#ifndef ACCT_FWTEST_H
#define ACCT_FWTEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "forward-internal.h"
#include "mkrec.h"
#include "sink.h"
#include "tap.h"
#include "timefmt.h"

static char fw_dir[] = "/tmp/test-forward.XXXXXX";

/* fw_dir/name, in a static buffer of its own (FW_PATHS in turn: enough
 * for every path one test function holds at once). */
#define FW_PATHS	256
static inline const char *
fw_path(const char *name)
{
	static char bufs[FW_PATHS][512];
	static unsigned next;
	char *b = bufs[next++ % FW_PATHS];

	snprintf(b, sizeof(bufs[0]), "%s/%s", fw_dir, name);
	return b;
}

static inline void
fw_setup(void)
{
	if (mkdtemp(fw_dir) == NULL)
		skip_all("cannot make a temporary directory");
}

static inline void
fw_cleanup(void)
{
	char command[600];

	snprintf(command, sizeof(command), "rm -rf %s", fw_dir);
	if (system(command) != 0)
		diag("could not remove %s", fw_dir);
}

/* Write n v3 records, pids first_pid.., to path (append or replace). */
static inline void
fw_records(const char *path, uint32_t first_pid, unsigned n, bool append)
{
	FILE *f = fopen(path, append ? "ab" : "wb");
	uint8_t rec[64];

	if (f == NULL)
		abort();
	for (unsigned i = 0; i < n; i++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "t%u", first_pid + i);
		mkrec_v3(rec, false, first_pid + i, comm);
		if (fwrite(rec, 1, sizeof(rec), f) != sizeof(rec))
			abort();
	}
	if (fclose(f) != 0)
		abort();
}

/* A directory for the state, and its descriptor. */
static inline int
fw_state_dir(const char *name)
{
	int fd;

	if (mkdir(fw_path(name), 0700) < 0 && errno != EEXIST)
		abort();
	if ((fd = open(fw_path(name), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		abort();
	return fd;
}

static inline struct forward_options
fw_options(const char *path, int state_fd, bool once)
{
	return (struct forward_options){ .path = path,
	    .state_dir_fd = state_fd, .host = "testhost",
	    .batch_records = 64, .batch_ms = 0, .rotation_grace_ms = 0,
	    .heartbeat_s = 0, .heartbeat_timeout_s = 10, .once = once };
}

/* A kv file sink at path. */
static inline struct sink *
fw_file_sink(const char *path)
{
	struct sink_options o = { .kind = SINK_FILE, .path = path,
	    .format = SINK_FORMAT_KV, .facility = 10 };
	struct sink *s = NULL;

	if (sink_open(&o, &s) < 0)
		abort();
	return s;
}

/* A syslog sink on a socket nobody listens at: every send fails. */
static inline struct sink *
fw_dead_sink(void)
{
	struct sink_options o = { .kind = SINK_SYSLOG,
	    .path = fw_path("nobody-listens"), .facility = 10 };
	struct sink *s = NULL;

	(void)sink_open(&o, &s);
	if (s == NULL)
		abort();
	return s;
}

/* Pump until a result other than FORWARD_WAITING, at most n times. */
static inline enum forward_result
fw_pump(struct forwarder *f, int n, struct forward_pump *ret)
{
	enum forward_result r = FORWARD_WAITING;

	for (int i = 0; i < n && r == FORWARD_WAITING; i++)
		r = forwarder_pump(f, timefmt_now_us(CLOCK_MONOTONIC), ret);
	return r;
}

/* A whole run on o's file into s, to a clean stop (the state it leaves
 * is what the case then damages or moves). */
static inline void
fw_run_clean(const struct forward_options *o, struct sink *s)
{
	struct forwarder *f = NULL;
	struct forward_pump p;

	if (forwarder_new(o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	fw_pump(f, 10, &p);
	forwarder_stop(f, timefmt_now_us(CLOCK_MONOTONIC), "end", &p);
	forwarder_free(f);
}

/* Lines of path that hold needle. */
static inline unsigned
fw_count(const char *path, const char *needle)
{
	char line[4096];
	unsigned n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	fclose(f);
	return n;
}

/* The seq of every line of path is 1, 2, 3, ... */
static inline bool
fw_seq_contiguous(const char *path)
{
	char line[4096];
	unsigned long want = 1;
	FILE *f = fopen(path, "r");
	bool good = f != NULL;

	while (good && fgets(line, sizeof(line), f) != NULL) {
		const char *p = strstr(line, " seq=");

		good = p != NULL && strtoul(p + 5, NULL, 10) == want++;
	}
	if (f != NULL)
		fclose(f);
	return good;
}

#endif
