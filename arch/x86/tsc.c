/*
 * TSC frequency from the legacy PIT (channel 2, the speaker gate), for
 * plain QEMU.  Under Xen there is no PIT for a PVH guest: the pvclock gives
 * the TSC scale there, so this is never called.
 */
#include "arch/x86/x86_priv.h"
#include "kernel/arch.h"

#define PIT_HZ	  1193182
#define PIT_CH2	  0x42
#define PIT_CMD	  0x43
#define PIT_GATE  0x61
#define CAL_MS	  10
#define MAX_SPINS 100000000UL

uint64_t arch_tsc_khz_from_pit(void)
{
	uint32_t latch = PIT_HZ / (1000 / CAL_MS);
	uint64_t t0, t1;
	unsigned long spins = 0;

	/* Gate channel 2 on, speaker off; mode 0 counts down once. */
	arch_outb(PIT_GATE, (arch_inb(PIT_GATE) & ~0x02) | 0x01);
	arch_outb(PIT_CMD, 0xb0);
	arch_outb(PIT_CH2, latch & 0xff);
	arch_outb(PIT_CH2, latch >> 8);
	t0 = arch_cycles();
	while (!(arch_inb(PIT_GATE) & 0x20) && ++spins < MAX_SPINS)
		;
	t1 = arch_cycles();
	/* No PIT (reads as 0xff) or no progress: below 1 MHz is not a TSC. */
	if (spins >= MAX_SPINS || t1 - t0 < 1000 * CAL_MS)
		return 0;
	return (t1 - t0) / CAL_MS;
}
