/*
 * The heap's part of mm_check() (kernel/mm/check.c): its partial lists,
 * each slab's bitmap against its counts, and the magazines.  Lock held
 * throughout; each function returns the number of violations, logged.
 */
#include "kernel/mm/heap_priv.h"
#include "kernel/printk.h"
#include "lib/bitmap.h"

/* A slab on a class list that does not belong there. */
static bool slab_misplaced(const struct mm_page *pg, unsigned int c)
{
	return pg->state != MM_PAGE_SLAB || pg->cls != c ||
	       (pg->flags & MM_PF_MARK);
}

/* Objects of slab `pg` that its class's magazine holds. */
static unsigned int mag_count(const struct mm_page *pg)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < mm_heap[pg->cls].mag_n; i++)
		n += mm_heap[pg->cls].mag_pg[i] == pg;
	return n;
}

/* A magazine's object: in a slab of its class, at an object start, free
 * to the bitmap, and there once.  Returns the number of violations. */
static int mag_check(unsigned int c)
{
	const struct mm_heap_class *hc = &mm_heap[c];

	if (hc->mag_n > mm_mag_cap(c)) {
		printk(LOG_ERR, "mm_check: class %u: magazine holds %u\n", c,
		       hc->mag_n);
		return 1;
	}
	for (unsigned int i = 0; i < hc->mag_n; i++) {
		uintptr_t off = (uintptr_t)hc->mag[i] & (PAGE_SIZE - 1);
		struct mm_page *pg = mm_page_meta(hc->mag[i]);
		bool dup = false;

		for (unsigned int j = 0; j < i; j++)
			dup |= hc->mag[j] == hc->mag[i];
		if (!pg || pg != hc->mag_pg[i] || pg->state != MM_PAGE_SLAB ||
		    pg->cls != c || (off & ((MM_HEAP_MIN << c) - 1)) || dup ||
		    bitmap_test_bit(pg->used, off >> (c + MM_HEAP_SHIFT))) {
			printk(LOG_ERR,
			       "mm_check: class %u: bad object %p in "
			       "the magazine\n",
			       c, hc->mag[i]);
			return 1;
		}
	}
	return 0;
}

int mm_heap_check_lists(void)
{
	int bad = 0;

	for (unsigned int c = 0; c < MM_NR_CLASSES; c++) {
		struct mm_page *pg, *prev = NULL;
		unsigned int empty = 0;

		bad += mag_check(c);

		for (pg = mm_heap[c].partial; pg; prev = pg, pg = pg->next) {
			/* Stops at the first bad link, so a cycle ends too. */
			if (slab_misplaced(pg, c) || pg->prev != prev ||
			    pg->inuse >= mm_class_objects(c)) {
				printk(LOG_ERR,
				       "mm_check: class %u: bad slab %p on the "
				       "partial list\n",
				       c, pg);
				bad++;
				break;
			}
			pg->flags |= MM_PF_MARK;
			empty += !pg->inuse;
		}
		if (!pg && (empty != mm_heap[c].nr_empty || empty > 1)) {
			printk(LOG_ERR,
			       "mm_check: class %u: %u empty slabs, count says "
			       "%u\n",
			       c, empty, mm_heap[c].nr_empty);
			bad++;
		}
	}
	return bad;
}

int mm_heap_check_slab(struct mm_page *pg, size_t *objects, size_t *bytes)
{
	unsigned int c = pg->cls, n, used, cached;
	bool listed = pg->flags & MM_PF_MARK;

	pg->flags &= ~MM_PF_MARK;
	if (c >= MM_NR_CLASSES) {
		printk(LOG_ERR, "mm_check: slab %p: class %u\n", pg, c);
		return 1;
	}
	n = mm_class_objects(c);
	for (unsigned int w = 0; w < MM_SLAB_WORDS; w++) {
		unsigned long fixed = mm_slab_word_init(n, w);

		if ((pg->used[w] & fixed) != fixed) {
			printk(LOG_ERR, "mm_check: slab %p: bitmap word %u\n",
			       pg, w);
			return 1;
		}
	}
	used = bitmap_weight(pg->used, n);
	*objects += used;
	*bytes += (size_t)used << (c + MM_HEAP_SHIFT);
	/* The magazine's objects are free to the bitmap, in use to inuse. */
	cached = mag_count(pg);
	if (used + cached != pg->inuse || listed != (pg->inuse < n)) {
		printk(LOG_ERR,
		       "mm_check: slab %p: %u objects in the bitmap, %u in the "
		       "magazine, inuse %u, %slisted\n",
		       pg, used, cached, pg->inuse, listed ? "" : "not ");
		return 1;
	}
	return 0;
}
