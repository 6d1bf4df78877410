/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schema.h: the message schema (version 1, docs/schema.md) as one table,
 * and the bounded writer every encoding of it is written through.
 *
 * Promise: SCHEMA_FIELDS is the only place a field's names are written:
 * its kv name, its journal name (ACCT_ and the upper-case id), its JSON
 * location (an ECS object and member; "" is acct.<kv name>), its type,
 * the longest text its value may have in kv (escaped, quotes not
 * counted), what a reader accepts (raw bytes of a string, the largest
 * number), where the value lives and which messages carry it.  The rows
 * stand in kv order.  The flag names and the syslog level names are here
 * too.  Everything is constant: thread safe, no allocation.
 *
 * struct writer writes into a buffer it never leaves: a put that does not
 * fit writes nothing more and sets overflow, which stays set.
 */
#ifndef ACCT_SCHEMA_H
#define ACCT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "record.h"
#include "timefmt.h"

#define SCHEMA_VERSION		1

/* Decimal digits of v (a constant expression for constant v). */
#define SCHEMA_DIGITS(v)						\
	((v) < UINT64_C(10) ? 1 : (v) < UINT64_C(100) ? 2 :		\
	(v) < UINT64_C(1000) ? 3 : (v) < UINT64_C(10000) ? 4 :		\
	(v) < UINT64_C(100000) ? 5 : (v) < UINT64_C(1000000) ? 6 :	\
	(v) < UINT64_C(10000000) ? 7 : (v) < UINT64_C(100000000) ? 8 :	\
	(v) < UINT64_C(1000000000) ? 9 :				\
	(v) < UINT64_C(10000000000) ? 10 :				\
	(v) < UINT64_C(100000000000) ? 11 :				\
	(v) < UINT64_C(1000000000000) ? 12 :				\
	(v) < UINT64_C(10000000000000) ? 13 :				\
	(v) < UINT64_C(100000000000000) ? 14 :				\
	(v) < UINT64_C(1000000000000000) ? 15 :				\
	(v) < UINT64_C(10000000000000000) ? 16 :			\
	(v) < UINT64_C(100000000000000000) ? 17 :			\
	(v) < UINT64_C(1000000000000000000) ? 18 :			\
	(v) < UINT64_C(10000000000000000000) ? 19 : 20)

/*
 * The limits of the schema (docs/schema.md).  A name is left out by the
 * names cache when its escaped form is longer than 64 bytes; a terminal's
 * name is at most "[4095,1048575]"; a stream is 32 hex digits; control
 * events' strings are the forwarder's own sentences and paths.  Readers
 * accept more (SCHEMA_READ_*): what an archive line may carry.
 */
#define SCHEMA_NAME_MAX		64	/* user, group, host: escaped */
#define SCHEMA_TTY_MAX		16	/* escaped */
#define SCHEMA_STREAM_MAX	32	/* escaped */
#define SCHEMA_TEXT_MAX		160	/* message, file, new_file: escaped */
#define SCHEMA_EVENT_MAX	18	/* "accounting_resumed" */
#define SCHEMA_FLAGS_MAX	17	/* "fork,su,core,xsig" */
#define SCHEMA_LEVEL_MAX	9	/* "emergency" */
#define SCHEMA_READ_NAME_MAX	64	/* raw bytes a reader keeps */
#define SCHEMA_READ_TEXT_MAX	256
#define SCHEMA_READ_EVENT_MAX	31
/* Milliseconds of CPU time a reader takes: those whose microseconds fit
 * 64 bits, so that they are written back as they were read. */
#define SCHEMA_READ_MS_MAX	(UINT64_MAX / 1000)
/* Seconds with three decimals: of microseconds up to 10^18 (elapsed, as
 * acct_elapsed_us() clamps) or any 64-bit count (CPU times). */
#define SCHEMA_ELAPSED_LEN	(SCHEMA_DIGITS(UINT64_C(1000000000000)) + 4)
#define SCHEMA_SECONDS_LEN	(SCHEMA_DIGITS(UINT64_MAX / 1000000) + 4)
#define SCHEMA_U64_LEN		SCHEMA_DIGITS(UINT64_MAX)
#define SCHEMA_EVENT_ID_MAX	(SCHEMA_STREAM_MAX + 1 + SCHEMA_U64_LEN)

/* The ECS objects a JSON member may stand in, with their parents. */
#define SCHEMA_SECTIONS(X)			\
	X(ROOT, NONE, "")			\
	X(EVENT, ROOT, "event")			\
	X(PROCESS, ROOT, "process")		\
	X(PARENT, PROCESS, "parent")		\
	X(USER, ROOT, "user")			\
	X(GROUP, ROOT, "group")			\
	X(HOST, ROOT, "host")			\
	X(LOG, ROOT, "log")			\
	X(ACCT, ROOT, "acct")

enum schema_section {
#define SCHEMA_SECTION_ENUM(id, parent, name) SCHEMA_SEC_##id,
	SCHEMA_SECTIONS(SCHEMA_SECTION_ENUM)
#undef SCHEMA_SECTION_ENUM
	SCHEMA_SEC_COUNT,
	SCHEMA_SEC_NONE = SCHEMA_SEC_COUNT,
};

/* How a value is written. */
enum schema_type {
	SCHEMA_T_STRING,	/* quoted, escaped */
	SCHEMA_T_INTEGER,	/* decimal */
	SCHEMA_T_ID,		/* decimal; a string in JSON (ECS ids) */
	SCHEMA_T_BOOLEAN,	/* 0/1; false/true in JSON */
	SCHEMA_T_SECONDS,	/* seconds with three decimals */
	SCHEMA_T_TIME,		/* RFC 3339 UTC, quoted */
	SCHEMA_T_CONSTANT,	/* JSON only: a fixed JSON value */
};

/* Where the value lives. */
enum schema_source {
	SCHEMA_SRC_EVENT,	/* struct acct_event */
	SCHEMA_SRC_CONTEXT,	/* struct fmt_context */
	SCHEMA_SRC_CONTROL,	/* struct fmt_control */
	SCHEMA_SRC_DERIVED,	/* worked out from the others */
};

/* Which messages carry a field (bits). */
#define SCHEMA_IN_RECORD	0x1	/* process_end */
#define SCHEMA_IN_CONTROL	0x2	/* control events */
#define SCHEMA_IN_BOTH		(SCHEMA_IN_RECORD | SCHEMA_IN_CONTROL)
#define SCHEMA_JSON_ONLY	0x4	/* no kv or journal field */

/*
 * X(ID, kv, section, member, type, max, read, source, messages): max is the
 * longest kv text of the value; read the most a reader takes (raw bytes of
 * a string, the largest number).  JSON-only members come last.
 */
#define SCHEMA_FIELDS(X)						\
	X(EVENT, event, EVENT, "action", STRING, SCHEMA_EVENT_MAX,	\
	    SCHEMA_READ_EVENT_MAX, DERIVED, SCHEMA_IN_BOTH)		\
	X(PROCESS_NAME, process_name, PROCESS, "name", STRING,		\
	    ESC_MAX(ACCT_COMM_MAX), ACCT_COMM_MAX, EVENT, SCHEMA_IN_RECORD) \
	X(PROCESS_ID, process_id, PROCESS, "pid", INTEGER,		\
	    SCHEMA_DIGITS(UINT32_MAX), UINT32_MAX, EVENT, SCHEMA_IN_RECORD) \
	X(PARENT_PROCESS_ID, parent_process_id, PARENT, "pid", INTEGER,	\
	    SCHEMA_DIGITS(UINT32_MAX), UINT32_MAX, EVENT, SCHEMA_IN_RECORD) \
	X(USER, user, USER, "name", STRING, SCHEMA_NAME_MAX,		\
	    SCHEMA_READ_NAME_MAX, CONTEXT, SCHEMA_IN_RECORD)		\
	X(USER_ID, user_id, USER, "id", ID, SCHEMA_DIGITS(UINT32_MAX),	\
	    UINT32_MAX, EVENT, SCHEMA_IN_RECORD)			\
	X(GROUP, group, GROUP, "name", STRING, SCHEMA_NAME_MAX,		\
	    SCHEMA_READ_NAME_MAX, CONTEXT, SCHEMA_IN_RECORD)		\
	X(GROUP_ID, group_id, GROUP, "id", ID, SCHEMA_DIGITS(UINT32_MAX), \
	    UINT32_MAX, EVENT, SCHEMA_IN_RECORD)			\
	X(TTY, tty, ACCT, "", STRING, SCHEMA_TTY_MAX,			\
	    SCHEMA_READ_NAME_MAX, CONTEXT, SCHEMA_IN_RECORD)		\
	X(EXIT_CODE, exit_code, PROCESS, "exit_code", INTEGER, 3, 255,	\
	    EVENT, SCHEMA_IN_RECORD)					\
	X(SIGNAL, signal, ACCT, "", INTEGER, 3, 127, EVENT, SCHEMA_IN_RECORD) \
	X(CORE_DUMPED, core_dumped, ACCT, "", BOOLEAN, 1, 1, EVENT,	\
	    SCHEMA_IN_RECORD)						\
	X(FLAGS, flags, ACCT, "", STRING, SCHEMA_FLAGS_MAX,		\
	    SCHEMA_FLAGS_MAX, EVENT, SCHEMA_IN_RECORD)			\
	X(START_TIME, start_time, EVENT, "start", TIME,			\
	    TIMEFMT_RFC3339_LEN, TIMEFMT_RFC3339_LEN, EVENT, SCHEMA_IN_RECORD) \
	X(END_TIME, end_time, EVENT, "end", TIME, TIMEFMT_RFC3339_LEN,	\
	    TIMEFMT_RFC3339_LEN, DERIVED, SCHEMA_IN_RECORD)		\
	X(ELAPSED, elapsed, ACCT, "", SECONDS, SCHEMA_ELAPSED_LEN,	\
	    UINT64_MAX, EVENT, SCHEMA_IN_RECORD)			\
	X(CPU_USER, cpu_user, ACCT, "", SECONDS, SCHEMA_SECONDS_LEN,	\
	    SCHEMA_READ_MS_MAX, EVENT, SCHEMA_IN_RECORD)		\
	X(CPU_SYS, cpu_sys, ACCT, "", SECONDS, SCHEMA_SECONDS_LEN,	\
	    SCHEMA_READ_MS_MAX, EVENT, SCHEMA_IN_RECORD)		\
	X(MEM_KIB, mem_kib, ACCT, "", INTEGER, SCHEMA_U64_LEN,		\
	    UINT64_MAX, EVENT, SCHEMA_IN_RECORD)			\
	X(MINFLT, minflt, ACCT, "", INTEGER, SCHEMA_U64_LEN, UINT64_MAX, \
	    EVENT, SCHEMA_IN_RECORD)					\
	X(MAJFLT, majflt, ACCT, "", INTEGER, SCHEMA_U64_LEN, UINT64_MAX, \
	    EVENT, SCHEMA_IN_RECORD)					\
	X(IO_CHARS, io_chars, ACCT, "", INTEGER, SCHEMA_U64_LEN,	\
	    UINT64_MAX, EVENT, SCHEMA_IN_RECORD)			\
	X(IO_BLOCKS, io_blocks, ACCT, "", INTEGER, SCHEMA_U64_LEN,	\
	    UINT64_MAX, EVENT, SCHEMA_IN_RECORD)			\
	X(SWAPS, swaps, ACCT, "", INTEGER, SCHEMA_U64_LEN, UINT64_MAX,	\
	    EVENT, SCHEMA_IN_RECORD)					\
	X(ACCT_VERSION, acct_version, ACCT, "", INTEGER, 1, 3, EVENT,	\
	    SCHEMA_IN_RECORD)						\
	X(MESSAGE, message, ROOT, "message", STRING, SCHEMA_TEXT_MAX,	\
	    SCHEMA_READ_TEXT_MAX, CONTROL, SCHEMA_IN_CONTROL)		\
	X(FILE, file, ACCT, "", STRING, SCHEMA_TEXT_MAX,		\
	    SCHEMA_READ_TEXT_MAX, CONTROL, SCHEMA_IN_CONTROL)		\
	X(NEW_FILE, new_file, ACCT, "", STRING, SCHEMA_TEXT_MAX,	\
	    SCHEMA_READ_TEXT_MAX, CONTROL, SCHEMA_IN_CONTROL)		\
	X(OFFSET, offset, ACCT, "", INTEGER, SCHEMA_U64_LEN, UINT64_MAX, \
	    CONTROL, SCHEMA_IN_CONTROL)					\
	X(BYTES, bytes, ACCT, "", INTEGER, SCHEMA_U64_LEN, UINT64_MAX,	\
	    CONTROL, SCHEMA_IN_CONTROL)					\
	X(RECORDS, records, ACCT, "", INTEGER, SCHEMA_U64_LEN,		\
	    UINT64_MAX, CONTROL, SCHEMA_IN_CONTROL)			\
	X(SEQ_FROM, seq_from, ACCT, "", INTEGER, SCHEMA_U64_LEN,	\
	    UINT64_MAX, CONTROL, SCHEMA_IN_CONTROL)			\
	X(SEQ_TO, seq_to, ACCT, "", INTEGER, SCHEMA_U64_LEN, UINT64_MAX, \
	    CONTROL, SCHEMA_IN_CONTROL)					\
	X(FREE_PERCENT, free_percent, ACCT, "", INTEGER, 3, 100,	\
	    CONTROL, SCHEMA_IN_CONTROL)					\
	X(TIME, time, ACCT, "", TIME, TIMEFMT_RFC3339_LEN,		\
	    TIMEFMT_RFC3339_LEN, CONTROL, SCHEMA_IN_CONTROL)		\
	X(HOST, host, HOST, "name", STRING, SCHEMA_NAME_MAX,		\
	    SCHEMA_READ_NAME_MAX, CONTEXT, SCHEMA_IN_BOTH)		\
	X(STREAM, stream, ACCT, "", STRING, SCHEMA_STREAM_MAX,		\
	    SCHEMA_READ_NAME_MAX, CONTEXT, SCHEMA_IN_BOTH)		\
	X(SEQ, seq, ACCT, "", INTEGER, SCHEMA_U64_LEN, UINT64_MAX,	\
	    CONTEXT, SCHEMA_IN_BOTH)					\
	X(EVENT_ID, event_id, EVENT, "id", STRING, SCHEMA_EVENT_ID_MAX,	\
	    SCHEMA_READ_NAME_MAX + 1 + SCHEMA_U64_LEN, DERIVED,	\
	    SCHEMA_IN_BOTH)						\
	X(SCHEMA, schema, ACCT, "", INTEGER, 1, 0xffff, DERIVED,	\
	    SCHEMA_IN_BOTH)						\
	X(TIMESTAMP, timestamp, ROOT, "@timestamp", TIME,		\
	    TIMEFMT_RFC3339_LEN, TIMEFMT_RFC3339_LEN, DERIVED,		\
	    SCHEMA_IN_BOTH | SCHEMA_JSON_ONLY)				\
	X(KIND, kind, EVENT, "kind", CONSTANT, 7, 0, DERIVED,		\
	    SCHEMA_IN_BOTH | SCHEMA_JSON_ONLY)				\
	X(CATEGORY, category, EVENT, "category", CONSTANT, 11, 0,	\
	    DERIVED, SCHEMA_IN_BOTH | SCHEMA_JSON_ONLY)			\
	X(TYPE, type, EVENT, "type", CONSTANT, 8, 0, DERIVED,		\
	    SCHEMA_IN_BOTH | SCHEMA_JSON_ONLY)				\
	X(DURATION, duration, EVENT, "duration", INTEGER,		\
	    SCHEMA_U64_LEN, UINT64_MAX, DERIVED,			\
	    SCHEMA_IN_RECORD | SCHEMA_JSON_ONLY)			\
	X(LEVEL, level, LOG, "level", STRING, SCHEMA_LEVEL_MAX,		\
	    SCHEMA_LEVEL_MAX, DERIVED, SCHEMA_IN_CONTROL | SCHEMA_JSON_ONLY)

enum schema_field {
#define SCHEMA_FIELD_ENUM(id, kv, sec, member, type, max, read, src, in) \
	SCHEMA_##id,
	SCHEMA_FIELDS(SCHEMA_FIELD_ENUM)
#undef SCHEMA_FIELD_ENUM
	SCHEMA_FIELD_COUNT,
};

/* Each field's traits as constants, for code the compiler specialises:
 * SCHEMA_TYPE_OF_<ID>, SCHEMA_SEC_OF_<ID>, SCHEMA_IN_OF_<ID>, and the
 * lengths of its kv name and JSON member name ("": acct.<kv name>). */
enum {
#define SCHEMA_FIELD_TRAITS(id, kv, sec, member, type, max, read, src, in) \
	SCHEMA_TYPE_OF_##id = SCHEMA_T_##type,				\
	SCHEMA_SEC_OF_##id = SCHEMA_SEC_##sec,				\
	SCHEMA_IN_OF_##id = (in),					\
	SCHEMA_KV_LEN_OF_##id = sizeof(#kv) - 1,			\
	SCHEMA_MEMBER_LEN_OF_##id = sizeof(member) - 1,
	SCHEMA_FIELDS(SCHEMA_FIELD_TRAITS)
#undef SCHEMA_FIELD_TRAITS
};

/* The fields with a kv name come first: SCHEMA_TIMESTAMP is the first
 * JSON-only one. */
#define SCHEMA_KV_COUNT		SCHEMA_TIMESTAMP

/* Room for a field's name with its punctuation: " parent_process_id=",
 * ",\"parent_process_id\":", "ACCT_PARENT_PROCESS_ID=" (the longest),
 * zero-padded so that writer_key() can copy a fixed size. */
#define SCHEMA_KEY_ROOM		24

struct schema_row {
	const char	*kv;		/* kv name */
	const char	*member;	/* JSON member name */
	char		journal[SCHEMA_KEY_ROOM];	/* "ACCT_...=" */
	char		kv_key[SCHEMA_KEY_ROOM];	/* " kv=" */
	char		json_key[SCHEMA_KEY_ROOM];	/* ",\"member\":" */
	char		acct_key[SCHEMA_KEY_ROOM];	/* ",\"kv\":" */
	uint8_t		kv_len, journal_len, member_len;
	uint8_t		kv_key_len, json_key_len, acct_key_len;
	uint8_t		section;	/* enum schema_section */
	uint8_t		type;		/* enum schema_type */
	uint8_t		source;		/* enum schema_source */
	uint8_t		messages;	/* SCHEMA_IN_RECORD ... */
	uint16_t	max;		/* longest kv text of the value */
	uint64_t	read_max;	/* raw bytes, or the largest number */
};

extern const struct schema_row schema_rows[SCHEMA_FIELD_COUNT];

struct schema_section_row {
	const char	*name;
	uint8_t		len;
	uint8_t		parent;		/* SCHEMA_SEC_NONE for the root */
	uint8_t		open_len;
	char		open[SCHEMA_KEY_ROOM];	/* ",\"name\":{" */
};

/* Defined here, not in schema.c, so that the compiler folds what it
 * knows of an object into the formatters' code. */
static const struct schema_section_row
    schema_sections[SCHEMA_SEC_COUNT] __attribute__((unused)) = {
#define SCHEMA_SECTION_ROW(id, par, name)				\
	[SCHEMA_SEC_##id] = { name, sizeof(name) - 1, SCHEMA_SEC_##par,	\
	    sizeof(name) + 4, ",\"" name "\":{" },
	SCHEMA_SECTIONS(SCHEMA_SECTION_ROW)
#undef SCHEMA_SECTION_ROW
};

/* ac_flag bits and their names, in the order of the flags field. */
struct schema_flag {
	uint8_t		bit;
	const char	*name;
};
#define SCHEMA_FLAG_COUNT	4
extern const struct schema_flag schema_flags[SCHEMA_FLAG_COUNT];

/* Syslog severities 0..7 as ECS log.level names. */
extern const char *const schema_levels[8];

/* The field of a kv name (len bytes); -1 for none (a newer schema's). */
int	schema_find(const char *kv, size_t len);

/* The priority of a log.level name; -1 for none. */
int	schema_level(const char *name, size_t len);

/* The flags of a comma list of flag names; -EINVAL for a name not known. */
int	schema_parse_flags(const char *s, size_t len, uint8_t *ret_flags);

/*
 * The bounded writer.  Its helpers are always inlined: a writer whose
 * address reaches a function not inlined lives in memory, not registers.
 */
#define SCHEMA_INLINE	static inline __attribute__((always_inline))
struct writer {
	char		*p;		/* next byte */
	char		*end;		/* one past the last usable byte */
	bool		overflow;	/* something did not fit */
};

SCHEMA_INLINE struct writer
writer_init(char *buf, size_t size)
{
	return (struct writer){ buf, buf + size, false };
}

SCHEMA_INLINE size_t
writer_room(const struct writer *w)
{
	return (size_t)(w->end - w->p);
}

SCHEMA_INLINE void
writer_bytes(struct writer *w, const void *s, size_t n)
{
	if (writer_room(w) < n) {
		w->overflow = true;
		w->p = w->end;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
}

SCHEMA_INLINE void
writer_char(struct writer *w, char c)
{
	if (w->p == w->end) {
		w->overflow = true;
		return;
	}
	*w->p++ = c;
}

#define writer_literal(w, s)	writer_bytes((w), (s), sizeof(s) - 1)

/* A key of the table (a SCHEMA_KEY_ROOM array, len bytes used), without
 * its first byte (the separator) when skip: one fixed-size copy. */
SCHEMA_INLINE void
writer_key(struct writer *w, const char key[SCHEMA_KEY_ROOM], size_t len,
    bool skip)
{
	if (writer_room(w) < SCHEMA_KEY_ROOM) {
		writer_bytes(w, key + skip, len - skip);
		return;
	}
	memcpy(w->p, key + skip, SCHEMA_KEY_ROOM - 1);
	w->p += len - skip;
}

/* 10^0 .. 10^19; "00" .. "99". */
extern const uint64_t schema_pow10[20];
extern const char schema_digit_pairs[200];

/* v in decimal, written from its last digit back. */
SCHEMA_INLINE void
writer_u64(struct writer *w, uint64_t v)
{
	unsigned t;
	size_t n;
	char *e;

	if (v < 10) {		/* most counters are 0 */
		writer_char(w, (char)('0' + v));
		return;
	}
	/* The number of digits, without dividing: from the bit length. */
	t = ((64 - (unsigned)__builtin_clzll(v)) * 1233) >> 12;
	n = t + (v >= schema_pow10[t]);
	if (writer_room(w) < n) {
		w->overflow = true;
		w->p = w->end;
		return;
	}
	e = w->p += n;
	/* Two digits a step, from a table of 00..99. */
	for (; v >= 100; v /= 100) {
		e -= 2;
		memcpy(e, schema_digit_pairs + v % 100 * 2, 2);
	}
	if (v >= 10)
		memcpy(e - 2, schema_digit_pairs + v * 2, 2);
	else
		e[-1] = (char)('0' + v);
}

/* Microseconds as seconds with three decimals, rounded to the ms. */
SCHEMA_INLINE void
writer_seconds(struct writer *w, uint64_t us)
{
	uint64_t ms = (us + 500) / 1000;
	unsigned frac = (unsigned)(ms % 1000);

	writer_u64(w, ms / 1000);
	if (writer_room(w) < 4) {
		w->overflow = true;
		w->p = w->end;
		return;
	}
	w->p[0] = '.';
	w->p[1] = (char)('0' + frac / 100);
	w->p[2] = (char)('0' + frac / 10 % 10);
	w->p[3] = (char)('0' + frac % 10);
	w->p += 4;
}


/* The slow part of writer_escaped(): a piece at a time.  (Writers go in
 * and out of the out-of-line parts by value, so that the compiler keeps
 * them in registers on the hot path.) */
struct writer writer_escaped_pieces(struct writer w, const void *s,
	    size_t len, unsigned flags);

/* len bytes escaped (escape.h; flags ESC_QUOTED or 0). */
SCHEMA_INLINE void
writer_escaped(struct writer *w, const void *s, size_t len, unsigned flags)
{
	/* The common case: room for the worst. */
	if (writer_room(w) / 4 >= len)
		w->p += esc_escape(w->p, s, len, flags);
	else
		*w = writer_escaped_pieces(*w, s, len, flags);
}


/* Did everything fit? */
SCHEMA_INLINE bool
writer_ok(const struct writer *w)
{
	return !w->overflow;
}

/*
 * The JSON members of a message in the order they are written:
 * F(ID) a field at its ECS place, A(ID) a field under acct with its kv
 * name, C(ID, text) a member of constant JSON text.  Members of one
 * object stand together.
 */
#define SCHEMA_JSON_RECORD(F, A, C)					\
	F(TIMESTAMP) C(KIND, "\"event\"")				\
	C(CATEGORY, "[\"process\"]") C(TYPE, "[\"end\"]")		\
	F(EVENT) F(EVENT_ID) F(START_TIME) F(END_TIME) F(DURATION)	\
	F(PROCESS_NAME) F(PROCESS_ID) F(PARENT_PROCESS_ID) F(EXIT_CODE)	\
	F(USER_ID) F(USER) F(GROUP_ID) F(GROUP) F(HOST)			\
	F(TTY) F(SIGNAL) F(CORE_DUMPED) F(FLAGS) F(ELAPSED) F(CPU_USER)	\
	F(CPU_SYS) F(MEM_KIB) F(MINFLT) F(MAJFLT) F(IO_CHARS)		\
	F(IO_BLOCKS) F(SWAPS) F(ACCT_VERSION) F(STREAM) F(SEQ)		\
	F(SCHEMA)
#define SCHEMA_JSON_CONTROL(F, A, C)					\
	F(TIMESTAMP) C(KIND, "\"event\"")				\
	C(CATEGORY, "[\"process\"]") C(TYPE, "[\"info\"]")		\
	F(EVENT) F(EVENT_ID) F(LEVEL) F(MESSAGE) F(HOST) A(EVENT)	\
	F(FILE) F(NEW_FILE) F(OFFSET) F(BYTES) F(RECORDS) F(SEQ_FROM)	\
	F(SEQ_TO) F(FREE_PERCENT) F(STREAM) F(SEQ) F(SCHEMA)

/* The same layouts as data. */
struct schema_json_member {
	uint8_t		field;		/* enum schema_field */
	bool		as_acct;
	uint8_t		constant_len;
	const char	*constant;	/* SCHEMA_CONSTANT: the JSON text */
};
#define SCHEMA_JSON_RECORD_COUNT	35
#define SCHEMA_JSON_CONTROL_COUNT	21
extern const struct schema_json_member
    schema_json_record[SCHEMA_JSON_RECORD_COUNT];
extern const struct schema_json_member
    schema_json_control[SCHEMA_JSON_CONTROL_COUNT];

/* Where a JSON writer stands: the object it is in, and whether a member
 * came before in it. */
struct schema_json_state {
	uint8_t		section;
	bool		comma;
};

/* Open the JSON object ("{"). */
SCHEMA_INLINE void
schema_json_begin(struct writer *w, struct schema_json_state *st)
{
	writer_char(w, '{');
	st->section = SCHEMA_SEC_ROOT;
	st->comma = false;
}

/* A writer and where it stands in the JSON objects. */
struct schema_json_moved {
	struct writer	w;
	struct schema_json_state st;
};

/* The slow part of schema_json_key(), into another object: close up to
 * the one that holds sec, open down to it.  By value, as above. */
struct schema_json_moved schema_json_move(struct writer w,
	    struct schema_json_state st, enum schema_section sec);

/* Close and open objects as needed to write a member of sec, then write
 * its key (a SCHEMA_KEY_ROOM array: the comma, the quoted name and the
 * colon, len bytes): the caller writes the value. */
SCHEMA_INLINE void
schema_json_key(struct writer *w, struct schema_json_state *st,
    enum schema_section sec, const char *key, size_t len)
{
	if (st->section != sec) {
		const struct schema_section_row *to = &schema_sections[sec];
		unsigned up = schema_sections[st->section].parent;

		/* The usual moves inline: into a child, on to a sibling, back
		 * to the parent; the others by schema_json_move(). */
		if (to->parent == st->section) {
			writer_key(w, to->open, to->open_len, !st->comma);
			st->comma = false;
		} else if (to->parent == up) {
			writer_char(w, '}');
			writer_key(w, to->open, to->open_len, false);
			st->comma = false;
		} else if (sec == up) {
			writer_char(w, '}');
			st->comma = true;
		} else {
			struct schema_json_moved m = schema_json_move(*w, *st,
			    sec);

			*w = m.w;
			*st = m.st;
		}
		st->section = (uint8_t)sec;
	}
	writer_key(w, key, len, !st->comma);
	st->comma = true;
}

/* The name and object of JSON member m. */
SCHEMA_INLINE void
schema_json_place(const struct schema_json_member *m,
    enum schema_section *ret_section, const char **ret_name, size_t *ret_len)
{
	const struct schema_row *r = &schema_rows[m->field];

	if (m->as_acct) {
		*ret_section = SCHEMA_SEC_ACCT;
		*ret_name = r->kv;
		*ret_len = r->kv_len;
	} else {
		*ret_section = (enum schema_section)r->section;
		*ret_name = r->member;
		*ret_len = r->member_len;
	}
}

/* Its key for schema_json_key(): a member named "" in the table is
 * acct.<kv name>. */
SCHEMA_INLINE const char *
schema_json_member_key(const struct schema_json_member *m, size_t *ret_len)
{
	const struct schema_row *r = &schema_rows[m->field];

	if (m->as_acct || r->json_key_len == 4) {
		*ret_len = r->acct_key_len;
		return r->acct_key;
	}
	*ret_len = r->json_key_len;
	return r->json_key;
}

/* Close every object still open. */
SCHEMA_INLINE void
schema_json_end(struct writer *w, struct schema_json_state *st)
{
	for (; st->section != SCHEMA_SEC_NONE;
	    st->section = schema_sections[st->section].parent)
		writer_char(w, '}');
}

/* The longest message of a kind (SCHEMA_IN_RECORD or SCHEMA_IN_CONTROL) in an
 * encoding, NUL not counted, its fields as long as max says (or, with
 * read, as a reader lets them be: strings of read_max raw bytes, escaped
 * 4 to 1).  The proof behind the buffer sizes of format.h. */
enum schema_encoding {
	SCHEMA_KV,
	SCHEMA_JSON,
	SCHEMA_JOURNAL,		/* the fields' bytes, MESSAGE included */
};
size_t	schema_message_max(enum schema_encoding enc, unsigned messages,
	    bool read);

#endif
