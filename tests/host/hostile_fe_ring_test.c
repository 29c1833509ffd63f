/*
 * Suite `hostile_fe_ring` (host): the hostile frontend's pure parts
 * (tests/guest/hostile_fe_ring.c) over a ring in plain memory, the test
 * playing the backend: the mode list, the flood's distinct-reference
 * cycle filling the ring to the last slot, chains, the producer jump, and
 * a backend's nonsense read safely.  Also the phase names (dd_phase.h).
 */
#include "kernel/ktest.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/dd_phase.h"
#include "tests/guest/hostile_fe.h"

static uint8_t page[PAGE_SIZE] __aligned(PAGE_SIZE);
static struct hfe_tx tx;
static struct hfe_flood fl;
static netif_tx_back_ring_t back;

static void setup(void)
{
	memset(page, 0, sizeof(page));
	hfe_tx_init(&tx, page);
	BACK_RING_INIT(&back, (netif_tx_sring_t *)page, PAGE_SIZE);
}

/* The backend takes up to `n` requests and answers each with `status`. */
static unsigned int backend_answer(unsigned int n, int16_t status)
{
	unsigned int done = 0;
	RING_IDX prod = back.sring->req_prod;

	while (done < n && back.req_cons != prod) {
		netif_tx_request_t r;
		netif_tx_response_t *rsp;

		RING_COPY_REQUEST(&back, back.req_cons, &r);
		back.req_cons++;
		rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
		rsp->id = r.id;
		rsp->status = status;
		back.rsp_prod_pvt++;
		done++;
	}
	RING_PUSH_RESPONSES(&back);
	return done;
}

KTEST(hostile_fe_ring, parse_modes)
{
	static const char *const bad[] = {
	    "",	     ",",      "flood,", ",flood", "flood,,norx",
	    "Flood", "flood ", "floodx", "nor",	   "flood;norx",
	};
	uint8_t m[HFE_MAX_VIFS];

	KT_EXPECT_EQ(hfe_parse_modes("flood", m, HFE_MAX_VIFS), 1);
	KT_EXPECT_EQ(m[0], HFE_FLOOD);
	KT_EXPECT_EQ(hfe_parse_modes("norx,flood,badref,badsize,multislot,"
				     "prodjump,storm,closemid",
				     m, HFE_MAX_VIFS),
		     8);
	KT_EXPECT(m[0] == HFE_NORX && m[1] == HFE_FLOOD &&
		  m[7] == HFE_CLOSEMID);
	for (unsigned int i = 0; i < HFE_MODE_COUNT; i++)
		KT_EXPECT_EQ(hfe_parse_modes(hfe_mode_name(i), m, 1), 1);
	/* The same mode twice: two vifs attacking alike. */
	KT_EXPECT_EQ(hfe_parse_modes("storm,storm", m, HFE_MAX_VIFS), 2);
	KT_EXPECT_EQ(hfe_parse_modes("storm,storm,storm", m, 2), -EINVAL);
	KT_EXPECT_EQ(hfe_parse_modes(NULL, m, HFE_MAX_VIFS), -EINVAL);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		KT_EXPECT_EQ(hfe_parse_modes(bad[i], m, HFE_MAX_VIFS), -EINVAL);
	KT_EXPECT(!strcmp(hfe_mode_name(HFE_MODE_COUNT), "?"));
}

KTEST(hostile_fe_ring, phase_names)
{
	KT_EXPECT_EQ(dd_phase_parse("connect", 7), DD_CONNECT);
	KT_EXPECT_EQ(dd_phase_parse("flood", 5), DD_FLOOD);
	KT_EXPECT_EQ(dd_phase_parse("done", 4), DD_DONE);
	/* Exactly the name: no prefix, no trailing bytes, no NUL inside. */
	KT_EXPECT_EQ(dd_phase_parse("floo", 4), DD_BAD);
	KT_EXPECT_EQ(dd_phase_parse("flood\n", 6), DD_BAD);
	KT_EXPECT_EQ(dd_phase_parse("flood\0x", 7), DD_BAD);
	KT_EXPECT_EQ(dd_phase_parse("none", 4), DD_BAD);
	KT_EXPECT(DD_CONNECT < DD_BASELINE && DD_FLOOD < DD_AFTER &&
		  DD_AFTER < DD_DONE);
}

KTEST(hostile_fe_ring, flood_fills_with_distinct_refs)
{
	unsigned int n;

	setup();
	memset(&fl, 0, sizeof(fl));
	fl.nrefs = 1024;
	for (unsigned int i = 0; i < fl.nrefs; i++)
		fl.refs[i] = 5000 + i;
	/* The whole ring, one request per slot, each its own reference. */
	n = hfe_flood_fill(&tx, &fl, 1514);
	KT_EXPECT_EQ(n, HFE_TX_RING_SIZE);
	KT_EXPECT_EQ(fl.ring_full, 1);
	KT_EXPECT(hfe_tx_push(&tx));
	KT_EXPECT_EQ(back.sring->req_prod, HFE_TX_RING_SIZE);
	for (unsigned int i = 0; i < HFE_TX_RING_SIZE; i++) {
		netif_tx_request_t *r = RING_GET_REQUEST(&back, i);

		KT_EXPECT_EQ(r->gref, 5000 + i);
		KT_EXPECT_EQ(r->id, i);
		KT_EXPECT_EQ(r->size, 1514);
		KT_EXPECT_EQ(r->flags, 0);
	}
	/* Full: nothing more until the backend answers. */
	KT_EXPECT_EQ(hfe_flood_fill(&tx, &fl, 1514), 0);
	/* Answers free slots, refilled with the next references. */
	KT_EXPECT_EQ(backend_answer(100, NETIF_RSP_OKAY), 100);
	KT_EXPECT_EQ(hfe_tx_reap(&tx, 1, NULL, NULL), 100);
	KT_EXPECT_EQ(hfe_flood_fill(&tx, &fl, 1514), 100);
	hfe_tx_push(&tx);
	KT_EXPECT_EQ(RING_GET_REQUEST(&back, HFE_TX_RING_SIZE)->gref,
		     5000 + HFE_TX_RING_SIZE);
	KT_EXPECT_EQ(RING_GET_REQUEST(&back, HFE_TX_RING_SIZE)->id, 0);
	/* Round after round: every reference goes out, then the cycle wraps. */
	for (int round = 0; round < 12; round++) {
		backend_answer(HFE_TX_RING_SIZE, NETIF_RSP_ERROR);
		hfe_tx_reap(&tx, 2, NULL, NULL);
		hfe_flood_fill(&tx, &fl, 1514);
		hfe_tx_push(&tx);
	}
	KT_EXPECT_EQ(fl.distinct, 1024);
	KT_EXPECT(fl.posted > 1024);
	KT_EXPECT_EQ(fl.posted, tx.posted);
	KT_EXPECT_EQ(tx.okay, 100);
	KT_EXPECT_EQ(tx.error, tx.answered - 100);
	KT_EXPECT_EQ(hfe_tx_inflight(&tx), HFE_TX_RING_SIZE);
	/* The first 1024 requests carried 1024 different references. */
	KT_EXPECT_EQ(fl.distinct, MIN(fl.posted, (uint64_t)fl.nrefs));
}

KTEST(hostile_fe_ring, chain_layout)
{
	grant_ref_t refs[3] = {11, 12, 13};
	uint16_t id;

	setup();
	KT_EXPECT_EQ(hfe_tx_post_chain(&tx, refs, 3, 300, 100, &id), 0);
	KT_EXPECT_EQ(id, 0);
	hfe_tx_push(&tx);
	KT_EXPECT_EQ(RING_GET_REQUEST(&back, 0)->flags, NETTXF_more_data);
	KT_EXPECT_EQ(RING_GET_REQUEST(&back, 0)->size, 300);
	KT_EXPECT_EQ(RING_GET_REQUEST(&back, 1)->flags, NETTXF_more_data);
	KT_EXPECT_EQ(RING_GET_REQUEST(&back, 1)->size, 100);
	KT_EXPECT_EQ(RING_GET_REQUEST(&back, 2)->flags, 0);
	KT_EXPECT_EQ(RING_GET_REQUEST(&back, 2)->gref, 13);
	/* Inconsistent chains are not what this mode sends. */
	KT_EXPECT_EQ(hfe_tx_post_chain(&tx, refs, 1, 300, 100, &id), -EINVAL);
	KT_EXPECT_EQ(hfe_tx_post_chain(&tx, refs, 3, 200, 100, &id), -EINVAL);
	/* No room for the whole chain: nothing written. */
	for (unsigned int i = 3; i < HFE_TX_RING_SIZE - 1; i++)
		KT_ASSERT(hfe_tx_post(&tx, 1, 0, 60, 0, NULL) == 0);
	KT_EXPECT_EQ(hfe_tx_post_chain(&tx, refs, 2, 200, 100, &id), -ENOSPC);
	KT_EXPECT_EQ(hfe_tx_free(&tx), 1);
}

KTEST(hostile_fe_ring, prod_jump)
{
	uint16_t id;

	setup();
	KT_ASSERT(hfe_tx_post(&tx, 7, 0, 60, 0, &id) == 0);
	hfe_tx_jump(&tx, 2 * HFE_TX_RING_SIZE + 7);
	/* What the backend sees: more requests than a ring can hold. */
	KT_EXPECT(back.sring->req_prod - back.req_cons > HFE_TX_RING_SIZE);
	KT_EXPECT(RING_REQUEST_PROD_OVERFLOW(&back, back.sring->req_prod));
	/* Nothing more is written after the jump. */
	KT_EXPECT_EQ(hfe_tx_free(&tx), 0);
	KT_EXPECT_EQ(hfe_tx_post(&tx, 7, 0, 60, 0, &id), -ENOSPC);
	KT_EXPECT_EQ(tx.real_prod, 1);
}

KTEST(hostile_fe_ring, hostile_responses)
{
	setup();
	for (unsigned int i = 0; i < 4; i++)
		KT_ASSERT(hfe_tx_post(&tx, 1, 0, 60, 0, NULL) == 0);
	hfe_tx_push(&tx);
	backend_answer(2, NETIF_RSP_OKAY);
	/* An id outside the ring is counted, never used as an index. */
	RING_GET_RESPONSE(&back, 1)->id = 0xffff;
	KT_EXPECT_EQ(hfe_tx_reap(&tx, 1, NULL, NULL), 2);
	KT_EXPECT_EQ(tx.bad_id, 1);
	KT_EXPECT_EQ(tx.okay, 1);
	KT_EXPECT_EQ(tx.status[0], NETIF_RSP_OKAY);
	/* A producer past what we posted: nothing read, the ring is dead. */
	back.sring->rsp_prod = 2 + 3;
	KT_EXPECT_EQ(hfe_tx_reap(&tx, 2, NULL, NULL), 0);
	KT_EXPECT_EQ(tx.prod_bad, 1);
	KT_EXPECT(tx.dead);
	KT_EXPECT_EQ(tx.ring.rsp_cons, 2);
	KT_EXPECT_EQ(hfe_tx_free(&tx), 0);
	/* A backend status outside NETIF_RSP_*: counted as other. */
	setup();
	KT_ASSERT(hfe_tx_post(&tx, 1, 0, 60, 0, NULL) == 0);
	hfe_tx_push(&tx);
	backend_answer(1, 77);
	KT_EXPECT_EQ(hfe_tx_reap(&tx, 3, NULL, NULL), 1);
	KT_EXPECT_EQ(tx.other, 1);
	KT_EXPECT_EQ(tx.last_rsp_ns, 3);
}

KTEST(hostile_fe_ring, frame)
{
	static const uint8_t dst[6] = {0, 0x16, 0x3e, 0xdd, 1, 6};
	static const uint8_t src[6] = {0, 0x16, 0x3e, 0xdd, 1, 0};
	uint8_t f[64];

	memset(f, 0xee, sizeof(f));
	hfe_frame(f, 60, dst, src, 3);
	KT_EXPECT(!memcmp(f, dst, 6) && !memcmp(f + 6, src, 6));
	KT_EXPECT(f[12] == 0x88 && f[13] == 0xb5);
	KT_EXPECT_EQ(f[14], (uint8_t)(3 + 14));
	KT_EXPECT_EQ(f[60], 0xee);
}
