/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity.c: which file is which: device, inode and first record.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "identity.h"
#include "macro.h"

/* Read up to size bytes at the start of fd's content (decompressed when it
 * is gzip); the number read or -errno. */
static ssize_t
read_head(int fd, uint8_t *buf, size_t size)
{
	char proc[64];
	uint8_t magic[2];
	ssize_t n;
	gzFile gz;
	int dfd;

	do
		n = pread(fd, magic, sizeof(magic), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n < 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		do
			n = pread(fd, buf, size, 0);
		while (n < 0 && errno == EINTR);
		return n < 0 ? -errno : n;
	}
	/* gzdopen() reads from the descriptor's position: give it one of
	 * its own, at the start, and leave fd's position alone. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((dfd = open(proc, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if ((gz = gzdopen(dfd, "rb")) == NULL) {
		close(dfd);
		return -ENOMEM;
	}
	n = gzread(gz, buf, (unsigned)size);
	gzclose(gz);
	return n < 0 ? -EBADMSG : n;
}

int
file_id_read(int fd, struct file_id *ret_id)
{
	uint8_t head[ACCT_RECORD_MAX];
	struct file_id id;
	struct stat st;
	ssize_t n;
	size_t size;

	if (fstat(fd, &st) < 0)
		return -errno;
	memset(&id, 0, sizeof(id));
	id.dev = (uint64_t)st.st_dev;
	id.ino = (uint64_t)st.st_ino;
	if ((n = read_head(fd, head, sizeof(head))) < 0)
		return (int)n;
	size = n >= 2 ? acct_record_size(head[1]) : 0;
	if (size > 0 && (size_t)n >= size && !mem_all_zero(head, size)) {
		memcpy(id.first, head, size);
		id.has_first = true;
	}
	*ret_id = id;
	return 0;
}

bool
file_id_same_file(const struct file_id *a, const struct file_id *b)
{
	if (a->dev != b->dev || a->ino != b->ino)
		return false;
	if (a->has_first && b->has_first)
		return memcmp(a->first, b->first, sizeof(a->first)) == 0;
	return true;
}

bool
file_id_same_content(const struct file_id *a, const struct file_id *b)
{
	return a->has_first && b->has_first &&
	    memcmp(a->first, b->first, sizeof(a->first)) == 0;
}
