/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timefmt.c: calendar arithmetic for the output hot path.
 */
#include "config.h"

#include "timefmt.h"

#define US_PER_DAY	86400000000ULL
#define MAX_US		253402300799999999ULL	/* 9999-12-31T23:59:59.999999 */

void
timefmt_civil(int64_t days, int *ret_year, unsigned *ret_month,
    unsigned *ret_day)
{
	/* Count in 400-year eras starting on 0000-03-01, so that the leap
	 * day is the last day of a year. */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);		/* 0..146096 */
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* 0..365 */
	unsigned mp = (5 * doy + 2) / 153;			/* March = 0 */

	*ret_day = doy - (153 * mp + 2) / 5 + 1;
	*ret_month = mp < 10 ? mp + 3 : mp - 9;
	*ret_year = (int)(yoe + era * 400 + (*ret_month <= 2));
}

static char *
put_digits(char *d, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		d[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return d + width;
}

size_t
timefmt_rfc3339(char *dst, uint64_t us)
{
	unsigned month, day, secs;
	int year;
	char *d = dst;

	if (us > MAX_US)
		us = MAX_US;
	timefmt_civil((int64_t)(us / US_PER_DAY), &year, &month, &day);
	secs = (unsigned)(us / 1000000 % 86400);
	d = put_digits(d, (unsigned)year, 4);
	*d++ = '-';
	d = put_digits(d, month, 2);
	*d++ = '-';
	d = put_digits(d, day, 2);
	*d++ = 'T';
	d = put_digits(d, secs / 3600, 2);
	*d++ = ':';
	d = put_digits(d, secs / 60 % 60, 2);
	*d++ = ':';
	d = put_digits(d, secs % 60, 2);
	*d++ = '.';
	d = put_digits(d, (unsigned)(us % 1000000), 6);
	*d++ = 'Z';
	return (size_t)(d - dst);
}

uint64_t
timefmt_now_us(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}
