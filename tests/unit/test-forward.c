/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-forward: the forwarder's commit, replay and typed failures, on real
 * files, a real state directory and a kv file sink (or a syslog sink that
 * nobody listens to).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/resource.h>

#include "fwtest.h"
#include "schema.h"

/* Read a whole file, --once: every record, forwarder_start before them,
 * a commit at the end; forwarder_stop commits clean. */
static void
test_once(void)
{
	const char *pacct = fw_path("once.pacct"), *out = fw_path("once.kv");
	int sfd = fw_state_dir("once.state");
	struct forward_options o = fw_options(pacct, sfd, true);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;
	struct state st;

	fw_records(pacct, 100, 10, false);
	is_int(forwarder_new(&o, &f), 0, "once: a forwarder on 10 records");
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 10, &p), FORWARD_AT_END, "once: at the end");
	is_int(p.error, 0, "  with no error");
	is_int(fw_count(out, "event=\"process_end\""), 10,
	    "once: 10 process_end lines");
	is_int(fw_count(out, "event=\"forwarder_start\""), 1,
	    "once: one forwarder_start");
	ok(state_load(sfd, &st) == 0 && st.seq == 11 && st.offset == 640 &&
	    !st.clean, "once: committed seq 11 at offset 640, not clean yet");
	is_int(forwarder_stop(f, timefmt_now_us(CLOCK_MONOTONIC), "end", &p),
	    FORWARD_WAITING, "once: the stop goes through");
	ok(state_load(sfd, &st) == 0 && st.seq == 12 && st.clean,
	    "once: forwarder_stop is seq 12, the state is clean");
	ok(fw_seq_contiguous(out), "once: seq 1..12 in order");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* A crash after a commit: what may have gone out after it is sent again
 * with the same seqs, then forwarder_start says how many. */
static void
test_replay(void)
{
	const char *pacct = fw_path("replay.pacct"), *out = fw_path("replay.kv");
	int sfd = fw_state_dir("replay.state");
	struct forward_options o = fw_options(pacct, sfd, true);
	struct forwarder *f = NULL;
	struct sink *s;
	struct forward_pump p;
	struct state st;

	fw_records(pacct, 200, 10, false);
	s = fw_file_sink(out);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	fw_pump(f, 10, &p);
	forwarder_free(f);
	sink_close(s);
	/* As if the daemon died after committing the first 3 records (and
	 * forwarder_start, seq 1): records 4.. may have gone out. */
	if (state_load(sfd, &st) < 0)
		abort();
	st.seq = 4;
	st.offset = 3 * 64;
	st.clean = false;
	if (state_save(sfd, &st) < 0)
		abort();
	unlink(out);
	s = fw_file_sink(out);
	is_int(forwarder_new(&o, &f), 0, "replay: resumes after a crash");
	ok(f->replaying && f->replay_until == 640,
	    "replay: replays up to the size of the file (640)");
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 10, &p), FORWARD_AT_END, "replay: at the end");
	is_int(fw_count(out, "event=\"process_end\""), 7,
	    "replay: the 7 records after the commit, again");
	is_int(fw_count(out, "event=\"process_end\"") > 0 ?
	    fw_count(out, " seq=5 ") : 0, 1, "replay: the first has seq 5, "
	    "as it had");
	is_int(fw_count(out, "7 records after it sent again"), 1,
	    "replay: forwarder_start says 7 were sent again");
	is_int(fw_count(out, "event=\"forwarder_start\" ") > 0 ?
	    fw_count(out, "seq=12 ") : 0, 1,
	    "replay: forwarder_start comes after them, seq 12");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* --once after a crash with nothing after the commit: no record to
 * replay, but forwarder_start still goes out, admitting the seq taken for
 * a control event whose delivery is not known. */
static void
test_replay_nothing(void)
{
	const char *pacct = fw_path("rn.pacct"), *out = fw_path("rn.kv");
	int sfd = fw_state_dir("rn.state");
	struct forward_options o = fw_options(pacct, sfd, true);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;
	struct state st;
	char want[64];

	fw_records(pacct, 250, 3, false);
	fw_run_clean(&o, s);
	if (state_load(sfd, &st) < 0)
		abort();
	st.seq++;
	st.pending_control = true;
	st.clean = false;
	if (state_save(sfd, &st) < 0)
		abort();
	is_int(forwarder_new(&o, &f), 0, "replay nothing: resumes");
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 10, &p), FORWARD_AT_END, "replay nothing: at the end");
	is_int(fw_count(out, "event=\"forwarder_start\""), 2,
	    "replay nothing: a forwarder_start for this run too");
	snprintf(want, sizeof(want), "seq_from=%" PRIu64 " seq_to=%" PRIu64
	    " ", st.seq, st.seq);
	is_int(fw_count(out, want), 1, "  admitting seq %" PRIu64, st.seq);
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* The state directory fails: FORWARD_STATE_FAILED, its errno, and the
 * status line says so; nothing moves. */
static void
test_state_failed(void)
{
	const char *pacct = fw_path("sf.pacct"), *out = fw_path("sf.kv");
	int sfd = fw_state_dir("sf.state");
	struct forward_options o = fw_options(pacct, sfd, false);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;
	char status[600];

	fw_records(pacct, 300, 5, false);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	/* A directory removed while open: nothing can be created in it. */
	if (rmdir(fw_path("sf.state")) < 0)
		abort();
	is_int(fw_pump(f, 1, &p), FORWARD_STATE_FAILED,
	    "state failed: the pump says so");
	is_int(p.error, -ENOENT, "  with the error of the state directory");
	ok(p.file == NULL, "  and no file");
	forwarder_status(f, status, sizeof(status));
	ok(strstr(status, "(state directory failing)") != NULL,
	    "state failed: the status line says so");
	is_int(fw_pump(f, 1, &p), FORWARD_STATE_FAILED,
	    "state failed: again, the same");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* The sink fails: FORWARD_SINK_FAILED; with a working sink again the
 * same messages go, with the same seqs. */
static void
test_sink_failed(void)
{
	const char *pacct = fw_path("kf.pacct"), *out = fw_path("kf.kv");
	int sfd = fw_state_dir("kf.state");
	struct forward_options o = fw_options(pacct, sfd, false);
	struct forwarder *f = NULL;
	struct sink *dead = fw_dead_sink(), *s;
	struct forward_pump p;
	char status[600];

	fw_records(pacct, 400, 5, false);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, dead);
	is_int(fw_pump(f, 1, &p), FORWARD_SINK_FAILED,
	    "sink failed: the pump says so");
	ok(p.error < 0, "  with an error (%d)", p.error);
	forwarder_status(f, status, sizeof(status));
	ok(strstr(status, "(failing)") != NULL,
	    "sink failed: the status line says so");
	s = fw_file_sink(out);
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 3, &p), FORWARD_WAITING,
	    "sink failed: a working sink again, the pump goes through");
	is_int(fw_count(out, "event=\"process_end\""), 5,
	    "sink failed: the 5 records, once");
	ok(fw_seq_contiguous(out), "sink failed: seq 1.. with no hole");
	forwarder_free(f);
	sink_close(s);
	sink_close(dead);
	close(sfd);
}

/* A failed sink after some records were read: the rewind must read the
 * file again from the commit.  When it cannot (no descriptor left), the
 * pump says FORWARD_SOURCE_FAILED instead of reading on from nowhere;
 * once it can, every record goes exactly once. */
static void
test_rewind_failed(void)
{
	const char *pacct = fw_path("rw.pacct"), *out = fw_path("rw.kv");
	int sfd = fw_state_dir("rw.state");
	struct forward_options o = fw_options(pacct, sfd, false);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out), *dead = fw_dead_sink();
	struct forward_pump p;
	struct rlimit saved, low;

	fw_records(pacct, 500, 4, false);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 3, &p), FORWARD_WAITING, "rewind: 4 records out");
	fw_records(pacct, 504, 3, true);
	forwarder_set_sink(f, dead);
	is_int(fw_pump(f, 1, &p), FORWARD_SINK_FAILED,
	    "rewind: 3 more read, the sink fails");
	ok(f->rewind_pending, "rewind: the file is to be read again");
	/* No descriptor can be opened now (closing the reader frees one:
	 * a limit of 0 keeps it from being taken again). */
	if (getrlimit(RLIMIT_NOFILE, &saved) < 0)
		abort();
	low = saved;
	low.rlim_cur = 0;
	if (setrlimit(RLIMIT_NOFILE, &low) < 0)
		abort();
	is_int(fw_pump(f, 1, &p), FORWARD_SOURCE_FAILED,
	    "rewind: it cannot be reopened: the pump says so");
	if (setrlimit(RLIMIT_NOFILE, &saved) < 0)
		abort();
	is_int(p.error, -EMFILE, "  with the error of the reopen");
	ok(p.file != NULL && strcmp(p.file, pacct) == 0, "  naming the file");
	is_int(fw_count(out, "event=\"process_end\""), 4,
	    "rewind: nothing read on meanwhile");
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 3, &p), FORWARD_WAITING,
	    "rewind: reopened, the pump goes through");
	is_int(fw_count(out, "event=\"process_end\""), 7,
	    "rewind: every record, once");
	ok(fw_seq_contiguous(out), "rewind: seq 1.. with no hole");
	forwarder_free(f);
	sink_close(s);
	sink_close(dead);
	close(sfd);
}

/* A control event that finds the queue full is not lost silently: a gap
 * event says how many of which kinds, once the queue is empty. */
static void
test_queue_full(void)
{
	const char *pacct = fw_path("qf.pacct"), *out = fw_path("qf.kv");
	int sfd = fw_state_dir("qf.state");
	struct forward_options o = fw_options(pacct, sfd, false);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;
	char status[600];
	unsigned queued = 0;

	fw_records(pacct, 600, 2, false);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	/* forwarder_start is in the queue already. */
	for (int i = 0; i < CONTROL_QUEUE + 1; i++)
		queued += queue_control(f, FMT_HEARTBEAT, PRIO_INFO, pacct,
		    "x") != NULL;
	is_int(queued, CONTROL_QUEUE - 1, "queue full: 7 more fit");
	is_int(f->controls_lost, 2, "queue full: 2 are counted lost");
	is_int(fw_pump(f, 3, &p), FORWARD_WAITING, "queue full: pumped");
	is_int(fw_count(out, "event=\"heartbeat\""), CONTROL_QUEUE - 1,
	    "queue full: the 7 that fit went out");
	is_int(fw_count(out, "event=\"gap\""), 1, "queue full: one gap event");
	is_int(fw_count(out, "2 control events could not be queued (the "
	    "queue was full) and are not sent: heartbeat"), 1,
	    "  saying how many, and of which kind");
	is_int(fw_count(out, "event=\"gap\" ") ? fw_count(out, "records=2") :
	    0, 1, "  with records=2");
	ok(fw_seq_contiguous(out), "queue full: seq 1.. with no hole");
	forwarder_status(f, status, sizeof(status));
	ok(strstr(status, "2 control events lost") != NULL,
	    "queue full: the status line counts them");
	is_int(f->controls_lost, 0, "queue full: told, the count is reset");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* Two runs in a row die between taking a seq for forwarder_start (the
 * state says pending_control) and sending it.  The first seq is then
 * admitted by nothing that reached the sink: the second run's
 * forwarder_start, which admitted it, was lost too, and its reservation
 * replaced the first in the state file, which keeps one pending seq.
 * Seen once as a seq hole in faults/01 (SIGKILL x100); the state file
 * now keeps the range in doubt until a forwarder_start admitting it is
 * committed. */
static void
test_doubt_twice(void)
{
	const char *pacct = fw_path("dd.pacct"), *out = fw_path("dd.kv");
	int sfd = fw_state_dir("dd.state");
	struct forward_options o = fw_options(pacct, sfd, true);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;
	struct rlimit saved, small;
	struct state st;
	struct stat sb;
	uint64_t lost;

	char want[64];

	fw_records(pacct, 700, 2, false);
	fw_run_clean(&o, s);
	/* Run 1 took seq lost for its forwarder_start and died. */
	if (state_load(sfd, &st) < 0)
		abort();
	lost = ++st.seq;
	st.pending_control = true;
	st.clean = false;
	if (state_save(sfd, &st) < 0)
		abort();
	/* Run 2 takes the next seq for its own, which admits lost (the
	 * sync before it goes through); its send fails (the sink's file
	 * may not grow), and it dies. */
	if (forwarder_new(&o, &f) < 0 || stat(out, &sb) < 0 ||
	    getrlimit(RLIMIT_FSIZE, &saved) < 0)
		abort();
	forwarder_set_sink(f, s);
	small = saved;
	small.rlim_cur = (rlim_t)sb.st_size;
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &small) < 0)
		abort();
	is_int(fw_pump(f, 1, &p), FORWARD_SINK_FAILED,
	    "doubt twice: run 2 cannot send its forwarder_start");
	if (setrlimit(RLIMIT_FSIZE, &saved) < 0)
		abort();
	forwarder_free(f);
	ok(state_load(sfd, &st) == 0 && st.seq == lost + 1 &&
	    st.pending_control, "doubt twice: its seq is taken (pending)");
	sink_close(s);
	s = fw_file_sink(out);
	/* Run 3 gets through. */
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 10, &p), FORWARD_AT_END, "doubt twice: run 3 ends");
	snprintf(want, sizeof(want), "seq_from=%" PRIu64 " ", lost);
	ok(fw_count(out, want) == 1, "doubt twice: seq %" PRIu64 " is "
	    "admitted by a forwarder_start", lost);
	snprintf(want, sizeof(want), "seq_from=%" PRIu64 " seq_to=%" PRIu64
	    " ", lost, lost + 1);
	ok(fw_count(out, want) == 1, "  with the seq run 2 took: %" PRIu64
	    "..%" PRIu64, lost, lost + 1);
	forwarder_stop(f, timefmt_now_us(CLOCK_MONOTONIC), "end", &p);
	ok(state_load(sfd, &st) == 0 && st.doubt_from == 0 && st.doubt_to == 0,
	    "  and the commit after it keeps nothing in doubt any more");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* A record that does not fit a message (a host name longer than the
 * configuration lets through): a gap event with the record's own seq
 * says so; nothing is cut, no seq is a hole. */
static void
test_record_too_long(void)
{
	const char *pacct = fw_path("tl.pacct"), *out = fw_path("tl.kv");
	int sfd = fw_state_dir("tl.state");
	struct forward_options o = fw_options(pacct, sfd, true);
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;
	char host[601];

	memset(host, 'h', 600);
	host[600] = '\0';
	o.host = host;
	fw_records(pacct, 300, 5, false);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 10, &p), FORWARD_AT_END, "too long: at the end");
	is_int(fw_count(out, "event=\"process_end\""), 0,
	    "too long: no record went out cut short");
	is_int(fw_count(out, "event=\"gap\" message=\"internal error: a "
	    "record does not fit a message; not sent\" records=1 "), 5,
	    "too long: a gap event for each, one record each");
	ok(fw_seq_contiguous(out), "too long: seq 1..6 with no hole");
	is_uint(f->unsendable, 5, "too long: counted");
	{
		char status[1024];

		forwarder_status(f, status, sizeof(status));
		ok(strstr(status, "5 messages too long to send") != NULL,
		    "too long: the status line counts them");
	}
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* A control event whose strings do not fit (a file name longer than the
 * configuration lets through): it goes without them, its kind, numbers
 * and seq intact. */
static void
test_control_too_long(void)
{
	char dir[1024], pacct[1100];
	const char *out = fw_path("cl.kv");
	int sfd = fw_state_dir("cl.state");
	struct forward_options o;
	struct forwarder *f = NULL;
	struct sink *s = fw_file_sink(out);
	struct forward_pump p;
	char name[201];

	memset(name, 'd', 200);
	name[200] = '\0';
	/* Four directories of 200 bytes: a path of over 800. */
	snprintf(dir, sizeof(dir), "%s", fw_path(""));
	for (int i = 0; i < 4; i++) {
		size_t n = strlen(dir);

		snprintf(dir + n, sizeof(dir) - n, "%s%s", i ? "/" : "", name);
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			abort();
	}
	snprintf(pacct, sizeof(pacct), "%s/pacct", dir);
	o = fw_options(pacct, sfd, true);
	fw_records(pacct, 400, 3, false);
	if (forwarder_new(&o, &f) < 0)
		abort();
	forwarder_set_sink(f, s);
	is_int(fw_pump(f, 10, &p), FORWARD_AT_END, "strings too long: at the "
	    "end");
	is_int(fw_count(out, "event=\"forwarder_start\" message=\"internal "
	    "error: the strings of this event do not fit a message; left "
	    "out\" offset=0 records=0 "), 1,
	    "strings too long: forwarder_start goes, without its strings");
	is_int(fw_count(out, "file="), 0, "  no file field, cut or whole");
	is_int(fw_count(out, "event=\"process_end\""), 3,
	    "strings too long: the records go as ever");
	ok(fw_seq_contiguous(out), "strings too long: seq 1..4 with no hole");
	forwarder_free(f);
	sink_close(s);
	close(sfd);
}

/* A sentence longer than a control event carries is cut with a visible
 * mark; the event's facts are in its other fields. */
static void
test_message_cut(void)
{
	struct forwarder *f = calloc(1, sizeof(*f));
	struct control_item *it;
	char msg[400];

	if (f == NULL)
		abort();
	memset(msg, 'm', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	memcpy(msg + 150, "\xc3\xa9\xc3\xa9\xc3\xa9", 6);
	it = queue_control(f, FMT_GAP, 3, NULL, msg);
	ok(it != NULL && it->c.message != NULL &&
	    strlen(it->c.message) <= SCHEMA_TEXT_MAX &&
	    strcmp(it->c.message + strlen(it->c.message) - 6, " [...]") == 0,
	    "a long sentence is cut to the schema's %d bytes, marked: %zu",
	    SCHEMA_TEXT_MAX, it && it->c.message ? strlen(it->c.message) : 0);
	ok(it != NULL && it->c.message != NULL &&
	    strncmp(it->c.message, msg, strlen(it->c.message) - 6) == 0 &&
	    (strlen(it->c.message) - 6 - 150) % 2 == 0,
	    "  a prefix of it, not inside a character");
	it = queue_control(f, FMT_GAP, 3, NULL, "short");
	is_str(it ? it->c.message : NULL, "short", "a short one goes whole");
	free(f->ctl[0].message);
	free(f->ctl[1].message);
	free(f);
}

int
main(void)
{
	fw_setup();
	test_once();
	test_replay();
	test_replay_nothing();
	test_state_failed();
	test_sink_failed();
	test_rewind_failed();
	test_queue_full();
	test_doubt_twice();
	test_record_too_long();
	test_control_too_long();
	test_message_cut();
	fw_cleanup();
	return done_testing();
}
