/*
 * xen.*, hypercall.*, evtchn.*, time.*, timer.*, console.*: the platform
 * layer against the real hypervisor.  All SKIP without Xen.
 */
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/pvclock.h"
#include "kernel/xen/xen.h"
#include "lib/errno.h"

#define NEED_XEN()                                                             \
	do {                                                                   \
		if (!xen_present())                                            \
			KT_SKIP("not running under Xen");                      \
	} while (0)

KTEST(xen, detect)
{
	uint32_t r[4];

	NEED_XEN();
	arch_cpuid(xen_info.cpuid_base, 0, r);
	KT_EXPECT(r[0] >= xen_info.cpuid_base + 2); /* max leaf */
	KT_EXPECT(xen_shared_info != NULL);
	KT_EXPECT(xen_info.window_frames > 0);
	ktest_diag("CPUID base %#x, window gfn %#lx + %lu", xen_info.cpuid_base,
		   xen_info.window_gfn, xen_info.window_frames);
}

KTEST(xen, version)
{
	uint32_t r[4];
	long v;

	NEED_XEN();
	v = xen_version_op(XENVER_version, NULL);
	KT_ASSERT(v > 0);
	/* The hypercall and CPUID leaf base+1 must agree. */
	arch_cpuid(xen_info.cpuid_base + 1, 0, r);
	KT_EXPECT_EQ(v, r[0]);
	KT_EXPECT(v >> 16 >= 4);
	ktest_diag("Xen %ld.%ld%s", v >> 16, v & 0xffff, xen_info.extra);
}

KTEST(hypercall, bad_op_returns_enosys)
{
	NEED_XEN();
	/* 60 is past every hypercall Xen 4.17 defines. */
	KT_EXPECT_EQ(xen_raw_hypercall(60, 0, 0), -ENOSYS);
	/* An unknown sub-op of a known hypercall: also refused cleanly. */
	KT_EXPECT_EQ(xen_version_op(0x7fff, NULL), -ENOSYS);
	/* And we are still alive to make a good one. */
	KT_EXPECT(xen_version_op(XENVER_version, NULL) > 0);
}

struct loop {
	evtchn_port_t a, b; /* a: unbound for ourselves, b: bound to it */
	volatile uint64_t hits;
};

static void loop_handler(evtchn_port_t port, void *arg)
{
	((struct loop *)arg)->hits++;
}

static int loop_open(struct loop *l)
{
	int rc = evtchn_alloc_unbound(xen_domid(), &l->a);

	if (rc)
		return rc;
	rc = evtchn_bind_interdomain(xen_domid(), l->a, &l->b);
	if (rc) {
		evtchn_close(l->a);
		return rc;
	}
	l->hits = 0;
	rc = evtchn_bind(l->a, loop_handler, l);
	if (rc) {
		evtchn_close(l->b);
		evtchn_close(l->a);
	}
	return rc;
}

static void loop_close(struct loop *l)
{
	evtchn_unbind(l->a);
	evtchn_close(l->b);
}

static bool hit(void *arg)
{
	return ((struct loop *)arg)->hits > 0;
}

KTEST(evtchn, loopback)
{
	struct loop l;

	NEED_XEN();
	KT_ASSERT(loop_open(&l) == 0);
	KT_EXPECT_EQ(evtchn_send(l.b), 0);
	KT_EXPECT_EQ(wait_until(hit, &l, 1000000000ULL), 0);
	KT_EXPECT_EQ(l.hits, 1);
	loop_close(&l);
}

KTEST(evtchn, mask_unmask)
{
	struct loop l;

	NEED_XEN();
	KT_ASSERT(loop_open(&l) == 0);
	evtchn_mask(l.a);
	KT_EXPECT_EQ(evtchn_send(l.b), 0);
	sleep_ns(20000000ULL);
	KT_EXPECT_EQ(l.hits, 0); /* masked: no handler */
	KT_EXPECT(evtchn_is_pending(l.a));
	evtchn_unmask(l.a); /* the pending event is delivered now */
	KT_EXPECT_EQ(wait_until(hit, &l, 1000000000ULL), 0);
	KT_EXPECT_EQ(l.hits, 1);
	loop_close(&l);
}

static volatile uint64_t ticks;
static void tick(struct timer *t)
{
	ticks++;
	timer_arm(t, time_now_ns() + 5000000ULL); /* every 5 ms */
}

/* A handler that never finds work: what a storming peer looks like. */
static void storm_handler(evtchn_port_t port, void *arg)
{
	((struct loop *)arg)->hits++;
	evtchn_note_spurious(port);
}

static volatile bool own_fired;
static void fire(struct timer *t)
{
	own_fired = true;
}

/* Spin, not sleep: a sleep on a dead timer would never return. */
static bool spin_fired(uint64_t ns)
{
	uint64_t t0 = time_now_ns();

	while (!own_fired) {
		if (time_now_ns() - t0 > ns)
			return false;
		arch_pause();
	}
	return true;
}

/*
 * Our own timer's events, due at once again and again (far more than any
 * peer port's storm budget a window): the XSA-391 back-off must never
 * mask the timer's port, because the back-off is undone by that timer (a
 * guest sleeping then halts for good: dd-hostile did under the flood).
 */
KTEST(evtchn, timer_never_backed_off)
{
	struct evtchn_port_stats ps;
	struct timer t = {.fn = fire};
	uint64_t t0, ms;
	unsigned int n = 0;

	NEED_XEN();
	t0 = time_now_ns();
	while (n < 2000 && time_now_ns() - t0 < 2000000000ULL) {
		own_fired = false;
		timer_arm(&t, time_now_ns());
		if (!spin_fired(100000000ULL))
			break;
		n++;
	}
	timer_cancel(&t); /* on the stack: never left armed */
	ms = (time_now_ns() - t0) / 1000000;
	evtchn_get_port_stats(pvclock_timer_port(), &ps);
	ktest_diag("%u timer events due at once in %lu ms; timer port backed "
		   "off %lu time(s)",
		   n, (unsigned long)ms, (unsigned long)ps.storms);
	/* Slower than a peer port may go: nothing shown (a slow host; a row
	 * with evtchn.storm_budget=8 shows it). */
	if (!ps.storms &&
	    (uint64_t)n * 1000 < (ms + 1) * evtchn_storm_budget_per_s())
		KT_SKIP("timer events slower than the storm budget");
	KT_EXPECT_EQ(ps.storms, 0);
	own_fired = false;
	timer_arm(&t, time_now_ns() + 5000000ULL);
	KT_EXPECT(spin_fired(1000000000ULL));
	timer_cancel(&t);
}

KTEST(evtchn, storm)
{
	struct evtchn_stats before, after;
	struct timer t = {.fn = tick};
	struct loop l;
	/*
	 * 20000: about 1.7 s here, a dozen back-offs on the normal kernel
	 * (the first after 64 spurious events); 100000 took 8.3 s of every
	 * test=all scenario for the same verdict (18 back-offs, BUGGY=xsa391
	 * none).
	 */
	uint64_t t0, ms, sends = 20000;

	NEED_XEN();
	KT_ASSERT(loop_open(&l) == 0);
	evtchn_unbind(l.a); /* rebind the same port with the storm handler */
	KT_ASSERT(evtchn_alloc_unbound(xen_domid(), &l.a) == 0);
	evtchn_close(l.b);
	KT_ASSERT(evtchn_bind_interdomain(xen_domid(), l.a, &l.b) == 0);
	KT_ASSERT(evtchn_bind(l.a, storm_handler, &l) == 0);
	evtchn_get_stats(&before);
	ticks = 0;
	t0 = time_now_ns();
	timer_arm(&t, t0 + 5000000ULL);
	for (uint64_t i = 0; i < sends; i++)
		KT_ASSERT(evtchn_send(l.b) == 0);
	ms = (time_now_ns() - t0) / 1000000;
	timer_cancel(&t);
	evtchn_get_stats(&after);
	/*
	 * Responsive: the 5 ms ticker kept running through the storm.  The
	 * bound is 5% of its nominal rate: under software emulation on a
	 * loaded host the whole guest is descheduled for long stretches of
	 * wall time, while a starved kernel would get no ticks at all.
	 */
	KT_EXPECT(ticks >= 1 + ms / 100);
	KT_EXPECT(l.hits > 0 && l.hits < sends);
	KT_EXPECT(after.storms > before.storms);
	KT_EXPECT(after.spurious - before.spurious >= l.hits);
	ktest_diag("%lu sends in %lu ms: %lu handled, %lu back-offs, %lu "
		   "spurious, %lu ticks",
		   sends, ms, l.hits, after.storms - before.storms,
		   after.spurious - before.spurious, ticks);
	loop_close(&l);
}

KTEST(time, monotonic)
{
	uint64_t prev, now, start;
	unsigned long n = 0;

	NEED_XEN();
	start = prev = time_now_ns();
	KT_EXPECT(prev > 0);
	do {
		now = time_now_ns();
		if (now < prev)
			ktest_fail_at(__FILE__, __LINE__,
				      "clock went back %lu -> %lu", prev, now);
		prev = now;
		n++;
	} while (now - start < 20000000ULL && !ktest_failed());
	KT_EXPECT(now - start >= 20000000ULL);
	ktest_diag("%lu reads in 20 ms, %lu version retries", n,
		   pvclock_retries());
}

static volatile uint64_t fired_at;
static void record(struct timer *t)
{
	fired_at = time_now_ns();
}

static bool fired(void *arg)
{
	return fired_at != 0;
}

KTEST(timer, singleshot)
{
	struct timer t = {.fn = record};
	uint64_t irqs = pvclock_timer_irqs(), start, delay = 10000000ULL;

	NEED_XEN();
	fired_at = 0;
	start = time_now_ns();
	timer_arm(&t, start + delay);
	KT_EXPECT_EQ(wait_until(fired, NULL, 1000000000ULL), 0);
	KT_ASSERT(fired_at);
	/* Never early; late by at most 50 ms even under emulation. */
	KT_EXPECT(fired_at >= start + delay);
	KT_EXPECT(fired_at - start < delay + 50000000ULL);
	KT_EXPECT(pvclock_timer_irqs() > irqs);
	ktest_diag("10 ms timer fired after %lu us", (fired_at - start) / 1000);
}

/* Numbered lines the host runner checks (tests/xen/runner.py seq=). */
KTEST(console, large_output)
{
	const unsigned int bytes = 64 * 1024;
	unsigned int n = 0, sent = 0;

	NEED_XEN();
	while (sent < bytes) {
		char pay[33];

		for (int i = 0; i < 32; i++)
			pay[i] = 'a' + (n + i) % 26;
		pay[32] = '\0';
		cons_printf("# console.large_output line %u %05u-%s\n", n, n,
			    pay);
		sent += 35 + 6 + 33 + 5;
		n++;
	}
	cons_printf("# console.large_output end lines=%u\n", n);
}
