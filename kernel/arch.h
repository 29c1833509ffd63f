/*
 * The whole contract between generic kernel code and the architecture.
 * arch/x86/ implements it for the kernel; tests/host/ implements a fake for
 * the host unit tests.  Generic code and drivers never contain asm: they
 * call these.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include "lib/compiler.h"

/* Port I/O (UART, debug port, QEMU's isa-debug-exit). */
void arch_outb(uint16_t port, uint8_t val);
uint8_t arch_inb(uint16_t port);
/* len bytes of buf to one port with one string instruction (rep outsb). */
void arch_outsb(uint16_t port, const void *buf, size_t len);

/* Cycle counter (TSC).  Not a clock: use for relative cost only. */
uint64_t arch_cycles(void);
/* TSC frequency measured against the legacy PIT; 0 when there is no PIT. */
uint64_t arch_tsc_khz_from_pit(void);
/* Cycle count taken at the very first instruction of the kernel. */
uint64_t arch_boot_cycles(void);

/* Bring up descriptor tables and traps.  First thing at boot. */
void arch_init(void);
/* Unmap page 0 so NULL dereferences fault; after start info is copied. */
void arch_harden_paging(void);

void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irqs_enabled(void);

/*
 * Interrupts off around a critical section, nesting: returns whether they
 * were on, for the matching arch_irq_restore().  The one spelling of this
 * for every subsystem (one CPU: interrupts off is the whole lock).  One
 * call, not arch_irqs_enabled() + arch_irq_disable(): the heap takes it
 * twice per alloc+free pair, and the second call was a tenth of a small
 * pair's time (make bench-host).
 */
__must_check bool arch_irq_save(void);

/* Back to what the arch_irq_save() that returned `was_on` found. */
static inline void arch_irq_restore(bool was_on)
{
	if (was_on)
		arch_irq_enable();
}
/*
 * Enable interrupts and halt until one arrives, atomically (sti; hlt): an
 * interrupt taken before the hlt ran (an emulator that loses sti's
 * shadow) returns past it instead of into it.
 */
void arch_wait_for_interrupt(void);
/* How often that happened since boot (never where the shadow holds). */
uint64_t arch_idle_wakeups(void);
/* Stop this CPU for good. */
__noreturn void arch_halt(void);

/* CPUID leaf/subleaf into regs[0..3] = eax, ebx, ecx, edx. */
void arch_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
/* Spin-wait hint. */
void arch_pause(void);
/*
 * Store `words` copies of `v` from `p` on (8-byte aligned).  x86: rep
 * stosq, which current CPUs run as whole-cache-line stores: from about 1
 * KiB up twice the rate of an unrolled loop of 8-byte stores (make
 * bench-host), so kernel/mm poisons large blocks with it.
 */
void arch_fill_words(void *p, uint64_t v, size_t words);

/*
 * Hypercalls through the kernel's own VMCALL/VMMCALL stub (never the
 * hypercall page, XSA-466).  arch_hypercall_init() picks the instruction
 * from the CPU vendor; it returns -ENODEV on an unknown vendor.  The host
 * build links a fake hypervisor here.
 */
int arch_hypercall_init(void);
long arch_hypercall(unsigned int op, unsigned long a1, unsigned long a2,
		    unsigned long a3, unsigned long a4, unsigned long a5);

/* Handler for an interrupt vector in [32, 255], e.g. the Xen upcall. */
int arch_set_irq_handler(unsigned int vector, void (*fn)(void));

/* Print a backtrace of the caller's stack, symbolised. */
void arch_backtrace(void);
/*
 * Name of the function containing `addr` (decoded into buf, at most len - 1
 * bytes, or a constant "?" when it is no kernel function) and the offset
 * into it.  ARCH_SYMBOL_MAX holds any name of the kernel.
 */
#define ARCH_SYMBOL_MAX 128
const char *arch_symbol(uintptr_t addr, uintptr_t *offset, char *buf,
			size_t len);

/* What the last recovered fault was (see arch_probe_*). */
struct arch_fault {
	unsigned int vector;
	uint64_t error_code;
	uintptr_t rip;
	uintptr_t cr2;
};

/*
 * Read or write memory that may fault.  Return 0, or -EFAULT with the fault
 * recorded in *fault (may be NULL).  The fault is recovered through the
 * exception table, so trap handling itself can be tested.
 */
int arch_probe_read(const void *addr, uint64_t *val, struct arch_fault *fault);
int arch_probe_write(void *addr, uint64_t val, struct arch_fault *fault);
/* Execute an invalid opcode (ud2); returns -EFAULT with the #UD recorded. */
int arch_probe_ud(struct arch_fault *fault);
/*
 * Take interrupt `vector` (>= 32, a handler registered) with RIP at the
 * hlt of arch_wait_for_interrupt(), as a wake-up that came between its sti
 * and hlt is taken; returns with interrupts on.
 */
void arch_probe_idle_wakeup(unsigned int vector);

#endif
