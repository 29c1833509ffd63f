/*
 * The self-test runner.  Output is KTAP version 1, then the summary line
 * and the XTF-style final line that the host-side runners key on:
 *   KTAP version 1 / 1..N / ok|not ok N suite.case [# SKIP reason]
 * (a KTEST_PARAM case's rows are numbered tests named suite.<row>)
 *   X passed, Y failed, Z skipped
 *   Test result: SUCCESS|FAILURE|ERROR|SKIP
 */
#include "kernel/ktest.h"
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"

extern const struct ktest __start_ktests[], __stop_ktests[];
/* Weak: a host test binary may have no KTEST_SUITE at all. */
extern const struct ktest_suite __start_ktest_suites[] __attribute__((weak));
extern const struct ktest_suite __stop_ktest_suites[] __attribute__((weak));

static const struct ktest *current;
/* The name printed for the running test: the case's, or its row's. */
static const char *cur_name;
static const void *cur_row;
static bool cur_failed, cur_skipped;
static char skip_reason[128];
/* test.skip= (ktest_set_skip_list): tests reported SKIP without running. */
static const char *skip_list = "";
/*
 * test.stop_after= (ktest_set_stop_after): once all of these have a
 * result, the rest is not run (stop_why set).
 */
static const char *stop_list = "";
static int stop_left;
static char stop_why[128];

static const char *const verdict_name[] = {"SUCCESS", "FAILURE", "ERROR",
					   "SKIP"};

void ktest_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failed = true;
	cons_printf("    # %s:%d: ", file, line);
	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
	cons_write("\n", 1);
}

void ktest_fail_cond(const char *file, int line, const char *what,
		     const char *expr)
{
	ktest_fail_at(file, line, "%s %s", what, expr);
}

void ktest_fail_eq(const char *file, int line, const char *a_expr,
		   const char *b_expr, long long a, long long b)
{
	ktest_fail_at(file, line, "expected %s == %s (%lld vs %lld)", a_expr,
		      b_expr, a, b);
}

void ktest_expect_streq(const char *file, int line, const char *a_expr,
			const char *b_expr, const char *a, const char *b)
{
	if (!a || !b || strcmp(a, b))
		ktest_fail_at(file, line,
			      "expected %s == %s (\"%s\" vs \"%s\")", a_expr,
			      b_expr, a ? a : "(null)", b ? b : "(null)");
}

void ktest_skip(const char *reason)
{
	cur_skipped = true;
	strlcpy(skip_reason, reason, sizeof(skip_reason));
}

void ktest_diag(const char *fmt, ...)
{
	va_list ap;

	cons_printf("    # %s.%s: ", current ? current->suite : "-",
		    current ? cur_name : "-");
	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
	cons_write("\n", 1);
}

bool ktest_failed(void)
{
	return cur_failed;
}

const void *ktest_param(void)
{
	return cur_row;
}

bool ktest_suite_exists(const char *suite, size_t len)
{
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++)
		if (strlen(t->suite) == len && !strncmp(t->suite, suite, len))
			return true;
	return false;
}

static const struct ktest_suite *fixtures(const char *suite)
{
	for (const struct ktest_suite *f = __start_ktest_suites;
	     f < __stop_ktest_suites; f++)
		if (!strcmp(f->name, suite))
			return f;
	return NULL;
}

/* Is `suite` one of the comma-separated names in `filter`? */
static bool selected(const char *filter, const char *suite)
{
	size_t n = strlen(suite);

	if (!strcmp(filter, "all")) {
		const struct ktest_suite *f = fixtures(suite);

		return !f || !f->by_name;
	}
	for (const char *p = filter; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (len == n && !strncmp(p, suite, n))
			return true;
		p += len + (c ? 1 : 0);
	}
	return false;
}

/* Report every name in `filter` that names no suite; count them. */
static int check_filter(const char *filter)
{
	int bad = 0;

	if (!strcmp(filter, "all") || !strcmp(filter, "none"))
		return 0;
	for (const char *p = filter; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (!ktest_suite_exists(p, len)) {
			cons_printf("# unknown test suite '%.*s'\n", (int)len,
				    p);
			bad++;
		}
		p += len + (c ? 1 : 0);
	}
	return bad;
}

void ktest_set_skip_list(const char *list)
{
	skip_list = list ? list : "";
}

void ktest_set_stop_after(const char *list)
{
	stop_list = list ? list : "";
	stop_left = 0;
	stop_why[0] = '\0';
	for (const char *p = stop_list; *p; stop_left++) {
		const char *c = strchr(p, ',');

		p = c ? c + 1 : p + strlen(p);
	}
}

/* Is `suite`.`name` one of the comma-separated names in `list`? */
static bool listed(const char *list, const char *suite, const char *name)
{
	size_t ns = strlen(suite), nn = strlen(name);

	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (len == ns + 1 + nn && !strncmp(p, suite, ns) &&
		    p[ns] == '.' && !strncmp(p + ns + 1, name, nn))
			return true;
		p += len + (c ? 1 : 0);
	}
	return false;
}

/* Is `want` (`len` bytes, "suite.name") a test, or a row of one? */
static bool test_exists(const char *want, size_t len)
{
	char one[128];

	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++)
		for (size_t i = 0; i < (t->rows ? t->nrows : 1); i++) {
			const char *n =
			    t->rows
				? *(const char *const *)((const char *)t->rows +
							 i * t->row_size)
				: t->name;

			snprintf(one, sizeof(one), "%s.%s", t->suite, n);
			if (strlen(one) == len && !strncmp(one, want, len))
				return true;
		}
	return false;
}

/* A name in test.skip= that is no test is an error, as a bad suite is. */
static int check_list(const char *list, const char *key)
{
	int bad = 0;

	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (!test_exists(p, len)) {
			cons_printf("# unknown test '%.*s' in %s=\n", (int)len,
				    p, key);
			bad++;
		}
		p += len + (c ? 1 : 0);
	}
	return bad;
}

/* A KTEST_PARAM case is one numbered test per row. */
static int ntests(const struct ktest *t)
{
	return t->rows ? (int)t->nrows : 1;
}

struct tally {
	int n, pass, fail, skip;
};

/*
 * After a test's result: does test.stop_after= stop the run here?  Only
 * once every listed test has run: a listed test that passes where it
 * should fail must show (a SKIP does not count as run).
 */
static void note_stop(const char *suite, const char *name)
{
	if (stop_why[0] || !listed(stop_list, suite, name))
		return;
	if ((cur_failed || !cur_skipped) && --stop_left == 0)
		snprintf(stop_why, sizeof(stop_why),
			 "test.stop_after= (stopped: its tests have run)");
}

/*
 * One numbered test: the case `t` on `row` (NULL for a plain case), with
 * the suite's per-case fixtures.  `suite_rc` is the suite_init's result:
 * nonzero fails the test without running anything.
 */
static void run_one(const struct ktest *t, const void *row,
		    const struct ktest_suite *f, int suite_rc, struct tally *c)
{
	int rc = suite_rc;

	current = t;
	cur_row = row;
	cur_name = row ? *(const char *const *)row : t->name;
	cur_failed = cur_skipped = false;
	/* If the kernel dies in the test, the runner can say which one. */
	cons_printf("# RUN %s.%s\n", t->suite, cur_name);
	if (listed(skip_list, t->suite, cur_name)) {
		/* Not run at all: no fixture either. */
		ktest_skip("test.skip= (runs in another scenario)");
		rc = 1;
	} else if (stop_why[0]) {
		ktest_skip(stop_why);
		rc = 1;
	} else if (suite_rc)
		ktest_fail_at(__FILE__, __LINE__, "suite %s: suite_init: %d",
			      t->suite, suite_rc);
	else if (f && f->init && (rc = f->init()) != 0)
		ktest_fail_at(__FILE__, __LINE__, "suite %s: init: %d",
			      t->suite, rc);
	if (!rc) {
		t->fn();
		/* Also after a KT_ASSERT or KT_SKIP left the case early. */
		if (f && f->exit)
			f->exit();
	}
	c->n++;
	note_stop(t->suite, cur_name);
	if (cur_failed) {
		cons_printf("not ok %d %s.%s\n", c->n, t->suite, cur_name);
		c->fail++;
	} else if (cur_skipped) {
		cons_printf("ok %d %s.%s # SKIP %s\n", c->n, t->suite, cur_name,
			    skip_reason);
		c->skip++;
	} else {
		cons_printf("ok %d %s.%s\n", c->n, t->suite, cur_name);
		c->pass++;
	}
	current = NULL;
	cur_row = NULL;
}

/* Every row of `t` (or the case once). */
static void run_case(const struct ktest *t, const struct ktest_suite *f,
		     int suite_rc, struct tally *c)
{
	if (!t->rows) {
		run_one(t, NULL, f, suite_rc, c);
		return;
	}
	for (size_t i = 0; i < t->nrows; i++)
		run_one(t, (const char *)t->rows + i * t->row_size, f, suite_rc,
			c);
}

/*
 * The selected cases in section order.  A suite's suite_init/suite_exit
 * bracket each run of its consecutive cases (a suite spread over several
 * files is normally one run: they link one after the other).
 */
static void run_selected(const char *filter, struct tally *c)
{
	const struct ktest_suite *f = NULL;
	const char *suite = NULL;
	int suite_rc = 0;

	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
		if (!selected(filter, t->suite))
			continue;
		if (!suite || strcmp(suite, t->suite)) {
			if (f && f->suite_exit && !suite_rc)
				f->suite_exit();
			suite = t->suite;
			f = fixtures(suite);
			suite_rc = f && f->suite_init ? f->suite_init() : 0;
		}
		run_case(t, f, suite_rc, c);
	}
	if (f && f->suite_exit && !suite_rc)
		f->suite_exit();
}

enum ktest_verdict ktest_run(const char *filter, int cmdline_errors)
{
	struct tally c = {0};
	int total = 0;
	int errors = cmdline_errors;
	enum ktest_verdict v;

	cons_printf("KTAP version 1\n");
	errors += check_filter(filter);
	errors += check_list(skip_list, "test.skip");
	errors += check_list(stop_list, "test.stop_after");
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++)
		if (selected(filter, t->suite))
			total += ntests(t);
	cons_printf("1..%d\n", total);
	run_selected(filter, &c);
	cons_printf("%d passed, %d failed, %d skipped\n", c.pass, c.fail,
		    c.skip);
	if (errors)
		v = KTEST_ERROR;
	else if (c.fail)
		v = KTEST_FAILURE;
	else if (!c.pass)
		v = KTEST_SKIP;
	else
		v = KTEST_SUCCESS;
	if (errors)
		cons_printf("# %d error(s) before the tests ran\n", errors);
	return v;
}

void ktest_print_verdict(enum ktest_verdict v)
{
	cons_printf("Test result: %s\n", verdict_name[v]);
}
