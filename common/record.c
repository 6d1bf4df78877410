/* SPDX-License-Identifier: Apache-2.0 */
/*
 * record.c: the one place that knows the on-disk record layouts.
 *
 * Offsets are those of the kernel's struct acct (v0, v2), the m68k variant
 * of it (v1: no ac_ahz, 2-byte alignment, 62 bytes) and struct acct_v3.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "macro.h"
#include "record.h"

/* Where each field lives in one layout; -1: not stored. */
struct layout {
	int	version;
	int	uid16, gid16, tty, btime, utime, stime, etime_comp, mem, io,
		rw, minflt, majflt, swaps, ahz, exitcode, comm, comm_size,
		etime_hi, etime_lo, uid, gid, pid, ppid, etime_float;
};

static const struct layout layout_v0 = {
	.version = 0,
	.uid16 = 2, .gid16 = 4, .tty = 6, .btime = 8, .utime = 12,
	.stime = 14, .etime_comp = 16, .mem = 18, .io = 20, .rw = 22,
	.minflt = 24, .majflt = 26, .swaps = 28, .ahz = 30, .exitcode = 32,
	.comm = 36, .comm_size = 17, .etime_hi = -1, .etime_lo = -1,
	.uid = 56, .gid = 60, .pid = -1, .ppid = -1, .etime_float = -1,
};

static const struct layout layout_v1 = {
	.version = 1,
	.uid16 = 2, .gid16 = 4, .tty = 6, .btime = 8, .utime = 12,
	.stime = 14, .etime_comp = 16, .mem = 18, .io = 20, .rw = 22,
	.minflt = 24, .majflt = 26, .swaps = 28, .ahz = -1, .exitcode = 30,
	.comm = 34, .comm_size = 17, .etime_hi = 51, .etime_lo = 52,
	.uid = 54, .gid = 58, .pid = -1, .ppid = -1, .etime_float = -1,
};

static const struct layout layout_v2 = {
	.version = 2,
	.uid16 = 2, .gid16 = 4, .tty = 6, .btime = 8, .utime = 12,
	.stime = 14, .etime_comp = 16, .mem = 18, .io = 20, .rw = 22,
	.minflt = 24, .majflt = 26, .swaps = 28, .ahz = 30, .exitcode = 32,
	.comm = 36, .comm_size = 17, .etime_hi = 53, .etime_lo = 54,
	.uid = 56, .gid = 60, .pid = -1, .ppid = -1, .etime_float = -1,
};

static const struct layout layout_v3 = {
	.version = 3,
	.uid16 = -1, .gid16 = -1, .tty = 2, .exitcode = 4, .uid = 8,
	.gid = 12, .pid = 16, .ppid = 20, .btime = 24, .etime_float = 28,
	.utime = 32, .stime = 34, .mem = 36, .io = 38, .rw = 40,
	.minflt = 42, .majflt = 44, .swaps = 46, .comm = 48, .comm_size = 16,
	.etime_comp = -1, .ahz = -1, .etime_hi = -1, .etime_lo = -1,
};

static const struct layout *const layouts[] = {
	&layout_v0, &layout_v1, &layout_v2, &layout_v3,
};

static inline uint16_t
get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t
get32(const uint8_t *p, bool be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

uint64_t
acct_comp_t(uint16_t value)
{
	return (uint64_t)(value & 0x1fff) << (3 * (value >> 13));
}

uint64_t
acct_comp2_t(uint32_t value)
{
	uint64_t mantissa = value & 0x7ffff;
	unsigned exponent = (value >> 19) & 0x1f;

	if (exponent == 0)
		return mantissa;
	return (mantissa | 0x80000) << (exponent - 1);
}

size_t
acct_record_size(uint8_t version_byte)
{
	return (version_byte & 0x7f) == 1 ? ACCT_RECORD_SIZE_V1 :
	    ACCT_RECORD_SIZE;
}

uint64_t
acct_elapsed_us(const struct acct_event *ev)
{
	double us = ev->elapsed_ticks * 1e6 / ev->ahz;

	/* A float from a damaged v3 record may be anything. */
	if (!(us >= 0) || us > 1e18)
		return 0;
	return (uint64_t)llround(us);
}

/* Decode the wait status the kernel stores as ac_exitcode. */
static void
split_wait_status(struct acct_event *ev)
{
	ev->exit_code = (ev->wait_status >> 8) & 0xff;
	ev->signal = ev->wait_status & 0x7f;
	ev->core_dumped = (ev->wait_status & 0x80) != 0;
}

int
acct_check(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t size;

	if (len < 2 || len < (size = acct_record_size(p[1])))
		return -EMSGSIZE;
	if (p[1] == 0 && mem_all_zero(p, size))
		return -ENODATA;
	if ((p[1] & 0x7f) > 3)
		return -EPROTONOSUPPORT;
	return (int)size;
}

bool
acct_plausible(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	const struct layout *l;
	uint32_t status;
	bool be;
	int i;

	if (acct_check(buf, len) < 0 || (p[0] & ~ACCT_FLAGS_KNOWN) != 0)
		return false;
	l = layouts[p[1] & 0x7f];
	be = (p[1] & ACCT_VERSION_BIG_ENDIAN) != 0;
	status = get32(p + l->exitcode, be);
	if (status > 0xffff || (status & 0x7f) > 64)
		return false;
	for (i = 0; i < l->comm_size && p[l->comm + i] != 0; i++)
		;
	for (; i < l->comm_size; i++)
		if (p[l->comm + i] != 0)
			return false;
	return true;
}

/*
 * Decode a checked record of layout l and byte order be.  Always inlined,
 * and called with constants, so each (version, order) gets its own code
 * with the offsets folded in: this is the inner loop of every listing.
 */
static inline __attribute__((always_inline)) void
decode_layout(const uint8_t *p, const struct layout *l, bool be,
    unsigned default_ahz, struct acct_event *ret_event)
{
	struct acct_event ev;
	uint32_t bits;
	float f;

	memset(&ev, 0, sizeof(ev));
	ev.version = (uint8_t)l->version;
	ev.big_endian = be;

	ev.flags = p[0];
	ev.tty = get16(p + l->tty, be);
	ev.start_time = get32(p + l->btime, be);
	ev.user_ticks = acct_comp_t(get16(p + l->utime, be));
	ev.sys_ticks = acct_comp_t(get16(p + l->stime, be));
	ev.mem_kib = acct_comp_t(get16(p + l->mem, be));
	ev.io_chars = acct_comp_t(get16(p + l->io, be));
	ev.io_blocks = acct_comp_t(get16(p + l->rw, be));
	ev.minflt = acct_comp_t(get16(p + l->minflt, be));
	ev.majflt = acct_comp_t(get16(p + l->majflt, be));
	ev.swaps = acct_comp_t(get16(p + l->swaps, be));
	ev.wait_status = get32(p + l->exitcode, be);
	split_wait_status(&ev);
	ev.uid = get32(p + l->uid, be);
	ev.gid = get32(p + l->gid, be);

	switch (l->version) {
	case 0:
		/*
		 * A kernel's v0 has only 16-bit ids (and padding where later
		 * versions keep 32-bit ones); GNU dump-acct writes both.
		 * Trust the wide id only when it agrees with the narrow one.
		 */
		if ((uint16_t)ev.uid != get16(p + l->uid16, be))
			ev.uid = get16(p + l->uid16, be);
		if ((uint16_t)ev.gid != get16(p + l->gid16, be))
			ev.gid = get16(p + l->gid16, be);
		/* Kernels left padding (zero) where v2 has ac_ahz; GNU
		 * dump-acct writes the rate there: take it when it is set. */
		ev.ahz = get16(p + l->ahz, be);
		if (ev.ahz == 0)
			ev.ahz = (uint16_t)default_ahz;
		ev.elapsed_ticks = (double)acct_comp_t(get16(p + l->etime_comp,
		    be));
		break;
	case 1:
	case 2:
		ev.ahz = l->ahz >= 0 ? get16(p + l->ahz, be) : 0;
		if (ev.ahz == 0)
			ev.ahz = (uint16_t)default_ahz;
		ev.elapsed_ticks = (double)acct_comp2_t(
		    (uint32_t)p[l->etime_hi] << 16 | get16(p + l->etime_lo, be));
		break;
	case 3:
		ev.ahz = ACCT_AHZ_V3;
		ev.has_pid = true;
		ev.pid = get32(p + l->pid, be);
		ev.ppid = get32(p + l->ppid, be);
		bits = get32(p + l->etime_float, be);
		memcpy(&f, &bits, sizeof(f));
		ev.elapsed_ticks = f;
		break;
	}

	for (ev.comm_len = 0; ev.comm_len < ACCT_COMM_MAX &&
	    ev.comm_len < l->comm_size; ev.comm_len++) {
		if (p[l->comm + ev.comm_len] == '\0')
			break;
	}
	memcpy(ev.comm, p + l->comm, ev.comm_len);
	ev.comm[ev.comm_len] = '\0';

	*ret_event = ev;
}

uint32_t
acct_peek_uid(const void *buf)
{
	const uint8_t *p = buf;
	const struct layout *l = layouts[p[1] & 3];
	bool be = (p[1] & ACCT_VERSION_BIG_ENDIAN) != 0;
	uint32_t uid = get32(p + l->uid, be);

	/* v0 keeps only 16 bits for sure: see decode_layout(). */
	if (l->version == 0 && (uint16_t)uid != get16(p + l->uid16, be))
		uid = get16(p + l->uid16, be);
	return uid;
}

int
acct_decode(const void *buf, size_t len, unsigned default_ahz,
    struct acct_event *ret_event)
{
	const uint8_t *p = buf;
	int size;

	if (default_ahz == 0 || default_ahz > UINT16_MAX)
		return -EINVAL;
	if ((size = acct_check(buf, len)) < 0)
		return size;
	switch (p[1]) {
	case 0x00:
		decode_layout(p, &layout_v0, false, default_ahz, ret_event);
		break;
	case 0x80:
		decode_layout(p, &layout_v0, true, default_ahz, ret_event);
		break;
	case 0x01:
		decode_layout(p, &layout_v1, false, default_ahz, ret_event);
		break;
	case 0x81:
		decode_layout(p, &layout_v1, true, default_ahz, ret_event);
		break;
	case 0x02:
		decode_layout(p, &layout_v2, false, default_ahz, ret_event);
		break;
	case 0x82:
		decode_layout(p, &layout_v2, true, default_ahz, ret_event);
		break;
	case 0x03:
		decode_layout(p, &layout_v3, false, default_ahz, ret_event);
		break;
	default:	/* 0x83: acct_check() let nothing else through */
		decode_layout(p, &layout_v3, true, default_ahz, ret_event);
		break;
	}
	return size;
}
