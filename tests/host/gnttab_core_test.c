/*
 * Suite `gnttab_core` (host): the reference allocator and the grant
 * entries of kernel/xen/gnttab/gnttab_core.c over fake_gnttab.c's plain-memory
 * table, the test playing Xen and the peer.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/fake_gnttab.h"

#define PEER 7

KTEST(gnttab_core, entry_written_for_xen)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_entry_v1_t *e;
	grant_ref_t ref;

	KT_ASSERT(gnttab_table_grant(&f->t, PEER, 0x1234, true, &ref) == 0);
	e = gnttab_table_entry(&f->t, ref);
	KT_EXPECT_EQ(e->domid, PEER);
	KT_EXPECT_EQ(e->frame, 0x1234);
	KT_EXPECT_EQ(e->flags, GTF_permit_access | GTF_readonly);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), 0);
	KT_EXPECT_EQ(e->flags, 0);
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, PEER, 0x1234, false, &ref), 0);
	KT_EXPECT_EQ(gnttab_table_entry(&f->t, ref)->flags, GTF_permit_access);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), 0);
	/* v1 frames are 32 bits; reserved domids name no peer. */
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, PEER, 1ULL << 32, false, &ref),
		     -EINVAL);
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, DOMID_SELF, 1, false, &ref),
		     -EINVAL);
	fake_gnttab_teardown(f);
}

KTEST(gnttab_core, reserved_refs_never_issued)
{
	struct fake_gnttab *f = fake_gnttab_setup(2);
	unsigned int n = 0,
		     want = 2 * GNTTAB_PER_FRAME - GNTTAB_NR_RESERVED_ENTRIES;
	static uint8_t seen[2 * GNTTAB_PER_FRAME];
	grant_ref_t ref;
	int rc;

	memset(seen, 0, sizeof(seen));
	while ((rc = gnttab_table_grant(&f->t, PEER, 1, false, &ref)) == 0) {
		KT_ASSERT(ref < ARRAY_SIZE(seen));
		KT_EXPECT(ref >= GNTTAB_NR_RESERVED_ENTRIES);
		KT_EXPECT(!seen[ref]);
		seen[ref] = 1;
		n++;
	}
	KT_EXPECT_EQ(rc, -ENOSPC);
	KT_EXPECT_EQ(n, want);
	KT_EXPECT_EQ(f->t.st.exhausted, 1);
	for (grant_ref_t r = 0; r < GNTTAB_NR_RESERVED_ENTRIES; r++)
		KT_EXPECT_EQ(gnttab_table_end(&f->t, r), -EINVAL);
	for (grant_ref_t r = 0; r < ARRAY_SIZE(seen); r++)
		if (seen[r])
			KT_EXPECT_EQ(gnttab_table_end(&f->t, r), 0);
	KT_EXPECT_EQ(f->t.st.refs_free, want);
	fake_gnttab_teardown(f);
}

KTEST(gnttab_core, grows_one_frame_on_demand)
{
	struct fake_gnttab *f = fake_gnttab_setup(4);
	unsigned int first = GNTTAB_PER_FRAME - GNTTAB_NR_RESERVED_ENTRIES;
	static grant_ref_t refs[GNTTAB_PER_FRAME + 1];

	KT_EXPECT_EQ(f->t.nr_frames, 0);
	for (unsigned int i = 0; i <= first; i++) {
		KT_ASSERT(gnttab_table_grant(&f->t, PEER, i, false, &refs[i]) ==
			  0);
		KT_EXPECT_EQ(f->t.nr_frames, i < first ? 1 : 2);
	}
	KT_EXPECT_EQ(f->frames_added, 2);
	KT_EXPECT_EQ(refs[first], GNTTAB_PER_FRAME);
	for (unsigned int i = 0; i <= first; i++)
		KT_EXPECT_EQ(gnttab_table_end(&f->t, refs[i]), 0);
	fake_gnttab_teardown(f);
}

/* The window full (add_frame fails): -ENOSPC at once, and counted. */
KTEST(gnttab_core, cannot_grow_enospc)
{
	struct fake_gnttab *f = fake_gnttab_setup(4);
	unsigned int first = GNTTAB_PER_FRAME - GNTTAB_NR_RESERVED_ENTRIES;
	static grant_ref_t refs[GNTTAB_PER_FRAME];
	grant_ref_t ref;

	f->fail_from = 1;
	for (unsigned int i = 0; i < first; i++)
		KT_ASSERT(gnttab_table_grant(&f->t, PEER, 1, false, &refs[i]) ==
			  0);
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, PEER, 1, false, &ref), -ENOSPC);
	KT_EXPECT_EQ(f->t.st.grow_fails, 1);
	KT_EXPECT_EQ(f->t.st.exhausted, 1);
	/* A freed reference is usable again, without growing. */
	KT_EXPECT_EQ(gnttab_table_end(&f->t, refs[0]), 0);
	KT_EXPECT_EQ(gnttab_table_grant(&f->t, PEER, 1, false, &refs[0]), 0);
	for (unsigned int i = 0; i < first; i++)
		KT_EXPECT_EQ(gnttab_table_end(&f->t, refs[i]), 0);
	fake_gnttab_teardown(f);
}

KTEST(gnttab_core, freed_ref_reused_last)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_ref_t a, b;

	KT_ASSERT(gnttab_table_grant(&f->t, PEER, 1, false, &a) == 0);
	KT_ASSERT(gnttab_table_end(&f->t, a) == 0);
	KT_ASSERT(gnttab_table_grant(&f->t, PEER, 1, false, &b) == 0);
	/* FIFO: a just-ended reference waits behind all the others. */
	KT_EXPECT_NE(a, b);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, b), 0);
	fake_gnttab_teardown(f);
}

/* MSA02: the peer maps, so ending access must fail and change nothing. */
KTEST(gnttab_core, end_while_mapped_busy)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_entry_v1_t *e;
	grant_ref_t ref;

	KT_ASSERT(gnttab_table_grant(&f->t, PEER, 5, false, &ref) == 0);
	e = gnttab_table_entry(&f->t, ref);
	for (int write = 0; write < 2; write++) {
		KT_ASSERT(fake_gnttab_peer_map(f, ref, PEER, write) == 0);
		KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), -EBUSY);
		KT_EXPECT_EQ(e->flags & GTF_type_mask, GTF_permit_access);
		KT_EXPECT_EQ(gnttab_table_ref_state(&f->t, ref),
			     GNTTAB_REF_GRANTED);
		fake_gnttab_peer_unmap(f, ref, write);
	}
	KT_EXPECT_EQ(f->t.st.end_busy, 2);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), 0);
	/* Access ended: Xen refuses the peer now. */
	KT_EXPECT_EQ(fake_gnttab_peer_map(f, ref, PEER, false), -EINVAL);
	fake_gnttab_teardown(f);
}

KTEST(gnttab_core, end_of_foreign_refs_refused)
{
	struct fake_gnttab *f = fake_gnttab_setup(1);
	grant_ref_t ref;

	KT_EXPECT_EQ(gnttab_table_end(&f->t, 100), -EINVAL); /* no table */
	KT_ASSERT(gnttab_table_grant(&f->t, PEER, 1, false, &ref) == 0);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref + 1), -EINVAL); /* free */
	KT_EXPECT_EQ(gnttab_table_end(&f->t, 0), -EINVAL);	 /* reserved */
	KT_EXPECT_EQ(gnttab_table_end(&f->t, GNTTAB_PER_FRAME), -EINVAL);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, GNTTAB_REF_NONE), -EINVAL);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), 0);
	KT_EXPECT_EQ(gnttab_table_end(&f->t, ref), -EINVAL); /* twice */
	KT_EXPECT_EQ(f->t.st.bad_refs, 6);
	fake_gnttab_teardown(f);
}
