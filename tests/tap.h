/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tap.h: the Test Anything Protocol, just enough of it.
 *
 *	plan(3);
 *	ok(x == 1, "x is one");
 *	is_int(got, want, "count");
 *	is_str(got, want, "name");
 *	skip(2, "no journald here");	(two points that cannot run)
 *	todo_start("known defect");	(failures below count as TODO)
 *	todo_end();
 *	return done_testing();
 *
 * Single-file, header-only; one test program uses it at a time.
 */
#ifndef ACCT_TAP_H
#define ACCT_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_run, tap_failed, tap_planned;
static const char *tap_todo;	/* the reason while in a TODO block */

static inline void
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

/* Print "1..0 # SKIP why" and exit 77: the prerequisite is missing. */
static inline void
skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(77);
}

__attribute__((format(printf, 2, 3))) static inline int
ok(int pass, const char *fmt, ...)
{
	va_list ap;

	tap_run++;
	if (!pass && tap_todo == NULL)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (tap_todo != NULL)
		printf(" # TODO %s", tap_todo);
	printf("\n");
	fflush(stdout);
	return pass;
}

/* n points that cannot run here, each "ok N # SKIP why". */
static inline void
skip(int n, const char *why)
{
	for (int i = 0; i < n; i++) {
		tap_run++;
		printf("ok %d # SKIP %s\n", tap_run, why);
	}
	fflush(stdout);
}

/* The points until todo_end() are known to fail (TAP TODO): reported, not
 * counted as failures.  A TODO that passes is reported too (XPASS). */
static inline void
todo_start(const char *why)
{
	tap_todo = why;
}

static inline void
todo_end(void)
{
	tap_todo = NULL;
}

__attribute__((format(printf, 1, 2))) static inline void
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define is_int(got, want, ...) do {					\
	intmax_t g_ = (intmax_t)(got), w_ = (intmax_t)(want);		\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		diag("  got %jd, want %jd", g_, w_);			\
} while (0)

#define is_uint(got, want, ...) do {					\
	uintmax_t g_ = (uintmax_t)(got), w_ = (uintmax_t)(want);	\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		diag("  got %ju, want %ju", g_, w_);			\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!ok(g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0,	\
	    __VA_ARGS__))						\
		diag("  got \"%s\", want \"%s\"", g_ ? g_ : "(null)",	\
		    w_ ? w_ : "(null)");				\
} while (0)

/* Exit status for main(): 0 only when every planned test ran and passed. */
static inline int
done_testing(void)
{
	if (tap_planned == 0)
		printf("1..%d\n", tap_run);
	else if (tap_run != tap_planned)
		diag("planned %d tests, ran %d", tap_planned, tap_run);
	return tap_failed == 0 && (tap_planned == 0 || tap_run == tap_planned) ?
	    0 : 1;
}

#endif
