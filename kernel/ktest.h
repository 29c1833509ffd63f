/*
 * In-kernel self tests.  KTEST(suite, case) registers a test into the
 * `ktests` linker section; the runner selects tests by suite from the
 * command line and prints KTAP version 1.  Expectations record a failure
 * and continue; KT_ASSERT records and leaves the test.  The same macros and
 * runner drive the host unit tests (tests/host/).
 *
 * KUnit's shape, written for this runner:
 * - KTEST_SUITE(suite, .init = f, .exit = g, .suite_init = h, .suite_exit
 *   = i) gives a suite its fixtures (any may be left out).  init runs
 *   before each case (each row of a KTEST_PARAM case), exit after it, also
 *   when KT_ASSERT or KT_SKIP left it early; an init that returns nonzero
 *   fails that case, which does not run (nor exit).  suite_init runs before
 *   the first case of a run of the suite's cases, suite_exit after its
 *   last; a suite_init that fails fails each of those cases.  .by_name =
 *   true leaves the suite out of "all".
 * - KTEST_PARAM(suite, case, rows) is one test body run once per row of
 *   the array `rows`, whose element type starts with `const char *name`.
 *   Each row is a numbered test of its own in the plan, named
 *   suite.<row name> (so the scenario tables name a row as a case);
 *   ktest_param() is the running row.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include "lib/compiler.h"

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
	/* KTEST_PARAM: the rows, how many, and the size of one. */
	const void *rows;
	size_t nrows, row_size;
};

struct ktest_suite {
	const char *name;
	int (*suite_init)(void);
	void (*suite_exit)(void);
	int (*init)(void);
	void (*exit)(void);
	/* Left out of "all": runs only when the filter names it. */
	bool by_name;
};

#define KTEST_DESC(suite, case, ...)                                           \
	static void ktest_fn_##suite##_##case (void);                          \
	static const struct ktest ktest_desc_##suite##_##case __used           \
	    __no_reorder __section("ktests") __aligned(8) = {                  \
		#suite, #case, ktest_fn_##suite##_##case, __VA_ARGS__};        \
	static void ktest_fn_##suite##_##case (void)

#define KTEST(suite, case) KTEST_DESC(suite, case, NULL, 0, 0)

#define KTEST_PARAM(suite, case, rows)                                         \
	_Static_assert(offsetof(__typeof__((rows)[0]), name) == 0,             \
		       "KTEST_PARAM rows start with const char *name");        \
	KTEST_DESC(suite, case, rows, ARRAY_SIZE(rows), sizeof((rows)[0]))

#define KTEST_SUITE(suite, ...)                                                \
	static const struct ktest_suite ktest_suite_##suite __used __section(  \
	    "ktest_suites") __aligned(8) = {.name = #suite, __VA_ARGS__}

/*
 * The tests' one pseudo-random generator, xorshift64*: small, fast, the
 * same sequence on every host and in the kernel.  Seed it with a fixed
 * nonzero value and print the seed, so a failure can be replayed.
 */
struct ktest_rng {
	uint64_t x;
};

static inline uint64_t ktest_rand(struct ktest_rng *r)
{
	r->x ^= r->x >> 12;
	r->x ^= r->x << 25;
	r->x ^= r->x >> 27;
	return r->x * 0x2545f4914f6cdd1dULL;
}

/* The row of the running KTEST_PARAM case (NULL in a plain case). */
const void *ktest_param(void);

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

/*
 * The failure lines of the macros below, out of line with few arguments:
 * ~1100 expectations are in the kernel's suites, and a seven-argument
 * call at each (one argument on the stack) was 6 KiB more of the image
 * (issue 11).  `what` is "expected" or "required", `expr` the stringified
 * condition; the operands' strings stay apart, so the linker shares the
 * common ones ("0", "rc").  Lines read as ktest_fail_at()'s did.
 */
void ktest_fail_cond(const char *file, int line, const char *what,
		     const char *expr);
void ktest_fail_eq(const char *file, int line, const char *a_expr,
		   const char *b_expr, long long a, long long b);

#define KT_EXPECT(c)                                                           \
	do {                                                                   \
		if (!(c))                                                      \
			ktest_fail_cond(__FILE__, __LINE__, "expected", #c);   \
	} while (0)

#define KT_EXPECT_EQ(a, b)                                                     \
	do {                                                                   \
		long long _ka = (long long)(a), _kb = (long long)(b);          \
		if (_ka != _kb)                                                \
			ktest_fail_eq(__FILE__, __LINE__, #a, #b, _ka, _kb);   \
	} while (0)

#define KT_EXPECT_NE(a, b)                                                     \
	do {                                                                   \
		long long _ka = (long long)(a), _kb = (long long)(b);          \
		if (_ka == _kb)                                                \
			ktest_fail_at(__FILE__, __LINE__,                      \
				      "expected %s != %s (both %lld)", #a, #b, \
				      _ka);                                    \
	} while (0)

/* Two strings equal (NULL never is): both shown when not. */
void ktest_expect_streq(const char *file, int line, const char *a_expr,
			const char *b_expr, const char *a, const char *b);
#define KT_EXPECT_STREQ(a, b)                                                  \
	ktest_expect_streq(__FILE__, __LINE__, #a, #b, (a), (b))

#define KT_ASSERT(c)                                                           \
	do {                                                                   \
		if (!(c)) {                                                    \
			ktest_fail_cond(__FILE__, __LINE__, "required", #c);   \
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
/*
 * Before ktest_run(): the tests named in `list` ("suite.case" or
 * "suite.row", comma-separated; NULL or "" for none) report SKIP without
 * running; a name that is no test counts as a command-line error.
 */
void ktest_set_skip_list(const char *list);
/*
 * Before ktest_run(): once every test named in `list` has run (passed or
 * failed), every later test reports SKIP without running
 * ("test.stop_after= ..."); a name that is no test is a command-line
 * error, as in ktest_set_skip_list().
 */
void ktest_set_stop_after(const char *list);
/* The final `Test result: ...` line: nothing may follow it. */
void ktest_print_verdict(enum ktest_verdict v);
/* Is `suite` the suite of at least one registered test? */
bool ktest_suite_exists(const char *suite, size_t len);

#endif
