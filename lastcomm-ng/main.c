/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lastcomm-ng: list the commands that ran, from process accounting files.
 *
 * A drop-in for GNU lastcomm (same options, same output by default) that
 * also reads gzip files and stdin, the whole rotated set, filters by time,
 * ids and exit status, and prints long, kv, JSON and CSV.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "macro.h"
#include "names.h"
#include "pacct.h"
#include "print.h"
#include "query.h"
#include "rotated.h"
#include "source.h"
#include "summary.h"
#include "verify.h"
#include "when.h"

#define DEFAULT_FILE	"/var/log/account/pacct"
#define FOLLOW_POLL_US	250000	/* how often --follow looks for more */
#define DEFAULT_MAX_SPOOL "1G"	/* --max-spool */
#ifndef RULEBASE_DIR
#define RULEBASE_DIR	"/usr/share/acct2syslog"
#endif

/* A file or source name as a message may quote it (in the text view: a
 * name in a folder of archives may come from a sending host), in a buffer
 * that lives to the end of the enclosing block. */
#define SHOWN(s)	shown((s), (char[ESC_VIEW_MAX(PATH_MAX)]){ 0 })

static const char *
shown(const char *s, char buf[ESC_VIEW_MAX(PATH_MAX)])
{
	esc_view(buf, ESC_VIEW_MAX(PATH_MAX), s, strnlen(s, PATH_MAX),
	    ESC_VIEW_TEXT, NULL);
	return buf;
}

struct options {
	struct pacct_options pacct;
	struct query	query;
	struct printer	printer;
	bool		debug;
	bool		all;
	bool		follow;
	struct summary	*summary;	/* --summary: totals, no listing */
	const char	**files;
	size_t		n_files, files_cap;
	char		**owned;	/* paths found by --all */
	size_t		n_owned;
	/* Forwarded archives and the journal. */
	const char	**archives;
	size_t		n_archives;
	bool		journal;
	const char	*journal_dir, *journal_file;
	const char	*rulebase_dir;
	struct verify	*verify;	/* --verify: check, do not list */
	const char	*max_spool;	/* as given, for messages */
};

enum {
	OPT_FORWARDS = 256, OPT_USER, OPT_TTY, OPT_COMMAND, OPT_STRICT,
	OPT_CONTROLS, OPT_PID, OPT_AHZ, OPT_DEBUG, OPT_FORMAT, OPT_UTC,
	OPT_SINCE, OPT_UNTIL, OPT_PROCESS_ID, OPT_PPID, OPT_UID,
	OPT_EXIT_CODE, OPT_SIGNALED, OPT_FAILED, OPT_GLOB, OPT_REGEX, OPT_ALL,
	OPT_SUMMARY, OPT_FOLLOW, OPT_ARCHIVE, OPT_JOURNAL, OPT_JOURNAL_DIR,
	OPT_JOURNAL_FILE, OPT_HOST, OPT_VERIFY, OPT_RULEBASE, OPT_MAX_SPOOL,
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
"usage: lastcomm-ng [-hpV] [-f file] [--forwards] [--all] [--strict-match]\n"
"                   [--user name] [--tty name] [--command name]\n"
"                   [--glob | --regex] [--since time] [--until time]\n"
"                   [--process-id pid] [--ppid pid] [--uid uid]\n"
"                   [--exit-code n] [--signaled] [--failed]\n"
"                   [--format lastcomm|long|kv|json|csv] [--utc] [--summary]\n"
"                   [--follow] [--archive file] [--journal]\n"
"                   [--journal-dir dir] [--journal-file file] [--host name]\n"
"                   [--verify] [--rulebase dir] [--max-spool size]\n"
"                   [--pid] [--show-paging] [--print-controls] [--ahz hz]\n"
"                   [--debug] [command ...] [user ...] [terminal ...]\n"
"\n"
"The default file is " DEFAULT_FILE "; -f - reads standard input.\n");
	exit(status);
}

/* A number option in [0, max]; exits with a message when it is not. */
static uint32_t
parse_number(const char *option, const char *text, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end != '\0' || text[0] == '-' || v > max)
		errx(1, "%s %s: give a whole number from 0 to %lu", option,
		    text, max);
	return (uint32_t)v;
}

/* A size option: a whole number of bytes, or of KiB, MiB, GiB with K, M,
 * G after it; at least 1.  Exits with a message when it is not. */
static uint64_t
parse_size(const char *option, const char *text)
{
	static const char units[] = "KMG";
	const char *unit;
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (*end != '\0' && end[1] == '\0' &&
	    (unit = strchr(units, *end)) != NULL) {
		shift = 10 * (int)(unit - units + 1);
		end++;
	}
	if (errno || end == text || *end != '\0' || text[0] == '-' ||
	    v == 0 || v > (UINT64_MAX >> shift))
		errx(1, "%s %s: give a size of at least 1 byte, in bytes or "
		    "with K, M or G after it (512M)", option, text);
	return (uint64_t)v << shift;
}

/* The rotated set of base (common/rotated.h: base.N[.gz], base-DATE[.gz]),
 * oldest first, base itself last. */
static void
add_rotated_set(struct options *opt, const char *base)
{
	char **found = NULL;
	size_t n_found = 0;
	int rc;

	if ((rc = rotated_list(base, ROTATED_WITH_LIVE, &found,
	    &n_found)) < 0) {
		if (rc == -ENOMEM)
			errx(1, "out of memory");
		errno = -rc;
		err(1, "%s: cannot list its rotated files", SHOWN(base));
	}
	if (n_found == 0)
		warnx("%s: no such file, nor rotated copies of it",
		    SHOWN(base));
	if (opt->n_files + n_found > opt->files_cap)
		errx(1, "%s: too many rotated files", SHOWN(base));
	opt->owned = reallocarray(opt->owned, opt->n_owned + n_found + 1,
	    sizeof(*opt->owned));
	if (opt->owned == NULL)
		err(1, "out of memory");
	/* Oldest first, the live file last (the list is newest first). */
	for (size_t i = n_found; i-- > 0;)
		opt->files[opt->n_files++] = opt->owned[opt->n_owned++] =
		    TAKE_PTR(found[i]);
	rotated_list_free(found, n_found);
}

/* A --since or --until time into *ret (when text is given); exits with a
 * message naming the option when it is not a time. */
static bool
parse_when(const char *option, const char *text, time_t now, bool utc,
    int64_t *ret)
{
	time_t t;

	if (text == NULL)
		return false;
	if (when_parse(text, now, utc, &t) < 0)
		errx(1, "%s %s: give a date (2026-11-21), a date and time "
		    "(2026-11-21T05:27), today, yesterday or -2h", option, text);
	*ret = t;
	return true;
}

static void
parse_options(int argc, char *argv[], struct options *opt)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "forwards", no_argument, NULL, OPT_FORWARDS },
		{ "user", required_argument, NULL, OPT_USER },
		{ "tty", required_argument, NULL, OPT_TTY },
		{ "command", required_argument, NULL, OPT_COMMAND },
		{ "strict-match", no_argument, NULL, OPT_STRICT },
		{ "print-controls", no_argument, NULL, OPT_CONTROLS },
		{ "show-paging", no_argument, NULL, 'p' },
		{ "pid", no_argument, NULL, OPT_PID },
		{ "ahz", required_argument, NULL, OPT_AHZ },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "utc", no_argument, NULL, OPT_UTC },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "process-id", required_argument, NULL, OPT_PROCESS_ID },
		{ "ppid", required_argument, NULL, OPT_PPID },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "exit-code", required_argument, NULL, OPT_EXIT_CODE },
		{ "signaled", no_argument, NULL, OPT_SIGNALED },
		{ "failed", no_argument, NULL, OPT_FAILED },
		{ "glob", no_argument, NULL, OPT_GLOB },
		{ "regex", no_argument, NULL, OPT_REGEX },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "archive", required_argument, NULL, OPT_ARCHIVE },
		{ "journal", no_argument, NULL, OPT_JOURNAL },
		{ "journal-dir", required_argument, NULL, OPT_JOURNAL_DIR },
		{ "journal-file", required_argument, NULL, OPT_JOURNAL_FILE },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "rulebase", required_argument, NULL, OPT_RULEBASE },
		{ "max-spool", required_argument, NULL, OPT_MAX_SPOOL },
		{ NULL, 0, NULL, 0 },
	};
	struct query *q = &opt->query;
	const char *since = NULL, *until = NULL, *bad;
	time_t now = time(NULL);
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "f:hpV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt->files[opt->n_files++] = optarg;
			break;
		case OPT_FORWARDS:
			opt->pacct.direction = PACCT_FORWARD;
			break;
		case OPT_USER:
			rc = query_add_name(&q->users, optarg);
			break;
		case OPT_TTY:
			rc = query_add_name(&q->ttys, optarg);
			break;
		case OPT_COMMAND:
			rc = query_add_name(&q->commands, optarg);
			break;
		case OPT_STRICT:
			q->strict = true;
			break;
		case OPT_CONTROLS:
			/* Accepted for compatibility: control bytes are shown
			 * as '?' all the same (never sent raw to a terminal). */
			break;
		case 'p':
			opt->printer.show_paging = true;
			break;
		case OPT_PID:
			opt->printer.show_pid = true;
			break;
		case OPT_AHZ:
			opt->pacct.default_ahz = parse_number("--ahz", optarg,
			    UINT16_MAX);
			if (opt->pacct.default_ahz == 0)
				errx(1, "--ahz 0: give ticks per second, 1 to "
				    "65535");
			break;
		case OPT_DEBUG:
			opt->debug = true;
			break;
		case 'V':
			printf("lastcomm-ng %s\n", PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(0);
		case OPT_FORMAT:
			if (printer_parse_format(optarg,
			    &opt->printer.format) < 0)
				errx(1, "--format %s: unknown format; use "
				    "lastcomm, long, kv, json or csv", optarg);
			break;
		case OPT_UTC:
			opt->printer.utc = true;
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_UNTIL:
			until = optarg;
			break;
		case OPT_PROCESS_ID:
			rc = query_add_id(&q->pids, parse_number("--process-id",
			    optarg, UINT32_MAX));
			break;
		case OPT_PPID:
			rc = query_add_id(&q->ppids, parse_number("--ppid",
			    optarg, UINT32_MAX));
			break;
		case OPT_UID:
			rc = query_add_id(&q->uids, parse_number("--uid",
			    optarg, UINT32_MAX));
			break;
		case OPT_EXIT_CODE:
			rc = query_add_id(&q->exit_codes, parse_number(
			    "--exit-code", optarg, 255));
			break;
		case OPT_SIGNALED:
			q->signaled = true;
			break;
		case OPT_FAILED:
			q->failed = true;
			break;
		case OPT_GLOB:
			q->mode = MATCH_GLOB;
			break;
		case OPT_REGEX:
			q->mode = MATCH_REGEX;
			break;
		case OPT_ALL:
			opt->all = true;
			break;
		case OPT_FOLLOW:
			opt->follow = true;
			break;
		case OPT_ARCHIVE:
			opt->archives[opt->n_archives++] = optarg;
			break;
		case OPT_JOURNAL:
			opt->journal = true;
			break;
		case OPT_JOURNAL_DIR:
			opt->journal = true;
			opt->journal_dir = optarg;
			break;
		case OPT_JOURNAL_FILE:
			opt->journal = true;
			opt->journal_file = optarg;
			break;
		case OPT_HOST:
			rc = query_add_name(&q->hosts, optarg);
			break;
		case OPT_VERIFY:
			if (opt->verify == NULL &&
			    (opt->verify = verify_new()) == NULL)
				errx(1, "out of memory");
			break;
		case OPT_RULEBASE:
			opt->rulebase_dir = optarg;
			break;
		case OPT_MAX_SPOOL:
			opt->max_spool = optarg;
			break;
		case OPT_SUMMARY:
			if (opt->summary == NULL &&
			    (opt->summary = summary_new()) == NULL)
				errx(1, "out of memory");
			break;
		default:
			usage(1);
		}
		if (rc < 0)
			errx(1, "out of memory");
	}
	for (; optind < argc; optind++)
		if (query_add_name(&q->any, argv[optind]) < 0)
			errx(1, "out of memory");
	opt->pacct.max_spool = parse_size("--max-spool", opt->max_spool);
	if ((rc = query_compile(q, &bad)) < 0)
		errx(1, rc == -EINVAL ? "%s: not a regular expression" :
		    "out of memory", bad);

	/* Times are read once every option is in: --utc may come last. */
	q->has_since = parse_when("--since", since, now, opt->printer.utc,
	    &q->since);
	q->has_until = parse_when("--until", until, now, opt->printer.utc,
	    &q->until);
	if (opt->journal_dir != NULL && opt->journal_file != NULL)
		errx(1, "--journal-dir and --journal-file do not go together");
	if ((opt->n_archives > 0 || opt->journal) && (opt->follow || opt->all))
		errx(1, "--follow and --all are for pacct files (-f), not "
		    "--archive or the journal");
	if (opt->n_files == 0 && opt->n_archives == 0 && !opt->journal)
		opt->files[opt->n_files++] = DEFAULT_FILE;
	if (opt->follow) {
		if (opt->summary != NULL)
			errx(1, "--follow and --summary do not go together");
		opt->pacct.direction = PACCT_FORWARD;
	}
	if (opt->all) {
		/* Each file given stands for its rotated set. */
		size_t n_bases = opt->n_files;
		const char **bases = malloc(n_bases * sizeof(*bases));

		if (bases == NULL)
			err(1, "out of memory");
		memcpy(bases, opt->files, n_bases * sizeof(*bases));
		opt->n_files = 0;
		for (size_t i = 0; i < n_bases; i++) {
			size_t first = opt->n_files;

			add_rotated_set(opt, bases[i]);
			/* Newest first when reading backwards. */
			if (opt->pacct.direction == PACCT_BACKWARD &&
			    opt->n_files > first)
				for (size_t a = first, b = opt->n_files - 1;
				    a < b; a++, b--) {
					const char *f = opt->files[a];

					opt->files[a] = opt->files[b];
					opt->files[b] = f;
				}
		}
		free(bases);
	}
}

/* Print the records the query selects, up to the reader's end (for now,
 * when following); false if anything was wrong with the data. */
static bool
drain(struct pacct_reader *r, const char *path, struct options *opt)
{
	struct acct_event ev;
	struct pacct_region region;
	bool clean = true;
	int rc;

	while ((rc = pacct_next(r, &ev, &region)) > 0) {
		switch (rc) {
		case PACCT_RECORD:
			if (!query_match(&opt->query, &ev, &opt->printer.ctx))
				break;
			if (opt->summary == NULL)
				printer_record(&opt->printer, &ev);
			else if (summary_add(opt->summary, &ev,
			    &opt->printer.ctx) < 0)
				errx(1, "out of memory");
			break;
		case PACCT_SKIPPED:
			warnx("%s: offset %" PRIu64 ": skipped %" PRIu64
			    " bytes that are not accounting records%s",
			    SHOWN(path), region.offset, region.length,
			    region.all_zero ? " (all zero)" : "");
			clean = false;
			break;
		case PACCT_PARTIAL:
			warnx("%s: offset %" PRIu64 ": %" PRIu64 " bytes at the "
			    "end are less than a record (truncated, or still "
			    "being written); not shown", SHOWN(path),
			    region.offset, region.length);
			clean = false;
			break;
		}
	}
	if (rc < 0) {
		warnx("%s: offset %" PRIu64 ": %s", SHOWN(path),
		    pacct_offset(r), rc == -EBADMSG ?
		    "corrupt or truncated gzip data" : strerror(-rc));
		clean = false;
	}
	return clean;
}

/* One message of an archive or the journal: checked (--verify), or
 * filtered and printed with the names and host it came with. */
static void
take_entry(const struct entry *e, struct options *opt)
{
	struct query_context saved = opt->printer.ctx, ctx = saved;

	if (opt->verify != NULL) {
		if (verify_add(opt->verify, e) < 0)
			errx(1, "out of memory");
		return;
	}
	if (!e->is_record)
		return;
	ctx.stream = e->ctx.stream;
	ctx.seq = e->ctx.seq;
	if (e->names_given) {		/* else a pacct archive: from here */
		ctx.names_given = true;
		ctx.user = e->ctx.user;
		ctx.group = e->ctx.group;
		ctx.tty = e->ctx.tty;
		ctx.host = e->ctx.host;
	}
	if (!query_match(&opt->query, &e->ev, &ctx))
		return;
	if (opt->summary != NULL) {
		if (summary_add(opt->summary, &e->ev, &ctx) < 0)
			errx(1, "out of memory");
		return;
	}
	opt->printer.ctx = ctx;
	printer_record(&opt->printer, &e->ev);
	opt->printer.ctx = saved;
}

/* Every message of a source; false if anything was wrong with it. */
static bool
list_source(struct source *src, struct options *opt)
{
	struct entry e;
	bool clean = true;
	int rc;

	while ((rc = source_next(src, &e)) != 0) {
		if (rc == -EBADMSG) {
			warnx("%s:%" PRIu64 ": a damaged acct2syslog message; "
			    "skipped", SHOWN(source_name(src)),
			    source_line(src));
			clean = false;
			continue;
		}
		if (rc == -EMSGSIZE) {
			warnx("%s:%" PRIu64 ": a line longer than %d bytes; "
			    "skipped whole", SHOWN(source_name(src)),
			    source_line(src), SOURCE_LINE_MAX);
			clean = false;
			continue;
		}
		if (rc < 0) {
			warnx("%s: %s", SHOWN(source_name(src)), rc == -EILSEQ ?
			    "corrupt or truncated gzip data" : strerror(-rc));
			clean = false;
			break;
		}
		take_entry(&e, opt);
	}
	return clean;
}

/* The matches a journal can apply itself: a single exact --user, --uid
 * or --host, and records only when not verifying. */
static void
journal_matches(const struct options *opt, struct source_matches *m)
{
	const struct query *q = &opt->query;

	memset(m, 0, sizeof(*m));
	m->records_only = opt->verify == NULL;
	if (q->mode != MATCH_EXACT || q->any.count > 0)
		return;
	if (q->users.count == 1)
		m->user = q->users.names[0];
	if (q->uids.count == 1) {
		m->has_uid = true;
		m->uid = q->uids.ids[0];
	}
	if (q->hosts.count == 1)
		m->host = q->hosts.names[0];
}

/* The archives and the journal; false if anything was wrong. */
static bool
list_archives(struct options *opt)
{
	struct source *src;
	bool ok = true;
	int rc;

	for (size_t i = 0; i < opt->n_archives; i++) {
		const char *path = opt->archives[i];

		if ((rc = source_open_archive(path, opt->rulebase_dir,
		    &src)) < 0) {
			warnx("%s: %s", SHOWN(path), rc == -EMEDIUMTYPE ?
			    "not an archive lastcomm-ng reads (syslog text, "
			    "JSON lines or pacct)" : rc == -EILSEQ ? "corrupt "
			    "or truncated gzip data" : strerror(-rc));
			ok = false;
			continue;
		}
		ok &= list_source(src, opt);
		source_close(src);
	}
	if (opt->journal) {
		struct source_matches m;

		journal_matches(opt, &m);
		if ((rc = source_open_journal(opt->journal_dir,
		    opt->journal_file, &m, &src)) < 0) {
			warnx("%s: %s", SHOWN(opt->journal_file ?
			    opt->journal_file : opt->journal_dir ?
			    opt->journal_dir : "the journal"),
			    rc == -EPROTONOSUPPORT ? "built without libsystemd"
			    : strerror(-rc));
			return false;
		}
		ok &= list_source(src, opt);
		source_close(src);
	}
	return ok;
}

/* Print the records of one file that the query selects; false if the
 * file could not be read whole. */
static bool
list_file(const char *path, struct options *opt)
{
	_cleanup_pacct_ struct pacct_reader *r = NULL;
	struct pacct_stats stats;
	bool clean;
	int rc;

	struct pacct_options po = opt->pacct;

	/* GNU lastcomm reads standard input in file order: so do we. */
	if (strcmp(path, "-") == 0)
		po.direction = PACCT_FORWARD;
	if ((rc = pacct_open(path, &po, &r)) == -EFBIG) {
		warnx("%s: more than %s (--max-spool) to copy to a temporary "
		    "file to read it newest first; use --forwards, or a larger "
		    "--max-spool", SHOWN(path), opt->max_spool);
		return false;
	}
	if (rc < 0) {
		warnx("%s: %s", SHOWN(path), strerror(-rc));
		return false;
	}
	clean = drain(r, path, opt);
	if (opt->debug) {
		pacct_get_stats(r, &stats);
		fprintf(stderr, "lastcomm-ng: %s: %s, %" PRIu64 " records, %"
		    PRIu64 " bytes skipped in %" PRIu64 " regions, %" PRIu64
		    " bytes of short tail\n", SHOWN(path), pacct_compressed(r) ?
		    "gzip" : "plain", stats.records, stats.skipped_bytes,
		    stats.skipped_regions, stats.partial_bytes);
	}
	return clean;
}

/* Open path ("-": standard input) for --follow, and the identity of the
 * file the reader reads, from its descriptor: a stat(2) of the path after
 * open(2) may see a file that replaced it meanwhile (or fail, and leave
 * *ret_st unset). */
static int
follow_open(const char *path, const struct pacct_options *po,
    struct pacct_reader **ret, struct stat *ret_st)
{
	int fd, rc;

	fd = strcmp(path, "-") == 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) :
	    open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, ret_st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return pacct_open_fd(fd, strcmp(path, "-") == 0 ? "(stdin)" : path,
	    po, ret);
}

/*
 * --follow: print the file's records, then each new one as it is written,
 * like tail -f.  When the path is given a new file (rotation), the old one
 * is drained first: the kernel writes to it until accounting moves on.
 * Runs until killed or the file cannot be read.
 */
static bool __attribute__((noreturn))
follow_file(const char *path, struct options *opt)
{
	struct pacct_options po = opt->pacct;
	struct pacct_reader *r = NULL;
	struct stat st, opened;
	int rc;

	po.follow = true;
	for (;;) {
		if (r == NULL) {
			if ((rc = follow_open(path, &po, &r, &opened)) < 0) {
				if (rc != -ENOENT)
					errx(1, "%s: %s", SHOWN(path),
					    strerror(-rc));
				/* Between rename and re-creation: wait. */
				usleep(FOLLOW_POLL_US);
				continue;
			}
		}
		drain(r, path, opt);
		if (fflush(stdout) == EOF)
			err(1, "standard output");
		usleep(FOLLOW_POLL_US);
		if (stat(path, &st) == 0 && (st.st_ino != opened.st_ino ||
		    st.st_dev != opened.st_dev) && st.st_size > 0) {
			/* Rotated, and the new file has records: what the
			 * old one got meanwhile comes first. */
			drain(r, path, opt);
			pacct_close(r);
			r = NULL;
		}
	}
}

int
main(int argc, char *argv[])
{
	struct options opt = { .pacct = { .direction = PACCT_BACKWARD } };
	char host[HOST_NAME_MAX + 1];
	static char outbuf[1 << 16];
	bool ok = true;

	/* -f can come argc times; --all adds the directory's files. */
	opt.files_cap = (size_t)argc + 4096;
	opt.files = calloc(opt.files_cap, sizeof(*opt.files));
	opt.archives = calloc((size_t)argc + 1, sizeof(*opt.archives));
	if (opt.files == NULL || opt.archives == NULL)
		err(1, "out of memory");
	opt.rulebase_dir = getenv("LASTCOMM_NG_RULEBASE_DIR");
	if (opt.rulebase_dir == NULL)
		opt.rulebase_dir = RULEBASE_DIR;
	opt.printer.out = stdout;
	opt.max_spool = DEFAULT_MAX_SPOOL;
	parse_options(argc, argv, &opt);
	if (names_new(&opt.printer.ctx.names) < 0)
		err(1, "out of memory");
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		opt.printer.ctx.host = host;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	opt.pacct.prefilter_arg = query_prefilter_new(&opt.query,
	    opt.printer.ctx.names);
	if (opt.pacct.prefilter_arg != NULL)
		opt.pacct.prefilter = query_prefilter;
	/* Several archives, or the journal, may hold many hosts. */
	opt.printer.show_host = opt.n_archives > 1 || opt.journal;
	if (opt.summary == NULL && opt.verify == NULL)
		printer_begin(&opt.printer);
	for (size_t i = 0; i < opt.n_files; i++) {
		if (opt.follow && i + 1 == opt.n_files)
			follow_file(opt.files[i], &opt);
		ok &= list_file(opt.files[i], &opt);
	}
	ok &= list_archives(&opt);
	if (opt.verify != NULL) {
		int complete = verify_report(opt.verify, stdout);

		if (complete < 0)
			errx(1, "out of memory");
		ok &= complete == 1;
		verify_free(opt.verify);
	}
	if (opt.summary != NULL)
		summary_print(opt.summary, opt.printer.ctx.names, stdout);
	summary_free(opt.summary);

	query_prefilter_free(opt.pacct.prefilter_arg);
	names_free(opt.printer.ctx.names);
	query_free(&opt.query);
	for (size_t i = 0; i < opt.n_owned; i++)
		free(opt.owned[i]);
	free(opt.owned);
	free(opt.files);
	free(opt.archives);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "standard output");
	return ok ? 0 : 1;
}
