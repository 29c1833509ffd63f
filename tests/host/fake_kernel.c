/*
 * Kernel services that the host build replaces: kernel/panic.c powers the
 * machine off, which makes no sense in a test process.  Here a panic (an
 * ASSERT() in the code under test, say) prints like the kernel's and
 * aborts, so the sanitizer runtime and the shell see the crash.
 *
 * Hosted code: compiled without tests/host/host-names.h.
 */
#include <stdlib.h>

#include "kernel/arch.h"
#include "kernel/printk.h"

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cons_panic_vprintf(fmt, ap);
	va_end(ap);
	arch_backtrace();
	cons_flush();
	abort();
}
