/*
 * The fake frontends of netback_fake.h.  Built like the code under test,
 * so pages come from the kernel's own mm over the host arena.
 */
#include "kernel/ktest.h"
#include "kernel/mm/mm.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/netback_fake.h"

static struct nbf fake;

static int fe_index(domid_t dom)
{
	return dom >= 1 && dom <= NBF_VIFS ? dom - 1 : -1;
}

static int f_map(domid_t dom, grant_ref_t ref, bool ro,
		 struct gnttab_mapping *m)
{
	int i = fe_index(dom);

	if (i < 0 || m->mapped)
		return -EINVAL;
	if (fake.mapped[i] >= fake.quota)
		return -ENOSPC; /* the map layer's quota refusal */
	if (ref >= NBF_REFS || !fake.fe[i].page[ref])
		return -ENOENT; /* GNTST_bad_gntref */
	*m = (struct gnttab_mapping){
	    .domid = dom,
	    .ref = ref,
	    .gfn = (uintptr_t)fake.fe[i].page[ref] >> PAGE_SHIFT,
	    .readonly = ro,
	    .mapped = true,
	};
	fake.mapped[i]++;
	fake.maps++;
	return 0;
}

static int f_unmap(struct gnttab_mapping *m)
{
	int i = fe_index(m->domid);

	if (i < 0 || !m->mapped || !fake.mapped[i])
		return -EINVAL;
	fake.mapped[i]--;
	fake.unmaps++;
	m->mapped = false;
	return 0;
}

static int f_copy_to(domid_t dom, grant_ref_t ref, const void *src,
		     uint16_t len)
{
	int i = fe_index(dom);

	if (i < 0 || ref >= NBF_REFS || !fake.fe[i].page[ref] ||
	    len > PAGE_SIZE)
		return -ENOENT;
	memcpy(fake.fe[i].page[ref], src, len);
	fake.copies++;
	return 0;
}

static void f_notify(struct nb_vif *v)
{
	fake.notifies++;
}

static void f_to_stack(const void *frame, size_t len)
{
	fake.stack_frames++;
	if (fake.stack_room != SIZE_MAX)
		fake.stack_room--; /* nb asked first: never below 0 */
	fake.stack_len = len;
	memcpy(fake.stack_frame, frame, MIN(len, sizeof(fake.stack_frame)));
}

static size_t f_stack_room(void)
{
	return fake.stack_room;
}

static uint64_t f_now(void)
{
	return fake.now;
}

static const struct nb_ops fake_ops = {
    .map = f_map,
    .unmap = f_unmap,
    .copy_to = f_copy_to,
    .notify = f_notify,
    .to_stack = f_to_stack,
    .stack_room = f_stack_room,
    .now_ns = f_now,
};

static const uint8_t port_mac[ETH_ALEN] = {0x00, 0x16, 0x3e, 0, 0, 0x0a};

struct nbf *nbf_up(void)
{
	struct nbf *f = &fake;

	memset(f, 0, sizeof(*f));
	f->quota = NBF_QUOTA;
	f->stack_room = SIZE_MAX;
	f->bounce = mm_page_alloc_zeroed(0);
	if (!f->bounce)
		return NULL;
	nb_init(&f->nb, &fake_ops, f->bounce, port_mac);
	for (unsigned int i = 0; i < NBF_VIFS; i++) {
		struct nbf_fe *fe = &f->fe[i];
		struct nb_vif *v = &f->nb.vif[i];
		netif_tx_sring_t *txs = mm_page_alloc_zeroed(0);
		netif_rx_sring_t *rxs = mm_page_alloc_zeroed(0);

		if (!txs || !rxs)
			return NULL;
		SHARED_RING_INIT(txs);
		SHARED_RING_INIT(rxs);
		FRONT_RING_INIT(&fe->tx, txs, PAGE_SIZE);
		FRONT_RING_INIT(&fe->rx, rxs, PAGE_SIZE);
		BACK_RING_INIT(&v->tx, txs, PAGE_SIZE);
		BACK_RING_INIT(&v->rx, rxs, PAGE_SIZE);
		for (unsigned int r = 0; r < NBF_REFS; r++) {
			fe->page[r] = mm_page_alloc_zeroed(0);
			if (!fe->page[r])
				return NULL;
		}
		memcpy(fe->mac, port_mac, ETH_ALEN);
		fe->mac[5] = (uint8_t)(i + 1);
		fe->v = v;
		v->state = NB_CONNECTED;
		v->fe_id = (domid_t)(i + 1);
		v->devid = 0;
	}
	return f;
}

void nbf_down(struct nbf *f)
{
	for (unsigned int i = 0; i < NBF_VIFS; i++) {
		struct nbf_fe *fe = &f->fe[i];

		nb_rx_purge(&f->nb, fe->v);
		nb_fdb_forget(&f->nb, fe->v);
		fe->v->state = NB_CLOSED;
	}
	for (unsigned int i = 0; i < NBF_VIFS; i++) {
		struct nbf_fe *fe = &f->fe[i];

		KT_EXPECT_EQ(f->mapped[i], 0);
		mm_page_free(fe->tx.sring, 0);
		mm_page_free(fe->rx.sring, 0);
		for (unsigned int r = 0; r < NBF_REFS; r++)
			mm_page_free(fe->page[r], 0);
	}
	KT_EXPECT_EQ(f->nb.nr_free, NB_FRAMES);
	KT_EXPECT_EQ(f->maps, f->unmaps);
	mm_page_free(f->bounce, 0);
}

void nbf_tx_raw(struct nbf *f, unsigned int i, const netif_tx_request_t *r)
{
	struct nbf_fe *fe = &f->fe[i];

	*RING_GET_REQUEST(&fe->tx, fe->tx.req_prod_pvt) = *r;
	fe->tx.req_prod_pvt++;
}

void nbf_tx(struct nbf *f, unsigned int i, const uint8_t *dst, uint16_t off,
	    uint16_t len, uint16_t flags, uint16_t id)
{
	struct nbf_fe *fe = &f->fe[i];
	grant_ref_t ref = id % (NBF_REFS / 2);
	uint8_t *p = (uint8_t *)fe->page[ref] + off;
	netif_tx_request_t r = {
	    .gref = ref, .offset = off, .flags = flags, .id = id, .size = len};

	if (len >= ETH_HLEN && off + len <= PAGE_SIZE) {
		memcpy(p, dst, ETH_ALEN);
		memcpy(p + ETH_ALEN, fe->mac, ETH_ALEN);
		p[12] = 0x88; /* local experimental ethertype */
		p[13] = 0xb5;
		memset(p + ETH_HLEN, (int)id, len - ETH_HLEN);
	}
	nbf_tx_raw(f, i, &r);
}

uint8_t *nbf_tx_page(struct nbf *f, unsigned int i, uint16_t id)
{
	return f->fe[i].page[id % (NBF_REFS / 2)];
}

void nbf_tx_publish(struct nbf *f, unsigned int i)
{
	RING_PUSH_REQUESTS(&f->fe[i].tx);
}

bool nbf_tx_rsp(struct nbf *f, unsigned int i, netif_tx_response_t *rsp)
{
	struct nbf_fe *fe = &f->fe[i];

	if (fe->tx.rsp_cons == fe->tx.sring->rsp_prod)
		return false;
	*rsp = *RING_GET_RESPONSE(&fe->tx, fe->tx.rsp_cons);
	fe->tx.rsp_cons++;
	return true;
}

void nbf_rx_post(struct nbf *f, unsigned int i, unsigned int n)
{
	struct nbf_fe *fe = &f->fe[i];

	for (unsigned int k = 0; k < n; k++) {
		netif_rx_request_t *r =
		    RING_GET_REQUEST(&fe->rx, fe->rx.req_prod_pvt);

		r->id = (uint16_t)(fe->rx.req_prod_pvt % RING_SIZE(&fe->rx));
		r->gref = NBF_REFS / 2 + fe->rx.req_prod_pvt % (NBF_REFS / 2);
		fe->rx.req_prod_pvt++;
	}
	RING_PUSH_REQUESTS(&fe->rx);
}

bool nbf_rx_rsp(struct nbf *f, unsigned int i, netif_rx_response_t *rsp)
{
	struct nbf_fe *fe = &f->fe[i];

	if (fe->rx.rsp_cons == fe->rx.sring->rsp_prod)
		return false;
	*rsp = *RING_GET_RESPONSE(&fe->rx, fe->rx.rsp_cons);
	fe->rx.rsp_cons++;
	return true;
}

void nbf_round(struct nbf *f)
{
	for (unsigned int i = 0; i < NBF_VIFS; i++) {
		struct nb_vif *v = f->fe[i].v;

		nb_tx_round(&f->nb, v, NB_TX_BUDGET);
		nb_rx_round(&f->nb, v, NB_RX_BUDGET);
		nb_push(&f->nb, v);
	}
}
