/* SPDX-License-Identifier: Apache-2.0 */
/*
 * harness.h: what the fuzz targets of lastcomm-ng's readers and printers
 * share (fuzz-jsonline, fuzz-rulebase, fuzz-entry, fuzz-print).
 *
 * Promise: check() aborts with the condition, the line and the last note
 * when a promise of the code under test is broken, so that libFuzzer
 * keeps the input as a finding (and the replay driver stops on it).  The
 * kv reader here is written from docs/schema.md alone, not from
 * format.c or the rulebase, so that it is an oracle of its own: a line it
 * refuses is a finding.  Nothing here allocates but harness_json_valid()
 * (through libfastjson); one thread.
 */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entry.h"

/* The harness's own comparisons are not what the fuzzer should steer by. */
#if defined(__clang__)
#define _nocov_		__attribute__((no_sanitize("coverage")))
#else
#define _nocov_
#endif

#define check(cond)							\
	do {								\
		if (!(cond))						\
			harness_violated(#cond, __FILE__, __LINE__);	\
	} while (0)

/* The fields of one kv line, as harness_kv_read() found them. */
#define HARNESS_KV_FIELDS	64
struct harness_kv {
	size_t		count;
	struct {
		const char	*key, *value;	/* into the line */
		size_t		key_len, value_len;
		bool		quoted;	/* value between quotes */
	}		field[HARNESS_KV_FIELDS];
};

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void	harness_violated(const char *what, const char *file, int line)
	    __attribute__((noreturn));

/* What is going on, for the report of a broken promise (printf). */
void	harness_note(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* A copy of data in a buffer of exactly size bytes (malloc), so that
 * ASan sees a read past it even when the caller's buffer is larger. */
char	*harness_copy(const void *data, size_t size);

/* Is s (len bytes) valid UTF-8 (escape.c's rule: no overlong forms, no
 * surrogates, nothing above U+10FFFF)? */
bool	harness_utf8_valid(const char *s, size_t len);

/* Read a kv line (docs/schema.md "kv"): key=value separated by one
 * space; a string in double quotes escaped only with \" and \\, every
 * byte below 0x20, 0x7f, '#' and invalid UTF-8 as #ooo; a number
 * unsigned decimal, with three decimals for seconds.  False for a line
 * that breaks any of it. */
bool	harness_kv_read(const char *line, size_t len,
	    struct harness_kv *ret);

/* The invariants of an entry after entry_end() gave 0. */
void	harness_check_entry(const struct entry *e);

/* Is e a record beyond what an entry keeps exactly (an elapsed time over
 * 2^50 us, kept as a double of milliseconds, or an end past 9999-12-31,
 * where timefmt stops: only garbage gives these; tests/unit/test-jsonline.c
 * has the same rule)?  Its end_time and elapsed may then move by a few
 * microseconds each time it is written and read again. */
bool	harness_extreme(const struct entry *e);

/* Are kv lines a and b of e the same, but for those times of an extreme
 * record? */
bool	harness_same_kv(const struct entry *e, const char *a,
	    const char *b);

/* The kv line of e (entry_kv()) is well-formed, holds every name the
 * entry has, and reads back (through entry_set(), no rulebase) into an
 * entry with the same kv line and digest (harness_same_kv()).  The
 * line goes into kv (size FMT_READ_MAX); its length is returned. */
size_t	harness_check_kv_round_trip(const struct entry *e, char *kv);

/* The JSON line of e (fmt_json(), fmt_control_json()) fits FMT_READ_MAX,
 * is strict JSON, and j reads it back into an entry whose kv line is kv. */
struct jsonline;
void	harness_check_json_round_trip(struct jsonline *j,
	    const struct entry *e, const char *kv);

/* Is text (len bytes) one JSON object, strictly, and nothing else? */
bool	harness_json_valid(const char *text, size_t len);

/* The rules directory: $FUZZ_RULES_DIR, else the source tree's rules/. */
const char *harness_rules_dir(void);

#endif
