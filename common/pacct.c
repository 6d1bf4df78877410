/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pacct.c: read a stream of accounting records, forwards or backwards.
 *
 * One pure function, scan(), decides what the bytes at a position are: a
 * record, a run of bytes that is not records, a short tail, or "show me
 * more".  Forward reading feeds it a sliding buffer.  Backward reading first
 * runs it over the whole stream to note, every WINDOW_SIZE bytes, a position
 * where an item starts (a checkpoint: bounded memory, 16 bytes a MiB); then
 * it reads the windows between checkpoints from the last to the first,
 * scans each forwards and hands out its items in reverse.  Because scan()
 * depends only on the bytes and the position's state, both directions see
 * exactly the same items.  The bytes come from an instream (instream.c:
 * plain or gunzipped); backward reading of one that cannot be read in
 * place copies it first, up to max_spool bytes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "instream.h"
#include "macro.h"
#include "pacct.h"

#define RESYNC_RUN	3	/* valid records in a row that end a skip */
#define LOOKAHEAD	((RESYNC_RUN + 1) * ACCT_RECORD_MAX)
#define BUF_SIZE	(256 * 1024)
#define WINDOW_SIZE	(1024 * 1024)
#define PACCT_FILTERED	(-1000)	/* emit(): a record the prefilter took */

enum item_kind {
	ITEM_NEED_MORE,
	ITEM_END,
	ITEM_RECORD,
	ITEM_SKIP,
	ITEM_PARTIAL,
};

struct item {
	enum item_kind	kind;
	bool		all_zero;
	uint64_t	offset;
	uint64_t	length;
	const uint8_t	*data;		/* valid until the next item */
};

/* What scan() knows of the bytes before a position. */
struct scan_state {
	bool		strict;		/* the item before was a skip */
	int		version;	/* version byte of the last record, or -1 */
};

struct checkpoint {
	uint64_t	offset;
	struct scan_state state;
};

struct pacct_reader {
	char		*name;
	struct instream	*in;		/* the stream, or its spooled copy */
	enum pacct_direction direction;
	unsigned	ahz;
	bool		(*prefilter)(const void *record, void *arg);
	void		*prefilter_arg;
	bool		follow;
	int		error;		/* sticky -errno */
	uint64_t	last_offset;
	uint64_t	last_end;	/* where the item last returned ends */
	struct pacct_stats stats;
	size_t		record_size;	/* 0 until the first bytes are seen */

	bool		compressed;	/* the stream was gzip */
	uint64_t	max_spool;	/* 0: no cap */
	uint64_t	skip_budget;	/* 0: none */

	/* Forward scanning: stream bytes [buf_offset, buf_offset + buf_len). */
	uint8_t		*buf;
	size_t		buf_pos, buf_len;
	uint64_t	buf_offset;
	bool		src_eof;
	struct scan_state state;

	/* Merging of adjacent skips. */
	bool		have_pending, have_peek;
	struct item	pending, peek;

	/* Backward reading. */
	struct checkpoint *cps;
	size_t		n_cps, window;
	uint64_t	size;
	int		deferred_error;	/* a read error, reported at the end */
	uint8_t		*wbuf;
	uint64_t	wbuf_offset;
	struct item	*witems;
	size_t		n_witems, witems_cap;
};

/* Could a record of this stream's size start at p (size bytes there)? */
static bool
slot_valid(const uint8_t *p, size_t size)
{
	return acct_check(p, size) == (int)size;
}

/* As slot_valid(), and written by a kernel, of the stream's version (if
 * it has one yet): see acct_plausible(). */
static bool
slot_plausible(const uint8_t *p, size_t size, int version)
{
	return slot_valid(p, size) && (version < 0 || p[1] == version) &&
	    acct_plausible(p, size);
}

/*
 * Is p the start of RESYNC_RUN plausible records of one version, the
 * stream's own if it has one (fewer when the stream ends first)?  1 yes,
 * 0 no, -1 cannot tell without more bytes.
 */
static int
run_valid(const uint8_t *p, size_t avail, bool eof, size_t size, int version)
{
	if (avail < size)
		return eof ? 0 : -1;
	if (!slot_plausible(p, size, version))
		return 0;
	for (size_t i = 1; i < RESYNC_RUN; i++) {
		size_t off = i * size;

		if (off + size > avail)
			return eof ? 1 : -1;
		if (!slot_plausible(p + off, size, p[1]))
			return 0;
	}
	return 1;
}

/*
 * Classify the bytes at data (avail of them; eof: nothing follows).  After
 * a skip (st->strict) a record must be confirmed by the next ones before
 * reading resumes.  Sets *ret_length for everything but NEED_MORE and END.
 * Never asks for more than LOOKAHEAD bytes.
 */
static enum item_kind
scan(const uint8_t *data, size_t avail, bool eof, size_t size,
    const struct scan_state *st, size_t *ret_length)
{
	size_t q;

	if (avail == 0)
		return eof ? ITEM_END : ITEM_NEED_MORE;
	if (avail < size) {
		*ret_length = avail;
		if (!eof)
			return ITEM_NEED_MORE;
		/* A short tail after a skip is more of the same. */
		return st->strict ? ITEM_SKIP : ITEM_PARTIAL;
	}
	if (!st->strict && slot_valid(data, size)) {
		*ret_length = size;
		return ITEM_RECORD;
	}
	if (st->strict) {
		switch (run_valid(data, avail, eof, size, st->version)) {
		case 1:
			*ret_length = size;
			return ITEM_RECORD;
		case -1:
			return ITEM_NEED_MORE;
		}
	}
	/* Not a record here: find where records start again. */
	for (q = 1; q + size <= avail; q++) {
		size_t z = q;

		/* A candidate must hold a non-zero byte: jump over holes. */
		while (z < avail && data[z] == 0)
			z++;
		if (z - q >= size) {
			q = z - size;
			continue;
		}
		if (run_valid(data + q, avail - q, eof, size, st->version) != 0)
			break;
	}
	*ret_length = q + size <= avail || !eof ? q : avail;
	return ITEM_SKIP;
}

/* Read up to n bytes of the stream; 0 at the end, or -errno. */
static ssize_t
source_read(struct pacct_reader *r, uint8_t *dst, size_t n)
{
	return instream_read(r->in, dst, n);
}

/* Start reading at offset: seek in a plain file, read and drop the bytes
 * before it otherwise.  -ERANGE when the stream is shorter. */
static int
skip_to(struct pacct_reader *r, uint64_t offset, const struct stat *st)
{
	uint64_t left = offset;
	int rc;

	if (instream_in_place(r->in)) {
		if ((uint64_t)st->st_size < offset)
			return -ERANGE;
		if ((rc = instream_seek(r->in, offset)) < 0)
			return rc;
		left = 0;
	}
	while (left > 0) {
		ssize_t got = source_read(r, r->buf, MIN(left, BUF_SIZE));

		if (got < 0)
			return (int)got;
		if (got == 0)
			return -ERANGE;
		left -= (uint64_t)got;
	}
	r->buf_offset = offset;
	r->last_offset = r->last_end = offset;
	return 0;
}

/* Top up the forward buffer to LOOKAHEAD bytes, or to the end. */
static void
fill(struct pacct_reader *r)
{
	if (r->buf_pos > 0) {
		memmove(r->buf, r->buf + r->buf_pos, r->buf_len - r->buf_pos);
		r->buf_offset += r->buf_pos;
		r->buf_len -= r->buf_pos;
		r->buf_pos = 0;
	}
	while (!r->src_eof && r->buf_len < LOOKAHEAD) {
		ssize_t got = source_read(r, r->buf + r->buf_len,
		    BUF_SIZE - r->buf_len);

		if (got < 0) {
			/* Hand out what came before; report at the end. */
			r->deferred_error = (int)got;
			got = 0;
		}
		if (got == 0)
			r->src_eof = true;
		r->buf_len += (size_t)got;
	}
}

/* What scan() must know after an item of this kind at data. */
static void
advance_state(struct scan_state *st, enum item_kind kind, const uint8_t *data)
{
	if (kind == ITEM_END)
		return;
	st->strict = kind == ITEM_SKIP;
	if (kind == ITEM_RECORD)
		st->version = data[1];
}

/* The next item of the stream in file order. */
static int
forward_item(struct pacct_reader *r, struct item *it)
{
	size_t avail, length = 0;

	avail = r->buf_len - r->buf_pos;
	if (avail < LOOKAHEAD && !r->src_eof) {
		fill(r);
		avail = r->buf_len - r->buf_pos;
	}
	if (r->record_size == 0 && avail >= 2)
		r->record_size = acct_record_size(r->buf[r->buf_pos + 1]);
	else if (r->record_size == 0 && !r->follow)
		r->record_size = ACCT_RECORD_SIZE;

	it->data = r->buf + r->buf_pos;
	it->offset = r->buf_offset + r->buf_pos;
	/* A followed stream has no end: what is short may yet grow. */
	it->kind = r->record_size == 0 ? ITEM_NEED_MORE : scan(it->data,
	    avail, r->src_eof && !r->follow, r->record_size, &r->state,
	    &length);
	if (it->kind == ITEM_NEED_MORE && r->follow) {
		r->src_eof = false;	/* read again next time */
		it->kind = ITEM_END;
		return 0;
	}
	if (it->kind == ITEM_NEED_MORE)
		return -EIO;	/* cannot happen: fill() gave LOOKAHEAD */
	it->length = length;
	it->all_zero = it->kind == ITEM_SKIP && mem_all_zero(it->data, length);
	r->buf_pos += length;
	advance_state(&r->state, it->kind, it->data);
	return 0;
}

static int
open_tmpfile(const char *dir)
{
	char *path;
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd >= 0 ? fd : -errno;
	if (asprintf(&path, "%s/pacct.XXXXXX", dir) < 0)
		return -ENOMEM;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	else
		fd = -errno;
	free(path);
	return fd;
}

/*
 * Make the stream a seekable plain file: decompress or copy a pipe into
 * an unlinked temporary file, up to max_spool bytes (-EFBIG past them).
 */
static int
make_seekable(struct pacct_reader *r, const char *tmpdir)
{
	struct instream *copy;
	uint64_t spooled = 0;
	int tmp, rc;

	if (instream_in_place(r->in))
		return 0;
	if (tmpdir == NULL && (tmpdir = getenv("TMPDIR")) == NULL)
		tmpdir = "/tmp";
	if ((tmp = open_tmpfile(tmpdir)) < 0)
		return tmp;
	for (;;) {
		ssize_t got = source_read(r, r->buf, BUF_SIZE);

		if (got < 0) {
			/* Keep what came before: it is read out, and the
			 * failure reported at the end. */
			r->deferred_error = (int)got;
			break;
		}
		if (got == 0)
			break;
		if (r->max_spool > 0 && (uint64_t)got > r->max_spool - spooled) {
			close(tmp);
			return -EFBIG;
		}
		spooled += (uint64_t)got;
		if ((rc = fd_write_all(tmp, r->buf, (size_t)got)) < 0) {
			close(tmp);
			return rc;
		}
	}
	if (lseek(tmp, 0, SEEK_SET) < 0) {
		rc = -errno;
		close(tmp);
		return rc;
	}
	if ((rc = instream_open_fd(tmp, INSTREAM_PLAIN, &copy)) < 0)
		return rc;
	instream_close(r->in);
	r->in = copy;
	return 0;
}

/* First pass of backward reading: note a checkpoint every WINDOW_SIZE. */
static int
index_stream(struct pacct_reader *r)
{
	struct item it;
	uint64_t last = 0;
	size_t cap = 16;
	int rc;

	if ((r->cps = calloc(cap, sizeof(*r->cps))) == NULL)
		return -ENOMEM;
	r->cps[0] = (struct checkpoint){ 0, r->state };
	r->n_cps = 1;
	for (;;) {
		if ((rc = forward_item(r, &it)) < 0)
			return rc;
		if (it.kind == ITEM_END)
			break;
		if (it.offset + it.length - last < WINDOW_SIZE)
			continue;
		if (r->n_cps == cap) {
			struct checkpoint *n = reallocarray(r->cps, cap * 2,
			    sizeof(*n));

			if (n == NULL)
				return -ENOMEM;
			r->cps = n;
			cap *= 2;
		}
		last = it.offset + it.length;
		r->cps[r->n_cps++] = (struct checkpoint){ last, r->state };
	}
	r->size = r->buf_offset + r->buf_len;
	r->window = r->n_cps;
	return 0;
}

/* Read window w and scan it into r->witems. */
static int
load_window(struct pacct_reader *r, size_t w)
{
	uint64_t start = r->cps[w].offset;
	uint64_t end = w + 1 < r->n_cps ? r->cps[w + 1].offset : r->size;
	size_t len = (size_t)(MIN(r->size, end + LOOKAHEAD) - start);
	size_t got = 0, pos = 0;
	struct scan_state st = r->cps[w].state;

	while (got < len) {
		ssize_t n = pread(instream_fd(r->in), r->wbuf + got, len - got,
		    (off_t)(start + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* the file shrank under us */
		got += (size_t)n;
	}
	r->wbuf_offset = start;
	r->n_witems = 0;
	while (start + pos < end) {
		struct item *it;
		size_t length = 0;
		enum item_kind kind;

		kind = scan(r->wbuf + pos, len - pos, start + len == r->size,
		    r->record_size, &st, &length);
		if (kind == ITEM_NEED_MORE || kind == ITEM_END)
			return -EIO;	/* cannot happen: see index_stream */
		/* A skip the first pass cut at a checkpoint is cut there too. */
		if (start + pos + length > end)
			length = (size_t)(end - start - pos);
		if (r->n_witems == r->witems_cap) {
			size_t cap = r->witems_cap ? r->witems_cap * 2 : 1024;
			struct item *n = reallocarray(r->witems, cap,
			    sizeof(*n));

			if (n == NULL)
				return -ENOMEM;
			r->witems = n;
			r->witems_cap = cap;
		}
		it = &r->witems[r->n_witems++];
		it->kind = kind;
		it->offset = start + pos;
		it->length = length;
		it->data = NULL;
		it->all_zero = kind == ITEM_SKIP &&
		    mem_all_zero(r->wbuf + pos, length);
		advance_state(&st, kind, r->wbuf + pos);
		pos += length;
	}
	return 0;
}

/* The next item of the stream in reverse order. */
static int
backward_item(struct pacct_reader *r, struct item *it)
{
	int rc;

	while (r->n_witems == 0) {
		if (r->window == 0) {
			*it = (struct item){ .kind = ITEM_END };
			return 0;
		}
		if ((rc = load_window(r, --r->window)) < 0)
			return rc;
	}
	*it = r->witems[--r->n_witems];
	it->data = r->wbuf + (it->offset - r->wbuf_offset);
	return 0;
}

int
pacct_open_stream(struct instream *in, const char *name,
    const struct pacct_options *options, struct pacct_reader **ret_reader)
{
	static const struct pacct_options defaults = { 0 };
	struct pacct_reader *r;
	struct stat st;
	int rc;

	if (options == NULL)
		options = &defaults;
	if ((rc = fstat(instream_fd(in), &st) < 0 ? -errno :
	    S_ISDIR(st.st_mode) ? -EISDIR : 0) < 0) {
		instream_close(in);
		return rc;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		instream_close(in);
		return -ENOMEM;
	}
	r->in = in;
	r->compressed = instream_compressed(in);
	r->state.version = -1;
	r->direction = options->direction;
	r->prefilter = options->prefilter;
	/* A gzip stream is read to its end, never followed. */
	r->follow = options->follow && options->direction == PACCT_FORWARD &&
	    !r->compressed;
	r->prefilter_arg = options->prefilter_arg;
	r->ahz = options->default_ahz ? options->default_ahz : ACCT_AHZ_DEFAULT;
	r->max_spool = options->max_spool;
	r->skip_budget = options->skip_budget;
	if ((r->name = strdup(name)) == NULL ||
	    (r->buf = malloc(BUF_SIZE)) == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	if (options->start_offset > 0 && r->direction == PACCT_FORWARD &&
	    (rc = skip_to(r, options->start_offset, &st)) < 0)
		goto fail;
	if (r->direction == PACCT_BACKWARD) {
		if ((rc = make_seekable(r, options->tmpdir)) < 0 ||
		    (rc = index_stream(r)) < 0)
			goto fail;
		/* A window ends after the item that crossed WINDOW_SIZE, and
		 * items are at most BUF_SIZE long (skips are cut there). */
		r->wbuf = malloc(MIN(WINDOW_SIZE + BUF_SIZE + LOOKAHEAD,
		    r->size + 1));
		if (r->wbuf == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	*ret_reader = r;
	return 0;
fail:
	pacct_close(r);
	return rc;
}

int
pacct_open_fd(int fd, const char *name, const struct pacct_options *options,
    struct pacct_reader **ret_reader)
{
	struct instream *in;
	int rc;

	if ((rc = instream_open_fd(fd, INSTREAM_DETECT, &in)) < 0)
		return rc;
	return pacct_open_stream(in, name, options, ret_reader);
}

int
pacct_open(const char *path, const struct pacct_options *options,
    struct pacct_reader **ret_reader)
{
	int fd = fd_open_input(path);

	if (fd < 0)
		return fd;
	return pacct_open_fd(fd, strcmp(path, "-") == 0 ? "(stdin)" : path,
	    options, ret_reader);
}

/* Turn an item into the caller's answer. */
static int
emit(struct pacct_reader *r, const struct item *it, struct acct_event *ev,
    struct pacct_region *region)
{
	struct acct_event tmp;
	int rc;

	r->last_offset = it->offset;
	r->last_end = it->offset + it->length;
	switch (it->kind) {
	case ITEM_RECORD:
		r->stats.records++;
		if (r->prefilter != NULL &&
		    !r->prefilter(it->data, r->prefilter_arg))
			return PACCT_FILTERED;
		rc = acct_decode(it->data, it->length, r->ahz, ev ? ev : &tmp);
		if (rc < 0)
			return rc;	/* cannot happen: scan() checked */
		return PACCT_RECORD;
	case ITEM_SKIP:
		r->stats.skipped_regions++;
		r->stats.skipped_bytes += it->length;
		if (it->all_zero)
			r->stats.zero_bytes += it->length;
		break;
	case ITEM_PARTIAL:
		r->stats.partial_bytes += it->length;
		break;
	default:
		return PACCT_END;
	}
	if (region != NULL)
		*region = (struct pacct_region){ it->offset, it->length,
		    it->all_zero };
	return it->kind == ITEM_SKIP ? PACCT_SKIPPED : PACCT_PARTIAL;
}

/* The budget of a call ran out inside a skip: say how far it got. */
static int
skipping(const struct pacct_reader *r, struct pacct_region *region)
{
	if (region != NULL)
		*region = (struct pacct_region){ r->pending.offset,
		    r->pending.length, r->pending.all_zero };
	return PACCT_SKIPPING;
}

int
pacct_next(struct pacct_reader *r, struct acct_event *ret_event,
    struct pacct_region *ret_region)
{
	struct item it;
	uint64_t scanned = 0;
	int rc;

	for (;;) {
		if (r->have_peek) {
			it = r->peek;
			r->have_peek = false;
		} else if (r->error < 0) {
			return r->error;
		} else {
			rc = r->direction == PACCT_FORWARD ?
			    forward_item(r, &it) : backward_item(r, &it);
			/* A read error comes after the data before it. */
			if (rc == 0 && it.kind == ITEM_END &&
			    r->deferred_error < 0) {
				rc = r->deferred_error;
				r->last_offset = r->size ? r->size :
				    r->buf_offset + r->buf_len;
			}
			if (rc < 0) {
				r->error = rc;
				if (rc != r->deferred_error)
					r->last_offset = r->direction ==
					    PACCT_FORWARD ? r->buf_offset +
					    r->buf_pos : r->last_offset;
				if (!r->have_pending)
					return rc;
				r->have_pending = false;
				return emit(r, &r->pending, ret_event,
				    ret_region);
			}
		}
		if (it.kind == ITEM_SKIP) {
			if (!r->have_pending) {
				r->pending = it;
				r->have_pending = true;
			} else {
				if (it.offset < r->pending.offset)
					r->pending.offset = it.offset;
				r->pending.length += it.length;
				r->pending.all_zero &= it.all_zero;
			}
			scanned += it.length;
			if (r->skip_budget > 0 && scanned >= r->skip_budget)
				return skipping(r, ret_region);
			continue;
		}
		/* A followed stream may go on with more of the same skip:
		 * keep it until something else comes, so that it is reported
		 * once, whole. */
		if (r->have_pending && it.kind == ITEM_END && r->follow)
			return PACCT_END;
		if (r->have_pending) {
			r->peek = it;
			r->have_peek = true;
			r->have_pending = false;
			return emit(r, &r->pending, ret_event, ret_region);
		}
		if ((rc = emit(r, &it, ret_event, ret_region)) != PACCT_FILTERED)
			return rc;
	}
}

uint64_t
pacct_end_offset(const struct pacct_reader *r)
{
	return r->last_end;
}

uint64_t
pacct_offset(const struct pacct_reader *r)
{
	return r->last_offset;
}

const char *
pacct_name(const struct pacct_reader *r)
{
	return r->name;
}

bool
pacct_compressed(const struct pacct_reader *r)
{
	return r->compressed;
}

void
pacct_get_stats(const struct pacct_reader *r, struct pacct_stats *ret_stats)
{
	*ret_stats = r->stats;
}

void
pacct_close(struct pacct_reader *r)
{
	if (r == NULL)
		return;
	instream_close(r->in);
	free(r->name);
	free(r->buf);
	free(r->cps);
	free(r->wbuf);
	free(r->witems);
	free(r);
}
