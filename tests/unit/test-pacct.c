/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-pacct: the stream reader on plain, gzip and piped streams, forwards
 * and backwards, and on every kind of bad input.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "mkrec.h"
#include "pacct.h"
#include "tap.h"

/* What a reader returned, one entry an item. */
struct seen {
	int		status;		/* PACCT_*, or -errno last */
	uint64_t	offset;		/* of a region */
	uint64_t	length;
	uint32_t	pid;		/* of a record */
	bool		all_zero;
};

struct run {
	struct seen	*items;
	size_t		n;
	int		open_error;
};

static char tmpdir[] = "/tmp/test-pacct.XXXXXX";

/* Everything the tests allocate, freed at the end so that the leak
 * checker sees only the library's leaks. */
static void *garbage[4096];
static size_t n_garbage;

static void *
keep(void *p)
{
	if (n_garbage == sizeof(garbage) / sizeof(garbage[0]))
		abort();
	garbage[n_garbage++] = p;
	return p;
}

static void
free_all(void)
{
	while (n_garbage > 0)
		free(garbage[--n_garbage]);
}

/* A growing byte buffer to compose streams. */
struct bytes {
	uint8_t		*p;
	size_t		len;
};

static void
add(struct bytes *b, const void *data, size_t len)
{
	uint8_t *p = malloc(b->len + len);

	/* data may point into b->p itself. */
	if (b->len > 0)
		memcpy(p, b->p, b->len);
	memcpy(p + b->len, data, len);
	free(b->p);
	b->p = p;
	b->len += len;
}

static void
add_records(struct bytes *b, uint32_t first_pid, size_t count)
{
	uint8_t rec[64];

	for (size_t i = 0; i < count; i++) {
		mkrec_v3(rec, false, first_pid + (uint32_t)i, "rec");
		add(b, rec, sizeof(rec));
	}
}

static void
add_fill(struct bytes *b, uint8_t byte, size_t len)
{
	uint8_t *p = malloc(len);

	memset(p, byte, len);
	add(b, p, len);
	free(p);
}

static char *
write_file(const char *name, const void *data, size_t len)
{
	char *path;
	int fd;

	if (asprintf(&path, "%s/%s", tmpdir, name) < 0)
		abort();
	keep(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0)
		abort();
	return path;
}

/* gzip data as members of at most member_size input bytes each. */
static char *
write_gzip(const char *name, const uint8_t *data, size_t len, size_t member_size)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", tmpdir, name) < 0 ||
	    (f = fopen(keep(path), "w")) == NULL)
		abort();
	for (size_t off = 0; off < len || off == 0; off += member_size) {
		size_t n = len - off < member_size ? len - off : member_size;
		uLongf cap = compressBound((uLong)n) + 32;
		uint8_t *out = malloc(cap);
		z_stream zs = { 0 };

		deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
		zs.next_in = (uint8_t *)data + off;
		zs.avail_in = (uInt)n;
		zs.next_out = out;
		zs.avail_out = (uInt)cap;
		if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
			abort();
		fwrite(out, 1, cap - zs.avail_out, f);
		deflateEnd(&zs);
		free(out);
		if (len == 0)
			break;
	}
	fclose(f);
	return path;
}

static void
drain(struct pacct_reader *r, struct run *run)
{
	struct acct_event ev;
	struct pacct_region region;
	int rc;

	do {
		struct seen s = { 0 };

		rc = pacct_next(r, &ev, &region);
		s.status = rc;
		if (rc == PACCT_RECORD)
			s.pid = ev.pid;
		else if (rc == PACCT_SKIPPED || rc == PACCT_PARTIAL) {
			s.offset = region.offset;
			s.length = region.length;
			s.all_zero = region.all_zero;
		}
		if (run->n % 1024 == 0) {
			struct seen *n = malloc((run->n + 1024) * sizeof(s));

			if (run->n > 0)
				memcpy(n, run->items, run->n * sizeof(s));
			run->items = keep(n);
		}
		run->items[run->n++] = s;
	} while (rc > 0);
}

static struct run
read_path(const char *path, enum pacct_direction dir)
{
	struct pacct_options opt = { .direction = dir, .tmpdir = tmpdir };
	struct pacct_reader *r;
	struct run run = { 0 };

	run.open_error = pacct_open(path, &opt, &r);
	if (run.open_error < 0)
		return run;
	drain(r, &run);
	pacct_close(r);
	return run;
}

/* Read data through a pipe, as from standard input; the writer pauses
 * after the first `first` bytes (0: no pause). */
static struct run
read_pipe_split(const uint8_t *data, size_t len, enum pacct_direction dir,
    size_t first)
{
	struct pacct_options opt = { .direction = dir, .tmpdir = tmpdir };
	struct pacct_reader *r;
	struct run run = { 0 };
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0)
		abort();
	if (pid == 0) {
		close(fds[0]);
		for (size_t off = 0; off < len;) {
			size_t want = off < first ? first - off : len - off;
			ssize_t n = write(fds[1], data + off, want);

			if (n <= 0)
				_exit(1);
			off += (size_t)n;
			if (off == first)
				usleep(100000);
		}
		_exit(0);
	}
	close(fds[1]);
	run.open_error = pacct_open_fd(fds[0], "pipe", &opt, &r);
	if (run.open_error == 0) {
		drain(r, &run);
		pacct_close(r);
	}
	waitpid(pid, NULL, 0);
	return run;
}

static struct run
read_pipe(const uint8_t *data, size_t len, enum pacct_direction dir)
{
	return read_pipe_split(data, len, dir, 0);
}

/* Do the records come in pid order first..first+count-1 (or reverse)
 * from index *i on?  Advances *i. */
static bool
records_in_order(const struct run *run, size_t *i, uint32_t first,
    size_t count, bool reverse)
{
	for (size_t k = 0; k < count; k++, (*i)++) {
		uint32_t want = reverse ? first + (uint32_t)(count - 1 - k) :
		    first + (uint32_t)k;

		if (*i >= run->n || run->items[*i].status != PACCT_RECORD ||
		    run->items[*i].pid != want)
			return false;
	}
	return true;
}

static bool
region_at(const struct run *run, size_t *i, int status, uint64_t offset,
    uint64_t length)
{
	if (*i >= run->n)
		return false;
	const struct seen *s = &run->items[(*i)++];
	if (s->status != status || s->offset != offset || s->length != length) {
		diag("  item %zu: status %d offset %ju length %ju", *i - 1,
		    s->status, (uintmax_t)s->offset, (uintmax_t)s->length);
		return false;
	}
	return true;
}

static bool
ends(const struct run *run, size_t i, int status)
{
	return i + 1 == run->n && run->items[i].status == status;
}

static void
test_plain(void)
{
	struct bytes b = { 0 };
	struct run f, r;
	size_t i = 0, j = 0;
	char *path;

	add_records(&b, 1, 100);
	path = write_file("plain", b.p, b.len);
	f = read_path(path, PACCT_FORWARD);
	ok(records_in_order(&f, &i, 1, 100, false) && ends(&f, i, PACCT_END),
	    "plain file forwards: 100 records in order");
	r = read_path(path, PACCT_BACKWARD);
	ok(records_in_order(&r, &j, 1, 100, true) && ends(&r, j, PACCT_END),
	    "plain file backwards: 100 records newest first");
	free(b.p);
}

static void
test_large(void)
{
	struct bytes b = { 0 };
	struct run f, r;
	size_t i = 0, j = 0;
	char *path, *gz;

	/* Several backward windows, with a misaligned garbage run across a
	 * window boundary. */
	add_records(&b, 1, 20000);
	add_fill(&b, 0xee, 1000);
	add_records(&b, 20001, 30000);
	path = write_file("large", b.p, b.len);
	f = read_path(path, PACCT_FORWARD);
	ok(records_in_order(&f, &i, 1, 20000, false) &&
	    region_at(&f, &i, PACCT_SKIPPED, 20000 * 64, 1000) &&
	    records_in_order(&f, &i, 20001, 30000, false) && ends(&f, i, PACCT_END),
	    "3.2 MB forwards: records, the 1000-byte skip, records");
	r = read_path(path, PACCT_BACKWARD);
	ok(records_in_order(&r, &j, 20001, 30000, true) &&
	    region_at(&r, &j, PACCT_SKIPPED, 20000 * 64, 1000) &&
	    records_in_order(&r, &j, 1, 20000, true) && ends(&r, j, PACCT_END),
	    "3.2 MB backwards: the same, reversed");
	gz = write_gzip("large.gz", b.p, b.len, 700000);
	r = read_path(gz, PACCT_BACKWARD);
	j = 0;
	ok(records_in_order(&r, &j, 20001, 30000, true) &&
	    region_at(&r, &j, PACCT_SKIPPED, 20000 * 64, 1000) &&
	    records_in_order(&r, &j, 1, 20000, true) && ends(&r, j, PACCT_END),
	    "the same as gzip in 5 members, backwards");
	free(b.p);
}

static void
test_gzip_and_pipe(void)
{
	struct bytes b = { 0 };
	struct run run;
	size_t i;
	char *gz, *gz1;

	add_records(&b, 1, 500);
	gz = write_gzip("multi.gz", b.p, b.len, 64 * 37);
	gz1 = write_gzip("one.gz", b.p, b.len, b.len);
	run = read_path(gz1, PACCT_FORWARD);
	i = 0;
	ok(records_in_order(&run, &i, 1, 500, false) && ends(&run, i, PACCT_END),
	    "gzip forwards");
	run = read_path(gz, PACCT_FORWARD);
	i = 0;
	ok(records_in_order(&run, &i, 1, 500, false) && ends(&run, i, PACCT_END),
	    "concatenated gzip members forwards (records cut across members)");
	run = read_path(gz, PACCT_BACKWARD);
	i = 0;
	ok(records_in_order(&run, &i, 1, 500, true) && ends(&run, i, PACCT_END),
	    "concatenated gzip members backwards");
	run = read_pipe(b.p, b.len, PACCT_FORWARD);
	i = 0;
	ok(records_in_order(&run, &i, 1, 500, false) && ends(&run, i, PACCT_END),
	    "a pipe forwards");
	run = read_pipe(b.p, b.len, PACCT_BACKWARD);
	i = 0;
	ok(records_in_order(&run, &i, 1, 500, true) && ends(&run, i, PACCT_END),
	    "a pipe backwards");
	free(b.p);
	b = (struct bytes){ 0 };
	{
		FILE *f = fopen(gz1, "r");
		uint8_t buf[65536];
		size_t n = fread(buf, 1, sizeof(buf), f);

		fclose(f);
		run = read_pipe(buf, n, PACCT_BACKWARD);
		i = 0;
		ok(records_in_order(&run, &i, 1, 500, true) &&
		    ends(&run, i, PACCT_END), "gzip through a pipe backwards");
		run = read_pipe_split(buf, n, PACCT_FORWARD, 1);
		i = 0;
		ok(records_in_order(&run, &i, 1, 500, false) &&
		    ends(&run, i, PACCT_END),
		    "gzip through a pipe that gives one byte first");
	}
}

static void
test_empty(void)
{
	char *path = write_file("empty", "", 0);
	struct run f = read_path(path, PACCT_FORWARD);
	struct run r = read_path(path, PACCT_BACKWARD);
	struct run g = read_path(write_gzip("empty.gz", NULL, 0, 1), PACCT_FORWARD);

	ok(ends(&f, 0, PACCT_END), "empty file forwards: nothing");
	ok(ends(&r, 0, PACCT_END), "empty file backwards: nothing");
	ok(ends(&g, 0, PACCT_END), "empty gzip: nothing");
}

static void
test_partial(void)
{
	struct bytes b = { 0 };
	struct run f, r;
	size_t i = 0, j = 0;
	char *path;

	add_records(&b, 1, 10);
	add(&b, b.p, 30);
	path = write_file("partial", b.p, b.len);
	f = read_path(path, PACCT_FORWARD);
	ok(records_in_order(&f, &i, 1, 10, false) &&
	    region_at(&f, &i, PACCT_PARTIAL, 640, 30) && ends(&f, i, PACCT_END),
	    "a 30-byte tail is reported, not decoded (forwards)");
	r = read_path(path, PACCT_BACKWARD);
	ok(region_at(&r, &j, PACCT_PARTIAL, 640, 30) &&
	    records_in_order(&r, &j, 1, 10, true) && ends(&r, j, PACCT_END),
	    "a 30-byte tail comes first backwards");
	r = read_pipe(b.p, 63, PACCT_FORWARD);
	j = 0;
	ok(region_at(&r, &j, PACCT_PARTIAL, 0, 63) && ends(&r, j, PACCT_END),
	    "63 bytes alone are a short tail");
	free(b.p);
}

static void
test_garbage(void)
{
	struct bytes b = { 0 };
	struct run f, r;
	size_t i = 0, j = 0;
	char *path;

	add_records(&b, 1, 10);
	add_fill(&b, 0xff, 200);		/* not a multiple of 64 */
	add_records(&b, 11, 10);
	add_fill(&b, 0, 128);			/* a hole */
	add_records(&b, 21, 10);
	path = write_file("garbage", b.p, b.len);
	f = read_path(path, PACCT_FORWARD);
	ok(records_in_order(&f, &i, 1, 10, false) &&
	    region_at(&f, &i, PACCT_SKIPPED, 640, 200) &&
	    records_in_order(&f, &i, 11, 10, false) &&
	    region_at(&f, &i, PACCT_SKIPPED, 1480, 128) &&
	    f.items[i - 1].all_zero && !f.items[i - 3 - 10 + 2].all_zero &&
	    records_in_order(&f, &i, 21, 10, false) && ends(&f, i, PACCT_END),
	    "garbage and a zero hole are skipped and reading re-synchronises");
	r = read_path(path, PACCT_BACKWARD);
	ok(records_in_order(&r, &j, 21, 10, true) &&
	    region_at(&r, &j, PACCT_SKIPPED, 1480, 128) &&
	    records_in_order(&r, &j, 11, 10, true) &&
	    region_at(&r, &j, PACCT_SKIPPED, 640, 200) &&
	    records_in_order(&r, &j, 1, 10, true) && ends(&r, j, PACCT_END),
	    "the same backwards");
	free(b.p);

	/* Whole slots of an unknown version. */
	b = (struct bytes){ 0 };
	add_records(&b, 1, 3);
	add_records(&b, 100, 2);
	b.p[3 * 64 + 1] = 9;
	b.p[4 * 64 + 1] = 0x7f;
	add_records(&b, 4, 3);
	path = write_file("version", b.p, b.len);
	f = read_path(path, PACCT_FORWARD);
	i = 0;
	ok(records_in_order(&f, &i, 1, 3, false) &&
	    region_at(&f, &i, PACCT_SKIPPED, 192, 128) &&
	    records_in_order(&f, &i, 4, 3, false) && ends(&f, i, PACCT_END),
	    "two records of unknown versions are one skipped region");
	free(b.p);

	/* Text is not accounting data. */
	b = (struct bytes){ 0 };
	for (int k = 0; k < 100; k++)
		add(&b, "this is a line of text, not a pacct file\n", 41);
	path = write_file("text", b.p, b.len);
	f = read_path(path, PACCT_FORWARD);
	i = 0;
	ok(region_at(&f, &i, PACCT_SKIPPED, 0, 4100) && ends(&f, i, PACCT_END),
	    "a text file is one skipped region");
	free(b.p);
}

static void
test_bad_gzip(void)
{
	struct bytes b = { 0 };
	struct run f, r;
	uint8_t *gzdata;
	size_t i = 0, j = 0, len;
	char *path, *cut;
	FILE *fp;

	add_records(&b, 1, 2000);
	path = write_gzip("full.gz", b.p, b.len, b.len);
	fp = fopen(path, "r");
	gzdata = malloc(200000);
	len = fread(gzdata, 1, 200000, fp);
	fclose(fp);

	/* The decompressed data ends inside a record: a short tail, then
	 * the error. */
	cut = write_file("cut.gz", gzdata, len - len / 3);
	f = read_path(cut, PACCT_FORWARD);
	i = 0;
	while (i < f.n && f.items[i].status == PACCT_RECORD &&
	    f.items[i].pid == i + 1)
		i++;
	ok(i > 100 && i < 2000 && f.items[i].status == PACCT_PARTIAL &&
	    ends(&f, i + 1, -EBADMSG),
	    "truncated gzip: %zu records in order, the short tail, then -EBADMSG", i);
	r = read_path(cut, PACCT_BACKWARD);
	j = 1;
	while (j < r.n && r.items[j].status == PACCT_RECORD)
		j++;
	ok(r.items[0].status == PACCT_PARTIAL && j == i + 1 &&
	    r.items[1].pid == i && ends(&r, j, -EBADMSG),
	    "truncated gzip backwards: the tail, the same records, then -EBADMSG");

	gzdata[len / 2] ^= 0x55;
	gzdata[len / 2 + 1] ^= 0xaa;
	f = read_path(write_file("flipped.gz", gzdata, len), PACCT_FORWARD);
	i = 0;
	while (i < f.n && f.items[i].status == PACCT_RECORD)
		i++;
	if (i < f.n && f.items[i].status > 0)
		i++;	/* the data may end in a short tail or a skip */
	if (!ok(i <= 2000 && ends(&f, i, -EBADMSG),
	    "corrupt gzip: records, then -EBADMSG"))
		for (size_t k = i > 3 ? i - 3 : 0; k < f.n; k++)
			diag("item %zu: %d %ju %ju", k, f.items[k].status,
			    (uintmax_t)f.items[k].offset, (uintmax_t)f.items[k].length);
	gzdata[len / 2] ^= 0x55;
	gzdata[len / 2 + 1] ^= 0xaa;
	memcpy(gzdata + len, "GARBAGE!", 8);
	f = read_path(write_file("trailing.gz", gzdata, len + 8), PACCT_FORWARD);
	i = 0;
	ok(records_in_order(&f, &i, 1, 2000, false) && ends(&f, i, -EBADMSG),
	    "trailing garbage after gzip: all records, then -EBADMSG");
	free(gzdata);
	free(b.p);
}

static void
test_v1_stream(void)
{
	struct bytes b = { 0 };
	uint8_t rec[62];
	struct run f, r;

	for (int k = 0; k < 5; k++) {
		memset(rec, 0, sizeof(rec));
		rec[1] = 0x81;
		put32(rec + 8, true, 1000 + (uint32_t)k);
		rec[34] = 'v';
		add(&b, rec, sizeof(rec));
	}
	f = read_path(write_file("v1", b.p, b.len), PACCT_FORWARD);
	r = read_path(write_file("v1", b.p, b.len), PACCT_BACKWARD);
	ok(f.n == 6 && r.n == 6 && f.items[4].status == PACCT_RECORD &&
	    ends(&f, 5, PACCT_END) && ends(&r, 5, PACCT_END),
	    "a v1 file is read in 62-byte records both ways");
	free(b.p);
}

static void
test_open_errors(void)
{
	char *path;
	struct run run;
	int fd;
	pid_t pid;
	int status;

	run = read_path(tmpdir, PACCT_FORWARD);
	is_int(run.open_error, -EISDIR, "a directory is refused");
	run = read_path("/nonexistent/pacct", PACCT_FORWARD);
	is_int(run.open_error, -ENOENT, "a missing file");

	path = write_file("secret", "x", 1);
	chmod(path, 0);	/* unreadable for its owner too (a non-root run) */
	chown(path, 0, 0);
	fd = open(tmpdir, O_RDONLY);
	chmod(tmpdir, 0755);
	close(fd);
	/* Root reads anything: check from an unprivileged child. */
	pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(2);
		run = read_path(path, PACCT_FORWARD);
		_exit(run.open_error == -EACCES ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "an unreadable file gives -EACCES");
}

/* start_offset: plain (seek), gzip (decompress and drop), a pipe (read
 * and drop); beyond the end is -ERANGE; pacct_end_offset() follows. */
static void
test_start_offset(void)
{
	struct bytes b = { 0 };
	const char *plain, *gz;
	struct pacct_options opt = { .start_offset = 64 * 40 };
	struct pacct_reader *r;
	struct acct_event ev;
	int fds[2];

	add_records(&b, 500, 100);
	plain = write_file("start.pacct", b.p, b.len);
	gz = write_gzip("start.pacct.gz", b.p, b.len, 1000);
	for (int kind = 0; kind < 3; kind++) {
		const char *what = kind == 0 ? "plain" : kind == 1 ? "gzip" :
		    "pipe";
		int rc, n = 0;
		bool order = true;

		if (kind == 2) {
			if (pipe(fds) < 0 || write(fds[1], b.p, b.len) !=
			    (ssize_t)b.len)
				abort();
			close(fds[1]);
			rc = pacct_open_fd(fds[0], "pipe", &opt, &r);
		} else
			rc = pacct_open(kind == 0 ? plain : gz, &opt, &r);
		if (!ok(rc == 0, "%s: open at offset 2560", what))
			continue;
		ok(pacct_end_offset(r) == 2560, "%s: end offset before the "
		    "first record is the start", what);
		while ((rc = pacct_next(r, &ev, NULL)) == PACCT_RECORD) {
			if (ev.pid != 540u + (uint32_t)n)
				order = false;
			n++;
		}
		ok(rc == PACCT_END && n == 60 && order,
		    "%s: the 60 records after offset 2560, in order", what);
		ok(pacct_end_offset(r) == 6400, "%s: end offset 6400 at the end",
		    what);
		pacct_close(r);
	}
	opt.start_offset = b.len + 1;
	ok(pacct_open(plain, &opt, &r) == -ERANGE, "plain: beyond the end "
	    "is -ERANGE");
	ok(pacct_open(gz, &opt, &r) == -ERANGE, "gzip: beyond the end is "
	    "-ERANGE");
	opt.start_offset = b.len;
	opt.follow = true;
	if (ok(pacct_open(plain, &opt, &r) == 0, "follow at the very end")) {
		int fd = open(plain, O_WRONLY | O_APPEND);

		ok(pacct_next(r, &ev, NULL) == PACCT_END, "nothing yet");
		if (fd < 0 || write(fd, b.p, 64) != 64)
			abort();
		close(fd);
		ok(pacct_next(r, &ev, NULL) == PACCT_RECORD && ev.pid == 500 &&
		    pacct_end_offset(r) == b.len + 64,
		    "a record appended later comes, end offset moves");
		pacct_close(r);
	}
	free(b.p);
}

/* Read path with options to the end; check the steps of a long skip. */
static void
skip_steps(const char *what, const char *path, struct pacct_options *po,
    uint64_t skip_at, uint64_t skip_len)
{
	struct pacct_reader *r = NULL;
	struct pacct_region region;
	struct acct_event ev;
	uint64_t last_len = 0;
	size_t before = 0, after = 0, steps = 0, skipped = 0;
	bool steps_ok = true;
	int rc;

	if (pacct_open(path, po, &r) < 0) {
		ok(false, "%s: open", what);
		return;
	}
	while ((rc = pacct_next(r, &ev, &region)) != PACCT_END && rc >= 0) {
		if (rc == PACCT_RECORD && skipped == 0)
			before++;
		else if (rc == PACCT_RECORD)
			after++;
		else if (rc == PACCT_SKIPPING) {
			/* The region so far; the offsets stay where the item
			 * before it ended. */
			steps++;
			steps_ok &= region.offset == skip_at &&
			    region.length > last_len &&
			    region.length < skip_len &&
			    pacct_end_offset(r) == skip_at;
			last_len = region.length;
		} else if (rc == PACCT_SKIPPED) {
			skipped++;
			steps_ok &= region.offset == skip_at &&
			    region.length == skip_len &&
			    pacct_end_offset(r) == skip_at + skip_len;
		}
	}
	ok(rc == PACCT_END && before == 10 && after == 10 && skipped == 1 &&
	    steps_ok && steps >= 4 && steps <= 6,
	    "%s: 10 records, %zu steps of the skip (the region so far), the "
	    "skip once whole, 10 records", what, steps);
	pacct_close(r);
}

/* pacct_options.skip_budget: a long skip comes back in steps. */
static void
test_skip_budget(void)
{
	struct pacct_options po = { .direction = PACCT_FORWARD,
	    .skip_budget = 1024 * 1024 };
	struct bytes b = { 0 };
	const char *path;

	add_records(&b, 100, 10);
	add_fill(&b, 0xff, 5 * 1024 * 1024);
	add_records(&b, 200, 10);
	path = write_file("budget", b.p, b.len);
	skip_steps("5 MiB of garbage, a 1 MiB budget", path, &po, 640,
	    5 * 1024 * 1024);
	po.follow = true;
	skip_steps("the same, followed", path, &po, 640, 5 * 1024 * 1024);
	free(b.p);
}

/* pacct_options.max_spool: backward reading of a gzip stream or a pipe
 * copies at most that much. */
static void
test_max_spool(void)
{
	struct pacct_options po = { .direction = PACCT_BACKWARD };
	struct pacct_reader *r = NULL;
	struct bytes b = { 0 };
	const char *gz, *plain;

	add_records(&b, 1, 1000);
	gz = write_gzip("spool.gz", b.p, b.len, b.len);
	plain = write_file("spool", b.p, b.len);
	po.max_spool = 64000 - 1;
	is_int(pacct_open(gz, &po, &r), -EFBIG,
	    "a gzip stream one byte over max_spool: -EFBIG");
	po.max_spool = 64000;
	ok(pacct_open(gz, &po, &r) == 0, "exactly max_spool: read");
	pacct_close(r);
	r = NULL;
	po.max_spool = 1;
	ok(pacct_open(plain, &po, &r) == 0,
	    "a plain file is read in place: no copy, no cap");
	pacct_close(r);
	r = NULL;
	po.direction = PACCT_FORWARD;
	ok(pacct_open(gz, &po, &r) == 0, "forwards: no copy, no cap");
	pacct_close(r);
	free(b.p);
}

int
main(void)
{
	char cmd[64];

	if (mkdtemp(tmpdir) == NULL)
		skip_all("cannot make a temporary directory");
	test_plain();
	test_large();
	test_gzip_and_pipe();
	test_empty();
	test_partial();
	test_garbage();
	test_bad_gzip();
	test_v1_stream();
	test_open_errors();
	test_start_offset();
	test_skip_budget();
	test_max_spool();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	free_all();
	return done_testing();
}
