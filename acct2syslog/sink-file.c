/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sink-file.c: the file sink.  Lines go through the line buffer (sink.c);
 * a batch that fails is cut off the file again, so a retried batch never
 * follows a torn line, and sink_sync() makes it durable (fdatasync, per
 * policy) before the caller commits.
 *
 * The daemon is root, or the unit's user, and appends to this file: the
 * directory is opened once and must be trusted (safedir.h), and the file
 * is opened relative to it without following a symbolic link, so nobody
 * else can make the daemon write into another file.  A directory that went
 * away (ENOENT) is looked up by its path again at the next reopen.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safedir.h"
#include "sink-ops.h"

#define SINK_TORN_MAX		SINK_CONTROL_ROOM	/* longest line */

struct file_sink {
	struct sink	base;
	struct sink_lines lines;
	enum sink_fsync	fsync;
	char		*path;		/* as given, for messages */
	char		*dir;		/* its directory ("." for none) */
	char		*name;		/* its last component */
	int		dir_fd;		/* -1: not open (yet) */
	bool		regular;	/* may be truncated and fsynced */
	bool		has_identity;	/* dev, ino and batch_start known */
	dev_t		dev;
	ino_t		ino;
	off_t		batch_start;	/* file size after the last flush */
	off_t		synced_size;	/* file size at the last sink_sync() */
};

/* Split f->path into its directory and its last component. */
static int
file_split(struct file_sink *f)
{
	const char *slash = strrchr(f->path, '/');

	if (slash == NULL)
		f->dir = strdup(".");
	else if (slash == f->path)
		f->dir = strdup("/");
	else
		f->dir = strndup(f->path, (size_t)(slash - f->path));
	f->name = strdup(slash != NULL ? slash + 1 : f->path);
	return f->dir == NULL || f->name == NULL ? -ENOMEM : 0;
}

static int
file_init(struct sink *s, const struct sink_options *o)
{
	struct file_sink *f = SINK_OF(struct file_sink, s);

	f->dir_fd = -1;
	if (o->path == NULL || o->path[0] == '\0')
		return -EINVAL;
	f->fsync = o->fsync;
	if ((f->path = strdup(o->path)) == NULL || file_split(f) < 0 ||
	    sink_lines_init(&f->lines, o->format) < 0)
		return -ENOMEM;
	if (asprintf(&s->description, "file %s", f->path) < 0)
		s->description = NULL;
	return 0;
}

/* Cut the file back to where the batch began.  Only what this batch wrote
 * is past batch_start: a file someone truncated meanwhile is left alone. */
static int
file_rollback(struct file_sink *f)
{
	struct stat st;

	if (!f->regular || !f->has_identity)
		return 0;
	if (fstat(f->base.fd, &st) < 0)
		return -errno;
	if (st.st_size > f->batch_start &&
	    ftruncate(f->base.fd, f->batch_start) < 0)
		return -errno;
	return 0;
}

/*
 * A file that does not end in a newline ends in part of a line (a crash in
 * the middle of a write(2)): remove that part, up to one message long, so
 * the line re-sent after it starts on a line of its own.  The sink's
 * descriptor is write-only, so the tail is read through a second one; a
 * file we may not read is left as it is.  Returns the new size or -errno.
 */
static off_t
file_drop_torn_tail(struct file_sink *f, int fd, const struct stat *st)
{
	char tail[SINK_TORN_MAX];
	size_t want = (size_t)MIN(st->st_size, (off_t)sizeof(tail));
	struct stat rst;
	ssize_t n;
	off_t keep = -1;
	int rfd;

	if (want == 0)
		return 0;
	if ((rfd = safedir_openat(f->dir_fd, f->name, O_RDONLY, 0)) < 0)
		return rfd == -EACCES ? st->st_size : rfd;
	if (fstat(rfd, &rst) < 0 || rst.st_dev != st->st_dev ||
	    rst.st_ino != st->st_ino) {
		close(rfd);
		return st->st_size;	/* replaced meanwhile: not ours */
	}
	do
		n = pread(rfd, tail, want, st->st_size - (off_t)want);
	while (n < 0 && errno == EINTR);
	close(rfd);
	if (n < 0)
		return -errno;
	if ((size_t)n != want || tail[want - 1] == '\n')
		return st->st_size;
	for (size_t i = want; i > 0 && keep < 0; i--)
		if (tail[i - 1] == '\n')
			keep = st->st_size - (off_t)want + (off_t)i;
	if (keep < 0 && want < (size_t)st->st_size)
		return st->st_size;	/* a longer line: not one of ours */
	if (keep < 0)
		keep = 0;
	if (ftruncate(fd, keep) < 0)
		return -errno;
	return keep;
}

/* The directory, opened once and judged (safedir.h). */
static int
file_open_dir(struct file_sink *f)
{
	struct safedir_verdict v;
	int r;

	if (f->dir_fd >= 0)
		return 0;
	if ((r = safedir_open(f->dir, &f->dir_fd, &v)) == -EPERM)
		safedir_explain(f->base.problem, sizeof(f->base.problem),
		    "the file sink's directory", f->dir, &v);
	return r;
}

/* The file in it, never through a symbolic link. */
static int
file_open_name(struct file_sink *f)
{
	int fd;

	if (f->name[0] == '\0')
		return -EISDIR;
	fd = safedir_openat(f->dir_fd, f->name, O_WRONLY | O_APPEND | O_CREAT,
	    0640);
	if (fd == -ELOOP)
		sink_set_problem(&f->base, "%s is a symbolic link, which the "
		    "file sink does not follow: give the path of the file "
		    "itself", f->path);
	if (fd == -ENOENT) {
		/* The directory went away: its path again next time. */
		close(f->dir_fd);
		f->dir_fd = -1;
	}
	return fd;
}

/* (Re)open the file; on a retry of the same file, first take out what a
 * failed batch may have left, and a torn last line. */
static int
file_connect(struct sink *s)
{
	struct file_sink *f = SINK_OF(struct file_sink, s);
	struct stat st;
	off_t size;
	int fd, r;

	if ((r = file_open_dir(f)) < 0 || (fd = file_open_name(f)) < 0)
		return r < 0 ? r : fd;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
	f->regular = S_ISREG(st.st_mode);
	if (!f->regular) {
		f->has_identity = false;
		return 0;
	}
	if (f->has_identity && st.st_dev == f->dev && st.st_ino == f->ino &&
	    st.st_size > f->batch_start) {
		if (ftruncate(fd, f->batch_start) < 0)
			return -errno;
		st.st_size = f->batch_start;
	}
	if ((size = file_drop_torn_tail(f, fd, &st)) < 0)
		return (int)size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->batch_start = f->synced_size = size;
	f->has_identity = true;
	return 0;
}

/* A failed write: the batch is cut off the file again. */
static int
file_failed(struct file_sink *f, int r)
{
	file_rollback(f);
	return r;
}

static int
file_record(struct sink *s, const struct acct_event *ev,
    const struct fmt_context *ctx)
{
	struct file_sink *f = SINK_OF(struct file_sink, s);
	int r;

	if ((r = sink_lines_room(&f->lines, s->fd, SINK_RECORD_ROOM)) < 0)
		return file_failed(f, r);
	return sink_lines_add_record(&f->lines, ev, ctx);
}

static int
file_control(struct sink *s, const struct fmt_control *c,
    const struct fmt_context *ctx)
{
	struct file_sink *f = SINK_OF(struct file_sink, s);
	int r;

	if ((r = sink_lines_room(&f->lines, s->fd, SINK_CONTROL_ROOM)) < 0)
		return file_failed(f, r);
	return sink_lines_add_control(&f->lines, c, ctx);
}

static int
file_flush(struct sink *s)
{
	struct file_sink *f = SINK_OF(struct file_sink, s);
	struct stat st;
	int r;

	if ((r = sink_lines_write(&f->lines, s->fd)) < 0)
		return file_failed(f, r);
	if (!f->regular)
		return 0;
	if (fstat(s->fd, &st) < 0)
		return file_failed(f, -errno);
	/* Start the disk on it now; sink_sync() waits for it. */
	if (f->fsync == SINK_FSYNC_BATCH)
		(void)sync_file_range(s->fd, f->batch_start,
		    st.st_size - f->batch_start, SYNC_FILE_RANGE_WRITE);
	f->batch_start = st.st_size;
	return 0;
}

static int
file_sync(struct sink *s)
{
	struct file_sink *f = SINK_OF(struct file_sink, s);

	if (!f->regular)
		return 0;
	/* fdatasync covers the new size of an appended file. */
	if (f->fsync == SINK_FSYNC_BATCH && fdatasync(s->fd) < 0) {
		/* What was written since the last sync may be lost: cut it
		 * off, and the caller sends it all again. */
		int r = -errno;

		f->batch_start = f->synced_size;
		return file_failed(f, r);
	}
	f->synced_size = f->batch_start;
	return 0;
}

static void
file_drop(struct sink *s)
{
	SINK_OF(struct file_sink, s)->lines.len = 0;
}

static void
file_rewind(struct sink *s)
{
	struct file_sink *f = SINK_OF(struct file_sink, s);

	f->batch_start = f->synced_size;
	(void)file_rollback(f);
}

static void
file_release(struct sink *s)
{
	struct file_sink *f = SINK_OF(struct file_sink, s);

	if (s->fd >= 0)
		close(s->fd);
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	sink_lines_free(&f->lines);
	free(f->path);
	free(f->dir);
	free(f->name);
}

const struct sink_ops sink_file_ops = {
	.size = sizeof(struct file_sink),
	.init = file_init,
	.connect = file_connect,
	.record = file_record,
	.control = file_control,
	.flush = file_flush,
	.sync = file_sync,
	.drop = file_drop,
	.rewind = file_rewind,
	.release = file_release,
};
