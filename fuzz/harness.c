/* SPDX-License-Identifier: Apache-2.0 */
/*
 * harness.c: the checks the fuzz targets of lastcomm-ng share; see
 * harness.h.
 */
#include "config.h"

#include <json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "harness.h"
#include "jsonline.h"

#define NOTE_MAX	4096

static char note[NOTE_MAX];

void _nocov_
harness_violated(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
	if (note[0] != '\0')
		fprintf(stderr, "note: %s\n", note);
	abort();
}

void _nocov_
harness_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
}

char * _nocov_
harness_copy(const void *data, size_t size)
{
	char *p = malloc(size > 0 ? size : 1);

	if (p == NULL)
		abort();
	if (size > 0)
		memcpy(p, data, size);
	return p;
}

/* Length of the UTF-8 sequence at p (n bytes left), 0 if invalid: the
 * rule of escape.c, written again from RFC 3629's table. */
static size_t _nocov_
utf8_seq(const uint8_t *p, size_t n)
{
	static const struct {
		uint8_t	first_lo, first_hi, second_lo, second_hi, len;
	} rows[] = {
		{ 0xc2, 0xdf, 0x80, 0xbf, 2 },
		{ 0xe0, 0xe0, 0xa0, 0xbf, 3 },
		{ 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 },
		{ 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 },
		{ 0xf1, 0xf3, 0x80, 0xbf, 4 },
		{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		if (p[0] < rows[r].first_lo || p[0] > rows[r].first_hi)
			continue;
		if (n < rows[r].len || p[1] < rows[r].second_lo ||
		    p[1] > rows[r].second_hi)
			return 0;
		for (size_t i = 2; i < rows[r].len; i++)
			if (p[i] < 0x80 || p[i] > 0xbf)
				return 0;
		return rows[r].len;
	}
	return 0;
}

bool _nocov_
harness_utf8_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + len;

	while (p < end) {
		size_t n = *p < 0x80 ? 1 : utf8_seq(p, (size_t)(end - p));

		if (n == 0)
			return false;
		p += n;
	}
	return true;
}

/* A quoted kv string at p (after its opening quote): its end (at the
 * closing quote), or NULL. */
static const char * _nocov_
kv_string_end(const char *p, const char *end)
{
	while (p < end && *p != '"') {
		uint8_t c = (uint8_t)*p;
		size_t n;

		if (c == '\\') {
			if (end - p < 2 || (p[1] != '"' && p[1] != '\\'))
				return NULL;
			p += 2;
		} else if (c == '#') {
			if (end - p < 4 || p[1] < '0' || p[1] > '3' ||
			    p[2] < '0' || p[2] > '7' || p[3] < '0' ||
			    p[3] > '7')
				return NULL;
			p += 4;
		} else if (c < 0x20 || c == 0x7f)
			return NULL;
		else if (c < 0x80)
			p++;
		else if ((n = utf8_seq((const uint8_t *)p,
		    (size_t)(end - p))) == 0)
			return NULL;
		else
			p += n;
	}
	return p < end ? p : NULL;
}

/* An unquoted kv number at p: its end, or NULL. */
static const char * _nocov_
kv_number_end(const char *p, const char *end)
{
	const char *start = p;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p == start)
		return NULL;
	if (p < end && *p == '.') {
		if (end - p < 4)
			return NULL;
		for (int i = 1; i <= 3; i++)
			if (p[i] < '0' || p[i] > '9')
				return NULL;
		p += 4;
	}
	return p;
}

bool _nocov_
harness_kv_read(const char *line, size_t len, struct harness_kv *ret)
{
	const char *p = line, *end = line + len;

	ret->count = 0;
	while (p < end) {
		const char *key = p, *value;
		size_t i = ret->count;
		bool quoted;

		if (i == HARNESS_KV_FIELDS)
			return false;
		while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '_'))
			p++;
		if (p == key || p == end || *p != '=')
			return false;
		ret->field[i].key = key;
		ret->field[i].key_len = (size_t)(p - key);
		p++;
		quoted = p < end && *p == '"';
		value = quoted ? p + 1 : p;
		p = quoted ? kv_string_end(value, end) :
		    kv_number_end(value, end);
		if (p == NULL)
			return false;
		ret->field[i].value = value;
		ret->field[i].value_len = (size_t)(p - value);
		ret->field[i].quoted = quoted;
		ret->count++;
		if (quoted)
			p++;
		if (p < end) {
			if (*p != ' ' || p + 1 == end)
				return false;
			p++;
		}
	}
	return ret->count > 0;
}

/* A string kept by the entry: NUL-terminated within its storage. */
static void _nocov_
check_storage(const char *s, size_t size)
{
	check(memchr(s, '\0', size) != NULL);
}

void _nocov_
harness_check_entry(const struct entry *e)
{
	check_storage(e->event, sizeof(e->event));
	check_storage(e->host, sizeof(e->host));
	check_storage(e->user, sizeof(e->user));
	check_storage(e->group, sizeof(e->group));
	check_storage(e->tty, sizeof(e->tty));
	check_storage(e->stream, sizeof(e->stream));
	check_storage(e->message, sizeof(e->message));
	check_storage(e->file, sizeof(e->file));
	check_storage(e->new_file, sizeof(e->new_file));
	check(e->names_given);
	check(e->ctx.user == NULL || e->ctx.user == e->user);
	check(e->ctx.group == NULL || e->ctx.group == e->group);
	check(e->ctx.tty == NULL || e->ctx.tty == e->tty);
	check(e->ctx.host == NULL || e->ctx.host == e->host);
	check((e->ctx.stream != NULL) == e->has_seq);
	check(e->ctx.stream == NULL || e->ctx.stream == e->stream);
	check(e->is_record == (strcmp(e->event, "process_end") == 0));
	if (e->is_record) {
		const struct acct_event *ev = &e->ev;

		check(e->control == -1);
		check(ev->comm_len <= ACCT_COMM_MAX);
		check(ev->comm[ev->comm_len] == '\0');
		check(ev->version <= 3);
		check(ev->signal <= 127);
		check(ev->core_dumped == 0 || ev->core_dumped == 1);
		check(ev->wait_status == ((uint32_t)ev->exit_code << 8 |
		    ev->signal | (ev->core_dumped ? 0x80u : 0)));
		check(ev->ahz == 1000);
		check(isfinite(ev->elapsed_ticks) && ev->elapsed_ticks >= 0);
		/* No undefined behaviour on the way to the printed times. */
		(void)acct_end_us(ev);
		(void)acct_ticks_to_us(ev, ev->user_ticks);
		(void)acct_ticks_to_us(ev, ev->sys_ticks);
	} else {
		check(e->control >= 0 && e->control < FMT_CONTROL_COUNT);
		check((int)e->c.kind == e->control);
		check(strcmp(fmt_control_name(e->c.kind), e->event) == 0);
		check(e->c.message == NULL || e->c.message == e->message);
		check(e->c.file == NULL || e->c.file == e->file);
		check(e->c.new_file == NULL || e->c.new_file == e->new_file);
		check(e->c.priority >= 0 && e->c.priority <= 7);
		check(!(e->c.has & FMT_HAS_FREE_PERCENT) ||
		    e->c.free_percent <= 100);
	}
}

bool _nocov_
harness_extreme(const struct entry *e)
{
	uint64_t elapsed;

	if (!e->is_record)
		return false;
	elapsed = acct_elapsed_us(&e->ev);
	return elapsed > (UINT64_C(1) << 50) ||
	    (uint64_t)e->ev.start_time * 1000000 + elapsed >=
	    UINT64_C(253402300800000000);
}

/* Are fields i of a and b the same but for a time of an extreme record? */
static bool _nocov_
same_field(const struct harness_kv *a, const struct harness_kv *b,
    size_t i, bool extreme)
{
	const char *key = a->field[i].key;
	size_t n = a->field[i].key_len;

	if (n != b->field[i].key_len || memcmp(key, b->field[i].key, n) != 0)
		return false;
	if (extreme && ((n == 8 && memcmp(key, "end_time", 8) == 0) ||
	    (n == 7 && memcmp(key, "elapsed", 7) == 0)))
		return true;
	return a->field[i].value_len == b->field[i].value_len &&
	    memcmp(a->field[i].value, b->field[i].value,
	    a->field[i].value_len) == 0;
}

bool _nocov_
harness_same_kv(const struct entry *e, const char *a, const char *b)
{
	static struct harness_kv fa, fb;

	if (strcmp(a, b) == 0)
		return true;
	if (!harness_extreme(e) || !harness_kv_read(a, strlen(a), &fa) ||
	    !harness_kv_read(b, strlen(b), &fb) || fa.count != fb.count)
		return false;
	for (size_t i = 0; i < fa.count; i++)
		if (!same_field(&fa, &fb, i, true))
			return false;
	return true;
}

/* Does kv have key with a quoted value? */
static bool _nocov_
kv_has_string(const struct harness_kv *kv, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < kv->count; i++)
		if (kv->field[i].key_len == n &&
		    memcmp(kv->field[i].key, key, n) == 0)
			return kv->field[i].quoted;
	return false;
}

size_t _nocov_
harness_check_kv_round_trip(const struct entry *e, char *kv)
{
	static struct entry again;
	static struct harness_kv fields;
	char kv_again[FMT_READ_MAX];
	size_t n = entry_kv(e, kv, FMT_READ_MAX);

	/* Whatever a reader took fits FMT_READ_MAX (format.h). */
	check(n > 0 && n < FMT_READ_MAX);
	check(strlen(kv) == n);
	check(harness_kv_read(kv, n, &fields));
	/* A record's names are evidence: none may be left out. */
	if (e->is_record) {
		check(e->ctx.user == NULL || kv_has_string(&fields, "user"));
		check(e->ctx.group == NULL || kv_has_string(&fields, "group"));
		check(e->ctx.tty == NULL || kv_has_string(&fields, "tty"));
		check(e->ctx.host == NULL || kv_has_string(&fields, "host"));
		check(e->ctx.stream == NULL ||
		    kv_has_string(&fields, "stream"));
	}
	entry_begin(&again);
	for (size_t i = 0; i < fields.count; i++)
		check(entry_set(&again, fields.field[i].key,
		    fields.field[i].key_len, fields.field[i].value,
		    fields.field[i].value_len) == 0);
	check(entry_end(&again) == 0);
	harness_check_entry(&again);
	entry_kv(&again, kv_again, sizeof(kv_again));
	harness_note("kv line %s; read back: %s", kv, kv_again);
	check(harness_same_kv(e, kv, kv_again));
	check(harness_extreme(e) || entry_digest(&again) == entry_digest(e));
	return n;
}

void _nocov_
harness_check_json_round_trip(struct jsonline *j, const struct entry *e,
    const char *kv)
{
	static struct entry again;
	char *json = malloc(FMT_READ_MAX), back[FMT_READ_MAX];
	enum fmt_status st;
	size_t n;

	if (json == NULL)
		abort();
	st = e->is_record ? fmt_json(json, FMT_READ_MAX, &e->ev, &e->ctx, &n) :
	    fmt_control_json(json, FMT_READ_MAX, &e->c, &e->ctx, &n);
	check(st == FMT_OK && n > 0 && n < FMT_READ_MAX && json[n] == '\0');
	harness_note("the JSON line %s; kv line %s", json, kv);
	check(harness_json_valid(json, n));
	check(jsonline_parse(j, json, n, &again) == 1);
	harness_check_entry(&again);
	entry_kv(&again, back, sizeof(back));
	check(harness_same_kv(e, kv, back));
	free(json);
}

bool _nocov_
harness_json_valid(const char *text, size_t len)
{
	static struct fjson_tokener *tok;
	struct fjson_object *o;
	bool ok;

	if (tok == NULL) {
		if ((tok = fjson_tokener_new()) == NULL)
			abort();
		fjson_tokener_set_flags(tok, FJSON_TOKENER_STRICT);
	}
	if (len > 1 << 20)
		return false;
	fjson_tokener_reset(tok);
	o = fjson_tokener_parse_ex(tok, text, (int)len);
	ok = o != NULL && tok->char_offset == (int)len &&
	    fjson_object_get_type(o) == fjson_type_object;
	fjson_object_put(o);
	return ok;
}

const char * _nocov_
harness_rules_dir(void)
{
	const char *dir = getenv("FUZZ_RULES_DIR");

	return dir != NULL && dir[0] != '\0' ? dir : FUZZ_RULES_DIR;
}
