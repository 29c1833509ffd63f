// SPDX-License-Identifier: MIT
/*
 * udp-bench: the UDP packet-rate tools of `make bench` (tests/xen/bench.mk)
 * for Linux, in dom0 and in the Linux client domU (tests/xen/linux/).
 *
 *   udp-bench blast HOST PORT SIZE MS   send SIZE-byte datagrams for MS ms
 *                                       as fast as the socket takes them
 *                                       -> "udp-bench: sent=N us=U"
 *   udp-bench sink PORT MS              count datagrams on PORT for at most
 *                                       MS ms, until 500 ms after the last
 *                                       -> "udp-bench: received=N span_us=U"
 *   udp-bench server PORT               the rate server (below), until killed
 *   udp-bench tx HOST PORT SIZE MS      client: blast at the server's sink
 *   udp-bench rx HOST PORT SIZE MS      client: the server blasts at us
 *
 * The rate server protocol (one text datagram each way, on PORT), which
 * the kernel's suite netbench_srv (tests/guest/bench_srv.c) speaks too, so
 * the Linux client measures dom0 and our driver domain alike:
 *   "tx SINK"            count what arrives on port SINK from now -> "ready"
 *   "tx-stop"            -> "received=N span_us=U"
 *   "rx DPORT SIZE MS"   blast at the asker's DPORT for MS ms
 *                        -> "sent=N us=U" when done
 * Exit status 0, 1 when nothing got through, 2 on bad usage or a socket
 * error.
 */
#include "peer_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD 1472
#define SINK_PORT   9001 /* the server's sink for "tx" */
#define RX_PORT	    9002 /* the client's sink for "rx" */
#define IDLE_MS	    500	 /* a sink stops this long after the last datagram */
#define CTL_WAIT_MS 1000
#define CTL_TRIES   3

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* A decimal argument in [min, max] (peer_util's bounded parser). */
static int parse_num(const char *s, long min, long max, long *out)
{
	uint32_t v;

	if (peer_parse_u32(s, strlen(s), (uint32_t)max, &v) || v < min)
		return -EINVAL;
	*out = v;
	return 0;
}

static int addr_of(const char *host, long port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -EINVAL;
}

/* A UDP socket bound to `port` (0: any) with a big receive buffer. */
static int bound(long port)
{
	struct sockaddr_in me = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	int size = 8 << 20, fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	/* FORCE needs CAP_NET_ADMIN (we are root in dom0 and the domU). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&me, sizeof(me))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Datagrams per sendmmsg()/recvmmsg(): Linux at its fastest, so that the
 * figure beside our kernel's (which sends and counts without system
 * calls) is not a system call's cost; in a PV dom0 each one goes
 * through Xen.
 */
#define BATCH 64

/* Send for `ms` ms to `to`; the number of datagrams that left. */
static uint64_t blast(int fd, const struct sockaddr_in *to, long size, long ms,
		      uint64_t *us)
{
	static uint8_t out[MAX_PAYLOAD];
	static struct mmsghdr msgs[BATCH];
	struct iovec iov = {out, (size_t)size};
	uint64_t sent = 0, t0 = now_us(), end = t0 + (uint64_t)ms * 1000;

	memset(out, 0x5a, (size_t)size);
	for (int i = 0; i < BATCH; i++)
		msgs[i].msg_hdr = (struct msghdr){
		    .msg_name = (void *)to,
		    .msg_namelen = sizeof(*to),
		    .msg_iov = &iov,
		    .msg_iovlen = 1};
	while (now_us() < end) {
		/* A full queue (ENOBUFS) is not a datagram sent. */
		int n = sendmmsg(fd, msgs, BATCH, 0);

		if (n > 0)
			sent += (uint64_t)n;
	}
	*us = now_us() - t0;
	return sent;
}

struct count {
	uint64_t n, first, last;
};

/* Count what `fd` holds now, without blocking. */
static void drain(int fd, struct count *c)
{
	static uint8_t buf[BATCH][2048];
	static struct mmsghdr msgs[BATCH];
	static struct iovec iov[BATCH];
	int n;

	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){buf[i], sizeof(buf[i])};
		msgs[i].msg_hdr =
		    (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	while ((n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL)) > 0) {
		uint64_t t = now_us();

		if (!c->n)
			c->first = t;
		c->n += (uint64_t)n;
		c->last = t;
	}
}

/* Wait for one datagram on fd for up to ms into buf (NUL-terminated). */
static int recv_text(int fd, char *buf, size_t len, int ms,
		     struct sockaddr_in *from)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	socklen_t fl = sizeof(*from);
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return -ETIMEDOUT;
	n = recvfrom(fd, buf, len - 1, 0, (struct sockaddr *)from, &fl);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int do_sink(long port, long ms)
{
	struct count c = {0};
	uint64_t end = now_us() + (uint64_t)ms * 1000;
	int fd = bound(port);

	if (fd < 0)
		return perror("udp-bench: sink"), 2;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		uint64_t t = now_us();

		if (t >= end || (c.n && t - c.last > IDLE_MS * 1000))
			break;
		if (poll(&p, 1, 50) > 0)
			drain(fd, &c);
	}
	printf("udp-bench: received=%llu span_us=%llu\n",
	       (unsigned long long)c.n, (unsigned long long)(c.last - c.first));
	return c.n ? 0 : 1;
}

/* The server's "tx" state: a sink socket counting since "tx". */
static int sink_fd = -1;
static struct count sink;

static void serve_one(int fd, const char *msg, const struct sockaddr_in *from)
{
	char reply[96];
	long a, b, c;
	char x[16], y[16], z[16];

	if (sscanf(msg, "tx %15s", x) == 1 && !parse_num(x, 1, 65535, &a)) {
		if (sink_fd >= 0)
			close(sink_fd);
		sink_fd = bound(a);
		memset(&sink, 0, sizeof(sink));
		snprintf(reply, sizeof(reply), sink_fd < 0 ? "fail" : "ready");
	} else if (!strcmp(msg, "tx-stop")) {
		if (sink_fd >= 0)
			drain(sink_fd, &sink);
		snprintf(reply, sizeof(reply), "received=%llu span_us=%llu",
			 (unsigned long long)sink.n,
			 (unsigned long long)(sink.last - sink.first));
	} else if (sscanf(msg, "rx %15s %15s %15s", x, y, z) == 3 &&
		   !parse_num(x, 1, 65535, &a) &&
		   !parse_num(y, 1, MAX_PAYLOAD, &b) &&
		   !parse_num(z, 1, 60000, &c)) {
		struct sockaddr_in to = *from;
		uint64_t us, n;

		to.sin_port = htons((uint16_t)a);
		n = blast(fd, &to, b, c, &us);
		snprintf(reply, sizeof(reply), "sent=%llu us=%llu",
			 (unsigned long long)n, (unsigned long long)us);
	} else {
		snprintf(reply, sizeof(reply), "fail bad request");
	}
	sendto(fd, reply, strlen(reply), 0, (const struct sockaddr *)from,
	       sizeof(*from));
}

static int do_server(long port)
{
	int fd = bound(port);

	if (fd < 0)
		return perror("udp-bench: server"), 2;
	printf("udp-bench: rate server on port %ld\n", port);
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = sink_fd, .events = POLLIN}};
		struct sockaddr_in from;
		char msg[64];

		if (poll(p, sink_fd >= 0 ? 2 : 1, 1000) < 0 && errno != EINTR)
			return perror("udp-bench: poll"), 2;
		if (sink_fd >= 0 && (p[1].revents & POLLIN))
			drain(sink_fd, &sink);
		if ((p[0].revents & POLLIN) &&
		    !recv_text(fd, msg, sizeof(msg), 0, &from))
			serve_one(fd, msg, &from);
	}
}

/* One request to the server, its reply in res; 0 or -errno. */
static int ask(int fd, const struct sockaddr_in *srv, const char *req,
	       char *res, size_t len)
{
	struct sockaddr_in from;

	for (int t = 0; t < CTL_TRIES; t++) {
		sendto(fd, req, strlen(req), 0, (const struct sockaddr *)srv,
		       sizeof(*srv));
		if (!recv_text(fd, res, len, CTL_WAIT_MS, &from))
			return 0;
	}
	return -ETIMEDOUT;
}

static int do_tx(const struct sockaddr_in *srv, long size, long ms)
{
	struct sockaddr_in to = *srv;
	char res[96], req[32];
	uint64_t us, n;
	int fd = bound(0);

	if (fd < 0)
		return perror("udp-bench: socket"), 2;
	snprintf(req, sizeof(req), "tx %d", SINK_PORT);
	if (ask(fd, srv, req, res, sizeof(res)) || strcmp(res, "ready"))
		return printf("udp-bench: server did not start counting\n"), 1;
	to.sin_port = htons(SINK_PORT);
	n = blast(fd, &to, size, ms, &us);
	usleep(200 * 1000); /* the last datagrams in flight */
	if (ask(fd, srv, "tx-stop", res, sizeof(res)))
		return printf("udp-bench: no count from the server\n"), 1;
	printf("udp-bench: dir=tx size=%ld sent=%llu us=%llu %s\n", size,
	       (unsigned long long)n, (unsigned long long)us, res);
	return 0;
}

static int do_rx(const struct sockaddr_in *srv, long size, long ms)
{
	struct sockaddr_in from;
	struct count c = {0};
	char res[96] = "", req[48];
	uint64_t t0 = now_us(), done = 0;
	int fd = bound(RX_PORT), ctl = bound(0);

	if (fd < 0 || ctl < 0)
		return perror("udp-bench: socket"), 2;
	snprintf(req, sizeof(req), "rx %d %ld %ld", RX_PORT, size, ms);
	sendto(ctl, req, strlen(req), 0, (const struct sockaddr *)srv,
	       sizeof(*srv));
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = ctl, .events = POLLIN}};
		uint64_t t = now_us();

		if (done && (!c.n || t - c.last > IDLE_MS * 1000))
			break;
		if (t - t0 > (uint64_t)(ms + 5000) * 1000)
			return printf("udp-bench: no result from the server\n"),
			       1;
		/* Nothing after a second: the request was lost, ask again. */
		if (!c.n && !done && t - t0 > 1000000 && t - t0 < 1100000)
			sendto(ctl, req, strlen(req), 0,
			       (const struct sockaddr *)srv, sizeof(*srv));
		poll(p, 2, 50);
		if (p[0].revents & POLLIN)
			drain(fd, &c);
		if ((p[1].revents & POLLIN) &&
		    !recv_text(ctl, res, sizeof(res), 0, &from))
			done = now_us();
	}
	printf("udp-bench: dir=rx size=%ld received=%llu span_us=%llu %s\n",
	       size, (unsigned long long)c.n,
	       (unsigned long long)(c.last - c.first), res);
	return c.n ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	long port, size, ms;

	if (argc == 6 && !addr_of(argv[2], 0, &sa) &&
	    !parse_num(argv[3], 1, 65535, &port) &&
	    !parse_num(argv[4], 1, MAX_PAYLOAD, &size) &&
	    !parse_num(argv[5], 1, 60000, &ms)) {
		sa.sin_port = htons((uint16_t)port);
		if (!strcmp(argv[1], "blast")) {
			uint64_t us, n;
			int fd = bound(0);

			if (fd < 0)
				return perror("udp-bench: socket"), 2;
			n = blast(fd, &sa, size, ms, &us);
			printf("udp-bench: sent=%llu us=%llu\n",
			       (unsigned long long)n, (unsigned long long)us);
			return n ? 0 : 1;
		}
		if (!strcmp(argv[1], "tx"))
			return do_tx(&sa, size, ms);
		if (!strcmp(argv[1], "rx"))
			return do_rx(&sa, size, ms);
	}
	if (argc == 4 && !strcmp(argv[1], "sink") &&
	    !parse_num(argv[2], 1, 65535, &port) &&
	    !parse_num(argv[3], 1, 600000, &ms))
		return do_sink(port, ms);
	if (argc == 3 && !strcmp(argv[1], "server") &&
	    !parse_num(argv[2], 1, 65535, &port))
		return do_server(port);
	fprintf(stderr, "usage: udp-bench blast|tx|rx HOST PORT SIZE MS | "
			"sink PORT MS | server PORT\n");
	return 2;
}
