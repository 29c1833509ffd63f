/*
 * Suites `net_udp` and `net_config` (host): UDP length and checksum
 * checks, the echo service answering every payload size byte for byte,
 * bindings, send errors and a full driver ring; the `ip=` parser.
 */
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "lib/checksum.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/net_fake.h"

static uint8_t buf[ETH_FRAME_MAX];
static uint8_t data[NET_UDP_MAX_PAYLOAD];

static size_t dgram(uint16_t sport, uint16_t dport, size_t len)
{
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i ^ (i >> 8) ^ len);
	return net_fake_udp(buf, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP, sport,
			    dport, data, len);
}

static struct udp_hdr *udph(uint8_t *frame)
{
	return (struct udp_hdr *)(frame + NET_IP_PAYLOAD_OFF);
}

/* The echo of `len` bytes from port 40000, as it must be. */
static void check_echo(const uint8_t *rep, size_t rep_len, size_t len)
{
	const struct ipv4_hdr *ip = (const struct ipv4_hdr *)(rep + ETH_HLEN);
	const struct udp_hdr *u =
	    (const struct udp_hdr *)(rep + NET_IP_PAYLOAD_OFF);

	KT_ASSERT(rep_len ==
		  net_fake_wire_len(NET_IP_PAYLOAD_OFF + UDP_HLEN + len));
	KT_EXPECT(net_fake_pad_zero(rep, NET_IP_PAYLOAD_OFF + UDP_HLEN + len,
				    rep_len));
	KT_EXPECT(!memcmp(rep, NET_FAKE_PEER_MAC, ETH_ALEN));
	KT_EXPECT_EQ(net_be32(ip->daddr), NET_FAKE_PEER_IP);
	KT_EXPECT_EQ(csum_compute(ip, IPV4_HLEN), 0);
	KT_EXPECT_EQ(net_be16(u->sport), NET_ECHO_PORT);
	KT_EXPECT_EQ(net_be16(u->dport), 40000);
	KT_EXPECT_EQ(net_be16(u->len), UDP_HLEN + len);
	KT_EXPECT(u->csum != 0);
	KT_EXPECT(csum_udp_ipv4_ok(NET_FAKE_OUR_IP, NET_FAKE_PEER_IP, u,
				   (uint16_t)(UDP_HLEN + len)));
	KT_EXPECT(!memcmp(rep + NET_IP_PAYLOAD_OFF + UDP_HLEN, data, len));
}

/* Every case runs on a fresh fake netdev. */
KTEST_SUITE(net_udp, .init = net_fake_setup, .exit = net_fake_teardown);

KTEST(net_udp, echo_every_size)
{
	size_t len;

	for (size_t n = 0; n <= NET_UDP_MAX_PAYLOAD; n++) {
		net_fake_clear();
		len = dgram(40000, NET_ECHO_PORT, n);
		net_fake_input(buf, len);
		KT_ASSERT(net_fake.nframes == 1);
		check_echo(net_fake.frame[0], net_fake.len[0], n);
		if (ktest_failed())
			break;
	}
	KT_EXPECT_EQ(net_fake_stats().udp_echoed, NET_UDP_MAX_PAYLOAD + 1);
}

KTEST(net_udp, zero_checksum_accepted)
{
	size_t len;

	len = dgram(40000, NET_ECHO_PORT, 10);
	udph(buf)->csum = 0;
	net_fake_input(buf, len);
	KT_ASSERT(net_fake.nframes == 1);
	check_echo(net_fake.frame[0], net_fake.len[0], 10);
}

/*
 * A driver's NETDEV_RX_CSUM_OK (netfront: the backend's csum_blank or
 * data_validated) skips the UDP checksum of that frame only: queued
 * between two frames without it, whose bad sums are still dropped.  The
 * IPv4 header's checksum is checked whatever the flag.
 */
KTEST(net_udp, csum_ok_skips_only_udp_sum)
{
	size_t len = dgram(40000, NET_ECHO_PORT, 10);

	udph(buf)->csum ^= 0x1234; /* what a blank (partial) sum looks like */
	netdev_rx(&net_fake.dev, buf, len);
	netdev_rx_flags(&net_fake.dev, buf, len, NETDEV_RX_CSUM_OK);
	netdev_rx(&net_fake.dev, buf, len);
	net_poll();
	KT_EXPECT_EQ(net_fake_stats().udp_bad_csum, 2);
	KT_ASSERT(net_fake.nframes == 1);
	check_echo(net_fake.frame[0], net_fake.len[0], 10);
	buf[ETH_HLEN + 10] ^= 1; /* the IPv4 header's checksum */
	netdev_rx_flags(&net_fake.dev, buf, len, NETDEV_RX_CSUM_OK);
	net_poll();
	KT_EXPECT_EQ(net_fake_stats().ip_bad_csum, 1);
	KT_EXPECT_EQ(net_fake.nframes, 1);
}

KTEST(net_udp, bad_datagrams_dropped)
{
	static const uint16_t bad_len[] = {0, 7, 8 + 10 + 1, 0xffff};
	size_t len;

	len = dgram(40000, NET_ECHO_PORT, 10);
	buf[len - 1] ^= 1;
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().udp_bad_csum, 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_len); i++) {
		len = dgram(40000, NET_ECHO_PORT, 10);
		udph(buf)->len = net_be16(bad_len[i]);
		net_fake_input(buf, len);
	}
	KT_EXPECT_EQ(net_fake_stats().udp_bad_len, ARRAY_SIZE(bad_len));
	/* An IP payload shorter than a UDP header. */
	len = net_fake_ipv4(buf, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP,
			    IP_PROTO_UDP, "\0\1\0\7\0\7", 6);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().udp_truncated, 1);
	/* Nobody on that port. */
	net_fake_input(buf, dgram(40000, 4444, 3));
	KT_EXPECT_EQ(net_fake_stats().udp_no_port, 1);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

KTEST(net_udp, shorter_udp_length_trims)
{
	size_t len;

	/* UDP says 8 + 4 inside a 10-byte payload: the tail is ignored. */
	len = dgram(40000, NET_ECHO_PORT, 10);
	udph(buf)->len = net_be16(UDP_HLEN + 4);
	udph(buf)->csum = 0;
	net_fake_input(buf, len);
	KT_ASSERT(net_fake.nframes == 1);
	check_echo(net_fake.frame[0], net_fake.len[0], 4);
}

KTEST(net_udp, echo_not_to_broadcast_or_port_zero)
{
	size_t len;

	for (size_t i = 0; i < 4; i++)
		data[i] = 1;
	len = net_fake_udp(buf, NET_FAKE_PEER_IP, NET_IP(192, 0, 2, 255), 40000,
			   NET_ECHO_PORT, data, 4);
	buf[0] = buf[1] = buf[2] = buf[3] = buf[4] = buf[5] = 0xff;
	net_fake_input(buf, len);
	net_fake_input(buf, dgram(0, NET_ECHO_PORT, 4));
	KT_EXPECT_EQ(net_fake_stats().udp_delivered, 2);
	KT_EXPECT_EQ(net_fake_stats().udp_echoed, 0);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

struct rx_seen {
	unsigned int calls;
	uint32_t ip;
	uint16_t sport, dport;
	size_t len;
	uint8_t first;
};

static void record_rx(uint32_t ip, uint16_t sport, uint16_t dport,
		      const void *d, size_t len, void *arg)
{
	struct rx_seen *s = arg;

	s->calls++;
	s->ip = ip;
	s->sport = sport;
	s->dport = dport;
	s->len = len;
	s->first = len ? *(const uint8_t *)d : 0;
}

KTEST(net_udp, bind_deliver_unbind)
{
	struct rx_seen seen = {0};
	unsigned int bound = 0;

	KT_EXPECT_EQ(net_udp_bind(9000, record_rx, &seen), 0);
	KT_EXPECT_EQ(net_udp_bind(9000, record_rx, &seen), -EADDRINUSE);
	KT_EXPECT_EQ(net_udp_bind(NET_ECHO_PORT, record_rx, &seen),
		     -EADDRINUSE);
	KT_EXPECT_EQ(net_udp_bind(0, record_rx, &seen), -EINVAL);
	net_fake_input(buf, dgram(1234, 9000, 77));
	KT_EXPECT_EQ(seen.calls, 1);
	KT_EXPECT_EQ(seen.ip, NET_FAKE_PEER_IP);
	KT_EXPECT_EQ(seen.sport, 1234);
	KT_EXPECT_EQ(seen.dport, 9000);
	KT_EXPECT_EQ(seen.len, 77);
	KT_EXPECT_EQ(seen.first, data[0]);
	while (net_udp_bind((uint16_t)(9001 + bound), record_rx, &seen) == 0)
		bound++;
	KT_EXPECT_EQ(bound, 6); /* 8 slots: echo, 9000, six more */
	net_udp_unbind(9000);
	net_fake_input(buf, dgram(1234, 9000, 77));
	KT_EXPECT_EQ(seen.calls, 1);
	KT_EXPECT_EQ(net_fake_stats().udp_no_port, 1);
	net_fake_teardown();
	/* net_reset() dropped the bindings but kept the echo service. */
	KT_EXPECT_EQ(net_udp_bind(9001, record_rx, &seen), 0);
	KT_EXPECT_EQ(net_udp_bind(NET_ECHO_PORT, record_rx, &seen),
		     -EADDRINUSE);
	net_udp_unbind(9001);
}

KTEST(net_udp, send_errors)
{
	KT_EXPECT_EQ(
	    net_udp_send(NET_FAKE_PEER_IP, 1, 2, data, NET_UDP_MAX_PAYLOAD + 1),
	    -EMSGSIZE);
	KT_EXPECT_EQ(net_udp_send(NET_IP(10, 0, 0, 1), 1, 2, data, 1),
		     -ENETUNREACH);
	KT_EXPECT_EQ(net_udp_send(NET_IP(192, 0, 2, 255), 1, 2, data, 1),
		     -ENETUNREACH);
	KT_EXPECT_EQ(net_fake_stats().tx_no_route, 2);
	net_fake.dev.up = false;
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 1, 2, data, 1), -ENETDOWN);
	KT_EXPECT_EQ(net_fake_stats().tx_no_dev, 1);
	net_fake.dev.up = true;
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

KTEST(net_udp, driver_ring_full)
{
	net_fake_input(buf, net_fake_arp(buf, 2, NET_FAKE_PEER_MAC,
					 NET_FAKE_PEER_IP, NET_FAKE_OUR_IP));
	/* Busy a few times: the stack reaps (poll) and retries. */
	net_fake.busy = 5;
	net_fake.polls = 0;
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 1, 2, data, 100), 0);
	KT_EXPECT_EQ(net_fake.polls, 5);
	KT_EXPECT_EQ(net_fake.nframes, 1);
	/* Busy for good: -EAGAIN, counted, no hang. */
	net_fake.busy = 100000;
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 1, 2, data, 100), -EAGAIN);
	KT_EXPECT_EQ(net_fake_stats().tx_busy, 1);
	net_fake.busy = 0;
	net_fake.fail_rc = -ENETDOWN;
	KT_EXPECT_EQ(net_udp_send(NET_FAKE_PEER_IP, 1, 2, data, 100),
		     -ENETDOWN);
	KT_EXPECT_EQ(net_fake_stats().tx_errors, 1);
	KT_EXPECT_EQ(net_fake_stats().tx_frames, 1);
}

KTEST(net_config, cidr_parsing)
{
	static const char *const bad[] = {
	    "",
	    "192.0.2.2",
	    "192.0.2.2/",
	    "192.0.2/24",
	    "192.0.2.2.1/24",
	    "192.0.2.256/24",
	    "1920.0.2.2/24",
	    "192.0.2.2/0",
	    "192.0.2.2/31",
	    "192.0.2.2/33",
	    "192.0.2.2/24x",
	    " 192.0.2.2/24",
	    "192.0.2.0/24",
	    "192.0.2.255/24",
	    "0.1.2.3/8",
	    "127.0.0.1/8",
	    "224.0.0.1/24",
	    "240.0.0.1/24",
	    "192.0.2.2/-1",
	    "a.b.c.d/24",
	    "192.0.2.2/99999",
	    "192..2.2/24",
	};
	uint32_t a = 0;
	unsigned int p = 0;

	KT_EXPECT_EQ(net_parse_cidr("192.0.2.2/24", &a, &p), 0);
	KT_EXPECT_EQ(a, NET_IP(192, 0, 2, 2));
	KT_EXPECT_EQ(p, 24);
	KT_EXPECT_EQ(net_parse_cidr("10.255.0.1/8", &a, &p), 0);
	KT_EXPECT_EQ(net_parse_cidr("192.0.2.1/30", &a, &p), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		if (net_parse_cidr(bad[i], &a, &p) != -EINVAL)
			ktest_fail_at(__FILE__, __LINE__, "accepted '%s'",
				      bad[i]);
	}
}

KTEST(net_config, cmdline_key)
{
	uint32_t before = net_ipv4_addr();
	int errors = cmdline_errors();

	KT_EXPECT_EQ(cmdline_parse("ip=192.0.2.300/24"), 1);
	KT_EXPECT_EQ(net_ipv4_addr(), before);
	KT_EXPECT_EQ(cmdline_parse("ip=198.51.100.7/24"), 0);
	KT_EXPECT_EQ(net_ipv4_addr(), NET_IP(198, 51, 100, 7));
	KT_EXPECT_EQ(cmdline_errors(), errors + 1);
	net_state.ip = before;
}
