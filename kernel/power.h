/*
 * Ending the kernel with a verdict.  Under Xen: SCHEDOP_shutdown (poweroff
 * for SUCCESS/SKIP, crash for FAILURE/ERROR).  In plain QEMU: the
 * isa-debug-exit device (exit status (code << 1) | 1, see README).
 * Otherwise the CPU halts.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include "kernel/ktest.h"

/* QEMU isa-debug-exit codes (written value; QEMU exits with 2*code+1). */
enum power_exit_code {
	POWER_EXIT_SUCCESS = 0x10,
	POWER_EXIT_FAILURE = 0x11,
	POWER_EXIT_ERROR = 0x12,
	POWER_EXIT_SKIP = 0x13,
	POWER_EXIT_PANIC = 0x14,
};

/* A platform way to power off; returns only if it did not work. */
struct power_ops {
	const char *name;
	void (*off)(bool crashed);
};
/* The Xen layer installs its SCHEDOP_shutdown here once detected. */
void power_set_ops(const struct power_ops *ops);

/* Flush the consoles and stop with the verdict; never returns. */
__noreturn void power_off_verdict(enum ktest_verdict v);
/* Stop after a panic; never returns. */
__noreturn void power_off_panic(void);

#endif
