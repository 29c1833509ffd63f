// SPDX-License-Identifier: MIT
/*
 * traffic: dom0 peer of the guest's network tests (protocol in traffic.h).
 * It waits for the guest's commands in xenstore, runs each against the
 * guest over the bridge, and writes the result back; it exits when the
 * guest's domain is gone, on SIGTERM, or after --timeout.
 *
 * Usage: traffic [--domid N] [--bridge IF] [--timeout SECS]
 *        (the domid defaults to $KTEST_DOMID, the bridge to xenbr0)
 */
#include "peer_util.h"
#include "peer_xs.h"
#include "traffic.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

/* How often a vanished guest is noticed when no command comes. */
#define ALIVE_CHECK_MS 1000

struct traffic {
	struct xs_handle *xs;
	unsigned int domid;
	const char *bridge;
	char home[64], cmd_path[96], res_path[96];
	uint32_t last_seq;
	bool have_seq;
	int cap_fd;
	uint8_t mac[6];
	struct traffic_capture cap;
	struct traffic_sink sink;
};

static int parse_ip(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = a.s_addr;
	return 0;
}

static int parse_num(const char *s, uint32_t max, uint32_t *out)
{
	return peer_parse_u32(s, strlen(s), max, out);
}

static int read_guest_mac(struct traffic *t)
{
	char path[128], v[32];
	unsigned int m[6];

	snprintf(path, sizeof(path), "%s/device/vif/0/mac", t->home);
	if (peer_xs_read(t->xs, XBT_NULL, path, v, sizeof(v)) < 0 ||
	    sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		t->mac[i] = (uint8_t)m[i];
	return 0;
}

static void capture(struct traffic *t, bool start, char *res, size_t len)
{
	if (start) {
		if (t->cap_fd >= 0)
			close(t->cap_fd);
		memset(&t->cap, 0, sizeof(t->cap));
		if (read_guest_mac(t)) {
			snprintf(res, len, "fail no guest mac");
			return;
		}
		t->cap_fd = traffic_capture_open(t->domid, t->mac);
		snprintf(res, len, t->cap_fd < 0 ? "fail capture" : "ok");
		return;
	}
	if (t->cap_fd < 0) {
		snprintf(res, len, "fail not capturing");
		return;
	}
	/* Frames still in flight through netback: a little grace. */
	usleep(300 * 1000);
	traffic_capture_drain(t->cap_fd, t->mac, &t->cap);
	close(t->cap_fd);
	t->cap_fd = -1;
	snprintf(res, len, "frames=%llu probes=%llu canary=%llu trailer=%llu",
		 (unsigned long long)t->cap.frames,
		 (unsigned long long)t->cap.probes,
		 (unsigned long long)t->cap.canary,
		 (unsigned long long)t->cap.trailer);
}

static void bench_tx(struct traffic *t, const struct traffic_cmd *c, bool start,
		     char *res, size_t len)
{
	struct traffic_sink *s = &t->sink;
	uint32_t port;

	if (start) {
		if (c->nargs != 1 || parse_num(c->arg[0], 65535, &port) ||
		    traffic_bench_tx_open((uint16_t)port, s)) {
			snprintf(res, len, "fail");
			return;
		}
		s->irq0 = traffic_irqs_now(t->domid);
		snprintf(res, len, "ready");
		return;
	}
	if (s->fd < 0) {
		snprintf(res, len, "fail not open");
		return;
	}
	usleep(300 * 1000);
	traffic_bench_tx_drain(s);
	snprintf(res, len, "received=%llu span_us=%llu dom0_irqs=%llu",
		 (unsigned long long)s->received,
		 (unsigned long long)(s->last_us - s->first_us),
		 (unsigned long long)(traffic_irqs_now(t->domid) - s->irq0));
	close(s->fd);
	s->fd = -1;
}

static void run(struct traffic *t, const struct traffic_cmd *c, char *res,
		size_t len)
{
	const char *v = c->verb;
	uint32_t ip = 0, a = 0, b = 0, d = 0;
	bool ip_ok = c->nargs >= 1 && !parse_ip(c->arg[0], &ip);

	if (!strcmp(v, "arp") && ip_ok)
		traffic_arp(t->bridge, ip, res, len);
	else if (!strcmp(v, "ping") && ip_ok && c->nargs == 2 &&
		 !parse_num(c->arg[1], 65536, &a))
		traffic_ping(ip, a, res, len);
	else if (!strcmp(v, "udp-echo") && ip_ok && c->nargs == 3 &&
		 !parse_num(c->arg[1], 65535, &a) &&
		 !parse_num(c->arg[2], 1472, &b))
		traffic_udp_echo(ip, (uint16_t)a, b, res, len);
	else if (!strcmp(v, "bench-rx") && ip_ok && c->nargs == 4 &&
		 !parse_num(c->arg[1], 65535, &a) &&
		 !parse_num(c->arg[2], 1472, &b) &&
		 !parse_num(c->arg[3], 60000, &d))
		traffic_bench_rx(t->domid, ip, (uint16_t)a, b, d, res, len);
	else if (!strcmp(v, "capture-start") || !strcmp(v, "capture-stop"))
		capture(t, !strcmp(v, "capture-start"), res, len);
	else if (!strcmp(v, "bench-tx") || !strcmp(v, "bench-tx-stop"))
		bench_tx(t, c, !strcmp(v, "bench-tx"), res, len);
	else
		snprintf(res, len, "fail bad command");
}

/* Run the guest's command if it is a new one. */
static void serve(struct traffic *t)
{
	char raw[TRAFFIC_CMD_MAX], res[TRAFFIC_RESULT_MAX], out[256];
	struct traffic_cmd c;
	int n = peer_xs_read(t->xs, XBT_NULL, t->cmd_path, raw, sizeof(raw));

	if (n < 0)
		return;
	if (traffic_parse_cmd(raw, (size_t)n, &c)) {
		peer_log("malformed command ignored");
		return;
	}
	if (t->have_seq && c.seq == t->last_seq)
		return;
	t->last_seq = c.seq;
	t->have_seq = true;
	peer_log("cmd %u %s", c.seq, raw + strcspn(raw, " ") + 1);
	res[0] = '\0';
	run(t, &c, res, sizeof(res));
	snprintf(out, sizeof(out), "%u %s", c.seq, res);
	peer_log("result %s", out);
	if (peer_xs_write_if(t->xs, t->home, t->res_path, out))
		peer_log("cannot write the result");
}

static bool guest_alive(struct traffic *t)
{
	char v[16];

	return peer_xs_read(t->xs, XBT_NULL, t->home, v, sizeof(v)) >= 0;
}

static int loop(struct traffic *t, uint64_t deadline)
{
	uint64_t next_check = 0;

	while (!peer_stop && (!deadline || peer_now_ms() < deadline)) {
		struct pollfd p[3] = {
		    {.fd = xs_fileno(t->xs), .events = POLLIN},
		    {.fd = t->cap_fd, .events = POLLIN},
		    {.fd = t->sink.fd, .events = POLLIN}};
		unsigned int n;

		if (poll(p, 3, 100) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents & POLLIN)
			free(xs_read_watch(t->xs, &n));
		if (p[1].revents & POLLIN)
			traffic_capture_drain(t->cap_fd, t->mac, &t->cap);
		if (p[2].revents & POLLIN)
			traffic_bench_tx_drain(&t->sink);
		if (p[0].revents & POLLIN)
			serve(t);
		if (peer_now_ms() >= next_check) {
			if (!guest_alive(t)) {
				peer_log("domain %u gone", t->domid);
				return 0;
			}
			serve(t); /* a watch event lost is not a hang */
			next_check = peer_now_ms() + ALIVE_CHECK_MS;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct traffic t = {.bridge = "xenbr0", .cap_fd = -1, .sink.fd = -1};
	const char *env = getenv("KTEST_DOMID");
	uint32_t domid = 0, timeout = 0;
	char path[128];
	int rc;

	peer_log_init("traffic");
	peer_signals_init();
	if (env && parse_num(env, 0x7fef, &domid))
		domid = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--domid"))
			parse_num(argv[i + 1], 0x7fef, &domid);
		else if (!strcmp(argv[i], "--bridge"))
			t.bridge = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout"))
			parse_num(argv[i + 1], 86400, &timeout);
	}
	if (!domid) {
		fprintf(stderr, "usage: traffic [--domid N] [--bridge IF] "
				"[--timeout SECS]\n");
		return 2;
	}
	t.domid = domid;
	snprintf(t.home, sizeof(t.home), "/local/domain/%u", domid);
	snprintf(t.cmd_path, sizeof(t.cmd_path), "%s/data/ktest-net/cmd",
		 t.home);
	snprintf(t.res_path, sizeof(t.res_path), "%s/data/ktest-net/result",
		 t.home);
	t.xs = xs_open(0);
	if (!t.xs || !xs_watch(t.xs, t.cmd_path, "cmd")) {
		peer_log("xenstore: %s", strerror(errno));
		return 1;
	}
	/* The guest waits for this before its first command. */
	snprintf(path, sizeof(path), "%s/data/ktest-net/peer", t.home);
	if (peer_xs_write_if(t.xs, t.home, path, "traffic"))
		peer_log("cannot announce ourselves in %s", path);
	peer_log("serving domain %u", domid);
	rc = loop(&t, timeout ? peer_now_ms() + timeout * 1000ULL : 0);
	xs_close(t.xs);
	return rc;
}
