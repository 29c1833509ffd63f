/*
 * kstrtou64: the parser that turns untrusted text (xenstore values, the
 * command line) into numbers.  Limits of every base, overflow at exactly
 * 2^64, strictness about anything but digits, and the length bound.
 */
#include "kernel/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

/* Parse all of `s` in `base`; expect `ret` and, when 0, the value `want`. */
static void check_at(int line, const char *s, unsigned int base, int ret,
		     uint64_t want)
{
	uint64_t v = SENTINEL;
	int r = kstrtou64(s, strlen(s), base, &v);

	if (r != ret || (!ret && v != want) || (ret && v != SENTINEL))
		ktest_fail_at(
		    __FILE__, line,
		    "kstrtou64(\"%s\", %u): %d, %#llx; want %d, %#llx", s, base,
		    r, (unsigned long long)v, ret,
		    (unsigned long long)(ret ? SENTINEL : want));
}

#define OK(s, base, want) check_at(__LINE__, s, base, 0, want)
#define BAD(s, base, err) check_at(__LINE__, s, base, err, 0)

KTEST(lib, kstrtou64_decimal)
{
	OK("0", 10, 0);
	OK("7", 10, 7);
	OK("0012", 10, 12);
	OK("4294967296", 10, 4294967296ULL);
	OK("18446744073709551615", 10, UINT64_MAX);
	BAD("18446744073709551616", 10, -ERANGE);
	BAD("18446744073709551620", 10, -ERANGE);
	BAD("99999999999999999999", 10, -ERANGE);
	BAD("100000000000000000000000000000", 10, -ERANGE);
}

KTEST(lib, kstrtou64_strict)
{
	BAD("", 10, -EINVAL);
	BAD("-1", 10, -EINVAL);
	BAD("+1", 10, -EINVAL);
	BAD(" 1", 10, -EINVAL);
	BAD("1 ", 10, -EINVAL);
	BAD("1\n", 10, -EINVAL);
	BAD("12a", 10, -EINVAL);
	BAD("1f", 10, -EINVAL);
	BAD("0x10", 10, -EINVAL);
	/* Malformed wins over overflow, wherever the bad byte is. */
	BAD("99999999999999999999x", 10, -EINVAL);
}

KTEST(lib, kstrtou64_bases)
{
	OK("ff", 16, 255);
	OK("FF", 16, 255);
	OK("0xff", 16, 255);
	OK("0XfF", 16, 255);
	OK("ffffffffffffffff", 16, UINT64_MAX);
	OK("0x0000000000000000ffffffffffffffff", 16, UINT64_MAX);
	BAD("10000000000000000", 16, -ERANGE);
	BAD("0x", 16, -EINVAL);
	BAD("0xg", 16, -EINVAL);
	OK("777", 8, 0777);
	OK("1777777777777777777777", 8, UINT64_MAX);
	BAD("2000000000000000000000", 8, -ERANGE);
	BAD("8", 8, -EINVAL);
	OK("1011", 2, 11);
	BAD("2", 2, -EINVAL);
	OK("z", 36, 35);
	OK("3w5e11264sgsf", 36, UINT64_MAX);
	BAD("3w5e11264sgsg", 36, -ERANGE);
	BAD("1", 1, -EINVAL);
	BAD("1", 37, -EINVAL);
}

KTEST(lib, kstrtou64_auto_base)
{
	OK("0", 0, 0);
	OK("10", 0, 10);
	OK("0x1f", 0, 31);
	OK("0X1F", 0, 31);
	OK("017", 0, 15);
	BAD("08", 0, -EINVAL);
	BAD("0x", 0, -EINVAL);
	BAD("", 0, -EINVAL);
}

KTEST(lib, kstrtou64_length_bound)
{
	static const char digits[] = "12345";
	char unterminated[3] = {'4', '2', '7'};
	uint64_t v = 0;

	KT_EXPECT_EQ(kstrtou64(digits, 2, 10, &v), 0);
	KT_EXPECT_EQ(v, 12);
	KT_EXPECT_EQ(kstrtou64("12\0"
			       "99",
			       5, 10, &v),
		     0); /* NUL ends it */
	KT_EXPECT_EQ(v, 12);
	KT_EXPECT_EQ(kstrtou64(digits, 0, 10, &v), -EINVAL);
	/* No terminator needed: reads exactly len bytes (ASan on host). */
	KT_EXPECT_EQ(kstrtou64(unterminated, sizeof(unterminated), 10, &v), 0);
	KT_EXPECT_EQ(v, 427);
	KT_EXPECT_EQ(kstrtou64("0x12", 3, 0, &v), 0);
	KT_EXPECT_EQ(v, 1);
}
