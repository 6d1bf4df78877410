/*
 * format.h: one accounting record as a message, in the three encodings of
 * DESIGN.md "Message schema" (version 1): a kv line, an ECS JSON object,
 * and journald fields.
 *
 * Promise: the same record and context give the same fields in the same
 * order in every encoding; strings are escaped as escape.h says, numbers
 * are never negative, times are RFC 3339 UTC.  A kv line is under
 * FMT_LINE_MAX bytes (names longer than NAMES_MAX are left out by the names
 * cache).  The functions write into caller buffers, allocate nothing, and
 * are thread safe when each thread has its own names cache.
 */
#ifndef ACCT_FORMAT_H
#define ACCT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "names.h"
#include "record.h"

#define FMT_SCHEMA_VERSION	1
#define FMT_LINE_MAX		1024	/* kv line, newline and NUL included */
#define FMT_JSON_MAX		2048	/* JSON object, newline and NUL */
#define FMT_JOURNAL_FIELDS	40
#define FMT_JOURNAL_MAX		3072

/* What the record does not say itself; NULL or 0 members are left out. */
struct fmt_context {
	struct names	*names;		/* resolves user, group, tty */
	const char	*host;		/* source host name, <= 64 bytes used */
	const char	*stream;	/* 32 hex digits (<= 64 used); with seq */
	uint64_t	seq;		/* 1, 2, ... within the stream */
};

/* Write the kv line of ev into dst (size >= FMT_LINE_MAX), NUL-terminated,
 * without a newline; returns its length. */
size_t	fmt_kv(char *dst, size_t size, const struct acct_event *ev,
	    const struct fmt_context *ctx);

/* Write the JSON object of ev into dst (size >= FMT_JSON_MAX),
 * NUL-terminated, without a newline; returns its length. */
size_t	fmt_json(char *dst, size_t size, const struct acct_event *ev,
	    const struct fmt_context *ctx);

/* journald fields of one record: iov[0..count) point into buf. */
struct fmt_journal {
	struct iovec	iov[FMT_JOURNAL_FIELDS];
	size_t		count;
	char		buf[FMT_JOURNAL_MAX];
};

/* Fill j with the ACCT_* fields, MESSAGE (the kv line), MESSAGE_ID,
 * PRIORITY and SYSLOG_IDENTIFIER of ev, ready for sd_journal_sendv(). */
void	fmt_journal(struct fmt_journal *j, const struct acct_event *ev,
	    const struct fmt_context *ctx);

/* The comma list of flag names ("fork,su,core,xsig"); "" for none.
 * Writes at most size bytes with the NUL; returns the length. */
size_t	fmt_flags(char *dst, size_t size, uint8_t flags);

/* MESSAGE_ID of process_end messages, as 32 hex digits. */
#define FMT_MESSAGE_ID_PROCESS_END	"2ee0e53f2ac34d4191a0206885ae5cd8"

#endif
