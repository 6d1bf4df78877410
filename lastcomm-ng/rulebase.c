/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rulebase.c: the adapter to liblognorm (and the libfastjson objects it
 * answers with); their camelCase stays in this file.
 *
 * Debian 12's liblognorm 2.0.6 shapes it:
 *  - include= opens a relative name from the working directory first, so
 *    the wrappers are read here, their includes made absolute in dir, and
 *    the whole handed over as one string;
 *  - ln_normalize() reads a failed line with strlen(), so it gets a
 *    NUL-terminated copy, and never a line with a NUL byte in it (it
 *    leaks the objects of a parse that meets 16 of them; neither
 *    acct2syslog nor rsyslog writes a NUL: it is #000);
 *  - a string with \" or \\ in it comes from the rules as a list of lists
 *    of pieces (acct2syslog.rulebase says why), joined again here.
 * Lines that are not ours never reach liblognorm: a busy archive is mostly
 * other programs' lines.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <glob.h>
#include <liblognorm.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "macro.h"
#include "rulebase.h"

#define WRAPPER_GLOB	"lastcomm-ng-*.rulebase"
#define WRAPPER_MAX	(64 * 1024)	/* bytes of one wrapper file */
#define LINE_MAX_LEN	8192		/* a header and a kv line (< 1 KiB) */
#define VALUE_MAX	4096		/* one string rebuilt from pieces */
#define HOST_MAX	255		/* syslog HOSTNAME */
#define TAG		" acct2syslog"
#define TAG_LEN		(sizeof(TAG) - 1)
#define TAG_WINDOW	320		/* a header: time, host (<= 255), tag */
#define MESSAGE		" event=\""
#define MESSAGE_LEN	(sizeof(MESSAGE) - 1)

struct rulebase {
	ln_ctx		ctx;
	char		line[LINE_MAX_LEN + 1];	/* NUL-terminated copy */
	char		value[VALUE_MAX];
	char		syslog_host[HOST_MAX + 1];
};

/* While loading: the wrappers, as lines of one text, and liblognorm's
 * complaints, told as they come. */
struct load {
	const char	*dir;
	size_t		n_wrappers;
	const char	**paths;	/* of the wrappers, in order */
	unsigned	*first_line;	/* of each in the text, from 1 */
	unsigned	lines;		/* of the text so far */
	unsigned	errors;
};

/* liblognorm names the text "--NO-FILE--": say which wrapper and line. */
static void
load_error(void *cookie, const char *msg, size_t len)
{
	static const char text_name[] = "rulebase file --NO-FILE--[";
	struct load *l = cookie;
	unsigned line;
	int skip;

	l->errors++;
	if (strncmp(msg, text_name, sizeof(text_name) - 1) == 0 &&
	    sscanf(msg + sizeof(text_name) - 1, "%u]: %n", &line, &skip) == 1 &&
	    skip > 0) {
		size_t i = l->n_wrappers;

		while (i > 0 && l->first_line[i - 1] > line)
			i--;
		if (i > 0) {
			const char *rest = msg + sizeof(text_name) - 1 + skip;

			warnx("%s:%u: %.*s", l->paths[i - 1],
			    line - l->first_line[i - 1] + 1,
			    (int)(len - (size_t)(rest - msg)), rest);
			return;
		}
	}
	warnx("rulebase %s: %.*s", l->dir, (int)len, msg);
}

static void
globfreep(glob_t *g)
{
	globfree(g);
}

/* Read the wrapper at path (at most WRAPPER_MAX bytes) into *ret (NUL
 * added).  0 or -errno. */
static int
read_wrapper(const char *path, char **ret)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	size_t n;

	if (f == NULL)
		return -errno;
	if ((buf = malloc(WRAPPER_MAX + 1)) == NULL)
		return -ENOMEM;
	n = fread(buf, 1, WRAPPER_MAX + 1, f);
	if (ferror(f))
		return -EIO;
	if (n > WRAPPER_MAX)
		return -EFBIG;
	buf[n] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

/* Append the wrapper at path to out: its version line a comment (the
 * text is v2 anyway, and line numbers stay those of the file), its
 * include= names made absolute in dir and checked. */
static int
add_wrapper(FILE *out, struct load *l, const char *path)
{
	_cleanup_free_ char *text = NULL;
	char *line, *next;
	int rc;

	if ((rc = read_wrapper(path, &text)) < 0) {
		warnx("%s: %s", path, strerror(-rc));
		return rc;
	}
	if (strncmp(text, "version=2\n", 10) != 0) {
		warnx("%s: not a liblognorm v2 rulebase (its first line must "
		    "be version=2)", path);
		return -EINVAL;
	}
	l->first_line[l->n_wrappers] = l->lines + 1;
	l->paths[l->n_wrappers++] = path;
	fputs("# version=2\n", out);
	l->lines++;
	for (line = text + 10; *line != '\0'; line = next) {
		size_t len;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		len = strlen(line);
		while (len > 0 && (line[len - 1] == ' ' ||
		    line[len - 1] == '\t' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strncmp(line, "include=", 8) == 0 && line[8] != '/') {
			_cleanup_free_ char *inc = NULL;

			if (asprintf(&inc, "%s/%s", l->dir, line + 8) < 0)
				return -ENOMEM;
			if (access(inc, R_OK) < 0) {
				rc = -errno;
				warnx("%s: included by %s: %s", inc, path,
				    strerror(-rc));
				return rc;
			}
			fprintf(out, "include=%s\n", inc);
		} else
			fprintf(out, "%s\n", line);
		l->lines++;
	}
	/* The next wrapper starts afresh. */
	fputs("prefix=\n", out);
	l->lines++;
	return 0;
}

/* Load the wrappers of dir into ctx, as one text. */
static int
load_wrappers(ln_ctx ctx, const char *dir)
{
	_cleanup_(globfreep) glob_t g = { 0 };
	_cleanup_free_ char *pattern = NULL, *text = NULL;
	_cleanup_free_ const char **paths = NULL;
	_cleanup_free_ unsigned *first_line = NULL;
	struct load l = { .dir = dir };
	size_t size = 0;
	FILE *out;
	int rc = 0;

	if (asprintf(&pattern, "%s/" WRAPPER_GLOB, dir) < 0)
		return -ENOMEM;
	switch (glob(pattern, 0, NULL, &g)) {
	case 0:
		break;
	case GLOB_NOMATCH:
		warnx("%s: no rulebase for syslog archives (give the folder "
		    "of acct2syslog's rules with --rulebase)", pattern);
		return -ENOENT;
	case GLOB_NOSPACE:
		return -ENOMEM;
	default:
		warnx("%s: cannot read the folder", dir);
		return -EIO;
	}
	paths = calloc(g.gl_pathc, sizeof(*paths));
	first_line = calloc(g.gl_pathc, sizeof(*first_line));
	if (paths == NULL || first_line == NULL)
		return -ENOMEM;
	l.paths = paths;
	l.first_line = first_line;
	if ((out = open_memstream(&text, &size)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
		rc = add_wrapper(out, &l, g.gl_pathv[i]);
	if (fclose(out) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc < 0)
		return rc;

	/* liblognorm 2.0.6 hands its debug cookie to the error callback. */
	ln_setDebugCB(ctx, NULL, &l);
	ln_setErrMsgCB(ctx, load_error, &l);
	rc = ln_loadSamplesFromString(ctx, text);
	ln_setErrMsgCB(ctx, NULL, NULL);
	ln_setDebugCB(ctx, NULL, NULL);
	/* It goes on after a bad line: any complaint is fatal. */
	if (rc != 0 || l.errors > 0) {
		if (l.errors == 0)
			warnx("%s: liblognorm cannot load it", pattern);
		return -EINVAL;
	}
	return 0;
}

int
rulebase_new(const char *dir, struct rulebase **ret)
{
	struct rulebase *rb;
	int rc;

	if ((rb = calloc(1, sizeof(*rb))) == NULL)
		return -ENOMEM;
	if ((rb->ctx = ln_initCtx()) == NULL) {
		free(rb);
		return -ENOMEM;
	}
	if ((rc = load_wrappers(rb->ctx, dir)) < 0) {
		rulebase_free(rb);
		return rc;
	}
	*ret = rb;
	return 0;
}

/* Where the message of an acct2syslog line starts (at the space before
 * event="), or NULL: the tag " acct2syslog", "[pid]" or not, ':' or
 * not, then the message.  The tag is looked for in a header's worth of
 * the line, and must come before the first ": " (or it is in the
 * message of another program). */
static const char *
find_message(const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	const char *window = line + MIN(len, TAG_WINDOW);

	while (p < window &&
	    (p = memmem(p, (size_t)(window - p), TAG, TAG_LEN)) != NULL) {
		const char *q = p + TAG_LEN;

		if (q < end && *q == '[') {
			do
				q++;
			while (q < end && *q >= '0' && *q <= '9');
			if (q == end || *q != ']') {
				p++;
				continue;
			}
			q++;
		}
		if (q < end && *q == ':')
			q++;
		/* ": " up to the tag's space ("logger: acct2syslog: ...")
		 * ends the tag of another program. */
		if ((size_t)(end - q) >= MESSAGE_LEN &&
		    memcmp(q, MESSAGE, MESSAGE_LEN) == 0)
			return memmem(line, (size_t)(p - line) + 1, ": ", 2) ?
			    NULL : q;
		p++;
	}
	return NULL;
}

/* A string that came in pieces (see acct2syslog.rulebase): its text
 * into rb->value; its length or -EBADMSG. */
static ssize_t
join_pieces(struct rulebase *rb, struct fjson_object *outer)
{
	size_t len = 0;
	int n_outer = fjson_object_array_length(outer);

	for (int i = 0; i < n_outer; i++) {
		struct fjson_object *inner = fjson_object_array_get_idx(outer,
		    i);
		int n_inner;

		if (!fjson_object_is_type(inner, fjson_type_array))
			return -EBADMSG;
		n_inner = fjson_object_array_length(inner);
		for (int j = 0; j < n_inner; j++) {
			struct fjson_object *piece =
			    fjson_object_array_get_idx(inner, j);
			const char *sep = j > 0 ? "\\\\" : i > 0 ? "\\\"" : "";
			size_t n;

			if (!fjson_object_is_type(piece, fjson_type_string))
				return -EBADMSG;
			n = (size_t)fjson_object_get_string_len(piece);
			if (len + strlen(sep) + n > sizeof(rb->value))
				return -EBADMSG;
			memcpy(rb->value + len, sep, strlen(sep));
			len += strlen(sep);
			memcpy(rb->value + len, fjson_object_get_string(piece),
			    n);
			len += n;
		}
	}
	return (ssize_t)len;
}

/* The fields liblognorm found into e. */
static int
fill_entry(struct rulebase *rb, struct fjson_object *json, struct entry *e)
{
	struct fjson_object_iterator it = fjson_object_iter_begin(json);
	struct fjson_object_iterator it_end = fjson_object_iter_end(json);

	entry_begin(e);
	for (; !fjson_object_iter_equal(&it, &it_end);
	    fjson_object_iter_next(&it)) {
		const char *key = fjson_object_iter_peek_name(&it);
		struct fjson_object *val = fjson_object_iter_peek_value(&it);
		enum fjson_type type = fjson_object_get_type(val);
		const char *text;
		ssize_t len;

		if (type == fjson_type_string) {
			text = fjson_object_get_string(val);
			len = fjson_object_get_string_len(val);
		} else if (type == fjson_type_array) {
			if ((len = join_pieces(rb, val)) < 0)
				return -EBADMSG;
			text = rb->value;
		} else
			return -EBADMSG;
		if (key[0] == 's' && strcmp(key, "syslog_host") == 0) {
			if ((size_t)len <= HOST_MAX) {
				memcpy(rb->syslog_host, text, (size_t)len);
				rb->syslog_host[len] = '\0';
			}
			continue;
		}
		if (entry_set(e, key, strlen(key), text, (size_t)len) < 0)
			return -EBADMSG;
	}
	return entry_end(e) < 0 ? -EBADMSG : 1;
}

int
rulebase_parse(struct rulebase *rb, const char *line, size_t len,
    struct entry *e)
{
	struct fjson_object *json = NULL;
	int rc;

	rb->syslog_host[0] = '\0';
	if (len == 0)
		return 0;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (find_message(line, len) == NULL)
		return 0;
	if (len > LINE_MAX_LEN || memchr(line, '\0', len) != NULL)
		return -EBADMSG;
	memcpy(rb->line, line, len);
	rb->line[len] = '\0';
	if (ln_normalize(rb->ctx, rb->line, len, &json) != 0)
		rc = -EBADMSG;
	else
		rc = fill_entry(rb, json, e);
	fjson_object_put(json);
	return rc;
}

const char *
rulebase_syslog_host(const struct rulebase *rb)
{
	return rb->syslog_host;
}

void
rulebase_free(struct rulebase *rb)
{
	if (rb == NULL)
		return;
	if (rb->ctx != NULL)
		ln_exitCtx(rb->ctx);
	free(rb);
}
