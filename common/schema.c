/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schema.c: the table of schema.h spelled out, the JSON layout, and the
 * bounded writer's number, time and escape puts.
 */
#include "config.h"

#include <errno.h>

#include "schema.h"

const struct schema_row schema_rows[SCHEMA_FIELD_COUNT] = {
#define JSON_NAME(mem_, kv_)	(sizeof(mem_) > 1 ? mem_ : #kv_)
#define SCHEMA_ROW(id_, kv_, sec_, mem_, typ_, mx_, rd_, src_, in_)	\
	[SCHEMA_##id_] = {						\
		.kv = #kv_, .kv_len = sizeof(#kv_) - 1,			\
		.journal = "ACCT_" #id_ "=",				\
		.journal_len = sizeof("ACCT_" #id_ "=") - 1,		\
		.kv_key = " " #kv_ "=", .kv_key_len = sizeof(#kv_) + 1,	\
		.member = JSON_NAME(mem_, kv_),				\
		.member_len = sizeof(mem_) > 1 ? sizeof(mem_) - 1 :	\
		    sizeof(#kv_) - 1,					\
		.json_key = ",\"" mem_ "\":",				\
		.json_key_len = sizeof(mem_) + 3,			\
		.acct_key = ",\"" #kv_ "\":",				\
		.acct_key_len = sizeof(#kv_) + 3,			\
		.section = SCHEMA_SEC_##sec_, .type = SCHEMA_T_##typ_,	\
		.source = SCHEMA_SRC_##src_,				\
		.messages = (in_), .max = (mx_), .read_max = (rd_),	\
	},
	SCHEMA_FIELDS(SCHEMA_ROW)
#undef SCHEMA_ROW
};

const struct schema_flag schema_flags[SCHEMA_FLAG_COUNT] = {
	{ ACCT_FLAG_FORK, "fork" },
	{ ACCT_FLAG_SU, "su" },
	{ ACCT_FLAG_CORE, "core" },
	{ ACCT_FLAG_XSIG, "xsig" },
};

const uint64_t schema_pow10[20] = {
	UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000),
	UINT64_C(10000), UINT64_C(100000), UINT64_C(1000000),
	UINT64_C(10000000), UINT64_C(100000000), UINT64_C(1000000000),
	UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000),
	UINT64_C(100000000000000), UINT64_C(1000000000000000),
	UINT64_C(10000000000000000), UINT64_C(100000000000000000),
	UINT64_C(1000000000000000000), UINT64_C(10000000000000000000),
};

const char schema_digit_pairs[200] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

const char *const schema_levels[8] = {
	"emergency", "alert", "critical", "error", "warning", "notice",
	"info", "debug",
};

#define M(f)		{ SCHEMA_##f, false, 0, NULL },
#define ACCT(f)		{ SCHEMA_##f, true, 0, NULL },
#define CONST(f, text)	{ SCHEMA_##f, false, sizeof(text) - 1, text },

const struct schema_json_member schema_json_record[] = {
	SCHEMA_JSON_RECORD(M, ACCT, CONST)
};

const struct schema_json_member schema_json_control[] = {
	SCHEMA_JSON_CONTROL(M, ACCT, CONST)
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

struct writer
writer_escaped_pieces(struct writer w, const void *s, size_t len,
    unsigned flags)
{
	const char *src = s;

	while (len > 0 && !w.overflow) {
		char tmp[ESC_MAX(64)];
		size_t n = len < 64 ? len : 64;

		writer_bytes(&w, tmp, esc_escape(tmp, src, n, flags));
		src += n;
		len -= n;
	}
	return w;
}

/*
 * JSON objects.
 */

/*
 * JSON objects.
 */

/* Is a the object sec or one that holds it? */
static bool
holds(unsigned a, unsigned sec)
{
	for (; sec != SCHEMA_SEC_NONE; sec = schema_sections[sec].parent)
		if (sec == a)
			return true;
	return false;
}

struct schema_json_moved
schema_json_move(struct writer w, struct schema_json_state st,
    enum schema_section sec)
{
	unsigned path[SCHEMA_SEC_COUNT], n = 0;

	while (!holds(st.section, sec)) {
		writer_char(&w, '}');
		st.section = schema_sections[st.section].parent;
		st.comma = true;
	}
	for (unsigned s = sec; s != st.section; s = schema_sections[s].parent)
		path[n++] = s;
	while (n > 0) {
		const struct schema_section_row *r = &schema_sections[path[--n]];

		writer_key(&w, r->open, r->open_len, !st.comma);
		st.comma = false;
	}
	st.section = (uint8_t)sec;
	return (struct schema_json_moved){ w, st };
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
		const char *name, *key;
		size_t len, n;

		schema_json_place(&m[i], &sec, &name, &len);
		key = schema_json_member_key(&m[i], &len);
		schema_json_key(&w, &st, sec, key, len);
		if (m[i].constant != NULL)
			n = m[i].constant_len;
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
