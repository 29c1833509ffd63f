/*
 * Suite `xsa300`: Xen Security Advisory 300, "Linux: No grant table and
 * foreign mapping limits", https://xenbits.xen.org/xsa/advisory-300.html
 *
 * The bug: a backend mapped whatever grants its frontends sent, with no
 * bound per frontend nor in total, ballooning out RAM for the mappings; a
 * malicious frontend could fill Xen's maptrack table or exhaust the
 * backend's memory and starve every other guest it served.
 *
 * The rule (kernel/xen/gnttab/gnttab_map.c, gnttab_quota.c): mappings live only
 * in frames of the reserved window; a per-peer quota and a global cap are
 * checked before anything is taken, and exceeding either is -ENOSPC at
 * once; Xen's own refusals (GNTST_no_space when maptrack is full, bad
 * references) are clean errors.
 *
 * Detection here (unit level, one domain): we grant a page to ourselves
 * many times and map the grants back through the map layer
 * (gnttab_selfmap.h), against Xen's real map, unmap and maptrack.  The
 * quota is keyed by the granting domain, so our one domain is one
 * frontend: these tests show its quota, the cap and Xen's maptrack
 * refusal.  "One frontend floods, the others are still served" needs
 * other domains: the driver-domain scenario
 * (drivers/netback/, tests/guest/netback_*_test.c: xsa300.hostile_*,
 * xsa300.good_frontends_served) proves it with real frontends, and the
 * host suite gnttab_quota with two domids.  On a BUGGY=xsa300 build (no
 * quota, no cap) these tests fail.
 *
 * There was an xsa300.memory_flat here; it could not fail for the reason
 * in its name (mappings go into the window with or without the quota, so
 * on BUGGY=xsa300 it failed only on the quota refusal), and was removed
 * (issue 9).  Memory is measured where a backend spends it: the
 * driver-domain scenario's xsa300.backend_memory_flat.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/expect.h"
#include "tests/guest/gnttab_selfmap.h"

/* Attempts past a refusal, each of which must be refused too. */
#define EXTRA 8

static struct {
	domid_t self;
	grant_ref_t *refs; /* all to the pool page */
	unsigned int nr_refs, next_ref;
	struct gnttab_mapping *m;
	unsigned int nr_m;
} x;

static void teardown(void);

/* `n` references to the pool page, and room for `n` mappings. */
static bool setup(unsigned int n)
{
	memset(&x, 0, sizeof(x));
	x.self = selfmap_pool_domid();
	if (x.self == DOMID_SELF)
		return false; /* skipped */
	x.refs = mm_alloc(n * sizeof(*x.refs));
	x.m = mm_zalloc(n * sizeof(*x.m));
	if (!x.refs || !x.m || selfmap_pool_grant(x.refs, n)) {
		ktest_fail_at(__FILE__, __LINE__, "no room for %u maps", n);
		teardown();
		return false;
	}
	x.nr_refs = n;
	return true;
}

static void unmap_all(void)
{
	for (unsigned int i = 0; i < x.nr_m; i++)
		if (x.m[i].mapped)
			KT_EXPECT_EQ(gnttab_unmap(&x.m[i]), 0);
	x.nr_m = 0;
}

static void teardown(void)
{
	if (x.m)
		unmap_all();
	selfmap_pool_end(x.refs, x.nr_refs);
	mm_free(x.m);
	mm_free(x.refs);
}

/*
 * Map as `who` until refused, at most `max` successes; returns them and
 * the refusal in *rc (0 if none).  Then EXTRA more attempts, all of which
 * must be refused with the same error.
 */
static unsigned int flood(unsigned int max, int *rc)
{
	unsigned int ok = 0;

	*rc = 0;
	while (ok < max && x.next_ref < x.nr_refs) {
		*rc =
		    gnttab_map(x.self, x.refs[x.next_ref], false, &x.m[x.nr_m]);
		if (*rc)
			break;
		x.next_ref++;
		x.nr_m++;
		ok++;
	}
	for (unsigned int i = 0; *rc && i < EXTRA; i++) {
		struct gnttab_mapping spare = {0};

		KT_EXPECT_EQ(
		    gnttab_map(x.self, x.refs[x.next_ref], false, &spare), *rc);
		if (spare.mapped)
			KT_EXPECT_EQ(gnttab_unmap(&spare), 0);
	}
	return ok;
}

static struct gnttab_map_stats stats(void)
{
	struct gnttab_map_stats st;

	gnttab_map_get_stats(&st);
	return st;
}

static struct gnttab_map_limits limits(void)
{
	struct gnttab_map_limits l;

	gnttab_map_get_limits(&l);
	return l;
}

KTEST(xsa300, per_peer_quota)
{
	struct gnttab_map_stats a = stats(), b;
	struct gnttab_map_limits l = limits();
	uint64_t used;
	unsigned int n;
	int rc;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	if (l.quota > l.cap)
		KT_SKIP("quota above the cap: the cap is tested instead");
	if (!setup(l.quota + EXTRA + 1))
		return;
	/* After the grants: the table may have grown into the window. */
	used = xen_window_used();
	n = flood(l.quota + EXTRA, &rc);
	b = stats();
	KT_EXPECT_EQ(n, l.quota);
	KT_EXPECT_EQ(rc, -ENOSPC);
	KT_EXPECT_EQ(b.refused_quota, a.refused_quota + 1 + EXTRA);
	KT_EXPECT_EQ(b.refused_xen, a.refused_xen);
	KT_EXPECT_EQ(gnttab_map_count(x.self), n);
	KT_EXPECT_EQ(xen_window_used(), used + n);
	/* One mapping given back: exactly one more, then refused again. */
	KT_ASSERT(n > 0);
	KT_EXPECT_EQ(gnttab_unmap(&x.m[n - 1]), 0);
	KT_EXPECT_EQ(gnttab_map(x.self, x.refs[n - 1], false, &x.m[n - 1]), 0);
	KT_EXPECT_EQ(flood(1, &rc), 0);
	ktest_diag("quota %u: %u mapped, then %d", l.quota, n, rc);
	teardown();
	KT_EXPECT_EQ(xen_window_used(), used);
}

KTEST(xsa300, global_cap)
{
	struct gnttab_map_stats a = stats(), b;
	struct gnttab_map_limits l = limits();
	uint32_t cap = l.cap;
	unsigned int n;
	int rc;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	/* One granting domain reaches the cap only below its quota. */
	if (cap >= l.quota)
		cap = l.quota / 2;
	if (!cap)
		KT_SKIP("quota of 1: no cap below it to show");
	if (!setup(cap + EXTRA + 1))
		return;
	gnttab_map_set_limits(l.quota, cap);
	n = flood(cap + EXTRA, &rc);
	b = stats();
	gnttab_map_set_limits(l.quota, l.cap);
	KT_EXPECT_EQ(n, cap);
	KT_EXPECT_EQ(rc, -ENOSPC);
	KT_EXPECT_EQ(b.refused_cap, a.refused_cap + 1 + EXTRA);
	KT_EXPECT_EQ(b.refused_quota, a.refused_quota);
	KT_EXPECT_EQ(b.mapped, a.mapped + cap);
	ktest_diag("cap %u (configured %u, quota %u): %u mapped, then %d", cap,
		   l.cap, l.quota, n, rc);
	teardown();
}

/*
 * Xen's maptrack full.  The scenario with a small max_maptrack_frames
 * sets gnttab.expect_maptrack_full=1 and a quota below what that
 * maptrack holds: the flood must first be stopped by the quota (on a
 * build without quotas it runs on into Xen's limit, the XSA-300
 * starvation).  Then the test lifts the quota and cap itself and goes on
 * until Xen answers GNTST_no_space, which must be a clean -ENOSPC with
 * nothing leaked.  Elsewhere maptrack is far bigger than our window, so
 * the test can only SKIP after the quota part.
 */
KTEST(xsa300, maptrack_full)
{
	struct gnttab_map_stats a = stats(), b;
	struct gnttab_map_limits l = limits();
	struct gnttab_mapping one = {0};
	uint64_t used;
	unsigned int na, nb, bound = xen_info.window_frames;
	int rca, rcb;

	if (!setup(bound + EXTRA + 2))
		return;
	used = xen_window_used();
	na = flood(bound, &rca);
	b = stats();
	if (b.refused_quota == a.refused_quota &&
	    b.refused_cap == a.refused_cap) {
		ktest_fail_at(__FILE__, __LINE__,
			      "flood not stopped by our limits: %u mapped, "
			      "then %d (Xen no_space %lu, window %lu)",
			      na, rca, b.xen_no_space - a.xen_no_space,
			      b.refused_window - a.refused_window);
		teardown();
		return;
	}
	if (!expect_maptrack_full()) {
		teardown();
		KT_SKIP("maptrack not small here: our quota stopped the "
			"flood first");
	}
	gnttab_map_set_limits(bound, bound);
	nb = flood(bound, &rcb);
	b = stats();
	gnttab_map_set_limits(l.quota, l.cap);
	KT_EXPECT_EQ(rcb, -ENOSPC);
	KT_EXPECT_EQ(b.xen_no_space, a.xen_no_space + 1 + EXTRA);
	KT_EXPECT_EQ(b.mapped, a.mapped + na + nb);
	KT_EXPECT_EQ(xen_window_used(), used + na + nb);
	ktest_diag("maptrack full after %u mappings (%u until our quota, %u "
		   "with it lifted): GNTST_no_space -> %d",
		   na + nb, na, nb, rcb);
	/* One slot freed in Xen: a map succeeds again. */
	KT_ASSERT(na > 0);
	KT_EXPECT_EQ(gnttab_unmap(&x.m[0]), 0);
	gnttab_map_set_limits(bound, bound);
	KT_EXPECT_EQ(gnttab_map(x.self, x.refs[x.next_ref], false, &one), 0);
	gnttab_map_set_limits(l.quota, l.cap);
	if (one.mapped)
		KT_EXPECT_EQ(gnttab_unmap(&one), 0);
	teardown();
	KT_EXPECT_EQ(xen_window_used(), used);
}
