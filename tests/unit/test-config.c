/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-config: the daemon's settings: the defaults, every key with good and
 * bad values, ranges at their edges, the file syntax (quotes, comments,
 * CRLF, limits), errors that name file:line, precedence of the command line
 * and the files that cannot be read.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

static char dir[] = "/tmp/test-config.XXXXXX";
static char err[CONFIG_ERROR_MAX];
static struct config c;

/* A fresh config with the defaults. */
static void
reset(void)
{
	config_free(&c);
	if (config_defaults(&c) != 0)
		abort();
	err[0] = '\0';
}

/* dir/name holding len bytes of text; its path (static). */
static const char *
write_file(const char *name, const char *text, size_t len)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fwrite(text, 1, len, f) != len ||
	    fclose(f) != 0)
		abort();
	return path;
}

/* dir/name holding text. */
static const char *
write_text(const char *name, const char *text)
{
	return write_file(name, text, strlen(text));
}

/* Load text as dir/test.conf into a fresh default config. */
static int
load_text(const char *text)
{
	const char *path = write_text("test.conf", text);

	reset();
	return config_load(&c, path, err, sizeof(err));
}

/* Set key on a fresh default config, from "where". */
static int
set(const char *key, const char *value)
{
	reset();
	return config_set(&c, key, value, "where", err, sizeof(err));
}

/* The longest file path a control event's file field takes whole, with
 * room for a rotated file's suffix (config.c). */
#define FILE_TEXT_LIMIT	128

static bool
same_string(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
configs_equal(const struct config *a, const struct config *b)
{
	return same_string(a->file, b->file) &&
	    same_string(a->state_dir, b->state_dir) &&
	    a->sink.kind == b->sink.kind &&
	    same_string(a->sink.path, b->sink.path) &&
	    a->sink.format == b->sink.format &&
	    a->sink.framing == b->sink.framing &&
	    a->sink.structured_data == b->sink.structured_data &&
	    a->sink.facility == b->sink.facility &&
	    a->sink.fsync == b->sink.fsync &&
	    same_string(a->sink.host, b->sink.host) &&
	    same_string(a->hostname, b->hostname) &&
	    a->batch_records == b->batch_records &&
	    a->batch_ms == b->batch_ms && a->poll_ms == b->poll_ms &&
	    a->rotation_grace_ms == b->rotation_grace_ms &&
	    a->heartbeat_s == b->heartbeat_s &&
	    a->heartbeat_timeout_s == b->heartbeat_timeout_s &&
	    a->retry_max_ms == b->retry_max_ms &&
	    a->enable_accounting == b->enable_accounting;
}

static void
test_defaults(void)
{
	size_t n;

	reset();
	is_str(c.file, "/var/log/account/pacct", "default file");
	n = c.state_dir != NULL ? strlen(c.state_dir) : 0;
	ok(n > 16 && c.state_dir[0] == '/' &&
	    strcmp(c.state_dir + n - 16, "/lib/acct2syslog") == 0,
	    "default state_dir is LOCALSTATEDIR/lib/acct2syslog: %s",
	    c.state_dir);
	is_int(c.sink.kind, SINK_JOURNAL, "default sink: journal");
	ok(c.sink.path == NULL, "default syslog socket: none (/dev/log)");
	is_int(c.sink.format, SINK_FORMAT_KV, "default format: kv");
	is_int(c.sink.framing, SINK_RFC3164, "default syslog_format: rfc3164");
	ok(!c.sink.structured_data, "default syslog_structured_data: no");
	is_int(c.sink.facility, 10, "default facility: authpriv (10)");
	is_int(c.sink.fsync, SINK_FSYNC_BATCH, "default file_fsync: batch");
	ok(c.hostname == NULL && c.sink.host == NULL,
	    "default hostname: none (gethostname)");
	is_uint(c.batch_records, 4096, "default batch_records");
	is_uint(c.batch_ms, 200, "default batch_ms");
	is_uint(c.poll_ms, 1000, "default poll_interval_ms");
	is_uint(c.rotation_grace_ms, 2000, "default rotation_grace_ms");
	is_uint(c.heartbeat_s, 60, "default heartbeat_interval");
	is_uint(c.heartbeat_timeout_s, 10, "default heartbeat_timeout");
	is_uint(c.retry_max_ms, 30000, "default retry_max_ms");
	ok(!c.enable_accounting, "default enable_accounting: no");
}

struct number_key {
	const char	*key;
	size_t		 offset;
	unsigned	 min, max, fallback;
};

static const struct number_key number_keys[] = {
	{ "batch_records", offsetof(struct config, batch_records), 1, 65536,
	    4096 },
	{ "batch_ms", offsetof(struct config, batch_ms), 0, 60000, 200 },
	{ "poll_interval_ms", offsetof(struct config, poll_ms), 10, 60000,
	    1000 },
	{ "rotation_grace_ms", offsetof(struct config, rotation_grace_ms), 0,
	    600000, 2000 },
	{ "heartbeat_interval", offsetof(struct config, heartbeat_s), 0, 86400,
	    60 },
	{ "heartbeat_timeout", offsetof(struct config, heartbeat_timeout_s), 1,
	    3600, 10 },
	{ "retry_max_ms", offsetof(struct config, retry_max_ms), 100, 600000,
	    30000 },
};

static unsigned
number_of(const struct number_key *k)
{
	return *(const unsigned *)(const void *)((const char *)&c + k->offset);
}

static void
test_numbers(void)
{
	static const char *const not_numbers[] = {
		"", "abc", "+1", " 1", "1 ", "1.5", "0x10", "1k", "1e3",
		"12abc",
	};
	char value[64], want[CONFIG_ERROR_MAX];

	for (size_t i = 0; i < sizeof(number_keys) / sizeof(number_keys[0]);
	    i++) {
		const struct number_key *k = &number_keys[i];

		snprintf(value, sizeof(value), "%u", k->min);
		ok(set(k->key, value) == 0 && number_of(k) == k->min,
		    "%s = %s (the minimum)", k->key, value);
		snprintf(value, sizeof(value), "%u", k->max);
		ok(set(k->key, value) == 0 && number_of(k) == k->max,
		    "%s = %s (the maximum)", k->key, value);
		snprintf(value, sizeof(value), "00%u", k->max);
		ok(set(k->key, value) == 0 && number_of(k) == k->max,
		    "%s = %s (leading zeros)", k->key, value);

		if (k->min > 0)
			snprintf(value, sizeof(value), "%u", k->min - 1);
		else
			snprintf(value, sizeof(value), "-1");
		is_int(set(k->key, value), -EINVAL, "%s = %s (below)", k->key,
		    value);
		snprintf(want, sizeof(want), "where: %s: %s is out of range "
		    "%u..%u", k->key, value, k->min, k->max);
		is_str(err, want, "  and says so");
		is_uint(number_of(k), k->fallback, "  and leaves the value");

		snprintf(value, sizeof(value), "%u", k->max + 1);
		is_int(set(k->key, value), -EINVAL, "%s = %s (above)", k->key,
		    value);
		snprintf(want, sizeof(want), "where: %s: %s is out of range "
		    "%u..%u", k->key, value, k->min, k->max);
		is_str(err, want, "  and says so");

		for (size_t j = 0; j < 3; j++) {
			static const char *const huge[] = {
				"4294967296", "18446744073709551616",
				"99999999999999999999999",
			};

			is_int(set(k->key, huge[j]), -EINVAL, "%s = %s "
			    "(overflow)", k->key, huge[j]);
			snprintf(want, sizeof(want), "where: %s: %s is out of "
			    "range %u..%u", k->key, huge[j], k->min, k->max);
			is_str(err, want, "  and says so");
		}
		for (size_t j = 0; j < sizeof(not_numbers) /
		    sizeof(not_numbers[0]); j++) {
			ok(set(k->key, not_numbers[j]) == -EINVAL &&
			    strstr(err, "is not a whole number") != NULL &&
			    number_of(k) == k->fallback,
			    "%s = '%s' is not a number", k->key,
			    not_numbers[j]);
		}
	}
	set("batch_records", "x");
	is_str(err, "where: batch_records: 'x' is not a whole number; give "
	    "one in 1..65536", "the message for a word");
}

static void
test_words(void)
{
	static const struct {
		const char	*word;
		int		 value;
	} facilities[] = {
		{ "auth", 4 }, { "authpriv", 10 }, { "daemon", 3 },
		{ "user", 1 }, { "local0", 16 }, { "local1", 17 },
		{ "local2", 18 }, { "local3", 19 }, { "local4", 20 },
		{ "local5", 21 }, { "local6", 22 }, { "local7", 23 },
	};
	static const struct {
		const char	*word;
		bool		 value;
	} bools[] = {
		{ "yes", true }, { "no", false }, { "true", true },
		{ "false", false }, { "on", true }, { "off", false },
		{ "1", true }, { "0", false },
	};

	ok(set("file", "/srv/acct/pacct") == 0 &&
	    strcmp(c.file, "/srv/acct/pacct") == 0, "file = /srv/acct/pacct");
	ok(set("file", "/var/log/a#b") == 0 &&
	    strcmp(c.file, "/var/log/a#b") == 0, "a path may hold '#'");
	is_int(set("file", ""), -EINVAL, "file = '' is refused");
	is_str(err, "where: file: the path is empty; give one such as "
	    "/var/log/account/pacct", "  and says what is right");
	ok(set("state_dir", "/srv/state") == 0 &&
	    strcmp(c.state_dir, "/srv/state") == 0, "state_dir = /srv/state");
	is_int(set("state_dir", ""), -EINVAL, "state_dir = '' is refused");
	{
		char *long_path = malloc(PATH_MAX + 1);

		memset(long_path, 'a', PATH_MAX);
		long_path[0] = '/';
		long_path[PATH_MAX] = '\0';
		/* state_dir: the file's own limit is lower (messages name
		 * it; see test_set_messages). */
		is_int(set("state_dir", long_path), -EINVAL,
		    "a path of PATH_MAX bytes is refused");
		long_path[PATH_MAX - 1] = '\0';
		is_int(set("state_dir", long_path), 0,
		    "a path of PATH_MAX - 1 bytes is fine");
		free(long_path);
	}

	ok(set("sink", "journal") == 0 && c.sink.kind == SINK_JOURNAL,
	    "sink = journal");
	ok(set("sink", "syslog") == 0 && c.sink.kind == SINK_SYSLOG &&
	    c.sink.path == NULL, "sink = syslog");
	ok(set("sink", "stdout") == 0 && c.sink.kind == SINK_STDOUT,
	    "sink = stdout");
	ok(set("sink", "file:/var/log/acct.log") == 0 &&
	    c.sink.kind == SINK_FILE &&
	    strcmp(c.sink.path, "/var/log/acct.log") == 0,
	    "sink = file:/var/log/acct.log");
	is_int(set("sink", "file:"), -EINVAL, "sink = file: is refused");
	is_str(err, "where: sink: 'file:' has no path; give file:PATH, such "
	    "as file:/var/log/acct2syslog.log", "  and says what is right");
	is_int(set("sink", "file"), -EINVAL, "sink = file is refused");
	is_int(set("sink", "Journal"), -EINVAL, "sink = Journal is refused");
	is_int(set("sink", "kafka"), -EINVAL, "sink = kafka is refused");
	is_str(err, "where: sink: 'kafka' is not a sink; give journal, syslog, "
	    "file:PATH or stdout", "  and says what is right");
	ok(c.sink.kind == SINK_JOURNAL, "  and leaves the sink");

	ok(set("format", "kv") == 0 && c.sink.format == SINK_FORMAT_KV,
	    "format = kv");
	ok(set("format", "json") == 0 && c.sink.format == SINK_FORMAT_JSON,
	    "format = json");
	is_int(set("format", "xml"), -EINVAL, "format = xml is refused");
	is_str(err, "where: format: 'xml' is not a format; give kv or json",
	    "  and says what is right");

	ok(set("syslog_socket", "/run/systemd/journal/syslog") == 0 &&
	    strcmp(c.syslog_socket, "/run/systemd/journal/syslog") == 0,
	    "syslog_socket = /run/systemd/journal/syslog");
	is_int(set("syslog_socket", ""), -EINVAL, "syslog_socket = '' is "
	    "refused");
	{
		char sock[120];

		memset(sock, 'a', sizeof(sock));
		sock[0] = '/';
		sock[107] = '\0';
		is_int(set("syslog_socket", sock), 0,
		    "a socket path of 107 bytes is fine");
		sock[107] = 'a';
		sock[108] = '\0';
		is_int(set("syslog_socket", sock), -EINVAL,
		    "a socket path of 108 bytes is refused");
		is_str(err, "where: syslog_socket: the path is 108 bytes "
		    "long; a socket path has at most 107", "  and says why");
	}

	ok(set("syslog_format", "rfc3164") == 0 &&
	    c.sink.framing == SINK_RFC3164, "syslog_format = rfc3164");
	ok(set("syslog_format", "rfc5424") == 0 &&
	    c.sink.framing == SINK_RFC5424, "syslog_format = rfc5424");
	is_int(set("syslog_format", "5424"), -EINVAL,
	    "syslog_format = 5424 is refused");
	is_str(err, "where: syslog_format: '5424' is not a syslog format; "
	    "give rfc3164 or rfc5424", "  and says what is right");

	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		ok(set("syslog_structured_data", bools[i].word) == 0 &&
		    c.sink.structured_data == bools[i].value,
		    "syslog_structured_data = %s", bools[i].word);
		ok(set("enable_accounting", bools[i].word) == 0 &&
		    c.enable_accounting == bools[i].value,
		    "enable_accounting = %s", bools[i].word);
	}
	is_int(set("enable_accounting", "maybe"), -EINVAL,
	    "enable_accounting = maybe is refused");
	is_str(err, "where: enable_accounting: 'maybe' is not yes or no; give "
	    "yes, no, true, false, on, off, 1 or 0",
	    "  and says what is right");
	is_int(set("syslog_structured_data", "YES"), -EINVAL,
	    "syslog_structured_data = YES is refused (words are lower case)");
	is_int(set("enable_accounting", ""), -EINVAL,
	    "enable_accounting = '' is refused");

	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		ok(set("facility", facilities[i].word) == 0 &&
		    c.sink.facility == facilities[i].value,
		    "facility = %s is %d", facilities[i].word,
		    facilities[i].value);
	is_int(set("facility", "local8"), -EINVAL, "facility = local8 is "
	    "refused");
	is_str(err, "where: facility: 'local8' is not a facility; give auth, "
	    "authpriv, daemon, user or local0..local7", "  and says what is "
	    "right");
	is_int(set("facility", "kern"), -EINVAL, "facility = kern is refused");
	is_int(set("facility", "10"), -EINVAL, "facility = 10 is refused");
	is_int(c.sink.facility, 10, "  and leaves the facility");

	ok(set("file_fsync", "batch") == 0 && c.sink.fsync == SINK_FSYNC_BATCH,
	    "file_fsync = batch");
	ok(set("file_fsync", "never") == 0 && c.sink.fsync == SINK_FSYNC_NEVER,
	    "file_fsync = never");
	is_int(set("file_fsync", "always"), -EINVAL,
	    "file_fsync = always is refused");
	is_str(err, "where: file_fsync: 'always' is not an fsync policy; give "
	    "batch or never", "  and says what is right");

	ok(set("hostname", "web-1.example.org") == 0 &&
	    strcmp(c.hostname, "web-1.example.org") == 0 &&
	    c.sink.host == c.hostname, "hostname = web-1.example.org, the "
	    "syslog header's too");
	is_int(config_set(&c, "hostname", "", "where", err, sizeof(err)), 0,
	    "hostname = '' is fine");
	ok(c.hostname == NULL && c.sink.host == NULL,
	    "  and goes back to gethostname()");
	is_int(set("hostname", "web 1"), -EINVAL, "hostname = 'web 1' is "
	    "refused");
	is_str(err, "where: hostname: 'web 1' has a byte that may not be in a "
	    "host name (at 4); give printable ASCII without blanks",
	    "  and says what is right");
	is_int(set("hostname", "h\xc3\xa9"), -EINVAL,
	    "a host name with a byte over 0x7f is refused");
	is_str(err, "where: hostname: 'h\\xc3\\xa9' has a byte that may not "
	    "be in a host name (at 2); give printable ASCII without blanks",
	    "  and the bytes are shown, not printed");
	{
		char name[300];

		/* The schema carries 64 bytes of host name, escaped (a
		 * message is never cut): Linux's HOST_NAME_MAX. */
		memset(name, 'h', sizeof(name));
		name[64] = '\0';
		is_int(set("hostname", name), 0, "a host name of 64 bytes");
		name[64] = 'h';
		name[65] = '\0';
		is_int(set("hostname", name), -EINVAL,
		    "a host name of 65 bytes is refused");
		is_str(err, "where: hostname: the name takes 65 bytes in a "
		    "message; acct2syslog's messages carry a host name of at "
		    "most 64 (escaped, as Linux's HOST_NAME_MAX)",
		    "  and the message says why");
		memset(name, '#', 16);
		name[16] = '\0';
		is_int(set("hostname", name), 0, "16 '#', 64 bytes escaped");
		name[16] = '#';
		name[17] = '\0';
		is_int(set("hostname", name), -EINVAL,
		    "17 '#', 68 bytes escaped, are refused");
		memset(name, '/', sizeof(name));
		name[0] = '/';
		name[FILE_TEXT_LIMIT] = '\0';
		is_int(set("file", name), 0, "a file path of %d bytes",
		    FILE_TEXT_LIMIT);
		name[FILE_TEXT_LIMIT] = 'a';
		name[FILE_TEXT_LIMIT + 1] = '\0';
		is_int(set("file", name), -EINVAL, "one of %d bytes is refused",
		    FILE_TEXT_LIMIT + 1);
		ok(strstr(err, "the path takes 129 bytes in a message") !=
		    NULL, "  and the message says why: %s", err);
		memset(name, '\x01', 40);
		name[0] = '/';
		name[40] = '\0';
		is_int(set("file", name), -EINVAL,
		    "a path of 39 control bytes, 157 escaped, is refused");
	}
}

static void
test_set_messages(void)
{
	char value[200];

	reset();
	is_int(config_set(&c, "batch_records", "0", "/etc/acct2syslog.conf:3",
	    err, sizeof(err)), -EINVAL, "a bad value");
	is_str(err, "/etc/acct2syslog.conf:3: batch_records: 0 is out of "
	    "range 1..65536", "  the message names where, the key, the range");
	is_int(config_set(&c, "bach_records", "1", "/etc/acct2syslog.conf:12",
	    err, sizeof(err)), -EINVAL, "an unknown key");
	is_str(err, "/etc/acct2syslog.conf:12: unknown key 'bach_records'; "
	    "did you mean 'batch_records'?", "  and a guess at the one meant");
	config_set(&c, "batch-records", "1", "x", err, sizeof(err));
	is_str(err, "x: unknown key 'batch-records'; did you mean "
	    "'batch_records'?", "  '-' for '_' is guessed too");
	config_set(&c, "colour", "1", "x", err, sizeof(err));
	is_str(err, "x: unknown key 'colour'; acct2syslog.conf(5) lists the "
	    "keys", "  no guess when nothing is close");
	is_int(config_set(&c, "sink", "kafka", "--sink", err, sizeof(err)),
	    -EINVAL, "a bad --sink");
	is_str(err, "--sink: 'kafka' is not a sink; give journal, syslog, "
	    "file:PATH or stdout", "  the option is not named twice");
	config_set(&c, "batch_records", "0", "--batch-records", err,
	    sizeof(err));
	is_str(err, "--batch-records: 0 is out of range 1..65536",
	    "  nor a --long-option");
	config_set(&c, "batch_records", "0", NULL, err, sizeof(err));
	is_str(err, "batch_records: 0 is out of range 1..65536",
	    "  where may be NULL");
	is_int(config_set(&c, "batch_records", "0", "x", NULL, 0), -EINVAL,
	    "  and err may be NULL");
	config_set(&c, "format", "j\x1b[31mson", "x", err, sizeof(err));
	is_str(err, "x: format: 'j\\x1b[31mson' is not a format; give kv or "
	    "json", "  control bytes in a value are shown, not printed");
	memset(value, 'x', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	config_set(&c, "format", value, "x", err, sizeof(err));
	ok(strlen(err) < 120 && strstr(err, "...' is not a format") != NULL,
	    "  a long value is cut short: %s", err);
	config_set(&c, "format", value, "x", err, 20);
	ok(strlen(err) == 19, "  a small err buffer is filled, not overrun");
}

static void
test_sink_paths(void)
{
	reset();
	config_set(&c, "syslog_socket", "/run/s", "x", err, sizeof(err));
	config_set(&c, "sink", "syslog", "x", err, sizeof(err));
	ok(c.sink.kind == SINK_SYSLOG && strcmp(c.sink.path, "/run/s") == 0,
	    "syslog_socket before sink = syslog is kept");
	reset();
	config_set(&c, "sink", "syslog", "x", err, sizeof(err));
	config_set(&c, "syslog_socket", "/run/s", "x", err, sizeof(err));
	ok(c.sink.kind == SINK_SYSLOG && strcmp(c.sink.path, "/run/s") == 0,
	    "syslog_socket after sink = syslog is kept");
	config_set(&c, "sink", "file:/tmp/out", "x", err, sizeof(err));
	ok(c.sink.kind == SINK_FILE && strcmp(c.sink.path, "/tmp/out") == 0,
	    "sink = file:PATH then replaces the socket by the file");
	is_int(config_set(&c, "syslog_socket", "/run/t", "x", err, sizeof(err)),
	    0, "syslog_socket with a file sink is accepted");
	is_str(c.sink.path, "/tmp/out", "  and does not touch the file's path");
	is_int(config_set(&c, "syslog_socket", "", "x", err, sizeof(err)),
	    -EINVAL, "  but it is still checked");
	config_set(&c, "sink", "syslog", "x", err, sizeof(err));
	ok(c.sink.kind == SINK_SYSLOG && c.sink.path != NULL &&
	    strcmp(c.sink.path, "/run/t") == 0,
	    "from a file to syslog: the socket given meanwhile");
	is_str(c.sink_file, "/tmp/out", "  and the file's path is kept apart");
	/* The configuration file says both; --sink syslog on the command
	 * line must not forget the socket (issue 12). */
	ok(load_text("sink = file:/var/log/a.log\nsyslog_socket = /run/s\n")
	    == 0 && config_set(&c, "sink", "syslog", "--sink", err,
	    sizeof(err)) == 0 && c.sink.kind == SINK_SYSLOG &&
	    c.sink.path != NULL && strcmp(c.sink.path, "/run/s") == 0,
	    "a file sink and syslog_socket in the file, --sink syslog: the "
	    "socket is used");
	ok(load_text("syslog_socket = /run/s\nsink = file:/var/log/a.log\n")
	    == 0 && config_set(&c, "sink", "syslog", "--sink", err,
	    sizeof(err)) == 0 && c.sink.path != NULL &&
	    strcmp(c.sink.path, "/run/s") == 0,
	    "  in either order");
	config_set(&c, "sink", "file:/tmp/a", "x", err, sizeof(err));
	config_set(&c, "sink", "file:/tmp/b", "x", err, sizeof(err));
	is_str(c.sink.path, "/tmp/b", "a second file sink replaces the first");
	config_set(&c, "sink", "stdout", "x", err, sizeof(err));
	ok(c.sink.kind == SINK_STDOUT && c.sink.path == NULL,
	    "sink = stdout after a file: no path left");
}

static void
test_file_syntax(void)
{
	struct config want;
	char *text;
	int rc;

	is_int(load_text(""), 0, "an empty file is fine");
	config_defaults(&want);
	ok(configs_equal(&c, &want), "  and changes nothing");
	config_free(&want);

	rc = load_text(
	    "# every key\n"
	    "file = /srv/pacct\n"
	    "state_dir=/srv/state\n"
	    "sink =syslog\n"
	    "format= json\n"
	    "syslog_socket\t=\t/run/log\n"
	    "  syslog_format = rfc5424\n"
	    "\tsyslog_structured_data = yes   \n"
	    "facility = local3\n"
	    "file_fsync = never\n"
	    "hostname = \"web-1\"\n"
	    "batch_records = 100\n"
	    "batch_ms = 0\n"
	    "poll_interval_ms = 10\n"
	    "rotation_grace_ms = 600000\n"
	    "heartbeat_interval = 0\n"
	    "heartbeat_timeout = 3600\n"
	    "retry_max_ms = 100\n"
	    "enable_accounting = on\n");
	is_int(rc, 0, "a file that sets every key, spaced every way");
	if (rc != 0)
		diag("%s", err);
	ok(strcmp(c.file, "/srv/pacct") == 0 &&
	    strcmp(c.state_dir, "/srv/state") == 0 &&
	    c.sink.kind == SINK_SYSLOG &&
	    strcmp(c.sink.path, "/run/log") == 0 &&
	    c.sink.format == SINK_FORMAT_JSON &&
	    c.sink.framing == SINK_RFC5424 && c.sink.structured_data &&
	    c.sink.facility == 19 && c.sink.fsync == SINK_FSYNC_NEVER &&
	    strcmp(c.hostname, "web-1") == 0 && c.sink.host == c.hostname &&
	    c.batch_records == 100 && c.batch_ms == 0 && c.poll_ms == 10 &&
	    c.rotation_grace_ms == 600000 && c.heartbeat_s == 0 &&
	    c.heartbeat_timeout_s == 3600 && c.retry_max_ms == 100 &&
	    c.enable_accounting, "  every value is set");

	/* Comments and blank lines. */
	is_int(load_text("# one\n   # two\n\t# three\n#batch_records = 0\n"
	    "\n   \n\t\nbatch_records = 7\n"), 0,
	    "comments, indented comments and blank lines");
	is_uint(c.batch_records, 7, "  and the one setting");
	is_int(load_text("batch_records = 7 # seven\n"), -EINVAL,
	    "a comment after a value is refused");
	is_str(err + strlen(dir) + 11, "1: batch_records: '#' after a blank; "
	    "a comment must be on a line of its own (quote the value if the "
	    "'#' belongs to it)", "  and the message says why");
	is_int(load_text("file = /var/log/a#b\n"), 0,
	    "a '#' inside a value is part of it");
	is_str(c.file, "/var/log/a#b", "  and kept");
	is_int(load_text("file = \"/var/log/a #b\"\n"), 0,
	    "a '#' after a blank inside quotes is part of the value");
	is_str(c.file, "/var/log/a #b", "  and kept");

	/* Quotes. */
	is_int(load_text("file = \" /srv/p acct \"\n"), 0,
	    "a quoted value keeps its blanks");
	is_str(c.file, " /srv/p acct ", "  all of them");
	is_int(load_text("hostname = \"\"\n"), 0, "an empty quoted value");
	ok(c.hostname == NULL, "  sets hostname back to none");
	/* Found by fuzz-config: an empty unquoted value was scanned for
	 * '#' from one past its end (the rest of the line before it). */
	is_int(load_text("file = \"/abcdefgh #x\"\nhostname =\n"), 0,
	    "an empty unquoted value after a line with ' #' in it");
	ok(c.hostname == NULL, "  sets hostname back to none");
	is_int(load_text("file = \"/a\"b\"\n"), 0,
	    "quotes are the ends of the value, no escapes inside");
	is_str(c.file, "/a\"b", "  an inner quote is kept");
	is_int(load_text("file = /a\"\n"), 0,
	    "a value that does not start with a quote is taken as it is");
	is_str(c.file, "/a\"", "  its quote too");
	is_int(load_text("file = \"/srv/pacct\n"), -EINVAL,
	    "an unclosed quote is refused");
	ok(strstr(err, ":1: file: no closing quote; a value that starts with "
	    "'\"' ends with one") != NULL, "  and the message says so: %s",
	    err);
	is_int(load_text("file = \"/srv/pacct\" # the file\n"), -EINVAL,
	    "text after a closing quote is refused");
	ok(strstr(err, ":1: file: text after the closing quote; a comment "
	    "must be on a line of its own") != NULL, "  and the message says "
	    "so: %s", err);
	is_int(load_text("batch_records = \"12\"\n"), 0,
	    "a number may be quoted");
	is_uint(c.batch_records, 12, "  and is read");
	is_int(load_text("batch_records = \" 12\"\n"), -EINVAL,
	    "but not with blanks inside the quotes");

	/* Line ends. */
	is_int(load_text("batch_records = 5\r\nfile = /srv/p\r\n# c\r\n\r\n"),
	    0, "CRLF line ends are read");
	ok(c.batch_records == 5 && strcmp(c.file, "/srv/p") == 0,
	    "  without the \\r in any value");
	is_int(load_text("batch_records = 5"), 0,
	    "a last line without a newline is read");
	is_uint(c.batch_records, 5, "  and set");
	is_int(load_text("file = /srv/p\r\r\n"), -EINVAL,
	    "a \\r that is not part of a line end is refused");
	ok(strstr(err, ":1: control character 0x0d at column 14; the file must "
	    "be text") != NULL, "  as a control character: %s", err);
	is_int(load_text("\xef\xbb\xbf" "batch_records = 9\n"), 0,
	    "a UTF-8 byte order mark is skipped");
	is_uint(c.batch_records, 9, "  and the first line read");

	/* Errors name file:line. */
	rc = load_text("# header\n\nbatch_records = 10\n\nbatch_ms = 70000\n");
	is_int(rc, -EINVAL, "a bad value on line 5");
	{
		char want_err[CONFIG_ERROR_MAX];

		snprintf(want_err, sizeof(want_err), "%s/test.conf:5: "
		    "batch_ms: 70000 is out of range 0..60000", dir);
		is_str(err, want_err, "  the message names file:5");
	}
	is_int(load_text("batch_records = 10\nbach_ms = 7\n"), -EINVAL,
	    "an unknown key");
	ok(strstr(err, "/test.conf:2: unknown key 'bach_ms'; did you mean "
	    "'batch_ms'?") != NULL, "  names file:2 and guesses: %s", err);
	is_int(load_text("\n\nbatch_records 100\n"), -EINVAL,
	    "a line without '='");
	ok(strstr(err, "/test.conf:3: no '=' after 'batch_records'; write key "
	    "= value") != NULL, "  names file:3: %s", err);
	is_int(load_text("[main]\n"), -EINVAL, "an ini section is refused");
	ok(strstr(err, ":1: no '=' after '[main]'") != NULL, "  as a line "
	    "without '=': %s", err);
	is_int(load_text("= 5\n"), -EINVAL, "a line without a key");
	ok(strstr(err, ":1: no key before '='; write key = value") != NULL,
	    "  says so: %s", err);
	is_int(load_text("batch_records =\n"), -EINVAL,
	    "a number without a value");
	ok(strstr(err, ":1: batch_records: '' is not a whole number") != NULL,
	    "  says so: %s", err);
	is_int(load_text("batch_records = 10\nbatch_ms = 5\n"
	    "batch_records = 20\n"), -EINVAL, "a key given twice");
	ok(strstr(err, ":3: 'batch_records' is given twice (first on line 1); "
	    "give each key once") != NULL, "  names both lines: %s", err);
	is_int(load_text("sink = journal\nsink = journal\n"), -EINVAL,
	    "a key given twice with the same value too");
	is_int(load_text("BATCH_RECORDS = 10\n"), -EINVAL,
	    "keys are lower case");

	/* Limits: a line of 4096 bytes, and one more. */
	text = malloc(8192);
	memset(text, '#', 4096);
	strcpy(text + 4096, "\nbatch_records = 3\n");
	is_int(load_text(text), 0, "a line of 4096 bytes is fine");
	is_uint(c.batch_records, 3, "  and the next line is read");
	strcpy(text + 4096, "\r\nbatch_records = 3\n");
	is_int(load_text(text), 0, "a line of 4096 bytes and \\r\\n is fine");
	memcpy(text, "state_dir = /", 13);
	memset(text + 13, 'p', 4083);
	strcpy(text + 4096, "\n");
	is_int(load_text(text), 0, "a value that fills the 4096 bytes");
	ok(c.state_dir != NULL && strlen(c.state_dir) == 4084,
	    "  is read whole");
	memset(text, '#', 4097);
	strcpy(text + 4097, "\n");
	is_int(load_text(text), -EINVAL, "a line of 4097 bytes is refused");
	ok(strstr(err, "/test.conf:1: the line is longer than 4096 bytes; "
	    "shorten it") != NULL, "  and the message says so: %s", err);
	memset(text, '#', 4097);
	text[4097] = '\0';
	is_int(load_text(text), -EINVAL,
	    "a last line of 4097 bytes without a newline too");
	memset(text, '#', 5000);
	strcpy(text + 5000, "\r\n");
	is_int(load_text(text), -EINVAL, "a long line ending in \\r\\n too");
	free(text);

	/* A NUL byte. */
	{
		const char *path = write_file("nul.conf",
		    "batch_records = 1\nbatch_ms = 1\0\n", 32);

		reset();
		is_int(config_load(&c, path, err, sizeof(err)), -EINVAL,
		    "a NUL byte is refused");
		ok(strstr(err, "/nul.conf:2: a NUL byte; the file must be "
		    "text") != NULL, "  and the message names its line: %s",
		    err);
	}
	is_int(load_text("batch_records = 1\x01\n"), -EINVAL,
	    "a control character is refused");

	/* A failed load changes nothing. */
	reset();
	config_set(&c, "file", "/before", "x", err, sizeof(err));
	config_set(&c, "sink", "file:/before.log", "x", err, sizeof(err));
	config_set(&c, "hostname", "before", "x", err, sizeof(err));
	config_defaults(&want);
	config_set(&want, "file", "/before", "x", err, sizeof(err));
	config_set(&want, "sink", "file:/before.log", "x", err, sizeof(err));
	config_set(&want, "hostname", "before", "x", err, sizeof(err));
	{
		const char *path = write_text("bad.conf", "file = /after\n"
		    "sink = stdout\nhostname = after\nbatch_records = 1\n"
		    "batch_ms = -1\n");

		is_int(config_load(&c, path, err, sizeof(err)), -EINVAL,
		    "a file with an error on its last line");
	}
	ok(configs_equal(&c, &want), "  leaves the config as it was");
	config_free(&want);
}

static void
test_precedence(void)
{
	const char *path = write_text("prec.conf", "file = /from/file\n"
	    "sink = file:/from/file.log\nformat = json\nbatch_records = 5\n");

	reset();
	is_int(config_load(&c, path, err, sizeof(err)), 0, "load a file");
	is_int(config_set(&c, "file", "/from/cli", "--file", err, sizeof(err)),
	    0, "then --file");
	is_int(config_set(&c, "sink", "stdout", "--sink", err, sizeof(err)), 0,
	    "then --sink");
	ok(strcmp(c.file, "/from/cli") == 0 && c.sink.kind == SINK_STDOUT &&
	    c.sink.path == NULL, "the command line wins");
	ok(c.sink.format == SINK_FORMAT_JSON && c.batch_records == 5,
	    "  what it does not set comes from the file");
	is_int(config_set(&c, "format", "kv", "--format", err, sizeof(err)), 0,
	    "an option may set a key the file set: no duplicate error");
	is_int(c.sink.format, SINK_FORMAT_KV, "  and it wins");

	/* A second load (a reload) on top of a loaded config. */
	is_int(config_load(&c, path, err, sizeof(err)), 0,
	    "a second load of the same file is no duplicate");
	is_str(c.file, "/from/file", "  and the file's values are back");
}

static void
test_unreadable(void)
{
	const char *path;
	char missing[PATH_MAX];
	pid_t pid;
	int status;

	snprintf(missing, sizeof(missing), "%s/missing.conf", dir);
	reset();
	is_int(config_load(&c, missing, err, sizeof(err)), -ENOENT,
	    "a missing file: -ENOENT");
	ok(strstr(err, "/missing.conf: cannot open: No such file or "
	    "directory") != NULL, "  with a message: %s", err);
	reset();
	is_int(config_load(&c, dir, err, sizeof(err)), -EISDIR,
	    "a directory: -EISDIR");
	ok(strstr(err, ": is a directory; give the configuration file") !=
	    NULL, "  with a message: %s", err);

	path = write_text("secret.conf", "batch_records = 1\n");
	if (chmod(path, 0600) < 0 || chmod(dir, 0755) < 0)
		abort();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char child_err[CONFIG_ERROR_MAX];
		struct config child;

		if (geteuid() == 0) {
			/* root reads anything: be nobody. */
			if (setresgid(65534, 65534, 65534) < 0 ||
			    setresuid(65534, 65534, 65534) < 0)
				_exit(77);
		} else if (chmod(path, 0) < 0)
			_exit(77);
		if (access(path, R_OK) == 0)
			_exit(77);	/* CAP_DAC_OVERRIDE, say */
		config_defaults(&child);
		if (config_load(&child, path, child_err, sizeof(child_err)) !=
		    -EACCES)
			_exit(1);
		config_free(&child);
		_exit(strstr(child_err, ": cannot open: Permission denied; it "
		    "must be readable by the user acct2syslog runs as") !=
		    NULL ? 0 : 2);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		skip(1, "an unreadable file: cannot make one unreadable here");
	else
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "an unreadable file: -EACCES, and a message that says what "
		    "to do");
	chmod(path, 0600);
}

static void
test_free(void)
{
	reset();
	config_set(&c, "sink", "file:/x", "x", err, sizeof(err));
	config_set(&c, "hostname", "h", "x", err, sizeof(err));
	config_free(&c);
	ok(c.file == NULL && c.state_dir == NULL && c.sink.path == NULL &&
	    c.hostname == NULL && c.sink.host == NULL,
	    "config_free leaves no pointers behind");
	config_free(&c);
	ok(1, "config_free twice is fine");
	is_int(config_defaults(&c), 0, "and the config can be used again");
}

static void
test_example(void)
{
	const char *top = getenv("top_srcdir");
	char path[PATH_MAX];
	struct config want;
	int rc;

	if (top == NULL) {
		skip(3, "etc/acct2syslog.conf: top_srcdir is not set");
		return;
	}
	snprintf(path, sizeof(path), "%s/etc/acct2syslog.conf", top);
	reset();
	rc = config_load(&c, path, err, sizeof(err));
	is_int(rc, 0, "the example etc/acct2syslog.conf loads");
	if (rc != 0)
		diag("%s", err);
	config_defaults(&want);
	ok(configs_equal(&c, &want), "  and changes nothing (all defaults)");
	config_free(&want);

	/* Uncommented, every line must load and give the defaults too. */
	{
		FILE *in = fopen(path, "r"), *out;
		char line[512], out_path[PATH_MAX];
		size_t n;

		snprintf(out_path, sizeof(out_path), "%s/uncommented.conf",
		    dir);
		if (in == NULL || (out = fopen(out_path, "w")) == NULL)
			abort();
		while (fgets(line, sizeof(line), in) != NULL) {
			n = strspn(line, "#");
			if (n == 1 && line[1] >= 'a' && line[1] <= 'z')
				fputs(line + 1, out);
		}
		fclose(in);
		fclose(out);
		reset();
		rc = config_load(&c, out_path, err, sizeof(err));
		config_defaults(&want);
		/* The file spells out what NULL and LOCALSTATEDIR stand for. */
		config_set(&want, "state_dir", "/var/lib/acct2syslog", "x", err,
		    sizeof(err));
		config_set(&want, "syslog_socket", "/dev/log", "x", err,
		    sizeof(err));
		ok(rc == 0 && configs_equal(&c, &want),
		    "  uncommented, it loads and its values are the defaults");
		if (rc != 0)
			diag("%s", err);
		config_free(&want);
	}
}

int
main(void)
{
	char command[64];

	if (mkdtemp(dir) == NULL)
		skip_all("cannot make a temporary directory");

	test_defaults();
	test_numbers();
	test_words();
	test_set_messages();
	test_sink_paths();
	test_file_syntax();
	test_precedence();
	test_unreadable();
	test_free();
	test_example();

	config_free(&c);
	snprintf(command, sizeof(command), "rm -rf %s", dir);
	if (system(command) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
