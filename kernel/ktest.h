/*
 * In-kernel self tests.  KTEST(suite, case) registers a test into the
 * `ktests` linker section; the runner selects tests by suite from the
 * command line and prints KTAP version 1.  Expectations record a failure
 * and continue; KT_ASSERT records and leaves the test.  The same macros and
 * runner drive the host unit tests (tests/host/).
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include "lib/compiler.h"

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

#define KTEST(suite, case)                                                     \
	static void ktest_fn_##suite##_##case (void);                          \
	static const struct ktest ktest_desc_##suite##_##case __used           \
	    __no_reorder __section("ktests")                                   \
		__aligned(8) = {#suite, #case, ktest_fn_##suite##_##case};     \
	static void ktest_fn_##suite##_##case (void)

enum ktest_verdict {
	KTEST_SUCCESS = 0,
	KTEST_FAILURE = 1,
	KTEST_ERROR = 2,
	KTEST_SKIP = 3,
};

void ktest_fail_at(const char *file, int line, const char *fmt, ...)
    __printf(3, 4);
void ktest_skip(const char *reason);
/* Print a KTAP diagnostic line `# ...` for the running test. */
void ktest_diag(const char *fmt, ...) __printf(1, 2);
/* Has the running test failed so far? */
bool ktest_failed(void);

#define KT_EXPECT(c)                                                           \
	do {                                                                   \
		if (!(c))                                                      \
			ktest_fail_at(__FILE__, __LINE__, "expected %s", #c);  \
	} while (0)

#define KT_EXPECT_EQ(a, b)                                                     \
	do {                                                                   \
		long long _ka = (long long)(a), _kb = (long long)(b);          \
		if (_ka != _kb)                                                \
			ktest_fail_at(__FILE__, __LINE__,                      \
				      "expected %s == %s (%lld vs %lld)", #a,  \
				      #b, _ka, _kb);                           \
	} while (0)

#define KT_EXPECT_NE(a, b)                                                     \
	do {                                                                   \
		long long _ka = (long long)(a), _kb = (long long)(b);          \
		if (_ka == _kb)                                                \
			ktest_fail_at(__FILE__, __LINE__,                      \
				      "expected %s != %s (both %lld)", #a, #b, \
				      _ka);                                    \
	} while (0)

#define KT_ASSERT(c)                                                           \
	do {                                                                   \
		if (!(c)) {                                                    \
			ktest_fail_at(__FILE__, __LINE__, "required %s", #c);  \
			return;                                                \
		}                                                              \
	} while (0)

#define KT_SKIP(reason)                                                        \
	do {                                                                   \
		ktest_skip(reason);                                            \
		return;                                                        \
	} while (0)

/*
 * Run the tests whose suite is named in `filter` ("all", "none", or a
 * comma-separated suite list).  `cmdline_errors` counts problems found on
 * the command line; any makes the verdict ERROR.  Prints KTAP and the
 * summary line; the caller may add diagnostics, then prints the verdict.
 */
enum ktest_verdict ktest_run(const char *filter, int cmdline_errors);
/* The final `Test result: ...` line: nothing may follow it. */
void ktest_print_verdict(enum ktest_verdict v);
/* Is `suite` the suite of at least one registered test? */
bool ktest_suite_exists(const char *suite, size_t len);

#endif
