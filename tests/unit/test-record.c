/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-record: the decoder against hand-computed vectors.
 */
#include "config.h"

#include <errno.h>
#include <math.h>

#include "format.h"
#include "mkrec.h"
#include "record.h"
#include "tap.h"

/* The kernel's comp_t encoding (13-bit mantissa, base-8 exponent, round
 * half up), written from its description to make test inputs. */
static uint16_t
encode_comp_t(uint64_t value)
{
	unsigned exp = 0, rnd = 0;

	while (value > 0x1fff) {
		rnd = (value & 4) != 0;
		value >>= 3;
		exp++;
	}
	if (rnd && ++value > 0x1fff) {
		value >>= 3;
		exp++;
	}
	if (exp > 7)
		return 0xffff;
	return (uint16_t)(exp << 13 | value);
}

static void
test_comp_t(void)
{
	is_uint(acct_comp_t(0), 0, "comp_t 0");
	is_uint(acct_comp_t(1), 1, "comp_t 1");
	is_uint(acct_comp_t(0x1fff), 8191, "comp_t 8191: largest mantissa");
	is_uint(acct_comp_t(0x2000), 0, "comp_t raw 0x2000: exponent 1, mantissa 0");
	is_uint(encode_comp_t(8192), 0x2400, "8192 encodes as 1024 * 8");
	is_uint(acct_comp_t(0x2400), 8192, "comp_t 8192");
	is_uint(acct_comp_t(0x3fff), 65528, "comp_t 8191 << 3");
	is_uint(acct_comp_t(0xffff), 8191ULL << 21, "comp_t largest: 8191 << 21");
	is_uint(acct_comp_t(encode_comp_t(524224)), 524224,
	    "comp_t 8191 * 64 survives exactly");
	is_uint(acct_comp_t(encode_comp_t(8193)), 8192,
	    "comp_t 8193 rounds down to a multiple of 8");
	is_uint(acct_comp_t(encode_comp_t(8197)), 8200,
	    "comp_t 8197 rounds up to a multiple of 8");
}

static void
test_comp2_t(void)
{
	is_uint(acct_comp2_t(0), 0, "comp2_t 0");
	is_uint(acct_comp2_t(0x7ffff), 524287, "comp2_t largest without exponent");
	is_uint(acct_comp2_t(1u << 19), 524288, "comp2_t exponent 1: implied bit");
	is_uint(acct_comp2_t(2u << 19 | 1), (0x80000 | 1) << 1,
	    "comp2_t exponent 2 shifts once");
	is_uint(acct_comp2_t(0xffffff), 0xfffffULL << 30, "comp2_t largest");
}

static void
test_v3(bool be)
{
	uint8_t rec[64];
	struct acct_event ev;
	const char *order = be ? "big-endian" : "little-endian";

	mkrec_v3(rec, be, 4242, "bash");
	put16(rec + 34, be, 0x2400);		/* stime 8192 */
	put16(rec + 38, be, 0xffff);		/* io: largest comp_t */
	put16(rec + 40, be, 7);
	put16(rec + 42, be, 100);
	put16(rec + 44, be, 2);
	put16(rec + 46, be, 1);
	is_int(acct_decode(rec, sizeof(rec), 100, &ev), 64, "v3 %s decodes", order);
	is_int(ev.version, 3, "v3 %s: version", order);
	ok(ev.big_endian == be, "v3 %s: byte order", order);
	ok(ev.has_pid && ev.pid == 4242 && ev.ppid == 4241, "v3 %s: pid and ppid", order);
	is_uint(ev.uid, 1000, "v3 %s: uid", order);
	is_uint(ev.gid, 100, "v3 %s: gid", order);
	is_uint(ev.tty, 136 << 8 | 3, "v3 %s: tty", order);
	is_uint(ev.exit_code, 1, "v3 %s: exit code", order);
	is_uint(ev.signal, 0, "v3 %s: no signal", order);
	is_uint(ev.start_time, 1700004242, "v3 %s: start", order);
	ok(ev.elapsed_ticks == 150.0, "v3 %s: elapsed ticks", order);
	is_uint(acct_elapsed_us(&ev), 1500000, "v3 %s: elapsed 1.5 s", order);
	is_uint(ev.ahz, 100, "v3 %s: AHZ is 100", order);
	is_uint(ev.user_ticks, 12, "v3 %s: utime", order);
	is_uint(ev.sys_ticks, 8192, "v3 %s: stime", order);
	is_uint(ev.mem_kib, 2048, "v3 %s: mem", order);
	is_uint(ev.io_chars, 8191ULL << 21, "v3 %s: io", order);
	is_uint(ev.io_blocks, 7, "v3 %s: rw", order);
	is_uint(ev.minflt, 100, "v3 %s: minflt", order);
	is_uint(ev.majflt, 2, "v3 %s: majflt", order);
	is_uint(ev.swaps, 1, "v3 %s: swaps", order);
	is_str(ev.comm, "bash", "v3 %s: comm", order);
	is_uint(ev.comm_len, 4, "v3 %s: comm length", order);
	is_uint(ev.flags, ACCT_FLAG_SU, "v3 %s: flags", order);
}

static void
test_wait_status(void)
{
	static const struct {
		uint32_t	status;
		unsigned	exit_code, signal;
		bool		core;
		const char	*what;
	} cases[] = {
		{ 0x0000, 0, 0, false, "normal exit 0" },
		{ 0xff00, 255, 0, false, "exit 255" },
		{ 0x0100, 1, 0, false, "exit 1" },
		{ 0x0009, 0, 9, false, "killed by SIGKILL" },
		{ 0x000f, 0, 15, false, "killed by SIGTERM" },
		{ 0x008b, 0, 11, true, "SIGSEGV with core dump" },
		{ 0x0086, 0, 6, true, "SIGABRT with core dump" },
	};
	uint8_t rec[64];
	struct acct_event ev;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mkrec_v3(rec, false, 10, "x");
		put32(rec + 4, false, cases[i].status);
		acct_decode(rec, sizeof(rec), 100, &ev);
		ok(ev.exit_code == cases[i].exit_code &&
		    ev.signal == cases[i].signal &&
		    ev.core_dumped == cases[i].core &&
		    ev.wait_status == cases[i].status,
		    "wait status %#x: %s", cases[i].status, cases[i].what);
	}
}

static void
test_flags(void)
{
	static const struct {
		uint8_t		flags;
		const char	*names;
	} cases[] = {
		{ 0, "" },
		{ ACCT_FLAG_FORK, "fork" },
		{ ACCT_FLAG_SU, "su" },
		{ ACCT_FLAG_CORE, "core" },
		{ ACCT_FLAG_XSIG, "xsig" },
		{ 0x1b, "fork,su,core,xsig" },
		{ ACCT_FLAG_COMPAT, "" },
	};
	uint8_t rec[64];
	struct acct_event ev;
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mkrec_v3(rec, false, 10, "x");
		rec[0] = cases[i].flags;
		acct_decode(rec, sizeof(rec), 100, &ev);
		fmt_flags(buf, sizeof(buf), ev.flags);
		ok(ev.flags == cases[i].flags && strcmp(buf, cases[i].names) == 0,
		    "flags %#x are \"%s\"", cases[i].flags, cases[i].names);
	}
}

/* A v2 record (struct acct with ac_ahz and 32-bit ids). */
static void
mkrec_v2(uint8_t rec[64], bool be, uint16_t ahz)
{
	uint32_t etime = 3u << 19 | 0x12345;	/* comp2_t */

	memset(rec, 0, 64);
	rec[0] = ACCT_FLAG_FORK;
	rec[1] = be ? 0x82 : 0x02;
	put16(rec + 2, be, 100000 & 0xffff);
	put16(rec + 4, be, 100001 & 0xffff);
	put16(rec + 6, be, 4 << 8 | 1);		/* tty1 */
	put32(rec + 8, be, 1600000000);
	put16(rec + 12, be, 50);
	put16(rec + 14, be, 0x2001);		/* 8 */
	put16(rec + 16, be, 77);		/* comp_t etime, not used */
	put16(rec + 18, be, 300);
	put16(rec + 30, be, ahz);
	put32(rec + 32, be, 2 << 8);
	memcpy(rec + 36, "0123456789abcdefX", 17);	/* 17 bytes, no NUL */
	rec[53] = (uint8_t)(etime >> 16);
	put16(rec + 54, be, (uint16_t)etime);
	put32(rec + 56, be, 100000);
	put32(rec + 60, be, 100001);
}

static void
test_v2(bool be)
{
	const char *order = be ? "big-endian" : "little-endian";
	uint8_t rec[64];
	struct acct_event ev;

	mkrec_v2(rec, be, 1024);
	is_int(acct_decode(rec, sizeof(rec), 100, &ev), 64, "v2 %s decodes", order);
	ok(ev.version == 2 && ev.big_endian == be && !ev.has_pid,
	    "v2 %s: version, order, no pid", order);
	is_uint(ev.uid, 100000, "v2 %s: 32-bit uid", order);
	is_uint(ev.gid, 100001, "v2 %s: 32-bit gid", order);
	is_uint(ev.ahz, 1024, "v2 %s: stored AHZ", order);
	ok(ev.elapsed_ticks == (double)((0x12345 | 0x80000) << 2),
	    "v2 %s: elapsed from comp2_t", order);
	is_uint(ev.user_ticks, 50, "v2 %s: utime", order);
	is_uint(ev.sys_ticks, 8, "v2 %s: stime", order);
	is_uint(acct_ticks_to_us(&ev, ev.user_ticks), 48828,
	    "v2 %s: 50 ticks at 1024 Hz are 48828 us", order);
	is_uint(ev.exit_code, 2, "v2 %s: exit code", order);
	is_uint(ev.tty, 4 << 8 | 1, "v2 %s: tty", order);
	is_str(ev.comm, "0123456789abcdef", "v2 %s: 16 bytes of comm kept", order);
	mkrec_v2(rec, be, 0);
	acct_decode(rec, sizeof(rec), 64, &ev);
	is_uint(ev.ahz, 64, "v2 %s: AHZ 0 stored: the caller's AHZ", order);
}

static void
test_v1(void)
{
	uint8_t rec[64];
	struct acct_event ev;
	uint32_t etime = 1u << 19 | 5;

	memset(rec, 0, sizeof(rec));
	rec[0] = ACCT_FLAG_XSIG;
	rec[1] = 0x81;			/* m68k is big-endian */
	put16(rec + 6, true, 5 << 8 | 1);
	put32(rec + 8, true, 1500000000);
	put16(rec + 12, true, 9);
	put32(rec + 30, true, 15);	/* SIGTERM */
	memcpy(rec + 34, "m68k-cmd", 8);
	rec[51] = (uint8_t)(etime >> 16);
	put16(rec + 52, true, (uint16_t)etime);
	put32(rec + 54, true, 70000);
	put32(rec + 58, true, 70001);
	is_int(acct_decode(rec, 62, 100, &ev), 62, "v1 record is 62 bytes");
	ok(ev.version == 1 && ev.big_endian, "v1: version and order");
	is_uint(ev.uid, 70000, "v1: uid");
	is_uint(ev.gid, 70001, "v1: gid");
	is_uint(ev.signal, 15, "v1: signal");
	is_str(ev.comm, "m68k-cmd", "v1: comm");
	ok(ev.elapsed_ticks == 524293.0, "v1: elapsed from comp2_t");
	is_uint(ev.ahz, 100, "v1: the caller's AHZ");
	is_int(acct_decode(rec, 61, 100, &ev), -EMSGSIZE, "v1: 61 bytes are short");
}

static void
test_v0(void)
{
	uint8_t rec[64];
	struct acct_event ev;

	memset(rec, 0, sizeof(rec));
	rec[1] = 0x00;
	put16(rec + 2, false, 500);
	put16(rec + 4, false, 501);
	put32(rec + 8, false, 900000000);
	put16(rec + 16, false, 0x2001);		/* etime comp_t: 8 */
	put32(rec + 32, false, 0x0100);
	memcpy(rec + 36, "old", 3);
	is_int(acct_decode(rec, 64, 64, &ev), 64, "v0 decodes");
	is_uint(ev.uid, 500, "v0: 16-bit uid");
	is_uint(ev.gid, 501, "v0: 16-bit gid");
	is_uint(ev.ahz, 64, "v0: the caller's AHZ");
	ok(ev.elapsed_ticks == 8.0, "v0: elapsed from comp_t");
	is_uint(acct_elapsed_us(&ev), 125000, "v0: 8 ticks at 64 Hz are 0.125 s");
	/* GNU dump-acct --format 0 also stores 32-bit ids where v2 has them. */
	put16(rec + 2, false, (uint16_t)70000);
	put32(rec + 56, false, 70000);
	acct_decode(rec, 64, 100, &ev);
	is_uint(ev.uid, 70000, "v0: a wide uid that agrees with the narrow one");
	put32(rec + 56, false, 12345);
	acct_decode(rec, 64, 100, &ev);
	is_uint(ev.uid, 70000 & 0xffff, "v0: a wide uid that disagrees is ignored");
}

static void
test_errors(void)
{
	uint8_t rec[64], zero[64] = { 0 };
	struct acct_event ev, before;

	memset(&ev, 0xaa, sizeof(ev));
	before = ev;
	mkrec_v3(rec, false, 1, "x");
	is_int(acct_decode(rec, 63, 100, &ev), -EMSGSIZE, "63 bytes: short buffer");
	is_int(acct_decode(rec, 1, 100, &ev), -EMSGSIZE, "1 byte: short buffer");
	is_int(acct_decode(rec, 0, 100, &ev), -EMSGSIZE, "0 bytes: short buffer");
	is_int(acct_decode(zero, 64, 100, &ev), -ENODATA, "all zero record");
	rec[1] = 4;
	is_int(acct_decode(rec, 64, 100, &ev), -EPROTONOSUPPORT, "version 4");
	rec[1] = 0xff;
	is_int(acct_decode(rec, 64, 100, &ev), -EPROTONOSUPPORT, "version 0x7f big-endian");
	rec[1] = 3;
	is_int(acct_decode(rec, 64, 0, &ev), -EINVAL, "AHZ 0 is refused");
	ok(memcmp(&ev, &before, sizeof(ev)) == 0, "the event is untouched on errors");
}

static void
test_comm(void)
{
	uint8_t rec[64];
	struct acct_event ev;

	mkrec_v3(rec, false, 1, "");
	memcpy(rec + 48, "0123456789abcdef", 16);
	acct_decode(rec, 64, 100, &ev);
	ok(ev.comm_len == 16 && strcmp(ev.comm, "0123456789abcdef") == 0,
	    "v3 comm of 16 bytes without NUL");
	memset(rec + 48, 0, 16);
	rec[48] = 0xff;
	rec[49] = '\n';
	acct_decode(rec, 64, 100, &ev);
	ok(ev.comm_len == 2 && (uint8_t)ev.comm[0] == 0xff && ev.comm[1] == '\n',
	    "comm keeps any byte");
	rec[48] = 0;
	acct_decode(rec, 64, 100, &ev);
	is_uint(ev.comm_len, 0, "empty comm");
}

static void
test_bad_float(void)
{
	uint8_t rec[64];
	struct acct_event ev;

	mkrec_v3(rec, false, 1, "x");
	put32(rec + 28, false, 0x7fc00000);	/* NaN */
	acct_decode(rec, 64, 100, &ev);
	is_uint(acct_elapsed_us(&ev), 0, "a NaN elapsed time counts as 0");
	put32(rec + 28, false, 0xbf800000);	/* -1.0 */
	acct_decode(rec, 64, 100, &ev);
	is_uint(acct_elapsed_us(&ev), 0, "a negative elapsed time counts as 0");
	put32(rec + 28, false, 0x7f800000);	/* +inf */
	acct_decode(rec, 64, 100, &ev);
	is_uint(acct_elapsed_us(&ev), 0, "an infinite elapsed time counts as 0");
}

static void
test_check_and_plausible(void)
{
	uint8_t rec[64], two[128];
	int n_plausible = 0;

	mkrec_v3(rec, false, 7, "ls");
	is_int(acct_check(rec, 64), 64, "acct_check: a v3 record is 64 bytes");
	ok(acct_plausible(rec, 64), "a kernel-like record is plausible");
	rec[0] = 0x40;
	ok(!acct_plausible(rec, 64) && acct_check(rec, 64) == 64,
	    "an unknown flag bit: valid, not plausible");
	mkrec_v3(rec, false, 7, "ls");
	put32(rec + 4, false, 0x10000);
	ok(!acct_plausible(rec, 64), "a wait status above 16 bits is not plausible");
	put32(rec + 4, false, 100);
	ok(!acct_plausible(rec, 64), "signal 100 is not plausible");
	mkrec_v3(rec, false, 7, "ls");
	rec[52] = 'x';
	ok(!acct_plausible(rec, 64), "bytes after the name's end are not plausible");
	mkrec_v3(two, false, 7, "ls");
	mkrec_v3(two + 64, false, 8, "ls");
	for (int shift = 1; shift < 64; shift++) {
		if (acct_plausible(two + shift, 64)) {
			diag("shift %d looks plausible", shift);
			n_plausible++;
		}
	}
	is_int(n_plausible, 0, "no shifted view of two records is plausible");
	is_int(acct_check(rec, 10), -EMSGSIZE, "acct_check: short");
}

int
main(void)
{
	test_comp_t();
	test_comp2_t();
	test_v3(false);
	test_v3(true);
	test_wait_status();
	test_flags();
	test_v2(false);
	test_v2(true);
	test_v1();
	test_v0();
	test_errors();
	test_comm();
	test_bad_float();
	test_check_and_plausible();
	return done_testing();
}
