/*
 * The host's stand-in for RAM: one malloc'd arena handed to the page
 * allocator before main() as three disjoint ranges with ragged ends, the
 * way boot code hands over what is left of the memory map.  Kept for the
 * whole run: the allocator never resets, tests restore what they change
 * (see kernel/mm/mm.h).
 *
 * Hosted code: compiled without tests/host/host-names.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/mm/mm.h"

#define MiB	   (1UL << 20)
#define ARENA_SIZE (64 * MiB)

/* Reachable for LeakSanitizer: the allocator keeps only interior pointers. */
static unsigned char *arena;

static void add(uintptr_t start, uintptr_t end)
{
	int ret = mm_add_range(start, end);

	if (ret) {
		fprintf(stderr, "mm_arena: mm_add_range(%#lx, %#lx): %d\n",
			(unsigned long)start, (unsigned long)end, ret);
		abort();
	}
}

__attribute__((constructor)) static void mm_arena_init(void)
{
	uintptr_t base;

	/* Aligned for the largest block: the same tiling on every run. */
	arena = aligned_alloc(PAGE_SIZE << MM_MAX_ORDER, ARENA_SIZE);
	if (!arena) {
		fprintf(stderr, "mm_arena: no memory for the arena\n");
		abort();
	}
	base = (uintptr_t)arena;
	/* Unaligned ends, gaps between ranges, one range smaller than 4 MiB. */
	add(base + 123, base + 40 * MiB + 77);
	add(base + 40 * MiB + 2 * PAGE_SIZE + 5, base + 60 * MiB - 1);
	add(base + 60 * MiB + 3 * PAGE_SIZE + 1, base + ARENA_SIZE - 3);
}
