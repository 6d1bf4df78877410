/* SPDX-License-Identifier: Apache-2.0 */
/*
 * print.c: lastcomm-ng's printers.  Every line is built through one bounded
 * writer (schema.h, line.h) into one buffer, so that no input can write
 * past it.  The lastcomm format is the hot path of a full listing: its
 * helpers are inlined, and the writer stays in registers.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "line.h"
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

/* RFC 3339 UTC time of us, through the writer. */
static void
put_rfc3339(struct writer *w, uint64_t us)
{
	char tmp[TIMEFMT_RFC3339_LEN];

	if (writer_room(w) >= TIMEFMT_RFC3339_LEN)
		w->p += timefmt_rfc3339(w->p, us);
	else
		writer_bytes(w, tmp, timefmt_rfc3339(tmp, us));
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
static void
line_lastcomm(struct printer *p, const struct acct_event *ev,
    struct writer *w)
{
	const char *user, *tty;
	char buf[12], flags[7];

	/* The name, non-printing bytes shown as '?', in 16 columns. */
	line_lastcomm_column(w, ev->comm, ev->comm_len, 16);
	flags[0] = ' ';
	flags[1] = ev->flags & ACCT_FLAG_SU ? 'S' : ' ';
	flags[2] = ev->flags & ACCT_FLAG_FORK ? 'F' : ' ';
	flags[3] = ev->flags & ACCT_FLAG_COMPAT ? 'C' : ' ';
	flags[4] = ev->flags & ACCT_FLAG_CORE ? 'D' : ' ';
	flags[5] = ev->flags & ACCT_FLAG_XSIG ? 'X' : ' ';
	flags[6] = ' ';
	writer_bytes(w, flags, sizeof(flags));
	if (p->show_paging) {
		line_u64_right(w, ev->minflt, 6);
		writer_literal(w, "min ");
		line_u64_right(w, ev->majflt, 6);
		writer_literal(w, "maj ");
		line_u64_right(w, ev->swaps, 4);
		writer_literal(w, "swp ");
	} else {
		user = query_user_text(&p->ctx, ev->uid, buf);
		tty = query_tty_text(&p->ctx, ev->tty);
		line_lastcomm_column(w, user, strnlen(user, 8), 8);
		writer_char(w, ' ');
		line_lastcomm_column(w, tty, strnlen(tty, 8), 8);
		writer_char(w, ' ');
	}
	line_ticks_2(w, ev->user_ticks + ev->sys_ticks, ev->ahz);
	writer_literal(w, " secs ");
	writer_bytes(w, minute_text(p, (time_t)ev->start_time), 16);
	if (p->show_pid && ev->has_pid) {	/* signed, as GNU prints them */
		writer_char(w, ' ');
		line_i64(w, (int32_t)ev->pid);
		writer_char(w, ' ');
		line_i64(w, (int32_t)ev->ppid);
	}
	writer_char(w, '\n');
}

/* A name from the record or the archive (user, group, tty, host) in the
 * text view, left-justified in width columns. */
static void
put_shown(struct writer *w, const char *s, size_t width)
{
	line_view_left(w, s, strnlen(s, LINE_VIEW_MAX + 1), ESC_VIEW_TEXT,
	    width);
}

/* "2026-11-21 05:27:03", local or UTC. */
static void
put_datetime(const struct printer *p, struct writer *w, time_t t)
{
	struct tm tm;
	char tmp[32];		/* years past 9999 too */

	if ((p->utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL) {
		writer_literal(w, "0000-00-00 00:00:00");
		return;
	}
	writer_bytes(w, tmp, strftime(tmp, sizeof(tmp), "%Y-%m-%d %H:%M:%S",
	    &tm));
}

/* One readable line with everything an audit asks first. */
static void
line_long(struct printer *p, const struct acct_event *ev, struct writer *w)
{
	uint64_t elapsed = acct_elapsed_us(ev);
	char buf[12], *status;

	if (p->show_host) {
		put_shown(w, p->ctx.host ? p->ctx.host : "-", 16);
		writer_char(w, ' ');
	}
	put_datetime(p, w, (time_t)ev->start_time);
	writer_char(w, ' ');
	put_datetime(p, w, (time_t)((acct_end_us(ev)) / 1000000));
	writer_char(w, ' ');
	line_view_left(w, ev->comm, ev->comm_len, ESC_VIEW_TEXT, 16);
	writer_char(w, ' ');
	put_shown(w, query_user_text(&p->ctx, ev->uid, buf), 8);
	writer_char(w, ' ');
	put_shown(w, query_tty_text(&p->ctx, ev->tty), 8);
	line_printf(w, " %9.3fs cpu %6.2fs ", (double)elapsed / 1e6,
	    (double)acct_ticks_to_us(ev, ev->user_ticks + ev->sys_ticks) / 1e6);
	/* The status, left-justified in 14 columns. */
	status = w->p;
	if (ev->signal != 0) {
		writer_literal(w, "signal ");
		writer_u64(w, ev->signal);
		if (ev->core_dumped)
			writer_literal(w, " core");
	} else {
		writer_literal(w, "exit ");
		writer_u64(w, ev->exit_code);
	}
	if (w->p - status < 14)
		line_fill(w, ' ', 14 - (size_t)(w->p - status));
	if (ev->has_pid) {
		writer_literal(w, " pid ");
		writer_u64(w, ev->pid);
		writer_literal(w, " ppid ");
		writer_u64(w, ev->ppid);
	} else
		writer_literal(w, " pid - ppid -");
	writer_char(w, '\n');
}

/* One CSV field of len untrusted bytes: visible, never a formula, quoted
 * as RFC 4180 says (esc_view's CSV view). */
static void
put_csv(struct writer *w, const char *s, size_t len)
{
	line_view(w, s, len, ESC_VIEW_CSV);
}

/* A CSV field of a NUL-terminated name, none for NULL. */
static void
put_csv_name(struct writer *w, const char *s)
{
	if (s != NULL)
		put_csv(w, s, strnlen(s, LINE_VIEW_MAX + 1));
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
static void
line_csv(struct printer *p, const struct acct_event *ev, struct writer *w)
{
	char flags[SCHEMA_FLAGS_MAX + 1];
	const uint64_t counts[] = { ev->mem_kib, ev->minflt, ev->majflt,
	    ev->io_chars, ev->io_blocks, ev->swaps, ev->version };

	put_rfc3339(w, (uint64_t)ev->start_time * 1000000);
	writer_char(w, ',');
	put_rfc3339(w, acct_end_us(ev));
	writer_char(w, ',');
	put_csv(w, ev->comm, ev->comm_len);
	writer_char(w, ',');
	if (ev->has_pid) {
		writer_u64(w, ev->pid);
		writer_char(w, ',');
		writer_u64(w, ev->ppid);
	} else
		writer_char(w, ',');
	writer_char(w, ',');
	put_csv_name(w, query_user(&p->ctx, ev->uid));
	writer_char(w, ',');
	writer_u64(w, ev->uid);
	writer_char(w, ',');
	put_csv_name(w, query_group(&p->ctx, ev->gid));
	writer_char(w, ',');
	writer_u64(w, ev->gid);
	writer_char(w, ',');
	put_csv_name(w, query_tty(&p->ctx, ev->tty));
	writer_char(w, ',');
	writer_u64(w, ev->exit_code);
	writer_char(w, ',');
	writer_u64(w, ev->signal);
	writer_char(w, ',');
	writer_u64(w, ev->core_dumped);
	writer_char(w, ',');
	put_csv(w, flags, fmt_flags(flags, sizeof(flags), ev->flags));
	line_printf(w, ",%.3f,%.3f,%.3f,", (double)acct_elapsed_us(ev) / 1e6,
	    (double)acct_ticks_to_us(ev, ev->user_ticks) / 1e6,
	    (double)acct_ticks_to_us(ev, ev->sys_ticks) / 1e6);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		writer_u64(w, counts[i]);
		writer_char(w, ',');
	}
	put_csv_name(w, p->ctx.host);
	writer_char(w, '\n');
}

size_t
printer_line(struct printer *p, const struct acct_event *ev, char *buf,
    size_t size, bool *ret_fits)
{
	struct writer w = writer_init(buf, size);
	struct fmt_context fc;
	size_t n;

	switch (p->format) {
	case PRINT_LASTCOMM:
		line_lastcomm(p, ev, &w);
		break;
	case PRINT_LONG:
		line_long(p, ev, &w);
		break;
	case PRINT_KV:
	case PRINT_JSON:
		/* The wire form, never cut: all of it, or nothing.  Its NUL
		 * (within size) becomes the newline. */
		fc = query_fmt_context(&p->ctx, ev);
		if ((p->format == PRINT_KV ? fmt_kv(buf, size, ev, &fc, &n) :
		    fmt_json(buf, size, ev, &fc, &n)) != FMT_OK || n >= size) {
			*ret_fits = false;
			return 0;
		}
		buf[n] = '\n';
		w.p += n + 1;
		break;
	case PRINT_CSV:
		line_csv(p, ev, &w);
		break;
	}
	*ret_fits = writer_ok(&w);
	return (size_t)(w.p - buf);
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
	char line[LINE_MAX_LEN];
	bool fits;
	size_t n = printer_line(p, ev, line, sizeof(line), &fits);

	/* LINE_MAX_LEN holds any line of what a reader took. */
	if (!fits) {
		warnx("internal error: a record does not fit a line");
		return;
	}
	fwrite_unlocked(line, 1, n, p->out);
}
