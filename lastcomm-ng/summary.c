/* SPDX-License-Identifier: Apache-2.0 */
/*
 * summary.c: totals per command and per user, in growing hash tables; each
 * line of the report through the bounded writer (line.h).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "line.h"
#include "query.h"
#include "summary.h"

struct total {
	bool		used;
	uint32_t	uid;			/* user table */
	/* The user table's label: the name that came with the record, when
	 * one did (named); else the names cache's, looked up when printed. */
	bool		named, has_user;
	char		user[NAMES_MAX + 1];
	char		comm[ACCT_COMM_MAX + 1];	/* command table */
	uint8_t		comm_len;
	uint64_t	count, failed;
	uint64_t	cpu_us, elapsed_us;
};

struct table {
	struct total	*slots;
	size_t		size, used;	/* size: a power of two */
};

struct summary {
	struct table	commands, users;
};

static uint32_t
hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static uint32_t
hash_total(const struct total *t, bool by_user)
{
	if (!by_user)
		return hash_bytes(t->comm, t->comm_len);
	return t->uid * 2654435761u ^ hash_bytes(t->user, strlen(t->user));
}

/* A user is a uid and the name it came with: one uid may be two people
 * on two hosts of an archive. */
static bool
same_key(const struct total *a, const struct total *b, bool by_user)
{
	if (by_user)
		return a->uid == b->uid && a->named == b->named &&
		    a->has_user == b->has_user && strcmp(a->user, b->user) == 0;
	return a->comm_len == b->comm_len &&
	    memcmp(a->comm, b->comm, a->comm_len) == 0;
}

/* The slot for key's totals, made if new; NULL when out of memory. */
static struct total *
find(struct table *t, const struct total *key, bool by_user)
{
	size_t i;

	if (t->used + 1 > t->size / 2) {
		struct table bigger = { .size = t->size ? t->size * 2 : 64 };

		if ((bigger.slots = calloc(bigger.size, sizeof(*bigger.slots))) ==
		    NULL)
			return NULL;
		for (size_t k = 0; k < t->size; k++) {
			if (!t->slots[k].used)
				continue;
			i = hash_total(&t->slots[k], by_user) & (bigger.size - 1);
			while (bigger.slots[i].used)
				i = (i + 1) & (bigger.size - 1);
			bigger.slots[i] = t->slots[k];
			bigger.used++;
		}
		free(t->slots);
		*t = bigger;
	}
	i = hash_total(key, by_user) & (t->size - 1);
	for (; t->slots[i].used; i = (i + 1) & (t->size - 1))
		if (same_key(&t->slots[i], key, by_user))
			return &t->slots[i];
	t->slots[i] = *key;
	t->slots[i].used = true;
	t->used++;
	return &t->slots[i];
}

struct summary *
summary_new(void)
{
	return calloc(1, sizeof(struct summary));
}

static void
count(struct total *t, const struct acct_event *ev)
{
	t->count++;
	t->failed += ev->exit_code != 0 || ev->signal != 0;
	t->cpu_us += acct_ticks_to_us(ev, ev->user_ticks + ev->sys_ticks);
	t->elapsed_us += acct_elapsed_us(ev);
}

int
summary_add(struct summary *s, const struct acct_event *ev,
    const struct query_context *ctx)
{
	struct total key = { .uid = ev->uid, .comm_len = ev->comm_len }, *t;
	struct total user_key;

	memcpy(key.comm, ev->comm, ev->comm_len);
	user_key = key;
	if (ctx != NULL && ctx->names_given) {
		const char *user = query_user(ctx, ev->uid);

		user_key.named = true;
		if (user != NULL) {
			size_t n = strnlen(user, NAMES_MAX);

			user_key.has_user = true;
			memcpy(user_key.user, user, n);
			user_key.user[n] = '\0';
		}
	}
	if ((t = find(&s->commands, &key, false)) == NULL)
		return -ENOMEM;
	count(t, ev);
	if ((t = find(&s->users, &user_key, true)) == NULL)
		return -ENOMEM;
	count(t, ev);
	return 0;
}

static int
by_count(const void *a, const void *b)
{
	const struct total *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	if (x->named != y->named)
		return x->named ? 1 : -1;
	if (strcmp(x->user, y->user) != 0)
		return strcmp(x->user, y->user);
	return strcmp(x->comm, y->comm);
}

/* A row's label: its command, or its user's name (the one it came with,
 * else the names cache's, else the uid). */
static void
put_label(struct writer *w, const struct total *row, bool by_user,
    struct names *names)
{
	struct query_context ctx = { .names = names };
	const char *user;
	char buf[12];

	if (!by_user) {
		line_view_left(w, row->comm, row->comm_len, ESC_VIEW_TEXT, 16);
		return;
	}
	if (row->named) {
		ctx.names_given = true;
		ctx.user = row->has_user ? row->user : NULL;
	}
	user = query_user_text(&ctx, row->uid, buf);
	line_view_left(w, user, strnlen(user, LINE_VIEW_MAX + 1),
	    ESC_VIEW_TEXT, 16);
}

/* A label (LINE_VIEW_MAX at most, padded to 16) and four numbers of
 * at most 32 bytes each ("%14.2f" of 2^64 microseconds is 17). */
#define SUMMARY_LINE_MAX	(LINE_VIEW_MAX + 16 + 4 * 32)

/* One table: the used slots sorted, then a line each. */
static void
print_table(const struct table *t, bool by_user, struct names *names,
    FILE *out)
{
	struct total *rows = malloc((t->used + 1) * sizeof(*rows));
	char line[SUMMARY_LINE_MAX];
	size_t n = 0;

	if (rows == NULL)
		return;
	for (size_t i = 0; i < t->size; i++)
		if (t->slots[i].used)
			rows[n++] = t->slots[i];
	qsort(rows, n, sizeof(*rows), by_count);
	fprintf(out, "%-16s %10s %12s %14s %8s\n", by_user ? "USER" :
	    "COMMAND", "COUNT", "CPU_SECONDS", "ELAPSED_SECONDS", "FAILED");
	for (size_t i = 0; i < n; i++) {
		struct writer w = writer_init(line, sizeof(line));

		put_label(&w, &rows[i], by_user, names);
		line_printf(&w, " %10ju %12.2f %14.2f %8ju\n",
		    (uintmax_t)rows[i].count, (double)rows[i].cpu_us / 1e6,
		    (double)rows[i].elapsed_us / 1e6,
		    (uintmax_t)rows[i].failed);
		/* SUMMARY_LINE_MAX holds any row: a cut one is not shown. */
		if (writer_ok(&w))
			fwrite(line, 1, (size_t)(w.p - line), out);
	}
	free(rows);
}

void
summary_print(const struct summary *s, struct names *names, FILE *out)
{
	print_table(&s->commands, false, names, out);
	fputc('\n', out);
	print_table(&s->users, true, names, out);
}

void
summary_free(struct summary *s)
{
	if (s == NULL)
		return;
	free(s->commands.slots);
	free(s->users.slots);
	free(s);
}
