/*
 * Internal to the grant tables (kernel/xen/gnttab/gnttab*.c) and the tests
 * their fragment gnttab.mk builds; make check-layering refuses it anywhere
 * else.  The public API is gnttab.h.
 *
 * The table logic works on a struct whose frames come from an injected
 * add_frame(), so tests/host/ runs it over plain memory with the test
 * playing Xen and the peer (setting GTF_reading / GTF_writing itself).
 */
#ifndef KERNEL_XEN_GNTTAB_PRIV_H
#define KERNEL_XEN_GNTTAB_PRIV_H

#include "kernel/xen/gnttab/gnttab.h"

#define GNTTAB_PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))
/* Our bound on table frames, whatever Xen allows: 32768 references. */
#define GNTTAB_MAX_FRAMES 64
#define GNTTAB_REF_NONE	  ((grant_ref_t)~0U)

enum gnttab_ref_state {
	GNTTAB_REF_RESERVED = 0, /* the toolstack's (0 so zeroed = safe) */
	GNTTAB_REF_FREE,
	GNTTAB_REF_GRANTED,
	GNTTAB_REF_QUARANTINED,
};

/* Our side of one reference; Xen never sees it. */
struct gnttab_ref_meta {
	void *page;	  /* quarantined: the page to free on release */
	grant_ref_t next; /* free list or quarantine list */
	uint8_t state;	  /* enum gnttab_ref_state */
};

struct gnttab_table_ops {
	/* Make table frame `idx` usable: its entries in *entries; 0/-errno */
	int (*add_frame)(void *ctx, unsigned int idx,
			 grant_entry_v1_t **entries);
	/* Return a released order-0 page to its allocator. */
	void (*free_page)(void *ctx, void *page);
};

/* Peers with references in the quarantine at once; more are refused. */
#define GNTTAB_Q_PEERS 16

struct gnttab_table {
	const struct gnttab_table_ops *ops;
	void *ctx;
	grant_entry_v1_t *frame[GNTTAB_MAX_FRAMES]; /* shared with Xen */
	struct gnttab_ref_meta *meta[GNTTAB_MAX_FRAMES];
	unsigned int nr_frames;
	unsigned int max_frames;
	grant_ref_t free_head, free_tail; /* FIFO: reuse the oldest last */
	grant_ref_t q_head;
	/* Quarantined references per peer (slot free when refs == 0). */
	struct {
		domid_t domid;
		uint16_t refs;
	} q_peer[GNTTAB_Q_PEERS];
	struct gnttab_stats st;
};

/* gnttab_core.c */
void gnttab_table_init(struct gnttab_table *t,
		       const struct gnttab_table_ops *ops, void *ctx,
		       unsigned int max_frames);
/* Free the metadata; every reference must be free (host tests). */
void gnttab_table_fini(struct gnttab_table *t);
int __must_check gnttab_table_grant(struct gnttab_table *t, domid_t domid,
				    uint64_t gfn, bool readonly,
				    grant_ref_t *ref);
int __must_check gnttab_table_end(struct gnttab_table *t, grant_ref_t ref);
/* State of `ref`; GNTTAB_REF_RESERVED also for refs beyond the table. */
enum gnttab_ref_state gnttab_table_ref_state(struct gnttab_table *t,
					     grant_ref_t ref);
/* Entry and metadata of a reference inside the mapped frames. */
grant_entry_v1_t *gnttab_table_entry(struct gnttab_table *t, grant_ref_t ref);
struct gnttab_ref_meta *gnttab_table_meta(struct gnttab_table *t,
					  grant_ref_t ref);
/* The single compare-and-exchange that ends access: 0 or -EBUSY. */
int __must_check gnttab_entry_try_end(grant_entry_v1_t *e);
/* Append a reference to the free list (lock held). */
void gnttab_table_put_ref(struct gnttab_table *t, grant_ref_t ref);
/*
 * The two steps both ends share (lock held): is `ref` one we granted and
 * not yet ended (a false is counted in bad_refs), and, once Xen's entry
 * is ended, count it and put the reference back on the free list.
 */
bool gnttab_table_granted(struct gnttab_table *t, grant_ref_t ref);
void gnttab_table_ended(struct gnttab_table *t, grant_ref_t ref);
/* May `domid` be granted one more reference?  0 or -ENOSPC (counted). */
int gnttab_table_q_admit(struct gnttab_table *t, domid_t domid);
uint32_t gnttab_table_quarantined_for(const struct gnttab_table *t,
				      domid_t domid);
/* The peer's slot in t->q_peer[], or -1; `add`: take a free one for it. */
int gnttab_table_q_slot(const struct gnttab_table *t, domid_t domid, bool add);

/* gnttab_quarantine.c */
int __must_check gnttab_table_end_and_free(struct gnttab_table *t,
					   grant_ref_t ref, void *page);
/* One release attempt per quarantined reference; returns how many remain */
unsigned int gnttab_table_retry(struct gnttab_table *t);
/*
 * End access to a granted entry (the one compare-and-exchange); the
 * caller holds the lock.  0 or -EBUSY.
 */
int gnttab_table_end_entry(struct gnttab_table *t, grant_ref_t ref);
/*
 * Tests only (tests/guest/xsa396_test.c): called just before an entry's
 * access is ended, interrupts off, so a test can play a peer that maps
 * the grant at exactly that moment.  NULL otherwise.
 */
extern void (*gnttab_test_end_hook)(grant_ref_t ref);

/* Interrupts off around table manipulation (the retry is a timer); nests. */
bool gnttab_lock(void);
void gnttab_unlock(bool was_on);

/*
 * gnttab_quota.c: mapping accounting, per granting domain and global.
 * One counter per possible domid, so no number of frontends, coming and
 * going or all at once, can fill a table and lock out a new one.
 */
struct gnttab_quota {
	uint32_t quota, cap, total;
	/* DOMID_FIRST_RESERVED counters (64 KiB), from the heap at the first
	 * charge: a guest that never maps pays nothing for them. */
	uint16_t *count;
	uint64_t refused_quota, refused_cap;
};
/* The per-domain counter bounds any quota; the window is far smaller. */
#define GNTTAB_QUOTA_MAX 0xffffU

void gnttab_quota_init(struct gnttab_quota *q, uint32_t quota, uint32_t cap);
/*
 * Count one more mapping of `domid`'s pages: 0, -ENOSPC (counted why),
 * -EINVAL for a reserved domid (DOMID_SELF and above: Xen maps from a
 * named domain only), or -ENOMEM when the first charge finds no memory
 * for the counters.  `q` starts zeroed (static) before the first init.
 */
int __must_check gnttab_quota_charge(struct gnttab_quota *q, domid_t domid);
/* Undo a charge: 0, or -EINVAL if `domid` holds none (logged). */
int gnttab_quota_uncharge(struct gnttab_quota *q, domid_t domid);
uint32_t gnttab_quota_count(const struct gnttab_quota *q, domid_t domid);

/*
 * Window frames the map layer leaves alone: the grant table's own frames
 * still to come (up to GNTTAB_MAX_FRAMES) and a few for rings, shared
 * info and the like.  The cap is clipped below the window minus these,
 * and every map checks them, so mappings never starve the table's growth.
 */
#define GNTTAB_MAP_WINDOW_SPARE 16

#endif
