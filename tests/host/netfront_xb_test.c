/*
 * Suite `netfront_xb` (host): netfront's half of the xenbus handshake
 * (drivers/netfront/netfront_xenbus.c) against the fake xenstored of xs_fake.c,
 * with the test writing the backend's nodes as a correct or a lying
 * netback would: the MAC validated, feature-rx-copy required, every
 * backend number bounded, the rings, event channel, requests and state
 * Connected published in one transaction, and the close sequence.
 */
#include "kernel/ktest.h"
#include "kernel/xen/xenstore/xenbus.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/xs_fake.h"
#include "drivers/netfront/netfront_priv.h"

#define FE    XS_FAKE_HOME "/" NETFRONT_DEV
#define BE    "/local/domain/0/backend/vif/7/0"
#define SEC   1000000000ULL
#define MAC_S "00:16:3e:6b:00:07"

static struct netfront_xb xb;

KTEST(netfront_xb, parse_mac)
{
	static const char *const bad[] = {
	    "00:16:3e:6b:00:0",	 "00:16:3e:6b:00:077", "00-16-3e-6b-00-07",
	    "00:16:3e:6b:00:0g", "01:16:3e:6b:00:07", /* multicast */
	    "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00",  "00:16:3e:6b:00 07",
	    "0:016:3e:6b:00:07",
	};
	uint8_t mac[6];

	KT_EXPECT_EQ(netfront_parse_mac(MAC_S, 17, mac), 0);
	KT_EXPECT(mac[0] == 0 && mac[2] == 0x3e && mac[5] == 7);
	KT_EXPECT_EQ(netfront_parse_mac("02:AB:cd:EF:00:10", 17, mac), 0);
	KT_EXPECT(mac[1] == 0xab && mac[3] == 0xef);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		KT_EXPECT_EQ(netfront_parse_mac(bad[i], strlen(bad[i]), mac),
			     -EPROTO);
	/* A NUL inside the value: the length xenstored gave counts. */
	KT_EXPECT_EQ(netfront_parse_mac("00:16:3e\0006b:00:07", 17, mac),
		     -EPROTO);
}

/* The nodes a toolstack writes for vif 0, backend in `state`. */
static void vif(const char *mac, const char *state)
{
	memset(&xb, 0, sizeof(xb));
	KT_ASSERT(xs_fake_setup(0) == 0);
	xs_fake_set(FE "/backend", BE);
	xs_fake_set(FE "/backend-id", "0");
	xs_fake_set(FE "/mac", mac);
	xs_fake_set(FE "/state", "1");
	xs_fake_set(BE "/state", state);
	xs_fake_set(BE "/feature-rx-copy", "1");
}

KTEST(netfront_xb, probe)
{
	uint8_t mac[6];

	KT_ASSERT(xs_fake_setup(0) == 0);
	memset(&xb, 0, sizeof(xb));
	KT_EXPECT_EQ(netfront_xb_probe(&xb, mac), -ENODEV);
	xs_fake_teardown();
	vif(MAC_S, "2");
	KT_EXPECT_EQ(netfront_xb_probe(&xb, mac), 0);
	KT_EXPECT(!strcmp(xb.be, BE));
	KT_EXPECT_EQ(xb.be_id, 0);
	KT_EXPECT_EQ(mac[5], 7);
	xs_fake_set(FE "/mac", "01:16:3e:6b:00:07");
	KT_EXPECT_EQ(netfront_xb_probe(&xb, mac), -EPROTO);
	xs_fake_set(FE "/mac",
		    "00:16:3e:6b:00:07:00:00:00:00:00:00:00:00:00:00");
	KT_EXPECT_EQ(netfront_xb_probe(&xb, mac), -EPROTO);
	xs_fake_set(FE "/mac", MAC_S);
	xs_fake_set(FE "/backend", "/local/domain/0/backend/../../7/x");
	KT_EXPECT(netfront_xb_probe(&xb, mac) < 0);
	xs_fake_teardown();
}

KTEST(netfront_xb, features)
{
	struct netfront_features f;
	uint8_t mac[6];

	vif(MAC_S, "2");
	KT_ASSERT(netfront_xb_probe(&xb, mac) == 0);
	xs_fake_set(BE "/feature-sg", "1");
	xs_fake_set(BE "/feature-split-event-channels", "1");
	xs_fake_set(BE "/multi-queue-max-queues", "8");
	KT_EXPECT_EQ(netfront_xb_await_backend(&xb, &f, SEC), 0);
	KT_EXPECT(f.rx_copy && f.sg && f.split_evtchn && !f.gso_tcpv4);
	KT_EXPECT_EQ(f.max_queues, 8);
	/* We announced ourselves: Initialising. */
	KT_EXPECT(!strcmp(xs_fake_get(FE "/state"), "1"));
	/* Copy mode is required; numbers are bounded, garbage refused. */
	xs_fake_set(BE "/feature-rx-copy", "0");
	KT_EXPECT_EQ(netfront_xb_await_backend(&xb, &f, SEC), -EOPNOTSUPP);
	xs_fake_set(BE "/feature-rx-copy", "2");
	KT_EXPECT_EQ(netfront_xb_await_backend(&xb, &f, SEC), -EPROTO);
	xs_fake_set(BE "/feature-rx-copy", "1");
	xs_fake_set(BE "/feature-sg", "yes");
	KT_EXPECT_EQ(netfront_xb_await_backend(&xb, &f, SEC), -EPROTO);
	xs_fake_set(BE "/feature-sg", "0");
	xs_fake_set(BE "/multi-queue-max-queues", "65536");
	KT_EXPECT_EQ(netfront_xb_await_backend(&xb, &f, SEC), -EPROTO);
	xs_fake_set(BE "/multi-queue-max-queues", "1");
	KT_EXPECT_EQ(netfront_xb_await_backend(&xb, &f, SEC), 0);
	/* A backend that never reaches InitWait: a bounded wait. */
	xs_fake_set(BE "/state", "1");
	KT_EXPECT_EQ(netfront_xb_await_backend(&xb, &f, SEC), -ETIMEDOUT);
	xs_fake_teardown();
}

/* Count the writes to our directory, and those inside a transaction. */
static struct {
	unsigned int writes, in_txn, txns;
} seen;

static bool count(const struct xs_fake_req *req, void *arg)
{
	if (req->hdr.type == XS_TRANSACTION_START)
		seen.txns++;
	if (req->hdr.type == XS_WRITE &&
	    !strncmp(req->body, NETFRONT_DEV, strlen(NETFRONT_DEV))) {
		seen.writes++;
		seen.in_txn += req->hdr.tx_id != 0;
	}
	return false; /* the daemon answers as usual */
}

KTEST(netfront_xb, publish_in_one_transaction)
{
	static struct netfront nf;
	struct netfront_features f;
	uint8_t mac[6];

	vif(MAC_S, "2");
	KT_ASSERT(netfront_xb_probe(&xb, mac) == 0);
	KT_ASSERT(netfront_xb_await_backend(&xb, &f, SEC) == 0);
	nf.tx_ring_ref = 8;
	nf.rx_ring_ref = 9;
	xb.port = 5;
	memset(&seen, 0, sizeof(seen));
	xs_fake.hook = count;
	KT_EXPECT_EQ(netfront_xb_publish(&xb, &nf), 0);
	xs_fake.hook = NULL;
	KT_EXPECT_EQ(seen.txns, 1);
	KT_EXPECT(seen.writes >= 6);
	KT_EXPECT_EQ(seen.in_txn, seen.writes);
	KT_EXPECT(!strcmp(xs_fake_get(FE "/tx-ring-ref"), "8"));
	KT_EXPECT(!strcmp(xs_fake_get(FE "/rx-ring-ref"), "9"));
	KT_EXPECT(!strcmp(xs_fake_get(FE "/event-channel"), "5"));
	KT_EXPECT(!strcmp(xs_fake_get(FE "/request-rx-copy"), "1"));
	KT_EXPECT(!strcmp(xs_fake_get(FE "/feature-rx-notify"), "1"));
	KT_EXPECT(!strcmp(xs_fake_get(FE "/state"), "4"));
	/* The backend connects 200 ms later. */
	xs_fake.later_path = BE "/state";
	xs_fake.later_val = "4";
	xs_fake.later_at = xs_fake.now + SEC / 5;
	KT_EXPECT_EQ(netfront_xb_await_connected(&xb, SEC), 0);
	KT_EXPECT_EQ(netfront_xb_backend_state(&xb), XenbusStateConnected);
	xs_fake_teardown();
}

KTEST(netfront_xb, backend_refuses_or_closes)
{
	uint8_t mac[6];

	vif(MAC_S, "5");
	KT_ASSERT(netfront_xb_probe(&xb, mac) == 0);
	KT_EXPECT_EQ(netfront_xb_await_connected(&xb, SEC), -ECONNRESET);
	xs_fake_set(BE "/state", "2");
	KT_EXPECT_EQ(netfront_xb_await_connected(&xb, SEC), -ETIMEDOUT);
	/* Closing: we say Closing, the backend answers, then Closed. */
	xs_fake_set(BE "/state", "5");
	netfront_xb_close_begin(&xb, false);
	KT_EXPECT(!strcmp(xs_fake_get(FE "/state"), "5"));
	xs_fake.later_path = BE "/state";
	xs_fake.later_val = "6";
	xs_fake.later_at = xs_fake.now + SEC / 10;
	netfront_xb_close_end(&xb, false);
	KT_EXPECT(!strcmp(xs_fake_get(FE "/state"), "6"));
	KT_EXPECT_EQ(netfront_xb_backend_state(&xb), XenbusStateClosed);
	/* A garbage state is an error, which the device treats as gone. */
	xs_fake_set(BE "/state", "4x");
	KT_EXPECT_EQ(netfront_xb_backend_state(&xb), -EPROTO);
	xs_fake_teardown();
}
