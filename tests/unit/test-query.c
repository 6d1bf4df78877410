/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-query: lastcomm-ng's filters.  Name matching follows GNU lastcomm
 * (a positional name matches command, user or terminal; field options
 * are alternatives unless --strict-match), exact, glob and regex; times
 * are a half-open range of start times; ids, exit status and host must
 * all hold; the uid prefilter agrees with the full match on every uid,
 * also once its verdict cache has been forgotten.  Records and their
 * names are made by hand (names given with the record, as an archive
 * gives them), so the host's user database plays no part but for uid 0.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkrec.h"
#include "query.h"
#include "tap.h"

/* A record: comm, uid, start time, exit code, signal; pid 100, ppid 1. */
static struct acct_event
event(const char *comm, uint32_t uid, uint32_t start, uint8_t exit_code,
    uint8_t sig)
{
	struct acct_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.version = 3;
	ev.has_pid = true;
	ev.pid = 100;
	ev.ppid = 1;
	ev.uid = uid;
	ev.start_time = start;
	ev.exit_code = exit_code;
	ev.signal = sig;
	ev.comm_len = (uint8_t)strlen(comm);
	memcpy(ev.comm, comm, ev.comm_len);
	return ev;
}

/* Names as an archive gives them with its record. */
static struct query_context
names(const char *user, const char *tty, const char *host)
{
	return (struct query_context){ .names_given = true, .user = user,
	    .tty = tty, .host = host };
}

/* A query of mode from the NULL-terminated lists; compiled. */
static void
build(struct query *q, enum match_mode mode, bool strict, char **any,
    char **commands, char **users, char **ttys)
{
	const char *bad = NULL;

	memset(q, 0, sizeof(*q));
	q->mode = mode;
	q->strict = strict;
	for (; any && *any; any++)
		query_add_name(&q->any, *any);
	for (; commands && *commands; commands++)
		query_add_name(&q->commands, *commands);
	for (; users && *users; users++)
		query_add_name(&q->users, *users);
	for (; ttys && *ttys; ttys++)
		query_add_name(&q->ttys, *ttys);
	if (query_compile(q, &bad) < 0)
		diag("query_compile failed on %s", bad);
}

#define L(...)	((char *[]){ __VA_ARGS__, NULL })

static void
test_names(void)
{
	struct acct_event sh = event("sh", 1000, 10, 0, 0);
	struct query_context alice = names("alice", "pts/3", NULL);
	struct query_context bob = names("bob", NULL, NULL);
	struct query q;

	build(&q, MATCH_EXACT, false, NULL, NULL, NULL, NULL);
	ok(query_match(&q, &sh, &alice), "an empty query takes everything");
	query_free(&q);

	build(&q, MATCH_EXACT, false, L("sh"), NULL, NULL, NULL);
	ok(query_match(&q, &sh, &bob), "a positional name matches the command");
	query_free(&q);
	build(&q, MATCH_EXACT, false, L("alice"), NULL, NULL, NULL);
	ok(query_match(&q, &sh, &alice) && !query_match(&q, &sh, &bob),
	    "a positional name matches the user");
	query_free(&q);
	build(&q, MATCH_EXACT, false, L("pts/3"), NULL, NULL, NULL);
	ok(query_match(&q, &sh, &alice) && !query_match(&q, &sh, &bob),
	    "a positional name matches the terminal");
	query_free(&q);
	build(&q, MATCH_EXACT, false, L("__"), NULL, NULL, NULL);
	ok(query_match(&q, &sh, &bob), "no terminal is \"__\", as GNU shows it");
	query_free(&q);
	build(&q, MATCH_EXACT, false, L("s"), NULL, NULL, NULL);
	ok(!query_match(&q, &sh, &alice), "exact: a prefix is no match");
	query_free(&q);

	/* Field options are alternatives (GNU), unless --strict-match. */
	build(&q, MATCH_EXACT, false, NULL, L("vi"), L("alice"), NULL);
	ok(query_match(&q, &sh, &alice) && !query_match(&q, &sh, &bob),
	    "--command vi --user alice: either may match");
	query_free(&q);
	build(&q, MATCH_EXACT, true, NULL, L("vi"), L("alice"), NULL);
	ok(!query_match(&q, &sh, &alice), "--strict-match: both must match");
	query_free(&q);
	build(&q, MATCH_EXACT, true, NULL, L("vi", "sh"), L("alice"), NULL);
	ok(query_match(&q, &sh, &alice) && !query_match(&q, &sh, &bob),
	    "--strict-match: one name of each list is enough");
	query_free(&q);
	build(&q, MATCH_EXACT, true, L("pts/3", "sh"), NULL, NULL, NULL);
	ok(query_match(&q, &sh, &alice) && !query_match(&q, &sh, &bob),
	    "--strict-match: every positional name matches one field");
	query_free(&q);
	build(&q, MATCH_EXACT, true, NULL, NULL, NULL, L("pts/3"));
	ok(query_match(&q, &sh, &alice) && !query_match(&q, &sh, &bob),
	    "--tty alone");
	query_free(&q);
}

static void
test_modes(void)
{
	struct acct_event t = event("fx-true", 0, 10, 0, 0);
	struct acct_event f = event("fx-false", 0, 10, 1, 0);
	struct acct_event x = event("xfx-true", 0, 10, 0, 0);
	struct query_context c = names("root", NULL, NULL);
	const char *bad = NULL;
	struct query q;

	build(&q, MATCH_GLOB, false, NULL, L("fx-*"), NULL, NULL);
	ok(query_match(&q, &t, &c) && query_match(&q, &f, &c) &&
	    !query_match(&q, &x, &c), "--glob fx-*: anchored at both ends");
	query_free(&q);
	build(&q, MATCH_GLOB, false, NULL, L("fx-[t]rue"), NULL, NULL);
	ok(query_match(&q, &t, &c) && !query_match(&q, &f, &c),
	    "--glob with a bracket expression");
	query_free(&q);
	build(&q, MATCH_REGEX, false, NULL, L("^fx-(true|false)$"), NULL, NULL);
	ok(query_match(&q, &t, &c) && query_match(&q, &f, &c) &&
	    !query_match(&q, &x, &c), "--regex, anchored by the user");
	query_free(&q);
	build(&q, MATCH_REGEX, false, NULL, L("true"), NULL, NULL);
	ok(query_match(&q, &t, &c) && query_match(&q, &x, &c) &&
	    !query_match(&q, &f, &c),
	    "--regex matches anywhere unless anchored");
	query_free(&q);

	memset(&q, 0, sizeof(q));
	q.mode = MATCH_REGEX;
	query_add_name(&q.users, "root");
	query_add_name(&q.commands, "(unclosed");
	is_int(query_compile(&q, &bad), -EINVAL, "a bad regex: -EINVAL");
	is_str(bad, "(unclosed", "and the bad expression is named");
	query_free(&q);		/* a half-compiled query frees cleanly */
}

static void
test_filters(void)
{
	struct query_context c = names("root", NULL, "web01");
	struct query_context nohost = names("root", NULL, NULL);
	struct acct_event ok0 = event("a", 0, 1000, 0, 0);
	struct acct_event ex3 = event("a", 0, 1000, 3, 0);
	struct acct_event sig = event("a", 0, 1000, 0, 9);
	struct acct_event v2 = ok0;
	struct query q;

	memset(&q, 0, sizeof(q));
	q.has_since = true;
	q.since = 1000;
	ok(query_match(&q, &ok0, &c), "--since: a start at the time is in");
	q.since = 1001;
	ok(!query_match(&q, &ok0, &c), "--since: a second earlier is out");
	q.has_since = false;
	q.has_until = true;
	q.until = 1000;
	ok(!query_match(&q, &ok0, &c), "--until: a start at the time is out");
	q.until = 1001;
	ok(query_match(&q, &ok0, &c), "--until: a second before is in");
	query_free(&q);

	memset(&q, 0, sizeof(q));
	query_add_id(&q.pids, 7);
	query_add_id(&q.pids, 100);
	ok(query_match(&q, &ok0, &c), "--process-id: one of the list");
	v2.has_pid = false;
	ok(!query_match(&q, &v2, &c),
	    "--process-id: a record without pid is out");
	query_free(&q);
	memset(&q, 0, sizeof(q));
	query_add_id(&q.ppids, 2);
	ok(!query_match(&q, &ok0, &c), "--ppid: another parent is out");
	query_free(&q);
	memset(&q, 0, sizeof(q));
	query_add_id(&q.uids, 0);
	ok(query_match(&q, &ok0, &c), "--uid 0");
	query_free(&q);

	memset(&q, 0, sizeof(q));
	query_add_id(&q.exit_codes, 3);
	ok(query_match(&q, &ex3, &c) && !query_match(&q, &ok0, &c),
	    "--exit-code 3");
	query_free(&q);
	memset(&q, 0, sizeof(q));
	query_add_id(&q.exit_codes, 0);
	ok(!query_match(&q, &sig, &c),
	    "--exit-code 0: a process killed by a signal did not exit 0");
	query_free(&q);
	memset(&q, 0, sizeof(q));
	q.signaled = true;
	ok(query_match(&q, &sig, &c) && !query_match(&q, &ex3, &c),
	    "--signaled");
	q.signaled = false;
	q.failed = true;
	ok(query_match(&q, &sig, &c) && query_match(&q, &ex3, &c) &&
	    !query_match(&q, &ok0, &c), "--failed: a non-zero exit or a signal");
	query_free(&q);

	memset(&q, 0, sizeof(q));
	query_add_name(&q.hosts, "web01");
	ok(query_match(&q, &ok0, &c), "--host: the record's host");
	ok(!query_match(&q, &ok0, &nohost),
	    "--host: a record of no host is out");
	query_free(&q);
	memset(&q, 0, sizeof(q));
	q.mode = MATCH_GLOB;
	query_add_name(&q.hosts, "web*");
	ok(query_match(&q, &ok0, &c), "--host with --glob");
	query_free(&q);

	/* Every filter must hold. */
	memset(&q, 0, sizeof(q));
	query_add_id(&q.uids, 0);
	query_add_name(&q.commands, "b");
	ok(!query_match(&q, &ok0, &c), "--uid holds, --command does not: out");
	query_free(&q);
}

/* The prefilter against the full match, for uids 0..n on raw records. */
static bool
prefilter_agrees(const struct query *q, struct names *nm, unsigned n)
{
	struct query_prefilter *pf = query_prefilter_new(q, nm);
	struct query_context ctx = { .names = nm };
	uint8_t rec[64];
	bool agree = pf != NULL;

	for (unsigned round = 0; round < 2 && agree; round++)
		for (uint32_t uid = 0; uid <= n && agree; uid++) {
			struct acct_event ev = event("sh", uid, 10, 0, 0);

			mkrec_v3(rec, false, 100, "sh");
			put32(rec + 8, false, uid);
			if (query_prefilter(rec, pf) !=
			    query_match(q, &ev, &ctx)) {
				diag("uid %u: the prefilter disagrees", uid);
				agree = false;
			}
		}
	query_prefilter_free(pf);
	return agree;
}

static void
test_prefilter(void)
{
	struct names *nm = NULL;
	struct query q;
	char buf[12];
	struct query_context ctx;

	if (names_new(&nm) < 0) {
		ok(false, "names_new");
		return;
	}
	ctx = (struct query_context){ .names = nm };
	build(&q, MATCH_EXACT, false, NULL, L("sh"), NULL, NULL);
	ok(query_prefilter_new(&q, nm) == NULL,
	    "--command: no prefilter (the uid cannot tell)");
	query_free(&q);
	build(&q, MATCH_EXACT, false, L("root"), NULL, NULL, NULL);
	ok(query_prefilter_new(&q, nm) == NULL,
	    "a positional name: no prefilter (it may be a command)");
	query_free(&q);

	memset(&q, 0, sizeof(q));
	query_add_id(&q.uids, 5);
	query_add_id(&q.uids, 1999);
	ok(prefilter_agrees(&q, nm, 2000),
	    "--uid: the prefilter agrees on 2001 uids, twice (its cache "
	    "forgotten and filled again)");
	query_free(&q);
	build(&q, MATCH_EXACT, false, NULL, NULL, L("root"), NULL);
	ok(prefilter_agrees(&q, nm, 50), "--user root: the prefilter agrees");
	query_free(&q);

	is_str(query_user_text(&ctx, 0, buf), "root", "uid 0 is root");
	is_str(query_user_text(&ctx, 4294967295u, buf), "-1",
	    "a uid without a name is printed signed, as GNU does");
	ctx = names("alice", NULL, NULL);
	is_str(query_user_text(&ctx, 0, buf), "alice",
	    "a name that came with the record wins");
	is_str(query_tty_text(&ctx, 0x8803), "__",
	    "a record that came without a terminal name has none");
	ctx = (struct query_context){ .names = nm };
	is_str(query_tty_text(&ctx, 0), "__", "tty 0 is \"__\"");
	names_free(nm);
}

int
main(void)
{
	test_names();
	test_modes();
	test_filters();
	test_prefilter();
	return done_testing();
}
