/* SPDX-License-Identifier: Apache-2.0 */
/*
 * forward.c: the forwarder's one loop: fill a batch from the current file,
 * send it, commit; between batches, control events, each committed on its
 * own; between pumps, a look at the file (truncated? rotated?), the
 * heartbeat and the free space.
 *
 * Positions: a batch holds records of one file only, and a switch to the
 * next file is committed together with its rotation event, so the records
 * that may have gone out after the last commit are always in the
 * committed file, after the committed offset.  That is what a restart
 * after a crash sends again (same seq, hence same event_id) before it says
 * forwarder_start and goes on.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accounting.h"
#include "follow.h"
#include "forward.h"
#include "macro.h"
#include "names.h"
#include "pacct.h"
#include "state.h"
#include "timefmt.h"

#define CONTROL_QUEUE	8
#define PUMP_BATCHES	16	/* batches per pump, then back to the caller */
#define COMMIT_BATCHES	16	/* a commit at least every so many batches */
#define SPACE_CHECK_US	1000000
#define MS		UINT64_C(1000)
#define SEC		UINT64_C(1000000)

enum { PRIO_ERR = 3, PRIO_WARNING = 4, PRIO_NOTICE = 5, PRIO_INFO = 6 };

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

	struct source	cur;
	struct source	next;		/* opened, read after a rotation */
	char		**todo;		/* files after cur, oldest first */
	size_t		n_todo, i_todo;

	struct acct_event *batch;
	size_t		n_batch;
	uint64_t	batch_end;

	struct control_item ctl[CONTROL_QUEUE];
	size_t		n_ctl;

	bool		started;	/* forwarder_start queued */
	bool		replaying;
	uint64_t	replay_until, replayed;
	char		*start_message;
	uint64_t	start_offset;
	bool		start_warn;	/* the state file was damaged */
	bool		start_seq_doubt;
	uint64_t	start_doubt_seq;
	bool		once_done;
	bool		stopping;

	const char	*failing;
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
};

static void
source_close(struct source *s)
{
	pacct_close(s->reader);
	if (s->fd >= 0)
		close(s->fd);
	free(s->path);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* Open path as a source, reading from offset; follow it unless it is
 * compressed or final. */
static int
source_open(struct source *s, const char *path, uint64_t offset, bool final)
{
	struct pacct_options po = { .direction = PACCT_FORWARD };
	struct stat st;
	int fd, rfd, rc;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || (rc = follow_identify(fd, &s->id)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	if ((rfd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    (s->path = strdup(path)) == NULL) {
		rc = rfd < 0 ? -errno : -ENOMEM;
		if (rfd >= 0)
			close(rfd);
		close(fd);
		return rc;
	}
	s->fd = fd;
	po.start_offset = offset;
	po.follow = !final;
	if ((rc = pacct_open_fd(rfd, path, &po, &s->reader)) < 0) {
		source_close(s);
		return rc;
	}
	s->compressed = pacct_compressed(s->reader);
	s->final = final || s->compressed;
	s->offset = offset;
	s->size_seen = (uint64_t)st.st_size;
	return 0;
}

/* Reopen the reader of s at s->offset, following or not. */
static int
source_reopen(struct source *s, bool final)
{
	struct pacct_options po = { .direction = PACCT_FORWARD,
	    .start_offset = s->offset, .follow = !final };
	int rfd, rc;

	char proc[64];

	pacct_close(s->reader);
	s->reader = NULL;
	/* Through our descriptor: the name may be elsewhere or gone. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s->fd);
	if ((rfd = open(proc, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if ((rc = pacct_open_fd(rfd, s->path, &po, &s->reader)) < 0)
		return rc;
	s->final = final;
	s->at_end = false;
	return 0;
}

static struct fmt_context
context(const struct forwarder *f, uint64_t seq)
{
	return (struct fmt_context){ .names = f->names, .host = f->o.host,
	    .stream = f->st.stream, .seq = seq };
}

/* Queue a control event; the stream stands at (pos_id, pos_offset) once
 * it is sent.  Strings are copied.  False when the queue is full (the
 * callers only queue into an empty or nearly empty queue). */
static struct control_item *
queue_control(struct forwarder *f, enum fmt_control_kind kind, int priority,
    const char *file, const char *message)
{
	struct control_item *it;

	if (f->n_ctl == CONTROL_QUEUE)
		return NULL;
	it = &f->ctl[f->n_ctl++];
	memset(it, 0, sizeof(*it));
	it->c.kind = kind;
	it->c.priority = priority;
	it->c.time_us = timefmt_now_us(CLOCK_REALTIME);
	if (file && (it->file = strdup(file)) != NULL)
		it->c.file = it->file;
	if (message && (it->message = strdup(message)) != NULL)
		it->c.message = it->message;
	it->pos_id = f->cur.id;
	it->pos_offset = f->cur.offset;
	return it;
}

static void
control_free(struct control_item *it)
{
	free(it->message);
	free(it->file);
	free(it->new_file);
}

/* The sink lost what it was given since the last commit (a failed sync):
 * read it again from there, with the same seqs. */
static int
rewind_to_commit(struct forwarder *f)
{
	size_t kept = 0;

	if (f->sink != NULL)
		sink_rewind(f->sink);
	f->n_batch = 0;
	f->seq = f->st.seq - (f->st.pending_control ? 1 : 0);
	f->pos_id = f->st.file;
	f->pos_offset = f->st.offset;
	f->since_commit = 0;
	f->dirty = false;
	/* Events found in the data come again as it is read again. */
	for (size_t i = 0; i < f->n_ctl; i++) {
		if (!f->ctl[i].reserved && f->ctl[i].c.kind == FMT_CORRUPT_DATA) {
			control_free(&f->ctl[i]);
			continue;
		}
		f->ctl[i].sent = false;
		f->ctl[kept++] = f->ctl[i];
	}
	f->n_ctl = kept;
	if (f->cur.offset == f->st.offset)
		return 0;
	f->cur.offset = f->st.offset;
	return source_reopen(&f->cur, f->cur.final);
}

/* Save the state: accepted up to (pos_id, pos_offset) with seq, once the
 * sink has made it durable. */
static int
commit(struct forwarder *f, uint64_t now_us, bool clean, bool pending)
{
	struct state s = f->st;
	int rc;

	if (f->sink != NULL && (rc = sink_sync(f->sink)) < 0) {
		f->failing = "sink";
		rewind_to_commit(f);
		return rc;
	}

	s.seq = f->seq + (pending ? 1 : 0);
	s.file = f->pos_id;
	s.offset = f->pos_offset;
	s.clean = clean;
	s.pending_control = pending;
	if ((rc = state_save(f->o.state_dir_fd, &s)) < 0) {
		f->failing = "state";
		return rc;
	}
	f->st = s;
	f->dirty = false;
	f->since_commit = 0;
	f->last_commit_us = now_us;
	return 0;
}

/* Send the batch; on success the stream has moved past it. */
static int
deliver_batch(struct forwarder *f, uint64_t now_us)
{
	struct fmt_context ctx = context(f, 0);
	int rc;

	for (size_t i = 0; i < f->n_batch; i++) {
		ctx.seq = f->seq + 1 + i;
		if ((rc = sink_record(f->sink, &f->batch[i], &ctx)) < 0)
			goto fail;
	}
	if ((rc = sink_flush(f->sink)) < 0)
		goto fail;
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
	return 0;
fail:
	/* The batches sent since the last commit may be gone with the
	 * reader that failed: all of them go again. */
	f->failing = "sink";
	rewind_to_commit(f);
	return rc;
}

/* Send the first queued control event: its seq is saved before it goes
 * (so that no later message can take it), the stream after it commits. */
static int
deliver_control(struct forwarder *f, uint64_t now_us)
{
	struct control_item *it = &f->ctl[0];
	struct fmt_context ctx = context(f, f->seq + 1);
	int rc;

	if (!it->reserved) {
		if ((rc = commit(f, now_us, false, true)) < 0)
			return rc;
		it->reserved = true;
	}
	if (!it->sent) {
		if ((rc = sink_control(f->sink, &it->c, &ctx)) < 0 ||
		    (rc = sink_flush(f->sink)) < 0) {
			f->failing = "sink";
			return rc;
		}
		it->sent = true;
		f->seq++;
		f->controls_sent++;
	}
	f->pos_id = it->pos_id;
	f->pos_offset = it->pos_offset;
	if ((rc = commit(f, now_us, false, false)) < 0)
		return rc;
	if (it->switch_source) {
		source_close(&f->cur);
		f->cur = f->next;
		memset(&f->next, 0, sizeof(f->next));
		f->next.fd = -1;
	}
	control_free(it);
	memmove(&f->ctl[0], &f->ctl[1], --f->n_ctl * sizeof(f->ctl[0]));
	return 0;
}

/* What is waiting: the batch, then the control events after it. */
static int
deliver(struct forwarder *f, uint64_t now_us)
{
	int rc;

	if (f->n_batch > 0 && (rc = deliver_batch(f, now_us)) < 0)
		return rc;
	while (f->n_ctl > 0)
		if ((rc = deliver_control(f, now_us)) < 0)
			return rc;
	f->failing = NULL;
	return 0;
}

static void
queue_start(struct forwarder *f)
{
	struct control_item *it;
	char msg[256];

	if (f->replayed > 0)
		snprintf(msg, sizeof(msg), "%s; %" PRIu64 " records after it "
		    "sent again with their event ids", f->start_message,
		    f->replayed);
	else
		snprintf(msg, sizeof(msg), "%s", f->start_message);
	it = queue_control(f, FMT_FORWARDER_START,
	    f->start_warn ? PRIO_WARNING : PRIO_NOTICE, f->cur.path, msg);
	if (it != NULL) {
		it->c.has = FMT_HAS_OFFSET | FMT_HAS_RECORDS;
		it->c.offset = f->start_offset;
		it->c.records = f->replayed;
		if (f->start_seq_doubt) {
			it->c.has |= FMT_HAS_SEQ_RANGE;
			it->c.seq_from = it->c.seq_to = f->start_doubt_seq;
		}
	}
	f->started = true;
	f->replaying = false;
}

/* A region that is not records, or a short tail: corrupt_data. */
static void
queue_corrupt(struct forwarder *f,
    const struct pacct_region *r, bool partial)
{
	struct control_item *it;
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: %" PRIu64 " bytes at offset %" PRIu64
	    " %s; skipped", f->cur.path, r->length, r->offset, partial ?
	    "are a partial record at the end of the file" : r->all_zero ?
	    "are zero (a hole), not records" : "are not records");
	f->skipped_bytes += r->length;
	if ((it = queue_control(f, FMT_CORRUPT_DATA, PRIO_WARNING,
	    f->cur.path, msg)) != NULL) {
		it->c.has = FMT_HAS_OFFSET | FMT_HAS_BYTES;
		it->c.offset = r->offset;
		it->c.bytes = r->length;
	}
}

/* The heartbeat child's record came back. */
static void
queue_heartbeat(struct forwarder *f, uint64_t latency_us)
{
	char msg[128];

	if (f->accounting_off) {
		f->accounting_off = false;
		queue_control(f, FMT_ACCOUNTING_RESUMED, PRIO_NOTICE,
		    f->cur.path, "a heartbeat record came back: process "
		    "accounting writes again");
	}
	snprintf(msg, sizeof(msg), "heartbeat record back after %" PRIu64
	    " ms", latency_us / (uint64_t)MS);
	queue_control(f, FMT_HEARTBEAT, PRIO_INFO, f->cur.path, msg);
}

static int	check_truncation(struct forwarder *f);

/* Read records into the batch until it is full, the file has nothing more
 * for now, or a control event must go between. */
static int
fill(struct forwarder *f, uint64_t now_us)
{
	struct pacct_region region;
	uint64_t latency;
	int rc;

	/* Right before reading: nothing is read at an offset of a file
	 * that was truncated or written again meanwhile. */
	if (f->n_batch == 0 && f->n_ctl == 0 && (rc = check_truncation(f)) < 0)
		return rc;
	while (f->n_batch < f->o.batch_records && f->n_ctl == 0) {
		struct acct_event *ev = &f->batch[f->n_batch];

		rc = f->cur.reader ? pacct_next(f->cur.reader, ev, &region) :
		    PACCT_END;
		if (rc == PACCT_END) {
			f->cur.at_end = true;
			break;
		}
		f->cur.at_end = false;
		if (rc < 0) {
			/* Damaged gzip, or a read error: what came before
			 * stands; the rest of this file is lost. */
			struct pacct_region lost = { pacct_offset(f->cur.reader),
			    0, false };
			char msg[200];
			struct control_item *it;

			snprintf(msg, sizeof(msg), "%s: cannot read past "
			    "offset %" PRIu64 ": %s", f->cur.path, lost.offset,
			    strerror(-rc));
			it = queue_control(f, FMT_CORRUPT_DATA, PRIO_ERR,
			    f->cur.path, msg);
			if (it != NULL) {
				it->c.has = FMT_HAS_OFFSET;
				it->c.offset = lost.offset;
			}
			pacct_close(f->cur.reader);
			f->cur.reader = NULL;
			f->cur.final = true;
			f->cur.at_end = true;
			break;
		}
		f->cur.offset = pacct_end_offset(f->cur.reader);
		if (rc == PACCT_SKIPPED || rc == PACCT_PARTIAL) {
			queue_corrupt(f, &region, rc == PACCT_PARTIAL);
			break;
		}
		f->n_batch++;
		f->batch_end = f->cur.offset;
		f->cur.records++;
		if (f->replaying)
			f->replayed++;
		if (!f->cur.id.has_first)
			follow_identify(f->cur.fd, &f->cur.id);
		if (f->hb != NULL && ev->comm_len == sizeof(HEARTBEAT_COMM) - 1 &&
		    memcmp(ev->comm, HEARTBEAT_COMM, ev->comm_len) == 0 &&
		    heartbeat_match(f->hb, ev, now_us, &latency))
			queue_heartbeat(f, latency);
		if (f->replaying && f->cur.offset >= f->replay_until)
			queue_start(f);
	}
	return 0;
}

/* Size of one record of the file, from its first record (64 when none). */
static uint64_t
record_size_of(const struct source *s)
{
	size_t n = s->id.has_first ? acct_record_size(s->id.first[1]) : 0;

	return n ? n : ACCT_RECORD_SIZE;
}

/* Where the records the kernel appended after a cut that is not on the
 * record grid begin: step back from size over plausible records of the
 * stream's version.  The run starts at the cut: the old records below it
 * are off its grid, so their slots are not plausible. */
static uint64_t
find_cut(const struct source *s, uint64_t size, size_t rs)
{
	uint8_t rec[ACCT_RECORD_MAX];
	uint64_t p = size;

	while (p >= rs && pread(s->fd, rec, rs, (off_t)(p - rs)) ==
	    (ssize_t)rs && acct_plausible(rec, rs) &&
	    rec[1] == s->id.first[1])
		p -= rs;
	return p;
}

/*
 * The live file was truncated: it is smaller than what was read, or its
 * first record changed (emptied and written again, maybe past our
 * offset).  If the start was kept, read on where the cut was: the size,
 * or, off the record grid, where the records appended since begin.
 * Otherwise read it from 0.  What the file held past that point and we
 * had not read is lost: the event says how many bytes the file lost.
 */
static int
handle_truncation(struct forwarder *f, uint64_t size)
{
	struct source *c = &f->cur;
	struct file_id now_id;
	struct control_item *it;
	size_t rs = record_size_of(c);
	uint64_t from = c->offset, to;
	uint64_t had = MAX(c->offset, MAX(c->size_seen, c->size_max));
	char msg[300];
	int rc;

	if ((rc = follow_identify(c->fd, &now_id)) < 0)
		return rc;
	if (!file_id_same_content(&now_id, &c->id))
		to = 0;
	else if (size % rs != 0)
		to = find_cut(c, size, rs);
	else
		to = size;
	c->id = now_id;
	c->offset = to;
	c->size_seen = c->size_max = size;
	snprintf(msg, sizeof(msg), "%s was truncated (%s; %" PRIu64
	    " bytes now); reading on at offset %" PRIu64 "; records written "
	    "before the truncation and not yet read are lost", c->path,
	    to == 0 ? "written again from the start" : "its start kept",
	    size, to);
	it = queue_control(f, FMT_TRUNCATED, PRIO_WARNING, c->path, msg);
	if (it != NULL) {
		it->c.has = FMT_HAS_OFFSET | FMT_HAS_BYTES;
		it->c.offset = from;
		it->c.bytes = had > to ? had - to : 0;
	}
	return source_reopen(c, f->o.once);
}

/* Was the live file emptied and written again since we looked?  Its size
 * changed and its first record is another. */
static bool
rewritten(struct source *c, uint64_t size)
{
	struct file_id now_id;

	if (size == c->size_seen || !c->id.has_first ||
	    follow_identify(c->fd, &now_id) < 0 || !now_id.has_first)
		return false;
	return !file_id_same_content(&now_id, &c->id);
}

/* Before reading on in the live file: was it truncated, or emptied and
 * written again, since we looked? */
static int
check_truncation(struct forwarder *f)
{
	struct source *c = &f->cur;
	struct stat st;

	if (c->final)
		return 0;
	if (fstat(c->fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < c->offset ||
	    rewritten(c, (uint64_t)st.st_size))
		return handle_truncation(f, (uint64_t)st.st_size);
	c->size_max = MAX(c->size_max, (uint64_t)st.st_size);
	return 0;
}

/* Open the file to read after cur: the next rotated one, or the path.
 * 0 with f->next open; -ENOENT when there is none (yet). */
static int
open_next(struct forwarder *f)
{
	const char *p = f->i_todo < f->n_todo ? f->todo[f->i_todo] : f->path;
	bool last = f->i_todo >= f->n_todo;
	int rc;

	if ((rc = source_open(&f->next, p, 0, f->o.once && last)) < 0)
		return rc;
	f->next.live = last;
	f->next.was_live = last;
	f->i_todo++;
	return 0;
}

/* The file s was opened as has been renamed (pacct to pacct.0, say):
 * find its name now among the rotated files, for the messages about it. */
static void
rename_source(struct forwarder *f, struct source *s)
{
	char **sib = NULL;
	size_t n = 0;
	struct stat st;

	if (follow_siblings(f->path, &sib, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (stat(sib[i], &st) == 0 && (uint64_t)st.st_dev == s->id.dev &&
		    (uint64_t)st.st_ino == s->id.ino) {
			free(s->path);
			s->path = TAKE_PTR(sib[i]);
			break;
		}
	follow_siblings_free(sib, n);
}

/* cur is read to its end and will not grow: say rotation, go on with the
 * next file (the switch is committed with the event). */
static int
switch_source(struct forwarder *f)
{
	struct control_item *it;
	char msg[300];
	int rc;

	if ((rc = open_next(f)) < 0)
		return rc;
	if (f->cur.was_live)
		rename_source(f, &f->cur);
	f->path_gone_warned = false;
	snprintf(msg, sizeof(msg), "%s read to its end (%" PRIu64 " records "
	    "this run); going on with %s", f->cur.path, f->cur.records,
	    f->next.path);
	it = queue_control(f, FMT_ROTATION, PRIO_INFO, f->cur.path,
	    msg);
	if (it == NULL) {
		source_close(&f->next);
		f->i_todo--;
		return 0;
	}
	if ((it->new_file = strdup(f->next.path)) != NULL)
		it->c.new_file = it->new_file;
	it->c.has = FMT_HAS_OFFSET | FMT_HAS_RECORDS;
	it->c.offset = f->cur.offset;
	it->c.records = f->cur.records;
	it->pos_id = f->next.id;
	it->pos_offset = 0;
	it->switch_source = true;
	if (f->replaying)
		queue_start(f);
	return 0;
}

/* Look at the file when everything read has gone out: truncated, grown,
 * renamed away, replaced? */
static int
check_source(struct forwarder *f, uint64_t now_us)
{
	struct source *c = &f->cur;
	struct stat st, pst;

	if (c->final) {
		if (c->at_end)
			return f->o.once && c->live ? 1 : switch_source(f);
		return 0;
	}
	if (fstat(c->fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size < c->offset)
		return handle_truncation(f, (uint64_t)st.st_size);
	if ((uint64_t)st.st_size != c->size_seen) {
		c->size_seen = (uint64_t)st.st_size;
		c->grew_us = now_us;
	}
	if (c->live || c->was_live) {
		if (stat(f->path, &pst) < 0) {
			/* Renamed, and no new file yet (savelog makes one a
			 * moment later); say so only if it stays away. */
			if (f->path_gone_us == 0)
				f->path_gone_us = now_us;
			else if (!f->path_gone_warned && now_us -
			    f->path_gone_us >= f->o.rotation_grace_ms * MS) {
				queue_control(f, FMT_GAP, PRIO_WARNING,
				    f->path, "the accounting file is gone and "
				    "no new one has appeared; reading on from "
				    "the open file");
				f->path_gone_warned = true;
			}
			c->live = false;
			return 0;
		}
		f->path_gone_us = 0;
		if (c->live && (uint64_t)pst.st_dev == c->id.dev &&
		    (uint64_t)pst.st_ino == c->id.ino)
			return 0;
		c->live = false;
	}
	if (!c->at_end)
		return 0;
	/* Renamed away, or an older file: drain it until it has been quiet
	 * for the grace period and a newer file has records. */
	if (c->was_live) {
		if (stat(f->path, &pst) < 0 ||
		    (uint64_t)pst.st_size < record_size_of(c))
			return 0;
	}
	if (now_us - c->grew_us < f->o.rotation_grace_ms * MS)
		return 0;
	return source_reopen(c, true);
}

/* The heartbeat and the free space, when everything read has gone out. */
static void
check_accounting(struct forwarder *f, uint64_t now_us)
{
	uint64_t spawned;
	int changed;

	if (f->hb != NULL) {
		if (now_us >= f->next_heartbeat_us) {
			heartbeat_spawn(f->hb, now_us);
			f->next_heartbeat_us = now_us + f->o.heartbeat_s * SEC;
		}
		if (heartbeat_oldest(f->hb, &spawned) &&
		    now_us - spawned > f->o.heartbeat_timeout_s * SEC) {
			char msg[160];

			snprintf(msg, sizeof(msg), "no heartbeat record came "
			    "back within %u s: process accounting is off or "
			    "writes elsewhere", f->o.heartbeat_timeout_s);
			heartbeat_forget(f->hb);
			if (!f->accounting_off)
				queue_control(f, FMT_ACCOUNTING_OFF, PRIO_ERR,
				    f->path, msg);
			f->accounting_off = true;
		}
	}
	if (f->have_thresholds && now_us >= f->next_space_us) {
		f->next_space_us = now_us + SPACE_CHECK_US;
		changed = acct_space_update(&f->space, f->cur.fd,
		    &f->thresholds);
		if (changed == 1) {
			struct control_item *it;
			char msg[160];

			snprintf(msg, sizeof(msg), f->space.paused ?
			    "%u %% free on the accounting filesystem: the "
			    "kernel pauses accounting (below %u %%)" :
			    "%u %% free on the accounting filesystem: the "
			    "kernel resumes accounting (%u %% or more)",
			    f->space.free_percent, f->space.paused ?
			    f->thresholds.suspend : f->thresholds.resume);
			it = queue_control(f, f->space.paused ?
			    FMT_ACCOUNTING_PAUSED : FMT_ACCOUNTING_RESUMED,
			    f->space.paused ? PRIO_ERR : PRIO_NOTICE,
			    f->cur.path, msg);
			if (it != NULL) {
				it->c.has = FMT_HAS_FREE_PERCENT;
				it->c.free_percent = f->space.free_percent;
			}
		}
	}
}

int
forwarder_pump(struct forwarder *f, uint64_t now_us, unsigned *ret_wait_ms)
{
	uint64_t wait_us = SEC;
	int rc;

	for (int round = 0; round < PUMP_BATCHES; round++) {
		if ((rc = deliver(f, now_us)) < 0)
			return rc;
		if ((rc = fill(f, now_us)) < 0)
			return rc;
		if (f->n_batch > 0 || f->n_ctl > 0)
			continue;
		/* Everything read has gone out. */
		if ((rc = check_source(f, now_us)) < 0)
			return rc;
		if (rc == 1) {
			f->once_done = true;
			break;
		}
		if (f->n_ctl > 0 || !f->cur.at_end)
			continue;
		if (f->replaying)
			queue_start(f);
		else if (!f->o.once && !f->stopping)
			check_accounting(f, now_us);
		if (f->n_ctl == 0)
			break;
	}
	if (f->n_batch > 0 || f->n_ctl > 0) {
		*ret_wait_ms = 0;
		return 0;
	}
	if (f->dirty) {
		uint64_t due = f->last_commit_us + f->o.batch_ms * MS;

		if (f->once_done || now_us >= due) {
			if ((rc = commit(f, now_us, false, false)) < 0)
				return rc;
		} else
			wait_us = MIN(wait_us, due - now_us);
	}
	if (f->once_done) {
		*ret_wait_ms = 0;
		return 1;
	}
	if (!f->cur.final && !f->cur.live)
		wait_us = MIN(wait_us, f->o.rotation_grace_ms * MS / 2 + MS);
	*ret_wait_ms = (unsigned)(wait_us / MS);
	return 0;
}

/* Where the saved file is now: the path, a rotated sibling, or gone.
 * Fills f->cur (and f->todo with the newer files); 0 when found, 1 when
 * gone (the path is then read from its start). */
static int
resume(struct forwarder *f, const struct state *saved)
{
	struct source probe;
	char **sib = NULL;
	size_t n_sib = 0, found = SIZE_MAX;
	int rc;

	rc = source_open(&probe, f->path, 0, true);
	if (rc < 0)
		return rc;
	if (file_id_same_file(&saved->file, &probe.id)) {
		source_close(&probe);
		return source_open(&f->cur, f->path, saved->offset, f->o.once);
	}
	source_close(&probe);
	if ((rc = follow_siblings(f->path, &sib, &n_sib)) < 0)
		return rc;
	for (size_t i = 0; i < n_sib && found == SIZE_MAX; i++) {
		if (source_open(&probe, sib[i], 0, true) < 0)
			continue;
		if (file_id_same_file(&saved->file, &probe.id) ||
		    (probe.compressed && file_id_same_content(&saved->file,
		    &probe.id)))
			found = i;
		source_close(&probe);
	}
	if (found != SIZE_MAX) {
		/* Read it from the saved offset, then every newer one. */
		f->todo = calloc(found + 1, sizeof(*f->todo));
		for (size_t i = 0; f->todo && i < found; i++)
			f->todo[i] = TAKE_PTR(sib[found - 1 - i]);
		f->n_todo = f->todo ? found : 0;
		rc = source_open(&f->cur, sib[found], saved->offset,
		    !f->o.once ? false : true);
		follow_siblings_free(sib, n_sib);
		if (rc < 0)
			return rc;
		f->cur.final = f->cur.compressed;
		return 0;
	}
	follow_siblings_free(sib, n_sib);
	/* Gone (the caller says so): read the path from its start. */
	if ((rc = source_open(&f->cur, f->path, 0, f->o.once)) < 0)
		return rc;
	f->cur.live = f->cur.was_live = true;
	return 1;
}

/* The file read last is gone: what was after the saved offset in it is
 * lost. */
static void
queue_gap(struct forwarder *f, const struct state *saved)
{
	struct control_item *it;
	char msg[300];

	snprintf(msg, sizeof(msg), "the file read last (device %" PRIu64
	    ", inode %" PRIu64 ", %" PRIu64 " bytes read) is neither %s nor "
	    "one of its rotated files: records written to it after that are "
	    "lost", saved->file.dev, saved->file.ino, saved->offset, f->path);
	if ((it = queue_control(f, FMT_GAP, PRIO_ERR, f->path,
	    msg)) != NULL) {
		it->c.has = FMT_HAS_OFFSET;
		it->c.offset = saved->offset;
	}
}

/* The state file is damaged: what the old stream sent is unknown, so a
 * new stream reads from the start.  If the path was rotated (while we were
 * down, say), records written after the last commit may be in the newest
 * rotated file: read it whole, then the path (open_next() with f->todo
 * empty).  What the old stream sent of it goes again, in the new stream;
 * a compressed one was rotated long before and is not read. */
static int
start_damaged(struct forwarder *f)
{
	char **sib = NULL;
	size_t n_sib = 0;
	const char *base;
	char msg[300];
	int rc;

	f->start_warn = true;
	if ((rc = follow_siblings(f->path, &sib, &n_sib)) < 0)
		return rc;
	if (n_sib > 0 && source_open(&f->cur, sib[0], 0, f->o.once) == 0) {
		if (!f->cur.compressed) {
			/* As resume() does: drained like a file renamed
			 * away (the kernel may still write to it). */
			f->cur.final = false;
			f->cur.was_live = true;
			/* Its name only: control strings are cut to 128
			 * bytes, and the file field has the whole path. */
			base = strrchr(sib[0], '/');
			snprintf(msg, sizeof(msg), "the state file was damaged: "
			    "a new stream, from the start of the rotated %s, "
			    "then the live file", base ? base + 1 : sib[0]);
			f->start_message = strdup(msg);
			follow_siblings_free(sib, n_sib);
			return 0;
		}
		source_close(&f->cur);
	}
	follow_siblings_free(sib, n_sib);
	if ((rc = source_open(&f->cur, f->path, 0, f->o.once)) < 0)
		return rc;
	f->cur.live = f->cur.was_live = true;
	f->start_message = strdup("the state file was damaged: a new stream, "
	    "from the start of the file");
	return 0;
}

int
forwarder_new(const struct forward_options *o, struct forwarder **ret)
{
	_cleanup_free_ struct forwarder *f = calloc(1, sizeof(*f));
	struct state saved;
	uint64_t now_us = timefmt_now_us(CLOCK_MONOTONIC);
	char msg[300];
	bool gone = false;
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
	if (loaded < 0 && loaded != -ENOENT && loaded != -EBADMSG) {
		rc = loaded;
		goto fail;
	}
	if (loaded < 0) {
		if ((rc = state_new_stream(&f->st)) < 0)
			goto fail;
		if (loaded == -EBADMSG) {
			if ((rc = start_damaged(f)) < 0)
				goto fail;
		} else {
			if ((rc = source_open(&f->cur, f->path, 0,
			    o->once)) < 0)
				goto fail;
			f->cur.live = f->cur.was_live = true;
			f->start_message = strdup("first start: a new stream");
		}
	} else {
		f->st = saved;
		f->seq = saved.seq;
		if ((rc = resume(f, &saved)) < 0)
			goto fail;
		gone = rc == 1;
		if (rc == 0) {
			f->cur.live = f->cur.was_live = f->n_todo == 0;
			f->start_offset = saved.offset;
			snprintf(msg, sizeof(msg), "resumed %s at offset %" PRIu64
			    " after %s", f->cur.path, saved.offset, saved.clean ?
			    "a clean stop" : "a crash");
			f->start_message = strdup(msg);
			f->replaying = !saved.clean;
			/* What may have gone out is in the file as it is
			 * now (a compressed one: to its end). */
			f->replay_until = f->cur.compressed ? UINT64_MAX :
			    f->cur.size_seen;
		} else
			f->start_message = strdup("the file read last is "
			    "gone (see the gap event): going on with a new file");
		if (saved.pending_control) {
			f->start_seq_doubt = true;
			f->start_doubt_seq = saved.seq;
		}
	}
	if (f->start_message == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	f->pos_id = f->cur.id;
	f->pos_offset = f->cur.offset;
	f->last_commit_us = now_us;
	f->cur.grew_us = now_us;
	if (!f->replaying)
		queue_start(f);
	if (gone)
		queue_gap(f, &saved);
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

int
forwarder_stop(struct forwarder *f, uint64_t now_us, const char *why)
{
	int rc;

	if ((rc = deliver(f, now_us)) < 0)
		return rc;
	if (queue_control(f, FMT_FORWARDER_STOP, PRIO_NOTICE,
	    f->cur.path, why) != NULL) {
		struct control_item *it = &f->ctl[f->n_ctl - 1];

		it->c.has = FMT_HAS_OFFSET | FMT_HAS_RECORDS;
		it->c.offset = f->pos_offset;
		it->c.records = f->records_sent;
		it->pos_id = f->pos_id;
		it->pos_offset = f->pos_offset;
	}
	if ((rc = deliver(f, now_us)) < 0)
		return rc;
	return commit(f, now_us, true, false);
}

const char *
forwarder_failing(const struct forwarder *f)
{
	return f->failing;
}

void
forwarder_status(const struct forwarder *f, char *buf, size_t size)
{
	struct stat st;
	uint64_t lag = 0;

	if (f->cur.fd >= 0 && fstat(f->cur.fd, &st) == 0 &&
	    (uint64_t)st.st_size > f->pos_offset)
		lag = (uint64_t)st.st_size - f->pos_offset;
	snprintf(buf, size, "file %s offset %" PRIu64 " lag %" PRIu64
	    " bytes; stream %s seq %" PRIu64 " (committed %" PRIu64 "); "
	    "%" PRIu64 " records and %" PRIu64 " control events sent, %"
	    PRIu64 " bytes skipped; sink %s%s", f->cur.path ? f->cur.path :
	    f->path, f->pos_offset, lag, f->st.stream, f->seq, f->st.seq,
	    f->records_sent, f->controls_sent, f->skipped_bytes,
	    f->sink ? sink_describe(f->sink) : "none",
	    f->failing ? (strcmp(f->failing, "sink") == 0 ? " (failing)" :
	    " (state directory failing)") : "");
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
	free(f->path);
	free(f);
}
