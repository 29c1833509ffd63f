/*
 * Suite `msa03`: the PV console against a hostile console backend
 * (MirageOS MSA03: Solo5's console writer looped for ever on a slow
 * consumer once output passed the 2048-byte ring).  tests/peer/
 * hostile-console maps our real console ring, stops xenconsoled and moves
 * the consumer index itself; msa03.peer=leap|creep says which (scenarios
 * msa03-leap, msa03-creep; SKIP without).  Writing more than a ring must
 * end in bounded time with the ring given up for the right reason; the
 * results then reach dom0 through port 0xE9 alone (source=0xE9).
 */
#include "drivers/xencons.h"
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/string.h"

#define HOME "data/ktest-cons"
#define MS   1000000ULL
/*
 * The driver gives up after 10 s of waiting; 5 s more for the 40 lines and
 * a loaded host.  BUGGY=msa03's writer is held for as long as the peer
 * attacks (msa03-creep-off: --timeout 17,
 * counted from the first write), so it must take more than this.
 */
#define BOUND_MS      15000
#define FILLER_LINES  40 /* 40 * 78 bytes: more than the ring */
#define PEER_READY_MS 30000

static const char *peer_mode;

static int set_peer(const char *v)
{
	if (strcmp(v, "leap") && strcmp(v, "creep"))
		return -EINVAL;
	peer_mode = v;
	return 0;
}
KPARAM("msa03.peer", set_peer);

/* The peer's state node equals `want`, within PEER_READY_MS. */
static bool peer_state(const char *want, char *buf, size_t len)
{
	uint64_t end = time_now_ns() + PEER_READY_MS * MS;

	do {
		if (xs_read(XS_TXN_NIL, HOME "/state", buf, len) >= 0 &&
		    !strcmp(buf, want))
			return true;
		sleep_ns(50 * MS);
	} while (time_now_ns() < end);
	return false;
}

KTEST(msa03, console_write_bounded)
{
	struct xencons_state cs;
	struct xencons_stats st;
	uint64_t t0, ms;
	char buf[64] = "";

	if (!xen_present())
		KT_SKIP("not running under Xen");
	if (!peer_mode)
		KT_SKIP("needs msa03.peer= and tests/peer/hostile-console");
	xencons_get_state(&cs);
	KT_ASSERT(cs.up);
	KT_ASSERT(xs_write(XS_TXN_NIL, HOME "/go", "1") == 0);
	if (!peer_state("attacking", buf, sizeof(buf))) {
		ktest_diag("hostile-console state: %s", buf);
		KT_ASSERT(!"hostile-console never attacked");
	}
	t0 = time_now_ns();
	for (unsigned int i = 0; i < FILLER_LINES; i++)
		cons_printf("    # msa03 filler %02u "
			    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklm"
			    "nopqrstuvw\n",
			    i);
	cons_flush();
	ms = (time_now_ns() - t0) / MS;
	if (xs_write(XS_TXN_NIL, HOME "/cmd", "done"))
		ktest_diag("cannot tell hostile-console to stop");
	xencons_get_state(&cs);
	xencons_get_stats(&st);
	ktest_diag("%s: %u lines in %lu ms; PV console %s (%s), %lu bytes "
		   "dropped",
		   peer_mode, FILLER_LINES, ms, cs.up ? "up" : "given up",
		   cs.why ? cs.why : "-", st.dropped);
	KT_EXPECT(ms < BOUND_MS);
	KT_EXPECT(cs.broken && !cs.up);
	KT_EXPECT(st.dropped > 0);
	if (cs.why)
		KT_EXPECT(!strcmp(cs.why, strcmp(peer_mode, "leap")
					      ? "consumer too slow"
					      : "bad consumer index"));
	/* xenconsoled runs again before the next scenario. */
	KT_EXPECT(peer_state("done", buf, sizeof(buf)));
}
