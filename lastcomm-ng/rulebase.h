/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rulebase.h: lines of a syslog text archive (rsyslog's file formats)
 * back into entries, through liblognorm and rules/acct2syslog.rulebase.
 *
 * Promise: rulebase_parse() tells in a few memory reads that a line is
 * not an acct2syslog message (no "acct2syslog" tag followed by a message
 * that starts with event="), and only hands the others to liblognorm.
 * Fields reach entry_set() as the kv line has them, whatever bytes the
 * strings hold (but NUL: a line with one is damaged).  Nothing of the line is kept after the call but the
 * header's host; memory is bounded.  A rulebase is used by one thread.
 * All of liblognorm, libestr and libfastjson stays inside rulebase.c.
 */
#ifndef LASTCOMM_RULEBASE_H
#define LASTCOMM_RULEBASE_H

#include <stddef.h>

#include "entry.h"

struct rulebase;

/* Load every dir/lastcomm-ng-*.rulebase (the wrappers that put a syslog
 * header around acct2syslog.rulebase; their include= lines are taken
 * from dir, never from the working directory).  0, or -ENOENT when there
 * is none or a file they include is missing, -EINVAL for a rulebase that
 * liblognorm rejects, -ENOMEM; the problem is told with warnx(3) (file,
 * line, liblognorm's words) before it returns. */
int	rulebase_new(const char *dir, struct rulebase **ret);

/* One line of len bytes (a newline at its end is ignored): 1 with e
 * filled (entry_begin ... entry_end); 0 for a line that is not an
 * acct2syslog message; -EBADMSG for one that is but does not parse or
 * has a field entry_set() or entry_end() refuses. */
int	rulebase_parse(struct rulebase *rb, const char *line, size_t len,
	    struct entry *e);

/* The host of the syslog header of the line rulebase_parse() last
 * parsed (for a message without a host field of its own); "" when
 * there was none.  Valid until the next call. */
const char *rulebase_syslog_host(const struct rulebase *rb);

/* Accepts NULL. */
void	rulebase_free(struct rulebase *rb);

#endif
