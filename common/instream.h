/* SPDX-License-Identifier: Apache-2.0 */
/*
 * instream.h: the bytes of a file or a pipe, gunzipped when they are gzip.
 *
 * Promise: an instream owns its descriptor and closes it.  gzip is told by
 * the magic of the first two bytes, not by a name; a gzip stream may have
 * several members, and bytes after the last member that do not start
 * another one are an error (-EBADMSG), never silently dropped.
 * instream_peek() shows the first bytes of the content without consuming
 * them, so that one reader can look at a pipe and hand it on to another:
 * no byte read from the descriptor is ever lost.  instream_read() hands out
 * what came before a failure first and the failure on the next call.  A
 * plain stream that ended may be read again (a file that grows).  Memory is
 * bounded (two fixed buffers).  Functions return 0, a count, or -errno; an
 * instream is used by one thread at a time.
 */
#ifndef ACCT_INSTREAM_H
#define ACCT_INSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The most instream_peek() shows. */
#define INSTREAM_PEEK_MAX	(64 * 1024)

enum instream_mode {
	INSTREAM_DETECT,	/* gunzip when the content is gzip */
	INSTREAM_PLAIN,		/* the bytes as they are */
};

struct instream;

/*
 * Take over fd (closed even on failure) and look at its first bytes (a
 * read that may block, on a pipe).  -EISDIR for a directory, -ENOMEM, or
 * the error of fstat(2) or read(2).
 */
int	instream_open_fd(int fd, enum instream_mode mode,
	    struct instream **ret);

/* Up to n bytes of content into buf: a count, 0 at the end for now, or
 * -errno (-EBADMSG for corrupt or truncated gzip data). */
ssize_t	instream_read(struct instream *s, void *buf, size_t n);

/*
 * The first min(n, INSTREAM_PEEK_MAX) bytes of the content, or fewer when
 * it is shorter: *ret_data and *ret_len, valid until the next call.  Only
 * before the first instream_read(); the bytes are read again by it.  0 or
 * -errno (a read error; what was peeked stands).
 */
int	instream_peek(struct instream *s, size_t n, const uint8_t **ret_data,
	    size_t *ret_len);

/* True when the content was gzip-compressed. */
bool	instream_compressed(const struct instream *s);

/* The descriptor, for fstat(2) and pread(2); still owned by s. */
int	instream_fd(const struct instream *s);

/*
 * True when the content is the file's own bytes from its offset 0 (plain,
 * a regular file, opened at its start): then pread(2) at a content offset
 * reads that byte, and instream_seek() works.
 */
bool	instream_in_place(const struct instream *s);

/* Go on reading at offset (instream_in_place() streams only: -ESPIPE
 * otherwise); what was buffered is dropped. */
int	instream_seek(struct instream *s, uint64_t offset);

/* Close and free; NULL is fine. */
void	instream_close(struct instream *s);

#endif
