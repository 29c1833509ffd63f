// SPDX-License-Identifier: MIT
/*
 * The traffic peer's half of `make bench` (kernel/net/README.md,
 * "Benchmark"): bench-rx blasts UDP datagrams at the guest, bench-tx
 * counts what the guest sends.  Our kernel and the Linux client domU are
 * driven by these same functions, so whatever dom0 costs, it costs both.
 *
 * bench-rx reports dom0's CPU time over the blast besides what it sent:
 * dom0 has one vCPU that runs this sender, its UDP/IP stack, the bridge
 * and netback's copies, so a dom0 busy near 1000 per mille says the rate
 * is dom0's, not the receiving guest's.
 */
#include "traffic.h"
#include "peer_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Datagrams per sendmmsg(): the old send() loop's inner count. */
#define RX_BATCH 64

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* dom0's CPU counters now; all zero if /proc/stat cannot be read. */
static void cpu_now(struct traffic_cpu *c)
{
	char text[512];
	FILE *f = fopen("/proc/stat", "r");
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	if (f) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	(void)traffic_cpu_parse(text, c);
}

/* part / whole in per mille, 0 when nothing was counted. */
static unsigned int permille(uint64_t part, uint64_t whole)
{
	return whole ? (unsigned int)(part * 1000 / whole) : 0;
}

int traffic_bench_rx(unsigned int domid, uint32_t ip, uint16_t port,
		     uint32_t size, uint32_t ms, char *res, size_t len)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = ip};
	struct mmsghdr msgs[RX_BATCH];
	struct traffic_cpu c0, c1;
	uint64_t sent = 0, start, irq0, deadline, total;
	uint8_t out[1472];
	struct iovec iov = {out, size};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (size < 1 || size > sizeof(out) || ms > 60000) {
		if (fd >= 0)
			close(fd);
		return snprintf(res, len, "fail bad arguments"), 0;
	}
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		snprintf(res, len, "fail socket %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	traffic_pattern(out, size, size);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < RX_BATCH; i++)
		msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov,
						  .msg_iovlen = 1};
	irq0 = traffic_irqs_now(domid);
	cpu_now(&c0);
	start = peer_now_ms();
	deadline = start + ms;
	while (peer_now_ms() < deadline) {
		/*
		 * One system call per 64 datagrams: a PV dom0's system call
		 * goes through Xen, and under software emulation send()'s
		 * own cost capped both guests' figures at the same rate.
		 * The queue to netback may be full: count only what left.
		 */
		int n = sendmmsg(fd, msgs, RX_BATCH, 0);

		if (n > 0)
			sent += (uint64_t)n;
	}
	cpu_now(&c1);
	total = c1.total - c0.total;
	snprintf(res, len,
		 "sent=%llu ms=%llu dom0_irqs=%llu dom0_busy=%u dom0_steal=%u",
		 (unsigned long long)sent,
		 (unsigned long long)(peer_now_ms() - start),
		 (unsigned long long)(traffic_irqs_now(domid) - irq0),
		 permille(total - (c1.idle - c0.idle), total),
		 permille(c1.steal - c0.steal, total));
	close(fd);
	return 0;
}

int traffic_bench_tx_open(uint16_t port, struct traffic_sink *s)
{
	struct sockaddr_in me = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_ANY)};
	int size = 8 << 20;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		return -errno;
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (bind(s->fd, (struct sockaddr *)&me, sizeof(me))) {
		int rc = -errno;

		close(s->fd);
		s->fd = -1;
		return rc;
	}
	return 0;
}

void traffic_bench_tx_drain(struct traffic_sink *s)
{
	static uint8_t buf[64][2048];
	struct mmsghdr msgs[64];
	struct iovec iov[64];

	for (;;) {
		int n;

		for (int i = 0; i < 64; i++) {
			iov[i] = (struct iovec){buf[i], sizeof(buf[i])};
			msgs[i] = (struct mmsghdr){
			    .msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
		}
		n = recvmmsg(s->fd, msgs, 64, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		if (!s->received)
			s->first_us = now_us();
		s->last_us = now_us();
		s->received += (uint64_t)n;
	}
}
