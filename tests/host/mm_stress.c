/*
 * Randomised stress of the page allocator and the heap together, under
 * ASan/UBSan.  A table of slots, each empty or holding a page block or a
 * heap object (1 byte to 16 KiB); each operation picks a slot and frees it
 * or fills it.  Every block is filled with its own tag and verified before
 * it is freed, so overlapping blocks show; mm_check() runs every
 * CHECK_EVERY operations; now and then a free is repeated and must be
 * refused.  Phases:
 *   main      over a million operations, mostly small page blocks;
 *   scrub     scrub-on-reuse on: every allocation must arrive all zero;
 *   pressure  blocks up to MM_MAX_ORDER, until allocations fail: NULL,
 *             never a crash, and the allocator recovers.
 * At the end all is freed and the free blocks per order must be exactly
 * those of the start.  The seed is fixed and printed: change SEED to
 * explore, quote it to reproduce a failure.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define SEED	    0x5eed0f3a11c0ffeeULL
#define SLOTS	    2048
#define CHECK_EVERY 25000
/* Big blocks get the tag on their first and last SPAN bytes only. */
#define SPAN (16 * 1024)

struct slot {
	unsigned char *p;
	size_t len;
	int order; /* page block order, or -1 for a heap object */
	unsigned char tag;
};

struct phase {
	const char *name;
	unsigned long ops;
	unsigned int slots;
	bool scrub;
	bool big;
};

static struct {
	struct ktest_rng rng;
	struct slot slot[SLOTS];
	unsigned long allocs, frees, fails, refused;
	bool ok;
} stress;

static uint64_t rnd(void)
{
	return ktest_rand(&stress.rng);
}

/* Order o with probability ~ 3/4^(o+1): mostly small blocks. */
static unsigned int rnd_order(void)
{
	uint64_t r = rnd();
	unsigned int o = 0;

	while (o < MM_MAX_ORDER && (r & 3) == 0) {
		o++;
		r >>= 2;
	}
	return o;
}

/* Uniform in a random power-of-two bucket: every class gets traffic. */
static size_t rnd_size(void)
{
	unsigned int bucket = rnd() % 15; /* 2^0 .. 2^14 bytes */

	return 1 + rnd() % (1UL << bucket);
}

static size_t span(const struct slot *s)
{
	return MIN(s->len, SPAN);
}

static void fill(const struct slot *s)
{
	memset(s->p, s->tag, span(s));
	memset(s->p + s->len - span(s), s->tag, span(s));
}

/* First byte of [p, p + n) that is not c, or n; words where aligned. */
static size_t differs(const unsigned char *p, size_t n, unsigned char c)
{
	const uint64_t w = c * 0x0101010101010101ULL;
	size_t i = 0;

	for (; i < n && !IS_ALIGNED((uintptr_t)(p + i), 8); i++) {
		if (p[i] != c)
			return i;
	}
	for (; i + 8 <= n && *(const uint64_t *)(p + i) == w; i += 8)
		;
	for (; i < n && p[i] == c; i++)
		;
	return i;
}

static bool holds(const struct slot *s, size_t off, unsigned char c)
{
	size_t i = off + differs(s->p + off, span(s), c);

	if (i == off + span(s))
		return true;
	ktest_fail_at(__FILE__, __LINE__,
		      "block %p (%zu bytes, order %d) has %#x at +%zu, not %#x",
		      s->p, s->len, s->order, s->p[i], i, c);
	stress.ok = false;
	return false;
}

static void slot_alloc(struct slot *s, const struct phase *ph)
{
	if (rnd() % 3 == 0 || ph->big) {
		s->order = ph->big ? rnd() % (MM_MAX_ORDER + 1) : rnd_order();
		s->len = PAGE_SIZE << s->order;
		s->p = mm_page_alloc(s->order);
	} else {
		s->order = -1;
		s->len = rnd_size();
		s->p = rnd() % 4 ? mm_alloc(s->len) : mm_zalloc(s->len);
	}
	if (!s->p) {
		stress.fails++;
		return;
	}
	if (ph->scrub && holds(s, 0, 0))
		holds(s, s->len - span(s), 0);
	s->tag = (unsigned char)rnd();
	fill(s);
	stress.allocs++;
}

static void slot_release(struct slot *s)
{
	if (s->order < 0)
		mm_free(s->p);
	else
		mm_page_free(s->p, s->order);
}

static void slot_free(struct slot *s, bool maybe_twice)
{
	int level = printk_loglevel;
	uint64_t bad;

	if (holds(s, 0, s->tag))
		holds(s, s->len - span(s), s->tag);
	slot_release(s);
	stress.frees++;
	if (maybe_twice && rnd() % 256 == 0) {
		bad = mm_bad_free_count();
		/* Refused, and nothing else changes; its log line is noise. */
		printk_loglevel = LOG_ERR - 1;
		slot_release(s);
		printk_loglevel = level;
		if (mm_bad_free_count() != bad + 1) {
			ktest_fail_at(__FILE__, __LINE__,
				      "second free of %p not refused", s->p);
			stress.ok = false;
		}
		stress.refused++;
	}
	s->p = NULL;
}

static void run(const struct phase *ph)
{
	unsigned long fails = stress.fails;
	bool scrub = mm_set_scrub_on_reuse(ph->scrub);

	for (unsigned long i = 1; i <= ph->ops && stress.ok; i++) {
		struct slot *s = &stress.slot[rnd() % ph->slots];

		if (s->p)
			slot_free(s, true);
		else
			slot_alloc(s, ph);
		if (i % CHECK_EVERY == 0 && mm_check() != 0) {
			ktest_fail_at(
			    __FILE__, __LINE__,
			    "%s: mm_check failed after %lu operations",
			    ph->name, i);
			stress.ok = false;
		}
	}
	for (unsigned int i = 0; i < ph->slots; i++) {
		if (stress.slot[i].p)
			slot_free(&stress.slot[i], false);
	}
	mm_set_scrub_on_reuse(scrub);
	KT_EXPECT_EQ(mm_check(), 0);
	ktest_diag("%s: %lu operations, %lu allocations failed", ph->name,
		   ph->ops, stress.fails - fails);
}

static const struct phase phases[] = {
    {"main", 1200000, SLOTS, false, false},
    {"scrub", 100000, SLOTS, true, false},
    {"pressure", 6000, 256, false, true},
};

KTEST(mm, stress_random)
{
	size_t blocks[MM_MAX_ORDER + 1];
	struct mm_stats a, b;

	memset(&stress, 0, sizeof(stress));
	stress.rng.x = SEED;
	stress.ok = true;
	ktest_diag("seed %#llx", (unsigned long long)SEED);
	mm_heap_trim();
	mm_get_stats(&a);
	for (unsigned int o = 0; o <= MM_MAX_ORDER; o++)
		blocks[o] = mm_free_blocks_by_order(o);

	for (unsigned int i = 0; i < ARRAY_SIZE(phases) && stress.ok; i++)
		run(&phases[i]);
	KT_EXPECT(stress.ok);
	ktest_diag("%lu allocations, %lu frees, %lu refused double frees",
		   stress.allocs, stress.frees, stress.refused);
	KT_EXPECT(stress.allocs + stress.frees >= 1000000);
	KT_EXPECT(stress.fails > 0); /* the pressure phase ran out */

	mm_heap_trim();
	mm_get_stats(&b);
	KT_EXPECT_EQ(b.free_pages, a.free_pages);
	KT_EXPECT_EQ(b.heap_objects, a.heap_objects);
	KT_EXPECT_EQ(b.heap_bytes, a.heap_bytes);
	KT_EXPECT_EQ(b.heap_pages, a.heap_pages);
	KT_EXPECT_EQ(b.poison_corrupted, a.poison_corrupted);
	KT_EXPECT_EQ(b.bad_frees, a.bad_frees + stress.refused);
	for (unsigned int o = 0; o <= MM_MAX_ORDER; o++)
		KT_EXPECT_EQ(mm_free_blocks_by_order(o), blocks[o]);
}
