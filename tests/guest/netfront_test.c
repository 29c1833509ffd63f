/*
 * Suite `netfront`: the network frontend against the real Linux netback
 * (scenario nf-linux) and against tests/peer/hostile-netback (scenarios
 * nf-<mode>, cmdline netfront.expect=<mode>).  Each hostile test checks
 * that the misbehaviour is detected (the device broken with the right
 * reason, one log line), that nothing was freed or handed out on the
 * strength of the bad response, that the kernel goes on, and that the
 * teardown gives every page and grant back.  The last test tears the
 * device down in every scenario and checks the counts against the
 * baseline taken before the device held anything.
 *
 * Also the helpers of netfront_test.h.
 */
#include "tests/guest/netfront_test.h"
#include "kernel/mm.h"
#include "kernel/net/netdev.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/gnttab.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenbus.h"
#include "lib/errno.h"
#include "lib/printf.h"

/* ---- helpers ---- */

const char *nft_need_good(int *rc)
{
	static char why[80];

	*rc = 0;
	if (!xen_present())
		return "not running under Xen";
	if (netfront_expect() && !netfront_expecting("good")) {
		snprintf(why, sizeof(why), "backend is hostile-netback %s",
			 netfront_expect());
		return why;
	}
	*rc = netfront_connect(NFT_CONNECT_NS);
	if (*rc == -ENODEV)
		return "no vif in this domain (device/vif/0)";
	return NULL;
}

const char *nft_need_hostile(const char *mode)
{
	static char why[80];

	if (!xen_present())
		return "not running under Xen";
	if (!netfront_expecting(mode)) {
		snprintf(why, sizeof(why),
			 "needs hostile-netback %s (netfront.expect=%s)", mode,
			 mode);
		return why;
	}
	return NULL;
}

bool nft_wait(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns)
{
	uint64_t deadline = time_now_ns() + timeout_ns;

	for (;;) {
		netfront_poll();
		if (cond(arg))
			return true;
		if (time_now_ns() >= deadline)
			return false;
		sleep_ns(NFT_MS);
	}
}

static bool tx_idle(void *arg)
{
	struct netfront_stats st;

	netfront_get_stats(&st);
	return !st.tx_inflight || st.broken || !st.up;
}

bool nft_wait_tx_idle(void)
{
	return nft_wait(tx_idle, NULL, NFT_TIMEOUT_NS);
}

static bool is_broken(void *arg)
{
	netfront_get_stats(arg);
	return ((struct netfront_stats *)arg)->broken;
}

bool nft_wait_broken(struct netfront_stats *st)
{
	return nft_wait(is_broken, st, NFT_TIMEOUT_NS);
}

static const uint8_t nowhere[ETH_ALEN] = {0x02, 0x6b, 0x74, 0, 0, 1};

int nft_send_test(size_t len, uint8_t fill)
{
	static uint8_t f[ETH_FRAME_MAX];
	struct netfront_stats st;

	netfront_get_stats(&st);
	memset(f, fill, sizeof(f));
	memcpy(f, nowhere, ETH_ALEN);
	memcpy(f + ETH_ALEN, st.mac, ETH_ALEN);
	f[12] = 0x88; /* IEEE 802 local experimental */
	f[13] = 0xb5;
	return netfront_xmit(f, len);
}

int nft_send_arp_probe(void)
{
	uint8_t f[60] = {0};
	struct netfront_stats st;
	static const uint8_t arp[8] = {0, 1, 8, 0, 6, 4, 0, 1};

	netfront_get_stats(&st);
	memset(f, 0xff, ETH_ALEN);
	memcpy(f + 6, st.mac, ETH_ALEN);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, arp, sizeof(arp)); /* Ethernet, IPv4, request */
	memcpy(f + 22, st.mac, ETH_ALEN); /* sender MAC; sender IP 0 */
	f[38] = 192;			  /* target IP 192.0.2.1 */
	f[39] = 0;
	f[40] = 2;
	f[41] = 1;
	return netfront_xmit(f, sizeof(f));
}

struct rx_goal {
	uint64_t want;
	uint64_t next_probe;
};

static bool rx_reached(void *arg)
{
	struct rx_goal *g = arg;
	struct netfront_stats st;

	netfront_get_stats(&st);
	if (st.rx_packets >= g->want || st.broken)
		return st.rx_packets >= g->want;
	/* One probe every 20 ms keeps answers coming without a flood. */
	if (time_now_ns() >= g->next_probe) {
		nft_send_arp_probe();
		g->next_probe = time_now_ns() + 20 * NFT_MS;
	}
	return false;
}

bool nft_provoke_rx(unsigned int n)
{
	struct netfront_stats st;
	struct rx_goal g;

	netfront_get_stats(&st);
	g.want = st.rx_packets + n;
	g.next_probe = 0;
	return nft_wait(rx_reached, &g, NFT_TIMEOUT_NS * 2);
}

static bool is_down(void *arg)
{
	struct netfront_stats st;

	netfront_get_stats(&st);
	return !st.up && !st.pages_held;
}

void nft_expect_clean_teardown(void)
{
	struct netfront_stats st;

	/* netfront_service() (from the poll) tears a broken device down. */
	KT_EXPECT(nft_wait(is_down, NULL, 4 * NFT_TIMEOUT_NS));
	netfront_get_stats(&st);
	KT_EXPECT(!st.up);
	KT_EXPECT_EQ(st.pages_held, 0);
	KT_EXPECT_EQ(st.grants_held, 0);
	KT_EXPECT_EQ(st.tx_inflight, 0);
	KT_EXPECT_EQ(st.rx_posted, 0);
	ktest_diag("after teardown: %lu page(s) quarantined in all, %lu "
		   "disconnect(s)",
		   (unsigned long)st.quarantined_pages,
		   (unsigned long)st.disconnects);
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
	uint64_t v = 0;

	NFT_NEED_GOOD();
	netfront_get_stats(&st);
	KT_EXPECT(st.up && !st.broken);
	KT_EXPECT(st.connects >= 1);
	KT_EXPECT(st.features.rx_copy);
	KT_EXPECT(!(st.mac[0] & 1));
	KT_ASSERT(netfront_netdev() != NULL);
	KT_EXPECT(!memcmp(netfront_netdev()->mac, st.mac, ETH_ALEN));
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
		   st.mac[0], st.mac[1], st.mac[2], st.mac[3], st.mac[4],
		   st.mac[5], st.features.sg, st.features.split_evtchn,
		   st.features.max_queues, st.features.gso_tcpv4);
}

KTEST(netfront, reconnect)
{
	struct netfront_stats before, st;
	uint64_t v = 0;

	NFT_NEED_GOOD();
	netfront_get_stats(&before);
	KT_EXPECT_EQ(netfront_disconnect(), 0);
	netfront_get_stats(&st);
	KT_EXPECT(!st.up);
	KT_EXPECT_EQ(st.pages_held, 0);
	KT_EXPECT_EQ(st.grants_held, 0);
	KT_EXPECT_EQ(st.disconnects, before.disconnects + 1);
	KT_EXPECT(read_fe("state", &v) == 0 && v == XenbusStateClosed);
	KT_EXPECT(nft_send_test(60, 1) < 0); /* down: refused */
	/* Back up, through the whole handshake again. */
	KT_ASSERT(netfront_connect(NFT_CONNECT_NS) == 0);
	netfront_get_stats(&st);
	KT_EXPECT(st.up);
	KT_EXPECT_EQ(st.connects, before.connects + 1);
	KT_EXPECT(read_fe("state", &v) == 0 && v == XenbusStateConnected);
	/* And it carries traffic both ways. */
	KT_EXPECT(nft_provoke_rx(1));
	KT_EXPECT(nft_wait_tx_idle());
	netfront_get_stats(&st);
	KT_EXPECT(st.tx_packets > before.tx_packets);
	KT_EXPECT(!st.broken);
}

/* ---- tests against hostile-netback ---- */

/*
 * Send `n` frames one after the other, each answered before the next,
 * then one more; wait for the device to break: its stats in *st.
 */
static bool break_after(unsigned int n, struct netfront_stats *st)
{
	for (unsigned int i = 0; i < n; i++) {
		if (nft_send_test(60, (uint8_t)i) || !nft_wait_tx_idle())
			return false;
	}
	netfront_get_stats(st);
	if (st->broken)
		return true;
	nft_send_test(60, 0xee);
	return nft_wait_broken(st);
}

/* A broken device: the one reason, and nothing handed back early. */
static void expect_broken(const struct netfront_stats *st,
			  enum netfront_err kind, uint32_t inflight)
{
	KT_EXPECT(st->broken);
	KT_EXPECT(!st->up);
	KT_EXPECT_EQ(st->broken_kind, kind);
	KT_EXPECT(st->proto_errors[kind] >= 1);
	KT_EXPECT_EQ(st->tx_inflight, inflight);
	ktest_diag("broken (%s): %s", netfront_err_name(st->broken_kind),
		   st->broken_reason);
}

/* The device up at boot (before the misbehaviour), else why not. */
static int hostile_up(void)
{
	struct netfront_stats st;

	netfront_get_stats(&st);
	if (st.up || st.broken)
		return 0;
	return netfront_connect(NFT_CONNECT_NS);
}

KTEST(netfront, bad_id_rejected)
{
	struct netfront_stats st;

	NFT_NEED_HOSTILE("bad-id");
	KT_ASSERT(hostile_up() == 0);
	/* The 1st TX packet answered with id RING_SIZE. */
	KT_ASSERT(break_after(0, &st));
	expect_broken(&st, NETFRONT_ERR_BAD_ID, 1);
	nft_expect_clean_teardown();
}

KTEST(netfront, bad_status_rejected)
{
	struct netfront_stats st;

	NFT_NEED_HOSTILE("bad-status");
	KT_ASSERT(hostile_up() == 0);
	KT_ASSERT(break_after(0, &st));
	expect_broken(&st, NETFRONT_ERR_BAD_STATUS, 1);
	KT_EXPECT_EQ(st.tx_packets, 0);
	nft_expect_clean_teardown();
}

KTEST(netfront, rx_bounds_rejected)
{
	struct netfront_stats st;

	NFT_NEED_HOSTILE("rx-overflow");
	KT_ASSERT(hostile_up() == 0);
	/* The 1st RX answer (at connect): offset 4000, length 200. */
	KT_ASSERT(nft_wait_broken(&st));
	expect_broken(&st, NETFRONT_ERR_RX_BOUNDS, 0);
	/* Nothing delivered, the buffer not recycled. */
	KT_EXPECT_EQ(st.rx_packets, 0);
	KT_EXPECT_EQ(st.rx_posted, NETFRONT_RX_TARGET);
	nft_expect_clean_teardown();
}

KTEST(netfront, prod_overflow_detected)
{
	struct netfront_stats st;

	NFT_NEED_HOSTILE("prod-jump");
	KT_ASSERT(hostile_up() == 0);
	/* After the 1st TX batch: rsp_prod = real + RING_SIZE + 1. */
	KT_ASSERT(break_after(0, &st));
	expect_broken(&st, NETFRONT_ERR_PROD_OVERFLOW, 1);
	KT_EXPECT_EQ(st.tx_packets, 0);
	nft_expect_clean_teardown();
}

KTEST(netfront, prod_rewind_detected)
{
	struct netfront_stats st;

	NFT_NEED_HOSTILE("prod-rewind");
	KT_ASSERT(hostile_up() == 0);
	/* The 2nd TX batch publishes rsp_prod one below the 1st's. */
	KT_ASSERT(break_after(1, &st));
	expect_broken(&st, NETFRONT_ERR_PROD_REWIND, 1);
	KT_EXPECT_EQ(st.tx_packets, 1);
	nft_expect_clean_teardown();
}

static bool storm_over(void *arg)
{
	struct evtchn_stats *e = arg;

	evtchn_get_stats(e);
	return e->storms >= 1;
}

KTEST(netfront, event_storm)
{
	struct netfront_stats st, before;
	struct evtchn_stats ev;
	uint64_t t0;

	NFT_NEED_HOSTILE("storm");
	KT_ASSERT(hostile_up() == 0);
	/* Right after Connected: 100000 notifications, nothing on rings. */
	KT_EXPECT(nft_wait(storm_over, &ev, NFT_TIMEOUT_NS));
	netfront_get_stats(&before);
	ktest_diag("%lu events, %lu spurious; evtchn: %lu storm(s), %lu "
		   "back-off unmask(s)",
		   (unsigned long)before.irqs, (unsigned long)before.spurious,
		   (unsigned long)ev.storms, (unsigned long)ev.backoff_unmasks);
	/* XSA-391: counted, backed off, and nothing else suffered. */
	KT_EXPECT(before.spurious >= 64);
	KT_EXPECT(ev.storms >= 1);
	KT_EXPECT(!before.broken && before.up);
	t0 = time_now_ns();
	sleep_ns(50 * NFT_MS);
	KT_EXPECT(time_now_ns() - t0 >= 50 * NFT_MS);
	/* The device still works: a frame out, its echo back. */
	KT_EXPECT(nft_provoke_rx(1));
	KT_EXPECT(nft_wait_tx_idle());
	netfront_get_stats(&st);
	KT_EXPECT(st.tx_packets > before.tx_packets);
	KT_EXPECT(!st.broken);
}

struct held {
	grant_ref_t ref;
	const void *page;
	unsigned int pushes;
};

static void note_push(void *arg, uint16_t id, const void *page, size_t len)
{
	struct held *h = arg;
	struct netfront *nf = netfront_dev();

	h->ref = nf->tx_slot[id].ref;
	h->page = page;
	h->pushes++;
}

static bool released(void *arg)
{
	gnttab_quarantine_poll();
	return !gnttab_ref_quarantined(((struct held *)arg)->ref);
}

KTEST(netfront, tx_grant_held)
{
	struct netfront *nf = netfront_dev();
	struct netfront_stats before, st;
	struct held h = {0};

	NFT_NEED_HOSTILE("hold-tx-grant");
	KT_ASSERT(hostile_up() == 0);
	netfront_get_stats(&before);
	nf->hooks.arg = &h;
	nf->hooks.tx_push = note_push;
	KT_EXPECT_EQ(nft_send_test(60, 0x33), 0);
	nf->hooks.tx_push = NULL;
	KT_ASSERT(h.pushes == 1);
	/* Answered OKAY while the backend still maps the page. */
	KT_EXPECT(nft_wait_tx_idle());
	netfront_get_stats(&st);
	KT_EXPECT(!st.broken);
	KT_EXPECT_EQ(st.tx_packets, before.tx_packets + 1);
	/* MSA02: quarantined: not in our pool, the reference not reissued. */
	KT_EXPECT_EQ(st.quarantined_pages, before.quarantined_pages + 1);
	KT_EXPECT(gnttab_ref_quarantined(h.ref));
	KT_EXPECT(!netfront_pool_has(nf, h.page));
	/* Still usable meanwhile. */
	KT_EXPECT(nft_provoke_rx(1));
	/* The backend unmaps after 3 s: then the quarantine lets go. */
	KT_EXPECT(nft_wait(released, &h, 3 * NFT_TIMEOUT_NS));
}

KTEST(netfront, close_mid_transfer)
{
	struct netfront_stats before, st;

	NFT_NEED_HOSTILE("close-mid");
	KT_ASSERT(hostile_up() == 0);
	netfront_get_stats(&before);
	/* Taken off the ring, never answered; the backend goes Closing. */
	KT_EXPECT_EQ(nft_send_test(60, 0x44), 0);
	nft_expect_clean_teardown();
	netfront_get_stats(&st);
	KT_EXPECT(!st.broken);
	KT_EXPECT_EQ(st.disconnects, before.disconnects + 1);
	KT_EXPECT_EQ(st.tx_dropped, before.tx_dropped + 1);
	/* The backend takes us back after a fresh Initialising. */
	KT_EXPECT_EQ(netfront_connect(NFT_CONNECT_NS), 0);
	netfront_get_stats(&st);
	KT_EXPECT(st.up);
	KT_EXPECT_EQ(st.connects, before.connects + 1);
}

/* ---- last: every scenario ends with a full teardown ---- */

static uint64_t page_api_used(void)
{
	struct mm_stats m;

	mm_get_stats(&m);
	return m.used_pages - m.heap_pages;
}

KTEST(netfront, no_leak_after_teardown)
{
	struct netfront_baseline base;
	struct netfront_stats st;
	struct gnttab_stats g;
	uint64_t pages, q;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	if (!netfront_get_baseline(&base))
		KT_SKIP("netfront never connected (no vif)");
	KT_EXPECT_EQ(netfront_disconnect(), 0);
	netfront_get_stats(&st);
	KT_EXPECT(!st.up);
	KT_EXPECT_EQ(st.pages_held, 0);
	KT_EXPECT_EQ(st.grants_held, 0);
	gnttab_quarantine_poll();
	gnttab_get_stats(&g);
	pages = page_api_used();
	/* Back at the start, but for pages the quarantine still holds. */
	q = g.quarantined_pages - base.quarantined_pages;
	KT_EXPECT_EQ(pages, base.pages + q);
	KT_EXPECT_EQ(g.refs_granted, base.refs);
	ktest_diag("pages %lu (start %lu, quarantined now %lu), grants %u "
		   "(start %u); %lu page(s) ever quarantined",
		   (unsigned long)pages, (unsigned long)base.pages,
		   (unsigned long)q, g.refs_granted, base.refs,
		   (unsigned long)st.quarantined_pages);
	/* Leave a working device for whatever runs next. */
	if (!netfront_expect() || netfront_expecting("good"))
		KT_EXPECT_EQ(netfront_connect(NFT_CONNECT_NS), 0);
}
