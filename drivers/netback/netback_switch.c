/*
 * netback's learning switch: ports are the connected vifs and the
 * kernel's own IP stack.  Source MACs are learnt per vif (a frontend
 * cannot claim the stack's MAC, a group address or another vif's MAC
 * once learnt: the first port that used a MAC keeps it until it goes);
 * unicast to a learnt vif waits in that vif's bounded queue; broadcast,
 * multicast and unknown unicast go to every other port at once, each vif
 * that has no RX buffer posted missing it.
 *
 * Frames leave through nb->bounce, one page: the frame is copied out of
 * the TX mapping (once: XSA-155, the frontend may change its page while
 * we look), a checksum the frontend left blank (NETTXF_csum_blank, as
 * Linux netfront does for TCP/UDP) is completed there, and grant copy
 * moves it into each destination's buffer.
 */
#include "drivers/netback/netback_priv.h"
#include "kernel/printk.h"
#include "lib/checksum.h"
#include "lib/errno.h"
#include "lib/string.h"

void nb_init(struct nb *nb, const struct nb_ops *ops, void *bounce_page,
	     const uint8_t port_mac[ETH_ALEN])
{
	memset(nb, 0, sizeof(*nb));
	nb->ops = ops;
	nb->bounce = bounce_page;
	memcpy(nb->port_mac, port_mac, ETH_ALEN);
	for (unsigned int i = 0; i < NB_FRAMES; i++)
		nb_frame_put(nb, &nb->frames[i]);
	for (unsigned int i = 0; i < NB_FDB_SIZE; i++)
		nb->fdb[i].vif = -1;
}

struct nb_frame *nb_frame_get(struct nb *nb)
{
	struct nb_frame *f = nb->free;

	if (f) {
		nb->free = f->next;
		nb->nr_free--;
		memset(f, 0, sizeof(*f));
	}
	return f;
}

void nb_frame_put(struct nb *nb, struct nb_frame *f)
{
	f->src = NULL;
	f->next = nb->free;
	nb->free = f;
	nb->nr_free++;
}

static int fdb_find(const struct nb *nb, const uint8_t *mac)
{
	for (unsigned int i = 0; i < NB_FDB_SIZE; i++)
		if (nb->fdb[i].vif >= 0 && !memcmp(nb->fdb[i].mac, mac, 6))
			return (int)i;
	return -1;
}

static void fdb_learn(struct nb *nb, const struct nb_vif *v, const uint8_t *mac)
{
	int i = fdb_find(nb, mac);
	int idx = (int)(v - nb->vif);

	/* Group addresses and the stack's own are nobody's to claim. */
	if ((mac[0] & 1) || !memcmp(mac, nb->port_mac, ETH_ALEN) || i >= 0)
		return;
	i = (int)nb->fdb_next;
	nb->fdb_next = (nb->fdb_next + 1) % NB_FDB_SIZE;
	memcpy(nb->fdb[i].mac, mac, ETH_ALEN);
	nb->fdb[i].vif = (int8_t)idx;
}

void nb_fdb_forget(struct nb *nb, const struct nb_vif *v)
{
	int idx = (int)(v - nb->vif);

	for (unsigned int i = 0; i < NB_FDB_SIZE; i++)
		if (nb->fdb[i].vif == idx)
			nb->fdb[i].vif = -1;
}

/* Complete a checksum left blank (partial: pseudo-header sum in place). */
static void fill_csum(uint8_t *p, size_t len)
{
	size_t ihl, tot, l4len, at;
	uint16_t c;

	if (len < ETH_HLEN + 20 || p[12] != 0x08 || p[13] != 0x00)
		return;
	ihl = (size_t)(p[ETH_HLEN] & 0xf) * 4;
	tot = (size_t)p[ETH_HLEN + 2] << 8 | p[ETH_HLEN + 3];
	/* The IP length, not the frame's: runts are padded. */
	if (ihl < 20 || tot < ihl || tot > len - ETH_HLEN)
		return;
	l4len = tot - ihl;
	if (p[ETH_HLEN + 9] == 17)
		at = 6; /* UDP */
	else if (p[ETH_HLEN + 9] == 6)
		at = 16; /* TCP */
	else
		return;
	if (l4len < at + 2)
		return;
	p += ETH_HLEN + ihl;
	c = csum_fold(csum_partial(p, l4len, 0));
	if (at == 6 && !c)
		c = 0xffff; /* UDP: 0 means "no checksum" */
	p[at] = (uint8_t)(c >> 8);
	p[at + 1] = (uint8_t)c;
}

void nb_frame_copy(const struct nb_frame *f, uint8_t *dst)
{
	const uint8_t *page = gnttab_mapping_addr(&f->m);

	/* nb_tx_check() bounded off + len by the page. */
	memcpy(dst, page + f->off, f->len);
	if (f->flags & NETTXF_csum_blank)
		fill_csum(dst, f->len);
}

int nb_frame_to_bounce(struct nb *nb, const struct nb_frame *f)
{
	nb_frame_copy(f, nb->bounce);
	return 0;
}

/* To every up vif but `except` that has a buffer posted; now. */
static void flood(struct nb *nb, const struct nb_vif *except, uint16_t len)
{
	for (unsigned int i = 0; i < NETBACK_MAX_VIFS; i++) {
		struct nb_vif *d = &nb->vif[i];

		if (d == except || !nb_vif_up(d))
			continue;
		if (nb_rx_deliver(nb, d, len))
			d->st.rx_dropped++;
		nb_push(nb, d);
	}
}

bool nb_switch_from_vif(struct nb *nb, struct nb_frame *f)
{
	struct nb_vif *v = f->src;
	uint8_t hdr[ETH_HLEN];
	int i;

	/* XSA-155: the header read once into our copy. */
	memcpy(hdr, (const uint8_t *)gnttab_mapping_addr(&f->m) + f->off,
	       ETH_HLEN);
	fdb_learn(nb, v, hdr + ETH_ALEN);
	i = fdb_find(nb, hdr);
	if (i >= 0 && &nb->vif[nb->fdb[i].vif] != v) {
		nb_rx_enqueue(nb, &nb->vif[nb->fdb[i].vif], f);
		return false;
	}
	if (i >= 0) /* to itself: a switch never sends a frame back */
		return true;
	nb_frame_to_bounce(nb, f);
	if (!memcmp(hdr, nb->port_mac, ETH_ALEN) || (hdr[0] & 1)) {
		nb->ops->to_stack(nb->bounce, f->len);
		v->st.to_stack++;
	}
	if (hdr[0] & 1 || memcmp(hdr, nb->port_mac, ETH_ALEN))
		flood(nb, v, f->len);
	return true;
}

int nb_switch_from_stack(struct nb *nb, const void *frame, size_t len)
{
	const uint8_t *dst = frame;
	struct nb_vif *d;
	int i, rc;

	if (len > ETH_FRAME_MAX || len < ETH_HLEN)
		return -EINVAL;
	i = fdb_find(nb, dst);
	if (i < 0) {
		nb->st.stack_tx++;
		memcpy(nb->bounce, frame, len);
		flood(nb, NULL, (uint16_t)len);
		return 0;
	}
	d = &nb->vif[nb->fdb[i].vif];
	if (nb->stage_buf) {
		rc = nb_rx_stage(nb, d, frame, (uint16_t)len);
	} else {
		memcpy(nb->bounce, frame, len);
		rc = nb_rx_deliver(nb, d, (uint16_t)len);
		nb_push(nb, d);
	}
	/*
	 * Pushback (issue 8): no buffer posted yet is the ring-full of
	 * netdev.h's xmit: the stack polls us and tries again, or its sender
	 * learns the frame did not go (85 % of a blast to Linux was counted
	 * sent and dropped here).
	 */
	if (rc == -EAGAIN)
		return -EAGAIN;
	nb->st.stack_tx++;
	if (rc) {
		d->st.rx_dropped++;
		nb->st.stack_tx_dropped++;
	}
	return 0;
}
