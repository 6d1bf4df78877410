/* SPDX-License-Identifier: Apache-2.0 */
/*
 * line.h: what lastcomm-ng's human printers (print.c, summary.c) need of
 * the bounded writer (struct writer, schema.h) beyond its wire helpers:
 * padding, right-justified and signed numbers, printf's conversions, and
 * untrusted text in an esc_view() view.
 *
 * Promise: every helper writes through the writer and so never past its
 * end; what does not fit sets overflow, as schema.h says.  A text field
 * whose view would be longer than LINE_VIEW_MAX bytes is shown shortened,
 * whole escapes and characters only, and ends in LINE_CUT ("#...": the
 * views write every '#' of the input as "#043", so a '#' followed by a
 * dot is never text).  Pure, thread safe, no allocation.
 */
#ifndef LASTCOMM_LINE_H
#define LASTCOMM_LINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "names.h"
#include "schema.h"

/* The marker of a shortened text field. */
#define LINE_CUT		"#..."
#define LINE_CUT_LEN		(sizeof(LINE_CUT) - 1)

/* The longest view of one text field: any name of NAMES_MAX bytes (a
 * reader's limit) in full, NUL not counted. */
#define LINE_VIEW_MAX		(ESC_VIEW_MAX(NAMES_MAX) - 1)

/* n bytes of c. */
SCHEMA_INLINE void
line_fill(struct writer *w, char c, size_t n)
{
	if (writer_room(w) < n) {
		w->overflow = true;
		w->p = w->end;
		return;
	}
	memset(w->p, c, n);
	w->p += n;
}

/* The number of decimal digits of v. */
SCHEMA_INLINE size_t
line_digits(uint64_t v)
{
	unsigned t;

	if (v < 10)
		return 1;
	t = ((64 - (unsigned)__builtin_clzll(v)) * 1233) >> 12;
	return t + (v >= schema_pow10[t]);
}

/* v right-justified in width columns, wider if it needs more ("%*ju"). */
SCHEMA_INLINE void
line_u64_right(struct writer *w, uint64_t v, size_t width)
{
	size_t n = line_digits(v);

	if (n < width)
		line_fill(w, ' ', width - n);
	writer_u64(w, v);
}

/* v in decimal with its sign ("%jd"). */
SCHEMA_INLINE void
line_i64(struct writer *w, int64_t v)
{
	if (v < 0) {
		writer_char(w, '-');
		writer_u64(w, -(uint64_t)v);
	} else
		writer_u64(w, (uint64_t)v);
}

/* What printf(3) would print, cut where the room ends (then overflow). */
void	line_printf(struct writer *w, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* printf's "%6.2f" of ticks / ahz, exactly as printf rounds it. */
void	line_ticks_2(struct writer *w, uint64_t ticks, unsigned ahz);

/* The slow part of line_view(): a view that may not fit, or be cut. */
struct writer line_view_slow(struct writer w, const void *s, size_t len,
	    enum esc_view view);

/* len bytes of untrusted s in view (not ESC_VIEW_LASTCOMM), at most
 * LINE_VIEW_MAX bytes: longer, it is shortened and ends in LINE_CUT. */
SCHEMA_INLINE void
line_view(struct writer *w, const void *s, size_t len, enum esc_view view)
{
	/* The common case: a name within the limits, room for its worst. */
	if (len <= NAMES_MAX && writer_room(w) >= ESC_VIEW_MAX(len))
		w->p += esc_view(w->p, writer_room(w), s, len, view, NULL);
	else
		*w = line_view_slow(*w, s, len, view);
}

/* As line_view(), then spaces up to width columns ("%-*s"; a byte is a
 * column here, as printf counts). */
SCHEMA_INLINE void
line_view_left(struct writer *w, const void *s, size_t len,
    enum esc_view view, size_t width)
{
	char *start = w->p;
	size_t n;

	line_view(w, s, len, view);
	n = (size_t)(w->p - start);
	if (n < width)
		line_fill(w, ' ', width - n);
}

/* len bytes of s in GNU lastcomm's view, cut at width and padded with
 * spaces to it (GNU's fixed columns: no marker). */
SCHEMA_INLINE void
line_lastcomm_column(struct writer *w, const void *s, size_t len,
    size_t width)
{
	size_t n;

	if (len > width)
		len = width;
	if (len > LINE_VIEW_MAX)
		len = LINE_VIEW_MAX;
	if (writer_room(w) <= len) {
		char tmp[ESC_VIEW_MAX(NAMES_MAX)];

		/* Not room for the view and its NUL: through a copy. */
		n = esc_view(tmp, len + 1, s, len, ESC_VIEW_LASTCOMM, NULL);
		writer_bytes(w, tmp, n);
	} else {
		n = esc_view(w->p, len + 1, s, len, ESC_VIEW_LASTCOMM, NULL);
		w->p += n;
	}
	line_fill(w, ' ', width - n);
}

#endif
