/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay: the main() that turns a fuzz target into a test for any
 * compiler.  It feeds every file of the directories it is given (or, with
 * no arguments, of the colon-separated REPLAY_DIRS under $srcdir, which
 * "make check" sets) to LLVMFuzzerTestOneInput(), one by one, in name
 * order, each in a buffer of exactly its size, and speaks TAP: one "ok"
 * per input.  A broken promise aborts the target; the input it was on is
 * then named on a "Bail out!" line.  Files whose names start with '.'
 * are left alone.  A directory or file that cannot be read is an error,
 * but a directory of REPLAY_DIRS that is not there (a target without
 * regression inputs yet).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_LEN	4096

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void	__sanitizer_set_death_callback(void (*callback)(void))
	    __attribute__((weak));

struct inputs {
	char		**paths;
	size_t		count, cap;
};

static const char *current;		/* the input being replayed */

/* Name the input a crash happened on (async-signal-safe). */
static void
say_current(void)
{
	static const char head[] = "Bail out! crashed on ";

	if (current == NULL)
		return;
	(void)!write(STDOUT_FILENO, head, sizeof(head) - 1);
	(void)!write(STDOUT_FILENO, current, strlen(current));
	(void)!write(STDOUT_FILENO, "\n", 1);
}

/* SIGABRT (a broken promise), or SIGSEGV without a sanitizer. */
static void
on_abort(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One more input to replay. */
static void
add(struct inputs *in, const char *path)
{
	if (in->count == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		if ((in->paths = realloc(in->paths, in->cap *
		    sizeof(*in->paths))) == NULL)
			abort();
	}
	if ((in->paths[in->count++] = strdup(path)) == NULL)
		abort();
}

/* Accepts an empty list. */
static void
inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->count; i++)
		free(in->paths[i]);
	free(in->paths);
}

/* qsort(): paths in strcmp() order. */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of path (a directory, in name order, or one file). */
static int
collect(struct inputs *in, const char *path)
{
	size_t first = in->count;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (stat(path, &st) < 0) {
		printf("Bail out! %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		add(in, path);
		return 0;
	}
	if ((d = opendir(path)) == NULL) {
		printf("Bail out! %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char full[PATH_LEN];

		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		add(in, full);
	}
	closedir(d);
	qsort(in->paths + first, in->count - first, sizeof(*in->paths),
	    by_name);
	return 0;
}

/* The whole of a file in a buffer of its size: 0, or -errno. */
static int
slurp(const char *path, uint8_t **ret, size_t *ret_size)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL)
		abort();
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		done += (size_t)n;
	}
	close(fd);
	*ret = buf;
	*ret_size = done;
	return 0;
}

int
main(int argc, char **argv)
{
	struct inputs in = { NULL, 0, 0 };
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (collect(&in, argv[i]) < 0) {
				inputs_free(&in);
				return 1;
			}
	} else {
		const char *srcdir = getenv("srcdir");
		char dirs[] = REPLAY_DIRS, *save = NULL;

		if (srcdir == NULL || srcdir[0] == '\0')
			srcdir = ".";
		for (char *dir = strtok_r(dirs, ":", &save); dir != NULL;
		    dir = strtok_r(NULL, ":", &save)) {
			char path[PATH_LEN];

			snprintf(path, sizeof(path), "%s/%s", srcdir, dir);
			if (access(path, F_OK) < 0 && errno == ENOENT) {
				printf("# %s: none yet\n", path);
				continue;
			}
			if (collect(&in, path) < 0) {
				inputs_free(&in);
				return 1;
			}
		}
	}
	/* A sanitizer has a SIGSEGV handler of its own, and tells its
	 * death. */
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(say_current);
	else
		signal(SIGSEGV, on_abort);
	signal(SIGABRT, on_abort);
	if (in.count == 0) {
		printf("1..0 # SKIP no inputs\n");
		return 77;
	}
	printf("1..%zu\n", in.count);
	for (size_t i = 0; i < in.count; i++) {
		uint8_t *data;
		size_t size;
		int rc = slurp(in.paths[i], &data, &size);

		if (rc < 0) {
			printf("not ok %zu - %s: %s\n", i + 1, in.paths[i],
			    strerror(-rc));
			failed = 1;
			continue;
		}
		current = in.paths[i];
		LLVMFuzzerTestOneInput(data, size);
		current = NULL;
		free(data);
		printf("ok %zu - %s\n", i + 1, in.paths[i]);
	}
	inputs_free(&in);
	return failed;
}
