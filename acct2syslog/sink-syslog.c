/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink-syslog.c: one datagram per message, RFC 3164 or RFC 5424 framing,
 * sent at once on a connected socket of our own (never syslog(3), which
 * cannot report failure).  A send that cannot go within a few seconds (a
 * receiver that does not read) fails with -EAGAIN; sink_sync() waits until
 * the receiver has read everything sent (sink.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sink-ops.h"
#include "timefmt.h"

#define SYSLOG_PATH_DEFAULT	"/dev/log"
#define SYSLOG_APP_NAME		"acct2syslog"
#define SYSLOG_HOST_MAX		255	/* RFC 5424 HOSTNAME */
#define SYSLOG_SEVERITY_INFO	6
#define SYSLOG_DATAGRAM_MAX	4096	/* header + SD (<= 2x kv) + kv */
/*
 * RFC 5424 SD-ID of our fields.  32473 is the example Private Enterprise
 * Number that RFC 5612 reserves for documentation; a registered PEN
 * belongs here once the project has one.
 */
#define SYSLOG_SD_ID		"acct2syslog@32473"

struct syslog_sink {
	struct sink	base;
	char		*path;		/* of the socket */
	enum sink_framing framing;
	bool		structured_data;
	int		facility;
	char		host[SYSLOG_HOST_MAX + 1];
	pid_t		pid;
	time_t		stamp_second;	/* of stamp, RFC 3164 */
	char		stamp[64];	/* "Mmm dd hh:mm:ss" */
	ino_t		socket_ino;	/* of the socket we are connected to */
};

/* The HOSTNAME of syslog headers: printable ASCII without spaces, as
 * RFC 5424 requires; anything else becomes '_'. */
static void
set_host(struct syslog_sink *y, const char *host)
{
	char name[SYSLOG_HOST_MAX + 1] = "";
	size_t i;

	if (host == NULL && gethostname(name, sizeof(name)) == 0)
		name[sizeof(name) - 1] = '\0';
	else if (host != NULL)
		snprintf(name, sizeof(name), "%s", host);
	for (i = 0; name[i] != '\0'; i++)
		y->host[i] = name[i] > ' ' && name[i] < 0x7f ? name[i] : '_';
	if (i == 0)
		y->host[i++] = '-';	/* RFC 5424 NILVALUE */
	y->host[i] = '\0';
}

static int
syslog_init(struct sink *s, const struct sink_options *o)
{
	struct syslog_sink *y = SINK_OF(struct syslog_sink, s);

	if (o->path != NULL && (o->path[0] == '\0' || strlen(o->path) >=
	    sizeof(((struct sockaddr_un *)NULL)->sun_path)))
		return -EINVAL;
	y->framing = o->framing;
	y->structured_data = o->structured_data;
	y->facility = o->facility;
	y->stamp_second = -1;
	set_host(y, o->host);
	if ((y->path = strdup(o->path ? o->path : SYSLOG_PATH_DEFAULT)) ==
	    NULL)
		return -ENOMEM;
	if (asprintf(&s->description, "syslog socket %s (RFC %s)", y->path,
	    y->framing == SINK_RFC5424 ? "5424" : "3164") < 0)
		s->description = NULL;
	return 0;
}

static int
syslog_connect(struct sink *s)
{
	struct syslog_sink *y = SINK_OF(struct syslog_sink, s);

	y->pid = getpid();
	return sink_socket_connect(s, y->path, &y->socket_ino);
}

/* "Mmm dd hh:mm:ss" in local time, as RFC 3164 and rsyslog want it; the
 * month names are English whatever the locale.  Cached per second. */
static const char *
stamp_rfc3164(struct syslog_sink *y)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;

	if (now != y->stamp_second) {
		if (localtime_r(&now, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		snprintf(y->stamp, sizeof(y->stamp), "%s %2d %02d:%02d:%02d",
		    months[(unsigned)tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		y->stamp_second = now;
	}
	return y->stamp;
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

/* The header up to and including the space before MSG (5424: before the
 * SD); its length or -EMSGSIZE. */
static int
syslog_header(struct syslog_sink *y, char *msg, size_t size,
    const char *msgid, int severity)
{
	int pri = y->facility * 8 + severity;
	int h;

	if (y->framing == SINK_RFC3164)
		/* What syslog(3) sends on a local socket: no HOSTNAME, or
		 * rsyslog's imuxsock and journald take it for the tag. */
		h = snprintf(msg, size, "<%d>%s " SYSLOG_APP_NAME "[%ld]: ",
		    pri, stamp_rfc3164(y), (long)y->pid);
	else {
		char stamp[TIMEFMT_RFC3339_LEN + 1];
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		timefmt_rfc3339(stamp, (uint64_t)ts.tv_sec * 1000000 +
		    (uint64_t)ts.tv_nsec / 1000);
		stamp[TIMEFMT_RFC3339_LEN] = '\0';
		h = snprintf(msg, size, "<%d>1 %s %s " SYSLOG_APP_NAME
		    " %ld %s ", pri, stamp, y->host, (long)y->pid, msgid);
	}
	return h < 0 || (size_t)h >= size ? -EMSGSIZE : h;
}

/* Frame one kv line as RFC 3164 or 5424 and send it as one datagram. */
static int
syslog_send(struct syslog_sink *y, const char *msgid, int severity,
    const char *kv, size_t kv_len)
{
	char msg[SYSLOG_DATAGRAM_MAX];
	size_t len;
	ssize_t n;
	int h;

	if ((h = syslog_header(y, msg, sizeof(msg), msgid, severity)) < 0)
		return h;
	len = (size_t)h;
	if (y->framing == SINK_RFC5424) {
		if (y->structured_data) {
			ssize_t sd = sd_element(msg + len, sizeof(msg) - len,
			    kv, kv_len);

			if (sd < 0)
				return (int)sd;
			len += (size_t)sd;
		} else
			msg[len++] = '-';
		if (len < sizeof(msg))
			msg[len++] = ' ';
	}
	if (kv_len > sizeof(msg) - len)
		return -EMSGSIZE;
	memcpy(msg + len, kv, kv_len);
	len += kv_len;

	do
		n = send(y->base.fd, msg, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

static int
syslog_record(struct sink *s, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	char line[FMT_LINE_MAX];
	size_t n;
	int r;

	if ((r = sink_format_result(fmt_kv(line, sizeof(line), ev, ctx,
	    &n))) < 0)
		return r;
	return syslog_send(SINK_OF(struct syslog_sink, s), FMT_PROCESS_END,
	    SYSLOG_SEVERITY_INFO, line, n);
}

static int
syslog_control(struct sink *s, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	char line[FMT_LINE_MAX];
	size_t n;
	int r;

	if ((r = sink_format_result(fmt_control_kv(line, sizeof(line), c,
	    ctx, &n))) < 0)
		return r;
	return syslog_send(SINK_OF(struct syslog_sink, s),
	    fmt_control_name(c->kind), c->priority, line, n);
}

/* Every datagram went at once. */
static int
syslog_flush(_unused_ struct sink *s)
{
	return 0;
}

static int
syslog_sync(struct sink *s)
{
	struct syslog_sink *y = SINK_OF(struct syslog_sink, s);

	return sink_socket_sync(s, y->path, y->socket_ino);
}

static void
syslog_release(struct sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(SINK_OF(struct syslog_sink, s)->path);
}

const struct sink_ops sink_syslog_ops = {
	.size = sizeof(struct syslog_sink),
	.init = syslog_init,
	.connect = syslog_connect,
	.record = syslog_record,
	.control = syslog_control,
	.flush = syslog_flush,
	.sync = syslog_sync,
	.release = syslog_release,
};
