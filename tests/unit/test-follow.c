/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-follow: which file the forwarder reads (follow.c) and how a file is
 * known (identity.c), on real files: identity and its errors, the first
 * start, a resume in a rotated file with newer ones after it, truncation,
 * an unreadable file after a rotation, and --once after a rotation to an
 * empty file.
 */
#include "config.h"

#include <errno.h>

#include "fwtest.h"
#include "identity.h"

static void
test_identity(void)
{
	static const uint8_t bad_gzip[] = { 0x1f, 0x8b, 0x08, 0xff, 'n', 'o',
	    't', ' ', 'g', 'z', 'i', 'p', 0, 0, 0, 0, 0, 0, 0, 0 };
	const char *bad = fw_path("bad.gz"), *rec = fw_path("rec.pacct");
	struct file_id id;
	struct source s;
	FILE *f;
	int fd;

	fd = open(fw_dir, O_RDONLY | O_DIRECTORY);
	is_int(file_id_read(fd, &id), -EISDIR, "identity: a directory: -EISDIR");
	close(fd);
	if ((f = fopen(bad, "wb")) == NULL ||
	    fwrite(bad_gzip, 1, sizeof(bad_gzip), f) != sizeof(bad_gzip) ||
	    fclose(f) != 0)
		abort();
	fd = open(bad, O_RDONLY);
	is_int(file_id_read(fd, &id), -EBADMSG,
	    "identity: a gzip file whose start is damaged: -EBADMSG");
	close(fd);
	fw_records(rec, 7, 1, false);
	fd = open(rec, O_RDONLY);
	ok(file_id_read(fd, &id) == 0 && id.has_first && id.first[1] == 3,
	    "identity: a file of one record knows it");
	close(fd);

	/* Its own error, whatever errno held before (the old code returned
	 * -errno after file identity failed, which it does not set). */
	errno = EPERM;
	is_int(source_open(&s, bad, 0, true), -EBADMSG,
	    "source_open: the error of identity, not a stale errno");
	is_int(source_open(&s, fw_dir, 0, true), -EISDIR,
	    "source_open: a directory: -EISDIR");
	is_int(source_open(&s, fw_path("none"), 0, true), -ENOENT,
	    "source_open: no file: -ENOENT");
}

static void
test_first_start(void)
{
	const char *pacct = fw_path("fs.pacct");
	int sfd = fw_state_dir("fs.state");
	struct forward_options o = fw_options(pacct, sfd, false);
	struct forwarder *f = NULL;

	fw_records(pacct, 10, 2, false);
	is_int(forwarder_new(&o, &f), 0, "first start: 0");
	ok(f->cur.live && f->cur.was_live && !f->cur.final &&
	    strcmp(f->cur.path, pacct) == 0 && f->cur.offset == 0,
	    "first start: the path from its start, followed");
	ok(f->n_ctl == 1 && f->ctl[0].c.kind == FMT_FORWARDER_START &&
	    strstr(f->ctl[0].c.message, "first start") != NULL,
	    "first start: forwarder_start queued, saying so");
	forwarder_free(f);
	o.path = fw_path("nothere");
	unlinkat(sfd, STATE_FILE, 0);
	is_int(forwarder_new(&o, &f), -ENOENT, "first start: no file: -ENOENT");
	close(sfd);
}

/* Down while savelog rotated twice: the saved file is pacct.1 now, with
 * pacct.0 and pacct newer; each is read, with a rotation event between. */
static void
test_resume_rotated(void)
{
	const char *pacct = fw_path("rr/pacct"), *out = fw_path("rr.kv");
	int sfd = fw_state_dir("rr.state");
	struct forward_options o = fw_options(pacct, sfd, true);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;

	if (mkdir(fw_path("rr"), 0755) < 0)
		abort();
	fw_records(pacct, 20, 3, false);
	fw_run_clean(&o, s);
	fw_records(pacct, 23, 2, true);
	if (rename(pacct, fw_path("rr/pacct.1")) < 0)
		abort();
	fw_records(fw_path("rr/pacct.0"), 30, 2, false);
	fw_records(pacct, 40, 1, false);

	is_int(forwarder_new(&o, &f), 0, "resume rotated: 0");
	ok(strcmp(f->cur.path, fw_path("rr/pacct.1")) == 0 &&
	    f->cur.offset == 192, "resume rotated: in pacct.1 at offset 192");
	ok(f->n_todo == 1 && strcmp(f->todo[0], fw_path("rr/pacct.0")) == 0,
	    "resume rotated: then pacct.0");
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 20, &p), FORWARD_AT_END, "resume rotated: at the end");
	is_int(fw_count(out, "event=\"process_end\""), 3 + 2 + 2 + 1,
	    "resume rotated: every record once (3, then 2 + 2 + 1)");
	is_int(fw_count(out, "event=\"rotation\""), 2,
	    "resume rotated: a rotation event for pacct.1 and pacct.0");
	ok(fw_seq_contiguous(out), "resume rotated: seq 1.. with no hole");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* The live file emptied and written again: a truncated event, and the
 * new records from its start. */
static void
test_truncation(void)
{
	const char *pacct = fw_path("tr.pacct"), *out = fw_path("tr.kv");
	int sfd = fw_state_dir("tr.state");
	struct forward_options o = fw_options(pacct, sfd, false);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;

	fw_records(pacct, 50, 5, false);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	fw_pump(f, 3, &p);
	fw_records(pacct, 60, 2, false);
	is_int(fw_pump(f, 3, &p), FORWARD_WAITING, "truncation: pumped");
	is_int(fw_count(out, "event=\"truncated\""), 1,
	    "truncation: one truncated event");
	is_int(fw_count(out, "event=\"process_end\""), 5 + 2,
	    "truncation: the 2 new records follow the 5");
	ok(f->cur.offset == 128, "truncation: read up to 128 of the new file");
	ok(fw_seq_contiguous(out), "truncation: seq 1.. with no hole");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* After a rotation the path is a directory: FORWARD_SOURCE_FAILED naming
 * it (the old code returned a bare error that main.c took for a sink or
 * state failure and crashed on); once it is a file, on with it. */
static void
test_unreadable_next(void)
{
	const char *pacct = fw_path("un/pacct"), *out = fw_path("un.kv");
	int sfd = fw_state_dir("un.state");
	struct forward_options o = fw_options(pacct, sfd, false);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;

	if (mkdir(fw_path("un"), 0755) < 0)
		abort();
	fw_records(pacct, 70, 3, false);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	fw_pump(f, 3, &p);
	if (rename(pacct, fw_path("un/pacct.0")) < 0 || mkdir(pacct, 0755) < 0)
		abort();
	is_int(fw_pump(f, 20, &p), FORWARD_SOURCE_FAILED,
	    "unreadable next: a directory after the rotation: source failed");
	is_int(p.error, -EISDIR, "  -EISDIR");
	ok(p.file != NULL && strcmp(p.file, pacct) == 0, "  naming the path");
	is_int(fw_pump(f, 1, &p), FORWARD_SOURCE_FAILED,
	    "unreadable next: again, the same");
	if (rmdir(pacct) < 0)
		abort();
	fw_records(pacct, 80, 2, false);
	is_int(fw_pump(f, 5, &p), FORWARD_WAITING,
	    "unreadable next: a file again: on with it");
	is_int(fw_count(out, "event=\"rotation\""), 1,
	    "unreadable next: one rotation event");
	is_int(fw_count(out, "event=\"process_end\""), 3 + 2,
	    "unreadable next: the records of both files");
	ok(fw_seq_contiguous(out), "unreadable next: seq 1.. with no hole");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* --once after a rotation to a new, empty file: the rest of the rotated
 * file, a rotation event, the end (the old code waited for the new file's
 * first record). */
static void
test_once_empty_after_rotation(void)
{
	const char *pacct = fw_path("oe/pacct"), *out = fw_path("oe.kv");
	int sfd = fw_state_dir("oe.state");
	struct forward_options o = fw_options(pacct, sfd, true);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;

	if (mkdir(fw_path("oe"), 0755) < 0)
		abort();
	fw_records(pacct, 90, 3, false);
	fw_run_clean(&o, s);
	fw_records(pacct, 93, 2, true);
	if (rename(pacct, fw_path("oe/pacct.0")) < 0)
		abort();
	fw_records(pacct, 0, 0, false);
	is_int(forwarder_new(&o, &f), 0, "once, empty new file: resumes");
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 50, &p), FORWARD_AT_END,
	    "once, empty new file: reaches the end");
	is_int(fw_count(out, "event=\"process_end\""), 3 + 2,
	    "once, empty new file: the 2 records left in the rotated file");
	is_int(fw_count(out, "event=\"rotation\""), 1,
	    "once, empty new file: a rotation event");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

int
main(void)
{
	fw_setup();
	test_identity();
	test_first_start();
	test_resume_rotated();
	test_truncation();
	test_unreadable_next();
	test_once_empty_after_rotation();
	fw_cleanup();
	return done_testing();
}
