/* SPDX-License-Identifier: Apache-2.0 */
/*
 * send.c: one message to the sink.  A record's user, group and terminal
 * names are resolved here, on the reading side (the formatter is pure).
 *
 * A message that does not fit (the sink's -EMSGSIZE: the formatter's
 * FMT_TOO_LONG) is never sent cut short.  The schema's limits and the
 * configuration's checks say it cannot happen; should it all the same, it
 * is an internal error that keeps the stream whole: a record is replaced
 * by a gap event with the record's own seq (records=1: one record not
 * sent), a control event by the same event without its strings (its kind,
 * numbers and seq range are what --verify needs), each logged and counted
 * in unsendable.  This is the one place of the forwarder that logs.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>

#include "forward-internal.h"
#include "log.h"
#include "names.h"
#include "timefmt.h"

/* One more message that did not fit: say so (the first ten, then every
 * thousandth, so that a bug cannot flood the log). */
static void
tell_unsendable(struct forwarder *f, const char *what, uint64_t seq,
    const char *instead)
{
	f->unsendable++;
	if (f->unsendable <= 10 || f->unsendable % 1000 == 0)
		log_warnx("internal error: %s with seq %" PRIu64 " does not "
		    "fit a message; %s (%" PRIu64 " so far)", what, seq,
		    instead, f->unsendable);
}

int
send_record(struct forwarder *f, const struct acct_event *ev,
    struct fmt_context *ctx)
{
	struct fmt_control gap = { .kind = FMT_GAP, .priority = PRIO_ERR,
	    .message = "internal error: a record does not fit a message; "
	    "not sent", .has = FMT_HAS_RECORDS, .records = 1 };
	int rc;

	ctx->user = names_user(f->names, ev->uid);
	ctx->group = names_group(f->names, ev->gid);
	ctx->tty = names_tty(f->names, ev->tty);
	if ((rc = sink_record(f->sink, ev, ctx)) != -EMSGSIZE)
		return rc;
	tell_unsendable(f, "a record", ctx->seq,
	    "a gap event with its seq says so");
	gap.time_us = timefmt_now_us(CLOCK_REALTIME);
	return sink_control(f->sink, &gap, ctx);
}

int
send_control(struct forwarder *f, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	struct fmt_control bare = *c;
	int rc;

	if ((rc = sink_control(f->sink, c, ctx)) != -EMSGSIZE)
		return rc;
	tell_unsendable(f, "a control event", ctx->seq,
	    "sent without its strings");
	bare.message = "internal error: the strings of this event do not fit "
	    "a message; left out";
	bare.file = bare.new_file = NULL;
	return sink_control(f->sink, &bare, ctx);
}
