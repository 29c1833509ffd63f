/*
 * Mapping our own grants under PVH, for the gnttab, msa02, xsa300 and bench
 * suites: one domain plays both ends, as the Xen Test Framework does.
 *
 * The catch (Xen's p2m_add_page(), "aliased!"): a frame of ours may sit at
 * one gfn only.  Mapping our own grant at another gfn moves the frame
 * there, leaving a hole where it was; and when a grant mapping at its own
 * gfn goes, the frame is left at no gfn at all.  But after a first mapping
 * at the frame's own gfn, Xen no longer knows the frame's gfn, and further
 * mappings of it move nothing.  Hence:
 *
 *  - the pool: one page anchored for the whole boot (mapped at its own
 *    gfn, never unmapped); any number of references to it then map into
 *    the window like a peer's grants would.  For floods and the bench.
 *  - pins, for MSA02: a page granted and mapped at its own gfn; on unpin
 *    the hole is refilled (XENMEM_populate_physmap, or failing that a
 *    spare page moved in) before anything can free the page, so the
 *    allocator never holds a hole.  Each pin costs Xen one page of our
 *    allowance (the old frame stays ours, at no gfn).
 *
 * The pool needs one more thing of Xen: a grant of the pool page names a
 * gfn whose p2m entry is now our own grant mapping, and Xen must still take
 * the frame from it.  Xen 4.17 does; from 4.18.5, 4.19.2 and 4.20.1 on it
 * does not (commit b1bbf20a93, "x86/P2M: synchronize fast and slow paths of
 * p2m_get_page_from_gfn()": only RAM and foreign entries yield a page, on
 * purpose, until grants get "more involved handling"), and every new
 * reference to the pool page is refused with GNTST_bad_page.  So the pool's
 * users ask selfmap_pool_domid(), which probes that once and SKIPs there.
 * Pins are unaffected: their page is plain RAM when it is granted, and a
 * second mapping of a reference already mapped is not looked up again.
 */
#ifndef TESTS_GUEST_GNTTAB_SELFMAP_H
#define TESTS_GUEST_GNTTAB_SELFMAP_H

#include "kernel/xen/gnttab/gnttab.h"

/*
 * Our domid, or DOMID_SELF after a SKIP (not under Xen, domid unknown):
 * the caller returns at once then.
 */
domid_t selfmap_domid(void);
/*
 * selfmap_domid() for the pool's users: also DOMID_SELF after a SKIP when
 * this Xen refuses a new reference to the pool page (above; probed once by
 * mapping and unmapping one).  Any other probe failure does not skip: the
 * test then runs and fails on it.
 */
domid_t selfmap_pool_domid(void);

/* Grant `n` more references to the pool page (read-write, to us). */
int __must_check selfmap_pool_grant(grant_ref_t *refs, unsigned int n);
/* End them (they must not be mapped). */
void selfmap_pool_end(const grant_ref_t *refs, unsigned int n);
/* The pool page's first byte, as every mapping of it must read. */
#define SELFMAP_POOL_BYTE 0xa5

struct selfmap_pin {
	void *page;
	grant_ref_t ref;
	grant_handle_t handle;
	bool pinned;
};

/*
 * Grant `page` (an order-0 page of ours) to ourselves read-write and map
 * it at its own gfn: Xen then marks the entry GTF_reading | GTF_writing.
 * The page stays usable at its address.  0 or -errno.
 */
int __must_check selfmap_pin(struct selfmap_pin *p, void *page);
/* Unmap it and refill the gfn (interrupts off throughout). 0 or -errno */
int __must_check selfmap_unpin(struct selfmap_pin *p);

#endif
