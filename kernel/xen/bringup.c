/*
 * Xen platform bring-up, in dependency order: hypercall stub, version,
 * reserved window, shared info, event channels, clock, power-off.  The one
 * file that calls every layer of kernel/xen's base, so none of them calls
 * back: evtchn.c and pvclock.c read platform.c's shared info pointer,
 * window.c its xen_info, and platform.c knows none of them.
 */
#include "kernel/arch.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/pvclock.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include <xen/memory.h>
#include <xen/sched.h>

#define WINDOW_FRAMES 4096 /* 16 MiB of guest-physical address space */

static int map_shared_info(void)
{
	void *va;
	int rc = xen_window_map_space(XENMAPSPACE_shared_info, 0, &va);

	if (!rc)
		xen_shared_info = va;
	return rc;
}

static void xen_power_off(bool crashed)
{
	struct sched_shutdown s = {.reason = crashed ? SHUTDOWN_crash
						     : SHUTDOWN_poweroff};

	xen_sched_op(SCHEDOP_shutdown, &s);
}

static const struct power_ops xen_power_ops = {"xen", xen_power_off};

int xen_init(void)
{
	long v;
	int rc;

	if (!xen_info.present)
		return -ENODEV;
	rc = arch_hypercall_init();
	if (rc) {
		pr_err("xen: unknown CPU vendor: no hypercall instruction\n");
		return rc;
	}
	v = xen_version_op(XENVER_version, NULL);
	if (v >= 0) {
		xen_info.major = v >> 16;
		xen_info.minor = v & 0xffff;
	}
	xen_version_op(XENVER_extraversion, xen_info.extra);
	xen_info.extra[sizeof(xen_info.extra) - 1] = '\0';
	pr_info("xen: Xen %u.%u%s, CPUID base %#x\n", xen_info.major,
		xen_info.minor, xen_info.extra, xen_info.cpuid_base);
	power_set_ops(&xen_power_ops);
	rc = xen_window_init(WINDOW_FRAMES);
	if (!rc)
		rc = map_shared_info();
	if (!rc)
		rc = evtchn_init();
	if (!rc)
		rc = pvclock_init();
	if (rc)
		pr_err("xen: platform bring-up failed: %d\n", rc);
	return rc;
}
