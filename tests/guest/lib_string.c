/*
 * String and memory functions: every alignment and small length of the
 * copy and fill paths against byte-by-byte references, with guard bytes
 * around the destination; signedness and termination edge cases.
 */
#include "kernel/ktest.h"
#include "lib/string.h"

#define GUARD 0xa5
#define BUF   64

/* Deterministic contents that differ at every position. */
static void pattern(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + seed * 13 + 1);
}

static bool guards_intact(const unsigned char *p, size_t from, size_t to)
{
	for (; from < to; from++) {
		if (p[from] != GUARD)
			return false;
	}
	return true;
}

KTEST(lib, memcpy_alignments)
{
	unsigned char src[BUF], dst[BUF];
	size_t so, doff, n, i;

	pattern(src, BUF, 1);
	for (so = 0; so < 8; so++) {
		for (doff = 0; doff < 8; doff++) {
			for (n = 0; n <= 40; n++) {
				memset(dst, GUARD, BUF);
				KT_ASSERT(memcpy(dst + doff, src + so, n) ==
					  dst + doff);
				for (i = 0; i < n; i++)
					KT_ASSERT(dst[doff + i] == src[so + i]);
				KT_ASSERT(guards_intact(dst, 0, doff));
				KT_ASSERT(guards_intact(dst, doff + n, BUF));
			}
		}
	}
}

/* Overlapping moves both ways, checked against a copy through a bounce. */
KTEST(lib, memmove_overlap)
{
	unsigned char buf[BUF], want[BUF], tmp[BUF];
	size_t from, to, n;

	for (from = 0; from < 12; from++) {
		for (to = 0; to < 12; to++) {
			for (n = 0; n <= 40; n++) {
				pattern(buf, BUF, 2);
				memcpy(want, buf, BUF);
				memcpy(tmp, buf + from, n);
				memcpy(want + to, tmp, n);
				KT_ASSERT(memmove(buf + to, buf + from, n) ==
					  buf + to);
				KT_ASSERT(!memcmp(buf, want, BUF));
			}
		}
	}
}

KTEST(lib, memset_alignments)
{
	unsigned char buf[BUF];
	size_t off, n, i;

	for (off = 0; off < 8; off++) {
		for (n = 0; n <= 40; n++) {
			memset(buf, GUARD, BUF);
			/* Only the low byte of c counts. */
			KT_ASSERT(memset(buf + off, 0x1ab, n) == buf + off);
			for (i = 0; i < n; i++)
				KT_ASSERT(buf[off + i] == 0xab);
			KT_ASSERT(guards_intact(buf, 0, off));
			KT_ASSERT(guards_intact(buf, off + n, BUF));
		}
	}
}

KTEST(lib, memcmp_memchr)
{
	static const unsigned char hay[] = {1, 2, 0x80, 0xff, 0, 5};

	KT_EXPECT_EQ(memcmp("abc", "abd", 0), 0);
	KT_EXPECT_EQ(memcmp("abc", "abd", 2), 0);
	KT_EXPECT(memcmp("abc", "abd", 3) < 0);
	KT_EXPECT(memcmp("abd", "abc", 3) > 0);
	/* Bytes compare as unsigned char: 0x80 is above 0x01. */
	KT_EXPECT(memcmp("\x80", "\x01", 1) > 0);
	KT_EXPECT(memcmp("a\0b", "a\0c", 3) < 0); /* NULs are data */

	KT_EXPECT(memchr(hay, 0x80, sizeof(hay)) == hay + 2);
	KT_EXPECT(memchr(hay, 0x1ff, sizeof(hay)) == hay + 3);
	KT_EXPECT(memchr(hay, 0, sizeof(hay)) == hay + 4);
	KT_EXPECT(memchr(hay, 5, 5) == NULL); /* just past n */
	KT_EXPECT(memchr(hay, 1, 0) == NULL);
}

KTEST(lib, strlen_strnlen)
{
	char unterminated[4] = {'a', 'b', 'c', 'd'};

	KT_EXPECT_EQ(strlen(""), 0);
	KT_EXPECT_EQ(strlen("abc"), 3);
	KT_EXPECT_EQ(strlen("ab\0cd"), 2);
	KT_EXPECT_EQ(strnlen("abc", 0), 0);
	KT_EXPECT_EQ(strnlen("abc", 2), 2);
	KT_EXPECT_EQ(strnlen("abc", 3), 3);
	KT_EXPECT_EQ(strnlen("abc", 100), 3);
	/* Must not read past maxlen (ASan checks this on the host). */
	KT_EXPECT_EQ(strnlen(unterminated, sizeof(unterminated)), 4);
}

KTEST(lib, strcmp_strncmp)
{
	KT_EXPECT_EQ(strcmp("", ""), 0);
	KT_EXPECT_EQ(strcmp("abc", "abc"), 0);
	KT_EXPECT(strcmp("a", "b") < 0);
	KT_EXPECT(strcmp("ab", "abc") < 0);
	KT_EXPECT(strcmp("abc", "ab") > 0);
	KT_EXPECT(strcmp("\xff", "a") > 0); /* unsigned, as in C */

	KT_EXPECT_EQ(strncmp("abc", "xyz", 0), 0);
	KT_EXPECT_EQ(strncmp("abcX", "abcY", 3), 0);
	KT_EXPECT(strncmp("abcX", "abcY", 4) < 0);
	KT_EXPECT_EQ(strncmp("ab\0x", "ab\0y", 4), 0); /* stops at NUL */
	KT_EXPECT(strncmp("ab", "abc", 5) < 0);
	KT_EXPECT(strncmp("\x80", "\x7f", 1) > 0);
}

KTEST(lib, strchr_strrchr)
{
	static const char s[] = "a/b/c";

	KT_EXPECT(strchr(s, '/') == s + 1);
	KT_EXPECT(strrchr(s, '/') == s + 3);
	KT_EXPECT(strchr(s, 'a') == s);
	KT_EXPECT(strrchr(s, 'a') == s);
	KT_EXPECT(strchr(s, 'x') == NULL);
	KT_EXPECT(strrchr(s, 'x') == NULL);
	/* The terminator is part of the string. */
	KT_EXPECT(strchr(s, '\0') == s + 5);
	KT_EXPECT(strrchr(s, '\0') == s + 5);
	KT_EXPECT(strchr("", 'a') == NULL);
}

KTEST(lib, strlcpy_bounds)
{
	char buf[8];

	memset(buf, GUARD, sizeof(buf));
	KT_EXPECT_EQ(strlcpy(buf, "abc", sizeof(buf)), 3);
	KT_EXPECT(!strcmp(buf, "abc"));
	KT_EXPECT_EQ((unsigned char)buf[4], GUARD);

	KT_EXPECT_EQ(strlcpy(buf, "abcdefghij", sizeof(buf)), 10);
	KT_EXPECT(!strcmp(buf, "abcdefg")); /* size - 1 bytes and a NUL */

	KT_EXPECT_EQ(strlcpy(buf, "1234567", sizeof(buf)), 7); /* exact fit */
	KT_EXPECT(!strcmp(buf, "1234567"));

	KT_EXPECT_EQ(strlcpy(buf, "xy", 1), 2);
	KT_EXPECT_EQ(buf[0], '\0');
	KT_EXPECT_EQ(buf[1], '2');

	KT_EXPECT_EQ(strlcpy(buf, "xy", 0), 2); /* writes nothing */
	KT_EXPECT_EQ(buf[0], '\0');
}

KTEST(lib, memchr_inv)
{
	unsigned char b[64];

	memset(b, 0x6b, sizeof(b));
	KT_EXPECT(memchr_inv(b, 0x6b, sizeof(b)) == NULL);
	KT_EXPECT(memchr_inv(b, 0x6b, 0) == NULL);
	b[63] = 0;
	KT_EXPECT(memchr_inv(b, 0x6b, sizeof(b)) == &b[63]);
	KT_EXPECT(memchr_inv(b, 0x6b, 63) == NULL);
	KT_EXPECT(memchr_inv(b, 0, sizeof(b)) == &b[0]);
}
