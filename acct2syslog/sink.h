/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink.h: where messages go: journald, a syslog socket, a file, stdout.
 *
 * Promise: every send is checked and nothing is reported accepted that the
 * sink did not take.  Records and control events are given one by one and
 * may be buffered; sink_flush() says whether everything given since the
 * last flush was accepted.  On any error the caller sends the whole batch
 * again after sink_reopen() (a batch may then arrive twice, with identical
 * event ids; never half a message).  The journal sink treats a journald that
 * is not there as an outage; for the journal and syslog sinks sink_sync()
 * says everything sent was read by the reader it was sent to (see sink.c).
 * A syslog send that cannot go within a few seconds (a receiver that does
 * not read) fails with -EAGAIN.  The stdout sink reports a
 * closed pipe as -EPIPE only when the caller ignores SIGPIPE.  The file
 * sink writes only into a directory that root or the daemon's user alone
 * can change (safedir.h), and never through a symbolic link.  Each kind is
 * a file of its own behind an ops table (sink-ops.h); a build without
 * libsystemd has no journal sink.  Functions return 0 or -errno; a sink is
 * used by one thread.
 */
#ifndef ACCT2SYSLOG_SINK_H
#define ACCT2SYSLOG_SINK_H

#include <stdbool.h>

#include "format.h"

enum sink_kind {
	SINK_JOURNAL,
	SINK_SYSLOG,
	SINK_FILE,
	SINK_STDOUT,
};

enum sink_format {
	SINK_FORMAT_KV,
	SINK_FORMAT_JSON,
};

enum sink_framing {
	SINK_RFC3164,
	SINK_RFC5424,
};

enum sink_fsync {
	SINK_FSYNC_BATCH,	/* fsync at every flush (default) */
	SINK_FSYNC_NEVER,	/* leave it to the kernel */
};

struct sink_options {
	enum sink_kind	kind;
	const char	*path;		/* syslog: socket (NULL: /dev/log); file */
	enum sink_format format;	/* file and stdout */
	enum sink_framing framing;	/* syslog */
	bool		structured_data;	/* RFC 5424: fields as SD too */
	int		facility;	/* syslog facility number (10: authpriv) */
	enum sink_fsync	fsync;		/* file */
	const char	*host;		/* HOSTNAME of syslog headers */
};

struct sink;

/* Make a sink.  The file sink opens (creates, mode 0640) its file here,
 * cutting off a torn last line left by a crash in the middle of a write
 * (-EPERM when its directory is not trusted, -ELOOP when the file is a
 * symbolic link: sink_problem() says more);
 * the syslog sink connects; the journal sink looks for journald.  A
 * failure to do so is returned, and the caller may retry with
 * sink_reopen() on a sink made anyway (*ret_sink is set whenever the
 * options are valid; -EINVAL when they are not; -EPROTONOSUPPORT for the
 * journal when built without libsystemd). */
int	sink_open(const struct sink_options *options, struct sink **ret_sink);

/* Give one record / one control event.  -EMSGSIZE: it does not fit a
 * message (the formatter's FMT_TOO_LONG, an internal error); nothing of
 * it was given, and the sink goes on as before (the error does not stick
 * to the batch). */
int	sink_record(struct sink *sink, const struct acct_event *ev,
	    const struct fmt_context *ctx);
int	sink_control(struct sink *sink, const struct fmt_control *c,
	    const struct fmt_context *ctx);

/* Write out what is buffered (journal: check journald is still there)
 * and forget it.  0: everything given since the last flush was accepted;
 * on an error, what was given since the last flush is not in the sink. */
int	sink_flush(struct sink *sink);

/* Make everything flushed since the last sync durable, as the sink can
 * (file: fdatasync, per policy; journal and syslog: read by the reader
 * it was sent to), before the caller commits its position.  On an error,
 * everything since the last sync may be lost (the file is cut back to its
 * size then): the caller sends it all again. */
int	sink_sync(struct sink *sink);

/* The caller will send everything after its last sync again: drop what
 * is buffered, and cut a file back to its size at the last sync, so that
 * it does not hold those messages twice. */
void	sink_rewind(struct sink *sink);

/* After an error: drop anything buffered, reconnect or reopen. */
int	sink_reopen(struct sink *sink);

/* "journal", "syslog socket /dev/log (RFC 5424)", "file /var/log/x",
 * "stdout": for messages. */
const char *sink_describe(const struct sink *sink);

/* After sink_open() or sink_reopen() failed: why, in words, when the
 * error number alone does not say it ("the file sink's directory /x is
 * writable by its group or by others (mode 0775): chmod go-w /x"); NULL
 * otherwise.  Valid until the next call on the sink. */
const char *sink_problem(const struct sink *sink);

/* Close and free; NULL is fine.  Does not flush. */
void	sink_close(struct sink *sink);

#endif
