/*
 * The grant table on Xen: table frames mapped into the reserved window,
 * the public sharing API over gnttab_core.c / gnttab_quarantine.c, and the
 * timer that retries the quarantine with exponential back-off.
 */
#include "kernel/arch.h"
#include "kernel/mm/mm.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include <xen/arch-x86/cpuid.h>
#include <xen/memory.h>

/* Quarantine retry: soon after a failed end, then ever less often. */
#define RETRY_FIRST_NS 1000000ULL    /* 1 ms */
#define RETRY_MAX_NS   1000000000ULL /* 1 s */

static struct gnttab_table tbl;
static bool ready;
static struct timer retry_timer;
static uint64_t retry_delay;

/*
 * PVH has no GNTTABOP_setup_table frame list to use: each frame is placed
 * into our physical address space, and asking for index N grows Xen's
 * table to N + 1 frames.
 */
static int add_frame(void *ctx, unsigned int idx, grant_entry_v1_t **entries)
{
	void *va;
	int rc = xen_window_map_space(XENMAPSPACE_grant_table, idx, &va);

	if (!rc)
		*entries = va;
	return rc;
}

static void free_page(void *ctx, void *page)
{
	mm_page_free(page, 0);
}

static const struct gnttab_table_ops xen_table_ops = {
    .add_frame = add_frame,
    .free_page = free_page,
};

/* Interrupt context: table operations lock out other interrupts. */
static void retry_fn(struct timer *t)
{
	uint64_t before = tbl.st.released_refs;
	unsigned int left = gnttab_table_retry(&tbl);

	if (tbl.st.released_refs != before)
		pr_info("gnttab: quarantine released %lu reference(s), %u "
			"left\n",
			tbl.st.released_refs - before, left);
	if (!left)
		return;
	retry_delay = MIN(retry_delay * 2, RETRY_MAX_NS);
	timer_arm(t, time_now_ns() + retry_delay);
}

static void arm_retry(void)
{
	retry_delay = RETRY_FIRST_NS;
	timer_arm(&retry_timer, time_now_ns() + retry_delay);
}

static int set_v1(void)
{
	struct gnttab_set_version v = {.version = 1};
	int rc = xen_grant_table_op(GNTTABOP_set_version, &v, 1);

	return rc ? rc : (v.version == 1 ? 0 : -EOPNOTSUPP);
}

int gnttab_init(void)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	int rc;

	if (ready)
		return 0;
	if (!xen_present())
		return -ENODEV;
	rc = set_v1();
	if (!rc)
		rc = xen_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (!rc && q.status != GNTST_okay)
		rc = gnttab_status_errno(q.status);
	if (rc) {
		pr_err("gnttab: cannot use the grant table: %d\n", rc);
		return rc;
	}
	gnttab_table_init(&tbl, &xen_table_ops, NULL, q.max_nr_frames);
	retry_timer.fn = retry_fn;
	ready = true;
	pr_info("gnttab: v1, Xen has %u of at most %u frames; we use up to "
		"%u (%lu references)\n",
		q.nr_frames, q.max_nr_frames, tbl.max_frames,
		(unsigned long)tbl.max_frames * GNTTAB_PER_FRAME);
	return 0;
}

domid_t gnttab_self_domid(void)
{
	uint32_t r[4];

	if (xen_domid() != DOMID_SELF || !xen_present())
		return xen_domid();
	arch_cpuid(xen_info.cpuid_base, 0, r);
	if (r[0] < xen_info.cpuid_base + 4)
		return DOMID_SELF;
	/* Leaf 5, HVM features: ECX holds our domid if the flag says so. */
	arch_cpuid(xen_info.cpuid_base + 4, 0, r);
	if (!(r[0] & XEN_HVM_CPUID_DOMID_PRESENT) ||
	    r[2] >= DOMID_FIRST_RESERVED)
		return DOMID_SELF;
	return (domid_t)r[2];
}

int gnttab_grant_access(domid_t domid, uint64_t gfn, bool readonly,
			grant_ref_t *ref)
{
	int rc = gnttab_init();

	if (rc)
		return rc;
	return gnttab_table_grant(&tbl, domid, gfn, readonly, ref);
}

int gnttab_end_access(grant_ref_t ref)
{
	int rc = ready ? gnttab_table_end(&tbl, ref) : -EINVAL;

	if (rc == -EINVAL)
		pr_err("gnttab: end of reference %u, which we did not grant\n",
		       ref);
	return rc;
}

/*
 * One line per quarantined reference would let a peer that keeps pages
 * mapped flood the console (issue 9): at most QLOG_BURST lines a second,
 * then one line saying how many were left out.
 */
#define QLOG_BURST 4

static void log_quarantined(grant_ref_t ref)
{
	static uint64_t window;
	static unsigned int lines, dropped;
	uint64_t now = time_now_ns();

	if (now - window >= 1000000000ULL) {
		if (dropped)
			pr_info("gnttab: %u more reference(s) quarantined "
				"(not logged)\n",
				dropped);
		window = now;
		lines = dropped = 0;
	}
	if (lines++ >= QLOG_BURST) {
		dropped++;
		return;
	}
	pr_info("gnttab: reference %u still mapped by domain %u: page and "
		"reference quarantined (%u in all)\n",
		ref, gnttab_table_entry(&tbl, ref)->domid,
		tbl.st.quarantined_refs);
}

/* Is `page` the frame the entry grants?  A mismatch is a caller's bug. */
static bool page_matches(grant_ref_t ref, void *page)
{
	grant_entry_v1_t *e = gnttab_table_entry(&tbl, ref);

	return !page || !e ||
	       READ_ONCE(e->frame) == (uintptr_t)page >> PAGE_SHIFT;
}

int gnttab_end_access_and_free(grant_ref_t ref, void *page)
{
	int rc = -EINVAL;

	if (ready && page_matches(ref, page))
		rc = gnttab_table_end_and_free(&tbl, ref, page);
	if (rc == -EINVAL)
		pr_err("gnttab: end and free of reference %u, page %p: not "
		       "ours, nothing done\n",
		       ref, page);
	if (rc == -EBUSY) {
		log_quarantined(ref);
		arm_retry();
	}
	return rc;
}

unsigned int gnttab_quarantine_poll(void)
{
	return ready ? gnttab_table_retry(&tbl) : 0;
}

uint32_t gnttab_quarantined_for(domid_t domid)
{
	bool irq = gnttab_lock();
	uint32_t n = ready ? gnttab_table_quarantined_for(&tbl, domid) : 0;

	gnttab_unlock(irq);
	return n;
}

bool gnttab_ref_quarantined(grant_ref_t ref)
{
	bool irq = gnttab_lock();
	bool q = ready &&
		 gnttab_table_ref_state(&tbl, ref) == GNTTAB_REF_QUARANTINED;

	gnttab_unlock(irq);
	return q;
}

void gnttab_get_stats(struct gnttab_stats *st)
{
	bool irq = gnttab_lock();

	*st = tbl.st;
	gnttab_unlock(irq);
}
