/* SPDX-License-Identifier: Apache-2.0 */
/*
 * forward-internal.h: the forwarder's insides, shared by the files that
 * keep its promise (forward.h) and by its unit tests: forward.c (batch,
 * send, commit, replay), follow.c (which file to read: resume, rotation,
 * truncation, drain), control.c (the queue of control events), send.c
 * (one message to the sink, its names resolved) and accounting.c (the
 * heartbeat and the free space).
 *
 * Promise: every step that can fail returns a struct forward_step, whose
 * result says what failed; no failure travels in a field set on the
 * side.  Nothing here logs but send.c's internal error (a message that
 * does not fit).  One thread.
 */
#ifndef ACCT2SYSLOG_FORWARD_INTERNAL_H
#define ACCT2SYSLOG_FORWARD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accounting.h"
#include "forward.h"
#include "format.h"
#include "pacct.h"
#include "state.h"

#define CONTROL_QUEUE	8
#define MS		UINT64_C(1000)
#define SEC		UINT64_C(1000000)
#define SPACE_CHECK_US	SEC	/* between looks at the free space */

enum { PRIO_ERR = 3, PRIO_WARNING = 4, PRIO_NOTICE = 5, PRIO_INFO = 6 };

/* What a step came to: FORWARD_WAITING is "fine, go on". */
struct forward_step {
	enum forward_result result;
	int		error;		/* -errno of a failure, else 0 */
};

static inline struct forward_step
step_ok(void)
{
	return (struct forward_step){ FORWARD_WAITING, 0 };
}

static inline struct forward_step
step_fail(enum forward_result result, int error)
{
	return (struct forward_step){ result, error };
}

static inline bool
step_failed(struct forward_step s)
{
	return s.result != FORWARD_WAITING && s.result != FORWARD_AT_END;
}

/* One file being read. */
struct source {
	char		*path;
	int		fd;		/* our own, for fstat and identity */
	struct pacct_reader *reader;
	struct file_id	id;
	bool		live;		/* still the file at the path */
	bool		was_live;
	bool		compressed;
	bool		final;		/* read to its end, no following */
	bool		at_end;		/* the reader has nothing more now */
	uint64_t	offset;		/* consumed: in the batch or sent */
	uint64_t	size_seen;
	uint64_t	size_max;	/* the largest size seen since opened */
	uint64_t	grew_us;	/* when size_seen last changed */
	uint64_t	records;
};

/* A control event waiting to go, with where the stream stands after it. */
struct control_item {
	struct fmt_control c;
	char		*message, *file, *new_file;
	struct file_id	pos_id;
	uint64_t	pos_offset;
	bool		reserved;	/* its seq is in the state file */
	bool		sent;
	bool		switch_source;	/* then read f->next */
};

struct forwarder {
	struct forward_options o;
	char		*path;
	struct sink	*sink;
	struct names	*names;
	struct state	st;		/* as last saved */
	uint64_t	seq;		/* last accepted by the sink */
	struct file_id	pos_id;		/* accepted up to here */
	uint64_t	pos_offset;
	bool		dirty;		/* accepted but not committed */
	uint64_t	last_commit_us;
	uint64_t	since_commit;
	/* cur must be read again from the commit (its reopen failed). */
	bool		rewind_pending;

	struct source	cur;
	struct source	next;		/* opened, read after a rotation */
	char		**todo;		/* files after cur, oldest first */
	size_t		n_todo, i_todo;

	struct acct_event *batch;
	size_t		n_batch;
	uint64_t	batch_end;
	bool		more;		/* the reader stopped short: call again */

	struct control_item ctl[CONTROL_QUEUE];
	size_t		n_ctl;
	uint64_t	controls_lost;	/* not queued (full), not yet told */
	uint32_t	controls_lost_kinds;	/* 1 << kind of those */
	uint64_t	controls_lost_total;

	bool		started;	/* forwarder_start queued */
	bool		replaying;
	uint64_t	replay_until, replayed;
	char		*start_message;
	uint64_t	start_offset;
	bool		start_warn;	/* the state file was damaged */
	/* Seqs earlier runs took and no delivered message admits yet
	 * (state.h): forwarder_start admits them, and they stay in every
	 * state saved until it is committed.  0 and 0: none. */
	uint64_t	doubt_from, doubt_to;
	bool		stopping;

	/* The last result of a pump, for the status line. */
	enum forward_result last_result;
	char		*failed_file;	/* FORWARD_SOURCE_FAILED: which */
	bool		path_gone_warned;
	uint64_t	path_gone_us;	/* the path has been missing since */

	struct heartbeat *hb;
	uint64_t	next_heartbeat_us;
	bool		accounting_off;
	struct acct_thresholds thresholds;
	bool		have_thresholds;
	struct acct_space space;
	uint64_t	next_space_us;

	uint64_t	records_sent, controls_sent, skipped_bytes;
	uint64_t	unsendable;	/* messages that did not fit */
};

/* follow.c: the files. */
void	source_close(struct source *s);
/* Open path as a source, reading from offset; follow it unless it is
 * compressed or final.  -errno of open, identification or the reader. */
int	source_open(struct source *s, const char *path, uint64_t offset,
	    bool final);
/* Reopen the reader of s at s->offset, following or not. */
int	source_reopen(struct source *s, bool final);
/* A step that failed on the file path (kept in f->failed_file). */
struct forward_step source_failed(struct forwarder *f, const char *path,
	    int error);
/* Where to begin: the saved state, a damaged one or none (the result of
 * state_load()).  Fills f->cur, f->todo and the start message. */
struct forward_step follow_start(struct forwarder *f, int loaded,
	    const struct state *saved);
/* Before reading on in the live file: was it truncated, or emptied and
 * written again, since we looked? */
struct forward_step follow_check_truncation(struct forwarder *f);
/* When everything read has gone out: truncated, grown, renamed away,
 * replaced?  FORWARD_AT_END when --once is at the end of the last file. */
struct forward_step follow_check_source(struct forwarder *f,
	    uint64_t now_us);

/* control.c: the queue.  queue_control() copies the strings; NULL when
 * the queue is full (the event is counted in f->controls_lost and told
 * in a gap event as soon as there is room). */
struct control_item *queue_control(struct forwarder *f,
	    enum fmt_control_kind kind, int priority, const char *file,
	    const char *message);
void	control_free(struct control_item *it);
/* When the queue is empty and events were lost: queue the gap event that
 * says so (at the position of f->cur); true when it did. */
bool	control_tell_lost(struct forwarder *f);
/* Take the first item off the queue (after it went out). */
void	control_pop(struct forwarder *f);
/* The sink lost what came after the commit: every item goes again, but
 * those found in the data come again as it is read again. */
void	control_rewind(struct forwarder *f);
void	queue_start(struct forwarder *f);
void	queue_corrupt(struct forwarder *f, const struct pacct_region *r,
	    bool partial);
void	queue_read_error(struct forwarder *f, uint64_t offset, int error);
void	queue_heartbeat(struct forwarder *f, uint64_t latency_us);
void	queue_gap(struct forwarder *f, const struct state *saved);

/* send.c: one record (ctx gets its names) or control event to the sink;
 * the sink's result.  A message that does not fit goes as a gap event
 * with the same seq (a record) or without its strings (a control event),
 * logged and counted in unsendable. */
int	send_record(struct forwarder *f, const struct acct_event *ev,
	    struct fmt_context *ctx);
int	send_control(struct forwarder *f, const struct fmt_control *c,
	    const struct fmt_context *ctx);

/* accounting.c: the heartbeat and the free space, when everything read
 * has gone out. */
void	accounting_check(struct forwarder *f, uint64_t now_us);

#endif
