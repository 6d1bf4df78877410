/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format.c: the output hot path.  No stdio, no allocation: numbers, times
 * and escapes are written through the bounded writer of schema.h straight
 * into the caller's buffer.
 *
 * A message is first gathered into struct values (which field is there,
 * and its number or string: the one place that knows where each value
 * lives), then written by one walk per encoding over the table of
 * schema.h (kv and journal in row order, JSON in the order of
 * SCHEMA_JSON_RECORD or SCHEMA_JSON_CONTROL), so names, order and presence
 * cannot drift apart.  The walks are the X-macros expanded: each field's
 * type, object and name lengths are constants the compiler specialises,
 * as fast as the hand-written code they replace.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "escape.h"
#include "format.h"
#include "macro.h"
#include "timefmt.h"

/* The size promise of format.h, from the table. */
#define KV_LINE_ROOM	(FMT_LINE_MAX - 2)	/* newline and NUL */

/* One message's values, by field. */
struct values {
	uint64_t	present;		/* bit per field */
	unsigned	messages;	/* SCHEMA_IN_RECORD or _CONTROL */
	uint64_t	num[SCHEMA_FIELD_COUNT];
	const char	*str[SCHEMA_FIELD_COUNT];
	size_t		len[SCHEMA_FIELD_COUNT];
	char		flags[SCHEMA_FLAGS_MAX + 1];
	char		times[2][TIMEFMT_RFC3339_LEN];	/* each once */
};

#define HAS(v, f)	(((v)->present >> (f)) & 1)

static inline void
set_num(struct values *v, enum schema_field f, uint64_t n)
{
	v->present |= UINT64_C(1) << f;
	v->num[f] = n;
}

static inline void
set_str(struct values *v, enum schema_field f, const char *s, size_t len)
{
	v->present |= UINT64_C(1) << f;
	v->str[f] = s;
	v->len[f] = len;
}

static inline void
set_text(struct values *v, enum schema_field f, const char *s)
{
	if (s != NULL)
		set_str(v, f, s, strlen(s));
}

size_t
fmt_flags(char *dst, size_t size, uint8_t flags)
{
	struct writer w;

	if (size == 0)
		return 0;
	w = writer_init(dst, size - 1);
	for (size_t i = 0; i < SCHEMA_FLAG_COUNT; i++) {
		size_t n = strlen(schema_flags[i].name);

		if (!(flags & schema_flags[i].bit))
			continue;
		/* Whole names only, as before. */
		if (writer_room(&w) < n + (w.p > dst))
			break;
		if (w.p > dst)
			writer_char(&w, ',');
		writer_bytes(&w, schema_flags[i].name, n);
	}
	*w.p = '\0';
	return (size_t)(w.p - dst);
}

/* What the context gives every message: host, stream, seq, event_id. */
static void
gather_context(struct values *v, const struct fmt_context *ctx)
{
	set_num(v, SCHEMA_SCHEMA, FMT_SCHEMA_VERSION);
	set_text(v, SCHEMA_HOST, ctx->host);
	if (ctx->stream) {
		set_text(v, SCHEMA_STREAM, ctx->stream);
		set_num(v, SCHEMA_SEQ, ctx->seq);
		/* stream:seq, written from the two. */
		set_str(v, SCHEMA_EVENT_ID, ctx->stream, strlen(ctx->stream));
		v->num[SCHEMA_EVENT_ID] = ctx->seq;
	}
}

/* The values of a record. */
static void
gather_record(struct values *v, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	uint64_t elapsed = acct_elapsed_us(ev);
	uint64_t start = (uint64_t)ev->start_time * 1000000;

	v->present = 0;
	v->messages = SCHEMA_IN_RECORD;
	set_str(v, SCHEMA_EVENT, FMT_PROCESS_END,
	    sizeof(FMT_PROCESS_END) - 1);
	set_str(v, SCHEMA_PROCESS_NAME, ev->comm, ev->comm_len);
	if (ev->has_pid) {
		set_num(v, SCHEMA_PROCESS_ID, ev->pid);
		set_num(v, SCHEMA_PARENT_PROCESS_ID, ev->ppid);
	}
	set_text(v, SCHEMA_USER, ctx->user);
	set_num(v, SCHEMA_USER_ID, ev->uid);
	set_text(v, SCHEMA_GROUP, ctx->group);
	set_num(v, SCHEMA_GROUP_ID, ev->gid);
	set_text(v, SCHEMA_TTY, ctx->tty);
	set_num(v, SCHEMA_EXIT_CODE, ev->exit_code);
	set_num(v, SCHEMA_SIGNAL, ev->signal);
	set_num(v, SCHEMA_CORE_DUMPED, ev->core_dumped);
	set_str(v, SCHEMA_FLAGS, v->flags, fmt_flags(v->flags,
	    sizeof(v->flags), ev->flags));
	timefmt_rfc3339(v->times[0], start);
	timefmt_rfc3339(v->times[1], start + elapsed);
	set_str(v, SCHEMA_START_TIME, v->times[0], TIMEFMT_RFC3339_LEN);
	set_str(v, SCHEMA_END_TIME, v->times[1], TIMEFMT_RFC3339_LEN);
	set_num(v, SCHEMA_ELAPSED, elapsed);
	set_num(v, SCHEMA_CPU_USER, acct_ticks_to_us(ev, ev->user_ticks));
	set_num(v, SCHEMA_CPU_SYS, acct_ticks_to_us(ev, ev->sys_ticks));
	set_num(v, SCHEMA_MEM_KIB, ev->mem_kib);
	set_num(v, SCHEMA_MINFLT, ev->minflt);
	set_num(v, SCHEMA_MAJFLT, ev->majflt);
	set_num(v, SCHEMA_IO_CHARS, ev->io_chars);
	set_num(v, SCHEMA_IO_BLOCKS, ev->io_blocks);
	set_num(v, SCHEMA_SWAPS, ev->swaps);
	set_num(v, SCHEMA_ACCT_VERSION, ev->version);
	gather_context(v, ctx);
	/* JSON only. */
	set_str(v, SCHEMA_TIMESTAMP, v->times[1], TIMEFMT_RFC3339_LEN);
	set_num(v, SCHEMA_DURATION, elapsed * 1000);
}

#define ALWAYS_INLINE	static inline __attribute__((always_inline))

/* One value of field f (of type t, a constant where it is called) as kv
 * (quoted), journal (not quoted, no backslashes) or JSON text. */
enum form { KV, JOURNAL, JSON };

ALWAYS_INLINE void
put_value(struct writer *w, const struct values *v, enum schema_field f,
    enum schema_type t, enum form form)
{
	switch (t) {
	case SCHEMA_T_STRING:
		if (form != JOURNAL)
			writer_char(w, '"');
		writer_escaped(w, v->str[f], v->len[f],
		    form == JOURNAL ? 0 : ESC_QUOTED);
		if (f == SCHEMA_EVENT_ID) {
			writer_char(w, ':');
			writer_u64(w, v->num[f]);
		}
		if (form != JOURNAL)
			writer_char(w, '"');
		break;
	case SCHEMA_T_TIME:
		/* Digits and punctuation only: nothing to escape; formatted
		 * once by gather_*(). */
		if (form != JOURNAL)
			writer_char(w, '"');
		writer_bytes(w, v->str[f], TIMEFMT_RFC3339_LEN);
		if (form != JOURNAL)
			writer_char(w, '"');
		break;
	case SCHEMA_T_SECONDS:
		writer_seconds(w, v->num[f]);
		break;
	case SCHEMA_T_ID:
		if (form == JSON)
			writer_char(w, '"');
		writer_u64(w, v->num[f]);
		if (form == JSON)
			writer_char(w, '"');
		break;
	case SCHEMA_T_BOOLEAN:
		if (form != JSON)
			writer_u64(w, v->num[f]);
		else if (v->num[f])
			writer_literal(w, "true");
		else
			writer_literal(w, "false");
		break;
	default:
		writer_u64(w, v->num[f]);
		break;
	}
}

/* A field of the table in a message of kind, if it has a value. */
#define WANTED(id, in)							\
	(!((in) & SCHEMA_JSON_ONLY) && ((in) & kind) && HAS(v, SCHEMA_##id))

/* The kv line of v: the table's rows in order (kind: a constant). */
ALWAYS_INLINE void
put_kv(struct writer *w, const struct values *v, const unsigned kind)
{
	bool first = true;

#define KV_FIELD(id_, kv_, sec_, mem_, typ_, mx_, rd_, src_, in_)	\
	if (WANTED(id_, in_)) {						\
		if (first)						\
			writer_literal(w, #kv_ "=");			\
		else							\
			writer_literal(w, " " #kv_ "=");		\
		first = false;						\
		put_value(w, v, SCHEMA_##id_, SCHEMA_T_##typ_, KV);	\
	}
	SCHEMA_FIELDS(KV_FIELD)
#undef KV_FIELD
}

/* The kv line into dst: status and length as format.h says. */
ALWAYS_INLINE enum fmt_status
kv_into(char *dst, size_t size, const struct values *v, const unsigned kind,
    size_t *ret_len)
{
	struct writer w;
	size_t n = 0;

	if (size == 0)
		return FMT_TOO_LONG;
	w = writer_init(dst, size - 1);
	put_kv(&w, v, kind);
	if (writer_ok(&w))
		n = (size_t)(w.p - dst);
	dst[n] = '\0';
	if (ret_len)
		*ret_len = n;
	return writer_ok(&w) ? FMT_OK : FMT_TOO_LONG;
}

/* journald fields: MESSAGE (the kv line, as long as fmt_kv() allows),
 * then the table's rows, each an iovec into j->buf. */
ALWAYS_INLINE bool
put_journal(struct fmt_journal *j, struct writer *w, const struct values *v,
    const unsigned kind)
{
	size_t n;
	char *start;

	j->count = 0;
	writer_literal(w, "MESSAGE=");
	if (!writer_ok(w) || kv_into(w->p, MIN(writer_room(w),
	    (size_t)FMT_LINE_MAX), v, kind, &n) != FMT_OK)
		return false;
	w->p += n;
	j->iov[j->count++] = (struct iovec){ j->buf, 8 + n };
#define JOURNAL_FIELD(id_, kv_, sec_, mem_, typ_, mx_, rd_, src_, in_) \
	if (WANTED(id_, in_)) {						\
		start = w->p;						\
		writer_literal(w, "ACCT_" #id_ "=");			\
		put_value(w, v, SCHEMA_##id_, SCHEMA_T_##typ_, JOURNAL); \
		if (!writer_ok(w) || j->count >= FMT_JOURNAL_FIELDS - 3) \
			return false;					\
		j->iov[j->count++] = (struct iovec){ start,		\
		    (size_t)(w->p - start) };				\
	}
	SCHEMA_FIELDS(JOURNAL_FIELD)
#undef JOURNAL_FIELD
	return true;
}

/* A JSON member's key: at its ECS place, or (acct) as acct.<kv name>, as
 * is a member the table names "". */
#define JSON_KEY(id, acct)						\
	schema_json_key(w, &st, (acct) ? SCHEMA_SEC_ACCT :		\
	    (enum schema_section)SCHEMA_SEC_OF_##id,			\
	    (acct) || SCHEMA_MEMBER_LEN_OF_##id == 0 ?			\
	    schema_rows[SCHEMA_##id].acct_key :				\
	    schema_rows[SCHEMA_##id].json_key,				\
	    (acct) || SCHEMA_MEMBER_LEN_OF_##id == 0 ?			\
	    SCHEMA_KV_LEN_OF_##id + 4 : SCHEMA_MEMBER_LEN_OF_##id + 4)
#define JSON_FIELD(id)							\
	if (HAS(v, SCHEMA_##id)) {					\
		JSON_KEY(id, false);					\
		put_value(w, v, SCHEMA_##id,				\
		    (enum schema_type)SCHEMA_TYPE_OF_##id, JSON);	\
	}
#define JSON_ACCT(id)							\
	if (HAS(v, SCHEMA_##id)) {					\
		JSON_KEY(id, true);					\
		put_value(w, v, SCHEMA_##id,				\
		    (enum schema_type)SCHEMA_TYPE_OF_##id, JSON);	\
	}
#define JSON_CONSTANT(id, text)						\
	JSON_KEY(id, false);						\
	writer_literal(w, text);

/* The JSON object of a record: schema.h's layout. */
static void
put_json_record(struct writer *out, const struct values *v)
{
	struct writer lw = *out, *w = &lw;	/* kept in registers */
	struct schema_json_state st;

	schema_json_begin(w, &st);
	SCHEMA_JSON_RECORD(JSON_FIELD, JSON_ACCT, JSON_CONSTANT)
	schema_json_end(w, &st);
	*out = lw;
}

/* The JSON object of a control event. */
static void
put_json_control(struct writer *out, const struct values *v)
{
	struct writer lw = *out, *w = &lw;	/* kept in registers */
	struct schema_json_state st;

	schema_json_begin(w, &st);
	SCHEMA_JSON_CONTROL(JSON_FIELD, JSON_ACCT, JSON_CONSTANT)
	schema_json_end(w, &st);
	*out = lw;
}

/* The JSON object of a message of kind into dst. */
ALWAYS_INLINE enum fmt_status
json_into(char *dst, size_t size, const struct values *v,
    const unsigned kind, size_t *ret_len)
{
	struct writer w;
	size_t n = 0;

	if (size == 0)
		return FMT_TOO_LONG;
	w = writer_init(dst, size - 1);
	if (kind == SCHEMA_IN_RECORD)
		put_json_record(&w, v);
	else
		put_json_control(&w, v);
	if (writer_ok(&w))
		n = (size_t)(w.p - dst);
	dst[n] = '\0';
	if (ret_len)
		*ret_len = n;
	return writer_ok(&w) ? FMT_OK : FMT_TOO_LONG;
}

enum fmt_status
fmt_kv(char *dst, size_t size, const struct acct_event *ev,
    const struct fmt_context *ctx, size_t *ret_len)
{
	struct values v;

	gather_record(&v, ev, ctx);
	return kv_into(dst, size, &v, SCHEMA_IN_RECORD, ret_len);
}

enum fmt_status
fmt_json(char *dst, size_t size, const struct acct_event *ev,
    const struct fmt_context *ctx, size_t *ret_len)
{
	struct values v;

	gather_record(&v, ev, ctx);
	return json_into(dst, size, &v, SCHEMA_IN_RECORD, ret_len);
}

enum fmt_status
fmt_journal(struct fmt_journal *j, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	static const char *const fixed[] = {
		("MESSAGE_ID=" FMT_MESSAGE_ID_PROCESS_END),
		"PRIORITY=6",
		"SYSLOG_IDENTIFIER=acct2syslog",
	};
	struct writer w = writer_init(j->buf, sizeof(j->buf));
	struct values v;

	gather_record(&v, ev, ctx);
	if (!put_journal(j, &w, &v, SCHEMA_IN_RECORD)) {
		j->count = 0;
		return FMT_TOO_LONG;
	}
	for (size_t i = 0; i < ELEMENTSOF(fixed); i++)
		j->iov[j->count++] = (struct iovec){ (char *)fixed[i],
		    strlen(fixed[i]) };
	return FMT_OK;
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

/* A syslog severity, or info for one out of range. */
static int
control_priority(const struct fmt_control *c)
{
	return c->priority >= 0 && c->priority <= 7 ? c->priority : 6;
}

/* The values of a control event. */
static void
gather_control(struct values *v, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	const char *name = fmt_control_name(c->kind);

	v->present = 0;
	v->messages = SCHEMA_IN_CONTROL;
	set_text(v, SCHEMA_EVENT, name ? name : "unknown");
	set_text(v, SCHEMA_MESSAGE, c->message);
	set_text(v, SCHEMA_FILE, c->file);
	set_text(v, SCHEMA_NEW_FILE, c->new_file);
	if (c->has & FMT_HAS_OFFSET)
		set_num(v, SCHEMA_OFFSET, c->offset);
	if (c->has & FMT_HAS_BYTES)
		set_num(v, SCHEMA_BYTES, c->bytes);
	if (c->has & FMT_HAS_RECORDS)
		set_num(v, SCHEMA_RECORDS, c->records);
	if (c->has & FMT_HAS_SEQ_RANGE) {
		set_num(v, SCHEMA_SEQ_FROM, c->seq_from);
		set_num(v, SCHEMA_SEQ_TO, c->seq_to);
	}
	if (c->has & FMT_HAS_FREE_PERCENT)
		set_num(v, SCHEMA_FREE_PERCENT, c->free_percent);
	timefmt_rfc3339(v->times[0], c->time_us);
	set_str(v, SCHEMA_TIME, v->times[0], TIMEFMT_RFC3339_LEN);
	gather_context(v, ctx);
	/* JSON only. */
	set_str(v, SCHEMA_TIMESTAMP, v->times[0], TIMEFMT_RFC3339_LEN);
	set_text(v, SCHEMA_LEVEL, schema_levels[control_priority(c)]);
}

enum fmt_status
fmt_control_kv(char *dst, size_t size, const struct fmt_control *c,
    const struct fmt_context *ctx, size_t *ret_len)
{
	struct values v;

	gather_control(&v, c, ctx);
	return kv_into(dst, size, &v, SCHEMA_IN_CONTROL, ret_len);
}

enum fmt_status
fmt_control_json(char *dst, size_t size, const struct fmt_control *c,
    const struct fmt_context *ctx, size_t *ret_len)
{
	struct values v;

	gather_control(&v, c, ctx);
	return json_into(dst, size, &v, SCHEMA_IN_CONTROL, ret_len);
}

enum fmt_status
fmt_control_journal(struct fmt_journal *j, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	struct writer w = writer_init(j->buf, sizeof(j->buf));
	const char *mid = fmt_control_message_id(c->kind);
	struct values v;
	char *p;

	gather_control(&v, c, ctx);
	if (!put_journal(j, &w, &v, SCHEMA_IN_CONTROL))
		goto too_long;
	p = w.p;
	writer_literal(&w, "MESSAGE_ID=");
	writer_bytes(&w, mid ? mid : "00000000000000000000000000000000", 32);
	if (!writer_ok(&w))
		goto too_long;
	j->iov[j->count++] = (struct iovec){ p, (size_t)(w.p - p) };
	p = w.p;
	writer_literal(&w, "PRIORITY=");
	writer_char(&w, (char)('0' + control_priority(c)));
	if (!writer_ok(&w))
		goto too_long;
	j->iov[j->count++] = (struct iovec){ p, (size_t)(w.p - p) };
	j->iov[j->count++] = (struct iovec){ (char *)"SYSLOG_IDENTIFIER="
	    "acct2syslog", 29 };
	return FMT_OK;
too_long:
	j->count = 0;
	return FMT_TOO_LONG;
}

/* The proof, where a constant expression can make it: the kv line of a
 * message with every field at its limit, in a record and in a control
 * event (test-schema checks these, JSON and the journal with
 * schema_message_max()). */
#define KV_ROW(id, kv, sec, mem, typ, mx, rd, src, in)			\
	+ (((in) & SCHEMA_JSON_ONLY) || !((in) & WANT) ? 0 :		\
	    1 + sizeof(#kv) - 1 + 1 + (mx) +				\
	    (SCHEMA_T_##typ == SCHEMA_T_STRING ||			\
	    SCHEMA_T_##typ == SCHEMA_T_TIME ? 2 : 0))
#define WANT	SCHEMA_IN_RECORD
_Static_assert(0 SCHEMA_FIELDS(KV_ROW) - 1 <= KV_LINE_ROOM,
    "a record's kv line fits FMT_LINE_MAX");
#undef WANT
#define WANT	SCHEMA_IN_CONTROL
_Static_assert(0 SCHEMA_FIELDS(KV_ROW) - 1 <= KV_LINE_ROOM,
    "a control event's kv line fits FMT_LINE_MAX");
#undef WANT
#undef KV_ROW
