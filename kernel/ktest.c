/*
 * The self-test runner.  Output is KTAP version 1, then the summary line
 * and the XTF-style final line that the host-side runners key on:
 *   KTAP version 1 / 1..N / ok|not ok N suite.case [# SKIP reason]
 *   X passed, Y failed, Z skipped
 *   Test result: SUCCESS|FAILURE|ERROR|SKIP
 */
#include "kernel/ktest.h"
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "lib/string.h"

extern const struct ktest __start_ktests[], __stop_ktests[];

static const struct ktest *current;
static bool cur_failed, cur_skipped;
static char skip_reason[128];

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

void ktest_skip(const char *reason)
{
	cur_skipped = true;
	strlcpy(skip_reason, reason, sizeof(skip_reason));
}

void ktest_diag(const char *fmt, ...)
{
	va_list ap;

	cons_printf("    # %s.%s: ", current ? current->suite : "-",
		    current ? current->name : "-");
	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
	cons_write("\n", 1);
}

bool ktest_failed(void)
{
	return cur_failed;
}

bool ktest_suite_exists(const char *suite, size_t len)
{
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++)
		if (strlen(t->suite) == len && !strncmp(t->suite, suite, len))
			return true;
	return false;
}

/* Is `suite` one of the comma-separated names in `filter`? */
static bool selected(const char *filter, const char *suite)
{
	size_t n = strlen(suite);

	if (!strcmp(filter, "all"))
		return true;
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

static void run_one(const struct ktest *t, int n, int *pass, int *fail,
		    int *skip)
{
	current = t;
	cur_failed = cur_skipped = false;
	/* If the kernel dies in the test, the runner can say which one. */
	cons_printf("# RUN %s.%s\n", t->suite, t->name);
	t->fn();
	if (cur_failed) {
		cons_printf("not ok %d %s.%s\n", n, t->suite, t->name);
		(*fail)++;
	} else if (cur_skipped) {
		cons_printf("ok %d %s.%s # SKIP %s\n", n, t->suite, t->name,
			    skip_reason);
		(*skip)++;
	} else {
		cons_printf("ok %d %s.%s\n", n, t->suite, t->name);
		(*pass)++;
	}
	current = NULL;
}

enum ktest_verdict ktest_run(const char *filter, int cmdline_errors)
{
	const struct ktest *t;
	int total = 0, n = 0, pass = 0, fail = 0, skip = 0;
	int errors = cmdline_errors;
	enum ktest_verdict v;

	cons_printf("KTAP version 1\n");
	errors += check_filter(filter);
	for (t = __start_ktests; t < __stop_ktests; t++)
		total += selected(filter, t->suite);
	cons_printf("1..%d\n", total);
	for (t = __start_ktests; t < __stop_ktests; t++)
		if (selected(filter, t->suite))
			run_one(t, ++n, &pass, &fail, &skip);
	cons_printf("%d passed, %d failed, %d skipped\n", pass, fail, skip);
	if (errors)
		v = KTEST_ERROR;
	else if (fail)
		v = KTEST_FAILURE;
	else if (!pass)
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
