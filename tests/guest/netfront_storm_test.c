/*
 * Suite `netfront`: the mixed event storm (XSA-391), against
 * tests/peer/hostile-netback mixed-storm (scenario nf-mixed-storm).  The
 * backend answers one cheap valid RX frame among every NB_MIXED_EVERY (32)
 * empty events, so the handler finds work often enough that a run of 64
 * spurious events never happens.  What must bound the peer then is the
 * per-port budget of handler invocations, whatever they found: the port is
 * backed off, the handler runs at most the budget's rate, and the kernel
 * stays responsive.  The scenario lowers the budget (evtchn.storm_budget=):
 * dom0's peer on this emulated host averages about 3300 handler runs a
 * second, under the default 5000, and trips it only in bursts, which a
 * loaded host may never give.
 */
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "tests/guest/netfront_test.h"

#define MEASURE_NS   (1000 * NFT_MS)
#define STORM_END_NS (90000 * NFT_MS)

static volatile uint64_t ticks;
static evtchn_port_t nf_port; /* ours, as we wrote it for the backend */

static void tick(struct timer *t)
{
	ticks++;
	timer_arm(t, time_now_ns() + 5 * NFT_MS);
}

static bool port_backed_off(void *arg)
{
	struct evtchn_port_stats *p = arg;

	evtchn_get_port_stats(nf_port, p);
	return p->storms >= 1;
}

KTEST(netfront, mixed_storm)
{
	struct netfront_stats a, b;
	struct netfront_state nb;
	struct evtchn_port_stats p0, p1;
	struct timer t = {.fn = tick};
	uint64_t t0, ms, rate, v;

	/*
	 * 3-4.5 s of storm here (dom0 sends 17000-25000 a second): the first
	 * back-off (at once: 46 in the measured second) and the second
	 * measured below fit twice over.  300000 stormed for 12 s and 150000
	 * for 9, and the teardown after this test waited for the end of it
	 * (the peer reads no xenstore while it storms): 7-10 s of
	 * nf-mixed-storm.
	 */
	NFT_USE_HOSTILE("mixed-storm", "storm=75000", NULL);
	KT_ASSERT(xs_read_u64(XS_TXN_NIL, NETFRONT_DEV "/event-channel", &v) ==
		  0);
	nf_port = (evtchn_port_t)v;
	/*
	 * The storm starts at Connected; its first back-off comes well
	 * within a second at budget 20 (a BUGGY=xsa391 kernel never backs
	 * off: no need to wait for it longer than the usual bound).
	 */
	KT_ASSERT(nft_wait(port_backed_off, &p0, NFT_TIMEOUT_NS));
	/* One second in the middle of the storm. */
	netfront_get_stats(&a);
	evtchn_get_port_stats(nf_port, &p0);
	ticks = 0;
	t0 = time_now_ns();
	timer_arm(&t, t0 + 5 * NFT_MS);
	sleep_ns(MEASURE_NS);
	timer_cancel(&t);
	ms = (time_now_ns() - t0) / NFT_MS;
	netfront_get_stats(&b);
	netfront_get_state(&nb);
	evtchn_get_port_stats(nf_port, &p1);
	rate = (p1.events - p0.events) * 1000 / (ms ? ms : 1);
	ktest_diag("%lu ms: %lu handler runs (%lu/s, budget %u/s), %lu "
		   "spurious, %lu RX frames, %lu back-offs, %lu ticks",
		   ms, p1.events - p0.events, rate, evtchn_storm_budget_per_s(),
		   p1.spurious - p0.spurious, b.rx_packets - a.rx_packets,
		   p1.storms - p0.storms, ticks);
	/* A mixed storm indeed: valid frames among the empty events. */
	KT_EXPECT(b.rx_packets > a.rx_packets);
	KT_EXPECT(b.spurious > a.spurious);
	/* Backed off again and again, whatever the handler found. */
	KT_EXPECT(p1.storms > p0.storms);
	/* The bound on what the peer makes us do (two windows of slack). */
	KT_EXPECT(p1.events - p0.events <=
		  (uint64_t)evtchn_storm_budget_per_s() * ms / 1000 + 200);
	/* Responsive: the 5 ms ticker ran (5% of nominal, as evtchn.storm). */
	KT_EXPECT(ticks >= 1 + ms / 100);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "domid", &v), 0);
	KT_EXPECT(!nb.broken && nb.up);
	/* Once the storm is over the backend serves as usual. */
	KT_EXPECT_EQ(nft_send_test(60, 0x6d), 0);
	KT_EXPECT(nft_wait_rings(nft_tx_idle, NULL, STORM_END_NS));
	netfront_get_stats(&b);
	netfront_get_state(&nb);
	KT_EXPECT(!nb.broken && nb.up);
}
