/*
 * The interrupt flag of the hosted builds (test-host, the peers' unit
 * tests, the fuzzer): kernel/arch.h's arch_irq_save() and the console core
 * (kernel/printk.c writes each message with interrupts off) need it, and
 * no interrupt ever comes; tests/host/fake_arch.c raises fake ones only
 * when it is on.
 */
#include "kernel/arch.h"

static bool irqs_on;

void arch_irq_enable(void)
{
	irqs_on = true;
}

void arch_irq_disable(void)
{
	irqs_on = false;
}

bool arch_irqs_enabled(void)
{
	return irqs_on;
}

bool arch_irq_save(void)
{
	bool on = irqs_on;

	irqs_on = false;
	return on;
}
