/*
 * UDP (RFC 768): per-port receive callbacks, sending, and the echo
 * service (RFC 862) on NET_ECHO_PORT, which returns each datagram's
 * payload to its sender unchanged.
 *
 * The UDP length is another domain's claim: it must cover the header and
 * fit in the IP payload (bytes after it, if any, are ignored, as the RFC
 * allows).  A non-zero checksum must verify, unless the driver says its
 * peer checked it or left it blank (NETDEV_RX_CSUM_OK, netdev.h).
 */
#include "kernel/net/net_priv.h"
#include "lib/checksum.h"
#include "lib/errno.h"
#include "lib/string.h"

#define UDP_BINDINGS 8

struct udp_binding {
	uint16_t port;
	bool used;
	net_udp_rx_t cb;
	void *arg;
};

static void echo_rx(uint32_t src_ip, uint16_t src_port, uint16_t dst_port,
		    const void *data, size_t len, void *arg);

/* Slot 0 is the echo service, bound from boot on. */
static struct udp_binding bindings[UDP_BINDINGS] = {
    {.port = NET_ECHO_PORT, .used = true, .cb = echo_rx},
};

static struct udp_binding *find(uint16_t port)
{
	for (unsigned int i = 0; i < UDP_BINDINGS; i++)
		if (bindings[i].used && bindings[i].port == port)
			return &bindings[i];
	return NULL;
}

static void echo_rx(uint32_t src_ip, uint16_t src_port, uint16_t dst_port,
		    const void *data, size_t len, void *arg)
{
	/* Port 0 cannot be answered; a broadcast would make us an
	 * amplifier. */
	if (!src_port || net_state.rx_ctx.bcast)
		return;
	if (!net_udp_send(src_ip, dst_port, src_port, data, len))
		net_state.st.udp_echoed++;
}

void net_udp_input(const struct ipv4_hdr *ip, const uint8_t *dgram, size_t len)
{
	struct net_stats *st = &net_state.st;
	const struct udp_binding *b;
	struct udp_hdr u;
	size_t ulen;

	st->udp_rx++;
	if (len < UDP_HLEN) {
		st->udp_truncated++;
		return;
	}
	memcpy(&u, dgram, sizeof(u));
	ulen = net_be16(u.len);
	/* Untrusted length: covers the header, within the IP payload. */
	if (ulen < UDP_HLEN || ulen > len) {
		st->udp_bad_len++;
		return;
	}
	/*
	 * 0 means the sender computed none (RFC 768).  csum_ok: the driver's
	 * peer vouched for the datagram or left the sum blank (netdev.h); a
	 * peer that could lie here could as well have written any bytes
	 * with a right checksum, so skipping costs no protection.
	 */
	if (u.csum && !net_state.rx_ctx.csum_ok &&
	    csum_fold(csum_partial(
		dgram, ulen,
		csum_ipv4_pseudo(net_be32(ip->saddr), net_be32(ip->daddr),
				 IP_PROTO_UDP, (uint16_t)ulen, 0))) != 0) {
		st->udp_bad_csum++;
		return;
	}
	b = find(net_be16(u.dport));
	if (!b) {
		st->udp_no_port++;
		return;
	}
	st->udp_delivered++;
	b->cb(net_be32(ip->saddr), net_be16(u.sport), net_be16(u.dport),
	      dgram + UDP_HLEN, ulen - UDP_HLEN, b->arg);
}

int net_udp_bind(uint16_t port, net_udp_rx_t cb, void *arg)
{
	if (!port || !cb)
		return -EINVAL;
	if (find(port))
		return -EADDRINUSE;
	for (unsigned int i = 0; i < UDP_BINDINGS; i++) {
		if (!bindings[i].used) {
			bindings[i] = (struct udp_binding){
			    .port = port, .used = true, .cb = cb, .arg = arg};
			return 0;
		}
	}
	return -ENOSPC;
}

void net_udp_unbind(uint16_t port)
{
	struct udp_binding *b = find(port);

	if (b)
		b->used = false;
}

void net_udp_reset(void)
{
	for (unsigned int i = 0; i < UDP_BINDINGS; i++)
		if (bindings[i].cb != echo_rx)
			bindings[i].used = false;
	if (!find(NET_ECHO_PORT))
		bindings[0] = (struct udp_binding){
		    .port = NET_ECHO_PORT, .used = true, .cb = echo_rx};
}

int net_udp_send(uint32_t dst_ip, uint16_t src_port, uint16_t dst_port,
		 const void *data, size_t len)
{
	uint8_t *frame = net_tx_frame();
	struct udp_hdr *u = (struct udp_hdr *)(frame + NET_IP_PAYLOAD_OFF);
	uint16_t ulen = (uint16_t)(UDP_HLEN + len);
	uint32_t sum;
	uint16_t csum;

	if (len > NET_UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	/* One pass copies the payload and sums it. */
	sum = csum_ipv4_pseudo(net_state.ip, dst_ip, IP_PROTO_UDP, ulen, 0);
	sum = csum_partial_copy(frame + NET_IP_PAYLOAD_OFF + UDP_HLEN, data,
				len, sum);
	u->sport = net_be16(src_port);
	u->dport = net_be16(dst_port);
	u->len = net_be16(ulen);
	u->csum = 0;
	csum = csum_fold(csum_partial(u, UDP_HLEN, sum));
	/* A computed 0 goes out as 0xffff: 0 would mean "none". */
	u->csum = net_be16(csum ? csum : 0xffff);
	return net_ip_output(dst_ip, IP_PROTO_UDP, frame, ulen);
}
