/* SPDX-License-Identifier: Apache-2.0 */
/*
 * follow.c: which file the forwarder reads, and when it moves on.
 *
 * Where to begin (follow_start): at the saved offset of the saved file,
 * wherever rotation has put it (the path, pacct.0, pacct.1.gz: identity.h
 * knows it by device, inode and first record), then every newer file of
 * the rotated set (common/rotated.h) up to the path; from the start of the
 * newest rotated file when the state was damaged; from the start of the
 * path, with a gap event, when the saved file is gone.
 *
 * While reading (follow_check_truncation, right before each read): the
 * live file may be cut shorter or emptied and written again; the reading
 * goes on where the kernel's new records begin, and the event says how
 * many bytes were lost.
 *
 * When everything read has gone out (follow_check_source): a file renamed
 * away is drained (the kernel may write to it until accounting switches)
 * until it has been quiet for the grace period and the new file has a
 * record; then a rotation event, committed with the switch to the next
 * file.  --once does not wait for the new file's first record: it reads
 * what is there.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forward-internal.h"
#include "identity.h"
#include "macro.h"
#include "rotated.h"

/* Bytes of non-records a read may skip before it comes back (PACCT_SKIPPING):
 * the main loop sees signals even inside a region of gigabytes. */
#define SKIP_BUDGET	(1024 * 1024)

void
source_close(struct source *s)
{
	pacct_close(s->reader);
	if (s->fd >= 0)
		close(s->fd);
	free(s->path);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

int
source_open(struct source *s, const char *path, uint64_t offset, bool final)
{
	struct pacct_options po = { .direction = PACCT_FORWARD,
	    .skip_budget = SKIP_BUDGET };
	struct stat st;
	int fd, rfd, rc;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	/* Its own error, not whatever errno was left behind. */
	if ((rc = file_id_read(fd, &s->id)) < 0) {
		close(fd);
		return rc;
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

int
source_reopen(struct source *s, bool final)
{
	struct pacct_options po = { .direction = PACCT_FORWARD,
	    .start_offset = s->offset, .follow = !final,
	    .skip_budget = SKIP_BUDGET };
	char proc[64];
	int rfd;

	pacct_close(s->reader);
	s->reader = NULL;
	/* Through our descriptor: the name may be elsewhere or gone. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s->fd);
	if ((rfd = open(proc, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	s->final = final;
	s->at_end = false;
	return pacct_open_fd(rfd, s->path, &po, &s->reader);
}

struct forward_step
source_failed(struct forwarder *f, const char *path, int error)
{
	char *copy = strdup(path);

	if (copy != NULL) {
		free(f->failed_file);
		f->failed_file = copy;
	}
	return step_fail(FORWARD_SOURCE_FAILED, error);
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
static struct forward_step
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

	if ((rc = file_id_read(c->fd, &now_id)) < 0)
		return source_failed(f, c->path, rc);
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
	if ((rc = source_reopen(c, f->o.once)) < 0)
		return source_failed(f, c->path, rc);
	return step_ok();
}

/* Was the live file emptied and written again since we looked?  Its size
 * changed and its first record is another. */
static bool
rewritten(struct source *c, uint64_t size)
{
	struct file_id now_id;

	if (size == c->size_seen || !c->id.has_first ||
	    file_id_read(c->fd, &now_id) < 0 || !now_id.has_first)
		return false;
	return !file_id_same_content(&now_id, &c->id);
}

struct forward_step
follow_check_truncation(struct forwarder *f)
{
	struct source *c = &f->cur;
	struct stat st;

	if (c->final)
		return step_ok();
	if (fstat(c->fd, &st) < 0)
		return source_failed(f, c->path, -errno);
	if ((uint64_t)st.st_size < c->offset ||
	    rewritten(c, (uint64_t)st.st_size))
		return handle_truncation(f, (uint64_t)st.st_size);
	c->size_max = MAX(c->size_max, (uint64_t)st.st_size);
	return step_ok();
}

/* The path has been missing since path_gone_us: say so once, if it stays
 * away longer than the grace period (savelog makes it a moment later). */
static void
path_gone(struct forwarder *f, uint64_t now_us, const char *what)
{
	if (f->path_gone_us == 0)
		f->path_gone_us = now_us;
	else if (!f->path_gone_warned && now_us - f->path_gone_us >=
	    f->o.rotation_grace_ms * MS) {
		queue_control(f, FMT_GAP, PRIO_WARNING, f->path, what);
		f->path_gone_warned = true;
	}
}

/* The file s was opened as has been renamed (pacct to pacct.0, say):
 * find its name now among the rotated files, for the messages about it. */
static void
rename_source(struct forwarder *f, struct source *s)
{
	char **sib = NULL;
	size_t n = 0;
	struct stat st;

	/* Only the name in the messages: without the list, the old one. */
	if (rotated_list(f->path, 0, &sib, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (stat(sib[i], &st) == 0 && (uint64_t)st.st_dev == s->id.dev &&
		    (uint64_t)st.st_ino == s->id.ino) {
			free(s->path);
			s->path = TAKE_PTR(sib[i]);
			break;
		}
	rotated_list_free(sib, n);
}

/* cur is read to its end and will not grow: say rotation, go on with the
 * next file, a newer rotated one or the path (the switch is committed
 * with the event). */
static struct forward_step
switch_source(struct forwarder *f, uint64_t now_us)
{
	bool last = f->i_todo >= f->n_todo;
	const char *p = last ? f->path : f->todo[f->i_todo];
	struct control_item *it;
	char msg[300];
	int rc;

	if ((rc = source_open(&f->next, p, 0, f->o.once && last)) < 0) {
		if (rc == -ENOENT && last) {
			/* No new file yet: wait for it (--once: what was
			 * there has been read). */
			if (f->o.once)
				return step_fail(FORWARD_AT_END, 0);
			path_gone(f, now_us, "the accounting file is gone and "
			    "no new one has appeared; the file read last is "
			    "read to its end");
			return step_ok();
		}
		return source_failed(f, p, rc);
	}
	f->path_gone_us = 0;
	f->next.live = f->next.was_live = last;
	if (f->cur.was_live)
		rename_source(f, &f->cur);
	f->path_gone_warned = false;
	snprintf(msg, sizeof(msg), "%s read to its end (%" PRIu64 " records "
	    "this run); going on with %s", f->cur.path, f->cur.records,
	    f->next.path);
	it = queue_control(f, FMT_ROTATION, PRIO_INFO, f->cur.path, msg);
	if (it == NULL) {
		/* Counted; the switch is tried again at the next look. */
		source_close(&f->next);
		return step_ok();
	}
	f->i_todo++;
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
	return step_ok();
}

/* Is cur still the file at the path?  False (and cur no longer live)
 * when it was renamed away or replaced. */
static bool
still_live(struct forwarder *f, uint64_t now_us, bool *ret_path_missing)
{
	struct source *c = &f->cur;
	struct stat pst;

	*ret_path_missing = false;
	if (stat(f->path, &pst) < 0) {
		path_gone(f, now_us, "the accounting file is gone and no new "
		    "one has appeared; reading on from the open file");
		c->live = false;
		*ret_path_missing = true;
		return false;
	}
	f->path_gone_us = 0;
	if (c->live && (uint64_t)pst.st_dev == c->id.dev &&
	    (uint64_t)pst.st_ino == c->id.ino)
		return true;
	c->live = false;
	return false;
}

struct forward_step
follow_check_source(struct forwarder *f, uint64_t now_us)
{
	struct source *c = &f->cur;
	struct stat st, pst;
	bool missing;
	int rc;

	if (c->final) {
		if (!c->at_end)
			return step_ok();
		if (f->o.once && c->live)
			return step_fail(FORWARD_AT_END, 0);
		return switch_source(f, now_us);
	}
	if (fstat(c->fd, &st) < 0)
		return source_failed(f, c->path, -errno);
	if ((uint64_t)st.st_size < c->offset)
		return handle_truncation(f, (uint64_t)st.st_size);
	if ((uint64_t)st.st_size != c->size_seen) {
		c->size_seen = (uint64_t)st.st_size;
		c->grew_us = now_us;
	}
	if ((c->live || c->was_live) && (still_live(f, now_us, &missing) ||
	    missing))
		return step_ok();
	if (!c->at_end)
		return step_ok();
	/* Renamed away, or an older file: drain it until it has been quiet
	 * for the grace period and (unless --once) a newer file has
	 * records: until then the kernel may still write to it. */
	if (c->was_live && !f->o.once && (stat(f->path, &pst) < 0 ||
	    (uint64_t)pst.st_size < record_size_of(c)))
		return step_ok();
	if (now_us - c->grew_us < f->o.rotation_grace_ms * MS)
		return step_ok();
	if ((rc = source_reopen(c, true)) < 0)
		return source_failed(f, c->path, rc);
	return step_ok();
}

/* The saved file is sib[found]: read it from the saved offset, then every
 * newer one (sib[found - 1] ... sib[0]), then the path. */
static int
resume_rotated(struct forwarder *f, const struct state *saved, char **sib,
    size_t found)
{
	int rc;

	if ((f->todo = calloc(found + 1, sizeof(*f->todo))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < found; i++)
		f->todo[i] = TAKE_PTR(sib[found - 1 - i]);
	f->n_todo = found;
	if ((rc = source_open(&f->cur, sib[found], saved->offset,
	    f->o.once)) < 0)
		return rc;
	f->cur.final = f->cur.compressed;
	/* The newest rotated file: renamed away, maybe still written. */
	f->cur.was_live = found == 0;
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

	if ((rc = source_open(&probe, f->path, 0, true)) < 0)
		return rc;
	if (file_id_same_file(&saved->file, &probe.id)) {
		source_close(&probe);
		if ((rc = source_open(&f->cur, f->path, saved->offset,
		    f->o.once)) < 0)
			return rc;
		f->cur.live = f->cur.was_live = true;
		return 0;
	}
	source_close(&probe);
	if ((rc = rotated_list(f->path, 0, &sib, &n_sib)) < 0)
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
		rc = resume_rotated(f, saved, sib, found);
		rotated_list_free(sib, n_sib);
		return rc;
	}
	rotated_list_free(sib, n_sib);
	/* Gone (the caller says so): read the path from its start. */
	if ((rc = source_open(&f->cur, f->path, 0, f->o.once)) < 0)
		return rc;
	f->cur.live = f->cur.was_live = true;
	return 1;
}

/* The state file is damaged: what the old stream sent is unknown, so a
 * new stream reads from the start.  If the path was rotated (while we were
 * down, say), records written after the last commit may be in the newest
 * rotated file: read it whole, then the path (f->todo empty).  What the
 * old stream sent of it goes again, in the new stream; a compressed one
 * was rotated long before and is not read. */
static int
start_damaged(struct forwarder *f)
{
	char **sib = NULL;
	size_t n_sib = 0;
	const char *base;
	char msg[300];
	int rc;

	f->start_warn = true;
	if ((rc = rotated_list(f->path, 0, &sib, &n_sib)) < 0)
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
			rotated_list_free(sib, n_sib);
			return 0;
		}
		source_close(&f->cur);
	}
	rotated_list_free(sib, n_sib);
	if ((rc = source_open(&f->cur, f->path, 0, f->o.once)) < 0)
		return rc;
	f->cur.live = f->cur.was_live = true;
	f->start_message = strdup("the state file was damaged: a new stream, "
	    "from the start of the file");
	return 0;
}

/* Resumed from a saved state: the start message, and the replay of what
 * may have gone out after the commit. */
static int
start_saved(struct forwarder *f, const struct state *saved)
{
	char msg[300];
	int rc;

	f->st = *saved;
	f->seq = saved->seq;
	if ((rc = resume(f, saved)) < 0)
		return rc;
	if (rc == 0) {
		f->start_offset = saved->offset;
		snprintf(msg, sizeof(msg), "resumed %s at offset %" PRIu64
		    " after %s", f->cur.path, saved->offset, saved->clean ?
		    "a clean stop" : "a crash");
		f->start_message = strdup(msg);
		f->replaying = !saved->clean;
		/* What may have gone out is in the file as it is now (a
		 * compressed one: to its end). */
		f->replay_until = f->cur.compressed ? UINT64_MAX :
		    f->cur.size_seen;
	} else
		f->start_message = strdup("the file read last is gone (see "
		    "the gap event): going on with a new file");
	f->doubt_from = saved->doubt_from;
	f->doubt_to = saved->doubt_to;
	if (saved->pending_control) {
		if (f->doubt_from == 0)
			f->doubt_from = saved->seq;
		f->doubt_to = saved->seq;
	}
	return rc;
}

struct forward_step
follow_start(struct forwarder *f, int loaded, const struct state *saved)
{
	bool gone = false;
	int rc;

	if (loaded < 0 && loaded != -ENOENT && loaded != -EBADMSG)
		return step_fail(FORWARD_STATE_FAILED, loaded);
	if (loaded >= 0) {
		if ((rc = start_saved(f, saved)) < 0)
			return source_failed(f, f->path, rc);
		gone = rc == 1;
	} else {
		if ((rc = state_new_stream(&f->st)) < 0)
			return step_fail(FORWARD_STATE_FAILED, rc);
		if (loaded == -EBADMSG)
			rc = start_damaged(f);
		else if ((rc = source_open(&f->cur, f->path, 0,
		    f->o.once)) == 0) {
			f->cur.live = f->cur.was_live = true;
			f->start_message = strdup("first start: a new stream");
		}
		if (rc < 0)
			return source_failed(f, f->path, rc);
	}
	if (f->start_message == NULL)
		return source_failed(f, f->path, -ENOMEM);
	if (!f->replaying)
		queue_start(f);
	if (gone)
		queue_gap(f, saved);
	return step_ok();
}
