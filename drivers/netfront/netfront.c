/*
 * netfront on Xen: the one device (device/vif/0), its Xen glue (grants,
 * the event channel, delivery to the stack) and its life cycle:
 *
 *   down --connect--> up --broken / backend Closing, Closed, gone--> down
 *
 * Connecting and tearing down talk to xenstore, so they run only in
 * process context: at boot (KINIT_DEVICES), from netfront_connect() /
 * netfront_disconnect(), and from netfront_service(), which the stack
 * reaches through the netdev's poll op.  The backend's state node is
 * watched; its callback only notes the change for netfront_service().
 * After a backend-side close the device comes back by itself once the
 * backend is in InitWait again; after a violation it stays down until
 * netfront_connect() is called.
 */
#include "drivers/netfront/netfront_priv.h"
#include "kernel/arch.h"
#include "kernel/init.h"
#include "kernel/mm/mm.h"
#include "kernel/net/netdev.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "lib/errno.h"

#define SEC_NS 1000000000ULL
/* The backend answers each handshake step within this, or we give up. */
#define BACKEND_WAIT_NS (10 * SEC_NS)
/* A dom0 peer creates the device nodes just after we start: wait. */
#define PEER_WAIT_NS  (20 * SEC_NS)
#define PROBE_POLL_NS (100ULL * 1000 * 1000)

static struct netfront nf;
static struct netfront_xb xb;
static struct netdev ndev;
static bool registered, busy, want_up, hands_off;
static bool backend_late;
static struct netfront_baseline base;

/* ---- Xen glue (struct netfront_ops) ---- */

static int x_grant(void *ctx, void *page, bool ro, grant_ref_t *ref)
{
	return gnttab_grant_access(nf.backend, (uintptr_t)page >> PAGE_SHIFT,
				   ro, ref);
}

static int x_end(void *ctx, grant_ref_t ref)
{
	return gnttab_end_access(ref);
}

static int x_end_and_free(void *ctx, grant_ref_t ref, void *page)
{
	return gnttab_end_access_and_free(ref, page);
}

static void x_notify(void *ctx)
{
	/*
	 * netfront_rings_init() posts the first RX buffers before the
	 * connection has a port: nothing to notify then (the backend reads
	 * the ring when it connects), and never the last connection's port,
	 * whose number Xen may have given to another channel since.
	 */
	if (xb.port)
		evtchn_send(xb.port);
}

static void x_deliver(void *ctx, const void *frame, size_t len,
		      unsigned int flags)
{
	netdev_rx_flags(&ndev, frame, len, flags);
}

static const struct netfront_ops xen_ops = {
    .grant = x_grant,
    .end = x_end,
    .end_and_free = x_end_and_free,
    .notify = x_notify,
    .deliver = x_deliver,
};

/* The stack's view of our counters. */
static void sync_netdev(void)
{
	const struct netfront_stats *s = &nf.st;
	struct netdev_stats *d = &ndev.stats;
	uint64_t proto = 0;

	for (unsigned int i = 0; i < NETFRONT_ERR_COUNT; i++)
		proto += s->proto_errors[i];
	ndev.up = nf.state.up && !nf.state.broken;
	d->tx_packets = s->tx_packets;
	d->tx_bytes = s->tx_bytes;
	d->tx_dropped = s->tx_dropped + s->tx_busy;
	d->tx_errors = s->tx_errors + proto;
	d->rx_packets = s->rx_packets;
	d->rx_bytes = s->rx_bytes;
	d->rx_dropped = s->rx_dropped;
	d->rx_errors = s->rx_errors;
}

/*
 * RX event suppression (netfront_rx.c, rx_rearm): while frames arrive at
 * a stream's pace, at least RX_STREAM_PKTS in a window of RX_WINDOW_NS,
 * the backend is asked to notify once per NETFRONT_RX_EVENT_BATCH frames;
 * otherwise (one request, one reply: pings, echoes) at every frame, so a
 * round trip never waits for a poll.  Both callers of netfront_work() run
 * this after it, with interrupts off.
 */
#define RX_WINDOW_NS   2000000ULL /* 2 ms */
#define RX_STREAM_PKTS 5 /* 2500 frames/s; a round trip here takes >= 1 ms */

static void rx_pace(void)
{
	static uint64_t win_start, win_pkts, seen;
	uint64_t now = time_now_ns();
	bool irq = netfront_lock();

	win_pkts += nf.st.rx_packets - seen;
	seen = nf.st.rx_packets;
	if (now - win_start >= RX_WINDOW_NS) {
		nf.rx_event_batch =
		    win_pkts >= RX_STREAM_PKTS ? NETFRONT_RX_EVENT_BATCH : 1;
		win_start = now;
		win_pkts = 0;
	}
	netfront_unlock(irq);
}

/* Interrupt context. */
static void nf_irq(evtchn_port_t port, void *arg)
{
	nf.st.irqs++;
	if (!netfront_work(&nf)) {
		/* XSA-391: a run of these is a storm; evtchn backs off. */
		nf.st.spurious++;
		evtchn_note_spurious(port);
	}
	rx_pace();
	sync_netdev();
}

/* ---- Life cycle (process context) ---- */

/* Page-API pages in use: what netfront's pages show up in. */
static uint64_t page_api_used(void)
{
	struct mm_stats m;

	mm_get_stats(&m);
	return m.used_pages - m.heap_pages;
}

/* What was in use before the device took anything (first connect). */
static void take_baseline(void)
{
	struct gnttab_stats g;
	struct mm_stats m;
	bool irq = netfront_lock();

	gnttab_get_stats(&g);
	mm_get_stats(&m);
	base.free_pages = m.free_pages + nf.st.pages_held;
	base.pages = page_api_used() - nf.st.pages_held;
	base.refs = g.refs_granted - nf.st.grants_held;
	base.quarantined_pages = g.quarantined_pages;
	base.valid = true;
	netfront_unlock(irq);
}

static int bind_evtchn(void)
{
	evtchn_port_t port;
	int rc = evtchn_alloc_unbound(xb.be_id, &port);

	if (rc)
		return rc;
	rc = evtchn_bind(port, nf_irq, NULL);
	if (rc) {
		evtchn_close(port);
		return rc;
	}
	xb.port = port;
	return 0;
}

static void connected(const uint8_t mac[6])
{
	const struct netfront_features *f = &nf.state.features;

	memcpy(nf.state.mac, mac, 6);
	memcpy(ndev.mac, mac, 6);
	nf.st.connects++;
	pr_info("netfront: connected to %s (domain %u), MAC "
		"%02x:%02x:%02x:%02x:%02x:%02x; backend offers sg %u, split "
		"event channels %u, %u queue(s), gso-tcpv4 %u\n",
		xb.be, xb.be_id, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
		f->sg, f->split_evtchn, f->max_queues, f->gso_tcpv4);
	sync_netdev();
	if (!registered) {
		registered = true;
		netdev_register(&ndev);
	}
	if (!base.valid)
		take_baseline();
	/* Anything that came before the handler could see it. */
	netfront_work(&nf);
}

/* Release in the order the backend expects; `gone`: no backend left. */
static void teardown(bool gone)
{
	uint64_t quarantined = nf.st.quarantined_pages;

	nf.state.up = false;
	sync_netdev();
	/* No more events, whatever the backend does from now on. */
	evtchn_unbind(xb.port);
	xb.port = 0;
	netfront_xb_close_begin(&xb, gone);
	netfront_rings_release(&nf);
	netfront_xb_close_end(&xb, gone);
	nf.st.disconnects++;
	pr_info("netfront: down%s; %lu page(s) quarantined, %u page(s) and %u "
		"grant(s) still held\n",
		nf.state.broken ? " (broken)" : "",
		(unsigned long)(nf.st.quarantined_pages - quarantined),
		nf.st.pages_held, nf.st.grants_held);
}

static int connect_once(uint64_t timeout_ns)
{
	struct netfront_features *f = &nf.state.features;
	uint8_t mac[6];
	int rc;

	rc = netfront_xb_probe(&xb, mac);
	rc = rc ?: netfront_xb_watch(&xb);
	rc = rc ?: netfront_xb_await_backend(&xb, f, timeout_ns);
	if (rc)
		return rc;
	/* Issue 9: a backend that keeps our pages mapped gets no more. */
	if (!BUGGY(DRAIN) &&
	    gnttab_quarantined_for(xb.be_id) >= NETFRONT_QUARANTINE_MAX) {
		pr_err("netfront: backend %u still maps %u of our pages: not "
		       "connecting\n",
		       xb.be_id, gnttab_quarantined_for(xb.be_id));
		return -ENOBUFS;
	}
	nf.ops = &xen_ops;
	rc = netfront_rings_init(&nf, xb.be_id);
	if (rc)
		return rc;
	rc = bind_evtchn();
	if (rc) {
		netfront_rings_release(&nf);
		return rc;
	}
	rc = netfront_xb_publish(&xb, &nf);
	rc = rc ?: netfront_xb_await_connected(&xb, timeout_ns);
	if (rc) {
		/*
		 * The backend may have mapped the rings: close properly, but
		 * without waiting for one that is gone (XSA-465).
		 */
		teardown(rc == -ENOENT);
		return rc;
	}
	connected(mac);
	return 0;
}

int netfront_connect(uint64_t timeout_ns)
{
	uint64_t deadline = time_now_ns() + timeout_ns;
	int rc = 0;

	if (!xen_present() || !xs_connected() || hands_off)
		return -ENODEV;
	if (busy || !arch_irqs_enabled())
		return -EBUSY;
	busy = true;
	if (nf.rings_up && nf.state.broken)
		teardown(false);
	while (!nf.rings_up) {
		rc = connect_once(MAX(timeout_ns, BACKEND_WAIT_NS));
		if (rc != -ENODEV || time_now_ns() >= deadline)
			break;
		sleep_ns(PROBE_POLL_NS);
	}
	if (!rc)
		want_up = true;
	busy = false;
	return rc;
}

int netfront_disconnect(void)
{
	if (busy || !arch_irqs_enabled())
		return -EBUSY;
	busy = true;
	want_up = false;
	if (nf.rings_up)
		teardown(false);
	busy = false;
	return 0;
}

/* The backend's state changed: follow it. */
static void backend_changed(void)
{
	int st = netfront_xb_backend_state(&xb);

	/*
	 * XSA-465 (a backend that removed the device crashed netfront): a
	 * backend whose state node is gone is a closed one.  Tear down
	 * without waiting for it, release what it held, and connect again
	 * once a backend is back in InitWait, whenever that happens.
	 */
	if (BUGGY(XSA465) && st < 0)
		return;
	if (nf.rings_up && st != XenbusStateConnected &&
	    st != XenbusStateInitWait) {
		pr_info("netfront: backend %s is %s: closing\n", xb.be,
			st < 0 ? "gone" : xenbus_state_name(st));
		teardown(xenbus_gone(st));
		want_up = !nf.state.broken;
	} else if (!nf.rings_up && want_up && st == XenbusStateInitWait) {
		pr_info("netfront: backend %s is back: reconnecting\n", xb.be);
		connect_once(BACKEND_WAIT_NS);
	}
}

void netfront_service(void)
{
	if (!xen_present() || busy || !arch_irqs_enabled())
		return;
	busy = true;
	/* Watch callbacks run here and only note what changed. */
	xs_watch_poll();
	if (nf.rings_up && nf.state.broken) {
		teardown(false);
		want_up = false;
	} else if (xb.be_event) {
		xb.be_event = false;
		backend_changed();
	}
	busy = false;
}

/* ---- API ---- */

void netfront_poll(void)
{
	netfront_work(&nf);
	rx_pace();
	sync_netdev();
	netfront_service();
}

int netfront_xmit(const void *frame, size_t len)
{
	int rc = netfront_tx(&nf, frame, len);

	sync_netdev();
	return rc;
}

static int nd_xmit(struct netdev *dev, const void *frame, size_t len)
{
	return netfront_xmit(frame, len);
}

static void nd_poll(struct netdev *dev)
{
	netfront_poll();
}

static const struct netdev_ops nd_ops = {
    .xmit = nd_xmit,
    .poll = nd_poll,
};

void netfront_get_stats(struct netfront_stats *st)
{
	bool irq = netfront_lock();

	*st = nf.st;
	netfront_unlock(irq);
}

void netfront_get_state(struct netfront_state *s)
{
	bool irq = netfront_lock();

	*s = nf.state;
	netfront_unlock(irq);
}

struct netdev *netfront_netdev(void)
{
	return registered ? &ndev : NULL;
}

struct netfront *netfront_dev(void)
{
	return &nf;
}

bool netfront_get_baseline(struct netfront_baseline *b)
{
	*b = base;
	return base.valid;
}

static int netfront_init(void)
{
	ndev.name = "vif0";
	ndev.ops = &nd_ops;
	ndev.priv = &nf;
	nf.ops = &xen_ops;
	if (!xen_present() || !xs_connected())
		return -ENODEV;
	/* With a dom0 peer as backend its nodes may come a little late. */
	return netfront_connect(backend_late ? PEER_WAIT_NS : 0);
}
KINIT(KINIT_DEVICES, netfront_init);

void netfront_backend_late(void)
{
	backend_late = true;
}

void netfront_leave_alone(void)
{
	hands_off = true;
}
