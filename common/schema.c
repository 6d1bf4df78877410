/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schema.c: the table of schema.h spelled out, the JSON layout, and the
 * bounded writer's number, time and escape puts.
 */
#include "config.h"

#include <errno.h>

#include "schema.h"

const struct schema_row schema_rows[SCHEMA_FIELD_COUNT] = {
#define SCHEMA_ROW(id_, kv_, sec_, mem_, typ_, mx_, rd_, src_, in_)	\
	[SCHEMA_##id_] = {						\
		.kv = #kv_, .kv_len = sizeof(#kv_) - 1,			\
		.journal = "ACCT_" #id_ "=",				\
		.journal_len = sizeof("ACCT_" #id_ "=") - 1,		\
		.member = sizeof(mem_) > 1 ? mem_ : #kv_,		\
		.member_len = sizeof(mem_) > 1 ? sizeof(mem_) - 1 :	\
		    sizeof(#kv_) - 1,					\
		.section = SCHEMA_SEC_##sec_, .type = SCHEMA_T_##typ_,	\
		.source = SCHEMA_SRC_##src_,				\
		.messages = (in_), .max = (mx_), .read_max = (rd_),	\
	},
	SCHEMA_FIELDS(SCHEMA_ROW)
#undef SCHEMA_ROW
};

const struct schema_section_row schema_sections[SCHEMA_SEC_COUNT] = {
#define SCHEMA_SECTION_ROW(id, par, name)				\
	[SCHEMA_SEC_##id] = { name, sizeof(name) - 1, SCHEMA_SEC_##par },
	SCHEMA_SECTIONS(SCHEMA_SECTION_ROW)
#undef SCHEMA_SECTION_ROW
};

const struct schema_flag schema_flags[SCHEMA_FLAG_COUNT] = {
	{ ACCT_FLAG_FORK, "fork" },
	{ ACCT_FLAG_SU, "su" },
	{ ACCT_FLAG_CORE, "core" },
	{ ACCT_FLAG_XSIG, "xsig" },
};

const char *const schema_levels[8] = {
	"emergency", "alert", "critical", "error", "warning", "notice",
	"info", "debug",
};

#define M(f)		{ SCHEMA_##f, false, NULL }
#define ACCT(f)		{ SCHEMA_##f, true, NULL }
#define CONST(f, text)	{ SCHEMA_##f, false, text }

const struct schema_json_member schema_json_record[] = {
	M(TIMESTAMP), CONST(KIND, "\"event\""),
	CONST(CATEGORY, "[\"process\"]"), CONST(TYPE, "[\"end\"]"),
	M(EVENT), M(EVENT_ID), M(START_TIME), M(END_TIME), M(DURATION),
	M(PROCESS_NAME), M(PROCESS_ID), M(PARENT_PROCESS_ID), M(EXIT_CODE),
	M(USER_ID), M(USER), M(GROUP_ID), M(GROUP), M(HOST),
	M(TTY), M(SIGNAL), M(CORE_DUMPED), M(FLAGS), M(ELAPSED), M(CPU_USER),
	M(CPU_SYS), M(MEM_KIB), M(MINFLT), M(MAJFLT), M(IO_CHARS),
	M(IO_BLOCKS), M(SWAPS), M(ACCT_VERSION), M(STREAM), M(SEQ),
	M(SCHEMA),
};

const struct schema_json_member schema_json_control[] = {
	M(TIMESTAMP), CONST(KIND, "\"event\""),
	CONST(CATEGORY, "[\"process\"]"), CONST(TYPE, "[\"info\"]"),
	M(EVENT), M(EVENT_ID), M(LEVEL), M(MESSAGE), M(HOST), ACCT(EVENT),
	M(FILE), M(NEW_FILE), M(OFFSET), M(BYTES), M(RECORDS), M(SEQ_FROM),
	M(SEQ_TO), M(FREE_PERCENT), M(STREAM), M(SEQ), M(SCHEMA),
};

#undef M
#undef ACCT
#undef CONST

_Static_assert(sizeof(schema_json_record) / sizeof(schema_json_record[0]) ==
    SCHEMA_JSON_RECORD_COUNT, "SCHEMA_JSON_RECORD_COUNT");
_Static_assert(sizeof(schema_json_control) /
    sizeof(schema_json_control[0]) == SCHEMA_JSON_CONTROL_COUNT,
    "SCHEMA_JSON_CONTROL_COUNT");
_Static_assert(SCHEMA_FIELD_COUNT <= 64, "a field set fits 64 bits");

int
schema_find(const char *kv, size_t len)
{
	for (int f = 0; f < SCHEMA_KV_COUNT; f++)
		if (schema_rows[f].kv_len == len && schema_rows[f].kv[0] ==
		    kv[0] && memcmp(schema_rows[f].kv, kv, len) == 0)
			return f;
	return -1;
}

int
schema_level(const char *name, size_t len)
{
	for (int i = 0; i < 8; i++)
		if (strlen(schema_levels[i]) == len &&
		    memcmp(schema_levels[i], name, len) == 0)
			return i;
	return -1;
}

int
schema_parse_flags(const char *s, size_t len, uint8_t *ret_flags)
{
	uint8_t flags = 0;
	size_t i = 0;

	while (i < len) {
		size_t j = i, k;

		while (j < len && s[j] != ',')
			j++;
		for (k = 0; k < SCHEMA_FLAG_COUNT; k++)
			if (strlen(schema_flags[k].name) == j - i &&
			    memcmp(schema_flags[k].name, s + i, j - i) == 0)
				break;
		if (k == SCHEMA_FLAG_COUNT)
			return -EINVAL;
		flags |= schema_flags[k].bit;
		i = j + 1;
	}
	*ret_flags = flags;
	return 0;
}

/*
 * The writer.
 */

void
writer_u64(struct writer *w, uint64_t v)
{
	char tmp[SCHEMA_U64_LEN];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	writer_bytes(w, tmp + n, sizeof(tmp) - n);
}

void
writer_seconds(struct writer *w, uint64_t us)
{
	uint64_t ms = (us + 500) / 1000;
	unsigned frac = (unsigned)(ms % 1000);
	char tail[4] = { '.', (char)('0' + frac / 100),
	    (char)('0' + frac / 10 % 10), (char)('0' + frac % 10) };

	writer_u64(w, ms / 1000);
	writer_bytes(w, tail, sizeof(tail));
}

void
writer_time(struct writer *w, uint64_t us)
{
	if (writer_room(w) < TIMEFMT_RFC3339_LEN) {
		w->overflow = true;
		w->p = w->end;
		return;
	}
	w->p += timefmt_rfc3339(w->p, us);
}

void
writer_escaped(struct writer *w, const void *s, size_t len, unsigned flags)
{
	const char *src = s;

	/* The common case: room for the worst. */
	if (writer_room(w) / 4 >= len) {
		w->p += esc_escape(w->p, s, len, flags);
		return;
	}
	/* Else a piece at a time, each checked. */
	while (len > 0 && !w->overflow) {
		char tmp[ESC_MAX(64)];
		size_t n = len < 64 ? len : 64;

		writer_bytes(w, tmp, esc_escape(tmp, src, n, flags));
		src += n;
		len -= n;
	}
}

void
writer_flags(struct writer *w, uint8_t flags)
{
	bool first = true;

	for (size_t i = 0; i < SCHEMA_FLAG_COUNT; i++) {
		if (!(flags & schema_flags[i].bit))
			continue;
		if (!first)
			writer_char(w, ',');
		writer_bytes(w, schema_flags[i].name,
		    strlen(schema_flags[i].name));
		first = false;
	}
}

/*
 * JSON objects.
 */

void
schema_json_begin(struct writer *w, struct schema_json_state *st)
{
	writer_char(w, '{');
	st->section = SCHEMA_SEC_ROOT;
	st->comma = false;
}

/* Is a the object sec or one that holds it? */
static bool
holds(uint8_t a, uint8_t sec)
{
	for (; sec != SCHEMA_SEC_NONE; sec = schema_sections[sec].parent)
		if (sec == a)
			return true;
	return false;
}

/* Open the objects from st->section (exclusive) down to sec. */
static void
open_down(struct writer *w, struct schema_json_state *st, uint8_t sec)
{
	const struct schema_section_row *s = &schema_sections[sec];

	if (sec == st->section)
		return;
	open_down(w, st, s->parent);
	if (st->comma)
		writer_char(w, ',');
	writer_char(w, '"');
	writer_bytes(w, s->name, s->len);
	writer_literal(w, "\":{");
	st->section = sec;
	st->comma = false;
}

void
schema_json_key(struct writer *w, struct schema_json_state *st,
    enum schema_section sec, const char *name, size_t len)
{
	if (st->section != sec) {
		while (!holds(st->section, sec)) {
			writer_char(w, '}');
			st->section = schema_sections[st->section].parent;
			st->comma = true;
		}
		open_down(w, st, sec);
	}
	if (st->comma)
		writer_char(w, ',');
	writer_char(w, '"');
	writer_bytes(w, name, len);
	writer_literal(w, "\":");
	st->comma = true;
}

void
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

void
schema_json_end(struct writer *w, struct schema_json_state *st)
{
	for (; st->section != SCHEMA_SEC_NONE;
	    st->section = schema_sections[st->section].parent)
		writer_char(w, '}');
}

/*
 * The proof of the buffer sizes.
 */

/* The longest text of row r's value in kv (quotes not counted). */
static size_t
value_max(const struct schema_row *r, bool read)
{
	if (read && r->type == SCHEMA_T_STRING)
		return ESC_MAX(r->read_max);
	return r->max;
}

static bool
quoted(const struct schema_row *r)
{
	return r->type == SCHEMA_T_STRING || r->type == SCHEMA_T_TIME;
}

static size_t
kv_max(unsigned messages, bool read)
{
	size_t n = 0;

	for (int f = 0; f < SCHEMA_KV_COUNT; f++) {
		const struct schema_row *r = &schema_rows[f];

		if (!(r->messages & messages))
			continue;
		n += (n > 0) + r->kv_len + 1 + value_max(r, read) +
		    (quoted(r) ? 2 : 0);
	}
	return n;
}

static size_t
journal_max(unsigned messages, bool read)
{
	/* MESSAGE=, the kv line; MESSAGE_ID= and PRIORITY= (control). */
	size_t n = 8 + kv_max(messages, read) + 43 + 10;

	for (int f = 0; f < SCHEMA_KV_COUNT; f++) {
		const struct schema_row *r = &schema_rows[f];

		if (r->messages & messages)
			n += r->journal_len + value_max(r, read);
	}
	return n;
}

/* Write the JSON layout with every member at its longest (x for every
 * byte of a value); its length. */
static size_t
json_max(unsigned messages, bool read)
{
	const struct schema_json_member *m = messages == SCHEMA_IN_RECORD ?
	    schema_json_record : schema_json_control;
	size_t count = messages == SCHEMA_IN_RECORD ? SCHEMA_JSON_RECORD_COUNT :
	    SCHEMA_JSON_CONTROL_COUNT;
	char buf[16384];
	struct writer w = writer_init(buf, sizeof(buf));
	struct schema_json_state st;

	schema_json_begin(&w, &st);
	for (size_t i = 0; i < count; i++) {
		const struct schema_row *r = &schema_rows[m[i].field];
		enum schema_section sec;
		const char *name;
		size_t len, n;

		schema_json_place(&m[i], &sec, &name, &len);
		schema_json_key(&w, &st, sec, name, len);
		if (m[i].constant != NULL)
			n = strlen(m[i].constant);
		else if (r->type == SCHEMA_T_BOOLEAN)
			n = 5;			/* false */
		else
			n = value_max(r, read) + (quoted(r) ||
			    r->type == SCHEMA_T_ID ? 2 : 0);
		while (n-- > 0)
			writer_char(&w, 'x');
	}
	schema_json_end(&w, &st);
	return writer_ok(&w) ? (size_t)(w.p - buf) : SIZE_MAX;
}

size_t
schema_message_max(enum schema_encoding enc, unsigned messages, bool read)
{
	switch (enc) {
	case SCHEMA_KV:
		return kv_max(messages, read);
	case SCHEMA_JSON:
		return json_max(messages, read);
	case SCHEMA_JOURNAL:
		return journal_max(messages, read);
	}
	return SIZE_MAX;
}
