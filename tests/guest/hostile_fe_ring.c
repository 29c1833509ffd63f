/*
 * The hostile frontend's pure parts (hostile_fe.h): the mode list and the
 * TX ring, frontend side.  No Xen here, so tests/host runs it over a ring
 * in plain memory with the test playing the backend.
 *
 * The attacker still reads what the backend writes as hostile input
 * (XSA-155 applies to both ends): each response is copied out of the ring
 * once, its id bounded by the ring, and the producer is read once per pass
 * and never believed past what we really posted.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest/hostile_fe.h"

static const char *const mode_names[HFE_MODE_COUNT] = {
    [HFE_FLOOD] = "flood",	 [HFE_BADREF] = "badref",
    [HFE_BADSIZE] = "badsize",	 [HFE_MULTISLOT] = "multislot",
    [HFE_PRODJUMP] = "prodjump", [HFE_STORM] = "storm",
    [HFE_NORX] = "norx",	 [HFE_CLOSEMID] = "closemid",
};

const char *hfe_mode_name(unsigned int mode)
{
	return mode < HFE_MODE_COUNT ? mode_names[mode] : "?";
}

static int mode_of(const char *s, size_t len)
{
	for (unsigned int i = 0; i < HFE_MODE_COUNT; i++)
		if (strlen(mode_names[i]) == len &&
		    !strncmp(s, mode_names[i], len))
			return (int)i;
	return -EINVAL;
}

int hfe_parse_modes(const char *s, uint8_t *modes, unsigned int max)
{
	unsigned int n = 0;

	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		int m = mode_of(s, len);

		if (m < 0 || n >= max)
			return -EINVAL;
		modes[n++] = (uint8_t)m;
		if (!end)
			return (int)n;
		s = end + 1;
	}
}

/* ---- TX ring ---- */

void hfe_tx_init(struct hfe_tx *t, void *sring_page)
{
	netif_tx_sring_t *s = sring_page;

	memset(t, 0, sizeof(*t));
	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&t->ring, s, PAGE_SIZE);
	for (unsigned int i = 0; i < HFE_TX_RING_SIZE; i++)
		t->status[i] = HFE_ST_PENDING;
}

unsigned int hfe_tx_inflight(const struct hfe_tx *t)
{
	return t->ring.req_prod_pvt - t->ring.rsp_cons;
}

unsigned int hfe_tx_free(const struct hfe_tx *t)
{
	return t->dead || t->jumped_to ? 0 : RING_FREE_REQUESTS(&t->ring);
}

int hfe_tx_post(struct hfe_tx *t, grant_ref_t ref, uint16_t offset,
		uint16_t size, uint16_t flags, uint16_t *id)
{
	RING_IDX i = t->ring.req_prod_pvt;
	netif_tx_request_t *r;

	if (!hfe_tx_free(t))
		return -ENOSPC;
	r = RING_GET_REQUEST(&t->ring, i);
	r->gref = ref;
	r->offset = offset;
	r->flags = flags;
	r->id = (uint16_t)(i % HFE_TX_RING_SIZE);
	r->size = size;
	t->status[r->id] = HFE_ST_PENDING;
	if (id)
		*id = r->id;
	t->ring.req_prod_pvt = i + 1;
	t->real_prod = i + 1;
	t->posted++;
	return 0;
}

int hfe_tx_post_chain(struct hfe_tx *t, const grant_ref_t *refs, unsigned int n,
		      uint16_t total, uint16_t frag, uint16_t *id)
{
	uint16_t first;

	if (n < 2 || (uint32_t)frag * (n - 1) >= total || total > PAGE_SIZE)
		return -EINVAL;
	if (hfe_tx_free(t) < n)
		return -ENOSPC;
	for (unsigned int k = 0; k < n; k++) {
		uint16_t flags = k + 1 < n ? NETTXF_more_data : 0;
		uint16_t got;

		/* Cannot fail: room for all n was checked. */
		(void)hfe_tx_post(t, refs[k], 0, k ? frag : total, flags, &got);
		if (!k)
			first = got;
	}
	*id = first;
	return 0;
}

bool hfe_tx_push(struct hfe_tx *t)
{
	bool notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&t->ring, notify);
	return notify;
}

void hfe_tx_jump(struct hfe_tx *t, RING_IDX ahead)
{
	hfe_tx_push(t);
	t->jumped_to = t->ring.req_prod_pvt + ahead;
	xen_wmb();
	t->ring.sring->req_prod = t->jumped_to;
}

unsigned int hfe_tx_reap(struct hfe_tx *t, uint64_t now_ns,
			 void (*cb)(void *arg, uint16_t id, int16_t status),
			 void *arg)
{
	unsigned int taken = 0;
	RING_IDX prod, i;

	if (t->dead)
		return 0;
	prod = READ_ONCE(t->ring.sring->rsp_prod);
	xen_rmb();
	/* Never past what we really wrote (a jumped producer included). */
	if (prod - t->ring.rsp_cons > t->real_prod - t->ring.rsp_cons) {
		t->prod_bad++;
		t->dead = true;
		return 0;
	}
	for (i = t->ring.rsp_cons; i != prod; i++) {
		netif_tx_response_t r;

		RING_COPY_RESPONSE(&t->ring, i, &r);
		taken++;
		if (r.id >= HFE_TX_RING_SIZE) {
			t->bad_id++;
			continue;
		}
		t->status[r.id] = r.status;
		if (r.status == NETIF_RSP_OKAY)
			t->okay++;
		else if (r.status == NETIF_RSP_ERROR)
			t->error++;
		else if (r.status == NETIF_RSP_DROPPED)
			t->dropped++;
		else if (r.status == NETIF_RSP_NULL)
			t->null++;
		else
			t->other++;
		if (cb)
			cb(arg, r.id, r.status);
	}
	t->ring.rsp_cons = prod;
	t->answered += taken;
	if (taken)
		t->last_rsp_ns = now_ns;
	/* Ask for an event at the next response. */
	t->ring.sring->rsp_event = prod + 1;
	return taken;
}

/* ---- flood ---- */

unsigned int hfe_flood_fill(struct hfe_tx *t, struct hfe_flood *f,
			    uint16_t size)
{
	unsigned int n = 0;

	if (!f->nrefs)
		return 0;
	while (hfe_tx_free(t)) {
		unsigned int k = f->next;

		if (hfe_tx_post(t, f->refs[k], 0, size, 0, NULL))
			break;
		if (!bitmap_test_bit(f->used, k)) {
			bitmap_set_bit(f->used, k);
			f->distinct++;
		}
		f->next = (k + 1) % f->nrefs;
		f->posted++;
		n++;
	}
	if (n && !RING_FREE_REQUESTS(&t->ring))
		f->ring_full++;
	return n;
}

void hfe_frame(void *buf, size_t len, const uint8_t dst[6],
	       const uint8_t src[6], uint8_t fill)
{
	uint8_t *b = buf;

	if (len < 14)
		return;
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = 0x88;
	b[13] = 0xb5;
	for (size_t i = 14; i < len; i++)
		b[i] = (uint8_t)(fill + i);
}
