/*
 * Byte I/O on the xenstore ring page (docs/misc/xenstore-ring.txt): two
 * 1 KiB rings with free-running 32-bit indices.  We own req_prod and
 * rsp_cons; xenstored owns req_cons and rsp_prod, and those are the only
 * fields of the page we read.  Each is loaded once per call (READ_ONCE),
 * checked against what we know, and only the checked copy is used.
 */
#include "kernel/xen/xenstore/xs_priv.h"
#include "lib/string.h"

/*
 * Is `idx` a possible new value of a peer index that was last `last`,
 * given that it may be at most `limit` ahead of `base`?  Indices are
 * free-running, so compare distances: base <= last <= idx <= base + limit.
 * XSCLIENT-INDEX: not one byte is taken on the word of an index outside
 * that (BUGGY=xs-ring-index).
 */
static bool idx_ok(XENSTORE_RING_IDX base, XENSTORE_RING_IDX last,
		   XENSTORE_RING_IDX idx, XENSTORE_RING_IDX limit)
{
	if (BUGGY(XS_RING_INDEX))
		return true;
	return idx - base <= limit && idx - base >= last - base;
}

int xs_ring_attach(struct xs_ring *r, struct xenstore_domain_interface *intf)
{
	XENSTORE_RING_IDX prod, cons;

	memset(r, 0, sizeof(*r));
	r->intf = intf;
	/* Untrusted indices: one load each (XSA-155 copy once). */
	r->req_prod = READ_ONCE(intf->req_prod);
	r->req_cons = READ_ONCE(intf->req_cons);
	cons = READ_ONCE(intf->rsp_cons);
	prod = READ_ONCE(intf->rsp_prod);
	/* Neither ring may hold more than its size. */
	if (r->req_prod - r->req_cons > XENSTORE_RING_SIZE ||
	    prod - cons > XENSTORE_RING_SIZE)
		return -EPROTO;
	/*
	 * Bytes already in the response ring were meant for whoever had the
	 * page before us and may end mid-message: skip them so our reader
	 * starts on a message boundary.
	 */
	r->rsp_cons = prod;
	r->rsp_prod = prod;
	WRITE_ONCE(intf->rsp_cons, prod);
	return 0;
}

bool xs_ring_rsp_ready(const struct xs_ring *r)
{
	return READ_ONCE(r->intf->rsp_prod) != r->rsp_cons;
}

bool xs_ring_req_room(const struct xs_ring *r)
{
	return r->req_prod - READ_ONCE(r->intf->req_cons) < XENSTORE_RING_SIZE;
}

int xs_ring_read(struct xs_ring *r, void *dst, size_t len)
{
	struct xenstore_domain_interface *intf = r->intf;
	XENSTORE_RING_IDX prod, avail;
	size_t done = 0;

	/* Untrusted index: one load (XSA-155 copy once)... */
	prod = READ_ONCE(intf->rsp_prod);
	/* ...never backwards, never more than a ring ahead of us. */
	if (!idx_ok(r->rsp_cons, r->rsp_prod, prod, XENSTORE_RING_SIZE))
		return -EPROTO;
	r->rsp_prod = prod;
	avail = prod - r->rsp_cons;
	if (!avail)
		return 0;
	r->peer_blocked = avail == XENSTORE_RING_SIZE;
	/*
	 * Read the bytes only after the index that covers them: pairs with
	 * xenstored's write barrier between filling rsp[] and bumping
	 * rsp_prod.
	 */
	rmb();
	while (done < len && avail) {
		XENSTORE_RING_IDX off = MASK_XENSTORE_IDX(r->rsp_cons);
		size_t n = MIN((size_t)avail, XENSTORE_RING_SIZE - off);

		n = MIN(n, len - done);
		memcpy((char *)dst + done, intf->rsp + off, n);
		done += n;
		avail -= n;
		r->rsp_cons += n;
	}
	/*
	 * Finish copying out before handing the slots back: pairs with
	 * xenstored's barrier between reading rsp_cons and refilling rsp[].
	 */
	mb();
	WRITE_ONCE(intf->rsp_cons, r->rsp_cons);
	r->taken += done;
	return (int)done;
}

int xs_ring_write(struct xs_ring *r, const void *src, size_t len)
{
	struct xenstore_domain_interface *intf = r->intf;
	XENSTORE_RING_IDX cons, room;
	size_t done = 0;

	/* Untrusted index: one load (XSA-155 copy once)... */
	cons = READ_ONCE(intf->req_cons);
	/* ...never backwards, never past what we produced. */
	if (!idx_ok(r->req_cons, r->req_cons, cons, r->req_prod - r->req_cons))
		return -EPROTO;
	r->req_cons = cons;
	/*
	 * Read the consumer index before overwriting the slots it frees:
	 * pairs with xenstored's barrier between copying requests out and
	 * advancing req_cons.
	 */
	mb();
	room = XENSTORE_RING_SIZE - (r->req_prod - cons);
	while (done < len && room) {
		XENSTORE_RING_IDX off = MASK_XENSTORE_IDX(r->req_prod);
		size_t n = MIN((size_t)room, XENSTORE_RING_SIZE - off);

		n = MIN(n, len - done);
		memcpy(intf->req + off, (const char *)src + done, n);
		done += n;
		room -= n;
		r->req_prod += n;
	}
	/*
	 * The bytes must be visible before the index that publishes them:
	 * pairs with xenstored's read barrier after loading req_prod.
	 */
	wmb();
	WRITE_ONCE(intf->req_prod, r->req_prod);
	return (int)done;
}
