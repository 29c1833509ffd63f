/*
 * XSA-396 (https://xenbits.xen.org/xsa/advisory-396.html): Linux's PV
 * frontends asked whether the backend still mapped a grant
 * (gnttab_query_foreign_access) and then ended access, ignoring that the
 * end could fail; a backend mapping the grant between the two kept a
 * mapping of a page the frontend went on to reuse.  The rule
 * (kernel/xen/gnttab/gnttab_core.c): ending access is one compare-and-exchange
 * on the entry's flags, which fails if Xen set GTF_reading/GTF_writing.
 *
 * Detection: the test plays a peer that maps the grant at exactly the
 * moment between looking and ending (gnttab_test_end_hook, interrupts
 * off, just before the end): we map our own grant into the window with
 * gnttab_map(), as a backend would.  Ending must then fail with -EBUSY
 * and leave the reference ours; BUGGY=xsa396 reports success and frees
 * the reference while it is mapped.
 */
#include "kernel/ktest.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "lib/errno.h"
#include "tests/guest/gnttab_selfmap.h"

static struct {
	grant_ref_t ref;
	domid_t self;
	struct gnttab_mapping map;
	int rc;
	bool fired;
} peer;

/* The peer maps the grant now: after any look, before the end. */
static void map_now(grant_ref_t ref)
{
	if (ref != peer.ref || peer.fired)
		return;
	peer.fired = true;
	peer.rc = gnttab_map(peer.self, ref, true, &peer.map);
}

static void expect_end_refused(bool and_free)
{
	struct gnttab_stats a, b;
	int rc;

	gnttab_get_stats(&a);
	gnttab_test_end_hook = map_now;
	/* The pool page is shared by every pool ref: never freed, NULL. */
	rc = and_free ? gnttab_end_access_and_free(peer.ref, NULL)
		      : gnttab_end_access(peer.ref);
	gnttab_test_end_hook = NULL;
	gnttab_get_stats(&b);
	KT_ASSERT(peer.fired);
	KT_ASSERT(peer.rc == 0);
	KT_EXPECT(peer.map.mapped);
	/* Mapped before the exchange: it must see it and refuse. */
	KT_EXPECT_EQ(rc, -EBUSY);
	KT_EXPECT_EQ(b.end_busy, a.end_busy + 1);
	KT_EXPECT_EQ(b.refs_free, a.refs_free);
	KT_EXPECT_EQ(gnttab_ref_quarantined(peer.ref), and_free && rc);
	KT_EXPECT_EQ(gnttab_unmap(&peer.map), 0);
	if (and_free && rc == -EBUSY) {
		/* The quarantine lets go now that nobody maps it. */
		gnttab_quarantine_poll();
		KT_EXPECT(!gnttab_ref_quarantined(peer.ref));
	} else if (rc == -EBUSY) {
		selfmap_pool_end(&peer.ref, 1);
	}
}

/* A fresh grant of ours to map; false after a SKIP (no domid). */
static bool setup(int *rc)
{
	peer.self = selfmap_pool_domid();
	if (peer.self == DOMID_SELF)
		return false;
	peer.fired = false;
	peer.rc = -1;
	peer.map = (struct gnttab_mapping){0};
	*rc = selfmap_pool_grant(&peer.ref, 1);
	return true;
}

KTEST(xsa396, map_between_look_and_end)
{
	int rc;

	if (!setup(&rc))
		return;
	KT_ASSERT(rc == 0);
	expect_end_refused(false);
}

KTEST(xsa396, map_between_look_and_end_and_free)
{
	int rc;

	if (!setup(&rc))
		return;
	KT_ASSERT(rc == 0);
	expect_end_refused(true);
}
