/*
 * Suite `netfront`, part 3 of 3, linked last so it runs last: in every
 * scenario where the device ever connected, tear it down and check that
 * the pages and grant references in use are back at what they were
 * before the device took anything (pages the grant quarantine still holds
 * for a peer's mapping excepted, and counted).  Under a correct backend
 * the device is brought up again for whatever runs next.
 */
#include "kernel/mm/mm.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xen.h"
#include "tests/guest/netfront_test.h"

static uint64_t page_api_used(void)
{
	struct mm_stats m;

	mm_get_stats(&m);
	return m.used_pages - m.heap_pages;
}

KTEST(netfront, no_leak_after_teardown)
{
	struct netfront_baseline base;
	struct netfront_stats st;
	struct gnttab_stats g;
	uint64_t pages, q;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	if (!netfront_get_baseline(&base))
		KT_SKIP("netfront never connected (no vif)");
	nft_disconnect_clean(&st);
	gnttab_quarantine_poll();
	gnttab_get_stats(&g);
	pages = page_api_used();
	/* Back at the start, but for pages the quarantine still holds. */
	q = g.quarantined_pages - base.quarantined_pages;
	KT_EXPECT_EQ(pages, base.pages + q);
	KT_EXPECT_EQ(g.refs_granted, base.refs);
	ktest_diag("pages %lu (start %lu, quarantined now %lu), grants %u "
		   "(start %u); %lu page(s) ever quarantined",
		   (unsigned long)pages, (unsigned long)base.pages,
		   (unsigned long)q, g.refs_granted, base.refs,
		   (unsigned long)st.quarantined_pages);
	/*
	 * Leave a working device for whatever runs next; under
	 * hostile-netback the next test asks for its own mode anyway.
	 */
	if (!expect_netfront())
		KT_EXPECT_EQ(netfront_connect(NFT_CONNECT_NS), 0);
}
