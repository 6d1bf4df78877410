/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-jsonline: libFuzzer target for jsonline_parse(), one line of a
 * JSON archive into an entry.
 *
 * The input is the line.  Its promises (jsonline.h), checked on every
 * input:
 *  - the result is 1, 0 or -EBADMSG, and 0 for a line that does not
 *    start with '{' after its blanks;
 *  - a parser that has read other lines (its member order cache warm)
 *    and a new one give the same result and the same entry;
 *  - where jsonline.c's own scanner takes the line, libfastjson (the
 *    judge of the rest) agrees with it, entry for entry, but for a
 *    number of ours above INT64_MAX, which libfastjson cannot hold
 *    (jsonline.c says so);
 *  - an entry is whole (harness_check_entry()) and keeps nothing of the
 *    line: the line is freed before the entry is looked at;
 *  - its kv line is well-formed and reads back to itself (harness.h),
 *    and its JSON line (fmt_json(), fmt_control_json()) fits
 *    FMT_READ_MAX, is strict JSON, and parses back into an entry with
 *    the same kv line.
 * jsonline.c is included to reach its scanner and its libfastjson path
 * apart, as tests/unit/test-jsonline.c does.
 */
#include "../lastcomm-ng/jsonline.c"

#include "harness.h"

/* Is there a JSON integer (outside strings) of INT64_MAX or more? */
static bool _nocov_
has_huge_integer(const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	bool in_string = false;

	while (p < end) {
		if (in_string) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_string = false;
			p++;
			continue;
		}
		if (*p == '"') {
			in_string = true;
			p++;
			continue;
		}
		if (is_digit(*p)) {
			bool fraction = p > line && p[-1] == '.';
			uint64_t v = 0;
			bool over = false;

			for (; p < end && is_digit(*p); p++) {
				unsigned d = (unsigned)(*p - '0');

				if (v > (UINT64_MAX - d) / 10)
					over = true;
				else
					v = v * 10 + d;
			}
			if (!fraction && (over || v >= INT64_MAX) &&
			    (p == end || (*p != '.' && *p != 'e' && *p != 'E')))
				return true;
			continue;
		}
		p++;
	}
	return false;
}

/* Does the scanner alone take the line (as jsonline_parse() trims it)? */
static bool _nocov_
scanner_takes(struct jsonline *j, const char *line, size_t len)
{
	struct scan s = { j, line, line + len, NULL };

	if (len == 0 || line[0] != '{')
		return false;
	collect_reset(j);
	return scan_object(&s, SCHEMA_SEC_ROOT, 1) == 0 && s.p == s.end;
}

/* The line as jsonline_parse() trims it. */
static void _nocov_
trim(const char **line, size_t *len)
{
	while (*len > 0 && is_space((*line)[*len - 1]))
		(*len)--;
	while (*len > 0 && ((*line)[0] == ' ' || (*line)[0] == '\t')) {
		(*line)++;
		(*len)--;
	}
}

/* Two readings of one line: the same message. */
static void _nocov_
check_same_entry(const struct entry *a, const struct entry *b)
{
	char kv_a[FMT_READ_MAX], kv_b[FMT_READ_MAX];

	check(a->is_record == b->is_record && a->control == b->control);
	check(entry_kv(a, kv_a, sizeof(kv_a)) ==
	    entry_kv(b, kv_b, sizeof(kv_b)));
	check(strcmp(kv_a, kv_b) == 0);
	if (!a->is_record)
		check(a->c.priority == b->c.priority);
}

int _nocov_
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jsonline *warm;
	static struct entry e, other;
	struct jsonline *cold;
	char *line = harness_copy(data, size), kv[FMT_READ_MAX];
	const char *trimmed = line;
	size_t trimmed_len = size;
	int rc, rc_other;

	if (warm == NULL && jsonline_new(&warm) < 0)
		abort();
	if (jsonline_new(&cold) < 0)
		abort();
	harness_note("jsonline: a line of %zu bytes", size);
	rc = jsonline_parse(warm, line, size, &e);
	check(rc == 1 || rc == 0 || rc == -EBADMSG);
	trim(&trimmed, &trimmed_len);
	if (trimmed_len == 0 || trimmed[0] != '{')
		check(rc == 0);

	rc_other = jsonline_parse(cold, line, size, &other);
	check(rc_other == rc);
	if (rc == 1)
		check_same_entry(&e, &other);
	jsonline_free(cold);

	if (scanner_takes(warm, trimmed, trimmed_len)) {
		rc_other = parse_fallback(warm, trimmed, trimmed_len, &other);
		if (rc_other != rc) {
			harness_note("scanner %d, libfastjson %d", rc,
			    rc_other);
			check(rc_other == -EBADMSG &&
			    has_huge_integer(trimmed, trimmed_len));
		} else if (rc == 1)
			check_same_entry(&e, &other);
	}

	/* Nothing of the line may be kept: from here on it is gone. */
	free(line);
	if (rc == 1) {
		harness_check_entry(&e);
		harness_check_kv_round_trip(&e, kv);
		harness_check_json_round_trip(warm, &e, kv);
	}
	return 0;
}
