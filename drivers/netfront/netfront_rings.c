/*
 * netfront's rings: their life cycle (grant both pages, post the first RX
 * buffers; release everything, quarantining what the backend still maps)
 * and the work loop the event handler runs.  The orchestrator: it calls
 * rx and tx, which call only the helpers of netfront_core.c, so calls go
 * one way.  Xen is reached only through nf->ops (host tests build it).
 */
#include "drivers/netfront/netfront_priv.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

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
		netfront_grant_free(nf, nf->tx_ring_ref, txs);
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
		netfront_grant_free(nf, nf->tx_ring_ref, nf->tx.sring);
		netfront_grant_free(nf, nf->rx_ring_ref, nf->rx.sring);
		nf->tx.sring = NULL;
		nf->rx.sring = NULL;
		/*
		 * XSA-457 (netfront leaked memory on cleanup): every page the
		 * connection took goes back to the allocator, so connect and
		 * close cycles cost nothing.
		 */
		if (BUGGY(XSA457)) {
			nf->st.pages_held -= nf->st.pool_pages;
			nf->st.pool_pages = 0;
		}
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
