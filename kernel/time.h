/*
 * Time since boot.  The source is the Xen pvclock under Xen, else the TSC
 * calibrated against the PIT.  Only for reporting and timeouts.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "lib/compiler.h"

/* A time source: monotonic nanoseconds since some fixed point. */
struct time_source {
	const char *name;
	uint64_t (*now_ns)(void);
	/* TSC cycles of the first kernel instruction, in this source's ns */
	uint64_t (*cycles_to_ns)(uint64_t cycles);
};

/*
 * Pick the TSC/PIT source unless a better one was installed.  Only where
 * there is a PIT: the caller knows the platform (not under Xen).
 */
void time_init(void);
/* Install a better source (the Xen layer installs the pvclock). */
void time_set_source(const struct time_source *src);
/* Monotonic nanoseconds; 0 when no source works. */
uint64_t time_now_ns(void);
/* Nanoseconds since the kernel's first instruction. */
uint64_t time_since_boot_ns(void);
const char *time_source_name(void);

#endif
