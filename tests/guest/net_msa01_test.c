/*
 * msa01.no_canary_on_wire: MSA01 (netchannel 1.10.0, ADVISORIES.md) seen
 * from dom0.  A reused buffer that kept old bytes, used again for a short
 * frame by code that assumes it is zero, must not let any of them reach
 * the wire.  Before every probe the guest fills with a canary (0xC5) every
 * page sitting in netfront's TX pool and the stack's transmit buffer (as
 * an earlier, longer frame would have left it), and it also poisons some
 * freshly freed allocator pages; then it sends short probes, which the
 * stack pads to 60 bytes.  dom0's traffic peer captures everything the
 * guest sends on vif<domid>.0 and counts frames holding a run of canary
 * bytes and frames with non-zero bytes after their IPv4 datagram (padding
 * from a stale buffer, Etherleak style).
 *
 * On a BUGGY=msa01-pad kernel the stack pads runts by length only
 * (BUGGY(MSA01_PAD)) and the canary shows on the wire: the test fails.
 * The driver's half of the rule (a granted page is zero past the frame)
 * cannot show here: Linux netback copies only a request's bytes, so on
 * BUGGY=msa01-zero this test passes.  That half is proven at the backend
 * by msa01.tx_clean_at_backend (hostile-netback's page scan) and through
 * the driver's hook by msa01.tx_page_zeroed, in netfront's suite.
 */
#include "drivers/netfront/netfront_priv.h"
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/net/net_priv.h"
#include "lib/string.h"
#include "tests/guest/net_peer.h"

#define CANARY	    0xc5 /* tests/peer/traffic.h TRAFFIC_CANARY */
#define PROBE_PORT  9999 /* TRAFFIC_PROBE_PORT */
#define PROBES	    64
#define FREED_PAGES 32
#define PEER_NS	    (20 * NET_PEER_SEC)

static char res[192];

/* Pages through the allocator: filled with the canary, then freed. */
static void poison_freed_pages(void)
{
	void *p[FREED_PAGES];

	for (unsigned int i = 0; i < FREED_PAGES; i++) {
		p[i] = mm_page_alloc(0);
		if (p[i])
			memset(p[i], CANARY, PAGE_SIZE);
	}
	for (unsigned int i = 0; i < FREED_PAGES; i++)
		if (p[i])
			mm_page_free(p[i], 0);
}

/* A runt probe: 1..8 bytes of payload, 10..17 bytes of padding. */
static int probe(unsigned int i)
{
	char data[8];
	size_t len = 1 + i % sizeof(data);

	/* Text and zeros only: no canary byte in what we mean to send. */
	memset(data, 0, sizeof(data));
	memcpy(data, "msa01 probe", MIN(len, 11));
	return net_udp_send(NET_PEER_IP, PROBE_PORT, PROBE_PORT, data, len);
}

KTEST(msa01, no_canary_on_wire)
{
	uint64_t frames = 0, probes = 0, canary = 1, trailer = 1;
	unsigned int poisoned = 0, sent = 0;
	const char *why = net_peer_unavailable();

	if (why)
		KT_SKIP(why);
	KT_ASSERT(net_ready() && netfront_dev());
	KT_ASSERT(!net_peer_call(res, sizeof(res), PEER_NS, "capture-start"));
	KT_ASSERT(!strcmp(res, "ok"));
	/* Warm up: completed sends leave their pages in the pool. */
	for (unsigned int i = 0; i < PROBES; i++)
		sent += probe(i) == 0;
	net_peer_poll_for(NET_PEER_SEC / 5);
	poison_freed_pages();
	/* Every send takes a pool page we just filled with the canary. */
	for (unsigned int i = 0; i < PROBES; i++) {
		poisoned += netfront_pool_poison(netfront_dev(), CANARY);
		memset(net_tx_frame(), CANARY, ETH_FRAME_MAX);
		sent += probe(i) == 0;
		net_poll();
	}
	net_peer_poll_for(NET_PEER_SEC / 5);
	KT_ASSERT(!net_peer_call(res, sizeof(res), PEER_NS, "capture-stop"));
	ktest_diag("%u pool pages poisoned; capture: %s", poisoned, res);
	KT_EXPECT(net_peer_value(res, "frames", &frames));
	KT_EXPECT(net_peer_value(res, "probes", &probes));
	KT_EXPECT(net_peer_value(res, "canary", &canary));
	KT_EXPECT(net_peer_value(res, "trailer", &trailer));
	/* The test proves something only if the canary was in play. */
	KT_EXPECT(poisoned > 0);
	KT_EXPECT_EQ(sent, 2 * PROBES);
	KT_EXPECT_EQ(probes, 2 * PROBES);
	KT_EXPECT_EQ(canary, 0);
	KT_EXPECT_EQ(trailer, 0);
}
