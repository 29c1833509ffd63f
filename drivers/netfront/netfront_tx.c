/*
 * netfront TX: one frame per request, in one pool page at offset 0.
 * Frames are at most 1514 bytes (no MTU above 1500 is offered to the
 * stack), so a frame never crosses a page and scatter-gather is not needed:
 * we do not ask for feature-sg, and never set NETTXF_more_data.
 *
 * A request owns its id, page and grant from push to response (MSA00); at
 * the response the grant is ended, and only if that worked does the page
 * go back to the pool (MSA02).  Pool pages keep the last frame's bytes;
 * they are cleared at the next use, before the grant (MSA01).
 */
#include "drivers/netfront/netfront_priv.h"
#include "kernel/printk.h"
#include "lib/errno.h"

/* netdev.h's "device down"; lib/errno.h may not spell it. */
#ifdef ENETDOWN
#define NF_EDOWN ENETDOWN
#else
#define NF_EDOWN ENOTCONN
#endif

/* Ethernet header + 1500; the frames netdev.h allows. */
#define FRAME_MAX 1514

/* Copy the frame into a pool page, the rest of which must be zero. */
static void *tx_page(struct netfront *nf, const void *frame, size_t len)
{
	uint8_t *page = netfront_page_get(nf);

	if (!page)
		return NULL;
	memcpy(page, frame, len);
	/*
	 * MSA01, XSA-403: the backend may read the whole page; everything
	 * but this frame is zero, never a previous frame's bytes.
	 */
	if (!BUGGY(MSA01_ZERO))
		memset(page + len, 0, PAGE_SIZE - len);
	return page;
}

/*
 * BUGGY=xsa403: grant the page the caller's frame lies in (no bounce), as
 * frontends that shared sub-page buffers did: the backend then reads
 * whatever else that page holds.  NULL if the frame crosses a page.
 */
static void *tx_borrow(const void *frame, size_t len, uint16_t *off)
{
	uintptr_t va = (uintptr_t)frame;

	*off = (uint16_t)(va & (PAGE_SIZE - 1));
	if (len > PAGE_SIZE - *off)
		return NULL;
	return (void *)(va - *off);
}

/* Put the granted page on the ring as request `id` and push it. */
static void tx_push(struct netfront *nf, int id, void *page, grant_ref_t ref,
		    uint16_t off, size_t len)
{
	struct netfront_slot *s = &nf->tx_slot[id];
	netif_tx_request_t *req;
	int notify;

	s->page = page;
	s->ref = ref;
	s->len = (uint16_t)len;
	req = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);
	req->gref = ref;
	req->offset = off;
	/*
	 * One slot, no extras.  Our stack fills every checksum, so we say
	 * so (data_validated): Linux netback then hands dom0's stack the
	 * frame as checked (CHECKSUM_UNNECESSARY) instead of summing it
	 * again, as it does not for Linux netfront's blank sums.
	 */
	req->flags = NETTXF_data_validated;
	req->id = (uint16_t)id;
	req->size = (uint16_t)len;
	nf->tx.req_prod_pvt++;
	nf->st.tx_inflight++;
	if (nf->hooks.tx_push)
		nf->hooks.tx_push(nf->hooks.arg, (uint16_t)id, page, len);
	/* Notify only if the backend asked (req_event): batches for free. */
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
	if (notify) {
		nf->ops->notify(nf->ctx);
		nf->st.notifies++;
	}
}

static int tx_locked(struct netfront *nf, const void *frame, size_t len)
{
	uint16_t off = 0;
	bool borrowed = false;
	grant_ref_t ref;
	void *page = NULL;
	int id;

	if (!nf->rings_up || nf->state.broken)
		return -NF_EDOWN;
	if (RING_FULL(&nf->tx))
		netfront_tx_reap(nf);
	if (nf->state.broken)
		return -NF_EDOWN;
	if (RING_FULL(&nf->tx)) {
		nf->st.tx_busy++;
		return -EAGAIN;
	}
	/* XSA-403: never the caller's page; a bounce page of our own. */
	if (BUGGY(XSA403)) {
		page = tx_borrow(frame, len, &off);
		borrowed = page != NULL;
	}
	if (!page)
		page = tx_page(nf, frame, len);
	if (!page) {
		nf->st.tx_busy++;
		return -EAGAIN;
	}
	if (nf->ops->grant(nf->ctx, page, true, &ref)) {
		nf->st.grant_fails++;
		if (!borrowed)
			netfront_page_put(nf, page);
		return -EAGAIN;
	}
	nf->st.grants_held++;
	/* A free slot on the ring means a free id: ids = ring slots. */
	id = netfront_id_alloc(&nf->tx_ids);
	ASSERT(id >= 0);
	nf->tx_slot[id].borrowed = borrowed;
	tx_push(nf, id, page, ref, off, len);
	return 0;
}

int netfront_tx(struct netfront *nf, const void *frame, size_t len)
{
	bool irq;
	int rc;

	if (!len || len > FRAME_MAX)
		return -EINVAL;
	irq = netfront_lock();
	rc = tx_locked(nf, frame, len);
	netfront_unlock(irq);
	return rc;
}

/* Validate one copied response, then retire its request. */
static bool tx_response(struct netfront *nf, const netif_tx_response_t *rsp)
{
	enum netfront_err e = netfront_id_check(&nf->tx_ids, rsp->id);
	struct netfront_slot *s;
	uint16_t id;

	/* MSA00: the id must name a request of ours that is in flight. */
	if (e) {
		netfront_broken(nf, e, "tx response for id %u (%s)", rsp->id,
				netfront_err_name(e));
		return false;
	}
	switch (rsp->status) {
	case NETIF_RSP_OKAY:
	case NETIF_RSP_ERROR:
	case NETIF_RSP_DROPPED:
		break;
	default: /* NETIF_RSP_NULL only answers extra-info slots: none */
		netfront_broken(nf, NETFRONT_ERR_BAD_STATUS,
				"tx response id %u has status %d", rsp->id,
				rsp->status);
		return false;
	}
	id = netfront_id_slot(&nf->tx_ids, rsp->id);
	s = &nf->tx_slot[id];
	netfront_id_release(&nf->tx_ids, id);
	if (nf->hooks.tx_done)
		nf->hooks.tx_done(nf->hooks.arg, id, rsp->status);
	if (!s->page) /* only with BUGGY=msa00: someone else took it */
		return true;
	nf->st.tx_inflight--;
	if (rsp->status == NETIF_RSP_OKAY) {
		nf->st.tx_packets++;
		nf->st.tx_bytes += s->len;
	} else if (rsp->status == NETIF_RSP_ERROR) {
		nf->st.tx_errors++;
	} else {
		nf->st.tx_dropped++;
	}
	/* MSA02: back to the pool only once the backend cannot map it. */
	if (netfront_slot_end(nf, s) && !s->borrowed)
		netfront_page_put(nf, s->page);
	s->page = NULL;
	/* Still mapped: broken (issue 9); take no more responses. */
	return !nf->state.broken;
}

/*
 * Event suppression as io/ring.h intends it (and as Linux netfront did):
 * ask for the next TX event only once half of what is in flight, at most
 * NETFRONT_TX_EVENT_BATCH, has been answered, not at the very next
 * response.  Every request in flight is answered eventually, so the event
 * comes; a sender that finds the ring full reaps first anyway.  Then look
 * again, as RING_FINAL_CHECK_FOR_RESPONSES does, for a response that came
 * before the new rsp_event was visible.  Returns whether there is more.
 */
static int tx_rearm(struct netfront *nf)
{
	RING_IDX out = nf->tx.req_prod_pvt - nf->tx.rsp_cons;

	if (RING_HAS_UNCONSUMED_RESPONSES(&nf->tx))
		return 1;
	nf->tx.sring->rsp_event =
	    nf->tx.rsp_cons + MIN(out / 2, NETFRONT_TX_EVENT_BATCH) + 1;
	mb();
	return RING_HAS_UNCONSUMED_RESPONSES(&nf->tx);
}

int netfront_tx_reap(struct netfront *nf)
{
	netif_tx_response_t rsp;
	RING_IDX prod, cons;
	int n = 0, more;

	if (nf->in_tx || !nf->rings_up || nf->state.broken)
		return 0;
	nf->in_tx = true;
	do {
		prod = READ_ONCE(nf->tx.sring->rsp_prod);
		/* Responses after the index; pairs with the backend's wmb. */
		rmb();
		if (!netfront_prod_ok(
			nf, "tx", prod,
			RING_RESPONSE_PROD_OVERFLOW(&nf->tx, prod),
			nf->tx.rsp_cons, nf->tx.req_prod_pvt, &nf->tx_seen))
			goto bad;
		for (cons = nf->tx.rsp_cons; cons != prod; cons++) {
			/* XSA-155: one copy; the slot is never read again. */
			RING_COPY_RESPONSE(&nf->tx, cons, &rsp);
			if (!tx_response(nf, &rsp))
				goto bad;
			n++;
		}
		nf->tx.rsp_cons = prod;
		more = tx_rearm(nf);
	} while (more);
	nf->in_tx = false;
	return n;
bad:
	nf->in_tx = false;
	return -EPROTO;
}

void netfront_tx_release(struct netfront *nf)
{
	for (unsigned int id = 0; id < nf->tx_ids.size; id++) {
		struct netfront_slot *s = &nf->tx_slot[id];

		if (!s->page)
			continue;
		/* Never answered: lost with the connection. */
		nf->st.tx_dropped++;
		if (s->borrowed) { /* BUGGY=xsa403: not ours to free */
			netfront_slot_end(nf, s);
			s->page = NULL;
			continue;
		}
		netfront_slot_drop(nf, s);
	}
	nf->st.tx_inflight = 0;
}
