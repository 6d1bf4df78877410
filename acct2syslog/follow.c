/* SPDX-License-Identifier: Apache-2.0 */
/*
 * follow.c: file identity and rotated siblings.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "follow.h"
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
follow_identify(int fd, struct file_id *ret_id)
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

/* Is name (in the directory) a rotated sibling of base? */
static bool
is_sibling(const char *name, const char *base)
{
	size_t n = strlen(base);
	const char *p = name + n;

	if (strncmp(name, base, n) != 0 || (*p != '.' && *p != '-'))
		return false;
	p++;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0' || strcmp(p, ".gz") == 0;
}

struct sibling {
	char		*path;
	struct timespec	mtime;
};

static int
newest_first(const void *a, const void *b)
{
	const struct sibling *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
	return strcmp(x->path, y->path);
}

int
follow_siblings(const char *path, char ***ret_paths, size_t *ret_n)
{
	_cleanup_free_ char *dir_copy = strdup(path), *base_copy = strdup(path);
	struct sibling *list = NULL;
	size_t n = 0, cap = 0;
	const char *dir, *base;
	struct dirent *de;
	char **paths;
	DIR *d;
	int rc = 0;

	if (dir_copy == NULL || base_copy == NULL)
		return -ENOMEM;
	dir = dirname(dir_copy);
	base = basename(base_copy);
	if ((d = opendir(dir)) == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *p;

		if (!is_sibling(de->d_name, base))
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (stat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (n == cap) {
			struct sibling *nl = reallocarray(list, cap ? 2 * cap : 16,
			    sizeof(*list));

			if (nl == NULL) {
				free(p);
				rc = -ENOMEM;
				break;
			}
			list = nl;
			cap = cap ? 2 * cap : 16;
		}
		list[n++] = (struct sibling){ p, st.st_mtim };
	}
	closedir(d);
	if (rc == 0 && (paths = calloc(n + 1, sizeof(*paths))) == NULL)
		rc = -ENOMEM;
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			free(list[i].path);
		free(list);
		return rc;
	}
	if (n > 0)
		qsort(list, n, sizeof(*list), newest_first);
	for (size_t i = 0; i < n; i++)
		paths[i] = list[i].path;
	free(list);
	*ret_paths = paths;
	*ret_n = n;
	return 0;
}

void
follow_siblings_free(char **paths, size_t n)
{
	if (paths == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
