/* SPDX-License-Identifier: Apache-2.0 */
/*
 * acct-gen: write a large, realistic process accounting file.
 *
 * The library only decodes, so this program carries its own encoder: the
 * record layouts of v0, v1 (m68k, 62 bytes), v2 and v3 in either byte
 * order, and the kernel's rounding for comp_t, comp2_t and the v3 float.
 * The content imitates a busy server: a weighted mix of common commands,
 * a few users with a skew (root, accounts of this machine, and uids that
 * no longer exist), increasing pids that wrap, heavy-tailed times, mostly
 * clean exits with some failures and signals.  The same seed gives the
 * same bytes (on the same machine: the accounts come from getpwent(3);
 * --fixed-users makes the output the same everywhere).
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

#define OUTPUT_BUFFER_SIZE	(4 * 1024 * 1024)
#define DEFAULT_RECORDS		100000
#define DEFAULT_START		1700000000	/* 2023-11-14 22:13:20 UTC */
#define DEFAULT_SPAN		86400		/* one day */
#define DEFAULT_USERS		10
#define DEFAULT_PID_MAX		4194304		/* systemd's kernel.pid_max */
#define RESERVED_PIDS		300		/* the kernel wraps to here */
#define AHZ			100
#define MAX_USERS		10000
#define MAX_PASSWD_ENTRIES	100000
#define PARENT_RING_SIZE	16

#define TTY_MAJOR_PTS		136
#define TTY_MAJOR_VT		4

#define COMP_MANTISSA_MAX	0x1fff		/* 13 bits */
#define COMP2_MANTISSA_MAX	0xfffff		/* 20 bits, top one implied */

/* Who usually runs a command. */
enum owner {
	OWNER_SYSTEM,		/* root, now and then a service account */
	OWNER_SERVICE,		/* a service account (postgres, www-data) */
	OWNER_USER,		/* a person, now and then through sudo */
	OWNER_ANY,		/* anyone, skewed towards the busy ones */
};

#define TRAIT_TTY	0x01	/* interactive: often has a terminal */
#define TRAIT_FORKS	0x02	/* forks children that never exec (AFORK) */
#define TRAIT_PRIV	0x04	/* uses superuser privileges (ASU) */
#define TRAIT_SHELL	0x08	/* a shell: parent of others, exit 127 */
#define TRAIT_PIPE	0x10	/* often in a pipeline: SIGPIPE */
#define TRAIT_SEARCH	0x20	/* exit 1 means "not found" and is common */

struct command {
	const char	*name;		/* as the kernel keeps it: <= 15 */
	double		 weight;	/* relative frequency */
	enum owner	 owner;
	double		 elapsed;	/* median wall time, seconds */
	double		 cpu_share;	/* typical CPU time / wall time */
	double		 mem_kib;	/* typical virtual size at exit */
	unsigned	 traits;
};

/*
 * A day on a Debian server with a few interactive users: shell plumbing
 * from cron jobs and scripts dominates, then the daemons' helpers.  Names
 * longer than 15 bytes are cut as the kernel cuts them.
 */
static const struct command commands[] = {
	{ "sh", 120, OWNER_ANY, 0.05, 0.2, 2600, TRAIT_SHELL | TRAIT_FORKS },
	{ "bash", 70, OWNER_USER, 0.08, 0.3, 8900,
	    TRAIT_SHELL | TRAIT_FORKS | TRAIT_TTY },
	{ "grep", 60, OWNER_ANY, 0.004, 0.7, 6300, TRAIT_PIPE | TRAIT_SEARCH },
	{ "ls", 50, OWNER_USER, 0.003, 0.6, 6900, TRAIT_TTY | TRAIT_PIPE },
	{ "cat", 40, OWNER_ANY, 0.002, 0.5, 5500, TRAIT_PIPE },
	{ "sed", 30, OWNER_ANY, 0.003, 0.6, 6100, TRAIT_PIPE },
	{ "cron", 30, OWNER_SYSTEM, 0.9, 0.01, 8400, TRAIT_FORKS | TRAIT_PRIV },
	{ "sshd", 30, OWNER_SYSTEM, 45, 0.01, 15300,
	    TRAIT_FORKS | TRAIT_PRIV },
	{ "python3", 30, OWNER_ANY, 0.6, 0.7, 31000, TRAIT_FORKS | TRAIT_TTY },
	{ "date", 20, OWNER_ANY, 0.001, 0.5, 5600, 0 },
	{ "basename", 20, OWNER_ANY, 0.001, 0.5, 5500, 0 },
	{ "mawk", 20, OWNER_ANY, 0.004, 0.6, 5900, TRAIT_PIPE },
	{ "sleep", 20, OWNER_ANY, 20, 0.0001, 5500, 0 },
	{ "head", 20, OWNER_ANY, 0.002, 0.4, 5500, 0 },
	{ "git", 20, OWNER_USER, 0.08, 0.6, 17000, TRAIT_TTY | TRAIT_FORKS },
	{ "systemd-userwor", 15, OWNER_SYSTEM, 30, 0.002, 16500, TRAIT_PRIV },
	{ "run-parts", 10, OWNER_SYSTEM, 0.4, 0.05, 5700, 0 },
	{ "id", 10, OWNER_ANY, 0.001, 0.5, 5700, 0 },
	{ "tail", 10, OWNER_ANY, 0.003, 0.4, 5600, TRAIT_TTY },
	{ "wc", 10, OWNER_ANY, 0.002, 0.6, 5600, 0 },
	{ "tr", 10, OWNER_ANY, 0.002, 0.5, 5500, TRAIT_PIPE },
	{ "cut", 10, OWNER_ANY, 0.002, 0.5, 5600, TRAIT_PIPE },
	{ "dirname", 10, OWNER_ANY, 0.001, 0.5, 5500, 0 },
	{ "sudo", 15, OWNER_USER, 2, 0.02, 12000,
	    TRAIT_TTY | TRAIT_PRIV | TRAIT_FORKS },
	{ "rm", 10, OWNER_ANY, 0.002, 0.5, 5600, 0 },
	{ "uname", 8, OWNER_ANY, 0.001, 0.5, 5500, 0 },
	{ "find", 8, OWNER_ANY, 0.4, 0.5, 7000, TRAIT_PIPE },
	{ "sort", 8, OWNER_ANY, 0.01, 0.7, 8600, 0 },
	{ "perl", 8, OWNER_ANY, 0.08, 0.7, 14000, 0 },
	{ "postgres", 8, OWNER_SERVICE, 4, 0.1, 220000, TRAIT_FORKS },
	{ "php-fpm8.2", 6, OWNER_SERVICE, 120, 0.2, 210000, 0 },
	{ "xargs", 5, OWNER_ANY, 0.05, 0.1, 5600, 0 },
	{ "env", 5, OWNER_ANY, 0.3, 0.01, 5600, 0 },
	{ "curl", 8, OWNER_ANY, 0.3, 0.1, 81000, TRAIT_PIPE },
	{ "mkdir", 5, OWNER_ANY, 0.001, 0.5, 5600, 0 },
	{ "cp", 5, OWNER_ANY, 0.02, 0.4, 5800, 0 },
	{ "mv", 5, OWNER_ANY, 0.002, 0.5, 5600, 0 },
	{ "uniq", 5, OWNER_ANY, 0.002, 0.5, 5500, 0 },
	{ "ps", 5, OWNER_ANY, 0.02, 0.8, 11000, TRAIT_TTY },
	{ "systemctl", 5, OWNER_SYSTEM, 0.05, 0.3, 21000, TRAIT_TTY },
	{ "ssh", 5, OWNER_USER, 60, 0.01, 14000, TRAIT_TTY },
	{ "vim", 4, OWNER_USER, 240, 0.01, 24000, TRAIT_TTY },
	{ "less", 4, OWNER_USER, 30, 0.01, 7400, TRAIT_TTY },
	{ "make", 4, OWNER_USER, 5, 0.05, 9000, TRAIT_TTY | TRAIT_FORKS },
	{ "cc1", 4, OWNER_USER, 0.6, 0.95, 60000, 0 },
	{ "gcc", 4, OWNER_USER, 0.8, 0.02, 7000, 0 },
	{ "as", 3, OWNER_USER, 0.05, 0.8, 20000, 0 },
	{ "ld", 2, OWNER_USER, 0.2, 0.8, 30000, 0 },
	{ "gzip", 3, OWNER_ANY, 0.5, 0.9, 5800, 0 },
	{ "tar", 2, OWNER_ANY, 2, 0.5, 8000, 0 },
	{ "rsync", 2, OWNER_ANY, 5, 0.3, 15000, 0 },
	{ "chmod", 3, OWNER_ANY, 0.001, 0.5, 5500, 0 },
	{ "hostname", 3, OWNER_ANY, 0.001, 0.5, 5500, 0 },
	{ "whoami", 3, OWNER_USER, 0.001, 0.5, 5500, TRAIT_TTY },
	{ "flock", 3, OWNER_SYSTEM, 1, 0.01, 5600, 0 },
	{ "node", 3, OWNER_USER, 3, 0.5, 990000, TRAIT_TTY },
	{ "systemd-tmpfile", 2, OWNER_SYSTEM, 0.05, 0.5, 17000, TRAIT_PRIV },
	{ "(sd-pam)", 2, OWNER_USER, 1800, 0.0001, 104000, TRAIT_FORKS },
	{ "journalctl", 2, OWNER_ANY, 0.3, 0.6, 21000, TRAIT_TTY },
	{ "wget", 2, OWNER_ANY, 1, 0.1, 20000, 0 },
	{ "scp", 1, OWNER_USER, 3, 0.1, 14000, 0 },
	{ "su", 1, OWNER_USER, 60, 0.01, 10000, TRAIT_TTY | TRAIT_PRIV },
	{ "top", 1, OWNER_USER, 120, 0.02, 12000, TRAIT_TTY },
	{ "man", 1, OWNER_USER, 20, 0.01, 7000, TRAIT_TTY },
	{ "ping", 1, OWNER_USER, 10, 0.001, 9000, TRAIT_TTY | TRAIT_PRIV },
	{ "logrotate", 0.5, OWNER_SYSTEM, 0.5, 0.3, 8000, TRAIT_PRIV },
	{ "apt-get", 0.5, OWNER_SYSTEM, 8, 0.3, 80000, TRAIT_PRIV },
	{ "dpkg", 0.5, OWNER_SYSTEM, 0.3, 0.6, 19000, TRAIT_PRIV },
	{ "java", 0.3, OWNER_SERVICE, 3600, 0.1, 3500000, 0 },
	{ "mandb", 0.2, OWNER_SERVICE, 3, 0.6, 9000, 0 },
	{ "savelog", 0.1, OWNER_SYSTEM, 0.1, 0.2, 2600, TRAIT_SHELL },
	{ "accton", 0.1, OWNER_SYSTEM, 0.001, 0.5, 2500, TRAIT_PRIV },
	{ "Web Content", 0.1, OWNER_USER, 600, 0.1, 2600000, 0 },
	{ "\xc3\xa9t\xc3\xa9.sh", 0.05, OWNER_USER, 0.5, 0.1, 2600,
	    TRAIT_SHELL },
};

/* The signals a process is killed with, roughly as often as they come. */
struct ending {
	double	 weight;
	uint8_t	 signal;
	bool	 core;
};

static const struct ending signal_endings[] = {
	{ 50, 15, false },	/* SIGTERM: systemctl stop, kill */
	{ 20, 2, false },	/* SIGINT: ^C */
	{ 15, 9, false },	/* SIGKILL: kill -9, the OOM killer */
	{ 10, 1, false },	/* SIGHUP: a closed terminal */
	{ 2, 11, true },	/* SIGSEGV with a core */
	{ 1, 6, true },		/* SIGABRT with a core */
	{ 2, 11, false },	/* SIGSEGV, core limit 0 */
};

struct user {
	uint32_t	uid;
	uint32_t	gid;
};

/* A list of users and the cumulative weights of a skewed pick from it. */
struct user_pool {
	struct user	*users;
	double		*cumulative;
	size_t		 count;
};

struct options {
	uint64_t	 records;
	unsigned	 version;
	bool		 big_endian;
	uint64_t	 seed;
	uint32_t	 start;
	uint32_t	 span;
	unsigned	 users;
	uint32_t	 pid_max;
	bool		 fixed_users;
	const char	*output;
};

struct generator {
	uint64_t	 rng;
	struct user_pool everyone;	/* root first */
	struct user_pool people;	/* uid 1000..59999 */
	struct user_pool services;	/* the other non-root uids */
	double		 command_cumulative[sizeof(commands) /
			     sizeof(commands[0])];
	double		 signal_cumulative[sizeof(signal_endings) /
			     sizeof(signal_endings[0])];
	uint32_t	 pid;
	uint32_t	 pid_max;
	uint32_t	 parents[PARENT_RING_SIZE];
	unsigned	 parent_next;
	uint64_t	 index;
	uint64_t	 records;
	uint32_t	 start;
	uint32_t	 span;
	uint32_t	 last_btime;
};

/* One process, in the units the kernel keeps before encoding. */
struct process {
	const struct command *command;
	uint8_t		 flags;
	uint32_t	 uid, gid, pid, ppid;
	uint16_t	 tty;
	uint32_t	 wait_status;
	uint32_t	 btime;
	uint64_t	 elapsed_ticks, user_ticks, sys_ticks;
	uint64_t	 mem_kib, minflt, majflt;
};

#define ELEMENTS(a)	(sizeof(a) / sizeof((a)[0]))

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: acct-gen [--records N] [--version 0|1|2|3] "
	    "[--big-endian] [--seed S]\n"
	    "                [--start EPOCH] [--span SECONDS] [--users N] "
	    "[--pid-max N]\n"
	    "                [--fixed-users] [-o FILE]\n");
	exit(1);
}

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t
random_next(uint64_t *state)
{
	uint64_t z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
random_unit(struct generator *g)
{
	return (double)(random_next(&g->rng) >> 11) * 0x1.0p-53;
}

static bool
random_chance(struct generator *g, double probability)
{
	return random_unit(g) < probability;
}

/* Uniform in [0, n). */
static uint32_t
random_below(struct generator *g, uint32_t n)
{
	return (uint32_t)(((random_next(&g->rng) >> 32) * n) >> 32);
}

/* Standard normal, by Box-Muller (one of the pair is enough here). */
static double
random_normal(struct generator *g)
{
	double u = 1.0 - random_unit(g);	/* (0, 1] */
	double v = random_unit(g);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Index into a table of cumulative weights, by bisection. */
static size_t
random_pick(struct generator *g, const double *cumulative, size_t count)
{
	double x = random_unit(g) * cumulative[count - 1];
	size_t low = 0, high = count - 1;

	while (low < high) {
		size_t middle = (low + high) / 2;

		if (cumulative[middle] > x)
			high = middle;
		else
			low = middle + 1;
	}
	return low;
}

/* Small counts with a geometric tail: 0 most often. */
static uint32_t
random_geometric(struct generator *g, double p_continue, uint32_t limit)
{
	uint32_t n = 0;

	while (n < limit && random_chance(g, p_continue))
		n++;
	return n;
}

/*
 * Round value into a comp_t (13-bit mantissa, base-8 exponent) as the
 * kernel does: shift out three bits at a time, round up when the highest
 * bit shifted out last is set.  Too large a value saturates.
 */
static uint16_t
encode_comp(uint64_t value)
{
	unsigned exponent = 0;
	bool round_up = false;

	while (value > COMP_MANTISSA_MAX) {
		round_up = (value & 0x4) != 0;
		value >>= 3;
		exponent++;
	}
	if (round_up && ++value > COMP_MANTISSA_MAX) {
		value >>= 3;
		exponent++;
	}
	if (exponent > 7)
		return 0xffff;
	return (uint16_t)(exponent << 13 | value);
}

/*
 * Round value into a comp2_t as the kernel does: a 20-bit mantissa whose
 * leading one is not stored when the 5-bit exponent is not zero; the
 * exponent counts the shifts, plus one for the implied bit.
 */
static uint32_t
encode_comp2(uint64_t value)
{
	unsigned exponent = value > (COMP2_MANTISSA_MAX >> 1) ? 1 : 0;
	bool round_up = false;

	while (value > COMP2_MANTISSA_MAX) {
		round_up = (value & 1) != 0;
		value >>= 1;
		exponent++;
	}
	if (round_up && ++value > COMP2_MANTISSA_MAX) {
		value >>= 1;
		exponent++;
	}
	if (exponent > 31)
		return 0xffffff;
	return (uint32_t)(value & (COMP2_MANTISSA_MAX >> 1)) | exponent << 19;
}

/* The bits of an IEEE single holding value, truncated like the kernel's. */
static uint32_t
encode_float(uint64_t value)
{
	unsigned top;
	uint32_t mantissa;

	if (value == 0)
		return 0;
	top = 63 - (unsigned)__builtin_clzll(value);
	if (top >= 23)
		mantissa = (uint32_t)(value >> (top - 23));
	else
		mantissa = (uint32_t)(value << (23 - top));
	return (127 + top) << 23 | (mantissa & 0x7fffff);
}

static void
put16(uint8_t *p, uint16_t v, bool be)
{
	if (be) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	}
}

static void
put32(uint8_t *p, uint32_t v, bool be)
{
	if (be) {
		put16(p, (uint16_t)(v >> 16), true);
		put16(p + 2, (uint16_t)v, true);
	} else {
		put16(p, (uint16_t)v, false);
		put16(p + 2, (uint16_t)(v >> 16), false);
	}
}

/* Copy a command name into a field of size bytes, NUL padded. */
static void
put_comm(uint8_t *p, size_t size, const char *name)
{
	size_t len = strlen(name);

	if (len > size - 1)
		len = size - 1;
	memcpy(p, name, len);
}

/* The fields v0, v1 and v2 share (struct acct up to ac_swaps). */
static void
encode_common_v012(uint8_t *p, const struct process *proc, bool be)
{
	put16(p + 2, (uint16_t)proc->uid, be);
	put16(p + 4, (uint16_t)proc->gid, be);
	put16(p + 6, proc->tty, be);
	put32(p + 8, proc->btime, be);
	put16(p + 12, encode_comp(proc->user_ticks), be);
	put16(p + 14, encode_comp(proc->sys_ticks), be);
	put16(p + 16, encode_comp(proc->elapsed_ticks), be);
	put16(p + 18, encode_comp(proc->mem_kib), be);
	/* ac_io, ac_rw and ac_swaps: Linux always writes 0. */
	put16(p + 24, encode_comp(proc->minflt), be);
	put16(p + 26, encode_comp(proc->majflt), be);
}

/*
 * Encode proc as a record of the given version into p (zeroed, 64 bytes
 * available); returns the size of the record.
 */
static size_t
encode_record(uint8_t *p, const struct process *proc, unsigned version,
    bool be)
{
	uint32_t etime2;

	p[0] = proc->flags;
	p[1] = (uint8_t)(version | (be ? ACCT_VERSION_BIG_ENDIAN : 0));

	switch (version) {
	case 0:
		encode_common_v012(p, proc, be);
		put32(p + 32, proc->wait_status, be);
		put_comm(p + 36, 17, proc->command->name);
		/* Where later versions keep 32-bit ids (as GNU acct does). */
		put32(p + 56, proc->uid, be);
		put32(p + 60, proc->gid, be);
		return ACCT_RECORD_SIZE;
	case 1:
		encode_common_v012(p, proc, be);
		put32(p + 30, proc->wait_status, be);
		put_comm(p + 34, 17, proc->command->name);
		etime2 = encode_comp2(proc->elapsed_ticks);
		p[51] = (uint8_t)(etime2 >> 16);
		put16(p + 52, (uint16_t)etime2, be);
		put32(p + 54, proc->uid, be);
		put32(p + 58, proc->gid, be);
		return ACCT_RECORD_SIZE_V1;
	case 2:
		encode_common_v012(p, proc, be);
		put16(p + 30, AHZ, be);
		put32(p + 32, proc->wait_status, be);
		put_comm(p + 36, 17, proc->command->name);
		etime2 = encode_comp2(proc->elapsed_ticks);
		p[53] = (uint8_t)(etime2 >> 16);
		put16(p + 54, (uint16_t)etime2, be);
		put32(p + 56, proc->uid, be);
		put32(p + 60, proc->gid, be);
		return ACCT_RECORD_SIZE;
	default:
		put16(p + 2, proc->tty, be);
		put32(p + 4, proc->wait_status, be);
		put32(p + 8, proc->uid, be);
		put32(p + 12, proc->gid, be);
		put32(p + 16, proc->pid, be);
		put32(p + 20, proc->ppid, be);
		put32(p + 24, proc->btime, be);
		put32(p + 28, encode_float(proc->elapsed_ticks), be);
		put16(p + 32, encode_comp(proc->user_ticks), be);
		put16(p + 34, encode_comp(proc->sys_ticks), be);
		put16(p + 36, encode_comp(proc->mem_kib), be);
		put16(p + 42, encode_comp(proc->minflt), be);
		put16(p + 44, encode_comp(proc->majflt), be);
		put_comm(p + 48, 16, proc->command->name);
		return ACCT_RECORD_SIZE;
	}
}

/* Fill pool->cumulative with Zipf-like weights: the first user is busiest. */
static void
pool_weigh(struct user_pool *pool)
{
	double total = 0;

	pool->cumulative = calloc(pool->count ? pool->count : 1,
	    sizeof(*pool->cumulative));
	if (pool->cumulative == NULL)
		err(1, "calloc");
	for (size_t i = 0; i < pool->count; i++) {
		total += 1.0 / pow((double)i + 1, 1.2);
		pool->cumulative[i] = total;
	}
}

static void
pool_add(struct user_pool *pool, struct user user)
{
	pool->users[pool->count++] = user;
}

static bool
pool_has(const struct user_pool *pool, uint32_t uid)
{
	for (size_t i = 0; i < pool->count; i++)
		if (pool->users[i].uid == uid)
			return true;
	return false;
}

/*
 * People first; then the system users packages create for their daemons
 * (100..999), then the static accounts that do run programs (www-data,
 * _apt, man, mail, daemon, proxy, backup), then the rest and nobody.
 */
static int
user_rank(uint32_t uid)
{
	static const uint32_t active_static[] = { 33, 42, 6, 8, 1, 13, 34 };

	if (uid >= 1000 && uid < 60000)
		return 0;
	if (uid >= 100 && uid < 1000)
		return 1;
	for (size_t i = 0; i < ELEMENTS(active_static); i++)
		if (uid == active_static[i])
			return 2;
	return 3;
}

static int
compare_users(const void *a, const void *b)
{
	const struct user *x = a, *y = b;
	int rx = user_rank(x->uid), ry = user_rank(y->uid);

	if (rx != ry)
		return rx - ry;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* The accounts of this machine but root, in getpwent(3) order. */
static size_t
read_accounts(struct user **ret_users)
{
	struct user *users = NULL;
	size_t count = 0, size = 0;
	struct passwd *pw;

	setpwent();
	while ((pw = getpwent()) != NULL && count < MAX_PASSWD_ENTRIES) {
		if (pw->pw_uid == 0)
			continue;
		if (count == size) {
			size = size ? size * 2 : 64;
			users = reallocarray(users, size, sizeof(*users));
			if (users == NULL)
				err(1, "reallocarray");
		}
		users[count].uid = pw->pw_uid;
		users[count].gid = pw->pw_gid;
		count++;
	}
	endpwent();
	*ret_users = users;
	return count;
}

/*
 * Choose the users: root, then about two thirds accounts that exist, then
 * uids that do not (deleted users, ids from another machine), and sort
 * them into people and services.
 */
static void
make_users(struct generator *g, unsigned want, bool fixed)
{
	static const struct user fixed_accounts[] = {
		{ 1000, 1000 }, { 1001, 1001 }, { 33, 33 }, { 101, 104 },
		{ 1002, 1002 }, { 65534, 65534 }, { 998, 998 }, { 1003, 100 },
	};
	struct user *accounts = NULL;
	size_t n_accounts, n_existing, n_missing;
	uint32_t uid;

	if (fixed) {
		n_accounts = ELEMENTS(fixed_accounts);
		accounts = malloc(sizeof(fixed_accounts));
		if (accounts == NULL)
			err(1, "malloc");
		memcpy(accounts, fixed_accounts, sizeof(fixed_accounts));
	} else
		n_accounts = read_accounts(&accounts);
	if (n_accounts > 0)
		qsort(accounts, n_accounts, sizeof(*accounts), compare_users);

	n_missing = want >= 3 ? (want - 1) / 3 : 0;
	n_existing = want - 1 - n_missing;
	if (n_existing > n_accounts) {
		n_existing = n_accounts;
		n_missing = want - 1 - n_existing;
	}

	g->everyone.users = calloc(want, sizeof(struct user));
	g->people.users = calloc(want, sizeof(struct user));
	g->services.users = calloc(want, sizeof(struct user));
	if (g->everyone.users == NULL || g->people.users == NULL ||
	    g->services.users == NULL)
		err(1, "calloc");

	pool_add(&g->everyone, (struct user){ 0, 0 });
	for (size_t i = 0; i < n_existing; i++)
		pool_add(&g->everyone, accounts[i]);
	for (uid = fixed ? 2000 : 1001; n_missing > 0; uid++) {
		if (pool_has(&g->everyone, uid))
			continue;
		if (!fixed && getpwuid(uid) != NULL)
			continue;
		pool_add(&g->everyone, (struct user){ uid, uid });
		n_missing--;
	}
	free(accounts);

	for (size_t i = 1; i < g->everyone.count; i++) {
		if (user_rank(g->everyone.users[i].uid) == 0)
			pool_add(&g->people, g->everyone.users[i]);
		else
			pool_add(&g->services, g->everyone.users[i]);
	}
	pool_weigh(&g->everyone);
	pool_weigh(&g->people);
	pool_weigh(&g->services);
}

static struct user
pick_from(struct generator *g, const struct user_pool *pool)
{
	if (pool->count == 0)
		return g->everyone.users[0];	/* root */
	return pool->users[random_pick(g, pool->cumulative, pool->count)];
}

/* Who ran cmd. */
static struct user
pick_user(struct generator *g, const struct command *cmd)
{
	switch (cmd->owner) {
	case OWNER_SYSTEM:
		if (random_chance(g, 0.92))
			return g->everyone.users[0];
		return pick_from(g, &g->services);
	case OWNER_SERVICE:
		return pick_from(g, &g->services);
	case OWNER_USER:
		if (random_chance(g, 0.04))
			return g->everyone.users[0];
		return pick_from(g, g->people.count ? &g->people :
		    &g->everyone);
	default:
		return pick_from(g, &g->everyone);
	}
}

/* The next pid, wrapping past pid_max as the kernel does. */
static uint32_t
next_pid(struct generator *g)
{
	/* Threads and short helpers take pids too. */
	uint32_t step = 1 + random_geometric(g, 0.45, 40);

	if (g->pid_max - g->pid <= step)
		g->pid = RESERVED_PIDS + (step - (g->pid_max - g->pid));
	else
		g->pid += step;
	return g->pid;
}

/* A parent: pid 1, a recent shell or daemon, or the process just before. */
static uint32_t
pick_parent(struct generator *g, const struct command *cmd, uint32_t pid)
{
	uint32_t ppid;
	double x = random_unit(g);

	if (cmd->owner == OWNER_SYSTEM && x < 0.3)
		return 1;
	if (x < 0.08)
		return 1;
	if (x < 0.6)
		ppid = g->parents[random_below(g, PARENT_RING_SIZE)];
	else
		ppid = pid - 1 - random_geometric(g, 0.5, 20);
	if (ppid == 0 || ppid == pid || ppid >= g->pid_max)
		ppid = 1;
	return ppid;
}

/* The terminal: none for daemons, mostly a pseudo-terminal for people. */
static uint16_t
pick_tty(struct generator *g, const struct command *cmd)
{
	double x = random_unit(g);
	double p_tty = (cmd->traits & TRAIT_TTY) ? 0.6 :
	    cmd->owner == OWNER_SYSTEM || cmd->owner == OWNER_SERVICE ? 0.0 :
	    0.08;

	if (x >= p_tty)
		return ACCT_TTY_NONE;
	if (x < p_tty * 0.05)
		return TTY_MAJOR_VT << 8 | 1;		/* tty1 */
	return (uint16_t)(TTY_MAJOR_PTS << 8 | random_geometric(g, 0.6, 40));
}

/* The wait status and flags of the end of proc. */
static void
pick_ending(struct generator *g, struct process *proc)
{
	const struct command *cmd = proc->command;
	const struct ending *end;
	double x = random_unit(g);
	uint8_t code = 0;

	if (x < 0.006) {
		end = &signal_endings[random_pick(g, g->signal_cumulative,
		    ELEMENTS(signal_endings))];
		proc->wait_status = end->signal;
		proc->flags |= ACCT_FLAG_XSIG;
		if (end->core) {
			proc->wait_status |= 0x80;
			proc->flags |= ACCT_FLAG_CORE;
		}
		return;
	}
	if ((cmd->traits & TRAIT_PIPE) && x < 0.02) {
		proc->wait_status = 13;		/* SIGPIPE: head closed early */
		proc->flags |= ACCT_FLAG_XSIG;
		return;
	}
	x = random_unit(g);
	if ((cmd->traits & TRAIT_SEARCH) && x < 0.3)
		code = 1;
	else if ((cmd->traits & TRAIT_SHELL) && x < 0.01)
		code = 127;			/* command not found */
	else if ((cmd->traits & TRAIT_SHELL) && x < 0.012)
		code = 126;
	else if (x < 0.05)
		code = 1;
	else if (x < 0.065)
		code = 2;
	else if (x < 0.067)
		code = (uint8_t)(3 + random_below(g, 253));
	proc->wait_status = (uint32_t)code << 8;
}

/* A heavy-tailed duration around median seconds, in ticks. */
static uint64_t
pick_elapsed(struct generator *g, double median)
{
	double seconds = median * exp(1.4 * random_normal(g));

	/* Now and then something hangs on: a Pareto tail. */
	if (random_chance(g, 0.01))
		seconds *= 1.0 / pow(1.0 - random_unit(g), 1.0 / 1.1);
	if (seconds > 40.0 * 86400)
		seconds = 40.0 * 86400;
	return (uint64_t)(seconds * AHZ);
}

/* The next start time: spread evenly over the span, never going back. */
static uint32_t
pick_btime(struct generator *g)
{
	uint64_t base = g->start + (uint64_t)g->span * g->index / g->records;
	uint64_t jitter = (uint64_t)g->span / g->records;
	uint64_t t = base + (jitter ? random_next(&g->rng) % (jitter + 1) : 0);

	if (t > UINT32_MAX)
		t = UINT32_MAX;
	if (t < g->last_btime)
		t = g->last_btime;
	g->last_btime = (uint32_t)t;
	return (uint32_t)t;
}

/* Invent the next process. */
static void
make_process(struct generator *g, struct process *proc)
{
	const struct command *cmd;
	struct user user;
	double cpu, user_share, jitter;

	memset(proc, 0, sizeof(*proc));
	cmd = &commands[random_pick(g, g->command_cumulative,
	    ELEMENTS(commands))];
	proc->command = cmd;
	user = pick_user(g, cmd);
	proc->uid = user.uid;
	proc->gid = user.gid;
	proc->pid = next_pid(g);
	proc->ppid = pick_parent(g, cmd, proc->pid);
	proc->tty = pick_tty(g, cmd);
	proc->btime = pick_btime(g);

	if ((cmd->traits & TRAIT_FORKS) && random_chance(g, 0.2))
		proc->flags |= ACCT_FLAG_FORK;
	if (((cmd->traits & TRAIT_PRIV) && random_chance(g, 0.9)) ||
	    (proc->uid == 0 && random_chance(g, 0.3)))
		proc->flags |= ACCT_FLAG_SU;
	pick_ending(g, proc);

	proc->elapsed_ticks = pick_elapsed(g, cmd->elapsed);
	cpu = (double)proc->elapsed_ticks * cmd->cpu_share *
	    (0.2 + 0.8 * random_unit(g));
	user_share = 0.5 + 0.45 * random_unit(g);
	proc->user_ticks = (uint64_t)(cpu * user_share + 0.5);
	proc->sys_ticks = (uint64_t)(cpu * (1 - user_share) + 0.5);

	jitter = exp(0.25 * random_normal(g));
	proc->mem_kib = (uint64_t)(cmd->mem_kib * jitter);
	proc->minflt = (uint64_t)(cmd->mem_kib / 4 *
	    (0.05 + 0.3 * random_unit(g))) + 60;
	if (random_chance(g, 0.03))
		proc->majflt = 1 + random_geometric(g, 0.8, 500);

	if ((cmd->traits & (TRAIT_SHELL | TRAIT_FORKS)) &&
	    !(proc->flags & ACCT_FLAG_FORK)) {
		g->parents[g->parent_next] = proc->pid;
		g->parent_next = (g->parent_next + 1) % PARENT_RING_SIZE;
	}
	g->index++;
}

static void
pool_free(struct user_pool *pool)
{
	free(pool->users);
	free(pool->cumulative);
}

/* Free what generator_init() made, and g. */
static void
generator_free(struct generator *g)
{
	pool_free(&g->everyone);
	pool_free(&g->people);
	pool_free(&g->services);
	free(g);
}

static void
generator_init(struct generator *g, const struct options *o)
{
	double total;

	memset(g, 0, sizeof(*g));
	g->rng = o->seed;
	g->records = o->records ? o->records : 1;
	g->start = o->start;
	g->span = o->span;
	g->last_btime = o->start;
	g->pid_max = o->pid_max;

	total = 0;
	for (size_t i = 0; i < ELEMENTS(commands); i++) {
		total += commands[i].weight;
		g->command_cumulative[i] = total;
	}
	total = 0;
	for (size_t i = 0; i < ELEMENTS(signal_endings); i++) {
		total += signal_endings[i].weight;
		g->signal_cumulative[i] = total;
	}
	make_users(g, o->users, o->fixed_users);

	/* A machine that has been up for a while. */
	g->pid = RESERVED_PIDS + random_below(g, g->pid_max - RESERVED_PIDS);
	/* Daemons started at boot, then shells started a while ago. */
	for (uint32_t i = 0; i < PARENT_RING_SIZE; i++) {
		uint32_t back = random_below(g, 20000);

		if (i < 3)
			g->parents[i] = 400 + 150 * i;
		else if (g->pid > RESERVED_PIDS + back)
			g->parents[i] = g->pid - back;
		else
			g->parents[i] = RESERVED_PIDS + i;
	}
}

/* Write all of buf, or exit with a message. */
static void
write_all(int fd, const uint8_t *buf, size_t len, const char *name)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err(1, "%s", name);
		}
		buf += n;
		len -= (size_t)n;
	}
}

static uint64_t
parse_number(const char *arg, const char *what, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (arg[0] == '-' || end == arg || *end != '\0' || errno == ERANGE ||
	    v < min || v > max)
		errx(1, "%s: %s must be a number from %" PRIu64 " to %" PRIu64,
		    arg, what, min, max);
	return v;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_SEED = 256, OPT_START, OPT_SPAN, OPT_USERS, OPT_PID_MAX,
		OPT_FIXED_USERS, OPT_BIG_ENDIAN,
	};
	static const struct option longopts[] = {
		{ "records", required_argument, NULL, 'n' },
		{ "version", required_argument, NULL, 'v' },
		{ "big-endian", no_argument, NULL, OPT_BIG_ENDIAN },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "start", required_argument, NULL, OPT_START },
		{ "span", required_argument, NULL, OPT_SPAN },
		{ "users", required_argument, NULL, OPT_USERS },
		{ "pid-max", required_argument, NULL, OPT_PID_MAX },
		{ "fixed-users", no_argument, NULL, OPT_FIXED_USERS },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*o = (struct options){
		.records = DEFAULT_RECORDS,
		.version = 3,
		.seed = 1,
		.start = DEFAULT_START,
		.span = DEFAULT_SPAN,
		.users = DEFAULT_USERS,
		.pid_max = DEFAULT_PID_MAX,
	};
	while ((ch = getopt_long(argc, argv, "hn:o:v:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'n':
			o->records = parse_number(optarg, "--records", 0,
			    UINT64_MAX / ACCT_RECORD_SIZE);
			break;
		case 'v':
			o->version = (unsigned)parse_number(optarg, "--version",
			    0, 3);
			break;
		case OPT_BIG_ENDIAN:
			o->big_endian = true;
			break;
		case OPT_SEED:
			o->seed = parse_number(optarg, "--seed", 0, UINT64_MAX);
			break;
		case OPT_START:
			o->start = (uint32_t)parse_number(optarg, "--start", 0,
			    UINT32_MAX);
			break;
		case OPT_SPAN:
			o->span = (uint32_t)parse_number(optarg, "--span", 0,
			    UINT32_MAX);
			break;
		case OPT_USERS:
			o->users = (unsigned)parse_number(optarg, "--users", 1,
			    MAX_USERS);
			break;
		case OPT_PID_MAX:
			o->pid_max = (uint32_t)parse_number(optarg, "--pid-max",
			    1000, 1 << 22);
			break;
		case OPT_FIXED_USERS:
			o->fixed_users = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

int
main(int argc, char **argv)
{
	struct options options;
	struct generator *g;
	struct process proc;
	uint8_t *buf;
	size_t used = 0;
	const char *name;
	int fd;

	parse_options(argc, argv, &options);
	if (options.output != NULL && strcmp(options.output, "-") != 0) {
		name = options.output;
		fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			err(1, "%s", name);
	} else {
		name = "(stdout)";
		fd = STDOUT_FILENO;
		if (isatty(fd))
			errx(1, "not writing binary records to a terminal: "
			    "use -o FILE or a redirection");
	}

	if ((g = malloc(sizeof(*g))) == NULL ||
	    (buf = calloc(1, OUTPUT_BUFFER_SIZE)) == NULL)
		err(1, "malloc");
	generator_init(g, &options);

	for (uint64_t i = 0; i < options.records; i++) {
		if (OUTPUT_BUFFER_SIZE - used < ACCT_RECORD_MAX) {
			write_all(fd, buf, used, name);
			memset(buf, 0, used);
			used = 0;
		}
		make_process(g, &proc);
		used += encode_record(buf + used, &proc, options.version,
		    options.big_endian);
	}
	write_all(fd, buf, used, name);
	if (fd != STDOUT_FILENO && close(fd) != 0)
		err(1, "%s", name);
	generator_free(g);
	free(buf);
	return 0;
}
