/*
 * Host unit test driver: the kernel's ktest runner over the same test
 * sources, with stdout as the console.  Usage: ktest-host [FILTER], where
 * FILTER is "all" (default), "none" or a comma-separated suite list, as on
 * the kernel command line.  Exit status 0 only for SUCCESS.
 *
 * Hosted code: compiled without tests/host/host-names.h, so its libc calls
 * are glibc's.
 */
#include <stdio.h>

#include "kernel/ktest.h"
#include "kernel/printk.h"

static void stdout_write(const char *s, size_t len)
{
	fwrite(s, 1, len, stdout);
}

static void stdout_flush(void)
{
	fflush(stdout);
}

static struct cons_sink stdout_sink = {
    .name = "stdout",
    .write = stdout_write,
    .flush = stdout_flush,
};

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : "all";
	enum ktest_verdict verdict;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [all|none|suite[,suite...]]\n",
			argv[0]);
		return 2;
	}
	/* Line buffering keeps KTAP in order with sanitizer reports. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	cons_register(&stdout_sink);
	/* The runner itself reports suites that the filter names wrongly. */
	verdict = ktest_run(filter, 0);
	ktest_print_verdict(verdict);
	cons_flush();
	return verdict == KTEST_SUCCESS ? 0 : 1;
}
