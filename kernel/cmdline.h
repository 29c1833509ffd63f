/*
 * Kernel command line (from start_info): space-separated `key=value`
 * words.  Each subsystem declares its keys with KPARAM(); unknown keys and
 * rejected values are reported by name and counted, and any error makes
 * the test verdict ERROR.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "lib/compiler.h"

struct kparam {
	const char *key;
	/* value is NUL-terminated; return 0 or -EINVAL to reject it */
	int (*set)(const char *value);
};

#define KPARAM(key, fn)                                                        \
	static const struct kparam kparam_##fn __used __no_reorder __section(  \
	    "kparams") __aligned(8) = {key, fn}

/*
 * A key whose value is "0" or "1" only, stored into the bool `var`:
 * KPARAM_BOOL("gnttab.expect_maptrack_full", maptrack_full).  Anything
 * else is rejected (a typo must not read as "off").
 */
#define KPARAM_BOOL(key, var)                                                  \
	static int kparam_bool_##var(const char *v)                            \
	{                                                                      \
		return cmdline_bool(v, &var);                                  \
	}                                                                      \
	KPARAM(key, kparam_bool_##var)

#define CMDLINE_MAX 1024

/* Parse `line` (at most CMDLINE_MAX bytes); returns the number of errors. */
int cmdline_parse(const char *line);
/* Errors seen by every cmdline_parse() so far (unknown keys, bad values). */
int cmdline_errors(void);
/* "0" or "1" into *out: 0, or -EINVAL for anything else (*out kept). */
int cmdline_bool(const char *value, bool *out);
/* The `test=` value, or NULL when absent. */
const char *cmdline_test_filter(void);
/* test.skip='s list of tests ("" if none), for ktest_set_skip_list(). */
const char *cmdline_test_skip(void);
/* test.stop_after='s list ("" if none), for ktest_set_stop_after(). */
const char *cmdline_test_stop_after(void);

#endif
