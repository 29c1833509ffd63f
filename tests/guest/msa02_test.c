/*
 * Suite `msa02`: MirageOS Security Advisory 02 (mirage-xen < 3.3.0),
 * https://mirageos.org/blog/MSA02; Linux XSA-396 is the same class.
 *
 * The bug: ending a grant's access reported success even while the peer
 * still had the page mapped, so the page was freed or reused, and the
 * reference reissued, while the peer could still read and write it.
 *
 * The rule (kernel/xen/gnttab/gnttab_core.c, gnttab_quarantine.c): ending
 * access is one atomic compare-and-exchange that fails while Xen marks the
 * entry GTF_reading / GTF_writing; then the page stays out of the allocator and
 * the reference out of circulation, in a quarantine retried by a timer.
 *
 * Detection without a peer, as the Xen Test Framework does: grant a page
 * to our own domid and map it ourselves with GNTTABOP_map_grant_ref, so
 * Xen sets the flags exactly as for a foreign mapping (under PVH the
 * mapping goes at the page's own gfn: gnttab_selfmap.h says why).  With a peer:
 * the dom0 grant-holder maps and holds our grant (tests/peer/grant-holder.c).
 * On a BUGGY=msa02 build (end access ignores the flags) these tests fail.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/guest/expect.h"
#include "tests/guest/gnttab_selfmap.h"

#define MS 1000000UL
/* The retry back-off starts at 1 ms; a release must come well within. */
#define RELEASE_TIMEOUT_NS (3000 * MS)

/* A page granted to ourselves and mapped by us: the peer is us. */
struct selfmap {
	uint8_t *page;
	struct selfmap_pin pin;
	struct gnttab_mapping m; /* a second mapping, through the map layer */
	bool granted;		 /* the reference is still ours to end */
};

static bool selfmap_setup(struct selfmap *s)
{
	memset(s, 0, sizeof(*s));
	if (selfmap_domid() == DOMID_SELF)
		return false; /* skipped */
	s->page = mm_page_alloc_zeroed(0);
	if (!s->page || selfmap_pin(&s->pin, s->page)) {
		ktest_fail_at(__FILE__, __LINE__,
			      "cannot grant and map a page");
		if (s->page)
			mm_page_free(s->page, 0);
		return false;
	}
	s->granted = true;
	return true;
}

/* Unmap, then end what is still ours.  The page is freed either way. */
static void selfmap_teardown(struct selfmap *s)
{
	if (s->m.mapped)
		KT_EXPECT_EQ(gnttab_unmap(&s->m), 0);
	if (s->pin.pinned)
		KT_EXPECT_EQ(selfmap_unpin(&s->pin), 0);
	if (s->granted)
		KT_EXPECT_EQ(gnttab_end_access_and_free(s->pin.ref, s->page),
			     0);
}

static bool ref_released(void *arg)
{
	return !gnttab_ref_quarantined(*(grant_ref_t *)arg);
}

KTEST(msa02, end_access_while_mapped)
{
	struct gnttab_stats a, b;
	struct selfmap s;
	uint8_t *view;
	int rc;

	if (!selfmap_setup(&s))
		return;
	gnttab_get_stats(&a);
	rc = gnttab_end_access(s.pin.ref);
	gnttab_get_stats(&b);
	KT_EXPECT_EQ(rc, -EBUSY);
	if (rc == 0)
		s.granted = false; /* the bug: "ended" under the mapping */
	KT_EXPECT_EQ(b.end_busy, a.end_busy + 1);
	KT_EXPECT_EQ(b.refs_granted, a.refs_granted);
	/* The refusal changed nothing: the grant still maps, both ways. */
	rc = gnttab_map(selfmap_domid(), s.pin.ref, false, &s.m);
	KT_EXPECT_EQ(rc, 0);
	if (!rc) {
		view = gnttab_mapping_addr(&s.m);
		view[42] = 0x5a;
		KT_EXPECT_EQ(s.page[42], 0x5a);
	}
	selfmap_teardown(&s);
	if (!s.granted)
		mm_page_free(s.page, 0);
}

/* Up to this many pages are taken to look for the quarantined one. */
#define PROBE_PAGES 1024

KTEST(msa02, page_not_reused_while_mapped)
{
	struct mm_stats a, b;
	grant_ref_t ref, *refs;
	unsigned int n = 0, hits = 0, reissued = 0;
	void **probe, *own;
	struct selfmap s;
	int rc;

	probe = mm_alloc(PROBE_PAGES * sizeof(*probe));
	refs = mm_alloc(GNTTAB_MAX_FRAMES * GNTTAB_PER_FRAME * sizeof(*refs));
	/* The page the reference sweep grants: ours, zero, nothing else's. */
	own = mm_page_alloc_zeroed(0);
	if (!probe || !refs || !own || !selfmap_setup(&s))
		goto out;
	mm_get_stats(&a);
	rc = gnttab_end_access_and_free(s.pin.ref, s.page);
	mm_get_stats(&b);
	KT_EXPECT_EQ(rc, -EBUSY);
	s.granted = false; /* either way, no longer ours */
	KT_EXPECT(gnttab_ref_quarantined(s.pin.ref));
	KT_EXPECT_EQ(b.page_frees, a.page_frees);
	KT_EXPECT_EQ(b.free_pages, a.free_pages);
	/* The allocator must not hand the page out (LIFO: it would first). */
	for (n = 0; n < PROBE_PAGES && (probe[n] = mm_page_alloc(0)); n++)
		hits += probe[n] == (void *)s.page;
	while (n)
		mm_page_free(probe[--n], 0);
	KT_EXPECT_EQ(hits, 0);
	/*
	 * Nor the reference: take every free one, then give them back.  They
	 * all grant dom0 read access to one zeroed page of this test's own,
	 * never to a frame that holds anybody else's data (MSA01, XSA-403).
	 */
	while (gnttab_grant_access(0, (uintptr_t)own >> PAGE_SHIFT, true,
				   &ref) == 0) {
		reissued += ref == s.pin.ref;
		refs[n++] = ref;
	}
	while (n)
		KT_EXPECT_EQ(gnttab_end_access(refs[--n]), 0);
	KT_EXPECT_EQ(reissued, 0);
	selfmap_teardown(&s);
	/* Unmapped: the quarantine lets go (checked in detail below). */
	KT_EXPECT_EQ(wait_until(ref_released, &s.pin.ref, RELEASE_TIMEOUT_NS),
		     0);
out:
	if (own)
		mm_page_free(own, 0);
	mm_free(refs);
	mm_free(probe);
}

KTEST(msa02, quarantine_released_after_unmap)
{
	struct gnttab_stats a, b;
	struct mm_stats ma, mb;
	struct selfmap s;
	uint64_t t0, t1;
	int rc;

	if (!selfmap_setup(&s))
		return;
	gnttab_get_stats(&a);
	rc = gnttab_end_access_and_free(s.pin.ref, s.page);
	s.granted = false;
	KT_EXPECT_EQ(rc, -EBUSY);
	gnttab_get_stats(&b);
	KT_EXPECT_EQ(b.quarantined, a.quarantined + 1);
	KT_EXPECT_EQ(b.quarantined_refs, a.quarantined_refs + 1);
	KT_EXPECT_EQ(b.quarantined_pages, a.quarantined_pages + 1);
	/* Still mapped: retries keep it. */
	KT_EXPECT_EQ(gnttab_quarantine_poll(), b.quarantined_refs);
	mm_get_stats(&ma);
	KT_EXPECT_EQ(selfmap_unpin(&s.pin), 0);
	t0 = time_now_ns();
	/* No poll here: the timer must release it on its own. */
	KT_EXPECT_EQ(wait_until(ref_released, &s.pin.ref, RELEASE_TIMEOUT_NS),
		     0);
	t1 = time_now_ns();
	gnttab_get_stats(&b);
	mm_get_stats(&mb);
	KT_EXPECT_EQ(b.released_refs, a.released_refs + 1);
	KT_EXPECT_EQ(b.released_pages, a.released_pages + 1);
	KT_EXPECT_EQ(b.quarantined_refs, a.quarantined_refs);
	KT_EXPECT_EQ(b.quarantined_pages, a.quarantined_pages);
	KT_EXPECT(b.retries >= a.retries + 2);
	KT_EXPECT_EQ(mb.page_frees, ma.page_frees + 1);
	KT_EXPECT_EQ(b.refs_granted, a.refs_granted - 1);
	ktest_diag("released %lu us after the unmap, %lu retries so far",
		   (t1 - t0) / 1000, b.retries);
}

/*
 * With a real peer: the dom0 grant-holder (tests/peer/grant-holder.c)
 * maps our grant and holds it.  Protocol, under our xenstore home:
 * data/ktest-gh/ref = the reference, cmd = "map"; it answers state =
 * "mapped" (or "error <why>"); later cmd = "release", state = "released".
 */
#define GH_DIR	     "data/ktest-gh"
#define GH_ANSWER_NS (5000 * MS)
#define GH_POLL_NS   (10 * MS)

/* Remove our protocol nodes; there may be none. */
static void gh_clean(void)
{
	int rc = xs_rm(XS_TXN_NIL, GH_DIR);

	if (rc && rc != -ENOENT)
		ktest_diag("xs_rm %s: %d", GH_DIR, rc);
}

/* Wait for state == want; 0, -ETIMEDOUT, or -EPROTO for an error state. */
static int gh_wait_state(const char *want, char *state, size_t len)
{
	uint64_t deadline = time_now_ns() + GH_ANSWER_NS;
	int n;

	do {
		n = xs_read(XS_TXN_NIL, GH_DIR "/state", state, len);
		if (n >= 0 && !strcmp(state, want))
			return 0;
		if (n >= 0 && !strncmp(state, "error", 5))
			return -EPROTO;
		sleep_ns(GH_POLL_NS);
	} while (time_now_ns() < deadline);
	state[0] = '\0';
	return -ETIMEDOUT;
}

/* Ask the holder to map `ref`: 0 once it holds it, or why not. */
static int gh_map(grant_ref_t ref, char *state, size_t len)
{
	char val[16];

	gh_clean(); /* a stale answer is no answer */
	snprintf(val, sizeof(val), "%u", ref);
	if (xs_write(XS_TXN_NIL, GH_DIR "/ref", val) ||
	    xs_write(XS_TXN_NIL, GH_DIR "/cmd", "map"))
		return -EIO;
	return gh_wait_state("mapped", state, len);
}

static void fill_gh_pattern(uint8_t *p)
{
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		p[i] = (uint8_t)((i & 0xff) ^ 0x5a);
}

KTEST(msa02, peer_holds_mapping)
{
	struct gnttab_stats a, b;
	char state[64];
	grant_ref_t ref;
	uint8_t *page;
	void *probe;
	int rc;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	if (!xs_connected())
		KT_SKIP("no xenstore: cannot reach a grant-holder");
	/*
	 * Five test=all scenarios have no holder: waiting 5 s for none was
	 * 25 s of make test.  With the key, no answer is a failure.
	 */
	if (!expect_grant_holder())
		KT_SKIP("no grant-holder (gnttab.expect_holder=1)");
	page = mm_page_alloc(0);
	KT_ASSERT(page);
	fill_gh_pattern(page);
	KT_ASSERT(gnttab_grant_access(0, (uintptr_t)page >> PAGE_SHIFT, false,
				      &ref) == 0);
	rc = gh_map(ref, state, sizeof(state));
	if (rc) {
		KT_EXPECT_EQ(gnttab_end_access_and_free(ref, page), 0);
		gh_clean();
		ktest_fail_at(__FILE__, __LINE__, "holder: %d '%s'", rc, state);
		return;
	}
	gnttab_get_stats(&a);
	rc = gnttab_end_access_and_free(ref, page);
	KT_EXPECT_EQ(rc, -EBUSY);
	KT_EXPECT(gnttab_ref_quarantined(ref));
	/* LIFO allocator: a freed page would come straight back. */
	probe = mm_page_alloc(0);
	KT_EXPECT(probe != (void *)page);
	mm_page_free(probe, 0);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, GH_DIR "/cmd", "release"), 0);
	KT_EXPECT_EQ(gh_wait_state("released", state, sizeof(state)), 0);
	KT_EXPECT_EQ(wait_until(ref_released, &ref, RELEASE_TIMEOUT_NS), 0);
	gnttab_get_stats(&b);
	KT_EXPECT_EQ(b.quarantined, a.quarantined + 1);
	KT_EXPECT_EQ(b.released_refs, a.released_refs + 1);
	KT_EXPECT_EQ(b.released_pages, a.released_pages + 1);
	KT_EXPECT_EQ(b.quarantined_refs, a.quarantined_refs);
	if (!ktest_failed())
		ktest_diag("dom0 held ref %u; end refused, quarantined, "
			   "released after its unmap (%lu retries so far)",
			   ref, b.retries);
	gh_clean();
}
