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

static const char *const key_names[ENTRY_COUNT] = {
	"event", "process_name", "process_id", "parent_process_id", "user",
	"user_id", "group", "group_id", "tty", "exit_code", "signal",
	"core_dumped", "flags", "start_time", "end_time", "elapsed",
	"cpu_user", "cpu_sys", "mem_kib", "minflt", "majflt", "io_chars",
	"io_blocks", "swaps", "acct_version", "host", "stream", "seq",
	"event_id", "schema", "message", "file", "new_file", "offset",
	"bytes", "records", "seq_from", "seq_to", "free_percent", "time",
};

#define SEEN(e, k)	(((e)->seen >> (k)) & 1)

void
entry_begin(struct entry *e)
{
	memset(e, 0, sizeof(*e));
	e->control = -1;
}

static int
find_key(const char *key, size_t len)
{
	static uint8_t key_lengths[ENTRY_COUNT];

	if (key_lengths[0] == 0)
		for (int k = 0; k < ENTRY_COUNT; k++)
			key_lengths[k] = (uint8_t)strlen(key_names[k]);
	for (int k = 0; k < ENTRY_COUNT; k++)
		if (key_lengths[k] == len && key_names[k][0] == key[0] &&
		    memcmp(key_names[k], key, len) == 0)
			return k;
	return -1;
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

static int
set_flags(struct entry *e, const char *s, size_t len)
{
	static const struct {
		const char	*name;
		uint8_t		bit;
	} names[] = {
		{ "fork", ACCT_FLAG_FORK }, { "su", ACCT_FLAG_SU },
		{ "core", ACCT_FLAG_CORE }, { "xsig", ACCT_FLAG_XSIG },
	};
	size_t i = 0;

	e->ev.flags = 0;
	while (i < len) {
		size_t j = i, k;

		while (j < len && s[j] != ',')
			j++;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == j - i &&
			    memcmp(names[k].name, s + i, j - i) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return -EINVAL;
		e->ev.flags |= names[k].bit;
		i = j + 1;
	}
	return 0;
}

int
entry_set(struct entry *e, const char *key, size_t key_len,
    const char *value, size_t len)
{
	int k = find_key(key, key_len);

	if (k < 0)
		return 0;		/* a field of a newer schema */
	return entry_set_field(e, (enum entry_field)k, value, len);
}

int
entry_set_field(struct entry *e, enum entry_field k, const char *value,
    size_t len)
{
	uint64_t v = 0;
	size_t n;
	int rc = 0;

	if ((unsigned)k >= ENTRY_COUNT)
		return -EINVAL;
	switch (k) {
	case ENTRY_EVENT:
		rc = set_text(e->event, sizeof(e->event), value, len, NULL);
		break;
	case ENTRY_PROCESS_NAME:
		if ((rc = set_text(e->ev.comm, sizeof(e->ev.comm), value, len,
		    &n)) == 0)
			e->ev.comm_len = (uint8_t)n;
		break;
	case ENTRY_USER:
		rc = set_text(e->user, sizeof(e->user), value, len, NULL);
		break;
	case ENTRY_GROUP:
		rc = set_text(e->group, sizeof(e->group), value, len, NULL);
		break;
	case ENTRY_TTY:
		rc = set_text(e->tty, sizeof(e->tty), value, len, NULL);
		break;
	case ENTRY_HOST:
		rc = set_text(e->host, sizeof(e->host), value, len, NULL);
		break;
	case ENTRY_STREAM:
		rc = set_text(e->stream, sizeof(e->stream), value, len, NULL);
		break;
	case ENTRY_MESSAGE:
		rc = set_text(e->message, sizeof(e->message), value, len, NULL);
		break;
	case ENTRY_FILE:
		rc = set_text(e->file, sizeof(e->file), value, len, NULL);
		break;
	case ENTRY_NEW_FILE:
		rc = set_text(e->new_file, sizeof(e->new_file), value, len,
		    NULL);
		break;
	case ENTRY_FLAGS:
		rc = set_flags(e, value, len);
		break;
	case ENTRY_EVENT_ID:
		break;			/* stream:seq, derived */
	case ENTRY_START_TIME:
	case ENTRY_END_TIME:
	case ENTRY_TIME:
		rc = parse_time(value, len, &v);
		break;
	case ENTRY_ELAPSED:
	case ENTRY_CPU_USER:
	case ENTRY_CPU_SYS:
		rc = parse_ms(value, len, &v);
		break;
	default:
		rc = parse_u64(value, len, &v);
		break;
	}
	if (rc < 0)
		return -EINVAL;
	e->seen |= UINT64_C(1) << k;
	switch (k) {
	case ENTRY_PROCESS_ID: e->ev.pid = (uint32_t)v;
		rc = v > UINT32_MAX; break;
	case ENTRY_PARENT_PROCESS_ID: e->ev.ppid = (uint32_t)v;
		rc = v > UINT32_MAX; break;
	case ENTRY_USER_ID: e->ev.uid = (uint32_t)v; rc = v > UINT32_MAX; break;
	case ENTRY_GROUP_ID: e->ev.gid = (uint32_t)v;
		rc = v > UINT32_MAX; break;
	case ENTRY_EXIT_CODE: e->ev.exit_code = (uint8_t)v; rc = v > 255; break;
	case ENTRY_SIGNAL: e->ev.signal = (uint8_t)v; rc = v > 127; break;
	case ENTRY_CORE_DUMPED: e->ev.core_dumped = v; rc = v > 1; break;
	case ENTRY_START_TIME:
		e->ev.start_time = (uint32_t)(v / 1000000);
		rc = v % 1000000 != 0 || v / 1000000 > UINT32_MAX;
		break;
	case ENTRY_END_TIME: e->time_us = v; break;
	case ENTRY_TIME: e->c.time_us = v; e->time_us = v; break;
	case ENTRY_ELAPSED: e->ev.elapsed_ticks = (double)v; break;
	case ENTRY_CPU_USER: e->ev.user_ticks = v; break;
	case ENTRY_CPU_SYS: e->ev.sys_ticks = v; break;
	case ENTRY_MEM_KIB: e->ev.mem_kib = v; break;
	case ENTRY_MINFLT: e->ev.minflt = v; break;
	case ENTRY_MAJFLT: e->ev.majflt = v; break;
	case ENTRY_IO_CHARS: e->ev.io_chars = v; break;
	case ENTRY_IO_BLOCKS: e->ev.io_blocks = v; break;
	case ENTRY_SWAPS: e->ev.swaps = v; break;
	case ENTRY_ACCT_VERSION: e->ev.version = (uint8_t)v; rc = v > 3; break;
	case ENTRY_SEQ: e->ctx.seq = v; break;
	case ENTRY_SCHEMA: e->schema = (unsigned)v; rc = v > 0xffff; break;
	case ENTRY_OFFSET: e->c.offset = v; e->c.has |= FMT_HAS_OFFSET; break;
	case ENTRY_BYTES: e->c.bytes = v; e->c.has |= FMT_HAS_BYTES; break;
	case ENTRY_RECORDS: e->c.records = v;
		e->c.has |= FMT_HAS_RECORDS; break;
	case ENTRY_SEQ_FROM: e->c.seq_from = v; break;
	case ENTRY_SEQ_TO: e->c.seq_to = v; break;
	case ENTRY_FREE_PERCENT:
		e->c.free_percent = (unsigned)v;
		e->c.has |= FMT_HAS_FREE_PERCENT;
		rc = v > 100;
		break;
	default:
		rc = 0;
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
	if (!SEEN(e, ENTRY_EVENT))
		return -EBADMSG;
	e->ctx.names_given = true;
	e->ctx.user = SEEN(e, ENTRY_USER) ? e->user : NULL;
	e->ctx.group = SEEN(e, ENTRY_GROUP) ? e->group : NULL;
	e->ctx.tty = SEEN(e, ENTRY_TTY) ? e->tty : NULL;
	e->ctx.host = SEEN(e, ENTRY_HOST) ? e->host : NULL;
	e->has_seq = SEEN(e, ENTRY_STREAM) && SEEN(e, ENTRY_SEQ);
	e->ctx.stream = e->has_seq ? e->stream : NULL;
	if (strcmp(e->event, "process_end") == 0) {
		uint64_t start;

		if (!SEEN(e, ENTRY_PROCESS_NAME) || !SEEN(e, ENTRY_USER_ID) ||
		    !SEEN(e, ENTRY_GROUP_ID) || !SEEN(e, ENTRY_START_TIME))
			return -EBADMSG;
		e->is_record = true;
		e->ev.has_pid = SEEN(e, ENTRY_PROCESS_ID);
		e->ev.ahz = 1000;
		e->ev.wait_status = (uint32_t)e->ev.exit_code << 8 |
		    e->ev.signal | (e->ev.core_dumped ? 0x80 : 0);
		start = (uint64_t)e->ev.start_time * 1000000;
		/* The end to the microsecond, when it is there. */
		if (SEEN(e, ENTRY_END_TIME) && e->time_us >= start)
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
		e->c.message = SEEN(e, ENTRY_MESSAGE) ? e->message : NULL;
		e->c.file = SEEN(e, ENTRY_FILE) ? e->file : NULL;
		e->c.new_file = SEEN(e, ENTRY_NEW_FILE) ? e->new_file : NULL;
		if (SEEN(e, ENTRY_SEQ_FROM) && SEEN(e, ENTRY_SEQ_TO))
			e->c.has |= FMT_HAS_SEQ_RANGE;
	}
	return 0;
}

uint64_t
entry_digest(const struct entry *e)
{
	char line[FMT_LINE_MAX];

	if (e->digest != 0)
		return e->digest;
	return digest(line, entry_kv(e, line, sizeof(line)));
}

size_t
entry_kv(const struct entry *e, char *dst, size_t size)
{
	if (e->is_record)
		return fmt_kv(dst, size, &e->ev, &e->ctx);
	if (e->control >= 0)
		return fmt_control_kv(dst, size, &e->c, &e->ctx);
	if (size > 0)
		*dst = '\0';
	return 0;
}
