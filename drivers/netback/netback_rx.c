/*
 * netback RX: frames into the frontend's posted receive buffers, by grant
 * copy from our bounce page (never by mapping the frontend's buffer).
 * Frames from another frontend wait in a per-destination queue, holding
 * their TX mapping, until the destination has posted a buffer; the queue
 * is bounded (XSA-392 class) so a frontend that never posts RX buffers
 * cannot make us hold more than NB_QUEUE_MAX frames for it.
 */
#include "drivers/netback/netback_priv.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

int nb_rx_avail(struct nb_vif *v)
{
	RING_IDX prod;

	if (!nb_vif_up(v))
		return -ENETDOWN;
	prod = READ_ONCE(v->rx.sring->req_prod);
	rmb(); /* the requests after the index that published them */
	/*
	 * XSA-155: at most a ring of requests we have not answered; beyond
	 * that the frontend is lying about its producer.
	 */
	if (!BUGGY(XSA155_NB) &&
	    prod - v->rx.rsp_prod_pvt > RING_SIZE(&v->rx)) {
		nb_vif_break(v, "RX req_prod more than a ring ahead");
		return -EPROTO;
	}
	return (int)(prod - v->rx.req_cons);
}

/* Take v's next RX request (copied once, consumed): 0, -EAGAIN, -errno. */
static int take_rx_request(struct nb_vif *v, netif_rx_request_t *req)
{
	int rc = nb_rx_avail(v);

	if (rc <= 0)
		return rc ? rc : -EAGAIN;
	/* XSA-155: one copy of the request; its id is only echoed back. */
	memcpy(req, RING_GET_REQUEST(&v->rx, v->rx.req_cons), sizeof(*req));
	barrier();
	v->rx.req_cons++;
	return 0;
}

/* Answer RX request `id` after its copy (rc): `len` bytes or an error. */
static void rx_respond(struct nb_vif *v, uint16_t id, int rc, uint16_t len)
{
	netif_rx_response_t *rsp =
	    RING_GET_RESPONSE(&v->rx, v->rx.rsp_prod_pvt);

	rsp->id = id;
	rsp->offset = 0;
	rsp->flags = 0; /* full checksums: completed before the copy */
	rsp->status = rc ? NETIF_RSP_ERROR : (int16_t)len;
	v->rx.rsp_prod_pvt++;
	v->rx_notify = true;
	/* A bad buffer ref costs the frontend its frame, nothing more. */
	if (rc)
		v->st.rx_dropped++;
	else
		v->st.rx_ok++;
}

int nb_rx_deliver(struct nb *nb, struct nb_vif *v, uint16_t len)
{
	netif_rx_request_t req;
	int rc;

	/*
	 * Responses in the order of the requests: Linux netfront finds a
	 * response's buffer by its ring slot, not by its id.  So the staged
	 * frames, whose requests came first, are answered first.
	 */
	if (nb->nr_staged)
		nb_rx_flush(nb);
	rc = take_rx_request(v, &req);
	if (rc)
		return rc;
	rc = nb->ops->copy_to(v->fe_id, req.gref, nb->bounce, len);
	rx_respond(v, req.id, rc, len);
	return rc;
}

/* v's next RX request staged for `len` bytes: the slot to fill, or NULL. */
static uint8_t *stage_take(struct nb *nb, struct nb_vif *v, uint16_t len,
			   bool from_vif, int *rc)
{
	netif_rx_request_t req;

	if (nb->nr_staged == NB_RX_STAGE)
		nb_rx_flush(nb);
	*rc = take_rx_request(v, &req);
	if (*rc)
		return NULL;
	nb->staged[nb->nr_staged] = (struct nb_staged){.v = v,
						       .gref = req.gref,
						       .id = req.id,
						       .len = len,
						       .from_vif = from_vif};
	return nb->stage_buf + nb->nr_staged++ * NB_STAGE_SLOT;
}

int nb_rx_stage(struct nb *nb, struct nb_vif *v, const void *frame,
		uint16_t len)
{
	int rc;
	uint8_t *slot = stage_take(nb, v, len, false, &rc);

	if (!slot)
		return rc;
	memcpy(slot, frame, len);
	return 0;
}

/*
 * Issue 8: one trap into Xen for up to NB_RX_STAGE frames where each was
 * one; a frontend's buffers are still only written by grant copy.
 */
void nb_rx_flush(struct nb *nb)
{
	unsigned int n = nb->nr_staged, k = 0;

	nb->nr_staged = 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct nb_staged *s = &nb->staged[i];

		if (s->v && nb_vif_up(s->v))
			nb->copies[k++] = (struct nb_copy){
			    .dom = s->v->fe_id,
			    .ref = s->gref,
			    .src = nb->stage_buf + i * NB_STAGE_SLOT,
			    .len = s->len};
	}
	if (k)
		nb->ops->copy_batch(nb->copies, nb->copy_rc, k);
	k = 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct nb_staged *s = &nb->staged[i];
		int rc;

		if (!s->v || !nb_vif_up(s->v))
			continue;
		rc = nb->copy_rc[k++];
		rx_respond(s->v, s->id, rc, s->len);
		if (rc && !s->from_vif)
			nb->st.stack_tx_dropped++;
	}
	/* One push (and at most one event) per vif for the whole batch. */
	for (unsigned int i = 0; i < n; i++)
		if (nb->staged[i].v && nb->staged[i].v->rx_notify)
			nb_push(nb, nb->staged[i].v);
}

void nb_rx_enqueue(struct nb *nb, struct nb_vif *v, struct nb_frame *f)
{
	/* XSA-392 class: what we hold for one destination is bounded. */
	if (!nb_vif_up(v) || v->q_len >= NB_QUEUE_MAX) {
		v->st.rx_dropped++;
		nb_frame_done(nb, f, NETIF_RSP_OKAY);
		return;
	}
	f->next = NULL;
	f->queued_at = nb->ops->now_ns();
	if (v->q_tail)
		v->q_tail->next = f;
	else
		v->q_head = f;
	v->q_tail = f;
	v->q_len++;
	if (v->q_len > v->st.queued_max)
		v->st.queued_max = v->q_len;
}

static struct nb_frame *dequeue(struct nb_vif *v)
{
	struct nb_frame *f = v->q_head;

	if (f) {
		v->q_head = f->next;
		if (!v->q_head)
			v->q_tail = NULL;
		v->q_len--;
	}
	return f;
}

/*
 * XSA-392 class: a destination that posts no buffers does not keep the
 * senders' frames (and their mappings and TX slots) for long either.
 */
static void drop_aged(struct nb *nb, struct nb_vif *v)
{
	uint64_t now = nb->ops->now_ns();

	while (v->q_head && now - v->q_head->queued_at > NB_QUEUE_AGE_NS) {
		struct nb_frame *f = dequeue(v);
		struct nb_vif *src = f->src;

		v->st.rx_dropped++;
		nb_frame_done(nb, f, NETIF_RSP_OKAY);
		if (src != v)
			nb_push(nb, src);
	}
}

/* The round's frames wait in nb->batch.f, which the TX round has left. */
BUILD_BUG_ON(NB_RX_BUDGET > NB_TX_BUDGET);

/*
 * Issue 11: other vifs' frames for v in batches: each copied out of its
 * TX mapping into the stage (once: XSA-155), then one grant copy for the
 * stage, one unmap for the round's mappings, one push per sender; one by
 * one these were a copy, an unmap and a push each.
 */
static unsigned int rx_round_staged(struct nb *nb, struct nb_vif *v,
				    unsigned int budget)
{
	struct nb_vif *src[NB_RX_BUDGET];
	unsigned int n = 0;

	budget = MIN(budget, (unsigned int)NB_RX_BUDGET);
	while (v->q_head && n < budget && nb_rx_avail(v) > 0) {
		struct nb_frame *f = dequeue(v);
		uint8_t *slot;
		int rc;

		slot = stage_take(nb, v, f->len, true, &rc);
		if (slot) {
			nb_frame_copy(f, slot);
			f->src->st.to_vif++;
		}
		src[n] = f->src;
		nb->batch.f[n++] = f;
	}
	if (!n)
		return 0;
	nb_rx_flush(nb);
	nb_tx_release(nb, n);
	for (unsigned int i = 0; i < n; i++)
		if (src[i] != v)
			nb_push(nb, src[i]);
	return n;
}

unsigned int nb_rx_round(struct nb *nb, struct nb_vif *v, unsigned int budget)
{
	unsigned int n = 0;

	drop_aged(nb, v);
	if (nb->stage_buf)
		return rx_round_staged(nb, v, budget);

	while (v->q_head && n < budget && nb_rx_avail(v) > 0) {
		struct nb_frame *f = dequeue(v);
		struct nb_vif *src = f->src;
		int rc = nb_frame_to_bounce(nb, f);

		if (!rc)
			rc = nb_rx_deliver(nb, v, f->len);
		if (!rc)
			src->st.to_vif++;
		nb_frame_done(nb, f, NETIF_RSP_OKAY);
		if (src != v)
			nb_push(nb, src);
		n++;
	}
	return n;
}

void nb_rx_purge(struct nb *nb, struct nb_vif *v)
{
	struct nb_frame *f;

	/* Frames of our stack staged for v: v's ring is going. */
	for (unsigned int i = 0; i < nb->nr_staged; i++)
		if (nb->staged[i].v == v)
			nb->staged[i].v = NULL;
	/* Frames waiting for v: their senders get OKAY (dropped). */
	while ((f = dequeue(v))) {
		struct nb_vif *src = f->src;

		v->st.rx_dropped++;
		nb_frame_done(nb, f, NETIF_RSP_OKAY);
		if (src != v)
			nb_push(nb, src);
	}
	/* Frames v sent that wait elsewhere: unmapped, nothing answered. */
	for (unsigned int i = 0; i < NETBACK_MAX_VIFS; i++) {
		struct nb_vif *d = &nb->vif[i];
		struct nb_frame **pp = &d->q_head, *prev = NULL;

		while (*pp) {
			f = *pp;
			if (f->src != v) {
				prev = f;
				pp = &f->next;
				continue;
			}
			*pp = f->next;
			if (d->q_tail == f)
				d->q_tail = prev;
			d->q_len--;
			nb_frame_done(nb, f, NETIF_RSP_OKAY);
		}
	}
}

void nb_push(struct nb *nb, struct nb_vif *v)
{
	int notify = 0, n2 = 0;

	if (!nb_vif_up(v))
		return;
	if (v->tx_notify)
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->tx, notify);
	if (v->rx_notify)
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->rx, n2);
	v->tx_notify = v->rx_notify = false;
	if (notify || n2)
		nb->ops->notify(v);
}
