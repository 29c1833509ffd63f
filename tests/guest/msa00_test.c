/*
 * Suite `msa00`: MirageOS Security Advisory 00 (mirage-net-xen < 1.4.2),
 * https://mirage.io/blog/MSA00.
 *
 * The bug: netfront's 16-bit request ids were not unique.  Two in-flight
 * TX requests could share one; the first response freed both pages and
 * the second page was refilled while the backend still read it: corrupt
 * frames, and memory meant for one recipient sent to another.  RX had the
 * same flaw.
 *
 * The rule (drivers/netfront/netfront_ids.c): an id belongs to exactly one
 * in-flight request from push to response; a response whose id is out of
 * range, not in flight, or already answered is rejected: the device is
 * marked broken and no buffer changes hands.
 *
 * Detection: send more than ten rings' worth of frames, the whole ring in
 * flight at once in every round, and watch every push and every response
 * through the driver's test hooks: no id may be pushed while it is in
 * flight (TX and RX).  The driver's own view is not the boundary, so each
 * full ring is also read back from the shared ring page, as the backend
 * reads it: the request slots must carry as many distinct ids as there are
 * requests.  Against hostile-netback, a duplicate, a stale and an
 * out-of-range id must be rejected, on TX and on RX, without any buffer
 * changing hands.  On a BUGGY=msa00 build (ids from a small counter,
 * owners unchecked, out-of-range ids folded into the ring as Linux
 * netfront once did) every test here fails.
 */
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "tests/guest/netfront_test.h"

#define ROUNDS 12

/* Every id the driver pushed and not yet saw answered. */
static struct {
	bool inflight[NETFRONT_MAX_IDS];
	unsigned int pushes, dones, reused, unowned, now, max;
} obs;

static void obs_reset(const struct netfront_ids *ids)
{
	memset(&obs, 0, sizeof(obs));
	/* Requests already posted before we looked. */
	for (unsigned int i = 0; i < ids->size; i++) {
		if (ids->state[i] == NETFRONT_ID_INFLIGHT) {
			obs.inflight[i] = true;
			obs.now++;
		}
	}
}

static void obs_push(uint16_t id)
{
	obs.pushes++;
	/* MSA00: an id that is in flight must not be handed out again. */
	if (obs.inflight[id])
		obs.reused++;
	obs.inflight[id] = true;
	obs.now++;
	obs.max = MAX(obs.max, obs.now);
}

static void obs_done(uint16_t id)
{
	obs.dones++;
	if (!obs.inflight[id])
		obs.unowned++;
	else
		obs.now--;
	obs.inflight[id] = false;
}

static void tx_push(void *arg, uint16_t id, const void *page, size_t len)
{
	obs_push(id);
}

static void tx_done(void *arg, uint16_t id, int16_t status)
{
	obs_done(id);
}

static void rx_post(void *arg, uint16_t id, const void *page)
{
	obs_push(id);
}

static void rx_done(void *arg, uint16_t id, int16_t status)
{
	obs_done(id);
}

/* The shared ring as the backend reads it, over all rounds. */
static struct {
	unsigned int max, dups, bad;
} ring;

/*
 * MSA00 at the boundary: the ids in the shared TX ring's request slots
 * from rsp_cons to req_prod, every request not yet reaped.  A response
 * the backend wrote since covers only the first bytes of its slot (id and
 * status over the request's gref), so the request's id is still there.
 */
static void scan_shared_ring(struct netfront *nf)
{
	static bool seen[NETFRONT_MAX_IDS];
	unsigned int n = 0;
	uint16_t id;

	BUILD_BUG_ON(offsetof(netif_tx_request_t, id) <
		     sizeof(netif_tx_response_t));
	memset(seen, 0, sizeof(seen));
	for (RING_IDX i = nf->tx.rsp_cons; i != nf->tx.req_prod_pvt; i++) {
		id = READ_ONCE(RING_GET_REQUEST(&nf->tx, i)->id);
		n++;
		if (id >= NETFRONT_TX_RING_SIZE) {
			ring.bad++;
			continue;
		}
		ring.dups += seen[id];
		seen[id] = true;
	}
	ring.max = MAX(ring.max, n);
}

/* The round answered, or an id reused (then no wait: see below). */
static bool drained_or_reused(void *arg)
{
	return obs.reused || nft_tx_idle(arg);
}

/* Fill the ring with interrupts off, so nothing is reaped meanwhile. */
static unsigned int fill_ring(struct netfront *nf, unsigned int round)
{
	unsigned int n = 0;
	bool irq = netfront_lock();

	while (n < NETFRONT_TX_RING_SIZE && !nft_send_test(60, (uint8_t)round))
		n++;
	scan_shared_ring(nf);
	netfront_unlock(irq);
	return n;
}

KTEST(msa00, tx_ids_unique_under_load)
{
	struct netfront *nf = netfront_dev();
	struct netfront_stats before, st;
	struct netfront_state ns;
	unsigned int round, sent = 0;

	NFT_NEED_GOOD();
	KT_ASSERT(nft_wait_tx_idle());
	netfront_get_stats(&before);
	obs_reset(&nf->tx_ids);
	memset(&ring, 0, sizeof(ring));
	nf->hooks.tx_push = tx_push;
	nf->hooks.tx_done = tx_done;
	for (round = 0; round < ROUNDS && !obs.reused; round++) {
		sent += fill_ring(nf, round);
		/*
		 * An id reused in flight fails the test: no wait for the ring
		 * to drain (BUGGY=msa00's never does: 5 s for nothing).
		 */
		if (obs.reused ||
		    !nft_wait_rings(drained_or_reused, NULL, NFT_ANSWER_NS) ||
		    obs.reused)
			break;
	}
	nf->hooks.tx_push = NULL;
	nf->hooks.tx_done = NULL;
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	ktest_diag("%u frames in %u rounds, up to %u in flight (ring %u); "
		   "%u id(s) reused in flight, %u answer(s) for no owner",
		   sent, round, obs.max, (unsigned int)NETFRONT_TX_RING_SIZE,
		   obs.reused, obs.unowned);
	ktest_diag("shared ring: up to %u requests outstanding, %u duplicate "
		   "and %u out-of-range id(s) in their slots",
		   ring.max, ring.dups, ring.bad);
	KT_EXPECT_EQ(obs.reused, 0);
	KT_EXPECT_EQ(obs.unowned, 0);
	KT_EXPECT(sent >= 10 * NETFRONT_TX_RING_SIZE);
	/* The whole ring in flight at once, as the driver and the ring say. */
	KT_EXPECT_EQ(obs.max, NETFRONT_TX_RING_SIZE);
	KT_EXPECT_EQ(ring.max, NETFRONT_TX_RING_SIZE);
	KT_EXPECT_EQ(ring.dups, 0);
	KT_EXPECT_EQ(ring.bad, 0);
	KT_EXPECT_EQ(obs.pushes, sent);
	KT_EXPECT_EQ(obs.dones, sent);
	KT_EXPECT_EQ(st.tx_inflight, 0);
	KT_EXPECT_EQ(st.tx_packets - before.tx_packets, sent);
	KT_EXPECT(!ns.broken);
}

/* An id reused while posted fails rx_ids_unique: no need to go on. */
static bool rx_reused(void)
{
	return obs.reused > 0;
}

KTEST(msa00, rx_ids_unique)
{
	struct netfront *nf = netfront_dev();
	struct netfront_stats before;
	struct netfront_state ns;
	unsigned int target;
	bool irq;

	NFT_NEED_GOOD();
	netfront_get_stats(&before);
	irq = netfront_lock();
	obs_reset(&nf->rx_ids);
	nf->hooks.rx_post = rx_post;
	nf->hooks.rx_done = rx_done;
	/* Three times the usual buffers posted at once, then traffic. */
	target = nf->rx_target;
	nf->rx_target = 3 * NETFRONT_RX_TARGET;
	netfront_rx_refill(nf, true);
	nf->rx_target = target;
	netfront_unlock(irq);
	KT_EXPECT(nft_provoke_rx_until(2 * NETFRONT_RX_BATCH, rx_reused));
	nf->hooks.rx_post = NULL;
	nf->hooks.rx_done = NULL;
	netfront_get_state(&ns);
	ktest_diag("%u buffers posted, %u answered, up to %u posted at once; "
		   "%u id(s) reused while posted, %u answer(s) for no owner",
		   obs.pushes, obs.dones, obs.max, obs.reused, obs.unowned);
	KT_EXPECT_EQ(obs.reused, 0);
	KT_EXPECT_EQ(obs.unowned, 0);
	KT_EXPECT(obs.max >= 3 * NETFRONT_RX_TARGET);
	KT_EXPECT(obs.dones >= 2 * NETFRONT_RX_BATCH);
	KT_EXPECT(!ns.broken);
}

/*
 * hostile-netback answers a TX packet with the id of an earlier one
 * (dup-id) or with an id not in flight (stale-id).
 */
static void hostile_id(const char *mode, unsigned int good_first,
		       enum netfront_err kind)
{
	struct netfront_stats st, before;
	struct netfront_state ns, nbefore;
	struct nft_mark m;

	KT_ASSERT(nft_use_mode(mode, NULL, NULL) == 0);
	for (unsigned int i = 0; i < good_first; i++) {
		KT_ASSERT(nft_send_test(60, 0x10) == 0);
		KT_ASSERT(nft_wait_tx_idle());
	}
	netfront_get_stats(&before);
	netfront_get_state(&nbefore);
	KT_ASSERT(!nbefore.broken);
	nft_mark(&m);
	KT_ASSERT(nft_send_test(60, 0x20) == 0);
	KT_ASSERT(nft_wait_broken_at(&m, false, &st, &ns));
	KT_EXPECT_EQ(ns.broken_kind, kind);
	ktest_diag("%s: %s", mode, ns.broken_reason);
	/* MSA00: the in-flight frame kept its page and grant. */
	KT_EXPECT_EQ(st.tx_inflight, 1);
	KT_EXPECT_EQ(st.tx_packets, before.tx_packets);
	KT_EXPECT_EQ(st.grants_held, 2 + st.rx_posted + st.tx_inflight);
	KT_EXPECT_EQ(st.pages_held,
		     2 + st.rx_posted + st.tx_inflight + st.pool_pages);
	nft_expect_clean_teardown();
}

KTEST(msa00, dup_id_rejected)
{
	NFT_NEED_HOSTILE("dup-id");
	/* The 2nd packet is answered with the 1st one's id. */
	hostile_id("dup-id", 1, NETFRONT_ERR_DUP_ID);
}

KTEST(msa00, stale_id_rejected)
{
	NFT_NEED_HOSTILE("stale-id");
	/* The 1st packet is answered with an id never issued. */
	hostile_id("stale-id", 0, NETFRONT_ERR_STALE_ID);
}

/*
 * MSA00's RX half against hostile-netback rx-dup-id / rx-stale-id /
 * rx-bad-id: the 1st RX frame (at connect) is answered correctly, the 2nd
 * (after one TX frame) with the 1st one's id, an id never posted, or id
 * RING_SIZE.  The frame itself goes into the buffer it was asked for; only
 * the id lies.  No buffer may change hands on that answer.
 */
static struct {
	unsigned int dones, frames;
	void *page[NETFRONT_MAX_IDS];
} rxw;

static void rxw_done(void *arg, uint16_t id, int16_t status)
{
	rxw.dones++;
}

static void rxw_frame(void *arg, const void *frame, size_t len)
{
	rxw.frames++;
}

static void hostile_rx_id(const char *mode, enum netfront_err kind)
{
	struct netfront *nf = netfront_dev();
	struct netfront_stats st0, st, before;
	struct netfront_state ns, nbefore;
	struct nft_mark m;
	unsigned int moved = 0;

	KT_ASSERT(nft_use_mode(mode, NULL, &st0) == 0);
	/* The correct 1st answer, so the bad one finds a device in use. */
	KT_ASSERT(nft_wait_rings(nft_rx_since, &st0, NFT_TIMEOUT_NS));
	netfront_get_stats(&before);
	netfront_get_state(&nbefore);
	KT_ASSERT(!nbefore.broken && before.rx_packets - st0.rx_packets == 1);
	memset(&rxw, 0, sizeof(rxw));
	for (unsigned int i = 0; i < NETFRONT_MAX_IDS; i++)
		rxw.page[i] = nf->rx_slot[i].page;
	nf->hooks.rx_done = rxw_done;
	nf->hooks.rx_frame = rxw_frame;
	nft_mark(&m);
	KT_ASSERT(nft_send_test(60, 0x30) == 0);
	KT_EXPECT(nft_wait_broken_at(&m, true, &st, &ns));
	nf->hooks.rx_done = NULL;
	nf->hooks.rx_frame = NULL;
	for (unsigned int i = 0; i < NETFRONT_MAX_IDS; i++)
		moved += nf->rx_slot[i].page != rxw.page[i];
	ktest_diag("%s: %s", mode, ns.broken_reason);
	KT_EXPECT(ns.broken);
	KT_EXPECT_EQ(ns.broken_kind, kind);
	/* MSA00: no buffer retired, delivered or re-posted on that answer. */
	KT_EXPECT_EQ(rxw.dones, 0);
	KT_EXPECT_EQ(rxw.frames, 0);
	KT_EXPECT_EQ(moved, 0);
	KT_EXPECT_EQ(st.rx_packets, before.rx_packets);
	KT_EXPECT_EQ(st.rx_posted, before.rx_posted);
	KT_EXPECT_EQ(st.grants_held, 2 + st.rx_posted + st.tx_inflight);
	KT_EXPECT_EQ(st.pages_held,
		     2 + st.rx_posted + st.tx_inflight + st.pool_pages);
	if (ns.broken)
		nft_expect_clean_teardown();
}

KTEST(msa00, rx_dup_id_rejected)
{
	NFT_NEED_HOSTILE("rx-dup-id");
	hostile_rx_id("rx-dup-id", NETFRONT_ERR_DUP_ID);
}

KTEST(msa00, rx_stale_id_rejected)
{
	NFT_NEED_HOSTILE("rx-stale-id");
	hostile_rx_id("rx-stale-id", NETFRONT_ERR_STALE_ID);
}

KTEST(msa00, rx_bad_id_rejected)
{
	NFT_NEED_HOSTILE("rx-bad-id");
	hostile_rx_id("rx-bad-id", NETFRONT_ERR_BAD_ID);
}
