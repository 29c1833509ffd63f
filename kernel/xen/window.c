/*
 * The reserved window of guest-physical frames.  Grant-table frames, the
 * shared info page and mapped foreign grants all live here, never on top
 * of RAM: mapping over a RAM frame would silently drop that page, and a
 * fixed window gives a hard upper bound on what peers can make us map
 * (XSA-300).  The window is placed in the first gap after RAM that no
 * memory-map entry uses, below the 4 GiB the boot page tables map.
 */
#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/printk.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include <xen/memory.h>

#define WINDOW_MAX_FRAMES 8192
#define WINDOW_ALIGN	  (2ULL << 20)
/* Keep clear of the LAPIC/IOAPIC/HPET area at the top of 4 GiB. */
#define WINDOW_LIMIT 0xfe000000ULL

static unsigned long used[BITS_TO_LONGS(WINDOW_MAX_FRAMES)];
static uint64_t nr_used;

static bool overlaps(uint64_t s, uint64_t e, const struct boot_range *r,
		     unsigned int n, uint64_t *past)
{
	for (unsigned int i = 0; i < n; i++) {
		if (s < r[i].end && r[i].start < e) {
			*past = r[i].end;
			return true;
		}
	}
	return false;
}

int xen_window_init(uint64_t frames)
{
	uint64_t start = 0, bytes, past;

	if (!frames || frames > WINDOW_MAX_FRAMES)
		return -EINVAL;
	bytes = frames << PAGE_SHIFT;
	for (unsigned int i = 0; i < boot_info.nr_ram; i++)
		if (boot_info.ram[i].end <= WINDOW_LIMIT &&
		    boot_info.ram[i].end > start)
			start = boot_info.ram[i].end;
	start = ALIGN_UP(start, WINDOW_ALIGN);
	while (start + bytes <= WINDOW_LIMIT) {
		if (!overlaps(start, start + bytes, boot_info.ram,
			      boot_info.nr_ram, &past) &&
		    !overlaps(start, start + bytes, boot_info.reserved,
			      boot_info.nr_reserved, &past))
			break;
		start = ALIGN_UP(past, WINDOW_ALIGN);
	}
	if (start + bytes > WINDOW_LIMIT) {
		pr_err("xen: no gap of %lu frames below 4 GiB\n", frames);
		return -ENOSPC;
	}
	xen_info.window_gfn = start >> PAGE_SHIFT;
	xen_info.window_frames = frames;
	pr_info("xen: reserved window %#lx-%#lx (%lu frames)\n", start,
		start + bytes, frames);
	return 0;
}

/*
 * Interrupts off around the bitmap: netfront's interrupt grows the grant
 * table (RX refill -> grant -> new table frame from here) while thread
 * context may be between finding a zero bit and setting it, or inside the
 * read-modify-write of a clear.  Unlocked, both would get the same frame,
 * or a bit set by the interrupt would be lost.  Interrupts off is the
 * whole lock (one CPU), and it nests: a caller may have them off already.
 */
int xen_window_alloc(uint64_t *gfn)
{
	bool on = arch_irq_save();
	unsigned long i = bitmap_find_first_zero(used, xen_info.window_frames);

	if (i >= xen_info.window_frames) {
		arch_irq_restore(on);
		return -ENOSPC;
	}
	bitmap_set_bit(used, i);
	nr_used++;
	arch_irq_restore(on);
	*gfn = xen_info.window_gfn + i;
	return 0;
}

void xen_window_free(uint64_t gfn)
{
	uint64_t i = gfn - xen_info.window_gfn;
	bool on = arch_irq_save();

	if (gfn < xen_info.window_gfn || i >= xen_info.window_frames ||
	    !bitmap_test_bit(used, i)) {
		arch_irq_restore(on);
		pr_err("xen: window free of %#lx: not allocated\n", gfn);
		return;
	}
	bitmap_clear_bit(used, i);
	nr_used--;
	arch_irq_restore(on);
}

uint64_t xen_window_used(void)
{
	return nr_used;
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
