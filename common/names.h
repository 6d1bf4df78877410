/* SPDX-License-Identifier: Apache-2.0 */
/*
 * names.h: user, group and terminal names for the ids in a record.
 *
 * Promise: each id is resolved once (getpwuid_r, getgrgid_r, or the device
 * number rule below) and cached; memory is bounded (the cache starts over
 * when it fills).  Returned strings are raw bytes, NUL-terminated, owned by
 * the cache and valid until the next call on it.  A name whose escaped form
 * would be longer than NAMES_MAX counts as no name, so that a message stays
 * under its size limit.  One cache per thread.
 */
#ifndef ACCT_NAMES_H
#define ACCT_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define NAMES_MAX	64

struct names;

/* Returns 0 or -ENOMEM. */
int	names_new(struct names **ret_names);

/* NULL is fine. */
void	names_free(struct names *names);

/* The user or group name of an id; NULL when it has none. */
const char *names_user(struct names *names, uint32_t uid);
const char *names_group(struct names *names, uint32_t gid);

/* The terminal of a record's ac_tty; NULL for none (0). */
const char *names_tty(struct names *names, uint32_t tty);

/*
 * Name a terminal device number (old_encode_dev: major << 8 | minor, or
 * the new encoding's 12/20 bits): "pts/N" (majors 136..143), "ttyN" (major
 * 4, minor < 64), "ttySN" (major 4, minor 64..255), "console" (5,1), else
 * "[major,minor]".  Writes at most size bytes with the NUL.
 */
void	names_tty_format(uint32_t tty, char *buf, size_t size);

#endif
