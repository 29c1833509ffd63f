/*
 * Suite `bench`, case gnttab_ops: what each grant operation costs, in ns,
 * averaged over many back-to-back calls and printed as KTAP diagnostics.
 * Grant and end touch only the shared table (no hypercall); map and unmap
 * are one GNTTABOP each, mapping our own grants of the self-map pool page
 * (gnttab_selfmap.h: the peer is us).
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/time.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "tests/guest/gnttab_selfmap.h"

#define ITERS 1000

/* 36 KiB of buffers: from the heap while the case runs, not the image. */
struct bufs {
	grant_ref_t *refs;
	struct gnttab_mapping *m;
};

static void report(const char *op, uint64_t t0, uint64_t t1, unsigned int n)
{
	if (n)
		ktest_diag("gnttab %-6s %6lu ns/op (%u ops)", op,
			   (unsigned long)((t1 - t0) / n), n);
}

static void gnttab_ops(domid_t self, struct bufs b)
{
	struct gnttab_map_limits l;
	struct gnttab_map_stats st;
	unsigned int n, nmap;
	uint64_t t0, t1, gfn;
	void *page;

	page = mm_page_alloc_zeroed(0);
	KT_ASSERT(page);
	gfn = (uintptr_t)page >> PAGE_SHIFT;
	/* Warm up: the table's first frame is mapped on first use. */
	KT_ASSERT(gnttab_grant_access(self, gfn, false, &b.refs[0]) == 0);
	KT_ASSERT(gnttab_end_access(b.refs[0]) == 0);
	t0 = time_now_ns();
	for (n = 0; n < ITERS; n++)
		if (gnttab_grant_access(self, gfn, false, &b.refs[n]))
			break;
	t1 = time_now_ns();
	KT_EXPECT_EQ(n, ITERS);
	report("grant", t0, t1, n);
	t0 = time_now_ns();
	for (unsigned int i = 0; i < n; i++)
		KT_EXPECT_EQ(gnttab_end_access(b.refs[i]), 0);
	t1 = time_now_ns();
	report("end", t0, t1, n);
	mm_page_free(page, 0);

	gnttab_map_get_limits(&l);
	gnttab_map_get_stats(&st);
	nmap = MIN((uint32_t)ITERS, MIN(l.quota, l.cap - st.mapped));
	KT_ASSERT(selfmap_pool_grant(b.refs, nmap) == 0);
	t0 = time_now_ns();
	for (unsigned int i = 0; i < nmap; i++)
		KT_EXPECT_EQ(gnttab_map(self, b.refs[i], false, &b.m[i]), 0);
	t1 = time_now_ns();
	report("map", t0, t1, nmap);
	t0 = time_now_ns();
	for (unsigned int i = 0; i < nmap; i++)
		KT_EXPECT_EQ(gnttab_unmap(&b.m[i]), 0);
	t1 = time_now_ns();
	report("unmap", t0, t1, nmap);
	selfmap_pool_end(b.refs, nmap);
}

KTEST(bench, gnttab_ops)
{
	domid_t self = selfmap_pool_domid();
	struct bufs b;

	if (self == DOMID_SELF)
		return; /* skipped */
	/* Zeroed, as the static buffers were: gnttab_map refuses a mapping
	 * that says it is mapped. */
	b.refs = mm_zalloc(ITERS * sizeof(*b.refs));
	b.m = mm_zalloc(ITERS * sizeof(*b.m));
	if (b.refs && b.m)
		gnttab_ops(self, b); /* its asserts return here */
	KT_EXPECT(b.refs && b.m);
	mm_free(b.refs);
	mm_free(b.m);
}
