/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonline.h: one line of a JSON archive (acct2syslog's JSON encoding,
 * docs/schema.md) back into an entry.
 *
 * Promise: jsonline_parse() gives 1 with the entry filled (entry_begin ...
 * entry_end) for a message of ours; 0 for a line that is not one (it does
 * not start with '{', or it is JSON without a top-level "acct" object);
 * -EBADMSG for one of ours that is broken: bad JSON that names "acct" or
 * one of our events, a field with a bad value, a field missing, two names
 * of one field that disagree.  The entry's fields are those fmt_json()
 * and fmt_control_json() wrote, so entry_kv() gives the kv line that
 * fmt_kv() and fmt_control_kv() write for the same message, byte for
 * byte.  Nothing of the line is kept after the call; memory is bounded
 * by the longest line seen.  A jsonline is used by one thread.
 */
#ifndef LASTCOMM_JSONLINE_H
#define LASTCOMM_JSONLINE_H

#include <stddef.h>

#include "entry.h"

struct jsonline;

/* A new parser: 0, or -ENOMEM. */
int	jsonline_new(struct jsonline **ret);

/* One line of len bytes (its newline may be there or not); see above. */
int	jsonline_parse(struct jsonline *j, const char *line, size_t len,
	    struct entry *e);

/* Accepts NULL. */
void	jsonline_free(struct jsonline *j);

#endif
