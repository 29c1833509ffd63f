/*
 * netfront RX, copy mode: we post zeroed pages, the backend copies a frame
 * into one (grant copy) and answers with its offset and length.  Buffers
 * are refilled in batches of NETFRONT_RX_BATCH, so one push and at most
 * one notification cover a batch.
 *
 * A received frame is delivered straight from its page, but only after
 * ending the backend's access: from then on nobody else can change it
 * under the stack (the fix of MSA00's RX half copied frames out for the
 * same reason).  If the backend still maps the page, the frame is
 * dropped and the page quarantined (MSA02).
 */
#include "drivers/netfront/netfront_priv.h"
#include "kernel/net/netdev.h"
#include "kernel/printk.h"
#include "lib/errno.h"

/* A stream's batch of responses fits the buffers that stay posted, or the
 * backend would never reach rsp_event and the stream would wait for polls. */
BUILD_BUG_ON(NETFRONT_RX_EVENT_BATCH > NETFRONT_RX_TARGET - NETFRONT_RX_BATCH);

/* Shorter than an Ethernet header: nothing the stack could use. */
#define RUNT 14

/* Grant one zeroed pool page for the backend to write into. */
static bool rx_post_one(struct netfront *nf)
{
	netif_rx_request_t *req;
	struct netfront_slot *s;
	grant_ref_t ref;
	void *page;
	int id;

	page = netfront_page_get(nf);
	if (!page)
		return false;
	/* MSA01, XSA-403: no byte of an earlier use reaches the backend. */
	if (!BUGGY(MSA01_ZERO))
		memset(page, 0, PAGE_SIZE);
	if (nf->ops->grant(nf->ctx, page, false, &ref)) {
		nf->st.grant_fails++;
		netfront_page_put(nf, page);
		return false;
	}
	nf->st.grants_held++;
	id = netfront_id_alloc(&nf->rx_ids);
	ASSERT(id >= 0); /* ids = ring slots, and the caller saw a free slot */
	s = &nf->rx_slot[id];
	s->page = page;
	s->ref = ref;
	s->len = 0;
	req = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);
#if BUGGY(XSA405_ORDER)
	nf->rx_id_at[nf->rx.req_prod_pvt % NETFRONT_MAX_IDS] = (uint16_t)id;
#endif
	req->id = (uint16_t)id;
	req->pad = 0;
	req->gref = ref;
	nf->rx.req_prod_pvt++;
	nf->st.rx_posted++;
	if (nf->hooks.rx_post)
		nf->hooks.rx_post(nf->hooks.arg, (uint16_t)id, page);
	return true;
}

int netfront_rx_refill(struct netfront *nf, bool force)
{
	unsigned int want, n = 0;
	int notify;

	if (!nf->rings_up || nf->state.broken ||
	    nf->rx_target <= nf->st.rx_posted)
		return 0;
	want =
	    MIN(nf->rx_target - nf->st.rx_posted, RING_FREE_REQUESTS(&nf->rx));
	/* Refill in batches: one push and one check for a notification. */
	if (!want || (!force && want < NETFRONT_RX_BATCH))
		return 0;
	while (n < want && rx_post_one(nf))
		n++;
	if (!n)
		return 0;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
	if (notify) {
		nf->ops->notify(nf->ctx);
		nf->st.notifies++;
	}
	return (int)n;
}

/* Every field checked on our copy before the buffer changes hands. */
static bool rx_valid(struct netfront *nf, const netif_rx_response_t *rsp)
{
	enum netfront_err e = netfront_id_check(&nf->rx_ids, rsp->id);
	unsigned int off = rsp->offset, len;

	/*
	 * MSA00, XSA-405: the id must name a buffer of ours that is posted;
	 * one answered already, never posted or out of range was given up
	 * (or never ours) and is never touched.
	 */
	if (e) {
		netfront_broken(nf, e, "rx response for id %u (%s)", rsp->id,
				netfront_err_name(e));
		return false;
	}
	/* Neither feature-sg nor GSO was requested: one slot per frame. */
	if (rsp->flags & (NETRXF_more_data | NETRXF_extra_info)) {
		netfront_broken(nf, NETFRONT_ERR_RX_FLAGS,
				"rx response id %u has flags %#x", rsp->id,
				rsp->flags);
		return false;
	}
	if (rsp->status < 0) {
		if (rsp->status == NETIF_RSP_ERROR ||
		    rsp->status == NETIF_RSP_DROPPED)
			return true;
		netfront_broken(nf, NETFRONT_ERR_BAD_STATUS,
				"rx response id %u has status %d", rsp->id,
				rsp->status);
		return false;
	}
	len = (unsigned int)rsp->status;
	/* Overflow-safe: the frame lies inside the one page we granted. */
	if (off > PAGE_SIZE || len > PAGE_SIZE - off) {
		netfront_broken(nf, NETFRONT_ERR_RX_BOUNDS,
				"rx response id %u: offset %u + length %u "
				"beyond the page",
				rsp->id, off, len);
		return false;
	}
	return true;
}

/*
 * Where the frame is and how long: from the validated copy.  With
 * BUGGY=xsa155 read again from the shared slot, as Mini-OS-era frontends
 * did: a backend that rewrites the slot after our check gets its new
 * offset and length used unchecked.
 */
static void rx_extent(struct netfront *nf, const netif_rx_response_t *rsp,
		      RING_IDX cons, unsigned int *off, int *len)
{
	const volatile netif_rx_response_t *slot;

	if (BUGGY(XSA155)) {
		slot = RING_GET_RESPONSE(&nf->rx, cons);
		*off = slot->offset;
		*len = slot->status;
		return;
	}
	*off = rsp->offset;
	*len = rsp->status;
}

/*
 * We write feature-no-csum-offload 0 (netfront_xenbus.c), so the
 * backend may leave a local sender's TCP/UDP checksum blank (csum_blank)
 * or say it checked it (data_validated); either way the stack must not
 * check it.  Linux netfront does the same (CHECKSUM_PARTIAL /
 * CHECKSUM_UNNECESSARY).  It spares dom0 a software checksum of every
 * frame it sends us.
 */
static unsigned int rx_csum_flags(uint16_t flags)
{
	return flags & (NETRXF_data_validated | NETRXF_csum_blank)
		   ? NETDEV_RX_CSUM_OK
		   : 0;
}

static bool rx_response(struct netfront *nf, const netif_rx_response_t *rsp,
			RING_IDX cons)
{
	struct netfront_slot *s;
	unsigned int off;
	uint8_t *page;
	uint16_t id;
	int len;

	if (!rx_valid(nf, rsp))
		return false;
	/*
	 * XSA-405: an answer is matched to its buffer by the id it names,
	 * never by its place in the ring (a backend may answer out of
	 * order).  BUGGY=xsa405-order pairs by place, as a frontend that
	 * trusted the ring's order would: swapped answers read each other's
	 * buffers.
	 */
	id = netfront_id_slot(&nf->rx_ids, rsp->id);
#if BUGGY(XSA405_ORDER)
	id = nf->rx_id_at[cons % NETFRONT_MAX_IDS];
#endif
	s = &nf->rx_slot[id];
	if (nf->hooks.rx_done)
		nf->hooks.rx_done(nf->hooks.arg, id, rsp->status);
	/*
	 * XSA-405: an answered buffer, an error answer too, is given up
	 * whole (id, grant and page together, below), so nothing of it is
	 * left for a later answer to reach.  BUGGY=xsa405 puts the page back
	 * in the pool on an error and keeps the buffer posted, as Linux
	 * netfront did after its XDP rework freed an skb it still held.
	 */
	if (BUGGY(XSA405) && rsp->status == NETIF_RSP_ERROR && s->page) {
		nf->st.rx_errors++;
		netfront_page_put(nf, s->page);
		return true;
	}
	netfront_id_release(&nf->rx_ids, id);
	if (!s->page) /* only with BUGGY=msa00: someone else took it */
		return true;
	nf->st.rx_posted--;
	page = s->page;
	/* MSA02: read it only once the backend can no longer write it. */
	if (!netfront_slot_end(nf, s)) {
		nf->st.rx_dropped++;
		return true;
	}
	s->page = NULL;
	if (rsp->status == NETIF_RSP_ERROR) {
		nf->st.rx_errors++;
	} else if (rsp->status < RUNT) {
		nf->st.rx_dropped++;
	} else {
		rx_extent(nf, rsp, cons, &off, &len);
		nf->st.rx_packets++;
		nf->st.rx_bytes += (uint64_t)len;
		if (nf->hooks.rx_frame)
			nf->hooks.rx_frame(nf->hooks.arg, page + off,
					   (size_t)len);
		nf->ops->deliver(nf->ctx, page + off, (size_t)len,
				 rx_csum_flags(rsp->flags));
	}
	netfront_page_put(nf, page);
	return true;
}

/* One pass over the responses up to one read of rsp_prod. */
static int rx_pass(struct netfront *nf)
{
	netif_rx_response_t rsp;
	RING_IDX prod, cons;
	int n = 0;

	prod = READ_ONCE(nf->rx.sring->rsp_prod);
	/* Responses after the index; pairs with the backend's wmb. */
	rmb();
	if (!netfront_prod_ok(
		nf, "rx", prod, RING_RESPONSE_PROD_OVERFLOW(&nf->rx, prod),
		nf->rx.rsp_cons, nf->rx.req_prod_pvt, &nf->rx_seen))
		return -EPROTO;
	for (cons = nf->rx.rsp_cons; cons != prod; cons++) {
		/* XSA-155: one copy; the slot is never read again. */
		RING_COPY_RESPONSE(&nf->rx, cons, &rsp);
		/* Consumed before delivery, which may re-enter us. */
		nf->rx.rsp_cons = cons + 1;
		if (!rx_response(nf, &rsp, cons))
			return -EPROTO;
		n++;
		/* Delivery may have sent, and that may have found TX bad. */
		if (nf->state.broken || !nf->rings_up)
			return -EPROTO;
	}
	return n;
}

/*
 * As RING_FINAL_CHECK_FOR_RESPONSES, with rsp_event rx_event_batch ahead
 * (event suppression as io/ring.h intends it): while a stream flows the
 * backend notifies once per batch, not per frame; the tail of a stream
 * waits for the next poll (net_wait polls at least every 10 ms).
 */
static int rx_rearm(struct netfront *nf)
{
	if (RING_HAS_UNCONSUMED_RESPONSES(&nf->rx))
		return 1;
	nf->rx.sring->rsp_event = nf->rx.rsp_cons + MAX(nf->rx_event_batch, 1U);
	mb();
	return RING_HAS_UNCONSUMED_RESPONSES(&nf->rx);
}

int netfront_rx_reap(struct netfront *nf)
{
	int n = 0, rc, more;

	if (nf->in_rx || !nf->rings_up || nf->state.broken)
		return 0;
	nf->in_rx = true;
	do {
		rc = rx_pass(nf);
		if (rc < 0) {
			n = rc;
			break;
		}
		n += rc;
		more = rx_rearm(nf);
	} while (more);
	if (n >= 0)
		netfront_rx_refill(nf, false);
	nf->in_rx = false;
	return n;
}

void netfront_rx_release(struct netfront *nf)
{
	for (unsigned int id = 0; id < nf->rx_ids.size; id++)
		netfront_slot_drop(nf, &nf->rx_slot[id]);
	nf->st.rx_posted = 0;
}
