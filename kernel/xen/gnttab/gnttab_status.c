/*
 * Xen's GNTST_* statuses as errnos and names.  One table, indexed by the
 * negated status, so the mapping documented in gnttab.h is checked in one
 * place: every status a distinct errno (tests/host/gnttab_status_test.c).
 * A status outside the table (a newer Xen, or garbage) is -EPROTO with a
 * generic name, never an index out of bounds; callers log the number too.
 */
#include "kernel/xen/gnttab/gnttab_priv.h"
#include "lib/errno.h"

struct gnttab_status_desc {
	int err;
	const char *name;
};

#define ST(st, e, text) [-(st)] = {e, #st " (" text ")"}

static const struct gnttab_status_desc gnttab_status_table[] = {
    ST(GNTST_okay, 0, "okay"),
    ST(GNTST_general_error, -EIO, "undefined error"),
    ST(GNTST_bad_domain, -ESRCH, "unrecognised domain id"),
    ST(GNTST_bad_gntref, -ENOENT, "invalid grant reference"),
    ST(GNTST_bad_handle, -EBADF, "invalid mapping handle"),
    ST(GNTST_bad_virt_addr, -EFAULT, "invalid virtual address"),
    ST(GNTST_bad_dev_addr, -ENXIO, "invalid device address"),
    ST(GNTST_no_device_space, -ENOMEM, "no space in the I/O MMU"),
    ST(GNTST_permission_denied, -EACCES, "permission denied"),
    ST(GNTST_bad_page, -EINVAL, "bad page"),
    ST(GNTST_bad_copy_arg, -ERANGE, "copy crosses a page boundary"),
    ST(GNTST_address_too_big, -EOVERFLOW, "page address too large"),
    ST(GNTST_eagain, -EAGAIN, "operation not done; try again"),
    ST(GNTST_no_space, -ENOSPC, "out of space"),
};

/* The last status is the table's end: a new one must be added here. */
BUILD_BUG_ON(ARRAY_SIZE(gnttab_status_table) != 1 - GNTST_no_space);

static const struct gnttab_status_desc *lookup(int16_t status)
{
	int i = -(int)status;

	if (i < 0 || i >= (int)ARRAY_SIZE(gnttab_status_table))
		return NULL;
	return &gnttab_status_table[i];
}

int gnttab_status_errno(int16_t status)
{
	const struct gnttab_status_desc *d = lookup(status);

	return d ? d->err : -EPROTO;
}

const char *gnttab_status_name(int16_t status)
{
	const struct gnttab_status_desc *d = lookup(status);

	return d ? d->name : "GNTST_? (status unknown to this kernel)";
}
