/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timefmt.h: RFC 3339 timestamps in UTC, fast and without the C library's
 * time zone machinery.  Pure functions, thread safe.
 */
#ifndef ACCT_TIMEFMT_H
#define ACCT_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TIMEFMT_RFC3339_LEN	27	/* 2026-11-21T05:07:51.123456Z */

/* Write us (microseconds since the epoch, UTC) as RFC 3339 with six
 * decimals into dst (room for TIMEFMT_RFC3339_LEN bytes, no NUL added);
 * returns TIMEFMT_RFC3339_LEN.  Years past 9999 are clamped to the end of
 * 9999. */
size_t	timefmt_rfc3339(char *dst, uint64_t us);

/* Now on clock (CLOCK_REALTIME, CLOCK_MONOTONIC, ...), in microseconds. */
uint64_t timefmt_now_us(clockid_t clock);

/* Split days since 1970-01-01 into a proleptic Gregorian date. */
void	timefmt_civil(int64_t days, int *ret_year, unsigned *ret_month,
	    unsigned *ret_day);

#endif
