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

#endif
