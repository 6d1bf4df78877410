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

/* /proc/sys/kernel/acct: "resume suspend frequency". */
struct acct_thresholds {
	unsigned	resume;		/* percent free to resume (4) */
	unsigned	suspend;	/* percent free to pause (2) */
	unsigned	frequency;	/* seconds between checks (30) */
};

/* Read the thresholds (path NULL: /proc/sys/kernel/acct). */
int	acct_thresholds_read(const char *path, struct acct_thresholds *ret);

/* The kernel's view of the accounting filesystem. */
struct acct_space {
	bool		paused;		/* as the kernel would have it now */
	unsigned	free_percent;	/* f_bavail / f_blocks, rounded down */
};

/*
 * Update *space for the filesystem holding fd (fstatvfs): pause when free
 * blocks <= suspend %, resume when >= resume %, else keep the state.
 * Returns 1 when paused changed, 0 when not, -errno when fstatvfs failed.
 */
int	acct_space_update(struct acct_space *space, int fd,
	    const struct acct_thresholds *t);

/* Heartbeat children still on their way through the file. */
struct heartbeat;

int	heartbeat_new(struct heartbeat **ret);
void	heartbeat_free(struct heartbeat *hb);

/* Fork one child now (it exits at once, named HEARTBEAT_COMM) and
 * remember its pid and now_us; reaps children that have exited. */
int	heartbeat_spawn(struct heartbeat *hb, uint64_t now_us);

/* Is ev the record of one of our children?  If so, forget that child and
 * give the time from its spawn to now_us. */
bool	heartbeat_match(struct heartbeat *hb, const struct acct_event *ev,
	    uint64_t now_us, uint64_t *ret_latency_us);

/* The spawn time of the oldest child whose record has not come back;
 * false when there is none. */
bool	heartbeat_oldest(const struct heartbeat *hb, uint64_t *ret_spawned_us);

/* Forget every child (after accounting_off was reported, say). */
void	heartbeat_forget(struct heartbeat *hb);

/* Turn accounting on into path with acct(2) when it is off (needs
 * CAP_SYS_PACCT).  1: turned on; 0: it was on already (acct(2) cannot tell:
 * we decide by whether the file grows after a child exits); -errno. */
int	accounting_enable(const char *path);

#endif
