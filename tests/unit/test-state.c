/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-state: the forwarder's state file survives a round trip, is
 * replaced atomically, and is refused in every damaged form.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

int
main(void)
{
	struct state s, t, loaded;
	char text[2048], saved[2048];
	size_t n;
	pid_t pid;
	int status;

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

	snprintf(text, sizeof(text), "rm -rf %s", dir);
	if (system(text) != 0)
		diag("could not remove %s", dir);
	close(dir_fd);
	return done_testing();
}
