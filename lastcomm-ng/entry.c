/* SPDX-License-Identifier: Apache-2.0 */
/*
 * entry.c: a message of the schema back into a record or a control event.
 *
 * Times: a record's start is whole seconds (ac_btime) and its end is start
 * plus the elapsed time to the microsecond, so the elapsed time is kept as
 * fractional milliseconds (ahz 1000) and the end comes back exactly; CPU
 * times are shipped in milliseconds and kept so.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "entry.h"
#include "escape.h"
#include "timefmt.h"

#define SEEN(e, k)	(((e)->seen >> (k)) & 1)

void
entry_begin(struct entry *e)
{
	memset(e, 0, sizeof(*e));
	e->control = -1;
}

/* A whole decimal number. */
static int
parse_u64(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

/* "S.mmm" seconds into milliseconds. */
static int
parse_ms(const char *s, size_t len, uint64_t *ret)
{
	uint64_t sec, ms;

	if (len < 5 || s[len - 4] != '.' ||
	    parse_u64(s, len - 4, &sec) < 0 ||
	    parse_u64(s + len - 3, 3, &ms) < 0 || sec > UINT64_MAX / 1000 - 1)
		return -EINVAL;
	*ret = sec * 1000 + ms;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (as timefmt_rfc3339 writes it) into
 * microseconds since the epoch. */
static int
parse_time(const char *s, size_t len, uint64_t *ret)
{
	uint64_t y, mo, d, h, mi, se, us;
	int64_t days;

	if (len != TIMEFMT_RFC3339_LEN || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != '.' || s[26] != 'Z' ||
	    parse_u64(s, 4, &y) < 0 || parse_u64(s + 5, 2, &mo) < 0 ||
	    parse_u64(s + 8, 2, &d) < 0 || parse_u64(s + 11, 2, &h) < 0 ||
	    parse_u64(s + 14, 2, &mi) < 0 || parse_u64(s + 17, 2, &se) < 0 ||
	    parse_u64(s + 20, 6, &us) < 0 || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h > 23 || mi > 59 || se > 60)
		return -EINVAL;
	days = days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d);
	if (days < 0)
		return -EINVAL;
	*ret = (((uint64_t)days * 24 + h) * 60 + mi) * 60000000 + se * 1000000 +
	    us;
	return 0;
}

/* A string value: unescaped into dst (size bytes, NUL added). */
static int
set_text(char *dst, size_t size, const char *s, size_t len, size_t *ret_len)
{
	char tmp[ENTRY_TEXT_MAX * 4 + 1];
	ssize_t n;

	if (len > sizeof(tmp) - 1)
		return -EINVAL;
	n = esc_unescape(tmp, s, len, ESC_QUOTED);
	if (n < 0 || (size_t)n >= size)
		return -EINVAL;
	memcpy(dst, tmp, (size_t)n);
	dst[n] = '\0';
	if (ret_len)
		*ret_len = (size_t)n;
	return 0;
}

int
entry_set(struct entry *e, const char *key, size_t key_len,
    const char *value, size_t len)
{
	int k = key_len > 0 ? schema_find(key, key_len) : -1;

	if (k < 0)
		return 0;		/* a field of a newer schema */
	return entry_set_field(e, (enum schema_field)k, value, len);
}

/* Where the entry keeps string field f (size bytes); NULL for none. */
static char *
text_storage(struct entry *e, enum schema_field f, size_t *ret_size)
{
	char *p;

	switch (f) {
	case SCHEMA_EVENT: p = e->event; *ret_size = sizeof(e->event); break;
	case SCHEMA_PROCESS_NAME:
		p = e->ev.comm;
		*ret_size = sizeof(e->ev.comm);
		break;
	case SCHEMA_USER: p = e->user; *ret_size = sizeof(e->user); break;
	case SCHEMA_GROUP: p = e->group; *ret_size = sizeof(e->group); break;
	case SCHEMA_TTY: p = e->tty; *ret_size = sizeof(e->tty); break;
	case SCHEMA_HOST: p = e->host; *ret_size = sizeof(e->host); break;
	case SCHEMA_STREAM:
		p = e->stream;
		*ret_size = sizeof(e->stream);
		break;
	case SCHEMA_MESSAGE:
		p = e->message;
		*ret_size = sizeof(e->message);
		break;
	case SCHEMA_FILE: p = e->file; *ret_size = sizeof(e->file); break;
	case SCHEMA_NEW_FILE:
		p = e->new_file;
		*ret_size = sizeof(e->new_file);
		break;
	default:
		return NULL;
	}
	return p;
}

/* The value of field k as the table's type says: a string into its
 * storage, else a number (times in us, seconds in ms) into *ret. */
static int
parse_value(struct entry *e, enum schema_field k, const char *value,
    size_t len, uint64_t *ret)
{
	const struct schema_row *r = &schema_rows[k];
	size_t size, n;
	char *dst;
	int rc;

	switch (r->type) {
	case SCHEMA_T_STRING:
		if (k == SCHEMA_EVENT_ID)
			return 0;	/* stream:seq, derived */
		if (k == SCHEMA_FLAGS)
			return schema_parse_flags(value, len, &e->ev.flags);
		if ((dst = text_storage(e, k, &size)) == NULL)
			return -EINVAL;
		if ((rc = set_text(dst, size, value, len, &n)) == 0 &&
		    k == SCHEMA_PROCESS_NAME)
			e->ev.comm_len = (uint8_t)n;
		return rc;
	case SCHEMA_T_TIME:
		return parse_time(value, len, ret);
	case SCHEMA_T_SECONDS:
		if ((rc = parse_ms(value, len, ret)) < 0)
			return rc;
		return *ret > r->read_max ? -EINVAL : 0;
	default:
		if ((rc = parse_u64(value, len, ret)) < 0)
			return rc;
		return *ret > r->read_max ? -EINVAL : 0;
	}
}

int
entry_set_field(struct entry *e, enum schema_field k, const char *value,
    size_t len)
{
	uint64_t v = 0;
	int rc = 0;

	if ((unsigned)k >= SCHEMA_KV_COUNT ||
	    parse_value(e, k, value, len, &v) < 0)
		return -EINVAL;
	e->seen |= UINT64_C(1) << k;
	switch (k) {
	case SCHEMA_PROCESS_ID: e->ev.pid = (uint32_t)v; break;
	case SCHEMA_PARENT_PROCESS_ID: e->ev.ppid = (uint32_t)v; break;
	case SCHEMA_USER_ID: e->ev.uid = (uint32_t)v; break;
	case SCHEMA_GROUP_ID: e->ev.gid = (uint32_t)v; break;
	case SCHEMA_EXIT_CODE: e->ev.exit_code = (uint8_t)v; break;
	case SCHEMA_SIGNAL: e->ev.signal = (uint8_t)v; break;
	case SCHEMA_CORE_DUMPED: e->ev.core_dumped = v; break;
	case SCHEMA_START_TIME:
		e->ev.start_time = (uint32_t)(v / 1000000);
		rc = v % 1000000 != 0 || v / 1000000 > UINT32_MAX;
		break;
	case SCHEMA_END_TIME: e->time_us = v; break;
	case SCHEMA_TIME: e->c.time_us = v; e->time_us = v; break;
	case SCHEMA_ELAPSED: e->ev.elapsed_ticks = (double)v; break;
	case SCHEMA_CPU_USER: e->ev.user_ticks = v; break;
	case SCHEMA_CPU_SYS: e->ev.sys_ticks = v; break;
	case SCHEMA_MEM_KIB: e->ev.mem_kib = v; break;
	case SCHEMA_MINFLT: e->ev.minflt = v; break;
	case SCHEMA_MAJFLT: e->ev.majflt = v; break;
	case SCHEMA_IO_CHARS: e->ev.io_chars = v; break;
	case SCHEMA_IO_BLOCKS: e->ev.io_blocks = v; break;
	case SCHEMA_SWAPS: e->ev.swaps = v; break;
	case SCHEMA_ACCT_VERSION: e->ev.version = (uint8_t)v; break;
	case SCHEMA_SEQ: e->ctx.seq = v; break;
	case SCHEMA_SCHEMA: e->schema = (unsigned)v; break;
	case SCHEMA_OFFSET: e->c.offset = v; e->c.has |= FMT_HAS_OFFSET; break;
	case SCHEMA_BYTES: e->c.bytes = v; e->c.has |= FMT_HAS_BYTES; break;
	case SCHEMA_RECORDS: e->c.records = v;
		e->c.has |= FMT_HAS_RECORDS; break;
	case SCHEMA_SEQ_FROM: e->c.seq_from = v; break;
	case SCHEMA_SEQ_TO: e->c.seq_to = v; break;
	case SCHEMA_FREE_PERCENT:
		e->c.free_percent = (unsigned)v;
		e->c.has |= FMT_HAS_FREE_PERCENT;
		break;
	default:
		break;
	}
	return rc ? -EINVAL : 0;
}

/* FNV-1a, 64 bits. */
static uint64_t
digest(const char *s, size_t len)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

int
entry_end(struct entry *e)
{
	if (!SEEN(e, SCHEMA_EVENT))
		return -EBADMSG;
	e->names_given = true;
	e->ctx.user = SEEN(e, SCHEMA_USER) ? e->user : NULL;
	e->ctx.group = SEEN(e, SCHEMA_GROUP) ? e->group : NULL;
	e->ctx.tty = SEEN(e, SCHEMA_TTY) ? e->tty : NULL;
	e->ctx.host = SEEN(e, SCHEMA_HOST) ? e->host : NULL;
	e->has_seq = SEEN(e, SCHEMA_STREAM) && SEEN(e, SCHEMA_SEQ);
	e->ctx.stream = e->has_seq ? e->stream : NULL;
	if (strcmp(e->event, FMT_PROCESS_END) == 0) {
		uint64_t start;

		if (!SEEN(e, SCHEMA_PROCESS_NAME) || !SEEN(e, SCHEMA_USER_ID) ||
		    !SEEN(e, SCHEMA_GROUP_ID) || !SEEN(e, SCHEMA_START_TIME))
			return -EBADMSG;
		e->is_record = true;
		e->ev.has_pid = SEEN(e, SCHEMA_PROCESS_ID);
		e->ev.ahz = 1000;
		e->ev.wait_status = (uint32_t)e->ev.exit_code << 8 |
		    e->ev.signal | (e->ev.core_dumped ? 0x80 : 0);
		start = (uint64_t)e->ev.start_time * 1000000;
		/* The end to the microsecond, when it is there. */
		if (SEEN(e, SCHEMA_END_TIME) && e->time_us >= start)
			e->ev.elapsed_ticks = (double)(e->time_us - start) /
			    1000.0;
		else
			e->time_us = start + (uint64_t)e->ev.elapsed_ticks *
			    1000;
	} else {
		for (int k = 0; k < FMT_CONTROL_COUNT; k++)
			if (strcmp(fmt_control_name(k), e->event) == 0)
				e->control = k;
		if (e->control < 0)
			return -EBADMSG;
		e->c.kind = (enum fmt_control_kind)e->control;
		e->c.priority = 6;
		e->c.message = SEEN(e, SCHEMA_MESSAGE) ? e->message : NULL;
		e->c.file = SEEN(e, SCHEMA_FILE) ? e->file : NULL;
		e->c.new_file = SEEN(e, SCHEMA_NEW_FILE) ? e->new_file : NULL;
		if (SEEN(e, SCHEMA_SEQ_FROM) && SEEN(e, SCHEMA_SEQ_TO))
			e->c.has |= FMT_HAS_SEQ_RANGE;
	}
	return 0;
}

uint64_t
entry_digest(const struct entry *e)
{
	char line[FMT_READ_MAX];

	if (e->digest != 0)
		return e->digest;
	return digest(line, entry_kv(e, line, sizeof(line)));
}

size_t
entry_kv(const struct entry *e, char *dst, size_t size)
{
	size_t n = 0;

	/* FMT_TOO_LONG (dst too small for what the entry holds) gives "". */
	if (e->is_record)
		(void)fmt_kv(dst, size, &e->ev, &e->ctx, &n);
	else if (e->control >= 0)
		(void)fmt_control_kv(dst, size, &e->c, &e->ctx, &n);
	else if (size > 0)
		*dst = '\0';
	return n;
}
