/*
 * The fake netback of tests/host/netfront_fake.h: a grant table in an
 * array, the backend's ring halves, and an end of life that checks the
 * driver gave everything back.
 */
#include "tests/host/netfront_fake.h"
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/errno.h"

static struct nf_fake fake;

static struct nf_fake_grant *grant_of(struct nf_fake *f, grant_ref_t ref)
{
	if (ref < NF_FAKE_REF_BASE || ref >= NF_FAKE_REFS || !f->g[ref].used)
		return NULL;
	return &f->g[ref];
}

static int f_grant(void *ctx, void *page, bool ro, grant_ref_t *ref)
{
	struct nf_fake *f = ctx;

	if (f->grant_fail_after && f->grants_now >= f->grant_fail_after)
		return -ENOSPC;
	for (grant_ref_t r = NF_FAKE_REF_BASE; r < NF_FAKE_REFS; r++) {
		if (f->g[r].used)
			continue;
		f->g[r] = (struct nf_fake_grant){
		    .page = page, .used = true, .readonly = ro};
		f->grants_now++;
		*ref = r;
		return 0;
	}
	return -ENOSPC;
}

static int f_end(void *ctx, grant_ref_t ref)
{
	struct nf_fake *f = ctx;
	struct nf_fake_grant *g = grant_of(f, ref);

	if (!g || g->quarantined)
		return -EINVAL;
	if (g->mapped)
		return -EBUSY;
	g->used = false;
	f->grants_now--;
	return 0;
}

static int f_end_and_free(void *ctx, grant_ref_t ref, void *page)
{
	struct nf_fake *f = ctx;
	struct nf_fake_grant *g = grant_of(f, ref);

	if (!g || g->quarantined || g->page != page)
		return -EINVAL;
	if (g->mapped) {
		/* As gnttab's quarantine: neither page nor ref reused. */
		g->quarantined = true;
		f->quarantined_now++;
		return -EBUSY;
	}
	g->used = false;
	f->grants_now--;
	mm_page_free(page, 0);
	return 0;
}

static void f_notify(void *ctx)
{
	((struct nf_fake *)ctx)->notifies++;
}

static void f_deliver(void *ctx, const void *frame, size_t len,
		      unsigned int flags)
{
	struct nf_fake *f = ctx;

	f->delivered++;
	f->last_flags = flags;
	f->last_len = len;
	memcpy(f->last_frame, frame, MIN(len, sizeof(f->last_frame)));
}

static const struct netfront_ops fake_ops = {
    .grant = f_grant,
    .end = f_end,
    .end_and_free = f_end_and_free,
    .notify = f_notify,
    .deliver = f_deliver,
};

struct nf_fake *nf_fake_up(void)
{
	struct nf_fake *f = &fake;
	struct mm_stats st;

	memset(f, 0, sizeof(*f));
	mm_get_stats(&st);
	f->free_pages_before = st.free_pages;
	f->nf.ops = &fake_ops;
	f->nf.ctx = f;
	if (netfront_rings_init(&f->nf, NF_FAKE_BACKEND))
		return NULL;
	BACK_RING_INIT(&f->btx, f->nf.tx.sring, PAGE_SIZE);
	BACK_RING_INIT(&f->brx, f->nf.rx.sring, PAGE_SIZE);
	return f;
}

void nf_fake_down(struct nf_fake *f)
{
	struct mm_stats st;

	netfront_rings_release(&f->nf);
	KT_EXPECT_EQ(f->nf.st.pages_held, 0);
	KT_EXPECT_EQ(f->nf.st.grants_held, 0);
	KT_EXPECT_EQ(f->grants_now, f->quarantined_now);
	for (grant_ref_t r = 0; r < NF_FAKE_REFS; r++)
		f->g[r].mapped = false;
	KT_EXPECT_EQ(nf_fake_quarantine_poll(f), 0);
	KT_EXPECT_EQ(f->grants_now, 0);
	mm_get_stats(&st);
	KT_EXPECT_EQ(st.free_pages, f->free_pages_before);
}

unsigned int nf_fake_tx_pending(struct nf_fake *f)
{
	return f->nf.tx.sring->req_prod - f->btx.req_cons;
}

bool nf_fake_tx_take(struct nf_fake *f, netif_tx_request_t *req)
{
	if (!nf_fake_tx_pending(f))
		return false;
	rmb(); /* requests after the index, as a backend must */
	RING_COPY_REQUEST(&f->btx, f->btx.req_cons, req);
	f->btx.req_cons++;
	return true;
}

void nf_fake_tx_answer(struct nf_fake *f, uint16_t id, int16_t status)
{
	netif_tx_response_t *rsp =
	    RING_GET_RESPONSE(&f->btx, f->btx.rsp_prod_pvt);

	rsp->id = id;
	rsp->status = status;
	f->btx.rsp_prod_pvt++;
}

void nf_fake_tx_push(struct nf_fake *f)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&f->btx, notify);
	(void)notify;
}

unsigned int nf_fake_tx_serve(struct nf_fake *f)
{
	netif_tx_request_t req;
	unsigned int n = 0;

	while (nf_fake_tx_take(f, &req)) {
		nf_fake_tx_answer(f, req.id, NETIF_RSP_OKAY);
		n++;
	}
	nf_fake_tx_push(f);
	return n;
}

unsigned int nf_fake_rx_pending(struct nf_fake *f)
{
	return f->nf.rx.sring->req_prod - f->brx.req_cons;
}

bool nf_fake_rx_take(struct nf_fake *f, netif_rx_request_t *req)
{
	if (!nf_fake_rx_pending(f))
		return false;
	rmb();
	RING_COPY_REQUEST(&f->brx, f->brx.req_cons, req);
	f->brx.req_cons++;
	return true;
}

void nf_fake_rx_answer(struct nf_fake *f, uint16_t id, uint16_t off,
		       uint16_t flags, int16_t status)
{
	netif_rx_response_t *rsp =
	    RING_GET_RESPONSE(&f->brx, f->brx.rsp_prod_pvt);
	int notify;

	rsp->id = id;
	rsp->offset = off;
	rsp->flags = flags;
	rsp->status = status;
	f->brx.rsp_prod_pvt++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&f->brx, notify);
	(void)notify;
}

int nf_fake_rx_frame(struct nf_fake *f, const void *data, uint16_t len)
{
	netif_rx_request_t req;
	void *page;

	if (!nf_fake_rx_take(f, &req))
		return -1;
	page = nf_fake_page(f, req.gref);
	if (!page || f->g[req.gref].readonly)
		return -1;
	memcpy(page, data, len); /* a grant copy into the buffer */
	nf_fake_rx_answer(f, req.id, 0, 0, (int16_t)len);
	return 0;
}

void *nf_fake_page(struct nf_fake *f, grant_ref_t ref)
{
	struct nf_fake_grant *g = grant_of(f, ref);

	return g ? g->page : NULL;
}

void nf_fake_map(struct nf_fake *f, grant_ref_t ref, bool mapped)
{
	struct nf_fake_grant *g = grant_of(f, ref);

	if (g)
		g->mapped = mapped;
}

unsigned int nf_fake_quarantine_poll(struct nf_fake *f)
{
	for (grant_ref_t r = 0; r < NF_FAKE_REFS; r++) {
		struct nf_fake_grant *g = &f->g[r];

		if (!g->used || !g->quarantined || g->mapped)
			continue;
		mm_page_free(g->page, 0);
		*g = (struct nf_fake_grant){0};
		f->grants_now--;
		f->quarantined_now--;
	}
	return f->quarantined_now;
}

bool nf_fake_all(const void *p, size_t len, uint8_t byte)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != byte)
			return false;
	return true;
}
