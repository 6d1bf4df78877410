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
	enum entry_field field;
	const char	*kv;
	bool		record, control, ms;
} numbers[] = {
	{ ENTRY_USER_ID, "user_id", true, false, false },
	{ ENTRY_GROUP_ID, "group_id", true, false, false },
	{ ENTRY_EXIT_CODE, "exit_code", true, false, false },
	{ ENTRY_SIGNAL, "signal", true, false, false },
	{ ENTRY_CORE_DUMPED, "core_dumped", true, false, false },
	{ ENTRY_CPU_USER, "cpu_user", true, false, true },
	{ ENTRY_CPU_SYS, "cpu_sys", true, false, true },
	{ ENTRY_MEM_KIB, "mem_kib", true, false, false },
	{ ENTRY_MINFLT, "minflt", true, false, false },
	{ ENTRY_MAJFLT, "majflt", true, false, false },
	{ ENTRY_IO_CHARS, "io_chars", true, false, false },
	{ ENTRY_IO_BLOCKS, "io_blocks", true, false, false },
	{ ENTRY_SWAPS, "swaps", true, false, false },
	{ ENTRY_ACCT_VERSION, "acct_version", true, false, false },
	{ ENTRY_OFFSET, "offset", false, true, false },
	{ ENTRY_BYTES, "bytes", false, true, false },
	{ ENTRY_RECORDS, "records", false, true, false },
	{ ENTRY_FREE_PERCENT, "free_percent", false, true, false },
};

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
	} given[ENTRY_COUNT] = { { NULL, 0 } };
	char *text = harness_copy(data, size), kv[FMT_LINE_MAX];
	const char *p = text, *end = text + size;
	bool all_taken = true;
	int rc;

	harness_note("entry: %zu bytes of fields", size);
	entry_begin(&e);
	check(entry_set_field(&e, ENTRY_COUNT, "1", 1) == -EINVAL);
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
		for (size_t i = 0; rc == 0 &&
		    i < sizeof(numbers) / sizeof(numbers[0]); i++)
			if (strlen(numbers[i].kv) == key_len &&
			    memcmp(numbers[i].kv, p, key_len) == 0) {
				given[numbers[i].field].value = value;
				given[numbers[i].field].len = len;
			}
		p = nl ? nl + 1 : end;
	}
	rc = entry_end(&e);
	check(rc == 0 || rc == -EBADMSG);
	if (rc == 0 && all_taken) {
		harness_check_entry(&e);
		harness_check_kv_round_trip(&e, kv);
		check(harness_kv_read(kv, strlen(kv), &out));
		for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]);
		    i++) {
			enum entry_field f = numbers[i].field;
			uint64_t want, got;
			const char *v;
			size_t len;

			if (given[f].value == NULL ||
			    !(e.is_record ? numbers[i].record :
			    numbers[i].control))
				continue;
			harness_note("entry: %s=%.*s", numbers[i].kv,
			    (int)given[f].len, given[f].value);
			check(number_of(given[f].value, given[f].len,
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
