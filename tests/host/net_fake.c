/*
 * The fake netdev and frame builders of net_fake.h.  Project code (built
 * like the kernel, lib's names), since it calls the stack's own helpers.
 */
#include "kernel/printk.h"
#include "lib/checksum.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/net_fake.h"

const uint8_t NET_FAKE_OUR_MAC[ETH_ALEN] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x02};
const uint8_t NET_FAKE_PEER_MAC[ETH_ALEN] = {0x00, 0x16, 0x3e,
					     0xaa, 0xbb, 0xcc};

struct net_fake net_fake;

static int fake_xmit(struct netdev *dev, const void *frame, size_t len)
{
	struct net_fake *f = container_of(dev, struct net_fake, dev);

	if (f->fail_rc)
		return f->fail_rc;
	if (f->busy) {
		f->busy--;
		return -EAGAIN;
	}
	if (len > ETH_FRAME_MAX)
		return -EINVAL;
	if (f->nframes < NET_FAKE_FRAMES) {
		memcpy(f->frame[f->nframes], frame, len);
		f->len[f->nframes] = len;
	}
	f->nframes++;
	return 0;
}

static void fake_poll(struct netdev *dev)
{
	container_of(dev, struct net_fake, dev)->polls++;
}

static const struct netdev_ops fake_ops = {
    .xmit = fake_xmit,
    .poll = fake_poll,
};

static uint64_t fake_now(void)
{
	return net_fake.now_ns;
}

void net_fake_clear(void)
{
	net_fake.nframes = 0;
}

int net_fake_setup(void)
{
	memset(&net_fake, 0, sizeof(net_fake));
	net_fake.dev.name = "fake0";
	memcpy(net_fake.dev.mac, NET_FAKE_OUR_MAC, ETH_ALEN);
	net_fake.dev.ops = &fake_ops;
	net_fake.dev.up = true;
	net_set_clock(fake_now);
	/* Far from 0, so "long ago" stamps are representable. */
	net_fake.now_ns = 1000ULL * 1000 * 1000 * 1000;
	netdev_register(&net_fake.dev);
	ASSERT(net_dev() == &net_fake.dev);
	ASSERT(!net_set_ipv4(NET_FAKE_OUR_IP, 24));
	net_reset();
	net_poll(); /* the gratuitous ARP */
	net_fake_clear();
	net_reset();
	return 0;
}

void net_fake_teardown(void)
{
	netdev_unregister(&net_fake.dev);
	net_reset();
	net_set_clock(NULL);
}

void net_fake_input(const void *frame, size_t len)
{
	netdev_rx(&net_fake.dev, frame, len);
	net_poll();
}

struct net_stats net_fake_stats(void)
{
	struct net_stats st;

	net_get_stats(&st);
	return st;
}

static void eth(uint8_t *buf, const uint8_t *dst, uint16_t type)
{
	struct eth_hdr *h = (struct eth_hdr *)buf;

	memcpy(h->dst, dst, ETH_ALEN);
	memcpy(h->src, NET_FAKE_PEER_MAC, ETH_ALEN);
	h->type = net_be16(type);
}

size_t net_fake_arp(uint8_t *buf, uint16_t op, const uint8_t *sha, uint32_t spa,
		    uint32_t tpa)
{
	static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff,
						0xff, 0xff, 0xff};
	struct arp_pkt *a = (struct arp_pkt *)(buf + ETH_HLEN);

	eth(buf, op == 1 ? bcast : NET_FAKE_OUR_MAC, ETH_P_ARP);
	a->htype = net_be16(1);
	a->ptype = net_be16(ETH_P_IPV4);
	a->hlen = 6;
	a->plen = 4;
	a->oper = net_be16(op);
	memcpy(a->sha, sha, ETH_ALEN);
	a->spa = net_be32(spa);
	memcpy(a->tha, op == 1 ? (const uint8_t[6]){0} : NET_FAKE_OUR_MAC,
	       ETH_ALEN);
	a->tpa = net_be32(tpa);
	return ETH_HLEN + sizeof(*a);
}

void net_fake_ip_csum(uint8_t *frame)
{
	struct ipv4_hdr *h = net_fake_iph(frame);
	size_t hlen = (size_t)(h->ver_ihl & 0xf) * 4;

	h->csum = 0;
	h->csum = net_be16(csum_compute(h, hlen));
}

size_t net_fake_ipv4(uint8_t *buf, uint32_t saddr, uint32_t daddr,
		     uint8_t proto, const void *payload, size_t len)
{
	struct ipv4_hdr *h = net_fake_iph(buf);

	ASSERT(len <= ETH_MTU - IPV4_HLEN);
	eth(buf, NET_FAKE_OUR_MAC, ETH_P_IPV4);
	*h = (struct ipv4_hdr){
	    .ver_ihl = 0x45,
	    .tot_len = net_be16((uint16_t)(IPV4_HLEN + len)),
	    .id = net_be16(0x1234),
	    .ttl = 64,
	    .proto = proto,
	    .saddr = net_be32(saddr),
	    .daddr = net_be32(daddr),
	};
	memmove(buf + NET_IP_PAYLOAD_OFF, payload, len);
	net_fake_ip_csum(buf);
	return NET_IP_PAYLOAD_OFF + len;
}

size_t net_fake_icmp_echo(uint8_t *buf, uint32_t daddr, uint16_t id,
			  uint16_t seq, const void *data, size_t len)
{
	uint8_t msg[ETH_MTU];
	struct icmp_hdr *h = (struct icmp_hdr *)msg;

	ASSERT(len <= NET_ICMP_MAX_DATA);
	*h = (struct icmp_hdr){
	    .type = 8, .id = net_be16(id), .seq = net_be16(seq)};
	memcpy(msg + ICMP_HLEN, data, len);
	h->csum = net_be16(csum_compute(msg, ICMP_HLEN + len));
	return net_fake_ipv4(buf, NET_FAKE_PEER_IP, daddr, IP_PROTO_ICMP, msg,
			     ICMP_HLEN + len);
}

size_t net_fake_udp(uint8_t *buf, uint32_t saddr, uint32_t daddr,
		    uint16_t sport, uint16_t dport, const void *data,
		    size_t len)
{
	uint8_t dgram[ETH_MTU];
	struct udp_hdr *u = (struct udp_hdr *)dgram;
	uint16_t ulen = (uint16_t)(UDP_HLEN + len);

	ASSERT(len <= NET_UDP_MAX_PAYLOAD);
	*u = (struct udp_hdr){.sport = net_be16(sport),
			      .dport = net_be16(dport),
			      .len = net_be16(ulen)};
	memcpy(dgram + UDP_HLEN, data, len);
	u->csum = net_be16(csum_udp_ipv4(saddr, daddr, dgram, ulen));
	return net_fake_ipv4(buf, saddr, daddr, IP_PROTO_UDP, dgram, ulen);
}
