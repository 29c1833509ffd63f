/*
 * One-shot timers and waiting.  Deadlines are in time_now_ns() units.
 * Under Xen the next deadline programs VCPUOP_set_singleshot_timer; the
 * timer VIRQ runs expired callbacks in interrupt context.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "lib/compiler.h"
#include "lib/list.h"

struct timer {
	uint64_t deadline;
	void (*fn)(struct timer *t);
	struct list_node node;
	bool armed;
};

/* Arm (or re-arm) `t` to fire at `deadline` ns. */
void timer_arm(struct timer *t, uint64_t deadline);
void timer_cancel(struct timer *t);

/*
 * Wait until cond(arg) is true or `timeout_ns` passed, sleeping between
 * checks; cond is evaluated with interrupts off.  Returns 0 or
 * -ETIMEDOUT.
 */
int wait_until(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns);
/* Sleep at least `ns`. */
void sleep_ns(uint64_t ns);

/* Backend that programs the hardware one-shot (Xen installs one). */
struct timer_hw {
	int (*program)(uint64_t deadline); /* 0, or -errno */
};
void timer_set_hw(const struct timer_hw *hw);
/* Run expired timers; called by the backend's interrupt. */
void timer_expire(void);

#endif
