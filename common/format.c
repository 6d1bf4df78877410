/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format.c: the output hot path.  No stdio, no allocation: numbers, times
 * and escapes are written straight into the caller's buffer.
 *
 * The kv line and the journal fields come from one walk over the schema
 * (emit_fields), so their names, order and presence cannot drift apart;
 * JSON nests the same values under ECS names.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "escape.h"
#include "format.h"
#include "timefmt.h"

/* Schema fields, in message order; journal names are ACCT_ + upper case. */
enum field {
	F_EVENT, F_PROCESS_NAME, F_PROCESS_ID, F_PARENT_PROCESS_ID, F_USER,
	F_USER_ID, F_GROUP, F_GROUP_ID, F_TTY, F_EXIT_CODE, F_SIGNAL,
	F_CORE_DUMPED, F_FLAGS, F_START_TIME, F_END_TIME, F_ELAPSED,
	F_CPU_USER, F_CPU_SYS, F_MEM_KIB, F_MINFLT, F_MAJFLT, F_IO_CHARS,
	F_IO_BLOCKS, F_SWAPS, F_ACCT_VERSION, F_HOST, F_STREAM, F_SEQ,
	F_EVENT_ID, F_SCHEMA,
	/* Control events only. */
	F_MESSAGE, F_FILE, F_NEW_FILE, F_OFFSET, F_BYTES, F_RECORDS,
	F_SEQ_FROM, F_SEQ_TO, F_FREE_PERCENT, F_TIME,
	F_COUNT,
};

static const struct {
	const char	*kv;
	const char	*journal;
} field_names[F_COUNT] = {
#define FIELD(id, kv, journal) [id] = { kv, journal }
	FIELD(F_EVENT, "event", "ACCT_EVENT="),
	FIELD(F_PROCESS_NAME, "process_name", "ACCT_PROCESS_NAME="),
	FIELD(F_PROCESS_ID, "process_id", "ACCT_PROCESS_ID="),
	FIELD(F_PARENT_PROCESS_ID, "parent_process_id",
	    "ACCT_PARENT_PROCESS_ID="),
	FIELD(F_USER, "user", "ACCT_USER="),
	FIELD(F_USER_ID, "user_id", "ACCT_USER_ID="),
	FIELD(F_GROUP, "group", "ACCT_GROUP="),
	FIELD(F_GROUP_ID, "group_id", "ACCT_GROUP_ID="),
	FIELD(F_TTY, "tty", "ACCT_TTY="),
	FIELD(F_EXIT_CODE, "exit_code", "ACCT_EXIT_CODE="),
	FIELD(F_SIGNAL, "signal", "ACCT_SIGNAL="),
	FIELD(F_CORE_DUMPED, "core_dumped", "ACCT_CORE_DUMPED="),
	FIELD(F_FLAGS, "flags", "ACCT_FLAGS="),
	FIELD(F_START_TIME, "start_time", "ACCT_START_TIME="),
	FIELD(F_END_TIME, "end_time", "ACCT_END_TIME="),
	FIELD(F_ELAPSED, "elapsed", "ACCT_ELAPSED="),
	FIELD(F_CPU_USER, "cpu_user", "ACCT_CPU_USER="),
	FIELD(F_CPU_SYS, "cpu_sys", "ACCT_CPU_SYS="),
	FIELD(F_MEM_KIB, "mem_kib", "ACCT_MEM_KIB="),
	FIELD(F_MINFLT, "minflt", "ACCT_MINFLT="),
	FIELD(F_MAJFLT, "majflt", "ACCT_MAJFLT="),
	FIELD(F_IO_CHARS, "io_chars", "ACCT_IO_CHARS="),
	FIELD(F_IO_BLOCKS, "io_blocks", "ACCT_IO_BLOCKS="),
	FIELD(F_SWAPS, "swaps", "ACCT_SWAPS="),
	FIELD(F_ACCT_VERSION, "acct_version", "ACCT_ACCT_VERSION="),
	FIELD(F_HOST, "host", "ACCT_HOST="),
	FIELD(F_STREAM, "stream", "ACCT_STREAM="),
	FIELD(F_SEQ, "seq", "ACCT_SEQ="),
	FIELD(F_EVENT_ID, "event_id", "ACCT_EVENT_ID="),
	FIELD(F_SCHEMA, "schema", "ACCT_SCHEMA="),
	FIELD(F_MESSAGE, "message", "ACCT_MESSAGE="),
	FIELD(F_FILE, "file", "ACCT_FILE="),
	FIELD(F_NEW_FILE, "new_file", "ACCT_NEW_FILE="),
	FIELD(F_OFFSET, "offset", "ACCT_OFFSET="),
	FIELD(F_BYTES, "bytes", "ACCT_BYTES="),
	FIELD(F_RECORDS, "records", "ACCT_RECORDS="),
	FIELD(F_SEQ_FROM, "seq_from", "ACCT_SEQ_FROM="),
	FIELD(F_SEQ_TO, "seq_to", "ACCT_SEQ_TO="),
	FIELD(F_FREE_PERCENT, "free_percent", "ACCT_FREE_PERCENT="),
	FIELD(F_TIME, "time", "ACCT_TIME="),
#undef FIELD
};

#define U64_DIGITS	20

/* A bounded output cursor: a kv line into one buffer, or journal fields,
 * each an iovec into the same buffer. */
struct out {
	char		*p, *end;
	char		*field_start;
	bool		journal;
	bool		first;
	struct fmt_journal *j;
};

static char *
put_u64(char *d, uint64_t v)
{
	char tmp[U64_DIGITS];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n > 0)
		*d++ = tmp[--n];
	return d;
}

/* Seconds with three decimals, rounded to the millisecond. */
static char *
put_seconds(char *d, uint64_t us)
{
	uint64_t ms = (us + 500) / 1000;
	unsigned frac = (unsigned)(ms % 1000);

	d = put_u64(d, ms / 1000);
	*d++ = '.';
	*d++ = (char)('0' + frac / 100);
	*d++ = (char)('0' + frac / 10 % 10);
	*d++ = (char)('0' + frac % 10);
	return d;
}

static char *
put_str(char *d, const char *s, size_t len)
{
	memcpy(d, s, len);
	return d + len;
}

size_t
fmt_flags(char *dst, size_t size, uint8_t flags)
{
	static const struct {
		uint8_t		bit;
		const char	*name;
	} names[] = {
		{ ACCT_FLAG_FORK, "fork" },
		{ ACCT_FLAG_SU, "su" },
		{ ACCT_FLAG_CORE, "core" },
		{ ACCT_FLAG_XSIG, "xsig" },
	};
	size_t len = 0;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].name);

		if (!(flags & names[i].bit))
			continue;
		if (len + (len > 0) + n + 1 > size)
			break;
		if (len > 0)
			dst[len++] = ',';
		memcpy(dst + len, names[i].name, n);
		len += n;
	}
	dst[len] = '\0';
	return len;
}

/* Start field f with room for value_max bytes of value; false (and the
 * field left out) when there is none: the size analysis in format.h says
 * this cannot happen. */
static bool
field_begin(struct out *o, enum field f, size_t value_max)
{
	const char *name = o->journal ? field_names[f].journal :
	    field_names[f].kv;
	size_t n = strlen(name);

	if ((size_t)(o->end - o->p) < n + value_max + 4 ||
	    (o->journal && o->j->count >= FMT_JOURNAL_FIELDS))
		return false;
	o->field_start = o->p;
	if (!o->journal) {
		if (!o->first)
			*o->p++ = ' ';
		o->first = false;
	}
	o->p = put_str(o->p, name, n);
	if (!o->journal)
		*o->p++ = '=';
	return true;
}

static void
field_end(struct out *o)
{
	if (o->journal)
		o->j->iov[o->j->count++] = (struct iovec){ o->field_start,
		    (size_t)(o->p - o->field_start) };
}

static void
out_u64(struct out *o, enum field f, uint64_t v)
{
	if (!field_begin(o, f, U64_DIGITS))
		return;
	o->p = put_u64(o->p, v);
	field_end(o);
}

static void
out_seconds(struct out *o, enum field f, uint64_t us)
{
	if (!field_begin(o, f, U64_DIGITS + 4))
		return;
	o->p = put_seconds(o->p, us);
	field_end(o);
}

/* A string: quoted and escaped in kv, escaped in the journal. */
static void
out_bytes(struct out *o, enum field f, const void *s, size_t len)
{
	if (!field_begin(o, f, ESC_MAX(len) + 2))
		return;
	if (o->journal)
		o->p += esc_escape(o->p, s, len, 0);
	else {
		*o->p++ = '"';
		o->p += esc_escape(o->p, s, len, ESC_QUOTED);
		*o->p++ = '"';
	}
	field_end(o);
}

static void
out_text(struct out *o, enum field f, const char *s)
{
	out_bytes(o, f, s, strlen(s));
}

static void
out_time(struct out *o, enum field f, uint64_t us)
{
	/* Digits and punctuation only: nothing to escape. */
	if (!field_begin(o, f, TIMEFMT_RFC3339_LEN + 2))
		return;
	if (!o->journal)
		*o->p++ = '"';
	o->p += timefmt_rfc3339(o->p, us);
	if (!o->journal)
		*o->p++ = '"';
	field_end(o);
}

const char *
fmt_user(const struct fmt_context *ctx, uint32_t uid)
{
	if (ctx->names_given)
		return ctx->user;
	return ctx->names ? names_user(ctx->names, uid) : NULL;
}

const char *
fmt_group(const struct fmt_context *ctx, uint32_t gid)
{
	if (ctx->names_given)
		return ctx->group;
	return ctx->names ? names_group(ctx->names, gid) : NULL;
}

const char *
fmt_tty(const struct fmt_context *ctx, uint32_t tty)
{
	if (ctx->names_given)
		return ctx->tty;
	return ctx->names ? names_tty(ctx->names, tty) : NULL;
}

/* "stream:seq" into dst (room for 32 + 1 + 20 + 1); returns its length. */
static size_t
event_id(char *dst, const struct fmt_context *ctx)
{
	size_t n = strnlen(ctx->stream, NAMES_MAX);

	memcpy(dst, ctx->stream, n);
	dst[n++] = ':';
	return (size_t)(put_u64(dst + n, ctx->seq) - dst);
}

/* Walk the schema for one record: the single source of field order. */
static void
emit_fields(struct out *o, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	const char *name;
	char flags[32], id[NAMES_MAX + U64_DIGITS + 2];
	uint64_t elapsed = acct_elapsed_us(ev);
	uint64_t start = (uint64_t)ev->start_time * 1000000;

	out_text(o, F_EVENT, "process_end");
	out_bytes(o, F_PROCESS_NAME, ev->comm, ev->comm_len);
	if (ev->has_pid) {
		out_u64(o, F_PROCESS_ID, ev->pid);
		out_u64(o, F_PARENT_PROCESS_ID, ev->ppid);
	}
	if ((name = fmt_user(ctx, ev->uid)) != NULL)
		out_text(o, F_USER, name);
	out_u64(o, F_USER_ID, ev->uid);
	if ((name = fmt_group(ctx, ev->gid)) != NULL)
		out_text(o, F_GROUP, name);
	out_u64(o, F_GROUP_ID, ev->gid);
	if ((name = fmt_tty(ctx, ev->tty)) != NULL)
		out_text(o, F_TTY, name);
	out_u64(o, F_EXIT_CODE, ev->exit_code);
	out_u64(o, F_SIGNAL, ev->signal);
	out_u64(o, F_CORE_DUMPED, ev->core_dumped);
	fmt_flags(flags, sizeof(flags), ev->flags);
	out_text(o, F_FLAGS, flags);
	out_time(o, F_START_TIME, start);
	out_time(o, F_END_TIME, start + elapsed);
	out_seconds(o, F_ELAPSED, elapsed);
	out_seconds(o, F_CPU_USER, acct_ticks_to_us(ev, ev->user_ticks));
	out_seconds(o, F_CPU_SYS, acct_ticks_to_us(ev, ev->sys_ticks));
	out_u64(o, F_MEM_KIB, ev->mem_kib);
	out_u64(o, F_MINFLT, ev->minflt);
	out_u64(o, F_MAJFLT, ev->majflt);
	out_u64(o, F_IO_CHARS, ev->io_chars);
	out_u64(o, F_IO_BLOCKS, ev->io_blocks);
	out_u64(o, F_SWAPS, ev->swaps);
	out_u64(o, F_ACCT_VERSION, ev->version);
	if (ctx->host)
		out_text(o, F_HOST, ctx->host);
	if (ctx->stream) {
		out_text(o, F_STREAM, ctx->stream);
		out_u64(o, F_SEQ, ctx->seq);
		out_bytes(o, F_EVENT_ID, id, event_id(id, ctx));
	}
	out_u64(o, F_SCHEMA, FMT_SCHEMA_VERSION);
}

size_t
fmt_kv(char *dst, size_t size, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	struct out o = { .p = dst, .end = dst + size - 1, .first = true };

	emit_fields(&o, ev, ctx);
	*o.p = '\0';
	return (size_t)(o.p - dst);
}

void
fmt_journal(struct fmt_journal *j, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	static const char *const fixed[] = {
		("MESSAGE_ID=" FMT_MESSAGE_ID_PROCESS_END),
		"PRIORITY=6",
		"SYSLOG_IDENTIFIER=acct2syslog",
	};
	struct out o = { .journal = true, .j = j };
	char *message = j->buf;

	/* MESSAGE is the kv line. */
	memcpy(message, "MESSAGE=", 8);
	j->count = 0;
	j->iov[j->count++] = (struct iovec){ message, 8 + fmt_kv(message + 8,
	    FMT_LINE_MAX, ev, ctx) };
	o.p = message + j->iov[0].iov_len;
	o.end = j->buf + sizeof(j->buf);
	emit_fields(&o, ev, ctx);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		j->iov[j->count++] = (struct iovec){ (char *)fixed[i],
		    strlen(fixed[i]) };
}

/* JSON: a time as a quoted string (nothing in it needs escaping). */
static char *
json_time(char *d, const char t[TIMEFMT_RFC3339_LEN])
{
	*d++ = '"';
	memcpy(d, t, TIMEFMT_RFC3339_LEN);
	d += TIMEFMT_RFC3339_LEN;
	*d++ = '"';
	return d;
}

/* JSON: a quoted, escaped string value. */
static char *
json_str(char *d, const void *s, size_t len)
{
	*d++ = '"';
	d += esc_escape(d, s, len, ESC_QUOTED);
	*d++ = '"';
	return d;
}

#define LIT(d, s)	put_str((d), (s), sizeof(s) - 1)

/* JSON: {"id":"N","name":"..."}, ECS style (the id a string, the name
 * left out when there is none). */
static char *
json_id_name(char *d, uint32_t id, const char *name)
{
	d = LIT(d, "{\"id\":\"");
	d = put_u64(d, id);
	*d++ = '"';
	if (name) {
		d = LIT(d, ",\"name\":");
		d = json_str(d, name, strlen(name));
	}
	*d++ = '}';
	return d;
}

size_t
fmt_json(char *dst, size_t size, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	char t_start[TIMEFMT_RFC3339_LEN], t_end[TIMEFMT_RFC3339_LEN];
	char flags[32], id[NAMES_MAX + U64_DIGITS + 2];
	uint64_t elapsed = acct_elapsed_us(ev);
	uint64_t start = (uint64_t)ev->start_time * 1000000;
	const char *user = NULL, *group = NULL, *tty = NULL;
	char *d = dst;

	if (size < FMT_JSON_MAX) {
		if (size > 0)
			*dst = '\0';
		return 0;
	}
	user = fmt_user(ctx, ev->uid);
	group = fmt_group(ctx, ev->gid);
	tty = fmt_tty(ctx, ev->tty);
	timefmt_rfc3339(t_start, start);
	timefmt_rfc3339(t_end, start + elapsed);

	d = LIT(d, "{\"@timestamp\":");
	d = json_time(d, t_end);
	d = LIT(d, ",\"event\":{\"kind\":\"event\",\"category\":[\"process\"],"
	    "\"type\":[\"end\"],\"action\":\"process_end\"");
	if (ctx->stream) {
		d = LIT(d, ",\"id\":");
		d = json_str(d, id, event_id(id, ctx));
	}
	d = LIT(d, ",\"start\":");
	d = json_time(d, t_start);
	d = LIT(d, ",\"end\":");
	d = json_time(d, t_end);
	d = LIT(d, ",\"duration\":");
	d = put_u64(d, elapsed * 1000);
	d = LIT(d, "},\"process\":{\"name\":");
	d = json_str(d, ev->comm, ev->comm_len);
	if (ev->has_pid) {
		d = LIT(d, ",\"pid\":");
		d = put_u64(d, ev->pid);
		d = LIT(d, ",\"parent\":{\"pid\":");
		d = put_u64(d, ev->ppid);
		*d++ = '}';
	}
	d = LIT(d, ",\"exit_code\":");
	d = put_u64(d, ev->exit_code);
	d = LIT(d, "},\"user\":");
	d = json_id_name(d, ev->uid, user);
	d = LIT(d, ",\"group\":");
	d = json_id_name(d, ev->gid, group);
	if (ctx->host) {
		d = LIT(d, ",\"host\":{\"name\":");
		d = json_str(d, ctx->host, strnlen(ctx->host, NAMES_MAX));
		*d++ = '}';
	}
	d = LIT(d, ",\"acct\":{");
	if (tty) {
		d = LIT(d, "\"tty\":");
		d = json_str(d, tty, strlen(tty));
		*d++ = ',';
	}
	d = LIT(d, "\"signal\":");
	d = put_u64(d, ev->signal);
	d = ev->core_dumped ? LIT(d, ",\"core_dumped\":true") :
	    LIT(d, ",\"core_dumped\":false");
	d = LIT(d, ",\"flags\":");
	d = json_str(d, flags, fmt_flags(flags, sizeof(flags), ev->flags));
	d = LIT(d, ",\"elapsed\":");
	d = put_seconds(d, elapsed);
	d = LIT(d, ",\"cpu_user\":");
	d = put_seconds(d, acct_ticks_to_us(ev, ev->user_ticks));
	d = LIT(d, ",\"cpu_sys\":");
	d = put_seconds(d, acct_ticks_to_us(ev, ev->sys_ticks));
	d = LIT(d, ",\"mem_kib\":");
	d = put_u64(d, ev->mem_kib);
	d = LIT(d, ",\"minflt\":");
	d = put_u64(d, ev->minflt);
	d = LIT(d, ",\"majflt\":");
	d = put_u64(d, ev->majflt);
	d = LIT(d, ",\"io_chars\":");
	d = put_u64(d, ev->io_chars);
	d = LIT(d, ",\"io_blocks\":");
	d = put_u64(d, ev->io_blocks);
	d = LIT(d, ",\"swaps\":");
	d = put_u64(d, ev->swaps);
	d = LIT(d, ",\"acct_version\":");
	d = put_u64(d, ev->version);
	if (ctx->stream) {
		d = LIT(d, ",\"stream\":");
		d = json_str(d, ctx->stream, strnlen(ctx->stream, NAMES_MAX));
		d = LIT(d, ",\"seq\":");
		d = put_u64(d, ctx->seq);
	}
	d = LIT(d, ",\"schema\":");
	d = put_u64(d, FMT_SCHEMA_VERSION);
	d = LIT(d, "}}");
	*d = '\0';
	return (size_t)(d - dst);
}

/*
 * Control events.
 */

static const struct {
	const char	*name;
	const char	*message_id;
} controls[FMT_CONTROL_COUNT] = {
	[FMT_FORWARDER_START] = { "forwarder_start",
	    "c18fb4667ed04a808f448a37b17295ed" },
	[FMT_FORWARDER_STOP] = { "forwarder_stop",
	    "ddc3c763668548289fd941837e73723d" },
	[FMT_ROTATION] = { "rotation", "1b429b0898e244b9b8508bc778546f94" },
	[FMT_TRUNCATED] = { "truncated", "1db1da32b29b42d58ae64f816b144835" },
	[FMT_CORRUPT_DATA] = { "corrupt_data",
	    "ae65577c826f4d5dba805b5ed9ba224a" },
	[FMT_GAP] = { "gap", "9a10eeaa793647e9b1bee5b4b42cf3b9" },
	[FMT_ACCOUNTING_PAUSED] = { "accounting_paused",
	    "7cae7c2984994e05910e6d2532464be8" },
	[FMT_ACCOUNTING_RESUMED] = { "accounting_resumed",
	    "a6cd1d1278604c639d896f2c0d47e4a0" },
	[FMT_ACCOUNTING_OFF] = { "accounting_off",
	    "22f9d62077b243a6862c979b2bf49b80" },
	[FMT_HEARTBEAT] = { "heartbeat", "4e6ecbd5e89e47c797c7db2ccb05037c" },
};

/* Strings of control events are cut to this many bytes (before escaping),
 * so that a line stays under FMT_LINE_MAX whatever they hold. */
#define CONTROL_TEXT_MAX	128

const char *
fmt_control_name(enum fmt_control_kind kind)
{
	return (unsigned)kind < FMT_CONTROL_COUNT ? controls[kind].name : NULL;
}

const char *
fmt_control_message_id(enum fmt_control_kind kind)
{
	return (unsigned)kind < FMT_CONTROL_COUNT ?
	    controls[kind].message_id : NULL;
}

static size_t
control_text_len(const char *s)
{
	return strnlen(s, CONTROL_TEXT_MAX);
}

/* A control event's string: left out only when its escaped form (not the
 * worst case, as out_bytes() reckons) does not fit. */
static void
out_control_text(struct out *o, enum field f, const char *s)
{
	char tmp[ESC_MAX(CONTROL_TEXT_MAX)];
	size_t n = esc_escape(tmp, s, control_text_len(s),
	    o->journal ? 0 : ESC_QUOTED);

	if (!field_begin(o, f, n + 2))
		return;
	if (!o->journal)
		*o->p++ = '"';
	o->p = put_str(o->p, tmp, n);
	if (!o->journal)
		*o->p++ = '"';
	field_end(o);
}

/* Walk the schema for one control event (see format.h for the order). */
static void
emit_control_fields(struct out *o, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	char id[NAMES_MAX + U64_DIGITS + 2];
	const char *name = fmt_control_name(c->kind);

	out_text(o, F_EVENT, name ? name : "unknown");
	if (c->message)
		out_control_text(o, F_MESSAGE, c->message);
	if (c->file)
		out_control_text(o, F_FILE, c->file);
	if (c->new_file)
		out_control_text(o, F_NEW_FILE, c->new_file);
	if (c->has & FMT_HAS_OFFSET)
		out_u64(o, F_OFFSET, c->offset);
	if (c->has & FMT_HAS_BYTES)
		out_u64(o, F_BYTES, c->bytes);
	if (c->has & FMT_HAS_RECORDS)
		out_u64(o, F_RECORDS, c->records);
	if (c->has & FMT_HAS_SEQ_RANGE) {
		out_u64(o, F_SEQ_FROM, c->seq_from);
		out_u64(o, F_SEQ_TO, c->seq_to);
	}
	if (c->has & FMT_HAS_FREE_PERCENT)
		out_u64(o, F_FREE_PERCENT, c->free_percent);
	out_time(o, F_TIME, c->time_us);
	if (ctx->host)
		out_text(o, F_HOST, ctx->host);
	if (ctx->stream) {
		out_text(o, F_STREAM, ctx->stream);
		out_u64(o, F_SEQ, ctx->seq);
		out_bytes(o, F_EVENT_ID, id, event_id(id, ctx));
	}
	out_u64(o, F_SCHEMA, FMT_SCHEMA_VERSION);
}

size_t
fmt_control_kv(char *dst, size_t size, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	struct out o = { .p = dst, .end = dst + size - 1, .first = true };

	emit_control_fields(&o, c, ctx);
	*o.p = '\0';
	return (size_t)(o.p - dst);
}

void
fmt_control_journal(struct fmt_journal *j, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	struct out o = { .journal = true, .j = j };
	const char *mid = fmt_control_message_id(c->kind);
	char *p;

	memcpy(j->buf, "MESSAGE=", 8);
	j->count = 0;
	j->iov[j->count++] = (struct iovec){ j->buf, 8 +
	    fmt_control_kv(j->buf + 8, FMT_LINE_MAX, c, ctx) };
	o.p = j->buf + j->iov[0].iov_len;
	o.end = j->buf + sizeof(j->buf) - 64;
	emit_control_fields(&o, c, ctx);
	/* MESSAGE_ID= (11) + 32, PRIORITY= (9) + 1: room kept above. */
	p = o.p;
	memcpy(p, "MESSAGE_ID=", 11);
	memcpy(p + 11, mid ? mid : "00000000000000000000000000000000", 32);
	j->iov[j->count++] = (struct iovec){ p, 43 };
	p += 43;
	memcpy(p, "PRIORITY=", 9);
	p[9] = (char)('0' + (c->priority >= 0 && c->priority <= 7 ?
	    c->priority : 6));
	j->iov[j->count++] = (struct iovec){ p, 10 };
	j->iov[j->count++] = (struct iovec){ (char *)"SYSLOG_IDENTIFIER="
	    "acct2syslog", 29 };
}

/* JSON: ,"key":N */
static char *
json_u64_member(char *d, const char *key, uint64_t v)
{
	*d++ = ',';
	*d++ = '"';
	d = put_str(d, key, strlen(key));
	*d++ = '"';
	*d++ = ':';
	return put_u64(d, v);
}

/* JSON: ,"key":"escaped text" (cut to CONTROL_TEXT_MAX) */
static char *
json_text_member(char *d, const char *key, const char *s)
{
	*d++ = ',';
	*d++ = '"';
	d = put_str(d, key, strlen(key));
	*d++ = '"';
	*d++ = ':';
	return json_str(d, s, control_text_len(s));
}

size_t
fmt_control_json(char *dst, size_t size, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	static const char *const levels[8] = { "emergency", "alert",
	    "critical", "error", "warning", "notice", "info", "debug" };
	char t[TIMEFMT_RFC3339_LEN], id[NAMES_MAX + U64_DIGITS + 2];
	const char *name = fmt_control_name(c->kind);
	char *d = dst;

	if (size < FMT_CONTROL_JSON_MAX) {
		if (size > 0)
			*dst = '\0';
		return 0;
	}
	timefmt_rfc3339(t, c->time_us);
	d = LIT(d, "{\"@timestamp\":");
	d = json_time(d, t);
	d = LIT(d, ",\"event\":{\"kind\":\"event\",\"category\":[\"process\"],"
	    "\"type\":[\"info\"],\"action\":");
	d = json_str(d, name ? name : "unknown", strlen(name ? name :
	    "unknown"));
	if (ctx->stream) {
		d = LIT(d, ",\"id\":");
		d = json_str(d, id, event_id(id, ctx));
	}
	d = LIT(d, "},\"log\":{\"level\":");
	name = levels[c->priority >= 0 && c->priority <= 7 ? c->priority : 6];
	d = json_str(d, name, strlen(name));
	*d++ = '}';
	if (c->message)
		d = json_text_member(d, "message", c->message);
	if (ctx->host) {
		d = LIT(d, ",\"host\":{\"name\":");
		d = json_str(d, ctx->host, strnlen(ctx->host, NAMES_MAX));
		*d++ = '}';
	}
	d = LIT(d, ",\"acct\":{\"event\":");
	name = fmt_control_name(c->kind);
	d = json_str(d, name ? name : "unknown", strlen(name ? name :
	    "unknown"));
	if (c->file)
		d = json_text_member(d, "file", c->file);
	if (c->new_file)
		d = json_text_member(d, "new_file", c->new_file);
	if (c->has & FMT_HAS_OFFSET)
		d = json_u64_member(d, "offset", c->offset);
	if (c->has & FMT_HAS_BYTES)
		d = json_u64_member(d, "bytes", c->bytes);
	if (c->has & FMT_HAS_RECORDS)
		d = json_u64_member(d, "records", c->records);
	if (c->has & FMT_HAS_SEQ_RANGE) {
		d = json_u64_member(d, "seq_from", c->seq_from);
		d = json_u64_member(d, "seq_to", c->seq_to);
	}
	if (c->has & FMT_HAS_FREE_PERCENT)
		d = json_u64_member(d, "free_percent", c->free_percent);
	if (ctx->stream) {
		d = LIT(d, ",\"stream\":");
		d = json_str(d, ctx->stream, strnlen(ctx->stream, NAMES_MAX));
		d = json_u64_member(d, "seq", ctx->seq);
	}
	d = json_u64_member(d, "schema", FMT_SCHEMA_VERSION);
	d = LIT(d, "}}");
	*d = '\0';
	return (size_t)(d - dst);
}
