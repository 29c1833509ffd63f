// SPDX-License-Identifier: MIT
/*
 * hostile-netback ring code: the backend side of the netif TX and RX
 * rings, as a minimal correct netback does it; the scenario hooks
 * (nb_scenario.c) bend the answers.  The guest is untrusted here too:
 * each request is copied once (RING_COPY_REQUEST), then only the copy is
 * validated and used, and a producer index that claims more than a ring
 * of requests stops the device instead of being followed.
 */
#include "nb.h"
#include "peer_util.h"

#include <errno.h>
#include <stdio.h>

/* Our MAC in RX test frames: Xen's OUI, then "kt" and 1. */
static const uint8_t nb_mac[6] = {0x00, 0x16, 0x3e, 0x6b, 0x74, 0x01};

/* One consumed TX slot: a request, or an extra-info slot after one. */
struct nb_slot {
	struct netif_tx_request req;
	bool extra;
};

void nb_init(struct nb *nb, const struct nb_ops *ops, void *ctx,
	     enum nb_mode mode, netif_tx_sring_t *tx, netif_rx_sring_t *rx,
	     const uint8_t guest_mac[6])
{
	memset(nb, 0, offsetof(struct nb, frame));
	nb->ops = ops;
	nb->ctx = ctx;
	nb->mode = mode;
	nb->storm_count = 100000;
	/* The frontend initialised the shared rings; we only attach. */
	BACK_RING_INIT(&nb->tx, tx, NB_PAGE_SIZE);
	BACK_RING_INIT(&nb->rx, rx, NB_PAGE_SIZE);
	memcpy(nb->guest_mac, guest_mac, 6);
}

void nb_rx_frame(const struct nb *nb, unsigned int seq,
		 uint8_t buf[NB_RX_FRAME_LEN])
{
	unsigned int i, n;

	memcpy(buf, nb->guest_mac, 6);
	memcpy(buf + 6, nb_mac, 6);
	buf[12] = NB_RX_ETHERTYPE >> 8;
	buf[13] = NB_RX_ETHERTYPE & 0xff;
	n = (unsigned int)snprintf((char *)buf + 14, NB_RX_FRAME_LEN - 14,
				   "ktest-netback rx %u", seq);
	/* snprintf's NUL is part of the payload; the rest is a pattern. */
	for (i = 14 + n + 1; i < NB_RX_FRAME_LEN; i++)
		buf[i] = (uint8_t)i;
}

/*
 * MSA01 / XSA-403: map the page behind @ref and count what lies outside
 * [@off, @off + @len), the bytes the request hands us.  A correct
 * frontend leaves zeros there; a stale byte is one it leaked, whether or
 * not a copying backend would ever pass it on (Linux netback copies only
 * the request's bytes, so the wire never shows it).
 */
static void nb_scan(struct nb *nb, struct nb_scan *sc, const char *ring,
		    uint32_t ref, unsigned int off, unsigned int len)
{
	struct nb_outside o;
	const uint8_t *p;

	if (!nb->ops->peek)
		return;
	p = nb->ops->peek(nb->ctx, ref);
	if (!p) {
		if (!sc->errors++)
			peer_log("%s scan: gref %u cannot be mapped", ring,
				 ref);
		return;
	}
	o = nb_page_outside(p, off, len);
	nb->ops->unpeek(nb->ctx, p);
	sc->pages++;
	sc->canary += o.canary;
	if (!o.dirty)
		return;
	/* One line per page would flood under load: the first ten. */
	if (sc->dirty++ < 10)
		peer_log("%s scan: gref %u: %u non-zero byte(s) (%u canary) "
			 "outside offset %u size %u",
			 ring, ref, o.dirty, o.canary, off, len);
}

int nb_scan_format(const struct nb *nb, char *buf, size_t len)
{
	const struct nb_scan *t = &nb->scan_tx, *r = &nb->scan_rx;

	return snprintf(buf, len,
			"tx_pages=%u tx_dirty=%u tx_canary=%u tx_errors=%u "
			"rx_pages=%u rx_dirty=%u rx_canary=%u rx_errors=%u",
			t->pages, t->dirty, t->canary, t->errors, r->pages,
			r->dirty, r->canary, r->errors);
}

/* The frontend's producer index, read once, then its requests. */
static bool nb_req_prod(struct nb *nb, const char *ring, RING_IDX prod,
			RING_IDX rsp_prod_pvt, unsigned int size)
{
	/* Like RING_REQUEST_PROD_OVERFLOW: no more than a ring in flight. */
	if (prod - rsp_prod_pvt > size) {
		peer_log("%s req_prod %u is %u past our answers: stopping",
			 ring, prod, prod - rsp_prod_pvt);
		nb->dead = true;
		return false;
	}
	return true;
}

/* Take one packet's slots off the TX ring; 0, or -EINVAL if malformed. */
static int nb_tx_gather(struct nb *nb, RING_IDX prod, struct nb_slot *s,
			unsigned int *n)
{
	netif_tx_back_ring_t *r = &nb->tx;
	unsigned int reqs = 0, extras;
	struct netif_extra_info ex;
	uint16_t flags;

	*n = 0;
	do {
		if (r->req_cons == prod || reqs == NB_MAX_SLOTS)
			return -EINVAL; /* chain cut short, or too long */
		RING_COPY_REQUEST(r, r->req_cons, &s[*n].req);
		r->req_cons++;
		s[*n].extra = false;
		flags = s[(*n)++].req.flags;
		reqs++;
		/* Extra-info slots follow the request that announces them. */
		for (extras = 0; flags & NETTXF_extra_info; extras++) {
			if (r->req_cons == prod || extras == NB_MAX_EXTRAS)
				return -EINVAL;
			RING_COPY_REQUEST(r, r->req_cons, &s[*n].req);
			r->req_cons++;
			s[*n].extra = true;
			memcpy(&ex, &s[(*n)++].req, sizeof(ex));
			if (!(ex.flags & XEN_NETIF_EXTRA_FLAG_MORE))
				break;
		}
	} while (flags & NETTXF_more_data);
	return 0;
}

/* Copy a gathered packet's data out of the guest; its length or -errno. */
static int nb_tx_copy(struct nb *nb, const struct nb_slot *s, unsigned int n)
{
	unsigned int i, rest = 0, total = s[0].req.size, pos = 0;
	uint16_t len;
	int rc;

	for (i = 1; i < n; i++)
		if (!s[i].extra)
			rest += s[i].req.size;
	/* The first slot's size is the whole packet's. */
	if (rest > total)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i].extra)
			continue;
		len = i ? s[i].req.size : (uint16_t)(total - rest);
		if (s[i].req.offset > NB_PAGE_SIZE ||
		    len > NB_PAGE_SIZE - s[i].req.offset)
			return -EINVAL;
		/* The whole page, while the request is still outstanding. */
		nb_scan(nb, &nb->scan_tx, "tx", s[i].req.gref,
			s[i].req.offset, len);
		/* pos + len <= total <= sizeof(frame), by the sums above. */
		rc = nb->ops->copy_from(nb->ctx, s[i].req.gref, s[i].req.offset,
					nb->frame + pos, len);
		if (rc)
			return rc;
		if (nb_scn_tx_dirty(nb, s[i].req.gref, s[i].req.offset, len))
			return -EACCES;
		pos += len;
	}
	return (int)total;
}

/* The floods log every 256th packet only: the console is a slow UART. */
/*
 * One line per TX packet for the first 16 of a connection, then one per
 * 256: msa00.tx_ids_unique_under_load sends 2048 through `good`, and a
 * line for each (a fifth of make run's serial log) held the peer up on
 * dom0's console until the guest's 5 s wait for its answers ran out on
 * a loaded host (256 still in flight).
 */
static bool nb_quiet(const struct nb *nb, unsigned int n)
{
	bool bulk = nb->mode == NB_HOLD_RX_ALL || nb->mode == NB_HOLD_TX_ALL ||
		    nb->mode == NB_HOLD_CYCLE || nb->mode == NB_MIXED_STORM;

	return (bulk || n >= 16) && n % 256;
}

static void nb_tx_log(struct nb *nb, int len)
{
	const uint8_t *f = nb->frame;

	if (nb_quiet(nb, nb->tx_packets))
		return;
	if (len < 14) {
		peer_log("tx packet %u: %d bytes", nb->tx_packets, len);
		return;
	}
	peer_log("tx packet %u: %d bytes, to %02x:%02x:%02x:%02x:%02x:%02x "
		 "type 0x%04x",
		 nb->tx_packets, len, f[0], f[1], f[2], f[3], f[4], f[5],
		 (f[12] << 8) | f[13]);
}

/* Serve one TX packet: gather, copy, answer every slot. */
static void nb_tx_packet(struct nb *nb, RING_IDX prod)
{
	struct nb_slot s[NB_MAX_SLOTS * (NB_MAX_EXTRAS + 1)];
	struct nb_tx_rsp rsp[NB_MAX_SLOTS * (NB_MAX_EXTRAS + 1)];
	netif_tx_back_ring_t *r = &nb->tx;
	netif_tx_response_t *out;
	unsigned int n, i;
	int len;

	len = nb_tx_gather(nb, prod, s, &n);
	if (!len)
		len = nb_tx_copy(nb, s, n);
	if (len < 0) {
		nb->tx_errors++;
		peer_log("tx packet %u: malformed (%s), answering ERROR",
			 nb->tx_packets, strerror(-len));
	} else {
		nb_tx_log(nb, len);
		if (nb->rx_pending < NB_RX_PENDING_MAX)
			nb->rx_pending++; /* one RX frame per TX frame */
	}
	nb->tx_packets++;
	for (i = 0; i < n; i++) {
		rsp[i].id = s[i].req.id;
		rsp[i].status = len < 0 ? NETIF_RSP_ERROR : NETIF_RSP_OKAY;
		/* Extra-info slots are answered NULL, as Linux netback does. */
		if (s[i].extra)
			rsp[i].status = NETIF_RSP_NULL;
	}
	if (nb_scn_tx_withhold(nb))
		return;
	nb_scn_tx_answers(nb, &s[0].req, rsp, n);
	for (i = 0; i < n; i++) {
		out = RING_GET_RESPONSE(r, r->rsp_prod_pvt);
		out->id = rsp[i].id;
		out->status = rsp[i].status;
		r->rsp_prod_pvt++;
	}
}

/* Serve TX until the frontend has nothing more; true: notify it. */
static bool nb_tx_work(struct nb *nb)
{
	netif_tx_back_ring_t *r = &nb->tx;
	bool notify = false, answered;
	RING_IDX prod;
	int more;

	do {
		prod = __atomic_load_n(&r->sring->req_prod, __ATOMIC_RELAXED);
		/* Pairs with the frontend's wmb before it bumps req_prod. */
		xen_rmb();
		if (!nb_req_prod(nb, "tx", prod, r->rsp_prod_pvt, RING_SIZE(r)))
			return false;
		answered = r->req_cons != prod;
		while (r->req_cons != prod && !nb->dead)
			nb_tx_packet(nb, prod);
		if (answered && !nb->dead)
			nb_scn_tx_publish(nb, &notify);
		if (nb->dead)
			return notify;
		RING_FINAL_CHECK_FOR_REQUESTS(r, more);
	} while (more);
	return notify;
}

/* Fill guest RX buffers with pending test frames; true: notify it. */
static bool nb_rx_work(struct nb *nb)
{
	netif_rx_back_ring_t *r = &nb->rx;
	struct netif_rx_response rsp, *out;
	uint8_t frame[NB_RX_FRAME_LEN];
	struct netif_rx_request req;
	bool notify = false;
	RING_IDX prod;
	int more;

	while ((nb->rx_pending || nb_scn_rx_flood(nb)) && !nb->dead) {
		prod = __atomic_load_n(&r->sring->req_prod, __ATOMIC_RELAXED);
		xen_rmb(); /* pairs with the frontend's wmb before req_prod */
		if (!nb_req_prod(nb, "rx", prod, r->rsp_prod_pvt, RING_SIZE(r)))
			return notify;
		if (r->req_cons == prod) {
			/* No buffer: ask for an event when one is posted. */
			RING_FINAL_CHECK_FOR_REQUESTS(r, more);
			if (!more)
				break;
			continue;
		}
		RING_COPY_REQUEST(r, r->req_cons, &req);
		r->req_cons++;
		/*
		 * rx-reorder swaps in the request it answers now: before the
		 * scan, which must map only a buffer still posted (a look at
		 * one the guest is taking back makes it see a busy grant).
		 */
		nb_xsa405_rx_taken(nb, &req);
		/* A buffer reaches us all zero: nothing of us is asked for. */
		nb_scan(nb, &nb->scan_rx, "rx", req.gref, 0, 0);
		nb_scn_rx_taken(nb, &req);
		rsp.id = req.id;
		rsp.offset = 0;
		rsp.flags = 0;
		rsp.status = NB_RX_FRAME_LEN;
		if (nb_scn_rx_answer(nb, &rsp)) {
			nb_rx_frame(nb, nb->rx_packets, frame);
			if (nb->ops->copy_to(nb->ctx, req.gref, 0, frame,
					     NB_RX_FRAME_LEN))
				rsp.status = NETIF_RSP_ERROR;
		}
		if (!nb_quiet(nb, nb->rx_packets))
			peer_log("rx frame %u: id %u offset %u status %d",
			 nb->rx_packets, rsp.id, rsp.offset, rsp.status);
		out = RING_GET_RESPONSE(r, r->rsp_prod_pvt);
		*out = rsp;
		r->rsp_prod_pvt++;
		if (nb->rx_pending)
			nb->rx_pending--;
		nb->rx_packets++;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, more);
		notify |= more;
		nb_scn_rx_pushed(nb, r->rsp_prod_pvt - 1);
	}
	return notify;
}

void nb_kick(struct nb *nb)
{
	bool notify;

	if (nb->dead)
		return;
	notify = nb_tx_work(nb);
	notify |= nb_rx_work(nb);
	/* One event channel serves both rings. */
	if (notify)
		nb->ops->notify(nb->ctx);
}

void nb_start(struct nb *nb)
{
	unsigned int i;

	if (nb->mode == NB_STORM || nb->mode == NB_MIXED_STORM) {
		peer_log("storm: %u notifications", nb->storm_count);
		for (i = 0; i < nb->storm_count; i++) {
			/* mixed-storm: a cheap valid RX answer now and then. */
			if (nb->mode == NB_MIXED_STORM && !(i % NB_MIXED_EVERY))
				nb->rx_pending = 1, nb_kick(nb);
			nb->ops->notify(nb->ctx);
		}
		nb->done = true;
		peer_log("storm: done, serving normally");
	}
	/* A first RX frame, without waiting for the guest to send. */
	nb->rx_pending = 1;
	nb_kick(nb);
}
