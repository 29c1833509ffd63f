// SPDX-License-Identifier: MIT
/*
 * udp-rtt: UDP echo server and client for the Xen test host.  The same
 * binary runs in dom0 (server for the Linux client's scenario linux-nf) and
 * in the Linux client domU (tests/xen/linux/init), where busybox has no UDP
 * echo client.
 *
 *   udp-rtt server PORT              echo every datagram back (until killed)
 *   udp-rtt echo HOST PORT           sizes 1, 64, 512, 1472 must come back
 *                                    byte for byte (3 tries of 1 s each)
 *   udp-rtt rate HOST PORT SECS [SIZE]
 *                                    one datagram in flight: send, wait for
 *                                    its echo (200 ms), count round trips
 *
 * Output is one line, "udp-rtt: ..."; "rate" prints "rate=R ok=N lost=L"
 * (R round trips per second, integer).  Exit status 0 on success, 1 on a
 * failed check, 2 on bad usage or a socket error.
 */
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
/* A reply later than this counts as lost (the next round trip starts). */
#define RATE_WAIT_MS 200
#define ECHO_WAIT_MS 1000
#define ECHO_TRIES   3

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int parse_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int open_to(const char *host, long port, struct sockaddr_in *sa)
{
	int fd;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		fprintf(stderr, "udp-rtt: bad address %s\n", host);
		return -EINVAL;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)sa, sizeof(*sa)) < 0) {
		perror("udp-rtt: socket");
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	return fd;
}

/* Wait up to @ms for a datagram; its length, 0 on timeout, -errno. */
static ssize_t recv_wait(int fd, uint8_t *buf, size_t len, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;
	int r;

	r = poll(&p, 1, ms);
	if (r <= 0)
		return r < 0 && errno != EINTR ? -errno : 0;
	n = recv(fd, buf, len, 0);
	/* ECONNREFUSED: an ICMP port unreachable, i.e. no server (yet). */
	return n < 0 ? (errno == ECONNREFUSED ? 0 : -errno) : n;
}

static void fill(uint8_t *buf, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 131 + i * 7 + 1);
}

static int do_server(long port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	uint8_t buf[65536];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udp-rtt: bind");
		return 2;
	}
	printf("udp-rtt: echo server on port %ld\n", port);
	fflush(stdout);
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("udp-rtt: recvfrom");
			return 2;
		}
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
}

static int do_echo(const char *host, long port)
{
	static const size_t sizes[] = {1, 64, 512, MAX_PAYLOAD};
	uint8_t out[MAX_PAYLOAD], in[MAX_PAYLOAD + 1];
	struct sockaddr_in sa;
	int fd = open_to(host, port, &sa);

	if (fd < 0)
		return 2;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int ok = 0;

		fill(out, sizes[s], (unsigned int)s);
		for (int t = 0; t < ECHO_TRIES && !ok; t++) {
			ssize_t n;

			send(fd, out, sizes[s], 0);
			n = recv_wait(fd, in, sizeof(in), ECHO_WAIT_MS);
			ok = n == (ssize_t)sizes[s] &&
			     !memcmp(in, out, sizes[s]);
		}
		if (!ok) {
			printf("udp-rtt: no intact echo of %zu bytes from "
			       "%s:%ld\n",
			       sizes[s], host, port);
			close(fd);
			return 1;
		}
	}
	printf("udp-rtt: echo of 1, 64, 512, 1472 bytes intact\n");
	close(fd);
	return 0;
}

static int do_rate(const char *host, long port, long secs, long size)
{
	uint8_t out[MAX_PAYLOAD], in[MAX_PAYLOAD + 1];
	unsigned long ok = 0, lost = 0;
	uint64_t t0, end, now;
	struct sockaddr_in sa;
	unsigned int seq = 0;
	int fd = open_to(host, port, &sa);

	if (fd < 0)
		return 2;
	t0 = now_ms();
	end = t0 + (uint64_t)secs * 1000;
	while ((now = now_ms()) < end) {
		uint64_t deadline = now + RATE_WAIT_MS;
		int got = 0;

		/* The sequence number in the payload tells a late echo apart.
		 */
		fill(out, (size_t)size, seq);
		memcpy(out, &seq, size >= 4 ? 4 : (size_t)size);
		send(fd, out, (size_t)size, 0);
		while (!got && (now = now_ms()) < deadline) {
			ssize_t n = recv_wait(fd, in, sizeof(in),
					      (int)(deadline - now));

			if (n < 0)
				break;
			got = n == size && !memcmp(in, out, (size_t)size);
		}
		if (got)
			ok++;
		else
			lost++;
		seq++;
	}
	now = now_ms() - t0;
	printf("udp-rtt: rate=%lu ok=%lu lost=%lu ms=%lu size=%ld\n",
	       now ? (unsigned long)(ok * 1000 / now) : 0, ok, lost,
	       (unsigned long)now, size);
	close(fd);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	long port, secs, size = 64;

	if (argc >= 3 && !strcmp(argv[1], "server") &&
	    !parse_num(argv[2], 1, 65535, &port))
		return do_server(port);
	if (argc == 4 && !strcmp(argv[1], "echo") &&
	    !parse_num(argv[3], 1, 65535, &port))
		return do_echo(argv[2], port);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "rate") &&
	    !parse_num(argv[3], 1, 65535, &port) &&
	    !parse_num(argv[4], 1, 3600, &secs) &&
	    (argc == 5 || !parse_num(argv[5], 1, MAX_PAYLOAD, &size)))
		return do_rate(argv[2], port, secs, size);
	fprintf(stderr, "usage: udp-rtt server PORT | echo HOST PORT | "
			"rate HOST PORT SECS [SIZE]\n");
	return 2;
}
