/*
 * Suite `net`: the stack over the real netfront and Linux netback, with
 * dom0's traffic peer (tests/peer/traffic.c) at the other end of the
 * bridge.  Needs `ip=192.0.2.2/24` and a vif on xenbr0 (192.0.2.1);
 * SKIPs without them or without the peer.
 */
#include "kernel/ktest.h"
#include "lib/string.h"
#include "tests/guest/net_peer.h"

/* What the peer's commands cost at most here (TCG, shared cores). */
#define ARP_NS	  (10 * NET_PEER_SEC)
#define PING_NS	  (180 * NET_PEER_SEC)
#define ECHO_NS	  (180 * NET_PEER_SEC)
#define PINGS	  1000
#define SINK_PORT 9000

static char res[192];

#define NEED_NET()                                                             \
	do {                                                                   \
		const char *why_ = net_peer_unavailable();                     \
		if (why_)                                                      \
			KT_SKIP(why_);                                         \
		KT_ASSERT(net_ready());                                        \
	} while (0)

static bool result(int rc)
{
	if (rc)
		ktest_diag("traffic peer: no answer (%d)", rc);
	else
		ktest_diag("traffic peer: %s", res);
	return rc == 0;
}

/* Parse "ok xx:xx:xx:xx:xx:xx". */
static bool parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	static const char hex[] = "0123456789abcdef";

	if (strncmp(s, "ok ", 3) || strlen(s) != 3 + 17)
		return false;
	for (int i = 0; i < ETH_ALEN; i++) {
		const char *h = strchr(hex, s[3 + 3 * i]);
		const char *l = strchr(hex, s[4 + 3 * i]);

		if (!h || !l || !*h || !*l)
			return false;
		mac[i] = (uint8_t)((h - hex) << 4 | (l - hex));
	}
	return true;
}

KTEST(net, arp)
{
	struct net_stats before, after;
	uint8_t mac[ETH_ALEN], seen[ETH_ALEN];

	NEED_NET();
	/* We resolve dom0's bridge address... */
	KT_EXPECT_EQ(net_arp_resolve(NET_PEER_IP, mac, ARP_NS), 0);
	ktest_diag("192.0.2.1 is at %02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		   mac[1], mac[2], mac[3], mac[4], mac[5]);
	/* ...and dom0 resolves ours, which we must answer. */
	net_get_stats(&before);
	KT_ASSERT(
	    result(net_peer_call(res, sizeof(res), ARP_NS, "arp 192.0.2.%u",
				 net_ipv4_addr() & 0xff)));
	net_get_stats(&after);
	KT_ASSERT(parse_mac(res, seen));
	KT_EXPECT(!memcmp(seen, net_dev()->mac, ETH_ALEN));
	KT_EXPECT(after.arp_replies_sent > before.arp_replies_sent);
}

KTEST(net, ping_from_dom0)
{
	struct net_stats before, after;
	uint64_t recv = 0, sent = 0, bad = 1;

	NEED_NET();
	net_get_stats(&before);
	KT_ASSERT(result(net_peer_call(res, sizeof(res), PING_NS,
				       "ping 192.0.2.%u %u",
				       net_ipv4_addr() & 0xff, PINGS)));
	net_get_stats(&after);
	KT_EXPECT(net_peer_value(res, "recv", &recv));
	KT_EXPECT(net_peer_value(res, "sent", &sent));
	KT_EXPECT(net_peer_value(res, "bad", &bad));
	KT_EXPECT_EQ(sent, PINGS);
	KT_EXPECT_EQ(recv, PINGS);
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT(after.icmp_echo_answered - before.icmp_echo_answered >=
		  PINGS);
}

KTEST(net, udp_echo)
{
	struct net_stats before, after;
	uint64_t ok = 0, sent = 0, bad = 1, lost = 1, retries = 0;

	NEED_NET();
	net_get_stats(&before);
	KT_ASSERT(result(net_peer_call(
	    res, sizeof(res), ECHO_NS, "udp-echo 192.0.2.%u %u %u",
	    net_ipv4_addr() & 0xff, NET_ECHO_PORT, NET_UDP_MAX_PAYLOAD)));
	net_get_stats(&after);
	KT_EXPECT(net_peer_value(res, "ok", &ok));
	KT_EXPECT(net_peer_value(res, "sent", &sent));
	KT_EXPECT(net_peer_value(res, "bad", &bad));
	KT_EXPECT(net_peer_value(res, "lost", &lost));
	KT_EXPECT(net_peer_value(res, "retries", &retries));
	/* Every size class 1..1472, each reply checked byte for byte. */
	KT_EXPECT_EQ(sent, NET_UDP_MAX_PAYLOAD);
	KT_EXPECT_EQ(ok, NET_UDP_MAX_PAYLOAD);
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(lost, 0);
	KT_EXPECT(after.udp_echoed - before.udp_echoed >= NET_UDP_MAX_PAYLOAD);
}

KTEST(net, udp_to_dom0)
{
	static uint8_t data[NET_UDP_MAX_PAYLOAD];
	uint64_t received = 0;
	unsigned int sent = 0;

	NEED_NET();
	KT_ASSERT(result(
	    net_peer_call(res, sizeof(res), ARP_NS, "bench-tx %u", SINK_PORT)));
	KT_ASSERT(!strcmp(res, "ready"));
	for (unsigned int i = 0; i < 200; i++) {
		size_t len = 1 + (i * 37) % NET_UDP_MAX_PAYLOAD;

		memset(data, (int)i, len);
		if (!net_udp_send(NET_PEER_IP, SINK_PORT, SINK_PORT, data, len))
			sent++;
		net_poll();
	}
	KT_EXPECT_EQ(sent, 200);
	KT_ASSERT(
	    result(net_peer_call(res, sizeof(res), ARP_NS, "bench-tx-stop")));
	KT_EXPECT(net_peer_value(res, "received", &received));
	KT_EXPECT_EQ(received, 200);
}

/* Runs last: whatever traffic came before, nothing was mishandled. */
KTEST(net, no_unexpected_drops)
{
	struct net_stats st;

	NEED_NET();
	net_get_stats(&st);
	ktest_diag("rx %lu frames, queue full %lu, tx %lu, busy %lu, "
		   "errors %lu, arp unresolved %lu",
		   (unsigned long)st.rx_frames, (unsigned long)st.rx_queue_full,
		   (unsigned long)st.tx_frames, (unsigned long)st.tx_busy,
		   (unsigned long)st.tx_errors,
		   (unsigned long)st.arp_unresolved);
	ktest_diag(
	    "dropped: ip csum %lu len %lu frag %lu, udp csum %lu, "
	    "icmp csum %lu, unknown type %lu",
	    (unsigned long)st.ip_bad_csum, (unsigned long)st.ip_bad_len,
	    (unsigned long)st.ip_fragments, (unsigned long)st.udp_bad_csum,
	    (unsigned long)st.icmp_bad_csum, (unsigned long)st.rx_unknown_type);
	ktest_diag("%s: rx %lu dropped %lu errors %lu, tx %lu dropped %lu "
		   "errors %lu; longest xenstore read %lu us",
		   net_dev()->name, (unsigned long)net_dev()->stats.rx_packets,
		   (unsigned long)net_dev()->stats.rx_dropped,
		   (unsigned long)net_dev()->stats.rx_errors,
		   (unsigned long)net_dev()->stats.tx_packets,
		   (unsigned long)net_dev()->stats.tx_dropped,
		   (unsigned long)net_dev()->stats.tx_errors,
		   (unsigned long)(net_peer_max_xs_ns / 1000));
	/* netback and Linux never send us these. */
	KT_EXPECT_EQ(st.ip_bad_csum + st.ip_bad_len + st.ip_bad_ihl, 0);
	KT_EXPECT_EQ(st.udp_bad_csum + st.icmp_bad_csum, 0);
	KT_EXPECT_EQ(st.tx_errors, 0);
	KT_EXPECT_EQ(st.rx_queue_full, 0);
}
