/* SPDX-License-Identifier: Apache-2.0 */
/*
 * summary.h: --summary, totals per command and per user.
 *
 * Promise: summary_add() counts one record (count, CPU time, elapsed time,
 * failures: a non-zero exit or a signal); summary_print() writes two
 * tables sorted by count, most first, commands and user names in
 * esc_view()'s text view, each line through the bounded writer.  A user
 * is labelled by the name that came with the record (an archive entry's),
 * else by this host's names cache.  Memory grows with the number of
 * distinct commands and users, not records.
 */
#ifndef LASTCOMM_SUMMARY_H
#define LASTCOMM_SUMMARY_H

#include <stdio.h>

#include "names.h"
#include "query.h"
#include "record.h"

struct summary;

/* NULL when out of memory. */
struct summary *summary_new(void);

/* Count ev; ctx (may be NULL: names from here) says which user name it
 * came with, as for the other printers (query_user()): records of one uid
 * under different names are counted apart.  -ENOMEM or 0. */
int	summary_add(struct summary *s, const struct acct_event *ev,
	    const struct query_context *ctx);

void	summary_print(const struct summary *s, struct names *names, FILE *out);

void	summary_free(struct summary *s);

#endif
