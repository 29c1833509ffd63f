/*
 * Suite `netback_push` (host): netback pushes back on a frontend instead
 * of dropping what it cannot hand on (issue 8; netback_priv.h, rule
 * "Pushback").  What each test shows:
 *   stack_full_holds   with the stack's queue full, TX requests stay on
 *                      the ring unanswered and nothing is mapped for them;
 *                      once it drains they are all delivered, none lost
 *   stack_xmit_eagain  a frame of our stack to a vif with no RX buffer is
 *                      -EAGAIN (the stack retries), not counted dropped;
 *                      with a buffer posted it is delivered
 *   batch_per_run      a run of plain requests is mapped in one map_batch
 *                      call and unmapped in one unmap_batch call; a bad
 *                      request between two runs is refused on its own
 *   stack_staged       our stack's frames for a vif are copied in one
 *                      copy_batch call at the flush, answered in request
 *                      order, also when a vif's frame comes between
 *   vif_to_vif_batched another vif's frames are staged too: a round's
 *                      20 frames in two copy_batch calls (the stage holds
 *                      16) and one unmap_batch, in order, each byte right
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/netback_fake.h"

KTEST(netback_push, stack_full_holds)
{
	struct nbf *f = nbf_up();
	struct nb_vif *v;
	netif_tx_response_t r;
	unsigned int ok = 0;

	KT_ASSERT(f);
	v = f->fe[0].v;
	f->stack_room = 2;
	for (uint16_t id = 1; id <= 5; id++)
		nbf_tx(f, 0, f->nb.port_mac, 0, 60, 0, id);
	nbf_tx_publish(f, 0);
	v->kick = false;
	nbf_round(f);
	KT_EXPECT_EQ(f->stack_frames, 2);
	/* Three requests left on the ring, unconsumed, nothing held. */
	KT_EXPECT_EQ(f->fe[0].tx.sring->req_prod - v->tx.req_cons, 3);
	KT_EXPECT_EQ(f->mapped[0], 0);
	KT_EXPECT(v->tx_held);
	KT_EXPECT_EQ(v->st.tx_held, 1);
	/* No event will come for them: the next poll must look again. */
	KT_EXPECT(v->kick);
	while (nbf_tx_rsp(f, 0, &r))
		ok += r.status == NETIF_RSP_OKAY;
	KT_EXPECT_EQ(ok, 2);
	/* The stack drained: the rest go, every one OKAY, none dropped. */
	f->stack_room = SIZE_MAX;
	nbf_round(f);
	KT_EXPECT_EQ(f->stack_frames, 5);
	while (nbf_tx_rsp(f, 0, &r))
		ok += r.status == NETIF_RSP_OKAY;
	KT_EXPECT_EQ(ok, 5);
	KT_EXPECT(!v->tx_held);
	KT_EXPECT_EQ(v->st.rx_dropped, 0);
	KT_EXPECT_EQ(v->tx.req_cons, f->fe[0].tx.sring->req_prod);
	nbf_down(f);
}

KTEST(netback_push, stack_xmit_eagain)
{
	struct nbf *f = nbf_up();
	uint8_t frame[60] = {0};
	netif_tx_response_t r;
	netif_rx_response_t rr;

	KT_ASSERT(f);
	/* Vif 0 speaks first, so the switch knows where its MAC is. */
	nbf_tx(f, 0, f->nb.port_mac, 0, 60, 0, 1);
	nbf_tx_publish(f, 0);
	nbf_round(f);
	KT_ASSERT(nbf_tx_rsp(f, 0, &r) && r.status == NETIF_RSP_OKAY);
	memcpy(frame, f->fe[0].mac, ETH_ALEN);
	memcpy(frame + ETH_ALEN, f->nb.port_mac, ETH_ALEN);
	KT_EXPECT_EQ(nb_switch_from_stack(&f->nb, frame, sizeof(frame)),
		     -EAGAIN);
	KT_EXPECT_EQ(f->nb.st.stack_tx_dropped, 0);
	KT_EXPECT_EQ(f->fe[0].v->st.rx_dropped, 0);
	KT_EXPECT(!nbf_rx_rsp(f, 0, &rr));
	nbf_rx_post(f, 0, 1);
	KT_EXPECT_EQ(nb_switch_from_stack(&f->nb, frame, sizeof(frame)), 0);
	KT_EXPECT(nbf_rx_rsp(f, 0, &rr) && rr.status == sizeof(frame));
	nbf_down(f);
}

/* Batch ops over the fake's single ones, counting the calls (traps). */
static const struct nb_ops *single;
static unsigned int map_calls, unmap_calls, mapped_in_batches;

static unsigned int t_map_batch(domid_t dom, bool ro, const grant_ref_t *refs,
				struct gnttab_mapping **m, int *rcs,
				unsigned int n)
{
	unsigned int t;

	map_calls++;
	for (t = 0; t < n; t++) {
		rcs[t] = single->map(dom, refs[t], ro, m[t]);
		if (rcs[t] == -ENOSPC)
			break;
	}
	mapped_in_batches += t;
	return t;
}

static int t_unmap_batch(struct gnttab_mapping **m, int *rcs, unsigned int n)
{
	unmap_calls++;
	for (unsigned int i = 0; i < n; i++)
		rcs[i] = single->unmap(m[i]);
	return 0;
}

KTEST(netback_push, batch_per_run)
{
	static struct nb_ops ops;
	struct nbf *f = nbf_up();
	netif_tx_response_t r;
	unsigned int ok = 0, err = 0;

	KT_ASSERT(f);
	single = f->nb.ops;
	ops = *single;
	ops.map_batch = t_map_batch;
	ops.unmap_batch = t_unmap_batch;
	f->nb.ops = &ops;
	map_calls = unmap_calls = mapped_in_batches = 0;
	for (uint16_t id = 1; id <= 11; id++)
		nbf_tx(f, 0, f->nb.port_mac, 0, id == 6 ? 0 : 60, 0, id);
	nbf_tx_publish(f, 0);
	nbf_round(f);
	KT_EXPECT_EQ(map_calls, 2);
	KT_EXPECT_EQ(unmap_calls, 2);
	KT_EXPECT_EQ(mapped_in_batches, 10);
	KT_EXPECT_EQ(f->stack_frames, 10);
	while (nbf_tx_rsp(f, 0, &r)) {
		ok += r.status == NETIF_RSP_OKAY;
		err += r.status == NETIF_RSP_ERROR && r.id == 6;
	}
	KT_EXPECT_EQ(ok, 10);
	KT_EXPECT_EQ(err, 1);
	KT_EXPECT_EQ(f->mapped[0], 0);
	f->nb.ops = single;
	nbf_down(f);
}

static unsigned int copy_calls;

static void t_copy_batch(const struct nb_copy *c, int *rcs, unsigned int n)
{
	copy_calls++;
	for (unsigned int i = 0; i < n; i++)
		rcs[i] =
		    single->copy_to(c[i].dom, c[i].ref, c[i].src, c[i].len);
}

/* A frame of our stack to vif `i`'s MAC, `len` bytes of `fill`. */
static int stack_to(struct nbf *f, unsigned int i, size_t len, uint8_t fill)
{
	uint8_t frame[ETH_FRAME_MAX];

	memset(frame, fill, len);
	memcpy(frame, f->fe[i].mac, ETH_ALEN);
	memcpy(frame + ETH_ALEN, f->nb.port_mac, ETH_ALEN);
	return nb_switch_from_stack(&f->nb, frame, len);
}

/* The fake with a stage and counting batch ops (copy, unmap). */
static struct nb_ops staged_ops;
static uint8_t *stage;

static struct nbf *staged_up(void)
{
	struct nbf *f = nbf_up();

	stage = mm_page_alloc(3);
	if (!f || !stage)
		return NULL;
	single = f->nb.ops;
	staged_ops = *single;
	staged_ops.copy_batch = t_copy_batch;
	staged_ops.unmap_batch = t_unmap_batch;
	f->nb.ops = &staged_ops;
	f->nb.stage_buf = stage;
	copy_calls = unmap_calls = 0;
	return f;
}

static void staged_down(struct nbf *f)
{
	f->nb.ops = single;
	f->nb.stage_buf = NULL;
	mm_page_free(stage, 3);
	nbf_down(f);
}

KTEST(netback_push, stack_staged)
{
	struct nbf *f = staged_up();
	netif_tx_response_t r;
	netif_rx_response_t rr;

	KT_ASSERT(f);
	/* Vifs 0 and 1 speak first: the switch learns their MACs. */
	for (unsigned int i = 0; i < 2; i++) {
		nbf_tx(f, i, f->nb.port_mac, 0, 60, 0, 1);
		nbf_tx_publish(f, i);
	}
	nbf_round(f);
	nbf_rx_post(f, 0, 8);
	KT_EXPECT_EQ(stack_to(f, 0, 100, 0xa1), 0);
	KT_EXPECT_EQ(stack_to(f, 0, 200, 0xa2), 0);
	KT_EXPECT(!nbf_rx_rsp(f, 0, &rr)); /* staged, not sent yet */
	/* Vif 1's frame to vif 0 comes between: the staged ones first. */
	nbf_tx(f, 1, f->fe[0].mac, 0, 300, 0, 2);
	nbf_tx_publish(f, 1);
	nbf_round(f); /* queued for vif 0, whose turn came first */
	nbf_round(f); /* delivered */
	KT_EXPECT_EQ(stack_to(f, 0, 400, 0xa4), 0);
	nb_rx_flush(&f->nb);
	KT_EXPECT_EQ(copy_calls, 2);
	for (int16_t want = 100; want <= 400; want += 100) {
		KT_ASSERT(nbf_rx_rsp(f, 0, &rr));
		KT_EXPECT_EQ(rr.status, want);
		/* In ring order: the buffer of this slot holds this frame. */
		KT_EXPECT_EQ(
		    ((uint8_t *)f->fe[0]
			 .page[NBF_REFS / 2 + want / 100 - 1])[ETH_HLEN],
		    want == 300 ? 2 : 0xa0 + want / 100);
	}
	KT_EXPECT(!nbf_rx_rsp(f, 0, &rr));
	/* With no buffer left the stack is pushed back, nothing staged. */
	KT_EXPECT_EQ(f->fe[0].v->rx.req_cons, 4);
	for (unsigned int k = 4; k < 8; k++)
		KT_EXPECT_EQ(stack_to(f, 0, 60, 0), 0);
	KT_EXPECT_EQ(stack_to(f, 0, 60, 0), -EAGAIN);
	KT_EXPECT_EQ(f->nb.nr_staged, 4);
	nb_rx_purge(&f->nb, f->fe[0].v); /* its ring goes: nothing answered */
	nb_rx_flush(&f->nb);
	KT_EXPECT(!nbf_rx_rsp(f, 0, &rr));
	while (nbf_tx_rsp(f, 1, &r))
		;
	staged_down(f);
}

KTEST(netback_push, vif_to_vif_batched)
{
	struct nbf *f = staged_up();
	netif_tx_response_t r;
	netif_rx_response_t rr;
	unsigned int ok = 0;

	KT_ASSERT(f);
	/* Vif 0 speaks first: the switch learns its MAC. */
	nbf_tx(f, 0, f->nb.port_mac, 0, 60, 0, 1);
	nbf_tx_publish(f, 0);
	nbf_round(f);
	while (nbf_tx_rsp(f, 0, &r))
		;
	nbf_rx_post(f, 0, 24);
	for (uint16_t id = 1; id <= 20; id++)
		nbf_tx(f, 1, f->fe[0].mac, 0, (uint16_t)(60 + 50 * id), 0, id);
	nbf_tx_publish(f, 1);
	copy_calls = unmap_calls = 0;
	nbf_round(f); /* vif 1's TX round queues them for vif 0 */
	nbf_round(f); /* vif 0's RX round delivers them */
	KT_EXPECT_EQ(copy_calls, 2);
	KT_EXPECT_EQ(unmap_calls, 1);
	for (uint16_t id = 1; id <= 20; id++) {
		const uint8_t *p = f->fe[0].page[NBF_REFS / 2 + id - 1];

		KT_ASSERT(nbf_rx_rsp(f, 0, &rr));
		KT_EXPECT_EQ(rr.status, 60 + 50 * id);
		KT_EXPECT(!memcmp(p, f->fe[0].mac, ETH_ALEN));
		KT_EXPECT(p[ETH_HLEN] == id && p[59 + 50 * id] == id);
	}
	KT_EXPECT(!nbf_rx_rsp(f, 0, &rr));
	while (nbf_tx_rsp(f, 1, &r))
		ok += r.status == NETIF_RSP_OKAY;
	KT_EXPECT_EQ(ok, 20);
	KT_EXPECT_EQ(f->fe[1].v->st.to_vif, 20);
	KT_EXPECT_EQ(f->mapped[1], 0);
	staged_down(f);
}
