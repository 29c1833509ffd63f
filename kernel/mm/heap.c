/*
 * Size-class heap after Bonwick's slab allocator (USENIX Summer 1994),
 * reduced to one page per slab with the object bitmap kept out of line in
 * the page's struct mm_page.
 *
 * Class c holds objects of 16 << c bytes, aligned to their size, which
 * tile the page exactly.  Bitmap bit set = object handed out (bits past the
 * last object are set for good), so a free is checked against the bitmap
 * before anything changes: a second free, or a pointer that is not an
 * object start, is refused with the slab untouched.  Requests above
 * MM_HEAP_MAX take a power-of-two block of whole pages (MM_PAGE_LARGE).
 *
 * Per class: `partial` lists the slabs with a free object; full slabs are
 * on no list (found again through their page).  At most one slab on the
 * list is empty: a second one to empty goes back to the page allocator, so
 * an alloc/free pair at a slab boundary does not cost a page each time.
 *
 * In front of the slabs, per class, a magazine (Bonwick and Adams, USENIX
 * 2001): a small LIFO of objects freed last, handed out first.  An object
 * in it is free to the bitmap (bit clear: a second free of it is refused,
 * exactly as from a slab) and already poisoned, but still counted in its
 * slab's `inuse`, so its slab stays off the free lists and is never given
 * back while the magazine holds it.  slab_take() runs only when the
 * magazine is empty, so it never hands out a clear bit the magazine holds.
 * A pair then costs a push and a pop instead of the slab bookkeeping
 * (make bench-host: issue 11's goal of 1.5x glibc).  Per slab, inuse =
 * bits set + the magazine's objects in it; mm_heap_trim() empties the
 * magazines first.
 */
#include "kernel/mm/heap_priv.h"
#include "kernel/printk.h"
#include "lib/bitmap.h"

#define S mm_state

struct mm_heap_class mm_heap[MM_NR_CLASSES];

static unsigned int size_class(size_t size)
{
	if (size <= MM_HEAP_MIN)
		return 0;
	return 64 - __builtin_clzl(size - 1) - MM_HEAP_SHIFT;
}

static void slab_push(struct mm_page **head, struct mm_page *pg)
{
	pg->prev = NULL;
	pg->next = *head;
	if (pg->next)
		pg->next->prev = pg;
	*head = pg;
}

static void slab_del(struct mm_page **head, struct mm_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		*head = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->next = pg->prev = NULL;
}

/* A new, empty slab for class c, on its list.  Lock held. */
static __attribute__((noinline)) struct mm_page *slab_new(unsigned int c)
{
	struct mm_page *pg;
	bool poisoned;

	pg = mm_block_get(0, MM_PAGE_SLAB, &poisoned);
	if (!pg)
		return NULL;
	pg->cls = c;
	pg->inuse = 0;
	for (unsigned int w = 0; w < MM_SLAB_WORDS; w++)
		pg->used[w] = mm_slab_word_init(mm_class_objects(c), w);
	/* Every free object holds poison, so allocation can check it. */
	if (!poisoned)
		mm_poison(mm_page_addr(pg), PAGE_SIZE);
	slab_push(&mm_heap[c].partial, pg);
	mm_heap[c].nr_empty++;
	S.st.heap_pages++;
	return pg;
}

/* Lowest free object; the slab has one (it is on the partial list). */
static unsigned int slab_take(struct mm_page *pg)
{
	for (unsigned int w = 0;; w++) {
		unsigned long avail = ~pg->used[w];

		if (avail) {
			unsigned int idx = w * 64 + __builtin_ctzl(avail);

			bitmap_set_bit(pg->used, idx);
			return idx;
		}
	}
}

/*
 * An object from the slabs: the magazine is empty.  Lock held.  Out of
 * line, so the magazine's path (slab_alloc) saves few registers.
 */
static __attribute__((noinline)) void *slab_alloc_slow(unsigned int c)
{
	struct mm_heap_class *hc = &mm_heap[c];
	struct mm_page *pg = hc->partial;
	unsigned int idx;

	if (unlikely(!pg) && !(pg = slab_new(c))) {
		S.st.heap_fails++;
		return NULL;
	}
	idx = slab_take(pg);
	if (!pg->inuse++)
		hc->nr_empty--;
	if (pg->inuse == mm_class_objects(c))
		slab_del(&hc->partial, pg);
	hc->allocs++;
	return (char *)mm_page_addr(pg) + ((size_t)idx << (c + MM_HEAP_SHIFT));
}

static void *slab_alloc(unsigned int c)
{
	struct mm_heap_class *hc = &mm_heap[c];
	bool irq = mm_lock();
	void *p;

	if (likely(hc->mag_n)) {
		/* Newest first: still in cache; its slab counted it in use. */
		unsigned int n = --hc->mag_n;

		p = hc->mag[n];
		bitmap_set_bit(hc->mag_pg[n]->used,
			       ((uintptr_t)p & (PAGE_SIZE - 1)) >>
				   (c + MM_HEAP_SHIFT));
		hc->allocs++;
	} else {
		p = slab_alloc_slow(c);
	}
	mm_unlock(irq);
	return p;
}

static __attribute__((noinline)) void *large_alloc(size_t size, bool zero)
{
	size_t pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned int order = pages <= 1 ? 0 : 64 - __builtin_clzl(pages - 1);
	struct mm_page *pg;
	bool poisoned = false;
	bool irq;

	if (size > (PAGE_SIZE << MM_MAX_ORDER))
		order = MM_MAX_ORDER + 1; /* fails below, and is counted */
	irq = mm_lock();
	pg = mm_block_get(order, MM_PAGE_LARGE, &poisoned);
	if (pg) {
		S.st.heap_allocs++;
		S.st.heap_objects++;
		S.st.heap_bytes += PAGE_SIZE << order;
		S.st.heap_pages += 1UL << order;
	} else {
		S.st.heap_fails++;
	}
	mm_unlock(irq);
	if (!pg)
		return NULL;
	mm_prepare(mm_page_addr(pg), PAGE_SIZE << order,
		   poisoned ? MM_HEAP_CHECK : 0, zero);
	return mm_page_addr(pg);
}

static inline void *heap_alloc(size_t size, bool zero)
{
	size_t csize, check;
	unsigned int c;
	void *p;

	if (unlikely(size - 1 >= MM_HEAP_MAX))
		return size ? large_alloc(size, zero) : NULL;
	c = size_class(size);
	csize = (size_t)MM_HEAP_MIN << c;
	p = slab_alloc(c);
	if (unlikely(!p))
		return NULL;
	check = MIN(csize, MM_HEAP_CHECK);
	/* The usual case inline: check the poison, nothing to zero. */
	if (likely(READ_ONCE(S.opts) == MM_OPT_CHECK_POISON && !zero)) {
		if (unlikely(!mm_poison_intact(p, check)))
			mm_poison_report(p, check);
	} else {
		mm_prepare(p, csize, check, zero);
	}
	return p;
}

void *mm_alloc(size_t size)
{
	return heap_alloc(size, false);
}

void *mm_zalloc(size_t size)
{
	return heap_alloc(size, true);
}

/* A second empty slab in its class goes back to the page allocator. */
static void slab_release(struct mm_page *pg)
{
	slab_del(&mm_heap[pg->cls].partial, pg);
	mm_heap[pg->cls].nr_empty--;
	S.st.heap_pages--;
	/* Every object was poisoned as it was freed: the page is poison. */
	mm_block_put_locked(pg, true);
}

/*
 * Give an object whose bit is clear back to its slab's free pool (the
 * magazine is full, or being emptied).  Out of line, as slab_alloc_slow.
 */
static __attribute__((noinline)) void slab_put(struct mm_page *pg)
{
	unsigned int c = pg->cls;

	if (pg->inuse-- == mm_class_objects(c))
		slab_push(&mm_heap[c].partial, pg);
	if (!pg->inuse && mm_heap[c].nr_empty++)
		slab_release(pg);
}

/* Free an object of a slab, or say why not (then nothing changed). */
static const char *slab_free(struct mm_page *pg, void *p)
{
	unsigned int c = pg->cls, shift = c + MM_HEAP_SHIFT;
	uintptr_t off = (uintptr_t)p & (PAGE_SIZE - 1);
	unsigned int idx = off >> shift;
	struct mm_heap_class *hc = &mm_heap[c];

	if (off & ((1UL << shift) - 1))
		return "not the start of an object";
	/* Clear for an object in the magazine too: refused the same way. */
	if (!bitmap_test_bit(pg->used, idx))
		return "double free";
	/* Poison before the bit clears: a freed object never looks live. */
	mm_fill(p, MM_POISON_WORD, 1UL << shift);
	bitmap_clear_bit(pg->used, idx);
	hc->frees++;
	if (likely(hc->mag_n < mm_mag_cap(c))) {
		hc->mag_pg[hc->mag_n] = pg;
		hc->mag[hc->mag_n++] = p;
	} else {
		slab_put(pg);
	}
	return NULL;
}

/* Every magazine's objects back to their slabs.  Lock held. */
static void mag_flush(void)
{
	for (unsigned int c = 0; c < MM_NR_CLASSES; c++) {
		while (mm_heap[c].mag_n)
			slab_put(mm_heap[c].mag_pg[--mm_heap[c].mag_n]);
	}
}

/* Out of line: the slab objects' path (mm_free) then saves few registers. */
static __attribute__((noinline)) void large_free(void *p, const void *caller)
{
	int order = mm_block_free(p, -1, MM_PAGE_LARGE, caller);
	bool irq;

	if (order < 0)
		return;
	irq = mm_lock();
	S.st.heap_frees++;
	S.st.heap_objects--;
	S.st.heap_bytes -= PAGE_SIZE << order;
	S.st.heap_pages -= 1UL << order;
	mm_unlock(irq);
}

void mm_free(void *p)
{
	/* The caller is read only on the refusal and large paths: not kept
	 * in a register across the lock's calls on the hot one. */
#define CALLER __builtin_return_address(0)
	struct mm_page *pg;
	const char *why;
	bool irq;

	if (!p)
		return;
	irq = mm_lock();
	pg = mm_page_meta(p);
	if (likely(pg && pg->state == MM_PAGE_SLAB)) {
		why = slab_free(pg, p);
		mm_unlock(irq);
		if (unlikely(why))
			mm_bad_free("heap", p, why, CALLER);
		return;
	}
	mm_unlock(irq);
	/* Anything else must be a large object; that path says why not. */
	large_free(p, CALLER);
#undef CALLER
}

void mm_heap_trim(void)
{
	bool irq = mm_lock();

	mag_flush();
	for (unsigned int c = 0; c < MM_NR_CLASSES; c++) {
		struct mm_page *pg, *next;

		for (pg = mm_heap[c].partial; pg && mm_heap[c].nr_empty;
		     pg = next) {
			next = pg->next;
			if (!pg->inuse)
				slab_release(pg);
		}
	}
	mm_unlock(irq);
}

void mm_heap_add_stats(struct mm_stats *st)
{
	for (unsigned int c = 0; c < MM_NR_CLASSES; c++) {
		size_t live = mm_heap[c].allocs - mm_heap[c].frees;

		st->heap_allocs += mm_heap[c].allocs;
		st->heap_frees += mm_heap[c].frees;
		st->heap_objects += live;
		st->heap_bytes += live << (c + MM_HEAP_SHIFT);
	}
}
