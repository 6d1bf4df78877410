/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.c: the journal as a source, through sd-journal.  acct2syslog's
 * journal sink writes each message as ACCT_<FIELD> fields (docs/schema.md
 * "Journal encoding"): their values are the kv values without quotes and
 * without the backslash layer, so " and \ get theirs back before
 * entry_set().
 *
 * sd-journal does the selecting: always SYSLOG_IDENTIFIER=acct2syslog
 * (which the sink sets on every message; the daemon's own log lines carry
 * it too and are skipped for want of ACCT_EVENT), plus the matches the
 * caller asks for.  The fields of an entry are read in one pass with
 * sd_journal_enumerate_available_data(): sd_journal_get_data() walks all
 * of an entry's fields, and decompresses the start of compressed ones
 * (MESSAGE, the kv line, is over journald's 512-byte threshold), for each
 * field asked for -- fifteen times slower here.  A field libsystemd cannot
 * read (an unknown compression, damage) is passed over: MESSAGE, the only
 * field of ours long enough to be compressed, is not needed; an ACCT_
 * field lost that way goes unnoticed unless the entry then lacks what
 * entry_end() requires.
 *
 * The "line" of a journal message is its number among the entries read.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "escape.h"
#include "source-internal.h"

#ifndef HAVE_SYSTEMD

int
source_open_journal(const char *dir, const char *file,
    const struct source_matches *matches, struct source **ret)
{
	(void)dir;
	(void)file;
	(void)matches;
	(void)ret;
	return -EPROTONOSUPPORT;
}

#else

#define NAME_MAX_LEN	64		/* of a field name after ACCT_ */
#define VALUE_MAX	(8 * 1024)	/* longer values are no value of ours */

struct journal {
	sd_journal	*j;
	char		value[VALUE_MAX];
};

/* A journal value in its kv form: " and \ with a backslash before them.
 * Returns it (the value itself when there is nothing to add), or NULL
 * when it would not fit. */
static const char *
kv_value(struct journal *jr, const char *s, size_t len, size_t *ret_len)
{
	size_t extra = 0;
	char *d = jr->value;

	for (size_t i = 0; i < len; i++)
		extra += s[i] == '"' || s[i] == '\\';
	*ret_len = len + extra;
	if (extra == 0)
		return s;
	if (len + extra > sizeof(jr->value))
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			*d++ = '\\';
		*d++ = s[i];
	}
	return jr->value;
}

/* One ACCT_ field (f, len bytes: "ACCT_NAME=value") into e; false when its
 * value is not right.  *ours is set by ACCT_EVENT. */
static bool
take_field(struct journal *jr, struct entry *e, const char *f, size_t len,
    bool *ours)
{
	char name[NAME_MAX_LEN];
	const char *eq = memchr(f + 5, '=', len - 5), *v;
	size_t n, vlen;

	if (eq == NULL || (n = (size_t)(eq - f - 5)) > sizeof(name))
		return true;		/* no field of ours */
	for (size_t i = 0; i < n; i++) {
		char c = f[5 + i];

		name[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	if (schema_find(name, n) == SCHEMA_EVENT)
		*ours = true;
	if ((v = kv_value(jr, eq + 1, len - n - 6, &vlen)) == NULL)
		return false;
	return entry_set(e, name, n, v, vlen) == 0;
}

static int
journal_next(struct source *s, struct entry *e)
{
	struct journal *jr = s->impl;

	for (;;) {
		bool ours = false, damaged = false;
		int priority = -1, rc;
		const void *data;
		size_t len;

		rc = sd_journal_next(jr->j);
		if (rc == 0)
			return 0;
		if (rc < 0)	/* not -EBADMSG: that would be called again */
			return rc == -EBADMSG ? -EIO : rc;
		s->line++;
		entry_begin(e);
		sd_journal_restart_data(jr->j);
		while ((rc = sd_journal_enumerate_available_data(jr->j, &data,
		    &len)) > 0) {
			const char *f = data;

			if (len > 5 && memcmp(f, "ACCT_", 5) == 0) {
				if (!take_field(jr, e, f, len, &ours))
					damaged = true;
			} else if (len == 10 && memcmp(f, "PRIORITY=", 9) == 0 &&
			    f[9] >= '0' && f[9] <= '7')
				priority = f[9] - '0';
		}
		if (rc < 0)
			damaged = true;
		if (!ours) {
			s->skipped++;
			continue;
		}
		if (damaged || entry_end(e) < 0)
			return -EBADMSG;
		if (!e->is_record && priority >= 0)
			e->c.priority = priority;
		return 1;
	}
}

static void
journal_close(struct source *s)
{
	struct journal *jr = s->impl;

	if (jr == NULL)
		return;
	sd_journal_close(jr->j);
	free(jr);
}

static const struct source_ops journal_ops = { journal_next, journal_close };

/* FIELD=value, the value escaped as the sink escapes it (raw: as it is). */
static int
add_match(sd_journal *j, const char *field, size_t n, const char *value,
    bool raw)
{
	size_t len = strlen(value);
	char *m = malloc(n + ESC_MAX(len) + 1);
	int rc;

	if (m == NULL)
		return -ENOMEM;
	memcpy(m, field, n);
	if (raw) {
		memcpy(m + n, value, len);
		n += len;
	} else
		n += esc_escape(m + n, value, len, 0);
	rc = sd_journal_add_match(j, m, n);
	free(m);
	return rc;
}

/* The journal field of a schema field: "ACCT_...=" and its length. */
#define JOURNAL_FIELD(f) \
	schema_rows[f].journal, schema_rows[f].journal_len

static int
add_matches(sd_journal *j, const struct source_matches *m)
{
	char uid[16];
	int rc;

	if ((rc = add_match(j, "SYSLOG_IDENTIFIER=", 18, "acct2syslog",
	    true)) < 0)
		return rc;
	if (m == NULL)
		return 0;
	if (m->records_only && (rc = add_match(j,
	    JOURNAL_FIELD(SCHEMA_EVENT), FMT_PROCESS_END, true)) < 0)
		return rc;
	if (m->user && (rc = add_match(j, JOURNAL_FIELD(SCHEMA_USER),
	    m->user, false)) < 0)
		return rc;
	if (m->command && (rc = add_match(j,
	    JOURNAL_FIELD(SCHEMA_PROCESS_NAME), m->command, true)) < 0)
		return rc;
	if (m->host && (rc = add_match(j, JOURNAL_FIELD(SCHEMA_HOST),
	    m->host, false)) < 0)
		return rc;
	if (m->has_uid) {
		snprintf(uid, sizeof(uid), "%u", (unsigned)m->uid);
		if ((rc = add_match(j, JOURNAL_FIELD(SCHEMA_USER_ID), uid,
		    true)) < 0)
			return rc;
	}
	return 0;
}

/* path made absolute (sd-journal wants it so); NULL when out of memory. */
static char *
absolute(const char *path)
{
	char cwd[4096];
	char *p;

	if (path[0] == '/')
		return strdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	if (asprintf(&p, "%s/%s", cwd, path) < 0)
		return NULL;
	return p;
}

int
source_open_journal(const char *dir, const char *file,
    const struct source_matches *matches, struct source **ret)
{
	struct journal *jr;
	struct source *s;
	sd_journal *j = NULL;
	char *path = NULL;
	int rc;

	if ((dir || file) && (path = absolute(file ? file : dir)) == NULL)
		return -ENOMEM;
	/* Like journalctl: the journal of this machine (not what
	 * systemd-journal-remote stored: --journal-dir reads that). */
	if (file)
		rc = sd_journal_open_files(&j, (const char *[]){ path, NULL },
		    0);
	else if (dir)
		rc = sd_journal_open_directory(&j, path, 0);
	else
		rc = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
	free(path);
	if (rc < 0)
		return rc;
	if ((rc = add_matches(j, matches)) < 0) {
		sd_journal_close(j);
		return rc;
	}
	if ((jr = calloc(1, sizeof(*jr))) == NULL ||
	    (s = source_new(SOURCE_JOURNAL, file ? file : dir ? dir :
	    "the journal", &journal_ops)) == NULL) {
		free(jr);
		sd_journal_close(j);
		return -ENOMEM;
	}
	jr->j = j;
	s->impl = jr;
	*ret = s;
	return 0;
}

#endif
