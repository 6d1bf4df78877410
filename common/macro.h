/* SPDX-License-Identifier: Apache-2.0 */
/*
 * macro.h: small helpers shared by every module.
 *
 * _cleanup_(f) runs f(&var) when var leaves scope; the *_freep helpers
 * accept pointers to NULL, so an ownership transfer is "take the value and
 * set the variable to NULL" (see TAKE_PTR).
 */
#ifndef ACCT_MACRO_H
#define ACCT_MACRO_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f)	__attribute__((cleanup(f)))
#define _unused_	__attribute__((unused))
#define _printf_(a, b)	__attribute__((format(printf, a, b)))
#define ELEMENTSOF(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))

/* Return the pointer and leave NULL behind: the caller now owns it. */
#define TAKE_PTR(p) ({				\
	__typeof__(p) take_ptr_tmp_ = (p);	\
	(p) = NULL;				\
	take_ptr_tmp_;				\
})

/* True when the n bytes at p are all zero. */
static inline bool
mem_all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static inline void
freep(void *p)
{
	free(*(void **)p);
}

static inline void
closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void
fclosep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

#define _cleanup_free_		_cleanup_(freep)
#define _cleanup_close_		_cleanup_(closep)
#define _cleanup_fclose_	_cleanup_(fclosep)

#endif
