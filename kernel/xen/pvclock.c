/*
 * pvclock: ns = system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32,
 * read under Xen's version counter (odd = update in progress; a changed
 * version means the fields we read are torn).  We also never return less
 * than we returned before, so callers get a monotonic clock even across
 * Xen's periodic re-synchronisation.
 */
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/pvclock.h"
#include "kernel/xen/xen.h"
#include <xen/vcpu.h>

static uint64_t last_ns, retries, timer_irqs;
static evtchn_port_t timer_port;

struct snapshot {
	uint64_t tsc_timestamp, system_time;
	uint32_t mul;
	int8_t shift;
};

static void read_snapshot(struct snapshot *s)
{
	const volatile struct vcpu_time_info *t =
	    &xen_shared_info->vcpu_info[0].time;
	uint32_t v;

	for (;;) {
		v = t->version;
		/* Pairs with Xen's write barrier after bumping version. */
		rmb();
		s->tsc_timestamp = t->tsc_timestamp;
		s->system_time = t->system_time;
		s->mul = t->tsc_to_system_mul;
		s->shift = t->tsc_shift;
		rmb();
		if (!(v & 1) && v == t->version)
			return;
		retries++;
	}
}

static uint64_t scale(uint64_t delta, const struct snapshot *s)
{
	if (s->shift < 0)
		delta >>= -s->shift;
	else
		delta <<= s->shift;
	return (uint64_t)(((unsigned __int128)delta * s->mul) >> 32);
}

/* TSC value -> Xen system time, also for TSC values in the past. */
static uint64_t cycles_to_ns(uint64_t tsc)
{
	struct snapshot s;

	read_snapshot(&s);
	if (tsc >= s.tsc_timestamp)
		return s.system_time + scale(tsc - s.tsc_timestamp, &s);
	return s.system_time - scale(s.tsc_timestamp - tsc, &s);
}

uint64_t pvclock_now_ns(void)
{
	uint64_t ns = cycles_to_ns(arch_cycles());

	if (ns < last_ns)
		return last_ns;
	last_ns = ns;
	return ns;
}

uint64_t pvclock_retries(void)
{
	return retries;
}

uint64_t pvclock_timer_irqs(void)
{
	return timer_irqs;
}

evtchn_port_t pvclock_timer_port(void)
{
	return timer_port;
}

static const struct time_source pvclock_source = {
    .name = "xen pvclock",
    .now_ns = pvclock_now_ns,
    .cycles_to_ns = cycles_to_ns,
};

/*
 * Xen's refusals of a deadline (timer_arm() cannot report them): read from
 * outside when a guest halts with no timer interrupt (tests/xen/stuck.sh).
 */
static uint64_t program_errors;

static int program(uint64_t deadline)
{
	struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = deadline};
	int rc;

	/* No VCPU_SSHOTTMR_future: a deadline already past fires at once. */
	rc = xen_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
	if (rc)
		program_errors++;
	return rc;
}

static const struct timer_hw xen_timer_hw = {.program = program};

static void timer_virq(evtchn_port_t port, void *arg)
{
	timer_irqs++;
	timer_expire();
}

int pvclock_init(void)
{
	int rc;

	time_set_source(&pvclock_source);
	rc = evtchn_bind_virq(VIRQ_TIMER, &timer_port);
	if (!rc)
		rc = evtchn_bind_own(timer_port, timer_virq, NULL);
	if (rc)
		return rc;
	timer_set_hw(&xen_timer_hw);
	return 0;
}
