/*
 * Suite `netfront`, the drain (issue 9, hole 2): a backend that keeps a
 * buffer mapped and answers it anyway.  The page must go to the grant
 * quarantine (MSA02), but if the device went on, every refill would feed
 * the backend a fresh page and the guest's memory would drain away.  A
 * copy-mode backend never answers a buffer it still maps, so the first
 * such answer breaks the device (NETFRONT_ERR_STILL_MAPPED), and the
 * device does not reconnect while its backend holds NETFRONT_QUARANTINE_MAX
 * of our pages.  The stated bound: the guest's free memory never drops
 * more than NETFRONT_QUARANTINE_BOUND pages (+ DRAIN_SLACK for the heap
 * and the connection's own pool) below what it was before the device took
 * anything.  hostile-netback hold-rx-all / hold-tx-all / hold-cycle plays
 * the backend; BUGGY=drain is the kernel before the fix.
 */
#include "kernel/mm/mm.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "tests/guest/netfront_test.h"

/* Heap growth and the pool: what the device may use besides the bound. */
#define DRAIN_SLACK 96
/* How long a drain is watched when the device does not break. */
#define DRAIN_WATCH_NS (15000 * NFT_MS)
/* The backend lets go at close, or hold= s after its last mapping. */
#define RELEASE_NS (30000 * NFT_MS)
#define HOLD_ALL   "hold=3"

struct drain {
	struct netfront_baseline base;
	uint64_t min_free;
	uint64_t t0;
};

static uint64_t free_now(void)
{
	struct mm_stats m;

	mm_get_stats(&m);
	return m.free_pages;
}

static void sample(struct drain *d)
{
	uint64_t f = free_now();

	if (f < d->min_free)
		d->min_free = f;
}

/* The baseline (taken before the device's first connect) and now. */
static bool drain_start(struct drain *d)
{
	if (!netfront_get_baseline(&d->base))
		return false;
	d->min_free = free_now();
	d->t0 = time_now_ns();
	return true;
}

/* Up, or -errno (a device left broken or down is connected again). */
static int drain_up(void)
{
	struct netfront_state ns;

	netfront_get_state(&ns);
	if (ns.up && !ns.broken)
		return 0;
	return netfront_connect(NFT_CONNECT_NS);
}

static uint64_t page_api_used(void)
{
	struct mm_stats m;

	mm_get_stats(&m);
	return m.used_pages - m.heap_pages;
}

static uint64_t drop(const struct drain *d)
{
	return d->base.free_pages > d->min_free
		   ? d->base.free_pages - d->min_free
		   : 0;
}

/* Past the stated bound: the test has failed, more watching drains more. */
static bool drained(const struct drain *d)
{
	return drop(d) > NETFRONT_QUARANTINE_BOUND + DRAIN_SLACK;
}

/*
 * Sample free memory until the device breaks or the drain passes the
 * bound (true), or time runs out.  BUGGY=drain never breaks: it watched
 * the whole 15 s, 2108 pages drained, where the bound was passed in 4.
 */
static bool sampled_broken(void *arg)
{
	struct drain *d = arg;
	struct netfront_state ns;

	sample(d);
	netfront_get_state(&ns);
	return ns.broken || drained(d);
}

/* Within the bound, the kernel alive, the backend's share released. */
static void drain_end(struct drain *d, const char *what)
{
	struct netfront_stats st;
	struct netfront_state ns;
	struct gnttab_stats g;
	uint64_t v, t1 = time_now_ns();

	netfront_get_stats(&st);
	netfront_get_state(&ns);
	ktest_diag("%s: free pages %lu before the device, lowest %lu: drop "
		   "%lu page(s) (bound %u) in %lu ms; %lu page(s) ever "
		   "quarantined",
		   what, (unsigned long)d->base.free_pages,
		   (unsigned long)d->min_free, (unsigned long)drop(d),
		   (unsigned int)(NETFRONT_QUARANTINE_BOUND + DRAIN_SLACK),
		   (unsigned long)((t1 - d->t0) / NFT_MS),
		   (unsigned long)st.quarantined_pages);
	KT_EXPECT(drop(d) <= NETFRONT_QUARANTINE_BOUND + DRAIN_SLACK);
	/* Alive: the clock runs, xenstore answers. */
	sleep_ns(10 * NFT_MS);
	KT_EXPECT(time_now_ns() > t1);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "domid", &v), 0);
	if (ns.up && !ns.broken)
		KT_EXPECT_EQ(netfront_disconnect(), 0);
	else
		nft_expect_clean_teardown();
	/* Back at the starting counts once the backend lets go. */
	KT_EXPECT(nft_wait_quarantine(d->base.quarantined_pages, RELEASE_NS));
	gnttab_get_stats(&g);
	KT_EXPECT_EQ(g.refs_granted, d->base.refs);
	KT_EXPECT_EQ(g.quarantined_pages, d->base.quarantined_pages);
	KT_EXPECT_EQ(page_api_used(), d->base.pages);
}

KTEST(netfront, rx_held_breaks)
{
	struct netfront_stats st0, st;
	struct netfront_state ns;
	struct drain d;

	NFT_NEED_HOSTILE("hold-rx-all");
	KT_ASSERT(drain_start(&d));
	/* The connect posts the buffers the backend keeps (may break it). */
	KT_ASSERT(nft_use_mode("hold-rx-all", HOLD_ALL, &st0) == 0);
	/* Every RX buffer mapped, kept and answered, as fast as posted. */
	nft_wait_rings(sampled_broken, &d, DRAIN_WATCH_NS);
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(ns.broken);
	KT_EXPECT_EQ(ns.broken_kind, NETFRONT_ERR_STILL_MAPPED);
	KT_EXPECT_EQ(st.rx_packets - st0.rx_packets, 0);
	drain_end(&d, "hold-rx-all");
}

KTEST(netfront, tx_held_breaks)
{
	struct netfront_state ns;
	struct drain d;
	unsigned int sent = 0;

	NFT_NEED_HOSTILE("hold-tx-all");
	KT_ASSERT(drain_start(&d));
	KT_ASSERT(nft_use_mode("hold-tx-all", HOLD_ALL, NULL) == 0);
	/* More frames than the bound: each costs a page if we go on. */
	while (sent < NETFRONT_QUARANTINE_BOUND + 2 * DRAIN_SLACK &&
	       time_now_ns() - d.t0 < 2 * DRAIN_WATCH_NS) {
		netfront_get_state(&ns);
		if (ns.broken || !ns.up || drained(&d))
			break;
		if (!nft_send_test(60, (uint8_t)sent))
			sent++;
		else
			nft_wait_tx_idle();
		sample(&d);
	}
	nft_wait_rings(sampled_broken, &d, NFT_TIMEOUT_NS);
	netfront_get_state(&ns);
	ktest_diag("%u frame(s) sent", sent);
	KT_EXPECT(ns.broken);
	KT_EXPECT_EQ(ns.broken_kind, NETFRONT_ERR_STILL_MAPPED);
	drain_end(&d, "hold-tx-all");
}

/* Connect/break cycles against a backend that keeps every mapping. */
#define CYCLES 12

KTEST(netfront, reconnect_cycles_bounded)
{
	struct netfront_state ns;
	unsigned int i, refused = 0;
	struct drain d;
	int rc;

	NFT_NEED_HOSTILE("hold-cycle");
	KT_ASSERT(drain_start(&d));
	/*
	 * The first cycle's connect; the backend unmaps 8 s after its last
	 * mapping, so it holds across the cycles.
	 */
	KT_ASSERT(nft_use_mode("hold-cycle", "hold=8", NULL) == 0);
	for (i = 0; i < CYCLES; i++) {
		rc = drain_up();
		if (rc == -ENOBUFS) {
			refused++;
			break;
		}
		KT_EXPECT_EQ(rc, 0);
		/* A second of a backend mapping all we post. */
		nft_wait_rings(sampled_broken, &d, 1000 * NFT_MS);
		netfront_get_state(&ns);
		if (!ns.broken)
			KT_EXPECT_EQ(netfront_disconnect(), 0);
		sample(&d);
		if (drained(&d))
			break;
	}
	ktest_diag("%u cycle(s); the %s", i,
		   refused ? "last connect was refused" : "backend was let in");
	/* Issue 9: the backend holds our pages: no more connects to it. */
	KT_EXPECT_EQ(refused, 1);
	KT_EXPECT(!refused || gnttab_quarantined_for(netfront_dev()->backend) >=
				  NETFRONT_QUARANTINE_MAX);
	/*
	 * The backend lets go now, not 8 s after its last mapping: drain_end
	 * waits for the same release and checks the same counts, but ends
	 * at it (~7 s less a row).
	 */
	KT_EXPECT_EQ(nft_release_held("hold-cycle"), 0);
	drain_end(&d, "hold-cycle");
}
