/*
 * Bitmaps as arrays of unsigned long: bit n lives in word n / BITS_PER_LONG
 * at position n % BITS_PER_LONG.  Nothing here is atomic; callers that
 * share a bitmap between contexts provide the locking.  Functions taking
 * `nbits` never look at bits at or past it, so the tail of the last word
 * may hold anything.
 */
#ifndef LIB_BITMAP_H
#define LIB_BITMAP_H

#include "lib/compiler.h"

#define BITS_PER_LONG		    (8 * sizeof(unsigned long))
#define BITS_TO_LONGS(n)	    (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, nbits) unsigned long name[BITS_TO_LONGS(nbits)]

static inline unsigned long bitmap_bit_mask(size_t bit)
{
	return 1UL << (bit % BITS_PER_LONG);
}

static inline void bitmap_set_bit(unsigned long *map, size_t bit)
{
	map[bit / BITS_PER_LONG] |= bitmap_bit_mask(bit);
}

static inline void bitmap_clear_bit(unsigned long *map, size_t bit)
{
	map[bit / BITS_PER_LONG] &= ~bitmap_bit_mask(bit);
}

static inline bool bitmap_test_bit(const unsigned long *map, size_t bit)
{
	return map[bit / BITS_PER_LONG] & bitmap_bit_mask(bit);
}

/* Clear / set every bit of the BITS_TO_LONGS(nbits) words of map. */
void bitmap_zero(unsigned long *map, size_t nbits);
void bitmap_fill(unsigned long *map, size_t nbits);

/* Set / clear bits [start, start + n). */
void bitmap_set(unsigned long *map, size_t start, size_t n);
void bitmap_clear(unsigned long *map, size_t start, size_t n);

/* Number of set bits in [0, nbits). */
size_t bitmap_weight(const unsigned long *map, size_t nbits);

/*
 * The finders return the index of the first matching bit at or after
 * `start` and below `nbits`, or `nbits` when there is none (also when
 * start >= nbits), so a result < nbits is always a valid index.
 */
size_t bitmap_find_next_set(const unsigned long *map, size_t nbits,
			    size_t start);
size_t bitmap_find_next_zero(const unsigned long *map, size_t nbits,
			     size_t start);

static inline size_t bitmap_find_first_set(const unsigned long *map,
					   size_t nbits)
{
	return bitmap_find_next_set(map, nbits, 0);
}

static inline size_t bitmap_find_first_zero(const unsigned long *map,
					    size_t nbits)
{
	return bitmap_find_next_zero(map, nbits, 0);
}

#endif
