/*
 * Ethernet: keep frames for our MAC or broadcast, dispatch ARP and IPv4.
 * Frames arrive without FCS; netdev_rx() already refused frames shorter
 * than the header or longer than ETH_FRAME_MAX, but this layer checks
 * again since it is the one that reads the header.
 */
#include "kernel/net/net_priv.h"
#include "lib/string.h"

void net_eth_header(uint8_t *frame, const uint8_t *dst, uint16_t type)
{
	struct eth_hdr *h = (struct eth_hdr *)frame;

	memcpy(h->dst, dst, ETH_ALEN);
	memcpy(h->src, net_state.dev->mac, ETH_ALEN);
	h->type = net_be16(type);
}

void net_eth_input(const uint8_t *frame, size_t len)
{
	struct net_stats *st = &net_state.st;
	const struct eth_hdr *h = (const struct eth_hdr *)frame;
	const uint8_t *mac;

	if (!net_state.dev)
		return;
	mac = net_state.dev->mac;
	/* Untrusted length: the header must be there before we read it. */
	if (len < ETH_HLEN) {
		st->rx_runt++;
		return;
	}
	if (memcmp(h->dst, mac, ETH_ALEN) && !net_is_bcast_mac(h->dst)) {
		st->rx_not_for_us++;
		return;
	}
	/* A reply must never go to a group address, nor loop back to us. */
	if ((h->src[0] & 1) || !memcmp(h->src, mac, ETH_ALEN)) {
		st->rx_bad_src_mac++;
		return;
	}
	memcpy(net_state.rx_ctx.src_mac, h->src, ETH_ALEN);
	switch (net_be16(h->type)) {
	case ETH_P_ARP:
		net_arp_input(frame + ETH_HLEN, len - ETH_HLEN);
		break;
	case ETH_P_IPV4:
		net_ip_input(frame + ETH_HLEN, len - ETH_HLEN);
		break;
	default:
		st->rx_unknown_type++;
		break;
	}
}
