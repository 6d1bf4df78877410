/* SPDX-License-Identifier: Apache-2.0 */
/*
 * safedir.c: trusted directories and the files the daemon creates in them.
 *
 * Why: the daemon runs as root (or as the unit's dynamic user) and
 * creates, truncates and appends to files.  Anyone who may add a name to
 * the directory they are in may put a symbolic link (or a hard link, a
 * FIFO, a file of theirs) there first and have the daemon write through it
 * into any file it can write.  O_NOFOLLOW alone stops the symbolic links;
 * a directory only root and the daemon's user can change stops the rest.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "safedir.h"

struct safedir_verdict
safedir_judge(const struct stat *st, uid_t euid)
{
	struct safedir_verdict v = { .problem = SAFEDIR_OK,
	    .owner = st->st_uid, .euid = euid, .mode = st->st_mode & 07777 };

	if (st->st_uid != 0 && st->st_uid != euid)
		v.problem = SAFEDIR_OWNER;
	else if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		v.problem = SAFEDIR_WRITABLE;
	return v;
}

int
safedir_open(const char *path, int *ret_fd, struct safedir_verdict *ret_verdict)
{
	struct stat st;
	int fd, r;

	*ret_verdict = (struct safedir_verdict){ .problem = SAFEDIR_OK,
	    .euid = geteuid() };
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*ret_verdict = safedir_judge(&st, geteuid());
	if (ret_verdict->problem != SAFEDIR_OK) {
		close(fd);
		return -EPERM;
	}
	*ret_fd = fd;
	return 0;
}

void
safedir_explain(char *buf, size_t size, const char *what, const char *path,
    const struct safedir_verdict *v)
{
	switch (v->problem) {
	case SAFEDIR_OWNER:
		snprintf(buf, size, "%s %s is owned by uid %lu, not by root "
		    "or the daemon's user (uid %lu): chown it to one of them "
		    "or use another directory", what, path,
		    (unsigned long)v->owner, (unsigned long)v->euid);
		return;
	case SAFEDIR_WRITABLE:
		snprintf(buf, size, "%s %s is writable by its group or by "
		    "others (mode %04o), who could plant links there for the "
		    "daemon to write through: chmod go-w %s", what, path,
		    (unsigned)v->mode, path);
		return;
	case SAFEDIR_OK:
		break;
	}
	snprintf(buf, size, "%s %s is fine", what, path);
}

int
safedir_openat(int dir_fd, const char *name, int flags, mode_t mode)
{
	int fd = openat(dir_fd, name, flags | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, mode);

	return fd < 0 ? -errno : fd;
}

int
safedir_open_regular(int dir_fd, const char *name, int flags, mode_t mode)
{
	struct stat st;
	int fd, fl, r;

	if ((fd = safedir_openat(dir_fd, name, flags | O_NONBLOCK, mode)) < 0)
		return fd;
	/* Only the open was not to wait: reads and writes may. */
	if (fstat(fd, &st) < 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    (S_ISREG(st.st_mode) && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0))
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else
		return fd;
	close(fd);
	return r;
}

int
safedir_check_file(int dir_fd, const char *name)
{
	struct stat st;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	return S_ISREG(st.st_mode) ? 0 : -EINVAL;
}
