/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mkrec.h: write raw accounting records field by field, for tests.  The
 * offsets are spelled out here again, on purpose: a test that borrowed the
 * decoder's table could not catch a mistake in it.
 */
#ifndef ACCT_MKREC_H
#define ACCT_MKREC_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline void
put16(uint8_t *p, bool be, uint16_t v)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

static inline void
put32(uint8_t *p, bool be, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* A v3 record of a process that exited normally. */
static inline void
mkrec_v3(uint8_t rec[64], bool be, uint32_t pid, const char *comm)
{
	float etime = 150.0f;	/* 1.5 s */
	uint32_t bits;

	memset(rec, 0, 64);
	rec[0] = 0x02;				/* ASU */
	rec[1] = be ? 0x83 : 0x03;
	put16(rec + 2, be, 136 << 8 | 3);	/* pts/3 */
	put32(rec + 4, be, 1 << 8);		/* exit 1 */
	put32(rec + 8, be, 1000);
	put32(rec + 12, be, 100);
	put32(rec + 16, be, pid);
	put32(rec + 20, be, pid > 1 ? pid - 1 : 0);
	put32(rec + 24, be, 1700000000 + pid);
	memcpy(&bits, &etime, 4);
	put32(rec + 28, be, bits);
	put16(rec + 32, be, 12);		/* utime */
	put16(rec + 34, be, 3);			/* stime */
	put16(rec + 36, be, 2048);		/* mem */
	memcpy(rec + 48, comm, strnlen(comm, 16));
}

#endif
