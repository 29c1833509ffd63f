// SPDX-License-Identifier: MIT
/*
 * hostile-netback scenarios: each bends exactly one thing a correct
 * netback does, once, so a guest test can check that its netfront notices
 * (one log line, device broken) and survives.  See nb.h for the list and
 * README.md for what the guest must do to trigger each one.
 */
#include "nb.h"
#include "peer_util.h"

#include <errno.h>

static const char *const nb_mode_names[NB_MODE_COUNT] = {
    [NB_GOOD] = "good",
    [NB_DUP_ID] = "dup-id",
    [NB_STALE_ID] = "stale-id",
    [NB_BAD_ID] = "bad-id",
    [NB_RX_OVERFLOW] = "rx-overflow",
    [NB_BAD_STATUS] = "bad-status",
    [NB_PROD_JUMP] = "prod-jump",
    [NB_PROD_REWIND] = "prod-rewind",
    [NB_STORM] = "storm",
    [NB_HOLD_TX_GRANT] = "hold-tx-grant",
    [NB_CLOSE_MID] = "close-mid",
    [NB_RX_DUP_ID] = "rx-dup-id",
    [NB_RX_STALE_ID] = "rx-stale-id",
    [NB_RX_BAD_ID] = "rx-bad-id",
    [NB_HOLD_RX_ALL] = "hold-rx-all",
    [NB_HOLD_TX_ALL] = "hold-tx-all",
    [NB_HOLD_CYCLE] = "hold-cycle",
    [NB_RX_REWRITE] = "rx-rewrite",
    [NB_TX_SCAN] = "tx-scan",
    [NB_MIXED_STORM] = "mixed-storm",
    [NB_VANISH] = "vanish",
    [NB_RX_ERROR_REPEAT] = "rx-error-repeat",
    [NB_RX_REORDER] = "rx-reorder",
};

int nb_mode_parse(const char *name, enum nb_mode *mode)
{
	unsigned int i;

	for (i = 0; i < NB_MODE_COUNT; i++) {
		if (!strcmp(name, nb_mode_names[i])) {
			*mode = (enum nb_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *nb_mode_name(enum nb_mode mode)
{
	return (unsigned int)mode < NB_MODE_COUNT ? nb_mode_names[mode] : "?";
}

/*
 * Is @id among the requests the frontend posted at [@cons, *@req_prod)
 * that we did not take?  @id_at reads one request's id (TX and RX
 * requests are different types on different rings).  Bounded by the ring
 * (@size): a wild req_prod was refused before this.
 */
static bool nb_id_posted(struct nb *nb, const RING_IDX *req_prod,
			 RING_IDX cons, unsigned int size, uint16_t id,
			 uint16_t (*id_at)(struct nb *nb, RING_IDX i))
{
	RING_IDX i, prod = __atomic_load_n(req_prod, __ATOMIC_RELAXED);

	xen_rmb(); /* pairs with the frontend's wmb before req_prod */
	for (i = cons; i != prod && i - cons < size; i++)
		if (id_at(nb, i) == id)
			return true;
	return false;
}

/* The id of TX request @i, from one copy (the frontend may rewrite it). */
static uint16_t nb_tx_req_id(struct nb *nb, RING_IDX i)
{
	struct netif_tx_request req;

	RING_COPY_REQUEST(&nb->tx, i, &req);
	return req.id;
}

/* An id in the ring's range that is not in flight: never issued. */
static uint16_t nb_stale_id(struct nb *nb, const struct nb_tx_rsp *rsp,
			    unsigned int n)
{
	unsigned int size = RING_SIZE(&nb->tx), k, i;
	uint16_t id;

	for (k = 0; k < size; k++) {
		id = (uint16_t)((rsp[0].id + size / 2 + k) % size);
		for (i = 0; i < n && rsp[i].id != id; i++)
			;
		if (i == n && !nb_id_posted(nb, &nb->tx.sring->req_prod,
					    nb->tx.req_cons, size, id,
					    nb_tx_req_id))
			return id;
	}
	/* Every id is in flight: the ring is full; use the opposite one. */
	return (uint16_t)((rsp[0].id + size / 2) % size);
}

bool nb_scn_tx_withhold(struct nb *nb)
{
	if ((nb->mode != NB_CLOSE_MID && nb->mode != NB_VANISH) || nb->done)
		return false;
	/* The packet is taken off the ring but never answered. */
	peer_log("%s: tx packet taken, not answered; %s",
		 nb_mode_name(nb->mode),
		 nb->mode == NB_VANISH ? "removing the backend" : "closing");
	nb->done = true;
	nb->dead = true;
	nb->ops->close(nb->ctx);
	return true;
}

/* hold-*: map @gref and keep it; a line for the 1st and every 256th. */
static void nb_hold(struct nb *nb, const char *ring, uint32_t gref)
{
	int rc;

	if (nb->held_full)
		return;
	rc = nb->ops->hold(nb->ctx, gref);
	if (rc) {
		nb->held_full = true;
		peer_log("%s: holding %s gref %u failed (%s) after %u: "
			 "answering without holding from now on",
			 nb_mode_name(nb->mode), ring, gref, strerror(-rc),
			 nb->held);
		return;
	}
	if (!nb->held++ % 256)
		peer_log("%s: %s gref %u mapped and kept (%u held), answering "
			 "anyway",
			 nb_mode_name(nb->mode), ring, gref, nb->held);
}

bool nb_mode_release_at_close(enum nb_mode mode)
{
	return mode != NB_HOLD_CYCLE;
}

bool nb_scn_rx_flood(const struct nb *nb)
{
	return (nb->mode == NB_HOLD_RX_ALL || nb->mode == NB_HOLD_CYCLE) &&
	       !nb->held_full;
}

void nb_scn_rx_taken(struct nb *nb, const struct netif_rx_request *req)
{
	if (nb->mode == NB_HOLD_RX_ALL || nb->mode == NB_HOLD_CYCLE)
		nb_hold(nb, "rx", req->gref);
}

void nb_scn_rx_pushed(struct nb *nb, RING_IDX idx)
{
	netif_rx_back_ring_t *r = &nb->rx;
	uint8_t *pad = r->sring->__pad;
	struct netif_rx_response *slot;
	uint64_t until;
	uint32_t want = idx + 1, ask;

	if (nb->mode != NB_RX_REWRITE ||
	    __atomic_load_n((uint32_t *)(pad + NB_RW_ARM), __ATOMIC_ACQUIRE) !=
		NB_RW_ARMED)
		return;
	/* The guest must see the answer to copy it. */
	nb->ops->notify(nb->ctx);
	until = peer_now_ms() + NB_RW_WAIT_MS;
	do {
		ask = __atomic_load_n((uint32_t *)(pad + NB_RW_ASK),
				      __ATOMIC_ACQUIRE);
	} while (ask != want && peer_now_ms() < until);
	if (ask != want) {
		peer_log("rx-rewrite: no word from the guest for rx slot %u",
			 idx);
		return;
	}
	/* It has copied and checked the answer: now make it a lie. */
	slot = RING_GET_RESPONSE(r, idx);
	__atomic_store_n(&slot->offset, NB_RX_OVERFLOW_OFFSET,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&slot->status, NB_RX_OVERFLOW_LEN, __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(pad + NB_RW_DONE), want,
			 __ATOMIC_RELEASE);
	nb->rewrites++;
	peer_log("rx-rewrite: rx slot %u (id %u) rewritten after the guest's "
		 "copy: offset %u status %u",
		 idx, slot->id, NB_RX_OVERFLOW_OFFSET, NB_RX_OVERFLOW_LEN);
}

struct nb_outside nb_page_outside(const uint8_t *page, unsigned int off,
				  unsigned int len)
{
	struct nb_outside o = {0};
	unsigned int i;

	for (i = 0; i < NB_PAGE_SIZE; i++) {
		if (i >= off && i - off < len)
			continue;
		if (page[i] && !o.dirty++)
			o.first = i;
		o.canary += page[i] == NB_CANARY;
	}
	return o;
}

bool nb_scn_tx_dirty(struct nb *nb, uint32_t gref, uint16_t off, uint16_t len)
{
	static uint8_t page[NB_PAGE_SIZE];
	struct nb_outside o;

	if (nb->mode != NB_TX_SCAN)
		return false;
	/* The whole page, as any backend may read it (XSA-403). */
	if (nb->ops->copy_from(nb->ctx, gref, 0, page, NB_PAGE_SIZE))
		return false;
	o = nb_page_outside(page, off, len);
	if (!o.dirty)
		return false;
	nb->dirty_pages++;
	peer_log(
	    "tx-scan: gref %u: %u byte(s) outside the frame (offset %u "
	    "length %u) are not zero, first at %u: 0x%02x; answering ERROR",
	    gref, o.dirty, off, len, o.first, page[o.first]);
	return true;
}

void nb_scn_tx_answers(struct nb *nb, const struct netif_tx_request *first,
		       struct nb_tx_rsp *rsp, unsigned int n)
{
	uint16_t id = rsp[0].id;
	int rc;

	if (nb->done)
		return;
	switch (nb->mode) {
	case NB_DUP_ID:
		if (!nb->have_first) {
			nb->have_first = true;
			nb->first_id = id;
			return;
		}
		rsp[0].id = nb->first_id;
		peer_log("dup-id: tx id %u answered as id %u (already done)",
			 id, rsp[0].id);
		break;
	case NB_STALE_ID:
		rsp[0].id = nb_stale_id(nb, rsp, n);
		peer_log("stale-id: tx id %u answered as id %u (not issued)",
			 id, rsp[0].id);
		break;
	case NB_BAD_ID:
		rsp[0].id = (uint16_t)RING_SIZE(&nb->tx);
		peer_log("bad-id: tx id %u answered as id %u (ring size)", id,
			 rsp[0].id);
		break;
	case NB_BAD_STATUS:
		rsp[0].status = (int16_t)NB_BAD_STATUS_VALUE;
		peer_log("bad-status: tx id %u answered with status %d", id,
			 rsp[0].status);
		break;
	case NB_HOLD_TX_ALL:
		nb_hold(nb, "tx", first->gref);
		return; /* every packet, not once */
	case NB_HOLD_TX_GRANT:
		rc = nb->ops->hold(nb->ctx, first->gref);
		if (rc)
			peer_log("hold-tx-grant: mapping gref %u failed: %s",
				 first->gref, strerror(-rc));
		else
			peer_log("hold-tx-grant: gref %u (tx id %u) mapped, "
				 "answering OKAY",
				 first->gref, id);
		break;
	default:
		return;
	}
	nb->done = true;
}

void nb_scn_tx_publish(struct nb *nb, bool *notify)
{
	netif_tx_back_ring_t *r = &nb->tx;
	RING_IDX bad;
	bool more, bend;

	/* prod-jump bends the 1st batch; prod-rewind the 2nd. */
	bend = !nb->done && (nb->mode == NB_PROD_JUMP ||
			     (nb->mode == NB_PROD_REWIND && nb->have_first));
	if (!bend) {
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, more);
		*notify |= more;
		if (nb->mode == NB_PROD_REWIND && !nb->done) {
			nb->have_first = true;
			nb->published = r->rsp_prod_pvt;
		}
		return;
	}
	if (nb->mode == NB_PROD_JUMP) {
		/* More than a whole ring of answers the guest never asked. */
		bad = r->rsp_prod_pvt + RING_SIZE(r) + 1;
		peer_log("prod-jump: rsp_prod %u instead of %u", bad,
			 r->rsp_prod_pvt);
	} else {
		/* Below what the guest has already seen and consumed. */
		bad = nb->published - 1;
		peer_log("prod-rewind: rsp_prod %u after %u", bad,
			 nb->published);
	}
	xen_wmb(); /* the guest sees the answers before the index */
	__atomic_store_n(&r->sring->rsp_prod, bad, __ATOMIC_RELAXED);
	*notify = true;
	nb->done = true;
	/* The ring is garbage from now on: leave it alone. */
	nb->dead = true;
}

/* The id of RX request @i, from one copy. */
static uint16_t nb_rx_req_id(struct nb *nb, RING_IDX i)
{
	struct netif_rx_request req;

	RING_COPY_REQUEST(&nb->rx, i, &req);
	return req.id;
}

/* An RX id in the ring's range that names no posted buffer. */
static uint16_t nb_rx_stale_id(struct nb *nb, uint16_t real)
{
	unsigned int size = RING_SIZE(&nb->rx), k;
	uint16_t id;

	for (k = 0; k < size; k++) {
		id = (uint16_t)((real + size / 2 + k) % size);
		if (id != real && id != nb->rx_first_id &&
		    !nb_id_posted(nb, &nb->rx.sring->req_prod, nb->rx.req_cons,
				  size, id, nb_rx_req_id))
			return id;
	}
	return (uint16_t)((real + size / 2) % size);
}

/*
 * MSA00's RX half: the 1st RX answer (the frame at connect) is correct,
 * the 2nd names the wrong buffer.  The frame still goes into the buffer
 * the request gave us; only the id lies.
 */
static void nb_scn_rx_id(struct nb *nb, struct netif_rx_response *rsp)
{
	uint16_t id = rsp->id;

	if (!nb->have_first) {
		nb->have_first = true;
		nb->rx_first_id = id;
		return;
	}
	switch (nb->mode) {
	case NB_RX_DUP_ID:
		rsp->id = nb->rx_first_id;
		peer_log("rx-dup-id: rx id %u answered as id %u (already done)",
			 id, rsp->id);
		break;
	case NB_RX_STALE_ID:
		rsp->id = nb_rx_stale_id(nb, id);
		peer_log("rx-stale-id: rx id %u answered as id %u (not posted)",
			 id, rsp->id);
		break;
	default:
		rsp->id = (uint16_t)RING_SIZE(&nb->rx);
		peer_log("rx-bad-id: rx id %u answered as id %u (ring size)",
			 id, rsp->id);
		break;
	}
	nb->done = true;
}

bool nb_scn_rx_answer(struct nb *nb, struct netif_rx_response *rsp)
{
	if (nb->done)
		return true;
	if (nb->mode == NB_RX_DUP_ID || nb->mode == NB_RX_STALE_ID ||
	    nb->mode == NB_RX_BAD_ID) {
		nb_scn_rx_id(nb, rsp);
		return true;
	}
	if (nb->mode == NB_RX_ERROR_REPEAT || nb->mode == NB_RX_REORDER)
		return nb_xsa405_rx_answer(nb, rsp);
	if (nb->mode != NB_RX_OVERFLOW)
		return true;
	rsp->offset = NB_RX_OVERFLOW_OFFSET;
	rsp->status = NB_RX_OVERFLOW_LEN;
	peer_log("rx-overflow: rx id %u answered offset %u len %u (page %u)",
		 rsp->id, rsp->offset, rsp->status, NB_PAGE_SIZE);
	nb->done = true;
	return false;
}
