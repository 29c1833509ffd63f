/*
 * Suite `gnttab_stress` (host): randomised property test of the table and
 * the quarantine against a hostile peer that maps and unmaps whatever it
 * may, whenever it likes, quarantined references included (their entries
 * still permit access).  A model of what each live reference is checked
 * after every operation:
 *   - a reference is never handed out while granted or quarantined;
 *   - ending access fails exactly when Xen says the peer maps it;
 *   - a retry releases exactly the quarantined references nobody maps;
 *   - no page is freed while mapped, or twice (fake_gnttab and mm watch);
 *   - the counters add up, and grants fail (-ENOSPC) only when all
 *     references are live or the peer's quarantine is at its bound.
 * One table frame, more slots than references, so exhaustion happens.
 * The seed is fixed and printed.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/fake_gnttab.h"

#define SEED	0x6e7474616221cafeULL
#define OPS	200000
#define SLOTS	600
#define PEER	11
#define NR_REFS (GNTTAB_PER_FRAME - GNTTAB_NR_RESERVED_ENTRIES)

enum { EMPTY, GRANTED, QUARANTINED };

static struct {
	struct ktest_rng rng;
	struct fake_gnttab *f;
	struct {
		grant_ref_t ref;
		void *page;
		uint8_t state;
		bool ro;
	} slot[SLOTS];
	uint8_t live[GNTTAB_PER_FRAME];
	unsigned int granted, quarantined, busy_ends, releases, enospc;
} s;

static uint64_t rnd(void)
{
	return ktest_rand(&s.rng);
}

static bool mapped(grant_ref_t ref)
{
	return s.f->readers[ref] || s.f->writers[ref];
}

static void op_grant(unsigned int i)
{
	/* Frames of page-less grants lie above fake_gnttab_page()'s. */
	uint64_t gfn = FAKE_GNTTAB_MAX_PAGES + 1 + rnd() % 1000;
	bool full = s.granted + s.quarantined == NR_REFS ||
		    s.quarantined >= GNTTAB_QUARANTINE_PEER_MAX;
	void *page = !full && rnd() % 4 ? fake_gnttab_page(s.f, &gfn) : NULL;
	bool ro = rnd() % 2;
	grant_ref_t ref;
	int rc = gnttab_table_grant(&s.f->t, PEER, gfn, ro, &ref);

	if (full) {
		KT_EXPECT_EQ(rc, -ENOSPC);
		s.enospc++;
		return;
	}
	KT_ASSERT(rc == 0 && ref < GNTTAB_PER_FRAME && !s.live[ref]);
	s.live[ref] = 1;
	s.slot[i].ref = ref;
	s.slot[i].page = page;
	s.slot[i].ro = ro;
	s.slot[i].state = GRANTED;
	s.granted++;
}

static void op_end(unsigned int i)
{
	grant_ref_t ref = s.slot[i].ref;
	bool busy = mapped(ref);
	int rc = gnttab_table_end_and_free(&s.f->t, ref, s.slot[i].page);

	KT_EXPECT_EQ(rc, busy ? -EBUSY : 0);
	s.granted--;
	if (busy) {
		s.slot[i].state = QUARANTINED;
		s.quarantined++;
		s.busy_ends++;
	} else {
		s.slot[i].state = EMPTY;
		s.live[ref] = 0;
	}
}

static void op_retry(void)
{
	unsigned int expect = 0;

	for (unsigned int i = 0; i < SLOTS; i++)
		if (s.slot[i].state == QUARANTINED && mapped(s.slot[i].ref))
			expect++;
	KT_EXPECT_EQ(gnttab_table_retry(&s.f->t), expect);
	for (unsigned int i = 0; i < SLOTS; i++) {
		if (s.slot[i].state != QUARANTINED || mapped(s.slot[i].ref))
			continue;
		KT_EXPECT_EQ(gnttab_table_ref_state(&s.f->t, s.slot[i].ref),
			     GNTTAB_REF_FREE);
		if (s.slot[i].page)
			KT_EXPECT_EQ(
			    fake_gnttab_times_freed(s.f, s.slot[i].page), 1);
		s.live[s.slot[i].ref] = 0;
		s.slot[i].state = EMPTY;
		s.quarantined--;
		s.releases++;
	}
}

/* The hostile peer: map or unmap any reference it was ever granted. */
static void op_peer(unsigned int i)
{
	grant_ref_t ref = s.slot[i].ref;
	bool write = rnd() % 2;

	if (rnd() % 2) {
		int rc = fake_gnttab_peer_map(s.f, ref, PEER, write);

		KT_EXPECT_EQ(rc, write && s.slot[i].ro ? -EINVAL : 0);
	} else {
		fake_gnttab_peer_unmap(s.f, ref, write);
	}
}

static void check_counters(void)
{
	const struct gnttab_stats *st = &s.f->t.st;

	KT_EXPECT_EQ(st->refs_granted, s.granted);
	KT_EXPECT_EQ(st->quarantined_refs, s.quarantined);
	if (s.f->t.nr_frames)
		KT_EXPECT_EQ(st->refs_free + s.granted + s.quarantined,
			     NR_REFS);
	KT_EXPECT_EQ(s.f->freed_while_mapped, 0);
}

static void step(void)
{
	unsigned int i = rnd() % SLOTS, r = rnd() % 100;

	if (s.slot[i].state == EMPTY)
		op_grant(i);
	else if (r < 50)
		op_peer(i);
	else if (r < 70 && s.slot[i].state == GRANTED)
		op_end(i);
	else if (r < 75)
		op_retry();
}

KTEST(gnttab_stress, hostile_peer_random)
{
	struct mm_stats before, after;

	mm_get_stats(&before);
	memset(&s, 0, sizeof(s));
	s.rng.x = SEED;
	s.f = fake_gnttab_new(1);
	ktest_diag("seed %#lx, %u operations", (unsigned long)SEED, OPS);
	for (unsigned int n = 0; n < OPS && !ktest_failed(); n++) {
		step();
		check_counters();
	}
	/* The peer goes away: everything must come back. */
	for (grant_ref_t r = 0; r < GNTTAB_PER_FRAME; r++)
		while (mapped(r)) {
			fake_gnttab_peer_unmap(s.f, r, true);
			fake_gnttab_peer_unmap(s.f, r, false);
		}
	op_retry();
	for (unsigned int i = 0; i < SLOTS; i++)
		if (s.slot[i].state == GRANTED)
			op_end(i);
	check_counters();
	ktest_diag("%u busy ends quarantined, %u released, %u -ENOSPC",
		   s.busy_ends, s.releases, s.enospc);
	KT_EXPECT(s.busy_ends > 200 && s.releases > 200 && s.enospc > 100);
	fake_gnttab_fini(s.f);
	mm_get_stats(&after);
	KT_EXPECT_EQ(after.free_pages, before.free_pages);
	KT_EXPECT_EQ(after.bad_frees, before.bad_frees);
}
