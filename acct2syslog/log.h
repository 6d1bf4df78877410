/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.h: the daemon's own diagnostics (not the forwarded messages).
 *
 * Promise: one line per call on stderr.  In the foreground the line reads
 * "acct2syslog: ..."; under systemd (stderr is the journal) it carries the
 * "<N>" priority prefix that journald understands.  log_warn() appends
 * strerror(errno); the *_errno forms take a -errno value.  fatal*() exit
 * with status 2.  Not thread safe (the daemon has one thread).
 */
#ifndef ACCT2SYSLOG_LOG_H
#define ACCT2SYSLOG_LOG_H

#include <stdbool.h>

void	log_init(bool foreground);

#define LOG_PRINTF(a, b)	__attribute__((format(printf, a, b)))

void	log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
void	log_notice(const char *fmt, ...) LOG_PRINTF(1, 2);
void	log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
void	log_warn_errno(int negative_errno, const char *fmt, ...)
	    LOG_PRINTF(2, 3);
void	log_errx(const char *fmt, ...) LOG_PRINTF(1, 2);
void	log_err_errno(int negative_errno, const char *fmt, ...)
	    LOG_PRINTF(2, 3);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) LOG_PRINTF(1, 2);

#endif
