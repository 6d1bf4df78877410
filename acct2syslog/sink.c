/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink.c: the four sinks behind one interface.
 *
 * file and stdout format straight into a 64 KiB buffer and write(2) it when
 * the next message might not fit and at flush: no stdio, no system call per
 * record.  Every write(2) holds whole lines, and a batch that fails is cut
 * off the file again, so a retried batch never follows a torn line.
 *
 * syslog sends one datagram per message at once on its own connected
 * socket (never syslog(3), which cannot report failure).  journal speaks
 * journald's native protocol ("FIELD=value" lines in one datagram) on a
 * socket of its own rather than through sd_journal_sendv(), which says
 * nothing when journald is not there and cannot tell whether journald
 * has read a message: with our own socket, a send to a journald that went
 * away fails, and before a commit sink_sync() waits until journald has
 * read everything sent (SIOCOUTQ falls to 0) and checks it is the same
 * journald (the same socket) that it was sent to.
 *
 * The first error of a batch sticks until sink_reopen(): later messages of
 * the batch are refused with it and sink_flush() reports it, so a batch
 * with a hole in it is never reported accepted.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_SYSTEMD
#define SD_JOURNAL_SUPPRESS_LOCATION	/* no CODE_FILE= naming this file */
#include <systemd/sd-journal.h>
#endif

#include "macro.h"
#include "sink.h"
#include "timefmt.h"

#define SINK_BUFFER_SIZE	(64 * 1024)
/* Room a formatted message needs in the buffer (its NUL slot takes the
 * newline); the fmt_*json() functions refuse a smaller one. */
#define SINK_RECORD_ROOM	MAX(FMT_LINE_MAX, FMT_JSON_MAX)
#define SINK_CONTROL_ROOM	MAX(FMT_LINE_MAX, FMT_CONTROL_JSON_MAX)
#define SINK_TORN_MAX		SINK_CONTROL_ROOM	/* longest line */
#define SINK_SEND_TIMEOUT_S	5	/* a stuck syslog receiver: -EAGAIN */
#define SYSLOG_PATH_DEFAULT	"/dev/log"
#define SYSLOG_APP_NAME		"acct2syslog"
#define SYSLOG_HOST_MAX		255	/* RFC 5424 HOSTNAME */
#define SYSLOG_FACILITY_MAX	23
#define SYSLOG_SEVERITY_INFO	6
#define SYSLOG_DATAGRAM_MAX	4096	/* header + SD (<= 2x kv) + kv */
#define JOURNAL_SOCKET		"/run/systemd/journal/socket"
/*
 * RFC 5424 SD-ID of our fields.  32473 is the example Private Enterprise
 * Number that RFC 5612 reserves for documentation; a registered PEN
 * belongs here once the project has one.
 */
#define SYSLOG_SD_ID		"acct2syslog@32473"

struct sink {
	enum sink_kind	kind;
	enum sink_format format;
	enum sink_framing framing;
	enum sink_fsync	fsync;
	bool		structured_data;
	int		facility;
	char		*path;		/* file, or the syslog socket */
	char		*description;
	char		host[SYSLOG_HOST_MAX + 1];
	int		fd;		/* -1: not open */
	int		error;		/* first error since reopen, or 0 */

	/* file and stdout */
	char		*buf;
	size_t		len;
	bool		regular;	/* may be truncated and fsynced */
	bool		has_identity;	/* dev, ino and batch_start known */
	dev_t		dev;
	ino_t		ino;
	off_t		batch_start;	/* file size after the last flush */
	off_t		synced_size;	/* file size at the last sink_sync() */

	/* syslog */
	pid_t		pid;
	time_t		stamp_second;	/* of stamp, RFC 3164 */
	char		stamp[64];	/* "Mmm dd hh:mm:ss" */

	/* journal and syslog */
	ino_t		socket_ino;	/* of the socket we are connected to */

	/* journal */
	bool		journal_checked; /* journald seen since a flush */
};

/* Keep the first error of a batch; returns r. */
static int
sink_fail(struct sink *s, int r)
{
	if (r < 0 && s->error == 0)
		s->error = r;
	return r;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* no progress: do not spin */
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Cut the file back to where the batch began.  Only what this batch wrote
 * is past batch_start: a file someone truncated meanwhile is left alone. */
static int
file_rollback(struct sink *s)
{
	struct stat st;

	if (s->kind != SINK_FILE || !s->regular || !s->has_identity)
		return 0;
	if (fstat(s->fd, &st) < 0)
		return -errno;
	if (st.st_size > s->batch_start && ftruncate(s->fd, s->batch_start) < 0)
		return -errno;
	return 0;
}

/*
 * A file that does not end in a newline ends in part of a line (a crash in
 * the middle of a write(2)): remove that part, up to one message long, so
 * the line re-sent after it starts on a line of its own.  The sink's
 * descriptor is write-only, so the tail is read through a second one; a
 * file we may not read is left as it is.  Returns the new size or -errno.
 */
static off_t
file_drop_torn_tail(struct sink *s, const struct stat *st)
{
	char tail[SINK_TORN_MAX];
	size_t want = (size_t)MIN(st->st_size, (off_t)sizeof(tail));
	struct stat rst;
	ssize_t n;
	off_t keep = -1;
	int fd;

	if (want == 0)
		return 0;
	if ((fd = open(s->path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == EACCES ? st->st_size : -errno;
	if (fstat(fd, &rst) < 0 || rst.st_dev != st->st_dev ||
	    rst.st_ino != st->st_ino) {
		close(fd);
		return st->st_size;	/* replaced meanwhile: not ours */
	}
	do
		n = pread(fd, tail, want, st->st_size - (off_t)want);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -errno;
	if ((size_t)n != want || tail[want - 1] == '\n')
		return st->st_size;
	for (size_t i = want; i > 0 && keep < 0; i--)
		if (tail[i - 1] == '\n')
			keep = st->st_size - (off_t)want + (off_t)i;
	if (keep < 0 && want < (size_t)st->st_size)
		return st->st_size;	/* a longer line: not one of ours */
	if (keep < 0)
		keep = 0;
	if (ftruncate(s->fd, keep) < 0)
		return -errno;
	return keep;
}

/* (Re)open the file sink's file; on a retry of the same file, first take
 * out what a failed batch may have left. */
static int
file_open(struct sink *s)
{
	struct stat st;
	off_t size;
	int fd;

	fd = open(s->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
	s->regular = S_ISREG(st.st_mode);
	if (!s->regular) {
		s->has_identity = false;
		return 0;
	}
	if (s->has_identity && st.st_dev == s->dev && st.st_ino == s->ino &&
	    st.st_size > s->batch_start) {
		if (ftruncate(fd, s->batch_start) < 0)
			return -errno;
		st.st_size = s->batch_start;
	}
	if ((size = file_drop_torn_tail(s, &st)) < 0)
		return (int)size;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->batch_start = s->synced_size = size;
	s->has_identity = true;
	return 0;
}

/* Connect a unix datagram socket to path; the descriptor or -errno. */
static int
unix_connect(const char *path, bool timeout)
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

/* Is journald listening?  sd_journal_sendv() drops messages silently when
 * its socket is missing, so this is how an outage is seen. */
static int
journal_check(void)
{
	int fd = unix_connect(JOURNAL_SOCKET, false);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Wait until the reader of the datagram socket at path has read all we
 * sent (the kernel charges an unread datagram to its sender), then make
 * sure the socket is still the one we sent to: a reader that went away
 * meanwhile dropped what it had not read. */
static int
socket_sync(struct sink *s, const char *path)
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
	if (st.st_ino != s->socket_ino)
		return -ECONNRESET;
	return 0;
}

/* Open, connect or check, as the kind needs; the result also sticks. */
static int
sink_connect(struct sink *s)
{
	int r = 0;

	struct stat st;

	switch (s->kind) {
	case SINK_JOURNAL:
		if (s->fd >= 0) {
			close(s->fd);
			s->fd = -1;
		}
		if (stat(JOURNAL_SOCKET, &st) < 0) {
			r = -errno;
			break;
		}
		if ((r = unix_connect(JOURNAL_SOCKET, true)) >= 0) {
			s->fd = r;
			s->socket_ino = st.st_ino;
			r = 0;
		}
		s->journal_checked = r == 0;
		break;
	case SINK_SYSLOG:
		if (s->fd >= 0) {
			close(s->fd);
			s->fd = -1;
		}
		s->pid = getpid();
		if (stat(s->path, &st) < 0) {
			r = -errno;
			break;
		}
		if ((r = unix_connect(s->path, true)) >= 0) {
			s->fd = r;
			s->socket_ino = st.st_ino;
			r = 0;
		}
		break;
	case SINK_FILE:
		r = file_open(s);
		break;
	case SINK_STDOUT:
		s->fd = STDOUT_FILENO;
		break;
	}
	s->error = r;
	return r;
}

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
	switch (o->kind) {
	case SINK_JOURNAL:
	case SINK_STDOUT:
		return true;
	case SINK_SYSLOG:
		return o->path == NULL ||
		    (o->path[0] != '\0' && strlen(o->path) <
		    sizeof(((struct sockaddr_un *)NULL)->sun_path));
	case SINK_FILE:
		return o->path != NULL && o->path[0] != '\0';
	}
	return false;
}

/* The HOSTNAME of syslog headers: printable ASCII without spaces, as
 * RFC 5424 requires; anything else becomes '_'. */
static void
set_host(struct sink *s, const char *host)
{
	char name[SYSLOG_HOST_MAX + 1] = "";
	size_t i;

	if (host == NULL && gethostname(name, sizeof(name)) == 0)
		name[sizeof(name) - 1] = '\0';
	else if (host != NULL)
		snprintf(name, sizeof(name), "%s", host);
	for (i = 0; name[i] != '\0'; i++)
		s->host[i] = name[i] > ' ' && name[i] < 0x7f ? name[i] : '_';
	if (i == 0)
		s->host[i++] = '-';	/* RFC 5424 NILVALUE */
	s->host[i] = '\0';
}

int
sink_open(const struct sink_options *options, struct sink **ret_sink)
{
	struct sink *s;
	int r;

	if (!options_valid(options))
		return -EINVAL;
#ifndef HAVE_SYSTEMD
	if (options->kind == SINK_JOURNAL)
		return -EPROTONOSUPPORT;
#endif
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	s->kind = options->kind;
	s->format = options->format;
	s->framing = options->framing;
	s->fsync = options->fsync;
	s->structured_data = options->structured_data;
	s->facility = options->facility;
	s->fd = -1;
	s->stamp_second = -1;
	set_host(s, options->host);
	switch (s->kind) {
	case SINK_JOURNAL:
		s->description = strdup("journal");
		break;
	case SINK_SYSLOG:
		s->path = strdup(options->path ? options->path :
		    SYSLOG_PATH_DEFAULT);
		if (s->path && asprintf(&s->description,
		    "syslog socket %s (RFC %s)", s->path,
		    s->framing == SINK_RFC5424 ? "5424" : "3164") < 0)
			s->description = NULL;
		break;
	case SINK_FILE:
		s->path = strdup(options->path);
		if (s->path && asprintf(&s->description, "file %s",
		    s->path) < 0)
			s->description = NULL;
		s->buf = malloc(SINK_BUFFER_SIZE);
		break;
	case SINK_STDOUT:
		s->description = strdup("stdout");
		s->buf = malloc(SINK_BUFFER_SIZE);
		break;
	}
	if (s->description == NULL || ((s->kind == SINK_FILE ||
	    s->kind == SINK_STDOUT) && s->buf == NULL)) {
		sink_close(s);
		return -ENOMEM;
	}
	r = sink_connect(s);
	*ret_sink = s;
	return r;
}

/* Write the buffer out; on failure the batch is cut off the file again
 * and the buffer dropped either way. */
static int
buffer_write(struct sink *s)
{
	size_t len = s->len;
	int r;

	s->len = 0;
	if (len == 0)
		return 0;
	if ((r = write_all(s->fd, s->buf, len)) < 0) {
		file_rollback(s);
		return sink_fail(s, r);
	}
	return 0;
}

/* Room in the buffer for one more message; NULL after a failed write. */
static char *
buffer_reserve(struct sink *s, size_t room)
{
	if (SINK_BUFFER_SIZE - s->len < room && buffer_write(s) < 0)
		return NULL;
	return s->buf + s->len;
}

/* Take a message of n bytes formatted at the end of the buffer as a line;
 * 0 bytes means the formatter found no room, which must not happen. */
static int
buffer_commit(struct sink *s, char *d, size_t n)
{
	if (n == 0)
		return -EMSGSIZE;
	d[n] = '\n';
	s->len += n + 1;
	return 0;
}

/* "Mmm dd hh:mm:ss" in local time, as RFC 3164 and rsyslog want it; the
 * month names are English whatever the locale.  Cached per second. */
static const char *
stamp_rfc3164(struct sink *s)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;

	if (now != s->stamp_second) {
		if (localtime_r(&now, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		snprintf(s->stamp, sizeof(s->stamp), "%s %2d %02d:%02d:%02d",
		    months[(unsigned)tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		s->stamp_second = now;
	}
	return s->stamp;
}

/*
 * The kv line as one RFC 5424 SD element: each key=value a PARAM, every
 * value quoted, with '"', '\' and ']' escaped.  A kv value is already
 * quoted with '"' and '\' escaped (escape.h), so only ']' is added.
 * Returns the length written or -EMSGSIZE.
 */
static ssize_t
sd_element(char *dst, size_t size, const char *kv, size_t len)
{
	static const char sd_open[] = "[" SYSLOG_SD_ID;
	const char *p = kv, *end = kv + len;
	char *d = dst, *dend = dst + size;

	if (size < sizeof(sd_open) + 1)
		return -EMSGSIZE;
	memcpy(d, sd_open, sizeof(sd_open) - 1);
	d += sizeof(sd_open) - 1;
	while (p < end) {
		bool quoted;

		/* ' ' name '="': room checked per byte below */
		if (dend - d < 2)
			return -EMSGSIZE;
		*d++ = ' ';
		while (p < end && *p != '=') {
			if (dend - d < 1)
				return -EMSGSIZE;
			*d++ = *p++;
		}
		if (p == end || dend - d < 2)
			return -EMSGSIZE;
		*d++ = *p++;	/* '=' */
		*d++ = '"';
		quoted = p < end && *p == '"';
		p += quoted;
		while (p < end && (quoted ? *p != '"' : *p != ' ')) {
			if (dend - d < 2)
				return -EMSGSIZE;
			if (quoted && *p == '\\' && p + 1 < end) {
				*d++ = *p++;
				*d++ = *p++;
				continue;
			}
			if (*p == ']' || *p == '"' || *p == '\\')
				*d++ = '\\';
			*d++ = *p++;
		}
		if (quoted && p == end)
			return -EMSGSIZE;	/* not a kv line of ours */
		p += quoted;
		if (dend - d < 1)
			return -EMSGSIZE;
		*d++ = '"';
		if (p < end && *p == ' ')
			p++;
	}
	if (dend - d < 1)
		return -EMSGSIZE;
	*d++ = ']';
	return d - dst;
}

/* Frame one kv line as RFC 3164 or 5424 and send it as one datagram. */
static int
syslog_send(struct sink *s, const char *msgid, int severity, const char *kv,
    size_t kv_len)
{
	char msg[SYSLOG_DATAGRAM_MAX];
	int pri = s->facility * 8 + severity;
	size_t len;
	ssize_t n;
	int h;

	if (s->framing == SINK_RFC3164)
		/* What syslog(3) sends on a local socket: no HOSTNAME, or
		 * rsyslog's imuxsock and journald take it for the tag. */
		h = snprintf(msg, sizeof(msg), "<%d>%s " SYSLOG_APP_NAME
		    "[%ld]: ", pri, stamp_rfc3164(s), (long)s->pid);
	else {
		char stamp[TIMEFMT_RFC3339_LEN + 1];
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		timefmt_rfc3339(stamp, (uint64_t)ts.tv_sec * 1000000 +
		    (uint64_t)ts.tv_nsec / 1000);
		stamp[TIMEFMT_RFC3339_LEN] = '\0';
		h = snprintf(msg, sizeof(msg), "<%d>1 %s %s " SYSLOG_APP_NAME
		    " %ld %s ", pri, stamp, s->host, (long)s->pid, msgid);
	}
	if (h < 0 || (size_t)h >= sizeof(msg))
		return sink_fail(s, -EMSGSIZE);
	len = (size_t)h;
	if (s->framing == SINK_RFC5424) {
		if (s->structured_data) {
			ssize_t sd = sd_element(msg + len, sizeof(msg) - len,
			    kv, kv_len);

			if (sd < 0)
				return sink_fail(s, (int)sd);
			len += (size_t)sd;
		} else
			msg[len++] = '-';
		if (len < sizeof(msg))
			msg[len++] = ' ';
	}
	if (kv_len > sizeof(msg) - len)
		return sink_fail(s, -EMSGSIZE);
	memcpy(msg + len, kv, kv_len);
	len += kv_len;

	do
		n = send(s->fd, msg, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sink_fail(s, -errno);
	return 0;
}

#ifdef HAVE_SYSTEMD
/* Hand the fields to journald as one datagram of "FIELD=value" lines. */
static int
journal_send(struct sink *s, const struct fmt_journal *j)
{
	struct iovec iov[2 * FMT_JOURNAL_FIELDS];
	struct msghdr mh = { .msg_iov = iov };
	size_t n = 0;
	ssize_t sent;

	if (s->fd < 0)
		return sink_fail(s, -ENOTCONN);
	/* Each field a line; no value holds a newline (all are escaped). */
	for (size_t i = 0; i < j->count && n + 2 <= ELEMENTSOF(iov); i++) {
		iov[n++] = j->iov[i];
		iov[n++] = (struct iovec){ (char *)"\n", 1 };
	}
	mh.msg_iovlen = n;
	do
		sent = sendmsg(s->fd, &mh, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return sink_fail(s, -errno);
	return 0;
}

/* Wait until journald has read everything we sent it, and make sure it
 * is still the journald we sent it to. */
static int
journal_sync(struct sink *s)
{
	int r;

	if ((r = socket_sync(s, JOURNAL_SOCKET)) < 0)
		return r;
	return journal_check();
}
#endif

int
sink_record(struct sink *sink, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	char line[FMT_LINE_MAX], *d;
	size_t n;

	if (sink->error < 0)
		return sink->error;
	switch (sink->kind) {
	case SINK_JOURNAL: {
#ifdef HAVE_SYSTEMD
		struct fmt_journal j;

		fmt_journal(&j, ev, ctx);
		return journal_send(sink, &j);
#else
		return -EPROTONOSUPPORT;
#endif
	}
	case SINK_SYSLOG:
		n = fmt_kv(line, sizeof(line), ev, ctx);
		return syslog_send(sink, "process_end", SYSLOG_SEVERITY_INFO,
		    line, n);
	case SINK_FILE:
	case SINK_STDOUT:
		if ((d = buffer_reserve(sink, SINK_RECORD_ROOM)) == NULL)
			return sink->error;
		n = sink->format == SINK_FORMAT_JSON ?
		    fmt_json(d, SINK_BUFFER_SIZE - sink->len, ev, ctx) :
		    fmt_kv(d, SINK_BUFFER_SIZE - sink->len, ev, ctx);
		return buffer_commit(sink, d, n);
	}
	return -EINVAL;
}

int
sink_control(struct sink *sink, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	char line[FMT_LINE_MAX], *d;
	const char *name = fmt_control_name(c->kind);
	size_t n;

	if (name == NULL || c->priority < 0 || c->priority > 7)
		return -EINVAL;
	if (sink->error < 0)
		return sink->error;
	switch (sink->kind) {
	case SINK_JOURNAL: {
#ifdef HAVE_SYSTEMD
		struct fmt_journal j;

		fmt_control_journal(&j, c, ctx);
		return journal_send(sink, &j);
#else
		return -EPROTONOSUPPORT;
#endif
	}
	case SINK_SYSLOG:
		n = fmt_control_kv(line, sizeof(line), c, ctx);
		return syslog_send(sink, name, c->priority, line, n);
	case SINK_FILE:
	case SINK_STDOUT:
		if ((d = buffer_reserve(sink, SINK_CONTROL_ROOM)) == NULL)
			return sink->error;
		n = sink->format == SINK_FORMAT_JSON ?
		    fmt_control_json(d, SINK_BUFFER_SIZE - sink->len, c, ctx) :
		    fmt_control_kv(d, SINK_BUFFER_SIZE - sink->len, c, ctx);
		return buffer_commit(sink, d, n);
	}
	return -EINVAL;
}

int
sink_flush(struct sink *sink)
{
	struct stat st;
	int r;

	if (sink->error < 0) {
		sink->len = 0;
		return sink->error;
	}
	switch (sink->kind) {
	case SINK_JOURNAL:
		/* Messages sent to a journald that went away meanwhile were
		 * dropped without a word: look again. */
		if ((r = journal_check()) < 0)
			return sink_fail(sink, r);
		sink->journal_checked = false;
		return 0;
	case SINK_SYSLOG:
		return 0;
	case SINK_FILE:
	case SINK_STDOUT:
		if ((r = buffer_write(sink)) < 0)
			return r;
		if (sink->kind == SINK_STDOUT || !sink->regular)
			return 0;
		if (fstat(sink->fd, &st) < 0) {
			r = -errno;
			file_rollback(sink);
			return sink_fail(sink, r);
		}
		/* Start the disk on it now; sink_sync() waits for it. */
		if (sink->fsync == SINK_FSYNC_BATCH)
			(void)sync_file_range(sink->fd, sink->batch_start,
			    st.st_size - sink->batch_start,
			    SYNC_FILE_RANGE_WRITE);
		sink->batch_start = st.st_size;
		return 0;
	}
	return -EINVAL;
}

int
sink_sync(struct sink *sink)
{
	int r;

	if (sink->error < 0)
		return sink->error;
#ifdef HAVE_SYSTEMD
	if (sink->kind == SINK_JOURNAL && (r = journal_sync(sink)) < 0)
		return sink_fail(sink, r);
#endif
	if (sink->kind == SINK_SYSLOG && (r = socket_sync(sink,
	    sink->path)) < 0)
		return sink_fail(sink, r);
	if (sink->kind != SINK_FILE || !sink->regular)
		return 0;
	/* fdatasync covers the new size of an appended file. */
	if (sink->fsync == SINK_FSYNC_BATCH && fdatasync(sink->fd) < 0) {
		/* What was written since the last sync may be lost: cut it
		 * off, and the caller sends it all again. */
		r = -errno;
		sink->batch_start = sink->synced_size;
		file_rollback(sink);
		return sink_fail(sink, r);
	}
	sink->synced_size = sink->batch_start;
	return 0;
}

void
sink_rewind(struct sink *sink)
{
	sink->len = 0;
	if (sink->kind == SINK_FILE) {
		sink->batch_start = sink->synced_size;
		(void)file_rollback(sink);
	}
}

int
sink_reopen(struct sink *sink)
{
	sink->len = 0;
	return sink_connect(sink);
}

const char *
sink_describe(const struct sink *sink)
{
	return sink->description;
}

void
sink_close(struct sink *sink)
{
	if (sink == NULL)
		return;
	if (sink->fd >= 0 && sink->kind != SINK_STDOUT)
		close(sink->fd);
	free(sink->buf);
	free(sink->path);
	free(sink->description);
	free(sink);
}
