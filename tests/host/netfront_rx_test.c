/*
 * Suite `netfront_rx` (host): the RX path of drivers/netfront/netfront_rx.c
 * against the fake netback: buffers zeroed before every grant (MSA01), ids
 * unique (MSA00), every response field validated on a copy (offset + length in
 * the page, flags, status), refill in batches, a still-mapped buffer
 * quarantined (MSA02), and delivery that re-enters the driver.
 */
#include "kernel/ktest.h"
#include "kernel/net/netdev.h"
#include "lib/errno.h"
#include "tests/host/netfront_fake.h"

static uint8_t frame[PAGE_SIZE];

/* Take every posted buffer: ids unique, pages writable and all zero. */
static unsigned int check_posted(struct nf_fake *f, unsigned int *dirty)
{
	static bool seen[NETFRONT_MAX_IDS];
	netif_rx_request_t req;
	unsigned int n = 0, dups = 0;
	void *page;

	memset(seen, 0, sizeof(seen));
	*dirty = 0;
	while (nf_fake_rx_take(f, &req)) {
		n++;
		if (req.id >= NETFRONT_MAX_IDS || seen[req.id])
			dups++;
		else
			seen[req.id] = true;
		page = nf_fake_page(f, req.gref);
		if (!page || f->g[req.gref].readonly ||
		    !nf_fake_all(page, PAGE_SIZE, 0))
			(*dirty)++;
	}
	return dups ? 0 : n;
}

KTEST(netfront_rx, posted_zeroed_unique)
{
	struct nf_fake *f = nf_fake_up();
	unsigned int dirty;

	KT_ASSERT(f);
	KT_EXPECT_EQ(f->nf.st.rx_posted, NETFRONT_RX_TARGET);
	/* MSA00 and MSA01 on the initial fill. */
	KT_EXPECT_EQ(check_posted(f, &dirty), NETFRONT_RX_TARGET);
	KT_EXPECT_EQ(dirty, 0);
	nf_fake_down(f);
}

/* `n` frames of `len` bytes filled with `fill`, then one work pass. */
static void receive(struct nf_fake *f, unsigned int n, uint16_t len,
		    uint8_t fill)
{
	memset(frame, fill, len);
	for (unsigned int i = 0; i < n; i++)
		if (nf_fake_rx_frame(f, frame, len))
			ktest_fail_at(__FILE__, __LINE__, "no rx buffer");
	netfront_work(&f->nf);
}

KTEST(netfront_rx, deliver_and_refill_in_batches)
{
	struct nf_fake *f = nf_fake_up();
	unsigned int notifies;

	KT_ASSERT(f);
	receive(f, 1, 60, 0x77);
	KT_EXPECT_EQ(f->delivered, 1);
	KT_EXPECT_EQ(f->last_len, 60);
	KT_EXPECT(nf_fake_all(f->last_frame, 60, 0x77));
	KT_EXPECT_EQ(f->nf.st.rx_packets, 1);
	KT_EXPECT_EQ(f->nf.st.rx_bytes, 60);
	/* One buffer short of the target is not a batch yet. */
	KT_EXPECT_EQ(f->nf.st.rx_posted, NETFRONT_RX_TARGET - 1);
	notifies = f->notifies;
	receive(f, NETFRONT_RX_BATCH - 1, 100, 0x78);
	KT_EXPECT_EQ(f->nf.st.rx_posted, NETFRONT_RX_TARGET);
	KT_EXPECT_EQ(nf_fake_rx_pending(f), NETFRONT_RX_TARGET);
	/* A whole batch, at most one notification. */
	KT_EXPECT(f->notifies - notifies <= 1);
	KT_EXPECT_EQ(f->nf.st.rx_packets, NETFRONT_RX_BATCH);
	nf_fake_down(f);
}

KTEST(netfront_rx, page_zeroed_on_reuse)
{
	struct nf_fake *f = nf_fake_up();
	unsigned int dirty, n;

	KT_ASSERT(f);
	/* Full pages of canary: the recycled buffers hold them. */
	receive(f, NETFRONT_RX_BATCH, 1514, 0xc5);
	KT_EXPECT(f->nf.st.rx_posted == NETFRONT_RX_TARGET);
	n = check_posted(f, &dirty);
	KT_EXPECT_EQ(n, NETFRONT_RX_TARGET);
	/* MSA01: the refilled pages were zeroed before the grant. */
	KT_EXPECT_EQ(dirty, 0);
	nf_fake_down(f);
}

/* One response with these fields for the next buffer: the error kind. */
static enum netfront_err answer(uint16_t off, uint16_t flags, int16_t status,
				int id_delta, unsigned int *delivered)
{
	struct nf_fake *f = nf_fake_up();
	netif_rx_request_t req;
	enum netfront_err kind;
	uint32_t posted;

	if (!f || !nf_fake_rx_take(f, &req))
		return NETFRONT_ERR_COUNT;
	posted = f->nf.st.rx_posted;
	nf_fake_rx_answer(f, (uint16_t)(req.id + id_delta), off, flags, status);
	netfront_work(&f->nf);
	kind = f->nf.state.broken ? f->nf.state.broken_kind : NETFRONT_ERR_NONE;
	/* Rejected: nothing delivered and the buffer still posted. */
	if (f->nf.state.broken &&
	    (f->delivered || f->nf.st.rx_posted != posted))
		kind = NETFRONT_ERR_COUNT;
	*delivered = f->delivered;
	nf_fake_down(f);
	return kind;
}

KTEST(netfront_rx, bounds_rejected)
{
	unsigned int d;

	/* hostile-netback rx-overflow: offset 4000, length 200. */
	KT_EXPECT_EQ(answer(4000, 0, 200, 0, &d), NETFRONT_ERR_RX_BOUNDS);
	KT_EXPECT_EQ(answer(0xffff, 0, 1, 0, &d), NETFRONT_ERR_RX_BOUNDS);
	KT_EXPECT_EQ(answer(4097, 0, 0, 0, &d), NETFRONT_ERR_RX_BOUNDS);
	KT_EXPECT_EQ(answer(1, 0, 4096, 0, &d), NETFRONT_ERR_RX_BOUNDS);
	KT_EXPECT_EQ(answer(0, 0, 0x7fff, 0, &d), NETFRONT_ERR_RX_BOUNDS);
	/* The last byte of the page is still in it. */
	KT_EXPECT_EQ(answer(4096 - 64, 0, 64, 0, &d), NETFRONT_ERR_NONE);
	KT_EXPECT_EQ(d, 1);
	KT_EXPECT_EQ(answer(0, 0, 4096, 0, &d), NETFRONT_ERR_NONE);
	/* Inside but too short for Ethernet: dropped, not an error. */
	KT_EXPECT_EQ(answer(4096, 0, 0, 0, &d), NETFRONT_ERR_NONE);
	KT_EXPECT_EQ(d, 0);
}

KTEST(netfront_rx, ids_flags_status_checked)
{
	unsigned int d;

	KT_EXPECT_EQ(answer(0, 0, 60, 100, &d), NETFRONT_ERR_STALE_ID);
	KT_EXPECT_EQ(answer(0, 0, 60, 256, &d), NETFRONT_ERR_BAD_ID);
	KT_EXPECT_EQ(answer(0, NETRXF_more_data, 60, 0, &d),
		     NETFRONT_ERR_RX_FLAGS);
	KT_EXPECT_EQ(answer(0, NETRXF_extra_info, 60, 0, &d),
		     NETFRONT_ERR_RX_FLAGS);
	KT_EXPECT_EQ(answer(0, NETRXF_data_validated, 60, 0, &d),
		     NETFRONT_ERR_NONE);
	KT_EXPECT_EQ(answer(0, 0, NETIF_RSP_ERROR, 0, &d), NETFRONT_ERR_NONE);
	KT_EXPECT_EQ(answer(0, 0, NETIF_RSP_DROPPED, 0, &d), NETFRONT_ERR_NONE);
	KT_EXPECT_EQ(d, 0);
	KT_EXPECT_EQ(answer(0, 0, -7, 0, &d), NETFRONT_ERR_BAD_STATUS);
}

/* The backend's checksum flags reach the stack as NETDEV_RX_CSUM_OK. */
KTEST(netfront_rx, csum_flags_delivered)
{
	static const struct {
		uint16_t flags;
		unsigned int want;
	} cases[] = {
	    {0, 0},
	    {NETRXF_data_validated, NETDEV_RX_CSUM_OK},
	    {NETRXF_csum_blank, NETDEV_RX_CSUM_OK},
	    {NETRXF_csum_blank | NETRXF_data_validated, NETDEV_RX_CSUM_OK},
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nf_fake *f = nf_fake_up();
		netif_rx_request_t req;

		KT_ASSERT(f && nf_fake_rx_take(f, &req));
		f->last_flags = ~0u;
		nf_fake_rx_answer(f, req.id, 0, cases[i].flags, 60);
		netfront_work(&f->nf);
		KT_EXPECT_EQ(f->delivered, 1);
		KT_EXPECT_EQ(f->last_flags, cases[i].want);
		nf_fake_down(f);
	}
}

KTEST(netfront_rx, dup_id_rejected)
{
	struct nf_fake *f = nf_fake_up();
	netif_rx_request_t a, b;

	KT_ASSERT(f);
	KT_ASSERT(nf_fake_rx_take(f, &a) && nf_fake_rx_take(f, &b));
	nf_fake_rx_answer(f, a.id, 0, 0, 60);
	nf_fake_rx_answer(f, a.id, 0, 0, 60); /* b's answer, a's id */
	netfront_work(&f->nf);
	KT_EXPECT_EQ(f->delivered, 1);
	KT_EXPECT(f->nf.state.broken);
	KT_EXPECT_EQ(f->nf.state.broken_kind, NETFRONT_ERR_DUP_ID);
	KT_EXPECT_EQ(f->nf.st.rx_posted, NETFRONT_RX_TARGET - 1);
	nf_fake_down(f);
}

KTEST(netfront_rx, mapped_buffer_quarantined)
{
	struct nf_fake *f = nf_fake_up();
	netif_rx_request_t req;

	KT_ASSERT(f);
	KT_ASSERT(nf_fake_rx_take(f, &req));
	nf_fake_map(f, req.gref, true);
	nf_fake_rx_answer(f, req.id, 0, 0, 60);
	netfront_work(&f->nf);
	/* The backend can still write it: not handed to the stack. */
	KT_EXPECT_EQ(f->delivered, 0);
	KT_EXPECT_EQ(f->nf.st.rx_dropped, 1);
	KT_EXPECT_EQ(f->nf.st.quarantined_pages, 1);
	KT_EXPECT(f->g[req.gref].quarantined);
	/* Issue 9: a copy-mode backend never answers what it maps. */
	KT_EXPECT(f->nf.state.broken);
	KT_EXPECT_EQ(f->nf.state.broken_kind, NETFRONT_ERR_STILL_MAPPED);
	/* No refill for it: a fresh page each time would drain us. */
	KT_EXPECT_EQ(f->nf.st.rx_posted, NETFRONT_RX_TARGET - 1);
	nf_fake_down(f);
}

static struct nf_fake *echo_dev;

/* A stack that answers from inside delivery and polls again. */
static void echo(void *arg, const void *data, size_t len)
{
	KT_EXPECT_EQ(netfront_tx(&echo_dev->nf, data, len), 0);
	netfront_work(&echo_dev->nf); /* the RX half must not nest */
}

KTEST(netfront_rx, delivery_reenters)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t req;

	KT_ASSERT(f);
	echo_dev = f;
	f->nf.hooks.rx_frame = echo;
	receive(f, 3, 60, 0x5e);
	KT_EXPECT_EQ(f->delivered, 3);
	KT_EXPECT_EQ(nf_fake_tx_pending(f), 3);
	KT_ASSERT(nf_fake_tx_take(f, &req));
	KT_EXPECT(nf_fake_all(nf_fake_page(f, req.gref), 60, 0x5e));
	KT_EXPECT(!f->nf.state.broken);
	nf_fake_down(f);
	KT_EXPECT_EQ(f->nf.st.tx_dropped, 3);
}
