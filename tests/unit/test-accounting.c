/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-accounting: the heartbeat, accounting_enable() and the pause mirror,
 * against the real kernel.  Every part that turns accounting on runs as
 * pid 1 of a private pid namespace (accounting is per pid namespace, and
 * it stops by itself when that namespace dies), with a private mount
 * namespace for its tmpfs: the host's accounting is never touched.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accounting.h"
#include "pacct.h"
#include "tap.h"

#define SMALL_PAGES	256	/* the small tmpfs: 1 MiB with 4 KiB pages */

static char dir[] = "/tmp/test-accounting.XXXXXX";
static long page_size;

/* What a namespace part reports back through its pipe. */
struct part_result {
	int	run;
	int	failed;
	int	setup_errno;	/* nonzero: it could not start, nothing ran */
	char	setup_what[64];
};

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static int
make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Fork a child that exits at once; wait for it; its pid. */
static pid_t
run_child(bool exec_true)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (exec_true)
			execl("/bin/true", "true", (char *)NULL);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return pid;
}

/* Fork a child that names itself as a heartbeat but is none of ours. */
static pid_t
run_impostor(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NAME, HEARTBEAT_COMM, 0, 0, 0);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

/* Wait (up to 2 s) until path holds at least size bytes. */
static bool
wait_size(const char *path, off_t size)
{
	for (int i = 0; i < 200; i++) {
		if (file_size(path) >= size)
			return true;
		sleep_ms(10);
	}
	return false;
}

/*
 * Wait (up to 2 s) until every child of ours has exited, without reaping
 * any: the heartbeat must find them exited.  /proc is the host's, so the
 * pids are read from it and looked up in it.
 */
static void
wait_children_exited(void)
{
	for (int i = 0; i < 200; i++) {
		char buf[4096], path[64], stat[512];
		bool running = false;
		FILE *f;
		size_t n;

		if ((f = fopen("/proc/thread-self/children", "r")) == NULL) {
			sleep_ms(100);
			return;
		}
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		for (char *p = strtok(buf, " \n"); p != NULL && !running;
		    p = strtok(NULL, " \n")) {
			char *close_paren;

			snprintf(path, sizeof(path), "/proc/%s/stat", p);
			if ((f = fopen(path, "r")) == NULL)
				continue;
			n = fread(stat, 1, sizeof(stat) - 1, f);
			fclose(f);
			stat[n] = '\0';
			close_paren = strrchr(stat, ')');
			running = close_paren == NULL || close_paren[1] != ' ' ||
			    close_paren[2] != 'Z';
		}
		if (!running)
			return;
		sleep_ms(10);
	}
}

/* Mount a tmpfs of pages pages on dir (we are in a private mount ns). */
static int
mount_tmpfs(long pages)
{
	char opts[64];

	snprintf(opts, sizeof(opts), "size=%ld,mode=0700", pages * page_size);
	return mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0 ?
	    -errno : 0;
}

/*
 * Run part as pid 1 of a new pid namespace, in a new mount namespace with
 * a fresh tmpfs of pages pages on dir; fold its TAP counts into ours.
 * Returns the part's setup errno (0: it ran).
 */
static int
run_in_namespace(void (*part)(struct part_result *), long pages,
    struct part_result *ret)
{
	struct part_result res;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	memset(&res, 0, sizeof(res));
	if (pipe(fds) < 0)
		abort();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		pid_t inner;

		close(fds[0]);
		if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0) {
			res.setup_errno = errno;
			snprintf(res.setup_what, sizeof(res.setup_what),
			    "unshare(CLONE_NEWPID|CLONE_NEWNS)");
		} else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
			res.setup_errno = errno;
			snprintf(res.setup_what, sizeof(res.setup_what),
			    "mount --make-rprivate /");
		}
		if (res.setup_errno != 0) {
			if (write(fds[1], &res, sizeof(res)) < 0)
				_exit(1);
			_exit(0);
		}
		inner = fork();
		if (inner == 0) {
			int r;

			if ((r = mount_tmpfs(pages)) < 0) {
				res.setup_errno = -r;
				snprintf(res.setup_what, sizeof(res.setup_what),
				    "mount -t tmpfs");
			} else {
				/* Number our tests after the parent's. */
				part(&res);
				if (res.setup_errno == 0) {
					res.run = tap_run;
					res.failed = tap_failed;
				}
			}
			fflush(stdout);
			if (write(fds[1], &res, sizeof(res)) < 0)
				_exit(1);
			exit(0);	/* not _exit: sanitizers report here */
		}
		if (inner < 0)
			_exit(1);
		while (waitpid(inner, &status, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	close(fds[1]);
	do
		n = read(fds[0], &res, sizeof(res));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(res)) {
		ok(0, "the namespace part ran to its end");
		diag("  it died (status %#x)", status);
		return 0;
	}
	if (res.setup_errno == 0) {
		tap_run = res.run;
		tap_failed = res.failed;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			ok(0, "the namespace part exits cleanly");
			diag("  status %#x", status);
		}
	}
	if (ret != NULL)
		*ret = res;
	return res.setup_errno;
}

/* Can we turn accounting on here at all? */
static void
part_probe(struct part_result *res)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/probe", dir);
	if (make_file(path) < 0 || acct(path) < 0) {
		res->setup_errno = errno;
		snprintf(res->setup_what, sizeof(res->setup_what), "acct(2)");
		return;
	}
	acct(NULL);
}

/* The event of the first record in path with pid (any pid: 0). */
static bool
find_record(const char *path, uint32_t pid, const char *comm,
    struct acct_event *ret)
{
	struct pacct_reader *r;
	struct acct_event ev;
	bool found = false;
	int s;

	if (pacct_open(path, NULL, &r) < 0)
		return false;
	while (!found && (s = pacct_next(r, &ev, NULL)) > 0)
		if (s == PACCT_RECORD && (pid == 0 || ev.pid == pid) &&
		    (comm == NULL || strcmp(ev.comm, comm) == 0)) {
			*ret = ev;
			found = true;
		}
	pacct_close(r);
	return found;
}

/* The heartbeat against records the kernel really wrote. */
static void
part_heartbeat(struct part_result *res)
{
	struct heartbeat *hb;
	struct pacct_reader *r;
	struct acct_event ev, hb_ev;
	char path[128];
	uint64_t t0, t, lat = 0, spawned;
	pid_t hb_pid, true_pid, impostor_pid, other;
	siginfo_t si;
	int matched = 0, unmatched_marked = 0, s, status, records = 0;
	bool hb_matched = false, true_matched = false, impostor_matched = false;

	(void)res;
	memset(&hb_ev, 0, sizeof(hb_ev));
	diag("heartbeat: as pid %d of a private pid namespace", (int)getpid());
	snprintf(path, sizeof(path), "%s/pacct", dir);
	if (make_file(path) < 0 || acct(path) < 0)
		abort();
	is_int(heartbeat_new(&hb), 0, "heartbeat_new");
	ok(!heartbeat_oldest(hb, &spawned), "no child yet: heartbeat_oldest is false");

	t0 = now_us();
	is_int(heartbeat_spawn(hb, t0), 0, "heartbeat_spawn");
	/* Its pid, and that it has exited, without reaping it. */
	memset(&si, 0, sizeof(si));
	s = waitid(P_ALL, 0, &si, WEXITED | WNOWAIT);
	hb_pid = si.si_pid;
	ok(s == 0 && hb_pid > 0, "the heartbeat child exits at once (pid %d)",
	    (int)hb_pid);
	ok(heartbeat_oldest(hb, &spawned) && spawned == t0,
	    "heartbeat_oldest gives its spawn time");

	/* A child of ours that is not a heartbeat must be left to us. */
	other = fork();
	if (other == 0)
		_exit(7);
	waitid(P_PID, (id_t)other, &si, WEXITED | WNOWAIT);
	true_pid = run_child(true);
	impostor_pid = run_impostor();
	is_int(heartbeat_spawn(hb, t0 + 1), 0, "a second heartbeat_spawn");
	ok(waitpid(other, &status, WNOHANG) == other && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 7,
	    "heartbeat_spawn reaped its own children, not another one");

	/* Heartbeat, other, true, impostor, heartbeat 2: five records. */
	ok(wait_size(path, 5 * ACCT_RECORD_SIZE), "the kernel wrote the records");
	acct(NULL);

	ok(pacct_open(path, NULL, &r) == 0, "read them back with pacct");
	while ((s = pacct_next(r, &ev, NULL)) > 0) {
		if (s != PACCT_RECORD)
			continue;
		records++;
		diag("record: pid %u ppid %u comm \"%s\" flags %#x", ev.pid,
		    ev.ppid, ev.comm, ev.flags);
		t = now_us();
		if (heartbeat_match(hb, &ev, t, &lat)) {
			matched++;
			if (ev.pid == (uint32_t)hb_pid) {
				hb_matched = true;
				hb_ev = ev;
			}
			if (ev.pid == (uint32_t)true_pid)
				true_matched = true;
			if (ev.pid == (uint32_t)impostor_pid)
				impostor_matched = true;
			if (ev.pid == (uint32_t)hb_pid)
				ok(lat > 0 && lat <= t - t0,
				    "latency %llu us: from spawn to match",
				    (unsigned long long)lat);
		} else if (strcmp(ev.comm, HEARTBEAT_COMM) == 0)
			unmatched_marked++;
	}
	pacct_close(r);
	diag("%d records in the file", records);
	ok(hb_matched, "heartbeat_match finds our child by its pid (%d)",
	    (int)hb_pid);
	ok(hb_ev.has_pid && (hb_ev.flags & ACCT_FLAG_FORK) &&
	    strcmp(hb_ev.comm, HEARTBEAT_COMM) == 0,
	    "its record: v3 pid, AFORK, comm \"%s\"", hb_ev.comm);
	ok(!true_matched, "an exec'd /bin/true (pid %d) does not match",
	    (int)true_pid);
	ok(!impostor_matched && unmatched_marked >= 1,
	    "a process named %s that we did not spawn does not match",
	    HEARTBEAT_COMM);
	ok(find_record(path, (uint32_t)true_pid, "true", &ev) &&
	    !(ev.flags & ACCT_FLAG_FORK), "/bin/true's record is there, no AFORK");
	is_int(matched, 2, "both heartbeats matched, nothing else");
	ok(!heartbeat_oldest(hb, &spawned), "none outstanding any more");
	ok(find_record(path, (uint32_t)hb_pid, NULL, &ev) &&
	    !heartbeat_match(hb, &ev, now_us(), &lat),
	    "a record that came back once does not match again");
	ok(find_record(path, 1, NULL, &ev) && ev.flags == 0,
	    "kernel: acct(NULL) wrote a record of its caller, still alive "
	    "(pid 1, flags 0: not even AFORK, it has not exited)");

	/* Records without a pid (v0..v2) match the oldest, by name and AFORK. */
	heartbeat_spawn(hb, 1000);
	heartbeat_spawn(hb, 2000);
	memset(&ev, 0, sizeof(ev));
	ev.version = 2;
	ev.comm_len = (uint8_t)strlen(HEARTBEAT_COMM);
	memcpy(ev.comm, HEARTBEAT_COMM, ev.comm_len);
	ok(!heartbeat_match(hb, &ev, 5000, &lat),
	    "no pid, no AFORK: no match (it exec'd)");
	ev.flags = ACCT_FLAG_FORK;
	ok(heartbeat_match(hb, &ev, 5000, &lat) && lat == 4000,
	    "no pid: the oldest child matches (latency %llu)",
	    (unsigned long long)lat);
	ok(heartbeat_oldest(hb, &spawned) && spawned == 2000,
	    "and the next one is now the oldest");
	ev.comm[0] = 'X';
	ok(!heartbeat_match(hb, &ev, 5000, &lat), "another name: no match");
	heartbeat_forget(hb);
	ok(!heartbeat_oldest(hb, &spawned), "heartbeat_forget: none outstanding");
	wait_children_exited();	/* to be reaped by the next spawn */

	/* Bounded: the seventeenth drops the oldest. */
	for (int i = 0; i < HEARTBEAT_MAX; i++)
		if (heartbeat_spawn(hb, 10000 + (uint64_t)i) != 0)
			ok(0, "spawn %d", i);
	wait_children_exited();
	is_int(heartbeat_spawn(hb, 20000), 1,
	    "with %d outstanding, one more drops the oldest and says so",
	    HEARTBEAT_MAX);
	ok(heartbeat_oldest(hb, &spawned) && spawned == 10001,
	    "the oldest left is the second one");
	heartbeat_free(hb);
	ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	    "heartbeat_free leaves no child behind");
}

/* accounting_enable() in a namespace where accounting is off. */
static void
part_enable(struct part_result *res)
{
	char path[128], other[128], missing[128];
	uint64_t t;
	off_t size;
	bool grew;
	int r;

	(void)res;
	snprintf(path, sizeof(path), "%s/pacct", dir);
	snprintf(other, sizeof(other), "%s/pacct.other", dir);
	snprintf(missing, sizeof(missing), "%s/none", dir);
	if (make_file(path) < 0 || make_file(other) < 0)
		abort();

	is_int(accounting_enable(missing), -ENOENT, "a missing file: -ENOENT");
	t = now_us();
	r = accounting_enable(path);
	is_int(r, 1, "accounting off: accounting_enable turns it on (%llu ms)",
	    (unsigned long long)(now_us() - t) / 1000);
	size = file_size(path);
	run_child(true);
	grew = wait_size(path, size + ACCT_RECORD_SIZE);
	ok(grew, "and the file grows when a process exits (%lld -> %lld)",
	    (long long)size, (long long)file_size(path));
	t = now_us();
	is_int(accounting_enable(path), 0, "on already: 0 (%llu ms)",
	    (unsigned long long)(now_us() - t) / 1000);
	ok(find_record(path, 0, HEARTBEAT_COMM, &(struct acct_event){ 0 }),
	    "the probe's record is in the file");

	/* On into another file: path is not written, so it takes over. */
	if (acct(other) < 0)
		abort();
	size = file_size(other);
	size = file_size(path);
	is_int(accounting_enable(path), 1,
	    "on into another file: switched to path (1)");
	run_child(true);
	ok(wait_size(path, size + ACCT_RECORD_SIZE), "path is written again");
	ok(find_record(other, 0, HEARTBEAT_COMM, &(struct acct_event){ 0 }),
	    "the probe's record went to the other file");
	acct(NULL);
}

/* Resize the filler so that the filesystem has want free blocks. */
static bool
set_free(int filler, uint64_t want, struct statvfs *ret)
{
	struct stat st;

	for (int i = 0; i < 8; i++) {
		int64_t pages;

		if (statvfs(dir, ret) < 0 || fstat(filler, &st) < 0)
			return false;
		if (ret->f_bavail == want)
			return true;
		pages = st.st_size / page_size +
		    (int64_t)ret->f_bavail - (int64_t)want;
		if (pages < 0)
			return false;
		if (pages * page_size < st.st_size) {
			if (ftruncate(filler, pages * page_size) < 0)
				return false;
		} else if (fallocate(filler, 0, 0, pages * page_size) < 0)
			return false;
	}
	return false;
}

/* Is free_percent what statvfs gives, worked out another way? */
static bool
percent_agrees(const struct acct_space *sp, const struct statvfs *sv)
{
	unsigned want = (unsigned)(100.0L * sv->f_bavail / sv->f_blocks);

	if (sp->free_percent != want)
		diag("  free_percent %u, statvfs says %u", sp->free_percent, want);
	return sp->free_percent == want;
}

/*
 * A filesystem that reports no blocks at all (ramfs): 0 <= 0 pauses and
 * 0 >= 0 resumes, so the kernel flips at every check (seen by hand: on at
 * the first exit, "Process accounting paused" 30 s later).  The mirror
 * must flip the same way, not divide by zero.
 */
static void
space_no_blocks(const struct acct_thresholds *t)
{
	struct acct_space sp = { 0 };
	char sub[128];
	int fd;

	snprintf(sub, sizeof(sub), "%s/ramfs", dir);
	if (mkdir(sub, 0700) < 0 || mount("ramfs", sub, "ramfs", 0, NULL) < 0 ||
	    (fd = open(sub, O_RDONLY | O_DIRECTORY)) < 0) {
		skip(1, "no ramfs");
		return;
	}
	ok(acct_space_update(&sp, fd, t) == 1 && sp.paused &&
	    sp.free_percent == 0, "no blocks (ramfs): active pauses, 0 %%");
	ok(acct_space_update(&sp, fd, t) == 1 && !sp.paused,
	    "and paused resumes: it flips at every check, as the kernel does");
	close(fd);
	umount(sub);
}

/* The pause mirror on a small real filesystem, and the kernel as oracle. */
static void
part_space(struct part_result *res)
{
	struct acct_thresholds t;
	struct acct_space sp = { 0 };
	struct statvfs sv;
	char path[128], filler_path[128];
	uint64_t blocks, suspend, resume;
	off_t size;
	int filler, fd;

	if (acct_thresholds_read(NULL, &t) < 0 || t.suspend >= t.resume ||
	    t.resume > 100) {
		res->setup_errno = EINVAL;
		snprintf(res->setup_what, sizeof(res->setup_what),
		    "/proc/sys/kernel/acct (want suspend < resume <= 100)");
		return;
	}
	snprintf(path, sizeof(path), "%s/pacct", dir);
	snprintf(filler_path, sizeof(filler_path), "%s/filler", dir);
	if (make_file(path) < 0 ||
	    (filler = open(filler_path, O_RDWR | O_CREAT, 0600)) < 0 ||
	    (fd = open(path, O_RDONLY)) < 0 || statvfs(dir, &sv) < 0)
		abort();
	blocks = sv.f_blocks;
	suspend = blocks * t.suspend / 100;
	resume = blocks * t.resume / 100;
	diag("tmpfs: %llu blocks of %lu bytes; kernel pauses at <= %llu free, "
	    "resumes at >= %llu (acct %u %u %u)", (unsigned long long)blocks,
	    (unsigned long)sv.f_bsize, (unsigned long long)suspend,
	    (unsigned long long)resume, t.resume, t.suspend, t.frequency);

	ok(set_free(filler, suspend + 1, &sv), "fill to %llu free blocks",
	    (unsigned long long)suspend + 1);
	is_int(acct_space_update(&sp, fd, &t), 0, "just above suspend: no change");
	ok(!sp.paused && percent_agrees(&sp, &sv), "active, %u %% free",
	    sp.free_percent);
	ok(set_free(filler, suspend, &sv), "fill to %llu free blocks",
	    (unsigned long long)suspend);
	is_int(acct_space_update(&sp, fd, &t), 1, "at suspend %%: pauses (1)");
	ok(sp.paused && percent_agrees(&sp, &sv), "paused, %u %% free",
	    sp.free_percent);
	is_int(acct_space_update(&sp, fd, &t), 0, "again: no change (0)");
	ok(set_free(filler, resume - 1, &sv), "free to %llu blocks",
	    (unsigned long long)resume - 1);
	is_int(acct_space_update(&sp, fd, &t), 0, "between the two: stays paused");
	ok(sp.paused && percent_agrees(&sp, &sv), "paused, %u %% free",
	    sp.free_percent);
	ok(set_free(filler, resume, &sv), "free to %llu blocks",
	    (unsigned long long)resume);
	is_int(acct_space_update(&sp, fd, &t), 1, "at resume (integer): resumes (1)");
	ok(!sp.paused && percent_agrees(&sp, &sv),
	    "active, though free_percent reads %u %%: the kernel rounds the "
	    "limit down, not the percentage", sp.free_percent);
	ok(set_free(filler, resume - 1, &sv), "fill to %llu blocks",
	    (unsigned long long)resume - 1);
	is_int(acct_space_update(&sp, fd, &t), 0, "between the two: stays active");
	is_int(acct_space_update(&sp, -1, &t), -EBADF, "a bad descriptor: -EBADF");
	space_no_blocks(&t);

	/*
	 * The kernel as oracle.  acct(2) starts every new accounting file
	 * paused and checks free space at the first exit after it
	 * (kernel/acct.c acct_on: kzalloc, so active = false, and needcheck =
	 * jiffies): so the resume branch can be put to the test at once.
	 */
	sp.paused = true;
	ok(set_free(filler, resume - 1, &sv) && acct_space_update(&sp, fd, &t) == 0 &&
	    sp.paused, "resume - 1 free: the mirror, starting paused, stays paused");
	if (acct(path) < 0)
		abort();
	size = file_size(path);
	run_child(false);
	sleep_ms(50);
	is_int(file_size(path), size,
	    "kernel oracle: accounting turned on at resume - 1 free writes nothing");
	ok(set_free(filler, resume, &sv) && acct_space_update(&sp, fd, &t) == 1 &&
	    !sp.paused, "resume free: the mirror resumes");
	if (acct(path) < 0)
		abort();
	run_child(false);
	ok(wait_size(path, size + ACCT_RECORD_SIZE),
	    "kernel oracle: turned on at exactly resume free, it writes "
	    "(%.2f %% < %u %%: integer limit)",
	    100.0 * (double)resume / (double)blocks, t.resume);

	/*
	 * The suspend branch runs only at the kernel's next check, frequency
	 * seconds after this one: /proc/sys/kernel/acct is global and must
	 * not be changed for a test, so that cannot be seen in a few seconds.
	 * What can be seen: the kernel goes on writing until then.
	 */
	size = file_size(path);
	ok(set_free(filler, suspend, &sv) && acct_space_update(&sp, fd, &t) == 1 &&
	    sp.paused, "suspend free: the mirror pauses at once");
	run_child(false);
	if (t.frequency > 0)
		ok(wait_size(path, size + ACCT_RECORD_SIZE),
		    "kernel oracle: it keeps writing until its next check "
		    "(%u s after the last)", t.frequency);
	else {
		sleep_ms(50);
		is_int(file_size(path), size,
		    "kernel oracle: frequency 0, it pauses at once");
	}
	skip(1, "the kernel's own pause at suspend %: its next check is "
	    "frequency s away and /proc/sys/kernel/acct is global");
	acct(NULL);
	close(fd);
	close(filler);
}

/* Thresholds from a file. */
static void
test_thresholds(void)
{
	struct acct_thresholds t, proc;
	char path[128];
	FILE *f;
	int e;
	static const struct {
		const char	*text;
		int		want;
	} bad[] = {
		{ "", -EBADMSG }, { "4 2\n", -EBADMSG }, { "4 2 30 1\n", -EBADMSG },
		{ "4 x 30\n", -EBADMSG }, { "4 2 99999999999\n", -ERANGE },
	};

	snprintf(path, sizeof(path), "%s/acct", dir);
	f = fopen(path, "w");
	fputs("4\t2\t30\n", f);
	fclose(f);
	ok(acct_thresholds_read(path, &t) == 0 && t.resume == 4 &&
	    t.suspend == 2 && t.frequency == 30, "\"4\\t2\\t30\" reads");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fopen(path, "w");
		fputs(bad[i].text, f);
		fclose(f);
		is_int(acct_thresholds_read(path, &t), bad[i].want,
		    "\"%.*s\" is refused", (int)strcspn(bad[i].text, "\n"),
		    bad[i].text);
	}
	f = fopen(path, "w");
	fputs("10 -1 0\n", f);
	fclose(f);
	ok(acct_thresholds_read(path, &t) == 0 && t.resume == 10 &&
	    (int)t.suspend == -1 && t.frequency == 0,
	    "a negative value is the kernel's int, kept");
	unlink(path);
	is_int(acct_thresholds_read(path, &t), -ENOENT, "no file: -ENOENT");
	memset(&proc, 0, sizeof(proc));
	e = acct_thresholds_read(NULL, &proc);
	ok(e == 0, "/proc/sys/kernel/acct: %u %u %u", proc.resume,
	    proc.suspend, proc.frequency);
}

int
main(void)
{
	struct part_result res;
	char cmd[128];
	int e;

	page_size = sysconf(_SC_PAGESIZE);
	if (geteuid() != 0)
		skip_all("needs root: acct(2) and private pid and mount namespaces");
	if (mkdtemp(dir) == NULL)
		skip_all("cannot make a temporary directory");
	e = run_in_namespace(part_probe, 64, &res);
	if (e != 0) {
		rmdir(dir);
		printf("1..0 # SKIP %s: %s\n", res.setup_what, strerror(e));
		return 77;
	}

	test_thresholds();
	if ((e = run_in_namespace(part_heartbeat, 4096, &res)) != 0)
		ok(0, "heartbeat part: %s: %s", res.setup_what, strerror(e));
	if ((e = run_in_namespace(part_enable, 4096, &res)) != 0)
		ok(0, "accounting_enable part: %s: %s", res.setup_what,
		    strerror(e));
	if ((e = run_in_namespace(part_space, SMALL_PAGES, &res)) != 0)
		ok(0, "space part: %s: %s", res.setup_what, strerror(e));

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
