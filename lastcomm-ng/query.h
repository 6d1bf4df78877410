/* SPDX-License-Identifier: Apache-2.0 */
/*
 * query.h: which records lastcomm-ng shows.
 *
 * Promise: query_match() says whether one record passes every filter.  Name
 * matching follows GNU lastcomm: a record matches when any given name
 * matches its command, user or terminal (positional arguments), or its
 * field (--command, --user, --tty); with --strict-match every list given
 * must match.  Names match exactly unless glob or regex matching is asked
 * for.  The other filters (times, ids, exit status) must all hold.  A query
 * is built once, then read only.
 */
#ifndef LASTCOMM_QUERY_H
#define LASTCOMM_QUERY_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "format.h"
#include "names.h"
#include "record.h"

enum match_mode {
	MATCH_EXACT,
	MATCH_GLOB,
	MATCH_REGEX,
};

/* A list of names to match one way. */
struct name_list {
	char		**names;
	regex_t		*regexes;	/* MATCH_REGEX: compiled names */
	size_t		count;
};

/* A list of numbers (pids, uids, exit codes). */
struct id_list {
	uint32_t	*ids;
	size_t		count;
};

struct query {
	enum match_mode	mode;
	bool		strict;
	struct name_list any;		/* positional arguments */
	struct name_list commands, users, ttys;
	struct name_list hosts;		/* --host: the record's host */

	bool		has_since, has_until;
	int64_t		since, until;	/* start time, seconds since the epoch */
	struct id_list	pids, ppids, uids, exit_codes;
	bool		signaled;	/* killed by a signal */
	bool		failed;		/* non-zero exit, or a signal */
};

/* Add name to list (not copied: it must outlive the query); -ENOMEM. */
int	query_add_name(struct name_list *list, char *name);

/* Compile the names for q->mode once all are in.  -ENOMEM, or -EINVAL for
 * a bad regular expression; *ret_bad is then the expression. */
int	query_compile(struct query *q, const char **ret_bad);

int	query_add_id(struct id_list *list, uint32_t id);

/*
 * What a record came with, or where its names are found: an archive entry
 * gives its names (names_given; a NULL one it did not have), host, stream
 * and seq; a pacct record's names come from this host's names cache.
 */
struct query_context {
	struct names	*names;		/* resolves when !names_given */
	const char	*host;
	const char	*stream;
	uint64_t	seq;
	bool		names_given;
	const char	*user, *group, *tty;
};

/* The user, group and terminal name of a record: the given ones, or the
 * names cache's; NULL when there is none. */
const char *query_user(const struct query_context *ctx, uint32_t uid);
const char *query_group(const struct query_context *ctx, uint32_t gid);
const char *query_tty(const struct query_context *ctx, uint32_t tty);

/* The formatter's context of ev: its names resolved. */
struct fmt_context query_fmt_context(const struct query_context *ctx,
	    const struct acct_event *ev);

/* Does ev pass?  ctx gives its user and terminal names. */
bool	query_match(const struct query *q, const struct acct_event *ev,
	    const struct query_context *ctx);

/*
 * An early filter for the reader (pacct_options.prefilter): it looks at a
 * record's uid alone and rejects those that cannot pass, so that most
 * records of a --user or --uid query are never decoded.  The verdict for
 * each uid is worked out once.  query_prefilter_new() returns NULL when
 * the query cannot be judged on the uid alone (then use no prefilter).
 */
struct query_prefilter;

struct query_prefilter *query_prefilter_new(const struct query *q,
	    struct names *names);
bool	query_prefilter(const void *record, void *prefilter);
void	query_prefilter_free(struct query_prefilter *pf);

void	query_free(struct query *q);

/* The user as lastcomm shows it: the name, or the uid in decimal. */
const char *query_user_text(const struct query_context *ctx, uint32_t uid,
	    char buf[12]);

/* The terminal as GNU lastcomm shows it (or as given with the record):
 * "__" for none, the name of the
 * character device of that number in /dev (the last found), "pts/N", or
 * "[major,minor]".  The text lives until the next call. */
const char *query_tty_text(const struct query_context *ctx, uint32_t tty);

#endif
