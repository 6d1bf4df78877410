/* SPDX-License-Identifier: Apache-2.0 */
/*
 * conf.h: the daemon's settings (config.c implements it; the header is
 * not called config.h because that name is autoconf's, and a header next
 * to the sources would shadow it): defaults, /etc/acct2syslog.conf and the
 * command line, in that order of precedence (lowest first).
 *
 * Promise: every value is checked (numbers range-checked) when it is set;
 * an error names where the value came from ("file:line: ..." or
 * "--option: ...") and what would be right.  Strings are owned by the
 * config (config_free() frees them).  No global state; nothing printed.
 */
#ifndef ACCT2SYSLOG_CONF_H
#define ACCT2SYSLOG_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "sink.h"

#define CONFIG_PATH_DEFAULT	SYSCONFDIR "/acct2syslog.conf"
#define CONFIG_ERROR_MAX	512

struct config {
	char		*file;		/* file: /var/log/account/pacct */
	char		*state_dir;	/* state_dir: /var/lib/acct2syslog */
	struct sink_options sink;	/* sink, format, syslog_*, facility,
					 * file_fsync; path and host are views
					 * of the strings below */
	char		*sink_file;	/* sink = file:PATH: PATH, or NULL */
	char		*syslog_socket;	/* syslog_socket: NULL = /dev/log */
	char		*hostname;	/* hostname: NULL = gethostname() */
	unsigned	batch_records;	/* batch_records: 1..65536 (4096) per flush */
	unsigned	batch_ms;	/* batch_ms: 0..60000 (200) */
	unsigned	poll_ms;	/* poll_interval_ms: 10..60000 (1000) */
	unsigned	rotation_grace_ms; /* rotation_grace_ms: 0..600000 (2000) */
	unsigned	heartbeat_s;	/* heartbeat_interval: 0 (off)..86400 (60) */
	unsigned	heartbeat_timeout_s; /* heartbeat_timeout: 1..3600 (10) */
	unsigned	retry_max_ms;	/* retry_max_ms: 100..600000 (30000) */
	bool		enable_accounting; /* enable_accounting: yes|no (no) */
};

/* Fill c with the defaults (allocates the default strings). */
int	config_defaults(struct config *c);

/*
 * Set key to value (the names of the config file; the command line uses
 * them too).  where names the source for errors ("/etc/x.conf:12",
 * "--sink").  -EINVAL with err filled for an unknown key or a bad value.
 */
int	config_set(struct config *c, const char *key, const char *value,
	    const char *where, char *err, size_t err_size);

/*
 * Read a config file: "key = value" lines, '#' comments, blank lines.
 * -ENOENT when it is not there (the caller decides whether that matters);
 * other -errno, or -EINVAL with err filled ("path:line: ...").
 */
int	config_load(struct config *c, const char *path, char *err,
	    size_t err_size);

/* Free the strings; c may be reused after config_defaults(). */
void	config_free(struct config *c);

#endif
