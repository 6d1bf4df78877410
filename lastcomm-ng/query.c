/* SPDX-License-Identifier: Apache-2.0 */
/*
 * query.c: record filters, with GNU lastcomm's name matching.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "query.h"

int
query_add_name(struct name_list *list, char *name)
{
	char **n = reallocarray(list->names, list->count + 1, sizeof(*n));

	if (n == NULL)
		return -ENOMEM;
	list->names = n;
	list->names[list->count++] = name;
	return 0;
}

int
query_add_id(struct id_list *list, uint32_t id)
{
	uint32_t *n = reallocarray(list->ids, list->count + 1, sizeof(*n));

	if (n == NULL)
		return -ENOMEM;
	list->ids = n;
	list->ids[list->count++] = id;
	return 0;
}

static int
compile_list(struct name_list *list, const char **ret_bad)
{
	if (list->count == 0)
		return 0;
	if ((list->regexes = calloc(list->count, sizeof(regex_t))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < list->count; i++) {
		if (regcomp(&list->regexes[i], list->names[i],
		    REG_EXTENDED | REG_NOSUB) != 0) {
			/* Keep the list consistent for query_free(). */
			list->count = i;
			*ret_bad = list->names[i];
			return -EINVAL;
		}
	}
	return 0;
}

int
query_compile(struct query *q, const char **ret_bad)
{
	int rc;

	if (q->mode != MATCH_REGEX)
		return 0;
	if ((rc = compile_list(&q->any, ret_bad)) < 0 ||
	    (rc = compile_list(&q->commands, ret_bad)) < 0 ||
	    (rc = compile_list(&q->users, ret_bad)) < 0 ||
	    (rc = compile_list(&q->ttys, ret_bad)) < 0 ||
	    (rc = compile_list(&q->hosts, ret_bad)) < 0)
		return rc;
	return 0;
}

/* Does text match entry i of list? */
static bool
name_matches(const struct query *q, const struct name_list *list, size_t i,
    const char *text)
{
	switch (q->mode) {
	case MATCH_GLOB:
		return fnmatch(list->names[i], text, 0) == 0;
	case MATCH_REGEX:
		return regexec(&list->regexes[i], text, 0, NULL, 0) == 0;
	default:
		return strcmp(list->names[i], text) == 0;
	}
}

static bool
list_matches(const struct query *q, const struct name_list *list,
    const char *text)
{
	for (size_t i = 0; i < list->count; i++)
		if (name_matches(q, list, i, text))
			return true;
	return false;
}

static bool
id_listed(const struct id_list *list, uint32_t id)
{
	for (size_t i = 0; i < list->count; i++)
		if (list->ids[i] == id)
			return true;
	return false;
}

const char *
query_user(const struct query_context *ctx, uint32_t uid)
{
	if (ctx->names_given)
		return ctx->user;
	return ctx->names ? names_user(ctx->names, uid) : NULL;
}

const char *
query_group(const struct query_context *ctx, uint32_t gid)
{
	if (ctx->names_given)
		return ctx->group;
	return ctx->names ? names_group(ctx->names, gid) : NULL;
}

const char *
query_tty(const struct query_context *ctx, uint32_t tty)
{
	if (ctx->names_given)
		return ctx->tty;
	return ctx->names ? names_tty(ctx->names, tty) : NULL;
}

struct fmt_context
query_fmt_context(const struct query_context *ctx,
    const struct acct_event *ev)
{
	return (struct fmt_context){ .user = query_user(ctx, ev->uid),
	    .group = query_group(ctx, ev->gid), .tty = query_tty(ctx, ev->tty),
	    .host = ctx->host, .stream = ctx->stream, .seq = ctx->seq };
}

const char *
query_user_text(const struct query_context *ctx, uint32_t uid, char buf[12])
{
	const char *name = query_user(ctx, uid);

	if (name != NULL)
		return name;
	/* GNU lastcomm prints the number signed: 4294967295 is -1. */
	snprintf(buf, 12, "%d", (int32_t)uid);
	return buf;
}

/* Character devices of /dev (and /dev/pty, /dev/ptym), by number: the
 * table GNU lastcomm names terminals from.  Built on first use. */
static char **dev_names;

/* Fill dev_names from one directory; a later entry wins, as in GNU's. */
static void
scan_devices(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *copy;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode) ||
		    st.st_rdev > 0xffff || (copy = strdup(e->d_name)) == NULL)
			continue;
		free(dev_names[st.st_rdev]);
		dev_names[st.st_rdev] = copy;
	}
	closedir(d);
}

static void
free_devices(void)
{
	for (size_t i = 0; i <= 0xffff; i++)
		free(dev_names[i]);
	free(dev_names);
}

const char *
query_tty_text(const struct query_context *ctx, uint32_t tty)
{
	static char buf[32];
	unsigned major = (tty >> 8) & 0xff, minor = tty & 0xff;

	if (ctx->names_given)
		return ctx->tty ? ctx->tty : "__";
	if (tty == 0)
		return "__";
	if (dev_names == NULL) {
		if ((dev_names = calloc(0x10000, sizeof(*dev_names))) == NULL)
			return "__";
		scan_devices("/dev");
		scan_devices("/dev/pty");
		scan_devices("/dev/ptym");
		atexit(free_devices);
	}
	if (tty <= 0xffff && dev_names[tty] != NULL)
		return dev_names[tty];
	if (major >= 136 && major <= 143)
		snprintf(buf, sizeof(buf), "pts/%u", (major - 136) * 256 + minor);
	else
		snprintf(buf, sizeof(buf), "[%u,%u]", major, minor);
	return buf;
}

/* GNU lastcomm's rules for the command, user and terminal names. */
static bool
names_match(const struct query *q, const struct acct_event *ev,
    const struct query_context *ctx)
{
	const char *user, *tty;
	char buf[12];
	bool any_given = q->any.count > 0, field_given = q->commands.count > 0 ||
	    q->users.count > 0 || q->ttys.count > 0;

	if (!any_given && !field_given)
		return true;
	user = query_user_text(ctx, ev->uid, buf);
	tty = query_tty_text(ctx, ev->tty);
	if (q->strict) {
		/* Every list given must match its own field. */
		if (q->commands.count && !list_matches(q, &q->commands, ev->comm))
			return false;
		if (q->users.count && !list_matches(q, &q->users, user))
			return false;
		if (q->ttys.count && !list_matches(q, &q->ttys, tty))
			return false;
		/* A positional name must match one of the three. */
		for (size_t i = 0; i < q->any.count; i++)
			if (!name_matches(q, &q->any, i, ev->comm) &&
			    !name_matches(q, &q->any, i, user) &&
			    !name_matches(q, &q->any, i, tty))
				return false;
		return true;
	}
	return list_matches(q, &q->commands, ev->comm) ||
	    list_matches(q, &q->users, user) ||
	    list_matches(q, &q->ttys, tty) ||
	    list_matches(q, &q->any, ev->comm) ||
	    list_matches(q, &q->any, user) ||
	    list_matches(q, &q->any, tty);
}

bool
query_match(const struct query *q, const struct acct_event *ev,
    const struct query_context *ctx)
{
	if (q->has_since && (int64_t)ev->start_time < q->since)
		return false;
	if (q->has_until && (int64_t)ev->start_time >= q->until)
		return false;
	if (q->pids.count && !(ev->has_pid && id_listed(&q->pids, ev->pid)))
		return false;
	if (q->ppids.count && !(ev->has_pid && id_listed(&q->ppids, ev->ppid)))
		return false;
	if (q->uids.count && !id_listed(&q->uids, ev->uid))
		return false;
	if (q->exit_codes.count && (ev->signal != 0 ||
	    !id_listed(&q->exit_codes, ev->exit_code)))
		return false;
	if (q->signaled && ev->signal == 0)
		return false;
	if (q->failed && ev->exit_code == 0 && ev->signal == 0)
		return false;
	if (q->hosts.count && !list_matches(q, &q->hosts, ctx->host ?
	    ctx->host : ""))
		return false;
	return names_match(q, ev, ctx);
}

#define VERDICTS	1024	/* a power of two */

struct query_prefilter {
	const struct query *q;
	struct names	*names;
	size_t		count;
	struct {
		uint32_t	uid;
		uint8_t		state;	/* 0 free, 1 pass, 2 reject */
	} verdicts[VERDICTS];
};

struct query_prefilter *
query_prefilter_new(const struct query *q, struct names *names)
{
	struct query_prefilter *pf;

	if ((q->users.count == 0 && q->uids.count == 0) || q->any.count > 0 ||
	    q->commands.count > 0 || q->ttys.count > 0)
		return NULL;
	if ((pf = calloc(1, sizeof(*pf))) == NULL)
		return NULL;
	pf->q = q;
	pf->names = names;
	return pf;
}

bool
query_prefilter(const void *record, void *arg)
{
	struct query_prefilter *pf = arg;
	const struct query *q = pf->q;
	uint32_t uid = acct_peek_uid(record);
	size_t i = (uid * 2654435761u) & (VERDICTS - 1);
	struct query_context ctx = { .names = pf->names };
	char buf[12];
	bool pass;

	for (; pf->verdicts[i].state != 0; i = (i + 1) & (VERDICTS - 1))
		if (pf->verdicts[i].uid == uid)
			return pf->verdicts[i].state == 1;
	pass = (q->uids.count == 0 || id_listed(&q->uids, uid)) &&
	    (q->users.count == 0 || list_matches(q, &q->users,
	    query_user_text(&ctx, uid, buf)));
	if (pf->count >= VERDICTS * 3 / 4) {
		/* Bounded memory: forget and start over. */
		memset(pf->verdicts, 0, sizeof(pf->verdicts));
		pf->count = 0;
		i = (uid * 2654435761u) & (VERDICTS - 1);
	}
	pf->count++;
	pf->verdicts[i].uid = uid;
	pf->verdicts[i].state = pass ? 1 : 2;
	return pass;
}

void
query_prefilter_free(struct query_prefilter *pf)
{
	free(pf);
}

static void
free_names(struct name_list *list)
{
	if (list->regexes != NULL)
		for (size_t i = 0; i < list->count; i++)
			regfree(&list->regexes[i]);
	free(list->regexes);
	free(list->names);
}

void
query_free(struct query *q)
{
	free_names(&q->any);
	free_names(&q->commands);
	free_names(&q->users);
	free_names(&q->ttys);
	free_names(&q->hosts);
	free(q->pids.ids);
	free(q->ppids.ids);
	free(q->uids.ids);
	free(q->exit_codes.ids);
}
