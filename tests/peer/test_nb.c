// SPDX-License-Identifier: MIT
/*
 * Host unit test of the hostile-netback core (nb_ring.c, nb_scenario.c):
 * the test plays the guest's netfront on rings in ordinary memory, with
 * a fake grant table of a few pages, and checks what each scenario puts
 * on the rings.  Built with ASan/UBSan.
 */
#include "nb.h"
#include "peer_util.h"
#include "kernel/ktest.h"

#include <errno.h>
#include <stdlib.h>

#define GUEST_PAGES 8

static struct {
	uint8_t pages[GUEST_PAGES][NB_PAGE_SIZE];
	unsigned int notifies, copies_to, out_of_page, peeks, unpeeks;
	int held_ref, closed;
	unsigned int holds;
} fk;

static netif_tx_sring_t *tx_sring;
static netif_rx_sring_t *rx_sring;
static netif_tx_front_ring_t ftx;
static netif_rx_front_ring_t frx;
static struct nb nb;
static const uint8_t mac[6] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x07};

/* Xen refuses a copy that crosses the page: the fake says so loudly. */
static int fake_check(uint32_t ref, uint16_t off, uint16_t len)
{
	if (ref >= GUEST_PAGES)
		return -EINVAL;
	if (off > NB_PAGE_SIZE || len > NB_PAGE_SIZE - off) {
		fk.out_of_page++;
		return -EINVAL;
	}
	return 0;
}

static int f_copy_from(void *ctx, uint32_t ref, uint16_t off, void *buf,
		       uint16_t len)
{
	int rc = fake_check(ref, off, len);

	(void)ctx;
	if (!rc)
		memcpy(buf, fk.pages[ref] + off, len);
	return rc;
}

static int f_copy_to(void *ctx, uint32_t ref, uint16_t off, const void *buf,
		     uint16_t len)
{
	int rc = fake_check(ref, off, len);

	(void)ctx;
	if (!rc) {
		memcpy(fk.pages[ref] + off, buf, len);
		fk.copies_to++;
	}
	return rc;
}

static void f_notify(void *ctx)
{
	(void)ctx;
	fk.notifies++;
}

static int f_hold(void *ctx, uint32_t ref)
{
	(void)ctx;
	fk.held_ref = (int)ref;
	fk.holds++;
	return 0;
}

static void f_close(void *ctx)
{
	(void)ctx;
	fk.closed++;
}

static const uint8_t *f_peek(void *ctx, uint32_t ref)
{
	(void)ctx;
	if (ref >= GUEST_PAGES)
		return NULL;
	fk.peeks++;
	return fk.pages[ref];
}

static void f_unpeek(void *ctx, const uint8_t *page)
{
	(void)ctx;
	(void)page;
	fk.unpeeks++;
}

static const struct nb_ops fake_ops = {
    .copy_from = f_copy_from,
    .copy_to = f_copy_to,
    .notify = f_notify,
    .hold = f_hold,
    .close = f_close,
    .peek = f_peek,
    .unpeek = f_unpeek,
};

/* A fresh device, as the frontend sets it up before connecting. */
static void setup(enum nb_mode mode)
{
	unsigned int p, i;

	memset(&fk, 0, sizeof(fk));
	fk.held_ref = -1;
	for (p = 0; p < GUEST_PAGES; p++)
		for (i = 0; i < NB_PAGE_SIZE; i++)
			fk.pages[p][i] = (uint8_t)(p * 16 + i);
	memset(tx_sring, 0xcc, NB_PAGE_SIZE);
	memset(rx_sring, 0xcc, NB_PAGE_SIZE);
	SHARED_RING_INIT(tx_sring);
	FRONT_RING_INIT(&ftx, tx_sring, NB_PAGE_SIZE);
	SHARED_RING_INIT(rx_sring);
	FRONT_RING_INIT(&frx, rx_sring, NB_PAGE_SIZE);
	nb_init(&nb, &fake_ops, NULL, mode, tx_sring, rx_sring, mac);
	nb.storm_count = 1000;
}

static void fe_tx(uint16_t id, uint32_t gref, uint16_t off, uint16_t size,
		  uint16_t flags)
{
	netif_tx_request_t *req = RING_GET_REQUEST(&ftx, ftx.req_prod_pvt);

	req->id = id;
	req->gref = gref;
	req->offset = off;
	req->size = size;
	req->flags = flags;
	ftx.req_prod_pvt++;
}

static void fe_push(void)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ftx, notify);
	(void)notify;
}

static void fe_rx_post(uint16_t id, uint32_t gref)
{
	netif_rx_request_t *req = RING_GET_REQUEST(&frx, frx.req_prod_pvt);
	int notify;

	req->id = id;
	req->gref = gref;
	frx.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&frx, notify);
	(void)notify;
}

static netif_tx_response_t fe_tx_rsp(RING_IDX i)
{
	netif_tx_response_t rsp;

	RING_COPY_RESPONSE(&ftx, i, &rsp);
	return rsp;
}

static netif_rx_response_t fe_rx_rsp(RING_IDX i)
{
	netif_rx_response_t rsp;

	RING_COPY_RESPONSE(&frx, i, &rsp);
	return rsp;
}

KTEST(peer_nb, modes)
{
	enum nb_mode m;
	unsigned int i;

	for (i = 0; i < NB_MODE_COUNT; i++) {
		KT_EXPECT(nb_mode_parse(nb_mode_name((enum nb_mode)i), &m) ==
			  0);
		KT_EXPECT(m == (enum nb_mode)i);
	}
	KT_EXPECT(nb_mode_parse("nope", &m) == -EINVAL);
	KT_EXPECT(nb_mode_parse("", &m) == -EINVAL);
	KT_EXPECT(!strcmp(nb_mode_name(NB_MODE_COUNT), "?"));
}

KTEST(peer_nb, good_rx)
{
	netif_rx_response_t r;
	uint8_t *p = fk.pages[3];

	setup(NB_GOOD);
	/* Connected before any RX buffer: the frame waits for one. */
	nb_start(&nb);
	KT_EXPECT(rx_sring->rsp_prod == 0);
	fe_rx_post(9, 3);
	nb_kick(&nb);
	KT_EXPECT(rx_sring->rsp_prod == 1);
	r = fe_rx_rsp(0);
	KT_EXPECT(r.id == 9 && r.offset == 0 && r.status == NB_RX_FRAME_LEN);
	KT_EXPECT(r.flags == 0);
	KT_EXPECT(!memcmp(p, mac, 6));
	KT_EXPECT(p[12] == 0x88 && p[13] == 0xb5);
	KT_EXPECT(!strcmp((char *)p + 14, "ktest-netback rx 0"));
	KT_EXPECT(fk.notifies >= 1 && fk.out_of_page == 0);
}

KTEST(peer_nb, good_tx)
{
	netif_tx_response_t r;
	unsigned int i;

	setup(NB_GOOD);
	fe_rx_post(1, 4);
	fe_rx_post(2, 5);
	nb_start(&nb);
	KT_EXPECT(rx_sring->rsp_prod == 1);
	/* One slot, then three chained slots (first size = total). */
	fe_tx(11, 1, 100, 60, 0);
	fe_tx(12, 1, 0, 100 + 200 + 300, NETTXF_more_data);
	fe_tx(13, 2, 4096 - 200, 200, NETTXF_more_data);
	fe_tx(14, 6, 0, 300, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(tx_sring->rsp_prod == 4);
	for (i = 0; i < 4; i++) {
		r = fe_tx_rsp(i);
		KT_EXPECT(r.id == 11 + i && r.status == NETIF_RSP_OKAY);
	}
	/* The last packet, gathered from three grants. */
	KT_EXPECT(!memcmp(nb.frame, fk.pages[1], 100));
	KT_EXPECT(!memcmp(nb.frame + 100, fk.pages[2] + 4096 - 200, 200));
	KT_EXPECT(!memcmp(nb.frame + 300, fk.pages[6], 300));
	KT_EXPECT(nb.tx_packets == 2 && nb.tx_errors == 0);
	/* Each TX frame earns an RX frame; one buffer was left. */
	KT_EXPECT(rx_sring->rsp_prod == 2 && nb.rx_pending == 1);
	/* The frontend asked to be woken for the next request. */
	KT_EXPECT(tx_sring->req_event == 5);
	KT_EXPECT(fk.out_of_page == 0);
}

KTEST(peer_nb, malformed_tx)
{
	unsigned int i;

	setup(NB_GOOD);
	nb_start(&nb);
	fe_tx(1, 1, 4000, 200, 0);	      /* crosses the page */
	fe_tx(2, 1, 0, 10, NETTXF_more_data); /* rest > total */
	fe_tx(3, 1, 0, 20, 0);
	fe_tx(4, 99, 0, 20, 0); /* bad gref: the copy fails */
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(tx_sring->rsp_prod == 4);
	for (i = 0; i < 4; i++)
		KT_EXPECT(fe_tx_rsp(i).status == NETIF_RSP_ERROR);
	KT_EXPECT(nb.tx_errors == 3);
	/* Never asked Xen for a copy outside a page. */
	KT_EXPECT(fk.out_of_page == 0);

	/* A chain longer than NB_MAX_SLOTS is cut and refused. */
	setup(NB_GOOD);
	for (i = 0; i < NB_MAX_SLOTS + 2; i++)
		fe_tx((uint16_t)i, 1, 0, 10, NETTXF_more_data);
	fe_tx(100, 1, 0, 10, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fe_tx_rsp(0).status == NETIF_RSP_ERROR);
	KT_EXPECT(fe_tx_rsp(NB_MAX_SLOTS - 1).status == NETIF_RSP_ERROR);
	KT_EXPECT(tx_sring->rsp_prod == NB_MAX_SLOTS + 3);

	/* A chain the frontend did not finish publishing. */
	setup(NB_GOOD);
	fe_tx(1, 1, 0, 10, NETTXF_more_data);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(tx_sring->rsp_prod == 1 &&
		  fe_tx_rsp(0).status == NETIF_RSP_ERROR);
}

KTEST(peer_nb, extra_info)
{
	struct netif_extra_info ex = {.type = XEN_NETIF_EXTRA_TYPE_GSO};

	setup(NB_GOOD);
	fe_tx(5, 1, 0, 60, NETTXF_extra_info);
	memcpy(RING_GET_REQUEST(&ftx, ftx.req_prod_pvt), &ex, sizeof(ex));
	ftx.req_prod_pvt++;
	fe_tx(6, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(tx_sring->rsp_prod == 3);
	KT_EXPECT(fe_tx_rsp(0).id == 5 &&
		  fe_tx_rsp(0).status == NETIF_RSP_OKAY);
	KT_EXPECT(fe_tx_rsp(1).status == NETIF_RSP_NULL);
	KT_EXPECT(fe_tx_rsp(2).id == 6 &&
		  fe_tx_rsp(2).status == NETIF_RSP_OKAY);
}

KTEST(peer_nb, dup_id)
{
	setup(NB_DUP_ID);
	nb_start(&nb);
	fe_tx(3, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fe_tx_rsp(0).id == 3);
	fe_tx(7, 1, 0, 60, 0);
	fe_tx(8, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(tx_sring->rsp_prod == 3);
	KT_EXPECT(fe_tx_rsp(1).id == 3 && fe_tx_rsp(2).id == 8);
	KT_EXPECT(nb.done && !nb.dead);
}

KTEST(peer_nb, stale_and_bad_id)
{
	uint16_t id;

	setup(NB_STALE_ID);
	fe_tx(5, 1, 0, 60, 0);
	fe_tx(6, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	id = fe_tx_rsp(0).id;
	KT_EXPECT(id != 5 && id != 6 && id < RING_SIZE(&ftx));
	KT_EXPECT(fe_tx_rsp(1).id == 6);

	setup(NB_BAD_ID);
	fe_tx(5, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fe_tx_rsp(0).id == RING_SIZE(&ftx));
	KT_EXPECT(fe_tx_rsp(0).status == NETIF_RSP_OKAY);
}

KTEST(peer_nb, bad_status)
{
	setup(NB_BAD_STATUS);
	fe_tx(5, 1, 0, 60, 0);
	fe_tx(6, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fe_tx_rsp(0).id == 5 &&
		  fe_tx_rsp(0).status == (int16_t)NB_BAD_STATUS_VALUE);
	KT_EXPECT(fe_tx_rsp(1).status == NETIF_RSP_OKAY);
}

KTEST(peer_nb, prod_jump)
{
	unsigned int n;

	setup(NB_PROD_JUMP);
	fe_tx(5, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(tx_sring->rsp_prod == 1 + RING_SIZE(&ftx) + 1);
	KT_EXPECT(RING_RESPONSE_PROD_OVERFLOW(&ftx, tx_sring->rsp_prod));
	KT_EXPECT(nb.dead && fk.notifies >= 1);
	/* Dead: nothing more is taken off the rings. */
	n = fk.notifies;
	fe_tx(6, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(nb.tx.req_cons == 1 && fk.notifies == n);
}

KTEST(peer_nb, prod_rewind)
{
	setup(NB_PROD_REWIND);
	fe_tx(5, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(tx_sring->rsp_prod == 1);
	ftx.rsp_cons = 1; /* the frontend consumed it */
	fe_tx(6, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(tx_sring->rsp_prod == 0);
	KT_EXPECT(RING_RESPONSE_PROD_OVERFLOW(&ftx, tx_sring->rsp_prod));
	KT_EXPECT(nb.dead);
}

KTEST(peer_nb, storm)
{
	setup(NB_STORM);
	fe_rx_post(1, 2);
	nb_start(&nb);
	KT_EXPECT(fk.notifies >= 1000);
	/* Then a good backend. */
	fe_tx(5, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fe_tx_rsp(0).id == 5 &&
		  fe_tx_rsp(0).status == NETIF_RSP_OKAY);
	KT_EXPECT(rx_sring->rsp_prod == 1);
}

KTEST(peer_nb, mixed_storm)
{
	setup(NB_MIXED_STORM);
	for (uint16_t id = 0; id < 40; id++)
		fe_rx_post(id, id % GUEST_PAGES);
	nb_start(&nb);
	/* 1000 events, an RX frame every NB_MIXED_EVERY of them, then the
	 * first frame of every scenario. */
	KT_EXPECT(fk.notifies >= 1000);
	KT_EXPECT(rx_sring->rsp_prod ==
		  (1000 + NB_MIXED_EVERY - 1) / NB_MIXED_EVERY + 1);
	KT_EXPECT(fk.copies_to == rx_sring->rsp_prod);
}

KTEST(peer_nb, hold_tx_grant)
{
	setup(NB_HOLD_TX_GRANT);
	fe_tx(5, 2, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fk.held_ref == 2);
	KT_EXPECT(fe_tx_rsp(0).id == 5 &&
		  fe_tx_rsp(0).status == NETIF_RSP_OKAY);
	/* Only the first packet's grant. */
	fk.held_ref = -1;
	fe_tx(6, 3, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fk.held_ref == -1);
}

KTEST(peer_nb, hold_rx_all)
{
	setup(NB_HOLD_RX_ALL);
	fe_rx_post(1, 2);
	fe_rx_post(2, 3);
	fe_rx_post(3, 4);
	nb_start(&nb);
	/* Every posted buffer held and answered, not just pending frames. */
	KT_EXPECT(fk.holds == 3);
	KT_EXPECT(rx_sring->rsp_prod == 3);
	KT_EXPECT(fe_rx_rsp(2).id == 3 &&
		  fe_rx_rsp(2).status == NB_RX_FRAME_LEN);
	KT_EXPECT(nb_mode_release_at_close(NB_HOLD_RX_ALL));
	KT_EXPECT(!nb_mode_release_at_close(NB_HOLD_CYCLE));
}

KTEST(peer_nb, hold_tx_all)
{
	setup(NB_HOLD_TX_ALL);
	fe_tx(5, 2, 0, 60, 0);
	fe_tx(6, 3, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fk.holds == 2 && fk.held_ref == 3);
	KT_EXPECT(fe_tx_rsp(1).id == 6 &&
		  fe_tx_rsp(1).status == NETIF_RSP_OKAY);
}

KTEST(peer_nb, tx_scan)
{
	setup(NB_TX_SCAN);
	memset(fk.pages[2], 0, NB_PAGE_SIZE);
	memset(fk.pages[2] + 100, 0x11, 60);
	fe_tx(5, 2, 100, 60, 0); /* only the frame is non-zero: OKAY */
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fe_tx_rsp(0).status == NETIF_RSP_OKAY);
	fk.pages[2][4095] = 0xa5; /* one stray byte: ERROR */
	fe_tx(6, 2, 100, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fe_tx_rsp(1).status == NETIF_RSP_ERROR);
	KT_EXPECT(nb.dirty_pages == 1);
}

/* The one page counter of both scans: the request's bytes are skipped. */
KTEST(peer_nb, page_outside)
{
	static uint8_t page[NB_PAGE_SIZE];
	struct nb_outside o;

	memset(page + 100, 0x11, 60);
	o = nb_page_outside(page, 100, 60);
	KT_EXPECT(o.dirty == 0 && o.canary == 0);
	page[160] = NB_CANARY; /* one past the request */
	page[99] = 7;	       /* one before it */
	o = nb_page_outside(page, 100, 60);
	KT_EXPECT(o.dirty == 2 && o.first == 99 && o.canary == 1);
	KT_EXPECT(nb_page_outside(page, 0, 0).dirty == 62);
}

KTEST(peer_nb, close_mid)
{
	setup(NB_CLOSE_MID);
	fe_rx_post(1, 2);
	nb_start(&nb);
	fe_tx(5, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fk.closed == 1 && nb.dead);
	KT_EXPECT(tx_sring->rsp_prod == 0);
}

KTEST(peer_nb, rx_overflow)
{
	netif_rx_response_t r;

	setup(NB_RX_OVERFLOW);
	fe_rx_post(4, 2);
	fe_rx_post(5, 3);
	nb_start(&nb);
	r = fe_rx_rsp(0);
	KT_EXPECT(r.id == 4 && r.offset == NB_RX_OVERFLOW_OFFSET &&
		  r.status == NB_RX_OVERFLOW_LEN);
	KT_EXPECT(r.offset + r.status > NB_PAGE_SIZE);
	KT_EXPECT(fk.copies_to == 0);
	/* Later frames are correct. */
	fe_tx(5, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	r = fe_rx_rsp(1);
	KT_EXPECT(r.id == 5 && r.offset == 0 && r.status == NB_RX_FRAME_LEN);
}

/* MSA01: each TX/RX page is looked at whole, outside the request's bytes. */
KTEST(peer_nb, scan)
{
	char buf[160];

	setup(NB_GOOD);
	memset(fk.pages[1], 0, NB_PAGE_SIZE);
	memset(fk.pages[1] + 100, 0x5a, 60); /* the frame, at offset 100 */
	memset(fk.pages[2], 0, NB_PAGE_SIZE);
	memset(fk.pages[2], 0x5a, 60);
	fk.pages[2][60] = NB_CANARY; /* just past the request */
	fk.pages[2][4095] = NB_CANARY;
	fk.pages[2][2000] = 7;
	memset(fk.pages[3], 0, NB_PAGE_SIZE);
	memset(fk.pages[4], 0, NB_PAGE_SIZE);
	fk.pages[4][0] = NB_CANARY; /* an RX buffer not cleared */
	fe_rx_post(1, 3);
	nb_start(&nb);
	fe_rx_post(2, 4);
	fe_tx(5, 1, 100, 60, 0);
	fe_tx(6, 2, 0, 60, 0);
	fe_tx(7, 99, 0, 60, 0); /* unmappable: counted, the copy fails too */
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(nb.scan_tx.pages == 2 && nb.scan_tx.dirty == 1);
	KT_EXPECT(nb.scan_tx.canary == 2 && nb.scan_tx.errors == 1);
	KT_EXPECT(nb.scan_rx.pages == 2 && nb.scan_rx.dirty == 1);
	KT_EXPECT(nb.scan_rx.canary == 1 && nb.scan_rx.errors == 0);
	KT_EXPECT(fk.peeks == 4 && fk.unpeeks == 4);
	/* Scanned before the answers: the guest's data is still intact. */
	KT_EXPECT(fe_tx_rsp(0).status == NETIF_RSP_OKAY);
	KT_EXPECT(fe_tx_rsp(2).status == NETIF_RSP_ERROR);
	nb_scan_format(&nb, buf, sizeof(buf));
	KT_EXPECT(!strcmp(buf,
			  "tx_pages=2 tx_dirty=1 tx_canary=2 tx_errors=1 "
			  "rx_pages=2 rx_dirty=1 rx_canary=1 rx_errors=0"));
}

/* MSA00's RX half: the 2nd RX answer names the wrong buffer. */
KTEST(peer_nb, rx_ids)
{
	static const enum nb_mode modes[] = {NB_RX_DUP_ID, NB_RX_STALE_ID,
					     NB_RX_BAD_ID};
	netif_rx_response_t r;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		setup(modes[i]);
		fe_rx_post(10, 2);
		fe_rx_post(11, 3);
		fe_rx_post(12, 4);
		fe_rx_post(140, 5);
		nb_start(&nb);
		r = fe_rx_rsp(0);
		KT_EXPECT(r.id == 10 && r.status == NB_RX_FRAME_LEN &&
			  !nb.done);
		fe_tx(1, 1, 0, 60, 0);
		fe_push();
		nb_kick(&nb);
		KT_EXPECT(rx_sring->rsp_prod == 2 && nb.done);
		r = fe_rx_rsp(1);
		/* The frame went into the real buffer (gref 3) all the same. */
		KT_EXPECT(r.status == NB_RX_FRAME_LEN);
		KT_EXPECT(
		    !strcmp((char *)fk.pages[3] + 14, "ktest-netback rx 1"));
		if (modes[i] == NB_RX_DUP_ID)
			KT_EXPECT(r.id == 10);
		else if (modes[i] == NB_RX_STALE_ID)
			KT_EXPECT(r.id < RING_SIZE(&frx) && r.id != 10 &&
				  r.id != 11 && r.id != 12 && r.id != 140);
		else
			KT_EXPECT(r.id == RING_SIZE(&frx));
		/* Once: the next answer is right again. */
		fe_tx(2, 1, 0, 60, 0);
		fe_push();
		nb_kick(&nb);
		KT_EXPECT(fe_rx_rsp(2).id == 12);
	}
}

KTEST(peer_nb, hostile_frontend)
{
	/* req_prod claims more than a ring: refused, nothing read. */
	setup(NB_GOOD);
	tx_sring->req_prod = RING_SIZE(&ftx) + 5;
	nb_kick(&nb);
	KT_EXPECT(nb.dead && nb.tx.req_cons == 0 && tx_sring->rsp_prod == 0);

	setup(NB_GOOD);
	fe_rx_post(1, 2);
	rx_sring->req_prod = 0x80000000u;
	nb_start(&nb);
	KT_EXPECT(nb.dead && rx_sring->rsp_prod == 0);
}

/*
 * XSA-405's modes (nb_xsa405.c): four RX buffers (ids 10-13 in grefs
 * 2-5), the 1st answered at connect, then two TX packets for two more.
 */
static void xsa405_play(enum nb_mode mode)
{
	setup(mode);
	for (unsigned int i = 0; i < 4; i++)
		fe_rx_post((uint16_t)(10 + i), 2 + i);
	nb_start(&nb);
	fe_tx(1, 1, 0, 60, 0);
	fe_tx(2, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
}

KTEST(peer_nb, xsa405_modes)
{
	netif_rx_response_t r;

	xsa405_play(NB_RX_ERROR_REPEAT);
	KT_ASSERT(rx_sring->rsp_prod == 3 && nb.done);
	KT_EXPECT(fe_rx_rsp(0).id == 10);
	r = fe_rx_rsp(1);
	KT_EXPECT(r.id == 11 && r.status == NETIF_RSP_ERROR);
	r = fe_rx_rsp(2);
	/* Buffer 11 again; the frame went into the one asked for (gref 4). */
	KT_EXPECT(r.id == 11 && r.status == NB_RX_FRAME_LEN);
	KT_EXPECT(!strcmp((char *)fk.pages[4] + 14, "ktest-netback rx 2"));

	xsa405_play(NB_RX_REORDER);
	KT_ASSERT(rx_sring->rsp_prod == 3 && nb.done);
	/* Swapped, each frame in the buffer its answer names. */
	KT_EXPECT(fe_rx_rsp(1).id == 12 && fe_rx_rsp(2).id == 11);
	KT_EXPECT(!strcmp((char *)fk.pages[4] + 14, "ktest-netback rx 1"));
	KT_EXPECT(!strcmp((char *)fk.pages[3] + 14, "ktest-netback rx 2"));
	/* Then in order again. */
	fe_tx(3, 1, 0, 60, 0);
	fe_push();
	nb_kick(&nb);
	KT_EXPECT(fe_rx_rsp(3).id == 13);
}

/* PEER_TEST_VERBOSE=1 shows the core's log lines. */
static int nb_suite_init(void)
{
	tx_sring = aligned_alloc(NB_PAGE_SIZE, NB_PAGE_SIZE);
	rx_sring = aligned_alloc(NB_PAGE_SIZE, NB_PAGE_SIZE);
	peer_log_init("test-nb");
	peer_log_mute(!getenv("PEER_TEST_VERBOSE"));
	return tx_sring && rx_sring ? 0 : -ENOMEM;
}

static void nb_suite_exit(void)
{
	free(tx_sring);
	free(rx_sring);
}

KTEST_SUITE(peer_nb, .suite_init = nb_suite_init, .suite_exit = nb_suite_exit);
