/*
 * Host-only controls of the fake architecture (tests/host/fake_arch.c),
 * for host tests of code that does port I/O.  Kernel code never includes
 * this: it sees only kernel/arch.h.
 */
#ifndef TESTS_HOST_FAKE_ARCH_H
#define TESTS_HOST_FAKE_ARCH_H

#include "lib/compiler.h"

struct fake_port_write {
	uint16_t port;
	uint8_t val;
	unsigned long count; /* arch_outb() calls so far, on any port */
};

/* The last arch_outb(), and how many there have been. */
struct fake_port_write fake_arch_last_outb(void);

/*
 * Make arch_inb(port) return `val`.  Ports never set read 0xff, as an
 * empty ISA bus does.  Returns 0, or -ENOSPC when the table is full.
 */
int fake_arch_set_inb(uint16_t port, uint8_t val);
/* Forget every fake_arch_set_inb() and the recorded writes. */
void fake_arch_reset_ports(void);

/*
 * Deliver interrupt `vector` to its arch_set_irq_handler() handler, now,
 * as the CPU would: -EAGAIN while interrupts are disabled, -ENOENT with
 * no handler, else 0 after the handler ran.
 */
int fake_arch_raise_irq(unsigned int vector);

#endif
