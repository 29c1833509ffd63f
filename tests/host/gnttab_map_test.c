/*
 * Suite `gnttab_map` (host, XSA-300): kernel/xen/gnttab/gnttab_map.c's
 * batches, gnttab_map_batch() and gnttab_unmap_batch(), as netback uses
 * them (a ring's run of TX requests in one hypercall), against a fake Xen
 * that maps grants of one peer and can refuse a ref, run out of maptrack
 * or fail the whole hypercall.  What is checked: each entry is charged to
 * the granting domain exactly as gnttab_map() charges it; the quota's
 * refusal mid-batch ends the batch there, so the refused entry and those
 * after it are neither charged, nor given a window frame, nor handed to
 * Xen; Xen's own refusals give their charge and frame back; an unmap Xen
 * refuses keeps its frame out of use.
 *
 * gnttab_map.c is compiled into this file, its window allocator renamed
 * to this file's (window_test.c has the real one, with its own state), and
 * its hypercall and grant-table calls played by the fakes below.
 */
#define xen_window_alloc fake_window_alloc
#define xen_window_free	 fake_window_free
#define xen_window_used	 fake_window_used
#define xen_info	 fake_xen_info
#include "kernel/xen/gnttab/gnttab_map.c"
#undef xen_window_alloc
#undef xen_window_free
#undef xen_window_used
#undef xen_info

#include "kernel/ktest.h"

#define PEER	   7
#define WIN_GFN	   0x20000ULL
#define WIN_FRAMES 64 /* 48 usable: GNTTAB_MAP_WINDOW_SPARE stay free */
#define HANDLES	   64

/* (struct xen_info: its tag was renamed with it) */
struct fake_xen_info fake_xen_info = {.window_gfn = WIN_GFN,
				      .window_frames = WIN_FRAMES};

/* The window: a frame is either free or held by one mapping. */
static bool frame_used[WIN_FRAMES];
static uint64_t frames_used;

int fake_window_alloc(uint64_t *gfn)
{
	for (unsigned int i = 0; i < WIN_FRAMES; i++) {
		if (!frame_used[i]) {
			frame_used[i] = true;
			frames_used++;
			*gfn = WIN_GFN + i;
			return 0;
		}
	}
	return -ENOSPC;
}

void fake_window_free(uint64_t gfn)
{
	uint64_t i = gfn - WIN_GFN;

	KT_EXPECT(gfn >= WIN_GFN && i < WIN_FRAMES && frame_used[i]);
	if (gfn < WIN_GFN || i >= WIN_FRAMES || !frame_used[i])
		return;
	frame_used[i] = false;
	frames_used--;
}

uint64_t fake_window_used(void)
{
	return frames_used;
}

/* The table cannot grow: the map layer keeps only the spare free. */
int gnttab_init(void)
{
	return 0;
}

void gnttab_get_stats(struct gnttab_stats *st)
{
	*st = (struct gnttab_stats){.nr_frames = 1, .max_frames = 1};
}

/* Xen: the peer's grants, mapped at most once per frame. */
static struct {
	unsigned int calls, ops;   /* hypercalls, and ops in them */
	unsigned int maptrack;	   /* maps left before GNTST_no_space */
	grant_ref_t bad_ref;	   /* mapping it is GNTST_bad_gntref */
	grant_handle_t bad_handle; /* unmapping it is GNTST_bad_handle */
	int fail;		   /* the whole hypercall fails with this */
	bool live[HANDLES];
	uint64_t addr[HANDLES];
	unsigned int nr_live;
} x;

static void xen_map(struct gnttab_map_grant_ref *op)
{
	unsigned int h = 0;

	KT_EXPECT_EQ(op->dom, PEER);
	KT_EXPECT(op->host_addr >> PAGE_SHIFT >= WIN_GFN &&
		  (op->host_addr >> PAGE_SHIFT) - WIN_GFN < WIN_FRAMES);
	for (unsigned int i = 0; i < HANDLES; i++)
		KT_EXPECT(!x.live[i] || x.addr[i] != op->host_addr);
	while (h < HANDLES && x.live[h])
		h++;
	if (op->ref == x.bad_ref) {
		op->status = GNTST_bad_gntref;
	} else if (!x.maptrack || h == HANDLES) {
		op->status = GNTST_no_space;
	} else {
		x.maptrack--;
		x.live[h] = true;
		x.addr[h] = op->host_addr;
		x.nr_live++;
		op->handle = (grant_handle_t)h;
		op->status = GNTST_okay;
	}
}

static void xen_unmap(struct gnttab_unmap_grant_ref *op)
{
	grant_handle_t h = op->handle;

	if (h == x.bad_handle || h >= HANDLES || !x.live[h] ||
	    x.addr[h] != op->host_addr) {
		op->status = GNTST_bad_handle;
		return;
	}
	x.live[h] = false;
	x.nr_live--;
	x.maptrack++;
	op->status = GNTST_okay;
}

int xen_grant_table_op(int cmd, void *uop, unsigned int count)
{
	x.calls++;
	if (x.fail)
		return x.fail;
	for (unsigned int i = 0; i < count; i++, x.ops++) {
		if (cmd == GNTTABOP_map_grant_ref)
			xen_map((struct gnttab_map_grant_ref *)uop + i);
		else if (cmd == GNTTABOP_unmap_grant_ref)
			xen_unmap((struct gnttab_unmap_grant_ref *)uop + i);
		else
			return -ENOSYS;
	}
	return 0;
}

static struct gnttab_mapping maps[GNTTAB_BATCH_MAX + 1];
static struct gnttab_mapping *mp[GNTTAB_BATCH_MAX + 1];
static grant_ref_t refs[GNTTAB_BATCH_MAX + 1];
static int rcs[GNTTAB_BATCH_MAX + 1];

/* A fresh peer and Xen; the peer's quota 4, the cap 40. */
static int setup(void)
{
	int rc = gnttab_map_init();

	gnttab_map_set_limits(4, 40);
	memset(&x, 0, sizeof(x));
	x.maptrack = HANDLES;
	x.bad_ref = x.bad_handle = 0xffff;
	memset(maps, 0, sizeof(maps));
	for (unsigned int i = 0; i <= GNTTAB_BATCH_MAX; i++) {
		mp[i] = &maps[i];
		refs[i] = 100 + i;
		rcs[i] = 12345; /* "untouched" */
	}
	return rc;
}

/* Nothing held anywhere: not by Xen, the window, or the peer's quota. */
static void teardown(void)
{
	for (unsigned int i = 0; i <= GNTTAB_BATCH_MAX; i++)
		if (maps[i].mapped)
			KT_EXPECT_EQ(gnttab_unmap(&maps[i]), 0);
	KT_EXPECT_EQ(x.nr_live, 0);
	KT_EXPECT_EQ(frames_used, 0);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 0);
}

KTEST_SUITE(gnttab_map, .init = setup, .exit = teardown);

static struct gnttab_map_stats stats(void)
{
	struct gnttab_map_stats st;

	gnttab_map_get_stats(&st);
	return st;
}

/* A batch is charged like as many gnttab_map() calls, in one hypercall. */
KTEST(gnttab_map, batch_charged_like_map)
{
	struct gnttab_map_stats a = stats(), b;

	KT_ASSERT(gnttab_map(PEER, 90, true, &maps[GNTTAB_BATCH_MAX]) == 0);
	b = stats();
	KT_EXPECT_EQ(b.maps - a.maps, 1);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 1);
	x.calls = 0;
	KT_EXPECT_EQ(gnttab_map_batch(PEER, true, refs, mp, rcs, 3), 3);
	KT_EXPECT_EQ(x.calls, 1);
	for (unsigned int i = 0; i < 3; i++) {
		KT_EXPECT_EQ(rcs[i], 0);
		KT_EXPECT(maps[i].mapped && maps[i].readonly);
		KT_EXPECT_EQ(maps[i].domid, PEER);
		KT_EXPECT_EQ(maps[i].ref, refs[i]);
	}
	KT_EXPECT_EQ(rcs[3], 12345);
	KT_EXPECT_EQ(stats().maps - b.maps, 3);
	KT_EXPECT_EQ(stats().mapped, 4);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 4);
	KT_EXPECT_EQ(frames_used, 4);
	x.calls = 0;
	KT_EXPECT_EQ(gnttab_unmap_batch(mp, rcs, 3), 0);
	KT_EXPECT_EQ(x.calls, 1);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 1);
	KT_EXPECT_EQ(stats().unmaps - a.unmaps, 3);
}

/*
 * XSA-300: the quota's refusal of entry 4 ends the batch: 4 mapped and
 * charged, the 5th refused with nothing taken, the 6th never looked at,
 * and Xen sees only the 4.
 */
KTEST(gnttab_map, quota_refusal_mid_batch)
{
	struct gnttab_map_stats a = stats();

	KT_EXPECT_EQ(gnttab_map_batch(PEER, true, refs, mp, rcs, 6), 4);
	KT_EXPECT_EQ(x.ops, 4);
	for (unsigned int i = 0; i < 4; i++)
		KT_EXPECT(rcs[i] == 0 && maps[i].mapped);
	KT_EXPECT_EQ(rcs[4], -ENOSPC);
	KT_EXPECT_EQ(rcs[5], 12345);
	KT_EXPECT(!maps[4].mapped && !maps[5].mapped);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 4);
	KT_EXPECT_EQ(frames_used, 4);
	KT_EXPECT_EQ(x.nr_live, 4);
	KT_EXPECT_EQ(stats().refused_quota - a.refused_quota, 1);
	/* At the quota a batch maps nothing and asks Xen nothing. */
	x.calls = 0;
	KT_EXPECT_EQ(gnttab_map_batch(PEER, true, refs + 4, mp + 4, rcs + 4, 2),
		     0);
	KT_EXPECT_EQ(rcs[4], -ENOSPC);
	KT_EXPECT_EQ(x.calls, 0);
	KT_EXPECT_EQ(gnttab_unmap_batch(mp, rcs, 4), 0);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 0);
}

/* Xen's refusals do not end a batch; each gives its charge back. */
KTEST(gnttab_map, xen_refusals_uncharged)
{
	x.bad_ref = refs[1];
	x.maptrack = 2;
	KT_EXPECT_EQ(gnttab_map_batch(PEER, false, refs, mp, rcs, 4), 4);
	KT_EXPECT_EQ(rcs[0], 0);
	KT_EXPECT_EQ(rcs[1], -ENOENT);
	KT_EXPECT_EQ(rcs[2], 0);
	KT_EXPECT_EQ(rcs[3], -ENOSPC); /* maptrack full */
	KT_EXPECT(maps[0].mapped && !maps[1].mapped && maps[2].mapped);
	KT_EXPECT(!maps[3].mapped && !maps[0].readonly);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 2);
	KT_EXPECT_EQ(frames_used, 2);
	/* The whole hypercall failing: nothing of it is kept. */
	x.fail = -EFAULT;
	KT_EXPECT_EQ(
	    gnttab_map_batch(PEER, false, refs + 4, mp + 4, rcs + 4, 2), 2);
	KT_EXPECT(rcs[4] == -EFAULT && rcs[5] == -EFAULT);
	KT_EXPECT(!maps[4].mapped && !maps[5].mapped);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 2);
	KT_EXPECT_EQ(frames_used, 2);
	x.fail = 0;
}

/* Our own refusals: a mapped entry, too many, an unmapped one. */
KTEST(gnttab_map, bad_arguments)
{
	maps[1].mapped = true; /* in use by the caller */
	KT_EXPECT_EQ(gnttab_map_batch(PEER, true, refs, mp, rcs, 3), 1);
	KT_EXPECT_EQ(rcs[1], -EINVAL);
	KT_EXPECT_EQ(rcs[2], 12345);
	maps[1].mapped = false;
	KT_EXPECT_EQ(
	    gnttab_map_batch(DOMID_SELF, true, refs + 1, mp + 1, rcs + 1, 1),
	    0);
	KT_EXPECT_EQ(rcs[1], -EINVAL);
	KT_EXPECT_EQ(gnttab_unmap_batch(mp, rcs, GNTTAB_BATCH_MAX + 1),
		     -EINVAL);
	KT_EXPECT(maps[0].mapped); /* an oversize unmap touches nothing */
	/* Unmapping a mapped and an unmapped entry: the first is done. */
	KT_EXPECT_EQ(gnttab_unmap_batch(mp, rcs, 2), -EINVAL);
	KT_EXPECT(rcs[0] == 0 && rcs[1] == -EINVAL && !maps[0].mapped);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 0);
}

/* An unmap Xen refuses keeps the mapping, its frame and its charge. */
KTEST(gnttab_map, unmap_refused_kept)
{
	struct gnttab_map_stats a;

	KT_ASSERT(gnttab_map_batch(PEER, true, refs, mp, rcs, 3) == 3);
	a = stats();
	x.bad_handle = maps[1].handle;
	KT_EXPECT_EQ(gnttab_unmap_batch(mp, rcs, 3), -EBADF);
	KT_EXPECT(rcs[0] == 0 && rcs[1] == -EBADF && rcs[2] == 0);
	KT_EXPECT(!maps[0].mapped && maps[1].mapped && !maps[2].mapped);
	KT_EXPECT_EQ(frames_used, 1);
	KT_EXPECT_EQ(gnttab_map_count(PEER), 1);
	KT_EXPECT_EQ(stats().unmap_fails - a.unmap_fails, 1);
	x.bad_handle = 0xffff; /* teardown unmaps it */
}
