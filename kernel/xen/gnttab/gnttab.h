/*
 * Grant tables, version 1: sharing our pages with other domains (frontend
 * side), mapping other domains' grants (backend side), and grant copy.
 *
 * The shared table's frames are mapped with XENMEM_add_to_physmap
 * (XENMAPSPACE_grant_table) into frames of the reserved window; the table
 * starts with one frame and grows on demand up to the maximum Xen reports
 * (GNTTABOP_query_size).  References 0..GNTTAB_NR_RESERVED_ENTRIES-1
 * belong to the toolstack (console, xenstore) and are never handed out.
 *
 * Revocation (MSA02, XSA-396): ending access is one atomic compare-and-
 * exchange on the entry's flags, refused with -EBUSY while Xen says the
 * peer has the page mapped (GTF_reading / GTF_writing).  A reference and
 * page whose access could not be ended go to a quarantine: the page is not
 * freed, the reference not reissued, until a timer-driven retry finds the
 * peer has unmapped.
 *
 * Mapping (XSA-300): every foreign grant is mapped into a frame of the
 * reserved window, never over RAM, and never by allocating memory.  A
 * per-domain quota (keyed by the granting domid) and a global cap (cmdline
 * `gnttab.map_quota=N`, `gnttab.map_cap=N`) bound what peers can make us map;
 * beyond either the map fails at once with -ENOSPC.
 *
 * Errors: Xen's GNTST_* statuses become distinct negative errnos:
 *   GNTST_general_error -EIO        GNTST_bad_domain      -ESRCH
 *   GNTST_bad_gntref    -ENOENT     GNTST_bad_handle      -EBADF
 *   GNTST_bad_virt_addr -EFAULT     GNTST_bad_dev_addr    -ENXIO
 *   GNTST_no_device_space -ENOMEM   GNTST_permission_denied -EACCES
 *   GNTST_bad_page      -EINVAL     GNTST_bad_copy_arg    -ERANGE
 *   GNTST_address_too_big -EOVERFLOW GNTST_eagain         -EAGAIN
 *   GNTST_no_space      -ENOSPC     unknown status        -EPROTO
 * Xen's "out of space" (maptrack full) deliberately shares -ENOSPC with
 * our own quota refusal: for a caller both mean "refuse this peer's
 * request"; gnttab_map_get_stats() tells them apart.
 *
 * Interrupt context: the quarantine retry runs from a timer, so every
 * table operation runs with interrupts off.  Single CPU.
 */
#ifndef KERNEL_XEN_GNTTAB_H
#define KERNEL_XEN_GNTTAB_H

#include "lib/compiler.h"
#include <xen/grant_table.h>

/*
 * Bring up the grant table (idempotent; the first grant does it too).
 * 0, -ENODEV without Xen, or the hypercall's -errno.
 */
int gnttab_init(void);

/*
 * Our own numeric domain id, for granting to ourselves: xenstore's answer
 * when known, else Xen's HVM CPUID leaf.  DOMID_SELF if neither has it.
 */
domid_t gnttab_self_domid(void);

/* ---- Sharing our pages ---- */

/*
 * Grant `domid` access to frame `gfn`.  On success *ref is the new
 * reference.  -ENOSPC when no reference is free and the table cannot grow
 * (never blocks), -EINVAL for a frame or domid v1 cannot express.
 */
int __must_check gnttab_grant_access(domid_t domid, uint64_t gfn, bool readonly,
				     grant_ref_t *ref);

/*
 * End access and release the reference: 0.  -EBUSY while the peer has the
 * page mapped: nothing changed, the caller still owns the reference and
 * the page.  -EINVAL if `ref` is not a reference we granted.
 */
int __must_check gnttab_end_access(grant_ref_t ref);

/*
 * End access and free `page` (an order-0 page from mm_page_alloc*(), or
 * NULL) with its reference.  0: both released.  -EBUSY: the peer still
 * maps it; the page and the reference now belong to the quarantine, which
 * frees them once the peer unmaps: the caller must forget both.  -EINVAL:
 * not our reference, or `page` is not the granted frame; nothing done.
 */
int __must_check gnttab_end_access_and_free(grant_ref_t ref, void *page);

/*
 * The quarantine's bounds (issue 9): a peer that keeps our pages mapped
 * and answers anyway would otherwise cost a page each time, without end.
 * New grants are refused (-ENOSPC) to a peer holding
 * GNTTAB_QUARANTINE_PEER_MAX quarantined references, and to every peer
 * once GNTTAB_QUARANTINE_MAX are quarantined in all.  What is already
 * granted can still land there, so a peer's share is at most its bound
 * plus the grants it held when it reached it.
 */
#define GNTTAB_QUARANTINE_PEER_MAX 128
#define GNTTAB_QUARANTINE_MAX	   512

/* Retry the quarantine now (the timer does it on its own); remaining. */
unsigned int gnttab_quarantine_poll(void);
/* Quarantined references granted to `domid` (pages or not). */
uint32_t gnttab_quarantined_for(domid_t domid);
/* Is `ref` held in the quarantine? */
bool gnttab_ref_quarantined(grant_ref_t ref);

struct gnttab_stats {
	uint32_t nr_frames;	    /* table frames mapped */
	uint32_t max_frames;	    /* Xen's limit (capped at ours) */
	uint32_t refs_free;	    /* ready to hand out, in mapped frames */
	uint32_t refs_granted;	    /* held by callers */
	uint32_t quarantined_refs;  /* now in quarantine */
	uint32_t quarantined_pages; /* now in quarantine */
	uint64_t grants;
	uint64_t ends;
	uint64_t end_busy;	 /* end refused: peer still maps the page */
	uint64_t exhausted;	 /* grants refused with -ENOSPC */
	uint64_t bad_refs;	 /* end of a reference we had not granted */
	uint64_t grow_fails;	 /* table could not grow */
	uint64_t quarantined;	 /* references ever quarantined */
	uint64_t retries;	 /* quarantine release attempts */
	uint64_t released_refs;	 /* quarantined references released */
	uint64_t released_pages; /* quarantined pages freed */
	uint64_t q_refused;	 /* grants refused: quarantine at a bound */
};
void gnttab_get_stats(struct gnttab_stats *st);

/* ---- Mapping other domains' grants (backend side) ---- */

struct gnttab_mapping {
	domid_t domid; /* the granting domain: charged to its quota */
	grant_ref_t ref;
	grant_handle_t handle; /* Xen's, for the unmap */
	uint64_t gfn;	       /* window frame the page is mapped at */
	bool readonly;
	bool mapped;
};

/*
 * Bring up the map layer, the grant table first (its size bounds the
 * map's share of the window): the cmdline limits, sized to the window
 * less what the table may still need.  Idempotent; the first map does it
 * too.  0 or gnttab_init()'s -errno.
 */
int gnttab_map_init(void);

/*
 * Map `domid`'s grant `ref` into a window frame, charged to `domid`: the
 * domain that granted the page and that Xen maps it from (XSA-300: the
 * quota is keyed by who owns the grant, never by a label the caller
 * picks, so one domain's many devices share one quota).
 * -ENOSPC at once when the domain is at its quota, all domains at the cap,
 * the window has no frame left beyond those the grant table may still
 * need to grow, or Xen's maptrack is full; nothing is allocated then.
 * Other refusals by Xen come back as their GNTST errno (see above).  `m`
 * must not be mapped (zero it before the first use).
 */
int __must_check gnttab_map(domid_t domid, grant_ref_t ref, bool readonly,
			    struct gnttab_mapping *m);
/* Unmap and give the window frame back.  0 or -errno (m stays mapped). */
int __must_check gnttab_unmap(struct gnttab_mapping *m);

/*
 * Batches: a backend's ring of requests in one trap into Xen instead of
 * one per page (issue 8).  At most GNTTAB_BATCH_MAX entries.
 *
 * gnttab_map_batch() maps refs[i] of `domid` into m[i], each charged and
 * checked in order exactly as gnttab_map() would: the first refusal of
 * ours (-ENOSPC: quota, cap or window; -EINVAL, -ENOMEM) ends the batch.
 * Returns t, the entries tried: rcs[0..t-1] are their results (Xen's
 * refusals, -ENOSPC among them for a full maptrack, do not end it), and
 * if t < n, rcs[t] is our refusal of entry t; entries after are untouched.
 */
#define GNTTAB_BATCH_MAX 64
unsigned int gnttab_map_batch(domid_t domid, bool readonly,
			      const grant_ref_t *refs,
			      struct gnttab_mapping **m, int *rcs,
			      unsigned int n);
/* Unmap m[0..n-1]: rcs[i] as gnttab_unmap()'s; returns the first error. */
int gnttab_unmap_batch(struct gnttab_mapping **m, int *rcs, unsigned int n);

static inline void *gnttab_mapping_addr(const struct gnttab_mapping *m)
{
	return (void *)(uintptr_t)(m->gfn << PAGE_SHIFT);
}

/*
 * What every map is checked against: configuration (cmdline, or a test's
 * gnttab_map_set_limits()), not a counter, so apart from the stats.
 */
struct gnttab_map_limits {
	uint32_t quota; /* per-peer limit */
	uint32_t cap;	/* global limit */
};
void gnttab_map_get_limits(struct gnttab_map_limits *l);

struct gnttab_map_stats {
	uint32_t mapped;	 /* mappings held now, all peers */
	uint64_t maps;		 /* successful */
	uint64_t unmaps;	 /* successful */
	uint64_t refused_quota;	 /* -ENOSPC: peer at its quota */
	uint64_t refused_cap;	 /* -ENOSPC: global cap reached */
	uint64_t refused_window; /* -ENOSPC: no window frame left */
	uint64_t refused_xen;	 /* Xen's status was not okay */
	uint64_t xen_no_space;	 /* ... of which GNTST_no_space */
	uint64_t unmap_fails;
};
void gnttab_map_get_stats(struct gnttab_map_stats *st);
/* Mappings held now of pages granted by `domid`. */
uint32_t gnttab_map_count(domid_t domid);
/*
 * Change the limits (tests; the cmdline sets them at boot).  Lowering
 * below the current use refuses new maps until enough are unmapped.
 */
void gnttab_map_set_limits(uint32_t quota, uint32_t cap);

/* ---- Grant copy ---- */

/*
 * GNTTABOP_copy of `count` operations.  Every offset and length is checked
 * first (-EINVAL, nothing issued).  0 when all succeeded, else the errno
 * of the first failed operation; each op's status is left in op->status.
 */
int __must_check gnttab_copy(struct gnttab_copy *ops, unsigned int count);

/* ---- Status codes ---- */

/* The errno for a GNTST_* status (table above); -EPROTO if unknown. */
int gnttab_status_errno(int16_t status);
/* "GNTST_no_space (out of space)"-style name for logs; never NULL. */
const char *gnttab_status_name(int16_t status);

#endif
