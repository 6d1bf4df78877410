/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source.h: where lastcomm-ng's messages come from besides a pacct file
 * read directly: forwarded archives, each possibly gzip-compressed, whose
 * kind is told by content, not by name (a syslog text file as rsyslog
 * writes it, parsed with rules/acct2syslog.rulebase through liblognorm;
 * JSON lines as acct2syslog's file sink writes them; a pacct file), and
 * the journal (sd-journal, with matches on the ACCT_* fields).
 *
 * Promise: source_next() gives the acct2syslog messages one by one as
 * entries, in the order of the source; lines that are not acct2syslog
 * messages are skipped quickly and counted; a line that claims to be one
 * but does not parse is counted as damaged and reported by
 * source_next() once (-EBADMSG, with source_line() saying where), then
 * reading goes on.  Memory is bounded whatever the size of the source.
 * Functions return 0/1 or -errno; a source is used by one thread.
 */
#ifndef LASTCOMM_SOURCE_H
#define LASTCOMM_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "entry.h"

enum source_kind {
	SOURCE_PACCT,
	SOURCE_SYSLOG,
	SOURCE_JSON,
	SOURCE_JOURNAL,
};

/* What a journal source may ask sd-journal to match (NULL/0: anything);
 * the caller still checks every entry with its query. */
struct source_matches {
	const char	*user;		/* ACCT_USER= */
	const char	*command;	/* ACCT_PROCESS_NAME= (escaped form) */
	const char	*host;		/* ACCT_HOST= */
	bool		has_uid;
	uint32_t	uid;		/* ACCT_USER_ID= */
	bool		records_only;	/* ACCT_EVENT=process_end */
};

/* A line of an archive longer than this many bytes (without its newline)
 * is none of ours (a message of acct2syslog is under 4 KiB): it is skipped
 * whole, and source_next() says so. */
#define SOURCE_LINE_MAX	(64 * 1024)

struct source;

/* An archive file ("-": standard input); its kind from its first bytes
 * (after gzip).  rulebase_dir holds the rulebases for syslog text (loaded
 * only when one is met).  Every byte read to tell the kind is read again
 * as part of the archive (a pipe loses nothing).  -ENOENT, -EACCES,
 * -EISDIR, ...; -EILSEQ for corrupt gzip data at the start; a bad
 * rulebase: its error. */
int	source_open_archive(const char *path, const char *rulebase_dir,
	    struct source **ret);

/* The journal: dir and file NULL for the local journal, else a journal
 * directory (--journal-dir) or one journal file (--journal-file). */
int	source_open_journal(const char *dir, const char *file,
	    const struct source_matches *matches, struct source **ret);

/* The next message: 1 with *ret filled, 0 at the end, -EBADMSG for a
 * damaged message or -EMSGSIZE for a line longer than SOURCE_LINE_MAX
 * (either skipped, source_line() says which; call again), other -errno
 * for a read error after which the source ends (-EILSEQ: corrupt or
 * truncated gzip data). */
int	source_next(struct source *s, struct entry *ret);

enum source_kind source_kind(const struct source *s);
const char *source_name(const struct source *s);

/* The line (syslog, JSON) of the message last returned or damaged. */
uint64_t source_line(const struct source *s);

/* Lines that were not acct2syslog messages, skipped. */
uint64_t source_skipped(const struct source *s);

void	source_close(struct source *s);

#endif
