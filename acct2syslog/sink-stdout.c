/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink-stdout.c: lines on standard output, through the line buffer
 * (sink.c).  Nothing to cut back and nothing to sync: a pipe or a terminal
 * takes what it takes.  A closed pipe is -EPIPE when the caller ignores
 * SIGPIPE (the daemon does).
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "sink-ops.h"

struct stdout_sink {
	struct sink	base;
	struct sink_lines lines;
};

static int
stdout_init(struct sink *s, const struct sink_options *o)
{
	struct stdout_sink *so = SINK_OF(struct stdout_sink, s);
	int r;

	if ((r = sink_lines_init(&so->lines, o->format)) < 0)
		return r;
	s->description = strdup("stdout");
	return 0;
}

static int
stdout_connect(struct sink *s)
{
	s->fd = STDOUT_FILENO;
	return 0;
}

static int
stdout_record(struct sink *s, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	struct stdout_sink *so = SINK_OF(struct stdout_sink, s);
	int r;

	if ((r = sink_lines_room(&so->lines, s->fd, SINK_RECORD_ROOM)) < 0)
		return r;
	return sink_lines_add_record(&so->lines, ev, ctx);
}

static int
stdout_control(struct sink *s, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	struct stdout_sink *so = SINK_OF(struct stdout_sink, s);
	int r;

	if ((r = sink_lines_room(&so->lines, s->fd, SINK_CONTROL_ROOM)) < 0)
		return r;
	return sink_lines_add_control(&so->lines, c, ctx);
}

static int
stdout_flush(struct sink *s)
{
	return sink_lines_write(&SINK_OF(struct stdout_sink, s)->lines, s->fd);
}

static void
stdout_drop(struct sink *s)
{
	SINK_OF(struct stdout_sink, s)->lines.len = 0;
}

/* Standard output is not ours to close. */
static void
stdout_release(struct sink *s)
{
	sink_lines_free(&SINK_OF(struct stdout_sink, s)->lines);
}

const struct sink_ops sink_stdout_ops = {
	.size = sizeof(struct stdout_sink),
	.init = stdout_init,
	.connect = stdout_connect,
	.record = stdout_record,
	.control = stdout_control,
	.flush = stdout_flush,
	.drop = stdout_drop,
	.release = stdout_release,
};
