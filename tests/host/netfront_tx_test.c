/*
 * Suite `netfront_tx` (host): the id allocator and the TX path of
 * drivers/netfront/netfront_*.c against the fake netback of netfront_fake.c,
 * which answers as a correct or a hostile backend would.  Deterministic
 * versions of the guest's msa00.*, msa01.tx_page_zeroed and netfront.prod_*
 * tests; on a BUGGY=msa00 / BUGGY=msa01-zero build the matching tests here fail
 * too.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/errno.h"
#include "tests/host/netfront_fake.h"

#define RING NETFRONT_TX_RING_SIZE

static uint8_t frame[2048];

static int send(struct nf_fake *f, size_t len, uint8_t fill)
{
	memset(frame, fill, len);
	return netfront_tx(&f->nf, frame, len);
}

KTEST(netfront_tx, ids_unique_fifo)
{
	static struct netfront_ids ids;
	static bool seen[NETFRONT_MAX_IDS];
	int id, first;

	netfront_ids_init(&ids, RING);
	KT_EXPECT_EQ(netfront_id_check(&ids, 3), NETFRONT_ERR_STALE_ID);
	for (unsigned int i = 0; i < RING; i++) {
		id = netfront_id_alloc(&ids);
		KT_ASSERT(id >= 0 && id < (int)RING);
		KT_EXPECT(!seen[id]); /* MSA00: never two owners */
		seen[id] = true;
		KT_EXPECT_EQ(netfront_id_check(&ids, id), NETFRONT_ERR_NONE);
	}
	KT_EXPECT_EQ(netfront_id_alloc(&ids), -ENOSPC);
	KT_EXPECT_EQ(netfront_id_check(&ids, RING), NETFRONT_ERR_BAD_ID);
	KT_EXPECT_EQ(netfront_id_check(&ids, 0xffff), NETFRONT_ERR_BAD_ID);
	/* Freed 5 then 9: handed out again in that order, last. */
	netfront_id_release(&ids, 5);
	netfront_id_release(&ids, 9);
	KT_EXPECT_EQ(netfront_id_check(&ids, 5), NETFRONT_ERR_DUP_ID);
	first = netfront_id_alloc(&ids);
	KT_EXPECT_EQ(first, 5);
	KT_EXPECT_EQ(netfront_id_alloc(&ids), 9);
	KT_EXPECT_EQ(netfront_id_alloc(&ids), -ENOSPC);
}

KTEST(netfront_tx, roundtrip)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t req;
	void *page;

	KT_ASSERT(f);
	KT_EXPECT_EQ(send(f, 60, 0xab), 0);
	KT_ASSERT(nf_fake_tx_take(f, &req));
	KT_EXPECT_EQ(req.size, 60);
	KT_EXPECT_EQ(req.offset, 0);
	KT_EXPECT_EQ(req.flags, NETTXF_data_validated);
	page = nf_fake_page(f, req.gref);
	KT_ASSERT(page);
	KT_EXPECT(f->g[req.gref].readonly);
	KT_EXPECT(nf_fake_all(page, 60, 0xab));
	KT_EXPECT_EQ(f->nf.st.tx_inflight, 1);
	nf_fake_tx_answer(f, req.id, NETIF_RSP_OKAY);
	nf_fake_tx_push(f);
	KT_EXPECT(netfront_work(&f->nf));
	KT_EXPECT(!netfront_work(&f->nf)); /* nothing new: spurious */
	KT_EXPECT_EQ(f->nf.st.tx_packets, 1);
	KT_EXPECT_EQ(f->nf.st.tx_bytes, 60);
	KT_EXPECT_EQ(f->nf.st.tx_inflight, 0);
	KT_EXPECT(netfront_pool_has(&f->nf, page));
	KT_EXPECT(!f->nf.state.broken);
	KT_EXPECT_EQ(send(f, 0, 0), -EINVAL);
	KT_EXPECT_EQ(send(f, 1515, 0), -EINVAL);
	nf_fake_down(f);
}

/* Test observer: an id may not be pushed while it is in flight. */
static struct {
	bool inflight[NETFRONT_MAX_IDS];
	unsigned int pushes, reuses_in_flight, bad_done, max_inflight, now;
} obs;

static void obs_push(void *arg, uint16_t id, const void *page, size_t len)
{
	obs.pushes++;
	if (obs.inflight[id])
		obs.reuses_in_flight++;
	obs.inflight[id] = true;
	obs.now++;
	obs.max_inflight = MAX(obs.max_inflight, obs.now);
}

static void obs_done(void *arg, uint16_t id, int16_t status)
{
	if (!obs.inflight[id])
		obs.bad_done++;
	obs.inflight[id] = false;
	obs.now--;
}

KTEST(netfront_tx, ids_unique_under_load)
{
	struct nf_fake *f = nf_fake_up();
	unsigned int answered = 0, round;
	netif_tx_request_t req;
	uint32_t rnd = 12345;

	KT_ASSERT(f);
	memset(&obs, 0, sizeof(obs));
	f->nf.hooks.tx_push = obs_push;
	f->nf.hooks.tx_done = obs_done;
	/* 12 rounds: fill the ring, answer a random part out of order. */
	for (round = 0; round < 12; round++) {
		while (send(f, 64, (uint8_t)round) == 0)
			;
		KT_EXPECT(RING_FULL(&f->nf.tx));
		while (nf_fake_tx_take(f, &req)) {
			rnd = rnd * 1103515245 + 12345;
			/* Answer backwards-ish: ids in any order are fine. */
			nf_fake_tx_answer(f, req.id, NETIF_RSP_OKAY);
			answered++;
			if ((rnd >> 16) % 7 == 0)
				nf_fake_tx_push(f);
		}
		nf_fake_tx_push(f);
		netfront_work(&f->nf);
	}
	KT_EXPECT(obs.pushes >= 10 * RING);
	KT_EXPECT_EQ(obs.reuses_in_flight, 0);
	KT_EXPECT_EQ(obs.bad_done, 0);
	KT_EXPECT_EQ(obs.max_inflight, RING);
	KT_EXPECT_EQ(f->nf.st.tx_packets, answered);
	KT_EXPECT(f->nf.st.tx_busy >= 12);
	KT_EXPECT(!f->nf.state.broken);
	nf_fake_down(f);
}

KTEST(netfront_tx, page_zeroed_on_reuse)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t req;
	uint8_t *page;

	KT_ASSERT(f);
	/* A full frame of canary bytes, completed: its page is pooled. */
	KT_EXPECT_EQ(send(f, 1514, 0xc5), 0);
	nf_fake_tx_serve(f);
	netfront_work(&f->nf);
	KT_ASSERT(netfront_pool_poison(&f->nf, 0xc5) >= 1);
	/* A short frame through the same pool page. */
	KT_EXPECT_EQ(send(f, 42, 0x11), 0);
	KT_ASSERT(nf_fake_tx_take(f, &req));
	page = nf_fake_page(f, req.gref);
	KT_ASSERT(page);
	KT_EXPECT(nf_fake_all(page, 42, 0x11));
	/* MSA01: nothing but this frame and zeros reaches the backend. */
	KT_EXPECT(nf_fake_all(page + 42, PAGE_SIZE - 42, 0));
	nf_fake_tx_answer(f, req.id, NETIF_RSP_OKAY);
	nf_fake_tx_push(f);
	netfront_work(&f->nf);
	nf_fake_down(f);
}

/* Send one frame and take its request; the request's id. */
static int send_take(struct nf_fake *f, netif_tx_request_t *req)
{
	if (send(f, 60, 0x42) || !nf_fake_tx_take(f, req))
		return -1;
	return req->id;
}

KTEST(netfront_tx, dup_id_rejected)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t a, b;
	uint32_t pages, grants;

	KT_ASSERT(f);
	KT_ASSERT(send_take(f, &a) >= 0);
	nf_fake_tx_answer(f, a.id, NETIF_RSP_OKAY);
	nf_fake_tx_push(f);
	netfront_work(&f->nf);
	KT_ASSERT(send_take(f, &b) >= 0);
	KT_EXPECT_NE(a.id, b.id);
	pages = f->nf.st.pages_held;
	grants = f->nf.st.grants_held;
	/* The 2nd packet answered with the 1st one's id. */
	nf_fake_tx_answer(f, a.id, NETIF_RSP_OKAY);
	nf_fake_tx_push(f);
	netfront_work(&f->nf);
	KT_EXPECT(f->nf.state.broken);
	KT_EXPECT_EQ(f->nf.state.broken_kind, NETFRONT_ERR_DUP_ID);
	KT_EXPECT_EQ(f->nf.st.proto_errors[NETFRONT_ERR_DUP_ID], 1);
	/* MSA00: no buffer changed hands; b's page is still granted. */
	KT_EXPECT_EQ(f->nf.st.pages_held, pages);
	KT_EXPECT_EQ(f->nf.st.grants_held, grants);
	KT_EXPECT_EQ(f->nf.st.tx_inflight, 1);
	KT_EXPECT(nf_fake_page(f, b.gref) != NULL);
	KT_EXPECT_EQ(f->nf.st.tx_packets, 1);
	/* Broken: no more sending, no more ring processing. */
	KT_EXPECT(send(f, 60, 0) < 0);
	nf_fake_tx_answer(f, b.id, NETIF_RSP_OKAY);
	nf_fake_tx_push(f);
	KT_EXPECT(!netfront_work(&f->nf));
	KT_EXPECT_EQ(f->nf.st.tx_packets, 1);
	nf_fake_down(f);
	KT_EXPECT_EQ(f->nf.st.tx_dropped, 1);
}

/* One frame answered with `id` / `status`: the kind of error seen. */
static enum netfront_err answer_as(uint16_t id, int16_t status, bool use_id)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t req;
	enum netfront_err kind;

	if (!f || send_take(f, &req) < 0)
		return NETFRONT_ERR_COUNT;
	nf_fake_tx_answer(f, use_id ? id : req.id, status);
	nf_fake_tx_push(f);
	netfront_work(&f->nf);
	kind = f->nf.state.broken ? f->nf.state.broken_kind : NETFRONT_ERR_NONE;
	if (f->nf.state.broken && f->nf.st.tx_inflight != 1)
		kind = NETFRONT_ERR_COUNT; /* a buffer changed hands */
	nf_fake_down(f);
	return kind;
}

KTEST(netfront_tx, stale_and_bad_ids_rejected)
{
	KT_EXPECT_EQ(answer_as(128, 0, true), NETFRONT_ERR_STALE_ID);
	KT_EXPECT_EQ(answer_as(RING, 0, true), NETFRONT_ERR_BAD_ID);
	KT_EXPECT_EQ(answer_as(0xffff, 0, true), NETFRONT_ERR_BAD_ID);
}

KTEST(netfront_tx, status_checked)
{
	KT_EXPECT_EQ(answer_as(0, NETIF_RSP_OKAY, false), NETFRONT_ERR_NONE);
	KT_EXPECT_EQ(answer_as(0, NETIF_RSP_ERROR, false), NETFRONT_ERR_NONE);
	KT_EXPECT_EQ(answer_as(0, NETIF_RSP_DROPPED, false), NETFRONT_ERR_NONE);
	/* NULL answers extra-info slots, and we send none. */
	KT_EXPECT_EQ(answer_as(0, NETIF_RSP_NULL, false),
		     NETFRONT_ERR_BAD_STATUS);
	KT_EXPECT_EQ(answer_as(0, 0x5a5a, false), NETFRONT_ERR_BAD_STATUS);
	KT_EXPECT_EQ(answer_as(0, -3, false), NETFRONT_ERR_BAD_STATUS);
}

/* Publish rsp_prod = `prod` raw, as a hostile backend can. */
static void set_prod(struct nf_fake *f, RING_IDX prod)
{
	wmb();
	f->nf.tx.sring->rsp_prod = prod;
}

KTEST(netfront_tx, prod_overflow_detected)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t req;

	KT_ASSERT(f);
	KT_ASSERT(send_take(f, &req) >= 0);
	nf_fake_tx_answer(f, req.id, NETIF_RSP_OKAY);
	/* More than a whole ring of answers (hostile-netback prod-jump). */
	set_prod(f, f->btx.rsp_prod_pvt + RING + 1);
	netfront_work(&f->nf);
	KT_EXPECT(f->nf.state.broken);
	KT_EXPECT_EQ(f->nf.state.broken_kind, NETFRONT_ERR_PROD_OVERFLOW);
	KT_EXPECT_EQ(f->nf.st.tx_inflight, 1);
	nf_fake_down(f);
	/* Within a ring, but more answers than requests. */
	f = nf_fake_up();
	KT_ASSERT(f);
	KT_ASSERT(send_take(f, &req) >= 0);
	nf_fake_tx_answer(f, req.id, NETIF_RSP_OKAY);
	set_prod(f, 2);
	netfront_work(&f->nf);
	KT_EXPECT_EQ(f->nf.state.broken_kind, NETFRONT_ERR_PROD_OVERFLOW);
	KT_EXPECT_EQ(f->nf.st.tx_packets, 0);
	nf_fake_down(f);
}

KTEST(netfront_tx, prod_rewind_detected)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t req;

	KT_ASSERT(f);
	KT_ASSERT(send_take(f, &req) >= 0);
	nf_fake_tx_answer(f, req.id, NETIF_RSP_OKAY);
	nf_fake_tx_push(f);
	netfront_work(&f->nf);
	KT_EXPECT_EQ(f->nf.st.tx_packets, 1);
	KT_ASSERT(send_take(f, &req) >= 0);
	/* One below what was already published and consumed. */
	set_prod(f, 0);
	netfront_work(&f->nf);
	KT_EXPECT(f->nf.state.broken);
	KT_EXPECT_EQ(f->nf.state.broken_kind, NETFRONT_ERR_PROD_REWIND);
	KT_EXPECT_EQ(f->nf.st.tx_inflight, 1);
	nf_fake_down(f);
}

KTEST(netfront_tx, grant_held_quarantined)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t req;
	uint32_t grants;
	void *page;

	KT_ASSERT(f);
	grants = f->nf.st.grants_held;
	KT_ASSERT(send_take(f, &req) >= 0);
	page = nf_fake_page(f, req.gref);
	/* OKAY while the backend still maps the page (hold-tx-grant). */
	nf_fake_map(f, req.gref, true);
	nf_fake_tx_answer(f, req.id, NETIF_RSP_OKAY);
	nf_fake_tx_push(f);
	netfront_work(&f->nf);
	/* Issue 9: answered while still mapped breaks the device. */
	KT_EXPECT(f->nf.state.broken);
	KT_EXPECT_EQ(f->nf.state.broken_kind, NETFRONT_ERR_STILL_MAPPED);
	/* MSA02: neither reused nor freed, and counted. */
	KT_EXPECT(!netfront_pool_has(&f->nf, page));
	KT_EXPECT(f->g[req.gref].quarantined);
	KT_EXPECT_EQ(f->nf.st.quarantined_pages, 1);
	KT_EXPECT_EQ(f->nf.st.grants_held, grants);
	/* And nothing more goes out to that backend. */
	KT_EXPECT(send(f, 60, 1) < 0);
	nf_fake_down(f);
}

KTEST(netfront_tx, held_answers_stop_at_the_first)
{
	struct nf_fake *f = nf_fake_up();
	netif_tx_request_t req[2];

	KT_ASSERT(f);
	/* Two frames answered OKAY in one batch, both still mapped. */
	KT_ASSERT(send_take(f, &req[0]) >= 0);
	KT_ASSERT(send_take(f, &req[1]) >= 0);
	nf_fake_map(f, req[0].gref, true);
	nf_fake_map(f, req[1].gref, true);
	nf_fake_tx_answer(f, req[0].id, NETIF_RSP_OKAY);
	nf_fake_tx_answer(f, req[1].id, NETIF_RSP_OKAY);
	nf_fake_tx_push(f);
	netfront_work(&f->nf);
	/* The first breaks the device; the second is not even taken. */
	KT_EXPECT(f->nf.state.broken);
	KT_EXPECT_EQ(f->nf.st.quarantined_pages, 1);
	KT_EXPECT_EQ(f->nf.st.tx_inflight, 1);
	nf_fake_down(f);
}

KTEST(netfront_tx, grant_refused)
{
	struct nf_fake *f = nf_fake_up();

	KT_ASSERT(f);
	f->grant_fail_after = f->grants_now;
	KT_EXPECT_EQ(send(f, 60, 1), -EAGAIN);
	KT_EXPECT_EQ(f->nf.st.grant_fails, 1);
	KT_EXPECT_EQ(f->nf.st.tx_inflight, 0);
	f->grant_fail_after = 0;
	KT_EXPECT_EQ(send(f, 60, 1), 0);
	nf_fake_down(f);
	KT_EXPECT_EQ(f->nf.st.tx_dropped, 1);
}
