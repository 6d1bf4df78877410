/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-pacct: libFuzzer target for the record decoder and the stream reader.
 *
 * Every input is decoded at many offsets and lengths, then read as a stream
 * in the ways the reader offers: a file (a memfd, by descriptor and by
 * path) forwards and backwards, a pipe, a socket that returns a few bytes
 * a read, each also gzipped (one or two members).  The readings must cover
 * the stream without gap or overlap, agree with each other item for item
 * (pacct.c promises both directions see the same items), and agree with
 * acct_decode() on the raw bytes; the reader must not leak descriptors.
 * Now and then the input is also placed across the reader's 1 MiB backward
 * window between valid records.  A broken promise aborts, so libFuzzer
 * keeps the input as a finding.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "pacct.h"
#include "record.h"

#define WINDOW_SIZE	(1024 * 1024)	/* pacct.c's backward window */
#define DECODE_OFFSETS	160		/* offsets tried by acct_decode() */
#define MAX_ITEMS	(1u << 24)	/* more means the reader loops */
#define FD_SCAN_LIMIT	256		/* descriptors checked for leaks */
#define MAX_PACKETS	64		/* messages per socket reading */
#define WINDOW_ODDS	128		/* 1 input in this many is windowed */
#define AHZ		100

/*
 * The harness's own comparisons are not what the fuzzer should steer by,
 * and over a window's thousands of items they would cost most of the time.
 */
#if defined(__clang__)
#define _nocov_		__attribute__((no_sanitize("coverage")))
#else
#define _nocov_
#endif

#define check(cond)							\
	do {								\
		if (!(cond))						\
			violated(#cond, __LINE__);			\
	} while (0)

/* One item a reader returned, in the order it returned them. */
struct item {
	int		status;		/* PACCT_RECORD, _SKIPPED, _PARTIAL */
	uint64_t	offset;
	uint64_t	length;
	bool		all_zero;
	struct acct_event event;
};

/* Everything one reading of a stream produced. */
struct reading {
	const char	*what;
	struct item	*items;
	size_t		n_items, cap;
	bool		open_failed;
	int		error;		/* 0, or the -errno that ended it */
	bool		compressed;
	struct pacct_stats stats;
};

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn)) _nocov_
violated(const char *what, int line)
{
	fprintf(stderr, "fuzz-pacct.c:%d: invariant violated: %s\n", line,
	    what);
	abort();
}

static bool _nocov_
all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* FNV-1a over the size and the first bytes: picks variants per input. */
static uint32_t _nocov_
input_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u ^ (uint32_t)size;

	for (size_t i = 0; i < size && i < 64; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

static bool _nocov_
is_gzip(const uint8_t *data, size_t size)
{
	return size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

/* Where ac_comm starts in a record of version. */
static size_t _nocov_
comm_offset(unsigned version)
{
	return version == 3 ? 48 : version == 1 ? 34 : 36;
}

/* What any decoded event must satisfy; raw: its bytes when known. */
static void _nocov_
check_event(const struct acct_event *ev, const uint8_t *raw)
{
	check(ev->version <= 3);
	check(ev->has_pid == (ev->version == 3));
	check(ev->ahz != 0);
	check(ev->comm_len <= ACCT_COMM_MAX);
	check(ev->comm[ev->comm_len] == '\0');
	check(strlen(ev->comm) == ev->comm_len);
	check(ev->exit_code == ((ev->wait_status >> 8) & 0xff));
	check(ev->signal == (ev->wait_status & 0x7f));
	check(ev->core_dumped == ((ev->wait_status & 0x80) != 0));
	if (ev->version == 3)
		check(ev->ahz == ACCT_AHZ_V3);
	/* Garbage floats must come out as a number, not as undefined
	 * behaviour (UBSan watches the conversions). */
	(void)acct_elapsed_us(ev);
	(void)acct_end_us(ev);
	(void)acct_ticks_to_us(ev, ev->user_ticks);
	(void)acct_ticks_to_us(ev, ev->sys_ticks);
	if (raw == NULL)
		return;
	check(ev->flags == raw[0]);
	check(ev->version == (raw[1] & 0x7f));
	check(ev->big_endian == ((raw[1] & ACCT_VERSION_BIG_ENDIAN) != 0));
	check(memcmp(ev->comm, raw + comm_offset(ev->version),
	    ev->comm_len) == 0);
	if (ev->comm_len < ACCT_COMM_MAX)
		check(raw[comm_offset(ev->version) + ev->comm_len] == '\0');
}

static bool _nocov_
events_equal(const struct acct_event *a, const struct acct_event *b)
{
	return a->version == b->version && a->big_endian == b->big_endian &&
	    a->flags == b->flags && a->has_pid == b->has_pid &&
	    a->pid == b->pid && a->ppid == b->ppid && a->uid == b->uid &&
	    a->gid == b->gid && a->tty == b->tty &&
	    a->wait_status == b->wait_status &&
	    a->exit_code == b->exit_code && a->signal == b->signal &&
	    a->core_dumped == b->core_dumped && a->ahz == b->ahz &&
	    a->start_time == b->start_time &&
	    memcmp(&a->elapsed_ticks, &b->elapsed_ticks,
		sizeof(a->elapsed_ticks)) == 0 &&
	    a->user_ticks == b->user_ticks && a->sys_ticks == b->sys_ticks &&
	    a->mem_kib == b->mem_kib && a->io_chars == b->io_chars &&
	    a->io_blocks == b->io_blocks && a->minflt == b->minflt &&
	    a->majflt == b->majflt && a->swaps == b->swaps &&
	    a->comm_len == b->comm_len &&
	    memcmp(a->comm, b->comm, a->comm_len + 1) == 0;
}

static bool _nocov_
items_equal(const struct item *a, const struct item *b)
{
	if (a->status != b->status || a->offset != b->offset ||
	    a->length != b->length)
		return false;
	if (a->status == PACCT_RECORD)
		return events_equal(&a->event, &b->event);
	return a->all_zero == b->all_zero;
}

/* The ac_ahz a v0 or v2 record stores (at byte 30), in its byte order. */
static unsigned _nocov_
stored_ahz(const uint8_t *p)
{
	return p[1] & 0x80 ? (unsigned)p[30] << 8 | p[31] :
	    (unsigned)p[31] << 8 | p[30];
}

/*
 * Decode len bytes at p and check the answer against the header's
 * promises: the right error, the event untouched on error, a sane event
 * and the right size otherwise; thorough: also the same result for every
 * default AHZ where the record stores its own.
 */
static void _nocov_
decode_one(const uint8_t *p, size_t len, bool thorough)
{
	struct acct_event ev, before, other;
	static const unsigned ahzs[] = { 1, 60, 1000, 65535 };
	size_t size;
	int rc;

	memset(&ev, 0x5a, sizeof(ev));
	memcpy(&before, &ev, sizeof(ev));
	rc = acct_decode(p, len, AHZ, &ev);
	size = len >= 2 ? acct_record_size(p[1]) : ACCT_RECORD_MAX;
	if (rc < 0) {
		check(memcmp(&ev, &before, sizeof(ev)) == 0);
		if (len < 2 || len < size)
			check(rc == -EMSGSIZE);
		else if (all_zero(p, size))
			check(rc == -ENODATA);
		else
			check(rc == -EPROTONOSUPPORT && (p[1] & 0x7f) > 3);
		return;
	}
	check(len >= 2 && (size_t)rc == size && size <= len);
	check(!all_zero(p, size));
	check_event(&ev, p);
	/* v1 stores no rate; v0 may (GNU writes one), else ours. */
	if (ev.version == 1 || (ev.version == 0 && stored_ahz(p) == 0))
		check(ev.ahz == AHZ);
	else if (ev.version == 0)
		check(ev.ahz == stored_ahz(p));
	if (!thorough)
		return;

	check(acct_decode(p, len, 0, &other) == -EINVAL);
	for (size_t i = 0; i < sizeof(ahzs) / sizeof(ahzs[0]); i++) {
		memset(&other, 0, sizeof(other));
		check(acct_decode(p, len, ahzs[i], &other) == rc);
		check_event(&other, p);
		if (ev.version == 1 || (ev.version == 0 && stored_ahz(p) == 0))
			check(other.ahz == ahzs[i]);
		else if (ev.version == 3 || ev.ahz != AHZ)
			check(other.ahz == ev.ahz);	/* stored, not ours */
		other.ahz = ev.ahz;
		check(events_equal(&ev, &other));
	}
}

/* acct_decode() at the first offsets, on the rest and on short lengths,
 * each in a buffer of exactly that size so ASan sees any over-read. */
static void _nocov_
fuzz_decode(const uint8_t *data, size_t size)
{
	static const size_t lengths[] = { 0, 1, 2, 61, 62, 63, 64, 65 };

	for (size_t off = 0; off <= size && off <= DECODE_OFFSETS; off++) {
		size_t rest = size - off;

		decode_one(data + off, rest, off % 62 == 0 || off % 64 == 0);
		for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]);
		    i++) {
			size_t len = lengths[i];
			uint8_t *copy;

			if (len >= rest)
				continue;
			if ((copy = malloc(len ? len : 1)) == NULL)
				abort();
			memcpy(copy, data + off, len);
			decode_one(len ? copy : copy + 1, len, false);
			free(copy);
		}
	}
}

/* Open descriptors among the first FD_SCAN_LIMIT: a reader must not leak. */
static unsigned _nocov_
count_fds(void)
{
	unsigned n = 0;

	for (int fd = 0; fd < FD_SCAN_LIMIT; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void _nocov_
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();
		p += n;
		len -= (size_t)n;
	}
}

/* An in-memory file holding data, positioned at its start. */
static int _nocov_
memfd_with(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-pacct", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	write_all(fd, data, size);
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

static void _nocov_
reading_add(struct reading *rd, const struct item *it)
{
	if (rd->n_items == rd->cap) {
		rd->cap = rd->cap ? rd->cap * 2 : 64;
		rd->items = reallocarray(rd->items, rd->cap,
		    sizeof(*rd->items));
		if (rd->items == NULL)
			abort();
	}
	rd->items[rd->n_items++] = *it;
}

static void _nocov_
reading_free(struct reading *rd)
{
	free(rd->items);
	memset(rd, 0, sizeof(*rd));
}

/* Drain every item of an open reader into rd: an error must repeat, END
 * must stay END.  Closes the reader. */
static void _nocov_
drain(struct pacct_reader *reader, struct reading *rd)
{
	int rc;

	for (;;) {
		struct item it;
		struct pacct_region region;

		memset(&it, 0, sizeof(it));
		memset(&region, 0xa5, sizeof(region));
		rc = pacct_next(reader, &it.event, &region);
		if (rc < 0) {
			rd->error = rc;
			check(pacct_next(reader, NULL, NULL) == rc);
			break;
		}
		if (rc == PACCT_END) {
			check(pacct_next(reader, NULL, NULL) == PACCT_END);
			break;
		}
		it.status = rc;
		it.offset = pacct_offset(reader);
		switch (rc) {
		case PACCT_RECORD:
			check_event(&it.event, NULL);
			it.length = it.event.version == 1 ?
			    ACCT_RECORD_SIZE_V1 : ACCT_RECORD_SIZE;
			break;
		case PACCT_SKIPPED:
		case PACCT_PARTIAL:
			check(region.offset == it.offset);
			check(region.length > 0);
			it.length = region.length;
			it.all_zero = region.all_zero;
			break;
		default:
			violated("pacct_next() returned an unknown status",
			    __LINE__);
		}
		check(rd->n_items < MAX_ITEMS);
		reading_add(rd, &it);
	}
	rd->compressed = pacct_compressed(reader);
	pacct_get_stats(reader, &rd->stats);
	pacct_close(reader);
}

/* Open a reader on fd (it takes fd, even on failure); false on failure,
 * which rd then records. */
static bool _nocov_
open_reader(int fd, enum pacct_direction direction, const char *what,
    struct reading *rd, struct pacct_reader **ret_reader)
{
	struct pacct_options options = { .direction = direction };
	int rc;

	memset(rd, 0, sizeof(*rd));
	rd->what = what;
	rc = pacct_open_fd(fd, what, &options, ret_reader);
	if (rc < 0) {
		check(rc != -EINVAL);
		rd->open_failed = true;
		rd->error = rc;
		return false;
	}
	check(strcmp(pacct_name(*ret_reader), what) == 0);
	return true;
}

/* Read the stream on fd (the reader takes it) in direction into rd. */
static void _nocov_
read_stream(int fd, enum pacct_direction direction, const char *what,
    struct reading *rd)
{
	struct pacct_reader *reader;

	if (open_reader(fd, direction, what, rd, &reader))
		drain(reader, rd);
}

/* Read data in direction by name, through pacct_open(), as a file named
 * on the command line. */
static void _nocov_
read_path(const uint8_t *data, size_t size, enum pacct_direction direction,
    const char *what, struct reading *rd)
{
	struct pacct_options options = { .direction = direction };
	struct pacct_reader *reader;
	char path[64];
	int fd = memfd_with(data, size), rc;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(rd, 0, sizeof(*rd));
	rd->what = what;
	rc = pacct_open(path, &options, &reader);
	close(fd);		/* the reader has its own */
	if (rc < 0) {
		rd->open_failed = true;
		rd->error = rc;
		return;
	}
	check(strcmp(pacct_name(reader), path) == 0);
	drain(reader, rd);
}

/* Put a backward reading in stream order. */
static void _nocov_
reading_reverse(struct reading *rd)
{
	for (size_t i = 0, j = rd->n_items; i + 1 < j; i++, j--) {
		struct item t = rd->items[i];

		rd->items[i] = rd->items[j - 1];
		rd->items[j - 1] = t;
	}
}

/*
 * A reading in stream order: items follow each other without gap or
 * overlap from offset 0, adjacent skips are merged, a short tail comes
 * last, and the statistics add up.  Returns the bytes covered.
 */
static uint64_t _nocov_
check_coverage(const struct reading *rd)
{
	struct pacct_stats sum = { 0 };
	uint64_t pos = 0;

	for (size_t i = 0; i < rd->n_items; i++) {
		const struct item *it = &rd->items[i];

		check(it->offset == pos);
		check(it->length > 0);
		switch (it->status) {
		case PACCT_RECORD:
			sum.records++;
			break;
		case PACCT_SKIPPED:
			check(i == 0 ||
			    rd->items[i - 1].status != PACCT_SKIPPED);
			sum.skipped_regions++;
			sum.skipped_bytes += it->length;
			if (it->all_zero)
				sum.zero_bytes += it->length;
			break;
		case PACCT_PARTIAL:
			check(i + 1 == rd->n_items);
			check(it->length < ACCT_RECORD_MAX);
			sum.partial_bytes += it->length;
			break;
		}
		pos += it->length;
	}
	check(rd->stats.records == sum.records);
	check(rd->stats.skipped_regions == sum.skipped_regions);
	check(rd->stats.skipped_bytes == sum.skipped_bytes);
	check(rd->stats.zero_bytes == sum.zero_bytes);
	check(rd->stats.partial_bytes == sum.partial_bytes);
	return pos;
}

/* A reading that must have gone to the end without failing. */
static void _nocov_
check_complete(const struct reading *rd, bool compressed, uint64_t size)
{
	if (rd->open_failed || rd->error != 0 ||
	    rd->compressed != compressed)
		fprintf(stderr, "%s: open %s, error %d (%s), %scompressed\n",
		    rd->what, rd->open_failed ? "failed" : "ok", rd->error,
		    strerror(-rd->error), rd->compressed ? "" : "not ");
	check(!rd->open_failed && rd->error == 0);
	check(rd->compressed == compressed);
	check(check_coverage(rd) == size);
}

/* A complete reading of the plain stream data: every item from offset
 * `from` on is what the bytes there say. */
static void _nocov_
check_bytes_from(const struct reading *rd, const uint8_t *data, size_t size,
    uint64_t from)
{
	check_complete(rd, false, size);
	for (size_t i = 0; i < rd->n_items; i++) {
		const struct item *it = &rd->items[i];
		const uint8_t *p = data + it->offset;
		struct acct_event ev;

		if (it->offset + it->length <= from)
			continue;
		switch (it->status) {
		case PACCT_RECORD:
			check(acct_decode(p, size - it->offset, AHZ, &ev) ==
			    (int)it->length);
			check(events_equal(&ev, &it->event));
			check_event(&it->event, p);
			break;
		case PACCT_SKIPPED:
			check(it->all_zero == all_zero(p, it->length));
			break;
		case PACCT_PARTIAL:
			check(it->offset + it->length == size);
			break;
		}
	}
}

static void _nocov_
check_against_bytes(const struct reading *rd, const uint8_t *data,
    size_t size)
{
	check_bytes_from(rd, data, size, 0);
}

static void _nocov_
check_same(const struct reading *a, const struct reading *b)
{
	if (a->n_items != b->n_items)
		fprintf(stderr, "%s: %zu items, %s: %zu\n", a->what,
		    a->n_items, b->what, b->n_items);
	check(a->n_items == b->n_items);
	for (size_t i = 0; i < a->n_items; i++) {
		if (!items_equal(&a->items[i], &b->items[i]))
			fprintf(stderr, "item %zu differs: %s at %ju+%ju, "
			    "%s at %ju+%ju\n", i, a->what,
			    (uintmax_t)a->items[i].offset,
			    (uintmax_t)a->items[i].length, b->what,
			    (uintmax_t)b->items[i].offset,
			    (uintmax_t)b->items[i].length);
		check(items_equal(&a->items[i], &b->items[i]));
	}
}

/*
 * Two readings of one gzip stream where at least one failed part way.
 * Forwards stops at the failure, backwards defers it to after the items
 * that came before it; either way every byte inflated before the failure
 * is handed out, so both see the same items and the same error.
 */
static void _nocov_
check_same_outcome(const struct reading *fwd, const struct reading *bwd)
{
	if (fwd->error != bwd->error)
		fprintf(stderr, "%s: error %d (%s); %s: error %d (%s)\n",
		    fwd->what, fwd->error, strerror(-fwd->error), bwd->what,
		    bwd->error, strerror(-bwd->error));
	check(fwd->error == bwd->error);
	check_same(fwd, bwd);
}

/*
 * Read data through a pipe, as from stdin: not seekable, so backward
 * reading copies it first.  The pipe holds it all before the reader
 * starts (inputs are far below the 64 KiB a pipe buffers).
 */
static void _nocov_
read_pipe(const uint8_t *data, size_t size, enum pacct_direction direction,
    const char *what, struct reading *rd)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		abort();
	if (fcntl(p[1], F_SETPIPE_SZ, (int)(size + 1)) < 0 &&
	    size > 65536)
		abort();
	write_all(p[1], data, size);
	close(p[1]);
	read_stream(p[0], direction, what, rd);
}

/*
 * Read data forwards from a socket whose every read(2) returns one
 * message: the first `first` bytes, then `chunk` bytes at a time, as a
 * slow producer delivers them.  The reader must not depend on how its
 * reads split.  Returns false if the socket would not take it all.
 */
static bool _nocov_
read_packets(const uint8_t *data, size_t size, size_t first, size_t chunk,
    const char *what, struct reading *rd)
{
	size_t done = 0;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) < 0)
		abort();
	/* Few messages: each costs the socket buffer about 1 KiB. */
	if (chunk < size / MAX_PACKETS + 1)
		chunk = size / MAX_PACKETS + 1;
	while (done < size) {
		size_t k = done == 0 ? first : chunk;
		ssize_t n;

		if (k > size - done)
			k = size - done;
		n = send(sv[1], data + done, k, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			close(sv[0]);
			close(sv[1]);
			return false;
		}
		if (n != (ssize_t)k)
			abort();
		done += k;
	}
	close(sv[1]);
	read_stream(sv[0], PACCT_FORWARD, what, rd);
	return true;
}

/* data as gzip: one member, or two split at `split` (either may be empty). */
static uint8_t * _nocov_
gzip_of(const uint8_t *data, size_t size, bool two, size_t split,
    size_t *ret_len)
{
	size_t parts[2] = { two ? split : size, two ? size - split : 0 };
	size_t cap = compressBound((uLong)size) + 2 * 64, len = 0;
	uint8_t *out = malloc(cap);

	if (out == NULL)
		abort();
	for (int m = 0; m < (two ? 2 : 1); m++) {
		z_stream zs;

		memset(&zs, 0, sizeof(zs));
		if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			abort();
		zs.next_in = (Bytef *)(uintptr_t)(m ? data + split : data);
		zs.avail_in = (uInt)parts[m];
		zs.next_out = out + len;
		zs.avail_out = (uInt)(cap - len);
		if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
			abort();
		len = cap - zs.avail_out;
		deflateEnd(&zs);
	}
	*ret_len = len;
	return out;
}

/* A valid record of the given size (62: v1) to surround inputs with. */
static void _nocov_
make_filler(uint8_t *p, size_t size, uint32_t n)
{
	memset(p, 0, size);
	p[0] = 0;
	p[1] = size == ACCT_RECORD_SIZE_V1 ? 1 : 3;
	p[2] = (uint8_t)n;		/* tty / uid16: any non-zero */
	p[3] = (uint8_t)(n >> 8);
	memcpy(p + comm_offset(p[1]), "filler", 6);
}

/*
 * Place the input across the first backward window boundary, between
 * valid records of the version its second byte names (v1: 62 bytes), and
 * read it both ways: the windows must not change what the reader sees.
 */
static void _nocov_
fuzz_window(const uint8_t *data, size_t size, uint32_t hash)
{
	size_t rs = size >= 2 && (data[1] & 0x7f) == 1 ?
	    ACCT_RECORD_SIZE_V1 : ACCT_RECORD_SIZE;
	size_t before = WINDOW_SIZE / rs - 1 - (hash >> 8) % 4, after = 4;
	size_t total = (before + after) * rs + size, pos = 0;
	struct reading fwd, bwd;
	uint8_t *stream;

	if ((stream = malloc(total)) == NULL)
		abort();
	for (size_t i = 0; i < before; i++, pos += rs)
		make_filler(stream + pos, rs, (uint32_t)i + 1);
	memcpy(stream + pos, data, size);
	pos += size;
	for (size_t i = 0; i < after; i++, pos += rs)
		make_filler(stream + pos, rs, (uint32_t)i + 1);

	read_stream(memfd_with(stream, total), PACCT_FORWARD, "window-fwd",
	    &fwd);
	read_stream(memfd_with(stream, total), PACCT_BACKWARD, "window-bwd",
	    &bwd);
	reading_reverse(&bwd);
	/* The filler is known good: look closely only around the input. */
	check_bytes_from(&fwd, stream, total, (before - 4) * rs);
	check_bytes_from(&bwd, stream, total, (before - 4) * rs);
	check_same(&fwd, &bwd);
	reading_free(&fwd);
	reading_free(&bwd);
	free(stream);
}

/* The other ways to read a plain input, each compared with reading the
 * file forwards. */
enum source {
	SOURCE_FILE,
	SOURCE_PIPE,
	SOURCE_PACKETS,
};

struct variant {
	const char	*what;
	bool		gzip;
	enum source	source;
	enum pacct_direction direction;
};

static const struct variant variants[] = {
	{ "pipe-fwd", false, SOURCE_PIPE, PACCT_FORWARD },
	{ "packets-fwd", false, SOURCE_PACKETS, PACCT_FORWARD },
	{ "pipe-bwd", false, SOURCE_PIPE, PACCT_BACKWARD },
	{ "gzip-fwd", true, SOURCE_FILE, PACCT_FORWARD },
	{ "gzip-bwd", true, SOURCE_FILE, PACCT_BACKWARD },
	{ "gzip-pipe-bwd", true, SOURCE_PIPE, PACCT_BACKWARD },
	{ "gzip-packets-fwd", true, SOURCE_PACKETS, PACCT_FORWARD },
};

#define N_VARIANTS	(sizeof(variants) / sizeof(variants[0]))

/* Read the plain input data one other way and compare with fwd. */
static void _nocov_
read_variant(const struct variant *v, const uint8_t *data, size_t size,
    uint32_t hash, const struct reading *fwd)
{
	size_t first = 1 + (hash >> 4) % 96, chunk = 1 + (hash >> 12) % 700;
	const uint8_t *src = data;
	size_t len = size;
	uint8_t *gz = NULL;
	struct reading rd;

	if (v->gzip) {
		gz = gzip_of(data, size, (hash & 3) != 0,
		    size ? (hash >> 16) % (size + 1) : 0, &len);
		src = gz;
	}
	switch (v->source) {
	case SOURCE_FILE:
		read_stream(memfd_with(src, len), v->direction, v->what, &rd);
		break;
	case SOURCE_PIPE:
		read_pipe(src, len, v->direction, v->what, &rd);
		break;
	case SOURCE_PACKETS:
		if (!read_packets(src, len, first, chunk, v->what, &rd)) {
			free(gz);
			return;
		}
		break;
	}
	free(gz);
	if (v->direction == PACCT_BACKWARD)
		reading_reverse(&rd);
	if (v->gzip)
		check_complete(&rd, true, size);
	else
		check_against_bytes(&rd, data, size);
	check_same(fwd, &rd);
	reading_free(&rd);
}

/*
 * A plain input, read as a file forwards and backwards, then two other
 * ways the input picks (through a pipe, in small reads, gzipped: all of
 * them when FUZZ_PACCT_ALL is set, as "make check" does): every reading
 * must match the forward reading of the file.
 */
static void _nocov_
fuzz_plain(const uint8_t *data, size_t size, uint32_t hash, bool all)
{
	struct reading fwd, bwd;

	read_stream(memfd_with(data, size), PACCT_FORWARD, "file-fwd", &fwd);
	check_against_bytes(&fwd, data, size);

	read_path(data, size, PACCT_BACKWARD, "file-bwd", &bwd);
	reading_reverse(&bwd);
	check_against_bytes(&bwd, data, size);
	check_same(&fwd, &bwd);
	reading_free(&bwd);

	if (all) {
		for (size_t i = 0; i < N_VARIANTS; i++)
			read_variant(&variants[i], data, size, hash, &fwd);
	} else {
		size_t a = (hash >> 20) % N_VARIANTS;
		size_t b = (hash >> 26) % N_VARIANTS;

		read_variant(&variants[a], data, size, hash, &fwd);
		if (b != a)
			read_variant(&variants[b], data, size, hash, &fwd);
	}
	reading_free(&fwd);
}

/*
 * Readings of an input that starts with the gzip magic: the reader
 * inflates it, and it may well be corrupt.  Whatever comes out, and the
 * error that ends it, must be the same forwards, backwards and in small
 * reads.
 */
static void _nocov_
fuzz_gzip(const uint8_t *data, size_t size, uint32_t hash)
{
	struct reading fwd, bwd, packets;
	size_t first = 1 + (hash >> 4) % 96, chunk = 1 + (hash >> 12) % 700;

	read_stream(memfd_with(data, size), PACCT_FORWARD, "gzin-fwd", &fwd);
	check(fwd.open_failed || fwd.compressed);
	check_coverage(&fwd);

	read_stream(memfd_with(data, size), PACCT_BACKWARD, "gzin-bwd", &bwd);
	check(bwd.open_failed || bwd.compressed);
	reading_reverse(&bwd);
	check_coverage(&bwd);
	check_same_outcome(&fwd, &bwd);
	reading_free(&bwd);

	if (read_packets(data, size, first, chunk, "gzin-packets-fwd",
	    &packets)) {
		check(packets.open_failed || packets.compressed);
		check_coverage(&packets);
		check_same_outcome(&fwd, &packets);
		reading_free(&packets);
	}
	reading_free(&fwd);
}

int _nocov_
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int all = -1;
	uint32_t hash = input_hash(data, size);
	unsigned fds = count_fds();

	if (all < 0)
		all = getenv("FUZZ_PACCT_ALL") != NULL;

	fuzz_decode(data, size);
	if (is_gzip(data, size))
		fuzz_gzip(data, size, hash);
	else {
		fuzz_plain(data, size, hash, all);
		if (hash % WINDOW_ODDS == 0)
			fuzz_window(data, size, hash);
	}
	check(count_fds() == fds);
	return 0;
}
