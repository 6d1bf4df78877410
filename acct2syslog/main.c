/* SPDX-License-Identifier: Apache-2.0 */
/*
 * acct2syslog: follow the process accounting file and forward every record
 * as a structured message (DESIGN.md).  This file is the program around
 * the forwarder: options and configuration, the state directory and its
 * lock, signals, wake-ups (inotify backed by a poll), retries with backoff
 * and the conversation with systemd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "accounting.h"
#include "conf.h"
#include "forward.h"
#include "log.h"
#include "macro.h"
#include "sink.h"
#include "state.h"
#include "timefmt.h"

#define RETRY_MIN_MS	100
#define STATUS_EVERY_US	(5 * 1000000ULL)

static __attribute__((noreturn)) void
usage(int status)
{
	FILE *out = status == 0 ? stdout : stderr;

	fprintf(out,
"usage: acct2syslog [--foreground] [--once] [--check-config]\n"
"                   [--enable-accounting] [--config FILE] [--file PATH]\n"
"                   [--state-dir DIR] [--sink journal|syslog|file:PATH|stdout]\n"
"                   [--format kv|json]\n"
"       acct2syslog --version | --help\n");
	if (status == 0)
		fprintf(out, "\n"
"Follow the process accounting file and forward each record as a\n"
"structured message to journald, syslog, a file or stdout.\n"
"\n"
"  --file PATH          accounting file (default /var/log/account/pacct)\n"
"  --state-dir DIR      where the position is kept (default " LOCALSTATEDIR
    "/lib/acct2syslog)\n"
"  --sink SINK          journal, syslog, file:PATH or stdout (default journal)\n"
"  --format kv|json     lines of the file and stdout sinks (default kv)\n"
"  --foreground         log to stderr for a person, not for systemd\n"
"  --once               forward what is there, commit, exit\n"
"  --config FILE        configuration file (default " CONFIG_PATH_DEFAULT ")\n"
"  --check-config       check the configuration and options, then exit\n"
"  --enable-accounting  turn accounting on into the file when it is off\n"
"  --version            print the version and exit\n"
"  --help               print this help and exit\n"
"\n"
"See acct2syslog(8) and acct2syslog.conf(5).\n");
	exit(status);
}

struct cli {
	const char	*config_path;
	bool		config_given;
	bool		foreground, once, check_config;
	/* Options that override the file: key, value, in order. */
	const char	*keys[16], *values[16];
	size_t		n;
};

static void
parse_args(int argc, char **argv, struct cli *cli)
{
	enum { OPT_FILE = 256, OPT_STATE_DIR, OPT_SINK, OPT_FORMAT,
	    OPT_FOREGROUND, OPT_ONCE, OPT_CONFIG, OPT_CHECK, OPT_ENABLE,
	    OPT_VERSION, OPT_HELP };
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, OPT_FILE },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "sink", required_argument, NULL, OPT_SINK },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "foreground", no_argument, NULL, OPT_FOREGROUND },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "enable-accounting", no_argument, NULL, OPT_ENABLE },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	cli->config_path = CONFIG_PATH_DEFAULT;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		const char *key = NULL;

		switch (ch) {
		case OPT_FILE:
			key = "file";
			break;
		case OPT_STATE_DIR:
			key = "state_dir";
			break;
		case OPT_SINK:
			key = "sink";
			break;
		case OPT_FORMAT:
			key = "format";
			break;
		case OPT_ENABLE:
			cli->keys[cli->n] = "enable_accounting";
			cli->values[cli->n++] = "yes";
			break;
		case OPT_FOREGROUND:
			cli->foreground = true;
			break;
		case OPT_ONCE:
			cli->once = true;
			break;
		case OPT_CONFIG:
			cli->config_path = optarg;
			cli->config_given = true;
			break;
		case OPT_CHECK:
			cli->check_config = true;
			break;
		case OPT_VERSION:
			printf("acct2syslog %s\n", PACKAGE_VERSION);
			exit(0);
		case OPT_HELP:
			usage(0);
		default:
			if (optopt != 0)
				log_errx("option %s needs an argument",
				    argv[optind - 1]);
			else
				log_errx("unknown option %s",
				    argv[optind - 1]);
			usage(1);
		}
		if (key != NULL) {
			if (cli->n == ELEMENTSOF(cli->keys))
				usage(1);
			cli->keys[cli->n] = key;
			cli->values[cli->n++] = optarg;
		}
	}
	if (optind < argc) {
		log_errx("unexpected argument '%s'", argv[optind]);
		usage(1);
	}
}

/* Defaults, then the file, then the command line.  On error prints one
 * line and returns false. */
static bool
load_config(const struct cli *cli, struct config *c)
{
	char err[CONFIG_ERROR_MAX];
	int rc;

	if (config_defaults(c) < 0) {
		log_errx("out of memory");
		return false;
	}
	rc = config_load(c, cli->config_path, err, sizeof(err));
	if (rc == -ENOENT && !cli->config_given)
		rc = 0;
	if (rc == -EINVAL) {
		log_errx("%s", err);
		return false;
	}
	if (rc < 0) {
		log_err_errno(rc, "cannot read %s", cli->config_path);
		return false;
	}
	for (size_t i = 0; i < cli->n; i++) {
		char where[64];

		snprintf(where, sizeof(where), "--%s", cli->keys[i]);
		for (char *p = where; *p; p++)
			if (*p == '_')
				*p = '-';
		if (config_set(c, cli->keys[i], cli->values[i], where, err,
		    sizeof(err)) < 0) {
			log_errx("%s", err);
			return false;
		}
	}
	return true;
}

static uint64_t
now_monotonic_us(void)
{
	return timefmt_now_us(CLOCK_MONOTONIC);
}

static void
notify(const char *what)
{
#ifdef HAVE_SYSTEMD
	sd_notify(0, what);
#else
	(void)what;
#endif
}

static void
notify_status(const struct forwarder *f)
{
	char status[600], line[700];

	forwarder_status(f, status, sizeof(status));
	snprintf(line, sizeof(line), "STATUS=%s", status);
	notify(line);
}

/* Open the state directory and lock it for this instance: state.c
 * judges it (trusted, no symbolic link where the daemon writes). */
static int
open_state_dir(const char *dir, int *ret_dir_fd, int *ret_lock_fd)
{
	char err[1024];
	int r;

	if ((r = state_dir_open(dir, ret_dir_fd, ret_lock_fd, err,
	    sizeof(err))) < 0)
		log_errx("%s", err);
	return r;
}

/* The sink from the configuration; NULL (error printed) on bad options. */
static struct sink *
make_sink(const struct config *c, const char *host)
{
	struct sink_options so = c->sink;
	struct sink *s = NULL;
	int rc;

	so.host = host;
	rc = sink_open(&so, &s);
	if (s == NULL && rc == -EPROTONOSUPPORT) {
		log_errx("this acct2syslog has no journal sink (it was built "
		    "without libsystemd): set sink to syslog, file:PATH or "
		    "stdout");
		return NULL;
	}
	if (s == NULL) {
		log_err_errno(rc, "cannot use sink %s",
		    so.kind == SINK_FILE ? so.path : so.kind == SINK_SYSLOG ?
		    "syslog" : so.kind == SINK_JOURNAL ? "journal" : "stdout");
		return NULL;
	}
	if (rc < 0 && so.kind == SINK_FILE) {
		/* A file we cannot open is a mistake to fix, not an outage
		 * to wait out. */
		if (sink_problem(s) != NULL)
			log_errx("%s", sink_problem(s));
		else
			log_err_errno(rc, "cannot open the file sink %s",
			    so.path);
		sink_close(s);
		return NULL;
	}
	if (rc < 0)
		log_warn_errno(rc, "%s is not ready yet; will retry",
		    sink_describe(s));
	return s;
}

static void
fill_forward_options(const struct config *c, const struct cli *cli,
    int dir_fd, const char *host, struct forward_options *o)
{
	*o = (struct forward_options){
		.path = c->file,
		.state_dir_fd = dir_fd,
		.host = host,
		.batch_records = c->batch_records,
		.batch_ms = c->batch_ms,
		.rotation_grace_ms = c->rotation_grace_ms,
		.heartbeat_s = c->heartbeat_s,
		.heartbeat_timeout_s = c->heartbeat_timeout_s,
		.once = cli->once,
	};
}

/* Watch the directory of path: a hint to look, never the only one. */
static int
watch_dir(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;
	int fd;

	if (dir == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
		return -1;
	if (inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_FROM |
	    IN_MOVED_TO | IN_DELETE | IN_ATTRIB | IN_CLOSE_WRITE) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
drain_fd(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* The daemon's resources and the state of its loop. */
struct daemon {
	struct cli	cli;
	struct config	cfg;
	struct forwarder *fw;
	struct sink	*sink;
	char		host[HOST_NAME_MAX + 1];
	const char	*hostname;
	int		dir_fd, lock_fd, sig_fd, ino_fd;
	int		status;		/* the exit status */
	bool		stopping, done;
	unsigned	backoff_ms, wait_ms;
	uint64_t	retry_at, last_status;
	uint64_t	watchdog_us, last_watchdog;
	/* A failure being waited out: since when, which, last said when. */
	uint64_t	failing_since, last_fail_log;
	enum forward_result failing;
	char		*failing_file;
};

/* What fails, named for a person: the sink, the state directory, the
 * file (the file last failed on). */
static const char *
failing_what(const struct daemon *d, enum forward_result r)
{
	switch (r) {
	case FORWARD_WAITING:
	case FORWARD_AT_END:
		return "nothing";
	case FORWARD_SINK_FAILED:
		return sink_describe(d->sink);
	case FORWARD_STATE_FAILED:
		return d->cfg.state_dir;
	case FORWARD_SOURCE_FAILED:
		return d->failing_file ? d->failing_file : d->cfg.file;
	}
	return "nothing";
}

/* One line on what fails and since when: at once, then once a minute. */
static void
report_failure(struct daemon *d, enum forward_result r,
    const struct forward_pump *p, uint64_t now)
{
	unsigned long long for_s = (now - d->failing_since) / 1000000;

	if (d->last_fail_log != 0 && now - d->last_fail_log < 60000000ULL)
		return;
	d->last_fail_log = now;
	switch (r) {
	case FORWARD_WAITING:
	case FORWARD_AT_END:
		break;
	case FORWARD_STATE_FAILED:
		log_err_errno(p->error, "cannot save the position in %s (for "
		    "%llu s); retrying, messages still go out and are sent "
		    "again after a crash, nothing is lost", d->cfg.state_dir,
		    for_s);
		break;
	case FORWARD_SINK_FAILED:
		log_err_errno(p->error, "%s fails (for %llu s); retrying, the "
		    "position does not move, nothing is lost",
		    sink_describe(d->sink), for_s);
		break;
	case FORWARD_SOURCE_FAILED:
		log_err_errno(p->error, "cannot read %s (for %llu s); "
		    "retrying, the position does not move, nothing is lost",
		    p->file ? p->file : d->cfg.file, for_s);
		break;
	}
}

/* A pump failed: back off, say so, and reopen a failing sink. */
static void
pump_failed(struct daemon *d, enum forward_result r,
    const struct forward_pump *p, uint64_t mono)
{
	d->backoff_ms = d->backoff_ms == 0 ? RETRY_MIN_MS :
	    MIN(d->backoff_ms * 2, d->cfg.retry_max_ms);
	d->retry_at = mono + d->backoff_ms * 1000ULL;
	if (d->failing_since == 0) {
		d->failing_since = mono;
		d->failing = r;
		free(d->failing_file);
		d->failing_file = p->file ? strdup(p->file) : NULL;
	}
	report_failure(d, r, p, mono);
	if (r == FORWARD_SINK_FAILED)
		sink_reopen(d->sink);
}

/* A pump went through after failures: say what works again. */
static void
pump_recovered(struct daemon *d, uint64_t mono)
{
	if (d->failing_since == 0)
		return;
	log_notice("%s works again after %llu s; nothing was lost",
	    failing_what(d, d->failing),
	    (unsigned long long)((mono - d->failing_since) / 1000000));
	d->failing_since = 0;
	d->backoff_ms = 0;
	d->retry_at = 0;
	d->last_fail_log = 0;
}

/* One pump, and what its result means for the loop. */
static void
pump(struct daemon *d)
{
	struct forward_pump p;
	enum forward_result r = forwarder_pump(d->fw, now_monotonic_us(), &p);
	uint64_t mono = now_monotonic_us();

	switch (r) {
	case FORWARD_WAITING:
		d->wait_ms = p.wait_ms;
		pump_recovered(d, mono);
		break;
	case FORWARD_AT_END:
		pump_recovered(d, mono);
		d->done = true;
		break;
	case FORWARD_SOURCE_FAILED:
		if (d->cli.once) {
			/* Nothing to wait for: report and stop. */
			log_err_errno(p.error, "cannot read %s", p.file ?
			    p.file : d->cfg.file);
			d->status = 2;
			d->done = true;
			break;
		}
		pump_failed(d, r, &p, mono);
		break;
	case FORWARD_SINK_FAILED:
	case FORWARD_STATE_FAILED:
		pump_failed(d, r, &p, mono);
		break;
	}
}

/* SIGHUP: read the configuration again; keep the old one if it is bad.
 * The file and the state directory stay until a restart. */
static void
reload(struct daemon *d)
{
	const struct cli *cli = &d->cli;
	struct config *cfg = &d->cfg;
	struct forward_options no;
	struct config next;
	struct sink *s2;

	notify("RELOADING=1");
	if (!load_config(cli, &next)) {
		config_free(&next);
		log_errx("configuration not reloaded: keeping the old one");
	} else if ((s2 = make_sink(&next, d->hostname)) == NULL) {
		log_errx("configuration not reloaded: keeping the old sink");
		config_free(&next);
	} else {
		sink_close(d->sink);
		d->sink = s2;
		forwarder_set_sink(d->fw, s2);
		fill_forward_options(&next, cli, d->dir_fd, d->hostname, &no);
		forwarder_set_options(d->fw, &no);
		cfg->poll_ms = next.poll_ms;
		cfg->retry_max_ms = next.retry_max_ms;
		if (strcmp(next.file, cfg->file) != 0 ||
		    strcmp(next.state_dir, cfg->state_dir) != 0)
			log_warnx("file and state_dir take effect at the next "
			    "start only");
		config_free(&next);
		log_info("configuration reloaded; sending to %s",
		    sink_describe(s2));
	}
	notify("READY=1");
}

/* The signals that came: stop, status, reload. */
static void
read_signals(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			d->stopping = true;
		else if (si.ssi_signo == SIGUSR1) {
			char line[600];

			forwarder_status(d->fw, line, sizeof(line));
			log_info("status: %s", line);
		} else if (si.ssi_signo == SIGHUP)
			reload(d);
	}
}

/* How long to sleep: until the retry, the next pump, the watchdog. */
static int
poll_timeout(const struct daemon *d, uint64_t mono)
{
	int timeout;

	if (d->failing_since != 0)
		timeout = d->retry_at > mono ? (int)((d->retry_at - mono +
		    999) / 1000) : 0;
	else
		timeout = (int)MIN(d->wait_ms, d->cfg.poll_ms);
	if (d->watchdog_us)
		timeout = (int)MIN((uint64_t)timeout, d->watchdog_us / 1000);
	return timeout;
}

/* The main loop: pump, tell systemd, sleep until a signal, a change in
 * the directory or the timeout.  Returns when stopping or done. */
static void
run(struct daemon *d)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = d->sig_fd, .events = POLLIN },
			{ .fd = d->ino_fd, .events = POLLIN },
		};
		uint64_t mono = now_monotonic_us();

		if (!d->stopping && mono >= d->retry_at) {
			pump(d);
			if (d->done)
				return;
			mono = now_monotonic_us();
		}
		if (mono - d->last_status >= STATUS_EVERY_US) {
			notify_status(d->fw);
			d->last_status = mono;
		}
		if (d->watchdog_us &&
		    mono - d->last_watchdog >= d->watchdog_us) {
			notify("WATCHDOG=1");
			d->last_watchdog = mono;
		}
		if (d->stopping)
			return;
		if (poll(pfd, d->ino_fd >= 0 ? 2 : 1,
		    poll_timeout(d, mono)) < 0 && errno != EINTR) {
			log_err_errno(-errno, "poll");
			d->status = 2;
			return;
		}
		if (d->ino_fd >= 0 && (pfd[1].revents & POLLIN))
			drain_fd(d->ino_fd);
		read_signals(d);
	}
}

/* The hostname of the messages; turn accounting on if asked.  False
 * (said) when accounting cannot be turned on. */
static bool
prepare_host(struct daemon *d)
{
	int rc;

	if (d->cfg.hostname != NULL)
		d->hostname = d->cfg.hostname;
	else {
		if (gethostname(d->host, sizeof(d->host)) < 0)
			strcpy(d->host, "localhost");
		d->host[sizeof(d->host) - 1] = '\0';
		d->hostname = d->host;
	}
	if (d->cfg.enable_accounting) {
		int fd = open(d->cfg.file, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC, 0640);

		if (fd >= 0)
			close(fd);
		rc = accounting_enable(d->cfg.file);
		if (rc < 0) {
			log_err_errno(rc, "cannot turn process accounting on "
			    "into %s", d->cfg.file);
			return false;
		}
		log_info(rc == 1 ? "turned process accounting on into %s" :
		    "process accounting already writes to %s", d->cfg.file);
	}
	return true;
}

/* The forwarder on the file with its state; false (said) when not. */
static bool
start_forwarder(struct daemon *d)
{
	struct forward_options fo;
	int rc;

	fill_forward_options(&d->cfg, &d->cli, d->dir_fd, d->hostname, &fo);
	if ((rc = forwarder_new(&fo, &d->fw)) < 0) {
		if (rc == -ENOENT || rc == -EACCES || rc == -EISDIR)
			log_errx("cannot read %s: %s%s", d->cfg.file,
			    strerror(-rc), rc == -ENOENT ? " (is process "
			    "accounting on? see accton(8), or "
			    "--enable-accounting)" : rc == -EACCES ? " (the "
			    "daemon's user needs group adm)" : "");
		else
			log_err_errno(rc, "cannot start on %s with state in %s",
			    d->cfg.file, d->cfg.state_dir);
		return false;
	}
	if ((d->sink = make_sink(&d->cfg, d->hostname)) == NULL)
		return false;
	forwarder_set_sink(d->fw, d->sink);
	return true;
}

/* Signals through a signalfd, the directory through inotify, the
 * watchdog's interval.  False (said) when there is no signalfd. */
static bool
prepare_wakeups(struct daemon *d)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((d->sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		log_err_errno(-errno, "signalfd");
		return false;
	}
	d->ino_fd = d->cli.once ? -1 : watch_dir(d->cfg.file);
	if (!d->cli.once && d->ino_fd < 0)
		log_warnx("cannot watch the directory of %s with inotify; "
		    "polling every %u ms", d->cfg.file, d->cfg.poll_ms);
#ifdef HAVE_SYSTEMD
	{
		uint64_t usec;

		if (sd_watchdog_enabled(0, &usec) > 0)
			d->watchdog_us = usec / 2;
	}
#endif
	return true;
}

/* The end: send what there is and forwarder_stop, commit clean. */
static void
stop(struct daemon *d)
{
	struct forward_pump p;
	enum forward_result r;

	notify("STOPPING=1");
	if (d->status != 0)
		return;
	if (!d->cli.once) {
		/* What the kernel wrote up to now goes out too (one bounded
		 * pump), unless something is failing: then the stop below
		 * says so. */
		forwarder_stopping(d->fw);
		if (d->failing_since == 0)
			(void)forwarder_pump(d->fw, now_monotonic_us(), &p);
	}
	r = forwarder_stop(d->fw, now_monotonic_us(), d->cli.once ?
	    "--once: at the end of the file" : "stopped by a signal", &p);
	switch (r) {
	case FORWARD_WAITING:
	case FORWARD_AT_END:
		break;
	case FORWARD_SINK_FAILED:
	case FORWARD_STATE_FAILED:
	case FORWARD_SOURCE_FAILED:
		if (d->cli.once) {
			log_err_errno(p.error, "could not send everything "
			    "(%s)", failing_what(d, r));
			d->status = 2;
		} else
			log_warn_errno(p.error, "stopping: could not send the "
			    "last messages or commit (%s); they will be sent "
			    "again at the next start", failing_what(d, r));
		break;
	}
}

int
main(int argc, char **argv)
{
	struct daemon d = { .dir_fd = -1, .lock_fd = -1, .sig_fd = -1,
	    .ino_fd = -1 };

	/* Errors of the options themselves: --foreground is not known yet. */
	log_init(false);
	parse_args(argc, argv, &d.cli);
	log_init(d.cli.foreground);
	if (!load_config(&d.cli, &d.cfg)) {
		config_free(&d.cfg);
		return 1;
	}
	if (d.cli.check_config) {
		config_free(&d.cfg);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!prepare_host(&d) ||
	    open_state_dir(d.cfg.state_dir, &d.dir_fd, &d.lock_fd) < 0 ||
	    !start_forwarder(&d) || !prepare_wakeups(&d))
		d.status = 2;
	else {
		notify("READY=1");
		log_info("forwarding %s to %s", d.cfg.file,
		    sink_describe(d.sink));
		run(&d);
		stop(&d);
	}
	forwarder_free(d.fw);
	sink_close(d.sink);
	config_free(&d.cfg);
	free(d.failing_file);
	if (d.sig_fd >= 0)
		close(d.sig_fd);
	if (d.ino_fd >= 0)
		close(d.ino_fd);
	if (d.dir_fd >= 0)
		close(d.dir_fd);
	if (d.lock_fd >= 0)
		close(d.lock_fd);
	return d.status;
}
