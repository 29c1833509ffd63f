/*
 * Internal to the allocator (kernel/mm/: page.c, poison.c, heap.c,
 * heap_check.c, check.c) and the tests its fragment mm.mk builds; make
 * check-layering refuses it anywhere else.  The public API is mm.h.
 *
 * Shared between the page allocator and the heap built on it; nothing
 * outside kernel/mm/ and its tests may use what follows.
 */
#ifndef KERNEL_MM_PRIV_H
#define KERNEL_MM_PRIV_H

#include "kernel/mm/mm.h"

enum mm_page_state {
	MM_PAGE_TAIL = 0, /* inside a block, not its first page */
	MM_PAGE_FREE,	  /* first page of a free block, on free[order] */
	MM_PAGE_USED,	  /* first page of a block from mm_page_alloc() */
	MM_PAGE_FREEING,  /* being poisoned by mm_page_free(), on no list */
	MM_PAGE_SLAB,	  /* an order-0 page carved into heap objects */
	MM_PAGE_LARGE,	  /* first page of a block holding one heap object */
};

/* struct mm_page.flags */
#define MM_PF_POISONED 0x01 /* free block whose every byte is MM_POISON */
#define MM_PF_MARK     0x02 /* scratch for mm_check() */

#define MM_SLAB_WORDS 4 /* PAGE_SIZE / MM_HEAP_MIN bits, 64 a word */

/*
 * One per managed page.  Only a block's first page carries its state and
 * order; the others stay MM_PAGE_TAIL, so allocating and freeing touch O(1)
 * metadata per buddy level.
 */
struct mm_page {
	struct mm_page *next; /* free list of its order, or slab list */
	struct mm_page *prev;
	uintptr_t pfn;	/* this page's frame number: address >> PAGE_SHIFT */
	uint8_t state;	/* enum mm_page_state */
	uint8_t order;	/* valid on a block's first page */
	uint8_t range;	/* index in mm_state.range, to find the address */
	uint8_t flags;	/* MM_PF_* */
	uint8_t cls;	/* slab: size class index */
	uint16_t inuse; /* slab: objects handed out */
	/* slab: bit set = object in use, or past the last object */
	unsigned long used[MM_SLAB_WORDS]; /* a lib/bitmap.h bitmap */
};

struct mm_range {
	uintptr_t meta_pfn;  /* first page of the metadata */
	uintptr_t first_pfn; /* first managed page (after the metadata) */
	uintptr_t end_pfn;
	struct mm_page *meta; /* meta[pfn - first_pfn] */
};

struct mm_state {
	struct mm_range range[MM_MAX_RANGES];
	unsigned int nr_ranges;
	uint32_t free_mask; /* bit o set iff free[o] is not empty */
	struct mm_page *free[MM_MAX_ORDER + 1];
	size_t nr_free[MM_MAX_ORDER + 1];
	unsigned int opts; /* MM_OPT_* */
	struct mm_stats st;
};

#define MM_OPT_SCRUB	    0x01
#define MM_OPT_CHECK_POISON 0x02

extern struct mm_state mm_state;

/* Interrupts off around list manipulation; nests.  Named for what it
 * guards (mm_state), so a real lock would change only these two. */
static inline bool mm_lock(void)
{
	return arch_irq_save();
}

static inline void mm_unlock(bool was_on)
{
	arch_irq_restore(was_on);
}

/* Metadata of the managed page holding `p`, or NULL. */
static inline struct mm_page *mm_page_meta(const void *p)
{
	uintptr_t pfn = (uintptr_t)p >> PAGE_SHIFT;

	for (unsigned int i = 0; i < mm_state.nr_ranges; i++) {
		const struct mm_range *r = &mm_state.range[i];

		if (pfn >= r->first_pfn && pfn < r->end_pfn)
			return &r->meta[pfn - r->first_pfn];
	}
	return NULL;
}

static inline void *mm_page_addr(const struct mm_page *pg)
{
	return (void *)(pg->pfn << PAGE_SHIFT);
}

/*
 * Take a block for the heap (state MM_PAGE_SLAB or MM_PAGE_LARGE) and
 * return its metadata, or NULL; `*poisoned` says whether it holds
 * MM_POISON.  Caller holds mm_lock().
 */
struct mm_page *mm_block_get(unsigned int order, enum mm_page_state state,
			     bool *poisoned);
/*
 * Free a block whose first page has state `want`; order < 0 takes the
 * block's own order.  Returns the order freed, or -EINVAL after logging and
 * counting a bad free (blaming `caller`).  Takes the lock itself; poisons.
 */
int mm_block_free(void *p, int order, enum mm_page_state want,
		  const void *caller);
/* Give back a slab page that the heap has validated; caller holds lock. */
void mm_block_put_locked(struct mm_page *pg, bool poisoned);
/* Report a refused free: one LOG_ERR line, counted in bad_frees. */
void mm_bad_free(const char *kind, const void *p, const char *why,
		 const void *caller);
void mm_poison(void *p, size_t len);
/*
 * Ready a block for its new owner: verify its first `check` bytes still
 * hold poison (0: it was never poisoned) and zero it, as the options and
 * `zero` ask.
 */
void mm_prepare(void *p, size_t len, size_t check, bool zero);
/* Log and count memory found changed while free. */
void mm_poison_report(const void *p, size_t len);

#define MM_POISON_WORD (MM_POISON * 0x0101010101010101ULL)

/*
 * Blocks from MM_FILL_STRING bytes up are filled with arch_fill_words()
 * (rep stosq), smaller ones with the unrolled loop below: the string
 * instruction's start-up cost (~10 ns here) outweighs its rate below
 * about 1 KiB (make bench-host; tests/host/bench_mm.c prints both).
 */
#define MM_FILL_STRING 1024

/*
 * Fill and check in steps of general-register words: the kernel has no
 * SIMD.  Blocks and heap objects are 16-byte aligned, lengths multiples of
 * 16.  kernel/mm is built with -fno-tree-loop-distribute-patterns so GCC
 * does not turn the loops back into memset calls.
 */
static inline void mm_fill(void *p, uint64_t v, size_t len)
{
	uint64_t *w = p, *end = (uint64_t *)((char *)p + len);

	if (len >= MM_FILL_STRING) {
		arch_fill_words(p, v, len / 8);
		return;
	}
	/* Eight words a step: a 64-byte object is one step and no loop. */
	for (; end - w >= 8; w += 8) {
		w[0] = v;
		w[1] = v;
		w[2] = v;
		w[3] = v;
		w[4] = v;
		w[5] = v;
		w[6] = v;
		w[7] = v;
	}
	for (; w < end; w += 2) {
		w[0] = v;
		w[1] = v;
	}
}

/*
 * One branch per 64 bytes, the differences OR-ed in pairs so the loads
 * run in parallel: 15 % faster than a branch per 32 bytes (bench-host).
 */
static inline bool mm_poison_intact(const void *p, size_t len)
{
	const uint64_t *w = p, *end = (const uint64_t *)((const char *)p + len);
	const uint64_t v = MM_POISON_WORD;

	for (; end - w >= 8; w += 8) {
		uint64_t a = (w[0] ^ v) | (w[1] ^ v),
			 b = (w[2] ^ v) | (w[3] ^ v);
		uint64_t c = (w[4] ^ v) | (w[5] ^ v),
			 d = (w[6] ^ v) | (w[7] ^ v);

		if (unlikely(a | b | c | d))
			return false;
	}
	for (; w < end; w += 2) {
		if (unlikely((w[0] ^ v) | (w[1] ^ v)))
			return false;
	}
	return true;
}

/*
 * Add the slab objects' counts (kept per class) to *st, a copy of
 * mm_state.st, which holds only the large objects' for these.  Lock held.
 */
void mm_heap_add_stats(struct mm_stats *st);

/*
 * Heap part of mm_check(), lock held; each returns the number of
 * violations (logged).  Lists first: they set MM_PF_MARK on each listed
 * slab, which the per-slab check expects and clears.
 */
int mm_heap_check_lists(void);
int mm_heap_check_slab(struct mm_page *pg, size_t *objects, size_t *bytes);

#endif
