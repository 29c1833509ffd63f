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
 */
#include "kernel/mm/mm_priv.h"
#include "kernel/printk.h"
#include "lib/bitmap.h"

#define S mm_state

#define MIN_SHIFT  4 /* log2(MM_HEAP_MIN) */
#define NR_CLASSES 8
BUILD_BUG_ON(MM_HEAP_MIN << (NR_CLASSES - 1) != MM_HEAP_MAX);
BUILD_BUG_ON(PAGE_SIZE / MM_HEAP_MIN > BITS_PER_LONG * MM_SLAB_WORDS);
BUILD_BUG_ON(BITS_PER_LONG != 64);

/*
 * The slab objects' counts are kept per class and summed only when asked
 * for (mm_heap_add_stats): one counter per alloc or free instead of three
 * shared ones is a tenth of a small alloc+free pair (make bench-host).
 * Large objects count straight into mm_state.st.
 */
struct heap_class {
	struct mm_page *partial;
	unsigned int nr_empty; /* slabs on `partial` with no object in use */
	uint64_t allocs, frees;
};

static struct heap_class heap[NR_CLASSES];

static unsigned int size_class(size_t size)
{
	if (size <= MM_HEAP_MIN)
		return 0;
	return 64 - __builtin_clzl(size - 1) - MIN_SHIFT;
}

static unsigned int class_objects(unsigned int c)
{
	return PAGE_SIZE >> (c + MIN_SHIFT);
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

/* Bits that stand for no object: set for good. */
static unsigned long slab_word_init(unsigned int n, unsigned int w)
{
	if (n >= (w + 1) * 64)
		return 0;
	if (n <= w * 64)
		return ~0UL;
	return ~0UL << (n - w * 64);
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
		pg->used[w] = slab_word_init(class_objects(c), w);
	/* Every free object holds poison, so allocation can check it. */
	if (!poisoned)
		mm_poison(mm_page_addr(pg), PAGE_SIZE);
	slab_push(&heap[c].partial, pg);
	heap[c].nr_empty++;
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

static void *slab_alloc(unsigned int c)
{
	struct heap_class *hc = &heap[c];
	struct mm_page *pg;
	unsigned int idx;
	bool irq = mm_lock();

	pg = hc->partial;
	if (unlikely(!pg) && !(pg = slab_new(c))) {
		S.st.heap_fails++;
		mm_unlock(irq);
		return NULL;
	}
	idx = slab_take(pg);
	if (!pg->inuse++)
		hc->nr_empty--;
	if (pg->inuse == class_objects(c))
		slab_del(&hc->partial, pg);
	hc->allocs++;
	mm_unlock(irq);
	return (char *)mm_page_addr(pg) + ((size_t)idx << (c + MIN_SHIFT));
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
	slab_del(&heap[pg->cls].partial, pg);
	heap[pg->cls].nr_empty--;
	S.st.heap_pages--;
	/* Every object was poisoned as it was freed: the page is poison. */
	mm_block_put_locked(pg, true);
}

/* Free an object of a slab, or say why not (then nothing changed). */
static const char *slab_free(struct mm_page *pg, void *p)
{
	unsigned int c = pg->cls, shift = c + MIN_SHIFT;
	uintptr_t off = (uintptr_t)p & (PAGE_SIZE - 1);
	unsigned int idx = off >> shift;

	if (off & ((1UL << shift) - 1))
		return "not the start of an object";
	if (!bitmap_test_bit(pg->used, idx))
		return "double free";
	/* Poison before the bit clears: a freed object never looks live. */
	mm_fill(p, MM_POISON_WORD, 1UL << shift);
	bitmap_clear_bit(pg->used, idx);
	if (pg->inuse-- == class_objects(c))
		slab_push(&heap[c].partial, pg);
	if (!pg->inuse && heap[c].nr_empty++)
		slab_release(pg);
	heap[c].frees++;
	return NULL;
}

static void large_free(void *p, const void *caller)
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
	const void *caller = __builtin_return_address(0);
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
			mm_bad_free("heap", p, why, caller);
		return;
	}
	mm_unlock(irq);
	/* Anything else must be a large object; that path says why not. */
	large_free(p, caller);
}

void mm_heap_trim(void)
{
	bool irq = mm_lock();

	for (unsigned int c = 0; c < NR_CLASSES; c++) {
		struct mm_page *pg, *next;

		for (pg = heap[c].partial; pg && heap[c].nr_empty; pg = next) {
			next = pg->next;
			if (!pg->inuse)
				slab_release(pg);
		}
	}
	mm_unlock(irq);
}

void mm_heap_add_stats(struct mm_stats *st)
{
	for (unsigned int c = 0; c < NR_CLASSES; c++) {
		size_t live = heap[c].allocs - heap[c].frees;

		st->heap_allocs += heap[c].allocs;
		st->heap_frees += heap[c].frees;
		st->heap_objects += live;
		st->heap_bytes += live << (c + MIN_SHIFT);
	}
}

/* A slab on a class list that does not belong there. */
static bool slab_misplaced(const struct mm_page *pg, unsigned int c)
{
	return pg->state != MM_PAGE_SLAB || pg->cls != c ||
	       (pg->flags & MM_PF_MARK);
}

int mm_heap_check_lists(void)
{
	int bad = 0;

	for (unsigned int c = 0; c < NR_CLASSES; c++) {
		struct mm_page *pg, *prev = NULL;
		unsigned int empty = 0;

		for (pg = heap[c].partial; pg; prev = pg, pg = pg->next) {
			/* Stops at the first bad link, so a cycle ends too. */
			if (slab_misplaced(pg, c) || pg->prev != prev ||
			    pg->inuse >= class_objects(c)) {
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
		if (!pg && (empty != heap[c].nr_empty || empty > 1)) {
			printk(LOG_ERR,
			       "mm_check: class %u: %u empty slabs, count says "
			       "%u\n",
			       c, empty, heap[c].nr_empty);
			bad++;
		}
	}
	return bad;
}

int mm_heap_check_slab(struct mm_page *pg, size_t *objects, size_t *bytes)
{
	unsigned int c = pg->cls, n, used;
	bool listed = pg->flags & MM_PF_MARK;

	pg->flags &= ~MM_PF_MARK;
	if (c >= NR_CLASSES) {
		printk(LOG_ERR, "mm_check: slab %p: class %u\n", pg, c);
		return 1;
	}
	n = class_objects(c);
	for (unsigned int w = 0; w < MM_SLAB_WORDS; w++) {
		unsigned long fixed = slab_word_init(n, w);

		if ((pg->used[w] & fixed) != fixed) {
			printk(LOG_ERR, "mm_check: slab %p: bitmap word %u\n",
			       pg, w);
			return 1;
		}
	}
	used = bitmap_weight(pg->used, n);
	*objects += used;
	*bytes += (size_t)used << (c + MIN_SHIFT);
	if (used != pg->inuse || listed != (used < n)) {
		printk(LOG_ERR,
		       "mm_check: slab %p: %u objects in the bitmap, inuse %u, "
		       "%slisted\n",
		       pg, used, pg->inuse, listed ? "" : "not ");
		return 1;
	}
	return 0;
}
