/*
 * lastcomm-ng: list the records of process accounting files.
 *
 * This first cut reads pacct files (plain, gzip, stdin) newest first or
 * in file order and prints each record as a kv line or JSON object of the
 * message schema.  GNU lastcomm's output format and options come next.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "macro.h"
#include "names.h"
#include "pacct.h"

#define DEFAULT_FILE	"/var/log/account/pacct"

enum output_format {
	OUTPUT_KV,
	OUTPUT_JSON,
};

struct options {
	enum output_format	format;
	struct pacct_options	pacct;
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: lastcomm-ng [--forwards] [--format kv|json] [--ahz hz] "
	    "[-f file]...\n");
	exit(status);
}

/* Print every record of one file; false if the file could not be read
 * whole. */
static bool
list_file(const char *path, const struct options *opt,
    const struct fmt_context *ctx)
{
	_cleanup_pacct_ struct pacct_reader *r = NULL;
	struct acct_event ev;
	struct pacct_region region;
	char line[FMT_JSON_MAX];
	bool clean = true;
	size_t n;
	int rc;

	if ((rc = pacct_open(path, &opt->pacct, &r)) < 0) {
		warnx("%s: %s", path, strerror(-rc));
		return false;
	}
	while ((rc = pacct_next(r, &ev, &region)) > 0) {
		switch (rc) {
		case PACCT_RECORD:
			n = opt->format == OUTPUT_JSON ?
			    fmt_json(line, sizeof(line), &ev, ctx) :
			    fmt_kv(line, sizeof(line), &ev, ctx);
			line[n++] = '\n';
			fwrite(line, 1, n, stdout);
			break;
		case PACCT_SKIPPED:
			warnx("%s: offset %" PRIu64 ": skipped %" PRIu64
			    " bytes that are not accounting records%s",
			    path, region.offset, region.length,
			    region.all_zero ? " (all zero)" : "");
			clean = false;
			break;
		case PACCT_PARTIAL:
			warnx("%s: offset %" PRIu64 ": %" PRIu64 " bytes at the "
			    "end are less than a record (truncated, or still "
			    "being written); not shown", path, region.offset,
			    region.length);
			clean = false;
			break;
		}
	}
	if (rc < 0) {
		warnx("%s: offset %" PRIu64 ": %s", path, pacct_offset(r),
		    rc == -EBADMSG ? "corrupt or truncated gzip data" :
		    strerror(-rc));
		return false;
	}
	return clean;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "forwards", no_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'o' },
		{ "ahz", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opt = { .format = OUTPUT_KV,
	    .pacct = { .direction = PACCT_BACKWARD } };
	struct fmt_context ctx = { 0 };
	_cleanup_free_ const char **files = NULL;
	char host[HOST_NAME_MAX + 1];
	size_t n_files = 0;
	bool ok = true;
	char *end;
	long v;
	int c;

	if ((files = calloc((size_t)argc + 1, sizeof(*files))) == NULL)
		err(1, "out of memory");
	while ((c = getopt_long(argc, argv, "f:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			files[n_files++] = optarg;
			break;
		case 'F':
			opt.pacct.direction = PACCT_FORWARD;
			break;
		case 'o':
			if (strcmp(optarg, "kv") == 0)
				opt.format = OUTPUT_KV;
			else if (strcmp(optarg, "json") == 0)
				opt.format = OUTPUT_JSON;
			else
				errx(2, "--format %s: unknown format; use kv "
				    "or json", optarg);
			break;
		case 'a':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 1 ||
			    v > UINT16_MAX)
				errx(2, "--ahz %s: give ticks per second, "
				    "1 to 65535", optarg);
			opt.pacct.default_ahz = (unsigned)v;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("lastcomm-ng %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(2);
		}
	}
	if (optind < argc)
		usage(2);
	if (n_files == 0)
		files[n_files++] = DEFAULT_FILE;

	if (names_new(&ctx.names) < 0)
		err(1, "out of memory");
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		ctx.host = host;
	}
	for (size_t i = 0; i < n_files; i++)
		ok &= list_file(files[i], &opt, &ctx);
	names_free(ctx.names);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "standard output");
	return ok ? 0 : 1;
}
