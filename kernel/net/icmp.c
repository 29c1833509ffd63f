/*
 * ICMP (RFC 792): answer echo requests, count the rest.  The reply is the
 * request with its type changed and its checksum recomputed: the same
 * identifier, sequence number and data, byte for byte.  Requests sent to a
 * broadcast address are not answered (no smurf amplifier here).
 */
#include "kernel/net/net_priv.h"
#include "lib/checksum.h"
#include "lib/errno.h"
#include "lib/string.h"

#define ICMP_ECHO_REPLY	  0
#define ICMP_ECHO_REQUEST 8

static int send_icmp(uint32_t dst, uint8_t *frame, size_t len)
{
	struct icmp_hdr *h = (struct icmp_hdr *)(frame + NET_IP_PAYLOAD_OFF);

	h->csum = 0;
	h->csum = net_be16(csum_fold(csum_partial(h, len, 0)));
	return net_ip_output(dst, IP_PROTO_ICMP, frame, len);
}

void net_icmp_input(const struct ipv4_hdr *ip, const uint8_t *msg, size_t len,
		    bool bcast)
{
	struct net_stats *st = &net_state.st;
	uint8_t *frame = net_tx_frame();
	struct icmp_hdr *reply;

	st->icmp_rx++;
	/* len is the IP payload length, already bounded by the frame. */
	if (len < ICMP_HLEN) {
		st->icmp_truncated++;
		return;
	}
	if (csum_fold(csum_partial(msg, len, 0)) != 0) {
		st->icmp_bad_csum++;
		return;
	}
	if (msg[0] == ICMP_ECHO_REPLY) {
		st->icmp_echo_replies_rx++;
		return;
	}
	if (msg[0] != ICMP_ECHO_REQUEST || msg[1] != 0) {
		st->icmp_other++;
		return;
	}
	if (bcast) {
		st->icmp_echo_bcast_ignored++;
		return;
	}
	if (len > ETH_MTU - IPV4_HLEN) /* cannot be: the frame bounds it */
		return;
	/* The fused loop as a fast misaligned copy; send_icmp() sums the
	 * reply again once its type has changed. */
	(void)csum_partial_copy(frame + NET_IP_PAYLOAD_OFF, msg, len, 0);
	reply = (struct icmp_hdr *)(frame + NET_IP_PAYLOAD_OFF);
	reply->type = ICMP_ECHO_REPLY;
	reply->code = 0;
	if (!send_icmp(net_be32(ip->saddr), frame, len))
		st->icmp_echo_answered++;
}

int net_icmp_echo_send(uint32_t dst_ip, uint16_t id, uint16_t seq,
		       const void *data, size_t len)
{
	uint8_t *frame = net_tx_frame();
	struct icmp_hdr *h = (struct icmp_hdr *)(frame + NET_IP_PAYLOAD_OFF);

	if (len > NET_ICMP_MAX_DATA)
		return -EMSGSIZE;
	h->type = ICMP_ECHO_REQUEST;
	h->code = 0;
	h->id = net_be16(id);
	h->seq = net_be16(seq);
	memcpy(frame + NET_IP_PAYLOAD_OFF + ICMP_HLEN, data, len);
	return send_icmp(dst_ip, frame, ICMP_HLEN + len);
}
