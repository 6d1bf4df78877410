/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-names: terminal naming rules and the id caches.
 */
#include "config.h"

#include <grp.h>
#include <stdbool.h>
#include <pwd.h>

#include "names.h"
#include "tap.h"

static void
tty_is(uint32_t dev, const char *want)
{
	char buf[32];

	names_tty_format(dev, buf, sizeof(buf));
	is_str(buf, want, "tty %u,%u is %s", dev >> 8, dev & 0xff, want);
}

int
main(void)
{
	struct names *n;
	struct passwd *pw;
	struct group *gr;
	const char *a, *b;
	bool good = true;

	tty_is(136 << 8 | 0, "pts/0");
	tty_is(136 << 8 | 3, "pts/3");
	tty_is(137 << 8 | 4, "pts/260");
	tty_is(143 << 8 | 255, "pts/2047");
	tty_is(4 << 8 | 1, "tty1");
	tty_is(4 << 8 | 63, "tty63");
	tty_is(4 << 8 | 64, "ttyS0");
	tty_is(4 << 8 | 65, "ttyS1");
	tty_is(5 << 8 | 1, "console");
	tty_is(5 << 8 | 0, "[5,0]");
	tty_is(204 << 8 | 64, "[204,64]");

	if (names_new(&n) < 0)
		skip_all("out of memory");
	ok(names_tty(n, 0) == NULL, "no terminal: no name");
	is_str(names_tty(n, 136 << 8 | 7), "pts/7", "tty through the cache");

	pw = getpwuid(0);
	gr = getgrgid(0);
	if (pw && gr) {
		is_str(names_user(n, 0), pw->pw_name, "uid 0 is %s", pw->pw_name);
		is_str(names_group(n, 0), gr->gr_name, "gid 0 is %s", gr->gr_name);
	} else {
		ok(1, "# SKIP no passwd entry for uid 0");
		ok(1, "# SKIP no group entry for gid 0");
	}
	ok(getpwuid(3999999999u) != NULL || names_user(n, 3999999999u) == NULL,
	    "an id without a name has no name");
	a = names_user(n, 0);
	b = names_user(n, 0);
	ok(a == b, "a cached name is returned from the cache");

	/* More ids than the cache holds: it starts over, answers stay right. */
	for (uint32_t id = 0; id < 5000; id++) {
		struct passwd *p = getpwuid(id);
		const char *got = names_user(n, id);

		if ((p == NULL) != (got == NULL) ||
		    (p && strcmp(p->pw_name, got) != 0))
			good = false;
	}
	ok(good, "5000 uids through the bounded cache agree with getpwuid");
	pw = getpwuid(0);
	is_str(names_user(n, 0), pw ? pw->pw_name : NULL, "uid 0 still right after the cache filled");
	names_free(n);
	names_free(NULL);
	ok(1, "names_free(NULL) is fine");
	return done_testing();
}
