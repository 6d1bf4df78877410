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

#include "fdio.h"
#include "instream.h"
#include "jsonline.h"
#include "macro.h"
#include "pacct.h"
#include "rulebase.h"
#include "source-internal.h"

#define CHUNK		(256 * 1024)
#define SNIFF_MIN	ACCT_RECORD_MAX	/* enough to tell a record */

struct lines {
	struct instream	*in;
	char		*buf;
	size_t		pos, len, cap;
	bool		eof;
	bool		too_long;	/* dropping the rest of a long line */
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
	ssize_t n;

	if (l->eof)
		return false;
	if (l->pos > 0) {
		memmove(l->buf, l->buf + l->pos, l->len - l->pos);
		l->len -= l->pos;
		l->pos = 0;
	}
	if (l->len == l->cap)
		return false;		/* cannot happen: see lines_next */
	n = instream_read(l->in, l->buf + l->len, l->cap - l->len);
	if (n <= 0) {
		/* Not -EBADMSG: that is a damaged message, not the end. */
		l->error = n == -EBADMSG ? -EILSEQ : (int)n;
		l->eof = true;
		return false;
	}
	l->len += (size_t)n;
	return true;
}

/* What lines_next() found. */
enum line_status {
	LINE_END,		/* no more (or a read error, in l->error) */
	LINE_TEXT,		/* *ret_line, *ret_len: one line */
	LINE_TOO_LONG,		/* one longer than SOURCE_LINE_MAX, dropped */
};

/*
 * The next line, without its newline.  A line longer than SOURCE_LINE_MAX
 * is dropped whole, up to and including its newline, and counted as a
 * line: never handed out in pieces, so that nothing after byte
 * SOURCE_LINE_MAX of another program's line is read as a line of its own.
 */
static enum line_status
lines_next(struct source *s, struct lines *l, const char **ret_line,
    size_t *ret_len)
{
	for (;;) {
		char *start = l->buf + l->pos;
		size_t avail = l->len - l->pos;
		char *nl = memchr(start, '\n', avail);
		size_t len = nl != NULL ? (size_t)(nl - start) : avail;

		if (nl == NULL && avail <= SOURCE_LINE_MAX && lines_fill(l))
			continue;
		if (nl == NULL && avail > SOURCE_LINE_MAX) {
			/* Too long already: drop what we have, read on. */
			l->pos = l->len;
			l->too_long = true;
			if (lines_fill(l))
				continue;
		}
		/* The end; a line cut by a read error is not a line. */
		if (nl == NULL && ((avail == 0 && !l->too_long) ||
		    l->error < 0)) {
			l->pos = l->len;
			return LINE_END;
		}
		/* A line: up to a newline, or the last one without. */
		l->pos = nl != NULL ? (size_t)(nl + 1 - l->buf) : l->len;
		s->line++;
		if (l->too_long || len > SOURCE_LINE_MAX) {
			l->too_long = false;
			s->skipped++;
			return LINE_TOO_LONG;
		}
		*ret_line = start;
		*ret_len = len;
		return LINE_TEXT;
	}
}

static int
text_next(struct source *s, struct entry *e)
{
	struct lines *l = s->impl;
	enum line_status st;
	const char *line = NULL;
	size_t len = 0;
	int rc;

	while ((st = lines_next(s, l, &line, &len)) != LINE_END) {
		if (st == LINE_TOO_LONG)
			return -EMSGSIZE;	/* skipped whole */
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
	instream_close(l->in);
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
			strcpy(e->event, FMT_PROCESS_END);
			e->is_record = true;
			e->time_us = acct_end_us(&e->ev);
			return 1;
		}
		if (rc == -EBADMSG)
			return -EILSEQ;		/* corrupt gzip data */
		if (rc == PACCT_SKIPPED || rc == PACCT_PARTIAL ||
		    rc == PACCT_SKIPPING) {
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

/* What the first bytes say the content is: false when they cannot tell
 * yet (only blanks so far). */
static bool
sniff(const uint8_t *p, size_t n, enum source_kind *ret)
{
	size_t i = 0;

	if (n >= 2 && acct_check(p, n) > 0 && memchr(p, 0, MIN(n, 64))) {
		*ret = SOURCE_PACCT;
		return true;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	*ret = i < n && p[i] == '{' ? SOURCE_JSON : SOURCE_SYSLOG;
	return i < n;
}

/*
 * Look at the first bytes of in (none is consumed) to tell its kind:
 * enough for a record, more while there are only blanks; empty or blank
 * input is text.  A read error with nothing read is returned (-EILSEQ for
 * corrupt gzip data); after some bytes it is left for the reader.
 */
static int
sniff_stream(struct instream *in, enum source_kind *ret)
{
	const uint8_t *p;
	size_t want = SNIFF_MIN, n;
	int rc;

	for (;;) {
		rc = instream_peek(in, want, &p, &n);
		if (rc < 0 && n == 0)
			return rc == -EBADMSG ? -EILSEQ : rc;
		if (sniff(p, n, ret) || rc < 0 || n < want ||
		    want >= INSTREAM_PEEK_MAX)
			return 0;
		want = MIN(want * 16, INSTREAM_PEEK_MAX);
	}
}

/* A pacct archive, from the stream whose first bytes were peeked. */
static int
open_pacct(struct instream *in, const char *name, struct source **ret)
{
	struct pacct_options po = { .direction = PACCT_FORWARD };
	struct pacct_reader *r;
	struct source *s;
	int rc;

	if ((rc = pacct_open_stream(in, name, &po, &r)) < 0)
		return rc;
	if ((s = source_new(SOURCE_PACCT, name, &pacct_ops)) == NULL) {
		pacct_close(r);
		return -ENOMEM;
	}
	s->impl = r;
	*ret = s;
	return 0;
}

/* A text archive (syslog or JSON lines), from the peeked stream. */
static int
open_text(struct instream *in, enum source_kind kind, const char *name,
    const char *rulebase_dir, struct source **ret)
{
	struct source tmp = { 0 };
	struct lines *l;
	struct source *s = NULL;
	int rc;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		instream_close(in);
		return -ENOMEM;
	}
	l->in = in;
	tmp.impl = l;
	l->cap = CHUNK + SOURCE_LINE_MAX;
	if ((l->buf = malloc(l->cap)) == NULL)
		rc = -ENOMEM;
	else if (kind == SOURCE_JSON)
		rc = jsonline_new(&l->js);
	else
		rc = rulebase_new(rulebase_dir, &l->rb);
	if (rc == 0 && (s = source_new(kind, name, &text_ops)) == NULL)
		rc = -ENOMEM;
	if (rc < 0) {
		text_close(&tmp);
		return rc;
	}
	s->impl = l;
	*ret = s;
	return 0;
}

int
source_open_archive(const char *path, const char *rulebase_dir,
    struct source **ret)
{
	const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	struct instream *in;
	enum source_kind kind;
	int fd, rc;

	if ((fd = fd_open_input(path)) < 0)
		return fd;
	if ((rc = instream_open_fd(fd, INSTREAM_DETECT, &in)) < 0)
		return rc;
	if ((rc = sniff_stream(in, &kind)) < 0) {
		instream_close(in);
		return rc;
	}
	/* Every byte peeked is read again by the reader of its kind. */
	if (kind == SOURCE_PACCT)
		return open_pacct(in, name, ret);
	return open_text(in, kind, name, rulebase_dir, ret);
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
