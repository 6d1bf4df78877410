/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify.h: --verify, the integrity of forwarded streams (DESIGN.md
 * "Integrity: stream and seq").
 *
 * Promise: verify_add() takes the messages of any number of sources in
 * the order they were read, streams and hosts interleaved; a message
 * without a stream and seq is counted as unverifiable and otherwise
 * ignored.  verify_report() writes one block per stream (sorted by host,
 * then stream id): the seq range, the first and last time, and the seqs
 * missing between the lowest and the highest seen, duplicates that
 * differ (an alarm: same event_id, different content), identical
 * duplicates (benign, counted), out-of-order spans, and the control
 * events, those that admit a loss one by one.  A stream is complete when
 * no seq is missing and no duplicate differs; the seq a forwarder_start
 * says may not have gone out (seq_from..seq_to, at most
 * VERIFY_ADMIT_MAX wide and below its own seq) is listed as admitted,
 * not missing.  Seqs below the lowest seen are not counted as missing
 * (an archive usually starts in the middle of a stream); a line says so.
 *
 * Out of order: a message is late when its seq is new to the stream and
 * lower than the highest seq already seen in it; duplicates are never
 * late.  A span is a run of late messages, consecutive among the new
 * seqs of the stream in reading order, each seq one more than the last,
 * with no higher seq arriving in between: "seq 105..110 after 120".
 *
 * The report, one block per stream, lines left out when they have
 * nothing to say (stable: scripts may read it):
 *
 *	stream ID [host HOST]: seq LOW..HIGH, N messages[, first T, last T]
 *	  not checked: seq 1..LOW-1 (below the lowest in the sources)
 *	  missing: N seqs in R ranges: 17, 40..42[, ...]  (20 listed, then
 *	  ... and R more ranges)
 *	  admitted: N seqs in R ranges: ...
 *	  admission not honoured: forwarder_start at seq S says seq A..B ...
 *	  differing duplicates: N seqs in R ranges: 88
 *	  ALARM: same event_id, different content; first event_id ID:88
 *	  identical duplicates: N
 *	  out of order: S spans, N messages: seq 105..110 after 120, ...
 *	  other hosts: N messages, first HOST
 *	  control events: forwarder_start 1, gap 1, ...
 *	  loss: gap at seq 77, T offset=... bytes=... file="..." message="..."
 *	  complete | complete, N losses reported by the forwarder | INCOMPLETE
 *
 * then "verify: N streams, all complete|K INCOMPLETE[; M messages without
 * stream and seq, not verifiable]".  Times are RFC 3339 UTC; untrusted
 * text (stream, hosts, file, message) in esc_view()'s text view, file and
 * message in its quoted view.
 *
 * Memory grows with the number of distinct seqs, not messages: per
 * stream a window of 8-byte digests indexed by seq (at most a few times
 * as wide as the seqs it holds, however sparse or huge the seqs are),
 * and a hash table for the seqs too far from it.  A verify is used by
 * one thread.
 */
#ifndef LASTCOMM_VERIFY_H
#define LASTCOMM_VERIFY_H

#include <stdint.h>
#include <stdio.h>

#include "entry.h"

/* An admission wider than this is not honoured (it is listed). */
#define VERIFY_ADMIT_MAX	16

struct verify;

/* NULL when out of memory. */
struct verify *verify_new(void);

/* Count one message.  0, or -ENOMEM (the message is then not counted). */
int	verify_add(struct verify *v, const struct entry *e);

/* Write the report to out: 1 when there is at least one stream and every
 * stream is complete, 0 otherwise, -ENOMEM.  The caller checks
 * ferror(out). */
int	verify_report(const struct verify *v, FILE *out);

/* Messages without a stream and seq. */
uint64_t verify_unverifiable(const struct verify *v);

/* Accepts NULL. */
void	verify_free(struct verify *v);

#endif
