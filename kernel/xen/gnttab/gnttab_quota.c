/*
 * Accounting of foreign mappings (XSA-300): a quota per granting domain
 * and a global cap, checked before anything is allocated or any hypercall
 * made, so a frontend that floods us with grants to map costs one
 * comparison per request and cannot use up what other frontends need.
 *
 * The key is the domain that granted the pages, the domid the map
 * operation names to Xen, so it is the domain Xen charges too: a label of
 * the caller's choosing would let one domain with many devices, or many
 * labels, take many quotas.  One counter per possible domid (64 KiB):
 * there is no table to fill, so frontends that come and go, or many at
 * once, never lock out a new one.  The counters come from the heap at the
 * first charge, not the image: most guests never map a foreign page.
 */
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "lib/errno.h"
#include "lib/string.h"

void gnttab_quota_init(struct gnttab_quota *q, uint32_t quota, uint32_t cap)
{
	mm_free(q->count);
	memset(q, 0, sizeof(*q));
	q->quota = MIN(quota, GNTTAB_QUOTA_MAX);
	q->cap = cap;
}

uint32_t gnttab_quota_count(const struct gnttab_quota *q, domid_t domid)
{
	return domid < DOMID_FIRST_RESERVED && q->count ? q->count[domid] : 0;
}

#if BUGGY(XSA300)
/*
 * XSA-300 switched back on, for the tests to show failing: like Linux
 * before the fix, no bound on what one domain, or all of them, may map.
 * (The counters' own range still holds: that is arithmetic, not policy.)
 */
static int check_limits(struct gnttab_quota *q, uint32_t count)
{
	return 0;
}
#else
static int check_limits(struct gnttab_quota *q, uint32_t count)
{
	/* XSA-300: one granting domain may not take more than its share... */
	if (count >= q->quota) {
		q->refused_quota++;
		return -ENOSPC;
	}
	/* XSA-300: ...nor all domains together more than the cap. */
	if (q->total >= q->cap) {
		q->refused_cap++;
		return -ENOSPC;
	}
	return 0;
}
#endif

int gnttab_quota_charge(struct gnttab_quota *q, domid_t domid)
{
	int rc;

	if (domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	if (!q->count &&
	    !(q->count = mm_zalloc(DOMID_FIRST_RESERVED * sizeof(*q->count))))
		return -ENOMEM;
	rc = check_limits(q, q->count[domid]);
	if (rc)
		return rc;
	if (q->count[domid] == GNTTAB_QUOTA_MAX || q->total == UINT32_MAX)
		return -ENOSPC;
	q->count[domid]++;
	q->total++;
	return 0;
}

int gnttab_quota_uncharge(struct gnttab_quota *q, domid_t domid)
{
	if (domid >= DOMID_FIRST_RESERVED || !q->count || !q->count[domid] ||
	    !q->total) {
		pr_err("gnttab: unmap accounting: domain %u holds no mapping\n",
		       domid);
		return -EINVAL;
	}
	q->count[domid]--;
	q->total--;
	return 0;
}
