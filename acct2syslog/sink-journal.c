/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink-journal.c: journald's native protocol ("FIELD=value" lines in one
 * datagram) on a socket of our own, rather than through
 * sd_journal_sendv(), which says nothing when journald is not there and
 * cannot tell whether journald has read a message.  With our own socket a
 * send to a journald that went away fails, a flush looks again that it is
 * there, and before a commit sink_sync() waits until journald has read
 * everything sent and checks it is the same journald (the same socket)
 * that it was sent to (sink.c).  Built with libsystemd only (configure
 * --with-systemd), as the rest of the journal support is.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sink-ops.h"

#define JOURNAL_SOCKET		"/run/systemd/journal/socket"

struct journal_sink {
	struct sink	base;
	ino_t		socket_ino;	/* of the socket we are connected to */
};

static int
journal_init(struct sink *s, _unused_ const struct sink_options *o)
{
	s->description = strdup("journal");
	return 0;
}

static int
journal_connect(struct sink *s)
{
	return sink_socket_connect(s, JOURNAL_SOCKET,
	    &SINK_OF(struct journal_sink, s)->socket_ino);
}

/* Is journald listening?  Messages sent to a journald that went away
 * were dropped without a word, so this is how an outage is seen. */
static int
journal_check(void)
{
	int fd = sink_unix_connect(JOURNAL_SOCKET, false);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Hand the fields to journald as one datagram of "FIELD=value" lines. */
static int
journal_send(struct sink *s, const struct fmt_journal *j)
{
	struct iovec iov[2 * FMT_JOURNAL_FIELDS];
	struct msghdr mh = { .msg_iov = iov };
	size_t n = 0;
	ssize_t sent;

	if (s->fd < 0)
		return -ENOTCONN;
	/* Each field a line; no value holds a newline (all are escaped). */
	for (size_t i = 0; i < j->count && n + 2 <= ELEMENTSOF(iov); i++) {
		iov[n++] = j->iov[i];
		iov[n++] = (struct iovec){ (char *)"\n", 1 };
	}
	mh.msg_iovlen = n;
	do
		sent = sendmsg(s->fd, &mh, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	return sent < 0 ? -errno : 0;
}

static int
journal_record(struct sink *s, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	struct fmt_journal j;
	int r;

	if ((r = sink_format_result(fmt_journal(&j, ev, ctx))) < 0)
		return r;
	return journal_send(s, &j);
}

static int
journal_control(struct sink *s, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	struct fmt_journal j;
	int r;

	if ((r = sink_format_result(fmt_control_journal(&j, c, ctx))) < 0)
		return r;
	return journal_send(s, &j);
}

static int
journal_flush(_unused_ struct sink *s)
{
	return journal_check();
}

static int
journal_sync(struct sink *s)
{
	int r = sink_socket_sync(s, JOURNAL_SOCKET,
	    SINK_OF(struct journal_sink, s)->socket_ino);

	return r < 0 ? r : journal_check();
}

static void
journal_release(struct sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
}

const struct sink_ops sink_journal_ops = {
	.size = sizeof(struct journal_sink),
	.init = journal_init,
	.connect = journal_connect,
	.record = journal_record,
	.control = journal_control,
	.flush = journal_flush,
	.sync = journal_sync,
	.release = journal_release,
};
