/*
 * Mapping other domains' grants: the backend side (XSA-300).  Each
 * mapping takes one frame of the reserved window, never a RAM page, and
 * is charged to the domain that granted the page before anything is
 * taken: a refused request costs nothing.  Xen's own refusals (maptrack full,
 * bad reference, ...) come back as clean errors; nothing a peer hands us
 * reaches an ASSERT.
 *
 * Map and unmap run in thread context only (not from interrupts).
 */
#include "kernel/cmdline.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "lib/string.h"

static struct gnttab_quota quota;
static bool quota_ready;
static uint32_t mapped_now;
static uint64_t nr_maps, nr_unmaps, refused_window, refused_xen;
static uint64_t xen_no_space, unmap_fails;

/* From the command line; 0 means "use the default". */
static uint32_t param_quota, param_cap;

static int parse_limit(const char *v, uint32_t *out)
{
	uint64_t n;

	if (kstrtou64(v, strlen(v), 10, &n) || !n || n > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

static int set_map_quota(const char *v)
{
	return parse_limit(v, &param_quota);
}
KPARAM("gnttab.map_quota", set_map_quota);

static int set_map_cap(const char *v)
{
	return parse_limit(v, &param_cap);
}
KPARAM("gnttab.map_cap", set_map_cap);

/*
 * Defaults: a quarter of the window for all mappings together (the rest
 * is for grant-table frames, shared info, rings...), a quarter of that
 * per peer.  The window stays the hard bound whatever the cmdline says.
 * The map layer sits on the table: it asks the table, never the reverse.
 */
int gnttab_map_init(void)
{
	uint64_t window_frames = xen_info.window_frames;
	uint64_t window_spare;
	struct gnttab_stats g;
	uint32_t cap, q;
	int rc;

	if (quota_ready)
		return 0;
	rc = gnttab_init();
	if (rc)
		return rc;
	gnttab_get_stats(&g);
	cap = param_cap ? param_cap : (uint32_t)(window_frames / 4);
	/* The table's own growth and a few frames for rings come first. */
	window_spare = g.max_frames + GNTTAB_MAP_WINDOW_SPARE;
	window_spare = MIN(window_spare, window_frames);
	cap = (uint32_t)MIN((uint64_t)cap, window_frames - window_spare);
	q = param_quota ? param_quota : MAX(cap / 4, 1U);
	q = MIN(q, GNTTAB_QUOTA_MAX);
	gnttab_quota_init(&quota, q, cap);
	quota_ready = true;
	pr_info("gnttab: map quota %u per granting domain, cap %u in all\n", q,
		cap);
	return 0;
}

void gnttab_map_set_limits(uint32_t q, uint32_t cap)
{
	quota.quota = q;
	quota.cap = cap;
}

/* A flood must not flood the log too: the first few, then powers of 2. */
static bool log_this(uint64_t n)
{
	return n <= 4 || !(n & (n - 1));
}

/*
 * XSA-300: every map is charged to the domain that granted the page, the
 * domid Xen will check, so a flood is billed to the flooder alone.
 */
static int charge(domid_t domid)
{
	uint64_t by_quota = quota.refused_quota;
	int rc = gnttab_quota_charge(&quota, domid);
	uint64_t n = quota.refused_quota + quota.refused_cap;

	if (rc == -ENOMEM)
		pr_warn("gnttab: map for domain %u refused (%d)\n", domid, rc);
	else if (rc && log_this(n))
		pr_warn("gnttab: map for domain %u refused: %s (it holds %u, "
			"all domains %u)\n",
			domid,
			quota.refused_quota != by_quota ? "its quota"
							: "the global cap",
			gnttab_quota_count(&quota, domid), quota.total);
	return rc;
}

/*
 * Frames the grant table may still need to grow into, plus the spare:
 * a map that would leave fewer is refused whatever the cap says (the
 * kernel's own table must not be starved by peers' mappings).
 */
static bool window_has_room(void)
{
	struct gnttab_stats g;
	uint64_t keep;

	gnttab_get_stats(&g);
	keep = (uint64_t)(g.max_frames - g.nr_frames) + GNTTAB_MAP_WINDOW_SPARE;
	return xen_window_used() + keep < xen_info.window_frames;
}

/* Xen's answer to one map op: 0 or its errno (counted, logged). */
static int map_status(const struct gnttab_map_grant_ref *op)
{
	if (op->status == GNTST_okay)
		return 0;
	refused_xen++;
	if (op->status == GNTST_no_space)
		xen_no_space++;
	if (log_this(refused_xen))
		pr_warn("gnttab: Xen refused to map ref %u of domain %u: "
			"%d %s\n",
			op->ref, op->dom, op->status,
			gnttab_status_name(op->status));
	return gnttab_status_errno(op->status);
}

/*
 * Before the hypercall: charge `domid` (XSA-300) and take a window frame
 * for the op.  0, or -ENOSPC (our quota or cap, or the window) / the
 * charge's -errno with nothing held.
 */
static int map_prepare(domid_t domid, grant_ref_t ref, bool readonly,
		       struct gnttab_map_grant_ref *op)
{
	uint64_t gfn;
	int rc = charge(domid);

	if (rc)
		return rc;
	rc = window_has_room() ? xen_window_alloc(&gfn) : -ENOSPC;
	if (rc) {
		refused_window++;
		(void)gnttab_quota_uncharge(&quota, domid);
		return rc;
	}
	/* PVH: host_addr is the guest-physical address to map at. */
	*op = (struct gnttab_map_grant_ref){
	    .host_addr = gfn << PAGE_SHIFT,
	    .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
	    .ref = ref,
	    .dom = domid,
	};
	return 0;
}

/* After it: the mapping, or the frame and the charge given back. */
static int map_finish(const struct gnttab_map_grant_ref *op, int rc,
		      struct gnttab_mapping *m)
{
	uint64_t gfn = op->host_addr >> PAGE_SHIFT;

	if (!rc)
		rc = map_status(op);
	if (rc) {
		xen_window_free(gfn);
		(void)gnttab_quota_uncharge(&quota, op->dom);
		return rc;
	}
	*m = (struct gnttab_mapping){
	    .domid = op->dom,
	    .ref = op->ref,
	    .handle = op->handle,
	    .gfn = gfn,
	    .readonly = !!(op->flags & GNTMAP_readonly),
	    .mapped = true,
	};
	mapped_now++;
	nr_maps++;
	return 0;
}

static int map_check_args(domid_t domid, const struct gnttab_mapping *m)
{
	/* Xen maps from a named domain only (not DOMID_SELF). */
	if (!m || m->mapped || domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	return gnttab_map_init();
}

int gnttab_map(domid_t domid, grant_ref_t ref, bool readonly,
	       struct gnttab_mapping *m)
{
	struct gnttab_map_grant_ref op;
	int rc = map_check_args(domid, m);

	if (!rc)
		rc = map_prepare(domid, ref, readonly, &op);
	if (rc)
		return rc;
	return map_finish(
	    &op, xen_grant_table_op(GNTTABOP_map_grant_ref, &op, 1), m);
}

/*
 * One batch's ops (thread context only, one CPU: one batch at a time),
 * from the heap at the first batch: only a backend pays for its 3.5 KiB
 * (issue 11, footprint).
 */
static struct batch_ops {
	struct gnttab_map_grant_ref map[GNTTAB_BATCH_MAX];
	struct gnttab_unmap_grant_ref unmap[GNTTAB_BATCH_MAX];
} * ops;

static int ops_ready(void)
{
	if (!ops)
		ops = mm_alloc(sizeof(*ops));
	return ops ? 0 : -ENOMEM;
}

unsigned int gnttab_map_batch(domid_t domid, bool readonly,
			      const grant_ref_t *refs,
			      struct gnttab_mapping **m, int *rcs,
			      unsigned int n)
{
	unsigned int t;
	int rc = 0;

	n = MIN(n, GNTTAB_BATCH_MAX);
	rc = ops_ready();
	/* Charged in order: the first refusal ends the batch (XSA-300). */
	for (t = 0; t < n && !rc; t++) {
		rc = map_check_args(domid, m[t]);
		if (!rc)
			rc =
			    map_prepare(domid, refs[t], readonly, &ops->map[t]);
		if (rc)
			break;
	}
	if (t < n)
		rcs[t] = rc;
	if (!t)
		return 0;
	rc = xen_grant_table_op(GNTTABOP_map_grant_ref, ops->map, t);
	for (unsigned int i = 0; i < t; i++)
		rcs[i] = map_finish(&ops->map[i], rc, m[i]);
	return t;
}

/* Xen's answer to one unmap op: the frame and charge back, or kept. */
static int unmap_finish(const struct gnttab_unmap_grant_ref *op, int rc,
			struct gnttab_mapping *m)
{
	if (!rc && op->status != GNTST_okay)
		rc = gnttab_status_errno(op->status);
	if (rc) {
		/* The frame may still hold the page: keep it out of use. */
		unmap_fails++;
		pr_err("gnttab: unmap of ref %u of domain %u failed: %d "
		       "(status %d %s)\n",
		       m->ref, m->domid, rc, op->status,
		       gnttab_status_name(op->status));
		return rc;
	}
	xen_window_free(m->gfn);
	(void)gnttab_quota_uncharge(&quota, m->domid);
	m->mapped = false;
	mapped_now--;
	nr_unmaps++;
	return 0;
}

static void unmap_op(const struct gnttab_mapping *m,
		     struct gnttab_unmap_grant_ref *op)
{
	*op = (struct gnttab_unmap_grant_ref){
	    .host_addr = m->gfn << PAGE_SHIFT,
	    .handle = m->handle,
	};
}

int gnttab_unmap(struct gnttab_mapping *m)
{
	struct gnttab_unmap_grant_ref op;

	if (!m || !m->mapped)
		return -EINVAL;
	unmap_op(m, &op);
	return unmap_finish(
	    &op, xen_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1), m);
}

int gnttab_unmap_batch(struct gnttab_mapping **m, int *rcs, unsigned int n)
{
	unsigned int k = 0, idx[GNTTAB_BATCH_MAX], all = n;
	int rc, first = 0;

	if (n > GNTTAB_BATCH_MAX)
		return -EINVAL;
	if (ops_ready()) { /* one by one, then: nothing stays mapped */
		for (unsigned int i = 0; i < n; i++)
			rcs[i] = gnttab_unmap(m[i]);
		n = 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		rcs[i] = !m[i] || !m[i]->mapped ? -EINVAL : 0;
		if (!rcs[i]) {
			unmap_op(m[i], &ops->unmap[k]);
			idx[k++] = i;
		}
	}
	rc =
	    k ? xen_grant_table_op(GNTTABOP_unmap_grant_ref, ops->unmap, k) : 0;
	for (unsigned int j = 0; j < k; j++)
		rcs[idx[j]] = unmap_finish(&ops->unmap[j], rc, m[idx[j]]);
	for (unsigned int i = 0; i < all && !first; i++)
		first = rcs[i];
	return first;
}

void gnttab_map_get_limits(struct gnttab_map_limits *l)
{
	*l = (struct gnttab_map_limits){.quota = quota.quota, .cap = quota.cap};
}

void gnttab_map_get_stats(struct gnttab_map_stats *st)
{
	*st = (struct gnttab_map_stats){
	    .mapped = mapped_now,
	    .maps = nr_maps,
	    .unmaps = nr_unmaps,
	    .refused_quota = quota.refused_quota,
	    .refused_cap = quota.refused_cap,
	    .refused_window = refused_window,
	    .refused_xen = refused_xen,
	    .xen_no_space = xen_no_space,
	    .unmap_fails = unmap_fails,
	};
}

uint32_t gnttab_map_count(domid_t domid)
{
	return gnttab_quota_count(&quota, domid);
}
