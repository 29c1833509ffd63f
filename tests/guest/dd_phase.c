/*
 * Phases of the driver-domain scenario (dd_phase.h).  The phase key is
 * dom0's; its value is read with a bound and must name a phase exactly.
 */
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "tests/guest/dd_phase.h"

#define SEC	 1000000000ULL
#define READ_NS	 (1 * SEC) /* a read even without an event */
#define SLEEP_NS (2ULL * 1000 * 1000)

static volatile bool changed;
static bool watching;

static void on_phase(const char *path, const char *token, void *arg)
{
	changed = true;
}

enum dd_phase dd_phase_now(void)
{
	char v[32];
	int n;

	if (!xen_present() || xs_init())
		return DD_NONE;
	n = xs_read(XS_TXN_NIL, DD_PHASE_KEY, v, sizeof(v));
	if (n == -ENOENT)
		return DD_NONE;
	if (n < 0)
		return DD_BAD;
	return dd_phase_parse(v, (size_t)n);
}

bool dd_phase_appears(uint64_t grace_ns)
{
	uint64_t start = time_now_ns();

	while (dd_phase_now() == DD_NONE) {
		if (!xen_present() || time_now_ns() - start >= grace_ns)
			return false;
		sleep_ns(100ULL * 1000 * 1000);
	}
	return true;
}

int dd_phase_wait(enum dd_phase want, uint64_t timeout_ns, void (*pump)(void),
		  enum dd_phase *now)
{
	uint64_t start = time_now_ns(), last = 0;
	enum dd_phase p = DD_NONE;

	if (!watching)
		watching = !xs_watch(DD_PHASE_KEY, "dd-phase", on_phase, NULL);
	for (;;) {
		uint64_t t = time_now_ns();

		if (pump)
			pump();
		xs_watch_poll();
		if (changed || !last || t - last >= READ_NS) {
			changed = false;
			last = t;
			p = dd_phase_now();
			if (p == DD_NONE) {
				*now = p;
				return -ENOENT;
			}
			if (p != DD_BAD && p >= want) {
				*now = p;
				return 0;
			}
		}
		if (t - start >= timeout_ns) {
			*now = p;
			pr_warn("dd: phase %s not reached in %lu s (now %s)\n",
				dd_phase_name(want),
				(unsigned long)(timeout_ns / SEC),
				dd_phase_name(p));
			return -ETIMEDOUT;
		}
		if (!pump)
			sleep_ns(SLEEP_NS);
	}
}

int dd_put(const char *name, const char *value)
{
	char path[64];

	snprintf(path, sizeof(path), "data/ktest/%s", name);
	return xs_write(XS_TXN_NIL, path, value);
}

int dd_ack(enum dd_phase p)
{
	int rc = xs_write(XS_TXN_NIL, DD_ACK_KEY, dd_phase_name(p));

	pr_info("dd: ack %s (%d)\n", dd_phase_name(p), rc);
	return rc;
}
