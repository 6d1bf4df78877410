/* SPDX-License-Identifier: Apache-2.0 */
/*
 * when.h: the times --since and --until accept.
 *
 * Promise: when_parse() reads an ISO 8601 date ("2026-11-21") or date-time
 * ("2026-11-21T05:27", "2026-11-21 05:27:03", with an optional "Z" or
 * "+01:00"), "now", "today", "yesterday", or a time relative to now
 * ("-2h", "-30m", "-1d", "-90s", "-1w"), in the local zone unless utc is set
 * or the text names its offset.  Pure apart from reading the clock (now is
 * passed in) and the zone.
 */
#ifndef LASTCOMM_WHEN_H
#define LASTCOMM_WHEN_H

#include <stdbool.h>
#include <time.h>

/* Returns 0 and the time in *ret_time, or -EINVAL. */
int	when_parse(const char *text, time_t now, bool utc, time_t *ret_time);

#endif
