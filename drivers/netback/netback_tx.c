/*
 * netback TX: the frontend's transmit requests.  Each pass reads req_prod
 * once, checks it against what we have answered, and consumes up to a
 * budget of requests; each request is copied out of the ring once and
 * only the copy is judged (nb_tx_check) and used (XSA-155).  A request
 * that passes is mapped through the quota-bounded map layer and handed to
 * the switch, which answers it once the frame is delivered or dropped.
 */
#include "drivers/netback/netback_priv.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

enum nb_tx_check nb_tx_check(const netif_tx_request_t *req)
{
	/* No scatter-gather offered (feature-sg=0): a chain is refused. */
	if (req->flags & NETTXF_more_data)
		return NB_TX_MORE_DATA;
	/* No GSO nor multicast control offered: no extra info wanted. */
	if (req->flags & NETTXF_extra_info)
		return NB_TX_EXTRA;
	/*
	 * XSA-423/432/448 class: zero, runt and oversize lengths, and an
	 * offset or offset+size past the page, are refused before anything
	 * is mapped; compared so that nothing can overflow.
	 */
	if (req->size < ETH_HLEN || req->size > ETH_FRAME_MAX)
		return NB_TX_BAD_SIZE;
	if (req->offset >= PAGE_SIZE || req->size > PAGE_SIZE - req->offset)
		return NB_TX_BAD_SIZE;
	return NB_TX_OK;
}

void nb_tx_respond(struct nb_vif *v, uint16_t id, int16_t status)
{
	netif_tx_response_t *rsp;

	if (!nb_vif_up(v))
		return; /* rings gone: nothing to answer into */
	rsp = RING_GET_RESPONSE(&v->tx, v->tx.rsp_prod_pvt);
	rsp->id = id;
	rsp->status = status;
	v->tx.rsp_prod_pvt++;
	v->tx_notify = true;
	if (status == NETIF_RSP_OKAY)
		v->st.tx_ok++;
	else if (status == NETIF_RSP_ERROR)
		v->st.tx_err++;
}

void nb_vif_break(struct nb_vif *v, const char *why)
{
	if (v->broken)
		return;
	v->broken = true;
	v->why = why;
	v->st.break_logs++;
	pr_err("netback: vif %u/%u (%s) broken: %s\n", v->fe_id, v->devid,
	       v->name, why);
}

/* An extra-info slot: consumed and answered NETIF_RSP_NULL. */
static void take_extra(struct nb_vif *v, RING_IDX i)
{
	struct netif_extra_info extra;

	/* XSA-155: one copy of the slot; only its flags are looked at. */
	memcpy(&extra, RING_GET_REQUEST(&v->tx, i), sizeof(extra));
	barrier();
	nb_tx_respond(v, v->extra_id, NETIF_RSP_NULL);
	if (!(extra.flags & XEN_NETIF_EXTRA_FLAG_MORE))
		v->extras = 0;
	else if (--v->extras == 0)
		/* Chains of extras are bounded by the number of types. */
		nb_vif_break(v, "extra-info chain too long");
}

static void refuse(struct nb_vif *v, const netif_tx_request_t *req,
		   enum nb_tx_check why)
{
	switch (why) {
	case NB_TX_MORE_DATA:
		v->st.err_multislot++;
		v->in_chain = true;
		break;
	case NB_TX_EXTRA:
		v->st.err_extra++;
		v->extras = NB_MAX_EXTRAS;
		v->extra_id = req->id;
		/* Fragments may follow the extras: refuse them too. */
		v->in_chain = !!(req->flags & NETTXF_more_data);
		break;
	default:
		v->st.err_size++;
		break;
	}
	nb_tx_respond(v, req->id, NETIF_RSP_ERROR);
}

/*
 * Pushback (issue 8): a request is consumed only if its frame can be
 * handed on at once, a free frame and, as any frame may be for our stack
 * (unicast to us, broadcast), a free slot in the stack's queue (`room`).
 * Else it stays on the frontend's ring: the frontend's ring fills and it
 * stops sending, instead of our answering OKAY and dropping the frame
 * behind us (half of what Linux sent died in the stack's queue that way).
 * We hold nothing for the waiting requests (the XSA-392 class rule).
 */
static bool tx_can_take(struct nb *nb, struct nb_vif *v, size_t room)
{
	/* Frames come back as the queues drain or age (netback_rx.c). */
	if (!nb->free)
		return false;
	if (room > 0)
		return true;
	/*
	 * The stack empties its queue right after this service: look again
	 * at the next poll without waiting for an event (the frontend sends
	 * none, its requests are already past our req_event).
	 */
	v->kick = true;
	return false;
}

/* The first request gather() left on the ring as not plain: its copy. */
struct nb_tx_peek {
	netif_tx_request_t req;
	enum nb_tx_check why;
	bool valid;
};

/*
 * Consume up to `max` plain requests from req_cons into the batch, each
 * with a frame of the pool; stops at a slot that is not plain (its one
 * copy and verdict in *bad, not consumed) or when we cannot take more.
 */
static unsigned int gather(struct nb *nb, struct nb_vif *v, RING_IDX prod,
			   unsigned int max, struct nb_tx_peek *bad)
{
	size_t room = nb->ops->stack_room ? nb->ops->stack_room() : SIZE_MAX;
	unsigned int n = 0;

	bad->valid = false;
	while (v->tx.req_cons != prod && n < max) {
		netif_tx_request_t req;
		struct nb_frame *f;

		/* XSA-155: copy once, then only the copy. */
		memcpy(&req, RING_GET_REQUEST(&v->tx, v->tx.req_cons),
		       sizeof(req));
		barrier();
		bad->why = nb_tx_check(&req);
		if (bad->why != NB_TX_OK) {
			bad->req = req;
			bad->valid = true;
			break;
		}
		if (!tx_can_take(nb, v, room - n)) {
			v->tx_held = true;
			v->st.tx_held++;
			break;
		}
		f = nb_frame_get(nb);
		f->src = v;
		f->id = req.id;
		f->off = req.offset;
		f->len = req.size;
		f->flags = req.flags;
		nb->batch.f[n] = f;
		nb->batch.m[n] = &f->m;
		nb->batch.ref[n] = req.gref;
		n++;
		v->tx.req_cons++;
	}
	return n;
}

/* Map batch entries 0..n-1: how many were tried (gnttab_map_batch()). */
static unsigned int map_batch(struct nb *nb, struct nb_vif *v, unsigned int n)
{
	unsigned int t;

	/* XSA-300: charged to the frontend's domid, the grants' owner. */
	if (nb->ops->map_batch)
		return nb->ops->map_batch(v->fe_id, true, nb->batch.ref,
					  nb->batch.m, nb->batch.rc, n);
	for (t = 0; t < n; t++) {
		nb->batch.rc[t] = nb->ops->map(v->fe_id, nb->batch.ref[t], true,
					       nb->batch.m[t]);
		if (nb->batch.rc[t] == -ENOSPC)
			break;
	}
	return t;
}

static void refused(struct nb *nb, struct nb_vif *v, struct nb_frame *f, int rc)
{
	/* Counted for this frontend: our limits, Xen's, bad refs. */
	if (rc == -ENOSPC)
		v->st.refused_map++;
	else if (rc == -ENOBUFS)
		v->st.refused_xen++;
	else
		v->st.err_ref++;
	nb_tx_respond(v, f->id, NETIF_RSP_ERROR);
	nb_frame_put(nb, f);
}

/* After its unmap (rc): answer a frame's request and free its slot. */
static void answer(struct nb *nb, struct nb_frame *f, int rc, int16_t status)
{
	if (rc) {
		/* Xen kept the mapping: the frame slot stays out of use. */
		pr_err("netback: unmap failed (%d): frame leaked\n", rc);
		return;
	}
	nb_tx_respond(f->src, f->id, status);
	nb_frame_put(nb, f);
}

/* Unmap nb->batch.f[0..k-1] (handed on) at once, then answer them OKAY. */
void nb_tx_release(struct nb *nb, unsigned int k)
{
	if (!k) /* every frame queued for a vif: nothing to unmap yet */
		return;
	for (unsigned int j = 0; j < k; j++)
		nb->batch.m[j] = &nb->batch.f[j]->m;
	if (nb->ops->unmap_batch)
		(void)nb->ops->unmap_batch(nb->batch.m, nb->batch.rc, k);
	else
		for (unsigned int j = 0; j < k; j++)
			nb->batch.rc[j] = nb->ops->unmap(nb->batch.m[j]);
	for (unsigned int j = 0; j < k; j++)
		answer(nb, nb->batch.f[j], nb->batch.rc[j], NETIF_RSP_OKAY);
}

/* Map, switch and release a gathered batch; -ENOSPC: ours refused one. */
static int flush(struct nb *nb, struct nb_vif *v, unsigned int n)
{
	unsigned int t = map_batch(nb, v, n), done = 0;

	for (unsigned int i = 0; i < t; i++) {
		struct nb_frame *f = nb->batch.f[i];

		if (nb->batch.rc[i])
			refused(nb, v, f, nb->batch.rc[i]);
		else if (nb_switch_from_vif(nb, f))
			nb->batch.f[done++] =
			    f; /* done <= i: not overwritten */
	}
	nb_tx_release(nb, done);
	if (t == n)
		return 0;
	/*
	 * XSA-300: a frontend over its quota gets one refusal per round.
	 * Answering the rest of its ring now would spend the round on
	 * refusals (a flood refills as fast as we answer) and starve the
	 * other frontends; the rest waits its turn, still on its ring: the
	 * requests after the refused one were never answered, so they are
	 * given back unconsumed (taken, and copied, afresh next round).
	 */
	refused(nb, v, nb->batch.f[t], -ENOSPC);
	for (unsigned int i = t + 1; i < n; i++)
		nb_frame_put(nb, nb->batch.f[i]);
	v->tx.req_cons -= n - t - 1;
	return -ENOSPC;
}

/* A slot inside extra info or a refused chain: consumed and answered. */
static void chain_slot(struct nb_vif *v)
{
	RING_IDX i = v->tx.req_cons++;
	netif_tx_request_t req;

	if (v->extras) {
		take_extra(v, i);
		return;
	}
	/* XSA-155: copy once, then only the copy. */
	memcpy(&req, RING_GET_REQUEST(&v->tx, i), sizeof(req));
	barrier();
	/* The rest of a refused chain, up to its last slot. */
	v->in_chain = !!(req.flags & NETTXF_more_data);
	v->st.err_multislot++;
	nb_tx_respond(v, req.id, NETIF_RSP_ERROR);
}

unsigned int nb_tx_round(struct nb *nb, struct nb_vif *v, unsigned int budget)
{
	RING_IDX prod, start = v->tx.req_cons;
	struct nb_tx_peek bad;

	if (!nb_vif_up(v))
		return 0;
	prod = READ_ONCE(v->tx.sring->req_prod);
	/* The requests' contents after the index that published them. */
	rmb();
	/*
	 * XSA-155: the frontend may have at most a ring of requests we have
	 * not answered; more is a producer from nowhere.
	 */
	if (!BUGGY(XSA155_NB) &&
	    prod - v->tx.rsp_prod_pvt > RING_SIZE(&v->tx)) {
		nb_vif_break(v, "TX req_prod more than a ring ahead");
		return 0;
	}
	budget = MIN(budget, (unsigned int)NB_TX_BUDGET);
	v->tx_held = false;
	while (v->tx.req_cons != prod && v->tx.req_cons - start < budget &&
	       nb_vif_up(v)) {
		unsigned int n;

		if (v->extras || v->in_chain) {
			chain_slot(v);
			continue;
		}
		n = gather(nb, v, prod, budget - (v->tx.req_cons - start),
			   &bad);
		if (n && flush(nb, v, n) == -ENOSPC)
			break;
		if (!bad.valid) {
			if (!n || v->tx_held)
				break; /* held back, or nothing left */
			continue;
		}
		/* Its one copy, judged once (gather's): consumed, refused. */
		v->tx.req_cons++;
		refuse(v, &bad.req, bad.why);
	}
	return v->tx.req_cons - start;
}

void nb_frame_done(struct nb *nb, struct nb_frame *f, int16_t status)
{
	answer(nb, f, f->m.mapped ? nb->ops->unmap(&f->m) : 0, status);
}
