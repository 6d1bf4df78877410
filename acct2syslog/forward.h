/* SPDX-License-Identifier: Apache-2.0 */
/*
 * forward.h: the forwarder: read the accounting file, send, commit.
 *
 * Promise (DESIGN.md "Reliability contract"): records go to the sink in
 * file order, each with the next seq of the stream; the position is
 * committed to the state file only after the sink accepted everything
 * before it.  A failing sink, state directory or accounting file stops
 * progress, never loses anything: forwarder_pump() says which failed (an
 * enum) and, called again, sends the same batch with the same seqs.
 * After a crash the records that may have gone out are sent again with
 * the same seqs before anything new.  Rotation, truncation, a removed
 * file, damaged data, a pause of accounting and a missing heartbeat
 * become control events.
 * One thread; the caller owns the sink and the state directory.
 */
#ifndef ACCT2SYSLOG_FORWARD_H
#define ACCT2SYSLOG_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sink.h"

struct forward_options {
	const char	*path;		/* the accounting file */
	int		state_dir_fd;
	const char	*host;
	unsigned	batch_records;	/* per sink flush, and per commit */
	unsigned	batch_ms;	/* longest wait before a commit */
	unsigned	rotation_grace_ms;
	unsigned	heartbeat_s;	/* 0: no heartbeat */
	unsigned	heartbeat_timeout_s;
	bool		once;		/* read to the end, do not follow */
};

struct forwarder;

/* Load the state (or begin a stream) and find where to resume.  Opens
 * nothing of the sink; errors are -errno of the state directory or the
 * accounting file (-ENOENT, -EACCES, ...). */
int	forwarder_new(const struct forward_options *options,
	    struct forwarder **ret);

/* The sink to send to (after a reload, a new one). */
void	forwarder_set_sink(struct forwarder *f, struct sink *sink);

/* Update what a reload may change (batch sizes, intervals). */
void	forwarder_set_options(struct forwarder *f,
	    const struct forward_options *options);

/* What a pump (or a stop) came to; main.c switches on it, every case. */
enum forward_result {
	FORWARD_WAITING,	/* all read has gone out: wait, call again */
	FORWARD_AT_END,		/* --once: the end of the last file */
	FORWARD_SINK_FAILED,	/* the sink refused or lost a send */
	FORWARD_STATE_FAILED,	/* the state file could not be saved */
	FORWARD_SOURCE_FAILED,	/* an accounting file could not be read */
};

/* The details of a result. */
struct forward_pump {
	unsigned	wait_ms;	/* FORWARD_WAITING: sleep at most this */
	int		error;		/* a failure: its -errno; else 0 */
	/* FORWARD_SOURCE_FAILED: the file (valid until the next call) */
	const char	*file;
};

/*
 * Do what there is to do at now_us (microseconds of CLOCK_MONOTONIC: every
 * interval is measured on it, so a stepped clock moves no timer; control
 * events read CLOCK_REALTIME for their time): read, send, commit, look at
 * the file, the heartbeat and the free space.  A failure leaves the
 * position where it was: call again later (after sink_reopen() for
 * FORWARD_SINK_FAILED) and the same messages go with the same seqs.
 */
enum forward_result forwarder_pump(struct forwarder *f, uint64_t now_us,
	    struct forward_pump *ret);

/* From now on no heartbeat child is started (the daemon is stopping: its
 * record would come after the last commit). */
void	forwarder_stopping(struct forwarder *f);

/* A clean stop: commit, send forwarder_stop, commit with clean=1.
 * FORWARD_WAITING when done; a failure as forwarder_pump() says it. */
enum forward_result forwarder_stop(struct forwarder *f, uint64_t now_us,
	    const char *why, struct forward_pump *ret);

/* One status line: file, offset, lag, seq, counts, what fails. */
void	forwarder_status(const struct forwarder *f, char *buf, size_t size);

void	forwarder_free(struct forwarder *f);

#endif
