/*
 * Suite `hostile_fe`, second part (hostile_fe_test.c brought every vif up
 * and started every attack): one test per mode asserts that the attack
 * really happened and classifies what the backend did, as far as a
 * frontend can see, then the end: in the scenario, attack until dom0
 * destroys us; without it, attack until the backend is busy with the
 * flood again, tear every vif down and check that every grant came back.
 */
#include "kernel/arch.h"
#include "kernel/time.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "tests/guest/dd_phase.h"
#include "tests/guest/hostile_fe_test.h"

#define FOREVER_NS (600 * HFE_SEC)

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
	(void)hfe_run(reacted, v, HFE_REACT_NS);
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

KTEST(hostile_fe, multislot_error)
{
	struct hfe_vif *v;

	NEED_VIF(v, HFE_MULTISLOT);
	KT_EXPECT(v->probe_ok);
	KT_ASSERT(v->attack_n == 2);
	KT_EXPECT(hfe_run(chains_answered, v, HFE_REACT_NS));
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
	KT_EXPECT(hfe_run(post_answered, v, HFE_REACT_NS));
	KT_ASSERT(v->post_sent);
	ktest_diag("single-slot frame after the chains: status %d",
		   v->tx.status[v->post_id]);
	KT_EXPECT_EQ(v->tx.status[v->post_id], NETIF_RSP_OKAY);
}

KTEST(hostile_fe, storm_sent)
{
	struct hfe_id_wait w;
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
		 hfe_run(hfe_id_answered, &w, 10 * HFE_SEC);
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
	(void)hfe_run(closemid_done, v, HFE_REACT_NS);
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
	KT_ASSERT(hfe_suite.up);
	if (!hfe_suite.in_scenario)
		KT_SKIP("no phase key: hostile_fe.hold_then_teardown instead");
	KT_EXPECT_EQ(dd_put("hostile", "verified"), 0);
	/* dom0 destroys us in the middle of this; it never returns there. */
	(void)hfe_run(NULL, NULL, FOREVER_NS);
	ktest_fail_at(__FILE__, __LINE__, "not destroyed within %lu s",
		      (unsigned long)(FOREVER_NS / HFE_SEC));
}

struct hold_wait {
	struct hfe_vif *flood;
	uint64_t answered;
};

/*
 * The hold's event: the backend answered more of the flood since the hold
 * began and the ring is full again, so the teardown below meets a backend
 * that is working on a full ring of our grants (the case a leak shows in),
 * not an idle one.  Without a flood vif only hostile_fe.hold ends it.
 */
static bool flood_busy_again(void *arg)
{
	struct hold_wait *w = arg;

	return w->flood && w->flood->tx.answered > w->answered &&
	       !hfe_tx_free(&w->flood->tx);
}

KTEST(hostile_fe, hold_then_teardown)
{
	struct hold_wait w = {.flood = hfe_find(HFE_FLOOD)};
	uint64_t posted, start = time_now_ns();
	unsigned int left = 0;
	bool busy;

	NEED_MODES();
	if (w.flood && !w.flood->flood)
		w.flood = NULL;
	posted = w.flood ? w.flood->flood->posted : 0;
	w.answered = w.flood ? w.flood->tx.answered : 0;
	if (hfe_suite.in_scenario)
		KT_SKIP("in the scenario: destroyed while attacking");
	KT_ASSERT(hfe_nvifs);
	busy = hfe_run(flood_busy_again, &w, hfe_suite.hold_s * HFE_SEC);
	if (w.flood)
		ktest_diag("flood: %lu more requests posted in %lu ms; %s",
			   (unsigned long)(w.flood->flood->posted - posted),
			   (unsigned long)((time_now_ns() - start) / 1000000),
			   busy ? "the backend answers it, the ring full again"
				: "hostile_fe.hold ended the hold");
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
	KT_EXPECT_EQ(hfe_refs_granted(), hfe_suite.refs_before);
}
