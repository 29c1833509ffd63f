/* Power-off paths; see kernel/power.h. */
#include "kernel/power.h"
#include "kernel/arch.h"
#include "kernel/printk.h"

#define ISA_DEBUG_EXIT_PORT 0xf4

static const struct power_ops *ops;

void power_set_ops(const struct power_ops *o)
{
	ops = o;
}

static __noreturn void stop(uint8_t qemu_code, bool crashed)
{
	cons_flush();
	if (ops)
		ops->off(crashed);
	/* Without the device this write goes nowhere and we halt below. */
	arch_outb(ISA_DEBUG_EXIT_PORT, qemu_code);
	arch_halt();
}

void power_off_verdict(enum ktest_verdict v)
{
	static const uint8_t code[] = {
	    [KTEST_SUCCESS] = POWER_EXIT_SUCCESS,
	    [KTEST_FAILURE] = POWER_EXIT_FAILURE,
	    [KTEST_ERROR] = POWER_EXIT_ERROR,
	    [KTEST_SKIP] = POWER_EXIT_SKIP,
	};

	stop(code[v], v == KTEST_FAILURE || v == KTEST_ERROR);
}

void power_off_panic(void)
{
	stop(POWER_EXIT_PANIC, true);
}
