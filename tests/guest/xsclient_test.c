/*
 * Suite `xsclient`: the xenstore client against a hostile xenstored on the
 * real ring.  tests/peer/hostile-xenstore maps our xenstore ring page,
 * stops dom0's xenstored and answers our next request itself;
 * xsclient.peer=reply-len|ring-index|watch-flood says how (scenarios
 * xs-reply-len, xs-ring-index, xs-watch-flood; SKIP without).  The
 * rules: a reply longer than XENSTORE_PAYLOAD_MAX and a producer index
 * more than a ring ahead are never read (the connection is broken, one
 * line, nothing consumed); a flood of watch events holds and runs at most
 * XS_EVENT_QUEUE_MAX of them and the reply behind it still arrives.
 * After reply-len and ring-index xenstore is gone for the rest of the
 * boot, so each scenario runs this suite alone.
 */
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/peer/xs_mailbox.h"
#include <xen/hvm/params.h>

#define HOME	      "data/ktest-xs"
#define MS	      1000000ULL
#define PEER_WAIT_MS  30000
#define FLOOD_BOUND_S 20
/* A message header is 16 bytes: anything more read is the bad body. */
#define HDR_MAX 64

static const char *peer_mode;
static unsigned int flood_callbacks;

static int set_peer(const char *v)
{
	if (strcmp(v, "reply-len") && strcmp(v, "ring-index") &&
	    strcmp(v, "watch-flood"))
		return -EINVAL;
	peer_mode = v;
	return 0;
}
KPARAM("xsclient.peer", set_peer);

static void *ring_page(void)
{
	uint64_t pfn = 0;

	if (xen_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn) || !pfn ||
	    pfn >= (0x100000000ULL >> PAGE_SHIFT))
		return NULL;
	return (void *)(uintptr_t)(pfn << PAGE_SHIFT);
}

static volatile uint32_t *mailbox(void *intf)
{
	return (volatile uint32_t *)((char *)intf + XSM_OFFSET);
}

/* The mailbox word becomes `want` within PEER_WAIT_MS. */
static bool peer_says(void *intf, uint32_t want)
{
	uint64_t end = time_now_ns() + PEER_WAIT_MS * MS;

	while (READ_ONCE(*mailbox(intf)) != want) {
		if (time_now_ns() >= end)
			return false;
		sleep_ns(10 * MS);
	}
	return true;
}

static void count_flood(const char *path, const char *token, void *arg)
{
	flood_callbacks++;
}

/*
 * Ask the peer to take over, send one read, and give back its result.
 * On return the peer has let xenstored go on (or never took over).
 */
static int hostile_read(void *intf, char *buf, size_t len, uint64_t *taken)
{
	struct xs_stats st;
	int rc;

	WRITE_ONCE(*mailbox(intf), 0);
	rc = xs_write(XS_TXN_NIL, HOME "/go", "1");
	if (rc) {
		ktest_diag("cannot write " HOME "/go: %d", rc);
		return -ENODEV;
	}
	if (!peer_says(intf, XSM_READY)) {
		ktest_diag("hostile-xenstore never took over");
		return -ENODEV;
	}
	xs_get_stats(&st);
	*taken = st.rsp_bytes;
	rc = xs_read(XS_TXN_NIL, HOME "/victim", buf, len);
	xs_get_stats(&st);
	*taken = st.rsp_bytes - *taken;
	if (!peer_says(intf, XSM_DONE))
		ktest_diag("hostile-xenstore did not say done");
	return rc;
}

static void *setup(const char *mode)
{
	if (!xen_present())
		return NULL;
	if (!peer_mode || strcmp(peer_mode, mode))
		return NULL;
	return ring_page();
}

KTEST(xsclient, reply_over_payload_max_rejected)
{
	void *intf = setup("reply-len");
	uint64_t taken;
	struct xs_stats st;
	char buf[64] = "";
	int rc;

	if (!intf)
		KT_SKIP("needs Xen, xsclient.peer=reply-len and "
			"tests/peer/hostile-xenstore");
	rc = hostile_read(intf, buf, sizeof(buf), &taken);
	KT_ASSERT(rc != -ENODEV);
	xs_get_stats(&st);
	ktest_diag("reply of %u bytes: read rc %d, broken %d, %u bytes taken",
		   XSM_BAD_LEN, rc, st.broken, (unsigned int)taken);
	/* Nothing of the body was read: the header alone broke the stream. */
	KT_EXPECT(rc == -EIO);
	KT_EXPECT(st.broken && !xs_connected());
	KT_EXPECT(taken > 0 && taken <= HDR_MAX);
}

KTEST(xsclient, ring_index_past_ring_rejected)
{
	void *intf = setup("ring-index");
	uint64_t taken;
	struct xs_stats st;
	char buf[64] = "";
	int rc;

	if (!intf)
		KT_SKIP("needs Xen, xsclient.peer=ring-index and "
			"tests/peer/hostile-xenstore");
	rc = hostile_read(intf, buf, sizeof(buf), &taken);
	KT_ASSERT(rc != -ENODEV);
	xs_get_stats(&st);
	ktest_diag("rsp_prod %u ahead: read rc %d (\"%s\"), broken %d, %u "
		   "bytes taken",
		   XSM_INDEX_LEAP, rc, rc >= 0 ? buf : "", st.broken,
		   (unsigned int)taken);
	/* Not one byte taken on the word of an impossible index. */
	KT_EXPECT(rc == -EIO);
	KT_EXPECT(st.broken && !xs_connected());
	KT_EXPECT(taken == 0);
}

KTEST(xsclient, watch_flood_bounded)
{
	void *intf = setup("watch-flood");
	struct xs_stats st0, st;
	uint64_t taken;
	uint64_t t0, ms;
	char buf[64] = "";
	int rc;

	if (!intf)
		KT_SKIP("needs Xen, xsclient.peer=watch-flood and "
			"tests/peer/hostile-xenstore");
	KT_ASSERT(
	    xs_watch(XSM_FLOOD_PATH, XSM_FLOOD_TOKEN, count_flood, NULL) == 0);
	/*
	 * xenstored's own first event, out of the way: often its callback
	 * ran already, inside xs_watch() (an event that came with the
	 * reply), and a wait for one more waited its whole 2 s for nothing.
	 */
	if (!flood_callbacks)
		(void)xs_watch_wait(2000 * MS);
	flood_callbacks = 0;
	xs_get_stats(&st0);
	t0 = time_now_ns();
	rc = hostile_read(intf, buf, sizeof(buf), &taken);
	ms = (time_now_ns() - t0) / MS;
	KT_ASSERT(rc != -ENODEV);
	xs_watch_poll();
	xs_get_stats(&st);
	ktest_diag("%u events sent: read rc %d (\"%s\") after %lu ms; %lu "
		   "events seen, %lu dropped, %u callbacks",
		   XSM_FLOOD_EVENTS, rc, rc >= 0 ? buf : "", (unsigned long)ms,
		   (unsigned long)(st.events - st0.events),
		   (unsigned long)(st.events_dropped - st0.events_dropped),
		   flood_callbacks);
	/* The reply behind the flood arrives, whole and in time... */
	KT_EXPECT(rc == (int)sizeof(XSM_FLOOD_REPLY) - 1);
	KT_EXPECT(!strcmp(buf, XSM_FLOOD_REPLY));
	KT_EXPECT(ms < FLOOD_BOUND_S * 1000);
	/* ...every event was looked at, and at most a queue of them ran. */
	KT_EXPECT(st.events - st0.events >= XSM_FLOOD_EVENTS);
	KT_EXPECT(flood_callbacks >= 1);
	KT_EXPECT(flood_callbacks <= XS_EVENT_QUEUE_MAX);
	KT_EXPECT(st.events_dropped - st0.events_dropped >=
		  XSM_FLOOD_EVENTS - XS_EVENT_QUEUE_MAX);
	/* xenstored serves us again once the peer let it go. */
	KT_EXPECT(xs_connected());
	KT_EXPECT(xs_write(XS_TXN_NIL, HOME "/after", "1") == 0);
	(void)xs_unwatch(XSM_FLOOD_PATH, XSM_FLOOD_TOKEN);
}
