/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.c: the state file.  Text, one "key=value" a line, so that an
 * operator can read it; the last line is "crc=" and the CRC-32 of all the
 * lines before it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fdio.h"
#include "macro.h"
#include "safedir.h"
#include "state.h"

#define STATE_TMP	STATE_FILE ".tmp"
#define STATE_MAX	1024	/* bytes; a state file is ~300 */
#define STATE_VERSION	1

static const char hex[] = "0123456789abcdef";

int
state_new_stream(struct state *ret_state)
{
	uint8_t id[STATE_STREAM_LEN / 2];
	struct state s;
	ssize_t n;

	do
		n = getrandom(id, sizeof(id), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(id))
		return n < 0 ? -errno : -EIO;
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < sizeof(id); i++) {
		s.stream[2 * i] = hex[id[i] >> 4];
		s.stream[2 * i + 1] = hex[id[i] & 15];
	}
	*ret_state = s;
	return 0;
}

/* The text of s, "crc=" line included; its length. */
static size_t
render(const struct state *s, char *buf, size_t size)
{
	char first[2 * ACCT_RECORD_MAX + 1] = "";
	size_t n;

	if (s->file.has_first)
		for (size_t i = 0; i < ACCT_RECORD_MAX; i++) {
			first[2 * i] = hex[s->file.first[i] >> 4];
			first[2 * i + 1] = hex[s->file.first[i] & 15];
		}
	first[s->file.has_first ? 2 * ACCT_RECORD_MAX : 0] = '\0';
	n = (size_t)snprintf(buf, size,
	    "version=%d\nstream=%s\nseq=%" PRIu64 "\ndev=%" PRIu64 "\n"
	    "ino=%" PRIu64 "\nfirst=%s\noffset=%" PRIu64 "\nclean=%d\n"
	    "pending_control=%d\ndoubt_from=%" PRIu64 "\ndoubt_to=%" PRIu64
	    "\n", STATE_VERSION, s->stream, s->seq, s->file.dev,
	    s->file.ino, first, s->offset, s->clean, s->pending_control,
	    s->doubt_from, s->doubt_to);
	n += (size_t)snprintf(buf + n, size - n, "crc=%08lx\n",
	    crc32(0, (const Bytef *)buf, (uInt)n));
	return n;
}

int
state_save(int dir_fd, const struct state *s)
{
	char buf[STATE_MAX];
	size_t len = render(s, buf, sizeof(buf));
	int fd, rc;

	/* Never through a link someone put in its place (safedir.h). */
	fd = safedir_open_regular(dir_fd, STATE_TMP, O_WRONLY | O_CREAT |
	    O_TRUNC, 0640);
	if (fd < 0)
		return fd;
	if ((rc = fd_write_all(fd, buf, len)) < 0 || (fsync(fd) < 0 &&
	    (rc = -errno) < 0)) {
		close(fd);
		unlinkat(dir_fd, STATE_TMP, 0);
		return rc;
	}
	if (close(fd) < 0) {
		rc = -errno;
		unlinkat(dir_fd, STATE_TMP, 0);
		return rc;
	}
	if (renameat(dir_fd, STATE_TMP, dir_fd, STATE_FILE) < 0) {
		rc = -errno;
		unlinkat(dir_fd, STATE_TMP, 0);
		return rc;
	}
	/* The rename itself must reach the disk. */
	return fsync(dir_fd) < 0 ? -errno : 0;
}

/* A whole decimal number; false for anything else. */
static bool
parse_u64(const char *text, uint64_t *ret)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	*ret = strtoull(text, &end, 10);
	return errno == 0 && *end == '\0';
}

static int
hex_value(char c)
{
	const char *p = strchr(hex, c);

	return c != '\0' && p != NULL ? (int)(p - hex) : -1;
}

/* Interpret one "key=value" line into s; false when it is not right. */
static bool
parse_line(char *line, struct state *s, unsigned *seen)
{
	char *value = strchr(line, '=');
	uint64_t v;

	if (value == NULL)
		return false;
	*value++ = '\0';
	if (strcmp(line, "version") == 0) {
		*seen |= 1;
		return parse_u64(value, &v) && v == STATE_VERSION;
	}
	if (strcmp(line, "stream") == 0) {
		*seen |= 2;
		if (strlen(value) != STATE_STREAM_LEN)
			return false;
		for (size_t i = 0; i < STATE_STREAM_LEN; i++)
			if (hex_value(value[i]) < 0)
				return false;
		memcpy(s->stream, value, STATE_STREAM_LEN + 1);
		return true;
	}
	if (strcmp(line, "seq") == 0)
		return (*seen |= 4), parse_u64(value, &s->seq);
	if (strcmp(line, "dev") == 0)
		return (*seen |= 8), parse_u64(value, &s->file.dev);
	if (strcmp(line, "ino") == 0)
		return (*seen |= 16), parse_u64(value, &s->file.ino);
	if (strcmp(line, "offset") == 0)
		return (*seen |= 32), parse_u64(value, &s->offset);
	if (strcmp(line, "first") == 0) {
		size_t n = strlen(value);

		*seen |= 64;
		if (n == 0)
			return true;
		if (n != 2 * ACCT_RECORD_MAX)
			return false;
		for (size_t i = 0; i < ACCT_RECORD_MAX; i++) {
			int a = hex_value(value[2 * i]);
			int b = hex_value(value[2 * i + 1]);

			if (a < 0 || b < 0)
				return false;
			s->file.first[i] = (uint8_t)(a << 4 | b);
		}
		s->file.has_first = true;
		return true;
	}
	if (strcmp(line, "clean") == 0)
		return (*seen |= 128), parse_u64(value, &v) && v <= 1 &&
		    ((s->clean = v), true);
	if (strcmp(line, "pending_control") == 0)
		return (*seen |= 256), parse_u64(value, &v) && v <= 1 &&
		    ((s->pending_control = v), true);
	/* Not in seen: a state file from before them has none. */
	if (strcmp(line, "doubt_from") == 0)
		return parse_u64(value, &s->doubt_from);
	if (strcmp(line, "doubt_to") == 0)
		return parse_u64(value, &s->doubt_to);
	return false;	/* a key we never write */
}

int
state_load(int dir_fd, struct state *ret_state)
{
	char buf[STATE_MAX + 1], *line, *crc_line, *save = NULL;
	struct state s;
	unsigned seen = 0;
	unsigned long crc;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = safedir_open_regular(dir_fd, STATE_FILE, O_RDONLY, 0)) < 0)
		return fd;
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	/* Whole, ours, unaltered: a text that ends in our checksum line. */
	if (len == 0 || len == sizeof(buf) - 1 || strlen(buf) != len ||
	    buf[len - 1] != '\n')
		return -EBADMSG;
	buf[len - 1] = '\0';
	if ((crc_line = strrchr(buf, '\n')) == NULL ||
	    sscanf(crc_line + 1, "crc=%8lx", &crc) != 1 ||
	    strlen(crc_line + 1) != 12 ||
	    crc != crc32(0, (const Bytef *)buf, (uInt)(crc_line + 1 - buf)))
		return -EBADMSG;
	*crc_line = '\0';

	memset(&s, 0, sizeof(s));
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (!parse_line(line, &s, &seen))
			return -EBADMSG;
	if (seen != 511)
		return -EBADMSG;	/* a line missing */
	/* A range in doubt is a range of seqs already taken, or none. */
	if ((s.doubt_from == 0) != (s.doubt_to == 0) ||
	    s.doubt_from > s.doubt_to || s.doubt_to > s.seq)
		return -EBADMSG;
	*ret_state = s;
	return 0;
}

/* A name the daemon writes in the state directory must be absent or a
 * regular file; false with err filled when it is not. */
static bool
state_name_ok(int dir_fd, const char *dir, const char *name, char *err,
    size_t err_size)
{
	int r = safedir_check_file(dir_fd, name);

	if (r == 0 || r == -ENOENT)
		return true;
	if (r == -ELOOP)
		snprintf(err, err_size, "%s/%s is a symbolic link, which the "
		    "daemon does not follow in its state directory: remove "
		    "it", dir, name);
	else if (r == -EINVAL)
		snprintf(err, err_size, "%s/%s is not a regular file: remove "
		    "it", dir, name);
	else
		snprintf(err, err_size, "cannot look at %s/%s: %s", dir, name,
		    strerror(-r));
	return false;
}

int
state_dir_open(const char *dir, int *ret_dir_fd, int *ret_lock_fd,
    char *err, size_t err_size)
{
	static const char *const names[] = { STATE_LOCK, STATE_FILE,
	    STATE_TMP };
	struct safedir_verdict v;
	int dfd, lfd, r;

	if ((r = safedir_open(dir, &dfd, &v)) == -EPERM) {
		safedir_explain(err, err_size, "state directory", dir, &v);
		return r;
	}
	if (r < 0) {
		snprintf(err, err_size, "cannot open state directory %s: %s%s",
		    dir, strerror(-r), r == -ENOENT ? " (create it, writable "
		    "by the daemon's user, or set state_dir)" : "");
		return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (!state_name_ok(dfd, dir, names[i], err, err_size)) {
			close(dfd);
			return -EPERM;
		}
	/* Read-only: flock() needs no more, and a file open for writing
	 * would keep an admin from remounting the directory read-only. */
	if ((lfd = safedir_open_regular(dfd, STATE_LOCK, O_RDONLY | O_CREAT,
	    0640)) < 0) {
		snprintf(err, err_size, "cannot create %s/%s: %s", dir,
		    STATE_LOCK, strerror(-lfd));
		close(dfd);
		return lfd;
	}
	if (flock(lfd, LOCK_EX | LOCK_NB) < 0) {
		r = -errno;
		snprintf(err, err_size, "%s is in use by another acct2syslog "
		    "(locked %s/%s): stop it or use another --state-dir", dir,
		    dir, STATE_LOCK);
		close(lfd);
		close(dfd);
		return r;
	}
	*ret_dir_fd = dfd;
	*ret_lock_fd = lfd;
	return 0;
}
