/* SPDX-License-Identifier: Apache-2.0 */
/*
 * print.h: lastcomm-ng's output formats.
 *
 * Promise: printer_record() writes one record in the chosen format to the
 * printer's stream: "lastcomm" is byte for byte what GNU lastcomm 6.6.4
 * prints; "long" is one readable line with full times and the exit status;
 * "kv" and "json" are the message schema (docs/schema.md); "csv" has a
 * header row (printer_begin()).  Untrusted strings (command, user, group,
 * tty, host) are never printed raw: they go through esc_view(), GNU's '?'
 * per byte in the lastcomm format, #ooo in long, the CSV view (no formula,
 * RFC 4180 quotes) in csv; kv and json are the wire form, unchanged.
 * Every line is built through a bounded writer: printer_line() never
 * writes past the buffer it is given, whatever the record and its names.
 * A text field whose view is longer than a reader's limits allow is shown
 * shortened, ending in "#..." (line.h); lastcomm's columns are cut as
 * GNU's are.  Output errors are left in the stream (ferror) for the
 * caller to report.
 */
#ifndef LASTCOMM_PRINT_H
#define LASTCOMM_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "format.h"
#include "names.h"
#include "query.h"
#include "record.h"

enum print_format {
	PRINT_LASTCOMM,
	PRINT_LONG,
	PRINT_KV,
	PRINT_JSON,
	PRINT_CSV,
};

struct printer {
	enum print_format format;
	bool		show_pid;	/* --pid: append pid and ppid */
	bool		show_paging;	/* -p: faults and swaps for user, tty */
	bool		utc;		/* times in UTC, not the local zone */
	bool		show_host;	/* long: a host column first */
	FILE		*out;
	struct query_context ctx;	/* names, host */

	/* The last local minute formatted, for lastcomm's dates. */
	time_t		minute_start;
	char		minute_text[17];
};

/* Parse a --format name; -EINVAL for an unknown one. */
int	printer_parse_format(const char *name, enum print_format *ret_format);

/* Whatever comes before the first record (the CSV header). */
void	printer_begin(struct printer *p);

void	printer_record(struct printer *p, const struct acct_event *ev);

/* The line printer_record() writes for ev, with its '\n', into buf of size
 * bytes (no NUL): its length.  *ret_fits is false when it did not fit:
 * then buf holds a cut line (kv, json: nothing), and nothing past size is
 * written. */
size_t	printer_line(struct printer *p, const struct acct_event *ev,
	    char *buf, size_t size, bool *ret_fits);

#endif
