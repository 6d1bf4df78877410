/* SPDX-License-Identifier: Apache-2.0 */
/*
 * record.h: decode one on-disk process accounting record.
 *
 * Promise: acct_decode() turns the raw bytes of any record version the Linux
 * kernel has written (v0, v1, v2, v3) in either byte order into one
 * struct acct_event; nothing else in the project sees versions, byte orders
 * or the comp_t encodings.  It is a pure function: no allocation, no I/O,
 * thread safe.  It never reads more than the length it is given.
 */
#ifndef ACCT_RECORD_H
#define ACCT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACCT_RECORD_SIZE	64	/* every version but v1 */
#define ACCT_RECORD_SIZE_V1	62	/* m68k: no ac_ahz, 2-byte alignment */
#define ACCT_RECORD_MAX		64
#define ACCT_COMM_MAX		16	/* bytes of command name kept */
#define ACCT_AHZ_V3		100	/* v3 always counts in 1/100 s */
#define ACCT_AHZ_DEFAULT	100	/* v0/v1 unless the caller knows better */

/* ac_flag bits. */
#define ACCT_FLAG_FORK		0x01	/* forked, never exec'd */
#define ACCT_FLAG_SU		0x02	/* used superuser privileges */
#define ACCT_FLAG_COMPAT	0x04	/* VAX compatibility mode, unused */
#define ACCT_FLAG_CORE		0x08	/* dumped core */
#define ACCT_FLAG_XSIG		0x10	/* killed by a signal */
#define ACCT_FLAG_GROUP		0x20	/* defined by Linux, not seen set */
#define ACCT_FLAGS_KNOWN	0x3f

#define ACCT_VERSION_BIG_ENDIAN	0x80	/* in the version byte */
#define ACCT_TTY_NONE		0	/* no controlling terminal */

/* One exited process, whatever the record version. */
struct acct_event {
	uint8_t		version;	/* 0..3 */
	bool		big_endian;	/* as written on disk */
	uint8_t		flags;		/* ACCT_FLAG_* */
	bool		has_pid;	/* v3 only: pid and ppid are valid */
	uint32_t	pid;
	uint32_t	ppid;
	uint32_t	uid;		/* real uid */
	uint32_t	gid;		/* real gid */
	uint32_t	tty;		/* old_encode_dev: major << 8 | minor */
	uint32_t	wait_status;	/* ac_exitcode as written */
	uint8_t		exit_code;	/* wait_status bits 8..15 */
	uint8_t		signal;		/* wait_status bits 0..6; 0: none */
	bool		core_dumped;	/* wait_status bit 7 */
	uint16_t	ahz;		/* ticks per second of the three times */
	uint32_t	start_time;	/* ac_btime, seconds since the epoch */
	double		elapsed_ticks;	/* wall time (v3 stores a float) */
	uint64_t	user_ticks;	/* user CPU time */
	uint64_t	sys_ticks;	/* system CPU time */
	uint64_t	mem_kib;	/* average memory use */
	uint64_t	io_chars;	/* characters transferred */
	uint64_t	io_blocks;	/* blocks read or written */
	uint64_t	minflt;
	uint64_t	majflt;
	uint64_t	swaps;
	uint8_t		comm_len;	/* 0..ACCT_COMM_MAX */
	char		comm[ACCT_COMM_MAX + 1];	/* raw bytes, NUL added */
};

/*
 * Decode the record at buf (len bytes available).  v1 records store no
 * AHZ and a kernel's v0 records leave it zero: default_ahz (ticks per
 * second, > 0) is used for them, and for any v0/v2 record whose ac_ahz is
 * 0 (GNU dump-acct writes the rate into v0 records too).  On success fills *ret_event and returns
 * the number of bytes the record occupies (64, or 62 for v1).  Errors, with
 * *ret_event untouched:
 *   -EMSGSIZE          fewer bytes than the record's size
 *   -ENODATA           the record is all zero bytes (a hole, not a process)
 *   -EPROTONOSUPPORT   unknown version (ac_version & 0x7f > 3)
 *   -EINVAL            default_ahz is 0
 */
int	acct_decode(const void *buf, size_t len, unsigned default_ahz,
	    struct acct_event *ret_event);

/* Validate without decoding: the record's size (64, or 62 for v1) when
 * acct_decode() would accept it, else the error it would return. */
int	acct_check(const void *buf, size_t len);

/*
 * Does buf hold a record as a kernel writes it, as strictly as can be told
 * from the record alone: valid, known flags only, a wait status (exit code
 * and a signal number up to 64), a command name padded with zero bytes?
 * A shifted view of real records fails this, which is what makes it safe
 * to resume reading on after damage.
 */
bool	acct_plausible(const void *buf, size_t len);

/* The real uid of a record acct_check() accepted, without decoding the
 * rest: for filters that can tell early that a record is not wanted. */
uint32_t acct_peek_uid(const void *buf);

/* Record size implied by a version byte: 62 for v1, otherwise 64. */
size_t	acct_record_size(uint8_t version_byte);

/* Expand a comp_t: 13-bit mantissa, 3-bit base-8 exponent. */
uint64_t acct_comp_t(uint16_t value);

/* Expand a comp2_t (24 bits): 19 stored mantissa bits below a leading one
 * implied when the 5-bit base-2 exponent is not zero. */
uint64_t acct_comp2_t(uint32_t value);

/* A tick count of ev (ahz per second) in microseconds, rounded. */
static inline uint64_t
acct_ticks_to_us(const struct acct_event *ev, uint64_t ticks)
{
	uint64_t whole;

	/* The kernel's counts (comp_t: under 2^34) take the first branch;
	 * an archive's may be any 64-bit count of milliseconds. */
	if (ticks <= (UINT64_MAX - ev->ahz) / 1000000)
		return (ticks * 1000000 + ev->ahz / 2) / ev->ahz;
	whole = ticks / ev->ahz;
	if (whole > UINT64_MAX / 1000000 - 1)
		return UINT64_MAX;
	return whole * 1000000 + ((ticks % ev->ahz) * 1000000 + ev->ahz / 2) /
	    ev->ahz;
}

/* Elapsed wall time in microseconds, rounded; garbage floats give 0. */
uint64_t acct_elapsed_us(const struct acct_event *ev);

/* End of the process: start + elapsed, in microseconds since the epoch. */
static inline uint64_t
acct_end_us(const struct acct_event *ev)
{
	return (uint64_t)ev->start_time * 1000000 + acct_elapsed_us(ev);
}

#endif
