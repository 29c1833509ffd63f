/*
 * Bitmaps: single bits and ranges across word boundaries, finders at and
 * around every boundary and at nbits, and a randomised comparison of the
 * finders and the weight against a plain bool array.
 */
#include "kernel/ktest.h"
#include "lib/bitmap.h"
#include "lib/string.h"

#define NBITS 200 /* four words, the last one partly used */

KTEST(lib, bitmap_single_bits)
{
	static const size_t bits[] = {0, 1, 63, 64, 65, 127, 128, 199};
	DECLARE_BITMAP(map, NBITS);
	size_t i;

	KT_EXPECT_EQ(BITS_TO_LONGS(NBITS), 4);
	bitmap_zero(map, NBITS);
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		KT_EXPECT(!bitmap_test_bit(map, bits[i]));
		bitmap_set_bit(map, bits[i]);
		KT_EXPECT(bitmap_test_bit(map, bits[i]));
	}
	KT_EXPECT_EQ(bitmap_weight(map, NBITS), ARRAY_SIZE(bits));
	KT_EXPECT_EQ(map[1], 0x8000000000000003UL);
	bitmap_clear_bit(map, 64);
	KT_EXPECT(!bitmap_test_bit(map, 64));
	KT_EXPECT(bitmap_test_bit(map, 63) && bitmap_test_bit(map, 65));
	KT_EXPECT_EQ(bitmap_weight(map, NBITS), ARRAY_SIZE(bits) - 1);
}

KTEST(lib, bitmap_ranges)
{
	DECLARE_BITMAP(map, NBITS);
	size_t i;

	bitmap_zero(map, NBITS);
	bitmap_set(map, 60, 10); /* straddles words 0 and 1 */
	for (i = 0; i < NBITS; i++)
		KT_ASSERT(bitmap_test_bit(map, i) == (i >= 60 && i < 70));
	bitmap_set(map, 5, 0); /* empty range: no-op */
	KT_EXPECT_EQ(bitmap_weight(map, NBITS), 10);

	bitmap_set(map, 0, NBITS);
	KT_EXPECT_EQ(bitmap_weight(map, NBITS), NBITS);
	bitmap_clear(map, 1, NBITS - 2); /* spans every word */
	KT_EXPECT_EQ(bitmap_weight(map, NBITS), 2);
	KT_EXPECT(bitmap_test_bit(map, 0) && bitmap_test_bit(map, NBITS - 1));

	bitmap_zero(map, NBITS);
	bitmap_set(map, 64, 64); /* exactly one whole word */
	KT_EXPECT_EQ(map[0], 0);
	KT_EXPECT_EQ(map[1], ~0UL);
	KT_EXPECT_EQ(map[2], 0);
}

/* Bits at and past nbits in the last word are never seen. */
KTEST(lib, bitmap_tail_ignored)
{
	DECLARE_BITMAP(map, NBITS);

	bitmap_zero(map, NBITS);
	bitmap_set_bit(map, NBITS + 5); /* in the tail of word 3 */
	KT_EXPECT_EQ(bitmap_weight(map, NBITS), 0);
	KT_EXPECT_EQ(bitmap_find_first_set(map, NBITS), NBITS);
	KT_EXPECT_EQ(bitmap_find_next_set(map, NBITS, 190), NBITS);

	bitmap_fill(map, NBITS);
	KT_EXPECT_EQ(bitmap_weight(map, NBITS), NBITS);
	KT_EXPECT_EQ(bitmap_find_first_zero(map, NBITS), NBITS);
	/* Set [0, NBITS + 5): the first zero, NBITS + 5, is out of range. */
	bitmap_zero(map, NBITS);
	bitmap_set(map, 0, NBITS + 5);
	KT_EXPECT_EQ(bitmap_find_first_zero(map, NBITS), NBITS);
	KT_EXPECT_EQ(bitmap_find_next_zero(map, NBITS, 150), NBITS);
}

KTEST(lib, bitmap_find_boundaries)
{
	DECLARE_BITMAP(map, NBITS);

	bitmap_zero(map, NBITS);
	KT_EXPECT_EQ(bitmap_find_first_set(map, NBITS), NBITS);
	KT_EXPECT_EQ(bitmap_find_first_zero(map, NBITS), 0);

	bitmap_set_bit(map, 64);
	KT_EXPECT_EQ(bitmap_find_next_set(map, NBITS, 0), 64);
	KT_EXPECT_EQ(bitmap_find_next_set(map, NBITS, 63), 64);
	KT_EXPECT_EQ(bitmap_find_next_set(map, NBITS, 64), 64);
	KT_EXPECT_EQ(bitmap_find_next_set(map, NBITS, 65), NBITS);
	bitmap_set_bit(map, 191);
	KT_EXPECT_EQ(bitmap_find_next_set(map, NBITS, 65), 191);
	KT_EXPECT_EQ(bitmap_find_next_set(map, 191, 65), 191); /* = nbits */
	KT_EXPECT_EQ(bitmap_find_next_set(map, 192, 65), 191);

	bitmap_fill(map, NBITS);
	bitmap_clear_bit(map, 63);
	bitmap_clear_bit(map, 128);
	KT_EXPECT_EQ(bitmap_find_first_zero(map, NBITS), 63);
	KT_EXPECT_EQ(bitmap_find_next_zero(map, NBITS, 64), 128);
	KT_EXPECT_EQ(bitmap_find_next_zero(map, NBITS, 129), NBITS);
	KT_EXPECT_EQ(bitmap_find_next_zero(map, 128, 64), 128); /* none */

	/* start at or past nbits finds nothing and reads nothing. */
	KT_EXPECT_EQ(bitmap_find_next_zero(map, NBITS, NBITS), NBITS);
	KT_EXPECT_EQ(bitmap_find_next_set(map, NBITS, NBITS + 100), NBITS);
	KT_EXPECT_EQ(bitmap_find_next_set(map, 0, 0), 0);
}

static struct ktest_rng rng_state;

static uint32_t rng(void)
{
	return (uint32_t)ktest_rand(&rng_state);
}

static size_t ref_find(const bool *ref, size_t nbits, size_t start, bool v)
{
	for (; start < nbits; start++) {
		if (ref[start] == v)
			return start;
	}
	return nbits;
}

/* Random range updates, then every finder from every start vs. the model. */
KTEST(lib, bitmap_random_vs_model)
{
	DECLARE_BITMAP(map, NBITS);
	bool ref[NBITS];
	size_t round, s, i, weight;

	rng_state.x = 42;
	bitmap_zero(map, NBITS);
	memset(ref, 0, sizeof(ref));
	for (round = 0; round < 200; round++) {
		size_t start = rng() % NBITS;
		size_t n = rng() % (NBITS - start + 1);
		bool set = rng() & 1;

		if (set)
			bitmap_set(map, start, n);
		else
			bitmap_clear(map, start, n);
		for (i = start; i < start + n; i++)
			ref[i] = set;
		for (s = 0, weight = 0; s < NBITS; s++) {
			weight += ref[s];
			KT_ASSERT(bitmap_test_bit(map, s) == ref[s]);
			KT_ASSERT(bitmap_find_next_set(map, NBITS, s) ==
				  ref_find(ref, NBITS, s, true));
			KT_ASSERT(bitmap_find_next_zero(map, NBITS, s) ==
				  ref_find(ref, NBITS, s, false));
		}
		KT_ASSERT(bitmap_weight(map, NBITS) == weight);
	}
}
