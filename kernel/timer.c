/*
 * One-shot timers on a sorted list; the hardware backend (Xen's single-
 * shot timer) is programmed with the earliest deadline.  Without a backend
 * (plain QEMU) waits spin on the clock instead of sleeping.
 */
#include "kernel/arch.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "lib/errno.h"

/* Upper bound on one sleep, so a lost wake-up costs at most this long. */
#define MAX_SLEEP_NS 100000000ULL

static struct list_node timers = LIST_HEAD_INIT(timers);
static const struct timer_hw *hw;

void timer_set_hw(const struct timer_hw *h)
{
	hw = h;
}

static void program_next(void)
{
	if (hw && !list_empty(&timers))
		hw->program(
		    list_first_entry(&timers, struct timer, node)->deadline);
}

void timer_arm(struct timer *t, uint64_t deadline)
{
	bool irq = arch_irq_save();
	struct timer *pos;

	if (t->armed)
		list_del(&t->node);
	t->deadline = deadline;
	t->armed = true;
	list_for_each_entry(pos, &timers,
			    node) if (pos->deadline > deadline) break;
	list_add_tail(&t->node, &pos->node);
	program_next();
	arch_irq_restore(irq);
}

void timer_cancel(struct timer *t)
{
	bool irq = arch_irq_save();

	if (t->armed) {
		list_del(&t->node);
		t->armed = false;
	}
	arch_irq_restore(irq);
}

void timer_expire(void)
{
	uint64_t now = time_now_ns();

	while (!list_empty(&timers)) {
		struct timer *t = list_first_entry(&timers, struct timer, node);

		if (t->deadline > now)
			break;
		list_del(&t->node);
		t->armed = false;
		t->fn(t); /* may re-arm itself */
	}
	program_next();
}

static void wake(struct timer *t)
{
}

int wait_until(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns)
{
	uint64_t deadline = time_now_ns() + timeout_ns;
	struct timer t = {.fn = wake};
	int rc = -ETIMEDOUT;

	for (;;) {
		uint64_t now;

		/* Check with interrupts off, then sti;hlt atomically: an
		 * event between the check and the halt still wakes us (one
		 * taken before the hlt returns past it: arch/x86/traps.c). */
		arch_irq_disable();
		if (cond(arg)) {
			rc = 0;
			break;
		}
		now = time_now_ns();
		if (now >= deadline)
			break;
		if (hw) {
			timer_arm(&t, MIN(deadline, now + MAX_SLEEP_NS));
			arch_wait_for_interrupt();
		} else {
			arch_irq_enable();
			arch_pause();
		}
	}
	timer_cancel(&t);
	arch_irq_enable();
	return rc;
}

static bool never(void *arg)
{
	return false;
}

void sleep_ns(uint64_t ns)
{
	(void)wait_until(never, NULL, ns);
}
