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
#include <sys/file.h>
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
				fprintf(stderr, "acct2syslog: option %s needs "
				    "an argument\n", argv[optind - 1]);
			else
				fprintf(stderr, "acct2syslog: unknown option "
				    "%s\n", argv[optind - 1]);
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
		fprintf(stderr, "acct2syslog: unexpected argument '%s'\n",
		    argv[optind]);
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
		fprintf(stderr, "acct2syslog: out of memory\n");
		return false;
	}
	rc = config_load(c, cli->config_path, err, sizeof(err));
	if (rc == -ENOENT && !cli->config_given)
		rc = 0;
	if (rc == -EINVAL) {
		fprintf(stderr, "acct2syslog: %s\n", err);
		return false;
	}
	if (rc < 0) {
		fprintf(stderr, "acct2syslog: cannot read %s: %s\n",
		    cli->config_path, strerror(-rc));
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
			fprintf(stderr, "acct2syslog: %s\n", err);
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

/* Open the state directory and lock it for this instance. */
static int
open_state_dir(const char *dir, int *ret_dir_fd, int *ret_lock_fd)
{
	int dfd, lfd;

	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		int e = errno;

		fprintf(stderr, "acct2syslog: cannot open state directory %s: "
		    "%s%s\n", dir, strerror(e), e == ENOENT ? " (create it, "
		    "writable by the daemon's user, or set state_dir)" : "");
		return -e;
	}
	/* Read-only: flock() needs no more, and a file open for writing
	 * would keep an admin from remounting the directory read-only. */
	if ((lfd = openat(dfd, "lock", O_RDONLY | O_CREAT | O_CLOEXEC,
	    0640)) < 0) {
		int e = errno;

		fprintf(stderr, "acct2syslog: cannot create %s/lock: %s\n", dir,
		    strerror(e));
		close(dfd);
		return -e;
	}
	if (flock(lfd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		fprintf(stderr, "acct2syslog: %s is in use by another "
		    "acct2syslog (locked %s/lock): stop it or use another "
		    "--state-dir\n", dir, dir);
		close(lfd);
		close(dfd);
		return -e;
	}
	*ret_dir_fd = dfd;
	*ret_lock_fd = lfd;
	return 0;
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
	if (s == NULL) {
		log_err_errno(rc, "cannot use sink %s",
		    so.kind == SINK_FILE ? so.path : so.kind == SINK_SYSLOG ?
		    "syslog" : so.kind == SINK_JOURNAL ? "journal" : "stdout");
		return NULL;
	}
	if (rc < 0 && so.kind == SINK_FILE) {
		/* A file we cannot open is a mistake to fix, not an outage
		 * to wait out. */
		log_err_errno(rc, "cannot open the file sink %s", so.path);
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

/* One line on what fails and since when: at once, then once a minute. */
static void
report_failure(const struct forwarder *fw, const struct sink *sink,
    const char *state_dir, int rc, uint64_t for_us, uint64_t *last_log,
    uint64_t now)
{
	bool state = strcmp(forwarder_failing(fw), "state") == 0;

	if (*last_log != 0 && now - *last_log < 60000000ULL)
		return;
	*last_log = now;
	if (state)
		log_err_errno(rc, "cannot save the position in %s (for %llu s)"
		    "; retrying, messages still go out and are sent again "
		    "after a crash, nothing is lost", state_dir,
		    (unsigned long long)(for_us / 1000000));
	else
		log_err_errno(rc, "%s fails (for %llu s); retrying, the "
		    "position does not move, nothing is lost",
		    sink_describe(sink), (unsigned long long)(for_us / 1000000));
}

/* SIGHUP: read the configuration again; keep the old one if it is bad.
 * The file and the state directory stay until a restart. */
static void
reload(const struct cli *cli, struct config *cfg, struct forwarder *fw,
    struct sink **sink, int dir_fd, const char *hostname)
{
	struct forward_options no;
	struct config next;
	struct sink *s2;

	notify("RELOADING=1");
	if (!load_config(cli, &next)) {
		log_errx("configuration not reloaded: keeping the old one");
	} else if ((s2 = make_sink(&next, hostname)) == NULL) {
		log_errx("configuration not reloaded: keeping the old sink");
		config_free(&next);
	} else {
		sink_close(*sink);
		*sink = s2;
		forwarder_set_sink(fw, s2);
		fill_forward_options(&next, cli, dir_fd, hostname, &no);
		forwarder_set_options(fw, &no);
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

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct config cfg = { 0 };
	struct forward_options fo;
	struct forwarder *fw = NULL;
	struct sink *sink = NULL;
	char host[HOST_NAME_MAX + 1];
	const char *hostname;
	sigset_t mask;
	int dir_fd = -1, lock_fd = -1, sig_fd = -1, ino_fd = -1, rc;
	int status = 0;
	unsigned backoff_ms = 0, wait_ms = 0;
	uint64_t failing_since = 0, last_fail_log = 0, last_status = 0;
	uint64_t retry_at = 0;
	uint64_t watchdog_us = 0, last_watchdog = 0;
	bool stopping = false, failed_state = false;

	parse_args(argc, argv, &cli);
	if (!load_config(&cli, &cfg)) {
		config_free(&cfg);
		return 1;
	}
	if (cli.check_config) {
		config_free(&cfg);
		return 0;
	}
	log_init(cli.foreground);
	signal(SIGPIPE, SIG_IGN);
	if (cfg.hostname != NULL)
		hostname = cfg.hostname;
	else {
		if (gethostname(host, sizeof(host)) < 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		hostname = host;
	}
	if (cfg.enable_accounting) {
		int fd = open(cfg.file, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC, 0640);

		if (fd >= 0)
			close(fd);
		rc = accounting_enable(cfg.file);
		if (rc < 0) {
			log_err_errno(rc, "cannot turn process accounting on "
			    "into %s", cfg.file);
			status = 2;
			goto out;
		}
		log_info(rc == 1 ? "turned process accounting on into %s" :
		    "process accounting already writes to %s", cfg.file);
	}
	if (open_state_dir(cfg.state_dir, &dir_fd, &lock_fd) < 0) {
		status = 2;
		goto out;
	}
	fill_forward_options(&cfg, &cli, dir_fd, hostname, &fo);
	if ((rc = forwarder_new(&fo, &fw)) < 0) {
		if (rc == -ENOENT || rc == -EACCES || rc == -EISDIR)
			log_errx("cannot read %s: %s%s", cfg.file,
			    strerror(-rc), rc == -ENOENT ? " (is process "
			    "accounting on? see accton(8), or "
			    "--enable-accounting)" : rc == -EACCES ? " (the "
			    "daemon's user needs group adm)" : "");
		else
			log_err_errno(rc, "cannot start on %s with state in %s",
			    cfg.file, cfg.state_dir);
		status = 2;
		goto out;
	}
	if ((sink = make_sink(&cfg, hostname)) == NULL) {
		status = 2;
		goto out;
	}
	forwarder_set_sink(fw, sink);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	if ((sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		log_err_errno(-errno, "signalfd");
		status = 2;
		goto out;
	}
	ino_fd = cli.once ? -1 : watch_dir(cfg.file);
	if (!cli.once && ino_fd < 0)
		log_warnx("cannot watch the directory of %s with inotify; "
		    "polling every %u ms", cfg.file, cfg.poll_ms);
#ifdef HAVE_SYSTEMD
	{
		uint64_t usec;

		if (sd_watchdog_enabled(0, &usec) > 0)
			watchdog_us = usec / 2;
	}
#endif
	notify("READY=1");
	log_info("forwarding %s to %s", cfg.file, sink_describe(sink));

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = ino_fd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		uint64_t mono = now_monotonic_us();
		int timeout;

		if (!stopping && mono >= retry_at) {
			rc = forwarder_pump(fw, mono, &wait_ms);
			if (rc == 1)
				break;		/* --once: at the end */
			mono = now_monotonic_us();
			if (rc < 0) {
				backoff_ms = backoff_ms == 0 ? RETRY_MIN_MS :
				    MIN(backoff_ms * 2, cfg.retry_max_ms);
				retry_at = mono + backoff_ms * 1000ULL;
				if (failing_since == 0) {
					failing_since = mono;
					failed_state = strcmp(
					    forwarder_failing(fw), "state") == 0;
				}
				report_failure(fw, sink, cfg.state_dir, rc,
				    mono - failing_since, &last_fail_log, mono);
				if (strcmp(forwarder_failing(fw), "sink") == 0)
					sink_reopen(sink);
			} else if (failing_since != 0) {
				log_notice("%s works again after %llu s; "
				    "nothing was lost", failed_state ?
				    cfg.state_dir : sink_describe(sink),
				    (unsigned long long)((mono -
				    failing_since) / 1000000));
				failing_since = 0;
				backoff_ms = 0;
				retry_at = 0;
				last_fail_log = 0;
			}
		}
		if (mono - last_status >= STATUS_EVERY_US) {
			notify_status(fw);
			last_status = mono;
		}
		if (watchdog_us && mono - last_watchdog >= watchdog_us) {
			notify("WATCHDOG=1");
			last_watchdog = mono;
		}
		if (stopping)
			break;
		if (failing_since != 0)
			timeout = retry_at > mono ? (int)((retry_at - mono +
			    999) / 1000) : 0;
		else
			timeout = (int)MIN(wait_ms, cfg.poll_ms);
		if (watchdog_us)
			timeout = (int)MIN((uint64_t)timeout, watchdog_us / 1000);
		if (poll(pfd, ino_fd >= 0 ? 2 : 1, timeout) < 0 &&
		    errno != EINTR) {
			log_err_errno(-errno, "poll");
			status = 2;
			break;
		}
		if (ino_fd >= 0 && (pfd[1].revents & POLLIN))
			drain_fd(ino_fd);
		while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
				stopping = true;
			else if (si.ssi_signo == SIGUSR1) {
				char line[600];

				forwarder_status(fw, line, sizeof(line));
				log_info("status: %s", line);
			} else if (si.ssi_signo == SIGHUP)
				reload(&cli, &cfg, fw, &sink, dir_fd, hostname);
		}
	}

	notify("STOPPING=1");
	if (status == 0 && !cli.once) {
		/* What the kernel wrote up to now goes out too (one bounded
		 * pump), unless the sink is failing. */
		forwarder_stopping(fw);
		if (failing_since == 0)
			forwarder_pump(fw, now_monotonic_us(), &wait_ms);
		rc = forwarder_stop(fw, now_monotonic_us(), "stopped by a signal");
		if (rc < 0)
			log_warn_errno(rc, "stopping: could not send the last "
			    "messages or commit; they will be sent again at the "
			    "next start");
	} else if (status == 0) {
		rc = forwarder_stop(fw, now_monotonic_us(), "--once: at the "
		    "end of the file");
		if (rc < 0) {
			log_err_errno(rc, "could not send everything");
			status = 2;
		}
	}
out:
	forwarder_free(fw);
	sink_close(sink);
	config_free(&cfg);
	if (sig_fd >= 0)
		close(sig_fd);
	if (ino_fd >= 0)
		close(ino_fd);
	if (dir_fd >= 0)
		close(dir_fd);
	if (lock_fd >= 0)
		close(lock_fd);
	return status;
}
