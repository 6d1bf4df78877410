/* SPDX-License-Identifier: Apache-2.0 */
/*
 * entry.h: one message of a forwarded archive, rebuilt: a record (event
 * process_end) or a control event, from the fields of the message schema
 * (docs/schema.md), whatever encoding it came in (a kv line parsed by the
 * rulebase, a JSON line, journal fields).
 *
 * Promise: entry_set() takes one field by its kv name and its value as
 * the kv line has it (strings without their quotes, with their #ooo
 * escapes, \" and \\; numbers in decimal); a field it does not know is
 * ignored (a newer schema), a known one with a bad value is -EINVAL.
 * entry_end() checks that the fields make a whole message and fills ev
 * (times in milliseconds: ahz 1000) and ctx (host, stream, seq, the names
 * given).  The entry owns copies of every string until the next
 * entry_begin(); nothing is allocated.  A digest over the canonical kv
 * form lets --verify tell a true duplicate from a different message with
 * the same event_id, across encodings.
 */
#ifndef LASTCOMM_ENTRY_H
#define LASTCOMM_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "record.h"
#include "schema.h"

/* user, group, tty, host, stream; message, file, new_file (bytes) */
#define ENTRY_NAME_MAX	SCHEMA_READ_NAME_MAX
#define ENTRY_TEXT_MAX	SCHEMA_READ_TEXT_MAX

struct entry {
	char		event[SCHEMA_READ_EVENT_MAX + 1]; /* process_end, ... */
	bool		is_record;	/* event is process_end */
	int		control;	/* enum fmt_control_kind, or -1 */
	struct acct_event ev;		/* a record's fields */
	struct fmt_context ctx;		/* host, stream, seq, names given */
	struct fmt_control c;		/* a control event's fields */
	bool		has_seq;	/* stream and seq were there */
	uint64_t	time_us;	/* a record's end, a control's time */
	uint64_t	digest;		/* 0: entry_digest() works it out */
	unsigned	schema;
	bool		names_given;	/* user, group, tty came with it */

	/* Storage of the strings ctx and c point to. */
	char		host[ENTRY_NAME_MAX + 1], user[ENTRY_NAME_MAX + 1];
	char		group[ENTRY_NAME_MAX + 1], tty[ENTRY_NAME_MAX + 1];
	char		stream[ENTRY_NAME_MAX + 1];
	char		message[ENTRY_TEXT_MAX + 1], file[ENTRY_TEXT_MAX + 1];
	char		new_file[ENTRY_TEXT_MAX + 1];
	uint64_t	seen;		/* which fields were set (bits) */
};

/* Start a new entry (forgets everything of the last one). */
void	entry_begin(struct entry *e);

/* One field: key (key_len bytes) = value (len bytes), as described above.
 * 0, or -EINVAL for a known field whose value is not right. */
int	entry_set(struct entry *e, const char *key, size_t key_len,
	    const char *value, size_t len);

/* As entry_set(), for a field the caller knows by its number (one with a
 * kv name: below SCHEMA_KV_COUNT). */
int	entry_set_field(struct entry *e, enum schema_field field,
	    const char *value, size_t len);

/* The fields make a message: 0; -EBADMSG when something it needs is
 * missing (no event; a record without process_name, user_id, group_id or
 * start_time). */
int	entry_end(struct entry *e);

/* A digest (FNV-1a 64) of the entry's canonical kv line, the same
 * whatever encoding it came in (or e->digest, when set). */
uint64_t entry_digest(const struct entry *e);

/* The canonical kv line of the entry (what acct2syslog would have sent),
 * into dst (size >= FMT_LINE_MAX for an entry within the schema's limits,
 * FMT_READ_MAX for any); its length, 0 (and "") when it does not fit. */
size_t	entry_kv(const struct entry *e, char *dst, size_t size);

#endif
