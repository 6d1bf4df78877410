/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink.c: the sinks behind one interface: the ops table of each kind (one
 * file each, see sink-ops.h), the rules every kind keeps, and what kinds
 * share (unix datagram sockets, the line buffer).
 *
 * The first error of a batch sticks until sink_reopen(): later messages of
 * the batch are refused with it and sink_flush() reports it, so a batch
 * with a hole in it is never reported accepted.  That rule is kept here,
 * once, for every kind.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <linux/sockios.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "sink-ops.h"
#include "timefmt.h"

#define SYSLOG_FACILITY_MAX	23

/* Every kind by its number; NULL for one this build does not have. */
static const struct sink_ops *const sink_kinds[] = {
#ifdef HAVE_SYSTEMD
	[SINK_JOURNAL] = &sink_journal_ops,
#else
	[SINK_JOURNAL] = NULL,
#endif
	[SINK_SYSLOG] = &sink_syslog_ops,
	[SINK_FILE] = &sink_file_ops,
	[SINK_STDOUT] = &sink_stdout_ops,
};

/* Keep the first error of a batch; returns r.  A message that does not
 * fit (-EMSGSIZE) was not given at all: the sink is as it was, and the
 * caller sends something else in its place (send.c). */
static int
sink_fail(struct sink *s, int r)
{
	if (r < 0 && r != -EMSGSIZE && s->error == 0)
		s->error = r;
	return r;
}

void
sink_set_problem(struct sink *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->problem, sizeof(s->problem), fmt, ap);
	va_end(ap);
}

/* What every kind shares; the kind checks its own (its path). */
static bool
options_valid(const struct sink_options *o)
{
	if (o == NULL || o->facility < 0 || o->facility > SYSLOG_FACILITY_MAX)
		return false;
	if (o->format != SINK_FORMAT_KV && o->format != SINK_FORMAT_JSON)
		return false;
	if (o->framing != SINK_RFC3164 && o->framing != SINK_RFC5424)
		return false;
	if (o->fsync != SINK_FSYNC_BATCH && o->fsync != SINK_FSYNC_NEVER)
		return false;
	return (unsigned)o->kind < ELEMENTSOF(sink_kinds);
}

/* Drop what is buffered, then open, connect or check; the result sticks. */
static int
sink_connect(struct sink *s)
{
	if (s->ops->drop != NULL)
		s->ops->drop(s);
	s->problem[0] = '\0';
	s->error = s->ops->connect(s);
	return s->error;
}

int
sink_open(const struct sink_options *options, struct sink **ret_sink)
{
	const struct sink_ops *ops;
	struct sink *s;
	int r;

	if (!options_valid(options))
		return -EINVAL;
	if ((ops = sink_kinds[options->kind]) == NULL)
		return -EPROTONOSUPPORT;
	if ((s = calloc(1, ops->size)) == NULL)
		return -ENOMEM;
	s->ops = ops;
	s->fd = -1;
	if ((r = ops->init(s, options)) < 0 || s->description == NULL) {
		sink_close(s);
		return r < 0 ? r : -ENOMEM;
	}
	r = sink_connect(s);
	*ret_sink = s;
	return r;
}

int
sink_record(struct sink *sink, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	if (sink->error < 0)
		return sink->error;
	return sink_fail(sink, sink->ops->record(sink, ev, ctx));
}

int
sink_control(struct sink *sink, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	if (fmt_control_name(c->kind) == NULL || c->priority < 0 ||
	    c->priority > 7)
		return -EINVAL;
	if (sink->error < 0)
		return sink->error;
	return sink_fail(sink, sink->ops->control(sink, c, ctx));
}

int
sink_flush(struct sink *sink)
{
	if (sink->error < 0) {
		if (sink->ops->drop != NULL)
			sink->ops->drop(sink);
		return sink->error;
	}
	return sink_fail(sink, sink->ops->flush(sink));
}

int
sink_sync(struct sink *sink)
{
	if (sink->error < 0)
		return sink->error;
	if (sink->ops->sync == NULL)
		return 0;
	return sink_fail(sink, sink->ops->sync(sink));
}

void
sink_rewind(struct sink *sink)
{
	if (sink->ops->drop != NULL)
		sink->ops->drop(sink);
	if (sink->ops->rewind != NULL)
		sink->ops->rewind(sink);
}

int
sink_reopen(struct sink *sink)
{
	return sink_connect(sink);
}

const char *
sink_describe(const struct sink *sink)
{
	return sink->description;
}

const char *
sink_problem(const struct sink *sink)
{
	return sink->problem[0] != '\0' ? sink->problem : NULL;
}

void
sink_close(struct sink *sink)
{
	if (sink == NULL)
		return;
	sink->ops->release(sink);
	free(sink->description);
	free(sink);
}

int
sink_unix_connect(const char *path, bool timeout)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = SINK_SEND_TIMEOUT_S };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if ((timeout && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)) < 0) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int
sink_socket_connect(struct sink *s, const char *path, ino_t *ret_ino)
{
	struct stat st;
	int fd;

	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	if (stat(path, &st) < 0)
		return -errno;
	if ((fd = sink_unix_connect(path, true)) < 0)
		return fd;
	s->fd = fd;
	*ret_ino = st.st_ino;
	return 0;
}

int
sink_socket_sync(struct sink *s, const char *path, ino_t ino)
{
	uint64_t deadline = timefmt_now_us(CLOCK_MONOTONIC) +
	    SINK_SEND_TIMEOUT_S * 1000000ULL;
	struct stat st;
	int outq = 0;

	/* The deadline is on the clock, not a count of sleeps: under load
	 * each sleep lasts longer than asked. */
	for (;;) {
		if (ioctl(s->fd, SIOCOUTQ, &outq) < 0)
			return -errno;
		if (outq == 0)
			break;
		if (timefmt_now_us(CLOCK_MONOTONIC) >= deadline)
			return -ETIMEDOUT;
		usleep(1000);
	}
	if (stat(path, &st) < 0)
		return -errno;
	if (st.st_ino != ino)
		return -ECONNRESET;
	return 0;
}

int
sink_lines_init(struct sink_lines *l, enum sink_format format)
{
	l->len = 0;
	l->format = format;
	return (l->buf = malloc(SINK_LINES_SIZE)) == NULL ? -ENOMEM : 0;
}

void
sink_lines_free(struct sink_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = 0;
}

int
sink_lines_write(struct sink_lines *l, int fd)
{
	size_t len = l->len;

	l->len = 0;
	return len == 0 ? 0 : fd_write_all(fd, l->buf, len);
}

int
sink_lines_room(struct sink_lines *l, int fd, size_t room)
{
	if (SINK_LINES_SIZE - l->len < room)
		return sink_lines_write(l, fd);
	return 0;
}

/* Take a message of n bytes formatted at the end of the buffer (st: how
 * the formatter did) as a line. */
static int
lines_commit(struct sink_lines *l, enum fmt_status st, size_t n)
{
	if (st != FMT_OK)
		return sink_format_result(st);
	l->buf[l->len + n] = '\n';
	l->len += n + 1;
	return 0;
}

int
sink_lines_add_record(struct sink_lines *l, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	char *d = l->buf + l->len;
	enum fmt_status st;
	size_t n;

	/* Each encoding in the room format.h gives it (reserved by
	 * sink_lines_room()), not more. */
	st = l->format == SINK_FORMAT_JSON ?
	    fmt_json(d, FMT_JSON_MAX, ev, ctx, &n) :
	    fmt_kv(d, FMT_LINE_MAX, ev, ctx, &n);
	return lines_commit(l, st, n);
}

int
sink_lines_add_control(struct sink_lines *l, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	char *d = l->buf + l->len;
	enum fmt_status st;
	size_t n;

	st = l->format == SINK_FORMAT_JSON ?
	    fmt_control_json(d, FMT_CONTROL_JSON_MAX, c, ctx, &n) :
	    fmt_control_kv(d, FMT_LINE_MAX, c, ctx, &n);
	return lines_commit(l, st, n);
}
