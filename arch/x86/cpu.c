/*
 * Small CPU primitives behind kernel/arch.h: port I/O, interrupts flag,
 * halt, cycle counter, the string fill.
 */
#include "arch/x86/x86_priv.h"
#include "kernel/arch.h"

void arch_outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" ::"a"(val), "Nd"(port));
}

/*
 * Under Xen HVM/PVH each OUT is a VM exit; a REP OUTSB is one exit whose
 * emulation takes many bytes (up to a page boundary; the instruction is
 * then re-entered for the rest, as for any rep string instruction).
 */
void arch_outsb(uint16_t port, const void *buf, size_t len)
{
	__asm__ volatile("rep outsb"
			 : "+S"(buf), "+c"(len)
			 : "d"(port)
			 : "memory");
}

uint8_t arch_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/*
 * RDTSC, never RDTSCP: under Xen on an emulated CPU without invariant TSC
 * the RDTSCP exit is mishandled and crashes the guest (XEN-TEST-HOST.md).
 */
uint64_t arch_cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void arch_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

void arch_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

bool arch_irqs_enabled(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & X86_RFLAGS_IF;
}

void arch_fill_words(void *p, uint64_t v, size_t words)
{
	__asm__ volatile("rep stosq"
			 : "+D"(p), "+c"(words)
			 : "a"(v)
			 : "memory");
}

bool arch_irq_save(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags & X86_RFLAGS_IF;
}

/* arch_wait_for_interrupt(): entry.S, beside the trap entry that knows its hlt.
 */

void arch_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
