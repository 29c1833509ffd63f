/*
 * netfront core: the helpers every ring file uses: the page pool, ending
 * grants (MSA02), the producer-index checks and marking the device broken.
 * It calls none of them; the rings' life cycle and the work loop that
 * drive rx and tx are netfront_rings.c's.  Xen is reached only through
 * nf->ops, so the host tests build this file.
 *
 * Accounting: st.pages_held counts every page the device owns (ring pages,
 * pool, buffers in flight) and st.grants_held every reference it must still
 * end.  A page the backend still maps at release goes to the grant
 * quarantine: it leaves both counts and is counted in quarantined_pages.
 * After netfront_rings_release() (netfront_rings.c) both counts are zero.
 */
#include "drivers/netfront/netfront_priv.h"
#include "kernel/arch.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/printf.h"

static const char *const err_names[NETFRONT_ERR_COUNT] = {
    [NETFRONT_ERR_NONE] = "none",
    [NETFRONT_ERR_BAD_ID] = "bad-id",
    [NETFRONT_ERR_STALE_ID] = "stale-id",
    [NETFRONT_ERR_DUP_ID] = "dup-id",
    [NETFRONT_ERR_BAD_STATUS] = "bad-status",
    [NETFRONT_ERR_RX_BOUNDS] = "rx-bounds",
    [NETFRONT_ERR_RX_FLAGS] = "rx-flags",
    [NETFRONT_ERR_PROD_OVERFLOW] = "prod-overflow",
    [NETFRONT_ERR_PROD_REWIND] = "prod-rewind",
    [NETFRONT_ERR_STILL_MAPPED] = "still-mapped",
};

const char *netfront_err_name(enum netfront_err kind)
{
	if ((unsigned int)kind >= NETFRONT_ERR_COUNT)
		return "?";
	return err_names[kind];
}

bool netfront_lock(void)
{
	return arch_irq_save();
}

void netfront_unlock(bool was_on)
{
	arch_irq_restore(was_on);
}

void netfront_broken(struct netfront *nf, enum netfront_err kind,
		     const char *fmt, ...)
{
	va_list ap;

	nf->st.proto_errors[kind]++;
	/* One line per device: a hostile backend must not flood the log. */
	if (nf->state.broken)
		return;
	nf->state.broken = true;
	nf->state.up = false;
	nf->state.broken_kind = kind;
	va_start(ap, fmt);
	vsnprintf(nf->state.broken_reason, sizeof(nf->state.broken_reason), fmt,
		  ap);
	va_end(ap);
	pr_err("netfront: backend %u broke the protocol (%s): %s: device "
	       "broken\n",
	       nf->backend, netfront_err_name(kind), nf->state.broken_reason);
}

bool netfront_prod_ok(struct netfront *nf, const char *ring, RING_IDX prod,
		      bool overflow, RING_IDX cons, RING_IDX req_prod,
		      RING_IDX *seen)
{
	/* Untrusted-input rule: the producer never goes backwards... */
	if ((int32_t)(prod - *seen) < 0) {
		netfront_broken(nf, NETFRONT_ERR_PROD_REWIND,
				"%s rsp_prod %u went back from %u", ring, prod,
				*seen);
		return false;
	}
	/* ...nor runs more than a ring, or than our requests, ahead. */
	if (overflow || prod - cons > req_prod - cons) {
		netfront_broken(nf, NETFRONT_ERR_PROD_OVERFLOW,
				"%s rsp_prod %u is %u past rsp_cons %u, %u "
				"requested",
				ring, prod, prod - cons, cons, req_prod - cons);
		return false;
	}
	*seen = prod;
	return true;
}

void *netfront_page_get(struct netfront *nf)
{
	void *page;

	if (nf->st.pool_pages)
		return nf->pool[--nf->st.pool_pages];
	page = mm_page_alloc(0);
	if (page)
		nf->st.pages_held++;
	return page;
}

void netfront_page_put(struct netfront *nf, void *page)
{
	/* Kept as it is: zeroing is the job of whoever grants it next. */
	if (nf->st.pool_pages < NETFRONT_POOL_MAX) {
		nf->pool[nf->st.pool_pages++] = page;
		return;
	}
	mm_page_free(page, 0);
	nf->st.pages_held--;
}

void netfront_grant_free(struct netfront *nf, grant_ref_t ref, void *page)
{
	int rc = nf->ops->end_and_free(nf->ctx, ref, page);

	if (rc && rc != -EBUSY) {
		/* Our own bookkeeping is wrong: keep the page, say so. */
		pr_err("netfront: ending grant %u failed: %d\n", ref, rc);
		return;
	}
	nf->st.grants_held--;
	nf->st.pages_held--;
	/* MSA02: still mapped, so the quarantine owns page and reference. */
	if (rc == -EBUSY)
		nf->st.quarantined_pages++;
}

bool netfront_slot_end(struct netfront *nf, struct netfront_slot *s)
{
	int rc = nf->ops->end(nf->ctx, s->ref);

	if (!rc) {
		nf->st.grants_held--;
		return true;
	}
	/*
	 * MSA02: the backend answered but still maps the page.  It must not
	 * be reused or freed: the quarantine takes it until the unmap.
	 */
	if (rc == -EBUSY)
		netfront_grant_free(nf, s->ref, s->page);
	else
		pr_err("netfront: ending grant %u failed: %d\n", s->ref, rc);
	/*
	 * Issue 9: a copy-mode backend never answers a buffer it still
	 * maps; one that does would cost us a page per request.  Break the
	 * device, as Linux netfront does since its 2021 hardening.
	 */
	if (rc == -EBUSY && !BUGGY(DRAIN))
		netfront_broken(nf, NETFRONT_ERR_STILL_MAPPED,
				"grant %u answered while still mapped", s->ref);
	s->page = NULL;
	return false;
}

void netfront_slot_drop(struct netfront *nf, struct netfront_slot *s)
{
	if (s->page)
		netfront_grant_free(nf, s->ref, s->page);
	s->page = NULL;
}

unsigned int netfront_pool_poison(struct netfront *nf, uint8_t byte)
{
	bool irq = netfront_lock();
	unsigned int n = nf->st.pool_pages;

	for (unsigned int i = 0; i < n; i++)
		memset(nf->pool[i], byte, PAGE_SIZE);
	netfront_unlock(irq);
	return n;
}

bool netfront_pool_has(const struct netfront *nf, const void *page)
{
	for (unsigned int i = 0; i < nf->st.pool_pages; i++)
		if (nf->pool[i] == page)
			return true;
	return false;
}
