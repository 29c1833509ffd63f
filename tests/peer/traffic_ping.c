// SPDX-License-Identifier: MIT
/*
 * The traffic peer's ping: ICMP echo requests to the guest over a raw
 * socket, one at a time (the next goes when the reply came or after a
 * second), each reply's data checked against what was sent.  A reply that
 * comes after its second still counts (a slow guest is not a lossy one)
 * and is reported as late; at the end the peer waits a few seconds more
 * for stragglers.  Lost means never answered.
 */
#include "peer_util.h"
#include "traffic.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PING_DATA 56
#define WAIT_MS	  1000
#define DRAIN_MS  3000
/* Give up on a guest after this many unanswered requests in a row. */
#define MAX_SILENT 10

struct ping_run {
	int fd;
	uint32_t ip, count;
	uint16_t id;
	uint8_t *answered; /* per sequence number */
	uint32_t recv, bad, late;
};

static uint16_t icmp_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t echo_request(uint8_t *m, uint16_t id, uint32_t seq)
{
	uint16_t c;

	memset(m, 0, 8);
	m[0] = ICMP_ECHO;
	m[4] = id >> 8, m[5] = id & 0xff;
	m[6] = (seq >> 8) & 0xff, m[7] = seq & 0xff;
	traffic_pattern(m + 8, PING_DATA, seq);
	c = icmp_csum(m, 8 + PING_DATA);
	m[2] = c >> 8, m[3] = c & 0xff;
	return 8 + PING_DATA;
}

/* Read one packet; account it if it is a reply of ours. */
static void take_reply(struct ping_run *p, uint32_t current)
{
	uint8_t buf[2048], want[8 + PING_DATA];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(p->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
	const uint8_t *m;
	uint32_t seq;
	size_t ihl;

	if (n < 20 || from.sin_addr.s_addr != p->ip)
		return;
	ihl = (size_t)(buf[0] & 0xf) * 4;
	if ((size_t)n < ihl + 8)
		return;
	m = buf + ihl;
	seq = (uint32_t)(m[6] << 8 | m[7]);
	if (m[0] != ICMP_ECHOREPLY || (m[4] << 8 | m[5]) != p->id ||
	    seq >= p->count || p->answered[seq])
		return;
	p->answered[seq] = 1;
	echo_request(want, p->id, seq);
	if ((size_t)n != ihl + sizeof(want) ||
	    memcmp(m + 8, want + 8, PING_DATA) || icmp_csum(m, sizeof(want))) {
		p->bad++;
		return;
	}
	p->recv++;
	p->late += seq != current;
}

/* Take replies until `seq` is answered or `ms` passed. */
static void wait_for(struct ping_run *p, uint32_t seq, int ms)
{
	uint64_t deadline = peer_now_ms() + (uint64_t)ms;

	while (!p->answered[seq] &&
	       traffic_wait_readable(p->fd, traffic_ms_left(deadline)) > 0)
		take_reply(p, seq);
}

static void run(struct ping_run *p, uint32_t *sent)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_addr.s_addr = p->ip};
	uint32_t silent = 0;
	uint8_t m[8 + PING_DATA];

	for (uint32_t seq = 0; seq < p->count && silent < MAX_SILENT; seq++) {
		size_t len = echo_request(m, p->id, seq);

		if (sendto(p->fd, m, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) != (ssize_t)len)
			break;
		(*sent)++;
		wait_for(p, seq, WAIT_MS);
		silent = p->answered[seq] ? 0 : silent + 1;
	}
	/* Stragglers: the last unanswered requests may still be answered. */
	for (uint32_t seq = 0; seq < *sent; seq++)
		if (!p->answered[seq])
			wait_for(p, seq, DRAIN_MS);
}

int traffic_ping(uint32_t ip, uint32_t count, char *res, size_t len)
{
	struct ping_run p = {
	    .ip = ip, .count = count, .id = (uint16_t)getpid()};
	uint32_t sent = 0;
	long long first_lost = -1;

	if (count > 65536)
		return snprintf(res, len, "fail count"), 0;
	p.answered = calloc(count ? count : 1, 1);
	p.fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (p.fd < 0 || !p.answered) {
		snprintf(res, len, "fail socket %s", strerror(errno));
		goto out;
	}
	run(&p, &sent);
	for (uint32_t seq = 0; seq < sent && first_lost < 0; seq++)
		if (!p.answered[seq])
			first_lost = seq;
	snprintf(res, len, "recv=%u sent=%u bad=%u late=%u first_lost=%lld",
		 p.recv, sent, p.bad, p.late, first_lost);
out:
	if (p.fd >= 0)
		close(p.fd);
	free(p.answered);
	return 0;
}
