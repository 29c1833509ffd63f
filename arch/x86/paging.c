/*
 * Paging after boot.  boot/head.S maps the low 4 GiB with 2 MiB pages.  We
 * split the first 2 MiB into 4 KiB pages so page 0 can be left unmapped: a
 * NULL dereference then faults instead of reading the real-mode IVT.
 */
#include "arch/x86/x86_priv.h"

#define PTE_P  0x001ULL
#define PTE_W  0x002ULL
#define PTE_PS 0x080ULL

extern uint64_t boot_pd[];
static uint64_t low_pt[512] __aligned(4096);

void x86_paging_init(void)
{
	for (unsigned int i = 0; i < 512; i++)
		low_pt[i] = ((uint64_t)i << PAGE_SHIFT) | PTE_P | PTE_W;
	low_pt[0] = 0;
	boot_pd[0] = (uintptr_t)low_pt | PTE_P | PTE_W;
	/* A 2 MiB mapping became 512 small ones: flush it all. */
	x86_write_cr3(x86_read_cr3());
}
