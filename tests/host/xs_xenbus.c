/*
 * Suite `xs_xenbus`: the xenbus helpers against the fake xenstored, with
 * the other end's nodes written as a hostile backend might: out-of-range
 * and non-numeric states, a backend path outside its domain, a domid out
 * of range.
 */
#include "kernel/ktest.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "lib/string.h"
#include "tests/host/xs_fake.h"

#define DEV "device/vif/0"
#define BE  "/local/domain/0/backend/vif/7/0"

/* Every case runs on a fresh fake xenstore. */
KTEST_SUITE(xs_xenbus, .init = xs_fake_init, .exit = xs_fake_teardown);

KTEST(xs_xenbus, switch_and_read_state)
{
	enum xenbus_state st = XenbusStateUnknown;

	KT_EXPECT_EQ(
	    xenbus_switch_state(XS_TXN_NIL, DEV, XenbusStateInitialising), 0);
	KT_EXPECT(!strcmp(xs_fake_get(XS_FAKE_HOME "/" DEV "/state"), "1"));
	KT_EXPECT_EQ(xenbus_switch_state(XS_TXN_NIL, DEV, 9), -EINVAL);
	KT_EXPECT_EQ(xenbus_read_state(DEV, &st), 0);
	KT_EXPECT_EQ(st, XenbusStateInitialising);
	KT_EXPECT_EQ(xenbus_read_state(BE, &st), -ENOENT);
	xs_fake_set(BE "/state", "8");
	KT_EXPECT_EQ(xenbus_read_state(BE, &st), 0);
	KT_EXPECT_EQ(st, XenbusStateReconfigured);
	xs_fake_set(BE "/state", "9");
	KT_EXPECT_EQ(xenbus_read_state(BE, &st), -EPROTO);
	xs_fake_set(BE "/state", "4 ");
	KT_EXPECT_EQ(xenbus_read_state(BE, &st), -EPROTO);
	xs_fake_set(BE "/state", "99999999999999999999999");
	KT_EXPECT_EQ(xenbus_read_state(BE, &st), -EPROTO);
	KT_EXPECT_EQ(st, XenbusStateReconfigured); /* untouched on error */
	KT_EXPECT(
	    !strcmp(xenbus_state_name(XenbusStateConnected), "Connected"));
	KT_EXPECT(!strcmp(xenbus_state_name(42), "invalid"));
}

KTEST(xs_xenbus, wait_state)
{
	uint32_t connected = XENBUS_STATE_BIT(XenbusStateConnected);
	enum xenbus_state st;

	xs_fake_set(BE "/state", "2");
	/* Already there: no waiting. */
	KT_EXPECT_EQ(xenbus_wait_state(BE, XENBUS_STATE_BIT(2), &st, 1000), 0);
	KT_EXPECT_EQ(st, XenbusStateInitWait);
	/* The backend moves on 250 ms later. */
	xs_fake.later_path = BE "/state";
	xs_fake.later_val = "4";
	xs_fake.later_at = xs_fake.now + 250000000ULL;
	KT_EXPECT_EQ(xenbus_wait_state(BE, connected, &st, XS_TIMEOUT_NS), 0);
	KT_EXPECT_EQ(st, XenbusStateConnected);
	KT_EXPECT(xs_fake.now < XS_TIMEOUT_NS);
	/* Never: timeout, with the last state seen. */
	KT_EXPECT_EQ(
	    xenbus_wait_state(BE, XENBUS_STATE_BIT(6), &st, 1000000000ULL),
	    -ETIMEDOUT);
	KT_EXPECT_EQ(st, XenbusStateConnected);
	/* A garbage state ends the wait with an error. */
	xs_fake.later_path = BE "/state";
	xs_fake.later_val = "77";
	xs_fake.later_at = xs_fake.now + 1000;
	KT_EXPECT_EQ(
	    xenbus_wait_state(BE, XENBUS_STATE_BIT(6), &st, XS_TIMEOUT_NS),
	    -EPROTO);
	/* Missing node: keep waiting until it appears. */
	xs_fake.later_path = XS_FAKE_HOME "/data/late/state";
	xs_fake.later_val = "6";
	xs_fake.later_at = xs_fake.now + 1000;
	KT_EXPECT_EQ(xenbus_wait_state("data/late", XENBUS_STATE_BIT(6), &st,
				       XS_TIMEOUT_NS),
		     0);
	KT_EXPECT_EQ(xs_fake_nr_watches(), 0);
	/* Unless a vanished node is what the caller waits for too. */
	KT_EXPECT_EQ(xenbus_wait_state("data/none",
				       connected | XENBUS_WAIT_GONE, &st,
				       XS_TIMEOUT_NS),
		     -ENOENT);
	KT_EXPECT_EQ(xs_fake_nr_watches(), 0);
}

KTEST(xs_xenbus, read_backend)
{
	char path[XENBUS_PATH_MAX], tiny[8];
	domid_t id = 99;

	KT_EXPECT_EQ(xenbus_read_backend(DEV, path, sizeof(path), &id),
		     -ENOENT);
	xs_fake_set(XS_FAKE_HOME "/" DEV "/backend", BE);
	xs_fake_set(XS_FAKE_HOME "/" DEV "/backend-id", "0");
	KT_EXPECT_EQ(xenbus_read_backend(DEV, path, sizeof(path), &id), 0);
	KT_EXPECT(!strcmp(path, BE));
	KT_EXPECT_EQ(id, 0);
	KT_EXPECT_EQ(xenbus_read_backend(DEV, tiny, sizeof(tiny), &id),
		     -ERANGE);
	/* The path must belong to the domain named as backend. */
	xs_fake_set(XS_FAKE_HOME "/" DEV "/backend-id", "3");
	KT_EXPECT_EQ(xenbus_read_backend(DEV, path, sizeof(path), &id),
		     -EPROTO);
	xs_fake_set(XS_FAKE_HOME "/" DEV "/backend-id", "32752");
	KT_EXPECT_EQ(xenbus_read_backend(DEV, path, sizeof(path), &id),
		     -EPROTO);
	xs_fake_set(XS_FAKE_HOME "/" DEV "/backend-id", "0");
	xs_fake_set(XS_FAKE_HOME "/" DEV "/backend",
		    "/local/domain/0/backend/../../7/secret");
	KT_EXPECT_EQ(xenbus_read_backend(DEV, path, sizeof(path), &id),
		     -EPROTO);
	xs_fake_set(XS_FAKE_HOME "/" DEV "/backend", "/local/domain/0/x");
	KT_EXPECT_EQ(xenbus_read_backend(DEV, path, sizeof(path), &id),
		     -EPROTO);
	KT_EXPECT_EQ(id, 0);
}
