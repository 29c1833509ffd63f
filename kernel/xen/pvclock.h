/*
 * Xen's per-vCPU clock (struct vcpu_time_info in shared info) as the
 * kernel's time source, and its one-shot timer as the timer backend.
 */
#ifndef KERNEL_XEN_PVCLOCK_H
#define KERNEL_XEN_PVCLOCK_H

#include "lib/compiler.h"
#include <xen/event_channel.h>

/* Install the pvclock source and the VIRQ_TIMER one-shot backend. */
int pvclock_init(void);
/* Xen system time in ns (the clock Xen's timeouts use). */
uint64_t pvclock_now_ns(void);
/* Times the version-counter protocol made us re-read (for tests). */
uint64_t pvclock_retries(void);
/* Timer interrupts taken, for tests. */
uint64_t pvclock_timer_irqs(void);
/* The timer VIRQ's port, for tests. */
evtchn_port_t pvclock_timer_port(void);

#endif
