/*
 * bench.*: costs of platform operations in guest time, printed as KTAP
 * diagnostics.  Not timed tests: they pass whatever the numbers are, and
 * only fail if an operation itself fails.  Under software emulation the
 * absolute figures are slow; compare them within one run.
 */
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"

#define ROUNDS 500

KTEST(bench, hypercall)
{
	uint64_t t0;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	t0 = time_now_ns();
	for (int i = 0; i < ROUNDS; i++)
		KT_ASSERT(xen_version_op(XENVER_version, NULL) > 0);
	ktest_diag("xen_version hypercall: %lu ns",
		   (time_now_ns() - t0) / ROUNDS);
}

static volatile unsigned int delivered;
static void count(evtchn_port_t port, void *arg)
{
	delivered++;
}

static bool got(void *want)
{
	return delivered >= *(unsigned int *)want;
}

KTEST(bench, evtchn_roundtrip)
{
	evtchn_port_t a, b;
	uint64_t t0;

	if (!xen_present())
		KT_SKIP("not running under Xen");
	KT_ASSERT(evtchn_alloc_unbound(xen_domid(), &a) == 0);
	KT_ASSERT(evtchn_bind_interdomain(xen_domid(), a, &b) == 0);
	KT_ASSERT(evtchn_bind(a, count, NULL) == 0);
	delivered = 0;
	t0 = time_now_ns();
	for (unsigned int i = 1; i <= ROUNDS; i++) {
		KT_EXPECT_EQ(evtchn_send(b), 0);
		/* Wait for each one: the cost of send + upcall + handler. */
		KT_EXPECT_EQ(wait_until(got, &i, 1000000000ULL), 0);
	}
	ktest_diag("event send to handler: %lu ns",
		   (time_now_ns() - t0) / ROUNDS);
	evtchn_unbind(a);
	evtchn_close(b);
}

KTEST(bench, clock_read)
{
	uint64_t t0 = time_now_ns();

	for (int i = 0; i < ROUNDS; i++)
		(void)time_now_ns();
	ktest_diag("time_now_ns (%s): %lu ns", time_source_name(),
		   (time_now_ns() - t0) / ROUNDS);
}
