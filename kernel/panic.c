/*
 * panic(): only for when boot cannot go on.  Prints the reason and a
 * backtrace, then stops with the crash code.  A panic inside a panic
 * (e.g. a fault while printing) stops at once.
 */
#include "kernel/arch.h"
#include "kernel/power.h"
#include "kernel/printk.h"

void panic(const char *fmt, ...)
{
	static bool in_panic;
	va_list ap;

	arch_irq_disable();
	if (in_panic)
		arch_halt();
	in_panic = true;
	va_start(ap, fmt);
	cons_panic_vprintf(fmt, ap);
	va_end(ap);
	arch_backtrace();
	power_off_panic();
}
