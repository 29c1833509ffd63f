/* Architecture bring-up, called first by kmain(). */
#include "arch/x86/x86_priv.h"
#include "kernel/arch.h"

void arch_init(void)
{
	x86_traps_init();
}

/* Loaders put start info in low memory (QEMU: page 0), so only after it
 * has been copied can page 0 be unmapped. */
void arch_harden_paging(void)
{
	x86_paging_init();
}

uint64_t arch_boot_cycles(void)
{
	return boot_tsc;
}
