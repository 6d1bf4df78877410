/* SPDX-License-Identifier: Apache-2.0 */
/*
 * instream.c: read a descriptor, gunzipping it when it is gzip.
 *
 * Two buffers keep what was read but not yet handed out: in, the raw
 * bytes (zlib's input, or the first bytes of a plain stream, read to
 * look for the gzip magic), and head, the content that instream_peek()
 * showed.  instream_read() empties head, then in, then reads on: so
 * whatever anyone looked at is read again, in order, and nothing is lost.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "instream.h"
#include "macro.h"

#define IN_SIZE		(64 * 1024)

struct instream {
	int		fd;
	bool		gzip;
	bool		in_place;
	bool		read_started;

	/* Raw input: zlib's, or a plain stream's first bytes. */
	uint8_t		*in;
	size_t		in_pos, in_len;
	bool		in_eof;
	z_stream	zs;
	bool		zs_ready;
	bool		member_done;

	/* Content shown by instream_peek(), handed out first. */
	uint8_t		*head;
	size_t		head_pos, head_len;
};

/* read(2), again after EINTR: a count, 0 at the end, or -errno. */
static ssize_t
read_fd(int fd, void *buf, size_t n)
{
	ssize_t got;

	do
		got = read(fd, buf, n);
	while (got < 0 && errno == EINTR);
	return got < 0 ? -errno : got;
}

/* Plain content: the raw bytes kept at open, then the descriptor. */
static ssize_t
plain_read(struct instream *s, uint8_t *dst, size_t n)
{
	if (s->in_pos < s->in_len) {
		size_t k = MIN(n, s->in_len - s->in_pos);

		memcpy(dst, s->in + s->in_pos, k);
		s->in_pos += k;
		return (ssize_t)k;
	}
	return read_fd(s->fd, dst, n);
}

/* Top up zlib's input; keep a lone byte: it may begin the next member. */
static int
gzip_refill(struct instream *s)
{
	ssize_t got;

	if (s->zs.avail_in == 1)
		s->in[0] = *s->zs.next_in;
	got = read_fd(s->fd, s->in + s->zs.avail_in, IN_SIZE - s->zs.avail_in);
	if (got < 0)
		return (int)got;
	if (got == 0)
		s->in_eof = true;
	s->zs.next_in = s->in;
	s->zs.avail_in += (uInt)got;
	return 0;
}

/* One step of inflating: 0, 1 at the end of the last member, or -errno. */
static int
gzip_step(struct instream *s)
{
	int zr;

	if (s->zs.avail_in < 2 && !s->in_eof)
		return gzip_refill(s);
	if (s->member_done) {
		if (s->zs.avail_in == 0)
			return 1;		/* the end of the last member */
		if (s->zs.avail_in < 2 || s->zs.next_in[0] != 0x1f ||
		    s->zs.next_in[1] != 0x8b || inflateReset(&s->zs) != Z_OK)
			return -EBADMSG;	/* trailing garbage */
		s->member_done = false;
	}
	zr = inflate(&s->zs, Z_NO_FLUSH);
	if (zr == Z_STREAM_END)
		s->member_done = true;
	else if (zr == Z_BUF_ERROR && s->in_eof && s->zs.avail_in == 0)
		return -EBADMSG;		/* cut short */
	else if (zr == Z_MEM_ERROR)
		return -ENOMEM;
	else if (zr != Z_OK && zr != Z_BUF_ERROR)
		return -EBADMSG;
	return 0;
}

/* Gzip content: inflate until n bytes or the end.  What came before a
 * failure is handed out; the failure repeats on the next call. */
static ssize_t
gzip_read(struct instream *s, uint8_t *dst, size_t n)
{
	int rc = 0;

	s->zs.next_out = dst;
	s->zs.avail_out = (uInt)MIN(n, UINT_MAX);
	while (s->zs.avail_out > 0 && (rc = gzip_step(s)) == 0)
		;
	n = (size_t)(s->zs.next_out - dst);
	if (rc < 0 && n == 0)
		return rc;
	return (ssize_t)n;
}

static ssize_t
content_read(struct instream *s, uint8_t *dst, size_t n)
{
	return s->gzip ? gzip_read(s, dst, n) : plain_read(s, dst, n);
}

int
instream_open_fd(int fd, enum instream_mode mode, struct instream **ret)
{
	struct instream *s;
	struct stat st;
	ssize_t got;
	int rc;

	/* A directory is refused before anything is read from it. */
	if ((rc = fstat(fd, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ?
	    -EISDIR : 0) < 0) {
		close(fd);
		return rc;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->in = malloc(IN_SIZE)) == NULL) {
		free(s);
		close(fd);
		return -ENOMEM;
	}
	s->fd = fd;
	s->in_place = S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) == 0;
	/* gzip is told by its magic; a pipe may give one byte at a time. */
	while (mode == INSTREAM_DETECT && s->in_len < 2 && !s->in_eof) {
		if ((got = read_fd(fd, s->in + s->in_len,
		    IN_SIZE - s->in_len)) < 0) {
			rc = (int)got;
			goto fail;
		}
		s->in_len += (size_t)got;
		s->in_eof = got == 0;
	}
	/* A plain stream that ended may grow: read it again later. */
	s->in_eof = false;
	if (s->in_len >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
			rc = -ENOMEM;
			goto fail;
		}
		s->gzip = s->zs_ready = true;
		s->in_place = false;
		s->zs.next_in = s->in;
		s->zs.avail_in = (uInt)s->in_len;
		s->in_len = 0;
	}
	*ret = s;
	return 0;
fail:
	instream_close(s);
	return rc;
}

ssize_t
instream_read(struct instream *s, void *buf, size_t n)
{
	s->read_started = true;
	if (s->head_pos < s->head_len) {
		size_t k = MIN(n, s->head_len - s->head_pos);

		memcpy(buf, s->head + s->head_pos, k);
		s->head_pos += k;
		return (ssize_t)k;
	}
	return content_read(s, buf, n);
}

int
instream_peek(struct instream *s, size_t n, const uint8_t **ret_data,
    size_t *ret_len)
{
	ssize_t got = 0;

	if (s->read_started)
		return -EINVAL;
	n = MIN(n, INSTREAM_PEEK_MAX);
	if (s->head == NULL && (s->head = malloc(INSTREAM_PEEK_MAX)) == NULL)
		return -ENOMEM;
	while (s->head_len < n &&
	    (got = content_read(s, s->head + s->head_len,
	    n - s->head_len)) > 0)
		s->head_len += (size_t)got;
	*ret_data = s->head;
	*ret_len = s->head_len;
	return got < 0 ? (int)got : 0;
}

bool
instream_compressed(const struct instream *s)
{
	return s->gzip;
}

int
instream_fd(const struct instream *s)
{
	return s->fd;
}

bool
instream_in_place(const struct instream *s)
{
	return s->in_place;
}

int
instream_seek(struct instream *s, uint64_t offset)
{
	if (!s->in_place)
		return -ESPIPE;
	if (offset > INT64_MAX || lseek(s->fd, (off_t)offset, SEEK_SET) < 0)
		return offset > INT64_MAX ? -EINVAL : -errno;
	s->in_pos = s->in_len = 0;
	s->head_pos = s->head_len = 0;
	s->read_started = true;
	return 0;
}

void
instream_close(struct instream *s)
{
	if (s == NULL)
		return;
	if (s->zs_ready)
		inflateEnd(&s->zs);
	if (s->fd >= 0)
		close(s->fd);
	free(s->in);
	free(s->head);
	free(s);
}
