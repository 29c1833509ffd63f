/*
 * Suite `hostile_fe` (hostile_fe.h): the attacker of the driver-domain
 * scenario, domain dd-hostile, `test=hostile_fe hostile_fe.modes=...`.
 * This file: connect, start and flood_posted; each mode's verdict and the
 * end are in hostile_fe_modes_test.c, linked after it.
 *
 * connect and start bring every vif up and start every attack; then one
 * test per mode asserts that the attack really happened and classifies
 * what the backend did, as far as a frontend can see (SKIP when the mode
 * is not in the list).  In the scenario (a data/ktest/phase key) the suite
 * acks `flood` once every mode started, writes data/ktest/hostile =
 * verified after the per-mode tests, and its last test attacks until dom0
 * destroys the domain: no verdict is ever printed there.  Without the key
 * (against dom0's Linux netback, say) it attacks until the backend is
 * busy with the flood again (at most hostile_fe.hold=S seconds), tears
 * every vif down and checks that every grant came back.
 */
#include "kernel/cmdline.h"
#include "kernel/time.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "lib/errno.h"
#include "tests/guest/dd_phase.h"
#include "tests/guest/hostile_fe_test.h"

#define CONNECT_NS (30 * HFE_SEC)
#define HELD_NS	   (5 * HFE_SEC)
#define FLOOD_MIN  1024

struct hfe_suite hfe_suite = {.hold_s = 15};

static int set_hold(const char *value)
{
	uint64_t v;

	if (kstrtou64(value, strlen(value), 10, &v) || v > 3600)
		return -EINVAL;
	hfe_suite.hold_s = v;
	return 0;
}
KPARAM("hostile_fe.hold", set_hold);

uint32_t hfe_refs_granted(void)
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
	/*
	 * A group writes our phase before it unpauses us (tests/xen/group.sh
	 * dom_create: set_phase, then xl unpause), so one read tells: a grace
	 * period would only delay every run outside a group (hfe-linux: 5 s).
	 */
	hfe_suite.in_scenario = dd_phase_appears(0);
	ktest_diag("%u mode(s); %s", n,
		   hfe_suite.in_scenario
		       ? "in the driver-domain scenario"
		       : "no phase key: attacking for hostile_fe.hold");
	hfe_suite.refs_before = hfe_refs_granted();
	KT_ASSERT(hfe_discover(n, modes) == 0);
	for (unsigned int i = 0; i < hfe_nvifs; i++) {
		struct hfe_vif *v = &hfe_vifs[i];

		KT_EXPECT_EQ(hfe_vif_connect(v, CONNECT_NS), 0);
		ktest_diag("%s: %s, backend %s (domain %u), sg %u", v->dev,
			   hfe_mode_name(v->mode), v->be, v->be_id, v->be_sg);
	}
	hfe_suite.up = !ktest_failed();
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
	settled = hfe_run(all_settled, NULL, HFE_REACT_NS);
	started += start_where(is_closemid);
	started += start_where(is_flood);
	ktest_diag("%u of %u attacks started; %s before the flood", started,
		   hfe_nvifs,
		   settled ? "every reaction seen" : "reactions still missing");
	if (hfe_suite.in_scenario)
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
	(void)hfe_run(flood_done, &w, HFE_REACT_NS);
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
