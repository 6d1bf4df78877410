/* SPDX-License-Identifier: Apache-2.0 */
/*
 * accounting.h: is the kernel's process accounting alive, and turning it on.
 *
 * Promise: the pause mirror decides as the kernel does (kernel/acct.c
 * check_free_space: free blocks of the accounting filesystem against the
 * suspend and resume percentages of /proc/sys/kernel/acct, with the same
 * hysteresis), so a pause is reported without waiting for the kernel to say
 * so.  The heartbeat forks a child that renames itself HEARTBEAT_COMM and
 * exits at once without exec: its own record must come back through the
 * file.  Functions return 0 or -errno; nothing here logs.
 */
#ifndef ACCT2SYSLOG_ACCOUNTING_H
#define ACCT2SYSLOG_ACCOUNTING_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

#define HEARTBEAT_COMM	"acct2syslog-hb"	/* 14 bytes: fits ac_comm */
#define HEARTBEAT_MAX	16	/* children remembered at once */

/* /proc/sys/kernel/acct: "resume suspend frequency".  The kernel keeps
 * them as ints: a negative one reads back as its two's complement and
 * acct_space_update() uses it as the kernel's u64 arithmetic does. */
struct acct_thresholds {
	unsigned	resume;		/* percent free to resume (4) */
	unsigned	suspend;	/* percent free to pause (2) */
	unsigned	frequency;	/* seconds between checks (30) */
};

/* Read the thresholds (path NULL: /proc/sys/kernel/acct).  -EBADMSG: not
 * three integers; -ERANGE: one does not fit an int; else from open/read. */
int	acct_thresholds_read(const char *path, struct acct_thresholds *ret);

/*
 * The kernel's view of the accounting filesystem.  Zeroed means active.
 * acct(2) itself starts every new accounting file paused and checks at the
 * first process exit, so with the resume threshold: whoever has just
 * turned accounting on should start from paused = true.
 */
struct acct_space {
	bool		paused;		/* as the kernel would have it now */
	/* 100 * f_bavail / f_blocks, rounded down; 0 when f_blocks is 0 */
	unsigned	free_percent;
};

/*
 * Update *space for the filesystem holding fd (fstatvfs): when active,
 * pause if f_bavail <= f_blocks * suspend / 100; when paused, resume if
 * f_bavail >= f_blocks * resume / 100 (integer division, as the kernel).
 * The kernel decides only at the first exit after t->frequency seconds
 * since its last check, so it may follow up to that much later.
 * Returns 1 when paused changed, 0 when not, -errno when fstatvfs failed.
 */
int	acct_space_update(struct acct_space *space, int fd,
	    const struct acct_thresholds *t);

/*
 * Heartbeat children still on their way through the file.  Children are
 * reaped with waitpid(pid, WNOHANG), each by its pid: no SIGCHLD handler is
 * needed and no other child of the caller is touched.  One thread at a
 * time.
 */
struct heartbeat;

int	heartbeat_new(struct heartbeat **ret);
/* Forget and reap every child, waiting for those not yet exited (they
 * exit at once); NULL is fine. */
void	heartbeat_free(struct heartbeat *hb);

/* Fork one child now (it exits at once, named HEARTBEAT_COMM) and
 * remember its pid and now_us; reaps children that have exited.  0; 1
 * when HEARTBEAT_MAX children were waiting and the oldest was given up to
 * make room; -EAGAIN when none of them has exited yet; -errno of fork. */
int	heartbeat_spawn(struct heartbeat *hb, uint64_t now_us);

/* Is ev the record of one of our children?  If so, forget that child and
 * give the time from its spawn to now_us (ret_latency_us may be NULL).
 * It must carry HEARTBEAT_COMM and AFORK, and in v3 the child's pid as
 * fork() returned it: the kernel writes pids as seen from the namespace
 * of whoever turned accounting on, so this assumes the caller runs in that
 * pid namespace.  Records without a pid match the oldest waiting child. */
bool	heartbeat_match(struct heartbeat *hb, const struct acct_event *ev,
	    uint64_t now_us, uint64_t *ret_latency_us);

/* The spawn time of the oldest child whose record has not come back;
 * false when there is none. */
bool	heartbeat_oldest(const struct heartbeat *hb, uint64_t *ret_spawned_us);

/* Forget every child (after accounting_off was reported, say). */
void	heartbeat_forget(struct heartbeat *hb);

/*
 * Turn accounting on into path with acct(2) when it is off (needs
 * CAP_SYS_PACCT).  1: turned on; 0: it was on already (acct(2) cannot tell:
 * we fork a child named HEARTBEAT_COMM and wait up to ~1 s for its record
 * at the end of path); -errno (path must exist: acct(2) does not create
 * it).  Accounting on into another file, or paused for space, writes
 * nothing to path, so it is (re)started into path: acct(2) switches files
 * at once, and writes into the old file a record of the caller, who has
 * not exited (flags 0).  The probe's record stays in the file
 * like a heartbeat's.
 */
int	accounting_enable(const char *path);

#endif
