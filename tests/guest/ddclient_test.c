/*
 * Suite `ddclient`: the kernel with its normal, hardened netfront as a
 * well-behaved client of a driver domain (domain dd-fe of the issue 8
 * scenario, DD-CONTRACT.md): the backend is the kernel's netback in dd-nb
 * (192.0.2.10), the other client Linux in dd-linux (192.0.2.12), we are
 * 192.0.2.11.  Each test waits for its phase (dd_phase.h) while polling
 * the stack, so the others' traffic to us is answered meanwhile, and the
 * last test of a phase acks it.
 *
 * XSA-300 from the good client's side: while dd-hostile floods the same
 * backend, every round trip of ours is answered (served_under_flood), our
 * round-trip rate stays at least ddclient.flood_pct % of the unloaded one
 * (rate_under_flood), and after dd-hostile is destroyed we are still
 * served.
 *
 * Without the phase key (every other scenario) the suite SKIPs.
 */
#include "drivers/netfront/netfront.h"
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/guest/dd_phase.h"
#include "tests/guest/net_peer.h"

#define SEC		  NET_PEER_SEC
#define MS		  (SEC / 1000)
#define IP_BACKEND	  NET_IP(192, 0, 2, 10)
#define IP_LINUX	  NET_IP(192, 0, 2, 12)
#define LOCAL_PORT	  40007
#define PHASE_KEY_WAIT_NS (10 * SEC)
#define CONNECT_NS	  (60 * SEC)
#define ARP_NS		  (20 * SEC)
#define ARP_LINUX_NS	  (80 * SEC) /* Linux boots at the same time */
#define PINGS		  20
#define PING_NS		  (2 * SEC)
#define ECHO_NS		  (2 * SEC)
#define RATE_NS		  (5 * SEC)
/*
 * A round trip not back within this counts as lost.  Generous: on the
 * emulated test host, shared with other jobs, one echo of a served client
 * took over 500 ms under the flood; a refused one never comes back.
 */
#define RATE_ECHO_NS (2 * SEC)
#define RATE_SIZE    64

/*
 * ddclient.flood_pct=N: the stated fraction (%) of the unloaded rate kept
 * under the flood, default 50.  What the rate keeps is mostly how Xen
 * shares the CPUs among the busy domains, not a rule of the backend: on
 * the emulated test host (two CPUs, shared with other jobs) the normal
 * backend kept 15-86 % in DD's runs, so its rows state less.
 */
static uint64_t flood_pct = 50;

static int set_flood_pct(const char *value)
{
	uint64_t v;

	if (kstrtou64(value, strlen(value), 10, &v) || v > 100)
		return -EINVAL;
	flood_pct = v;
	return 0;
}
KPARAM("ddclient.flood_pct", set_flood_pct);

static enum dd_phase phase;
/* ddclient.linux=0: this scenario has no Linux client (dd-linux). */
static bool with_linux = true;
KPARAM_BOOL("ddclient.linux", with_linux);

static int in_dd = -1; /* unknown yet */
static uint64_t baseline_rate;
static char buf[64];

static void pump(void)
{
	net_peer_poll_for(5 * MS);
}

/* SKIP unless in the scenario; the device must be up then. */
static const char *dd_unavailable(void)
{
	if (!xen_present())
		return "not running under Xen";
	if (in_dd < 0) {
		char v[8];

		/* No vif: no scenario, and no reason to wait for dom0. */
		if (xs_read(XS_TXN_NIL, NETFRONT_DEV "/backend-id", v,
			    sizeof(v)) < 0)
			return "no vif (device/vif/0)";
		in_dd = dd_phase_appears(PHASE_KEY_WAIT_NS);
	}
	if (!in_dd)
		return "no data/ktest/phase: not in the driver-domain scenario";
	return NULL;
}

#define NEED_DD()                                                              \
	do {                                                                   \
		const char *why_ = dd_unavailable();                           \
		if (why_)                                                      \
			KT_SKIP(why_);                                         \
		KT_ASSERT(net_ready());                                        \
	} while (0)

static unsigned int acked; /* bit per phase */

static int ack(enum dd_phase p)
{
	acked |= 1U << p;
	return dd_ack(p);
}

/*
 * Wait for `want` while serving traffic.  An earlier phase whose tests
 * gave up before acking is acked now, so dom0 is not kept waiting.
 */
static int phase_wait(enum dd_phase want)
{
	int rc;

	for (unsigned int p = DD_CONNECT; p < want; p++)
		if (!(acked & (1U << p)))
			(void)ack((enum dd_phase)p);
	rc = dd_phase_wait(want, DD_PHASE_WAIT_NS, pump, &phase);
	ktest_diag("phase %s (%d)", dd_phase_name(phase), rc);
	return rc;
}

#define NEED_PHASE(want)                                                       \
	do {                                                                   \
		const char *why_ = dd_unavailable();                           \
		if (why_)                                                      \
			KT_SKIP(why_);                                         \
		KT_ASSERT(phase_wait(want) == 0);                              \
	} while (0)

/* ---- ping ---- */

struct reply_wait {
	uint64_t before;
};

static bool echo_reply_came(void *arg)
{
	struct reply_wait *w = arg;
	struct net_stats st;

	net_get_stats(&st);
	return st.icmp_echo_replies_rx > w->before;
}

/*
 * `count` echo requests to `ip`, one at a time; how many were answered.
 * Only our own requests bring us echo replies, so the reply counter
 * identifies the answer.
 */
static unsigned int ping(uint32_t ip, unsigned int count)
{
	static uint8_t data[56];
	unsigned int ok = 0, missed = 0;

	/* A peer that missed 5 in a row is gone: do not wait out the rest. */
	for (unsigned int i = 0; i < count && missed < 5; i++) {
		struct reply_wait w;
		struct net_stats st;

		bool answered = false;

		memset(data, (int)i, sizeof(data));
		/* One retry, as for UDP: a single loss is not starvation. */
		for (unsigned int t = 0; t < 2 && !answered; t++) {
			net_get_stats(&st);
			w.before = st.icmp_echo_replies_rx;
			answered = !net_icmp_echo_send(ip, 0xdd, (uint16_t)i,
						       data, sizeof(data)) &&
				   !net_wait(echo_reply_came, &w, PING_NS);
		}
		if (answered) {
			ok++;
			missed = 0;
		} else {
			missed++;
		}
	}
	return ok;
}

/* ---- UDP echo client ---- */

static struct {
	uint32_t want_ip;
	uint8_t data[NET_UDP_MAX_PAYLOAD];
	size_t len;
	bool got, bound;
	uint64_t stray;
} echo;

static void echo_rx(uint32_t src_ip, uint16_t src_port, uint16_t dst_port,
		    const void *data, size_t len, void *arg)
{
	if (src_ip != echo.want_ip || src_port != NET_ECHO_PORT ||
	    len > sizeof(echo.data)) {
		echo.stray++;
		return;
	}
	memcpy(echo.data, data, len);
	echo.len = len;
	echo.got = true;
}

static bool echo_came(void *arg)
{
	return echo.got;
}

/* 1: answered byte for byte, 0: no answer, -1: a wrong answer. */
static int echo_once(uint32_t ip, size_t len, unsigned int seq, uint64_t ns)
{
	static uint8_t out[NET_UDP_MAX_PAYLOAD];
	int rc;

	if (!echo.bound)
		echo.bound = !net_udp_bind(LOCAL_PORT, echo_rx, NULL);
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(seq * 7 + i);
	echo.want_ip = ip;
	echo.got = false;
	rc = net_udp_send(ip, LOCAL_PORT, NET_ECHO_PORT, out, len);
	if (rc == -EAGAIN) {
		net_poll();
		rc = net_udp_send(ip, LOCAL_PORT, NET_ECHO_PORT, out, len);
	}
	if (rc || net_wait(echo_came, NULL, ns))
		return 0;
	return echo.len == len && !memcmp(echo.data, out, len) ? 1 : -1;
}

/* Sequential round trips for RATE_NS: per second, and the losses. */
static uint64_t measure_rate(uint64_t *lost, uint64_t *bad)
{
	uint64_t start = time_now_ns(), n = 0, span;
	unsigned int seq = 0;

	*lost = *bad = 0;
	while (time_now_ns() - start < RATE_NS) {
		int r = echo_once(IP_BACKEND, RATE_SIZE, seq++, RATE_ECHO_NS);

		if (r > 0)
			n++;
		else if (r < 0)
			(*bad)++;
		else
			(*lost)++;
	}
	span = time_now_ns() - start;
	return span ? n * SEC / span : 0;
}

/* ---- phase connect ---- */

KTEST(ddclient, connect)
{
	char be[XENBUS_PATH_MAX];
	domid_t id = 0;

	NEED_PHASE(DD_CONNECT);
	/* Booting connected already, unless the backend was slow. */
	KT_ASSERT(netfront_connect(CONNECT_NS) == 0);
	KT_ASSERT(net_ready());
	KT_ASSERT(xenbus_read_backend(NETFRONT_DEV, be, sizeof(be), &id) == 0);
	ktest_diag("backend %s, domain %u", be, id);
	/* The driver domain, not dom0: netfront followed backend-id. */
	KT_EXPECT_NE(id, 0);
}

KTEST(ddclient, ping_backend)
{
	uint8_t mac[ETH_ALEN];
	unsigned int ok;

	NEED_DD();
	KT_ASSERT(net_arp_resolve(IP_BACKEND, mac, ARP_NS) == 0);
	ok = ping(IP_BACKEND, PINGS);
	ktest_diag("192.0.2.10: %u of %u echo requests answered", ok, PINGS);
	KT_EXPECT_EQ(ok, PINGS);
}

/* Consecutive losses after which a peer counts as gone (bounds the wait) */
#define GIVE_UP_LOSSES 10

struct sweep {
	unsigned int ok, lost, bad, tried;
};

/* Echo `n` datagrams, the i-th of size size_of(i); stop once it is gone. */
static void echo_sweep(struct sweep *w, unsigned int n,
		       size_t (*size_of)(unsigned int i))
{
	unsigned int run = 0;

	*w = (struct sweep){0};
	for (unsigned int i = 0; i < n && run < GIVE_UP_LOSSES; i++) {
		size_t len = size_of(i);
		int r = echo_once(IP_BACKEND, len, i, ECHO_NS);

		if (!r) /* one retry: a single loss is not starvation */
			r = echo_once(IP_BACKEND, len, i, ECHO_NS);
		w->tried++;
		w->ok += r > 0;
		w->lost += r == 0;
		w->bad += r < 0;
		run = r ? 0 : run + 1;
	}
}

static size_t every_size(unsigned int i)
{
	return 1 + i;
}

KTEST(ddclient, udp_echo_backend)
{
	struct sweep w;

	NEED_DD();
	/* Every payload size, each answer compared byte for byte. */
	echo_sweep(&w, NET_UDP_MAX_PAYLOAD, every_size);
	ktest_diag("UDP echo 192.0.2.10:7, sizes 1..%u: %u tried, %u ok, %u "
		   "lost, %u wrong",
		   NET_UDP_MAX_PAYLOAD, w.tried, w.ok, w.lost, w.bad);
	KT_EXPECT_EQ(w.ok, NET_UDP_MAX_PAYLOAD);
	KT_EXPECT_EQ(w.bad, 0);
}

KTEST(ddclient, ping_linux)
{
	uint8_t mac[ETH_ALEN];
	unsigned int ok = 0;
	int rc;

	NEED_DD();
	if (!with_linux) {
		/* Phase connect is over for us all the same. */
		(void)ack(DD_CONNECT);
		KT_SKIP("no Linux client in this scenario (ddclient.linux=0)");
	}
	/* Through the backend's switch to the other frontend. */
	rc = net_arp_resolve(IP_LINUX, mac, ARP_LINUX_NS);
	if (!rc)
		ok = ping(IP_LINUX, PINGS);
	ktest_diag("192.0.2.12: ARP %d, %u of %u echo requests answered", rc,
		   ok, PINGS);
	/* Phase connect is over for us, whatever the result. */
	KT_EXPECT_EQ(ack(DD_CONNECT), 0);
	KT_EXPECT_EQ(rc, 0);
	KT_EXPECT_EQ(ok, PINGS);
}

/* ---- phases baseline and flood ---- */

KTEST(ddclient, rate_baseline)
{
	uint64_t lost, bad;

	NEED_PHASE(DD_BASELINE);
	KT_ASSERT(net_ready());
	KT_EXPECT_EQ(phase, DD_BASELINE);
	baseline_rate = measure_rate(&lost, &bad);
	snprintf(buf, sizeof(buf), "%lu", (unsigned long)baseline_rate);
	ktest_diag("unloaded: %lu round trips/s (%u B), %lu lost, %lu wrong",
		   (unsigned long)baseline_rate, RATE_SIZE, (unsigned long)lost,
		   (unsigned long)bad);
	KT_EXPECT_EQ(dd_put("rate", buf), 0);
	KT_EXPECT_EQ(ack(DD_BASELINE), 0);
	KT_EXPECT(baseline_rate > 0);
	KT_EXPECT_EQ(bad, 0);
}

/* The flood window, measured once by served_under_flood. */
static struct {
	bool done;
	uint64_t rate, lost, bad, refused;
	unsigned int pings;
} fl;

KTEST(ddclient, served_under_flood)
{
	struct netfront_stats st0, st1;

	NEED_PHASE(DD_FLOOD);
	KT_ASSERT(net_ready());
	KT_EXPECT_EQ(phase, DD_FLOOD);
	netfront_get_stats(&st0);
	fl.rate = measure_rate(&fl.lost, &fl.bad);
	fl.pings = ping(IP_BACKEND, PINGS);
	netfront_get_stats(&st1);
	fl.refused =
	    (st1.tx_errors - st0.tx_errors) + (st1.tx_dropped - st0.tx_dropped);
	fl.done = true;
	snprintf(buf, sizeof(buf), "%lu", (unsigned long)fl.rate);
	ktest_diag("under flood: %lu round trips/s, %lu lost, %lu wrong; %u of "
		   "%u pings answered; %lu TX requests refused by the backend",
		   (unsigned long)fl.rate, (unsigned long)fl.lost,
		   (unsigned long)fl.bad, fl.pings, PINGS,
		   (unsigned long)fl.refused);
	KT_EXPECT_EQ(dd_put("rate_flood", buf), 0);
	/*
	 * XSA-300: the hostile's maps never take ours.  A backend without
	 * quota runs out of maptrack and refuses our TX maps (ERROR
	 * responses): round trips are lost then.  Here none is refused and
	 * every one comes back, intact.
	 */
	KT_EXPECT_EQ(fl.refused, 0);
	KT_EXPECT_EQ(fl.lost, 0);
	KT_EXPECT_EQ(fl.bad, 0);
	KT_EXPECT_EQ(fl.pings, PINGS);
}

KTEST(ddclient, rate_under_flood)
{
	NEED_PHASE(DD_FLOOD);
	KT_ASSERT(fl.done);
	ktest_diag(
	    "under flood %lu round trips/s = %lu%% of the unloaded %lu "
	    "(stated: >= %u%%)",
	    (unsigned long)fl.rate,
	    (unsigned long)(baseline_rate ? fl.rate * 100 / baseline_rate : 0),
	    (unsigned long)baseline_rate, (unsigned int)flood_pct);
	KT_EXPECT_EQ(ack(DD_FLOOD), 0);
	/* Served, and at a stated fraction of the unloaded rate. */
	KT_EXPECT(baseline_rate > 0);
	KT_EXPECT(fl.rate * 100 >= baseline_rate * flood_pct);
}

/* ---- phases after and done ---- */

static size_t step_size(unsigned int i)
{
	return 1 + i * 14;
}

KTEST(ddclient, served_after_hostile_destroyed)
{
	struct sweep w;
	unsigned int ok;

	NEED_PHASE(DD_AFTER);
	KT_ASSERT(net_ready());
	ok = ping(IP_BACKEND, PINGS);
	echo_sweep(&w, 100, step_size);
	ktest_diag("after: %u of %u pings, %u of 100 echoes (%u wrong)", ok,
		   PINGS, w.ok, w.bad);
	KT_EXPECT_EQ(ack(DD_AFTER), 0);
	KT_EXPECT_EQ(ok, PINGS);
	KT_EXPECT_EQ(w.ok, 100);
	KT_EXPECT_EQ(w.bad, 0);
}

KTEST(ddclient, done)
{
	struct netfront_stats st;
	struct netfront_state ns;

	/* dd-nb may be powering off already: the device need not be up. */
	NEED_PHASE(DD_DONE);
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	ktest_diag("netfront: %s, %lu protocol errors of kind %s; stray "
		   "echoes %lu",
		   ns.broken ? "broken" : "sound",
		   (unsigned long)st.proto_errors[ns.broken_kind],
		   netfront_err_name(ns.broken_kind),
		   (unsigned long)echo.stray);
	KT_EXPECT_EQ(ack(DD_DONE), 0);
	/* The backend never gave our hardened netfront a reason to break. */
	KT_EXPECT(!ns.broken);
}
