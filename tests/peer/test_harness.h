/* SPDX-License-Identifier: MIT */
/*
 * Tiny harness for the peers' host unit tests: expectations record and
 * continue; each case prints one KTAP line; main() returns nonzero on any
 * failure.  Header-only so each test program is one file.
 */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int th_case_failed, th_failed, th_passed, th_index;

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("# %s:%d: expected %s\n", __FILE__, __LINE__,   \
			       #cond);                                         \
			th_case_failed = 1;                                    \
		}                                                              \
	} while (0)

#define EXPECT_STR(got, want)                                                  \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		if (!g_ || strcmp(g_, w_)) {                                   \
			printf("# %s:%d: got \"%s\", want \"%s\"\n", __FILE__, \
			       __LINE__, g_ ? g_ : "(null)", w_);              \
			th_case_failed = 1;                                    \
		}                                                              \
	} while (0)

static inline void th_run(const char *name, void (*fn)(void))
{
	th_case_failed = 0;
	fn();
	th_index++;
	printf("%sok %d %s\n", th_case_failed ? "not " : "", th_index, name);
	if (th_case_failed)
		th_failed++;
	else
		th_passed++;
}

#define RUN(fn) th_run(#fn, fn)

static inline int th_done(void)
{
	printf("1..%d\n", th_index);
	printf("%d passed, %d failed\n", th_passed, th_failed);
	return th_failed ? 1 : 0;
}

#endif /* TEST_HARNESS_H */
