/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-config: libFuzzer target for the daemon's two text parsers,
 * config_load() (conf.h) and state_load() (state.h).
 *
 * The first byte of an input picks what the rest is, so that every input
 * means one thing to one parser and the fuzzer's coverage of each stays
 * its own (running both on every input would spend half the time on text
 * meant for the other):
 *	bit 0 clear	a config file; bit 1 set: loaded onto a config that
 *			already has a file sink, a host name and other
 *			non-defaults, as the command line would leave it
 *	bit 0 set	a state file; bit 1 set: the text is the lines before
 *			the checksum and the harness appends a right "crc="
 *			line, so the fuzzer gets past the CRC to the values
 *
 * Config: the text is a memfd loaded by its /proc/self/fd path.  rc is 0,
 * -EINVAL with a message, or -ENOMEM; a message is one line of printable
 * text "path:N: ..." with N a line of the text; a failed load leaves the
 * config as it was (every field compared); the lines before line N load
 * without error; an error on line N (but "given twice") is the same error
 * when line N is alone at line N, so no error depends on what came before
 * it.  A successful load leaves every value in its documented range.
 * State: the text is dir/state in a temporary directory (on /dev/shm when
 * there is one: state_save() fsyncs).  rc is 0 or -EBADMSG (nothing else
 * can fail reading a file just written), and a failed load leaves the
 * output alone; a loaded state has a 32-digit lower-case hex stream and
 * comes back the same from state_save() and state_load().  Neither parser
 * may leak a descriptor.  A broken promise aborts, so libFuzzer keeps the
 * input as a finding.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>

#include "conf.h"
#include "state.h"

#define FD_SCAN_LIMIT	256		/* descriptors checked for leaks */
#define SELECT_STATE	0x01
#define SELECT_VARIANT	0x02		/* config: non-defaults; state: crc */
#define NOTE_MAX	1024

/* The harness's own comparisons are not what the fuzzer should steer by. */
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

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

static int	config_fd = -1;		/* the memfd config files are in */
static char	config_path[64];	/* its /proc/self/fd/N */
static int	state_dir_fd = -1;
static char	state_dir[PATH_MAX];
static char	note[NOTE_MAX];		/* what was going on, for a report */

/*
 * ASan fills the first 4096 bytes of every malloc() with 0xbe, so a read
 * past a string's NUL into a fresh buffer stops at whatever the heap left
 * after them: config.c's line buffer is 4098.  Fill all of it, so such a
 * read runs into the redzone every time, not now and then.  ASAN_OPTIONS
 * still overrides this.
 */
const char *
__asan_default_options(void)
{
	return "max_malloc_fill_size=1048576";
}

static void	remove_state_dir(void);

/* Say what is going on, for a report (a long note is cut). */
static void __attribute__((format(printf, 1, 2))) _nocov_
set_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn)) _nocov_
violated(const char *what, int line)
{
	fprintf(stderr, "fuzz-config.c:%d: invariant violated: %s\n", line,
	    what);
	if (note[0] != '\0')
		fprintf(stderr, "fuzz-config: %s\n", note);
	remove_state_dir();	/* libFuzzer leaves by _Exit(), not exit() */
	abort();
}

static void _nocov_
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

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

/* Open descriptors among the first FD_SCAN_LIMIT: a parser must not leak. */
static unsigned _nocov_
count_fds(void)
{
	unsigned n = 0;

	for (int fd = 0; fd < FD_SCAN_LIMIT; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* Remove the state directory; an ASan report leaves it behind. */
static void _nocov_
remove_state_dir(void)
{
	if (state_dir_fd < 0)
		return;
	unlinkat(state_dir_fd, STATE_FILE, 0);
	unlinkat(state_dir_fd, STATE_FILE ".tmp", 0);
	close(state_dir_fd);
	state_dir_fd = -1;
	rmdir(state_dir);
}

/* The memfd and the state directory, made once and reused. */
static void _nocov_
setup(void)
{
	const char *base = getenv("TMPDIR");

	if (config_fd >= 0)
		return;
	if ((config_fd = memfd_create("fuzz-config", MFD_CLOEXEC)) < 0)
		abort();
	snprintf(config_path, sizeof(config_path), "/proc/self/fd/%d",
	    config_fd);
	if (access("/dev/shm", W_OK) == 0)
		base = "/dev/shm";
	else if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(state_dir, sizeof(state_dir), "%s/fuzz-config.XXXXXX", base);
	if (mkdtemp(state_dir) == NULL ||
	    (state_dir_fd = open(state_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		fprintf(stderr, "fuzz-config: cannot make %s: %s\n", state_dir,
		    strerror(errno));
		abort();
	}
	atexit(remove_state_dir);
}

/* Config. */

static bool _nocov_
str_equal(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static char * _nocov_
str_copy(const char *s)
{
	char *copy;

	if (s == NULL)
		return NULL;
	if ((copy = strdup(s)) == NULL)
		abort();
	return copy;
}

/* The sink's path is a view of the string of its kind (conf.h). */
static const char * _nocov_
sink_path_of(const struct config *c)
{
	return c->sink.kind == SINK_FILE ? c->sink_file :
	    c->sink.kind == SINK_SYSLOG ? c->syslog_socket : NULL;
}

/* A copy of c with strings of its own (config_free() frees it). */
static void _nocov_
config_snapshot(struct config *dst, const struct config *src)
{
	check(src->sink.host == src->hostname);
	check(src->sink.path == sink_path_of(src));
	*dst = *src;
	dst->file = str_copy(src->file);
	dst->state_dir = str_copy(src->state_dir);
	dst->sink_file = str_copy(src->sink_file);
	dst->syslog_socket = str_copy(src->syslog_socket);
	dst->sink.path = sink_path_of(dst);
	dst->hostname = str_copy(src->hostname);
	dst->sink.host = dst->hostname;
}

static bool _nocov_
config_equal(const struct config *a, const struct config *b)
{
	return str_equal(a->file, b->file) &&
	    str_equal(a->state_dir, b->state_dir) &&
	    a->sink.kind == b->sink.kind &&
	    str_equal(a->sink.path, b->sink.path) &&
	    str_equal(a->sink_file, b->sink_file) &&
	    str_equal(a->syslog_socket, b->syslog_socket) &&
	    a->sink.format == b->sink.format &&
	    a->sink.framing == b->sink.framing &&
	    a->sink.structured_data == b->sink.structured_data &&
	    a->sink.facility == b->sink.facility &&
	    a->sink.fsync == b->sink.fsync &&
	    str_equal(a->sink.host, b->sink.host) &&
	    str_equal(a->hostname, b->hostname) &&
	    a->batch_records == b->batch_records &&
	    a->batch_ms == b->batch_ms && a->poll_ms == b->poll_ms &&
	    a->rotation_grace_ms == b->rotation_grace_ms &&
	    a->heartbeat_s == b->heartbeat_s &&
	    a->heartbeat_timeout_s == b->heartbeat_timeout_s &&
	    a->retry_max_ms == b->retry_max_ms &&
	    a->enable_accounting == b->enable_accounting;
}

static void _nocov_
config_set_or_die(struct config *c, const char *key, const char *value)
{
	char err[CONFIG_ERROR_MAX];

	if (config_set(c, key, value, "fuzz-config", err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz-config: %s\n", err);
		abort();
	}
}

/* The config a load starts from: the defaults, or (variant) the defaults
 * and a few options, so that a failed load has strings to keep. */
static void _nocov_
config_start(struct config *c, bool variant)
{
	if (config_defaults(c) != 0)
		abort();
	if (!variant)
		return;
	config_set_or_die(c, "sink", "file:/srv/acct/out.log");
	config_set_or_die(c, "hostname", "fuzz-host");
	config_set_or_die(c, "batch_records", "7");
	config_set_or_die(c, "syslog_format", "rfc5424");
	config_set_or_die(c, "facility", "local3");
	config_set_or_die(c, "enable_accounting", "yes");
	config_set_or_die(c, "retry_max_ms", "100");
}

/* A path as set_path() and set_sink() accept it. */
static bool _nocov_
good_path(const char *path)
{
	return path != NULL && path[0] != '\0' && strlen(path) < PATH_MAX;
}

/* Every value of a loaded config in the range conf.h documents. */
static void _nocov_
check_config_values(const struct config *c)
{
	struct sockaddr_un sun;
	static const int facilities[] = { 1, 3, 4, 10, 16, 17, 18, 19, 20,
	    21, 22, 23 };
	bool facility_known = false;

	check(good_path(c->file));
	check(good_path(c->state_dir));
	check(c->sink.kind == SINK_JOURNAL || c->sink.kind == SINK_SYSLOG ||
	    c->sink.kind == SINK_FILE || c->sink.kind == SINK_STDOUT);
	check(c->sink.path == sink_path_of(c));
	if (c->sink.kind == SINK_FILE || c->sink_file != NULL)
		check(good_path(c->sink_file));
	if (c->syslog_socket != NULL)
		check(c->syslog_socket[0] != '\0' &&
		    strlen(c->syslog_socket) < sizeof(sun.sun_path));
	check(c->sink.format == SINK_FORMAT_KV ||
	    c->sink.format == SINK_FORMAT_JSON);
	check(c->sink.framing == SINK_RFC3164 ||
	    c->sink.framing == SINK_RFC5424);
	check(c->sink.fsync == SINK_FSYNC_BATCH ||
	    c->sink.fsync == SINK_FSYNC_NEVER);
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (c->sink.facility == facilities[i])
			facility_known = true;
	check(facility_known);
	check(c->sink.host == c->hostname);
	if (c->hostname != NULL) {
		size_t len = strlen(c->hostname);

		check(len >= 1 && len <= 255);
		for (size_t i = 0; i < len; i++)
			check((unsigned char)c->hostname[i] > 0x20 &&
			    (unsigned char)c->hostname[i] < 0x7f);
	}
	check(c->batch_records >= 1 && c->batch_records <= 65536);
	check(c->batch_ms <= 60000);
	check(c->poll_ms >= 10 && c->poll_ms <= 60000);
	check(c->rotation_grace_ms <= 600000);
	check(c->heartbeat_s <= 86400);
	check(c->heartbeat_timeout_s >= 1 && c->heartbeat_timeout_s <= 3600);
	check(c->retry_max_ms >= 100 && c->retry_max_ms <= 600000);
}

/* Make the memfd hold exactly text. */
static void _nocov_
config_file_is(const uint8_t *text, size_t len)
{
	if (ftruncate(config_fd, 0) < 0 || lseek(config_fd, 0, SEEK_SET) != 0)
		abort();
	write_all(config_fd, text, len);
}

/* Load text onto a fresh start config; the config is freed, the error
 * kept.  For the checks that compare loads. */
static int _nocov_
config_load_text(const uint8_t *text, size_t len, bool variant, char *err,
    size_t err_size)
{
	struct config c;
	int rc;

	config_file_is(text, len);
	config_start(&c, variant);
	memset(err, 0, err_size);
	rc = config_load(&c, config_path, err, err_size);
	config_free(&c);
	return rc;
}

/* The line number an error message names after "path:"; 0 if none. */
static unsigned long _nocov_
error_line(const char *err)
{
	size_t plen = strlen(config_path);
	unsigned long n;
	char *end;

	if (strncmp(err, config_path, plen) != 0 || err[plen] != ':' ||
	    err[plen + 1] < '1' || err[plen + 1] > '9')
		return 0;
	errno = 0;
	n = strtoul(err + plen + 1, &end, 10);
	if (errno != 0 || end[0] != ':' || end[1] != ' ')
		return 0;
	return n;
}

/* The offset at which line n (1-based) of text starts; len if none. */
static size_t _nocov_
line_start(const uint8_t *text, size_t len, unsigned long n)
{
	size_t pos = 0;

	for (unsigned long i = 1; i < n && pos < len; i++) {
		const uint8_t *nl = memchr(text + pos, '\n', len - pos);

		if (nl == NULL)
			return len;
		pos = (size_t)(nl - text) + 1;
	}
	return pos;
}

/* The lines of text, counting a last one without "\n". */
static unsigned long _nocov_
count_lines(const uint8_t *text, size_t len)
{
	unsigned long n = 0;

	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	return n + (len > 0 && text[len - 1] != '\n');
}

/*
 * An -EINVAL at line n: the lines before it load, and line n alone
 * (after n - 1 empty lines, so that it keeps its number and its place for
 * a byte order mark) fails with the same message, unless the message is
 * about a key given twice, the one error that depends on other lines.
 */
static void _nocov_
check_error_context(const uint8_t *text, size_t len, bool variant,
    unsigned long n, const char *err)
{
	char other[CONFIG_ERROR_MAX];
	size_t start = line_start(text, len, n), end;
	const uint8_t *nl = memchr(text + start, '\n', len - start);
	uint8_t *alone;
	int rc;

	end = nl != NULL ? (size_t)(nl - text) + 1 : len;
	rc = config_load_text(text, start, variant, other, sizeof(other));
	if (rc != 0)
		set_note("lines before %lu: rc %d: %s", n,
		    rc, other);
	check(rc == 0);

	if (strstr(err, "is given twice") != NULL)
		return;
	if ((alone = malloc(n - 1 + end - start + 1)) == NULL)
		abort();
	memset(alone, '\n', n - 1);
	memcpy(alone + n - 1, text + start, end - start);
	rc = config_load_text(alone, n - 1 + end - start, variant, other,
	    sizeof(other));
	free(alone);
	if (rc != -EINVAL || strcmp(other, err) != 0)
		set_note("in the file: %s; line %lu alone: "
		    "rc %d: %s", err, n, rc, other);
	check(rc == -EINVAL);
	check(strcmp(other, err) == 0);
}

/* What an -EINVAL message must be: one printable line "path:N: ...". */
static unsigned long _nocov_
check_error_text(const char *err, size_t err_size, const uint8_t *text,
    size_t len)
{
	const char *nul = memchr(err, '\0', err_size);
	unsigned long n;

	check(nul != NULL);
	set_note("rc -EINVAL: %s", err);
	check(strchr(err, '\n') == NULL);
	for (const char *p = err; *p != '\0'; p++)
		check(*p >= 0x20 && *p < 0x7f);
	n = error_line(err);
	check(n >= 1);
	check(n <= count_lines(text, len));
	return n;
}

static void _nocov_
fuzz_config(const uint8_t *text, size_t len, bool variant)
{
	struct config c, before, same;
	char err[CONFIG_ERROR_MAX];
	unsigned long n;
	int rc;

	config_file_is(text, len);
	config_start(&c, variant);
	config_snapshot(&before, &c);
	memcpy(&same, &c, sizeof(c));
	memset(err, 0x5a, sizeof(err));
	rc = config_load(&c, config_path, err, sizeof(err));
	set_note("config_load: rc %d", rc);
	/* The file is there and readable: only its text can be wrong. */
	check(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc == 0)
		check_config_values(&c);
	else {
		/* As it was: the same values in the same strings. */
		check(config_equal(&c, &before));
		check(c.file == same.file && c.state_dir == same.state_dir &&
		    c.sink.path == same.sink.path &&
		    c.sink_file == same.sink_file &&
		    c.syslog_socket == same.syslog_socket &&
		    c.hostname == same.hostname && c.sink.host == c.hostname);
	}
	config_free(&c);
	config_free(&before);
	if (rc == -EINVAL) {
		n = check_error_text(err, sizeof(err), text, len);
		check_error_context(text, len, variant, n, err);
	}
}

/* State. */

static void _nocov_
state_file_is(const uint8_t *text, size_t len)
{
	int fd = openat(state_dir_fd, STATE_FILE,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		abort();
	write_all(fd, text, len);
	if (close(fd) < 0)
		abort();
}

/* The fields a state_save() and state_load() must carry over. */
static bool _nocov_
states_equal(const struct state *a, const struct state *b)
{
	return memcmp(a->stream, b->stream, sizeof(a->stream)) == 0 &&
	    a->seq == b->seq && a->file.dev == b->file.dev &&
	    a->file.ino == b->file.ino &&
	    a->file.has_first == b->file.has_first &&
	    (!a->file.has_first || memcmp(a->file.first, b->file.first,
	    sizeof(a->file.first)) == 0) &&
	    a->offset == b->offset && a->clean == b->clean &&
	    a->pending_control == b->pending_control &&
	    a->doubt_from == b->doubt_from && a->doubt_to == b->doubt_to;
}

static void _nocov_
fuzz_state(const uint8_t *text, size_t len, bool sign)
{
	struct state s, again, untouched;
	uint8_t *signed_text = NULL;
	int rc;

	if (sign) {
		/* The lines, then "crc=" and the CRC-32 of them. */
		bool newline = len > 0 && text[len - 1] != '\n';
		size_t body = len + newline;

		if ((signed_text = malloc(body + 16)) == NULL)
			abort();
		memcpy(signed_text, text, len);
		if (newline)
			signed_text[len] = '\n';
		len = body + (size_t)snprintf((char *)signed_text + body, 16,
		    "crc=%08lx\n", crc32(0, signed_text, (uInt)body));
		text = signed_text;
	}
	state_file_is(text, len);
	free(signed_text);

	memset(&s, 0xa5, sizeof(s));
	memcpy(&untouched, &s, sizeof(s));
	rc = state_load(state_dir_fd, &s);
	set_note("state_load: rc %d", rc);
	check(rc == 0 || rc == -EBADMSG);
	if (rc != 0) {
		check(memcmp(&s, &untouched, sizeof(s)) == 0);
		return;
	}
	check(memchr(s.stream, '\0', sizeof(s.stream)) ==
	    s.stream + STATE_STREAM_LEN);
	for (size_t i = 0; i < STATE_STREAM_LEN; i++)
		check((s.stream[i] >= '0' && s.stream[i] <= '9') ||
		    (s.stream[i] >= 'a' && s.stream[i] <= 'f'));

	check(state_save(state_dir_fd, &s) == 0);
	check(faccessat(state_dir_fd, STATE_FILE ".tmp", F_OK, 0) < 0 &&
	    errno == ENOENT);
	memset(&again, 0, sizeof(again));
	rc = state_load(state_dir_fd, &again);
	set_note("state_load of what state_save wrote: "
	    "rc %d", rc);
	check(rc == 0);
	check(states_equal(&s, &again));
}

int _nocov_
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned fds;

	if (size == 0)
		return 0;
	setup();
	fds = count_fds();
	note[0] = '\0';
	if (data[0] & SELECT_STATE)
		fuzz_state(data + 1, size - 1, (data[0] & SELECT_VARIANT) != 0);
	else
		fuzz_config(data + 1, size - 1,
		    (data[0] & SELECT_VARIANT) != 0);
	check(count_fds() == fds);
	return 0;
}
