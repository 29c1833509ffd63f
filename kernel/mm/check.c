/*
 * Statistics and the invariant checker.  mm_check() recounts everything
 * from the metadata alone and compares with the lists and counters that the
 * allocator maintains incrementally, so a bookkeeping slip in either shows.
 */
#include "kernel/mm/mm_priv.h"
#include "kernel/printk.h"
#include "lib/errno.h"

#define S mm_state

/* Only the first few violations are logged: one slip can cause many. */
#define MAX_REPORTS 10

static unsigned int nr_bad;

#define BAD(...)                                                               \
	do {                                                                   \
		if (nr_bad++ < MAX_REPORTS)                                    \
			printk(LOG_ERR, "mm_check: " __VA_ARGS__);             \
	} while (0)

/* What the metadata walk counts, to compare with the counters. */
struct tally {
	size_t free, used, heap_pages, objects, bytes;
	size_t nr_free[MM_MAX_ORDER + 1];
};

void mm_get_stats(struct mm_stats *st)
{
	bool irq = mm_lock();

	*st = S.st;
	mm_heap_add_stats(st);
	mm_unlock(irq);
}

uint64_t mm_bad_free_count(void)
{
	return READ_ONCE(S.st.bad_frees);
}

size_t mm_free_blocks_by_order(unsigned int order)
{
	return order <= MM_MAX_ORDER ? READ_ONCE(S.nr_free[order]) : 0;
}

/* Mark every listed free block, so the walk can see each is listed once. */
static void check_free_lists(void)
{
	for (unsigned int o = 0; o <= MM_MAX_ORDER; o++) {
		struct mm_page *pg, *prev = NULL;
		size_t n = 0;

		for (pg = S.free[o]; pg; prev = pg, pg = pg->next) {
			/* Stops at the first bad link, so a cycle ends too. */
			if (pg->prev != prev || pg->state != MM_PAGE_FREE ||
			    pg->order != o || (pg->flags & MM_PF_MARK)) {
				BAD("free list %u broken at %p\n", o, pg);
				break;
			}
			pg->flags |= MM_PF_MARK;
			n++;
		}
		if (n != S.nr_free[o])
			BAD("free list %u: %zu blocks, count says %zu\n", o, n,
			    S.nr_free[o]);
		if (!(S.free_mask & (1u << o)) != !S.free[o])
			BAD("free mask %#x wrong for order %u\n", S.free_mask,
			    o);
	}
}

static void check_free_block(const struct mm_range *r, struct mm_page *pg,
			     uintptr_t pfn, struct tally *t)
{
	unsigned int o = pg->order;
	uintptr_t bpfn = pfn ^ (1UL << o);

	if (!(pg->flags & MM_PF_MARK))
		BAD("free block %#lx order %u is not on its list\n",
		    pfn << PAGE_SHIFT, o);
	t->free += 1UL << o;
	t->nr_free[o]++;
	if (o == MM_MAX_ORDER || bpfn < r->first_pfn || bpfn >= r->end_pfn ||
	    (1UL << o) > r->end_pfn - bpfn)
		return;
	if (r->meta[bpfn - r->first_pfn].state == MM_PAGE_FREE &&
	    r->meta[bpfn - r->first_pfn].order == o)
		BAD("free buddies %#lx and %#lx (order %u) not merged\n",
		    pfn << PAGE_SHIFT, bpfn << PAGE_SHIFT, o);
}

static void check_block(const struct mm_range *r, struct mm_page *pg,
			uintptr_t pfn, struct tally *t)
{
	size_t n = 1UL << pg->order;

	switch (pg->state) {
	case MM_PAGE_FREE:
		check_free_block(r, pg, pfn, t);
		break;
	case MM_PAGE_USED:
	case MM_PAGE_FREEING: /* a free interrupted by this check */
		t->used += n;
		break;
	case MM_PAGE_SLAB:
		if (pg->order)
			BAD("slab %#lx has order %u\n", pfn << PAGE_SHIFT,
			    pg->order);
		nr_bad += mm_heap_check_slab(pg, &t->objects, &t->bytes);
		t->used += n;
		t->heap_pages += n;
		break;
	case MM_PAGE_LARGE:
		t->used += n;
		t->heap_pages += n;
		t->objects++;
		t->bytes += n * PAGE_SIZE;
		break;
	default:
		BAD("page %#lx: state %u\n", pfn << PAGE_SHIFT, pg->state);
	}
	pg->flags &= ~MM_PF_MARK;
}

/* Blocks must tile the range: heads aligned and inside, then tails. */
static void check_range(unsigned int idx, struct tally *t)
{
	const struct mm_range *r = &S.range[idx];
	uintptr_t pfn = r->first_pfn, end = r->end_pfn;

	while (pfn < end) {
		struct mm_page *pg = &r->meta[pfn - r->first_pfn];
		unsigned int o = pg->order;
		size_t i, n = 1UL << (o > MM_MAX_ORDER ? 0 : o);

		if (pg->range != idx || pg->pfn != pfn ||
		    pg->state == MM_PAGE_TAIL || o > MM_MAX_ORDER ||
		    !IS_ALIGNED(pfn, n) || n > end - pfn) {
			BAD("page %#lx: no valid block starts here (state %u "
			    "order %u)\n",
			    pfn << PAGE_SHIFT, pg->state, o);
			pfn++;
			continue;
		}
		for (i = 1; i < n; i++) {
			if (pg[i].state != MM_PAGE_TAIL || pg[i].range != idx ||
			    pg[i].pfn != pfn + i)
				break;
		}
		if (i < n)
			BAD("block %#lx order %u overlaps a block at %#lx\n",
			    pfn << PAGE_SHIFT, o, (pfn + i) << PAGE_SHIFT);
		check_block(r, pg, pfn, t);
		pfn += i;
	}
}

static void check_counts(const struct tally *t)
{
	struct mm_stats all = S.st, *st = &all;

	mm_heap_add_stats(st);
	for (unsigned int o = 0; o <= MM_MAX_ORDER; o++) {
		if (t->nr_free[o] != S.nr_free[o])
			BAD("order %u: %zu free blocks, count says %zu\n", o,
			    t->nr_free[o], S.nr_free[o]);
	}
	if (t->free != st->free_pages || t->used != st->used_pages ||
	    t->free + t->used != st->total_pages)
		BAD("pages: %zu free %zu used, stats say %zu free %zu used "
		    "of %zu\n",
		    t->free, t->used, st->free_pages, st->used_pages,
		    st->total_pages);
	if (t->heap_pages != st->heap_pages || t->objects != st->heap_objects ||
	    t->bytes != st->heap_bytes)
		BAD("heap: %zu pages %zu objects %zu bytes, stats say %zu %zu "
		    "%zu\n",
		    t->heap_pages, t->objects, t->bytes, st->heap_pages,
		    st->heap_objects, st->heap_bytes);
}

int mm_check(void)
{
	struct tally t = {0};
	bool irq = mm_lock();
	unsigned int bad;

	nr_bad = 0;
	check_free_lists();
	nr_bad += mm_heap_check_lists();
	for (unsigned int i = 0; i < S.nr_ranges; i++)
		check_range(i, &t);
	check_counts(&t);
	bad = nr_bad;
	mm_unlock(irq);
	if (bad > MAX_REPORTS)
		printk(LOG_ERR, "mm_check: %u violations in all\n", bad);
	return bad ? -EINVAL : 0;
}
