/*
 * Suite `netbench_srv` (make bench, issue 8's benchmark): our kernel as
 * the UDP rate server of tests/peer/udp-bench.c, so the Linux client
 * (tests/xen/linux/bench.sh, ktest.bench=server:A) measures our driver
 * domain (netback=1) with the same client it measures dom0 with
 * (`udp-bench server` behind Linux netback).  The protocol, one text
 * datagram each way on port 9000:
 *   "tx SINK"            count what arrives on port SINK -> "ready"
 *   "tx-stop"            -> "received=N span_us=U"
 *   "rx DPORT SIZE MS"   send SIZE-byte datagrams to the asker's DPORT for
 *                        MS ms as fast as the path takes them
 *                        -> "sent=N us=U"
 * It serves until dom0's phase is `done` (a group of tests/xen/
 * bench-scenarios: we ack `connect` at once so the client is created, and
 * every later phase when we see it) or,
 * with no orchestrator, 300 s.  Not a timed test: it passes whatever the
 * rates, and fails only if no request was served, no UDP echo answered
 * and (as a driver domain) no frame switched between frontends.  Each
 * request served is one diagnostic line with our upcalls and hypercalls per
 * packet.
 */
#include "drivers/netback/netback.h"
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/guest/dd_phase.h"
#include "tests/guest/net_peer.h"

#define CTL_PORT  9000
#define SERVE_NS  (300 * NET_PEER_SEC)
#define PHASE_NS  NET_PEER_SEC /* how often an idle server reads the phase */
#define MAX_RX_MS 60000
#define MAX_SIZE  NET_UDP_MAX_PAYLOAD
#define REQ_MAX	  48
#define REPLY_NS  NET_PEER_SEC /* an answer waits for ring room at most */

/* One request waits at a time: the callback only notes it (it runs inside
 * net_poll, where a 2 s send loop must not run). */
struct srv {
	bool pending;
	char req[REQ_MAX];
	uint32_t from_ip;
	uint16_t from_port;
	uint16_t sink_port;
	uint64_t received, first_ns, last_ns;
	uint64_t qfull0; /* the stack's queue-full drops at "tx" */
	unsigned int served;
};

static struct srv srv;

static void on_ctl(uint32_t ip, uint16_t sport, uint16_t dport,
		   const void *data, size_t len, void *arg)
{
	/* The client's bytes: copied once, bounded, NUL-terminated here. */
	if (srv.pending || len == 0 || len >= REQ_MAX)
		return;
	memcpy(srv.req, data, len);
	srv.req[len] = '\0';
	srv.from_ip = ip;
	srv.from_port = sport;
	srv.pending = true;
}

static void on_sink(uint32_t ip, uint16_t sport, uint16_t dport,
		    const void *data, size_t len, void *arg)
{
	uint64_t now = time_now_ns();

	if (!srv.received++)
		srv.first_ns = now;
	srv.last_ns = now;
}

/* A decimal in [1, max] at *s, moving *s past it and one space. */
static bool num(const char **s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	const char *p = *s;

	while (*p >= '0' && *p <= '9' && v <= max)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == *s || v < 1 || v > max || (*p && *p != ' '))
		return false;
	*s = *p ? p + 1 : p;
	*out = (uint32_t)v;
	return true;
}

static uint64_t queue_full(void)
{
	struct net_stats st;

	net_get_stats(&st);
	return st.rx_queue_full;
}

static uint64_t echoes(void)
{
	struct net_stats st;

	net_get_stats(&st);
	return st.udp_echoed;
}

static void counters(uint64_t *hc, uint64_t *up)
{
	struct evtchn_stats e;

	evtchn_get_stats(&e);
	*hc = xen_hypercall_count();
	*up = e.upcalls;
}

static void blast(uint16_t dport, uint32_t size, uint32_t ms, char *res,
		  size_t len)
{
	static uint8_t data[MAX_SIZE];
	uint64_t sent = 0, t0 = time_now_ns(), t, hc0, up0, hc1, up1;

	memset(data, 0x5a, size);
	counters(&hc0, &up0);
	while ((t = time_now_ns()) - t0 < (uint64_t)ms * 1000000) {
		for (int i = 0; i < 32; i++)
			sent += !net_udp_send(srv.from_ip, CTL_PORT, dport,
					      data, size);
		net_poll(); /* the backend moves what we queued */
	}
	counters(&hc1, &up1);
	snprintf(res, len, "sent=%lu us=%lu", (unsigned long)sent,
		 (unsigned long)((t - t0) / 1000));
	ktest_diag("netbench_srv rx size=%u %s hc=%lu upcalls=%lu",
		   (unsigned int)size, res, (unsigned long)(hc1 - hc0),
		   (unsigned long)(up1 - up0));
}

/*
 * The answer, sent once our TX ring has room: right after an rx blast it
 * is still full (a driver-domain netback hands our frames on only as fast
 * as the receiver takes them), and an answer dropped there left the
 * client with "no result from the server" (make bench's ddswitch row).
 */
static void reply(const char *res)
{
	uint64_t t0 = time_now_ns();

	while (net_udp_send(srv.from_ip, CTL_PORT, srv.from_port, res,
			    strlen(res)) == -EAGAIN &&
	       time_now_ns() - t0 < REPLY_NS)
		net_poll();
}

static void serve_req(void)
{
	const char *s = srv.req;
	uint32_t a, b, c;
	char res[64];

	if (!strncmp(s, "tx ", 3) && (s += 3, num(&s, 65535, &a)) && !*s) {
		if (srv.sink_port)
			net_udp_unbind(srv.sink_port);
		srv.received = 0;
		srv.qfull0 = queue_full();
		srv.sink_port =
		    net_udp_bind((uint16_t)a, on_sink, NULL) ? 0 : (uint16_t)a;
		snprintf(res, sizeof(res), srv.sink_port ? "ready" : "fail");
	} else if (!strcmp(s, "tx-stop")) {
		snprintf(res, sizeof(res), "received=%lu span_us=%lu",
			 (unsigned long)srv.received,
			 (unsigned long)((srv.last_ns - srv.first_ns) / 1000));
		/* Where a datagram that reached us was lost: the stack's
		 * receive queue (netback fills it faster than we poll). */
		ktest_diag("netbench_srv tx %s queue_full=%lu", res,
			   (unsigned long)(queue_full() - srv.qfull0));
	} else if (!strncmp(s, "rx ", 3) && (s += 3, num(&s, 65535, &a)) &&
		   num(&s, MAX_SIZE, &b) && num(&s, MAX_RX_MS, &c) && !*s) {
		blast((uint16_t)a, b, c, res, sizeof(res));
	} else {
		snprintf(res, sizeof(res), "fail bad request");
	}
	reply(res);
	srv.served++;
}

struct wake {
	uint64_t next_phase;
	enum dd_phase acked;
	bool orchestrated, done;
};

static bool wake_up(void *arg)
{
	struct wake *w = arg;

	if (srv.pending)
		return true;
	/* Only an idle server reads xenstore. */
	if (w->orchestrated && time_now_ns() >= w->next_phase) {
		enum dd_phase p = dd_phase_now();

		w->next_phase = time_now_ns() + PHASE_NS;
		w->done = p >= DD_DONE;
		/* The orchestrator waits for every running domain's ack of
		 * each phase but the last: we have nothing to do in any. */
		if (!w->done && p > w->acked && !dd_ack(p))
			w->acked = p;
	}
	return w->done;
}

/*
 * As a driver domain, netback_wait(): it wakes when a frontend's event
 * comes, where net_wait() sleeps until a frame reaches the stack or 10 ms
 * pass, and only this loop polls netback (the frontend's requests waited
 * up to 10 ms each time: ddflood's round trips were 30/s).
 */
static int wait(bool (*cond)(void *), void *arg, uint64_t ns)
{
	return netback_enabled() ? netback_wait(cond, arg, ns)
				 : net_wait(cond, arg, ns);
}

/* Frames our netback switched between its frontends so far (ddswitch). */
static uint64_t switched(void)
{
	struct netback_vif_info v;
	uint64_t n = 0;

	for (unsigned int i = 0; netback_enabled() && netback_vif_get(i, &v);
	     i++)
		n += v.used ? v.to_vif : 0;
	return n;
}

KTEST(netbench_srv, serve)
{
	struct wake w = {0};
	uint64_t start, echoed = echoes(), sw = switched();

	if (!net_ipv4_addr() || !net_dev())
		KT_SKIP("no ip= or no network device");
	w.orchestrated = dd_phase_appears(2 * NET_PEER_SEC);
	memset(&srv, 0, sizeof(srv));
	KT_ASSERT(!net_udp_bind(CTL_PORT, on_ctl, NULL));
	if (w.orchestrated) {
		KT_EXPECT(!dd_ack(DD_CONNECT));
		w.acked = DD_CONNECT;
	}
	start = time_now_ns();
	while (!w.done && time_now_ns() - start < SERVE_NS) {
		uint64_t left = SERVE_NS - (time_now_ns() - start);

		wait(wake_up, &w, left < PHASE_NS ? left : PHASE_NS);
		if (srv.pending) {
			serve_req();
			srv.pending = false;
		}
	}
	if (srv.sink_port)
		net_udp_unbind(srv.sink_port);
	net_udp_unbind(CTL_PORT);
	/* In ddflood the client measures round trips through our stack's
	 * UDP echo service (port 7), not through this server. */
	echoed = echoes() - echoed;
	/* In ddswitch the backend serves nobody itself: its frontends talk
	 * to each other through its switch (issue 11: vif-to-vif batches). */
	sw = switched() - sw;
	ktest_diag("netbench_srv: %u requests served, %lu UDP echoes, %lu "
		   "frames switched between frontends",
		   srv.served, (unsigned long)echoed, (unsigned long)sw);
	KT_EXPECT(srv.served > 0 || echoed > 0 || sw > 0);
}
