/*
 * Suite `xenstore`: the client against the real xenstored of a Xen host.
 * Each test brings the connection up itself (xs_init() is idempotent) and
 * SKIPs without Xen.  Everything we write lives under our own "data/"
 * subtree (libxl makes it writable by the guest) and is removed again.
 */
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/time.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include <xen/hvm/params.h>

#define ROOT "data/ktest-xs"
#define SEC  (1000ULL * 1000 * 1000)

static char buf[256];

static bool xs_up(void)
{
	int rc;

	if (!xen_present())
		return false;
	rc = xs_init();
	if (rc)
		ktest_diag("xs_init: %d", rc);
	return rc == 0;
}

#define XS_REQUIRE()                                                           \
	do {                                                                   \
		if (!xen_present())                                            \
			KT_SKIP("not running under Xen");                      \
		KT_ASSERT(xs_up());                                            \
	} while (0)

/*
 * "domid" is relative to our home, so it must name our home: reading
 * /local/domain/<it>/domid must give it back.  A wrong id finds another
 * domain's node (-EACCES or -ENOENT, or a different value).
 */
KTEST(xenstore, read_domid)
{
	char path[64], name[64];
	uint64_t id = 0, again = 0;

	XS_REQUIRE();
	KT_ASSERT(xs_read_u64(XS_TXN_NIL, "domid", &id) == 0);
	KT_EXPECT(id > 0 && id < DOMID_FIRST_RESERVED);
	KT_EXPECT_EQ(id, xen_domid());
	snprintf(path, sizeof(path), "/local/domain/%lu/domid",
		 (unsigned long)id);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, path, &again), 0);
	KT_EXPECT_EQ(again, id);
	/* And our name reads the same both ways. */
	snprintf(path, sizeof(path), "/local/domain/%lu/name",
		 (unsigned long)id);
	KT_EXPECT(xs_read(XS_TXN_NIL, "name", buf, sizeof(buf)) > 0);
	KT_EXPECT(xs_read(XS_TXN_NIL, path, name, sizeof(name)) > 0);
	KT_EXPECT(!strcmp(buf, name));
	ktest_diag("domid %lu, name %s", (unsigned long)id, buf);
}

KTEST(xenstore, write_read)
{
	static const char val[] = "ktest value\twith bytes";
	unsigned int count = 0;

	XS_REQUIRE();
	KT_ASSERT(xs_write(XS_TXN_NIL, ROOT "/wr", val) == 0);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, ROOT "/wr", buf, sizeof(buf)),
		     (int)sizeof(val) - 1);
	KT_EXPECT(!strcmp(buf, val));
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, ROOT "/dir/b", "2"), 0);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, ROOT "/dir/a", "1"), 0);
	KT_EXPECT_EQ(
	    xs_directory(XS_TXN_NIL, ROOT "/dir", buf, sizeof(buf), &count), 4);
	KT_EXPECT_EQ(count, 2);
	KT_EXPECT_EQ(xs_rm(XS_TXN_NIL, ROOT), 0);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, ROOT "/wr", buf, sizeof(buf)),
		     -ENOENT);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, ROOT "/dir/a", buf, sizeof(buf)),
		     -ENOENT);
}

struct seen {
	unsigned int calls;
	bool path_ok, token_ok;
};

static void on_event(const char *path, const char *token, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->path_ok = !strcmp(path, ROOT "/w");
	s->token_ok = !strcmp(token, "ktest-w");
}

/*
 * The "no callback after unwatch" half counts raw events received, not
 * callbacks: an unwatch that xenstored ignored would still send events,
 * which our table would drop quietly.
 */
KTEST(xenstore, watch)
{
	struct seen s = {0};
	struct xs_stats before, after;

	XS_REQUIRE();
	KT_ASSERT(xs_write(XS_TXN_NIL, ROOT "/w", "0") == 0);
	KT_ASSERT(xs_watch(ROOT "/w", "ktest-w", on_event, &s) == 0);
	/* xenstored fires a new watch once. */
	if (!s.calls)
		KT_EXPECT_EQ(xs_watch_wait(SEC), 0);
	KT_EXPECT_EQ(s.calls, 1);
	s = (struct seen){0};
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, ROOT "/w", "1"), 0);
	if (!s.calls)
		KT_EXPECT_EQ(xs_watch_wait(SEC), 0);
	KT_EXPECT_EQ(s.calls, 1);
	KT_EXPECT(s.path_ok && s.token_ok);
	KT_EXPECT_EQ(xs_unwatch(ROOT "/w", "ktest-w"), 0);
	xs_get_stats(&before);
	s = (struct seen){0};
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, ROOT "/w", "2"), 0);
	KT_EXPECT_EQ(xs_watch_wait(SEC / 5), -ETIMEDOUT);
	xs_get_stats(&after);
	KT_EXPECT_EQ(s.calls, 0);
	KT_EXPECT_EQ(after.events, before.events);
	KT_EXPECT_EQ(xs_rm(XS_TXN_NIL, ROOT), 0);
}

struct txn_arg {
	unsigned int calls, conflicts;
};

/* Read K in the transaction; the first `conflicts` runs race a writer. */
static int bump(xs_transaction_t t, void *p)
{
	struct txn_arg *a = p;
	char v[16];
	int rc = xs_read(t, ROOT "/k", v, sizeof(v));

	if (rc < 0)
		return rc;
	if (a->calls++ < a->conflicts) {
		rc = xs_write(XS_TXN_NIL, ROOT "/k", "outside");
		if (rc)
			return rc;
	}
	return xs_write(t, ROOT "/k", "inside");
}

KTEST(xenstore, transaction_retry)
{
	struct txn_arg a = {.conflicts = 1};
	struct xs_stats before, after;
	xs_transaction_t t;

	XS_REQUIRE();
	KT_ASSERT(xs_write(XS_TXN_NIL, ROOT "/k", "0") == 0);
	/* By hand: the outside write makes the commit lose the race. */
	KT_ASSERT(xs_transaction_start(&t) == 0);
	KT_EXPECT(xs_read(t, ROOT "/k", buf, sizeof(buf)) == 1);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, ROOT "/k", "outside"), 0);
	KT_EXPECT_EQ(xs_write(t, ROOT "/k", "inside"), 0);
	KT_EXPECT_EQ(xs_transaction_end(t, false), -EAGAIN);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, ROOT "/k", buf, sizeof(buf)), 7);
	/* xs_transact reruns once and then commits. */
	xs_get_stats(&before);
	KT_EXPECT_EQ(xs_transact(bump, &a, 3), 0);
	xs_get_stats(&after);
	KT_EXPECT_EQ(a.calls, 2);
	KT_EXPECT_EQ(after.txn_retries - before.txn_retries, 1);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, ROOT "/k", buf, sizeof(buf)), 6);
	KT_EXPECT(!strcmp(buf, "inside"));
	ktest_diag("transaction ran %u times, %lu retry", a.calls,
		   (unsigned long)(after.txn_retries - before.txn_retries));
	KT_EXPECT_EQ(xs_rm(XS_TXN_NIL, ROOT), 0);
}

KTEST(xenstore, enoent_eacces)
{
	struct xs_stats st;
	uint64_t id;

	XS_REQUIRE();
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, ROOT "/missing", buf, sizeof(buf)),
		     -ENOENT);
	KT_EXPECT_EQ(
	    xs_write(XS_TXN_NIL, "/local/domain/0/ktest-forbidden", "x"),
	    -EACCES);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "/tool/ktest-forbidden", "x"),
		     -EACCES);
	/* The errors were replies, not damage: still in step. */
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "domid", &id), 0);
	KT_EXPECT_EQ(id, xen_domid());
	xs_get_stats(&st);
	KT_EXPECT(!st.broken && xs_connected());
	KT_EXPECT_EQ(st.malformed, 0);
	ktest_diag("requests %lu errors %lu timeouts %lu resyncs %lu",
		   (unsigned long)st.requests, (unsigned long)st.errors,
		   (unsigned long)st.timeouts, (unsigned long)st.resyncs);
}

/*
 * The xenbus helpers on a device directory of our own: the state we
 * switch to reads back, a wait for it returns at once, a wait for a state
 * nobody sets times out (over a real watch), and garbage is refused.  If
 * we have a vif, its backend details must check out.
 */
KTEST(xenstore, xenbus_state)
{
	enum xenbus_state st = XenbusStateUnknown;
	char be[XENBUS_PATH_MAX];
	domid_t be_id;
	int rc;

	XS_REQUIRE();
	KT_EXPECT_EQ(xenbus_switch_state(XS_TXN_NIL, ROOT "/dev",
					 XenbusStateInitialised),
		     0);
	KT_EXPECT_EQ(xenbus_read_state(ROOT "/dev", &st), 0);
	KT_EXPECT_EQ(st, XenbusStateInitialised);
	KT_EXPECT_EQ(xenbus_wait_state(ROOT "/dev",
				       XENBUS_STATE_BIT(XenbusStateInitialised),
				       &st, SEC),
		     0);
	KT_EXPECT_EQ(xenbus_wait_state(ROOT "/dev",
				       XENBUS_STATE_BIT(XenbusStateConnected),
				       &st, SEC / 5),
		     -ETIMEDOUT);
	KT_EXPECT_EQ(st, XenbusStateInitialised);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, ROOT "/dev/state", "12"), 0);
	KT_EXPECT_EQ(xenbus_read_state(ROOT "/dev", &st), -EPROTO);
	KT_EXPECT_EQ(xs_rm(XS_TXN_NIL, ROOT), 0);
	rc = xenbus_read_backend("device/vif/0", be, sizeof(be), &be_id);
	if (rc == -ENOENT)
		return;
	KT_EXPECT_EQ(rc, 0);
	if (!rc) {
		KT_EXPECT_EQ(xenbus_read_state(be, &st), 0);
		ktest_diag("vif 0 backend %s (domain %u) is %s", be, be_id,
			   xenbus_state_name(st));
	}
}

/*
 * XSA-391: events on the xenstore port that bring nothing (neither of
 * xenstored's indices moved) are reported as spurious, so a run of them
 * backs the port off like any other peer's.  Each event is made the way a
 * peer's notify arrives: pending while masked, delivered by the unmask
 * hypercall.  xenstore keeps working, by polling, while backed off.
 */
KTEST(xenstore, spurious_events_back_off)
{
	struct evtchn_port_stats before, after;
	struct xs_stats xb, xa;
	uint64_t port, v, deadline;
	unsigned int sent = 0;

	XS_REQUIRE();
	KT_ASSERT(xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &port) == 0);
	/* A real answer first: whatever run there was ends here. */
	KT_ASSERT(xs_read_u64(XS_TXN_NIL, "domid", &v) == 0);
	evtchn_get_port_stats((evtchn_port_t)port, &before);
	xs_get_stats(&xb);
	do {
		uint64_t n = evtchn_port_events((evtchn_port_t)port);

		evtchn_mask((evtchn_port_t)port);
		__atomic_fetch_or(&xen_shared_info->evtchn_pending[port / 64],
				  1UL << (port % 64), __ATOMIC_SEQ_CST);
		evtchn_unmask((evtchn_port_t)port);
		deadline = time_now_ns() + SEC / 10;
		while (evtchn_port_events((evtchn_port_t)port) == n &&
		       time_now_ns() < deadline)
			arch_pause();
		evtchn_get_port_stats((evtchn_port_t)port, &after);
	} while (++sent < 200 && after.storms == before.storms);
	xs_get_stats(&xa);
	ktest_diag("%u events made: %lu handled, %lu spurious, %lu back-offs",
		   sent, after.events - before.events,
		   after.spurious - before.spurious,
		   after.storms - before.storms);
	/*
	 * Every event delivered was found empty, and the port backed off
	 * within one run of 64 (a run may have begun just before `before`,
	 * so fewer of ours can trip it: seen, 63).
	 */
	KT_EXPECT(after.events > before.events);
	KT_EXPECT_EQ(after.spurious - before.spurious,
		     after.events - before.events);
	KT_EXPECT(after.events - before.events <= 64);
	KT_EXPECT_EQ(xa.spurious_irqs - xb.spurious_irqs,
		     after.spurious - before.spurious);
	KT_EXPECT(after.storms > before.storms);
	/* Backed off, not broken. */
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "domid", &v), 0);
	deadline = time_now_ns() + 2 * SEC;
	do
		evtchn_get_port_stats((evtchn_port_t)port, &after);
	while (after.backed_off && time_now_ns() < deadline);
	KT_EXPECT(!after.backed_off);
}
