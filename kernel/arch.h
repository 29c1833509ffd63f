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

/* Cycle counter (TSC).  Not a clock: use for relative cost only. */
uint64_t arch_cycles(void);

void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irqs_enabled(void);
/* Enable interrupts and halt until one arrives, atomically (sti; hlt). */
void arch_wait_for_interrupt(void);
/* Stop this CPU for good. */
__noreturn void arch_halt(void);

/* Print a backtrace of the caller's stack, symbolised. */
void arch_backtrace(void);
/* Name of the function containing `addr`, and the offset into it. */
const char *arch_symbol(uintptr_t addr, uintptr_t *offset);

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

#endif
