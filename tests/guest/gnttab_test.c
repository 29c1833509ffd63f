/*
 * Suite `gnttab`: the grant table against real Xen.  Grants to ourselves
 * let one domain play both sides: Xen checks the entry's domid against
 * the domain that maps or copies, which is us (gnttab_selfmap.h for the
 * mapping).  SKIP without Xen.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/time.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/gnttab_selfmap.h"

#define MS 1000000UL

static uint64_t gfn_of(const void *p)
{
	return (uintptr_t)p >> PAGE_SHIFT;
}

static bool need_xen(void)
{
	if (!xen_present()) {
		ktest_skip("not running under Xen");
		return false;
	}
	return true;
}

KTEST(gnttab, grant_end)
{
	struct gnttab_stats a, b;
	grant_ref_t ref, ref2;
	void *page;

	if (!need_xen())
		return;
	page = mm_page_alloc_zeroed(0);
	KT_ASSERT(page);
	gnttab_get_stats(&a);
	KT_ASSERT(gnttab_grant_access(0, gfn_of(page), true, &ref) == 0);
	KT_EXPECT(ref >= GNTTAB_NR_RESERVED_ENTRIES);
	KT_EXPECT(gnttab_grant_access(0, gfn_of(page), false, &ref2) == 0);
	KT_EXPECT_NE(ref, ref2);
	gnttab_get_stats(&b);
	KT_EXPECT_EQ(b.refs_granted, a.refs_granted + 2);
	KT_EXPECT(b.nr_frames >= 1);
	KT_EXPECT_EQ(gnttab_end_access(ref), 0);
	KT_EXPECT_EQ(gnttab_end_access(ref), -EINVAL); /* not ours any more */
	KT_EXPECT_EQ(gnttab_end_access(0), -EINVAL);   /* the toolstack's */
	/* Nobody maps it: ending frees page and reference at once. */
	KT_EXPECT_EQ(gnttab_end_access_and_free(ref2, page), 0);
	gnttab_get_stats(&b);
	KT_EXPECT_EQ(b.refs_granted, a.refs_granted);
	KT_EXPECT_EQ(b.quarantined_refs, a.quarantined_refs);
	ktest_diag("table: %u of %u frames, %u references free", b.nr_frames,
		   b.max_frames, b.refs_free);
}

KTEST(gnttab, ref_exhaustion_enospc)
{
	struct gnttab_stats a, b;
	grant_ref_t ref, *refs;
	unsigned long *seen;
	unsigned int n = 0, dup = 0, cap;
	uint64_t t0, t1;
	void *page;
	int rc;

	if (!need_xen())
		return;
	cap = GNTTAB_MAX_FRAMES * GNTTAB_PER_FRAME;
	refs = mm_alloc(cap * sizeof(*refs));
	page = mm_page_alloc_zeroed(0);
	/* A bit per ref, from the heap while it runs (4 KiB, issue 11). */
	seen = mm_zalloc(cap / 8);
	KT_ASSERT(refs && page && seen);
	gnttab_get_stats(&a);
	t0 = time_now_ns();
	while (n < cap &&
	       (rc = gnttab_grant_access(0, gfn_of(page), true, &ref)) == 0) {
		if (seen[ref / 64] & (1UL << (ref % 64)))
			dup++;
		seen[ref / 64] |= 1UL << (ref % 64);
		refs[n++] = ref;
	}
	t1 = time_now_ns();
	gnttab_get_stats(&b);
	KT_EXPECT_EQ(rc, -ENOSPC);
	KT_EXPECT_EQ(dup, 0);
	KT_EXPECT_EQ(b.exhausted, a.exhausted + 1);
	KT_EXPECT_EQ(b.refs_free, 0);
	KT_EXPECT_EQ(
	    n, (b.max_frames * GNTTAB_PER_FRAME - GNTTAB_NR_RESERVED_ENTRIES) -
		   a.refs_granted - a.quarantined_refs);
	ktest_diag("%u references granted in %lu ms, then -ENOSPC; table %u "
		   "frames",
		   n, (t1 - t0) / MS, b.nr_frames);
	for (unsigned int i = 0; i < n; i++)
		KT_EXPECT_EQ(gnttab_end_access(refs[i]), 0);
	gnttab_get_stats(&b);
	KT_EXPECT_EQ(b.refs_granted, a.refs_granted);
	KT_EXPECT_EQ(b.refs_free + b.refs_granted + b.quarantined_refs,
		     b.nr_frames * GNTTAB_PER_FRAME -
			 GNTTAB_NR_RESERVED_ENTRIES);
	mm_page_free(page, 0);
	mm_free(refs);
	mm_free(seen);
}

static void fill(uint8_t *p, uint8_t seed)
{
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

static struct gnttab_copy copy_op(uint16_t flags, uint64_t src, domid_t sd,
				  uint16_t soff, uint64_t dst, domid_t dd,
				  uint16_t doff, uint16_t len)
{
	struct gnttab_copy op = {.flags = flags, .len = len};

	if (flags & GNTCOPY_source_gref)
		op.source.u.ref = (grant_ref_t)src;
	else
		op.source.u.gmfn = src;
	if (flags & GNTCOPY_dest_gref)
		op.dest.u.ref = (grant_ref_t)dst;
	else
		op.dest.u.gmfn = dst;
	op.source.domid = sd;
	op.source.offset = soff;
	op.dest.domid = dd;
	op.dest.offset = doff;
	return op;
}

KTEST(gnttab, copy_roundtrip)
{
	domid_t self = gnttab_self_domid();
	const uint16_t both = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	uint8_t *src, *dst;
	grant_ref_t rs, rd;
	struct gnttab_copy op;

	if (!need_xen())
		return;
	if (self == DOMID_SELF)
		KT_SKIP("our domid is unknown (no xenstore, no CPUID leaf)");
	src = mm_page_alloc_zeroed(0);
	dst = mm_page_alloc_zeroed(0);
	KT_ASSERT(src && dst);
	fill(src, 1);
	KT_ASSERT(gnttab_grant_access(self, gfn_of(src), true, &rs) == 0);
	KT_ASSERT(gnttab_grant_access(self, gfn_of(dst), false, &rd) == 0);
	/* Grant to grant, the whole page. */
	op = copy_op(both, rs, self, 0, rd, self, 0, PAGE_SIZE);
	KT_EXPECT_EQ(gnttab_copy(&op, 1), 0);
	KT_EXPECT_EQ(memcmp(src, dst, PAGE_SIZE), 0);
	/* Our own frame to a grant, at offsets. */
	fill(src, 99);
	op = copy_op(GNTCOPY_dest_gref, gfn_of(src), DOMID_SELF, 100, rd, self,
		     3000, 1000);
	KT_EXPECT_EQ(gnttab_copy(&op, 1), 0);
	KT_EXPECT_EQ(memcmp(src + 100, dst + 3000, 1000), 0);
	KT_EXPECT_EQ(dst[2999], (uint8_t)(2999 * 7 + 1));
	/* Crossing the page end: refused before Xen sees it. */
	op = copy_op(both, rs, self, 4000, rd, self, 0, 200);
	KT_EXPECT_EQ(gnttab_copy(&op, 1), -EINVAL);
	/* Into the read-only grant: Xen refuses, cleanly. */
	op = copy_op(both, rd, self, 0, rs, self, 0, 16);
	KT_EXPECT(gnttab_copy(&op, 1) < 0);
	ktest_diag("copy into a read-only grant: status %d %s", op.status,
		   gnttab_status_name(op.status));
	/* A reference past the table's end: GNTST_bad_gntref. */
	op = copy_op(both, GNTTAB_MAX_FRAMES * GNTTAB_PER_FRAME + 5, self, 0,
		     rd, self, 0, 16);
	KT_EXPECT_EQ(gnttab_copy(&op, 1), -ENOENT);
	KT_EXPECT_EQ(op.status, GNTST_bad_gntref);
	KT_EXPECT_EQ(gnttab_end_access_and_free(rs, src), 0);
	KT_EXPECT_EQ(gnttab_end_access_and_free(rd, dst), 0);
}

KTEST(gnttab, map_roundtrip)
{
	domid_t self = selfmap_pool_domid();
	struct gnttab_mapping m = {0}, m2 = {0};
	struct gnttab_map_stats a, b;
	uint64_t used = xen_window_used();
	uint8_t *view, *view2;
	grant_ref_t ref;

	if (self == DOMID_SELF)
		return; /* skipped */
	KT_ASSERT(selfmap_pool_grant(&ref, 1) == 0);
	gnttab_map_get_stats(&a);
	KT_ASSERT(gnttab_map(self, ref, false, &m) == 0);
	KT_EXPECT_EQ(xen_window_used(), used + 1);
	KT_EXPECT_EQ(gnttab_map_count(self), 1);
	view = gnttab_mapping_addr(&m);
	KT_EXPECT_EQ(view[0], SELFMAP_POOL_BYTE);
	/* Twice the same grant: two frames of the window, one page. */
	KT_ASSERT(gnttab_map(self, ref, true, &m2) == 0);
	view2 = gnttab_mapping_addr(&m2);
	KT_EXPECT_NE(m.gfn, m2.gfn);
	view[7] = 0xee;
	KT_EXPECT_EQ(view2[7], 0xee);
	view[7] = SELFMAP_POOL_BYTE;
	KT_EXPECT_EQ(gnttab_map(self, ref, false, &m), -EINVAL); /* in use */
	KT_EXPECT_EQ(gnttab_unmap(&m2), 0);
	KT_EXPECT_EQ(gnttab_unmap(&m), 0);
	KT_EXPECT_EQ(gnttab_unmap(&m), -EINVAL);
	/* A reference Xen does not know: a clean error, nothing held. */
	KT_EXPECT_EQ(gnttab_map(self, GNTTAB_REF_NONE - 1, true, &m), -ENOENT);
	/* Xen maps only from a named domain. */
	KT_EXPECT_EQ(gnttab_map(DOMID_SELF, ref, true, &m), -EINVAL);
	gnttab_map_get_stats(&b);
	KT_EXPECT_EQ(b.mapped, a.mapped);
	KT_EXPECT_EQ(b.refused_xen, a.refused_xen + 1);
	KT_EXPECT_EQ(xen_window_used(), used);
	KT_EXPECT_EQ(gnttab_map_count(self), 0);
	selfmap_pool_end(&ref, 1);
}
