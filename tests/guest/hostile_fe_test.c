/*
 * Suite `hostile_fe` (hostile_fe.h): the attacker of the driver-domain
 * scenario, domain dd-hostile, `test=hostile_fe hostile_fe.modes=...`.
 *
 * connect and start bring every vif up and start every attack; then one
 * test per mode asserts that the attack really happened and classifies
 * what the backend did, as far as a frontend can see (SKIP when the mode
 * is not in the list).  In the scenario (a data/ktest/phase key) the suite
 * acks `flood` once every mode started, writes data/ktest/hostile =
 * verified after the per-mode tests, and its last test attacks until dom0
 * destroys the domain: no verdict is ever printed there.  Without the key
 * (against dom0's Linux netback, say) it attacks for hostile_fe.hold=S
 * seconds, tears every vif down and checks that every grant came back.
 */
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "lib/errno.h"
#include "tests/guest/dd_phase.h"
#include "tests/guest/hostile_fe.h"

#define CONNECT_NS (30 * HFE_SEC)
#define REACT_NS   (20 * HFE_SEC)
#define HELD_NS	   (5 * HFE_SEC)
#define FOREVER_NS (600 * HFE_SEC)
#define PHASE_NS   (5 * HFE_SEC)
#define FLOOD_MIN  1024

static uint64_t hold_s = 15;
static bool in_scenario, up;
static uint32_t refs_before;

static int set_hold(const char *value)
{
	uint64_t v;

	if (kstrtou64(value, strlen(value), 10, &v) || v > 3600)
		return -EINVAL;
	hold_s = v;
	return 0;
}
KPARAM("hostile_fe.hold", set_hold);

#define NEED_MODES()                                                           \
	do {                                                                   \
		const uint8_t *m_;                                             \
		if (!xen_present())                                            \
			KT_SKIP("not running under Xen");                      \
		if (!hfe_modes(&m_))                                           \
			KT_SKIP("needs hostile_fe.modes=");                    \
	} while (0)

/* The vif of `mode`, started, or SKIP / FAIL. */
#define NEED_VIF(v, mode)                                                      \
	do {                                                                   \
		NEED_MODES();                                                  \
		(v) = hfe_find(mode);                                          \
		if (!(v))                                                      \
			KT_SKIP("mode not in hostile_fe.modes");               \
		KT_ASSERT((v)->started);                                       \
	} while (0)

static uint32_t refs_granted(void)
{
	struct gnttab_stats g;

	gnttab_get_stats(&g);
	return g.refs_granted;
}

KTEST(hostile_fe, connect)
{
	const uint8_t *modes;
	unsigned int n;

	NEED_MODES();
	n = hfe_modes(&modes);
	/* dom0 writes our phase before unpausing us; allow it a moment. */
	in_scenario = dd_phase_appears(PHASE_NS);
	ktest_diag("%u mode(s); %s", n,
		   in_scenario ? "in the driver-domain scenario"
			       : "no phase key: attacking for hostile_fe.hold");
	refs_before = refs_granted();
	KT_ASSERT(hfe_discover(n, modes) == 0);
	for (unsigned int i = 0; i < hfe_nvifs; i++) {
		struct hfe_vif *v = &hfe_vifs[i];

		KT_EXPECT_EQ(hfe_vif_connect(v, CONNECT_NS), 0);
		ktest_diag("%s: %s, backend %s (domain %u), sg %u", v->dev,
			   hfe_mode_name(v->mode), v->be, v->be_id, v->be_sg);
	}
	up = !ktest_failed();
}

/* The attacks with a bad part have shown their effect (or time is up). */
static bool all_settled(void *arg)
{
	uint64_t now = time_now_ns();

	for (unsigned int i = 0; i < hfe_nvifs; i++)
		if (!hfe_settled(&hfe_vifs[i], now))
			return false;
	return true;
}

static unsigned int start_where(bool (*pick)(unsigned int mode))
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < hfe_nvifs; i++) {
		struct hfe_vif *v = &hfe_vifs[i];

		if (!pick(v->mode))
			continue;
		KT_EXPECT_EQ(hfe_start(v), 0);
		n += v->started;
	}
	return n;
}

static bool is_norx(unsigned int m)
{
	return m == HFE_NORX;
}

static bool is_probed(unsigned int m)
{
	return m != HFE_NORX && m != HFE_FLOOD && m != HFE_CLOSEMID;
}

static bool is_closemid(unsigned int m)
{
	return m == HFE_CLOSEMID;
}

static bool is_flood(unsigned int m)
{
	return m == HFE_FLOOD;
}

KTEST(hostile_fe, start)
{
	unsigned int started = 0;
	bool settled;

	NEED_MODES();
	KT_ASSERT(hfe_nvifs);
	/*
	 * Order matters.  The backend's quota is per domain: once the flood
	 * runs, every other vif of ours is refused maps too, and an ERROR
	 * could no longer be told from a refusal of the bad request itself.
	 * So: norx announces itself (the flood aims at its MAC), the probed
	 * attacks run and show their effect, closemid, and the flood last.
	 */
	started += start_where(is_norx);
	started += start_where(is_probed);
	settled = hfe_run(all_settled, NULL, REACT_NS);
	started += start_where(is_closemid);
	started += start_where(is_flood);
	ktest_diag("%u of %u attacks started; %s before the flood", started,
		   hfe_nvifs,
		   settled ? "every reaction seen" : "reactions still missing");
	if (in_scenario)
		KT_EXPECT_EQ(dd_ack(DD_FLOOD), 0);
	KT_EXPECT_EQ(started, hfe_nvifs);
}

struct flood_wait {
	struct hfe_vif *v;
	uint64_t since;
	bool held;
};

/* Enough distinct references posted, or the backend holds a full ring. */
static bool flood_done(void *arg)
{
	struct flood_wait *w = arg;
	struct hfe_vif *v = w->v;
	uint64_t now = time_now_ns(), last = v->tx.last_rsp_ns;

	if (v->flood->distinct >= FLOOD_MIN)
		return true;
	w->held = !hfe_tx_free(&v->tx) && now - MAX(last, w->since) >= HELD_NS;
	return w->held;
}

KTEST(hostile_fe, flood_posted)
{
	struct flood_wait w = {.since = time_now_ns()};
	struct hfe_vif *v;
	struct hfe_flood *f;

	NEED_VIF(v, HFE_FLOOD);
	w.v = v;
	f = v->flood;
	(void)hfe_run(flood_done, &w, REACT_NS);
	ktest_diag("%u grants to domain %u; %lu requests posted with %u "
		   "distinct refs; ring full %lu times; %u in flight",
		   v->flood_granted, v->be_id, (unsigned long)f->posted,
		   f->distinct, (unsigned long)f->ring_full,
		   hfe_tx_inflight(&v->tx));
	ktest_diag("backend answered %lu: okay %lu error %lu dropped %lu; %s",
		   (unsigned long)v->tx.answered, (unsigned long)v->tx.okay,
		   (unsigned long)v->tx.error, (unsigned long)v->tx.dropped,
		   w.held ? "it now holds a full ring unanswered"
			  : "it keeps answering");
	/* Far more grants than any quota, all valid at once. */
	KT_EXPECT(v->flood_granted >= FLOOD_MIN);
	/* The ring was filled to the last slot... */
	KT_EXPECT(f->ring_full > 0);
	/* ...every request with its own reference until the cycle wrapped */
	KT_EXPECT_EQ(f->distinct, MIN(f->posted, (uint64_t)f->nrefs));
	/* ...and either >= 1024 distinct refs went out, or it stopped us. */
	KT_EXPECT(f->distinct >= FLOOD_MIN || w.held);
	KT_EXPECT_EQ(v->tx.prod_bad + v->tx.bad_id, 0);
}

static bool reacted(void *arg)
{
	return hfe_reaction(arg, time_now_ns()) != HFE_R_NONE;
}

/* Wait for the backend's reaction to v's bad requests; the verdict. */
static void expect_rejected(struct hfe_vif *v, unsigned int n_bad,
			    bool error_ok)
{
	enum hfe_reaction r;

	KT_EXPECT(v->probe_ok);
	KT_EXPECT_EQ(v->attack_n, n_bad);
	(void)hfe_run(reacted, v, REACT_NS);
	r = hfe_reaction(v, time_now_ns());
	ktest_diag("%s: %u bad request(s) posted; backend: %s (okay %lu "
		   "error %lu dropped %lu, state %d)",
		   v->dev, v->attack_n, hfe_reaction_name(r),
		   (unsigned long)v->tx.okay, (unsigned long)v->tx.error,
		   (unsigned long)v->tx.dropped, v->be_state_seen);
	KT_EXPECT(r == HFE_R_CLOSED || r == HFE_R_DEAD ||
		  (error_ok && r == HFE_R_ERROR));
}

KTEST(hostile_fe, badref_rejected)
{
	struct hfe_vif *v;

	NEED_VIF(v, HFE_BADREF);
	expect_rejected(v, 2, true);
}

KTEST(hostile_fe, badsize_rejected)
{
	struct hfe_vif *v;

	NEED_VIF(v, HFE_BADSIZE);
	expect_rejected(v, 3, true);
}

KTEST(hostile_fe, prodjump_rejected)
{
	struct hfe_vif *v;

	NEED_VIF(v, HFE_PRODJUMP);
	expect_rejected(v, 1, true);
}

static bool chains_answered(void *arg)
{
	return hfe_chains_answered(arg);
}

static bool post_answered(void *arg)
{
	return hfe_settled(arg, time_now_ns());
}

struct id_wait {
	struct hfe_vif *v;
	uint16_t id;
};

static bool id_answered(void *arg)
{
	struct id_wait *w = arg;

	return w->v->tx.status[w->id] != HFE_ST_PENDING;
}

KTEST(hostile_fe, multislot_error)
{
	struct hfe_vif *v;

	NEED_VIF(v, HFE_MULTISLOT);
	KT_EXPECT(v->probe_ok);
	KT_ASSERT(v->attack_n == 2);
	KT_EXPECT(hfe_run(chains_answered, v, REACT_NS));
	for (unsigned int k = 0; k < v->attack_n; k++) {
		uint16_t id = v->attack_id[k];
		int16_t first = v->tx.status[id];

		ktest_diag("%u-slot chain: status %d (backend sg %u)",
			   v->attack_slots[k], first, v->be_sg);
		/* One verdict per chain, never a misparse of its slots. */
		for (unsigned int s = 1; s < v->attack_slots[k]; s++) {
			int16_t st = v->tx.status[(id + s) % HFE_TX_RING_SIZE];

			KT_EXPECT(st == first || st == NETIF_RSP_NULL);
		}
		/* A backend without scatter-gather must refuse the chain. */
		if (!v->be_sg)
			KT_EXPECT_EQ(first, NETIF_RSP_ERROR);
		else
			KT_EXPECT(first == NETIF_RSP_ERROR ||
				  first == NETIF_RSP_OKAY);
	}
	KT_EXPECT_EQ(v->tx.prod_bad + v->tx.bad_id, 0);
	/* A clean refusal leaves the device working (sent before the flood) */
	KT_EXPECT(hfe_run(post_answered, v, REACT_NS));
	KT_ASSERT(v->post_sent);
	ktest_diag("single-slot frame after the chains: status %d",
		   v->tx.status[v->post_id]);
	KT_EXPECT_EQ(v->tx.status[v->post_id], NETIF_RSP_OKAY);
}

KTEST(hostile_fe, storm_sent)
{
	struct id_wait w;
	struct hfe_vif *v;
	bool served;

	NEED_VIF(v, HFE_STORM);
	KT_EXPECT(v->probe_ok);
	(void)hfe_run(NULL, NULL, HFE_SEC);
	/* Every notification went out on a live port. */
	KT_EXPECT(v->storm_sent >= 20000);
	KT_EXPECT_EQ(v->storm_fail, 0);
	/* Backed off or not, the device is not broken: informational. */
	w.v = v;
	served = !hfe_send_frame(v, 60, &w.id) &&
		 hfe_run(id_answered, &w, 10 * HFE_SEC);
	ktest_diag("%lu notifications with no work; a frame sent during the "
		   "storm (and the flood) got %s %d",
		   (unsigned long)v->storm_sent,
		   served ? "status" : "no answer within 10 s",
		   served ? v->tx.status[w.id] : 0);
}

KTEST(hostile_fe, norx_no_rx)
{
	struct hfe_vif *v;

	NEED_VIF(v, HFE_NORX);
	(void)hfe_run(NULL, NULL, 2 * HFE_SEC);
	ktest_diag("%lu announcements, %lu answered okay; RX posted %u, RX "
		   "rsp_prod %u",
		   (unsigned long)v->announces, (unsigned long)v->tx.okay,
		   v->rx.req_prod_pvt, v->rx_prod_last);
	/* The backend serves its TX... */
	KT_EXPECT(v->announces >= 1);
	KT_EXPECT(v->tx.okay >= 1);
	/* ...while we never gave it an RX buffer (XSA-392 class)... */
	KT_EXPECT_EQ(v->rx.req_prod_pvt, 0);
	KT_EXPECT_EQ(v->rx.sring->req_prod, 0);
	/* ...and it never wrote an RX response it had no request for. */
	KT_EXPECT_EQ(v->rx_prod_last, 0);
}

static bool closemid_done(void *arg)
{
	return ((struct hfe_vif *)arg)->closemid_step == 3;
}

KTEST(hostile_fe, closemid_clean)
{
	struct hfe_vif *v;

	NEED_VIF(v, HFE_CLOSEMID);
	(void)hfe_run(closemid_done, v, REACT_NS);
	ktest_diag("%s: Closing with %u request(s) in flight; backend state "
		   "%d; step %d",
		   v->dev, v->closemid_inflight, v->be_state_seen,
		   v->closemid_step);
	/* The hang of every sixth group (arch.wakeup_before_hlt_not_slept) */
	ktest_diag("%llu wake-up(s) taken before the idle hlt since boot",
		   (unsigned long long)arch_idle_wakeups());
	/* The disconnect really came under requests in flight... */
	KT_EXPECT(v->closemid_inflight > 0);
	/* ...the backend closed, and unmapped every grant (all ended). */
	KT_EXPECT_EQ(v->closemid_step, 3);
}

KTEST(hostile_fe, attack_until_destroyed)
{
	NEED_MODES();
	KT_ASSERT(up);
	if (!in_scenario)
		KT_SKIP("no phase key: hostile_fe.hold_then_teardown instead");
	KT_EXPECT_EQ(dd_put("hostile", "verified"), 0);
	/* dom0 destroys us in the middle of this; it never returns there. */
	(void)hfe_run(NULL, NULL, FOREVER_NS);
	ktest_fail_at(__FILE__, __LINE__, "not destroyed within %lu s",
		      (unsigned long)(FOREVER_NS / HFE_SEC));
}

KTEST(hostile_fe, hold_then_teardown)
{
	struct hfe_vif *flood;
	uint64_t posted;
	unsigned int left = 0;

	NEED_MODES();
	flood = hfe_find(HFE_FLOOD);
	posted = flood && flood->flood ? flood->flood->posted : 0;
	if (in_scenario)
		KT_SKIP("in the scenario: destroyed while attacking");
	KT_ASSERT(hfe_nvifs);
	(void)hfe_run(NULL, NULL, hold_s * HFE_SEC);
	if (flood && flood->flood)
		ktest_diag("flood: %lu more requests posted in %lu s",
			   (unsigned long)(flood->flood->posted - posted),
			   (unsigned long)hold_s);
	for (unsigned int i = 0; i < hfe_nvifs; i++) {
		struct hfe_vif *v = &hfe_vifs[i];
		enum xenbus_state st;
		unsigned int n;

		if (v->closemid_step == 3)
			continue;
		(void)hfe_vif_state(v, XenbusStateClosing);
		if (xenbus_wait_state(v->be,
				      XENBUS_STATE_BIT(XenbusStateClosing) |
					  XENBUS_STATE_BIT(XenbusStateClosed),
				      &st, 5 * HFE_SEC))
			ktest_diag("%s: backend did not close (%s)", v->dev,
				   xenbus_state_name(st));
		(void)hfe_vif_state(v, XenbusStateClosed);
		n = hfe_vif_release(v, 10 * HFE_SEC);
		if (n)
			ktest_diag(
			    "%s: %u grant(s) still mapped by the backend",
			    v->dev, n);
		left += n;
	}
	/* Every grant of every vif ended: the backend unmapped them all. */
	KT_EXPECT_EQ(left, 0);
	KT_EXPECT_EQ(refs_granted(), refs_before);
}
