/*
 * Suite `xsa405`: XSA-405 (2022), a backend's RX answers made Linux
 * netfront use socket buffers it had freed: after its XDP rework an error
 * in an RX answer freed the skb while the slot still held it, and the
 * backend's next answer for that slot reached freed memory.  Against
 * tests/peer/hostile-netback (tests/peer/nb_xsa405.c), after a correct
 * 1st RX answer:
 *
 *   rx_error_repeat_rejected  (rx-error-repeat) the 2nd answer is an
 *       error for buffer B, the 3rd names B again.  B is given up whole on
 *       the error (id answered, page out of the slot); the 3rd answer
 *       breaks the device as a duplicate and no frame is delivered from
 *       a page that is no longer a posted buffer's.
 *   rx_reordered_delivered    (rx-reorder) the 2nd and 3rd buffers are
 *       answered in swapped order: legal, so both frames are delivered,
 *       each read from the buffer its answer names (in answer order).
 */
#include "lib/string.h"
#include "tests/guest/netfront_test.h"

/*
 * What the hooks saw: answers (id, status; swapped: the answer's id is
 * not the one posted at its ring index) and frames (seq, stale).  An
 * answer overwrites its request's slot, so the ids posted are kept in
 * posted[], by ring index.
 */
static struct {
	unsigned int dones, swapped, frames, stale;
	uint16_t id[4];
	int16_t status[4];
	int seq[4];
	uint16_t posted[NETFRONT_MAX_IDS];
} w;

static void w_post(void *arg, uint16_t id, const void *page)
{
	struct netfront *nf = netfront_dev();

	/* Called before req_prod_pvt moves past the request. */
	w.posted[nf->rx.req_prod_pvt % RING_SIZE(&nf->rx)] = id;
}

static void w_done(void *arg, uint16_t id, int16_t status)
{
	struct netfront *nf = netfront_dev();
	/* rx_pass() consumed the answer (rsp_cons + 1) before this call. */
	RING_IDX at = nf->rx.rsp_cons - 1;

	if (w.dones < ARRAY_SIZE(w.id)) {
		w.id[w.dones] = id;
		w.status[w.dones] = status;
	}
	w.swapped += w.posted[at % RING_SIZE(&nf->rx)] != id;
	w.dones++;
}

/*
 * The "ktest-netback rx N" number of a frame (tests/peer/nb_ring.c
 * nb_rx_frame()), -1 if it is not one; and whether its page is in the
 * pool or in another slot: a buffer given up, read anyway (XSA-405).
 */
static void w_frame(void *arg, const void *frame, size_t len)
{
	static const char tag[] = "ktest-netback rx ";
	struct netfront *nf = netfront_dev();
	const char *p = (const char *)frame + 14;
	uintptr_t page = (uintptr_t)frame & ~(uintptr_t)(PAGE_SIZE - 1);
	unsigned int owners = 0;
	int seq = -1;

	if (len > 14 + sizeof(tag) && !memcmp(p, tag, sizeof(tag) - 1)) {
		seq = 0;
		for (p += sizeof(tag) - 1; *p >= '0' && *p <= '9'; p++)
			seq = seq * 10 + (*p - '0');
	}
	for (unsigned int i = 0; i < NETFRONT_MAX_IDS; i++)
		owners += (uintptr_t)nf->rx_slot[i].page == page;
	if (netfront_pool_has(nf, (const void *)page) || owners)
		w.stale++;
	if (w.frames < ARRAY_SIZE(w.seq))
		w.seq[w.frames] = seq;
	w.frames++;
}

static bool answers(void *arg)
{
	struct netfront_state ns;

	netfront_get_state(&ns);
	return w.dones >= *(unsigned int *)arg || ns.broken;
}

/*
 * hostile-netback as `mode` on a connection of its own (the mode
 * channel), past its 1st (correct) RX answer, hooks on; the device's nf.
 */
static struct netfront *watch(const char *mode)
{
	struct netfront *nf = netfront_dev();
	struct netfront_stats st0;
	struct netfront_state ns;

	if (nft_use_mode(mode, NULL, &st0) ||
	    !nft_wait_rings(nft_rx_since, &st0, NFT_TIMEOUT_NS))
		return NULL;
	netfront_get_state(&ns);
	if (ns.broken)
		return NULL;
	memset(&w, 0, sizeof(w));
	/* The requests not answered yet still sit in their slots. */
	for (RING_IDX i = nf->rx.rsp_cons; i != nf->rx.req_prod_pvt; i++)
		w.posted[i % RING_SIZE(&nf->rx)] =
		    RING_GET_REQUEST(&nf->rx, i)->id;
	nf->hooks.rx_post = w_post;
	nf->hooks.rx_done = w_done;
	nf->hooks.rx_frame = w_frame;
	return nf;
}

static void unwatch(struct netfront *nf)
{
	nf->hooks.rx_post = NULL;
	nf->hooks.rx_done = NULL;
	nf->hooks.rx_frame = NULL;
}

KTEST(xsa405, rx_error_repeat_rejected)
{
	struct netfront_stats st, before;
	struct netfront_state ns;
	struct netfront *nf;
	struct nft_mark m;
	unsigned int one = 1;
	uint16_t b;

	NFT_NEED_HOSTILE("rx-error-repeat");
	nf = watch("rx-error-repeat");
	KT_ASSERT(nf);
	netfront_get_stats(&before);
	/* One TX frame, one RX answer: the error for buffer B. */
	KT_ASSERT(nft_send_test(60, 0x45) == 0);
	KT_ASSERT(nft_wait_rings(answers, &one, NFT_TIMEOUT_NS));
	b = w.id[0];
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(!ns.broken);
	KT_EXPECT_EQ(w.status[0], NETIF_RSP_ERROR);
	KT_EXPECT_EQ(st.rx_errors, before.rx_errors + 1);
	/* XSA-405: given up whole: the id is no longer in flight. */
	KT_EXPECT(nf->rx_ids.state[b] != NETFRONT_ID_INFLIGHT);
	/* The next answer names B again. */
	nft_mark(&m);
	KT_ASSERT(nft_send_test(60, 0x46) == 0);
	KT_EXPECT(nft_wait_broken_at(&m, true, &st, &ns));
	unwatch(nf);
	ktest_diag("rx-error-repeat: id %u given up on the error; then %s", b,
		   ns.broken ? ns.broken_reason : "(not broken)");
	KT_EXPECT(ns.broken);
	KT_EXPECT_EQ(ns.broken_kind, NETFRONT_ERR_DUP_ID);
	KT_EXPECT_EQ(w.frames, 0);
	KT_EXPECT_EQ(w.stale, 0);
	if (ns.broken)
		nft_expect_clean_teardown();
}

KTEST(xsa405, rx_reordered_delivered)
{
	struct netfront_stats st, before;
	struct netfront_state ns;
	struct netfront *nf;
	unsigned int two = 2;

	NFT_NEED_HOSTILE("rx-reorder");
	nf = watch("rx-reorder");
	KT_ASSERT(nf);
	netfront_get_stats(&before);
	/* Two TX frames, two RX answers, the second buffer's first. */
	KT_ASSERT(nft_send_test(60, 0x47) == 0);
	KT_ASSERT(nft_send_test(60, 0x48) == 0);
	KT_EXPECT(nft_wait_rings(answers, &two, NFT_TIMEOUT_NS));
	unwatch(nf);
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	ktest_diag("rx-reorder: answers for ids %u, %u (%u out of order); "
		   "frames rx %d, rx %d",
		   w.id[0], w.id[1], w.swapped, w.seq[0], w.seq[1]);
	KT_EXPECT(!ns.broken);
	KT_EXPECT_EQ(w.dones, 2);
	KT_EXPECT_EQ(w.swapped, 2); /* the backend did answer out of order */
	KT_EXPECT_EQ(st.rx_packets, before.rx_packets + 2);
	/* Each frame from the buffer its answer named, in answer order. */
	KT_EXPECT_EQ(w.frames, 2);
	KT_EXPECT_EQ(w.seq[0], 1);
	KT_EXPECT_EQ(w.seq[1], 2);
	KT_EXPECT_EQ(w.stale, 0);
}
