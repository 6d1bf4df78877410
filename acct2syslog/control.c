/* SPDX-License-Identifier: Apache-2.0 */
/*
 * control.c: the queue of control events and the events themselves.
 *
 * An event is queued with the position the stream stands at once it is
 * sent (forward.c sends the queue in order, each event committed on its
 * own).  The queue is short because the reading stops at every event; if
 * it is full all the same, the event is not lost silently: it is counted,
 * and as soon as the queue is empty a gap event says how many events of
 * which kinds could not be told.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "forward-internal.h"
#include "schema.h"
#include "timefmt.h"

#define CUT_MARK	" [...]"
#define MESSAGE_MAX	512	/* bytes of a sentence we make, at most */

/* The sentence for people, as it goes out: whole when its escaped form
 * fits the schema's SCHEMA_TEXT_MAX, else cut at a character boundary
 * with a visible mark (the facts are in the event's other fields, which
 * are never cut).  NULL when out of memory. */
static char *
fit_message(const char *message)
{
	char escaped[ESC_MAX(MESSAGE_MAX)], *out;
	size_t len = strnlen(message, MESSAGE_MAX);

	if (esc_escape(escaped, message, len, ESC_QUOTED) <= SCHEMA_TEXT_MAX)
		return strndup(message, len);
	while (len > 0 && esc_escape(escaped, message, len, ESC_QUOTED) >
	    SCHEMA_TEXT_MAX - (sizeof(CUT_MARK) - 1))
		len--;
	/* Not inside a UTF-8 character: back to its first byte. */
	while (len > 0 && ((unsigned char)message[len] & 0xc0) == 0x80)
		len--;
	if ((out = malloc(len + sizeof(CUT_MARK))) == NULL)
		return NULL;
	memcpy(out, message, len);
	memcpy(out + len, CUT_MARK, sizeof(CUT_MARK));
	return out;
}

/* Add an event at the end of the queue; NULL when it is full. */
static struct control_item *
push(struct forwarder *f, enum fmt_control_kind kind, int priority,
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
	if (message && (it->message = fit_message(message)) != NULL)
		it->c.message = it->message;
	it->pos_id = f->cur.id;
	it->pos_offset = f->cur.offset;
	return it;
}

struct control_item *
queue_control(struct forwarder *f, enum fmt_control_kind kind, int priority,
    const char *file, const char *message)
{
	struct control_item *it = push(f, kind, priority, file, message);

	if (it == NULL) {
		f->controls_lost++;
		f->controls_lost_total++;
		if ((unsigned)kind < 32)
			f->controls_lost_kinds |= 1u << kind;
	}
	return it;
}

bool
control_tell_lost(struct forwarder *f)
{
	struct control_item *it;
	char msg[400];
	size_t len;

	if (f->controls_lost == 0 || f->n_ctl != 0)
		return false;
	len = (size_t)snprintf(msg, sizeof(msg), "%" PRIu64 " control "
	    "events could not be queued (the queue was full) and are not "
	    "sent:", f->controls_lost);
	for (unsigned k = 0; k < FMT_CONTROL_COUNT && len < sizeof(msg); k++)
		if (f->controls_lost_kinds & (1u << k))
			len += (size_t)snprintf(msg + len, sizeof(msg) - len,
			    " %s", fmt_control_name((enum fmt_control_kind)k));
	if ((it = push(f, FMT_GAP, PRIO_ERR, f->cur.path, msg)) == NULL)
		return false;
	it->c.has = FMT_HAS_RECORDS;
	it->c.records = f->controls_lost;
	f->controls_lost = 0;
	f->controls_lost_kinds = 0;
	return true;
}

void
control_free(struct control_item *it)
{
	free(it->message);
	free(it->file);
	free(it->new_file);
}

void
control_pop(struct forwarder *f)
{
	control_free(&f->ctl[0]);
	memmove(&f->ctl[0], &f->ctl[1], --f->n_ctl * sizeof(f->ctl[0]));
}

void
control_rewind(struct forwarder *f)
{
	size_t kept = 0;

	for (size_t i = 0; i < f->n_ctl; i++) {
		if (!f->ctl[i].reserved && f->ctl[i].c.kind == FMT_CORRUPT_DATA) {
			control_free(&f->ctl[i]);
			continue;
		}
		f->ctl[i].sent = false;
		f->ctl[kept++] = f->ctl[i];
	}
	f->n_ctl = kept;
}

/* forwarder_start, after the replay of what may have gone out. */
void
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
		if (f->doubt_from != 0) {
			it->c.has |= FMT_HAS_SEQ_RANGE;
			it->c.seq_from = f->doubt_from;
			it->c.seq_to = f->doubt_to;
		}
	}
	f->started = true;
	f->replaying = false;
}

/* A region that is not records, or a short tail: corrupt_data. */
void
queue_corrupt(struct forwarder *f, const struct pacct_region *r, bool partial)
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

/* Damaged gzip, or a read error: the rest of the file is lost. */
void
queue_read_error(struct forwarder *f, uint64_t offset, int error)
{
	struct control_item *it;
	char msg[200];

	snprintf(msg, sizeof(msg), "%s: cannot read past offset %" PRIu64
	    ": %s", f->cur.path, offset, strerror(-error));
	it = queue_control(f, FMT_CORRUPT_DATA, PRIO_ERR, f->cur.path, msg);
	if (it != NULL) {
		it->c.has = FMT_HAS_OFFSET;
		it->c.offset = offset;
	}
}

/* The heartbeat child's record came back. */
void
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

/* The file read last is gone: what was after the saved offset in it is
 * lost. */
void
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
