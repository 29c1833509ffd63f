/*
 * The runner's own fixtures and rows (kernel/ktest.h): suite `ktest` counts
 * what its fixtures saw, and its cases check the counts in the order the
 * runner must call them.  A runner that skipped a fixture, ran one twice,
 * or numbered rows wrong fails here (and the plan check of whoever reads
 * the KTAP catches a wrong count of rows).
 */
#include "kernel/ktest.h"
#include "lib/string.h"

static int suite_inits, suite_exits, inits, exits, rows_seen;

static int count_suite_init(void)
{
	suite_inits++;
	return 0;
}

static void count_suite_exit(void)
{
	suite_exits++;
}

static int count_init(void)
{
	inits++;
	return 0;
}

static void count_exit(void)
{
	exits++;
}

KTEST_SUITE(ktest, .suite_init = count_suite_init,
	    .suite_exit = count_suite_exit, .init = count_init,
	    .exit = count_exit);

KTEST(ktest, suite_init_once_before_the_first_case)
{
	KT_EXPECT_EQ(suite_inits, 1);
	KT_EXPECT_EQ(suite_exits, 0);
	KT_EXPECT_EQ(inits, 1);
	KT_EXPECT_EQ(exits, 0);
	KT_EXPECT(ktest_param() == NULL);
}

KTEST(ktest, exit_after_each_case)
{
	/* The first case's exit ran, and this case's init. */
	KT_EXPECT_EQ(suite_inits, 1);
	KT_EXPECT_EQ(inits, 2);
	KT_EXPECT_EQ(exits, 1);
}

struct row {
	const char *name;
	int n;
	const char *word;
};

static const struct row rows[] = {
    {"row_one", 1, "one"},
    {"row_two", 2, "two"},
    {"row_three", 3, "three"},
};

/* Each row is its own numbered test, with init and exit around it. */
KTEST_PARAM(ktest, rows_in_order, rows)
{
	const struct row *r = ktest_param();

	KT_ASSERT(r != NULL);
	rows_seen++;
	KT_EXPECT_EQ(r->n, rows_seen);
	KT_EXPECT_EQ(inits, 2 + rows_seen);
	KT_EXPECT_EQ(exits, 1 + rows_seen);
	KT_EXPECT(r == &rows[r->n - 1]);
	KT_EXPECT(!strcmp(r->name + 4, r->word));
}

KTEST(ktest, every_row_ran)
{
	KT_EXPECT_EQ(rows_seen, (int)ARRAY_SIZE(rows));
	KT_EXPECT_EQ(inits, 3 + (int)ARRAY_SIZE(rows));
	KT_EXPECT_EQ(suite_inits, 1);
}

/*
 * The next suite in the section: by the time its case runs, ktest's run
 * of cases ended with one suite_exit (none if ktest was not selected).
 */
KTEST(ktest_after, suite_exit_after_the_last_case)
{
	KT_EXPECT_EQ(suite_exits, suite_inits);
	KT_EXPECT_EQ(exits, inits);
}

static int failing_init(void)
{
	return -5;
}

/*
 * Its init fails, so the runner prints "not ok" and never runs the body.
 * Left out of test=all (.by_name): test-host runs it by name and checks
 * that (tests/host/host.mk).
 */
KTEST_SUITE(ktest_init_fails, .init = failing_init, .by_name = true);

/*
 * BUGGY(RULE) (lib/compiler.h) is 1 exactly when KTEST_BUGGY_<RULE> is
 * defined to 1 (what make BUGGY=<rule> passes), in C and in #if.
 */
#define KTEST_BUGGY_KTEST_SELF 1
_Static_assert(BUGGY(KTEST_SELF) == 1, "BUGGY() of a defined rule");
_Static_assert(BUGGY(KTEST_NOT_DEFINED) == 0, "BUGGY() of another rule");
#if !BUGGY(KTEST_SELF) || BUGGY(KTEST_NOT_DEFINED)
#error "BUGGY() in #if"
#endif

KTEST(ktest_init_fails, body_not_run)
{
	ktest_diag("the body ran");
}
