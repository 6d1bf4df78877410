/* SPDX-License-Identifier: Apache-2.0 */
/*
 * forward.c: the forwarder's one loop: fill a batch from the current file,
 * send it, commit; between batches, control events (control.c), each
 * committed on its own; between pumps, a look at the file (follow.c:
 * truncated? rotated?), the heartbeat and the free space (accounting.c).
 *
 * Positions: a batch holds records of one file only, and a switch to the
 * next file is committed together with its rotation event, so the records
 * that may have gone out after the last commit are always in the
 * committed file, after the committed offset.  That is what a restart
 * after a crash sends again (same seq, hence same event_id) before it says
 * forwarder_start and goes on, and what a failed sync sends again.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "forward-internal.h"
#include "identity.h"
#include "macro.h"
#include "names.h"
#include "timefmt.h"

#define PUMP_BATCHES	16	/* batches per pump, then back to the caller */
#define COMMIT_BATCHES	16	/* a commit at least every so many batches */

static struct fmt_context
context(const struct forwarder *f, uint64_t seq)
{
	return (struct fmt_context){ .host = f->o.host,
	    .stream = f->st.stream, .seq = seq };
}

/* The sink lost what it was given since the last commit (a failed sync):
 * read it again from there, with the same seqs.  When the file cannot be
 * read again now, nothing is read until it can (rewind_pending). */
static void
rewind_to_commit(struct forwarder *f)
{
	if (f->sink != NULL)
		sink_rewind(f->sink);
	f->n_batch = 0;
	f->seq = f->st.seq - (f->st.pending_control ? 1 : 0);
	f->pos_id = f->st.file;
	f->pos_offset = f->st.offset;
	f->since_commit = 0;
	f->dirty = false;
	control_rewind(f);
	if (f->cur.offset == f->st.offset && !f->rewind_pending)
		return;
	f->cur.offset = f->st.offset;
	f->rewind_pending = true;
}

/* Read the current file again from the commit, if a rewind is due. */
static struct forward_step
finish_rewind(struct forwarder *f)
{
	int rc;

	if (!f->rewind_pending)
		return step_ok();
	if ((rc = source_reopen(&f->cur, f->cur.final)) < 0)
		return source_failed(f, f->cur.path, rc);
	f->rewind_pending = false;
	return step_ok();
}

/* Save the state: accepted up to (pos_id, pos_offset) with seq, once the
 * sink has made it durable. */
static struct forward_step
commit(struct forwarder *f, uint64_t now_us, bool clean, bool pending)
{
	struct state s = f->st;
	int rc;

	if (f->sink != NULL && (rc = sink_sync(f->sink)) < 0) {
		rewind_to_commit(f);
		return step_fail(FORWARD_SINK_FAILED, rc);
	}
	s.seq = f->seq + (pending ? 1 : 0);
	s.file = f->pos_id;
	s.offset = f->pos_offset;
	s.clean = clean;
	s.pending_control = pending;
	/* What is in doubt stays so until a forwarder_start admitting it is
	 * committed; a seq taken now joins it. */
	s.doubt_from = f->doubt_from;
	s.doubt_to = f->doubt_to;
	if (pending) {
		if (s.doubt_from == 0)
			s.doubt_from = s.seq;
		s.doubt_to = s.seq;
	}
	if ((rc = state_save(f->o.state_dir_fd, &s)) < 0)
		return step_fail(FORWARD_STATE_FAILED, rc);
	f->st = s;
	f->dirty = false;
	f->since_commit = 0;
	f->last_commit_us = now_us;
	return step_ok();
}

/* Send the batch; on success the stream has moved past it. */
static struct forward_step
deliver_batch(struct forwarder *f, uint64_t now_us)
{
	struct fmt_context ctx = context(f, 0);
	int rc = 0;

	for (size_t i = 0; i < f->n_batch && rc == 0; i++) {
		ctx.seq = f->seq + 1 + i;
		rc = send_record(f, &f->batch[i], &ctx);
	}
	if (rc < 0 || (rc = sink_flush(f->sink)) < 0) {
		/* The batches sent since the last commit may be gone with
		 * the reader that failed: all of them go again. */
		rewind_to_commit(f);
		return step_fail(FORWARD_SINK_FAILED, rc);
	}
	f->seq += f->n_batch;
	f->records_sent += f->n_batch;
	f->since_commit += f->n_batch;
	f->pos_id = f->cur.id;
	f->pos_offset = f->batch_end;
	f->dirty = true;
	f->n_batch = 0;
	if (f->since_commit >= COMMIT_BATCHES * f->o.batch_records ||
	    now_us - f->last_commit_us >= f->o.batch_ms * MS)
		return commit(f, now_us, false, false);
	return step_ok();
}

/* Send the first queued control event: its seq is saved before it goes
 * (so that no later message can take it), the stream after it commits. */
static struct forward_step
deliver_control(struct forwarder *f, uint64_t now_us)
{
	struct control_item *it = &f->ctl[0];
	struct fmt_context ctx = context(f, f->seq + 1);
	struct forward_step s;
	int rc;

	if (!it->reserved) {
		if (step_failed(s = commit(f, now_us, false, true)))
			return s;
		it->reserved = true;
	}
	if (!it->sent) {
		if ((rc = send_control(f, &it->c, &ctx)) < 0 ||
		    (rc = sink_flush(f->sink)) < 0)
			return step_fail(FORWARD_SINK_FAILED, rc);
		it->sent = true;
		f->seq++;
		f->controls_sent++;
	}
	f->pos_id = it->pos_id;
	f->pos_offset = it->pos_offset;
	if (step_failed(s = commit(f, now_us, false, false)))
		return s;
	/* Its admission reached the sink: the next commit forgets it (a
	 * crash before that admits the same seqs again, which is harmless). */
	if (it->c.kind == FMT_FORWARDER_START)
		f->doubt_from = f->doubt_to = 0;
	if (it->switch_source) {
		source_close(&f->cur);
		f->cur = f->next;
		memset(&f->next, 0, sizeof(f->next));
		f->next.fd = -1;
	}
	control_pop(f);
	return step_ok();
}

/* What is waiting: the batch, then the control events after it, then
 * the news of events the full queue could not take. */
static struct forward_step
deliver(struct forwarder *f, uint64_t now_us)
{
	struct forward_step s;

	if (step_failed(s = finish_rewind(f)))
		return s;
	if (f->n_batch > 0 && step_failed(s = deliver_batch(f, now_us)))
		return s;
	do {
		while (f->n_ctl > 0)
			if (step_failed(s = deliver_control(f, now_us)))
				return s;
	} while (control_tell_lost(f));
	return step_ok();
}

/* A record read into the batch: the stream's bookkeeping, the replay,
 * and whether it is our heartbeat coming back. */
static void
take_record(struct forwarder *f, const struct acct_event *ev,
    uint64_t now_us)
{
	uint64_t latency;

	f->n_batch++;
	f->batch_end = f->cur.offset;
	f->cur.records++;
	if (f->replaying)
		f->replayed++;
	/* The file had no first record yet: now it has.  Best effort: an
	 * unknown first record only makes identity weaker. */
	if (!f->cur.id.has_first)
		(void)file_id_read(f->cur.fd, &f->cur.id);
	if (f->hb != NULL && ev->comm_len == sizeof(HEARTBEAT_COMM) - 1 &&
	    memcmp(ev->comm, HEARTBEAT_COMM, ev->comm_len) == 0 &&
	    heartbeat_match(f->hb, ev, now_us, &latency))
		queue_heartbeat(f, latency);
	if (f->replaying && f->cur.offset >= f->replay_until)
		queue_start(f);
}

/* Read records into the batch until it is full, the file has nothing more
 * for now, or a control event must go between. */
static struct forward_step
fill(struct forwarder *f, uint64_t now_us)
{
	struct pacct_region region;
	struct forward_step s;
	int rc;

	/* Right before reading: nothing is read at an offset of a file
	 * that was truncated or written again meanwhile. */
	if (f->n_batch == 0 && f->n_ctl == 0 &&
	    step_failed(s = follow_check_truncation(f)))
		return s;
	f->more = false;
	while (f->n_batch < f->o.batch_records && f->n_ctl == 0) {
		struct acct_event *ev = &f->batch[f->n_batch];

		rc = f->cur.reader ? pacct_next(f->cur.reader, ev, &region) :
		    PACCT_END;
		f->cur.at_end = rc == PACCT_END;
		if (rc < 0) {
			/* Damaged gzip, or a read error: what came before
			 * stands; the rest of this file is lost. */
			queue_read_error(f, pacct_offset(f->cur.reader), rc);
			pacct_close(f->cur.reader);
			f->cur.reader = NULL;
			f->cur.final = true;
			f->cur.at_end = true;
			break;
		}
		if (rc == PACCT_END)
			break;
		f->cur.offset = pacct_end_offset(f->cur.reader);
		if (rc == PACCT_RECORD) {
			take_record(f, ev, now_us);
			continue;
		}
		if (rc == PACCT_SKIPPED || rc == PACCT_PARTIAL)
			queue_corrupt(f, &region, rc == PACCT_PARTIAL);
		else
			f->more = true;	/* the reader paused: come back */
		break;
	}
	return step_ok();
}

/* The rounds of a pump: deliver, fill, look at the file when all read
 * has gone out.  FORWARD_AT_END when --once is done. */
static struct forward_step
pump_rounds(struct forwarder *f, uint64_t now_us)
{
	struct forward_step s;

	for (int round = 0; round < PUMP_BATCHES; round++) {
		if (step_failed(s = deliver(f, now_us)) ||
		    step_failed(s = fill(f, now_us)))
			return s;
		if (f->n_batch > 0 || f->n_ctl > 0 || f->more)
			continue;
		/* Everything read has gone out. */
		s = follow_check_source(f, now_us);
		if (s.result == FORWARD_AT_END && f->replaying) {
			/* --once with nothing left to replay: the start
			 * (and what it admits) still goes out. */
			queue_start(f);
			continue;
		}
		if (s.result != FORWARD_WAITING)
			return s;
		if (f->n_ctl > 0 || !f->cur.at_end)
			continue;
		if (f->replaying)
			queue_start(f);
		else if (!f->o.once && !f->stopping)
			accounting_check(f, now_us);
		if (f->n_ctl == 0)
			break;
	}
	return step_ok();
}

/* The result of a pump or a stop, for the caller and the status line. */
static enum forward_result
pump_result(struct forwarder *f, struct forward_step s,
    struct forward_pump *ret)
{
	ret->error = s.error;
	if (s.result == FORWARD_SOURCE_FAILED)
		ret->file = f->failed_file ? f->failed_file : f->path;
	f->last_result = s.result;
	return s.result;
}

enum forward_result
forwarder_pump(struct forwarder *f, uint64_t now_us, struct forward_pump *ret)
{
	uint64_t wait_us = SEC;
	struct forward_step s = pump_rounds(f, now_us);

	*ret = (struct forward_pump){ 0, s.error, NULL };
	if (s.result == FORWARD_WAITING &&
	    (f->n_batch > 0 || f->n_ctl > 0 || f->more))
		return pump_result(f, s, ret);
	if (!step_failed(s) && f->dirty) {
		uint64_t due = f->last_commit_us + f->o.batch_ms * MS;
		struct forward_step c;

		if (s.result == FORWARD_AT_END || now_us >= due) {
			if (step_failed(c = commit(f, now_us, false, false)))
				s = c;
		} else
			wait_us = MIN(wait_us, due - now_us);
	}
	if (s.result == FORWARD_WAITING) {
		if (!f->cur.final && !f->cur.live)
			wait_us = MIN(wait_us,
			    f->o.rotation_grace_ms * MS / 2 + MS);
		ret->wait_ms = (unsigned)(wait_us / MS);
	}
	return pump_result(f, s, ret);
}

int
forwarder_new(const struct forward_options *o, struct forwarder **ret)
{
	_cleanup_free_ struct forwarder *f = calloc(1, sizeof(*f));
	struct state saved;
	uint64_t now_us = timefmt_now_us(CLOCK_MONOTONIC);
	struct forward_step s;
	int rc, loaded;

	if (f == NULL)
		return -ENOMEM;
	f->o = *o;
	f->cur.fd = f->next.fd = -1;
	if ((f->path = strdup(o->path)) == NULL ||
	    (f->batch = calloc(o->batch_records, sizeof(*f->batch))) == NULL ||
	    (rc = names_new(&f->names)) < 0) {
		rc = -ENOMEM;
		goto fail;
	}
	f->o.path = f->path;
	loaded = state_load(o->state_dir_fd, &saved);
	if (step_failed(s = follow_start(f, loaded, &saved))) {
		rc = s.error;
		goto fail;
	}
	f->pos_id = f->cur.id;
	f->pos_offset = f->cur.offset;
	f->last_commit_us = now_us;
	f->cur.grew_us = now_us;
	if (!o->once && o->heartbeat_s > 0 && (rc = heartbeat_new(&f->hb)) < 0)
		goto fail;
	f->next_heartbeat_us = now_us;
	f->have_thresholds = acct_thresholds_read(NULL, &f->thresholds) == 0;
	*ret = TAKE_PTR(f);
	return 0;
fail:
	forwarder_free(TAKE_PTR(f));
	return rc;
}

void
forwarder_set_sink(struct forwarder *f, struct sink *sink)
{
	f->sink = sink;
}

void
forwarder_set_options(struct forwarder *f, const struct forward_options *o)
{
	f->o.batch_ms = o->batch_ms;
	f->o.rotation_grace_ms = o->rotation_grace_ms;
	f->o.heartbeat_s = o->heartbeat_s;
	f->o.heartbeat_timeout_s = o->heartbeat_timeout_s;
	f->o.host = o->host;
	/* batch_records sizes the batch array: kept until a restart. */
}

void
forwarder_stopping(struct forwarder *f)
{
	f->stopping = true;
}

enum forward_result
forwarder_stop(struct forwarder *f, uint64_t now_us, const char *why,
    struct forward_pump *ret)
{
	struct control_item *it;
	struct forward_step s;

	*ret = (struct forward_pump){ 0, 0, NULL };
	if (step_failed(s = deliver(f, now_us)))
		return pump_result(f, s, ret);
	if ((it = queue_control(f, FMT_FORWARDER_STOP, PRIO_NOTICE,
	    f->cur.path, why)) != NULL) {
		it->c.has = FMT_HAS_OFFSET | FMT_HAS_RECORDS;
		it->c.offset = f->pos_offset;
		it->c.records = f->records_sent;
		it->pos_id = f->pos_id;
		it->pos_offset = f->pos_offset;
	}
	if (!step_failed(s = deliver(f, now_us)))
		s = commit(f, now_us, true, false);
	return pump_result(f, s, ret);
}

void
forwarder_status(const struct forwarder *f, char *buf, size_t size)
{
	const char *failing = "";
	struct stat st;
	uint64_t lag = 0;

	switch (f->last_result) {
	case FORWARD_WAITING:
	case FORWARD_AT_END:
		break;
	case FORWARD_SINK_FAILED:
		failing = " (failing)";
		break;
	case FORWARD_STATE_FAILED:
		failing = " (state directory failing)";
		break;
	case FORWARD_SOURCE_FAILED:
		failing = " (an accounting file cannot be read)";
		break;
	}
	if (f->cur.fd >= 0 && fstat(f->cur.fd, &st) == 0 &&
	    (uint64_t)st.st_size > f->pos_offset)
		lag = (uint64_t)st.st_size - f->pos_offset;
	snprintf(buf, size, "file %s offset %" PRIu64 " lag %" PRIu64
	    " bytes; stream %s seq %" PRIu64 " (committed %" PRIu64 "); "
	    "%" PRIu64 " records and %" PRIu64 " control events sent, %"
	    PRIu64 " bytes skipped, %" PRIu64 " control events lost, %"
	    PRIu64 " messages too long to send; sink %s%s",
	    f->cur.path ? f->cur.path : f->path, f->pos_offset, lag,
	    f->st.stream, f->seq, f->st.seq, f->records_sent,
	    f->controls_sent, f->skipped_bytes, f->controls_lost_total,
	    f->unsendable, f->sink ? sink_describe(f->sink) : "none",
	    failing);
}

void
forwarder_free(struct forwarder *f)
{
	if (f == NULL)
		return;
	source_close(&f->cur);
	source_close(&f->next);
	for (size_t i = 0; i < f->n_ctl; i++)
		control_free(&f->ctl[i]);
	for (size_t i = 0; i < f->n_todo; i++)
		free(f->todo[i]);
	free(f->todo);
	heartbeat_free(f->hb);
	names_free(f->names);
	free(f->batch);
	free(f->start_message);
	free(f->failed_file);
	free(f->path);
	free(f);
}
