/*
 * Host-only tests of the parts the shared tests cannot reach: that
 * mm_check() really catches broken metadata (each corruption is made by
 * hand, checked, then undone), and mm_add_range()'s edge cases.  The ranges
 * added here stay with the allocator for the rest of the run, as boot-time
 * ranges would; static arrays stand in for the memory.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm_priv.h"
#include "lib/errno.h"

KTEST(mm, check_catches_corruption)
{
	unsigned char *p = mm_page_alloc(0), *h = mm_alloc(64);
	struct mm_page *pg, *hp;
	void *q, *r;

	KT_ASSERT(p && h && mm_check() == 0);
	pg = mm_page_meta(p);
	hp = mm_page_meta(h);
	KT_ASSERT(pg && hp && pg->state == MM_PAGE_USED);

	pg->state = MM_PAGE_FREE; /* free, but on no list */
	KT_EXPECT_EQ(mm_check(), -EINVAL);
	pg->state = MM_PAGE_TAIL; /* a tail with no head */
	KT_EXPECT_EQ(mm_check(), -EINVAL);
	pg->state = MM_PAGE_USED;
	pg->order = 1; /* overlaps the next block */
	KT_EXPECT_EQ(mm_check(), -EINVAL);
	pg->order = 0;
	KT_EXPECT_EQ(mm_check(), 0);

	mm_state.nr_free[0]++;
	KT_EXPECT_EQ(mm_check(), -EINVAL);
	mm_state.nr_free[0]--;
	mm_state.st.free_pages++;
	KT_EXPECT_EQ(mm_check(), -EINVAL);
	mm_state.st.free_pages--;

	hp->used[0] ^= 1UL << 63; /* bitmap disagrees with the count */
	KT_EXPECT_EQ(mm_check(), -EINVAL);
	hp->used[0] ^= 1UL << 63;
	KT_EXPECT_EQ(mm_check(), 0);

	/*
	 * Split an order-1 block by hand into two used order-0 blocks (valid),
	 * free the second, then mark the first free without merging.
	 */
	q = mm_page_alloc(1);
	KT_ASSERT(q);
	r = (unsigned char *)q + PAGE_SIZE;
	mm_page_meta(q)->order = 0;
	mm_page_meta(r)->state = MM_PAGE_USED;
	mm_page_meta(r)->order = 0;
	KT_EXPECT_EQ(mm_check(), 0);
	mm_page_free(r, 0);
	mm_page_meta(q)->state = MM_PAGE_FREE;
	KT_EXPECT_EQ(mm_check(), -EINVAL);
	mm_page_meta(q)->state = MM_PAGE_USED;
	mm_page_free(q, 0);
	KT_EXPECT_EQ(mm_check(), 0);

	mm_free(h);
	mm_page_free(p, 0);
	KT_EXPECT_EQ(mm_check(), 0);
}

static unsigned char extra[48 * PAGE_SIZE] __aligned(PAGE_SIZE);
static unsigned char
    tiny[2 * MM_MAX_RANGES][2 * PAGE_SIZE] __aligned(PAGE_SIZE);

KTEST(mm, add_range_edges)
{
	uintptr_t x = (uintptr_t)extra;
	struct mm_stats a, b;
	unsigned int added = 0;
	int ret = 0;

	KT_EXPECT_EQ(mm_add_range(x + 100, x + 100), -EINVAL);
	KT_EXPECT_EQ(mm_add_range(x + 200, x + 100), -EINVAL);
	/* Trimmed inward, less than one whole page is left. */
	KT_EXPECT_EQ(mm_add_range(x + 1, x + PAGE_SIZE + 1), -EINVAL);
	/* One page: all of it would go to metadata. */
	KT_EXPECT_EQ(mm_add_range(x, x + PAGE_SIZE), -EINVAL);

	mm_get_stats(&a);
	/* Pages 1..38 of extra after trimming: 1 of metadata, 37 managed. */
	KT_ASSERT(mm_add_range(x + 5, x + 40 * PAGE_SIZE - 3) == 0);
	mm_get_stats(&b);
	KT_EXPECT_EQ(b.total_pages - a.total_pages, 37);
	KT_EXPECT_EQ(b.free_pages - a.free_pages, 37);
	KT_EXPECT_EQ(b.meta_pages - a.meta_pages, 1);
	KT_EXPECT(37 * sizeof(struct mm_page) <= PAGE_SIZE);
	KT_EXPECT_EQ(mm_check(), 0);

	/* Overlaps: the same range, its metadata page, its last page. */
	KT_EXPECT_EQ(mm_add_range(x + 5, x + 40 * PAGE_SIZE - 3), -EBUSY);
	KT_EXPECT_EQ(mm_add_range(x, x + 2 * PAGE_SIZE + 7), -EBUSY);
	KT_EXPECT_EQ(mm_add_range(x + 38 * PAGE_SIZE, x + 48 * PAGE_SIZE),
		     -EBUSY);
	/* Right after it is fine. */
	KT_EXPECT_EQ(mm_add_range(x + 39 * PAGE_SIZE, x + 48 * PAGE_SIZE), 0);

	/* Fill the range table: the next range is refused, not dropped. */
	for (unsigned int i = 0; i < ARRAY_SIZE(tiny) && !ret; i++) {
		ret = mm_add_range((uintptr_t)tiny[i],
				   (uintptr_t)tiny[i] + 2 * PAGE_SIZE);
		added += !ret;
	}
	KT_EXPECT_EQ(ret, -ENOSPC);
	ktest_diag("range table full after %u more ranges", added);
	KT_EXPECT_EQ(mm_check(), 0);
}
