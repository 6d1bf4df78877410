/* SPDX-License-Identifier: Apache-2.0 */
/*
 * send.c: one message to the sink.  A record's user, group and terminal
 * names are resolved here, on the reading side (the formatter is pure).
 * A message that does not fit (the sink's -EMSGSIZE: the formatter's
 * FMT_TOO_LONG, which the schema's limits say cannot happen for what the
 * daemon reads) is an internal error: it is logged and counted, its seq
 * is taken so that lastcomm-ng --verify shows the hole, and it is never
 * sent cut short.  This is the one place of the forwarder that logs.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>

#include "forward-internal.h"
#include "log.h"
#include "names.h"

/* rc of a send: -EMSGSIZE is told, counted and taken as sent. */
static int
sent(struct forwarder *f, int rc, const char *what, uint64_t seq)
{
	if (rc != -EMSGSIZE)
		return rc;
	f->unsendable++;
	log_warnx("internal error: %s with seq %" PRIu64 " does not fit a "
	    "message; not sent (%" PRIu64 " so far)", what, seq,
	    f->unsendable);
	return 0;
}

int
send_record(struct forwarder *f, const struct acct_event *ev,
    struct fmt_context *ctx)
{
	ctx->user = names_user(f->names, ev->uid);
	ctx->group = names_group(f->names, ev->gid);
	ctx->tty = names_tty(f->names, ev->tty);
	return sent(f, sink_record(f->sink, ev, ctx), "a record", ctx->seq);
}

int
send_control(struct forwarder *f, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	return sent(f, sink_control(f->sink, c, ctx), "a control event",
	    ctx->seq);
}
