/*
 * Suite `netfront`, XSA-457 (netfront leaked memory on cleanup): with
 * netfront.cycles=N, close and reconnect the device N times against a
 * correct backend (Linux netback in nf-cycles-linux, hostile-netback good
 * in nf-cycles-hostile) and check that free pages, granted references
 * and the event channels Xen has open for us are where they started,
 * and that the device still carries traffic.  Counted from the
 * allocator, the grant table and Xen itself, not from netfront's own
 * bookkeeping (which a leak would get wrong too).  SKIP without the key.
 */
#include "kernel/cmdline.h"
#include "kernel/mm/mm.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/guest/netfront_test.h"

#define CYCLES_MAX 1000
/* Ports scanned in Xen: ours are allocated lowest first, far below. */
#define PORT_SCAN 1024

static unsigned int cycles;

static int set_cycles(const char *v)
{
	uint64_t n;
	int rc = kstrtou64(v, strlen(v), 10, &n);

	if (rc)
		return rc;
	if (!n || n > CYCLES_MAX)
		return -ERANGE;
	cycles = (unsigned int)n;
	return 0;
}
KPARAM("netfront.cycles", set_cycles);

struct counts {
	size_t free_pages;
	uint32_t refs;
	unsigned int ports;
};

static void count(struct counts *c)
{
	struct gnttab_stats g;
	struct mm_stats m;

	gnttab_quarantine_poll();
	gnttab_get_stats(&g);
	mm_get_stats(&m);
	c->free_pages = m.free_pages;
	c->refs = g.refs_granted;
	c->ports = evtchn_ports_open(PORT_SCAN);
}

/*
 * A frame not answered within KICK_NS: the TX ring's state goes to the
 * log and the backend is notified again; answered then, it counts as
 * `renotified` (a lost kick, not a hang).  Still unanswered, it is a
 * stall: counted (the test fails), and the cycles go on, so the log says
 * whether a fresh connection recovers.  Seen on 4.20 only (Linux 6.12
 * netback in dom0; tests/xen/README.md, Xen 4.20): the ring read
 * req_prod 1, req_event still its initial 1, rsp_prod 0, the backend
 * Connected, a second notify useless.  The guest cannot see what netback
 * holds, so at each step it asks dom0 for its view (dom0_dump()).
 */
#define KICK_NS (2000 * NFT_MS)
static unsigned int renotified, stalls, kicked_ok, cycle_no;

static void dump_tx_ring(const char *what)
{
	struct netfront *nf = netfront_dev();
	char be[128] = "", st[8] = "?", port[12] = "";
	uint64_t p = 0;
	RING_IDX pvt, req, req_ev, cons, rsp, rsp_ev;
	bool irq;

	irq = netfront_lock();
	pvt = nf->tx.req_prod_pvt;
	req = nf->tx.sring->req_prod;
	req_ev = nf->tx.sring->req_event;
	cons = nf->tx.rsp_cons;
	rsp = nf->tx.sring->rsp_prod;
	rsp_ev = nf->tx.sring->rsp_event;
	netfront_unlock(irq);
	if (xs_read(XS_TXN_NIL, "device/vif/0/backend", be, sizeof(be)) >= 0) {
		char path[sizeof(be) + 8];

		snprintf(path, sizeof(path), "%s/state", be);
		if (xs_read(XS_TXN_NIL, path, st, sizeof(st)) < 0)
			snprintf(st, sizeof(st), "gone");
	}
	if (xs_read(XS_TXN_NIL, "device/vif/0/event-channel", port,
		    sizeof(port)) < 0 ||
	    kstrtou64(port, strlen(port), 10, &p))
		p = 0;
	ktest_diag("cycle %u: tx frame %s: req_prod_pvt %u req_prod %u "
		   "req_event %u rsp_cons %u rsp_prod %u rsp_event %u; port "
		   "%lu pending %d; backend state %s",
		   cycle_no, what, pvt, req, req_ev, cons, rsp, rsp_ev,
		   (unsigned long)p,
		   p ? evtchn_is_pending((evtchn_port_t)p) : -1, st);
}

/*
 * dom0's side (tests/peer/nfdiag.sh, the row's peer): we write
 * "stall<stage> c<cycle>" to our data/ktest/nfdiag; it prints what Linux
 * netback sees of the connection (stage 2: then kicks netback's queue
 * through debugfs) and answers "dumped<stage> c<cycle>".  Without that
 * peer nobody answers and we go on after DOM0_WAIT_NS.
 */
#define DIAG_KEY     "data/ktest/nfdiag"
#define DOM0_WAIT_NS (20000 * NFT_MS)

static void dom0_dump(unsigned int stage)
{
	char say[32], want[32], got[32];
	uint64_t end = time_now_ns() + DOM0_WAIT_NS;
	int n;

	snprintf(say, sizeof(say), "stall%u c%u", stage, cycle_no);
	snprintf(want, sizeof(want), "dumped%u c%u", stage, cycle_no);
	if (xs_write(XS_TXN_NIL, DIAG_KEY, say))
		return;
	while (time_now_ns() < end) {
		n = xs_read(XS_TXN_NIL, DIAG_KEY, got, sizeof(got));
		if (n >= 0 && !strcmp(got, want))
			return;
		sleep_ns(100 * NFT_MS);
	}
	ktest_diag("cycle %u: no dom0 dump for %s", cycle_no, say);
}

/*
 * One frame on each connection: its page comes back to the pool when it
 * is answered, so every teardown has a pool to give back (XSA-457's
 * leak), not only those after the backend happened to send us something
 * (about one in two with Linux netback): the leak is then at least a page
 * a cycle, and a few cycles show it (xsa457-linux).
 */
static int cycle_frame(void)
{
	struct netfront *nf = netfront_dev();
	int rc = nft_send_test(60, 0x57);

	if (rc || nft_wait_rings(nft_tx_idle, NULL, KICK_NS))
		return rc;
	dump_tx_ring("unanswered for 2 s");
	dom0_dump(1);
	renotified++;
	nf->ops->notify(nf->ctx);
	if (nft_wait_rings(nft_tx_idle, NULL, NFT_TIMEOUT_NS - KICK_NS))
		return 0;
	stalls++;
	dump_tx_ring("still unanswered after a second notify");
	dom0_dump(2);
	if (nft_wait_rings(nft_tx_idle, NULL, KICK_NS)) {
		kicked_ok++;
		ktest_diag("cycle %u: answered after dom0's debugfs kick",
			   cycle_no);
	} else {
		dump_tx_ring("still unanswered after dom0's kick");
	}
	return 0;
}

KTEST(netfront, connect_cycles_no_leak)
{
	struct netfront_stats st0, st;
	struct counts a, b;
	unsigned int done = 0;
	uint64_t t0;
	int rc = 0;

	if (!cycles)
		KT_SKIP("needs netfront.cycles=N");
	NFT_NEED_GOOD();
	renotified = stalls = kicked_ok = 0;
	/* Counted with the device down: nothing of a connection held. */
	KT_ASSERT(netfront_disconnect() == 0);
	netfront_get_stats(&st0);
	count(&a);
	t0 = time_now_ns();
	while (done < cycles) {
		cycle_no = done + 1;
		rc = netfront_connect(NFT_CONNECT_NS);
		if (!rc)
			rc = cycle_frame();
		if (!rc)
			rc = netfront_disconnect();
		if (rc)
			break;
		done++;
	}
	count(&b);
	if (netfront_connect(NFT_CONNECT_NS))
		rc = rc ?: -ENOTCONN;
	netfront_get_stats(&st);
	ktest_diag(
	    "%u of %u cycles in %lu ms (rc %d); free pages %lu -> %lu, "
	    "grants %u -> %u, open ports %u -> %u, quarantined %lu, "
	    "frames notified twice %u, stalls %u, served after a dom0 kick %u",
	    done, cycles, (unsigned long)((time_now_ns() - t0) / NFT_MS), rc,
	    (unsigned long)a.free_pages, (unsigned long)b.free_pages, a.refs,
	    b.refs, a.ports, b.ports,
	    (unsigned long)(st.quarantined_pages - st0.quarantined_pages),
	    renotified, stalls, kicked_ok);
	KT_EXPECT_EQ(done, cycles);
	KT_EXPECT_EQ(st.connects, st0.connects + done + 1);
	KT_EXPECT_EQ(rc, 0);
	KT_EXPECT_EQ(b.free_pages, a.free_pages);
	KT_EXPECT_EQ(b.refs, a.refs);
	KT_EXPECT_EQ(b.ports, a.ports);
	KT_EXPECT_EQ(st.quarantined_pages, st0.quarantined_pages);
	/* And what is left still works both ways. */
	KT_EXPECT(nft_provoke_rx(1));
	KT_EXPECT(nft_wait_tx_idle());
	/*
	 * 4.20's stall (tests/xen/README.md, "Xen 4.20"): every stalled frame
	 * was served the moment dom0 ran netback's interrupt handler by hand,
	 * netback's end of the channel having taken one interrupt since its
	 * bind and none for our notifies: the backend's lost EOI, not a leak
	 * and not our handshake.  Named, and never a pass (the row's ran=
	 * check fails a SKIP).  A stall the kick did not serve fails.
	 */
	if (stalls && kicked_ok == stalls && !ktest_failed())
		KT_SKIP(
		    "Linux netback stall: its event channel stayed masked "
		    "after a reconnect, served only by its debugfs kick; no "
		    "leak");
	KT_EXPECT_EQ(stalls, 0);
}
