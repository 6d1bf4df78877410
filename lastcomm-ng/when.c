/* SPDX-License-Identifier: Apache-2.0 */
/*
 * when.c: parse --since and --until.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "when.h"

/* Midnight at the start of the day of t, days later (may be negative). */
static time_t
midnight(time_t t, int days, bool utc)
{
	struct tm tm;

	if ((utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL)
		return (time_t)-1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return utc ? timegm(&tm) : mktime(&tm);
}

/* "-2h" and friends. */
static int
parse_relative(const char *s, time_t now, time_t *ret_time)
{
	static const struct {
		char	unit;
		long	seconds;
	} units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 604800 },
	};
	char *end;
	long n;

	errno = 0;
	n = strtol(s + 1, &end, 10);
	if (errno || end == s + 1 || n < 0 || end[0] == '\0' || end[1] != '\0')
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (*end != units[i].unit)
			continue;
		if (n > 100L * 365 * 86400 / units[i].seconds)
			return -EINVAL;
		*ret_time = now - (time_t)(n * units[i].seconds);
		return 0;
	}
	return -EINVAL;
}

int
when_parse(const char *text, time_t now, bool utc, time_t *ret_time)
{
	struct tm tm = { 0 };
	const char *s;
	time_t t;
	long offset = 0;
	bool has_offset = false;

	if (strcmp(text, "now") == 0) {
		*ret_time = now;
		return 0;
	}
	if (strcmp(text, "today") == 0 || strcmp(text, "yesterday") == 0) {
		t = midnight(now, text[0] == 't' ? 0 : -1, utc);
		if (t == (time_t)-1)
			return -EINVAL;
		*ret_time = t;
		return 0;
	}
	if (text[0] == '-')
		return parse_relative(text, now, ret_time);

	if ((s = strptime(text, "%Y-%m-%d", &tm)) == NULL)
		return -EINVAL;
	if (*s == 'T' || *s == ' ') {
		const char *r = strptime(s + 1, "%H:%M:%S", &tm);

		if (r == NULL && (r = strptime(s + 1, "%H:%M", &tm)) == NULL)
			return -EINVAL;
		s = r;
	}
	if (*s == 'Z') {
		has_offset = true;
		s++;
	} else if ((*s == '+' || *s == '-') && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2])) {
		long h = (s[1] - '0') * 10 + (s[2] - '0'), m = 0;
		const char *r = s + 3;

		if (*r == ':')
			r++;
		if (isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1])) {
			m = (r[0] - '0') * 10 + (r[1] - '0');
			r += 2;
		}
		if (h > 23 || m > 59)
			return -EINVAL;
		offset = (h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
		has_offset = true;
		s = r;
	}
	if (*s != '\0')
		return -EINVAL;
	tm.tm_isdst = -1;
	t = has_offset || utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*ret_time = t - offset;
	return 0;
}
