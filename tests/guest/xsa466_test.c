/*
 * XSA-466 (https://xenbits.xen.org/xsa/advisory-466.html): the hypercall
 * page Xen writes into a guest is not safe against speculative execution;
 * a guest should issue VMCALL/VMMCALL from its own stubs.  The rule
 * (arch/x86/hypercall.c): we never ask for a hypercall page (no write to
 * the MSR CPUID leaf base+2 names) and never call into one.  `make
 * check-layering` refuses sources that mention one outside BUGGY=xsa466.
 *
 * Detection at run time: once installed, a hypercall page is in our RAM,
 * and Xen's contents are unmistakable: entry i (32 bytes each) is
 * "mov $i, %eax; vmcall/vmmcall; ret".  Every RAM page we have is scanned
 * for entries 1..3 of that shape.
 */
#include "kernel/bootinfo.h"
#include "kernel/xen/xen.h"
#include "kernel/ktest.h"

/* "b8 i 00 00 00 0f 01 c1" (VMCALL) or "... 0f 01 d9" (VMMCALL). */
static bool stub_at(const uint8_t *e, unsigned int i)
{
	return e[0] == 0xb8 && e[1] == i && !e[2] && !e[3] && !e[4] &&
	       e[5] == 0x0f && e[6] == 0x01 && (e[7] == 0xc1 || e[7] == 0xd9);
}

static bool hypercall_page(const uint8_t *p)
{
	return stub_at(p + 32, 1) && stub_at(p + 64, 2) && stub_at(p + 96, 3);
}

KTEST(xsa466, no_hypercall_page)
{
	uint64_t pages = 0, found = 0, first = 0;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	for (unsigned int r = 0; r < boot_info.nr_ram; r++) {
		uint64_t pa = boot_info.ram[r].start,
			 end = boot_info.ram[r].end;

		/* Page 0 is unmapped; only the low 4 GiB is mapped at all. */
		pa = (pa + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
		if (pa < PAGE_SIZE)
			pa = PAGE_SIZE;
		if (end > (1ULL << 32))
			end = 1ULL << 32;
		for (; pa + PAGE_SIZE <= end; pa += PAGE_SIZE, pages++) {
			if (!hypercall_page((const uint8_t *)(uintptr_t)pa))
				continue;
			if (!found++)
				first = pa;
		}
	}
	ktest_diag("%lu RAM page(s) scanned, %lu look like Xen's hypercall "
		   "page (first at %#lx)",
		   (unsigned long)pages, (unsigned long)found,
		   (unsigned long)first);
	KT_EXPECT(pages > 0);
	KT_EXPECT_EQ(found, 0);
}
