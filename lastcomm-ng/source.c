/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source.c: archive files, read as lines (gzip or not: zlib reads both)
 * and handed to the parser of their kind; pacct archives through the
 * pacct reader.  The kind is told from the first bytes: a JSON object,
 * binary records, or else text.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "jsonline.h"
#include "macro.h"
#include "pacct.h"
#include "rulebase.h"
#include "source-internal.h"

#define CHUNK		(256 * 1024)
#define LINE_MAX_LEN	(64 * 1024)	/* longer lines are not ours */

struct lines {
	gzFile		gz;
	char		*buf;
	size_t		pos, len, cap;
	bool		eof;
	int		error;
	struct rulebase	*rb;
	struct jsonline	*js;
};

struct source *
source_new(enum source_kind kind, const char *name,
    const struct source_ops *ops)
{
	struct source *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->name = strdup(name)) == NULL) {
		free(s);
		return NULL;
	}
	s->kind = kind;
	s->ops = ops;
	return s;
}

/* Read more into the buffer, keeping what is not consumed; false at the
 * end (or on an error, kept in l->error). */
static bool
lines_fill(struct lines *l)
{
	int n;

	if (l->eof)
		return false;
	if (l->pos > 0) {
		memmove(l->buf, l->buf + l->pos, l->len - l->pos);
		l->len -= l->pos;
		l->pos = 0;
	}
	if (l->len == l->cap)
		return false;		/* a line longer than the buffer */
	n = gzread(l->gz, l->buf + l->len, (unsigned)(l->cap - l->len));
	if (n < 0) {
		int zerr;

		gzerror(l->gz, &zerr);
		l->error = zerr == Z_ERRNO ? -errno : -EBADMSG;
		l->eof = true;
		return false;
	}
	if (n == 0) {
		l->eof = true;
		return false;
	}
	l->len += (size_t)n;
	return true;
}

/* The next line (without its newline), or NULL at the end.  Lines longer
 * than LINE_MAX_LEN are skipped whole and counted. */
static const char *
lines_next(struct source *s, struct lines *l, size_t *ret_len)
{
	for (;;) {
		char *start = l->buf + l->pos;
		char *nl = memchr(start, '\n', l->len - l->pos);

		if (nl != NULL) {
			l->pos = (size_t)(nl + 1 - l->buf);
			s->line++;
			*ret_len = (size_t)(nl - start);
			return start;
		}
		if (lines_fill(l))
			continue;
		if (l->len - l->pos == l->cap) {
			/* Too long: drop up to the next newline. */
			l->pos = l->len;
			s->skipped++;
			continue;
		}
		if (l->len > l->pos) {		/* a last line without '\n' */
			start = l->buf + l->pos;
			*ret_len = l->len - l->pos;
			l->pos = l->len;
			s->line++;
			return start;
		}
		return NULL;
	}
}

static int
text_next(struct source *s, struct entry *e)
{
	struct lines *l = s->impl;
	const char *line;
	size_t len;
	int rc;

	while ((line = lines_next(s, l, &len)) != NULL) {
		rc = s->kind == SOURCE_JSON ?
		    jsonline_parse(l->js, line, len, e) :
		    rulebase_parse(l->rb, line, len, e);
		if (rc == 0) {
			s->skipped++;
			continue;
		}
		return rc;	/* 1, or -EBADMSG for a damaged one */
	}
	return l->error;
}

static void
text_close(struct source *s)
{
	struct lines *l = s->impl;

	if (l == NULL)
		return;
	if (l->gz != NULL)
		gzclose(l->gz);
	rulebase_free(l->rb);
	jsonline_free(l->js);
	free(l->buf);
	free(l);
}

static const struct source_ops text_ops = { text_next, text_close };

/* pacct archives: the records of the file, without stream or names. */
static int
pacct_source_next(struct source *s, struct entry *e)
{
	struct pacct_reader *r = s->impl;
	int rc;

	for (;;) {
		entry_begin(e);
		rc = pacct_next(r, &e->ev, NULL);
		if (rc == PACCT_RECORD) {
			s->line++;
			strcpy(e->event, "process_end");
			e->is_record = true;
			e->time_us = acct_end_us(&e->ev);
			return 1;
		}
		if (rc == PACCT_SKIPPED || rc == PACCT_PARTIAL) {
			s->skipped++;
			continue;
		}
		return rc;
	}
}

static void
pacct_source_close(struct source *s)
{
	pacct_close(s->impl);
}

static const struct source_ops pacct_ops = {
	pacct_source_next, pacct_source_close
};

/* What the first bytes say the content is. */
static enum source_kind
sniff(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (n >= 2 && acct_check(p, n) > 0 && memchr(p, 0, MIN(n, 64)))
		return SOURCE_PACCT;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	if (i < n && p[i] == '{')
		return SOURCE_JSON;
	return SOURCE_SYSLOG;
}

int
source_open_archive(const char *path, const char *rulebase_dir,
    struct source **ret)
{
	struct lines *l;
	struct source *s;
	struct stat st;
	enum source_kind kind;
	int fd, rc;

	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) :
	    open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -errno;
		close(fd);
		return rc;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->buf = malloc(CHUNK + LINE_MAX_LEN)) == NULL ||
	    (l->gz = gzdopen(fd, "rb")) == NULL) {
		if (l == NULL || l->gz == NULL)
			close(fd);
		if (l)
			free(l->buf);
		free(l);
		return -ENOMEM;
	}
	l->cap = CHUNK + LINE_MAX_LEN;
	gzbuffer(l->gz, CHUNK);
	lines_fill(l);
	if (l->error < 0) {
		rc = l->error;
		goto fail_lines;
	}
	kind = sniff((const uint8_t *)l->buf, l->len);
	if (kind == SOURCE_PACCT) {
		struct pacct_options po = { .direction = PACCT_FORWARD };
		struct pacct_reader *r;

		/* The pacct reader reads gzip and plain by itself. */
		gzclose(l->gz);
		free(l->buf);
		free(l);
		if ((rc = pacct_open(path, &po, &r)) < 0)
			return rc;
		if ((s = source_new(SOURCE_PACCT, path, &pacct_ops)) == NULL) {
			pacct_close(r);
			return -ENOMEM;
		}
		s->impl = r;
		*ret = s;
		return 0;
	}
	if (kind == SOURCE_JSON)
		rc = jsonline_new(&l->js);
	else
		rc = rulebase_new(rulebase_dir, &l->rb);
	if (rc < 0)
		goto fail_lines;
	if ((s = source_new(kind, strcmp(path, "-") == 0 ? "(stdin)" : path,
	    &text_ops)) == NULL) {
		rc = -ENOMEM;
		goto fail_lines;
	}
	s->impl = l;
	*ret = s;
	return 0;
fail_lines:
	{
		struct source tmp = { .impl = l };

		text_close(&tmp);
	}
	return rc;
}

int
source_next(struct source *s, struct entry *ret)
{
	return s->ops->next(s, ret);
}

enum source_kind
source_kind(const struct source *s)
{
	return s->kind;
}

const char *
source_name(const struct source *s)
{
	return s->name;
}

uint64_t
source_line(const struct source *s)
{
	return s->line;
}

uint64_t
source_skipped(const struct source *s)
{
	return s->skipped;
}

void
source_close(struct source *s)
{
	if (s == NULL)
		return;
	if (s->ops && s->ops->close)
		s->ops->close(s);
	free(s->name);
	free(s);
}
