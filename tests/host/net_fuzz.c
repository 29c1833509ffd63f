/*
 * Suite `net_fuzz` (host): random corruptions of valid frames, each in a
 * malloc'd buffer of exactly its length so that AddressSanitizer stops a
 * read even one byte past what arrived.  The frames go straight to
 * net_eth_input() (the receive queue's slots are larger than frames and
 * would hide such a read).  Deterministic: a fixed seed.
 *
 * Hosted code (glue): it mallocs.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/ktest.h"
#include "tests/host/net_fake.h"

#define ROUNDS 20000

static struct ktest_rng rng = {0x9e3779b97f4a7c15ULL};

static uint32_t rnd(void)
{
	return (uint32_t)ktest_rand(&rng);
}

/* One valid frame of a random kind into buf; its length. */
static size_t seed_frame(uint8_t *buf)
{
	uint8_t data[256];
	size_t n = rnd() % sizeof(data);

	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)rnd();
	switch (rnd() % 4) {
	case 0:
		return net_fake_arp(buf, 1 + rnd() % 2, NET_FAKE_PEER_MAC,
				    NET_FAKE_PEER_IP, NET_FAKE_OUR_IP);
	case 1:
		return net_fake_icmp_echo(buf, NET_FAKE_OUR_IP, 1, 2, data, n);
	case 2:
		return net_fake_udp(buf, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP,
				    40000, NET_ECHO_PORT, data, n);
	default:
		return net_fake_ipv4(buf, NET_FAKE_PEER_IP, NET_FAKE_OUR_IP,
				     (uint8_t)rnd(), data, n);
	}
}

static void mutate(uint8_t *buf, size_t *len)
{
	unsigned int flips = rnd() % 4;

	/* Header bytes matter most: aim most flips at the first 64. */
	for (unsigned int i = 0; i < flips; i++) {
		size_t at = rnd() % (rnd() % 2 ? MIN(*len, 64) : *len);

		buf[at] = (uint8_t)rnd();
	}
	if (rnd() % 3 == 0)
		*len = rnd() % (*len + 1);
	if (rnd() % 4 == 0)
		net_fake_ip_csum(buf); /* get past the checksum sometimes */
}

KTEST(net_fuzz, random_frames)
{
	static uint8_t buf[ETH_FRAME_MAX];
	struct net_stats st;

	net_fake_setup();
	for (unsigned int r = 0; r < ROUNDS; r++) {
		size_t len = seed_frame(buf);
		uint8_t *exact;

		mutate(buf, &len);
		exact = malloc(len ? len : 1);
		KT_ASSERT(exact);
		memcpy(exact, buf, len);
		net_eth_input(exact, len);
		net_state.rx_ctx.valid = false;
		free(exact);
		net_fake_clear();
	}
	net_get_stats(&st);
	ktest_diag("%u frames: %lu ip, %lu arp, %lu echo replies, %lu udp "
		   "echoes, %lu bad ip csum",
		   ROUNDS, (unsigned long)st.ip_rx, (unsigned long)st.arp_rx,
		   (unsigned long)st.icmp_echo_answered,
		   (unsigned long)st.udp_echoed, (unsigned long)st.ip_bad_csum);
	/* The fuzzer must reach the deep paths, or it proves little. */
	KT_EXPECT(st.icmp_echo_answered > 100);
	KT_EXPECT(st.udp_echoed > 100);
	KT_EXPECT(st.arp_replies_sent > 100);
	net_fake_teardown();
}
