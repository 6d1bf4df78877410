/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pacct.h: iterate the records of a process accounting stream.
 *
 * Promise: a stream is a file, a gzip file (one or more members) or a pipe
 * such as stdin; gzip is recognised by its magic bytes, not by the name.
 * Records come forwards or backwards with memory bounded whatever the size
 * of the stream (backward reading of a gzip stream or a pipe goes through
 * an unlinked temporary file, up to a cap the caller may set).  Nothing
 * is decoded twice and nothing is guessed: a region that is not a run of
 * valid records (all-zero holes, unknown versions, garbage, misalignment)
 * is reported once as a skip with its offset and length, and reading goes
 * on at the next place where valid records start again.  A tail shorter than one record is reported, never
 * decoded.  A caller that must stay responsive sets a skip budget: a long
 * skip then comes back in steps (PACCT_SKIPPING) before it is reported.
 *
 * Offsets are in the decompressed stream.  Functions return 0 or a positive
 * status, or -errno; a reader is used by one thread at a time.
 */
#ifndef ACCT_PACCT_H
#define ACCT_PACCT_H

#include <stdbool.h>
#include <stdint.h>

#include "instream.h"
#include "record.h"

enum pacct_direction {
	PACCT_FORWARD,
	PACCT_BACKWARD,
};

struct pacct_options {
	enum pacct_direction	direction;
	unsigned		default_ahz;	/* for v0/v1; 0: 100 */
	const char		*tmpdir;	/* NULL: $TMPDIR, then /tmp */
	/* When set, a record it rejects (given its raw, checked bytes) is
	 * neither decoded nor returned; it still counts in the stats. */
	bool			(*prefilter)(const void *record, void *arg);
	void			*prefilter_arg;
	/* Forwards only: the stream is still being written.  At its end
	 * pacct_next() returns PACCT_END but keeps a short tail (and any
	 * record it cannot confirm yet) for later: call it again when the
	 * file has grown. */
	bool			follow;
	/* Forwards only: begin at this offset of the (decompressed)
	 * stream, as if the bytes before it were not there; pacct_open()
	 * fails with -ERANGE when the stream is shorter. */
	uint64_t		start_offset;
	/* Backwards only: spool at most this many bytes of a gzip stream or
	 * a pipe (pacct_open() fails with -EFBIG past them); 0: no cap. */
	uint64_t		max_spool;
	/* When set, pacct_next() returns PACCT_SKIPPING after it skipped
	 * about this many bytes in one call (a long region of bytes that are
	 * not records, a sparse hole of gigabytes), so that the caller can
	 * look at its signals and call again; 0: a skip is read whole. */
	uint64_t		skip_budget;
};

/* What pacct_next() found. */
enum pacct_status {
	PACCT_END = 0,		/* no more data */
	PACCT_RECORD = 1,	/* *ret_event holds a record */
	PACCT_SKIPPED = 2,	/* *ret_region: data that is not records */
	PACCT_PARTIAL = 3,	/* *ret_region: a tail shorter than a record */
	/* The skip budget ran out: *ret_region is the skip so far; call
	 * again.  The skip is still reported whole, once, by PACCT_SKIPPED
	 * when it ends, and pacct_offset()/pacct_end_offset() do not move. */
	PACCT_SKIPPING = 4,
};

struct pacct_region {
	uint64_t	offset;		/* first byte, in the stream */
	uint64_t	length;		/* bytes */
	bool		all_zero;	/* only zero bytes (a hole) */
};

struct pacct_stats {
	uint64_t	records;	/* valid records, prefiltered ones too */
	uint64_t	skipped_regions;
	uint64_t	skipped_bytes;
	uint64_t	zero_bytes;	/* part of skipped_bytes */
	uint64_t	partial_bytes;	/* a short tail, 0 or less than a record */
};

struct pacct_reader;

/*
 * Open path for reading ("-": standard input).  Errors: -ENOENT, -EACCES
 * and the like from open(2) and read(2); -EISDIR for a directory; -ENOMEM.
 * Backward reading of a pipe or a gzip stream reads it whole here, so
 * errors of the temporary file (-ENOSPC, ...) come from this call, and
 * -EFBIG when it would hold more than options->max_spool bytes; a
 * decompression failure is kept, and pacct_next() returns it after the
 * records that came before it.
 */
int	pacct_open(const char *path, const struct pacct_options *options,
	    struct pacct_reader **ret_reader);

/* As pacct_open(), on an open descriptor that the reader takes over (it is
 * closed even on failure); name is used in nothing but pacct_name(). */
int	pacct_open_fd(int fd, const char *name,
	    const struct pacct_options *options,
	    struct pacct_reader **ret_reader);

/* As pacct_open_fd(), on a stream that the reader takes over (closed even
 * on failure): one that someone already peeked at (instream_peek()), whose
 * first bytes are read all the same. */
int	pacct_open_stream(struct instream *in, const char *name,
	    const struct pacct_options *options,
	    struct pacct_reader **ret_reader);

/*
 * Step to the next item.  Returns a pacct_status, or -errno on a read
 * error (-EIO, ...) or a corrupt gzip stream (-EBADMSG); everything returned
 * before the error stands, and further calls return the same error.
 * ret_event or ret_region is filled according to the status; either may be
 * NULL when the caller does not want it.
 */
int	pacct_next(struct pacct_reader *reader, struct acct_event *ret_event,
	    struct pacct_region *ret_region);

/* Offset of the item last returned (of the failure after an error). */
uint64_t pacct_offset(const struct pacct_reader *reader);

/* Where the item last returned ends: the offset up to which the stream
 * has been consumed (start_offset before the first item). */
uint64_t pacct_end_offset(const struct pacct_reader *reader);

/* The name given at open: the path, or "(stdin)". */
const char *pacct_name(const struct pacct_reader *reader);

/* True when the stream was gzip-compressed. */
bool	pacct_compressed(const struct pacct_reader *reader);

void	pacct_get_stats(const struct pacct_reader *reader,
	    struct pacct_stats *ret_stats);

/* Close and free; NULL is fine. */
void	pacct_close(struct pacct_reader *reader);

static inline void
pacct_closep(struct pacct_reader **reader)
{
	pacct_close(*reader);
}

#define _cleanup_pacct_	__attribute__((cleanup(pacct_closep)))

#endif
