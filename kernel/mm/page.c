/*
 * Binary buddy page allocator (Knowlton 1965; Knuth TAOCP vol. 1, sec. 2.5).
 * Per-page metadata lives out of line, carved from each range.
 *
 * Invariants (checked by mm_check()):
 * - Each range's managed pages are tiled by blocks; a block of order o
 *   starts at a page frame number aligned to 2^o, and only its first page
 *   has a state other than MM_PAGE_TAIL.
 * - A free block is on free[order] exactly once, and its buddy is not a
 *   free block of the same order: frees coalesce as far as they can, so the
 *   same set of free pages always decomposes into the same blocks.
 * - Buddies never cross a range: each range is its own buddy space, over
 *   absolute frame numbers so blocks are naturally aligned in memory.
 */
#include "kernel/mm/mm_priv.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

/* 1/64 of memory, as Linux's struct page; a power of two keeps it cheap. */
BUILD_BUG_ON(sizeof(struct mm_page) != 64);

#define S mm_state

static void free_push(struct mm_page *pg, unsigned int o)
{
	pg->prev = NULL;
	pg->next = S.free[o];
	if (pg->next)
		pg->next->prev = pg;
	S.free[o] = pg;
	S.nr_free[o]++;
	S.free_mask |= 1u << o;
}

static void free_del(struct mm_page *pg, unsigned int o)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		S.free[o] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->next = pg->prev = NULL;
	if (!--S.nr_free[o])
		S.free_mask &= ~(1u << o);
}

static bool overlaps(uintptr_t first, uintptr_t end)
{
	for (unsigned int i = 0; i < S.nr_ranges; i++) {
		if (first < S.range[i].end_pfn && S.range[i].meta_pfn < end)
			return true;
	}
	return false;
}

/* Tile [pfn, end) with the largest aligned blocks that fit. */
static void range_seed(struct mm_range *r)
{
	uintptr_t pfn = r->first_pfn;

	while (pfn < r->end_pfn) {
		unsigned int o = MM_MAX_ORDER;
		struct mm_page *pg;

		while (!IS_ALIGNED(pfn, 1UL << o) ||
		       (1UL << o) > r->end_pfn - pfn)
			o--;
		pg = &r->meta[pfn - r->first_pfn];
		pg->state = MM_PAGE_FREE;
		pg->order = o;
		free_push(pg, o);
		pfn += 1UL << o;
	}
}

int mm_add_range(uintptr_t start, uintptr_t end)
{
	/* In frame numbers, so rounding start up cannot overflow. */
	uintptr_t first = (start >> PAGE_SHIFT) + !!(start & (PAGE_SIZE - 1));
	uintptr_t last = end >> PAGE_SHIFT;
	size_t n, meta, sz = sizeof(struct mm_page);
	struct mm_range *r;
	bool irq;
	int ret = 0;

	/* Frame 0 would hand out NULL, which means failure. */
	first = MAX(first, 1UL);
	if (end <= start || last <= first)
		return -EINVAL;
	n = last - first;
	/* Enough metadata pages for the pages that remain after them. */
	meta = (n * sz + PAGE_SIZE + sz - 1) / (PAGE_SIZE + sz);
	if (meta >= n)
		return -EINVAL;

	irq = mm_lock();
	if (overlaps(first, last)) {
		ret = -EBUSY;
	} else if (S.nr_ranges == MM_MAX_RANGES) {
		ret = -ENOSPC;
	} else {
		r = &S.range[S.nr_ranges];
		r->meta_pfn = first;
		r->first_pfn = first + meta;
		r->end_pfn = last;
		r->meta = (struct mm_page *)(first << PAGE_SHIFT);
		memset(r->meta, 0, (n - meta) * sz);
		for (size_t i = 0; i < n - meta; i++) {
			r->meta[i].range = S.nr_ranges;
			r->meta[i].pfn = r->first_pfn + i;
		}
		S.nr_ranges++;
		range_seed(r);
		S.st.total_pages += n - meta;
		S.st.free_pages += n - meta;
		S.st.meta_pages += meta;
	}
	mm_unlock(irq);
	return ret;
}

/* Split a larger free block if needed; the caller gets the lowest part. */
static struct mm_page *buddy_alloc(unsigned int order)
{
	uint32_t mask = S.free_mask >> order;
	struct mm_page *pg;
	unsigned int o;

	if (!mask)
		return NULL;
	o = order + __builtin_ctz(mask);
	pg = S.free[o];
	free_del(pg, o);
	while (o > order) {
		struct mm_page *half;

		o--;
		half = pg + (1UL << o);
		half->state = MM_PAGE_FREE;
		half->order = o;
		half->flags = pg->flags;
		free_push(half, o);
	}
	pg->order = order;
	S.st.free_pages -= 1UL << order;
	S.st.used_pages += 1UL << order;
	return pg;
}

/* Merge with free buddies as far as they go, then list the result. */
static void buddy_free(struct mm_page *pg, unsigned int o, uint8_t flags)
{
	struct mm_range *r = &S.range[pg->range];
	uintptr_t pfn = pg->pfn;

	S.st.free_pages += 1UL << o;
	S.st.used_pages -= 1UL << o;
	for (; o < MM_MAX_ORDER; o++) {
		uintptr_t bpfn = pfn ^ (1UL << o);
		struct mm_page *b;

		if (bpfn < r->first_pfn || bpfn >= r->end_pfn ||
		    (1UL << o) > r->end_pfn - bpfn)
			break;
		b = &r->meta[bpfn - r->first_pfn];
		if (b->state != MM_PAGE_FREE || b->order != o)
			break;
		free_del(b, o);
		flags &= b->flags;
		if (bpfn < pfn) {
			pg->state = MM_PAGE_TAIL;
			pg = b;
			pfn = bpfn;
		} else {
			b->state = MM_PAGE_TAIL;
		}
	}
	pg->state = MM_PAGE_FREE;
	pg->order = o;
	pg->flags = flags;
	free_push(pg, o);
}

struct mm_page *mm_block_get(unsigned int order, enum mm_page_state state,
			     bool *poisoned)
{
	struct mm_page *pg = order <= MM_MAX_ORDER ? buddy_alloc(order) : NULL;

	if (pg) {
		*poisoned = pg->flags & MM_PF_POISONED;
		pg->flags = 0;
		pg->state = state;
	}
	return pg;
}

void mm_block_put_locked(struct mm_page *pg, bool poisoned)
{
	buddy_free(pg, pg->order, poisoned ? MM_PF_POISONED : 0);
}

static void *page_alloc(unsigned int order, bool zero)
{
	struct mm_page *pg;
	bool poisoned = false;
	bool irq = mm_lock();

	pg = mm_block_get(order, MM_PAGE_USED, &poisoned);
	if (pg)
		S.st.page_allocs++;
	else
		S.st.page_fails++;
	mm_unlock(irq);
	if (!pg)
		return NULL;
	mm_prepare(mm_page_addr(pg), PAGE_SIZE << order,
		   poisoned ? PAGE_SIZE << order : 0, zero);
	return mm_page_addr(pg);
}

void *mm_page_alloc(unsigned int order)
{
	return page_alloc(order, false);
}

void *mm_page_alloc_zeroed(unsigned int order)
{
	return page_alloc(order, true);
}

/* Is this tail page inside a free block (rather than an allocated one)? */
static bool in_free_block(const struct mm_page *pg)
{
	const struct mm_range *r = &S.range[pg->range];
	uintptr_t pfn = pg->pfn;

	/* The first non-tail page at a coarser alignment is the block head. */
	for (unsigned int o = 1; o <= MM_MAX_ORDER; o++) {
		uintptr_t head = ALIGN_DOWN(pfn, 1UL << o);
		const struct mm_page *h;

		if (head < r->first_pfn)
			break;
		h = &r->meta[head - r->first_pfn];
		if (h->state != MM_PAGE_TAIL)
			return (h->state == MM_PAGE_FREE ||
				h->state == MM_PAGE_FREEING) &&
			       h->order >= o;
	}
	return false;
}

/*
 * Why freeing `a` as a block in state `want` (of `order`, or any order if
 * negative) must be refused, or NULL with *out set.  Reads metadata only:
 * a refused free changes nothing.
 */
static const char *free_refusal(uintptr_t a, int order, enum mm_page_state want,
				struct mm_page **out)
{
	struct mm_page *pg = mm_page_meta((const void *)a);

	if (!pg)
		return "not from the allocator";
	if (!IS_ALIGNED(a, PAGE_SIZE))
		return "not page aligned";
	if (pg->state == want) {
		if (order >= 0 && pg->order != order)
			return "wrong order";
		*out = pg;
		return NULL;
	}
	switch (pg->state) {
	case MM_PAGE_FREE:
	case MM_PAGE_FREEING:
		return "double free";
	case MM_PAGE_TAIL:
		return in_free_block(pg) ? "double free (inside a free block)"
					 : "not the start of a block";
	case MM_PAGE_USED:
		return "block is from mm_page_alloc()";
	default:
		return "block belongs to the heap";
	}
}

int mm_block_free(void *p, int order, enum mm_page_state want,
		  const void *caller)
{
	struct mm_page *pg = NULL;
	const char *why;
	bool irq = mm_lock();

	why = free_refusal((uintptr_t)p, order, want, &pg);
	if (!why) {
		order = pg->order;
		pg->state = MM_PAGE_FREEING;
	}
	mm_unlock(irq);
	if (why) {
		mm_bad_free(want == MM_PAGE_USED ? "page" : "heap", p, why,
			    caller);
		return -EINVAL;
	}
	/*
	 * FREEING keeps the block out of every merge and free, so it is ours
	 * alone: poison it with interrupts on, however large it is.
	 */
	mm_poison(p, PAGE_SIZE << order);
	irq = mm_lock();
	buddy_free(pg, order, MM_PF_POISONED);
	if (want == MM_PAGE_USED)
		S.st.page_frees++;
	mm_unlock(irq);
	return order;
}

void mm_page_free(void *p, unsigned int order)
{
	const void *caller = __builtin_return_address(0);

	if (!p)
		return;
	if (order > MM_MAX_ORDER)
		mm_bad_free("page", p, "order out of range", caller);
	else
		mm_block_free(p, order, MM_PAGE_USED, caller);
}
