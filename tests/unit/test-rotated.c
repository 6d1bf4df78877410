/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-rotated: the one rule for a rotated set (common/rotated.h): which
 * names are in it, their order, and the listing of a real directory whose
 * modification times say the opposite of the names.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "rotated.h"
#include "tap.h"

static char dir[] = "/tmp/test-rotated.XXXXXX";

static void
test_match(void)
{
	static const struct {
		const char	*name;
		bool		in;
		enum rotated_kind kind;
		bool		gz;
	} cases[] = {
		{ "pacct", true, ROTATED_LIVE, false },
		{ "pacct.0", true, ROTATED_NUMBERED, false },
		{ "pacct.1.gz", true, ROTATED_NUMBERED, true },
		{ "pacct.12", true, ROTATED_NUMBERED, false },
		{ "pacct-20261204", true, ROTATED_DATED, false },
		{ "pacct-20261204.gz", true, ROTATED_DATED, true },
		{ "pacct-1733270400", true, ROTATED_DATED, false },
		{ "pacct.old", false, 0, false },
		{ "pacct.1.bak", false, 0, false },
		{ "pacct.x.gz", false, 0, false },
		{ "pacct.", false, 0, false },
		{ "pacct.gz", false, 0, false },
		{ "pacct.1.gz.gz", false, 0, false },
		{ "pacct.-1", false, 0, false },
		{ "pacctx", false, 0, false },
		{ "pacct_1", false, 0, false },
		{ "xpacct.1", false, 0, false },
		{ "pacc", false, 0, false },
	};
	struct rotated_name rn;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool in = rotated_match(cases[i].name, "pacct", &rn);

		if (cases[i].in)
			ok(in && rn.kind == cases[i].kind &&
			    rn.compressed == cases[i].gz, "%s is in the set "
			    "(kind %d%s)", cases[i].name, cases[i].kind,
			    cases[i].gz ? ", gzip" : "");
		else
			ok(!in, "%s is not in the set", cases[i].name);
	}
	ok(!rotated_match("pacct", "", NULL), "an empty base has no set");
	ok(rotated_match("pacct.007", "pacct", &rn) && rn.n_digits == 1 &&
	    rn.digits[0] == '7', "pacct.007 is number 7");
}

/* a newer than b, by the rule. */
static bool
newer(const char *a, const char *b)
{
	struct rotated_name x, y;

	return rotated_match(a, "pacct", &x) && rotated_match(b, "pacct", &y) &&
	    rotated_compare(&x, &y) < 0 && rotated_compare(&y, &x) > 0;
}

static void
test_order(void)
{
	ok(newer("pacct", "pacct.0"), "pacct is newer than pacct.0");
	ok(newer("pacct.0", "pacct.1.gz"), "pacct.0 is newer than pacct.1.gz");
	ok(newer("pacct.2.gz", "pacct.10.gz"),
	    "pacct.2.gz is newer than pacct.10.gz (numbers, not text)");
	ok(newer("pacct.9", "pacct.0010"), "pacct.9 is newer than pacct.0010");
	ok(newer("pacct-20261204", "pacct-20261203.gz"),
	    "pacct-20261204 is newer than pacct-20261203.gz");
	ok(newer("pacct-1733270400", "pacct-999999999"),
	    "a longer date is later");
	ok(newer("pacct.5", "pacct-20261204"),
	    "numbered files count as newer than dated ones");
	{
		struct rotated_name x, y;

		ok(rotated_match("pacct.1", "pacct", &x) &&
		    rotated_match("pacct.1.gz", "pacct", &y) &&
		    rotated_compare(&x, &y) == 0,
		    "pacct.1 and pacct.1.gz stand at the same place");
	}
}

/* dir/name with mtime t (seconds since the epoch). */
static void
make(const char *name, time_t t)
{
	char path[PATH_MAX];
	struct timeval tv[2] = { { t, 0 }, { t, 0 } };
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    close(fd) < 0 || utimes(path, tv) < 0)
		abort();
}

static void
test_list(void)
{
	/* Newest first by the names; the times say the opposite. */
	static const char *want[] = { "pacct.0", "pacct.1.gz", "pacct.2.gz",
	    "pacct.4", "pacct.10.gz", "pacct-20261204.gz", "pacct-20261203" };
	char path[PATH_MAX], sub[PATH_MAX], cwd[PATH_MAX];
	char **list = NULL;
	size_t n = 0, w = sizeof(want) / sizeof(want[0]);
	bool same = true;
	time_t t = 1700000000;

	make("pacct", t);
	for (size_t i = 0; i < w; i++)
		if (strcmp(want[i], "pacct.4") != 0)
			make(want[i], t - 1000 + (time_t)i);
	make("pacct.old", t);
	make("pacct.1.bak", t);
	make("other.1", t);
	snprintf(sub, sizeof(sub), "%s/pacct.3", dir);
	if (mkdir(sub, 0755) < 0)
		abort();
	/* A symlink to a regular file counts, as stat(2) sees it. */
	snprintf(sub, sizeof(sub), "%s/pacct.4", dir);
	if (symlink("pacct.0", sub) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/pacct", dir);

	is_int(rotated_list(path, 0, &list, &n), 0, "list: 0");
	is_int((int)n, (int)w, "list: %zu rotated files (no directory, no "
	    "pacct.old, no pacct itself)", w);
	for (size_t i = 0; i < n && i < w; i++) {
		char expect[PATH_MAX];

		snprintf(expect, sizeof(expect), "%s/%s", dir, want[i]);
		if (strcmp(list[i], expect) != 0) {
			diag("list[%zu] = %s, want %s", i, list[i], expect);
			same = false;
		}
	}
	ok(same && n == w, "list: newest first by name, not by time");
	ok(list != NULL && list[n] == NULL, "list: NULL after the last");
	rotated_list_free(list, n);

	is_int(rotated_list(path, ROTATED_WITH_LIVE, &list, &n), 0,
	    "list with the live file: 0");
	ok(n == w + 1 && strcmp(list[0], path) == 0,
	    "list with the live file: it comes first");
	rotated_list_free(list, n);

	/* A path without a slash: names in the current directory. */
	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(dir) < 0)
		abort();
	is_int(rotated_list("pacct", 0, &list, &n), 0, "relative: 0");
	ok(n == w && strcmp(list[0], "pacct.0") == 0 &&
	    strcmp(list[n - 1], "pacct-20261203") == 0,
	    "relative: names as they are in the directory");
	rotated_list_free(list, n);
	if (chdir(cwd) < 0)
		abort();

	snprintf(path, sizeof(path), "%s/none/pacct", dir);
	is_int(rotated_list(path, 0, &list, &n), -ENOENT,
	    "a directory that is not there: -ENOENT");
	snprintf(path, sizeof(path), "%s/nothing", dir);
	ok(rotated_list(path, ROTATED_WITH_LIVE, &list, &n) == 0 && n == 0,
	    "a base with no file at all: an empty list");
	rotated_list_free(list, n);
	rotated_list_free(NULL, 0);
}

int
main(void)
{
	char command[64];

	if (mkdtemp(dir) == NULL)
		skip_all("cannot make a temporary directory");
	test_match();
	test_order();
	test_list();
	snprintf(command, sizeof(command), "rm -rf %s", dir);
	if (system(command) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
