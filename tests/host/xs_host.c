/*
 * Suite `xs_host`: the xenstore client's operations against the fake
 * xenstored (tests/host/xs_fake.h), over an in-memory ring: read, write,
 * rm, directory, watches, transactions, timeouts, and requests and
 * replies larger than the ring, split into small chunks across the wrap
 * of the 32-bit indices.
 */
#include "kernel/ktest.h"
#include "lib/string.h"
#include "tests/host/xs_fake.h"

static char buf[XENSTORE_PAYLOAD_MAX + 1];

/* Every case runs on a fresh fake xenstore (also xs_host_watch.c). */
KTEST_SUITE(xs_host, .init = xs_fake_init, .exit = xs_fake_teardown);

KTEST(xs_host, read_write_rm)
{
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/a", "hello"), 0);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "data/a", buf, sizeof(buf)), 5);
	KT_EXPECT(!strcmp(buf, "hello"));
	/* Relative paths are under our home. */
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, XS_FAKE_HOME "/data/a", buf, 6), 5);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "data/a", buf, 5), -ERANGE);
	KT_EXPECT_EQ(xs_rm(XS_TXN_NIL, "data/a"), 0);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "data/a", buf, sizeof(buf)), -ENOENT);
	KT_EXPECT_EQ(xs_rm(XS_TXN_NIL, "data/a"), -ENOENT);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "/local/domain/0/x", "1"), -EACCES);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "", buf, sizeof(buf)), -EINVAL);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "name", buf, sizeof(buf)), 5);
	KT_EXPECT(xs_connected());
}

KTEST(xs_host, read_u64)
{
	uint64_t v = 0;

	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "domid", &v), 0);
	KT_EXPECT_EQ(v, XS_FAKE_DOMID);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/n", "12x"), 0);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "data/n", &v), -EINVAL);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/n", "-1"), 0);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "data/n", &v), -EINVAL);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/n", ""), 0);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "data/n", &v), -EINVAL);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/n", "18446744073709551616"), 0);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "data/n", &v), -ERANGE);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/n", "000000000000000000001"),
		     0);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "data/n", &v), -ERANGE);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/n", "18446744073709551615"), 0);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "data/n", &v), 0);
	KT_EXPECT(v == UINT64_MAX);
}

KTEST(xs_host, directory)
{
	unsigned int count = 99;
	char small[3];

	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/d/x", "1"), 0);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/d/yy/z", "2"), 0);
	KT_EXPECT_EQ(
	    xs_directory(XS_TXN_NIL, "data/d", buf, sizeof(buf), &count), 5);
	KT_EXPECT_EQ(count, 2);
	KT_EXPECT(!memcmp(buf, "x\0yy\0", 5));
	KT_EXPECT_EQ(
	    xs_directory(XS_TXN_NIL, "data/d", small, sizeof(small), &count),
	    -ERANGE);
	KT_EXPECT_EQ(
	    xs_directory(XS_TXN_NIL, "data/d/x", buf, sizeof(buf), &count), 0);
	KT_EXPECT_EQ(count, 0);
	KT_EXPECT_EQ(
	    xs_directory(XS_TXN_NIL, "data/none", buf, sizeof(buf), &count),
	    -ENOENT);
}

/* Bigger than the ring both ways, in 7-byte steps across the 2^32 wrap. */
KTEST(xs_host, split_and_wrap)
{
	static char big[3001];
	struct xs_stats st;

	/* Start again, the rings' indices just below the 32-bit wrap. */
	xs_fake_teardown();
	KT_ASSERT(xs_fake_setup(0xfffffff0U) == 0);
	xs_fake.chunk = 7;
	for (unsigned int i = 0; i < sizeof(big) - 1; i++)
		big[i] = 'a' + i % 26;
	for (int round = 0; round < 3; round++) {
		KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/big", big), 0);
		memset(buf, 0, sizeof(buf));
		KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "data/big", buf, sizeof(buf)),
			     3000);
		KT_EXPECT(!memcmp(buf, big, 3000));
	}
	xs_get_stats(&st);
	KT_EXPECT_EQ(st.malformed + st.resyncs + st.timeouts, 0);
	KT_EXPECT(xs_fake_page.rsp_prod < 0xfffffff0U); /* it did wrap */
}

KTEST(xs_host, request_too_big)
{
	static char big[XENSTORE_PAYLOAD_MAX + 2];

	memset(big, 'x', sizeof(big) - 1);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/x", big), -E2BIG);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, big, buf, sizeof(buf)), -E2BIG);
	KT_EXPECT_EQ(xs_fake.requests, 0);
	KT_EXPECT(xs_connected());
}

KTEST(xs_host, timeout_then_stale_reply)
{
	struct xs_stats st;

	xs_fake.silent = true;
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)),
		     -ETIMEDOUT);
	KT_EXPECT(xs_fake.now >= XS_TIMEOUT_NS);
	/* The late reply to request 1 must not answer request 2. */
	xs_fake.silent = false;
	xs_fake_put_msg(XS_READ, 1, 3, "bad", 3);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)), 1);
	KT_EXPECT(!strcmp(buf, "7"));
	xs_get_stats(&st);
	KT_EXPECT_EQ(st.timeouts, 1);
	KT_EXPECT_EQ(st.resyncs, 1);
	KT_EXPECT(xs_connected());
}

/* A request torn in half by a stuck consumer leaves the stream unusable. */
KTEST(xs_host, stuck_request_breaks)
{
	static char big[2000];

	memset(big, 'y', sizeof(big) - 1);
	xs_fake.stall_requests = true;
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/x", big), -EIO);
	KT_EXPECT(!xs_connected());
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)), -EIO);
}

/* A request that never got into a full ring is only a timeout. */
KTEST(xs_host, full_ring_timeout)
{
	static char fill[XENSTORE_RING_SIZE - 16 - 7 + 1];
	struct xs_stats st;

	xs_fake.stall_requests = true;
	/* Header, "data/x\0" and this value fill the ring exactly. */
	memset(fill, 'z', sizeof(fill) - 1);
	KT_EXPECT_EQ(xs_write(XS_TXN_NIL, "data/x", fill), -ETIMEDOUT);
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "domid", buf, sizeof(buf)),
		     -ETIMEDOUT);
	KT_EXPECT(xs_connected());
	/* The daemon wakes up: its two late replies are skipped. */
	xs_fake.stall_requests = false;
	KT_EXPECT_EQ(xs_read(XS_TXN_NIL, "data/x", buf, sizeof(buf)),
		     (int)sizeof(fill) - 1);
	xs_get_stats(&st);
	KT_EXPECT_EQ(st.timeouts, 2);
	KT_EXPECT_EQ(st.resyncs, 1);
}
