/*
 * Grant table core: the reference allocator and the grant entries, over a
 * struct gnttab_table whose frames come from an injected add_frame().  The
 * kernel (gnttab.c) backs it with Xen's frames; tests/host/ with plain
 * memory, playing Xen and the peer themselves.
 *
 * Invariants: a reference is in exactly one state (gnttab.h); only FREE
 * references are on the free list and only QUARANTINED ones on the
 * quarantine list; the entry of a FREE reference has flags 0.
 */
#include "kernel/arch.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "lib/errno.h"
#include "lib/string.h"

BUILD_BUG_ON(sizeof(grant_entry_v1_t) != 8);
BUILD_BUG_ON(GNTTAB_PER_FRAME != 512);
BUILD_BUG_ON(GNTTAB_NR_RESERVED_ENTRIES >= GNTTAB_PER_FRAME);

/* One frame's metadata: 512 * 16 bytes, an order-1 block. */
#define META_ORDER 1
BUILD_BUG_ON(sizeof(struct gnttab_ref_meta) * GNTTAB_PER_FRAME !=
	     (PAGE_SIZE << META_ORDER));

bool gnttab_lock(void)
{
	return arch_irq_save();
}

void gnttab_unlock(bool was_on)
{
	arch_irq_restore(was_on);
}

void gnttab_table_init(struct gnttab_table *t,
		       const struct gnttab_table_ops *ops, void *ctx,
		       unsigned int max_frames)
{
	memset(t, 0, sizeof(*t));
	t->ops = ops;
	t->ctx = ctx;
	t->max_frames = MIN(max_frames, GNTTAB_MAX_FRAMES);
	t->free_head = t->free_tail = GNTTAB_REF_NONE;
	t->q_head = GNTTAB_REF_NONE;
	t->st.max_frames = t->max_frames;
}

void gnttab_table_fini(struct gnttab_table *t)
{
	ASSERT(!t->st.refs_granted && !t->st.quarantined_refs);
	for (unsigned int i = 0; i < t->nr_frames; i++)
		mm_page_free(t->meta[i], META_ORDER);
	t->nr_frames = 0;
}

static bool ref_in_table(const struct gnttab_table *t, grant_ref_t ref)
{
	return ref / GNTTAB_PER_FRAME < t->nr_frames;
}

grant_entry_v1_t *gnttab_table_entry(struct gnttab_table *t, grant_ref_t ref)
{
	if (!ref_in_table(t, ref))
		return NULL;
	return &t->frame[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
}

struct gnttab_ref_meta *gnttab_table_meta(struct gnttab_table *t,
					  grant_ref_t ref)
{
	if (!ref_in_table(t, ref))
		return NULL;
	return &t->meta[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
}

enum gnttab_ref_state gnttab_table_ref_state(struct gnttab_table *t,
					     grant_ref_t ref)
{
	struct gnttab_ref_meta *m = gnttab_table_meta(t, ref);

	return m ? m->state : GNTTAB_REF_RESERVED;
}

void gnttab_table_put_ref(struct gnttab_table *t, grant_ref_t ref)
{
	struct gnttab_ref_meta *m = gnttab_table_meta(t, ref);

	m->state = GNTTAB_REF_FREE;
	m->page = NULL;
	m->next = GNTTAB_REF_NONE;
	if (t->free_tail == GNTTAB_REF_NONE)
		t->free_head = ref;
	else
		gnttab_table_meta(t, t->free_tail)->next = ref;
	t->free_tail = ref;
	t->st.refs_free++;
}

/*
 * Map the next table frame and put its references on the free list.  The
 * metadata comes first: if it cannot be had, Xen's table is left as it
 * was rather than holding a frame we cannot use.
 */
static int grow(struct gnttab_table *t)
{
	unsigned int idx = t->nr_frames;
	struct gnttab_ref_meta *meta;
	grant_entry_v1_t *entries;
	int rc;

	if (idx >= t->max_frames)
		return -ENOSPC;
	meta = mm_page_alloc_zeroed(META_ORDER);
	if (!meta)
		return -ENOMEM;
	rc = t->ops->add_frame(t->ctx, idx, &entries);
	if (rc) {
		mm_page_free(meta, META_ORDER);
		t->st.grow_fails++;
		pr_warn("gnttab: cannot add table frame %u: %d\n", idx, rc);
		return rc == -ENOMEM ? rc : -ENOSPC;
	}
	t->frame[idx] = entries;
	t->meta[idx] = meta;
	t->nr_frames = idx + 1;
	t->st.nr_frames = t->nr_frames;
	/* Zeroed metadata reads RESERVED: the toolstack's refs stay so. */
	for (unsigned int i = 0; i < GNTTAB_PER_FRAME; i++) {
		grant_ref_t ref = idx * GNTTAB_PER_FRAME + i;

		if (ref >= GNTTAB_NR_RESERVED_ENTRIES)
			gnttab_table_put_ref(t, ref);
	}
	return 0;
}

static int get_ref(struct gnttab_table *t, grant_ref_t *ref)
{
	struct gnttab_ref_meta *m;
	int rc;

	if (t->free_head == GNTTAB_REF_NONE) {
		rc = grow(t);
		if (rc)
			return rc;
	}
	*ref = t->free_head;
	m = gnttab_table_meta(t, *ref);
	ASSERT(m->state == GNTTAB_REF_FREE);
	t->free_head = m->next;
	if (t->free_head == GNTTAB_REF_NONE)
		t->free_tail = GNTTAB_REF_NONE;
	m->state = GNTTAB_REF_GRANTED;
	t->st.refs_free--;
	return 0;
}

/*
 * The per-peer quarantine counts live in the table and are read here, at
 * grant time (issue 9's bound); gnttab_quarantine.c fills and empties
 * them, through gnttab_table_q_slot(), and calls into this file, never
 * the reverse.
 */
int gnttab_table_q_slot(const struct gnttab_table *t, domid_t domid, bool add)
{
	int free = -1;

	for (int i = 0; i < GNTTAB_Q_PEERS; i++) {
		if (t->q_peer[i].refs && t->q_peer[i].domid == domid)
			return i;
		if (!t->q_peer[i].refs && free < 0)
			free = i;
	}
	return add ? free : -1;
}

uint32_t gnttab_table_quarantined_for(const struct gnttab_table *t,
				      domid_t domid)
{
	int i = gnttab_table_q_slot(t, domid, false);

	return i < 0 ? 0 : t->q_peer[i].refs;
}

#if BUGGY(DRAIN)
/* The drain switched back on: the quarantine grows without a bound. */
int gnttab_table_q_admit(struct gnttab_table *t, domid_t domid)
{
	return 0;
}
#else
int gnttab_table_q_admit(struct gnttab_table *t, domid_t domid)
{
	/*
	 * Issue 9: each reference a peer keeps mapped costs us a page for as
	 * long as it likes.  Past the bounds, grant it nothing more: losing
	 * the device beats losing our memory.
	 */
	if (t->st.quarantined_refs >= GNTTAB_QUARANTINE_MAX ||
	    gnttab_table_quarantined_for(t, domid) >=
		GNTTAB_QUARANTINE_PEER_MAX ||
	    (t->st.quarantined_refs &&
	     gnttab_table_q_slot(t, domid, true) < 0)) {
		t->st.q_refused++;
		return -ENOSPC;
	}
	return 0;
}
#endif

int gnttab_table_grant(struct gnttab_table *t, domid_t domid, uint64_t gfn,
		       bool readonly, grant_ref_t *ref)
{
	grant_entry_v1_t *e;
	bool irq;
	int rc;

	/* v1 entries hold a 32-bit frame number. */
	if (gfn > UINT32_MAX || domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	irq = gnttab_lock();
	rc = gnttab_table_q_admit(t, domid);
	if (rc) {
		gnttab_unlock(irq);
		return rc;
	}
	rc = get_ref(t, ref);
	if (rc) {
		t->st.exhausted++;
		gnttab_unlock(irq);
		return rc;
	}
	e = gnttab_table_entry(t, *ref);
	e->domid = domid;
	e->frame = (uint32_t)gfn;
	/* Xen must see domid and frame before the entry becomes valid. */
	wmb();
	WRITE_ONCE(e->flags, GTF_permit_access | (readonly ? GTF_readonly : 0));
	t->st.refs_granted++;
	t->st.grants++;
	gnttab_unlock(irq);
	return 0;
}

#if BUGGY(MSA02)
/*
 * MSA02 switched back on, for the tests to show failing: the old Mini-OS
 * / mirage-xen behaviour of reporting success whatever Xen says, so a
 * page the peer still maps gets freed and its reference reissued.
 */
int gnttab_entry_try_end(grant_entry_v1_t *e)
{
	WRITE_ONCE(e->flags, 0);
	return 0;
}
#else
/*
 * MSA02 / XSA-396: one compare-and-exchange, not "query, then end": Xen
 * sets GTF_reading / GTF_writing when the peer maps, and if that happens
 * between a separate check and the store, the peer keeps a mapping of a
 * page we then reuse.  The exchange only succeeds on the flags we saw,
 * which we saw without those bits; if they changed, look again.
 */
int gnttab_entry_try_end(grant_entry_v1_t *e)
{
	uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_SEQ_CST);

	do {
		if (flags & (GTF_reading | GTF_writing))
			return -EBUSY;
	} while (!__atomic_compare_exchange_n(
	    &e->flags, &flags, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return 0;
}
#endif

void (*gnttab_test_end_hook)(grant_ref_t ref);

#if BUGGY(XSA396)
/*
 * XSA-396 switched back on, for the tests to show failing: Linux's
 * frontends before the fix asked whether the peer still mapped the page
 * (gnttab_query_foreign_access), then ended access ignoring the result.
 * A peer that maps between the two keeps its mapping of a page we free.
 */
int gnttab_table_end_entry(struct gnttab_table *t, grant_ref_t ref)
{
	grant_entry_v1_t *e = gnttab_table_entry(t, ref);

	if (READ_ONCE(e->flags) & (GTF_reading | GTF_writing))
		return -EBUSY;
	if (gnttab_test_end_hook)
		gnttab_test_end_hook(ref);
	if (gnttab_entry_try_end(e)) {
		/* The bug: "it was not mapped when we looked". */
	}
	return 0;
}
#else
int gnttab_table_end_entry(struct gnttab_table *t, grant_ref_t ref)
{
	if (gnttab_test_end_hook)
		gnttab_test_end_hook(ref);
	/* XSA-396: the one exchange decides; no query before it. */
	return gnttab_entry_try_end(gnttab_table_entry(t, ref));
}
#endif

bool gnttab_table_granted(struct gnttab_table *t, grant_ref_t ref)
{
	if (gnttab_table_ref_state(t, ref) == GNTTAB_REF_GRANTED)
		return true;
	t->st.bad_refs++;
	return false;
}

void gnttab_table_ended(struct gnttab_table *t, grant_ref_t ref)
{
	t->st.refs_granted--;
	t->st.ends++;
	gnttab_table_put_ref(t, ref);
}

int gnttab_table_end(struct gnttab_table *t, grant_ref_t ref)
{
	bool irq = gnttab_lock();
	int rc = -EINVAL;

	if (!gnttab_table_granted(t, ref))
		goto out;
	rc = gnttab_table_end_entry(t, ref);
	if (rc) {
		t->st.end_busy++;
		goto out;
	}
	gnttab_table_ended(t, ref);
out:
	gnttab_unlock(irq);
	return rc;
}
