/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.c: one line per message on stderr, with a journald priority prefix
 * when systemd is listening.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static bool use_prefix;

void
log_init(bool foreground)
{
	/* systemd sets JOURNAL_STREAM when stderr is connected to it. */
	use_prefix = !foreground && getenv("JOURNAL_STREAM") != NULL;
}

static void __attribute__((format(printf, 3, 0)))
vlog(int priority, int negative_errno, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if (negative_errno < 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s",
		    strerror(-negative_errno));
	if (use_prefix)
		fprintf(stderr, "<%d>%s\n", priority, line);
	else
		fprintf(stderr, "acct2syslog: %s\n", line);
}

#define DEFINE_LOG(name, priority)					\
void									\
name(const char *fmt, ...)						\
{									\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	vlog(priority, 0, fmt, ap);					\
	va_end(ap);							\
}

DEFINE_LOG(log_info, LOG_INFO)
DEFINE_LOG(log_notice, LOG_NOTICE)
DEFINE_LOG(log_warnx, LOG_WARNING)
DEFINE_LOG(log_errx, LOG_ERR)

void
log_warn_errno(int negative_errno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, negative_errno, fmt, ap);
	va_end(ap);
}

void
log_err_errno(int negative_errno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, negative_errno, fmt, ap);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(2);
}
