/*
 * Memory management: a buddy page allocator over the RAM ranges boot code
 * hands us, and a small-object heap built on it.
 *
 * Ownership: a block belongs to the allocator from mm_*free() until the next
 * mm_*alloc*() returns it; metadata lives out of line (struct mm_page, in
 * pages taken from each range), so nothing a caller writes into its memory,
 * in bounds or not, can corrupt allocator state.
 *
 * Hardening, always on: a free of anything that is not a live allocation of
 * that kind (double free, foreign or misaligned pointer, wrong order, inside
 * a free block) is refused before any list is touched, logged once at
 * LOG_ERR and counted in mm_stats.bad_frees.  Freed memory is filled with
 * MM_POISON so a use after free reads garbage, not stale data.
 *
 * Tests never reset the allocator (in the kernel, other subsystems hold
 * memory across tests): every test frees what it takes and checks that the
 * stats and the free-block counts per order are back where they started
 * (with full coalescing, the same free pages always decompose into the
 * same blocks).  On the host, tests/host/mm_arena.c hands a malloc'd arena
 * over as a few ragged ranges before main(), so the shared tests in
 * tests/guest/mm_*.c run there unchanged, next to the host-only stress.
 *
 * Callers may be interrupt handlers: list manipulation runs with interrupts
 * off (saved and restored).  Single CPU only.
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include "lib/compiler.h"
#include "kernel/arch.h"

/* Largest block: 2^10 pages = 4 MiB. */
#define MM_MAX_ORDER 10
/* Disjoint RAM ranges mm_add_range() accepts (an e820 map has a handful). */
#define MM_MAX_RANGES 32
/*
 * Byte written over freed memory: Linux's POISON_FREE, so it reads the same
 * in a dump.  0x6b6b6b6b6b6b6b6b is a non-canonical address on x86-64, so a
 * pointer loaded from freed memory faults instead of pointing somewhere.
 */
#define MM_POISON 0x6b
/* Heap size classes are powers of two from MM_HEAP_MIN to MM_HEAP_MAX. */
#define MM_HEAP_MIN 16
#define MM_HEAP_MAX 2048
/* Bytes of a heap object whose poison is verified (mm_set_poison_check). */
#define MM_HEAP_CHECK 256

/*
 * Give [start, end) to the page allocator; the ends are trimmed inward to
 * whole pages, and the range's first pages become its metadata (one struct
 * mm_page per page).  Returns -EINVAL if nothing usable is left, -EBUSY if
 * it overlaps a range already added, -ENOSPC past MM_MAX_RANGES.
 */
int __must_check mm_add_range(uintptr_t start, uintptr_t end);

/*
 * 2^order contiguous pages, aligned to their size, or NULL when no block
 * that large is free (never sleeps, never panics).  The contents are
 * MM_POISON (or whatever a use after free wrote: counted, see
 * mm_set_poison_check) unless zeroed or scrub-on-reuse is on.
 */
void *mm_page_alloc(unsigned int order);
void *mm_page_alloc_zeroed(unsigned int order);
/* Free a block from mm_page_alloc*() with the order it was allocated with. */
void mm_page_free(void *p, unsigned int order);

/*
 * Scrub on reuse: zero every page and heap object the allocator hands out,
 * whatever the caller asked for.  A page that will be granted to another
 * domain must never carry bytes from its previous use (MSA01, XSA-403):
 * with this on, that holds even for a caller that forgot to zero.  Off by
 * default.  Both setters return the previous setting, to restore it.
 */
bool mm_set_scrub_on_reuse(bool on);
/*
 * Verify at allocation that freed memory still holds MM_POISON; a
 * mismatch means someone wrote after free: logged and counted in
 * mm_stats.poison_corrupted.  On by default.  Pages are checked whole;
 * heap objects up to their first MM_HEAP_CHECK bytes, where writes through
 * a stale pointer land (links, counts, flags), so the check stays cheap
 * for large buffers (all freed bytes are poisoned regardless).
 */
bool mm_set_poison_check(bool on);

/*
 * Heap.  Sizes up to MM_HEAP_MAX come from power-of-two size classes and
 * are aligned to their class size (so they never straddle a page);
 * larger ones take a power-of-two block of whole pages, up to 4 MiB.
 * Contents as for pages: poison unless zeroed or scrubbed.  mm_alloc(0)
 * returns NULL; mm_free(NULL) does nothing.
 */
void *mm_alloc(size_t size);
void *mm_zalloc(size_t size);
void mm_free(void *p);
/*
 * The heap keeps up to one empty slab page per class, so alloc/free pairs
 * do not churn pages; this returns them to the page allocator.
 */
void mm_heap_trim(void);

struct mm_stats {
	/* Pages (block sizes count as their number of pages). */
	size_t total_pages; /* managed, metadata excluded */
	size_t free_pages;
	size_t used_pages;    /* total - free: page API, slabs, large objects */
	size_t meta_pages;    /* taken from the ranges for struct mm_page */
	uint64_t page_allocs; /* successful mm_page_alloc*() */
	uint64_t page_frees;  /* accepted mm_page_free() */
	uint64_t page_fails;  /* mm_page_alloc*() that returned NULL */
	/* Refused frees, pages and heap: double, foreign, misaligned... */
	uint64_t bad_frees;
	/* Allocations that found their poison overwritten (use after free). */
	uint64_t poison_corrupted;
	/* Heap (sizes rounded up to their class or to whole pages). */
	size_t heap_bytes;   /* in use by callers */
	size_t heap_objects; /* in use by callers */
	size_t heap_pages;   /* held by the heap, cached empty slabs included */
	uint64_t heap_allocs;
	uint64_t heap_frees;
	uint64_t heap_fails;
};

void mm_get_stats(struct mm_stats *st);
/* Shortcut for tests: mm_stats.bad_frees. */
uint64_t mm_bad_free_count(void);
/* Number of free blocks of exactly this order. */
size_t mm_free_blocks_by_order(unsigned int order);
/*
 * Walk every page's metadata and every list and verify the invariants:
 * blocks tile each range without overlap, are aligned to their order and
 * lie inside it; each free block is on its order's list exactly once and
 * its buddy is not free at the same order (full coalescing); slab bitmaps
 * match their counts and lists; counters match.  Logs each violation;
 * returns 0 or -EINVAL.  Slow (touches all metadata): for tests.
 */
int mm_check(void);

/*
 * ---- Internal to kernel/mm/ (page.c, poison.c, heap.c, check.c) ----
 * Shared between the page allocator and the heap built on it; nothing
 * outside kernel/mm/ and its tests may use what follows.
 */

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

/* Interrupts off around list manipulation; nests. */
static inline bool mm_lock(void)
{
	bool on = arch_irqs_enabled();

	if (on)
		arch_irq_disable();
	return on;
}

static inline void mm_unlock(bool was_on)
{
	if (was_on)
		arch_irq_enable();
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
 * Fill and check in 32-byte steps of general-register words: the kernel
 * has no SIMD, and unrolled this runs about twice as fast as lib's
 * memset.  Blocks and heap objects are 16-byte aligned, lengths multiples
 * of 16.  kernel/mm is built with -fno-tree-loop-distribute-patterns so GCC
 * does not turn the loops back into memset calls.
 */
static inline void mm_fill(void *p, uint64_t v, size_t len)
{
	uint64_t *w = p, *end = (uint64_t *)((char *)p + len);

	for (; end - w >= 4; w += 4) {
		w[0] = v;
		w[1] = v;
		w[2] = v;
		w[3] = v;
	}
	for (; w < end; w += 2) {
		w[0] = v;
		w[1] = v;
	}
}

static inline bool mm_poison_intact(const void *p, size_t len)
{
	const uint64_t *w = p, *end = (const uint64_t *)((const char *)p + len);
	const uint64_t v = MM_POISON_WORD;

	for (; end - w >= 4; w += 4) {
		if (unlikely((w[0] ^ v) | (w[1] ^ v) | (w[2] ^ v) | (w[3] ^ v)))
			return false;
	}
	for (; w < end; w += 2) {
		if (unlikely((w[0] ^ v) | (w[1] ^ v)))
			return false;
	}
	return true;
}

/*
 * Heap part of mm_check(), lock held; each returns the number of
 * violations (logged).  Lists first: they set MM_PF_MARK on each listed
 * slab, which the per-slab check expects and clears.
 */
int mm_heap_check_lists(void);
int mm_heap_check_slab(struct mm_page *pg, size_t *objects, size_t *bytes);

#endif
