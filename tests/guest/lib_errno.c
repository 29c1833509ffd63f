/*
 * lib/errno.h spells out the errno values because lib/ may not include
 * Xen headers.  The design relies on them being Xen's, so that a
 * hypercall's -Exxx passes through unchanged: check every one that Xen's
 * public errno.h defines.
 */
#include "kernel/ktest.h"
#include "lib/errno.h"

#include <xen/errno.h>

#define PAIR(e)                                                                \
	{                                                                      \
#e, e, XEN_##e                                                 \
	}

static const struct {
	const char *name;
	int ours, xen;
} errnos[] = {
    PAIR(EPERM),    PAIR(ENOENT),     PAIR(ESRCH),	PAIR(EIO),
    PAIR(ENXIO),    PAIR(E2BIG),      PAIR(ENOEXEC),	PAIR(EBADF),
    PAIR(ECHILD),   PAIR(EAGAIN),     PAIR(ENOMEM),	PAIR(EACCES),
    PAIR(EFAULT),   PAIR(EBUSY),      PAIR(EEXIST),	PAIR(ENODEV),
    PAIR(EINVAL),   PAIR(ENOSPC),     PAIR(ERANGE),	PAIR(ENOSYS),
    PAIR(ENODATA),  PAIR(ETIME),      PAIR(EOVERFLOW),	PAIR(EILSEQ),
    PAIR(EMSGSIZE), PAIR(EOPNOTSUPP), PAIR(EADDRINUSE), PAIR(ENOBUFS),
    PAIR(EISCONN),  PAIR(ENOTCONN),   PAIR(ETIMEDOUT),
};

KTEST(lib, errno_matches_xen)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++) {
		if (errnos[i].ours != errnos[i].xen)
			ktest_fail_at(__FILE__, __LINE__, "%s is %d, Xen's %d",
				      errnos[i].name, errnos[i].ours,
				      errnos[i].xen);
	}
}
