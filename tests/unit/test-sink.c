/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-sink: every sink delivers exactly what the formatter makes, reports
 * every failure, and never leaves half a line behind.
 *
 * The oracles are independent of sink.c: expected file contents are the
 * fmt_*() output plus a newline, syslog datagrams are received on a socket
 * this test binds and taken apart by a parser written here (RFC 3164 time
 * stamps against strftime(3), RFC 5424 structured data against the kv
 * line), the fsync policy is checked by making fsync fail under seccomp,
 * a full disk is RLIMIT_FSIZE and (as root) a 64 KiB tmpfs, and the
 * journal sink talks to a journald socket this test binds (as root, in a
 * private mount namespace).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "mkrec.h"
#include "sink.h"
#include "tap.h"

#ifdef HAVE_SYSTEMD
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#endif

#define STREAM		"0123456789abcdef0123456789abcdef"
#define HOST		"testhost"
#define AUTHPRIV	10
#define SD_ID		"acct2syslog@32473"

static char dir[] = "/tmp/test-sink.XXXXXX";

/* One test point that could not be checked here. */
static void
skip_point(const char *what, const char *why)
{
	ok(1, "%s # SKIP %s", what, why);
}

static struct acct_event
event(uint32_t pid, const char *comm)
{
	uint8_t rec[64];
	struct acct_event ev;

	mkrec_v3(rec, false, pid, comm);
	if (acct_decode(rec, sizeof(rec), 100, &ev) < 0)
		abort();
	return ev;
}

static struct fmt_context
context(uint64_t seq)
{
	return (struct fmt_context){ .host = HOST, .stream = STREAM,
	    .seq = seq };
}

static struct fmt_control
control_sample(void)
{
	return (struct fmt_control){ .kind = FMT_GAP, .priority = 4,
	    .time_us = 1700000000123456, .message = "lost [x] \"q\" \\ y",
	    .file = "/var/log/account/pacct", .has = FMT_HAS_SEQ_RANGE,
	    .seq_from = 5, .seq_to = 9 };
}

static char *
path_in(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *
read_file(const char *path, size_t *ret_len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || (buf = malloc((size_t)st.st_size + 1)) ==
	    NULL) {
		close(fd);
		return NULL;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (ret_len)
		*ret_len = (size_t)n;
	return buf;
}

static void
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) < 0)
		abort();
}

/* A growing string: the expected content of a file. */
struct text {
	char	*p;
	size_t	len, size;
};

static void
text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->size) {
		t->size = (t->len + n + 1) * 2;
		if ((t->p = realloc(t->p, t->size)) == NULL)
			abort();
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

/* Record i of a test batch: what the sink is given and, as the oracle,
 * what fmt_kv()/fmt_json() make of it plus a newline into want. */
static int
give_record(struct sink *s, enum sink_format format, uint64_t i,
    struct text *want)
{
	struct acct_event ev = event((uint32_t)(1000 + i % 100000), "rec");
	struct fmt_context ctx = context(i);
	char buf[FMT_JSON_MAX];
	size_t n;

	if (want) {
		if (format == SINK_FORMAT_JSON)
			fmt_json(buf, sizeof(buf), &ev, &ctx, &n);
		else
			fmt_kv(buf, sizeof(buf), &ev, &ctx, &n);
		text_add(want, buf, n);
		text_add(want, "\n", 1);
	}
	return s ? sink_record(s, &ev, &ctx) : 0;
}

static int
give_control(struct sink *s, enum sink_format format, uint64_t i,
    struct text *want)
{
	struct fmt_control c = control_sample();
	struct fmt_context ctx = context(i);
	char buf[FMT_CONTROL_JSON_MAX];
	size_t n;

	if (want) {
		if (format == SINK_FORMAT_JSON)
			fmt_control_json(buf, sizeof(buf), &c, &ctx, &n);
		else
			fmt_control_kv(buf, sizeof(buf), &c, &ctx, &n);
		text_add(want, buf, n);
		text_add(want, "\n", 1);
	}
	return s ? sink_control(s, &c, &ctx) : 0;
}

/* Give records first..first+n-1 (a control event every 97th); the first
 * error, or 0.  With s NULL, only what the file should get is made. */
static int
give_batch(struct sink *s, enum sink_format format, uint64_t first,
    uint64_t n, struct text *want)
{
	int r, first_error = 0;

	for (uint64_t i = first; i < first + n; i++) {
		r = i % 97 == 0 ? give_control(s, format, i, want) :
		    give_record(s, format, i, want);
		if (r < 0 && first_error == 0)
			first_error = r;
	}
	return first_error;
}

static bool
file_is(const char *path, const char *want)
{
	char *got = read_file(path, NULL);
	bool same = got && strcmp(got, want) == 0;

	if (!same)
		diag("  %s: %zu bytes, want %zu", path, got ? strlen(got) : 0,
		    strlen(want));
	free(got);
	return same;
}

static struct sink_options
file_options(const char *path, enum sink_format format)
{
	return (struct sink_options){ .kind = SINK_FILE, .path = path,
	    .format = format, .facility = AUTHPRIV, .host = HOST };
}

static void
test_file_lines(enum sink_format format)
{
	const char *name = format == SINK_FORMAT_JSON ? "json" : "kv";
	char *path = path_in(format == SINK_FORMAT_JSON ? "lines.json" :
	    "lines.kv");
	struct sink_options o = file_options(path, format);
	struct text want = { 0 };
	struct sink *s = NULL;
	struct stat st;
	char desc[256];

	is_int(sink_open(&o, &s), 0, "%s: file sink opens", name);
	snprintf(desc, sizeof(desc), "file %s", path);
	is_str(sink_describe(s), desc, "%s: described as file PATH", name);
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640,
	    "%s: the file is made with mode 0640", name);
	give_record(s, format, 1, &want);
	give_record(s, format, 2, &want);
	give_control(s, format, 3, &want);
	give_record(s, format, 4, &want);
	ok(file_is(path, ""), "%s: nothing written before the flush", name);
	is_int(sink_flush(s), 0, "%s: flush", name);
	ok(file_is(path, want.p),
	    "%s: the file is the fmt output of each message plus a newline",
	    name);
	sink_close(s);

	/* Appends, never truncates, on a new open. */
	s = NULL;
	is_int(sink_open(&o, &s), 0, "%s: opens again", name);
	give_record(s, format, 5, &want);
	is_int(sink_flush(s), 0, "%s: flush again", name);
	ok(file_is(path, want.p), "%s: a second open appends", name);
	sink_close(s);
	free(want.p);
	free(path);
}

/* Many messages across the 64 KiB buffer: every write(2) holds whole
 * lines (what is in the file before a flush is a prefix of the batch that
 * ends in a newline) and the file ends up exactly as expected. */
static void
test_file_many(void)
{
	char *path = path_in("many.json");
	struct sink_options o = file_options(path, SINK_FORMAT_JSON);
	struct text want = { 0 };
	struct sink *s = NULL;
	bool prefixes = true;
	size_t saw_writes = 0;
	struct timespec t0, t1;
	double secs;

	if (sink_open(&o, &s) < 0)
		abort();
	for (uint64_t i = 1; i <= 20000; i++) {
		int r = i % 97 == 0 ? give_control(s, SINK_FORMAT_JSON, i,
		    &want) : give_record(s, SINK_FORMAT_JSON, i, &want);

		if (r < 0) {
			prefixes = false;
			break;
		}
		if (i % 1000 == 0) {
			size_t len;
			char *got = read_file(path, &len);

			if (got == NULL || len > want.len ||
			    memcmp(got, want.p, len) != 0 ||
			    (len > 0 && got[len - 1] != '\n'))
				prefixes = false;
			if (got && len > 0)
				saw_writes++;
			free(got);
		}
		if (i == 7777 && sink_flush(s) < 0)
			prefixes = false;
	}
	ok(prefixes && saw_writes > 10,
	    "json: before a flush the file holds whole lines only (%zu looks)",
	    saw_writes);
	is_int(sink_flush(s), 0, "json: flush of 20000 messages");
	ok(file_is(path, want.p), "json: 20000 messages (%zu bytes) exact",
	    want.len);
	sink_close(s);
	free(want.p);

	/* Not a test point: how fast, for people reading the log. */
	s = NULL;
	if (truncate(path, 0) == 0 && sink_open(&o, &s) == 0) {
		struct acct_event ev = event(4242, "bash");
		struct fmt_context ctx = context(1);

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (ctx.seq = 1; ctx.seq <= 200000; ctx.seq++)
			sink_record(s, &ev, &ctx);
		sink_flush(s);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		diag("file sink, json: %.0f records/s", 200000 / secs);
	}
	sink_close(s);
	free(path);
}

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE	AUDIT_ARCH_AARCH64
#endif

#ifdef AUDIT_ARCH_NATIVE
/* From here on fsync() and fdatasync() fail with EDQUOT; false when the
 * kernel does not let us. */
static bool
fail_fsync(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fsync, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fdatasync, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EDQUOT),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
	    .filter = f };

	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0 &&
	    fsync(STDIN_FILENO) < 0 && errno == EDQUOT;
}
#endif

/* In a child where fsync fails: 0 flush accepted, 1 flush failed with
 * EDQUOT, 2 anything else, 3 seccomp unavailable. */
static int
flush_without_fsync(const char *path, enum sink_fsync policy)
{
	pid_t pid;
	int status;

	fflush(stdout);
	if ((pid = fork()) < 0)
		abort();
	if (pid == 0) {
#ifdef AUDIT_ARCH_NATIVE
		struct sink_options o = file_options(path, SINK_FORMAT_KV);
		struct sink *s = NULL;
		int r;

		if (!fail_fsync())
			_exit(3);
		o.fsync = policy;
		if (sink_open(&o, &s) < 0 ||
		    give_batch(s, SINK_FORMAT_KV, 1, 10, NULL) < 0)
			_exit(2);
		if ((r = sink_flush(s)) == 0)
			r = sink_sync(s);
		_exit(r == 0 ? 0 : r == -EDQUOT ? 1 : 2);
#else
		(void)path;
		(void)policy;
		_exit(3);
#endif
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 2;
	return WEXITSTATUS(status);
}

static void
test_fsync_policy(void)
{
	char *path = path_in("fsync.kv");
	struct text batch = { 0 };
	char *want;
	int r;

	write_file(path, "old=\"line\"\n");
	r = flush_without_fsync(path, SINK_FSYNC_BATCH);
	if (r == 3) {
		skip_point("fsync policy", "seccomp filters not available");
		free(path);
		return;
	}
	is_int(r, 1, "fsync batch: a failing fdatasync fails sink_sync");
	ok(file_is(path, "old=\"line\"\n"),
	    "fsync batch: the failed batch is cut off the file again");
	is_int(flush_without_fsync(path, SINK_FSYNC_NEVER), 0,
	    "fsync never: no fsync, flush and sync are accepted");
	give_batch(NULL, SINK_FORMAT_KV, 1, 10, &batch);
	if (asprintf(&want, "old=\"line\"\n%s", batch.p) < 0)
		abort();
	ok(file_is(path, want), "fsync never: the batch is in the file");
	free(want);
	free(batch.p);
	free(path);
}

/* A full disk, as RLIMIT_FSIZE (EFBIG): the write that crosses the limit
 * is cut short, the next fails; the file must then hold the earlier
 * batches only, and a retried batch must follow them exactly once. */
static void
test_file_full_rlimit(void)
{
	char *path = path_in("full.json");
	struct sink_options o = file_options(path, SINK_FORMAT_JSON);
	struct text want = { 0 }, batch = { 0 };
	struct rlimit saved, small;
	struct sink *s = NULL;
	int r, r_flush;

	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &saved) < 0 || sink_open(&o, &s) < 0)
		abort();
	is_int(give_batch(s, SINK_FORMAT_JSON, 1, 50, &want), 0,
	    "EFBIG: first batch given");
	is_int(sink_flush(s), 0, "EFBIG: first batch flushed");
	small = saved;
	small.rlim_cur = want.len + 40000;	/* inside the next write */
	if (setrlimit(RLIMIT_FSIZE, &small) < 0)
		abort();
	r = give_batch(s, SINK_FORMAT_JSON, 51, 400, &batch);
	r_flush = sink_flush(s);
	if (setrlimit(RLIMIT_FSIZE, &saved) < 0)
		abort();
	is_int(r, -EFBIG, "EFBIG: the write past the limit fails a record");
	is_int(r_flush, -EFBIG, "EFBIG: and the flush");
	ok(file_is(path, want.p),
	    "EFBIG: after the failed flush the file holds whole earlier lines");
	is_int(sink_reopen(s), 0, "EFBIG: reopen");
	is_int(give_batch(s, SINK_FORMAT_JSON, 51, 400, NULL), 0,
	    "EFBIG: the batch is given again");
	is_int(sink_flush(s), 0, "EFBIG: and flushed");
	text_add(&want, batch.p, batch.len);
	ok(file_is(path, want.p), "EFBIG: the retried batch is there once");
	sink_close(s);
	free(want.p);
	free(batch.p);
	free(path);
}

/* Part of a line at the end of the file (a crash in a write) is cut when
 * the sink opens it; other files are left alone. */
static void
test_file_torn_tail(void)
{
	char *path = path_in("torn.kv");
	struct sink_options o = file_options(path, SINK_FORMAT_KV);
	struct text want = { 0 }, line = { 0 };
	char big[10001];
	struct sink *s = NULL;

	write_file(path, "a=1\nb=2\nhalf=\"li");
	is_int(sink_open(&o, &s), 0, "torn: opens");
	ok(file_is(path, "a=1\nb=2\n"), "torn: a torn last line is cut");
	text_add(&want, "a=1\nb=2\n", 8);
	give_record(s, SINK_FORMAT_KV, 1, &want);
	is_int(sink_flush(s), 0, "torn: flush");
	ok(file_is(path, want.p), "torn: the next line starts a line");
	sink_close(s);

	s = NULL;
	write_file(path, "abc");
	is_int(sink_open(&o, &s), 0, "torn: opens a file of one torn line");
	ok(file_is(path, ""), "torn: a lone torn line is cut");
	sink_close(s);

	s = NULL;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file(path, big);
	is_int(sink_open(&o, &s), 0, "torn: opens a file not of ours");
	ok(file_is(path, big),
	    "torn: a last line longer than any message is left alone");
	sink_close(s);
	free(want.p);
	free(line.p);
	free(path);
}

/* The file sink writes only into a directory nobody else can change, and
 * never through a symbolic link at its path: a link planted there leaves
 * the file it points to alone. */
static void
test_file_links(void)
{
	static const char precious[] = "precious: must stay as it is\n";
	char *victim = path_in("victim"), *link = path_in("link.kv");
	char *nowhere = path_in("nowhere"), *gw = path_in("gw");
	char *gw_file = path_in("gw/x.kv"), *via = path_in("via-link/x.kv");
	char *real = path_in("real"), *dir_link = path_in("via-link");
	struct sink_options o = file_options(link, SINK_FORMAT_KV);
	struct text want = { 0 };
	struct sink *s = NULL;
	const char *why;
	int r, r_flush;

	write_file(victim, precious);
	if (symlink(victim, link) < 0)
		abort();
	is_int(sink_open(&o, &s), -ELOOP,
	    "links: a symlink at the sink's path is refused (ELOOP)");
	why = s ? sink_problem(s) : NULL;
	ok(why && strstr(why, link) && strstr(why, "is a symbolic link"),
	    "links: sink_problem() says so, naming the path (%s)",
	    why ? why : "NULL");
	/* Both, whatever the first says: a flush would write the victim. */
	r = s ? give_record(s, SINK_FORMAT_KV, 1, NULL) : 0;
	r_flush = s ? sink_flush(s) : 0;
	ok(r == -ELOOP && r_flush < 0, "links: and the sink refuses records");
	ok(file_is(victim, precious),
	    "links: the file it points to is untouched");
	sink_close(s);

	s = NULL;
	unlink(link);
	if (symlink(nowhere, link) < 0)
		abort();
	is_int(sink_open(&o, &s), -ELOOP,
	    "links: a dangling symlink at the path is refused");
	ok(access(nowhere, F_OK) < 0 && errno == ENOENT,
	    "links: and what it points to is not created");
	sink_close(s);

	s = NULL;
	mkdir(gw, 0755);
	chmod(gw, 0775);
	o = file_options(gw_file, SINK_FORMAT_KV);
	is_int(sink_open(&o, &s), -EPERM,
	    "links: a directory its group may write is refused (EPERM)");
	why = s ? sink_problem(s) : NULL;
	ok(why && strstr(why, gw) && strstr(why, "mode 0775") &&
	    strstr(why, "chmod go-w"),
	    "links: in words naming it, its mode and what to do (%s)",
	    why ? why : "NULL");
	ok(access(gw_file, F_OK) < 0, "links: and no file is made there");
	chmod(gw, 01777);
	is_int(s ? sink_reopen(s) : -1, -EPERM,
	    "links: a directory anyone may write (1777) is refused");
	chmod(gw, 0755);
	is_int(s ? sink_reopen(s) : -1, 0,
	    "links: once it is 0755, a reopen works");
	ok(s && sink_problem(s) == NULL, "links: and there is no problem");
	sink_close(s);

	s = NULL;
	if (geteuid() == 0 && chown(gw, 65534, 65534) == 0) {
		is_int(sink_open(&o, &s), -EPERM,
		    "links: a directory of another user (uid 65534) is "
		    "refused");
		why = s ? sink_problem(s) : NULL;
		ok(why && strstr(why, "owned by uid 65534"),
		    "links: in words (%s)", why ? why : "NULL");
		sink_close(s);
		if (chown(gw, 0, 0) < 0)
			abort();
	} else
		skip(2, "a directory of another user needs root to make");

	/* A symlink in the directory part is resolved once, at the open. */
	s = NULL;
	mkdir(real, 0755);
	if (symlink(real, dir_link) < 0)
		abort();
	o = file_options(via, SINK_FORMAT_KV);
	is_int(sink_open(&o, &s), 0,
	    "links: a directory reached through a symlink is fine");
	give_record(s, SINK_FORMAT_KV, 1, &want);
	is_int(sink_flush(s), 0, "links: flush");
	free(real);
	real = path_in("real/x.kv");
	ok(file_is(real, want.p), "links: the lines are in the real file");
	sink_close(s);
	free(want.p);
	free(victim);
	free(link);
	free(nowhere);
	free(gw);
	free(gw_file);
	free(via);
	free(real);
	free(dir_link);
}

static void
test_stdout(void)
{
	struct sink_options o = { .kind = SINK_STDOUT,
	    .format = SINK_FORMAT_KV, .facility = AUTHPRIV };
	struct text want = { 0 }, got = { 0 };
	struct sink *s = NULL;
	int p[2], saved, r_open, r_give, r_flush;
	char buf[4096];
	ssize_t n;

	fflush(stdout);
	if (pipe(p) < 0 || (saved = dup(STDOUT_FILENO)) < 0 ||
	    dup2(p[1], STDOUT_FILENO) < 0)
		abort();
	close(p[1]);
	r_open = sink_open(&o, &s);
	r_give = give_batch(s, SINK_FORMAT_KV, 1, 20, &want);
	r_flush = sink_flush(s);
	sink_close(s);
	if (dup2(saved, STDOUT_FILENO) < 0)
		abort();
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		text_add(&got, buf, (size_t)n);
	close(p[0]);
	ok(r_open == 0 && r_give == 0, "stdout: opens, takes 20 messages");
	is_int(r_flush, 0, "stdout: flush to a pipe (no fsync there)");
	ok(got.p && strcmp(got.p, want.p) == 0,
	    "stdout: the kv lines exactly");

	/* Nobody reading: EPIPE (SIGPIPE is ignored, as the daemon does). */
	s = NULL;
	fflush(stdout);
	if (pipe(p) < 0 || dup2(p[1], STDOUT_FILENO) < 0)
		abort();
	close(p[0]);
	close(p[1]);
	r_open = sink_open(&o, &s);
	give_batch(s, SINK_FORMAT_KV, 1, 3, NULL);
	r_flush = sink_flush(s);
	if (dup2(saved, STDOUT_FILENO) < 0)
		abort();
	close(saved);
	is_str(sink_describe(s), "stdout", "stdout: described as stdout");
	is_int(r_flush, -EPIPE, "stdout: a closed pipe is EPIPE");
	sink_close(s);
	free(want.p);
	free(got.p);
}

/* A syslog daemon's socket at path: bound here, read here. */
static int
receiver(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		abort();
	return fd;
}

/* One datagram, NUL-terminated, waited for at most 2 s; -1 if none. */
static ssize_t
receive(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	buf[0] = '\0';
	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	if ((n = recv(fd, buf, size - 1, 0)) >= 0)
		buf[n] = '\0';
	return n;
}

/* A kv line as "key=value\n" lines, the quotes taken off and \" \\
 * undone; false if it is not a kv line. */
static bool
kv_params(const char *p, struct text *out)
{
	while (*p) {
		const char *eq = strchr(p, '=');

		if (eq == NULL || eq == p)
			return false;
		text_add(out, p, (size_t)(eq - p) + 1);
		p = eq + 1;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					return false;
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				else if (*p == '\\')
					return false;
				text_add(out, p, 1);
			}
			p++;
		} else
			for (; *p && *p != ' '; p++)
				text_add(out, p, 1);
		text_add(out, "\n", 1);
		if (*p == ' ')
			p++;
		else if (*p)
			return false;
	}
	return true;
}

/* An RFC 5424 SD-ELEMENT at p, strictly: its SD-ID into id, its params as
 * "name=value\n" lines (\" \\ \] undone) into out; returns the byte after
 * ']', or NULL.  An unescaped ']' or '"' in a value is an error here. */
static const char *
sd_params(const char *p, char *id, size_t id_size, struct text *out)
{
	size_t n;

	if (*p++ != '[')
		return NULL;
	n = strcspn(p, "= ]\"");
	if (n == 0 || n >= id_size)
		return NULL;
	memcpy(id, p, n);
	id[n] = '\0';
	p += n;
	while (*p == ' ') {
		p++;
		n = strcspn(p, "= ]\"");
		if (n == 0 || n > 32 || p[n] != '=' || p[n + 1] != '"')
			return NULL;
		text_add(out, p, n + 1);
		for (p += n + 2; *p != '"'; p++) {
			if (*p == '\0' || *p == ']')
				return NULL;
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\' ||
			    p[1] == ']'))
				p++;
			text_add(out, p, 1);
		}
		p++;
		text_add(out, "\n", 1);
	}
	return *p == ']' ? p + 1 : NULL;
}

static struct sink_options
syslog_options(const char *path, enum sink_framing framing, bool sd)
{
	return (struct sink_options){ .kind = SINK_SYSLOG, .path = path,
	    .framing = framing, .structured_data = sd, .facility = AUTHPRIV,
	    .host = HOST };
}

/* Is the local time stamp at p one of those of t0..t1? */
static bool
stamp_3164_between(const char *p, time_t t0, time_t t1)
{
	char want[32];
	struct tm tm;

	/* time() reads a coarse clock, a tick behind the sink's. */
	for (time_t t = t0 - 1; t <= t1 + 1; t++) {
		localtime_r(&t, &tm);
		strftime(want, sizeof(want), "%b %e %H:%M:%S", &tm);
		if (strncmp(p, want, 15) == 0)
			return true;
	}
	return false;
}

static void
test_syslog_3164(void)
{
	char *sock = path_in("log3164");
	int rfd = receiver(sock);
	struct sink_options o = syslog_options(sock, SINK_RFC3164, false);
	struct acct_event ev = event(4242, "x]\"\\y");
	struct fmt_context ctx = context(7);
	struct fmt_control c = control_sample();
	char kv[FMT_LINE_MAX], got[8192], want[8192];
	struct sink *s = NULL;
	time_t t0, t1;
	int r;

	/* UTC+5:30, so that a UTC stamp would not pass for a local one. */
	setenv("TZ", "XST-5:30", 1);
	tzset();
	is_int(sink_open(&o, &s), 0, "3164: connects to the socket");
	snprintf(want, sizeof(want), "syslog socket %s (RFC 3164)", sock);
	is_str(sink_describe(s), want, "3164: described with its framing");
	t0 = time(NULL);
	r = sink_record(s, &ev, &ctx);
	t1 = time(NULL);
	is_int(r, 0, "3164: a record is sent");
	fmt_kv(kv, sizeof(kv), &ev, &ctx, NULL);
	ok(receive(rfd, got, sizeof(got)) > 0 && strncmp(got, "<86>", 4) == 0,
	    "3164: PRI is authpriv.info, 86");
	ok(stamp_3164_between(got + 4, t0, t1),
	    "3164: TIMESTAMP is local time, Mmm dd hh:mm:ss");
	snprintf(want, sizeof(want), " acct2syslog[%ld]: %s",
	    (long)getpid(), kv);
	is_str(got + 4 + 15, want,
	    "3164: acct2syslog[PID]: kv line, no HOSTNAME (as syslog(3))");

	r = sink_control(s, &c, &ctx);
	is_int(r, 0, "3164: a control event is sent");
	fmt_control_kv(kv, sizeof(kv), &c, &ctx, NULL);
	snprintf(want, sizeof(want), " acct2syslog[%ld]: %s",
	    (long)getpid(), kv);
	ok(receive(rfd, got, sizeof(got)) > 0 && strncmp(got, "<84>", 4) == 0 &&
	    strcmp(got + 4 + 15, want) == 0,
	    "3164: control event at its priority (authpriv.warning, 84)");
	is_int(sink_flush(s), 0, "3164: flush");
	setenv("TZ", "UTC", 1);
	tzset();
	sink_close(s);
	close(rfd);
	free(sock);
}

/* The RFC 5424 header at got up to MSGID: PRI and VERSION, a UTC stamp
 * with microseconds within t0..t1, HOST, APP-NAME, PROCID, MSGID.
 * Returns what follows MSGID and its space, or NULL. */
static const char *
header_5424(const char *got, int pri, time_t t0, time_t t1,
    const char *msgid)
{
	char want[256];
	struct tm tm = { 0 };
	unsigned usec;
	int used = 0;
	time_t t;

	snprintf(want, sizeof(want), "<%d>1 ", pri);
	if (strncmp(got, want, strlen(want)) != 0)
		return NULL;
	got += strlen(want);
	if (sscanf(got, "%4d-%2d-%2dT%2d:%2d:%2d.%6uZ %n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &usec, &used) != 7 || used != 28)
		return NULL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	/* time() reads a coarse clock, a tick behind the sink's: a second
	 * either side. */
	if (t < t0 - 1 || t > t1 + 1)
		return NULL;
	got += used;
	snprintf(want, sizeof(want), "%s acct2syslog %ld %s ", HOST,
	    (long)getpid(), msgid);
	if (strncmp(got, want, strlen(want)) != 0)
		return NULL;
	return got + strlen(want);
}

static void
test_syslog_5424(void)
{
	char *sock = path_in("log5424");
	int rfd = receiver(sock);
	struct sink_options o = syslog_options(sock, SINK_RFC5424, false);
	struct acct_event ev = event(4242, "x]\"\\y");
	struct fmt_context ctx = context(7);
	struct fmt_control c = control_sample();
	char kv[FMT_LINE_MAX], got[8192], want[256], id[64];
	struct text from_sd = { 0 }, from_kv = { 0 };
	const char *rest;
	struct sink *s = NULL;
	time_t t0, t1;

	is_int(sink_open(&o, &s), 0, "5424: connects");
	snprintf(want, sizeof(want), "syslog socket %s (RFC 5424)", sock);
	is_str(sink_describe(s), want, "5424: described with its framing");
	fmt_kv(kv, sizeof(kv), &ev, &ctx, NULL);
	t0 = time(NULL);
	is_int(sink_record(s, &ev, &ctx), 0, "5424: a record is sent");
	t1 = time(NULL);
	receive(rfd, got, sizeof(got));
	rest = header_5424(got, 86, t0, t1, "process_end");
	ok(rest != NULL,
	    "5424: <86>1 UTC-TIME HOST acct2syslog PID process_end");
	ok(rest && strncmp(rest, "- ", 2) == 0 && strcmp(rest + 2, kv) == 0,
	    "5424: no SD (-), then the kv line");
	sink_close(s);

	s = NULL;
	o.structured_data = true;
	is_int(sink_open(&o, &s), 0, "5424 SD: connects");
	t0 = time(NULL);
	is_int(sink_record(s, &ev, &ctx), 0, "5424 SD: a record is sent");
	t1 = time(NULL);
	receive(rfd, got, sizeof(got));
	rest = header_5424(got, 86, t0, t1, "process_end");
	ok(rest != NULL, "5424 SD: the header");
	ok(rest && strstr(rest, " process_name=\"x\\]\\\"\\\\y\" ") != NULL,
	    "5424 SD: ] \" and \\ in a value are escaped with a backslash");
	rest = rest ? sd_params(rest, id, sizeof(id), &from_sd) : NULL;
	is_str(rest ? id : NULL, SD_ID, "5424 SD: one element, " SD_ID);
	ok(kv_params(kv, &from_kv), "(the kv line parses)");
	ok(rest && from_sd.p && from_kv.p && strcmp(from_sd.p, from_kv.p) == 0,
	    "5424 SD: its params are the kv fields, same order and values");
	ok(rest && rest[0] == ' ' && strcmp(rest + 1, kv) == 0,
	    "5424 SD: the kv line follows as MSG");

	free(from_sd.p);
	free(from_kv.p);
	from_sd = from_kv = (struct text){ 0 };
	fmt_control_kv(kv, sizeof(kv), &c, &ctx, NULL);
	t0 = time(NULL);
	is_int(sink_control(s, &c, &ctx), 0, "5424 SD: control event sent");
	t1 = time(NULL);
	receive(rfd, got, sizeof(got));
	rest = header_5424(got, 84, t0, t1, "gap");
	ok(rest != NULL, "5424 SD: control event: <84>, MSGID is its name");
	rest = rest ? sd_params(rest, id, sizeof(id), &from_sd) : NULL;
	kv_params(kv, &from_kv);
	ok(rest && from_sd.p && from_kv.p &&
	    strcmp(from_sd.p, from_kv.p) == 0 && rest[0] == ' ' &&
	    strcmp(rest + 1, kv) == 0,
	    "5424 SD: control event fields (message with [ ] \" \\) as SD");
	is_int(sink_flush(s), 0, "5424 SD: flush");
	free(from_sd.p);
	free(from_kv.p);
	sink_close(s);
	close(rfd);
	free(sock);
}

/* The receiver goes away and comes back; then stops reading. */
static void
test_syslog_outage(void)
{
	char *sock = path_in("log-outage");
	int rfd = receiver(sock);
	struct sink_options o = syslog_options(sock, SINK_RFC5424, true);
	struct sink *s = NULL;
	struct timespec t0, t1;
	char got[8192];
	double secs;
	int r;

	is_int(sink_open(&o, &s), 0, "outage: connects");
	is_int(give_record(s, SINK_FORMAT_KV, 1, NULL), 0, "outage: sends");
	ok(receive(rfd, got, sizeof(got)) > 0, "outage: received");
	close(rfd);
	is_int(give_record(s, SINK_FORMAT_KV, 2, NULL), -ECONNREFUSED,
	    "outage: receiver gone: ECONNREFUSED");
	ok(give_record(s, SINK_FORMAT_KV, 3, NULL) < 0,
	    "outage: later records of the batch are refused too");
	ok(sink_flush(s) < 0, "outage: flush says the batch did not go");
	unlink(sock);
	is_int(sink_reopen(s), -ENOENT, "outage: reopen, no socket: ENOENT");
	is_int(give_record(s, SINK_FORMAT_KV, 2, NULL), -ENOENT,
	    "outage: records refused while it is down");
	rfd = receiver(sock);
	is_int(sink_reopen(s), 0, "outage: receiver back: reopen works");
	is_int(give_record(s, SINK_FORMAT_KV, 2, NULL), 0, "outage: sends");
	ok(receive(rfd, got, sizeof(got)) > 0 && strstr(got, " seq=2 "),
	    "outage: the record arrives");
	is_int(sink_flush(s), 0, "outage: flush");

	/* A receiver that does not read: the send gives up. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = 0;
	for (uint64_t i = 10; i < 100000 && r == 0; i++)
		r = give_record(s, SINK_FORMAT_KV, i, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	is_int(r, -EAGAIN, "stuck receiver: EAGAIN");
	ok(secs > 2 && secs < 15, "stuck receiver: after a few seconds (%.1f)",
	    secs);
	close(rfd);
	sink_close(s);
	free(sock);
}

static void
test_invalid(void)
{
	struct sink_options o = file_options(NULL, SINK_FORMAT_KV);
	struct sink *s = NULL;
	struct fmt_control c = control_sample();
	struct fmt_context ctx = context(1);
	char long_path[200], *path;

	is_int(sink_open(&o, &s), -EINVAL, "file sink without a path: EINVAL");
	ok(s == NULL, "and no sink");
	o = syslog_options(NULL, SINK_RFC5424, false);
	o.facility = 24;
	is_int(sink_open(&o, &s), -EINVAL, "facility 24: EINVAL");
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	o = syslog_options(long_path, SINK_RFC5424, false);
	is_int(sink_open(&o, &s), -EINVAL,
	    "a socket path too long for sun_path: EINVAL");

	o = syslog_options(NULL, SINK_RFC5424, false);
	sink_open(&o, &s);
	ok(s != NULL, "syslog sink made whether /dev/log is there or not");
	is_str(s ? sink_describe(s) : NULL, "syslog socket /dev/log (RFC 5424)",
	    "default socket /dev/log");
	sink_close(s);

	s = NULL;
	path = path_in("missing/x.kv");
	o = file_options(path, SINK_FORMAT_KV);
	is_int(sink_open(&o, &s), -ENOENT, "file in a missing folder: ENOENT");
	ok(s != NULL && give_record(s, SINK_FORMAT_KV, 1, NULL) == -ENOENT,
	    "and the sink is made, refusing records");
	free(path);
	path = path_in("missing");
	mkdir(path, 0755);
	free(path);
	is_int(s ? sink_reopen(s) : -1, 0, "reopen when the folder is there");
	c.priority = 8;
	is_int(s ? sink_control(s, &c, &ctx) : -1, -EINVAL,
	    "a control event of priority 8: EINVAL");
	c = control_sample();
	c.kind = FMT_CONTROL_COUNT;
	is_int(s ? sink_control(s, &c, &ctx) : -1, -EINVAL,
	    "a control event of no known kind: EINVAL");
	sink_close(s);
}

/* A private mount namespace with an empty /run (so no journald), for the
 * tests below; NULL, or why not. */
static const char *
private_run(void)
{
	if (geteuid() != 0)
		return "not root";
	if (unshare(CLONE_NEWNS) < 0)
		return "unshare(CLONE_NEWNS) failed";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") < 0)
		return "mount in a private namespace failed";
	return NULL;
}

/* A real ENOSPC on a 64 KiB tmpfs (mode 0755: the file sink refuses a
 * directory others may write to, and a tmpfs is 1777 by default). */
static void
test_file_full_tmpfs(const char *no_ns)
{
	char *mnt = path_in("small"), *path = path_in("small/full.json");
	struct sink_options o = file_options(path, SINK_FORMAT_JSON);
	struct text want = { 0 }, batch = { 0 };
	struct sink *s = NULL;
	int r, r_flush;

	mkdir(mnt, 0755);
	if (no_ns ||
	    mount("tmpfs", mnt, "tmpfs", 0, "size=64k,mode=0755") < 0) {
		skip_point("ENOSPC on a small tmpfs", no_ns ? no_ns :
		    "mount tmpfs failed");
		free(mnt);
		free(path);
		return;
	}
	if (sink_open(&o, &s) < 0)
		abort();
	give_batch(s, SINK_FORMAT_JSON, 1, 20, &want);
	is_int(sink_flush(s), 0, "ENOSPC: first batch flushed");
	r = give_batch(s, SINK_FORMAT_JSON, 21, 400, &batch);
	r_flush = sink_flush(s);
	ok(r == -ENOSPC && r_flush == -ENOSPC,
	    "ENOSPC: reported by record and flush (%d, %d)", r, r_flush);
	ok(file_is(path, want.p),
	    "ENOSPC: after the failed flush, whole earlier lines only");
	if (mount("tmpfs", mnt, "tmpfs", MS_REMOUNT, "size=4m") < 0)
		abort();
	is_int(sink_reopen(s), 0, "ENOSPC: room again: reopen");
	give_batch(s, SINK_FORMAT_JSON, 21, 400, NULL);
	is_int(sink_flush(s), 0, "ENOSPC: the batch again");
	text_add(&want, batch.p, batch.len);
	ok(file_is(path, want.p), "ENOSPC: the retried batch is there once");
	sink_close(s);
	umount2(mnt, MNT_DETACH);
	free(want.p);
	free(batch.p);
	free(mnt);
	free(path);
}

#ifdef HAVE_SYSTEMD
#define JOURNAL_DIR	"/run/systemd/journal"
#define JOURNAL_SOCKET	JOURNAL_DIR "/socket"

/* What sd_journal_sendv() puts on the wire for fields without a newline:
 * each field and "\n". */
static void
journal_wire(const struct fmt_journal *j, struct text *out)
{
	for (size_t i = 0; i < j->count; i++) {
		text_add(out, j->iov[i].iov_base, j->iov[i].iov_len);
		text_add(out, "\n", 1);
	}
}
#endif

static void
test_journal(const char *no_ns)
{
	struct sink_options o = { .kind = SINK_JOURNAL, .facility = AUTHPRIV };
	struct sink *s = NULL;
#ifdef HAVE_SYSTEMD
	struct acct_event ev = event(4242, "bash");
	struct fmt_context ctx = context(1);
	struct fmt_control c = control_sample();
	struct fmt_journal j;
	struct text want = { 0 };
	char got[8192];
	int jfd, r;

	if (no_ns) {
		skip_point("journal sink against a journald socket", no_ns);
		return;
	}
	r = sink_open(&o, &s);
	ok(r == -ENOENT && s != NULL,
	    "journal: no journald: sink_open says so (%d) and makes the sink",
	    r);
	if (s == NULL)
		return;
	is_str(sink_describe(s), "journal", "journal: described as journal");
	is_int(sink_record(s, &ev, &ctx), -ENOENT,
	    "journal: no journald: a record is an error, not success");
	ok(sink_flush(s) < 0, "journal: no journald: flush fails");

	/* Our own journald: the socket it listens on. */
	mkdir("/run/systemd", 0755);
	mkdir(JOURNAL_DIR, 0755);
	jfd = receiver(JOURNAL_SOCKET);
	is_int(sink_reopen(s), 0, "journal: journald there: reopen");
	is_int(sink_record(s, &ev, &ctx), 0, "journal: a record is sent");
	fmt_journal(&j, &ev, &ctx);
	journal_wire(&j, &want);
	ok(receive(jfd, got, sizeof(got)) > 0 && strcmp(got, want.p) == 0,
	    "journal: journald gets the fmt_journal fields, nothing else");
	fmt_kv(got + 4096, 4096, &ev, &ctx, NULL);
	ok(strstr(got, "\nACCT_SEQ=1\n") && strstr(got, "\nPRIORITY=6\n") &&
	    strstr(got, "\nSYSLOG_IDENTIFIER=acct2syslog\n") &&
	    strstr(got, "\nMESSAGE_ID=" FMT_MESSAGE_ID_PROCESS_END "\n") &&
	    strncmp(got, "MESSAGE=", 8) == 0 &&
	    strncmp(got + 8, got + 4096, strlen(got + 4096)) == 0 &&
	    !strstr(got, "CODE_FILE="),
	    "journal: MESSAGE is the kv line; ACCT_SEQ, PRIORITY, MESSAGE_ID, "
	    "SYSLOG_IDENTIFIER; no CODE_FILE");
	is_int(sink_flush(s), 0, "journal: flush with journald there");

	is_int(sink_control(s, &c, &ctx), 0, "journal: control event sent");
	ok(receive(jfd, got, sizeof(got)) > 0 &&
	    strstr(got, "\nPRIORITY=4\n") && strstr(got, "\nACCT_EVENT=gap\n"),
	    "journal: control event with its priority");
	is_int(sink_flush(s), 0, "journal: flush");

	/* journald gone after the send: the flush looks again. */
	is_int(sink_record(s, &ev, &ctx), 0, "journal: sent");
	close(jfd);
	is_int(sink_flush(s), -ECONNREFUSED,
	    "journal: journald gone before the flush: flush fails");
	unlink(JOURNAL_SOCKET);
	is_int(sink_reopen(s), -ENOENT, "journal: reopen with no socket fails");

	/* The sink has a socket of its own: a send to a journald that went
	 * away fails (sd_journal_sendv() reports success then). */
	jfd = receiver(JOURNAL_SOCKET);
	is_int(sink_reopen(s), 0, "journal: back: reopen");
	is_int(sink_flush(s), 0, "journal: flush");
	close(jfd);
	unlink(JOURNAL_SOCKET);
	is_int(sink_record(s, &ev, &ctx), -ECONNREFUSED,
	    "journal: a send to a journald that went away fails");

	/* sink_sync(): everything read by the journald it was sent to. */
	jfd = receiver(JOURNAL_SOCKET);
	is_int(sink_reopen(s), 0, "journal: reopen for sync");
	is_int(sink_record(s, &ev, &ctx), 0, "journal: sent before sync");
	ok(receive(jfd, got, sizeof(got)) > 0, "journal: read by journald");
	is_int(sink_sync(s), 0, "journal: sync once journald read it all");
	is_int(sink_record(s, &ev, &ctx), 0, "journal: sent, then journald "
	    "is replaced by another before reading it");
	close(jfd);
	unlink(JOURNAL_SOCKET);
	jfd = receiver(JOURNAL_SOCKET);
	is_int(sink_sync(s), -ECONNRESET,
	    "journal: sync fails: the journald it was sent to went away");
	close(jfd);
	unlink(JOURNAL_SOCKET);
	is_int(sd_journal_sendv(j.iov, (int)j.count), 0,
	    "(sd_journal_sendv alone reports success with no journald)");
	sink_close(s);
	free(want.p);
#else
	(void)no_ns;
	is_int(sink_open(&o, &s), -EPROTONOSUPPORT,
	    "journal: built without libsystemd: EPROTONOSUPPORT");
#endif
}

int
main(void)
{
	const char *no_ns;
	char cmd[64];

	umask(022);
	signal(SIGPIPE, SIG_IGN);
	alarm(60);	/* a send that hangs fails the test instead */
	if (mkdtemp(dir) == NULL)
		abort();
	test_invalid();
	test_file_lines(SINK_FORMAT_KV);
	test_file_lines(SINK_FORMAT_JSON);
	test_file_many();
	test_fsync_policy();
	test_file_full_rlimit();
	test_file_torn_tail();
	test_file_links();
	test_stdout();
	test_syslog_3164();
	test_syslog_5424();
	test_syslog_outage();
	/* From here on in a private mount namespace, when root. */
	no_ns = private_run();
	test_file_full_tmpfs(no_ns);
	test_journal(no_ns);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
