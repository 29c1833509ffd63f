/*
 * Internal to the heap (kernel/mm/heap.c, and heap_check.c, which checks
 * its lists, slabs and magazines for mm_check()); make check-layering
 * refuses it anywhere else but kernel/mm/ and the tests mm.mk names.
 */
#ifndef KERNEL_MM_HEAP_PRIV_H
#define KERNEL_MM_HEAP_PRIV_H

#include "kernel/mm/mm_priv.h"
#include "lib/bitmap.h"

#define MM_HEAP_SHIFT 4 /* log2(MM_HEAP_MIN) */
#define MM_NR_CLASSES 8
BUILD_BUG_ON(MM_HEAP_MIN << (MM_NR_CLASSES - 1) != MM_HEAP_MAX);
BUILD_BUG_ON(PAGE_SIZE / MM_HEAP_MIN > BITS_PER_LONG * MM_SLAB_WORDS);
BUILD_BUG_ON(BITS_PER_LONG != 64);

/*
 * Magazine slots per class: 16 for the small classes, fewer from 256 B so
 * a magazine holds at most 2 KiB of freed objects per class (a 4 MiB
 * guest, scenario mem4, must not notice them).
 */
#define MM_MAG_MAX   16
#define MM_MAG_BYTES 2048

/*
 * A size class.  The slab objects' counts are kept per class and summed
 * only when asked for (mm_heap_add_stats): one counter per alloc or free
 * instead of three shared ones is a tenth of a small alloc+free pair (make
 * bench-host).  Large objects count straight into mm_state.st.
 */
struct mm_heap_class {
	struct mm_page *partial;
	unsigned int nr_empty; /* slabs on `partial` with no object in use */
	unsigned int mag_n;    /* objects in mag[0 .. mag_n - 1], newest last */
	uint64_t allocs, frees;
	void *mag[MM_MAG_MAX];
	/* mag[i]'s slab, so a pop needs no lookup */
	struct mm_page *mag_pg[MM_MAG_MAX];
};

extern struct mm_heap_class mm_heap[MM_NR_CLASSES];

static inline unsigned int mm_class_objects(unsigned int c)
{
	return PAGE_SIZE >> (c + MM_HEAP_SHIFT);
}

static inline unsigned int mm_mag_cap(unsigned int c)
{
	return MIN(MM_MAG_MAX, MM_MAG_BYTES >> (c + MM_HEAP_SHIFT));
}

/* Bits that stand for no object: set for good. */
static inline unsigned long mm_slab_word_init(unsigned int n, unsigned int w)
{
	if (n >= (w + 1) * 64)
		return 0;
	if (n <= w * 64)
		return ~0UL;
	return ~0UL << (n - w * 64);
}

#endif
