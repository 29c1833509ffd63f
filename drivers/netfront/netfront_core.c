/*
 * netfront core: the shared rings' life cycle, the page pool, ending
 * grants (MSA02), the producer-index checks and marking the device broken.
 * Xen is reached only through nf->ops, so the host tests build this file.
 *
 * Accounting: st.pages_held counts every page the device owns (ring pages,
 * pool, buffers in flight) and st.grants_held every reference it must still
 * end.  A page the backend still maps at release goes to the grant
 * quarantine: it leaves both counts and is counted in quarantined_pages.
 * After netfront_rings_release() both counts are zero.
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

/* End access and give the page up for good: freed or quarantined. */
static void slot_free(struct netfront *nf, grant_ref_t ref, void *page)
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
		slot_free(nf, s->ref, s->page);
	else
		pr_err("netfront: ending grant %u failed: %d\n", s->ref, rc);
	/*
	 * Issue 9: a copy-mode backend never answers a buffer it still
	 * maps; one that does would cost us a page per request.  Break the
	 * device, as Linux netfront does since its 2021 hardening.
	 */
	if (rc == -EBUSY && !NETFRONT_BUGGY_DRAIN)
		netfront_broken(nf, NETFRONT_ERR_STILL_MAPPED,
				"grant %u answered while still mapped", s->ref);
	s->page = NULL;
	return false;
}

void netfront_slot_drop(struct netfront *nf, struct netfront_slot *s)
{
	if (s->page)
		slot_free(nf, s->ref, s->page);
	s->page = NULL;
}

static void reset(struct netfront *nf, domid_t backend)
{
	memset(nf->tx_slot, 0, sizeof(nf->tx_slot));
	memset(nf->rx_slot, 0, sizeof(nf->rx_slot));
	netfront_ids_init(&nf->tx_ids, NETFRONT_TX_RING_SIZE);
	netfront_ids_init(&nf->rx_ids, NETFRONT_RX_RING_SIZE);
	nf->backend = backend;
	nf->tx_seen = nf->rx_seen = 0;
	nf->rx_target = NETFRONT_RX_TARGET;
	nf->in_rx = nf->in_tx = false;
	nf->state.broken = false;
	nf->state.broken_kind = NETFRONT_ERR_NONE;
	nf->state.broken_reason[0] = '\0';
	nf->st.tx_inflight = nf->st.rx_posted = 0;
}

/* A zeroed ring page granted to the backend; NULL on failure. */
static void *ring_page(struct netfront *nf, grant_ref_t *ref)
{
	void *page = mm_page_alloc_zeroed(0);

	if (!page)
		return NULL;
	if (nf->ops->grant(nf->ctx, page, false, ref)) {
		nf->st.grant_fails++;
		mm_page_free(page, 0);
		return NULL;
	}
	nf->st.pages_held++;
	nf->st.grants_held++;
	return page;
}

int netfront_rings_init(struct netfront *nf, domid_t backend)
{
	netif_tx_sring_t *txs;
	netif_rx_sring_t *rxs;
	bool irq;

	ASSERT(!nf->rings_up);
	reset(nf, backend);
	txs = ring_page(nf, &nf->tx_ring_ref);
	if (!txs)
		return -ENOMEM;
	rxs = ring_page(nf, &nf->rx_ring_ref);
	if (!rxs) {
		slot_free(nf, nf->tx_ring_ref, txs);
		return -ENOMEM;
	}
	SHARED_RING_INIT(txs);
	FRONT_RING_INIT(&nf->tx, txs, PAGE_SIZE);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&nf->rx, rxs, PAGE_SIZE);
	irq = netfront_lock();
	nf->rings_up = true;
	nf->state.up = true;
	/* Buffers are there before the backend looks; short is not fatal. */
	netfront_rx_refill(nf, true);
	netfront_unlock(irq);
	return 0;
}

void netfront_rings_release(struct netfront *nf)
{
	bool irq = netfront_lock();

	if (nf->rings_up) {
		nf->state.up = false;
		netfront_tx_release(nf);
		netfront_rx_release(nf);
		slot_free(nf, nf->tx_ring_ref, nf->tx.sring);
		slot_free(nf, nf->rx_ring_ref, nf->rx.sring);
		nf->tx.sring = NULL;
		nf->rx.sring = NULL;
		while (nf->st.pool_pages) {
			mm_page_free(nf->pool[--nf->st.pool_pages], 0);
			nf->st.pages_held--;
		}
		nf->rings_up = false;
	}
	netfront_unlock(irq);
}

bool netfront_work(struct netfront *nf)
{
	bool irq = netfront_lock();
	int tx = 0, rx = 0;

	if (nf->rings_up && !nf->state.broken) {
		tx = netfront_tx_reap(nf);
		rx = netfront_rx_reap(nf);
	}
	netfront_unlock(irq);
	/* A violation found is work too: it was not a spurious event. */
	return tx || rx;
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
