/*
 * GNTTABOP_copy: Xen copies between frames named by grant reference or by
 * our own frame number, so a backend can move data without mapping the
 * peer's page at all.  Each operation is checked before the hypercall:
 * Xen would refuse a copy that crosses a page (GNTST_bad_copy_arg), but a
 * request built from a peer's offsets and lengths is refused here first,
 * with nothing issued.
 */
#include "kernel/printk.h"
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "kernel/xen/hypercall.h"
#include "lib/errno.h"

#define COPY_FLAGS (GNTCOPY_source_gref | GNTCOPY_dest_gref)

static bool ptr_ok(const struct gnttab_copy_ptr *p, uint16_t len)
{
	/* Overflow-safe: offset first, then the room left after it. */
	if (p->offset >= PAGE_SIZE || len > PAGE_SIZE - p->offset)
		return false;
	return p->domid < DOMID_FIRST_RESERVED || p->domid == DOMID_SELF;
}

static bool op_ok(const struct gnttab_copy *op)
{
	return !(op->flags & ~COPY_FLAGS) && ptr_ok(&op->source, op->len) &&
	       ptr_ok(&op->dest, op->len);
}

int gnttab_copy(struct gnttab_copy *ops, unsigned int count)
{
	int rc;

	if (!count)
		return 0;
	if (!ops)
		return -EINVAL;
	for (unsigned int i = 0; i < count; i++) {
		if (!op_ok(&ops[i])) {
			pr_warn(
			    "gnttab: copy op %u refused: flags %#x, offsets "
			    "%u/%u, len %u\n",
			    i, ops[i].flags, ops[i].source.offset,
			    ops[i].dest.offset, ops[i].len);
			return -EINVAL;
		}
	}
	rc = gnttab_init();
	if (!rc)
		rc = xen_grant_table_op(GNTTABOP_copy, ops, count);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < count; i++) {
		if (ops[i].status == GNTST_okay)
			continue;
		pr_warn("gnttab: copy op %u failed: %d %s\n", i, ops[i].status,
			gnttab_status_name(ops[i].status));
		return gnttab_status_errno(ops[i].status);
	}
	return 0;
}
