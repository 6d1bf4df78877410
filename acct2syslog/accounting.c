/* SPDX-License-Identifier: Apache-2.0 */
/*
 * accounting.c: is the kernel's process accounting alive, and turning it on.
 *
 * The pause mirror copies kernel/acct.c check_free_space() decision for
 * decision, integer arithmetic included.  The heartbeat and the probe of
 * accounting_enable() are the same thing: a child that renames itself and
 * exits without exec, so that the kernel writes one record we can recognise
 * (comm HEARTBEAT_COMM, flag AFORK, and in v3 its pid).  Children are reaped
 * one by one with waitpid(pid, WNOHANG): no SIGCHLD handler, and never a
 * child that is not ours.
 *
 * At the end, the forwarder's watch over them (accounting_check): it
 * turns a missing heartbeat and a pause for space into control events.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accounting.h"
#include "forward-internal.h"
#include "macro.h"

#define THRESHOLDS_PATH	"/proc/sys/kernel/acct"
#define PROBE_WAIT_NS	1000000000LL	/* accounting_enable(): ~1 s */
#define PROBE_STEP_NS	10000000L	/* between looks at the file */
#define PROBE_BATCH	64		/* records read at a time */

/* One child: its pid as fork() gave it and when it was spawned. */
struct heartbeat_child {
	pid_t		pid;		/* 0: the slot is free */
	uint64_t	spawned_us;
	bool		waiting;	/* its record has not come back */
	bool		reaped;		/* waitpid() collected it */
};

struct heartbeat {
	struct heartbeat_child	child[HEARTBEAT_MAX];
};

/* Parse one int as proc_dointvec writes it; *p moves past it. */
static int
parse_int(const char **p, int *ret)
{
	char *end;
	long v;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p != '-' && (**p < '0' || **p > '9'))
		return -EBADMSG;
	errno = 0;
	v = strtol(*p, &end, 10);
	if (errno != 0 || v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*p = end;
	*ret = (int)v;
	return 0;
}

int
acct_thresholds_read(const char *path, struct acct_thresholds *ret)
{
	_cleanup_close_ int fd = -1;
	char buf[128];
	const char *p = buf;
	int v[3], r;
	ssize_t n;

	fd = open(path != NULL ? path : THRESHOLDS_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (int i = 0; i < 3; i++)
		if ((r = parse_int(&p, &v[i])) < 0)
			return r;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (*p != '\0')
		return -EBADMSG;
	/* The kernel's ints, bit for bit: see kernel_percent(). */
	ret->resume = (unsigned)v[0];
	ret->suspend = (unsigned)v[1];
	ret->frequency = (unsigned)v[2];
	return 0;
}

/*
 * A percentage as the kernel multiplies by it: "u64 suspend =
 * sbuf.f_blocks * SUSPEND" converts the int SUSPEND to u64, so a negative
 * value an administrator wrote becomes 2^64 - |value|.
 */
static uint64_t
kernel_percent(unsigned value)
{
	return (uint64_t)(int64_t)(int)value;
}

int
acct_space_update(struct acct_space *space, int fd,
    const struct acct_thresholds *t)
{
	struct statvfs sv;
	uint64_t blocks, avail, limit;
	bool paused = space->paused;

	if (fstatvfs(fd, &sv) < 0)
		return -errno;
	blocks = sv.f_blocks;
	avail = sv.f_bavail;

	/* kernel/acct.c check_free_space(), both branches as written. */
	if (!paused) {
		limit = blocks * kernel_percent(t->suspend);
		limit /= 100;
		if (avail <= limit)
			paused = true;
	} else {
		limit = blocks * kernel_percent(t->resume);
		limit /= 100;
		if (avail >= limit)
			paused = false;
	}

	space->free_percent = blocks == 0 ? 0 :
	    (unsigned)(avail / blocks * 100 + avail % blocks * 100 / blocks);
	if (paused == space->paused)
		return 0;
	space->paused = paused;
	return 1;
}

/* Fork the child whose record we look for; its pid, or -errno. */
static pid_t
spawn_marked_child(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* No exec: the record keeps AFORK and this name. */
		_exit(prctl(PR_SET_NAME, HEARTBEAT_COMM, 0, 0, 0) == 0 ? 0 : 1);
	}
	return pid;
}

/* Collect pid if it has exited (wait: until it has).  True when it is
 * gone: collected now, or not our child to collect (ECHILD). */
static bool
reap(pid_t pid, bool wait)
{
	pid_t r;

	do
		r = waitpid(pid, NULL, wait ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	return r == pid || (r < 0 && errno == ECHILD);
}

/* Reap the children that have exited; free the slots nobody needs. */
static void
heartbeat_reap(struct heartbeat *hb, bool wait)
{
	for (int i = 0; i < HEARTBEAT_MAX; i++) {
		struct heartbeat_child *c = &hb->child[i];

		if (c->pid == 0)
			continue;
		if (!c->reaped)
			c->reaped = reap(c->pid, wait);
		if (c->reaped && !c->waiting)
			memset(c, 0, sizeof(*c));
	}
}

/* Is ev a record of a marked child: its name and AFORK (no exec)? */
static bool
is_marked_record(const struct acct_event *ev)
{
	return ev->comm_len == sizeof(HEARTBEAT_COMM) - 1 &&
	    memcmp(ev->comm, HEARTBEAT_COMM, sizeof(HEARTBEAT_COMM) - 1) == 0 &&
	    (ev->flags & ACCT_FLAG_FORK) != 0;
}

int
heartbeat_new(struct heartbeat **ret)
{
	struct heartbeat *hb = calloc(1, sizeof(*hb));

	if (hb == NULL)
		return -ENOMEM;
	*ret = hb;
	return 0;
}

void
heartbeat_free(struct heartbeat *hb)
{
	if (hb == NULL)
		return;
	heartbeat_forget(hb);
	heartbeat_reap(hb, true);
	free(hb);
}

/* The slot of the waiting child spawned first (reaped_only: of those
 * already reaped); -1 when there is none. */
static int
oldest_waiting(const struct heartbeat *hb, bool reaped_only)
{
	int oldest = -1;

	for (int i = 0; i < HEARTBEAT_MAX; i++) {
		const struct heartbeat_child *c = &hb->child[i];

		if (c->pid == 0 || !c->waiting || (reaped_only && !c->reaped))
			continue;
		if (oldest < 0 || c->spawned_us < hb->child[oldest].spawned_us)
			oldest = i;
	}
	return oldest;
}

int
heartbeat_spawn(struct heartbeat *hb, uint64_t now_us)
{
	struct heartbeat_child *slot = NULL;
	int dropped = 0, victim;
	pid_t pid;

	heartbeat_reap(hb, false);
	for (size_t i = 0; i < HEARTBEAT_MAX && slot == NULL; i++)
		if (hb->child[i].pid == 0)
			slot = &hb->child[i];
	if (slot == NULL) {
		/* Full: give up on the oldest child that has exited; one
		 * still running must stay until it can be reaped. */
		if ((victim = oldest_waiting(hb, true)) < 0)
			return -EAGAIN;
		slot = &hb->child[victim];
		memset(slot, 0, sizeof(*slot));
		dropped = 1;
	}
	if ((pid = spawn_marked_child()) < 0)
		return pid;
	slot->pid = pid;
	slot->spawned_us = now_us;
	slot->waiting = true;
	slot->reaped = false;
	return dropped;
}

bool
heartbeat_match(struct heartbeat *hb, const struct acct_event *ev,
    uint64_t now_us, uint64_t *ret_latency_us)
{
	struct heartbeat_child *c;
	int found = -1;

	if (!is_marked_record(ev))
		return false;
	if (ev->has_pid) {
		for (int i = 0; i < HEARTBEAT_MAX && found < 0; i++)
			if (hb->child[i].pid != 0 && hb->child[i].waiting &&
			    (uint32_t)hb->child[i].pid == ev->pid)
				found = i;
	} else
		found = oldest_waiting(hb, false);
	if (found < 0)
		return false;
	c = &hb->child[found];
	c->waiting = false;
	/* Its record is written just before it becomes a zombie: collect
	 * it now, if it is one already, rather than at the next spawn. */
	if (!c->reaped)
		c->reaped = reap(c->pid, false);
	if (ret_latency_us != NULL)
		*ret_latency_us = now_us > c->spawned_us ?
		    now_us - c->spawned_us : 0;
	if (c->reaped)
		memset(c, 0, sizeof(*c));
	return true;
}

bool
heartbeat_oldest(const struct heartbeat *hb, uint64_t *ret_spawned_us)
{
	int oldest = oldest_waiting(hb, false);

	if (oldest < 0)
		return false;
	if (ret_spawned_us != NULL)
		*ret_spawned_us = hb->child[oldest].spawned_us;
	return true;
}

void
heartbeat_forget(struct heartbeat *hb)
{
	for (int i = 0; i < HEARTBEAT_MAX; i++)
		hb->child[i].waiting = false;
	heartbeat_reap(hb, false);
}

/* Monotonic clock in nanoseconds. */
static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Look through the records appended to fd from *offset on for the record
 * of the child pid; *offset moves past the whole records read.  1: found;
 * 0: not (yet); -errno.
 */
static int
probe_scan(int fd, uint64_t *offset, pid_t pid)
{
	uint8_t buf[PROBE_BATCH * ACCT_RECORD_SIZE];
	struct acct_event ev;
	ssize_t n;

	for (;;) {
		do
			n = pread(fd, buf, sizeof(buf), (off_t)*offset);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		n -= n % ACCT_RECORD_SIZE;	/* a tail being written */
		if (n == 0)
			return 0;
		for (ssize_t at = 0; at < n; at += ACCT_RECORD_SIZE) {
			if (acct_decode(buf + at, ACCT_RECORD_SIZE,
			    ACCT_AHZ_DEFAULT, &ev) < 0 || !is_marked_record(&ev))
				continue;
			if (!ev.has_pid || ev.pid == (uint32_t)pid)
				return 1;
		}
		*offset += (uint64_t)n;
	}
}

int
accounting_enable(const char *path)
{
	_cleanup_close_ int fd = -1;
	struct timespec step = { 0, PROBE_STEP_NS };
	struct stat st;
	uint64_t offset;
	int64_t deadline;
	pid_t pid;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;		/* what acct(2) says of it */
	offset = (uint64_t)st.st_size;

	/*
	 * The kernel writes a record in do_exit() before the parent can
	 * reap the child, so after waitpid() it is normally there already;
	 * the wait covers filesystems that are slower to show it.
	 */
	if ((pid = spawn_marked_child()) < 0)
		return pid;
	reap(pid, true);
	deadline = now_ns() + PROBE_WAIT_NS;
	for (;;) {
		if ((r = probe_scan(fd, &offset, pid)) != 0)
			return r < 0 ? r : 0;
		if (now_ns() >= deadline)
			break;
		nanosleep(&step, NULL);
	}

	/* Not on into path (off, into another file, or paused): acct(2)
	 * switches to path at once, closing any other file. */
	if (acct(path) < 0)
		return -errno;
	return 1;
}

/* The heartbeat: spawn one when due; accounting_off when the oldest has
 * not come back in time. */
static void
check_heartbeat(struct forwarder *f, uint64_t now_us)
{
	uint64_t spawned;
	char msg[160];

	if (now_us >= f->next_heartbeat_us) {
		/* A failed fork shows as a heartbeat that does not come
		 * back, which is reported below. */
		(void)heartbeat_spawn(f->hb, now_us);
		f->next_heartbeat_us = now_us + f->o.heartbeat_s * SEC;
	}
	if (!heartbeat_oldest(f->hb, &spawned) ||
	    now_us - spawned <= f->o.heartbeat_timeout_s * SEC)
		return;
	snprintf(msg, sizeof(msg), "no heartbeat record came back within %u "
	    "s: process accounting is off or writes elsewhere",
	    f->o.heartbeat_timeout_s);
	heartbeat_forget(f->hb);
	if (!f->accounting_off)
		queue_control(f, FMT_ACCOUNTING_OFF, PRIO_ERR, f->path, msg);
	f->accounting_off = true;
}

/* The free space: the kernel pauses or resumes accounting. */
static void
check_space(struct forwarder *f, uint64_t now_us)
{
	struct control_item *it;
	char msg[160];

	f->next_space_us = now_us + SPACE_CHECK_US;
	if (acct_space_update(&f->space, f->cur.fd, &f->thresholds) != 1)
		return;
	snprintf(msg, sizeof(msg), f->space.paused ? "%u %% free on the "
	    "accounting filesystem: the kernel pauses accounting (below "
	    "%u %%)" : "%u %% free on the accounting filesystem: the kernel "
	    "resumes accounting (%u %% or more)", f->space.free_percent,
	    f->space.paused ? f->thresholds.suspend : f->thresholds.resume);
	it = queue_control(f, f->space.paused ? FMT_ACCOUNTING_PAUSED :
	    FMT_ACCOUNTING_RESUMED, f->space.paused ? PRIO_ERR : PRIO_NOTICE,
	    f->cur.path, msg);
	if (it != NULL) {
		it->c.has = FMT_HAS_FREE_PERCENT;
		it->c.free_percent = f->space.free_percent;
	}
}

void
accounting_check(struct forwarder *f, uint64_t now_us)
{
	if (f->hb != NULL)
		check_heartbeat(f, now_us);
	if (f->have_thresholds && now_us >= f->next_space_us)
		check_space(f, now_us);
}
