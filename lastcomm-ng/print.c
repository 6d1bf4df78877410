/* SPDX-License-Identifier: Apache-2.0 */
/*
 * print.c: lastcomm-ng's printers.  The lastcomm format is the hot path of
 * a full listing, so it is built by hand into one buffer per line.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "macro.h"
#include "print.h"
#include "query.h"
#include "timefmt.h"

#define LINE_MAX_LEN	FMT_READ_MAX	/* see test-schema */

int
printer_parse_format(const char *name, enum print_format *ret_format)
{
	static const char *const names[] = {
		[PRINT_LASTCOMM] = "lastcomm",
		[PRINT_LONG] = "long",
		[PRINT_KV] = "kv",
		[PRINT_JSON] = "json",
		[PRINT_CSV] = "csv",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*ret_format = (enum print_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

static char *
put_bytes(char *d, const char *s, size_t n)
{
	memcpy(d, s, n);
	return d + n;
}

/* len bytes of s in lastcomm's view ('?' for each byte that is not
 * printable ASCII) into d, cut at width and padded with spaces to it. */
static char *
put_padded(char *d, const char *s, size_t len, size_t width)
{
	size_t n = esc_view(d, width + 1, s, len, ESC_VIEW_LASTCOMM, NULL);

	memset(d + n, ' ', width - n);
	return d + width;
}

/* Right-justify v in width columns (wider if it needs more). */
static char *
put_uint(char *d, uint64_t v, size_t width)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (width > n) {
		*d++ = ' ';
		width--;
	}
	while (n > 0)
		*d++ = tmp[--n];
	return d;
}

/* printf's "%6.2f" of ticks / ahz, exactly as printf would round it. */
static char *
put_seconds_2(char *d, uint64_t ticks, unsigned ahz)
{
	char tmp[48];
	int n;

	if (ahz == 100) {
		/* k/100 prints as the exact decimal: no rounding. */
		d = put_uint(d, ticks / 100, 3);
		*d++ = '.';
		*d++ = (char)('0' + ticks % 100 / 10);
		*d++ = (char)('0' + ticks % 10);
		return d;
	}
	n = snprintf(tmp, sizeof(tmp), "%6.2f", (double)ticks / ahz);
	memcpy(d, tmp, (size_t)n);
	return d + n;
}

/* "Sat Nov 21 05:27": ctime's first 16 characters, cached per minute. */
static const char *
minute_text(struct printer *p, time_t t)
{
	struct tm tm;
	char buf[32];

	if (p->minute_text[0] != '\0' && t >= p->minute_start &&
	    t < p->minute_start + 60)
		return p->minute_text;
	if ((p->utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL ||
	    asctime_r(&tm, buf) == NULL) {
		memset(p->minute_text, '?', 16);
		p->minute_start = t;
		return p->minute_text;
	}
	memcpy(p->minute_text, buf, 16);
	p->minute_text[16] = '\0';
	p->minute_start = t - tm.tm_sec;
	return p->minute_text;
}

/* GNU lastcomm's line. */
static size_t
line_lastcomm(struct printer *p, const struct acct_event *ev, char *line)
{
	const char *user, *tty;
	char *d = line, buf[12];

	/* The name, non-printing bytes shown as '?', in 16 columns. */
	d = put_padded(d, ev->comm, ev->comm_len, 16);
	*d++ = ' ';
	*d++ = ev->flags & ACCT_FLAG_SU ? 'S' : ' ';
	*d++ = ev->flags & ACCT_FLAG_FORK ? 'F' : ' ';
	*d++ = ev->flags & ACCT_FLAG_COMPAT ? 'C' : ' ';
	*d++ = ev->flags & ACCT_FLAG_CORE ? 'D' : ' ';
	*d++ = ev->flags & ACCT_FLAG_XSIG ? 'X' : ' ';
	*d++ = ' ';
	if (p->show_paging) {
		d = put_uint(d, ev->minflt, 6);
		d = put_bytes(d, "min ", 4);
		d = put_uint(d, ev->majflt, 6);
		d = put_bytes(d, "maj ", 4);
		d = put_uint(d, ev->swaps, 4);
		d = put_bytes(d, "swp ", 4);
	} else {
		user = query_user_text(&p->ctx, ev->uid, buf);
		tty = query_tty_text(&p->ctx, ev->tty);
		d = put_padded(d, user, strnlen(user, 8), 8);
		*d++ = ' ';
		d = put_padded(d, tty, strnlen(tty, 8), 8);
		*d++ = ' ';
	}
	d = put_seconds_2(d, ev->user_ticks + ev->sys_ticks, ev->ahz);
	d = put_bytes(d, " secs ", 6);
	d = put_bytes(d, minute_text(p, (time_t)ev->start_time), 16);
	if (p->show_pid && ev->has_pid)	/* signed, as GNU prints them */
		d += sprintf(d, " %d %d", (int32_t)ev->pid, (int32_t)ev->ppid);
	*d++ = '\n';
	return (size_t)(d - line);
}

/* A name from the record or the archive (user, group, tty, host: at
 * most NAMES_MAX bytes are shown) in the text view, in buf. */
static const char *
shown(char buf[ESC_VIEW_MAX(NAMES_MAX)], const char *s)
{
	esc_view(buf, ESC_VIEW_MAX(NAMES_MAX), s, strnlen(s, NAMES_MAX),
	    ESC_VIEW_TEXT, NULL);
	return buf;
}

/* "2026-11-21 05:27:03", local or UTC. */
static char *
put_datetime(const struct printer *p, char *d, time_t t)
{
	struct tm tm;

	if ((p->utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL)
		return put_bytes(d, "0000-00-00 00:00:00", 19);
	return d + strftime(d, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* One readable line with everything an audit asks first. */
static size_t
line_long(struct printer *p, const struct acct_event *ev, char *line)
{
	uint64_t elapsed = acct_elapsed_us(ev);
	char *d = line, buf[12], status[32], name[ESC_VIEW_MAX(ACCT_COMM_MAX)];
	char user[ESC_VIEW_MAX(NAMES_MAX)], tty[ESC_VIEW_MAX(NAMES_MAX)];

	if (p->show_host) {
		char host[ESC_VIEW_MAX(NAMES_MAX)];

		d += sprintf(d, "%-16s ", shown(host, p->ctx.host ?
		    p->ctx.host : "-"));
	}
	d = put_datetime(p, d, (time_t)ev->start_time);
	*d++ = ' ';
	d = put_datetime(p, d, (time_t)((acct_end_us(ev)) / 1000000));
	*d++ = ' ';
	esc_view(name, sizeof(name), ev->comm, ev->comm_len, ESC_VIEW_TEXT,
	    NULL);
	d += sprintf(d, "%-16s %-8s %-8s %9.3fs cpu %6.2fs ", name,
	    shown(user, query_user_text(&p->ctx, ev->uid, buf)),
	    shown(tty, query_tty_text(&p->ctx, ev->tty)), (double)elapsed / 1e6,
	    (double)acct_ticks_to_us(ev, ev->user_ticks + ev->sys_ticks) / 1e6);
	if (ev->signal != 0)
		snprintf(status, sizeof(status), "signal %u%s", ev->signal,
		    ev->core_dumped ? " core" : "");
	else
		snprintf(status, sizeof(status), "exit %u", ev->exit_code);
	d += sprintf(d, "%-14s", status);
	if (ev->has_pid)
		d += sprintf(d, " pid %u ppid %u", ev->pid, ev->ppid);
	else
		d += sprintf(d, " pid - ppid -");
	*d++ = '\n';
	return (size_t)(d - line);
}

/* One CSV field of len untrusted bytes: visible, never a formula, quoted
 * as RFC 4180 says (esc_view's CSV view); at most NAMES_MAX bytes. */
static char *
put_csv(char *d, const char *s, size_t len)
{
	return d + esc_view(d, ESC_VIEW_MAX(NAMES_MAX), s, MIN(len,
	    (size_t)NAMES_MAX), ESC_VIEW_CSV, NULL);
}

/* The CSV columns, named as in the schema (line_csv() writes them). */
static const uint8_t csv_columns[] = {
	SCHEMA_START_TIME, SCHEMA_END_TIME, SCHEMA_PROCESS_NAME,
	SCHEMA_PROCESS_ID, SCHEMA_PARENT_PROCESS_ID, SCHEMA_USER,
	SCHEMA_USER_ID, SCHEMA_GROUP, SCHEMA_GROUP_ID, SCHEMA_TTY,
	SCHEMA_EXIT_CODE, SCHEMA_SIGNAL, SCHEMA_CORE_DUMPED, SCHEMA_FLAGS,
	SCHEMA_ELAPSED, SCHEMA_CPU_USER, SCHEMA_CPU_SYS, SCHEMA_MEM_KIB,
	SCHEMA_MINFLT, SCHEMA_MAJFLT, SCHEMA_IO_CHARS, SCHEMA_IO_BLOCKS,
	SCHEMA_SWAPS, SCHEMA_ACCT_VERSION, SCHEMA_HOST,
};

/* The schema's fields, UTC times, names in their visible form. */
static size_t
line_csv(struct printer *p, const struct acct_event *ev, char *line)
{
	char *d = line, flags[32];
	const char *user = query_user(&p->ctx, ev->uid);
	const char *group = query_group(&p->ctx, ev->gid);
	const char *tty = query_tty(&p->ctx, ev->tty);
	uint64_t start = (uint64_t)ev->start_time * 1000000;

	d += timefmt_rfc3339(d, start);
	*d++ = ',';
	d += timefmt_rfc3339(d, acct_end_us(ev));
	*d++ = ',';
	d = put_csv(d, ev->comm, ev->comm_len);
	if (ev->has_pid)
		d += sprintf(d, ",%u,%u,", ev->pid, ev->ppid);
	else
		d = put_bytes(d, ",,,", 3);
	if (user)
		d = put_csv(d, user, strlen(user));
	d += sprintf(d, ",%u,", ev->uid);
	if (group)
		d = put_csv(d, group, strlen(group));
	d += sprintf(d, ",%u,", ev->gid);
	if (tty)
		d = put_csv(d, tty, strlen(tty));
	d += sprintf(d, ",%u,%u,%u,", ev->exit_code, ev->signal,
	    ev->core_dumped);
	fmt_flags(flags, sizeof(flags), ev->flags);
	d = put_csv(d, flags, strlen(flags));
	d += sprintf(d, ",%.3f,%.3f,%.3f,%ju,%ju,%ju,%ju,%ju,%ju,%u,",
	    (double)acct_elapsed_us(ev) / 1e6,
	    (double)acct_ticks_to_us(ev, ev->user_ticks) / 1e6,
	    (double)acct_ticks_to_us(ev, ev->sys_ticks) / 1e6,
	    (uintmax_t)ev->mem_kib, (uintmax_t)ev->minflt,
	    (uintmax_t)ev->majflt, (uintmax_t)ev->io_chars,
	    (uintmax_t)ev->io_blocks, (uintmax_t)ev->swaps, ev->version);
	if (p->ctx.host)
		d = put_csv(d, p->ctx.host, strnlen(p->ctx.host, NAMES_MAX));
	*d++ = '\n';
	return (size_t)(d - line);
}

void
printer_begin(struct printer *p)
{
	if (p->format != PRINT_CSV)
		return;
	for (size_t i = 0; i < sizeof(csv_columns); i++) {
		if (i > 0)
			fputc(',', p->out);
		fputs(schema_rows[csv_columns[i]].kv, p->out);
	}
	fputc('\n', p->out);
}

void
printer_record(struct printer *p, const struct acct_event *ev)
{
	struct fmt_context fc;
	char line[LINE_MAX_LEN];
	size_t n;

	switch (p->format) {
	case PRINT_LASTCOMM:
		n = line_lastcomm(p, ev, line);
		break;
	case PRINT_LONG:
		n = line_long(p, ev, line);
		break;
	case PRINT_KV:
	case PRINT_JSON:
		/* FMT_READ_MAX holds whatever a reader took: never cut. */
		fc = query_fmt_context(&p->ctx, ev);
		if ((p->format == PRINT_KV ? fmt_kv(line, sizeof(line), ev,
		    &fc, &n) : fmt_json(line, sizeof(line), ev, &fc, &n)) !=
		    FMT_OK) {
			warnx("internal error: a record does not fit a line");
			return;
		}
		line[n++] = '\n';
		break;
	case PRINT_CSV:
		n = line_csv(p, ev, line);
		break;
	default:
		return;
	}
	fwrite_unlocked(line, 1, n, p->out);
}
