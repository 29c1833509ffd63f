/*
 * Suite `netfront`, part 2 of 3: against tests/peer/hostile-netback
 * (scenarios nf-<mode>, cmdline netfront.expect=<mode>; SKIP otherwise).
 * Each test checks that the misbehaviour is detected (the device broken
 * with the right reason and one log line), that nothing was freed or
 * handed out on the strength of the bad response, that the kernel goes
 * on, and that the teardown gives every page and grant back.  The MSA00
 * id cases are in msa00_test.c.
 */
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "tests/guest/netfront_test.h"

/*
 * Send `n` frames one after the other, each answered before the next,
 * then one more; wait for the device to break: its stats in *st.
 */
static bool break_after(unsigned int n, struct netfront_stats *st,
			struct netfront_state *s)
{
	struct nft_mark m;

	for (unsigned int i = 0; i < n; i++) {
		if (nft_send_test(60, (uint8_t)i) || !nft_wait_tx_idle())
			return false;
	}
	netfront_get_stats(st);
	netfront_get_state(s);
	if (s->broken)
		return true;
	nft_mark(&m);
	nft_send_test(60, 0xee);
	return nft_wait_broken_at(&m, false, st, s);
}

/*
 * A broken device: the one reason, counted on this connection (st0: the
 * stats before it), and nothing handed back early.
 */
static void expect_broken(const struct netfront_stats *st0,
			  const struct netfront_stats *st,
			  const struct netfront_state *s,
			  enum netfront_err kind, uint32_t inflight)
{
	KT_EXPECT(s->broken);
	KT_EXPECT(!s->up);
	KT_EXPECT_EQ(s->broken_kind, kind);
	KT_EXPECT(st->proto_errors[kind] > st0->proto_errors[kind]);
	KT_EXPECT_EQ(st->tx_inflight, inflight);
	ktest_diag("broken (%s): %s", netfront_err_name(s->broken_kind),
		   s->broken_reason);
}

/*
 * One bad answer that must break the device, one row per hostile mode
 * (netfront.expect=<mode>): how many TX frames are answered well before
 * the bad one (-1: none sent, the bad answer is an RX one at connect), the
 * reason, the TX requests still in flight, and the packets that may have
 * been counted on the mode's own connection (-1: not checked).
 */
struct bad_answer {
	const char *name;
	const char *mode;
	int answered_first;
	enum netfront_err kind;
	uint32_t inflight;
	int tx_packets;
};

static const struct bad_answer bad_answers[] = {
    /* The 1st TX packet answered with id RING_SIZE. */
    {"bad_id_rejected", "bad-id", 0, NETFRONT_ERR_BAD_ID, 1, -1},
    {"bad_status_rejected", "bad-status", 0, NETFRONT_ERR_BAD_STATUS, 1, 0},
    /* The 1st RX answer (at connect): offset 4000, length 200. */
    {"rx_bounds_rejected", "rx-overflow", -1, NETFRONT_ERR_RX_BOUNDS, 0, -1},
    /* After the 1st TX batch: rsp_prod = real + RING_SIZE + 1. */
    {"prod_overflow_detected", "prod-jump", 0, NETFRONT_ERR_PROD_OVERFLOW, 1,
     0},
    /* The 2nd TX batch publishes rsp_prod one below the 1st's. */
    {"prod_rewind_detected", "prod-rewind", 1, NETFRONT_ERR_PROD_REWIND, 1, 1},
};

KTEST_PARAM(netfront, bad_answer_breaks, bad_answers)
{
	const struct bad_answer *b = ktest_param();
	struct netfront_stats st0, st;
	struct netfront_state ns;

	NFT_USE_HOSTILE(b->mode, NULL, &st0);
	if (b->answered_first < 0)
		KT_ASSERT(nft_wait_broken(&st, &ns));
	else
		KT_ASSERT(
		    break_after((unsigned int)b->answered_first, &st, &ns));
	expect_broken(&st0, &st, &ns, b->kind, b->inflight);
	if (b->tx_packets >= 0)
		KT_EXPECT_EQ(st.tx_packets - st0.tx_packets, b->tx_packets);
	if (b->kind == NETFRONT_ERR_RX_BOUNDS) {
		/* Nothing delivered, the buffer not recycled. */
		KT_EXPECT_EQ(st.rx_packets - st0.rx_packets, 0);
		KT_EXPECT_EQ(st.rx_posted, NETFRONT_RX_TARGET);
	}
	nft_expect_clean_teardown();
}

/* The storm= notifications take the backend a while to send. */
#define STORM_END_NS (60000 * NFT_MS)
#define STORM	     "storm=20000"

static uint64_t storms0; /* evtchn's count before this connection */

struct storm_wait {
	struct evtchn_stats ev;
	const struct netfront_stats *st0; /* taken with the device down */
	bool frame_seen;
};

/*
 * Backed off, or the storm is over: hostile-netback sends its first RX
 * frame only after the last of its storm= notifications
 * (tests/peer/nb_ring.c nb_start()), so once that frame is here no
 * empty event is left to come but the one still pending for it; one
 * more poll (a 1 ms sleep, the upcall delivered) lets that one count.
 * A kernel that counts no storm by then never will: a BUGGY=xsa391
 * kernel fails below at once instead of after NFT_TIMEOUT_NS.
 */
static bool storm_over(void *arg)
{
	struct storm_wait *w = arg;
	struct netfront_stats st;
	bool seen = w->frame_seen;

	evtchn_get_stats(&w->ev);
	if (w->ev.storms > storms0)
		return true;
	netfront_get_stats(&st);
	w->frame_seen = st.rx_packets > w->st0->rx_packets;
	return seen;
}

KTEST(netfront, event_storm)
{
	struct netfront_stats st0, st, before;
	struct netfront_state ns, nbefore;
	struct storm_wait w = {.st0 = &st0};
	struct evtchn_stats ev;
	uint64_t t0, v;

	NFT_NEED_HOSTILE("storm");
	evtchn_get_stats(&ev);
	storms0 = ev.storms;
	NFT_USE_HOSTILE("storm", STORM, &st0);
	/* Right after Connected: a burst of events with nothing to do. */
	KT_EXPECT(nft_wait(storm_over, &w, NFT_TIMEOUT_NS));
	ev = w.ev;
	netfront_get_stats(&before);
	netfront_get_state(&nbefore);
	ktest_diag("%lu events, %lu spurious; evtchn: %lu storm(s), %lu "
		   "back-off unmask(s)",
		   (unsigned long)(before.irqs - st0.irqs),
		   (unsigned long)(before.spurious - st0.spurious),
		   (unsigned long)(ev.storms - storms0),
		   (unsigned long)ev.backoff_unmasks);
	/* XSA-391: counted, backed off, and nothing else suffered. */
	KT_EXPECT(before.spurious - st0.spurious >= 64);
	KT_EXPECT(ev.storms > storms0);
	KT_EXPECT(!nbefore.broken && nbefore.up);
	/* Meanwhile the kernel goes on: timers fire, xenstore answers. */
	t0 = time_now_ns();
	sleep_ns(50 * NFT_MS);
	KT_EXPECT(time_now_ns() - t0 >= 50 * NFT_MS);
	KT_EXPECT_EQ(xs_read_u64(XS_TXN_NIL, "domid", &v), 0);
	/* The backend serves again once done storming (slow under TCG). */
	KT_EXPECT_EQ(nft_send_test(60, 0x66), 0);
	KT_EXPECT(nft_wait_rings(nft_tx_idle, NULL, STORM_END_NS));
	KT_EXPECT(nft_provoke_rx(1));
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(st.tx_packets > before.tx_packets);
	KT_EXPECT(!ns.broken && ns.up);
}

struct held {
	grant_ref_t ref;
	const void *page;
	unsigned int pushes;
};

static void note_push(void *arg, uint16_t id, const void *page, size_t len)
{
	struct held *h = arg;
	struct netfront *nf = netfront_dev();

	h->ref = nf->tx_slot[id].ref;
	h->page = page;
	h->pushes++;
}

static bool released(void *arg)
{
	gnttab_quarantine_poll();
	return !gnttab_ref_quarantined(((struct held *)arg)->ref);
}

KTEST(netfront, tx_grant_held)
{
	struct netfront *nf = netfront_dev();
	struct netfront_stats before, st;
	struct netfront_state ns;
	struct held h = {0};

	/* The backend unmaps 3 s after its answer. */
	NFT_USE_HOSTILE("hold-tx-grant", "hold=3", NULL);
	netfront_get_stats(&before);
	nf->hooks.arg = &h;
	nf->hooks.tx_push = note_push;
	KT_EXPECT_EQ(nft_send_test(60, 0x33), 0);
	nf->hooks.tx_push = NULL;
	KT_ASSERT(h.pushes == 1);
	/*
	 * Answered OKAY while the backend still maps the page: a violation
	 * (issue 9), the device broken, the page quarantined (MSA02).
	 */
	KT_EXPECT(nft_wait_tx_idle());
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(ns.broken);
	KT_EXPECT_EQ(ns.broken_kind, NETFRONT_ERR_STILL_MAPPED);
	KT_EXPECT_EQ(st.tx_packets, before.tx_packets + 1);
	/* MSA02: quarantined: not in our pool, the reference not reissued. */
	KT_EXPECT_EQ(st.quarantined_pages, before.quarantined_pages + 1);
	KT_EXPECT(gnttab_ref_quarantined(h.ref));
	KT_EXPECT(!netfront_pool_has(nf, h.page));
	/*
	 * Only a broken device tears itself down; one the answer left up
	 * (BUGGY=drain) is taken down here, not waited for 20 s.
	 */
	netfront_get_state(&ns);
	if (ns.up && !ns.broken)
		KT_EXPECT_EQ(netfront_disconnect(), 0);
	else
		nft_expect_clean_teardown();
	/* The backend unmaps after 3 s: then the quarantine lets go. */
	KT_EXPECT(nft_wait(released, &h, 3 * NFT_TIMEOUT_NS));
}

KTEST(netfront, close_mid_transfer)
{
	struct netfront_stats before, st;
	struct netfront_state ns;

	NFT_USE_HOSTILE("close-mid", NULL, NULL);
	netfront_get_stats(&before);
	/* Taken off the ring, never answered; the backend goes Closing. */
	KT_EXPECT_EQ(nft_send_test(60, 0x44), 0);
	nft_expect_clean_teardown();
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(!ns.broken);
	KT_EXPECT_EQ(st.disconnects, before.disconnects + 1);
	KT_EXPECT_EQ(st.tx_dropped, before.tx_dropped + 1);
	/* The backend takes us back after a fresh Initialising. */
	KT_EXPECT_EQ(netfront_connect(NFT_CONNECT_NS), 0);
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	KT_EXPECT(ns.up);
	KT_EXPECT_EQ(st.connects, before.connects + 1);
}

/*
 * The mode channel itself (tests/peer/nb_switch.c): a request the peer
 * cannot serve is refused at once with its reason, and the connection we
 * have goes on being served as before: a bad request never leaves a vif
 * half reset nor a test waiting for a switch that never comes.
 */
static const struct refusal {
	const char *name;
	const char *request; /* after "<seq> " */
	const char *why;
} refusals[] = {
    {"unknown_mode", "no-such-mode", "unknown mode"},
    {"bad_storm", "storm storm=0", "bad storm (1..100000000)"},
    {"unknown_option", "good burst=1", "unknown option"},
};

KTEST(netfront, mode_request_refused)
{
	char mode0[64], mode1[64], ack[128], tail[96];
	struct netfront_state ns;

	if (!expect_netfront_peer())
		KT_SKIP("needs hostile-netback (netfront.expect=)");
	NFT_NEED_GOOD();
	KT_ASSERT(nft_served(mode0, sizeof(mode0)) == 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(refusals); i++) {
		const struct refusal *r = &refusals[i];
		const char *rest;

		KT_EXPECT(
		    nft_refused_mode(r->request, true, ack, sizeof(ack)) == 0);
		rest = strchr(ack, ' ');
		snprintf(tail, sizeof(tail), " refused %s", r->why);
		ktest_diag("%s: \"%s\" -> \"%s\"", r->name, r->request, ack);
		KT_EXPECT(rest && !strcmp(rest, tail));
	}
	/* Nothing changed hands: same connection, same mode, still served. */
	netfront_get_state(&ns);
	KT_EXPECT(ns.up && !ns.broken);
	KT_EXPECT(nft_served(mode1, sizeof(mode1)) == 0);
	KT_EXPECT_STREQ(mode1, mode0);
	KT_EXPECT(nft_provoke_rx(1));
}

static bool is_down(void *arg)
{
	netfront_get_state(arg);
	return !((struct netfront_state *)arg)->up;
}

/*
 * The channel's last refusal (tests/peer/nb_switch.c): a frontend still
 * connected when a request comes is closed first (backend Closing), and
 * one that does not close within the bound (close=1: 1 s, not the
 * default 10) is refused "frontend did not close", never waited for
 * without end.  The device is not serviced while the ack is awaited, so
 * it cannot follow the Closing; serviced again it does, goes down with
 * nothing held, and the next request is served as ever.
 */
KTEST(netfront, mode_close_refused)
{
	struct netfront_stats st;
	struct netfront_state ns;
	char ack[128];
	const char *rest;

	if (!expect_netfront_peer())
		KT_SKIP("needs hostile-netback (netfront.expect=)");
	NFT_NEED_GOOD();
	KT_ASSERT(nft_refused_mode("good close=1", false, ack, sizeof(ack)) ==
		  0);
	rest = strchr(ack, ' ');
	ktest_diag("connected and not serviced: \"%s\"", ack);
	KT_EXPECT(rest && !strcmp(rest, " refused frontend did not close"));
	KT_EXPECT(nft_wait(is_down, &ns, NFT_TIMEOUT_NS));
	netfront_get_stats(&st);
	KT_EXPECT(!ns.broken);
	KT_EXPECT_EQ(st.pages_held, 0);
	KT_EXPECT_EQ(st.grants_held, 0);
	KT_EXPECT(nft_use_mode("good", NULL, NULL) == 0);
	KT_EXPECT(nft_provoke_rx(1));
}
