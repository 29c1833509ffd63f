/*
 * Mapping our own grants under PVH: see gnttab_selfmap.h for why the page
 * is first mapped at its own gfn.  Raw GNTTABOP calls here are the test
 * playing the peer; the kernel's own mappings go through gnttab_map().
 */
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/gnttab_selfmap.h"
#include <xen/memory.h>

static struct {
	uint8_t *page;
	grant_ref_t ref;
	grant_handle_t handle;
	bool ready;
} pool;
/* Pages moved into holes because Xen would not populate more. */
static unsigned int spares_used;

static uint64_t gfn_of(const void *p)
{
	return (uintptr_t)p >> PAGE_SHIFT;
}

domid_t selfmap_domid(void)
{
	domid_t d;

	if (!xen_present()) {
		ktest_skip("not running under Xen");
		return DOMID_SELF;
	}
	d = gnttab_self_domid();
	if (d == DOMID_SELF)
		ktest_skip("our domid is unknown (no xenstore, no CPUID leaf)");
	return d;
}

static int raw_map(grant_ref_t ref, uint64_t gfn, grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
	    .host_addr = gfn << PAGE_SHIFT,
	    .flags = GNTMAP_host_map,
	    .ref = ref,
	    .dom = gnttab_self_domid(),
	};
	int rc = xen_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

	if (!rc && op.status != GNTST_okay)
		rc = gnttab_status_errno(op.status);
	if (!rc)
		*h = op.handle;
	return rc;
}

static int raw_unmap(uint64_t gfn, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = {
	    .host_addr = gfn << PAGE_SHIFT,
	    .handle = h,
	};
	int rc = xen_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

	return rc ? rc : gnttab_status_errno(op.status);
}

/* Put RAM back at `gfn`, which the unmap left empty. */
static int refill(uint64_t gfn)
{
	xen_pfn_t pfn = gfn;
	struct xen_memory_reservation r = {
	    .nr_extents = 1,
	    .domid = DOMID_SELF,
	};
	struct xen_add_to_physmap x = {
	    .domid = DOMID_SELF,
	    .space = XENMAPSPACE_gmfn,
	    .gpfn = gfn,
	};
	void *spare;
	int rc;

	set_xen_guest_handle(r.extent_start, &pfn);
	if (xen_memory_op(XENMEM_populate_physmap, &r) == 1)
		return 0;
	/* At our limit: move a spare frame in; its old gfn is never used. */
	spare = mm_page_alloc(0);
	if (!spare)
		return -ENOMEM;
	x.idx = gfn_of(spare);
	rc = xen_memory_op(XENMEM_add_to_physmap, &x);
	if (rc) {
		mm_page_free(spare, 0);
		return rc;
	}
	spares_used++;
	pr_info("selfmap: %u page(s) given up to refill holes\n", spares_used);
	return 0;
}

/* The pool page stays granted and mapped at its own gfn until shutdown. */
static int pool_init(void)
{
	int rc;

	if (pool.ready)
		return 0;
	pool.page = mm_page_alloc(0);
	if (!pool.page)
		return -ENOMEM;
	memset(pool.page, SELFMAP_POOL_BYTE, PAGE_SIZE);
	rc = gnttab_grant_access(gnttab_self_domid(), gfn_of(pool.page), false,
				 &pool.ref);
	if (rc)
		goto free_page;
	rc = raw_map(pool.ref, gfn_of(pool.page), &pool.handle);
	if (rc)
		goto end;
	pool.ready = true;
	return 0;
end:
	if (gnttab_end_access(pool.ref))
		return rc; /* still granted somehow: keep the page */
free_page:
	mm_page_free(pool.page, 0);
	return rc;
}

/*
 * A second reference to the anchored pool page, mapped through the map
 * layer and unmapped: 1 if Xen refused it with GNTST_bad_page (-EINVAL
 * counted as Xen's refusal), 0 if it mapped, else -errno.
 */
static int probe_regrant(domid_t self)
{
	struct gnttab_mapping m = {0};
	struct gnttab_map_stats a, b;
	grant_ref_t ref;
	int rc = pool_init();

	if (rc)
		return rc;
	rc = gnttab_grant_access(self, gfn_of(pool.page), true, &ref);
	if (rc)
		return rc;
	gnttab_map_get_stats(&a);
	rc = gnttab_map(self, ref, true, &m);
	gnttab_map_get_stats(&b);
	if (!rc)
		rc = gnttab_unmap(&m);
	else if (rc == -EINVAL && b.refused_xen == a.refused_xen + 1)
		rc = 1;
	/* Not mapped now either way: ending it cannot be refused. */
	if (gnttab_end_access(ref))
		ktest_fail_at(__FILE__, __LINE__, "cannot end probe ref %u",
			      ref);
	return rc;
}

domid_t selfmap_pool_domid(void)
{
	/* Xen's answer does not change within a boot: ask once. */
	static bool probed;
	static int refused;
	domid_t self = selfmap_domid();

	if (self == DOMID_SELF)
		return self;
	if (!probed) {
		refused = probe_regrant(self);
		probed = true;
	}
	if (refused == 1) {
		ktest_skip(
		    "Xen refuses grants of a grant-mapped gfn (bad_page)");
		return DOMID_SELF;
	}
	return self;
}

int selfmap_pool_grant(grant_ref_t *refs, unsigned int n)
{
	unsigned int i;
	int rc = pool_init();

	for (i = 0; !rc && i < n; i++)
		rc = gnttab_grant_access(gnttab_self_domid(), gfn_of(pool.page),
					 false, &refs[i]);
	if (rc && i)
		selfmap_pool_end(refs, i - 1);
	return rc;
}

void selfmap_pool_end(const grant_ref_t *refs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		int rc = gnttab_end_access(refs[i]);

		if (rc)
			ktest_fail_at(__FILE__, __LINE__,
				      "end of pool ref %u: %d", refs[i], rc);
	}
}

int selfmap_pin(struct selfmap_pin *p, void *page)
{
	int rc;

	memset(p, 0, sizeof(*p));
	rc = gnttab_grant_access(gnttab_self_domid(), gfn_of(page), false,
				 &p->ref);
	if (rc)
		return rc;
	rc = raw_map(p->ref, gfn_of(page), &p->handle);
	if (rc) {
		if (gnttab_end_access(p->ref))
			ktest_fail_at(__FILE__, __LINE__, "cannot end ref %u",
				      p->ref);
		return rc;
	}
	p->page = page;
	p->pinned = true;
	return 0;
}

int selfmap_unpin(struct selfmap_pin *p)
{
	bool on = arch_irqs_enabled();
	int rc;

	if (!p->pinned)
		return -EINVAL;
	/* No timer may free the page while its gfn is a hole. */
	arch_irq_disable();
	rc = raw_unmap(gfn_of(p->page), p->handle);
	if (!rc) {
		p->pinned = false;
		rc = refill(gfn_of(p->page));
		/*
		 * The page belongs to a test or the quarantine, which will
		 * free it: a hole handed to the allocator would silently
		 * lose whatever is written there later.  Cannot go on.
		 */
		if (rc)
			panic("selfmap: cannot refill gfn %#lx: %d",
			      gfn_of(p->page), rc);
	}
	if (on)
		arch_irq_enable();
	return rc;
}
