/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink-ops.h: inside the sinks (not for the daemon; it has sink.h).  Each
 * kind of sink is one file with one ops table (sink-journal.c,
 * sink-syslog.c, sink-file.c, sink-stdout.c); sink.c dispatches to it and
 * keeps what they share: the stickiness of errors, the unix socket of
 * journal and syslog, the line buffer of file and stdout.
 *
 * Promise: sink.c checks the options every kind shares (format, framing,
 * fsync, facility) before init and the state of a batch around each call:
 * an op is not called once the batch has failed (the error sticks until
 * connect), and what an op returns sticks as the batch's error.  Ops
 * return 0 or -errno; they own their kind's struct, which begins with
 * struct sink, and release frees what init and connect took (it is called
 * on a sink that init left half made, too).
 */
#ifndef ACCT2SYSLOG_SINK_OPS_H
#define ACCT2SYSLOG_SINK_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "format.h"
#include "macro.h"
#include "sink.h"

#define SINK_PROBLEM_MAX	1024	/* a line of log.c */
#define SINK_SEND_TIMEOUT_S	5	/* a stuck socket reader: -EAGAIN */
#define SINK_LINES_SIZE		(64 * 1024)
/* Room a formatted message needs in the line buffer (its NUL slot takes
 * the newline): the buffer sizes of format.h. */
#define SINK_RECORD_ROOM	MAX(FMT_LINE_MAX, FMT_JSON_MAX)
#define SINK_CONTROL_ROOM	MAX(FMT_LINE_MAX, FMT_CONTROL_JSON_MAX)

/* A formatter's result as a sink's: FMT_TOO_LONG is -EMSGSIZE (sink.h). */
static inline int
sink_format_result(enum fmt_status st)
{
	return st == FMT_OK ? 0 : -EMSGSIZE;
}

struct sink_ops;

/* What every sink has; a kind's struct begins with it. */
struct sink {
	const struct sink_ops *ops;
	char		*description;	/* sink_describe() */
	int		fd;		/* -1: not open */
	int		error;		/* first error since connect, or 0 */
	/* Why the last connect failed, when the errno does not say it;
	 * "" otherwise (sink_problem()). */
	char		problem[SINK_PROBLEM_MAX];
};

struct sink_ops {
	size_t	size;		/* of the kind's struct */
	/* Take the options (-EINVAL when the kind's own are wrong) and set
	 * description; nothing opened yet. */
	int	(*init)(struct sink *s, const struct sink_options *o);
	/* Open, connect or check, after dropping what was there. */
	int	(*connect)(struct sink *s);
	int	(*record)(struct sink *s, const struct acct_event *ev,
		    const struct fmt_context *ctx);
	/* c is checked: a known kind, a priority 0..7. */
	int	(*control)(struct sink *s, const struct fmt_control *c,
		    const struct fmt_context *ctx);
	int	(*flush)(struct sink *s);
	int	(*sync)(struct sink *s);	/* NULL: nothing to wait for */
	void	(*drop)(struct sink *s);	/* NULL: nothing buffered */
	void	(*rewind)(struct sink *s);	/* NULL: nothing to cut back */
	void	(*release)(struct sink *s);
};

#ifdef HAVE_SYSTEMD
extern const struct sink_ops sink_journal_ops;
#endif
extern const struct sink_ops sink_syslog_ops;
extern const struct sink_ops sink_file_ops;
extern const struct sink_ops sink_stdout_ops;

/* The struct of a kind from its struct sink. */
#define SINK_OF(type, s)	((type *)(void *)(s))

/* Say why, for sink_problem(); printf-like, truncated to a line. */
void	sink_set_problem(struct sink *s, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Unix datagram sockets (journal, syslog). */

/* A socket connected to path; with timeout, sends give up after
 * SINK_SEND_TIMEOUT_S (-EAGAIN).  The descriptor or -errno. */
int	sink_unix_connect(const char *path, bool timeout);

/* (Re)connect s->fd to the socket at path, with the send timeout, and
 * note which socket it is (*ret_ino) for sink_socket_sync(). */
int	sink_socket_connect(struct sink *s, const char *path, ino_t *ret_ino);

/* Wait until the reader of the socket at path has read all s sent (the
 * kernel charges an unread datagram to its sender: SIOCOUTQ falls to 0),
 * then check it is still the socket ino that s sent to: a reader that
 * went away meanwhile dropped what it had not read (-ECONNRESET).
 * -ETIMEDOUT after SINK_SEND_TIMEOUT_S. */
int	sink_socket_sync(struct sink *s, const char *path, ino_t ino);

/* Whole lines in a buffer, written with write(2) when the next message
 * might not fit and at flush (file, stdout): no stdio, no system call per
 * message, and every write(2) holds whole lines. */
struct sink_lines {
	char		*buf;		/* SINK_LINES_SIZE bytes */
	size_t		len;
	enum sink_format format;
};

int	sink_lines_init(struct sink_lines *l, enum sink_format format);
void	sink_lines_free(struct sink_lines *l);

/* Write out what is buffered and forget it, whether that worked or not. */
int	sink_lines_write(struct sink_lines *l, int fd);

/* Make room for a message of up to room bytes, writing the buffer out
 * first when it might not fit: 0, or the error of that write. */
int	sink_lines_room(struct sink_lines *l, int fd, size_t room);

/* Format one message as a line at the end of the buffer, where
 * sink_lines_room() made room for it; -EMSGSIZE if the formatter found
 * none (which the sizes above rule out). */
int	sink_lines_add_record(struct sink_lines *l, const struct acct_event *ev,
	    const struct fmt_context *ctx);
int	sink_lines_add_control(struct sink_lines *l,
	    const struct fmt_control *c, const struct fmt_context *ctx);

#endif
