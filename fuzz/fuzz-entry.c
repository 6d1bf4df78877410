/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-entry: libFuzzer target for entry.c, a message rebuilt from
 * fields whose values come from outside (what the rulebase, jsonline.c
 * and the journal source hand it).
 *
 * The input is lines "key=value" (value as a kv line has it, without the
 * quotes of a string); each goes to entry_set(), then entry_end().
 * Checked on every input (entry.h):
 *  - entry_set() gives 0 or -EINVAL, entry_end() 0 or -EBADMSG;
 *  - when every field was taken and the entry ends well: the entry is
 *    whole (harness_check_entry()), its kv line is well-formed and reads
 *    back to itself with the same digest (harness.h), and every number
 *    the kv line carries for a field given is the number given (a value
 *    is never changed on its way through, e.g. wrapped).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "format.h"
#include "harness.h"

#define LINES_MAX	64		/* fields of one input */

/* Numbers the kv line carries as given: for a record, a control event
 * or both; ms: seconds with three decimals. */
static const struct {
	const char	*kv;
	bool		record, control, ms;
} numbers[] = {
	{ "user_id", true, false, false },
	{ "group_id", true, false, false },
	{ "exit_code", true, false, false },
	{ "signal", true, false, false },
	{ "core_dumped", true, false, false },
	{ "cpu_user", true, false, true },
	{ "cpu_sys", true, false, true },
	{ "mem_kib", true, false, false },
	{ "minflt", true, false, false },
	{ "majflt", true, false, false },
	{ "io_chars", true, false, false },
	{ "io_blocks", true, false, false },
	{ "swaps", true, false, false },
	{ "acct_version", true, false, false },
	{ "offset", false, true, false },
	{ "bytes", false, true, false },
	{ "records", false, true, false },
	{ "free_percent", false, true, false },
};
#define N_NUMBERS	(sizeof(numbers) / sizeof(numbers[0]))

/* A decimal number, or with three decimals (ms) its milliseconds. */
static bool _nocov_
number_of(const char *s, size_t len, bool ms, uint64_t *ret)
{
	uint64_t v = 0;
	size_t digits = ms ? len - 4 : len;

	if (len == 0 || len > 24 || (ms && (len < 5 || s[len - 4] != '.')))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (ms && i == digits)
			continue;
		d = (unsigned)(s[i] - '0');
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

/* The value of key in kv (NULL when it is not there). */
static const char * _nocov_
kv_value(const struct harness_kv *kv, const char *key, size_t *ret_len)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < kv->count; i++)
		if (kv->field[i].key_len == n &&
		    memcmp(kv->field[i].key, key, n) == 0) {
			*ret_len = kv->field[i].value_len;
			return kv->field[i].value;
		}
	return NULL;
}

int _nocov_
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct entry e;
	static struct harness_kv out;
	struct {
		const char	*value;
		size_t		len;
	} given[N_NUMBERS] = { { NULL, 0 } };
	char *text = harness_copy(data, size), kv[FMT_READ_MAX];
	const char *p = text, *end = text + size;
	bool all_taken = true;
	int rc;

	harness_note("entry: %zu bytes of fields", size);
	entry_begin(&e);
	for (int n = 0; p < end && n < LINES_MAX; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *eq = memchr(p, '=', (size_t)(line_end - p));
		const char *value = eq ? eq + 1 : line_end;
		size_t key_len = (size_t)((eq ? eq : line_end) - p);
		size_t len = (size_t)(line_end - value);

		rc = entry_set(&e, p, key_len, value, len);
		check(rc == 0 || rc == -EINVAL);
		if (rc < 0)
			all_taken = false;
		for (size_t i = 0; rc == 0 && i < N_NUMBERS; i++)
			if (strlen(numbers[i].kv) == key_len &&
			    memcmp(numbers[i].kv, p, key_len) == 0) {
				given[i].value = value;
				given[i].len = len;
			}
		p = nl ? nl + 1 : end;
	}
	rc = entry_end(&e);
	check(rc == 0 || rc == -EBADMSG);
	if (rc == 0 && all_taken) {
		harness_check_entry(&e);
		harness_check_kv_round_trip(&e, kv);
		check(harness_kv_read(kv, strlen(kv), &out));
		for (size_t i = 0; i < N_NUMBERS; i++) {
			uint64_t want, got;
			const char *v;
			size_t len;

			if (given[i].value == NULL ||
			    !(e.is_record ? numbers[i].record :
			    numbers[i].control))
				continue;
			harness_note("entry: %s=%.*s", numbers[i].kv,
			    (int)given[i].len, given[i].value);
			check(number_of(given[i].value, given[i].len,
			    numbers[i].ms, &want));
			check((v = kv_value(&out, numbers[i].kv, &len)) !=
			    NULL);
			check(number_of(v, len, numbers[i].ms, &got));
			check(got == want);
		}
	}
	free(text);
	return 0;
}
