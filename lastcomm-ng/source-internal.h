/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source-internal.h: what the kinds of source share with source.c (not
 * for the rest of lastcomm-ng).  A source is a struct source whose ops do
 * the reading; source.c opens archives and reads their lines, journal.c
 * reads the journal.
 */
#ifndef LASTCOMM_SOURCE_INTERNAL_H
#define LASTCOMM_SOURCE_INTERNAL_H

#include "source.h"

struct source_ops {
	/* As source_next(). */
	int	(*next)(struct source *s, struct entry *ret);
	/* Free what the kind holds (s itself is freed by source_close). */
	void	(*close)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	enum source_kind kind;
	char		*name;
	uint64_t	line;		/* of the message last returned */
	uint64_t	skipped;	/* lines that were not ours */
	void		*impl;		/* the kind's own state */
};

/* A new source of kind with name (copied) and ops; NULL when out of
 * memory. */
struct source *source_new(enum source_kind kind, const char *name,
	    const struct source_ops *ops);

#endif
