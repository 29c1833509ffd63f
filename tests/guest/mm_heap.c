/*
 * Suite `mm`, heap half: size classes, zeroing, poisoning, refused frees
 * and accounting.  Shared by the kernel and the host build, like
 * mm_page.c; every test returns the heap's counters to where they were.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/string.h"

static const size_t sizes[] = {
    1,	   8,	 16,   17,   31,
    32,	   33,	 64,   100,  128,
    200,   256,	 500,  512,  1000,
    1024,  1500, 2048, 2049, 4095,
    4096,  4097, 8192, 9000, 3 * PAGE_SIZE + 1,
    65536,
};

/* Bytes the heap reserves for a request of `size`. */
static size_t rounded(size_t size)
{
	size_t r = MM_HEAP_MIN;

	if (size > MM_HEAP_MAX)
		r = PAGE_SIZE;
	while (r < size)
		r *= 2;
	return r;
}

static bool all_bytes(const void *p, int c, size_t len)
{
	return !memchr_inv(p, c, len);
}

static void expect_heap_as(const struct mm_stats *a)
{
	struct mm_stats b;

	mm_get_stats(&b);
	KT_EXPECT_EQ(b.heap_objects, a->heap_objects);
	KT_EXPECT_EQ(b.heap_bytes, a->heap_bytes);
	KT_EXPECT_EQ(b.bad_frees, a->bad_frees);
	KT_EXPECT_EQ(mm_check(), 0);
}

KTEST(mm, heap_size_classes)
{
	struct mm_stats a, b;

	mm_get_stats(&a);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t sz = sizes[i], r = rounded(sz);
		unsigned char *p = mm_alloc(sz);
		uintptr_t u = (uintptr_t)p;

		KT_ASSERT(p);
		/* Aligned to the class: never straddles a page. */
		KT_EXPECT(IS_ALIGNED(u, MIN(r, PAGE_SIZE)));
		if (r <= PAGE_SIZE)
			KT_EXPECT_EQ(u / PAGE_SIZE, (u + r - 1) / PAGE_SIZE);
		memset(p, 0x5a, sz);
		mm_get_stats(&b);
		KT_EXPECT_EQ(b.heap_objects, a.heap_objects + 1);
		KT_EXPECT_EQ(b.heap_bytes, a.heap_bytes + r);
		mm_free(p);
	}
	KT_EXPECT(mm_alloc(0) == NULL);
	/* Too large: NULL, and no size arithmetic wraps around. */
	KT_EXPECT(mm_alloc((PAGE_SIZE << MM_MAX_ORDER) + 1) == NULL);
	KT_EXPECT(mm_alloc((size_t)-1) == NULL);
	KT_EXPECT(mm_zalloc((size_t)-PAGE_SIZE) == NULL);
	mm_free(NULL);
	mm_get_stats(&b);
	KT_EXPECT_EQ(b.heap_fails, a.heap_fails + 3);
	expect_heap_as(&a);
}

KTEST(mm, heap_zalloc_zeroes)
{
	struct mm_stats a;

	mm_get_stats(&a);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t sz = sizes[i];
		unsigned char *p = mm_alloc(sz), *z;

		KT_ASSERT(p);
		memset(p, 0xff, sz);
		mm_free(p);
		z = mm_zalloc(sz);
		KT_ASSERT(z);
		if (!all_bytes(z, 0, rounded(sz)))
			ktest_fail_at(__FILE__, __LINE__,
				      "mm_zalloc(%zu) not zero", sz);
		mm_free(z);
	}
	expect_heap_as(&a);
}

KTEST(mm, heap_poisoned_after_free)
{
	unsigned char *p = mm_alloc(128), *keep = mm_alloc(128);
	struct mm_stats a, b;
	bool scrub;

	KT_ASSERT(p && keep);
	memset(p, 0x22, 128);
	mm_free(p);
	/* Reading freed memory on purpose: it must show the poison. */
	KT_EXPECT(all_bytes(p, MM_POISON, 128));
	/* Plain allocations hand out poison, never old contents. */
	mm_get_stats(&a);
	scrub = mm_set_scrub_on_reuse(false);
	p = mm_alloc(128);
	mm_set_scrub_on_reuse(scrub);
	KT_ASSERT(p);
	KT_EXPECT(all_bytes(p, MM_POISON, 128));
	mm_get_stats(&b);
	KT_EXPECT_EQ(b.poison_corrupted, a.poison_corrupted);
	mm_free(p);
	mm_free(keep);
}

/* A write after free shows when the object is handed out again. */
KTEST(mm, heap_use_after_free_seen)
{
	unsigned char *p = mm_alloc(64), *q = NULL;
	void **held = NULL, **next;
	struct mm_stats a, b;
	bool check = mm_set_poison_check(true);

	KT_ASSERT(p);
	mm_free(p);
	mm_get_stats(&a);
	p[8] = 0x55; /* the use after free */
	/* Objects come lowest first from the newest partial slab: p is near. */
	for (unsigned int i = 0; i < 100000; i++) {
		q = mm_alloc(64);
		if (!q || q == p)
			break;
		*(void **)q = held;
		held = (void **)q;
	}
	mm_get_stats(&b);
	mm_set_poison_check(check);
	KT_EXPECT(q == p);
	KT_EXPECT_EQ(b.poison_corrupted, a.poison_corrupted + 1);
	mm_free(q);
	for (; held; held = next) {
		next = *held;
		mm_free(held);
	}
}

KTEST(mm, heap_double_free)
{
	uint64_t bad = mm_bad_free_count();
	void *p = mm_alloc(32), *keep = mm_alloc(32), *big = mm_alloc(10000);
	struct mm_stats a;

	KT_ASSERT(p && keep && big);
	mm_free(p);
	mm_free(big);
	mm_get_stats(&a);
	mm_free(p);
	KT_EXPECT_EQ(mm_bad_free_count(), bad + 1);
	mm_free(big);
	KT_EXPECT_EQ(mm_bad_free_count(), bad + 2);
	a.bad_frees += 2;
	expect_heap_as(&a);
	mm_free(keep);
}

/*
 * The heap keeps the objects freed last in a magazine and gives the rest
 * back to their slabs: a second free is refused from either place.  40 is
 * more than any class's magazine holds (kernel/mm/heap.c).
 */
KTEST(mm, heap_double_free_past_the_magazine)
{
	enum { N = 40 };
	uint64_t bad = mm_bad_free_count();
	void *p[N];
	struct mm_stats a;

	for (unsigned int i = 0; i < N; i++) {
		p[i] = mm_alloc(32);
		KT_ASSERT(p[i]);
	}
	for (unsigned int i = 0; i < N; i++)
		mm_free(p[i]);
	mm_get_stats(&a);
	KT_EXPECT_EQ(mm_check(), 0);
	for (unsigned int i = 0; i < N; i++)
		mm_free(p[i]);
	KT_EXPECT_EQ(mm_bad_free_count(), bad + N);
	a.bad_frees += N;
	expect_heap_as(&a);
}

KTEST(mm, heap_invalid_free)
{
	static uint64_t not_ours[4];
	uint64_t bad = mm_bad_free_count();
	unsigned char *p = mm_alloc(64), *big = mm_alloc(2 * PAGE_SIZE);
	void *pg = mm_page_alloc(0);
	struct mm_stats a;

	KT_ASSERT(p && big && pg);
	mm_get_stats(&a);
	mm_free(p + 8);		  /* inside an object */
	mm_free(p + 16);	  /* at a smaller class's boundary */
	mm_free(big + 64);	  /* inside a large object */
	mm_free(big + PAGE_SIZE); /* its second page */
	mm_free(pg);		  /* a page from mm_page_alloc */
	mm_free(&not_ours[1]);	  /* not heap memory at all */
	KT_EXPECT_EQ(mm_bad_free_count(), bad + 6);
	a.bad_frees += 6;
	expect_heap_as(&a);
	/* The refused frees left the objects usable and freeable. */
	memset(p, 1, 64);
	memset(big, 1, 2 * PAGE_SIZE);
	mm_free(p);
	mm_free(big);
	mm_page_free(pg, 0);
	KT_EXPECT_EQ(mm_bad_free_count(), bad + 6);
}

KTEST(mm, heap_accounting)
{
	/* Every size ten times: 1.3 MiB, so it runs in a 4 MiB guest (600
	 * objects took 3 MiB). */
	enum { N = 10 * ARRAY_SIZE(sizes) };
	/* Held before the first count, freed after the last: 2 KiB out of
	 * the image's .bss. */
	void **obj = mm_alloc(N * sizeof(*obj));
	struct mm_stats a, b, c;
	size_t bytes = 0;

	KT_ASSERT(obj);
	mm_heap_trim();
	mm_get_stats(&a);
	for (unsigned int i = 0; i < N; i++) {
		size_t sz = sizes[i % ARRAY_SIZE(sizes)];

		obj[i] = mm_alloc(sz);
		KT_ASSERT(obj[i]);
		bytes += rounded(sz);
	}
	mm_get_stats(&b);
	KT_EXPECT_EQ(b.heap_objects, a.heap_objects + N);
	KT_EXPECT_EQ(b.heap_bytes, a.heap_bytes + bytes);
	KT_EXPECT_EQ(b.heap_allocs, a.heap_allocs + N);
	KT_EXPECT_EQ(mm_check(), 0);
	for (unsigned int i = 0; i < N; i += 2)
		mm_free(obj[i]);
	for (unsigned int i = 1; i < N; i += 2)
		mm_free(obj[i]);
	mm_heap_trim();
	mm_get_stats(&c);
	KT_EXPECT_EQ(c.heap_frees, a.heap_frees + N);
	KT_EXPECT_EQ(c.heap_pages, a.heap_pages);
	KT_EXPECT_EQ(c.free_pages, a.free_pages);
	expect_heap_as(&a);
	mm_free(obj);
}
