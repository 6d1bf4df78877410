/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity.h: which file is which.  An accounting file is known by device,
 * inode and its first record (struct file_id), never by its name: after a
 * rotation the file last read may be pacct.0, or pacct.1.gz, or gone.
 *
 * Promise: file_id_read() reads nothing but the first record (the rotated
 * set of a path is common/rotated.h's).  Functions return 0 or -errno;
 * nothing is logged.
 */
#ifndef ACCT2SYSLOG_IDENTITY_H
#define ACCT2SYSLOG_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "state.h"

/* Identify the open file fd: its device and inode, and the first record
 * of its (for gzip: decompressed) content when it has one yet.  The file
 * position of fd is not used.  -errno of fstat or read (-EISDIR for a
 * directory); -EBADMSG when a gzip file's start cannot be decompressed. */
int	file_id_read(int fd, struct file_id *ret_id);

/* The same file: device and inode, and the first record when both know
 * it (so an inode used again by a new file is told apart). */
bool	file_id_same_file(const struct file_id *a, const struct file_id *b);

/* The same content: both have a first record and it is the same (a
 * compressed or copied file is another inode). */
bool	file_id_same_content(const struct file_id *a, const struct file_id *b);

#endif
