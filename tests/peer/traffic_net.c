// SPDX-License-Identifier: MIT
/*
 * The traffic peer's network actions on dom0's side of the guest's vif:
 * ARP over a packet socket on the bridge, ICMP echo over a raw socket,
 * UDP echo and load over UDP sockets, capture on vif<domid>.0.  Each
 * action is bounded in time: a guest that stops answering ends it early.
 */
#include "traffic.h"
#include "peer_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Give up on a guest after this many unanswered requests in a row. */
#define MAX_SILENT 10

/* Wait until fd is readable or ms passed: 1, 0 (timeout), -errno. */
int traffic_wait_readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int rc = poll(&p, 1, ms);

	return rc < 0 ? -errno : rc;
}

int traffic_ms_left(uint64_t deadline)
{
	uint64_t now = peer_now_ms();

	return now >= deadline ? 0 : (int)(deadline - now);
}

static int if_info(int fd, const char *ifname, int *index, uint8_t mac[6],
		   uint32_t *ip)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr))
		return -errno;
	*index = ifr.ifr_ifindex;
	if (mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr))
			return -errno;
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	if (ip) {
		if (ioctl(fd, SIOCGIFADDR, &ifr))
			return -errno;
		*ip = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
	}
	return 0;
}

static int packet_socket(const char *ifname, uint16_t proto, int *index,
			 uint8_t mac[6], uint32_t *ip)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(proto)};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(proto));
	int rc;

	if (fd < 0)
		return -errno;
	rc = if_info(fd, ifname, index, mac, ip);
	sll.sll_ifindex = *index;
	if (!rc && bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		rc = -errno;
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

static size_t arp_request(uint8_t *f, const uint8_t mac[6], uint32_t sip,
			  uint32_t tip)
{
	static const uint8_t hdr[8] = {0, 1, 8, 0, 6, 4, 0, 1};

	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08, f[13] = 0x06;
	memcpy(f + 14, hdr, 8);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, &sip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, &tip, 4);
	return 42;
}

int traffic_arp(const char *bridge, uint32_t ip, char *res, size_t len)
{
	uint8_t mac[6], f[1600];
	uint32_t sip;
	int fd, index, rc = 0;

	fd = packet_socket(bridge, ETH_P_ARP, &index, mac, &sip);
	if (fd < 0)
		return snprintf(res, len, "fail socket %s", strerror(-fd)), 0;
	for (int tries = 0; tries < 3 && !rc; tries++) {
		uint64_t deadline = peer_now_ms() + 1000;
		size_t n = arp_request(f, mac, sip, ip);

		if (send(fd, f, n, 0) != (ssize_t)n)
			break;
		while (!rc && traffic_wait_readable(
				  fd, traffic_ms_left(deadline)) > 0) {
			ssize_t got = recv(fd, f, sizeof(f), 0);

			/* A reply (op 2) from the address we asked for. */
			if (got >= 42 && f[20] == 0 && f[21] == 2 &&
			    !memcmp(f + 28, &ip, 4))
				rc = 1;
		}
	}
	close(fd);
	if (!rc)
		return snprintf(res, len, "fail no reply"), 0;
	snprintf(res, len, "ok %02x:%02x:%02x:%02x:%02x:%02x", f[22], f[23],
		 f[24], f[25], f[26], f[27]);
	return 0;
}

/* One datagram of `size` bytes out, its echo back: 1 ok, -1 bad, 0 none. */
static int echo_once(int fd, const uint8_t *out, size_t size, uint8_t *in,
		     uint32_t *late)
{
	uint64_t deadline = peer_now_ms() + 500;

	if (send(fd, out, size, 0) != (ssize_t)size)
		return 0;
	while (traffic_wait_readable(fd, traffic_ms_left(deadline)) > 0) {
		ssize_t n = recv(fd, in, 2048, 0);

		/* A late echo of an earlier size: not this one's. */
		if (n != (ssize_t)size) {
			(*late)++;
			continue;
		}
		return memcmp(in, out, size) ? -1 : 1;
	}
	return 0;
}

int traffic_udp_echo(uint32_t ip, uint16_t port, uint32_t max, char *res,
		     size_t len)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = ip};
	uint32_t ok = 0, sent = 0, bad = 0, lost = 0, retries = 0, silent = 0;
	uint32_t late = 0;
	uint8_t out[2048], in[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)))
		return snprintf(res, len, "fail socket %s", strerror(errno)), 0;
	for (uint32_t size = 1; size <= max && size <= 1472; size++) {
		int rc = 0;

		if (silent >= MAX_SILENT)
			break;
		traffic_pattern(out, size, size);
		sent++;
		for (int t = 0; t < 3 && !rc; t++) {
			retries += t > 0;
			rc = echo_once(fd, out, size, in, &late);
		}
		ok += rc == 1;
		bad += rc < 0;
		lost += rc == 0;
		silent = rc ? 0 : silent + 1;
	}
	close(fd);
	snprintf(res, len, "ok=%u sent=%u bad=%u lost=%u retries=%u late=%u",
		 ok, sent, bad, lost, retries, late);
	return 0;
}

int traffic_capture_open(unsigned int domid, uint8_t guest_mac[6])
{
	char ifname[IFNAMSIZ];
	int index, fd, size = 4 << 20;

	snprintf(ifname, sizeof(ifname), "vif%u.0", domid);
	fd = packet_socket(ifname, ETH_P_ALL, &index, NULL, NULL);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	(void)guest_mac;
	return fd;
}

void traffic_capture_drain(int fd, const uint8_t mac[6],
			   struct traffic_capture *c)
{
	uint8_t f[65536];

	for (;;) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, f, sizeof(f), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fl);

		if (n < 0)
			return;
		/* Only what the guest sent: not netback's copies to it. */
		if (from.sll_pkttype != PACKET_OUTGOING)
			traffic_scan_frame(f, (size_t)n, mac, c);
	}
}

uint64_t traffic_irqs_now(unsigned int domid)
{
	static char text[1 << 16];
	FILE *f = fopen("/proc/interrupts", "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return traffic_vif_irqs(text, domid);
}
