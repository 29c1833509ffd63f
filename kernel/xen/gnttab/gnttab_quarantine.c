/*
 * The grant quarantine (MSA02, XSA-396).  When access cannot be ended
 * because the peer still maps the page, neither the page nor the
 * reference may be reused: the page would hand the peer whatever we put
 * there next, the reference would let it keep access to a page granted
 * for something else.  Both go on a list threaded through the reference
 * metadata (no allocation on this path, so it cannot fail) and are
 * released exactly once, by a later retry that finds the peer gone.
 *
 * Who owns what: a GRANTED reference and its page belong to the caller; a
 * QUARANTINED one and its page to this file; after release, the page is
 * the allocator's and the reference the free list's.
 */
#include "kernel/printk.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "lib/errno.h"

/* Count a quarantined reference against its peer (lock held). */
static void q_charge(struct gnttab_table *t, grant_ref_t ref, int delta)
{
	domid_t domid = gnttab_table_entry(t, ref)->domid;
	int i = gnttab_table_q_slot(t, domid, delta > 0);

	/* More peers than slots: only when admit was bypassed (BUGGY). */
	if (i < 0)
		return;
	t->q_peer[i].domid = domid;
	t->q_peer[i].refs = (uint16_t)(t->q_peer[i].refs + delta);
}

static void quarantine(struct gnttab_table *t, grant_ref_t ref, void *page)
{
	struct gnttab_ref_meta *m = gnttab_table_meta(t, ref);

	q_charge(t, ref, 1);
	m->state = GNTTAB_REF_QUARANTINED;
	m->page = page;
	m->next = t->q_head;
	t->q_head = ref;
	t->st.refs_granted--;
	t->st.quarantined_refs++;
	if (page)
		t->st.quarantined_pages++;
	t->st.quarantined++;
}

int gnttab_table_end_and_free(struct gnttab_table *t, grant_ref_t ref,
			      void *page)
{
	bool irq = gnttab_lock();
	int rc = -EINVAL;

	if (!gnttab_table_granted(t, ref))
		goto out;
	rc = gnttab_table_end_entry(t, ref);
	if (rc == -EBUSY) {
		/* MSA02: still mapped, so no free and no reuse. */
		t->st.end_busy++;
		quarantine(t, ref, page);
		goto out;
	}
	gnttab_table_ended(t, ref);
	if (page)
		t->ops->free_page(t->ctx, page);
out:
	gnttab_unlock(irq);
	return rc;
}

/* The peer has unmapped: give the page and the reference back, once. */
static void release(struct gnttab_table *t, grant_ref_t ref)
{
	struct gnttab_ref_meta *m = gnttab_table_meta(t, ref);
	void *page = m->page;

	q_charge(t, ref, -1);
	t->st.quarantined_refs--;
	t->st.released_refs++;
	t->st.ends++;
	/* Clears m->page: nothing can free this page a second time. */
	gnttab_table_put_ref(t, ref);
	if (page) {
		t->st.quarantined_pages--;
		t->st.released_pages++;
		t->ops->free_page(t->ctx, page);
	}
}

unsigned int gnttab_table_retry(struct gnttab_table *t)
{
	grant_ref_t *link, ref;
	bool irq = gnttab_lock();
	unsigned int left = 0;

	link = &t->q_head;
	while ((ref = *link) != GNTTAB_REF_NONE) {
		struct gnttab_ref_meta *m = gnttab_table_meta(t, ref);

		ASSERT(m && m->state == GNTTAB_REF_QUARANTINED);
		t->st.retries++;
		if (gnttab_entry_try_end(gnttab_table_entry(t, ref))) {
			link = &m->next;
			left++;
			continue;
		}
		*link = m->next; /* unlink before put_ref reuses m->next */
		release(t, ref);
	}
	gnttab_unlock(irq);
	return left;
}
