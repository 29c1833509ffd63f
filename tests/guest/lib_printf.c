/*
 * snprintf / vsnprintf: every conversion, flag, width, precision and
 * length modifier against the C99 results, then truncation, the return
 * value and the guarantee of never writing past `size`.
 */
#include "kernel/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"

#define GUARD 0x5a

/* Format into a guarded buffer; expect `want` and its exact length. */
static void vcheck(int line, const char *want, const char *fmt, va_list ap)
{
	char buf[128];
	int n;

	memset(buf, GUARD, sizeof(buf));
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n != (int)strlen(want) || strcmp(buf, want))
		ktest_fail_at(__FILE__, line,
			      "\"%s\": got \"%s\" (%d), want \"%s\" (%d)", fmt,
			      buf, n, want, (int)strlen(want));
}

static void __printf(3, 4)
    check_at(int line, const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(line, want, fmt, ap);
	va_end(ap);
}

/*
 * No format attribute: for flag combinations that GCC rightly calls
 * pointless ("%-05d") but C defines, and for formats C leaves undefined.
 */
static void check_raw_at(int line, const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(line, want, fmt, ap);
	va_end(ap);
}

#define CHECK(want, ...)     check_at(__LINE__, want, __VA_ARGS__)
#define CHECK_RAW(want, ...) check_raw_at(__LINE__, want, __VA_ARGS__)

/* Like snprintf, but without format checking, as check_raw_at(). */
static int raw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

KTEST(lib, printf_signed)
{
	CHECK("0 42 -42", "%d %d %d", 0, 42, -42);
	CHECK("2147483647 -2147483648", "%d %i", 2147483647, -2147483647 - 1);
	CHECK("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	CHECK("-0042|-42  |  -42", "%05d|%-5d|%5d", -42, -42, -42);
	CHECK_RAW("42   ", "%-05d", 42); /* '-' beats '0' */
	CHECK_RAW("+42  42 +42 -42", "%+d % d %+ d % d", 42, 42, 42, -42);
	CHECK("+0 +00007", "%+d %+06d", 0, 7);
}

KTEST(lib, printf_precision)
{
	CHECK("007|-007|  007", "%.3d|%.3d|%5.3d", 7, -7, 7);
	CHECK("[][     ]", "[%.0d][%5.0d]", 0, 0); /* no digits for 0 */
	CHECK_RAW("     007", "%08.3d", 7);	   /* '0' ignored */
	CHECK("00ab|0x00ab", "%.4x|%#.4x", 0xab, 0xab);
	CHECK("   005|005   ", "%*.*d|%-*.*d", 6, 3, 5, 6, 3, 5);
	CHECK("5     |5", "%*d|%.*d", -6, 5, -1, 5); /* negative '*' */
	CHECK("ab|abc|   ab", "%.2s|%.*s|%5.2s", "abcd", -1, "abc", "abcd");
}

KTEST(lib, printf_unsigned_lengths)
{
	CHECK("4294967295", "%u", 4294967295u);
	CHECK("18446744073709551615", "%lu", 18446744073709551615ul);
	CHECK("18446744073709551615", "%llu", 18446744073709551615ull);
	CHECK("18446744073709551615", "%zu", (size_t)-1);
	CHECK("18446744073709551615", "%ju", (uintmax_t)-1);
	CHECK("1 1 -1 -32768", "%hu %hhu %hhd %hd", 65537, 257, 255, 32768);
	CHECK("-9223372036854775808", "%ld", -9223372036854775807l - 1);
	CHECK("-9223372036854775808", "%lld", -9223372036854775807ll - 1);
	CHECK("-9223372036854775808", "%jd",
	      (intmax_t)-9223372036854775807 - 1);
	CHECK("-3 -3 +4", "%td %zd %+zd", (ptrdiff_t)-3, (long)-3, (long)4);
	CHECK("ff", "%tx", (ptrdiff_t)255);
}

KTEST(lib, printf_hex_octal)
{
	CHECK("ff FF 0xff 0XFF", "%x %X %#x %#X", 255, 255, 255, 255);
	CHECK("0 0", "%#x %#o", 0, 0); /* no prefix for zero */
	CHECK("0x0000ff|000000ff|0xff    ", "%#08x|%08x|%-#8x", 255, 255, 255);
	CHECK("deadbeefcafef00d", "%lx", 0xdeadbeefcafef00dul);
	CHECK("DEADBEEFCAFEF00D", "%llX", 0xdeadbeefcafef00dull);
	CHECK("10 010 010 0", "%o %#o %#.3o %#.0o", 8, 8, 8, 0);
	CHECK("1777777777777777777777", "%lo", 18446744073709551615ul);
	CHECK("377 ff", "%hho %hhx", 0x1ff, 0x1ff);
}

KTEST(lib, printf_char_string)
{
	char unterminated[3] = {'x', 'y', 'z'};

	CHECK("A|  A|A  |%", "%c|%3c|%-3c|%%", 'A', 'A', 'A');
	CHECK("abc|  abc|abc  |", "%s|%5s|%-5s|%s", "abc", "abc", "abc", "");
	CHECK("     abc|abc     ", "%*s|%*s", 8, "abc", -8, "abc");
	/* A precision bounds the read: the array has no NUL. */
	CHECK("xyz|xy", "%.3s|%.2s", unterminated, unterminated);
	CHECK("100% done", "100%% %s", "done");
}

KTEST(lib, printf_char_nul)
{
	char buf[8];

	memset(buf, GUARD, sizeof(buf));
	KT_EXPECT_EQ(snprintf(buf, sizeof(buf), "a%cb", 0), 3);
	KT_EXPECT(buf[0] == 'a' && buf[1] == '\0' && buf[2] == 'b');
	KT_EXPECT_EQ(buf[3], '\0');
}

KTEST(lib, printf_null_string)
{
	const char *volatile nul = NULL;

	CHECK("(null)", "%s", nul);
	CHECK("  (null)|(nu", "%8s|%.3s", nul, nul);
}

KTEST(lib, printf_pointer)
{
	CHECK("0x0000000000001234", "%p", (void *)0x1234);
	CHECK("0x0000000000000000", "%p", NULL);
	CHECK("0xffff800000000000", "%p", (void *)0xffff800000000000ul);
	CHECK("  0x00000000000000ab|0x00000000000000ab  ", "%20p|%-20p",
	      (void *)0xab, (void *)0xab);
}

KTEST(lib, printf_unknown_and_trailing)
{
	char buf[32];

	KT_EXPECT_EQ(raw_snprintf(buf, sizeof(buf), "a%yb%d", 5), 5);
	KT_EXPECT(!strcmp(buf, "a%yb5"));
	KT_EXPECT_EQ(raw_snprintf(buf, sizeof(buf), "abc%"), 4);
	KT_EXPECT(!strcmp(buf, "abc%"));
	KT_EXPECT_EQ(raw_snprintf(buf, sizeof(buf), "%-5"), 3);
	KT_EXPECT(!strcmp(buf, "%-5"));
	/* No %n: it would let a format string write memory. */
	KT_EXPECT_EQ(raw_snprintf(buf, sizeof(buf), "x%ny"), 4);
	KT_EXPECT(!strcmp(buf, "x%ny"));
}

KTEST(lib, printf_truncation)
{
	char buf[16];

	memset(buf, GUARD, sizeof(buf));
	KT_EXPECT_EQ(snprintf(buf, 4, "abcdef"), 6);
	KT_EXPECT(!strcmp(buf, "abc"));
	KT_EXPECT_EQ(buf[4], GUARD);

	KT_EXPECT_EQ(snprintf(buf, 3, "%d", 12345), 5);
	KT_EXPECT(!strcmp(buf, "12"));
	KT_EXPECT_EQ(snprintf(buf, 5, "%-8s|", "ab"), 9);
	KT_EXPECT(!strcmp(buf, "ab  "));
	KT_EXPECT_EQ(snprintf(buf, 6, "%#010x", 0x1f), 10);
	KT_EXPECT(!strcmp(buf, "0x000"));

	memset(buf, GUARD, sizeof(buf));
	KT_EXPECT_EQ(snprintf(buf, 1, "abc"), 3);
	KT_EXPECT_EQ(buf[0], '\0');
	KT_EXPECT_EQ(buf[1], GUARD);
}

KTEST(lib, printf_size_zero)
{
	char buf[4];

	memset(buf, GUARD, sizeof(buf));
	KT_EXPECT_EQ(snprintf(buf, 0, "abc%d", 12), 5);
	KT_EXPECT_EQ(buf[0], GUARD);
	KT_EXPECT_EQ(snprintf(NULL, 0, "%s-%s", "ab", "cd"), 5);
	KT_EXPECT_EQ(snprintf(NULL, 0, "%100d", 1), 100);
	KT_EXPECT_EQ(raw_snprintf(NULL, 0, ""), 0);
}

/* Every size from 0 up: output is always the prefix, never past size. */
KTEST(lib, printf_every_size)
{
	static const char full[] = "x=-17 s=hello p=0x00000000deadbeef";
	char buf[sizeof(full) + 8];
	size_t size, i;

	for (size = 0; size <= sizeof(full) + 1; size++) {
		memset(buf, GUARD, sizeof(buf));
		KT_EXPECT_EQ(snprintf(buf, size, "x=%d s=%s p=%p", -17, "hello",
				      (void *)0xdeadbeef),
			     sizeof(full) - 1);
		for (i = size; i < sizeof(buf); i++)
			KT_ASSERT(buf[i] == GUARD);
		if (size) {
			KT_ASSERT(!strncmp(buf, full, size - 1));
			KT_ASSERT(buf[MIN(size - 1, sizeof(full) - 1)] == '\0');
		}
	}
}
