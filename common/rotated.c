/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rotated.c: the rotated set of an accounting file (see rotated.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "macro.h"
#include "rotated.h"

bool
rotated_match(const char *name, const char *base, struct rotated_name *ret)
{
	struct rotated_name r = { ROTATED_LIVE, NULL, 0, false };
	size_t n = strlen(base);
	const char *p = name + n, *digits;

	if (n == 0 || strncmp(name, base, n) != 0)
		return false;
	if (*p == '\0')
		goto found;
	if (*p != '.' && *p != '-')
		return false;
	r.kind = *p == '.' ? ROTATED_NUMBERED : ROTATED_DATED;
	digits = ++p;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == digits)
		return false;
	if (strcmp(p, ".gz") == 0)
		r.compressed = true;
	else if (*p != '\0')
		return false;
	/* Leading zeros do not make a number larger: 007 is 7. */
	while (*digits == '0' && digits + 1 < p)
		digits++;
	r.digits = digits;
	r.n_digits = (size_t)(p - digits);
found:
	if (ret != NULL)
		*ret = r;
	return true;
}

/* Compare two runs of digits (no leading zeros) as numbers. */
static int
compare_digits(const struct rotated_name *a, const struct rotated_name *b)
{
	int c;

	if (a->n_digits != b->n_digits)
		return a->n_digits < b->n_digits ? -1 : 1;
	c = memcmp(a->digits, b->digits, a->n_digits);
	return c < 0 ? -1 : c > 0;
}

int
rotated_compare(const struct rotated_name *a, const struct rotated_name *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	switch (a->kind) {
	case ROTATED_LIVE:
		return 0;
	case ROTATED_NUMBERED:
		/* pacct.0 is newer than pacct.1. */
		return compare_digits(a, b);
	case ROTATED_DATED:
		/* pacct-20261204 is newer than pacct-20261203. */
		return -compare_digits(a, b);
	}
	return 0;
}

struct member {
	char		*path;
	struct rotated_name name;	/* digits point into path */
};

static int
newest_first(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = rotated_compare(&x->name, &y->name);

	/* pacct.1 and pacct.1.gz, or pacct.01: any fixed order. */
	return c != 0 ? c : strcmp(x->path, y->path);
}

static void
members_free(struct member *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].path);
	free(list);
}

/* Add dir/name to the list when it is to be listed. */
static int
add_member(struct member **list, size_t *n, size_t *cap, const char *dir,
    const char *name, const char *base, unsigned flags)
{
	struct rotated_name rn;
	struct stat st;
	char *p;

	if (!rotated_match(name, base, &rn) ||
	    (rn.kind == ROTATED_LIVE && !(flags & ROTATED_WITH_LIVE)))
		return 0;
	if ((dir != NULL ? asprintf(&p, "%s%s%s", dir,
	    strcmp(dir, "/") == 0 ? "" : "/", name) :
	    asprintf(&p, "%s", name)) < 0)
		return -ENOMEM;
	if (rn.kind != ROTATED_LIVE && (stat(p, &st) < 0 ||
	    !S_ISREG(st.st_mode))) {
		free(p);
		return 0;
	}
	if (*n == *cap) {
		size_t grown = *cap ? 2 * *cap : 16;
		struct member *nl = reallocarray(*list, grown, sizeof(**list));

		if (nl == NULL) {
			free(p);
			return -ENOMEM;
		}
		*list = nl;
		*cap = grown;
	}
	/* The digits again, now pointing into the path we keep. */
	rotated_match(p + strlen(p) - strlen(name), base, &rn);
	(*list)[(*n)++] = (struct member){ p, rn };
	return 0;
}

int
rotated_list(const char *path, unsigned flags, char ***ret_paths,
    size_t *ret_n)
{
	_cleanup_free_ char *dir = strdup(path);
	struct member *list = NULL;
	size_t n = 0, cap = 0;
	const char *base, *open_dir;
	struct dirent *de;
	char *slash, **paths;
	DIR *d;
	int rc = 0;

	if (dir == NULL)
		return -ENOMEM;
	if ((slash = strrchr(dir, '/')) == NULL) {
		base = path;
		open_dir = ".";
	} else {
		*slash = '\0';
		base = slash + 1;
		open_dir = slash == dir ? "/" : dir;
	}
	if ((d = opendir(open_dir)) == NULL)
		return -errno;
	while (rc == 0 && (de = readdir(d)) != NULL)
		rc = add_member(&list, &n, &cap, slash == NULL ? NULL :
		    open_dir, de->d_name, base, flags);
	closedir(d);
	if (rc == 0 && (paths = calloc(n + 1, sizeof(*paths))) == NULL)
		rc = -ENOMEM;
	if (rc < 0) {
		members_free(list, n);
		return rc;
	}
	if (n > 0)
		qsort(list, n, sizeof(*list), newest_first);
	for (size_t i = 0; i < n; i++)
		paths[i] = TAKE_PTR(list[i].path);
	members_free(list, 0);
	*ret_paths = paths;
	*ret_n = n;
	return 0;
}

void
rotated_list_free(char **paths, size_t n)
{
	if (paths == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
