/*
 * Suite `mm`, page allocator half: runs in the kernel on the memory the
 * boot code found, and on the host over tests/host/mm_arena.c's arena.
 * Every test gives back all it takes and checks the allocator is exactly
 * where it started (same counters, same free blocks per order), so later
 * tests, and the rest of the kernel, see no difference.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/string.h"

struct snap {
	struct mm_stats st;
	size_t blocks[MM_MAX_ORDER + 1];
};

static void take_snap(struct snap *s)
{
	mm_get_stats(&s->st);
	for (unsigned int o = 0; o <= MM_MAX_ORDER; o++)
		s->blocks[o] = mm_free_blocks_by_order(o);
}

/* Same free pages in the same blocks: full coalescing happened. */
static void expect_same_pages(const struct snap *a)
{
	struct snap b;

	take_snap(&b);
	KT_EXPECT_EQ(b.st.free_pages, a->st.free_pages);
	KT_EXPECT_EQ(b.st.used_pages, a->st.used_pages);
	for (unsigned int o = 0; o <= MM_MAX_ORDER; o++) {
		if (b.blocks[o] != a->blocks[o])
			ktest_fail_at(__FILE__, __LINE__,
				      "order %u: %zu free blocks, %zu before",
				      o, b.blocks[o], a->blocks[o]);
	}
	KT_EXPECT_EQ(mm_check(), 0);
}

static bool all_bytes(const void *p, int c, size_t len)
{
	return !memchr_inv(p, c, len);
}

/*
 * Two order-0 pages that are buddies, both ours: freeing one cannot
 * coalesce, so it goes to the head of the order-0 list (LIFO) and the next
 * order-0 allocation returns that same page.  Loose order-0 blocks come
 * first; once they run out, a split yields a pair.  The pages taken on the
 * way are chained through themselves and given back.
 */
static bool alloc_buddy_pair(void **p, void **q)
{
	void **held = NULL, **pg;
	bool found = false;

	for (unsigned int i = 0; i < 100000 && !found; i++) {
		pg = mm_page_alloc(0);
		if (!pg)
			break;
		if (held && ((uintptr_t)held ^ (uintptr_t)pg) == PAGE_SIZE) {
			*p = pg;
			*q = held;
			held = held[0];
			found = true;
		} else {
			pg[0] = held;
			held = pg;
		}
	}
	while (held) {
		pg = held[0];
		mm_page_free(held, 0);
		held = pg;
	}
	return found;
}

KTEST(mm, page_round_trip)
{
	struct snap s;

	KT_ASSERT(mm_check() == 0);
	take_snap(&s);
	for (unsigned int o = 0; o <= MM_MAX_ORDER; o++) {
		unsigned char *p = mm_page_alloc(o);
		struct mm_stats st;

		if (!p) {
			ktest_diag("no free block of order %u", o);
			continue;
		}
		KT_EXPECT(IS_ALIGNED((uintptr_t)p, PAGE_SIZE << o));
		p[0] = 1;
		p[(PAGE_SIZE << o) - 1] = 2;
		mm_get_stats(&st);
		KT_EXPECT_EQ(st.free_pages, s.st.free_pages - (1UL << o));
		mm_page_free(p, o);
	}
	expect_same_pages(&s);
}

KTEST(mm, page_coalesce)
{
	void *p[96];
	struct snap s;
	struct mm_stats st;

	take_snap(&s);
	for (unsigned int i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = mm_page_alloc(i % 4);
	KT_EXPECT_EQ(mm_check(), 0);
	/* Every other block first, so most frees find their buddy busy. */
	for (unsigned int i = 0; i < ARRAY_SIZE(p); i += 2)
		mm_page_free(p[i], i % 4);
	KT_EXPECT_EQ(mm_check(), 0);
	for (unsigned int i = ARRAY_SIZE(p); i-- > 0;) {
		if (i % 2)
			mm_page_free(p[i], i % 4);
	}
	mm_get_stats(&st);
	KT_EXPECT_EQ(st.page_allocs - s.st.page_allocs, ARRAY_SIZE(p));
	KT_EXPECT_EQ(st.page_frees - s.st.page_frees, ARRAY_SIZE(p));
	KT_EXPECT_EQ(st.bad_frees, s.st.bad_frees);
	expect_same_pages(&s);
}

/* Allocate everything, largest blocks first, chained through themselves. */
static void **drain_pages(size_t *nr)
{
	void **head = NULL, **p;

	for (unsigned int o = MM_MAX_ORDER + 1; o-- > 0;) {
		while ((p = mm_page_alloc(o))) {
			p[0] = head;
			p[1] = (void *)(uintptr_t)o;
			head = p;
			(*nr)++;
		}
	}
	return head;
}

static void undrain_pages(void **head)
{
	while (head) {
		void **next = head[0];

		mm_page_free(head, (unsigned int)(uintptr_t)head[1]);
		head = next;
	}
}

KTEST(mm, exhaustion_returns_null)
{
	struct snap s;
	struct mm_stats st;
	void **pages, **objs = NULL, **o;
	size_t nr = 0, nr_objs = 0;

	take_snap(&s);
	pages = drain_pages(&nr);
	ktest_diag("drained %zu blocks, %zu pages", nr, s.st.free_pages);
	mm_get_stats(&st);
	KT_EXPECT_EQ(st.free_pages, 0);
	KT_EXPECT(mm_page_alloc(0) == NULL);
	KT_EXPECT(mm_page_alloc_zeroed(0) == NULL);
	KT_EXPECT(mm_alloc(3 * PAGE_SIZE) == NULL);
	/* Only objects already in slabs are left; then NULL. */
	while ((o = mm_alloc(MM_HEAP_MAX))) {
		o[0] = objs;
		objs = o;
		nr_objs++;
	}
	KT_EXPECT_EQ(mm_check(), 0);
	while (objs) {
		o = objs[0];
		mm_free(objs);
		objs = o;
	}
	undrain_pages(pages);
	mm_get_stats(&st);
	KT_EXPECT(st.page_fails >= s.st.page_fails + 2);
	KT_EXPECT_EQ(st.page_allocs - s.st.page_allocs, nr);
	KT_EXPECT_EQ(st.heap_objects, s.st.heap_objects);
	KT_EXPECT_EQ(st.bad_frees, s.st.bad_frees);
	expect_same_pages(&s);
}

/* The free is refused, counted once, and changes nothing. */
static void expect_refused(const struct snap *s, uint64_t *bad)
{
	struct mm_stats st;

	(*bad)++;
	KT_EXPECT_EQ(mm_bad_free_count(), *bad);
	mm_get_stats(&st);
	KT_EXPECT_EQ(st.page_frees, s->st.page_frees);
	KT_EXPECT_EQ(st.heap_frees, s->st.heap_frees);
	expect_same_pages(s);
}

KTEST(mm, page_double_free)
{
	uint64_t bad = mm_bad_free_count();
	unsigned char *p = mm_page_alloc(0), *q = mm_page_alloc(2);
	struct snap s;

	KT_ASSERT(p && q);
	mm_page_free(p, 0);
	mm_page_free(q, 2);
	take_snap(&s);
	mm_page_free(p, 0);
	expect_refused(&s, &bad);
	mm_page_free(q, 2);
	expect_refused(&s, &bad);
	/* Inside a free (perhaps merged) block. */
	mm_page_free(q + PAGE_SIZE, 0);
	expect_refused(&s, &bad);
}

KTEST(mm, page_invalid_free)
{
	/* The kernel image's own memory: never the allocator's. */
	static unsigned char not_ours;
	uint64_t bad = mm_bad_free_count();
	unsigned char *p = mm_page_alloc(2), *h = mm_alloc(64);
	struct snap s;

	KT_ASSERT(p && h);
	take_snap(&s);
	mm_page_free(p + 1, 2); /* not page aligned */
	expect_refused(&s, &bad);
	mm_page_free(p, 1); /* wrong order */
	expect_refused(&s, &bad);
	mm_page_free(p, MM_MAX_ORDER + 1);
	expect_refused(&s, &bad);
	mm_page_free(p + 2 * PAGE_SIZE, 0); /* not the block start */
	expect_refused(&s, &bad);
	mm_page_free((void *)ALIGN_DOWN((uintptr_t)&not_ours, PAGE_SIZE), 0);
	expect_refused(&s, &bad);
	mm_page_free((void *)ALIGN_DOWN((uintptr_t)h, PAGE_SIZE), 0);
	expect_refused(&s, &bad); /* a heap slab page */
	mm_free(h);
	mm_page_free(p, 2);
}

KTEST(mm, page_zeroed_really_zero)
{
	void *p, *q, *z;

	KT_ASSERT(alloc_buddy_pair(&p, &q));
	memset(p, 0xa5, PAGE_SIZE);
	mm_page_free(p, 0);
	z = mm_page_alloc_zeroed(0);
	KT_EXPECT(z == p);
	KT_EXPECT(z && all_bytes(z, 0, PAGE_SIZE));
	mm_page_free(z, 0);
	mm_page_free(q, 0);
	z = mm_page_alloc_zeroed(3);
	KT_ASSERT(z);
	KT_EXPECT(all_bytes(z, 0, PAGE_SIZE << 3));
	mm_page_free(z, 3);
}

KTEST(mm, page_poisoned_after_free)
{
	uint64_t corrupted;
	bool check;
	struct mm_stats st;
	unsigned char *p, *r;
	void *q;

	KT_ASSERT(alloc_buddy_pair((void **)&p, &q));
	memset(p, 0x11, PAGE_SIZE);
	mm_page_free(p, 0);
	/* Reading freed memory on purpose: it must show the poison. */
	KT_EXPECT(all_bytes(p, MM_POISON, PAGE_SIZE));
	mm_get_stats(&st);
	corrupted = st.poison_corrupted;
	check = mm_set_poison_check(true);
	p[100] = 0; /* a use after free... */
	r = mm_page_alloc(0);
	KT_EXPECT(r == p); /* ...seen when the page is handed out again */
	mm_set_poison_check(check);
	mm_get_stats(&st);
	KT_EXPECT_EQ(st.poison_corrupted, corrupted + 1);
	mm_page_free(r, 0);
	mm_page_free(q, 0);
}

/* MSA01: in scrub mode even a plain allocation carries no old bytes. */
KTEST(mm, scrub_on_reuse)
{
	unsigned char *p, *r, *h;
	bool scrub;
	void *q;

	KT_ASSERT(alloc_buddy_pair((void **)&p, &q));
	memset(p, 0xc3, PAGE_SIZE);
	mm_page_free(p, 0);
	scrub = mm_set_scrub_on_reuse(true);
	r = mm_page_alloc(0);
	h = mm_alloc(200);
	mm_set_scrub_on_reuse(false);
	KT_EXPECT(r == p);
	KT_EXPECT(r && all_bytes(r, 0, PAGE_SIZE));
	KT_EXPECT(h && all_bytes(h, 0, 256));
	mm_free(h);
	mm_page_free(r, 0);
	mm_page_free(q, 0);
	/* Off again: a plain allocation shows the poison, not zeros. */
	KT_ASSERT(alloc_buddy_pair((void **)&p, &q));
	mm_page_free(p, 0);
	r = mm_page_alloc(0);
	KT_EXPECT(r == p && all_bytes(r, MM_POISON, PAGE_SIZE));
	mm_page_free(r, 0);
	mm_page_free(q, 0);
	mm_set_scrub_on_reuse(scrub);
}
