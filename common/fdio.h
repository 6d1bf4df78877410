/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fdio.h: opening an input by name, whole writes to a file descriptor.
 *
 * Promise: fd_open_input() gives a descriptor of its own (close-on-exec)
 * or -errno; fd_write_all() writes all len bytes or says why not, across
 * short writes and signals: 0, -errno of write(2), or -EIO when write(2)
 * makes no progress (so that a caller never spins).  Thread safe as the
 * system calls are.
 */
#ifndef ACCT_FDIO_H
#define ACCT_FDIO_H

#include <stddef.h>

/* path to read, "-" standing for standard input (duplicated, so that
 * closing it leaves stdin alone); never a controlling terminal. */
int	fd_open_input(const char *path);

int	fd_write_all(int fd, const void *buf, size_t len);

#endif
