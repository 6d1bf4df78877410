/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-source: lastcomm-ng's archive sources.  The kind of an archive is
 * told by its content (pacct, JSON lines, syslog text; gzip or not), also
 * from standard input when it is a pipe that hands the bytes over one at a
 * time, and every byte looked at to tell it is read again: all records
 * come, in order.  Lines: ours are parsed, others counted as skipped, a
 * damaged one of ours reported once; a line longer than SOURCE_LINE_MAX
 * is skipped whole wherever it is cut into reads (-EMSGSIZE once, with its
 * line number), one of exactly SOURCE_LINE_MAX is an ordinary line.  A
 * corrupt gzip archive ends with one read error, not a loop.  The lines
 * are what acct2syslog writes (docs/schema.md), with pid and seq varied.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "macro.h"
#include "mkrec.h"
#include "source.h"
#include "tap.h"

#define S	"fad81236043b3691c24233f03cf64cfd"

static char dir[] = "/tmp/test-source.XXXXXX";
static char path[4096];

/* A JSON line of the record with pid and seq (a newline after it). */
static int
json_line(char *buf, size_t size, unsigned pid, unsigned seq)
{
	return snprintf(buf, size,
	    "{\"@timestamp\":\"2023-11-14T22:13:26.010000Z\","
	    "\"event\":{\"kind\":\"event\",\"category\":[\"process\"],"
	    "\"type\":[\"end\"],\"action\":\"process_end\",\"id\":\"" S
	    ":%u\",\"start\":\"2023-11-14T22:13:26.000000Z\","
	    "\"end\":\"2023-11-14T22:13:26.010000Z\","
	    "\"duration\":10000000},\"process\":{\"name\":\"grep\","
	    "\"pid\":%u,\"parent\":{\"pid\":2376462},\"exit_code\":1},"
	    "\"user\":{\"id\":\"1000\",\"name\":\"cloudsdk\"},"
	    "\"group\":{\"id\":\"1000\",\"name\":\"cloudsdk\"},"
	    "\"host\":{\"name\":\"vm\"},\"acct\":{\"signal\":0,"
	    "\"core_dumped\":false,\"flags\":\"\",\"elapsed\":0.010,"
	    "\"cpu_user\":0.000,\"cpu_sys\":0.000,\"mem_kib\":9896,"
	    "\"minflt\":281,\"majflt\":0,\"io_chars\":0,\"io_blocks\":0,"
	    "\"swaps\":0,\"acct_version\":3,\"stream\":\"" S
	    "\",\"seq\":%u,\"schema\":1}}\n",
	    seq, pid, seq);
}

/* The same record as rsyslog writes it into a text file. */
static int
syslog_line(char *buf, size_t size, unsigned pid, unsigned seq)
{
	return snprintf(buf, size,
	    "2026-11-21T07:30:12.123456+00:00 web01 acct2syslog[123]:"
	    " event=\"process_end\" process_name=\"grep\" process_id=%u"
	    " parent_process_id=2376462 user=\"cloudsdk\" user_id=1000"
	    " group=\"cloudsdk\" group_id=1000 exit_code=1 signal=0"
	    " core_dumped=0 flags=\"\""
	    " start_time=\"2023-11-14T22:13:26.000000Z\""
	    " end_time=\"2023-11-14T22:13:26.010000Z\" elapsed=0.010"
	    " cpu_user=0.000 cpu_sys=0.000 mem_kib=9896 minflt=281 majflt=0"
	    " io_chars=0 io_blocks=0 swaps=0 acct_version=3 host=\"vm\""
	    " stream=\"" S "\" seq=%u event_id=\"" S ":%u\" schema=1\n",
	    pid, seq, seq);
}

/* A growing buffer of file content. */
struct text {
	char	*p;
	size_t	len, cap;
};

static void
add(struct text *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		t->cap = (t->len + n) * 2;
		if ((t->p = realloc(t->p, t->cap)) == NULL)
			abort();
	}
	memcpy(t->p + t->len, p, n);
	t->len += n;
}

static void
add_record(struct text *t, bool json, unsigned pid, unsigned seq)
{
	char line[4096];
	int n = json ? json_line(line, sizeof(line), pid, seq) :
	    syslog_line(line, sizeof(line), pid, seq);

	add(t, line, (size_t)n);
}

/* n bytes of another program's text, no newline. */
static void
add_pad(struct text *t, size_t n)
{
	char *p = malloc(n);

	memset(p, 'x', n);
	add(t, p, n);
	free(p);
}

/* Write t to the file name (under dir), gzip'd when gz; path is set. */
static void
write_file(const char *name, const struct text *t, bool gz)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (gz) {
		gzFile g = gzopen(path, "wb");

		if (g == NULL || (t->len && gzwrite(g, t->p,
		    (unsigned)t->len) != (int)t->len) || gzclose(g) != Z_OK)
			abort();
	} else {
		FILE *f = fopen(path, "wb");

		if (f == NULL || fwrite(t->p, 1, t->len, f) != t->len ||
		    fclose(f) != 0)
			abort();
	}
}

/* What a source gave: pids of the records (up to 64), and the rest. */
struct got {
	unsigned	pids[64];
	unsigned	n, lines[64];
	unsigned	long_lines, damaged, long_at[8];
	int		error;
	unsigned	calls;
};

static void
read_all(struct source *s, struct got *g)
{
	struct entry e;
	int rc;

	memset(g, 0, sizeof(*g));
	while ((rc = source_next(s, &e)) != 0 && g->calls++ < 100000) {
		if (rc == -EMSGSIZE) {
			if (g->long_lines < 8)
				g->long_at[g->long_lines] =
				    (unsigned)source_line(s);
			g->long_lines++;
		} else if (rc == -EBADMSG) {
			g->damaged++;
		} else if (rc < 0) {
			g->error = rc;
			break;
		} else if (g->n < 64) {
			g->lines[g->n] = (unsigned)source_line(s);
			g->pids[g->n++] = e.ev.pid;
		}
	}
}

/* Open path and read it all into *g; the kind in *kind. */
static int
read_path(const char *p, struct got *g, enum source_kind *kind)
{
	struct source *s = NULL;
	int rc = source_open_archive(p, getenv("LASTCOMM_NG_RULEBASE_DIR"), &s);

	if (rc < 0)
		return rc;
	*kind = source_kind(s);
	read_all(s, g);
	source_close(s);
	return 0;
}

/* The same as read_path("-"), standard input being a pipe from a child
 * that writes the file in pieces of step bytes. */
static int
read_pipe(const char *p, size_t step, struct got *g, enum source_kind *kind)
{
	int fds[2], saved = dup(STDIN_FILENO), rc;
	pid_t child;

	if (pipe(fds) < 0 || (child = fork()) < 0)
		abort();
	if (child == 0) {
		char buf[65536];
		int in = open(p, O_RDONLY);
		ssize_t n;

		close(fds[0]);
		while (in >= 0 && (n = read(in, buf, step)) > 0)
			if (write(fds[1], buf, (size_t)n) != n)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	rc = read_path("-", g, kind);
	dup2(saved, STDIN_FILENO);
	close(saved);
	waitpid(child, NULL, 0);
	return rc;
}

/* pids are first, first + 1, ...: n of them. */
static bool
pids_run(const struct got *g, unsigned first, unsigned n)
{
	if (g->n != n)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (g->pids[i] != first + i)
			return false;
	return true;
}

static void
test_kinds(void)
{
	static const struct {
		const char	*name;
		int		what;	/* 0 pacct, 1 json, 2 syslog */
		bool		gz;
		enum source_kind kind;
	} cases[] = {
		{ "a.pacct", 0, false, SOURCE_PACCT },
		{ "a.pacct.gz", 0, true, SOURCE_PACCT },
		{ "a.json", 1, false, SOURCE_JSON },
		{ "a.json.gz", 1, true, SOURCE_JSON },
		{ "a.log", 2, false, SOURCE_SYSLOG },
		{ "a.log.gz", 2, true, SOURCE_SYSLOG },
	};

	for (size_t c = 0; c < ELEMENTSOF(cases); c++) {
		struct text t = { 0 };
		enum source_kind kind = SOURCE_JOURNAL;
		struct got g;

		for (unsigned i = 0; i < 40; i++) {
			uint8_t rec[64];

			if (cases[c].what == 0) {
				mkrec_v3(rec, false, 1000 + i, "sh");
				add(&t, rec, sizeof(rec));
			} else {
				add_record(&t, cases[c].what == 1, 1000 + i,
				    i + 1);
			}
		}
		write_file(cases[c].name, &t, cases[c].gz);
		ok(read_path(path, &g, &kind) == 0 && kind == cases[c].kind &&
		    pids_run(&g, 1000, 40) && g.error == 0,
		    "%s by name: its kind, 40 records in order", cases[c].name);
		ok(read_pipe(path, 1, &g, &kind) == 0 &&
		    kind == cases[c].kind && pids_run(&g, 1000, 40) &&
		    g.error == 0,
		    "%s from a pipe a byte at a time: the same", cases[c].name);
		ok(read_pipe(path, 65536, &g, &kind) == 0 &&
		    kind == cases[c].kind && pids_run(&g, 1000, 40),
		    "%s from a pipe in big pieces: the same", cases[c].name);
		free(t.p);
	}
}

static void
test_sniff(void)
{
	struct text t = { 0 };
	enum source_kind kind = SOURCE_JOURNAL;
	struct got g;

	add(&t, "\n\n  \r\n\t", 6);
	for (int i = 0; i < 3000; i++)
		add(&t, " ", 1);	/* more blanks than the first look */
	add_record(&t, true, 7, 1);
	write_file("blank.json", &t, false);
	ok(read_path(path, &g, &kind) == 0 && kind == SOURCE_JSON &&
	    pids_run(&g, 7, 1), "blanks before the first '{': JSON lines");
	t.len = 0;
	write_file("empty", &t, false);
	ok(read_path(path, &g, &kind) == 0 && g.n == 0 && g.error == 0,
	    "an empty file: nothing, no error");
	ok(read_pipe(path, 1, &g, &kind) == 0 && g.n == 0 && g.error == 0,
	    "an empty pipe: nothing, no error");
	is_int(read_path(dir, &g, &kind), -EISDIR, "a directory: -EISDIR");
	snprintf(path, sizeof(path), "%s/none", dir);
	is_int(read_path(path, &g, &kind), -ENOENT, "a missing file: -ENOENT");
	free(t.p);
}

static void
test_lines(bool json)
{
	const char *k = json ? "json" : "syslog", *damaged;
	struct text t = { 0 };
	enum source_kind kind;
	struct got g;
	struct source *s = NULL;

	add_record(&t, json, 1, 1);			/* line 1 */
	add(&t, "not ours\n", 9);			/* 2 */
	add_pad(&t, 400 * 1024);			/* 3: many reads */
	add_record(&t, json, 99, 99);
	add_record(&t, json, 2, 2);			/* 4 */
	add_pad(&t, SOURCE_LINE_MAX);			/* 5: the limit */
	add(&t, "\n", 1);
	add_pad(&t, SOURCE_LINE_MAX + 1 - 10);		/* 6: one over */
	add_record(&t, json, 98, 98);
	add_record(&t, json, 3, 3);			/* 7 */
	add_pad(&t, SOURCE_LINE_MAX + 1);		/* 8: one over, */
	add(&t, "\n", 1);				/* exactly */
	add_record(&t, json, 4, 4);			/* 9 */
	damaged = json ? "{\"acct\":{\"event\":\"process_end\"}}\n" :
	    "Nov 21 07:30:12 web01 acct2syslog[1]: event=\"process_end\" x=\n";
	add(&t, damaged, strlen(damaged));		/* 10: damaged */
	add_record(&t, json, 5, 5);			/* 11 */
	t.len--;					/* no newline */
	write_file(json ? "lines.json" : "lines.log", &t, false);

	ok(read_path(path, &g, &kind) == 0 && pids_run(&g, 1, 5),
	    "%s: the records, none hidden behind a long line", k);
	ok(g.long_lines == 3 && g.long_at[0] == 3 && g.long_at[1] == 6 &&
	    g.long_at[2] == 8, "%s: three long lines, each once, at lines "
	    "3, 6, 8 (got %u: %u %u %u)", k, g.long_lines, g.long_at[0],
	    g.long_at[1], g.long_at[2]);
	ok(g.lines[0] == 1 && g.lines[1] == 4 && g.lines[2] == 7 &&
	    g.lines[3] == 9 && g.lines[4] == 11,
	    "%s: line numbers count the long lines", k);
	is_uint(g.damaged, 1, "%s: the damaged line is reported once", k);
	ok(read_pipe(path, 4093, &g, &kind) == 0 && pids_run(&g, 1, 5) &&
	    g.long_lines == 3, "%s: the same from a pipe in odd pieces", k);

	if (source_open_archive(path, getenv("LASTCOMM_NG_RULEBASE_DIR"),
	    &s) == 0) {
		read_all(s, &g);
		/* "not ours" and the line of SOURCE_LINE_MAX bytes, plus the
		 * three long ones. */
		is_uint(source_skipped(s), 5, "%s: lines not ours counted", k);
		source_close(s);
	} else {
		ok(false, "%s: open", k);
	}
	free(t.p);
}

static void
test_corrupt_gzip(void)
{
	struct text t = { 0 };
	enum source_kind kind;
	struct got g;
	struct stat st;

	for (unsigned i = 0; i < 2000; i++)
		add_record(&t, true, 1000 + i, i + 1);
	write_file("cut.json.gz", &t, true);
	if (stat(path, &st) < 0 || truncate(path, st.st_size / 2) < 0)
		abort();
	ok(read_path(path, &g, &kind) == 0 && g.error == -EILSEQ &&
	    g.damaged == 0 && g.n > 0 && g.calls < 100000,
	    "a cut .gz of JSON: records, then one -EILSEQ (no damaged line, "
	    "no loop)");
	t.len = 0;
	for (unsigned i = 0; i < 2000; i++) {
		uint8_t rec[64];

		mkrec_v3(rec, false, 1000 + i, "sh");
		add(&t, rec, sizeof(rec));
	}
	write_file("cut.pacct.gz", &t, true);
	if (stat(path, &st) < 0 || truncate(path, st.st_size / 2) < 0)
		abort();
	ok(read_path(path, &g, &kind) == 0 && kind == SOURCE_PACCT &&
	    g.error == -EILSEQ && g.n > 0 && g.calls < 100000,
	    "a cut .gz of pacct: records, then one -EILSEQ");
	free(t.p);
}

int
main(void)
{
	char cmd[4200];

	if (getenv("LASTCOMM_NG_RULEBASE_DIR") == NULL)
		skip_all("LASTCOMM_NG_RULEBASE_DIR is not set (make check sets "
		    "it to the rules folder)");
	if (mkdtemp(dir) == NULL)
		abort();
	test_kinds();
	test_sniff();
	test_lines(true);
	test_lines(false);
	test_corrupt_gzip();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
