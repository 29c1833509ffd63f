/*
 * Internal to the network stack (the files of kernel/net/) and the tests its
 * fragment net.mk builds; make check-layering refuses it anywhere else.
 * The public API is net.h, the driver seam netdev.h.
 *
 * Shared between the stack's files; nothing outside kernel/net/ and its
 * tests may use what follows.
 */
#ifndef KERNEL_NET_PRIV_H
#define KERNEL_NET_PRIV_H

#include "kernel/net/net.h"

/* Shortest Ethernet frame (no FCS): shorter ones are padded with zeros. */
#define ETH_ZLEN 60

/*
 * BUGGY(MSA01_PAD), MSA01's stack half switched off: runts are padded by
 * length only, assuming the buffer past the frame is zero, so whatever an
 * earlier use left there goes on the wire (msa01.no_canary_on_wire and
 * the host's net_eth.runt_padding_is_zero must fail).
 */

#define ETH_P_IPV4    0x0800
#define ETH_P_ARP     0x0806
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP  17
#define IPV4_HLEN     20
#define UDP_HLEN      8
#define ICMP_HLEN     8
#define NET_TTL	      64

struct eth_hdr {
	uint8_t dst[ETH_ALEN];
	uint8_t src[ETH_ALEN];
	uint16_t type;
} __packed;

struct arp_pkt {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t oper;
	uint8_t sha[ETH_ALEN];
	uint32_t spa;
	uint8_t tha[ETH_ALEN];
	uint32_t tpa;
} __packed;

struct ipv4_hdr {
	uint8_t ver_ihl, tos;
	uint16_t tot_len, id, frag_off;
	uint8_t ttl, proto;
	uint16_t csum;
	uint32_t saddr, daddr;
} __packed;

struct icmp_hdr {
	uint8_t type, code;
	uint16_t csum;
	uint16_t id, seq;
} __packed;

struct udp_hdr {
	uint16_t sport, dport, len, csum;
} __packed;

BUILD_BUG_ON(sizeof(struct eth_hdr) != ETH_HLEN);
BUILD_BUG_ON(sizeof(struct arp_pkt) != 28);
BUILD_BUG_ON(sizeof(struct ipv4_hdr) != IPV4_HLEN);
BUILD_BUG_ON(sizeof(struct icmp_hdr) != ICMP_HLEN);
BUILD_BUG_ON(sizeof(struct udp_hdr) != UDP_HLEN);

static inline uint16_t net_be16(uint16_t v)
{
	return __builtin_bswap16(v);
}

static inline uint32_t net_be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

/* Where the payload of an IPv4 packet we build starts in the frame. */
#define NET_IP_PAYLOAD_OFF (ETH_HLEN + IPV4_HLEN)

/* What the frame being processed came from: replies go back there. */
struct net_rx_ctx {
	uint32_t src_ip;
	uint8_t src_mac[ETH_ALEN];
	bool valid;   /* src_ip known: an IPv4 packet passed the checks */
	bool bcast;   /* sent to a broadcast address */
	bool csum_ok; /* NETDEV_RX_CSUM_OK: skip the TCP/UDP checksum */
};

struct net_state {
	struct netdev *dev;
	uint32_t ip, mask;
	uint16_t ip_id;		  /* next IPv4 identification */
	bool announce;		  /* gratuitous ARP due at the next poll */
	struct net_rx_ctx rx_ctx; /* valid while a frame is processed */
	uint64_t (*now_ns)(void);
	struct net_stats st;
};

extern struct net_state net_state;

static inline uint64_t net_now(void)
{
	return net_state.now_ns ? net_state.now_ns() : 0;
}

static inline bool net_is_bcast_mac(const uint8_t *m)
{
	return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;
}

/* On our subnet, and neither its network nor its broadcast address? */
static inline bool net_ip_is_neighbour(uint32_t ip)
{
	uint32_t m = net_state.mask;

	return (ip & m) == (net_state.ip & m) && (ip & ~m) != 0 &&
	       (ip & ~m) != ~m;
}

/* Hand one whole frame to the driver; counts.  0 or -errno. */
int net_xmit(const void *frame, size_t len);
/* Process one received frame (eth.c). */
void net_eth_input(const uint8_t *frame, size_t len);
/* Fill the Ethernet header at the start of frame. */
void net_eth_header(uint8_t *frame, const uint8_t *dst, uint16_t type);

void net_arp_input(const uint8_t *pkt, size_t len);
/*
 * Send `frame` (Ethernet header to be filled in) to neighbour `ip`: the
 * header is completed from the cache, or the frame waits for an ARP reply.
 */
int net_arp_output(uint32_t ip, uint8_t *frame, size_t len);
/* Make sure a request for neighbour `ip` is out: 0 or -errno. */
int net_arp_solicit(uint32_t ip);
void net_arp_announce(void);
void net_arp_tick(void);

void net_ip_input(const uint8_t *pkt, size_t len);
/*
 * Send an IPv4 packet whose payload (`len` bytes) is already at
 * frame + NET_IP_PAYLOAD_OFF; frame holds ETH_FRAME_MAX bytes.
 */
int net_ip_output(uint32_t dst, uint8_t proto, uint8_t *frame, size_t len);
/* The transmit scratch frame (thread context only, one user at a time). */
uint8_t *net_tx_frame(void);

void net_icmp_input(const struct ipv4_hdr *ip, const uint8_t *msg, size_t len,
		    bool bcast);
void net_udp_input(const struct ipv4_hdr *ip, const uint8_t *dgram, size_t len);
void net_udp_reset(void);

/* Receive queue (netdev.c; net_rxq_pending() is in netdev.h). */
/* Allocate the ring, once (at the first registration); 0 or -ENOMEM. */
int net_rxq_alloc(void);
/* Next queued frame, its length and NETDEV_RX_* flags; false when empty. */
bool net_rxq_peek(const uint8_t **frame, size_t *len, unsigned int *flags);
void net_rxq_pop(void);
void net_rxq_flush(void);

#endif
