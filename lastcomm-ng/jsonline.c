/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonline.c: acct2syslog's JSON lines (docs/schema.md "JSON encoding")
 * back into entries.
 *
 * Two readers feed one collector.  A scanner reads what fmt_json() and
 * fmt_control_json() write -- strings escaped only with \" and \\ (the
 * #ooo escapes do the rest), unsigned numbers -- and hands a string on as
 * it stands between its quotes, which is already its kv form.  Whatever
 * the scanner does not know (\n or \u escapes, exponents, a key given
 * twice, ...) goes to libfastjson, whose values are brought back to the kv
 * form.  Measured on the reference VM (one core, 700-byte lines):
 * libfastjson's tokener alone reads 120,000 lines a second, the scanner
 * 1,650,000; libfastjson is the judge of the rest.
 *
 * The collector maps ECS names to kv names, keeps one value per field
 * (two names of one field must agree: event.action and acct.event,
 * @timestamp and event.end), then sets them on the entry in kv order.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "jsonline.h"

/* What a member is: a field (its ECS place or acct.<kv name>), a JSON-only
 * member (@timestamp, log.level; the rest derived and not kept), or an
 * object, T_SECTION + its section.  All of it from the table of schema.h. */
enum {
	T_SECTION = SCHEMA_FIELD_COUNT,
};

struct member {
	const char	*name;
	uint8_t		len;
	uint8_t		section;
	uint8_t		target;
};

enum value_type { V_STRING, V_NUMBER, V_TRUE, V_FALSE, V_NULL };

struct value {
	const char	*p;
	size_t		len;
	const struct member *from;
};

#define TABLE_SIZE	256	/* a power of two, well above the members */
#define EXTRA_MAX	16	/* unknown acct.* members passed on */
#define SCRATCH_SIZE	(16 * 1024)
#define DEPTH_MAX	8	/* ours is 3 deep */
#define SCAN_UNUSUAL	1	/* the scanner gives the line to libfastjson */

struct jsonline {
	struct fjson_tokener *tok;
	struct member	table[TABLE_SIZE];
	/* The member that followed each member last time (and the first
	 * one): lines of one writer have their members in one order, so the
	 * scanner mostly compares a key with one name, no hashing. */
	const struct member *next[TABLE_SIZE];
	const struct member *first;

	/* What the current line gave. */
	bool		ours;		/* it has a top-level "acct" object */
	bool		bad;		/* two names of a field disagree, ... */
	unsigned	sections;	/* which sections the scanner entered */
	uint64_t	seen;		/* which of v[] are set */
	struct value	v[SCHEMA_KV_COUNT];
	struct value	timestamp;
	int		level;		/* log.level as a priority; -1: none */
	size_t		n_extra;
	struct {
		const char	*key;
		size_t		key_len;
		struct value	v;
	}		extra[EXTRA_MAX];
	size_t		scratch_used;
	char		scratch[SCRATCH_SIZE];
};

#define FNV_PRIME	16777619u

static uint32_t
hash_seed(enum schema_section sec)
{
	return (2166136261u ^ (uint32_t)sec) * FNV_PRIME;
}

static uint32_t
hash_step(uint32_t h, uint8_t c)
{
	return (h ^ c) * FNV_PRIME;
}

static size_t
hash_slot(uint32_t h)
{
	return (h ^ h >> 16) & (TABLE_SIZE - 1);
}

static uint32_t
hash_key(enum schema_section sec, const char *key, size_t len)
{
	uint32_t h = hash_seed(sec);

	for (size_t i = 0; i < len; i++)
		h = hash_step(h, (uint8_t)key[i]);
	return h;
}

static void
table_add(struct jsonline *j, const struct member *m)
{
	size_t i = hash_slot(hash_key(m->section, m->name, m->len));

	while (j->table[i].name != NULL) {
		if (j->table[i].section == m->section &&
		    j->table[i].len == m->len &&
		    memcmp(j->table[i].name, m->name, m->len) == 0)
			return;		/* acct.tty is both */
		i = (i + 1) & (TABLE_SIZE - 1);
	}
	j->table[i] = *m;
}

/* The members of the schema: the objects, every field at its ECS place,
 * and every kv field as acct.<its kv name> too. */
static void
table_fill(struct jsonline *j)
{
	for (int sec = 0; sec < SCHEMA_SEC_COUNT; sec++) {
		const struct schema_section_row *s = &schema_sections[sec];

		if (s->parent != SCHEMA_SEC_NONE)
			table_add(j, &(struct member){ s->name, s->len,
			    s->parent, (uint8_t)(T_SECTION + sec) });
	}
	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++) {
		const struct schema_row *r = &schema_rows[f];

		table_add(j, &(struct member){ r->member, r->member_len,
		    r->section, (uint8_t)f });
		if (f < SCHEMA_KV_COUNT)
			table_add(j, &(struct member){ r->kv, r->kv_len,
			    SCHEMA_SEC_ACCT, (uint8_t)f });
	}
}

/* The member key of section sec (h: its hash_key()); NULL if unknown. */
static const struct member *
lookup(const struct jsonline *j, enum schema_section sec, const char *key,
    size_t len, uint32_t h)
{
	if (sec == SCHEMA_SEC_NONE)
		return NULL;
	for (size_t i = hash_slot(h);; i = (i + 1) & (TABLE_SIZE - 1)) {
		const struct member *m = &j->table[i];

		if (m->name == NULL)
			return NULL;
		if (m->section == sec && m->len == len &&
		    memcmp(m->name, key, len) == 0)
			return m;
	}
}

int
jsonline_new(struct jsonline **ret)
{
	struct jsonline *j = calloc(1, sizeof(*j));

	if (j == NULL || (j->tok = fjson_tokener_new()) == NULL) {
		free(j);
		return -ENOMEM;
	}
	fjson_tokener_set_flags(j->tok, FJSON_TOKENER_STRICT);
	table_fill(j);
	*ret = j;
	return 0;
}

void
jsonline_free(struct jsonline *j)
{
	if (j == NULL)
		return;
	fjson_tokener_free(j->tok);
	free(j);
}

static void
collect_reset(struct jsonline *j)
{
	j->ours = false;
	j->bad = false;
	j->sections = 0;
	j->seen = 0;
	j->timestamp.from = NULL;
	j->level = -1;
	j->n_extra = 0;
	j->scratch_used = 0;
}

static bool
value_equal(const struct value *a, const char *p, size_t len)
{
	return a->len == len && memcmp(a->p, p, len) == 0;
}

/* Keep the value (p, len: its kv form) of member m of sec, NULL for one
 * we do not know (key names it).  SCAN_UNUSUAL for a member seen twice:
 * only the scanner can see that, and libfastjson's rule (the last one
 * counts) decides. */
static int
collect(struct jsonline *j, const struct member *m, enum schema_section sec,
    const char *key, size_t key_len, enum value_type type, const char *p,
    size_t len)
{
	struct value *v;

	if (type == V_NULL)
		return 0;
	if (type == V_TRUE || type == V_FALSE) {
		/* Booleans are 1/0 in kv. */
		if (m != NULL && m->target < T_SECTION &&
		    schema_rows[m->target].type == SCHEMA_T_BOOLEAN)
			p = type == V_TRUE ? "1" : "0";
		else
			p = type == V_TRUE ? "true" : "false";
		len = strlen(p);
	}
	if (m == NULL) {
		/* A newer schema's acct.* field: entry_set() may know it. */
		if (sec == SCHEMA_SEC_ACCT && j->n_extra < EXTRA_MAX) {
			j->extra[j->n_extra].key = key;
			j->extra[j->n_extra].key_len = key_len;
			j->extra[j->n_extra++].v = (struct value){ p, len, NULL };
		}
		return 0;
	}
	if (m->target == SCHEMA_LEVEL) {
		if (type == V_STRING)
			j->level = schema_level(p, len);
		return 0;
	}
	if (m->target == SCHEMA_TIMESTAMP)
		v = &j->timestamp;
	else if (m->target >= SCHEMA_KV_COUNT)
		return 0;	/* derived, or a scalar where an object goes */
	else if (j->seen >> m->target & 1)
		v = &j->v[m->target];
	else {
		j->seen |= UINT64_C(1) << m->target;
		j->v[m->target] = (struct value){ p, len, m };
		return 0;
	}
	if (v->from == NULL) {
		*v = (struct value){ p, len, m };
		return 0;
	}
	if (v->from == m)
		return SCAN_UNUSUAL;
	if (!value_equal(v, p, len))
		j->bad = true;
	return 0;
}

/* The entry of what was collected: 1, 0 (not ours), or -EBADMSG. */
static int
emit(struct jsonline *j, struct entry *e)
{
	static const char record[] = FMT_PROCESS_END;
	int time_field;

	if (!j->ours)
		return 0;
	if (j->bad || !(j->seen & UINT64_C(1) << SCHEMA_EVENT))
		return -EBADMSG;
	/* @timestamp is the end of a record, the time of a control event. */
	if (j->timestamp.from != NULL) {
		time_field = value_equal(&j->v[SCHEMA_EVENT], record,
		    sizeof(record) - 1) ? SCHEMA_END_TIME : SCHEMA_TIME;
		if (!(j->seen >> time_field & 1)) {
			j->v[time_field] = j->timestamp;
			j->seen |= UINT64_C(1) << time_field;
		} else if (!value_equal(&j->v[time_field], j->timestamp.p,
		    j->timestamp.len))
			return -EBADMSG;
	}
	entry_begin(e);
	for (int k = 0; k < SCHEMA_KV_COUNT; k++)
		if (j->seen >> k & 1 && entry_set_field(e,
		    (enum schema_field)k, j->v[k].p, j->v[k].len) < 0)
			return -EBADMSG;
	for (size_t i = 0; i < j->n_extra; i++)
		if (entry_set(e, j->extra[i].key, j->extra[i].key_len,
		    j->extra[i].v.p, j->extra[i].v.len) < 0)
			return -EBADMSG;
	if (entry_end(e) < 0)
		return -EBADMSG;
	if (!e->is_record && j->level >= 0)
		e->c.priority = j->level;
	return 1;
}

/* A field in seconds with three decimals (elapsed, cpu_user, cpu_sys). */
static bool
is_seconds(const struct member *m)
{
	return m != NULL && m->target < T_SECTION &&
	    schema_rows[m->target].type == SCHEMA_T_SECONDS;
}

/* Is m a member whose value the reader keeps (a field, @timestamp,
 * log.level) or a section, not one derived and read over (event.kind,
 * event.duration, ...)? */
static bool
is_kept(const struct member *m)
{
	return m != NULL && (m->target < SCHEMA_KV_COUNT ||
	    m->target == SCHEMA_TIMESTAMP || m->target == SCHEMA_LEVEL ||
	    m->target >= T_SECTION);
}

/*
 * The scanner: the JSON acct2syslog writes.  SCAN_UNUSUAL for anything
 * else, valid JSON or not.
 */

struct scan {
	struct jsonline	*j;
	const char	*p, *end;
	const struct member *prev;	/* the last member known */
};

static int scan_value(struct scan *s, enum schema_section sec,
    const struct member *m, const char *key, size_t key_len, int depth);

/* memcmp() == 0 for a few bytes, inline. */
static bool
bytes_equal(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

#define ONES	UINT64_C(0x0101010101010101)
#define HIGHS	UINT64_C(0x8080808080808080)

/* No '"', '\\' nor byte below 0x20 in the 8 bytes at p (a false "no"
 * now and then is harmless: the caller then looks byte by byte). */
static bool
plain8(const char *p)
{
	uint64_t v, q, b;

	memcpy(&v, p, 8);
	q = v ^ (ONES * '"');
	b = v ^ (ONES * '\\');
	return ((((q - ONES) & ~q) | ((b - ONES) & ~b) |
	    ((v - ONES * 0x20) & ~v)) & HIGHS) == 0;
}

/* A string at s->p: its text between the quotes. */
static int
scan_string(struct scan *s, const char **ret, size_t *ret_len)
{
	const char *start = s->p + 1, *p = start, *end = s->end;

	for (;;) {
		uint8_t c;

		/* Most bytes are plain: test them eight at a time. */
		while (end - p >= 8 && plain8(p))
			p += 8;
		if (p == end)
			return SCAN_UNUSUAL;
		c = (uint8_t)*p;
		if (c == '"')
			break;
		if (c == '\\') {
			/* \" and \\ are the kv form too; others are not. */
			if (end - p < 2 || (p[1] != '"' && p[1] != '\\'))
				return SCAN_UNUSUAL;
			p += 2;
		} else if (c < 0x20)
			return SCAN_UNUSUAL;
		else
			p++;
	}
	*ret = start;
	*ret_len = (size_t)(p - start);
	s->p = p + 1;
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* An unsigned number, with a fraction or not (no exponent). */
static int
scan_number(struct scan *s, const char **ret, size_t *ret_len)
{
	const char *p = s->p, *end = s->end;

	if (*p == '0')
		p++;
	else
		while (p < end && is_digit(*p))
			p++;
	if (p < end && *p == '.') {
		if (++p == end || !is_digit(*p))
			return SCAN_UNUSUAL;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (is_digit(*p) || *p == 'e' || *p == 'E'))
		return SCAN_UNUSUAL;	/* 01, or an exponent */
	*ret = s->p;
	*ret_len = (size_t)(p - s->p);
	s->p = p;
	return 0;
}

/* Past JSON's white space (which fmt_json() does not write, and tools
 * that write JSON again often do: ", " and ": "). */
static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* An object at s->p, whose members are those of sec. */
static int
scan_object(struct scan *s, enum schema_section sec, int depth)
{
	const char *p = skip_space(s->p + 1, s->end), *end = s->end;
	int rc;

	if (depth > DEPTH_MAX)
		return SCAN_UNUSUAL;
	if (p < end && *p == '}') {
		s->p = p + 1;
		return 0;
	}
	for (;;) {
		const struct member *m = s->prev ?
		    s->j->next[s->prev - s->j->table] : s->j->first;
		const char *key;
		size_t key_len;

		if (p == end || *p != '"')
			return SCAN_UNUSUAL;
		key = ++p;
		if (m != NULL && m->section == sec &&
		    (size_t)(end - p) > (size_t)m->len &&
		    bytes_equal(p, m->name, m->len) && p[m->len] == '"') {
			key_len = m->len;
			p += key_len;
		} else {
			uint32_t h = hash_seed(sec);

			while (p < end && *p != '"') {
				uint8_t c = (uint8_t)*p++;

				if (c == '\\' || c < 0x20)
					return SCAN_UNUSUAL;
				h = hash_step(h, c);
			}
			if (p == end)
				return SCAN_UNUSUAL;
			key_len = (size_t)(p - key);
			if ((m = lookup(s->j, sec, key, key_len, h)) != NULL) {
				if (s->prev)
					s->j->next[s->prev - s->j->table] = m;
				else
					s->j->first = m;
			}
		}
		p = skip_space(p + 1, end);
		if (p == end || *p != ':')
			return SCAN_UNUSUAL;
		if ((p = skip_space(p + 1, end)) == end)
			return SCAN_UNUSUAL;
		if (m != NULL)
			s->prev = m;
		s->p = p;
		rc = scan_value(s, sec, m, key, key_len, depth);
		if (rc != 0)
			return rc;
		p = skip_space(s->p, end);
		if (p == end)
			return SCAN_UNUSUAL;
		if (*p == '}') {
			s->p = p + 1;
			return 0;
		}
		if (*p++ != ',')
			return SCAN_UNUSUAL;
		p = skip_space(p, end);
	}
}

/* An array at s->p: read through, nothing of it kept. */
static int
scan_array(struct scan *s, int depth)
{
	int rc;

	if (depth > DEPTH_MAX)
		return SCAN_UNUSUAL;
	s->p = skip_space(s->p + 1, s->end);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		if ((rc = scan_value(s, SCHEMA_SEC_NONE, NULL, NULL, 0, depth)) != 0)
			return rc;
		s->p = skip_space(s->p, s->end);
		if (s->p == s->end)
			return SCAN_UNUSUAL;
		if (*s->p == ']') {
			s->p++;
			return 0;
		}
		if (*s->p++ != ',')
			return SCAN_UNUSUAL;
		s->p = skip_space(s->p, s->end);
	}
}

static bool
scan_literal(struct scan *s, const char *word, size_t len)
{
	if ((size_t)(s->end - s->p) < len || memcmp(s->p, word, len) != 0)
		return false;
	s->p += len;
	return true;
}

/* The value at s->p of member m (NULL: unknown, named key) of sec. */
static int
scan_value(struct scan *s, enum schema_section sec, const struct member *m,
    const char *key, size_t key_len, int depth)
{
	enum value_type type;
	const char *p = NULL;
	size_t len = 0;
	int rc;

	if (s->p == s->end)
		return SCAN_UNUSUAL;
	/* A value of a kind fmt_json() does not write for a member of ours
	 * (an object where a string goes, a null, a scalar for a section)
	 * is libfastjson's to read: if the member comes twice, its rule
	 * (the last one counts) must decide, and the scanner cannot see a
	 * member twice unless both are scalars. */
	if (is_kept(m) && (m->target >= T_SECTION ? *s->p != '{' :
	    *s->p == '{' || *s->p == '[' || *s->p == 'n'))
		return SCAN_UNUSUAL;
	switch (*s->p) {
	case '{': {
		enum schema_section sub = m != NULL && m->target >= T_SECTION ?
		    (enum schema_section)(m->target - T_SECTION) : SCHEMA_SEC_NONE;

		/* An object of ours given twice ("acct" twice): libfastjson
		 * keeps the last one; the scanner would merge them. */
		if (sub != SCHEMA_SEC_NONE) {
			if (s->j->sections >> sub & 1)
				return SCAN_UNUSUAL;
			s->j->sections |= 1u << sub;
		}
		if (sec == SCHEMA_SEC_ROOT && sub == SCHEMA_SEC_ACCT)
			s->j->ours = true;
		return scan_object(s, sub, depth + 1);
	}
	case '[':
		return scan_array(s, depth + 1);
	case '"':
		if ((rc = scan_string(s, &p, &len)) != 0)
			return rc;
		type = V_STRING;
		break;
	case 't':
		if (!scan_literal(s, "true", 4))
			return SCAN_UNUSUAL;
		type = V_TRUE;
		break;
	case 'f':
		if (!scan_literal(s, "false", 5))
			return SCAN_UNUSUAL;
		type = V_FALSE;
		break;
	case 'n':
		if (!scan_literal(s, "null", 4))
			return SCAN_UNUSUAL;
		type = V_NULL;
		break;
	default:
		if (!is_digit(*s->p))
			return SCAN_UNUSUAL;
		if ((rc = scan_number(s, &p, &len)) != 0)
			return rc;
		type = V_NUMBER;
		break;
	}
	if (m == NULL && sec != SCHEMA_SEC_ACCT)
		return 0;
	/* Seconds without their three decimals: from a JSON tool. */
	if (type == V_NUMBER && is_seconds(m) &&
	    (len < 5 || p[len - 4] != '.'))
		return SCAN_UNUSUAL;
	return collect(s->j, m, sec, key, key_len, type, p, len);
}

/*
 * libfastjson, for the rest.
 */

/* Room for n bytes of scratch; NULL (and the line bad) when full. */
static char *
scratch(struct jsonline *j, size_t n)
{
	char *p;

	if (SCRATCH_SIZE - j->scratch_used < n) {
		j->bad = true;
		return NULL;
	}
	p = j->scratch + j->scratch_used;
	j->scratch_used += n;
	return p;
}

/* A JSON string (unescaped by libfastjson) in its kv form: " and \ get
 * their backslash back. */
static const char *
kv_string(struct jsonline *j, const char *s, size_t len, size_t *ret_len)
{
	size_t extra = 0;
	char *d, *start;

	for (size_t i = 0; i < len; i++)
		extra += s[i] == '"' || s[i] == '\\';
	*ret_len = len + extra;
	if (extra == 0)
		return s;
	if ((d = start = scratch(j, len + extra)) == NULL)
		return "";
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			*d++ = '\\';
		*d++ = s[i];
	}
	return start;
}

/* printf into scratch; its length in *ret_len. */
__attribute__((format(printf, 3, 4))) static const char *
scratch_printf(struct jsonline *j, size_t *ret_len, const char *fmt, ...)
{
	char buf[64], *d;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    (d = scratch(j, (size_t)n)) == NULL) {
		j->bad = true;
		*ret_len = 0;
		return "";
	}
	memcpy(d, buf, (size_t)n);
	*ret_len = (size_t)n;
	return d;
}

/* Seconds (text of len bytes, value d) with the three decimals of the
 * kv form: 1.5 from a JSON tool is 1.500 again. */
static const char *
seconds_text(struct jsonline *j, const char *text, size_t *len, double d)
{
	const char *dot = memchr(text, '.', *len);
	size_t decimals = dot ? *len - (size_t)(dot - text) - 1 : 0;
	bool plain = strspn(text, "0123456789.") == *len;
	char *out;

	if (plain && decimals == 3)
		return text;
	if (plain && dot != NULL && decimals < 3) {
		if ((out = scratch(j, *len + 3 - decimals)) == NULL)
			return text;
		memcpy(out, text, *len);
		memset(out + *len, '0', 3 - decimals);
		*len += 3 - decimals;
		return out;
	}
	if (d >= 0 && d < 1e12)
		return scratch_printf(j, len, "%.3f", d);
	return text;		/* entry_set() says what is wrong */
}

/* The members of object o, of section sec. */
static void
walk(struct jsonline *j, struct fjson_object *o, enum schema_section sec,
    int depth)
{
	struct fjson_object_iterator it = fjson_object_iter_begin(o);
	struct fjson_object_iterator end = fjson_object_iter_end(o);

	for (; !fjson_object_iter_equal(&it, &end);
	    fjson_object_iter_next(&it)) {
		const char *key = fjson_object_iter_peek_name(&it);
		struct fjson_object *v = fjson_object_iter_peek_value(&it);
		size_t key_len = strlen(key), len = 0;
		const struct member *m = lookup(j, sec, key, key_len,
		    hash_key(sec, key, key_len));
		enum value_type type = V_NUMBER;
		const char *p = NULL;
		int64_t n;

		switch (fjson_object_get_type(v)) {
		case fjson_type_object: {
			enum schema_section sub = m != NULL &&
			    m->target >= T_SECTION ?
			    (enum schema_section)(m->target - T_SECTION) : SCHEMA_SEC_NONE;

			if (sec == SCHEMA_SEC_ROOT && sub == SCHEMA_SEC_ACCT)
				j->ours = true;
			if (sub != SCHEMA_SEC_NONE && depth < DEPTH_MAX)
				walk(j, v, sub, depth + 1);
			continue;
		}
		case fjson_type_array:
		case fjson_type_null:
			continue;
		case fjson_type_boolean:
			type = fjson_object_get_boolean(v) ? V_TRUE : V_FALSE;
			break;
		case fjson_type_int:
			/* libfastjson reads int64: beyond, it saturates. */
			n = fjson_object_get_int64(v);
			if ((n == INT64_MAX || n == INT64_MIN) &&
			    (m == NULL || m->target < SCHEMA_KV_COUNT))
				j->bad = true;
			p = is_seconds(m) ? scratch_printf(j, &len,
			    "%" PRId64 ".000", n) :
			    scratch_printf(j, &len, "%" PRId64, n);
			break;
		case fjson_type_double:
			/* The text as written (libfastjson keeps it). */
			p = fjson_object_get_string(v);
			len = strlen(p);
			if (is_seconds(m))
				p = seconds_text(j, p, &len,
				    fjson_object_get_double(v));
			break;
		case fjson_type_string:
			p = kv_string(j, fjson_object_get_string(v),
			    (size_t)fjson_object_get_string_len(v), &len);
			type = V_STRING;
			break;
		default:
			continue;
		}
		if (m != NULL || sec == SCHEMA_SEC_ACCT)
			collect(j, m, sec, key, key_len, type, p, len);
	}
}

/* Past the first "name" (n bytes, in quotes) of line; NULL if none. */
static const char *
after_quoted(const char *line, size_t len, const char *name, size_t n)
{
	const char *p = line, *end = line + len;

	while ((p = memmem(p, (size_t)(end - p), name, n)) != NULL) {
		if (p > line && p[-1] == '"' && (size_t)(end - p) > n &&
		    p[n] == '"')
			return p + n + 1;
		p += n;
	}
	return NULL;
}

/* A line that is not JSON, or broken JSON: does it look like ours (an
 * "acct" object, or an event.action of ours)? */
static bool
looks_ours(const char *line, size_t len)
{
	const struct schema_section_row *acct =
	    &schema_sections[SCHEMA_SEC_ACCT];
	const struct schema_row *action = &schema_rows[SCHEMA_EVENT];
	const char *p, *end = line + len;

	if (after_quoted(line, len, acct->name, acct->len) != NULL)
		return true;
	if ((p = after_quoted(line, len, action->member,
	    action->member_len)) == NULL || p == end || *p++ != ':')
		return false;
	p = skip_space(p, end);
	if (p == end || *p++ != '"')
		return false;
	if ((size_t)(end - p) > sizeof(FMT_PROCESS_END) - 1 &&
	    memcmp(p, FMT_PROCESS_END "\"", sizeof(FMT_PROCESS_END)) == 0)
		return true;
	for (int k = 0; k < FMT_CONTROL_COUNT; k++) {
		const char *name = fmt_control_name(k);
		size_t n = strlen(name);

		if ((size_t)(end - p) > n && memcmp(p, name, n) == 0 &&
		    p[n] == '"')
			return true;
	}
	return false;
}

static int
parse_fallback(struct jsonline *j, const char *line, size_t len,
    struct entry *e)
{
	struct fjson_object *o;
	int rc;

	collect_reset(j);
	if (len > INT_MAX)
		return looks_ours(line, len) ? -EBADMSG : 0;
	fjson_tokener_reset(j->tok);
	o = fjson_tokener_parse_ex(j->tok, line, (int)len);
	if (o == NULL || j->tok->char_offset != (int)len ||
	    fjson_object_get_type(o) != fjson_type_object) {
		fjson_object_put(o);
		return looks_ours(line, len) ? -EBADMSG : 0;
	}
	walk(j, o, SCHEMA_SEC_ROOT, 0);
	rc = emit(j, e);
	fjson_object_put(o);
	return rc;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
jsonline_parse(struct jsonline *j, const char *line, size_t len,
    struct entry *e)
{
	struct scan s;
	int rc;

	while (len > 0 && is_space(line[len - 1]))
		len--;
	while (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
		line++;
		len--;
	}
	if (len == 0 || line[0] != '{')
		return 0;
	collect_reset(j);
	s = (struct scan){ j, line, line + len, NULL };
	rc = scan_object(&s, SCHEMA_SEC_ROOT, 1);
	if (rc == 0 && s.p == s.end)
		return emit(j, e);
	return parse_fallback(j, line, len, e);
}
