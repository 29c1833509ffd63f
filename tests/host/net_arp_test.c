/*
 * Suites `net_eth` and `net_arp` (host): frames a peer could send, fed
 * through netdev_rx() into the stack with a fake device; replies are
 * checked byte for byte, drops by their counters.
 */
#include "kernel/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/net_fake.h"

#define SEC (1000ULL * 1000 * 1000)

static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static uint8_t buf[ETH_FRAME_MAX + 64];

/* Every case runs on a fresh fake netdev. */
KTEST_SUITE(net_eth, .init = net_fake_setup, .exit = net_fake_teardown);

KTEST(net_eth, runt_and_oversize_dropped)
{
	memset(buf, 0xff, sizeof(buf));
	for (size_t len = 0; len < ETH_HLEN; len++)
		net_fake_input(buf, len);
	net_fake_input(buf, ETH_FRAME_MAX + 1);
	net_fake_input(buf, sizeof(buf));
	KT_EXPECT_EQ(net_fake_stats().rx_runt, ETH_HLEN);
	KT_EXPECT_EQ(net_fake_stats().rx_oversize, 2);
	KT_EXPECT_EQ(net_fake_stats().rx_frames, 0);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

KTEST(net_eth, other_macs_dropped)
{
	size_t len;

	len = net_fake_icmp_echo(buf, NET_FAKE_OUR_IP, 1, 1, "x", 1);
	buf[5] ^= 1; /* another unicast MAC */
	net_fake_input(buf, len);
	buf[5] ^= 1;
	buf[0] |= 1; /* a multicast group */
	net_fake_input(buf, len);
	buf[0] &= ~1;
	KT_EXPECT_EQ(net_fake_stats().rx_not_for_us, 2);
	buf[6] |= 1; /* group source */
	net_fake_input(buf, len);
	buf[6] &= ~1;
	memcpy(buf + 6, NET_FAKE_OUR_MAC, ETH_ALEN); /* our own, looped */
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().rx_bad_src_mac, 2);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

KTEST(net_eth, unknown_type_dropped)
{
	size_t len;

	len = net_fake_icmp_echo(buf, NET_FAKE_OUR_IP, 1, 1, "x", 1);
	buf[12] = 0x86; /* IPv6 */
	buf[13] = 0xdd;
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().rx_unknown_type, 1);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

KTEST(net_eth, queue_full_counted)
{
	size_t len;
	unsigned int n = 0;

	len = net_fake_udp(buf, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP, 1000, 4242,
			   "q", 1);
	/* The driver delivers a burst before anyone polls. */
	while (net_fake_stats().rx_queue_full == 0 && n < 1000) {
		netdev_rx(&net_fake.dev, buf, len);
		n++;
	}
	KT_EXPECT(n > 16 && n < 1000);
	net_poll();
	net_poll();
	net_poll();
	KT_EXPECT_EQ(net_fake_stats().udp_no_port, n - 1);
	KT_EXPECT_EQ(net_fake_stats().rx_frames, n - 1);
}

KTEST(net_eth, unregistered_device_dropped)
{
	struct netdev other = {.name = "other"};
	size_t len;

	len = net_fake_udp(buf, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP, 1, 7, "", 0);
	netdev_rx(&other, buf, len);
	KT_EXPECT_EQ(net_fake_stats().rx_no_queue, 1);
	net_fake_teardown();
	/* No device at all: nothing queued, nothing sent. */
	netdev_rx(&net_fake.dev, buf, len);
	net_poll();
	KT_EXPECT_EQ(net_fake_stats().rx_no_queue, 1);
	KT_EXPECT(net_dev() == NULL);
}

/* The ARP reply we must send to the peer's request, byte for byte. */
static size_t expected_reply(uint8_t *out, const uint8_t *to_mac,
			     uint32_t to_ip)
{
	static const uint8_t hdr[] = {0x08, 0x06, 0x00, 0x01, 0x08,
				      0x00, 6,	  4,	0x00, 0x02};
	uint8_t *p = out;

	memcpy(p, to_mac, 6);
	memcpy(p + 6, NET_FAKE_OUR_MAC, 6);
	memcpy(p + 12, hdr, sizeof(hdr));
	p += 12 + sizeof(hdr);
	memcpy(p, NET_FAKE_OUR_MAC, 6);
	p[6] = 192, p[7] = 0, p[8] = 2, p[9] = 2;
	memcpy(p + 10, to_mac, 6);
	p[16] = to_ip >> 24, p[17] = to_ip >> 16, p[18] = to_ip >> 8;
	p[19] = to_ip;
	return 42;
}

/* Every case runs on a fresh fake netdev. */
KTEST_SUITE(net_arp, .init = net_fake_setup, .exit = net_fake_teardown);

KTEST(net_arp, request_answered_exactly)
{
	uint8_t want[64], mac[ETH_ALEN];
	size_t len;

	len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, NET_FAKE_PEER_IP,
			   NET_FAKE_OUR_IP);
	/* Ethernet padding to 60 bytes must not matter. */
	memset(buf + len, 0, 60 - len);
	net_fake_input(buf, 60);
	KT_ASSERT(net_fake.nframes == 1);
	KT_EXPECT_EQ(net_fake.len[0], ETH_ZLEN);
	expected_reply(want, NET_FAKE_PEER_MAC, NET_FAKE_PEER_IP);
	KT_EXPECT(!memcmp(net_fake.frame[0], want, 42));
	KT_EXPECT(net_fake_pad_zero(net_fake.frame[0], 42, ETH_ZLEN));
	KT_EXPECT_EQ(net_fake_stats().arp_replies_sent, 1);
	/* The requester was learned (RFC 826). */
	KT_EXPECT_EQ(net_arp_lookup(NET_FAKE_PEER_IP, mac), 0);
	KT_EXPECT(!memcmp(mac, NET_FAKE_PEER_MAC, ETH_ALEN));
}

KTEST(net_arp, malformed_dropped)
{
	static const struct {
		size_t off;
		uint8_t val;
	} bad[] = {
	    {1, 6},    /* htype 6 */
	    {2, 0x86}, /* ptype 0x8600 */
	    {4, 8},    /* hlen 8 */
	    {5, 16},   /* plen 16 */
	    {7, 3},    /* op 3 (RARP) */
	    {7, 0},    /* op 0 */
	};
	size_t len;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, NET_FAKE_PEER_IP,
				   NET_FAKE_OUR_IP);
		buf[ETH_HLEN + bad[i].off] = bad[i].val;
		net_fake_input(buf, len);
	}
	/* Every length short of a whole ARP packet. */
	len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, NET_FAKE_PEER_IP,
			   NET_FAKE_OUR_IP);
	for (size_t l = ETH_HLEN; l < len; l++)
		net_fake_input(buf, l);
	KT_EXPECT_EQ(net_fake_stats().arp_bad, ARRAY_SIZE(bad) + 28);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

KTEST(net_arp, bad_senders_refused)
{
	uint8_t mac[ETH_ALEN], group[ETH_ALEN] = {0x01, 0, 0x5e, 0, 0, 1};
	size_t len;

	/* Someone claims our address. */
	len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, NET_FAKE_OUR_IP,
			   NET_FAKE_OUR_IP);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().arp_conflict, 1);
	/* Off our subnet, our subnet's broadcast, a group MAC. */
	len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, NET_IP(10, 0, 0, 1),
			   NET_FAKE_OUR_IP);
	net_fake_input(buf, len);
	len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, NET_IP(192, 0, 2, 255),
			   NET_FAKE_OUR_IP);
	net_fake_input(buf, len);
	len = net_fake_arp(buf, 1, group, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().arp_bad_sender, 3);
	KT_EXPECT_EQ(net_fake.nframes, 0);
	KT_EXPECT_EQ(net_arp_lookup(NET_FAKE_PEER_IP, mac), -ENOENT);
	/* A request for someone else: no answer, nothing learned. */
	len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, NET_FAKE_PEER_IP,
			   NET_IP(192, 0, 2, 9));
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().arp_not_for_us, 1);
	KT_EXPECT_EQ(net_arp_lookup(NET_FAKE_PEER_IP, mac), -ENOENT);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

KTEST(net_arp, probe_answered)
{
	uint8_t mac[ETH_ALEN];
	size_t len;

	/* RFC 5227 probe: sender address 0.  Defend, learn nothing. */
	len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, 0, NET_FAKE_OUR_IP);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake.nframes, 1);
	KT_EXPECT_EQ(net_arp_lookup(0, mac), -ENOENT);
}

KTEST(net_arp, announce_when_up)
{
	struct arp_pkt *a;

	netdev_unregister(&net_fake.dev);
	netdev_register(&net_fake.dev);
	net_poll();
	KT_ASSERT(net_fake.nframes == 1);
	a = (struct arp_pkt *)(net_fake.frame[0] + ETH_HLEN);
	KT_EXPECT(!memcmp(net_fake.frame[0], bcast, ETH_ALEN));
	KT_EXPECT_EQ(net_be16(a->oper), 1);
	KT_EXPECT_EQ(net_be32(a->spa), NET_FAKE_OUR_IP);
	KT_EXPECT_EQ(net_be32(a->tpa), NET_FAKE_OUR_IP);
	KT_EXPECT_EQ(net_fake_stats().arp_announces_sent, 1);
	/* Once only. */
	net_poll();
	KT_EXPECT_EQ(net_fake.nframes, 1);
}

KTEST(net_arp, resolve_then_send_waiting_frame)
{
	struct arp_pkt *a;
	uint8_t mac[ETH_ALEN];
	size_t len;

	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 5000, 6000, "hello", 5), 0);
	KT_ASSERT(net_fake.nframes == 1);
	a = (struct arp_pkt *)(net_fake.frame[0] + ETH_HLEN);
	KT_EXPECT(!memcmp(net_fake.frame[0], bcast, ETH_ALEN));
	KT_EXPECT_EQ(net_be16(a->oper), 1);
	KT_EXPECT_EQ(net_be32(a->tpa), NET_FAKE_PEER_IP);
	KT_EXPECT_EQ(net_arp_lookup(NET_FAKE_PEER_IP, mac), -ENOENT);
	len = net_fake_arp(buf, 2, NET_FAKE_PEER_MAC, NET_FAKE_PEER_IP,
			   NET_FAKE_OUR_IP);
	net_fake_input(buf, len);
	/* The waiting datagram went out, to the peer's MAC. */
	KT_ASSERT(net_fake.nframes == 2);
	KT_EXPECT(!memcmp(net_fake.frame[1], NET_FAKE_PEER_MAC, ETH_ALEN));
	KT_EXPECT_EQ(net_fake.len[1], ETH_ZLEN);
	KT_EXPECT(!memcmp(net_fake.frame[1] + NET_IP_PAYLOAD_OFF + UDP_HLEN,
			  "hello", 5));
	KT_EXPECT_EQ(net_fake_stats().arp_replies_rx, 1);
	KT_EXPECT_EQ(net_arp_lookup(NET_FAKE_PEER_IP, mac), 0);
	/* Known now: the next one goes straight out. */
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 5000, 6000, "again", 5), 0);
	KT_EXPECT_EQ(net_fake.nframes, 3);
}

KTEST(net_arp, retries_then_gives_up)
{
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 1, 2, "a", 1), 0);
	/* A newer frame replaces the waiting one. */
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 1, 2, "b", 1), 0);
	KT_EXPECT_EQ(net_fake_stats().arp_pending_dropped, 1);
	KT_EXPECT_EQ(net_fake.nframes, 1);
	net_fake.now_ns += SEC / 2;
	net_poll();
	KT_EXPECT_EQ(net_fake.nframes, 1);
	net_fake.now_ns += SEC / 2;
	net_poll();
	KT_EXPECT_EQ(net_fake.nframes, 2);
	net_fake.now_ns += SEC;
	net_poll();
	KT_EXPECT_EQ(net_fake.nframes, 3);
	KT_EXPECT_EQ(net_fake_stats().arp_requests_sent, 3);
	net_fake.now_ns += SEC;
	net_poll();
	KT_EXPECT_EQ(net_fake.nframes, 3);
	KT_EXPECT_EQ(net_fake_stats().arp_unresolved, 1);
	KT_EXPECT_EQ(net_fake_stats().arp_pending_dropped, 2);
}

KTEST(net_arp, entries_expire_and_evict)
{
	uint8_t mac[ETH_ALEN], m[ETH_ALEN];
	size_t len;

	memcpy(m, NET_FAKE_PEER_MAC, ETH_ALEN);
	/* 17 neighbours ask for us: the cache keeps 16. */
	for (unsigned int i = 1; i <= 17; i++) {
		m[5] = (uint8_t)i;
		len = net_fake_arp(buf, 1, m, NET_IP(192, 0, 2, 10 + i),
				   NET_FAKE_OUR_IP);
		net_fake_input(buf, len);
		net_fake.now_ns += 1000;
	}
	KT_EXPECT_EQ(net_fake_stats().arp_learned, 17);
	KT_EXPECT_EQ(net_fake_stats().arp_evicted, 1);
	/* The oldest went. */
	KT_EXPECT_EQ(net_arp_lookup(NET_IP(192, 0, 2, 11), mac), -ENOENT);
	KT_EXPECT_EQ(net_arp_lookup(NET_IP(192, 0, 2, 27), mac), 0);
	KT_EXPECT_EQ(mac[5], 17);
	net_fake.now_ns += 61 * SEC;
	net_poll();
	KT_EXPECT_EQ(net_fake_stats().arp_expired, 16);
	KT_EXPECT_EQ(net_arp_lookup(NET_IP(192, 0, 2, 27), mac), -ENOENT);
}

KTEST(net_arp, merge_updates_known_entry)
{
	uint8_t mac[ETH_ALEN], moved[ETH_ALEN] = {0x00, 0x16, 0x3e, 1, 2, 3};
	size_t len;

	len = net_fake_arp(buf, 1, NET_FAKE_PEER_MAC, NET_FAKE_PEER_IP,
			   NET_FAKE_OUR_IP);
	net_fake_input(buf, len);
	/* Its own gratuitous ARP, aimed at nobody in particular. */
	len = net_fake_arp(buf, 1, moved, NET_FAKE_PEER_IP, NET_FAKE_PEER_IP);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_arp_lookup(NET_FAKE_PEER_IP, mac), 0);
	KT_EXPECT(!memcmp(mac, moved, ETH_ALEN));
}

/*
 * MSA01 in the stack: a runt is padded with zeros, never with what an
 * earlier, longer frame left in the transmit buffer.  Fails on a
 * BUGGY=msa01-pad build.
 */
KTEST(net_eth, runt_padding_is_zero)
{
	size_t len = NET_IP_PAYLOAD_OFF + UDP_HLEN + 1;

	net_fake_input(buf, net_fake_arp(buf, 2, NET_FAKE_PEER_MAC,
					 NET_FAKE_PEER_IP, NET_FAKE_OUR_IP));
	memset(net_tx_frame(), 0xc5, ETH_FRAME_MAX);
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 1, 2, "x", 1), 0);
	KT_ASSERT(net_fake.nframes == 1);
	KT_EXPECT_EQ(net_fake.len[0], ETH_ZLEN);
	KT_EXPECT(net_fake_pad_zero(net_fake.frame[0], len, ETH_ZLEN));
	/* ARP frames too. */
	net_arp_flush();
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 1, 2, "x", 1), 0);
	KT_ASSERT(net_fake.nframes == 2);
	KT_EXPECT_EQ(net_fake.len[1], ETH_ZLEN);
	KT_EXPECT(net_fake_pad_zero(net_fake.frame[1], 42, ETH_ZLEN));
}
