/* SPDX-License-Identifier: Apache-2.0 */
/*
 * acct-fields: print what the common reader decodes from pacct files.
 * A test tool, never installed.
 *
 * Default output: one line per item.  A record prints every field of
 * struct acct_event as key=value in a fixed order, the command name last
 * with every byte outside 0x21..0x7e, and the backslash, as \ooo, so a line
 * is unambiguous whatever the name holds.  A region that is not records
 * prints "skip offset=N length=N zero=0|1", a short tail
 * "partial offset=N length=N".
 *
 * --gnu: one line per record exactly as GNU acct's dump-acct (without
 * --raw) prints it, made from our decoded values, so that diff(1) against
 * dump-acct is the comparison.  Skips and tails go to standard error there,
 * since dump-acct prints nothing for them.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "macro.h"
#include "pacct.h"
#include "record.h"

#define PROGRAM_NAME	"acct-fields"

/* The pseudo-terminal majors: dump-acct names them "pts/N" by arithmetic. */
#define PTS_MAJOR_FIRST	136
#define PTS_MAJOR_LAST	143
#define TTY_NAME_SIZE	(NAME_MAX + 1)	/* a /dev entry, or "[255,255]" */

static void
usage(void)
{
	fprintf(stderr, "usage: %s [--gnu] [-r] [--ahz hz] file ...\n",
	    PROGRAM_NAME);
	exit(1);
}

/* The command name, every byte not plainly visible as \ooo (unambiguous). */
static void
print_comm_escaped(const struct acct_event *ev)
{
	for (unsigned i = 0; i < ev->comm_len; i++) {
		unsigned char c = (unsigned char)ev->comm[i];

		if (c < 0x21 || c > 0x7e || c == '\\')
			printf("\\%03o", c);
		else
			putchar(c);
	}
}

/* Print one record as key=value pairs, every field, fixed order. */
static void
print_fields(const struct acct_event *ev)
{
	printf("version=%u big_endian=%d flags=0x%02x pid=%" PRIu32
	    " ppid=%" PRIu32 " uid=%" PRIu32 " gid=%" PRIu32 " tty=%" PRIu32
	    " wait_status=%" PRIu32 " exit_code=%u signal=%u core_dumped=%d"
	    " ahz=%u start_time=%" PRIu32 " elapsed_ticks=%.2f"
	    " user_ticks=%" PRIu64 " sys_ticks=%" PRIu64 " mem_kib=%" PRIu64
	    " io_chars=%" PRIu64 " io_blocks=%" PRIu64 " minflt=%" PRIu64
	    " majflt=%" PRIu64 " swaps=%" PRIu64 " comm=",
	    ev->version, ev->big_endian, ev->flags, ev->pid, ev->ppid,
	    ev->uid, ev->gid, ev->tty, ev->wait_status, ev->exit_code,
	    ev->signal, ev->core_dumped, ev->ahz, ev->start_time,
	    ev->elapsed_ticks, ev->user_ticks, ev->sys_ticks, ev->mem_kib,
	    ev->io_chars, ev->io_blocks, ev->minflt, ev->majflt, ev->swaps);
	print_comm_escaped(ev);
	putchar('\n');
}

/*
 * Find the name dump-acct gives a terminal that is not a pseudo-terminal:
 * the first character device in /dev with that number, links not
 * followed (/dev/stdin must not name whatever our stdin is).  False when
 * there is none.
 */
static bool
dev_name_lookup(unsigned major_number, unsigned minor_number, char *buf,
    size_t size)
{
	DIR *dir;
	struct dirent *entry;
	struct stat st;
	char path[PATH_MAX];
	bool found = false;

	if ((dir = opendir("/dev")) == NULL)
		return false;
	while (!found && (entry = readdir(dir)) != NULL) {
		if (snprintf(path, sizeof(path), "/dev/%s", entry->d_name) >=
		    (int)sizeof(path))
			continue;
		if (lstat(path, &st) == -1 || !S_ISCHR(st.st_mode))
			continue;
		if (major(st.st_rdev) != major_number ||
		    minor(st.st_rdev) != minor_number)
			continue;
		snprintf(buf, size, "%s", entry->d_name);
		found = true;
	}
	closedir(dir);
	return found;
}

/*
 * The terminal column of dump-acct: "__" for none, "pts/N" for the
 * pseudo-terminal majors, a name from this machine's /dev, else
 * "[major,minor]".  The numbers are the record's; the names are
 * presentation (of the reading machine), mirrored so the lines compare.
 */
static void
gnu_tty_name(uint32_t tty, char *buf, size_t size)
{
	static uint32_t cached_tty;
	static char cached_name[TTY_NAME_SIZE];
	unsigned major_number = (tty >> 8) & 0xff, minor_number = tty & 0xff;

	if (tty == ACCT_TTY_NONE) {
		snprintf(buf, size, "__");
		return;
	}
	if (major_number >= PTS_MAJOR_FIRST && major_number <= PTS_MAJOR_LAST) {
		snprintf(buf, size, "pts/%u",
		    (major_number - PTS_MAJOR_FIRST) * 256 + minor_number);
		return;
	}
	if (cached_tty != tty) {
		if (!dev_name_lookup(major_number, minor_number, cached_name,
		    sizeof(cached_name)))
			snprintf(cached_name, sizeof(cached_name), "[%u,%u]",
			    major_number, minor_number);
		cached_tty = tty;
	}
	snprintf(buf, size, "%s", cached_name);
}

/*
 * Print one record as GNU dump-acct 6.6 does:
 *   comm|vN|utime|stime|etime|uid|gid|mem|io|pid|ppid|SFCDX|exit|tty|ctime
 * Times are raw ticks, as dump-acct prints them.  Where dump-acct loses
 * information we mirror it only as presentation of our own values:
 *  - the exit column is our exit_code: dump-acct prints the whole wait
 *    status shifted right by 8, so the signal and core bits are dropped
 *    (and statuses above 0xffff, which no kernel writes, would differ);
 *  - etime goes through a float, as in dump-acct's in-memory record: for
 *    v0..v2 values above 2^24 ticks that rounds, for v3 it is exact;
 *  - pid and ppid print signed, as dump-acct does (0 for v0..v2);
 *  - the terminal name, see gnu_tty_name().
 */
static void
print_gnu(const struct acct_event *ev)
{
	static const struct {
		uint8_t	bit;
		char	letter;
	} flag_letters[] = {
		{ ACCT_FLAG_SU, 'S' },
		{ ACCT_FLAG_FORK, 'F' },
		{ ACCT_FLAG_COMPAT, 'C' },
		{ ACCT_FLAG_CORE, 'D' },
		{ ACCT_FLAG_XSIG, 'X' },
	};
	char tty[TTY_NAME_SIZE], date[64];
	time_t start = (time_t)ev->start_time;
	struct tm tm;

	printf("%-16.16s|v%u|", ev->comm, ev->version);
	printf("%9.2f|%9.2f|%9.2f|", (double)ev->user_ticks,
	    (double)ev->sys_ticks, (double)(float)ev->elapsed_ticks);
	printf("%6" PRIu32 "|%6" PRIu32 "|", ev->uid, ev->gid);
	printf("%9.2f|%9.2f|", (double)ev->mem_kib, (double)ev->io_chars);
	printf("%8" PRId32 "|%8" PRId32 "|", (int32_t)ev->pid,
	    (int32_t)ev->ppid);
	for (size_t i = 0; i < ELEMENTSOF(flag_letters); i++)
		putchar(ev->flags & flag_letters[i].bit ?
		    flag_letters[i].letter : ' ');
	gnu_tty_name(ev->tty, tty, sizeof(tty));
	printf("|%8u|%-8.8s|", ev->exit_code, tty);
	/* ctime(3)'s layout, in the local zone (the tests set TZ=UTC). */
	if (localtime_r(&start, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(date, sizeof(date), "?");
	printf("%s\n", date);
}

/* Data that is not records: an item on stdout; with --gnu, on stderr. */
static void
print_region(const char *path, int status, const struct pacct_region *region,
    bool gnu)
{
	FILE *out = stdout;

	if (gnu) {
		out = stderr;
		fprintf(out, "%s: %s: ", PROGRAM_NAME, path);
	}
	if (status == PACCT_SKIPPED)
		fprintf(out, "skip offset=%" PRIu64 " length=%" PRIu64
		    " zero=%d\n", region->offset, region->length,
		    region->all_zero);
	else
		fprintf(out, "partial offset=%" PRIu64 " length=%" PRIu64 "\n",
		    region->offset, region->length);
}

/* Print every item of one file; false after an error, already reported. */
static bool
dump_file(const char *path, const struct pacct_options *options, bool gnu)
{
	_cleanup_pacct_ struct pacct_reader *reader = NULL;
	struct acct_event ev;
	struct pacct_region region;
	int r;

	r = pacct_open(path, options, &reader);
	if (r < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGRAM_NAME, path,
		    strerror(-r));
		return false;
	}
	while ((r = pacct_next(reader, &ev, &region)) > 0) {
		switch (r) {
		case PACCT_RECORD:
			if (gnu)
				print_gnu(&ev);
			else
				print_fields(&ev);
			break;
		case PACCT_SKIPPED:
		case PACCT_PARTIAL:
			print_region(path, r, &region, gnu);
			break;
		}
	}
	if (r < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: %s: %s\n", PROGRAM_NAME, path,
		    strerror(-r));
		return false;
	}
	return true;
}

int
main(int argc, char *argv[])
{
	static const struct option long_options[] = {
		{ "ahz", required_argument, NULL, 'A' },
		{ "gnu", no_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "reverse", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct pacct_options options = { .direction = PACCT_FORWARD };
	bool gnu = false, failed = false;
	unsigned long value;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "hr", long_options, NULL)) != -1) {
		switch (c) {
		case 'A':
			errno = 0;
			value = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    value == 0 || value > UINT16_MAX) {
				fprintf(stderr, "%s: --ahz: not a tick rate "
				    "in 1..%u: %s\n", PROGRAM_NAME, UINT16_MAX,
				    optarg);
				exit(1);
			}
			options.default_ahz = (unsigned)value;
			break;
		case 'G':
			gnu = true;
			break;
		case 'r':
			options.direction = PACCT_BACKWARD;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();

	for (int i = 0; i < argc; i++)
		if (!dump_file(argv[i], &options, gnu))
			failed = true;

	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "%s: stdout: %s\n", PROGRAM_NAME,
		    strerror(errno));
		return 1;
	}
	return failed ? 1 : 0;
}
