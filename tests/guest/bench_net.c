/*
 * Suite `netbench` (make bench): UDP packet rates through the stack and
 * netfront against Linux netback, guest to dom0 and dom0 to guest, for
 * 64-byte and 1472-byte payloads, and what each packet costs in event
 * notifications and hypercalls.  dom0's traffic peer is the other end:
 * it counts what arrives (bench-tx) or sends as fast as it can (bench-rx),
 * and reports netback's interrupt count for our vif, which measures our
 * notifications from dom0's side the same way for any guest.
 *
 * Not a timed test: every case passes whatever the numbers; it fails only
 * if the traffic itself fails.  Each measurement is one line
 *   # netbench dir=tx size=64 round=1 pkts=... pps=... ...
 * that tests/xen/bench.py turns into a table (medians over the rounds).
 * The method, and how to measure a Linux guest the same way, is in
 * kernel/net/README.md.
 */
#include "drivers/netfront/netfront.h"
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/guest/net_peer.h"

#define WINDOW_NS (2 * NET_PEER_SEC)
#define ROUNDS	  5
#define TX_PORT	  9001
#define RX_PORT	  9002
#define PEER_NS	  (20 * NET_PEER_SEC)

static char res[192];

/* Every counter a packet can move, at one instant. */
struct snap {
	uint64_t ns, hypercalls, upcalls, notifies, nf_irqs;
	uint64_t queue_full, nf_rx_dropped; /* where received frames die */
};

static void snap(struct snap *s)
{
	struct evtchn_stats e;
	struct netfront_stats n;
	struct net_stats st;

	evtchn_get_stats(&e);
	netfront_get_stats(&n);
	net_get_stats(&st);
	s->queue_full = st.rx_queue_full;
	s->nf_rx_dropped = n.rx_dropped;
	s->ns = time_now_ns();
	s->hypercalls = xen_hypercall_count();
	s->upcalls = e.upcalls;
	s->notifies = n.notifies;
	s->nf_irqs = n.irqs;
}

/* "a/b" with three decimals (no floating point in the kernel). */
static const char *ratio(char *buf, size_t len, uint64_t a, uint64_t b)
{
	uint64_t milli = b ? a * 1000 / b : 0;

	snprintf(buf, len, "%lu.%03lu", (unsigned long)(milli / 1000),
		 (unsigned long)(milli % 1000));
	return buf;
}

static void report(const char *dir, size_t size, int round, uint64_t pkts,
		   uint64_t span_ns, const struct snap *a, const struct snap *b)
{
	char hc[24], nt[24], ir[24], up[24];
	uint64_t us = span_ns / 1000;

	ktest_diag("netbench dir=%s size=%lu round=%d pkts=%lu us=%lu pps=%lu "
		   "hc_per_pkt=%s notify_per_pkt=%s irq_per_pkt=%s "
		   "upcall_per_pkt=%s peer: %s",
		   dir, (unsigned long)size, round, (unsigned long)pkts,
		   (unsigned long)us,
		   (unsigned long)(us ? pkts * 1000000 / us : 0),
		   ratio(hc, sizeof(hc), b->hypercalls - a->hypercalls, pkts),
		   ratio(nt, sizeof(nt), b->notifies - a->notifies, pkts),
		   ratio(ir, sizeof(ir), b->nf_irqs - a->nf_irqs, pkts),
		   ratio(up, sizeof(up), b->upcalls - a->upcalls, pkts), res);
}

/* Guest to dom0: send for WINDOW_NS as fast as the ring drains. */
static void bench_tx(size_t size, int round)
{
	static uint8_t data[NET_UDP_MAX_PAYLOAD];
	uint64_t sent = 0, busy = 0, received = 0;
	struct snap a, b;

	KT_ASSERT(
	    !net_peer_call(res, sizeof(res), PEER_NS, "bench-tx %u", TX_PORT));
	KT_ASSERT(!strcmp(res, "ready"));
	memset(data, 0x5a, size);
	snap(&a);
	while (time_now_ns() - a.ns < WINDOW_NS) {
		for (int i = 0; i < 32; i++) {
			if (net_udp_send(NET_PEER_IP, TX_PORT, TX_PORT, data,
					 size))
				busy++;
			else
				sent++;
		}
		net_poll(); /* ARP, completions: whatever came in */
	}
	snap(&b);
	KT_ASSERT(!net_peer_call(res, sizeof(res), PEER_NS, "bench-tx-stop"));
	KT_EXPECT(net_peer_value(res, "received", &received));
	KT_EXPECT(received > 0);
	if (busy)
		ktest_diag("netbench: %lu sends found the ring full",
			   (unsigned long)busy);
	report("tx", size, round, sent, b.ns - a.ns, &a, &b);
}

struct sink {
	uint64_t pkts, first_ns, last_ns;
};

static void sink_rx(uint32_t ip, uint16_t sport, uint16_t dport, const void *d,
		    size_t len, void *arg)
{
	struct sink *s = arg;
	uint64_t now = time_now_ns();

	if (!s->pkts)
		s->first_ns = now;
	s->last_ns = now;
	s->pkts++;
}

/* dom0 to guest: the peer sends for WINDOW_NS; we only poll meanwhile. */
static void bench_rx(size_t size, int round)
{
	struct sink s = {0};
	uint64_t sent = 0;
	struct snap a, b;

	KT_ASSERT(!net_udp_bind(RX_PORT, sink_rx, &s));
	snap(&a);
	KT_ASSERT(!net_peer_start(
	    "bench-rx 192.0.2.%u %u %lu %lu", net_ipv4_addr() & 0xff, RX_PORT,
	    (unsigned long)size, (unsigned long)(WINDOW_NS / 1000000)));
	/* No xenstore while the datagrams come: just the stack. */
	net_peer_poll_for(WINDOW_NS + NET_PEER_SEC / 2);
	snap(&b);
	net_udp_unbind(RX_PORT);
	KT_ASSERT(!net_peer_wait(res, sizeof(res), PEER_NS));
	KT_EXPECT(net_peer_value(res, "sent", &sent));
	KT_EXPECT(s.pkts > 0);
	if (b.queue_full != a.queue_full || b.nf_rx_dropped != a.nf_rx_dropped)
		ktest_diag("netbench: dropped in the guest: %lu (stack queue "
			   "full), %lu (netfront)",
			   (unsigned long)(b.queue_full - a.queue_full),
			   (unsigned long)(b.nf_rx_dropped - a.nf_rx_dropped));
	report("rx", size, round, s.pkts, s.last_ns - s.first_ns, &a, &b);
}

static void run(size_t size)
{
	uint8_t mac[ETH_ALEN];
	const char *why = net_peer_unavailable();

	if (why)
		KT_SKIP(why);
	KT_ASSERT(net_ready());
	KT_ASSERT(!net_arp_resolve(NET_PEER_IP, mac, PEER_NS));
	for (int r = 1; r <= ROUNDS && !ktest_failed(); r++) {
		bench_tx(size, r);
		bench_rx(size, r);
	}
}

KTEST(netbench, udp_64)
{
	run(64);
}

KTEST(netbench, udp_1472)
{
	run(NET_UDP_MAX_PAYLOAD);
}
