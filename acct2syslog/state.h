/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.h: the forwarder's cursor, kept across restarts.
 *
 * Promise: a state names the stream (a random 128-bit id made once), the
 * last sequence number committed, the file being read (device, inode and
 * its first record, so a renamed or replaced file is recognised), the
 * offset read up to, and whether anything may have been sent beyond it.  state_save() replaces the file atomically: a
 * temporary file, fsync, rename, fsync of the directory; after a crash the
 * file holds the old state or the new one, never a mix.  state_load()
 * refuses anything it did not write whole (empty, cut short, zero-filled,
 * altered: a checksum covers every line), so a damaged state is never
 * taken for a position.  The state directory is opened once, at start
 * (state_dir_open(): a symbolic link to it is resolved then), must be one
 * only root and the daemon's user can change (safedir.h), and is locked
 * for one instance; every file in it is opened relative to its descriptor
 * and never through a symbolic link.  Functions return 0 or -errno; no
 * global state; nothing printed.
 */
#ifndef ACCT2SYSLOG_STATE_H
#define ACCT2SYSLOG_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

#define STATE_FILE		"state"
#define STATE_LOCK		"lock"
#define STATE_STREAM_LEN	32	/* hex digits */

/* Which file, whatever its name is now. */
struct file_id {
	uint64_t	dev;
	uint64_t	ino;
	bool		has_first;	/* false while the file is empty */
	uint8_t		first[ACCT_RECORD_MAX];	/* its first record */
};

struct state {
	char		stream[STATE_STREAM_LEN + 1];
	uint64_t	seq;		/* last committed; 0: none yet */
	struct file_id	file;
	uint64_t	offset;		/* bytes of file consumed */
	/* Nothing was sent past this position: false while running, so
	 * that a restart after a crash knows records after offset may
	 * have gone out already (and sends them again with the same seq
	 * before anything new). */
	bool		clean;
	/* seq was taken for a control event whose delivery is not known. */
	bool		pending_control;
	/* Seqs taken by earlier runs whose delivery is not known and that no
	 * message known to have reached the sink admits yet: doubt_from..
	 * doubt_to (0 and 0: none; pending_control adds seq to it).  Kept
	 * until a forwarder_start admitting them is committed, so that runs
	 * dying one after the other cannot hide a seq taken by the first
	 * (the range may also cover seqs that did arrive: an admission is
	 * "may be missing").  Optional in the file: a state written before
	 * it existed has none. */
	uint64_t	doubt_from, doubt_to;
};

/*
 * Open the state directory dir for this instance: resolved once, trusted
 * (owned by root or the daemon's user, writable by neither group nor
 * others), holding no symbolic link or other non-regular file where the
 * daemon writes (lock, state, state.tmp), and locked (dir/lock, flock).
 * 0 with both descriptors (O_CLOEXEC; the lock holds while *ret_lock_fd is
 * open); else -errno and err filled with one line naming the directory
 * and what to do (-EPERM: not trusted; -EWOULDBLOCK: locked by another).
 */
int	state_dir_open(const char *dir, int *ret_dir_fd, int *ret_lock_fd,
	    char *err, size_t err_size);

/* A new stream: a random id from getrandom(2), seq 0, no file. */
int	state_new_stream(struct state *ret_state);

/*
 * Read dir_fd/state.  -ENOENT when there is none (a first start);
 * -EBADMSG when it is there but damaged (empty, cut short, zero bytes, a
 * wrong checksum, a bad value): the caller starts a new stream and says
 * why; other -errno from reading it.
 */
int	state_load(int dir_fd, struct state *ret_state);

/* Write s to dir_fd/state atomically and durably (see above).  On error
 * (-ENOSPC, -EROFS, -EIO, ...) the old state file is left as it was. */
int	state_save(int dir_fd, const struct state *s);

#endif
