/* SPDX-License-Identifier: Apache-2.0 */
/*
 * format.h: one accounting record as a message, in the three encodings of
 * DESIGN.md "Message schema" (version 1): a kv line, an ECS JSON object,
 * and journald fields, all derived from the table of schema.h.
 *
 * Promise: the same record and context give the same fields in the same
 * order in every encoding; strings are escaped as escape.h says, numbers
 * are never negative, times are RFC 3339 UTC.  Nothing is ever cut or
 * left out to make a message fit: every byte is written through a bounded
 * writer, and a message that does not fit its buffer is FMT_TOO_LONG,
 * with nothing of it returned.  The buffer sizes below hold every message
 * whose fields are within the table's limits (schema.h; proved at
 * compile time in format.c and by test-schema); FMT_READ_MAX holds any
 * message a reader of archives accepts.  The functions are pure: the caller resolves names
 * and passes them in; they write into caller buffers, allocate nothing,
 * and are thread safe.
 */
#ifndef ACCT_FORMAT_H
#define ACCT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "names.h"
#include "record.h"
#include "schema.h"

#define FMT_SCHEMA_VERSION	SCHEMA_VERSION
#define FMT_LINE_MAX		1024	/* kv line, newline and NUL included */
#define FMT_JSON_MAX		2048	/* JSON object, newline and NUL */
#define FMT_JOURNAL_FIELDS	40
#define FMT_JOURNAL_MAX		4096
#define FMT_READ_MAX		8192	/* any encoding of what a reader took */

/* What the record does not say itself; NULL or 0 members are left out. */
struct fmt_context {
	const char	*user;		/* names, resolved by the caller */
	const char	*group;
	const char	*tty;
	const char	*host;		/* source host name */
	const char	*stream;	/* 32 hex digits; with seq */
	uint64_t	seq;		/* 1, 2, ... within the stream */
};

/* What a formatter did. */
enum fmt_status {
	FMT_OK,
	FMT_TOO_LONG,		/* a field beyond the table's limits made the
				 * message outgrow its buffer: an internal
				 * error; nothing was written */
};

/* Write the kv line of ev into dst (size >= FMT_LINE_MAX), NUL-terminated,
 * without a newline; its length in *ret_len (NULL: not wanted; 0 and ""
 * unless FMT_OK). */
enum fmt_status fmt_kv(char *dst, size_t size, const struct acct_event *ev,
	    const struct fmt_context *ctx, size_t *ret_len);

/* Write the JSON object of ev into dst (size >= FMT_JSON_MAX), as fmt_kv()
 * does. */
enum fmt_status fmt_json(char *dst, size_t size, const struct acct_event *ev,
	    const struct fmt_context *ctx, size_t *ret_len);

/* journald fields of one record: iov[0..count) point into buf. */
struct fmt_journal {
	struct iovec	iov[FMT_JOURNAL_FIELDS];
	size_t		count;
	char		buf[FMT_JOURNAL_MAX];
};

/* Fill j with the ACCT_* fields, MESSAGE (the kv line), MESSAGE_ID,
 * PRIORITY and SYSLOG_IDENTIFIER of ev, ready for sd_journal_sendv();
 * count is 0 unless FMT_OK. */
enum fmt_status fmt_journal(struct fmt_journal *j, const struct acct_event *ev,
	    const struct fmt_context *ctx);

/* The comma list of flag names ("fork,su,core,xsig"); "" for none.
 * Writes at most size bytes with the NUL; returns the length. */
size_t	fmt_flags(char *dst, size_t size, uint8_t flags);

/* The event of a record, and its MESSAGE_ID (32 hex digits). */
#define FMT_PROCESS_END			"process_end"
#define FMT_MESSAGE_ID_PROCESS_END	"2ee0e53f2ac34d4191a0206885ae5cd8"

/*
 * Control events: the forwarder speaking about itself, in the same schema
 * (DESIGN.md "Message schema"): the rows of schema.h marked
 * SCHEMA_IN_CONTROL, in their order; those not set are left out.
 */
enum fmt_control_kind {
	FMT_FORWARDER_START,
	FMT_FORWARDER_STOP,
	FMT_ROTATION,
	FMT_TRUNCATED,
	FMT_CORRUPT_DATA,
	FMT_GAP,
	FMT_ACCOUNTING_PAUSED,
	FMT_ACCOUNTING_RESUMED,
	FMT_ACCOUNTING_OFF,
	FMT_HEARTBEAT,
	FMT_CONTROL_COUNT,
};

/* Which numeric members of struct fmt_control are set. */
#define FMT_HAS_OFFSET		0x01
#define FMT_HAS_BYTES		0x02
#define FMT_HAS_RECORDS		0x04
#define FMT_HAS_SEQ_RANGE	0x08
#define FMT_HAS_FREE_PERCENT	0x10

struct fmt_control {
	enum fmt_control_kind kind;
	int		priority;	/* syslog severity: 3 err, 4 warning, 6 info */
	uint64_t	time_us;	/* when it was noticed, since the epoch */
	const char	*message;	/* one sentence for people; NULL: none */
	const char	*file;		/* the file it is about; NULL: none */
	const char	*new_file;	/* rotation: the file read next */
	unsigned	has;		/* FMT_HAS_* */
	uint64_t	offset;		/* in file */
	uint64_t	bytes;		/* lost, skipped or truncated */
	uint64_t	records;	/* lost, or read from file */
	uint64_t	seq_from, seq_to;	/* a range of seq it concerns */
	unsigned	free_percent;	/* of the accounting filesystem */
};

/* "forwarder_start", ...; NULL for a kind out of range. */
const char *fmt_control_name(enum fmt_control_kind kind);

/* Its MESSAGE_ID (32 hex digits); NULL for a kind out of range. */
const char *fmt_control_message_id(enum fmt_control_kind kind);

/* As fmt_kv(), fmt_json() and fmt_journal(), for a control event (its
 * strings are never cut: see the promise above); fmt_control_json()
 * needs size >= FMT_CONTROL_JSON_MAX. */
#define FMT_CONTROL_JSON_MAX	4096
enum fmt_status fmt_control_kv(char *dst, size_t size,
	    const struct fmt_control *c, const struct fmt_context *ctx,
	    size_t *ret_len);
enum fmt_status fmt_control_json(char *dst, size_t size,
	    const struct fmt_control *c, const struct fmt_context *ctx,
	    size_t *ret_len);
enum fmt_status fmt_control_journal(struct fmt_journal *j,
	    const struct fmt_control *c, const struct fmt_context *ctx);

#endif
