/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-state: the forwarder's state file survives a round trip, is
 * replaced atomically, and is refused in every damaged form; the state
 * directory is refused unless only root and the daemon's user can change
 * it, and no file in it is written through a link planted there.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "mkrec.h"
#include "state.h"
#include "tap.h"

static char dir[] = "/tmp/test-state.XXXXXX";
static int dir_fd;

static void
write_state(const char *text, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	if ((f = fopen(path, "w")) == NULL || fwrite(text, 1, len, f) != len ||
	    fclose(f) != 0)
		abort();
}

static size_t
read_state(char *buf, size_t size)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	if ((f = fopen(path, "r")) == NULL)
		abort();
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

/* Write body with a correct checksum line: the content itself is wrong. */
static void
write_signed(const char *body)
{
	char text[2048];
	int n = snprintf(text, sizeof(text), "%scrc=%08lx\n", body,
	    crc32(0, (const Bytef *)body, (uInt)strlen(body)));

	write_state(text, (size_t)n);
}

/* Load a state of version 1 and this stream whose other lines are body,
 * signed. */
static int
state_load_text(const char *body, struct state *ret_state)
{
	char text[1024];

	snprintf(text, sizeof(text), "version=1\n"
	    "stream=0123456789abcdef0123456789abcdef\n%s", body);
	write_signed(text);
	return state_load(dir_fd, ret_state);
}

static bool
states_equal(const struct state *a, const struct state *b)
{
	return strcmp(a->stream, b->stream) == 0 && a->seq == b->seq &&
	    a->offset == b->offset && a->file.dev == b->file.dev &&
	    a->file.ino == b->file.ino && a->file.has_first == b->file.has_first &&
	    memcmp(a->file.first, b->file.first, sizeof(a->file.first)) == 0 &&
	    a->clean == b->clean && a->pending_control == b->pending_control &&
	    a->doubt_from == b->doubt_from && a->doubt_to == b->doubt_to;
}

/* A file outside the state directory that a planted link points to. */
#define PRECIOUS	"precious: must stay as it is\n"

static char *
path_of(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

/* Does the file at path hold exactly text? */
static bool
holds(const char *path, const char *text)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n >= 0 && (size_t)n == strlen(text) &&
	    memcmp(buf, text, (size_t)n) == 0;
}

static void
make_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

/* state_dir_open() on path: its result, the message in err; whatever it
 * opened is closed again. */
static int
try_dir(const char *path, char *err, size_t size)
{
	int dfd = -1, lfd = -1, r;

	err[0] = '\0';
	r = state_dir_open(path, &dfd, &lfd, err, size);
	if (r == 0) {
		close(dfd);
		close(lfd);
	}
	return r;
}

static bool
says(const char *err, const char *what)
{
	if (strstr(err, what) != NULL)
		return true;
	diag("  said: %s", err);
	return false;
}

/* A link planted at state.tmp or state: never followed. */
static void
test_planted_links(const struct state *s)
{
	char *victim = path_of("victim"), *tmp = path_of(STATE_FILE ".tmp");
	char *state = path_of(STATE_FILE), saved[2048];
	struct state loaded, u = *s;

	make_file(victim, PRECIOUS);
	if (symlink(victim, tmp) < 0)
		abort();
	read_state(saved, sizeof(saved));
	u.seq = 12345;
	is_int(state_save(dir_fd, &u), -ELOOP,
	    "a symlink planted at state.tmp: state_save refuses it (ELOOP)");
	ok(holds(victim, PRECIOUS), "  and the file it points to is untouched");
	ok(holds(state, saved), "  and the state file is the old one");
	unlink(tmp);

	if (mkfifo(tmp, 0600) < 0)
		abort();
	is_int(state_save(dir_fd, &u), -ENXIO,
	    "a FIFO at state.tmp: state_save does not wait for a reader");
	unlink(tmp);

	if (rename(state, tmp) < 0 || symlink(victim, state) < 0)
		abort();
	is_int(state_load(dir_fd, &loaded), -ELOOP,
	    "a symlink at state: state_load refuses it (ELOOP)");
	if (unlink(state) < 0 || rename(tmp, state) < 0)
		abort();
	ok(state_load(dir_fd, &loaded) == 0 && states_equal(s, &loaded),
	    "the state loads again once it is a file");
	free(victim);
	free(tmp);
	free(state);
}

/* state_dir_open(): trusted, locked, no links where it writes. */
static void
test_state_dir(void)
{
	char *d = path_of("sd"), *link = path_of("sd-link"), *nowhere =
	    path_of("nowhere"), *victim = path_of("victim"), *name, err[1024];
	int dfd, lfd;

	mkdir(d, 0755);
	is_int(try_dir(d, err, sizeof(err)), 0,
	    "a state directory of ours, mode 0755: opens");
	ok(state_dir_open(d, &dfd, &lfd, err, sizeof(err)) == 0,
	    "open it and keep it open");
	is_int(try_dir(d, err, sizeof(err)), -EWOULDBLOCK,
	    "a second open while the first holds it: locked");
	ok(says(err, "is in use by another acct2syslog (locked "),
	    "  and says it is in use");
	close(dfd);
	close(lfd);

	if (symlink(d, link) < 0)
		abort();
	is_int(try_dir(link, err, sizeof(err)), 0,
	    "a symlink to a fine state directory (as DynamicUser= makes): "
	    "opens");

	chmod(d, 0775);
	is_int(try_dir(d, err, sizeof(err)), -EPERM,
	    "a state directory its group may write: refused");
	ok(says(err, "is writable by its group or by others (mode 0775)") &&
	    says(err, "chmod go-w ") && strstr(err, d) != NULL,
	    "  in words naming it, its mode and what to do");
	chmod(d, 01777);
	is_int(try_dir(d, err, sizeof(err)), -EPERM,
	    "a state directory anyone may write (sticky, 1777): refused");
	is_int(try_dir(link, err, sizeof(err)), -EPERM,
	    "through a symlink too");
	ok(says(err, link), "  and the message names the path given");
	chmod(d, 0755);

	if (geteuid() == 0) {
		if (chown(d, 65534, 65534) < 0)
			abort();
		is_int(try_dir(d, err, sizeof(err)), -EPERM,
		    "a state directory of another user (uid 65534) for "
		    "root: refused");
		ok(says(err, "is owned by uid 65534, not by root or the "
		    "daemon's user (uid 0)"), "  in words, with both uids");
		if (chown(d, 0, 0) < 0)
			abort();
	} else
		skip(2, "a directory of another user needs root to make");

	/* Links and other files where the daemon writes, at start. */
	make_file(victim, PRECIOUS);
	name = NULL;
	if (asprintf(&name, "%s/lock", d) < 0 || unlink(name) < 0 ||
	    symlink(nowhere, name) < 0)
		abort();
	is_int(try_dir(d, err, sizeof(err)), -EPERM,
	    "a symlink planted at lock: refused");
	ok(says(err, "lock is a symbolic link"), "  in words");
	ok(access(nowhere, F_OK) < 0 && errno == ENOENT,
	    "  and the file it points to is not created");
	unlink(name);
	free(name);
	if (asprintf(&name, "%s/state.tmp", d) < 0 || symlink(victim, name) < 0)
		abort();
	is_int(try_dir(d, err, sizeof(err)), -EPERM,
	    "a symlink planted at state.tmp: refused at start");
	ok(says(err, "state.tmp is a symbolic link"), "  in words");
	ok(holds(victim, PRECIOUS), "  and the file it points to is untouched");
	unlink(name);
	mkdir(name, 0755);
	is_int(try_dir(d, err, sizeof(err)), -EPERM,
	    "a directory at state.tmp: refused at start");
	ok(says(err, "state.tmp is not a regular file"), "  in words");
	rmdir(name);
	free(name);

	is_int(try_dir(nowhere, err, sizeof(err)), -ENOENT,
	    "a missing state directory: ENOENT");
	ok(says(err, "(create it, writable by the daemon's user, or set "
	    "state_dir)"), "  and what to do");
	free(d);
	free(link);
	free(nowhere);
	free(victim);
}

/* The daemon's own user (the unit's DynamicUser=, say): its directory is
 * trusted, root's is too, another user's is not. */
static void
test_state_dir_user(void)
{
	char *mine = path_of("sd-65534"), *other = path_of("sd-65533");
	char err[1024];
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		skip(1, "running as another user needs root");
		return;
	}
	mkdir(mine, 0750);
	mkdir(other, 0755);
	if (chown(mine, 65534, 65534) < 0 || chown(other, 65533, 65533) < 0 ||
	    chmod(dir, 0755) < 0)
		abort();
	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(9);
		_exit((try_dir(mine, err, sizeof(err)) == 0 ? 0 : 1) |
		    (try_dir(other, err, sizeof(err)) == -EPERM ? 0 : 2));
	}
	waitpid(pid, &status, 0);
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
	    "as uid 65534: its own 0750 directory opens, one of uid 65533 "
	    "is refused");
	chmod(dir, 0700);
	free(mine);
	free(other);
}

int
main(void)
{
	struct state s, t, loaded;
	char text[2048], saved[2048];
	size_t n;
	pid_t pid;
	int status;

	umask(022);
	if (mkdtemp(dir) == NULL || (dir_fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		skip_all("cannot make a temporary directory");

	is_int(state_load(dir_fd, &loaded), -ENOENT, "no state file: -ENOENT");
	is_int(state_new_stream(&s), 0, "a new stream");
	ok(strlen(s.stream) == 32 && strspn(s.stream, "0123456789abcdef") == 32,
	    "its id is 32 hex digits: %s", s.stream);
	state_new_stream(&t);
	ok(strcmp(s.stream, t.stream) != 0, "two new streams differ");
	ok(s.seq == 0 && s.offset == 0 && !s.file.has_first, "and start empty");

	is_int(state_save(dir_fd, &s), 0, "save an empty state");
	memset(&loaded, 0xaa, sizeof(loaded));
	ok(state_load(dir_fd, &loaded) == 0 && states_equal(&s, &loaded),
	    "it loads back the same");

	s.seq = 18446744073709551615ULL;
	s.offset = 1ULL << 40;
	s.file.dev = 2049;
	s.file.ino = 1234567;
	s.file.has_first = true;
	mkrec_v3(s.file.first, false, 42, "first");
	s.pending_control = true;
	s.doubt_from = 5;
	s.doubt_to = s.seq - 1;
	is_int(state_save(dir_fd, &s), 0, "save a full state");
	ok(state_load(dir_fd, &loaded) == 0 && states_equal(&s, &loaded),
	    "it loads back the same, first record and all");
	ok(faccessat(dir_fd, STATE_FILE ".tmp", F_OK, 0) < 0 && errno == ENOENT,
	    "no temporary file is left behind");

	n = read_state(saved, sizeof(saved));
	write_state("", 0);
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "an empty state file is damaged");
	write_state(saved, n / 2);
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "a state file cut in half is damaged");
	write_state(saved, n - 1);
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "a state file without its last newline is damaged");
	memset(text, 0, n);
	write_state(text, n);
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "a zero-filled state file is damaged");
	memcpy(text, saved, n);
	text[strstr(text, "offset=") - text + 7] ^= 1;	/* one bit */
	write_state(text, n);
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "one flipped bit: the checksum says so");
	write_signed("version=1\nstream=0123456789abcdef0123456789abcdef\nseq=1\n"
	    "dev=1\nino=2\nfirst=\noffset=0\nextra=1\n");
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "an unknown key is refused");
	write_signed("version=1\nstream=0123456789abcdef0123456789abcdef\nseq=1\n"
	    "dev=1\nino=2\nfirst=\n");
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "a missing line is refused");
	write_signed("version=2\nstream=0123456789abcdef0123456789abcdef\nseq=1\n"
	    "dev=1\nino=2\nfirst=\noffset=0\n");
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "another version is refused");
	write_signed("version=1\nstream=0123456789abcdef0123456789abcdef\nseq=-1\n"
	    "dev=1\nino=2\nfirst=\noffset=0\n");
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "a negative number is refused");
	write_signed("version=1\nstream=0123456789ABCDEF0123456789abcdef\nseq=1\n"
	    "dev=1\nino=2\nfirst=\noffset=0\n");
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "an id that is not lower-case hex is refused");
	write_signed("version=1\nstream=0123456789abcdef0123456789abcdef\nseq=1\n"
	    "dev=1\nino=2\nfirst=00ff\noffset=0\n");
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "a first record of the wrong length is refused");
	write_signed("version=1\nstream=0123456789abcdef0123456789abcdef\nseq=7\n"
	    "dev=1\nino=2\nfirst=\noffset=640\nclean=1\npending_control=0\n");
	ok(state_load(dir_fd, &loaded) == 0 && loaded.seq == 7 &&
	    loaded.offset == 640 && loaded.clean && !loaded.pending_control,
	    "a hand-written state with its checksum loads");
	write_signed("version=1\nstream=0123456789abcdef0123456789abcdef\nseq=7\n"
	    "dev=1\nino=2\nfirst=\noffset=640\nclean=2\npending_control=0\n");
	is_int(state_load(dir_fd, &loaded), -EBADMSG, "clean=2 is refused");
	ok(state_load_text("seq=7\ndev=1\nino=2\nfirst=\noffset=640\n"
	    "clean=0\npending_control=1\ndoubt_from=3\ndoubt_to=6\n",
	    &loaded) == 0 && loaded.doubt_from == 3 && loaded.doubt_to == 6 &&
	    loaded.pending_control, "a range in doubt loads");
	ok(state_load_text("seq=7\ndev=1\nino=2\nfirst=\noffset=640\n"
	    "clean=0\npending_control=1\n", &loaded) == 0 &&
	    loaded.doubt_from == 0 && loaded.doubt_to == 0,
	    "a state from before the range in doubt loads, with none");
	is_int(state_load_text("seq=7\ndev=1\nino=2\nfirst=\noffset=640\n"
	    "clean=0\npending_control=0\ndoubt_from=3\ndoubt_to=8\n",
	    &loaded), -EBADMSG, "a range in doubt past seq is refused");
	is_int(state_load_text("seq=7\ndev=1\nino=2\nfirst=\noffset=640\n"
	    "clean=0\npending_control=0\ndoubt_from=5\ndoubt_to=4\n",
	    &loaded), -EBADMSG, "a range in doubt upside down is refused");
	is_int(state_load_text("seq=7\ndev=1\nino=2\nfirst=\noffset=640\n"
	    "clean=0\npending_control=0\ndoubt_from=0\ndoubt_to=4\n",
	    &loaded), -EBADMSG, "half a range in doubt is refused");

	/* A directory it may not write: the old state stays. */
	write_state(saved, n);
	chmod(dir, 0555);	/* not writable for its owner either */
	pid = fork();
	if (pid == 0) {
		struct state u = s;

		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(2);
		u.seq = 99;
		_exit(state_save(dir_fd, &u) == -EACCES ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a directory it cannot write: -EACCES");
	chmod(dir, 0755);
	ok(state_load(dir_fd, &loaded) == 0 && states_equal(&s, &loaded),
	    "and the old state is still there, whole");

	test_planted_links(&s);
	test_state_dir();
	test_state_dir_user();

	snprintf(text, sizeof(text), "rm -rf %s", dir);
	if (system(text) != 0)
		diag("could not remove %s", dir);
	close(dir_fd);
	return done_testing();
}
