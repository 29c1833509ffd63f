/*
 * A fake network device for the host tests of kernel/net: it captures
 * every frame the stack transmits, can be told to refuse them (-EAGAIN a
 * number of times, or always an error), and comes with builders for the
 * frames a peer would send.  The peer is 192.0.2.1 at NET_FAKE_PEER_MAC;
 * we are 192.0.2.2/24 at NET_FAKE_OUR_MAC.
 */
#ifndef TESTS_HOST_NET_FAKE_H
#define TESTS_HOST_NET_FAKE_H

#include "kernel/net/net_priv.h"

#define NET_FAKE_FRAMES	 32
#define NET_FAKE_OUR_IP	 NET_IP(192, 0, 2, 2)
#define NET_FAKE_PEER_IP NET_IP(192, 0, 2, 1)

extern const uint8_t NET_FAKE_OUR_MAC[ETH_ALEN];
extern const uint8_t NET_FAKE_PEER_MAC[ETH_ALEN];

struct net_fake {
	struct netdev dev;
	unsigned int nframes; /* captured (at most NET_FAKE_FRAMES kept) */
	size_t len[NET_FAKE_FRAMES];
	uint8_t frame[NET_FAKE_FRAMES][ETH_FRAME_MAX];
	unsigned int busy;  /* the next `busy` xmits return -EAGAIN */
	int fail_rc;	    /* when non-zero, every xmit returns it */
	unsigned int polls; /* ops->poll calls */
	uint64_t now_ns;    /* the stack's clock */
};

extern struct net_fake net_fake;

/*
 * Reset the stack, register the fake (up), set our address, poll the
 * gratuitous ARP out and forget it.  Pair with net_fake_teardown().  A
 * suite's fixture (KTEST_SUITE .init/.exit): 0, it asserts what it needs.
 */
int net_fake_setup(void);
void net_fake_teardown(void);
/* Forget the captured frames. */
void net_fake_clear(void);
/* netdev_rx() then net_poll(), as the driver and a test would. */
void net_fake_input(const void *frame, size_t len);
/* Counter snapshot. */
struct net_stats net_fake_stats(void);

/*
 * Frame builders: each writes a whole frame at buf (ETH_FRAME_MAX bytes)
 * from the peer to us, with correct checksums, and returns its length.
 */
size_t net_fake_arp(uint8_t *buf, uint16_t op, const uint8_t *sha, uint32_t spa,
		    uint32_t tpa);
size_t net_fake_ipv4(uint8_t *buf, uint32_t saddr, uint32_t daddr,
		     uint8_t proto, const void *payload, size_t len);
size_t net_fake_icmp_echo(uint8_t *buf, uint32_t daddr, uint16_t id,
			  uint16_t seq, const void *data, size_t len);
size_t net_fake_udp(uint8_t *buf, uint32_t saddr, uint32_t daddr,
		    uint16_t sport, uint16_t dport, const void *data,
		    size_t len);
/* Recompute the IPv4 header checksum after a test changed the header. */
void net_fake_ip_csum(uint8_t *frame);

/* The length a frame of `len` bytes has on the wire (runts padded). */
static inline size_t net_fake_wire_len(size_t len)
{
	return len < ETH_ZLEN ? ETH_ZLEN : len;
}

/* Are bytes [len, wire) of a captured frame all zero? */
static inline bool net_fake_pad_zero(const uint8_t *f, size_t len, size_t wire)
{
	for (size_t i = len; i < wire; i++)
		if (f[i])
			return false;
	return true;
}

/* Header views of a frame (packed structs: any alignment). */
static inline struct ipv4_hdr *net_fake_iph(uint8_t *frame)
{
	return (struct ipv4_hdr *)(frame + ETH_HLEN);
}

#endif
