/*
 * IPv4 (RFC 791) for a host on one subnet, without fragmentation and
 * without a router: only neighbours on our subnet can reach us or be
 * reached.
 *
 * Input is another domain's: the header is copied once and every length
 * checked against what arrived before anything past it is read: version,
 * IHL (>= 5 words, within the frame), total length (>= header, within the
 * frame: Ethernet padding after it is ignored), header checksum.
 * Fragments (MF set or an offset) are dropped: we never reassemble, and a
 * first fragment would show a transport header for a datagram we never
 * see whole.  TTL 0 is dropped.  Each reason has its counter.
 */
#include "kernel/net/net_priv.h"
#include "lib/checksum.h"
#include "lib/errno.h"
#include "lib/string.h"

#define IP_DF	     0x4000
#define IP_MF_OFFSET 0x3fff /* more-fragments flag and offset */
#define IP_BCAST     0xffffffffU

/* Addresses we may reply to: a neighbour, not ourselves. */
static bool good_source(uint32_t saddr)
{
	return saddr != net_state.ip && net_ip_is_neighbour(saddr);
}

/* 0: not for us; 1: ours; 2: a broadcast we accept. */
static int our_destination(uint32_t daddr)
{
	if (daddr == net_state.ip)
		return 1;
	if (daddr == IP_BCAST || daddr == (net_state.ip | ~net_state.mask))
		return 2;
	return 0;
}

/* Structure of the header; returns the header length or 0 (counted). */
static size_t check_header(const struct ipv4_hdr *h, const uint8_t *pkt,
			   size_t len, size_t *tot)
{
	struct net_stats *st = &net_state.st;
	size_t hlen = (size_t)(h->ver_ihl & 0xf) * 4;

	if (h->ver_ihl >> 4 != 4) {
		st->ip_bad_version++;
		return 0;
	}
	/* IHL counts 32-bit words: under 5 is no header, past len is a lie. */
	if (hlen < IPV4_HLEN || hlen > len) {
		st->ip_bad_ihl++;
		return 0;
	}
	*tot = net_be16(h->tot_len);
	if (*tot < hlen || *tot > len) {
		st->ip_bad_len++;
		return 0;
	}
	if (csum_compute(pkt, hlen) != 0) {
		st->ip_bad_csum++;
		return 0;
	}
	if (net_be16(h->frag_off) & IP_MF_OFFSET) {
		st->ip_fragments++;
		return 0;
	}
	if (!h->ttl) {
		st->ip_ttl_zero++;
		return 0;
	}
	return hlen;
}

void net_ip_input(const uint8_t *pkt, size_t len)
{
	struct net_stats *st = &net_state.st;
	struct ipv4_hdr h;
	size_t hlen, tot;
	uint32_t saddr;
	int dst;

	st->ip_rx++;
	if (len < IPV4_HLEN) {
		st->ip_truncated++;
		return;
	}
	memcpy(&h, pkt, sizeof(h));
	hlen = check_header(&h, pkt, len, &tot);
	if (!hlen)
		return;
	dst = net_state.ip ? our_destination(net_be32(h.daddr)) : 0;
	if (!dst) {
		st->ip_not_for_us++;
		return;
	}
	saddr = net_be32(h.saddr);
	if (!good_source(saddr)) {
		st->ip_bad_src++;
		return;
	}
	net_state.rx_ctx.src_ip = saddr;
	net_state.rx_ctx.valid = true;
	net_state.rx_ctx.bcast = dst == 2;
	switch (h.proto) {
	case IP_PROTO_ICMP:
		net_icmp_input(&h, pkt + hlen, tot - hlen, dst == 2);
		break;
	case IP_PROTO_UDP:
		net_udp_input(&h, pkt + hlen, tot - hlen);
		break;
	default:
		st->ip_unknown_proto++;
		break;
	}
}

int net_ip_output(uint32_t dst, uint8_t proto, uint8_t *frame, size_t len)
{
	struct ipv4_hdr *h = (struct ipv4_hdr *)(frame + ETH_HLEN);
	struct net_rx_ctx *rx = &net_state.rx_ctx;
	size_t total = NET_IP_PAYLOAD_OFF + len;

	if (!net_ready()) {
		net_state.st.tx_no_dev++;
		return -ENETDOWN;
	}
	if (len > ETH_MTU - IPV4_HLEN)
		return -EMSGSIZE;
	if (!net_ip_is_neighbour(dst) || dst == net_state.ip) {
		net_state.st.tx_no_route++;
		return -ENETUNREACH;
	}
	h->ver_ihl = 0x45;
	h->tos = 0;
	h->tot_len = net_be16((uint16_t)(IPV4_HLEN + len));
	h->id = net_be16(net_state.ip_id++);
	h->frag_off = net_be16(IP_DF);
	h->ttl = NET_TTL;
	h->proto = proto;
	h->csum = 0;
	h->saddr = net_be32(net_state.ip);
	h->daddr = net_be32(dst);
	h->csum = net_be16(csum_compute(h, IPV4_HLEN));
	/*
	 * MSA01 (and Etherleak): padding a runt must not send what an
	 * earlier frame left in this buffer; every byte is written.
	 */
	if (total < ETH_ZLEN) {
		if (!BUGGY(MSA01_PAD))
			memset(frame + total, 0, ETH_ZLEN - total);
		total = ETH_ZLEN;
	}
	/* A reply goes back where its request came from, without ARP. */
	if (rx->valid && rx->src_ip == dst) {
		net_eth_header(frame, rx->src_mac, ETH_P_IPV4);
		return net_xmit(frame, total);
	}
	return net_arp_output(dst, frame, total);
}
