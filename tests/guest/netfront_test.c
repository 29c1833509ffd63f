/*
 * Suite `netfront`, part 1 of 3: the helpers of netfront_test.h, and the
 * handshake against a correct backend (the real Linux netback in scenario
 * nf-linux, or hostile-netback good): connect, then a frontend-initiated
 * close and a second connect.  Part 2 (netfront_hostile_test.c) plays
 * against hostile-netback, part 3 (netfront_teardown_test.c) ends every
 * scenario with a teardown and a leak check.
 */
#include "tests/guest/netfront_test.h"
#include "kernel/net/netdev.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "lib/errno.h"
#include "lib/printf.h"

/* ---- helpers ---- */

/* Ring work only, or (`service`) the state machine too. */
static bool wait_cond(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns,
		      bool service)
{
	uint64_t deadline = time_now_ns() + timeout_ns;

	for (;;) {
		if (service)
			netfront_poll();
		else
			netfront_work(netfront_dev());
		if (cond(arg))
			return true;
		if (time_now_ns() >= deadline)
			return false;
		sleep_ns(NFT_MS);
	}
}

bool nft_wait(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns)
{
	return wait_cond(cond, arg, timeout_ns, true);
}

bool nft_wait_rings(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns)
{
	return wait_cond(cond, arg, timeout_ns, false);
}

bool nft_tx_idle(void *arg)
{
	struct netfront_stats st;
	struct netfront_state ns;

	netfront_get_stats(&st);
	netfront_get_state(&ns);
	return !st.tx_inflight || ns.broken || !ns.up;
}

bool nft_rx_since(void *arg)
{
	const struct netfront_stats *st0 = arg;
	struct netfront_stats st;
	struct netfront_state ns;

	netfront_get_stats(&st);
	netfront_get_state(&ns);
	return st.rx_packets > st0->rx_packets || ns.broken;
}

bool nft_wait_tx_idle(void)
{
	return nft_wait_rings(nft_tx_idle, NULL, NFT_TIMEOUT_NS);
}

static bool is_broken(void *arg)
{
	netfront_get_state(arg);
	return ((struct netfront_state *)arg)->broken;
}

bool nft_wait_broken(struct netfront_stats *st, struct netfront_state *s)
{
	/* Without the service, which would tear the device down at once. */
	bool broken = nft_wait_rings(is_broken, s, NFT_TIMEOUT_NS);

	netfront_get_stats(st);
	return broken;
}

void nft_mark(struct nft_mark *m)
{
	struct netfront *nf = netfront_dev();
	bool irq = netfront_lock();

	m->tx = nf->rings_up ? READ_ONCE(nf->tx.sring->rsp_prod) : 0;
	m->rx = nf->rings_up ? READ_ONCE(nf->rx.sring->rsp_prod) : 0;
	netfront_unlock(irq);
}

struct taken {
	const struct nft_mark *m;
	bool rx;
	struct netfront_state *s;
};

static bool broken_or_taken(void *arg)
{
	struct taken *t = arg;
	struct netfront *nf = netfront_dev();
	/*
	 * Interrupts off: an event's reap cannot run between the look at
	 * broken and the one at the indexes (it takes an answer and breaks
	 * the device in one go).
	 */
	bool irq = netfront_lock();
	bool done = true;

	netfront_get_state(t->s);
	if (!t->s->broken && nf->rings_up) {
		RING_IDX prod = t->rx ? READ_ONCE(nf->rx.sring->rsp_prod)
				      : READ_ONCE(nf->tx.sring->rsp_prod);
		RING_IDX cons = t->rx ? nf->rx.rsp_cons : nf->tx.rsp_cons;

		done = prod != (t->rx ? t->m->rx : t->m->tx) && cons == prod;
	}
	netfront_unlock(irq);
	return done;
}

bool nft_wait_broken_at(const struct nft_mark *m, bool rx,
			struct netfront_stats *st, struct netfront_state *s)
{
	struct taken t = {m, rx, s};

	nft_wait_rings(broken_or_taken, &t, NFT_TIMEOUT_NS);
	netfront_get_stats(st);
	netfront_get_state(s);
	return s->broken;
}

static const uint8_t nowhere[ETH_ALEN] = {0x02, 0x6b, 0x74, 0, 0, 1};

int nft_send_test(size_t len, uint8_t fill)
{
	static uint8_t f[ETH_FRAME_MAX];
	struct netfront_state ns;

	netfront_get_state(&ns);
	memset(f, fill, sizeof(f));
	memcpy(f, nowhere, ETH_ALEN);
	memcpy(f + ETH_ALEN, ns.mac, ETH_ALEN);
	f[12] = 0x88; /* IEEE 802 local experimental */
	f[13] = 0xb5;
	return netfront_xmit(f, len);
}

int nft_send_arp_probe(void)
{
	uint8_t f[60] = {0};
	struct netfront_state ns;
	static const uint8_t arp[8] = {0, 1, 8, 0, 6, 4, 0, 1};

	netfront_get_state(&ns);
	memset(f, 0xff, ETH_ALEN);
	memcpy(f + 6, ns.mac, ETH_ALEN);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, arp, sizeof(arp)); /* Ethernet, IPv4, request */
	memcpy(f + 22, ns.mac, ETH_ALEN); /* sender MAC; sender IP 0 */
	f[38] = 192;			  /* target IP 192.0.2.1 */
	f[39] = 0;
	f[40] = 2;
	f[41] = 1;
	return netfront_xmit(f, sizeof(f));
}

struct rx_goal {
	uint64_t want;
	uint64_t next_probe;
	bool (*stop)(void);
};

static bool rx_reached(void *arg)
{
	struct rx_goal *g = arg;
	struct netfront_stats st;
	struct netfront_state ns;

	netfront_get_stats(&st);
	netfront_get_state(&ns);
	if (st.rx_packets >= g->want || ns.broken || (g->stop && g->stop()))
		return true;
	/* One probe every 20 ms keeps answers coming without a flood. */
	if (time_now_ns() >= g->next_probe) {
		nft_send_arp_probe();
		g->next_probe = time_now_ns() + 20 * NFT_MS;
	}
	return false;
}

bool nft_provoke_rx_until(unsigned int n, bool (*stop)(void))
{
	struct netfront_stats st;
	struct rx_goal g;

	netfront_get_stats(&st);
	g.want = st.rx_packets + n;
	g.next_probe = 0;
	g.stop = stop;
	nft_wait(rx_reached, &g, NFT_TIMEOUT_NS * 2);
	netfront_get_stats(&st);
	return st.rx_packets >= g.want;
}

bool nft_provoke_rx(unsigned int n)
{
	return nft_provoke_rx_until(n, NULL);
}

static bool is_down(void *arg)
{
	struct netfront_stats st;
	struct netfront_state ns;

	netfront_get_stats(&st);
	netfront_get_state(&ns);
	return !ns.up && !st.pages_held;
}

void nft_expect_clean_teardown(void)
{
	struct netfront_stats st;
	struct netfront_state ns;

	/* netfront_service() (from the poll) tears a broken device down. */
	KT_EXPECT(nft_wait(is_down, NULL, 4 * NFT_TIMEOUT_NS));
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(!ns.up);
	KT_EXPECT_EQ(st.pages_held, 0);
	KT_EXPECT_EQ(st.grants_held, 0);
	KT_EXPECT_EQ(st.tx_inflight, 0);
	KT_EXPECT_EQ(st.rx_posted, 0);
	ktest_diag("after teardown: %lu page(s) quarantined in all, %lu "
		   "disconnect(s)",
		   (unsigned long)st.quarantined_pages,
		   (unsigned long)st.disconnects);
}

void nft_disconnect_clean(struct netfront_stats *st)
{
	struct netfront_state ns;

	KT_EXPECT_EQ(netfront_disconnect(), 0);
	netfront_get_stats(st);
	netfront_get_state(&ns);
	KT_EXPECT(!ns.up);
	KT_EXPECT_EQ(st->pages_held, 0);
	KT_EXPECT_EQ(st->grants_held, 0);
}

/* The device up at boot (before the misbehaviour), else why not. */
int nft_hostile_up(void)
{
	struct netfront_state ns;

	netfront_get_state(&ns);
	if (ns.up || ns.broken)
		return 0;
	return netfront_connect(NFT_CONNECT_NS);
}

/* ---- tests against a correct backend ---- */

static int read_fe(const char *leaf, uint64_t *v)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/%s", NETFRONT_DEV, leaf);
	return xs_read_u64(XS_TXN_NIL, path, v);
}

KTEST(netfront, connect)
{
	struct netfront *nf = netfront_dev();
	struct netfront_stats st;
	struct netfront_state ns;
	uint64_t v = 0;

	NFT_NEED_GOOD();
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(ns.up && !ns.broken);
	KT_EXPECT(st.connects >= 1);
	KT_EXPECT(ns.features.rx_copy);
	KT_EXPECT(!(ns.mac[0] & 1));
	KT_ASSERT(netfront_netdev() != NULL);
	KT_EXPECT(!memcmp(netfront_netdev()->mac, ns.mac, ETH_ALEN));
	KT_EXPECT(netfront_netdev()->up);
	/* What we published, in the one transaction. */
	KT_EXPECT(read_fe("state", &v) == 0 && v == XenbusStateConnected);
	KT_EXPECT(read_fe("tx-ring-ref", &v) == 0 && v == nf->tx_ring_ref);
	KT_EXPECT(read_fe("rx-ring-ref", &v) == 0 && v == nf->rx_ring_ref);
	KT_EXPECT(read_fe("event-channel", &v) == 0 && v > 0);
	KT_EXPECT(read_fe("request-rx-copy", &v) == 0 && v == 1);
	KT_EXPECT(read_fe("feature-rx-notify", &v) == 0 && v == 1);
	/* Refilled in batches: never more than a batch short. */
	KT_EXPECT(st.rx_posted > NETFRONT_RX_TARGET - NETFRONT_RX_BATCH);
	/* Accounting: every page and grant is one we can name. */
	KT_EXPECT_EQ(st.grants_held, 2 + st.rx_posted + st.tx_inflight);
	KT_EXPECT_EQ(st.pages_held,
		     2 + st.rx_posted + st.tx_inflight + st.pool_pages);
	ktest_diag("MAC %02x:%02x:%02x:%02x:%02x:%02x, sg %u split-evtchn %u "
		   "queues %u gso %u",
		   ns.mac[0], ns.mac[1], ns.mac[2], ns.mac[3], ns.mac[4],
		   ns.mac[5], ns.features.sg, ns.features.split_evtchn,
		   ns.features.max_queues, ns.features.gso_tcpv4);
}

KTEST(netfront, reconnect)
{
	struct netfront_stats before, st;
	struct netfront_state ns;
	uint64_t v = 0;

	NFT_NEED_GOOD();
	netfront_get_stats(&before);
	nft_disconnect_clean(&st);
	KT_EXPECT_EQ(st.disconnects, before.disconnects + 1);
	KT_EXPECT(read_fe("state", &v) == 0 && v == XenbusStateClosed);
	KT_EXPECT(nft_send_test(60, 1) < 0); /* down: refused */
	/* Back up, through the whole handshake again. */
	KT_ASSERT(netfront_connect(NFT_CONNECT_NS) == 0);
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(ns.up);
	KT_EXPECT_EQ(st.connects, before.connects + 1);
	KT_EXPECT(read_fe("state", &v) == 0 && v == XenbusStateConnected);
	/*
	 * And it carries traffic both ways.  Our own frame first: dom0's
	 * frames (its IPv6 when the vif's carrier comes up) can be the one RX
	 * frame nft_provoke_rx() waits for, and then it sends nothing (seen on
	 * Xen 4.20's dom0, 6.12).
	 */
	KT_EXPECT_EQ(nft_send_arp_probe(), 0);
	KT_EXPECT(nft_provoke_rx(1));
	KT_EXPECT(nft_wait_tx_idle());
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(st.tx_packets > before.tx_packets);
	KT_EXPECT(!ns.broken);
}
