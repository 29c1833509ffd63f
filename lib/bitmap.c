/*
 * Bitmap operations beyond the single-bit inlines: ranges are done a word
 * at a time with edge masks, searches skip whole words.
 */
#include "lib/bitmap.h"
#include "lib/string.h"

void bitmap_zero(unsigned long *map, size_t nbits)
{
	memset(map, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

void bitmap_fill(unsigned long *map, size_t nbits)
{
	memset(map, 0xff, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

/* Bits [start % BITS_PER_LONG, end) of one word; end <= BITS_PER_LONG. */
static unsigned long word_mask(size_t start, size_t end)
{
	unsigned long lo = ~0UL << (start % BITS_PER_LONG);

	return end == BITS_PER_LONG ? lo : lo & ((1UL << end) - 1);
}

/* Apply `set` or clear to bits [start, start + n), one word per step. */
static void bitmap_update(unsigned long *map, size_t start, size_t n, bool set)
{
	while (n) {
		size_t off = start % BITS_PER_LONG;
		size_t chunk = MIN(n, BITS_PER_LONG - off);
		unsigned long mask = word_mask(off, off + chunk);

		if (set)
			map[start / BITS_PER_LONG] |= mask;
		else
			map[start / BITS_PER_LONG] &= ~mask;
		start += chunk;
		n -= chunk;
	}
}

void bitmap_set(unsigned long *map, size_t start, size_t n)
{
	bitmap_update(map, start, n, true);
}

void bitmap_clear(unsigned long *map, size_t start, size_t n)
{
	bitmap_update(map, start, n, false);
}

/*
 * SWAR population count: __builtin_popcountl would need libgcc's
 * __popcountdi2 on CPUs without POPCNT, and the kernel links no libgcc.
 */
static unsigned int popcount(unsigned long w)
{
	w = w - ((w >> 1) & 0x5555555555555555UL);
	w = (w & 0x3333333333333333UL) + ((w >> 2) & 0x3333333333333333UL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (w * 0x0101010101010101UL) >> 56;
}

size_t bitmap_weight(const unsigned long *map, size_t nbits)
{
	size_t i, full = nbits / BITS_PER_LONG, n = 0;

	for (i = 0; i < full; i++)
		n += popcount(map[i]);
	if (nbits % BITS_PER_LONG)
		n += popcount(map[full] & word_mask(0, nbits % BITS_PER_LONG));
	return n;
}

/* First bit at or after start whose value differs from `skip` (0 or ~0). */
static size_t find_next(const unsigned long *map, size_t nbits, size_t start,
			unsigned long skip)
{
	size_t i, bit;
	unsigned long w;

	if (start >= nbits)
		return nbits;
	i = start / BITS_PER_LONG;
	w = (map[i] ^ skip) & (~0UL << (start % BITS_PER_LONG));
	while (!w) {
		if (++i >= BITS_TO_LONGS(nbits))
			return nbits;
		w = map[i] ^ skip;
	}
	/* A match in the tail of the last word is past nbits: none. */
	bit = i * BITS_PER_LONG + __builtin_ctzl(w);
	return MIN(bit, nbits);
}

size_t bitmap_find_next_set(const unsigned long *map, size_t nbits,
			    size_t start)
{
	return find_next(map, nbits, start, 0);
}

size_t bitmap_find_next_zero(const unsigned long *map, size_t nbits,
			     size_t start)
{
	return find_next(map, nbits, start, ~0UL);
}
