/* SPDX-License-Identifier: Apache-2.0 */
/*
 * names.c: id-to-name caches.  Open addressing, one table per kind.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "names.h"

#define TABLE_SIZE	512		/* a power of two */
#define TABLE_FILL	384		/* start over beyond this */

enum names_kind {
	KIND_USER,
	KIND_GROUP,
	KIND_TTY,
	KIND_COUNT,
};

struct entry {
	bool		used;
	bool		has_name;
	uint32_t	id;
	char		name[NAMES_MAX + 1];
};

struct table {
	size_t		count;
	struct entry	entries[TABLE_SIZE];
};

struct names {
	struct table	tables[KIND_COUNT];
	char		*scratch;	/* for getpwuid_r and getgrgid_r */
	size_t		scratch_size;
};

int
names_new(struct names **ret_names)
{
	struct names *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return -ENOMEM;
	n->scratch_size = 16384;
	if ((n->scratch = malloc(n->scratch_size)) == NULL) {
		free(n);
		return -ENOMEM;
	}
	*ret_names = n;
	return 0;
}

void
names_free(struct names *n)
{
	if (n == NULL)
		return;
	free(n->scratch);
	free(n);
}

void
names_tty_format(uint32_t tty, char *buf, size_t size)
{
	/* old_encode_dev, or new_encode_dev's split 12-bit major. */
	unsigned major = (tty >> 8) & 0xfff;
	unsigned minor = (tty & 0xff) | ((tty >> 12) & 0xfff00);

	if (major >= 136 && major <= 143)
		snprintf(buf, size, "pts/%u", (major - 136) * 256 + minor);
	else if (major == 4 && minor < 64)
		snprintf(buf, size, "tty%u", minor);
	else if (major == 4)
		snprintf(buf, size, "ttyS%u", minor - 64);
	else if (major == 5 && minor == 1)
		snprintf(buf, size, "console");
	else
		snprintf(buf, size, "[%u,%u]", major, minor);
}

/* Ask the system for the name of id; false when it has none. */
static bool
resolve(struct names *n, enum names_kind kind, uint32_t id, char *name)
{
	const char *found = NULL;
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char visible[ESC_MAX(NAMES_MAX + 1)];
	size_t len;

	switch (kind) {
	case KIND_USER:
		if (getpwuid_r(id, &pw, n->scratch, n->scratch_size,
		    &pwp) == 0 && pwp != NULL)
			found = pw.pw_name;
		break;
	case KIND_GROUP:
		if (getgrgid_r(id, &gr, n->scratch, n->scratch_size,
		    &grp) == 0 && grp != NULL)
			found = gr.gr_name;
		break;
	default:
		names_tty_format(id, name, NAMES_MAX + 1);
		return true;
	}
	if (found == NULL || (len = strlen(found)) == 0 || len > NAMES_MAX)
		return false;
	if (esc_escape(visible, found, len, ESC_QUOTED) > NAMES_MAX)
		return false;
	memcpy(name, found, len + 1);
	return true;
}

/* The cached name of (kind, id), resolving it on a miss. */
static const char *
lookup(struct names *n, enum names_kind kind, uint32_t id)
{
	struct table *t = &n->tables[kind];
	size_t i = (id * 2654435761u) & (TABLE_SIZE - 1);
	struct entry *e;

	for (;;) {
		e = &t->entries[i];
		if (!e->used)
			break;
		if (e->id == id)
			return e->has_name ? e->name : NULL;
		i = (i + 1) & (TABLE_SIZE - 1);
	}
	if (t->count >= TABLE_FILL) {
		/* Bounded memory: forget everything and start again. */
		memset(t, 0, sizeof(*t));
		i = (id * 2654435761u) & (TABLE_SIZE - 1);
		e = &t->entries[i];
	}
	t->count++;
	e->used = true;
	e->id = id;
	e->has_name = resolve(n, kind, id, e->name);
	return e->has_name ? e->name : NULL;
}

const char *
names_user(struct names *n, uint32_t uid)
{
	return lookup(n, KIND_USER, uid);
}

const char *
names_group(struct names *n, uint32_t gid)
{
	return lookup(n, KIND_GROUP, gid);
}

const char *
names_tty(struct names *n, uint32_t tty)
{
	return tty == 0 ? NULL : lookup(n, KIND_TTY, tty);
}
