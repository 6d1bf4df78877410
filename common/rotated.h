/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rotated.h: the one rule for the rotated set of an accounting file.
 *
 * The set of /var/log/account/pacct is the file itself and, in its
 * directory, pacct.N and pacct.N.gz (Debian's savelog: pacct.0,
 * pacct.1.gz, ...; logrotate: pacct.1, pacct.2.gz, ...) and pacct-DATE and
 * pacct-DATE.gz (logrotate's dateext: any run of digits, such as
 * 20261204 or a time in seconds).  Anything else (pacct.old, pacct.1.bak,
 * pacct.x.gz) is not in it.  Newest first: the file itself, then the
 * numbered files by increasing N, then the dated ones by decreasing DATE
 * (digits compared as numbers, of any length); names, not modification
 * times, decide, because a copy or a touch changes a time, never a name.
 * A set is rotated one way; should both kinds be there, the numbered
 * files count as the newer.
 *
 * Promise: pure functions but rotated_list(), which reads the directory
 * and lists regular files only; nothing is printed; errors are -errno.
 */
#ifndef ACCT_ROTATED_H
#define ACCT_ROTATED_H

#include <stdbool.h>
#include <stddef.h>

enum rotated_kind {
	ROTATED_LIVE,		/* the file itself */
	ROTATED_NUMBERED,	/* base.N[.gz] */
	ROTATED_DATED,		/* base-DATE[.gz] */
};

/* Where a name stands in the set.  digits points into the name given. */
struct rotated_name {
	enum rotated_kind kind;
	const char	*digits;	/* N or DATE, without leading zeros */
	size_t		n_digits;
	bool		compressed;	/* ends in .gz */
};

/* Is name (a directory entry, no slash) base itself or one of its rotated
 * files?  Fills *ret (may be NULL) when it is. */
bool	rotated_match(const char *name, const char *base,
	    struct rotated_name *ret);

/* <0 when a is newer than b, >0 when older, 0 for the same position. */
int	rotated_compare(const struct rotated_name *a,
	    const struct rotated_name *b);

/* rotated_list() flags. */
#define ROTATED_WITH_LIVE	0x01	/* path itself too, when it exists */

/*
 * The rotated files of path, newest first, as paths in path's directory
 * (a path without a slash gives names in the current directory).  Only
 * regular files (stat(2), so a symlink to one counts); path itself only
 * with ROTATED_WITH_LIVE, and then whatever it is.  Free the list with
 * rotated_list_free().  -ENOMEM, or -errno of opendir().
 */
int	rotated_list(const char *path, unsigned flags, char ***ret_paths,
	    size_t *ret_n);
void	rotated_list_free(char **paths, size_t n);

#endif
