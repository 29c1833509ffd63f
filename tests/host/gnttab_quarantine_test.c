/*
 * Suite `gnttab_quarantine` (host, MSA02 / XSA-396): a page whose access
 * cannot be ended stays out of the allocator and its reference out of
 * circulation until the peer unmaps; then both are released exactly once.
 * The test plays the peer on fake_gnttab.c's table.  On a BUGGY=msa02
 * build every test here fails: end access "succeeds" while mapped.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/fake_gnttab.h"

#define PEER 3

/* Grant a fresh page to PEER and let the peer map it for writing. */
static void *grant_mapped(struct fake_gnttab *f, grant_ref_t *ref)
{
	uint64_t gfn;
	void *page = fake_gnttab_page(f, &gfn);

	if (!page || gnttab_table_grant(&f->t, PEER, gfn, false, ref) ||
	    fake_gnttab_peer_map(f, *ref, PEER, true))
		return NULL;
	return page;
}

KTEST(gnttab_quarantine, unmapped_frees_at_once)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_ref_t ref;
	void *page = grant_mapped(f, &ref);

	KT_ASSERT(page);
	fake_gnttab_peer_unmap(f, ref, true);
	KT_EXPECT_EQ(gnttab_table_end_and_free(&f->t, ref, page), 0);
	KT_EXPECT_EQ(fake_gnttab_times_freed(f, page), 1);
	KT_EXPECT_EQ(f->t.st.quarantined, 0);
	fake_gnttab_teardown(f);
}

KTEST(gnttab_quarantine, busy_end_quarantines)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_ref_t ref;
	void *page = grant_mapped(f, &ref);

	KT_ASSERT(page);
	KT_EXPECT_EQ(gnttab_table_end_and_free(&f->t, ref, page), -EBUSY);
	KT_EXPECT_EQ(f->frees, 0);
	KT_EXPECT_EQ(gnttab_table_ref_state(&f->t, ref),
		     GNTTAB_REF_QUARANTINED);
	KT_EXPECT_EQ(f->t.st.quarantined_refs, 1);
	KT_EXPECT_EQ(f->t.st.quarantined_pages, 1);
	KT_EXPECT_EQ(f->t.st.quarantined, 1);
	KT_EXPECT_EQ(f->t.st.end_busy, 1);
	/* The caller gave it away: ending it again is refused. */
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), -EINVAL);
	KT_EXPECT_EQ(gnttab_table_end_and_free(&f->t, ref, page), -EINVAL);
	KT_EXPECT_EQ(f->frees, 0);
	fake_gnttab_peer_unmap(f, ref, true);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	fake_gnttab_teardown(f);
}

KTEST(gnttab_quarantine, retry_while_mapped_keeps_both)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_ref_t ref, other;
	unsigned int n = 0;
	void *page = grant_mapped(f, &ref);
	static grant_ref_t all[GNTTAB_PER_FRAME];

	KT_ASSERT(page);
	KT_ASSERT(gnttab_table_end_and_free(&f->t, ref, page) == -EBUSY);
	for (int i = 0; i < 3; i++)
		KT_EXPECT_EQ(gnttab_table_retry(&f->t), 1);
	KT_EXPECT_EQ(f->t.st.retries, 3);
	KT_EXPECT_EQ(f->frees, 0);
	/* Every other reference can be had; the quarantined one never. */
	while (gnttab_table_grant(&f->t, PEER, 1, false, &other) == 0) {
		KT_EXPECT_NE(other, ref);
		all[n++] = other;
	}
	KT_EXPECT_EQ(n, GNTTAB_PER_FRAME - GNTTAB_NR_RESERVED_ENTRIES - 1);
	for (unsigned int i = 0; i < n; i++)
		KT_EXPECT_EQ(gnttab_table_end(&f->t, all[i]), 0);
	fake_gnttab_peer_unmap(f, ref, true);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	fake_gnttab_teardown(f);
}

KTEST(gnttab_quarantine, released_once_after_unmap)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_ref_t ref;
	void *page = grant_mapped(f, &ref);

	KT_ASSERT(page);
	/* Mapped twice: the first unmap is not enough. */
	KT_ASSERT(fake_gnttab_peer_map(f, ref, PEER, false) == 0);
	KT_ASSERT(gnttab_table_end_and_free(&f->t, ref, page) == -EBUSY);
	fake_gnttab_peer_unmap(f, ref, true);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 1);
	KT_EXPECT_EQ(f->frees, 0);
	fake_gnttab_peer_unmap(f, ref, false);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	KT_EXPECT_EQ(fake_gnttab_times_freed(f, page), 1);
	KT_EXPECT_EQ(gnttab_table_ref_state(&f->t, ref), GNTTAB_REF_FREE);
	KT_EXPECT_EQ(f->t.st.released_refs, 1);
	KT_EXPECT_EQ(f->t.st.released_pages, 1);
	KT_EXPECT_EQ(f->t.st.retries, 2);
	/* Nothing left to release: more retries free nothing twice. */
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	KT_EXPECT_EQ(f->frees, 1);
	KT_EXPECT_EQ(f->t.st.retries, 2);
	fake_gnttab_teardown(f);
}

KTEST(gnttab_quarantine, each_released_on_its_own)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_ref_t ref[3];
	void *page[3];

	for (int i = 0; i < 3; i++) {
		page[i] = grant_mapped(f, &ref[i]);
		KT_ASSERT(page[i]);
		KT_ASSERT(gnttab_table_end_and_free(&f->t, ref[i], page[i]) ==
			  -EBUSY);
	}
	fake_gnttab_peer_unmap(f, ref[1], true);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 2);
	KT_EXPECT_EQ(fake_gnttab_times_freed(f, page[1]), 1);
	KT_EXPECT_EQ(fake_gnttab_times_freed(f, page[0]), 0);
	KT_EXPECT_EQ(fake_gnttab_times_freed(f, page[2]), 0);
	KT_EXPECT(gnttab_table_ref_state(&f->t, ref[0]) ==
		  GNTTAB_REF_QUARANTINED);
	fake_gnttab_peer_unmap(f, ref[2], true);
	fake_gnttab_peer_unmap(f, ref[0], true);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	for (int i = 0; i < 3; i++)
		KT_EXPECT_EQ(fake_gnttab_times_freed(f, page[i]), 1);
	KT_EXPECT_EQ(f->t.st.released_refs, 3);
	fake_gnttab_teardown(f);
}

/* A reference with no page of its own (e.g. a sub-page grant). */
KTEST(gnttab_quarantine, without_page)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_ref_t ref;

	KT_ASSERT(gnttab_table_grant(&f->t, PEER, 9, true, &ref) == 0);
	KT_ASSERT(fake_gnttab_peer_map(f, ref, PEER, false) == 0);
	KT_EXPECT_EQ(gnttab_table_end_and_free(&f->t, ref, NULL), -EBUSY);
	KT_EXPECT_EQ(f->t.st.quarantined_pages, 0);
	fake_gnttab_peer_unmap(f, ref, false);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	KT_EXPECT_EQ(f->t.st.released_pages, 0);
	KT_EXPECT_EQ(f->frees, 0);
	fake_gnttab_teardown(f);
}

/*
 * Issue 9: a peer that keeps every grant mapped gets no more grants once
 * it holds GNTTAB_QUARANTINE_PEER_MAX quarantined references; another
 * peer is not affected, and the first is served again after its unmaps.
 * Page-less grants (frames above the fake's pages): the bound counts
 * references.
 */
KTEST(gnttab_quarantine, peer_bound_refuses_grants)
{
	struct fake_gnttab *f = fake_gnttab_setup(2);
	static grant_ref_t refs[GNTTAB_QUARANTINE_PEER_MAX];
	uint64_t gfn = FAKE_GNTTAB_MAX_PAGES + 1;
	grant_ref_t ref;

	for (unsigned int i = 0; i < GNTTAB_QUARANTINE_PEER_MAX; i++) {
		KT_ASSERT(
		    !gnttab_table_grant(&f->t, PEER, gfn, false, &refs[i]));
		KT_ASSERT(!fake_gnttab_peer_map(f, refs[i], PEER, false));
		KT_ASSERT(gnttab_table_end_and_free(&f->t, refs[i], NULL) ==
			  -EBUSY);
	}
	KT_EXPECT_EQ(gnttab_table_quarantined_for(&f->t, PEER),
		     GNTTAB_QUARANTINE_PEER_MAX);
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, PEER, gfn, false, &ref),
		     -ENOSPC);
	KT_EXPECT_EQ(f->t.st.q_refused, 1);
	/* Another peer is served. */
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, PEER + 1, gfn, false, &ref), 0);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), 0);
	/* The peer lets go: the quarantine empties, grants are back. */
	for (unsigned int i = 0; i < GNTTAB_QUARANTINE_PEER_MAX; i++)
		fake_gnttab_peer_unmap(f, refs[i], false);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	KT_EXPECT_EQ(gnttab_table_quarantined_for(&f->t, PEER), 0);
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, PEER, gfn, false, &ref), 0);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), 0);
	fake_gnttab_teardown(f);
}

/* And in total: GNTTAB_QUARANTINE_MAX over several peers refuses all. */
KTEST(gnttab_quarantine, total_bound_refuses_grants)
{
	struct fake_gnttab *f = fake_gnttab_setup(2);
	static grant_ref_t refs[GNTTAB_QUARANTINE_MAX];
	uint64_t gfn = FAKE_GNTTAB_MAX_PAGES + 1;
	unsigned int per = GNTTAB_QUARANTINE_PEER_MAX, n = 0;
	grant_ref_t ref;

	while (n < GNTTAB_QUARANTINE_MAX) {
		domid_t peer = (domid_t)(PEER + n / per);

		KT_ASSERT(
		    !gnttab_table_grant(&f->t, peer, gfn, false, &refs[n]));
		KT_ASSERT(!fake_gnttab_peer_map(f, refs[n], peer, false));
		KT_ASSERT(gnttab_table_end_and_free(&f->t, refs[n], NULL) ==
			  -EBUSY);
		n++;
	}
	KT_EXPECT_EQ(f->t.st.quarantined_refs, GNTTAB_QUARANTINE_MAX);
	/* A peer with nothing quarantined is refused too: memory first. */
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, 60, gfn, false, &ref), -ENOSPC);
	for (unsigned int i = 0; i < n; i++)
		fake_gnttab_peer_unmap(f, refs[i], false);
	KT_EXPECT_EQ(gnttab_table_retry(&f->t), 0);
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, 60, gfn, false, &ref), 0);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), 0);
	fake_gnttab_teardown(f);
}
