/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify.c: per stream, the digest of every seq seen, in a window indexed
 * by seq - base (0: absent) that may only grow while it stays within
 * WINDOW_SLACK times the distinct seqs it serves, and in a hash table for
 * the seqs too far from it (a corrupt seq 10^18 next to seq 1).  Counters,
 * and the first few of everything worth listing, are kept as messages
 * arrive; missing ranges are found at report time by walking the seqs in
 * order.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "format.h"
#include "macro.h"
#include "timefmt.h"
#include "verify.h"

#define WINDOW_FIRST	64	/* slots of a new window */
#define WINDOW_MIN	4096	/* a window may always span this many seqs */
#define WINDOW_SLACK	4	/* ... or this many times the distinct seqs */
#define LIST_MAX	20	/* ranges listed on one line */
#define SPAN_MAX	5	/* out-of-order spans listed */
#define LOSS_MAX	20	/* control events admitting a loss listed */
/* Stored for a digest of 0, which marks an empty slot. */
#define DIGEST_ZERO	UINT64_C(0x9e3779b97f4a7c15)

struct outlier {
	uint64_t	seq;
	uint64_t	digest;		/* 0: empty slot */
};

struct span {
	uint64_t	from, to, after;
};

struct range {
	uint64_t	from, to;
};

/* Seq ranges: totals, and the first LIST_MAX of them. */
struct ranges {
	uint64_t	seqs, count;
	struct range	first[LIST_MAX];
};

/* A control event that admits a loss, as it will be listed. */
struct loss {
	int		kind;
	uint64_t	seq, time_us;
	unsigned	has;
	uint64_t	offset, bytes;
	char		file[ENTRY_TEXT_MAX + 1];
	char		message[ENTRY_TEXT_MAX + 1];
};

/* seq_from..seq_to of a forwarder_start at seq by. */
struct admission {
	uint64_t	from, to, by;
};

struct stream {
	char		id[ENTRY_NAME_MAX + 1];
	bool		has_host, has_other_host;
	char		host[ENTRY_NAME_MAX + 1];
	char		other_host[ENTRY_NAME_MAX + 1];
	uint64_t	other_host_messages;

	uint64_t	messages, distinct, identical;
	uint64_t	lowest, highest;
	bool		has_time;
	uint64_t	first_us, last_us;

	/* Digests: slots[seq - base] for seq in [base, base + len). */
	uint64_t	base;
	uint64_t	*slots;
	size_t		len;
	struct outlier	*out;		/* the others; size a power of two */
	size_t		out_size, out_used;
	size_t		recentre_at;	/* out_used that tries window_move() */

	/* Seqs of differing duplicates, unsorted, compacted when full. */
	uint64_t	*differing;
	size_t		n_differing, differing_size;

	uint64_t	late, spans;
	bool		in_span;
	struct span	cur, span_list[SPAN_MAX];

	uint64_t	controls[FMT_CONTROL_COUNT];
	struct loss	*losses;	/* LOSS_MAX, the lowest seqs, sorted */
	size_t		n_losses;
	uint64_t	loss_count;
	struct admission *admissions;
	size_t		n_admissions, admissions_size;
	uint64_t	refused;
	struct admission first_refused;
};

struct verify {
	struct stream	**table;	/* open addressing; size a power of two */
	size_t		size, used;
	struct stream	*last;
	uint64_t	unverifiable;
};

struct verify *
verify_new(void)
{
	return calloc(1, sizeof(struct verify));
}

static void
stream_free(struct stream *st)
{
	if (st == NULL)
		return;
	free(st->slots);
	free(st->out);
	free(st->differing);
	free(st->losses);
	free(st->admissions);
	free(st);
}

void
verify_free(struct verify *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->size; i++)
		stream_free(v->table[i]);
	free(v->table);
	free(v);
}

uint64_t
verify_unverifiable(const struct verify *v)
{
	return v->unverifiable;
}

static uint64_t
hash_string(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * UINT64_C(1099511628211);
	return h;
}

/* The stream called id, made if new; NULL when out of memory. */
static struct stream *
stream_get(struct verify *v, const char *id)
{
	struct stream *st;
	size_t i;

	if (v->last != NULL && strcmp(v->last->id, id) == 0)
		return v->last;
	if (v->used + 1 > v->size / 2) {
		size_t size = v->size ? v->size * 2 : 16;
		struct stream **table = calloc(size, sizeof(*table));

		if (table == NULL)
			return NULL;
		for (size_t k = 0; k < v->size; k++) {
			if (v->table[k] == NULL)
				continue;
			i = hash_string(v->table[k]->id) & (size - 1);
			while (table[i] != NULL)
				i = (i + 1) & (size - 1);
			table[i] = v->table[k];
		}
		free(v->table);
		v->table = table;
		v->size = size;
	}
	i = hash_string(id) & (v->size - 1);
	for (; v->table[i] != NULL; i = (i + 1) & (v->size - 1))
		if (strcmp(v->table[i]->id, id) == 0)
			return v->last = v->table[i];
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	strcpy(st->id, id);		/* the caller checked its length */
	v->table[i] = st;
	v->used++;
	return v->last = st;
}

static size_t
outlier_index(uint64_t seq, size_t size)
{
	uint64_t h = seq * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h ^ h >> 32) & (size - 1);
}

/* Put seq in a table that has room and does not hold it. */
static void
outlier_put(struct outlier *table, size_t size, uint64_t seq, uint64_t digest)
{
	size_t i = outlier_index(seq, size);

	while (table[i].digest != 0)
		i = (i + 1) & (size - 1);
	table[i].seq = seq;
	table[i].digest = digest;
}

static bool
in_window(const struct stream *st, uint64_t seq)
{
	return seq - st->base < st->len;	/* wraps for seq < base */
}

/* The stored digest of seq; NULL when it was not seen. */
static uint64_t *
digest_find(struct stream *st, uint64_t seq)
{
	size_t i;

	if (in_window(st, seq))
		return st->slots[seq - st->base] != 0 ?
		    &st->slots[seq - st->base] : NULL;
	if (st->out_used == 0)
		return NULL;
	i = outlier_index(seq, st->out_size);
	for (; st->out[i].digest != 0; i = (i + 1) & (st->out_size - 1))
		if (st->out[i].seq == seq)
			return &st->out[i].digest;
	return NULL;
}

/* How wide the window may be: a few times the distinct seqs. */
static uint64_t
window_limit(const struct stream *st)
{
	return WINDOW_SLACK * (st->distinct + 1) + WINDOW_MIN;
}

static uint64_t
window_base(uint64_t lo, size_t len)
{
	return lo > UINT64_MAX - (len - 1) ? UINT64_MAX - (len - 1) : lo;
}

/* Most seqs are in the hash table (the window was placed by a stray seq,
 * say 10^18 before 1, 2, 3, ...): when they and seq fit in a window,
 * move it there, and what it held to the hash table.  0 (moved or not)
 * or -ENOMEM (nothing changed). */
static int
window_move(struct stream *st, uint64_t seq)
{
	uint64_t lo = seq, hi = seq, new_base;
	size_t held = st->distinct - st->out_used, new_len, size = 64;
	struct outlier *out;
	uint64_t *slots;

	for (size_t i = 0; i < st->out_size; i++)
		if (st->out[i].digest != 0) {
			lo = MIN(lo, st->out[i].seq);
			hi = MAX(hi, st->out[i].seq);
		}
	if (hi - lo >= window_limit(st))
		return 0;
	new_len = MAX((size_t)(hi - lo + 1), (size_t)WINDOW_FIRST);
	new_base = window_base(lo, new_len);
	while (size / 2 < held + 1)
		size *= 2;
	if ((slots = calloc(new_len, sizeof(*slots))) == NULL)
		return -ENOMEM;
	if ((out = calloc(size, sizeof(*out))) == NULL) {
		free(slots);
		return -ENOMEM;
	}
	/* Every outlier lands in the new window, only old window seqs may
	 * not. */
	for (size_t i = 0; i < st->len; i++) {
		uint64_t at = st->base + i;

		if (st->slots[i] == 0)
			continue;
		if (at - new_base < new_len)
			slots[at - new_base] = st->slots[i];
		else
			outlier_put(out, size, at, st->slots[i]);
	}
	st->out_used = 0;
	for (size_t i = 0; i < st->out_size; i++)
		if (st->out[i].digest != 0)
			slots[st->out[i].seq - new_base] = st->out[i].digest;
	for (size_t i = 0; i < size; i++)
		st->out_used += out[i].digest != 0;
	free(st->slots);
	free(st->out);
	st->slots = slots;
	st->base = new_base;
	st->len = new_len;
	st->out = out;
	st->out_size = size;
	return 0;
}

/* Widen the window to take seq when it stays narrow enough: 1 done, 0
 * not (seq goes to the hash table), -ENOMEM (nothing changed).  Seqs of
 * the hash table that the window now covers move into it. */
static int
window_reach(struct stream *st, uint64_t seq)
{
	uint64_t lo = seq, hi = seq, new_base;
	struct outlier *out = NULL;
	uint64_t *slots;
	size_t new_len;

	if (st->len > 0) {
		lo = MIN(st->base, seq);
		hi = MAX(st->base + (st->len - 1), seq);
	}
	if (hi - lo >= window_limit(st))
		return 0;
	new_len = MAX((size_t)(hi - lo + 1), MAX(2 * st->len,
	    (size_t)WINDOW_FIRST));
	if (st->len > 0 && seq < st->base)	/* growing down: room below */
		new_base = hi >= new_len - 1 ? hi - (new_len - 1) : 0;
	else
		new_base = lo;
	new_base = window_base(new_base, new_len);

	if ((slots = calloc(new_len, sizeof(*slots))) == NULL)
		return -ENOMEM;
	if (st->out_used > 0 &&
	    (out = calloc(st->out_size, sizeof(*out))) == NULL) {
		free(slots);
		return -ENOMEM;
	}
	if (st->len > 0)
		memcpy(slots + (st->base - new_base), st->slots,
		    st->len * sizeof(*slots));
	free(st->slots);
	st->slots = slots;
	st->base = new_base;
	st->len = new_len;
	if (out != NULL) {
		size_t kept = 0;

		for (size_t i = 0; i < st->out_size; i++) {
			const struct outlier *o = &st->out[i];

			if (o->digest == 0)
				continue;
			if (in_window(st, o->seq))
				st->slots[o->seq - st->base] = o->digest;
			else {
				outlier_put(out, st->out_size, o->seq,
				    o->digest);
				kept++;
			}
		}
		free(st->out);
		st->out = out;
		st->out_used = kept;
	}
	return 1;
}

/* Keep the digest of a seq not seen before: 0 or -ENOMEM. */
static int
digest_store(struct stream *st, uint64_t seq, uint64_t digest)
{
	int rc;

	if (!in_window(st, seq) && (rc = window_reach(st, seq)) < 0)
		return rc;
	if (!in_window(st, seq) && st->out_used >= st->recentre_at &&
	    st->out_used > st->distinct - st->out_used) {
		st->recentre_at = 2 * st->out_used + WINDOW_FIRST;
		if ((rc = window_move(st, seq)) < 0)
			return rc;
	}
	if (in_window(st, seq)) {
		st->slots[seq - st->base] = digest;
		return 0;
	}
	if (st->out_used + 1 > st->out_size / 2) {
		size_t size = st->out_size ? st->out_size * 2 : 64;
		struct outlier *out = calloc(size, sizeof(*out));

		if (out == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < st->out_size; i++)
			if (st->out[i].digest != 0)
				outlier_put(out, size, st->out[i].seq,
				    st->out[i].digest);
		free(st->out);
		st->out = out;
		st->out_size = size;
	}
	outlier_put(st->out, st->out_size, seq, digest);
	st->out_used++;
	return 0;
}

static int
compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop repeats; the new count. */
static size_t
sort_unique(uint64_t *a, size_t n)
{
	size_t kept = 0;

	if (n == 0)
		return 0;
	qsort(a, n, sizeof(*a), compare_u64);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || a[kept - 1] != a[i])
			a[kept++] = a[i];
	return kept;
}

/* Note seq as a differing duplicate: 0 or -ENOMEM. */
static int
differing_add(struct stream *st, uint64_t seq)
{
	if (st->n_differing > 0 && st->differing[st->n_differing - 1] == seq)
		return 0;
	if (st->n_differing == st->differing_size) {
		/* Grow unless compacting freed at least half. */
		st->n_differing = sort_unique(st->differing, st->n_differing);
		if (2 * st->n_differing >= st->differing_size) {
			size_t size = st->differing_size ?
			    st->differing_size * 2 : 16;
			uint64_t *d = realloc(st->differing,
			    size * sizeof(*d));

			if (d == NULL)
				return -ENOMEM;
			st->differing = d;
			st->differing_size = size;
		}
	}
	st->differing[st->n_differing++] = seq;
	return 0;
}

/* Control events that say something was lost. */
static bool
is_loss(int kind)
{
	return kind == FMT_TRUNCATED || kind == FMT_CORRUPT_DATA ||
	    kind == FMT_GAP || kind == FMT_ACCOUNTING_PAUSED ||
	    kind == FMT_ACCOUNTING_OFF;
}

static int
control_kind(const struct entry *e)
{
	return !e->is_record && e->control >= 0 &&
	    e->control < FMT_CONTROL_COUNT ? e->control : -1;
}

static bool
admission_honoured(const struct fmt_control *c, uint64_t seq)
{
	return c->seq_from <= c->seq_to && c->seq_to < seq &&
	    c->seq_to - c->seq_from < VERIFY_ADMIT_MAX;
}

/* Make room for what a new seq of e will need, so that nothing can fail
 * once it is stored: 0 or -ENOMEM. */
static int
reserve(struct stream *st, const struct entry *e)
{
	int kind = control_kind(e);

	if (is_loss(kind) && st->losses == NULL &&
	    (st->losses = calloc(LOSS_MAX, sizeof(*st->losses))) == NULL)
		return -ENOMEM;
	if (kind == FMT_FORWARDER_START && (e->c.has & FMT_HAS_SEQ_RANGE) &&
	    st->n_admissions == st->admissions_size) {
		size_t size = st->admissions_size ?
		    st->admissions_size * 2 : 4;
		struct admission *a = realloc(st->admissions,
		    size * sizeof(*a));

		if (a == NULL)
			return -ENOMEM;
		st->admissions = a;
		st->admissions_size = size;
	}
	return 0;
}

static void
copy_text(char *dst, size_t size, const char *s)
{
	size_t n = s != NULL ? strnlen(s, size - 1) : 0;

	memcpy(dst, s != NULL ? s : "", n);
	dst[n] = '\0';
}

/* Keep a loss among the LOSS_MAX of lowest seq. */
static void
loss_add(struct stream *st, const struct entry *e, int kind)
{
	uint64_t seq = e->ctx.seq;
	size_t i;
	struct loss *l;

	st->loss_count++;
	if (st->n_losses == LOSS_MAX &&
	    seq > st->losses[LOSS_MAX - 1].seq)
		return;
	for (i = st->n_losses; i > 0 && st->losses[i - 1].seq > seq; i--)
		;
	if (st->n_losses < LOSS_MAX)
		st->n_losses++;
	memmove(&st->losses[i + 1], &st->losses[i],
	    (st->n_losses - 1 - i) * sizeof(*st->losses));
	l = &st->losses[i];
	l->kind = kind;
	l->seq = seq;
	l->time_us = e->time_us;
	l->has = e->c.has;
	l->offset = e->c.offset;
	l->bytes = e->c.bytes;
	copy_text(l->file, sizeof(l->file), e->c.file);
	copy_text(l->message, sizeof(l->message), e->c.message);
}

/* What a seq new to the stream says: order, range, control events. */
static void
count_new(struct stream *st, const struct entry *e)
{
	uint64_t seq = e->ctx.seq;
	int kind = control_kind(e);

	if (st->distinct > 0 && seq < st->highest) {
		st->late++;
		if (st->in_span && seq == st->cur.to + 1 &&
		    st->cur.after == st->highest)
			st->cur.to = seq;
		else {
			st->cur = (struct span){ seq, seq, st->highest };
			st->in_span = true;
			st->spans++;
		}
		if (st->spans <= SPAN_MAX)
			st->span_list[st->spans - 1] = st->cur;
	} else
		st->in_span = false;

	if (st->distinct == 0)
		st->lowest = st->highest = seq;
	st->lowest = MIN(st->lowest, seq);
	st->highest = MAX(st->highest, seq);
	st->distinct++;

	if (kind < 0)
		return;
	st->controls[kind]++;
	if (is_loss(kind))
		loss_add(st, e, kind);
	if (kind == FMT_FORWARDER_START && (e->c.has & FMT_HAS_SEQ_RANGE)) {
		struct admission a = { e->c.seq_from, e->c.seq_to, seq };

		if (admission_honoured(&e->c, seq))
			st->admissions[st->n_admissions++] = a;
		else if (st->refused++ == 0)
			st->first_refused = a;
	}
}

/* What every message says: time and host. */
static void
count_message(struct stream *st, const struct entry *e)
{
	const char *host = e->ctx.host;

	if (e->time_us != 0) {
		if (!st->has_time || e->time_us < st->first_us)
			st->first_us = e->time_us;
		if (!st->has_time || e->time_us > st->last_us)
			st->last_us = e->time_us;
		st->has_time = true;
	}
	if (st->messages == 0) {
		st->has_host = host != NULL;
		copy_text(st->host, sizeof(st->host), host);
	} else if ((host != NULL) != st->has_host || (host != NULL &&
	    strncmp(host, st->host, sizeof(st->host) - 1) != 0)) {
		if (st->other_host_messages++ == 0) {
			st->has_other_host = host != NULL;
			copy_text(st->other_host, sizeof(st->other_host), host);
		}
	}
	st->messages++;
}

int
verify_add(struct verify *v, const struct entry *e)
{
	uint64_t d = entry_digest(e);
	uint64_t digest = d != 0 ? d : DIGEST_ZERO;
	const char *id = e->ctx.stream;
	struct stream *st;
	uint64_t *found;
	int rc;

	if (!e->has_seq || id == NULL || id[0] == '\0' ||
	    strnlen(id, ENTRY_NAME_MAX + 1) > ENTRY_NAME_MAX) {
		v->unverifiable++;
		return 0;
	}
	if ((st = stream_get(v, id)) == NULL)
		return -ENOMEM;
	if ((found = digest_find(st, e->ctx.seq)) != NULL) {
		if (*found == digest)
			st->identical++;
		else if ((rc = differing_add(st, e->ctx.seq)) < 0)
			return rc;
	} else {
		if ((rc = reserve(st, e)) < 0 ||
		    (rc = digest_store(st, e->ctx.seq, digest)) < 0)
			return rc;
		count_new(st, e);
	}
	count_message(st, e);
	return 0;
}

/*
 * The report.
 */

static void
ranges_add(struct ranges *r, uint64_t from, uint64_t to)
{
	if (r->count < LIST_MAX)
		r->first[r->count] = (struct range){ from, to };
	r->count++;
	r->seqs += to - from + 1;
}

static void
print_range(FILE *out, uint64_t from, uint64_t to)
{
	if (from == to)
		fprintf(out, "%" PRIu64, from);
	else
		fprintf(out, "%" PRIu64 "..%" PRIu64, from, to);
}

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "  label: 4 seqs in 2 ranges: 17, 40..42" and "... and N more". */
static void
print_ranges(FILE *out, const char *label, const struct ranges *r)
{
	size_t listed = MIN(r->count, (uint64_t)LIST_MAX);

	fprintf(out, "  %s: %" PRIu64 " %s in %" PRIu64 " %s: ", label,
	    r->seqs, plural(r->seqs, "seq", "seqs"), r->count,
	    plural(r->count, "range", "ranges"));
	for (size_t i = 0; i < listed; i++) {
		if (i > 0)
			fputs(", ", out);
		print_range(out, r->first[i].from, r->first[i].to);
	}
	fputc('\n', out);
	if (r->count > listed)
		fprintf(out, "  ... and %" PRIu64 " more %s\n",
		    r->count - listed, plural(r->count - listed, "range",
		    "ranges"));
}

/* Untrusted bytes (a string of ours, NUL-terminated), made visible;
 * ESC_VIEW_QUOTED: to stand between double quotes. */
static void
print_text(FILE *out, const char *s, enum esc_view view)
{
	char buf[ESC_VIEW_MAX(ENTRY_TEXT_MAX)];
	size_t n = MIN(strlen(s), (size_t)ENTRY_TEXT_MAX);

	fwrite(buf, 1, esc_view(buf, sizeof(buf), s, n, view, NULL), out);
}

static void
print_time(FILE *out, uint64_t us)
{
	char buf[TIMEFMT_RFC3339_LEN + 1];

	buf[timefmt_rfc3339(buf, us)] = '\0';
	fputs(buf, out);
}

/* Split the gap from..to between missing and admitted; adm: sorted,
 * disjoint; *k: the first that may still matter. */
static void
split_gap(uint64_t from, uint64_t to, const struct range *adm, size_t n,
    size_t *k, struct ranges *missing, struct ranges *admitted)
{
	uint64_t cur = from;

	while (*k < n && adm[*k].from <= to) {
		const struct range *a = &adm[*k];
		uint64_t end;

		if (a->to < cur) {
			(*k)++;
			continue;
		}
		if (a->from > cur)
			ranges_add(missing, cur, a->from - 1);
		end = MIN(a->to, to);
		ranges_add(admitted, MAX(a->from, cur), end);
		if (end == to)
			return;			/* a may cover the next gap */
		cur = end + 1;
		(*k)++;
	}
	ranges_add(missing, cur, to);
}

static int
compare_admission(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* The seqs missing between the lowest and highest, and those admitted:
 * 0 or -ENOMEM. */
static int
find_missing(const struct stream *st, struct ranges *missing,
    struct ranges *admitted)
{
	_cleanup_free_ uint64_t *outliers = NULL;
	_cleanup_free_ struct range *adm = NULL;
	size_t n_out = 0, n_adm = 0, i = 0, j = 0, k = 0;
	bool first = true;
	uint64_t prev = 0;

	if (st->out_used > 0) {
		if ((outliers = malloc(st->out_used * sizeof(*outliers))) ==
		    NULL)
			return -ENOMEM;
		for (size_t o = 0; o < st->out_size; o++)
			if (st->out[o].digest != 0)
				outliers[n_out++] = st->out[o].seq;
		qsort(outliers, n_out, sizeof(*outliers), compare_u64);
	}
	if (st->n_admissions > 0) {
		if ((adm = malloc(st->n_admissions * sizeof(*adm))) == NULL)
			return -ENOMEM;
		for (size_t a = 0; a < st->n_admissions; a++)
			adm[a] = (struct range){ st->admissions[a].from,
			    st->admissions[a].to };
		qsort(adm, st->n_admissions, sizeof(*adm), compare_admission);
		for (size_t a = 0; a < st->n_admissions; a++) {
			if (n_adm > 0 && (adm[a].from <= adm[n_adm - 1].to ||
			    adm[a].from - 1 == adm[n_adm - 1].to))
				adm[n_adm - 1].to = MAX(adm[n_adm - 1].to,
				    adm[a].to);
			else
				adm[n_adm++] = adm[a];
		}
	}

	/* Merge the window and the sorted outliers, ascending. */
	for (;;) {
		uint64_t seq;

		while (i < st->len && st->slots[i] == 0)
			i++;
		if (i < st->len && (j == n_out || st->base + i < outliers[j]))
			seq = st->base + i++;
		else if (j < n_out)
			seq = outliers[j++];
		else
			break;
		if (!first && seq > prev + 1)
			split_gap(prev + 1, seq - 1, adm, n_adm, &k, missing,
			    admitted);
		first = false;
		prev = seq;
	}
	return 0;
}

/* The differing duplicates as ranges: 0 or -ENOMEM. */
static int
find_differing(const struct stream *st, struct ranges *r)
{
	_cleanup_free_ uint64_t *d = NULL;
	size_t n, i = 0;

	if (st->n_differing == 0)
		return 0;
	if ((d = malloc(st->n_differing * sizeof(*d))) == NULL)
		return -ENOMEM;
	memcpy(d, st->differing, st->n_differing * sizeof(*d));
	n = sort_unique(d, st->n_differing);
	while (i < n) {
		size_t e = i;

		while (e + 1 < n && d[e + 1] == d[e] + 1)
			e++;
		ranges_add(r, d[i], d[e]);
		i = e + 1;
	}
	return 0;
}

static void
print_header(FILE *out, const struct stream *st)
{
	fputs("stream ", out);
	print_text(out, st->id, ESC_VIEW_TEXT);
	if (st->has_host) {
		fputs(" host ", out);
		print_text(out, st->host, ESC_VIEW_TEXT);
	}
	fputs(": seq ", out);
	print_range(out, st->lowest, st->highest);
	fprintf(out, ", %" PRIu64 " %s", st->messages,
	    plural(st->messages, "message", "messages"));
	if (st->has_time) {
		fputs(", first ", out);
		print_time(out, st->first_us);
		fputs(", last ", out);
		print_time(out, st->last_us);
	}
	fputc('\n', out);
}

static void
print_order(FILE *out, const struct stream *st)
{
	size_t listed = MIN(st->spans, (uint64_t)SPAN_MAX);

	fprintf(out, "  out of order: %" PRIu64 " %s, %" PRIu64 " %s: ",
	    st->spans, plural(st->spans, "span", "spans"), st->late,
	    plural(st->late, "message", "messages"));
	for (size_t i = 0; i < listed; i++) {
		fputs(i > 0 ? ", seq " : "seq ", out);
		print_range(out, st->span_list[i].from, st->span_list[i].to);
		fprintf(out, " after %" PRIu64, st->span_list[i].after);
	}
	fputc('\n', out);
	if (st->spans > listed)
		fprintf(out, "  ... and %" PRIu64 " more %s\n",
		    st->spans - listed, plural(st->spans - listed, "span",
		    "spans"));
}

static void
print_controls(FILE *out, const struct stream *st)
{
	bool any = false;

	for (int k = 0; k < FMT_CONTROL_COUNT; k++) {
		if (st->controls[k] == 0)
			continue;
		fprintf(out, "%s%s %" PRIu64, any ? ", " : "  control events: ",
		    fmt_control_name(k), st->controls[k]);
		any = true;
	}
	if (any)
		fputc('\n', out);
	for (size_t i = 0; i < st->n_losses; i++) {
		const struct loss *l = &st->losses[i];

		fprintf(out, "  loss: %s at seq %" PRIu64,
		    fmt_control_name(l->kind), l->seq);
		if (l->time_us != 0) {
			fputs(", ", out);
			print_time(out, l->time_us);
		}
		if (l->has & FMT_HAS_OFFSET)
			fprintf(out, " offset=%" PRIu64, l->offset);
		if (l->has & FMT_HAS_BYTES)
			fprintf(out, " bytes=%" PRIu64, l->bytes);
		if (l->file[0] != '\0') {
			fputs(" file=\"", out);
			print_text(out, l->file, ESC_VIEW_QUOTED);
			fputc('"', out);
		}
		if (l->message[0] != '\0') {
			fputs(" message=\"", out);
			print_text(out, l->message, ESC_VIEW_QUOTED);
			fputc('"', out);
		}
		fputc('\n', out);
	}
	if (st->loss_count > st->n_losses)
		fprintf(out, "  ... and %" PRIu64 " more %s\n",
		    st->loss_count - st->n_losses,
		    plural(st->loss_count - st->n_losses, "loss", "losses"));
}

/* One stream's block: 1 complete, 0 not, -ENOMEM. */
static int
report_stream(const struct stream *st, FILE *out)
{
	struct ranges missing = { 0 }, admitted = { 0 }, differing = { 0 };
	int rc;

	if ((rc = find_missing(st, &missing, &admitted)) < 0 ||
	    (rc = find_differing(st, &differing)) < 0)
		return rc;

	print_header(out, st);
	if (st->lowest > 1) {
		fputs("  not checked: seq ", out);
		print_range(out, 1, st->lowest - 1);
		fputs(" (below the lowest in the sources)\n", out);
	}
	if (missing.count > 0)
		print_ranges(out, "missing", &missing);
	if (admitted.count > 0)
		print_ranges(out, "admitted", &admitted);
	if (st->refused > 0) {
		fprintf(out, "  admission not honoured: forwarder_start at "
		    "seq %" PRIu64 " says seq ", st->first_refused.by);
		print_range(out, st->first_refused.from, st->first_refused.to);
		fputs(" may not have gone out", out);
		if (st->refused > 1)
			fprintf(out, " (and %" PRIu64 " more)",
			    st->refused - 1);
		fputc('\n', out);
	}
	if (differing.count > 0) {
		print_ranges(out, "differing duplicates", &differing);
		fputs("  ALARM: same event_id, different content; first "
		    "event_id ", out);
		print_text(out, st->id, ESC_VIEW_TEXT);
		fprintf(out, ":%" PRIu64 "\n", differing.first[0].from);
	}
	if (st->identical > 0)
		fprintf(out, "  identical duplicates: %" PRIu64 "\n",
		    st->identical);
	if (st->spans > 0)
		print_order(out, st);
	if (st->other_host_messages > 0) {
		fprintf(out, "  other hosts: %" PRIu64 " %s, first ",
		    st->other_host_messages, plural(st->other_host_messages,
		    "message", "messages"));
		if (st->has_other_host)
			print_text(out, st->other_host, ESC_VIEW_TEXT);
		else
			fputs("(none)", out);
		fputc('\n', out);
	}
	print_controls(out, st);

	if (missing.count > 0 || differing.count > 0) {
		fputs("  INCOMPLETE\n", out);
		return 0;
	}
	if (st->loss_count > 0)
		fprintf(out, "  complete, %" PRIu64 " %s reported by the "
		    "forwarder\n", st->loss_count, plural(st->loss_count,
		    "loss", "losses"));
	else
		fputs("  complete\n", out);
	return 1;
}

static int
compare_streams(const void *a, const void *b)
{
	const struct stream *x = *(struct stream *const *)a;
	const struct stream *y = *(struct stream *const *)b;
	int c;

	if (x->has_host != y->has_host)
		return x->has_host ? 1 : -1;
	if ((c = strcmp(x->host, y->host)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

int
verify_report(const struct verify *v, FILE *out)
{
	_cleanup_free_ struct stream **list = NULL;
	size_t n = 0, incomplete = 0;
	int rc;

	if (v->used > 0 &&
	    (list = malloc(v->used * sizeof(*list))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < v->size; i++)
		if (v->table[i] != NULL && v->table[i]->distinct > 0)
			list[n++] = v->table[i];
	if (n > 1)
		qsort(list, n, sizeof(*list), compare_streams);
	for (size_t i = 0; i < n; i++) {
		if ((rc = report_stream(list[i], out)) < 0)
			return rc;
		incomplete += rc == 0;
	}

	if (n == 0)
		fputs("verify: no stream to verify", out);
	else if (incomplete == 0)
		fprintf(out, "verify: %zu %s, all complete", n,
		    plural(n, "stream", "streams"));
	else
		fprintf(out, "verify: %zu %s, %zu INCOMPLETE", n,
		    plural(n, "stream", "streams"), incomplete);
	if (v->unverifiable > 0)
		fprintf(out, "; %" PRIu64 " %s without stream and seq, not "
		    "verifiable", v->unverifiable, plural(v->unverifiable,
		    "message", "messages"));
	fputc('\n', out);
	return n > 0 && incomplete == 0;
}
