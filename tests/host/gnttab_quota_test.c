/*
 * Suite `gnttab_quota` (host, XSA-300): per-peer quota and global cap of
 * kernel/xen/gnttab/gnttab_quota.c.  On a BUGGY=xsa300 build the limit tests
 * fail: nothing is ever refused.
 */
#include "kernel/ktest.h"
#include "lib/errno.h"
#include "kernel/xen/gnttab/gnttab_priv.h"

static struct gnttab_quota q;

static unsigned int charge_until_refused(domid_t d, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && gnttab_quota_charge(&q, d) == 0)
		n++;
	return n;
}

static void uncharge_n(domid_t d, unsigned int n)
{
	while (n--)
		KT_EXPECT_EQ(gnttab_quota_uncharge(&q, d), 0);
}

KTEST(gnttab_quota, per_peer_quota)
{
	gnttab_quota_init(&q, 3, 10);
	KT_EXPECT_EQ(charge_until_refused(1, 100), 3);
	KT_EXPECT_EQ(q.refused_quota, 1);
	KT_EXPECT_EQ(gnttab_quota_charge(&q, 1), -ENOSPC);
	KT_EXPECT_EQ(q.refused_quota, 2);
	/* Another peer is not starved by the first. */
	KT_EXPECT_EQ(charge_until_refused(2, 100), 3);
	KT_EXPECT_EQ(gnttab_quota_count(&q, 1), 3);
	KT_EXPECT_EQ(gnttab_quota_count(&q, 2), 3);
	KT_EXPECT_EQ(q.total, 6);
	/* One unmapped: one more mapping for that peer, no more. */
	uncharge_n(1, 1);
	KT_EXPECT_EQ(charge_until_refused(1, 100), 1);
	uncharge_n(1, 3);
	uncharge_n(2, 3);
	KT_EXPECT_EQ(q.total, 0);
}

KTEST(gnttab_quota, global_cap)
{
	gnttab_quota_init(&q, 4, 6);
	KT_EXPECT_EQ(charge_until_refused(1, 100), 4);
	KT_EXPECT_EQ(charge_until_refused(2, 100), 2);
	KT_EXPECT_EQ(q.refused_cap, 1);
	KT_EXPECT_EQ(charge_until_refused(3, 100), 0);
	KT_EXPECT_EQ(q.refused_cap, 2);
	KT_EXPECT_EQ(gnttab_quota_count(&q, 3), 0);
	uncharge_n(2, 2);
	KT_EXPECT_EQ(charge_until_refused(3, 100), 2);
	uncharge_n(1, 4);
	uncharge_n(3, 2);
}

KTEST(gnttab_quota, uncharge_unknown_refused)
{
	gnttab_quota_init(&q, 4, 8);
	KT_EXPECT_EQ(gnttab_quota_uncharge(&q, 5), -EINVAL);
	KT_EXPECT_EQ(gnttab_quota_charge(&q, 5), 0);
	KT_EXPECT_EQ(gnttab_quota_uncharge(&q, 6), -EINVAL);
	KT_EXPECT_EQ(gnttab_quota_uncharge(&q, 5), 0);
	KT_EXPECT_EQ(gnttab_quota_uncharge(&q, 5), -EINVAL);
	KT_EXPECT_EQ(q.total, 0);
}

/*
 * XSA-300: no table of peers to fill.  Frontends that come and go (each
 * charging and dropping a mapping), and many holding mappings at once,
 * never lock out a new domain; reserved domids are refused.
 */
KTEST(gnttab_quota, no_peer_table_to_exhaust)
{
	gnttab_quota_init(&q, 2, 2 * DOMID_FIRST_RESERVED);
	for (unsigned int round = 0; round < 3; round++)
		for (domid_t d = 1; d < 2000; d++) {
			KT_EXPECT_EQ(gnttab_quota_charge(&q, d), 0);
			uncharge_n(d, 1);
		}
	for (domid_t d = 0; d < DOMID_FIRST_RESERVED; d++)
		KT_EXPECT_EQ(gnttab_quota_charge(&q, d), 0);
	KT_EXPECT_EQ(q.total, DOMID_FIRST_RESERVED);
	/* Every domain still gets its second mapping, then its quota. */
	KT_EXPECT_EQ(gnttab_quota_charge(&q, DOMID_FIRST_RESERVED - 1), 0);
	KT_EXPECT_EQ(gnttab_quota_charge(&q, DOMID_FIRST_RESERVED - 1),
		     -ENOSPC);
	KT_EXPECT_EQ(gnttab_quota_charge(&q, DOMID_SELF), -EINVAL);
	KT_EXPECT_EQ(gnttab_quota_uncharge(&q, DOMID_SELF), -EINVAL);
	uncharge_n(DOMID_FIRST_RESERVED - 1, 1);
	for (domid_t d = 0; d < DOMID_FIRST_RESERVED; d++)
		uncharge_n(d, 1);
	KT_EXPECT_EQ(q.total, 0);
}

KTEST(gnttab_quota, lowered_limits)
{
	gnttab_quota_init(&q, 8, 8);
	KT_EXPECT_EQ(charge_until_refused(1, 5), 5);
	q.quota = 2; /* below what peer 1 holds */
	KT_EXPECT_EQ(gnttab_quota_charge(&q, 1), -ENOSPC);
	uncharge_n(1, 3);
	KT_EXPECT_EQ(gnttab_quota_charge(&q, 1), -ENOSPC);
	uncharge_n(1, 1);
	KT_EXPECT_EQ(gnttab_quota_charge(&q, 1), 0);
	uncharge_n(1, 2);
}
