/*
 * Xen detection and platform bring-up, in dependency order: hypercall
 * stub, version, reserved window, shared info, event channels, clock,
 * power-off.
 */
#include "kernel/arch.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/pvclock.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"
#include "lib/string.h"
#include <xen/memory.h>
#include <xen/sched.h>

#define WINDOW_FRAMES 4096 /* 16 MiB of guest-physical address space */

struct xen_info xen_info;
struct shared_info *xen_shared_info;
static domid_t self_domid = DOMID_SELF;

bool xen_detect(void)
{
	uint32_t r[4];

	/* Xen's leaves move up by 0x100 when it also offers Viridian. */
	for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
		arch_cpuid(base, 0, r);
		if (r[1] == 0x566e6558 && r[2] == 0x65584d4d &&
		    r[3] == 0x4d4d566e && r[0] >= base + 2) { /* XenVMMXenVMM */
			xen_info.present = true;
			xen_info.cpuid_base = base;
			arch_cpuid(base + 1, 0, r);
			xen_info.major = r[0] >> 16;
			xen_info.minor = r[0] & 0xffff;
			return true;
		}
	}
	return false;
}

bool xen_present(void)
{
	return xen_info.present;
}

domid_t xen_domid(void)
{
	return self_domid;
}

void xen_set_domid(domid_t id)
{
	self_domid = id;
}

int xen_window_map_space(unsigned int space, xen_ulong_t idx, void **va)
{
	struct xen_add_to_physmap xatp = {
	    .domid = DOMID_SELF,
	    .space = space,
	    .idx = idx,
	};
	uint64_t gfn;
	int rc = xen_window_alloc(&gfn);

	if (rc)
		return rc;
	xatp.gpfn = gfn;
	rc = xen_memory_op(XENMEM_add_to_physmap, &xatp);
	if (rc) {
		xen_window_free(gfn);
		return rc;
	}
	*va = (void *)(uintptr_t)(gfn << PAGE_SHIFT);
	return 0;
}

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
