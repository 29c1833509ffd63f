/*
 * The Xen platform: detection, the shared info page, our domain id, and
 * the reserved window of guest-physical frames above RAM into which every
 * foreign or special page is mapped (grant frames, shared info, mapped
 * grants).  The window's size is the hard bound on such mappings.
 */
#ifndef KERNEL_XEN_XEN_H
#define KERNEL_XEN_XEN_H

#include "lib/compiler.h"
#include <xen/xen.h>
#include <xen/version.h>

struct xen_info {
	bool present;
	uint32_t cpuid_base;		  /* 0x40000000 + 0x100 * n */
	uint16_t major, minor;		  /* from CPUID */
	char extra[XEN_EXTRAVERSION_LEN]; /* from XENVER_extraversion */
	bool vendor_amd;		  /* VMMCALL rather than VMCALL */
	uint64_t window_gfn;	/* first frame of the reserved window */
	uint64_t window_frames; /* frames in the window */
};

extern struct xen_info xen_info;
/* The shared info page, mapped by xen_init(); NULL without Xen. */
extern struct shared_info *xen_shared_info;

/* Is this kernel running under Xen? (valid after xen_detect()) */
bool xen_present(void);
/* Look for Xen's CPUID leaves; no hypercall is made. */
bool xen_detect(void);
/*
 * Bring up the platform: hypercall stub, version, reserved window, shared
 * info, event channels, clock, power-off.  Returns 0 or -errno.
 */
int xen_init(void);

/* Take / give back one frame of the reserved window (0 or -ENOSPC). */
int __must_check xen_window_alloc(uint64_t *gfn);
void xen_window_free(uint64_t gfn);
/* Frames of the window in use, for leak checks. */
uint64_t xen_window_used(void);
/*
 * Place Xen page `idx` of `space` (XENMAPSPACE_shared_info, _grant_table)
 * at a fresh window frame; *va is its address.  0 or -errno.
 */
int xen_window_map_space(unsigned int space, xen_ulong_t idx, void **va);
/* Place the window: first gap after RAM below 4 GiB (from the memmap). */
int xen_window_init(uint64_t frames);

/* Our domain id as xenstore reports it; DOMID_SELF until known. */
domid_t xen_domid(void);
void xen_set_domid(domid_t id);

#endif
