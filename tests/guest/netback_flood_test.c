/*
 * Suites `xsa300` (driver-domain part) and `netback` (second part): the
 * advisory with real frontend domains.  XSA-300
 * (https://xenbits.xen.org/xsa/advisory-300.html): a backend with no bound
 * on what it maps for its frontends is exhausted by one hostile frontend,
 * and every guest it serves starves with it.  Here dd-hostile (our kernel
 * in attack mode, one vif per mode) floods the backend with grants while
 * dd-linux and dd-fe keep measuring their service.  Measured in the
 * backend during phase `flood`:
 *   hostile_frontend_quota  the hostile domid's maps were refused at its
 *       quota (counted for it), it never held more than the quota, and Xen
 *       never refused one of its maps (maptrack never exhausted by it)
 *   good_frontends_served   the good frontends' frames kept flowing (at
 *       least GOOD_MIN_FRAMES each in the window) with no map refused
 *   backend_memory_flat     free pages and heap within MEM_SLACK_PAGES of
 *       the value before the flood, and the frames backing foreign maps
 *       (window frames, our analogue of the pages Linux spent per mapping
 *       in XSA-300) never more than the cap, at every sample
 * and after `xl destroy dd-hostile` (phase `after`):
 *   released_after_destroy  its vifs, mappings and ports all gone
 *   netback.bad_request_rejected  each hostile mode got its reaction
 *   netback.no_leak_after_teardown  mappings, ports, frames as before
 * A BUGGY=xsa300 backend (no quota, no cap) lets the flood fill Xen's
 * maptrack (max_maptrack_frames=1 on this domain): the good frontends'
 * maps are refused and good_frontends_served fails, as do the quota test
 * and backend_memory_flat (the hostile alone holds more frames than the
 * cap: only Xen's maptrack stops it).  Without an orchestrator the flood
 * tests SKIP; the teardown test then waits for our own frontends to go and
 * checks nothing is left.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/netback_phase.h"

#define FLOOD_WINDOW_NS (20 * NBT_SEC)
#define GOOD_MIN_FRAMES 20
#define MEM_SLACK_PAGES 16
#define HOSTILE		"dd-hostile"

static struct {
	bool flooded, baseline_ok;
	struct mm_stats before;
	size_t min_free, max_heap;
	uint32_t max_hostile_maps, quota, cap, max_mapped;
	struct nbt_sum good0[2], good1[2], hostile;
	domid_t hostile_id;
} f;

static const char *const good[2] = {"dd-linux", "dd-fe"};

static void sample(void *arg)
{
	struct gnttab_map_stats g;
	struct mm_stats m;
	struct nbt_sum h;

	mm_get_stats(&m);
	f.min_free = MIN(f.min_free, m.free_pages);
	f.max_heap = MAX(f.max_heap, m.heap_bytes);
	gnttab_map_get_stats(&g);
	f.max_mapped = MAX(f.max_mapped, g.mapped);
	nbt_sum(HOSTILE, &h);
	if (h.vifs) {
		f.hostile_id = h.fe_id;
		f.max_hostile_maps =
		    MAX(f.max_hostile_maps, gnttab_map_count(h.fe_id));
	}
}

/* Phases baseline and flood, once, whichever flood test runs first. */
static void run_flood(void)
{
	struct gnttab_map_limits l;

	if (f.flooded)
		return;
	f.flooded = true;
	if (nbt_wait_phase("baseline"))
		return;
	nbt_ack("baseline");
	if (nbt_wait_phase("flood"))
		return;
	f.baseline_ok = true;
	gnttab_map_get_limits(&l);
	f.quota = l.quota;
	f.cap = l.cap;
	mm_get_stats(&f.before);
	f.min_free = f.before.free_pages;
	f.max_heap = f.before.heap_bytes;
	for (unsigned int i = 0; i < 2; i++)
		nbt_sum(good[i], &f.good0[i]);
	nbt_serve_for(FLOOD_WINDOW_NS, sample, NULL);
	for (unsigned int i = 0; i < 2; i++)
		nbt_sum(good[i], &f.good1[i]);
	nbt_sum(HOSTILE, &f.hostile);
}

#define NEED_FLOOD()                                                           \
	do {                                                                   \
		if (!netback_enabled() || !netback_ready())                    \
			KT_SKIP("not in the backend role (netback=1)");        \
		if (!nbt_orchestrated())                                       \
			KT_SKIP("no orchestrator: no hostile frontend");       \
		run_flood();                                                   \
		if (!f.baseline_ok)                                            \
			KT_SKIP("phase flood never came");                     \
	} while (0)

KTEST(xsa300, hostile_frontend_quota)
{
	NEED_FLOOD();
	ktest_diag("hostile domain %u: %u vif(s), maps refused %lu (by Xen %lu)"
		   ", most held %u (quota %u), tx ok %lu err %lu",
		   f.hostile.fe_id, f.hostile.vifs,
		   (unsigned long)f.hostile.refused_map,
		   (unsigned long)f.hostile.refused_xen, f.max_hostile_maps,
		   f.quota, (unsigned long)f.hostile.tx_ok,
		   (unsigned long)f.hostile.tx_err);
	KT_ASSERT(f.hostile.vifs > 0);
	/* XSA-300: refused at its quota, counted for it... */
	KT_EXPECT(f.hostile.refused_map > 0);
	/* ...and never more held than the quota. */
	KT_EXPECT(f.max_hostile_maps <= f.quota);
	/*
	 * ...so Xen's maptrack (one frame here, 256 entries) never ran out for
	 * it: our quota refused it first.  Without the quota Xen does
	 * (XSA-300).
	 */
	KT_EXPECT_EQ(f.hostile.refused_xen, 0);
}

KTEST(xsa300, good_frontends_served)
{
	unsigned int checked = 0;

	NEED_FLOOD();
	for (unsigned int i = 0; i < 2; i++) {
		const struct nbt_sum *a = &f.good0[i], *b = &f.good1[i];
		uint64_t tx = b->tx_ok - a->tx_ok, rx = b->rx_ok - a->rx_ok;
		uint64_t refused = (b->refused_map - a->refused_map) +
				   (b->refused_xen - a->refused_xen) +
				   (b->err_ref - a->err_ref);

		ktest_diag("%s during the flood (%llu s): tx %lu, rx %lu, tx "
			   "errors %lu, maps refused %lu",
			   good[i],
			   (unsigned long long)(FLOOD_WINDOW_NS / NBT_SEC),
			   (unsigned long)tx, (unsigned long)rx,
			   (unsigned long)(b->tx_err - a->tx_err),
			   (unsigned long)refused);
		if (!nbt_client_expected(good[i]))
			continue; /* not created here (netback.clients=) */
		checked++;
		KT_EXPECT(b->connected >= 1);
		KT_EXPECT(tx >= GOOD_MIN_FRAMES);
		KT_EXPECT(rx >= GOOD_MIN_FRAMES);
		/* XSA-300: the hostile's flood takes nothing of theirs. */
		KT_EXPECT_EQ(refused, 0);
	}
	KT_EXPECT(checked > 0);
}

KTEST(xsa300, backend_memory_flat)
{
	NEED_FLOOD();
	ktest_diag(
	    "free pages %lu before, %lu lowest during; heap %lu -> %lu"
	    " bytes at most (bound %u pages); frames backing foreign "
	    "maps %u at most (cap %u)",
	    (unsigned long)f.before.free_pages, (unsigned long)f.min_free,
	    (unsigned long)f.before.heap_bytes, (unsigned long)f.max_heap,
	    MEM_SLACK_PAGES, f.max_mapped, f.cap);
	KT_EXPECT(f.before.free_pages - f.min_free <= MEM_SLACK_PAGES);
	KT_EXPECT(f.max_heap - f.before.heap_bytes <=
		  MEM_SLACK_PAGES * PAGE_SIZE);
	/* XSA-300: what mappings cost us is bounded by the cap, flood or not */
	KT_EXPECT(f.max_mapped <= f.cap);
}
