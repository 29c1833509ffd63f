// SPDX-License-Identifier: MIT
/*
 * hostile-netback's XSA-405 modes.  XSA-405 (2022): after an XDP rework
 * Linux netfront freed socket buffers it still kept posted on an error in
 * an RX answer, so a backend's later answers made it use freed memory.
 * Two RX behaviours of that class, each after a correct 1st answer (the
 * frame at connect), so they meet a device in use:
 *
 *   rx-error-repeat  the 2nd answer is NETIF_RSP_ERROR for buffer B (the
 *                    frontend gives B up), the 3rd names B again, with a
 *                    frame in the buffer it was really posted for
 *   rx-reorder       the 2nd and 3rd posted buffers are answered in
 *                    swapped order, each frame in its own buffer (legal:
 *                    ids exist so answers need not come in order)
 *
 * Called by nb_scenario.c's hooks; the guest's side is
 * tests/guest/xsa405_test.c.
 */
#include "nb.h"
#include "peer_util.h"

/*
 * rx-reorder: the 2nd request taken is swapped for the one posted behind
 * it, which the 3rd answer then gets swapped back for.  Called by
 * nb_rx_work() before the RX scan, so each buffer is looked at once,
 * while it is still posted.
 */
void nb_xsa405_rx_taken(struct nb *nb, struct netif_rx_request *req)
{
	netif_rx_back_ring_t *r = &nb->rx;
	RING_IDX prod;

	if (nb->mode != NB_RX_REORDER || nb->done)
		return;
	if (nb->rx_answers == 2 && nb->rx_swapped) {
		peer_log("rx-reorder: answering id %u in place of id %u",
			 nb->rx_held_req.id, req->id);
		*req = nb->rx_held_req;
		return;
	}
	if (nb->rx_answers != 1)
		return;
	prod = __atomic_load_n(&r->sring->req_prod, __ATOMIC_RELAXED);
	xen_rmb(); /* pairs with the frontend's wmb before req_prod */
	/* Nothing behind it yet: in order, and the next pair is tried. */
	if (r->req_cons == prod || prod - r->req_cons > RING_SIZE(r))
		return;
	nb->rx_held_req = *req;
	RING_COPY_REQUEST(r, r->req_cons, req);
	nb->rx_swapped = true;
	peer_log("rx-reorder: answering id %u (posted later) before id %u",
		 req->id, nb->rx_held_req.id);
}

/* Before an RX answer is written; false: no frame is copied. */
bool nb_xsa405_rx_answer(struct nb *nb, struct netif_rx_response *rsp)
{
	unsigned int n = nb->rx_answers++;

	if (nb->mode == NB_RX_REORDER) {
		if (n == 1 && !nb->rx_swapped)
			nb->rx_answers = 1; /* not swapped: still the 2nd */
		nb->done = n >= 2;
		return true;
	}
	if (n == 1) {
		nb->rx_given_up = rsp->id;
		rsp->status = NETIF_RSP_ERROR;
		peer_log("rx-error-repeat: rx id %u answered ERROR (given up)",
			 rsp->id);
		return false;
	}
	if (n == 2) {
		peer_log("rx-error-repeat: rx id %u answered as id %u (given "
			 "up on the error)",
			 rsp->id, nb->rx_given_up);
		rsp->id = nb->rx_given_up;
		nb->done = true;
	}
	return true;
}
