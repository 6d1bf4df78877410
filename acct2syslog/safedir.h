/* SPDX-License-Identifier: Apache-2.0 */
/*
 * safedir.h: the directories the daemon creates files in (its state
 * directory, the file sink's directory) and the files it opens there.
 *
 * Promise: a directory is opened once, by its path (a symbolic link in the
 * path is resolved then and never again: everything after goes through the
 * descriptor), and trusted only when nobody but root and the daemon's
 * effective user can add, remove or replace a name in it: owned by one of
 * them and writable by neither its group nor others (sshd's StrictModes).
 * A file in it is opened relative to the descriptor, and a symbolic link
 * in the place of the file is never followed (-ELOOP).  Functions return 0
 * or -errno; they print nothing and keep no state.
 */
#ifndef ACCT2SYSLOG_SAFEDIR_H
#define ACCT2SYSLOG_SAFEDIR_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

enum safedir_problem {
	SAFEDIR_OK,
	SAFEDIR_OWNER,		/* owned by neither root nor the euid */
	SAFEDIR_WRITABLE,	/* writable by its group or by others */
};

struct safedir_verdict {
	enum safedir_problem problem;
	uid_t		owner;		/* of the directory */
	uid_t		euid;		/* the daemon's */
	mode_t		mode;		/* permission bits of the directory */
};

/* The verdict on a directory (its fstat) for the effective user euid. */
struct safedir_verdict safedir_judge(const struct stat *st, uid_t euid);

/*
 * Open path as a directory (O_CLOEXEC) and judge it for geteuid().  0 with
 * *ret_fd when it is trusted; -EPERM when it is not (*ret_verdict says
 * why; nothing is kept open); -errno of open(2) or fstat(2) otherwise
 * (-ENOENT, -ENOTDIR, -EACCES, ...).  *ret_verdict is always set.
 */
int	safedir_open(const char *path, int *ret_fd,
	    struct safedir_verdict *ret_verdict);

/* One line for a person, "WHAT PATH is writable by its group or by others
 * (mode 0775): ..." with what to do, from a verdict that is not SAFEDIR_OK;
 * what is "state directory", say.  Truncated to size. */
void	safedir_explain(char *buf, size_t size, const char *what,
	    const char *path, const struct safedir_verdict *v);

/* openat(dir_fd, name, flags, mode) with O_NOFOLLOW | O_CLOEXEC | O_NOCTTY
 * added: the descriptor, -ELOOP when name is a symbolic link, -errno. */
int	safedir_openat(int dir_fd, const char *name, int flags, mode_t mode);

/*
 * The same for a file the daemon keeps to itself (its state, its lock):
 * never waits for a reader of a FIFO (O_NONBLOCK), and refuses with
 * -EINVAL whatever is not a regular file.
 */
int	safedir_open_regular(int dir_fd, const char *name, int flags,
	    mode_t mode);

/* Is name in dir_fd absent (-ENOENT) or a regular file (0)?  -ELOOP for a
 * symbolic link, -EINVAL for anything else, -errno when it cannot tell. */
int	safedir_check_file(int dir_fd, const char *name);

#endif
