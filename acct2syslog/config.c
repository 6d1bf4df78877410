/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c: the daemon's settings, from the defaults, a config file and the
 * command line.
 *
 * The file syntax, as acct2syslog.conf(5) describes it:
 *
 *	# a comment: '#' after optional blanks at the start of a line
 *	key = value		blanks around '=' are optional
 *	key = "value"		quotes keep blanks at the ends of a value
 *
 * A '#' anywhere else is part of the value (paths may hold one), so there
 * are no comments after a value; an unquoted value with a '#' after a blank
 * is refused, because that is almost always an attempt at one.  Quotes are
 * the first and last characters of a value, with no escapes inside.  Each
 * key may be given once per file (a second one is an error, not "the later
 * wins": two values for one key are a mistake to show, not to guess at).
 * Lines end in "\n" or "\r\n"; one is at most CONFIG_LINE_MAX bytes and
 * holds no NUL and no control character but a tab.  A UTF-8 byte order mark
 * at the start is skipped.  The first error ends the load and leaves the
 * config as it was.
 *
 * Sink strings: the file of sink = file:PATH (sink_file) and the socket of
 * syslog_socket are two fields, each kept whatever the sink is, so that
 * --sink syslog after a file sink in the configuration still uses the
 * configured socket.  sink.path is a view of the one the sink uses (set by
 * point_sink_path() after every change; never freed through it), and
 * sink.host is hostname itself (one string, freed once).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf.h"
#include "escape.h"
#include "macro.h"
#include "schema.h"

#define CONFIG_LINE_MAX		4096	/* bytes, without the line end */
#define FILE_DEFAULT		"/var/log/account/pacct"
#define STATE_DIR_DEFAULT	LOCALSTATEDIR "/lib/acct2syslog"
#define SHOW_MAX		72	/* bytes of a value quoted in errors */
#define KEY_MAX			32	/* longer than any key */
#define FACILITY_AUTHPRIV	10

/* Where a value came from, and where its error goes. */
struct origin {
	const char	*where;		/* "file:line", "--sink" or NULL */
	const char	*key;		/* named in the message, or NULL */
	char		*err;
	size_t		 err_size;
};

struct key;
typedef int	key_setter(struct config *, const struct key *, const char *,
		    const struct origin *);

struct key {
	const char	*name;
	key_setter	*set;
	size_t		 offset;	/* of the field a generic setter sets */
	unsigned	 min, max;	/* set_number */
};

/* A word of a value and what it stands for. */
struct word {
	const char	*word;
	int		 value;
};

static const struct word bool_words[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
};

static const struct word format_words[] = {
	{ "kv", SINK_FORMAT_KV }, { "json", SINK_FORMAT_JSON },
};

static const struct word framing_words[] = {
	{ "rfc3164", SINK_RFC3164 }, { "rfc5424", SINK_RFC5424 },
};

static const struct word fsync_words[] = {
	{ "batch", SINK_FSYNC_BATCH }, { "never", SINK_FSYNC_NEVER },
};

static const struct word facility_words[] = {
	{ "auth", 4 }, { "authpriv", FACILITY_AUTHPRIV }, { "daemon", 3 },
	{ "user", 1 }, { "local0", 16 }, { "local1", 17 }, { "local2", 18 },
	{ "local3", 19 }, { "local4", 20 }, { "local5", 21 }, { "local6", 22 },
	{ "local7", 23 },
};

/* "value" as it can be shown in one line of text: bytes that are not
 * printable ASCII as \xHH, cut short with "..." to fit size. */
static const char *
show(char *buf, size_t size, const char *value)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)value; *p != '\0';
	    p++) {
		char one[5];
		size_t len;

		if (*p >= 0x20 && *p < 0x7f) {
			one[0] = (char)*p;
			one[1] = '\0';
		} else
			snprintf(one, sizeof(one), "\\x%02x", *p);
		len = strlen(one);
		if (n + len + 4 > size) {
			memcpy(buf + n, "...", 4);
			return buf;
		}
		memcpy(buf + n, one, len);
		n += len;
	}
	buf[n] = '\0';
	return buf;
}

/* Write "where: key: message" into o->err; -EINVAL. */
_printf_(2, 3) static int
fail(const struct origin *o, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;

	if (o->err == NULL || o->err_size == 0)
		return -EINVAL;
	o->err[0] = '\0';
	if (o->where != NULL)
		n += (size_t)snprintf(o->err, o->err_size, "%s: ", o->where);
	if (o->key != NULL && n < o->err_size)
		n += (size_t)snprintf(o->err + n, o->err_size - n, "%s: ",
		    o->key);
	if (n < o->err_size) {
		va_start(ap, fmt);
		vsnprintf(o->err + n, o->err_size - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Look value up in words; false when it is none of them. */
static bool
find_word(const struct word *words, size_t n, const char *value, int *ret)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(words[i].word, value) == 0) {
			*ret = words[i].value;
			return true;
		}
	return false;
}

/* Replace *field with a copy of value (NULL: none). */
static int
replace_string(char **field, const char *value)
{
	char *copy = NULL;

	if (value != NULL && (copy = strdup(value)) == NULL)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* A path must say something and fit in PATH_MAX. */
static int
check_path(const char *value, const char *example, const struct origin *o)
{
	if (value[0] == '\0')
		return fail(o, "the path is empty; give one such as %s",
		    example);
	if (strlen(value) >= PATH_MAX)
		return fail(o, "the path is %zu bytes long; a path has at "
		    "most %d", strlen(value), PATH_MAX - 1);
	return 0;
}

/* The bytes s takes in a message (escaped and quoted as in kv and JSON,
 * the longest of the encodings). */
static size_t
escaped_len(const char *s)
{
	char buf[ESC_MAX(PATH_MAX)];

	return esc_escape(buf, s, strnlen(s, PATH_MAX), ESC_QUOTED);
}

/* Room a rotated file's name takes beyond the path (".N.gz", "-DATE.gz"),
 * within a control event's file field. */
#define ROTATED_ROOM	32
#define FILE_TEXT_MAX	(SCHEMA_TEXT_MAX - ROTATED_ROOM)

/* file, state_dir.  The file's name goes into control events, whose
 * strings the schema bounds (a message is never cut): a longer one is
 * refused here rather than sent without it. */
static int
set_path(struct config *c, const struct key *k, const char *value,
    const struct origin *o)
{
	char **field = (char **)(void *)((char *)c + k->offset);
	bool is_file = k->offset == offsetof(struct config, file);
	size_t n;
	int rc;

	if ((rc = check_path(value, is_file ? FILE_DEFAULT : STATE_DIR_DEFAULT,
	    o)) < 0)
		return rc;
	if (is_file && (n = escaped_len(value)) > FILE_TEXT_MAX)
		return fail(o, "the path takes %zu bytes in a message; "
		    "acct2syslog's messages name the file in at most %d "
		    "(escaped), so that its rotated files fit too: give a "
		    "shorter one", n, FILE_TEXT_MAX);
	return replace_string(field, value);
}

/* A whole decimal number in k->min..k->max: no sign, no blanks, no unit. */
static int
set_number(struct config *c, const struct key *k, const char *value,
    const struct origin *o)
{
	unsigned *field = (unsigned *)(void *)((char *)c + k->offset);
	char shown[SHOW_MAX];
	unsigned long long v;
	char *end;

	if (value[0] < '0' || value[0] > '9') {
		if (value[0] == '-' && value[1] >= '0' && value[1] <= '9')
			return fail(o, "%s is out of range %u..%u",
			    show(shown, sizeof(shown), value), k->min, k->max);
		return fail(o, "'%s' is not a whole number; give one in %u..%u",
		    show(shown, sizeof(shown), value), k->min, k->max);
	}
	errno = 0;
	v = strtoull(value, &end, 10);
	if (*end != '\0')
		return fail(o, "'%s' is not a whole number; give one in %u..%u",
		    show(shown, sizeof(shown), value), k->min, k->max);
	if (errno == ERANGE || v < k->min || v > k->max)
		return fail(o, "%s is out of range %u..%u",
		    show(shown, sizeof(shown), value), k->min, k->max);
	*field = (unsigned)v;
	return 0;
}

/* yes | no, and the other words people write for them. */
static int
set_bool(struct config *c, const struct key *k, const char *value,
    const struct origin *o)
{
	bool *field = (bool *)(void *)((char *)c + k->offset);
	char shown[SHOW_MAX];
	int v;

	if (!find_word(bool_words, ELEMENTSOF(bool_words), value, &v))
		return fail(o, "'%s' is not yes or no; give yes, no, true, "
		    "false, on, off, 1 or 0",
		    show(shown, sizeof(shown), value));
	*field = v != 0;
	return 0;
}

/* sink.path: the string of the sink's kind (a view, see the top). */
static void
point_sink_path(struct config *c)
{
	c->sink.path = c->sink.kind == SINK_FILE ? c->sink_file :
	    c->sink.kind == SINK_SYSLOG ? c->syslog_socket : NULL;
}

/* journal | syslog | file:PATH | stdout. */
static int
set_sink(struct config *c, _unused_ const struct key *k, const char *value,
    const struct origin *o)
{
	char shown[SHOW_MAX];
	enum sink_kind kind;
	int rc;

	if (strncmp(value, "file:", 5) == 0) {
		if (value[5] == '\0')
			return fail(o, "'file:' has no path; give file:PATH, "
			    "such as file:/var/log/acct2syslog.log");
		if ((rc = check_path(value + 5, "/var/log/acct2syslog.log",
		    o)) < 0)
			return rc;
		if ((rc = replace_string(&c->sink_file, value + 5)) < 0)
			return rc;
		c->sink.kind = SINK_FILE;
		point_sink_path(c);
		return 0;
	}
	if (strcmp(value, "journal") == 0)
		kind = SINK_JOURNAL;
	else if (strcmp(value, "syslog") == 0)
		kind = SINK_SYSLOG;
	else if (strcmp(value, "stdout") == 0)
		kind = SINK_STDOUT;
	else if (strcmp(value, "file") == 0)
		return fail(o, "'file' needs a path; give file:PATH, such as "
		    "file:/var/log/acct2syslog.log");
	else
		return fail(o, "'%s' is not a sink; give journal, syslog, "
		    "file:PATH or stdout", show(shown, sizeof(shown), value));
	c->sink.kind = kind;
	point_sink_path(c);
	return 0;
}

static int
set_format(struct config *c, _unused_ const struct key *k, const char *value,
    const struct origin *o)
{
	char shown[SHOW_MAX];
	int v;

	if (!find_word(format_words, ELEMENTSOF(format_words), value, &v))
		return fail(o, "'%s' is not a format; give kv or json",
		    show(shown, sizeof(shown), value));
	c->sink.format = (enum sink_format)v;
	return 0;
}

/* Kept whatever the sink is (see the top). */
static int
set_syslog_socket(struct config *c, _unused_ const struct key *k,
    const char *value, const struct origin *o)
{
	struct sockaddr_un sun;
	int rc;

	if ((rc = check_path(value, "/dev/log", o)) < 0)
		return rc;
	if (strlen(value) >= sizeof(sun.sun_path))
		return fail(o, "the path is %zu bytes long; a socket path has "
		    "at most %zu", strlen(value), sizeof(sun.sun_path) - 1);
	if ((rc = replace_string(&c->syslog_socket, value)) < 0)
		return rc;
	point_sink_path(c);
	return 0;
}

static int
set_syslog_format(struct config *c, _unused_ const struct key *k,
    const char *value, const struct origin *o)
{
	char shown[SHOW_MAX];
	int v;

	if (!find_word(framing_words, ELEMENTSOF(framing_words), value, &v))
		return fail(o, "'%s' is not a syslog format; give rfc3164 or "
		    "rfc5424", show(shown, sizeof(shown), value));
	c->sink.framing = (enum sink_framing)v;
	return 0;
}

static int
set_facility(struct config *c, _unused_ const struct key *k,
    const char *value, const struct origin *o)
{
	char shown[SHOW_MAX];
	int v;

	if (!find_word(facility_words, ELEMENTSOF(facility_words), value, &v))
		return fail(o, "'%s' is not a facility; give auth, authpriv, "
		    "daemon, user or local0..local7",
		    show(shown, sizeof(shown), value));
	c->sink.facility = v;
	return 0;
}

static int
set_file_fsync(struct config *c, _unused_ const struct key *k,
    const char *value, const struct origin *o)
{
	char shown[SHOW_MAX];
	int v;

	if (!find_word(fsync_words, ELEMENTSOF(fsync_words), value, &v))
		return fail(o, "'%s' is not an fsync policy; give batch or "
		    "never", show(shown, sizeof(shown), value));
	c->sink.fsync = (enum sink_fsync)v;
	return 0;
}

/* A host name: printable ASCII bytes, no blank (RFC 5424's HOSTNAME),
 * and no more than the schema carries; "" goes back to gethostname(). */
static int
set_hostname(struct config *c, _unused_ const struct key *k,
    const char *value, const struct origin *o)
{
	char shown[SHOW_MAX];
	size_t len = strlen(value);
	int rc;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)value[i] <= 0x20 ||
		    (unsigned char)value[i] >= 0x7f)
			return fail(o, "'%s' has a byte that may not be in a "
			    "host name (at %zu); give printable ASCII without "
			    "blanks", show(shown, sizeof(shown), value), i + 1);
	/* Every message carries it: the schema's limit (Linux's own is
	 * HOST_NAME_MAX, 64 bytes). */
	if (escaped_len(value) > SCHEMA_NAME_MAX)
		return fail(o, "the name takes %zu bytes in a message; "
		    "acct2syslog's messages carry a host name of at most %d "
		    "(escaped, as Linux's HOST_NAME_MAX)", escaped_len(value),
		    SCHEMA_NAME_MAX);
	if ((rc = replace_string(&c->hostname, len > 0 ? value : NULL)) < 0)
		return rc;
	c->sink.host = c->hostname;
	return 0;
}

static const struct key keys[] = {
	{ "file", set_path, offsetof(struct config, file), 0, 0 },
	{ "state_dir", set_path, offsetof(struct config, state_dir), 0, 0 },
	{ "sink", set_sink, 0, 0, 0 },
	{ "format", set_format, 0, 0, 0 },
	{ "syslog_socket", set_syslog_socket, 0, 0, 0 },
	{ "syslog_format", set_syslog_format, 0, 0, 0 },
	{ "syslog_structured_data", set_bool,
	    offsetof(struct config, sink.structured_data), 0, 0 },
	{ "facility", set_facility, 0, 0, 0 },
	{ "file_fsync", set_file_fsync, 0, 0, 0 },
	{ "hostname", set_hostname, 0, 0, 0 },
	{ "batch_records", set_number,
	    offsetof(struct config, batch_records), 1, 65536 },
	{ "batch_ms", set_number, offsetof(struct config, batch_ms), 0, 60000 },
	{ "poll_interval_ms", set_number,
	    offsetof(struct config, poll_ms), 10, 60000 },
	{ "rotation_grace_ms", set_number,
	    offsetof(struct config, rotation_grace_ms), 0, 600000 },
	{ "heartbeat_interval", set_number,
	    offsetof(struct config, heartbeat_s), 0, 86400 },
	{ "heartbeat_timeout", set_number,
	    offsetof(struct config, heartbeat_timeout_s), 1, 3600 },
	{ "retry_max_ms", set_number,
	    offsetof(struct config, retry_max_ms), 100, 600000 },
	{ "enable_accounting", set_bool,
	    offsetof(struct config, enable_accounting), 0, 0 },
};

/* The edit distance of a and b (at most KEY_MAX bytes each). */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[KEY_MAX + 1];

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diagonal + (a[i - 1] != b[j - 1]);

			best = MIN(best, up + 1);
			best = MIN(best, row[j - 1] + 1);
			row[j] = best;
			diagonal = up;
		}
	}
	return row[lb];
}

/* The key name is closest to, if it is close enough to be a typo. */
static const char *
similar_key(const char *name)
{
	const char *best = NULL;
	size_t best_distance = 3;

	if (strlen(name) > KEY_MAX)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		size_t d = edit_distance(name, keys[i].name);

		if (d < best_distance && d < strlen(keys[i].name)) {
			best = keys[i].name;
			best_distance = d;
		}
	}
	return best;
}

static const struct key *
find_key(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Refuse an unknown key, with a guess at the one meant. */
static int
unknown_key(const char *name, const struct origin *o)
{
	const char *guess = similar_key(name);
	char shown[SHOW_MAX];

	show(shown, sizeof(shown), name);
	if (guess != NULL)
		return fail(o, "unknown key '%s'; did you mean '%s'?", shown,
		    guess);
	return fail(o, "unknown key '%s'; acct2syslog.conf(5) lists the keys",
	    shown);
}

/* Does where name the option of key ("--batch-records" for
 * "batch_records")?  Then the message need not name the key again. */
static bool
where_is_key(const char *where, const char *key)
{
	if (where == NULL || strncmp(where, "--", 2) != 0)
		return false;
	where += 2;
	for (; *key != '\0'; key++, where++)
		if (*where != (*key == '_' ? '-' : *key))
			return false;
	return *where == '\0';
}

int
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->file = strdup(FILE_DEFAULT);
	c->state_dir = strdup(STATE_DIR_DEFAULT);
	if (c->file == NULL || c->state_dir == NULL) {
		config_free(c);
		return -ENOMEM;
	}
	c->sink.kind = SINK_JOURNAL;
	c->sink.path = NULL;
	c->sink.format = SINK_FORMAT_KV;
	c->sink.framing = SINK_RFC3164;
	c->sink.structured_data = false;
	c->sink.facility = FACILITY_AUTHPRIV;
	c->sink.fsync = SINK_FSYNC_BATCH;
	c->sink.host = NULL;
	c->hostname = NULL;
	c->batch_records = 4096;
	c->batch_ms = 200;
	c->poll_ms = 1000;
	c->rotation_grace_ms = 2000;
	c->heartbeat_s = 60;
	c->heartbeat_timeout_s = 10;
	c->retry_max_ms = 30000;
	c->enable_accounting = false;
	return 0;
}

/* Set one key; o->key is filled in here.  Every error has a message. */
static int
set_key(struct config *c, const struct key *k, const char *value,
    struct origin *o)
{
	int rc;

	o->key = where_is_key(o->where, k->name) ? NULL : k->name;
	if ((rc = k->set(c, k, value, o)) < 0 && rc != -EINVAL)
		fail(o, "%s", strerror(-rc));
	return rc;
}

int
config_set(struct config *c, const char *key, const char *value,
    const char *where, char *err, size_t err_size)
{
	struct origin o = { where, NULL, err, err_size };
	const struct key *k;

	if ((k = find_key(key)) == NULL)
		return unknown_key(key, &o);
	return set_key(c, k, value, &o);
}

void
config_free(struct config *c)
{
	free(c->file);
	c->file = NULL;
	free(c->state_dir);
	c->state_dir = NULL;
	free(c->sink_file);
	c->sink_file = NULL;
	free(c->syslog_socket);
	c->syslog_socket = NULL;
	c->sink.path = NULL;
	free(c->hostname);
	c->hostname = NULL;
	c->sink.host = NULL;
}

/* A copy of src that owns its own strings. */
static int
config_copy(struct config *dst, const struct config *src)
{
	*dst = *src;
	dst->file = dst->state_dir = dst->hostname = NULL;
	dst->sink_file = dst->syslog_socket = NULL;
	dst->sink.path = dst->sink.host = NULL;
	if (replace_string(&dst->file, src->file) < 0 ||
	    replace_string(&dst->state_dir, src->state_dir) < 0 ||
	    replace_string(&dst->hostname, src->hostname) < 0 ||
	    replace_string(&dst->sink_file, src->sink_file) < 0 ||
	    replace_string(&dst->syslog_socket, src->syslog_socket) < 0) {
		config_free(dst);
		return -ENOMEM;
	}
	point_sink_path(dst);
	dst->sink.host = dst->hostname;
	return 0;
}

/*
 * Read one line into buf (NUL-terminated, without "\n"), *ret_len bytes.
 * 1: a line; 0: end of file; -E2BIG: longer than CONFIG_LINE_MAX;
 * -EBADMSG: a NUL byte; -errno: a read error.
 */
static int
read_line(FILE *f, char *buf, size_t *ret_len)
{
	size_t len = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (ch == '\0')
			return -EBADMSG;
		/* One more byte is allowed for the '\r' of a "\r\n". */
		if (len == CONFIG_LINE_MAX + 1)
			return -E2BIG;
		buf[len++] = (char)ch;
	}
	if (ferror(f))
		return errno != 0 ? -errno : -EIO;
	if (ch == EOF && len == 0)
		return 0;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len > CONFIG_LINE_MAX)
		return -E2BIG;
	buf[len] = '\0';
	*ret_len = len;
	return 1;
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * Split one line into its key and value (in place) and set it.  Returns 0
 * for a line that sets nothing (blank, comment) and for one that was set.
 */
static int
parse_line(struct config *c, char *line, size_t len, unsigned line_no,
    unsigned *first_line, struct origin *o)
{
	char shown[SHOW_MAX], *key, *value, *end;
	const struct key *k;
	size_t index;

	o->key = NULL;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			return fail(o, "control character 0x%02x at column "
			    "%zu; the file must be text",
			    (unsigned char)line[i], i + 1);
	while (is_blank(*line))
		line++;
	end = line + strlen(line);
	while (end > line && is_blank(end[-1]))
		*--end = '\0';
	if (*line == '\0' || *line == '#')
		return 0;

	key = line;
	while (*line != '\0' && *line != '=' && !is_blank(*line))
		line++;
	if (line == key)
		return fail(o, "no key before '='; write key = value");
	value = line;
	while (is_blank(*value))
		value++;
	if (*value != '=') {
		*line = '\0';
		return fail(o, "no '=' after '%s'; write key = value",
		    show(shown, sizeof(shown), key));
	}
	*line = '\0';
	value++;
	while (is_blank(*value))
		value++;

	if ((k = find_key(key)) == NULL)
		return unknown_key(key, o);
	index = (size_t)(k - keys);
	if (first_line[index] != 0)
		return fail(o, "'%s' is given twice (first on line %u); give "
		    "each key once", k->name, first_line[index]);
	first_line[index] = line_no;

	if (*value == '"') {
		size_t n = strlen(value);
		char *close = strrchr(value + 1, '"');

		if (close == NULL)
			return fail(o, "%s: no closing quote; a value that "
			    "starts with '\"' ends with one", k->name);
		if (close != value + n - 1)
			return fail(o, "%s: text after the closing quote; a "
			    "comment must be on a line of its own", k->name);
		*close = '\0';
		value++;
	} else if (*value != '\0') {	/* an empty value has no p[-1] */
		for (const char *p = value + 1; *p != '\0'; p++)
			if (*p == '#' && is_blank(p[-1]))
				return fail(o, "%s: '#' after a blank; a "
				    "comment must be on a line of its own "
				    "(quote the value if the '#' belongs to "
				    "it)", k->name);
	}
	return set_key(c, k, value, o);
}

int
config_load(struct config *c, const char *path, char *err, size_t err_size)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	char shown_path[PATH_MAX], where[PATH_MAX + 16];
	unsigned first_line[ELEMENTSOF(keys)] = { 0 }, line_no = 0;
	struct origin o = { shown_path, NULL, err, err_size };
	struct config next;
	struct stat st;
	size_t len = 0;
	int fd, rc;

	show(shown_path, sizeof(shown_path), path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		rc = -errno;
		if (rc == -EACCES)
			fail(&o, "cannot open: %s; it must be readable by the "
			    "user acct2syslog runs as", strerror(-rc));
		else
			fail(&o, "cannot open: %s", strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		fail(&o, "cannot read: %s", strerror(-rc));
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		fail(&o, "is a directory; give the configuration file");
		return -EISDIR;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		rc = -errno;
		close(fd);
		fail(&o, "cannot read: %s", strerror(-rc));
		return rc;
	}
	if ((line = malloc(CONFIG_LINE_MAX + 2)) == NULL ||
	    config_copy(&next, c) < 0) {
		fail(&o, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}

	o.where = where;
	for (;;) {
		char *text;

		snprintf(where, sizeof(where), "%s:%u", shown_path, ++line_no);
		o.key = NULL;
		errno = 0;
		if ((rc = read_line(f, line, &len)) == 0)
			break;
		if (rc == -E2BIG)
			rc = fail(&o, "the line is longer than %d bytes; "
			    "shorten it", CONFIG_LINE_MAX);
		else if (rc == -EBADMSG)
			rc = fail(&o, "a NUL byte; the file must be text");
		else if (rc < 0)
			fail(&o, "cannot read: %s", strerror(-rc));
		if (rc < 0)
			break;
		text = line;
		/* A byte order mark, as some editors write one. */
		if (line_no == 1 && strncmp(text, "\xef\xbb\xbf", 3) == 0) {
			text += 3;
			len -= 3;
		}
		if ((rc = parse_line(&next, text, len, line_no, first_line,
		    &o)) < 0)
			break;
	}
	if (rc < 0) {
		config_free(&next);
		return rc;
	}
	config_free(c);
	*c = next;
	return 0;
}
