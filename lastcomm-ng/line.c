/* SPDX-License-Identifier: Apache-2.0 */
/*
 * line.c: the out-of-line parts of line.h.
 */
#include "config.h"

#include <stdio.h>

#include "line.h"

void
line_printf(struct writer *w, const char *fmt, ...)
{
	size_t room = writer_room(w);
	va_list ap;
	int n;

	va_start(ap, fmt);
	/* vsnprintf() writes a NUL within room: when the text takes all of
	 * the room, it did not fit. */
	n = vsnprintf(w->p, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		char tmp[64];

		/* A NUL too many, or no room at all: again, through a copy
		 * of the text's size when it is small. */
		va_start(ap, fmt);
		n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < sizeof(tmp)) {
			writer_bytes(w, tmp, (size_t)n);
			return;
		}
		w->overflow = true;
		w->p = w->end;
		return;
	}
	w->p += n;
}

void
line_ticks_2(struct writer *w, uint64_t ticks, unsigned ahz)
{
	if (ahz == 100) {
		/* k/100 prints as the exact decimal: no rounding. */
		line_u64_right(w, ticks / 100, 3);
		writer_char(w, '.');
		writer_char(w, (char)('0' + ticks % 100 / 10));
		writer_char(w, (char)('0' + ticks % 10));
		return;
	}
	line_printf(w, "%6.2f", (double)ticks / ahz);
}

struct writer
line_view_slow(struct writer w, const void *s, size_t len,
    enum esc_view view)
{
	char tmp[LINE_VIEW_MAX + 1];
	size_t used, n;

	n = esc_view(tmp, sizeof(tmp), s, len, view, &used);
	if (used < len) {
		bool quoted;

		/* Shortened: room for the marker, inside a CSV field's
		 * quotes (esc_view() keeps the closing one). */
		n = esc_view(tmp, sizeof(tmp) - LINE_CUT_LEN, s, len, view,
		    NULL);
		quoted = view == ESC_VIEW_CSV && n > 0 && tmp[0] == '"';
		if (quoted)
			n--;
		memcpy(tmp + n, LINE_CUT, LINE_CUT_LEN);
		n += LINE_CUT_LEN;
		if (quoted)
			tmp[n++] = '"';
	}
	writer_bytes(&w, tmp, n);
	return w;
}
