/*
 * Suites `net_ip` and `net_icmp` (host): malformed IPv4 headers dropped
 * and counted (truncation, version, IHL, total length, checksum,
 * fragments, TTL, addresses); ICMP echo answered byte for byte.
 */
#include "kernel/ktest.h"
#include "lib/checksum.h"
#include "lib/string.h"
#include "tests/host/net_fake.h"

static uint8_t buf[ETH_FRAME_MAX];
static uint8_t data[NET_ICMP_MAX_DATA];

static size_t echo(uint16_t seq, size_t len)
{
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 7 + seq);
	return net_fake_icmp_echo(buf, NET_FAKE_OUR_IP, 0xbeef, seq, data, len);
}

static void put_csum(uint8_t *msg, size_t len)
{
	uint16_t c = csum_compute(msg, len);

	msg[2] = c >> 8;
	msg[3] = c & 0xff;
}

/* Send a corrupted echo request; nothing may come back. */
static void expect_dropped(size_t len)
{
	net_fake_clear();
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake.nframes, 0);
	KT_EXPECT_EQ(net_fake_stats().icmp_rx, 0);
}

/* Every case runs on a fresh fake netdev. */
KTEST_SUITE(net_ip, .init = net_fake_setup, .exit = net_fake_teardown);

KTEST(net_ip, truncated_header_dropped)
{
	echo(1, 0);
	for (size_t l = ETH_HLEN; l < ETH_HLEN + IPV4_HLEN; l++)
		expect_dropped(l);
	KT_EXPECT_EQ(net_fake_stats().ip_truncated, IPV4_HLEN);
}

KTEST(net_ip, bad_version_and_ihl_dropped)
{
	size_t len;

	len = echo(1, 4);
	net_fake_iph(buf)->ver_ihl = 0x65;
	net_fake_ip_csum(buf);
	expect_dropped(len);
	KT_EXPECT_EQ(net_fake_stats().ip_bad_version, 1);
	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		len = echo(1, 4);
		net_fake_iph(buf)->ver_ihl = 0x40 | ihl;
		expect_dropped(len);
	}
	/* IHL 15 (60 bytes) in a 32-byte packet: beyond what arrived. */
	len = echo(1, 4);
	net_fake_iph(buf)->ver_ihl = 0x4f;
	expect_dropped(len);
	KT_EXPECT_EQ(net_fake_stats().ip_bad_ihl, 6);
}

KTEST(net_ip, bad_total_length_dropped)
{
	static const uint16_t lens[] = {0, 19, 20 + 8 + 4 + 1, 0xffff, 0x8000};
	size_t len;

	for (unsigned int i = 0; i < ARRAY_SIZE(lens); i++) {
		len = echo(1, 4);
		net_fake_iph(buf)->tot_len = net_be16(lens[i]);
		net_fake_ip_csum(buf);
		expect_dropped(len);
	}
	/* Total length inside the header (IHL 6 but total 20). */
	len = echo(1, 4);
	net_fake_iph(buf)->ver_ihl = 0x46;
	net_fake_iph(buf)->tot_len = net_be16(20);
	net_fake_ip_csum(buf);
	expect_dropped(len);
	KT_EXPECT_EQ(net_fake_stats().ip_bad_len, ARRAY_SIZE(lens) + 1);
}

KTEST(net_ip, bad_checksum_dropped)
{
	size_t len;

	len = echo(1, 4);
	net_fake_iph(buf)->csum ^= net_be16(1);
	expect_dropped(len);
	len = echo(1, 4);
	net_fake_iph(buf)->ttl--; /* changed after the checksum */
	expect_dropped(len);
	KT_EXPECT_EQ(net_fake_stats().ip_bad_csum, 2);
}

KTEST(net_ip, fragments_dropped)
{
	static const uint16_t frag[] = {0x2000, 0x0001, 0x2001,
					0x1fff, 0x6000, 0x4001};
	size_t len;

	for (unsigned int i = 0; i < ARRAY_SIZE(frag); i++) {
		len = echo(1, 4);
		net_fake_iph(buf)->frag_off = net_be16(frag[i]);
		net_fake_ip_csum(buf);
		expect_dropped(len);
	}
	KT_EXPECT_EQ(net_fake_stats().ip_fragments, ARRAY_SIZE(frag));
	/* Don't-fragment alone is a whole datagram. */
	len = echo(1, 4);
	net_fake_iph(buf)->frag_off = net_be16(0x4000);
	net_fake_ip_csum(buf);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake.nframes, 1);
}

KTEST(net_ip, ttl_zero_dropped)
{
	size_t len;

	len = echo(1, 4);
	net_fake_iph(buf)->ttl = 0;
	net_fake_ip_csum(buf);
	expect_dropped(len);
	KT_EXPECT_EQ(net_fake_stats().ip_ttl_zero, 1);
}

KTEST(net_ip, addresses_checked)
{
	static const uint32_t bad_src[] = {
	    NET_FAKE_OUR_IP,	       NET_IP(192, 0, 2, 255),
	    NET_IP(192, 0, 2, 0),      NET_IP(10, 1, 2, 3),
	    NET_IP(224, 0, 0, 1),      0,
	    NET_IP(255, 255, 255, 255)};
	size_t len;

	len = echo(1, 4);
	net_fake_iph(buf)->daddr = net_be32(NET_IP(192, 0, 2, 3));
	net_fake_ip_csum(buf);
	expect_dropped(len);
	KT_EXPECT_EQ(net_fake_stats().ip_not_for_us, 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_src); i++) {
		len = echo(1, 4);
		net_fake_iph(buf)->saddr = net_be32(bad_src[i]);
		net_fake_ip_csum(buf);
		expect_dropped(len);
	}
	KT_EXPECT_EQ(net_fake_stats().ip_bad_src, ARRAY_SIZE(bad_src));
}

KTEST(net_ip, unknown_protocol_counted)
{
	size_t len;

	len =
	    net_fake_ipv4(buf, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP, 6, "tcp?", 4);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().ip_unknown_proto, 1);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

/*
 * The reply to the request now in buf, as it must be: Ethernet addresses
 * swapped, a fresh IPv4 header from us, the ICMP message with type 0 and
 * the checksum adjusted, everything else identical.
 */
static void check_reply(const uint8_t *req, size_t req_len, const uint8_t *rep,
			size_t rep_len)
{
	const struct ipv4_hdr *ri = (const struct ipv4_hdr *)(req + ETH_HLEN);
	const struct ipv4_hdr *pi = (const struct ipv4_hdr *)(rep + ETH_HLEN);
	size_t rhl = (size_t)(ri->ver_ihl & 0xf) * 4;
	size_t icmp_len = net_be16(ri->tot_len) - rhl;
	const uint8_t *rq = req + ETH_HLEN + rhl,
		      *rp = rep + NET_IP_PAYLOAD_OFF;

	KT_ASSERT(rep_len == net_fake_wire_len(NET_IP_PAYLOAD_OFF + icmp_len));
	KT_EXPECT(
	    net_fake_pad_zero(rep, NET_IP_PAYLOAD_OFF + icmp_len, rep_len));
	KT_EXPECT(!memcmp(rep, NET_FAKE_PEER_MAC, ETH_ALEN));
	KT_EXPECT(!memcmp(rep + 6, NET_FAKE_OUR_MAC, ETH_ALEN));
	KT_EXPECT(rep[12] == 0x08 && rep[13] == 0x00);
	KT_EXPECT_EQ(pi->ver_ihl, 0x45);
	KT_EXPECT_EQ(net_be16(pi->tot_len), IPV4_HLEN + icmp_len);
	KT_EXPECT_EQ(pi->proto, IP_PROTO_ICMP);
	KT_EXPECT_EQ(pi->ttl, NET_TTL);
	KT_EXPECT_EQ(net_be32(pi->saddr), NET_FAKE_OUR_IP);
	KT_EXPECT_EQ(net_be32(pi->daddr), NET_FAKE_PEER_IP);
	KT_EXPECT_EQ(csum_compute(pi, IPV4_HLEN), 0);
	KT_EXPECT_EQ(rp[0], 0);
	KT_EXPECT_EQ(rp[1], 0);
	KT_EXPECT(!memcmp(rp + 4, rq + 4, icmp_len - 4)); /* id, seq, data */
	KT_EXPECT_EQ(csum_compute(rp, icmp_len), 0);
	/* Type 8 -> 0 raises the checksum by 0x0800 (ones' complement). */
	KT_EXPECT_EQ(csum_fold(csum_partial(rq + 2, 2, 0) + 0x0800),
		     (uint16_t) ~(rp[2] << 8 | rp[3]));
}

/* Every case runs on a fresh fake netdev. */
KTEST_SUITE(net_icmp, .init = net_fake_setup, .exit = net_fake_teardown);

KTEST(net_icmp, echo_answered_byte_for_byte)
{
	static const size_t sizes[] = {0,  1,  2,    3,	   55,
				       56, 57, 1000, 1471, NET_ICMP_MAX_DATA};
	size_t len;

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		net_fake_clear();
		len = echo((uint16_t)i, sizes[i]);
		net_fake_input(buf, len);
		KT_ASSERT(net_fake.nframes == 1);
		check_reply(buf, len, net_fake.frame[0], net_fake.len[0]);
	}
	KT_EXPECT_EQ(net_fake_stats().icmp_echo_answered, ARRAY_SIZE(sizes));
}

KTEST(net_icmp, padded_frame_and_options)
{
	size_t len;

	/* A 28-byte packet in a frame padded to 60 bytes. */
	len = echo(9, 0);
	memset(buf + len, 0xee, 60 - len);
	net_fake_input(buf, 60);
	KT_ASSERT(net_fake.nframes == 1);
	check_reply(buf, len, net_fake.frame[0], net_fake.len[0]);
	/* An IPv4 option (a NOP word): the header is 24 bytes. */
	len = echo(10, 16);
	memmove(buf + NET_IP_PAYLOAD_OFF + 4, buf + NET_IP_PAYLOAD_OFF,
		len - NET_IP_PAYLOAD_OFF);
	memset(buf + NET_IP_PAYLOAD_OFF, 1, 4);
	net_fake_iph(buf)->ver_ihl = 0x46;
	net_fake_iph(buf)->tot_len = net_be16((uint16_t)(len + 4 - ETH_HLEN));
	net_fake_ip_csum(buf);
	net_fake_clear();
	net_fake_input(buf, len + 4);
	KT_ASSERT(net_fake.nframes == 1);
	check_reply(buf, len + 4, net_fake.frame[0], net_fake.len[0]);
}

KTEST(net_icmp, bad_messages_dropped)
{
	size_t len;

	len = echo(1, 8);
	buf[len - 1] ^= 0x40; /* data changed after the checksum */
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().icmp_bad_csum, 1);
	/* Shorter than an ICMP header. */
	len = net_fake_ipv4(buf, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP,
			    IP_PROTO_ICMP, "\x08\x00\xf7\xff", 4);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().icmp_truncated, 1);
	/* To our subnet's broadcast address: no answer. */
	len = echo(1, 8);
	net_fake_iph(buf)->daddr = net_be32(NET_IP(192, 0, 2, 255));
	net_fake_ip_csum(buf);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().icmp_echo_bcast_ignored, 1);
	/* Not an echo: counted, not answered. */
	len = echo(1, 8);
	buf[NET_IP_PAYLOAD_OFF] = 13; /* timestamp request */
	buf[NET_IP_PAYLOAD_OFF + 2] = buf[NET_IP_PAYLOAD_OFF + 3] = 0;
	put_csum(buf + NET_IP_PAYLOAD_OFF, len - NET_IP_PAYLOAD_OFF);
	net_fake_input(buf, len);
	KT_EXPECT_EQ(net_fake_stats().icmp_other, 1);
	KT_EXPECT_EQ(net_fake.nframes, 0);
}

KTEST(net_icmp, echo_request_sent)
{
	struct icmp_hdr *h;

	net_fake_input(buf, net_fake_arp(buf, 2, NET_FAKE_PEER_MAC,
					 NET_FAKE_PEER_IP, NET_FAKE_OUR_IP));
	KT_EXPECT_EQ(net_icmp_echo_send(NET_FAKE_PEER_IP, 3, 4, "ping", 4), 0);
	KT_ASSERT(net_fake.nframes == 1);
	h = (struct icmp_hdr *)(net_fake.frame[0] + NET_IP_PAYLOAD_OFF);
	KT_EXPECT_EQ(h->type, 8);
	KT_EXPECT_EQ(net_be16(h->id), 3);
	KT_EXPECT_EQ(net_be16(h->seq), 4);
	KT_EXPECT_EQ(csum_compute(h, ICMP_HLEN + 4), 0);
}

KTEST(net_csum, words_match_lib)
{
	static uint8_t src[2048 + 16], dst[2048 + 16];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(src); i++) {
		x = x * 1103515245u + 12345u;
		src[i] = (uint8_t)(x >> 16);
	}
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n <= 2048; n += (n < 80 ? 1 : 97)) {
			uint32_t seed = (uint32_t)(n * 0x10001u);

			memset(dst, 0xaa, sizeof(dst));
			KT_EXPECT_EQ(
			    csum_fold(
				csum_partial_copy(dst + 3, src + off, n, seed)),
			    csum_fold(csum_partial(src + off, n, seed)));
			KT_EXPECT(!memcmp(dst + 3, src + off, n));
			KT_EXPECT(dst[2] == 0xaa && dst[3 + n] == 0xaa);
			if (ktest_failed())
				return;
		}
	}
}
