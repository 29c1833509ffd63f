/*
 * The Xen platform's own state, below everything else of kernel/xen:
 * detection, our domain id, the shared info page's address.  Calls only
 * the CPU; the bring-up that orders the layers is xen_init() (bringup.c).
 */
#include "kernel/arch.h"
#include "kernel/xen/xen.h"

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
