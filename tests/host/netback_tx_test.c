/*
 * Suite `netback_ring` (host): netback's request validator, its TX and RX
 * ring handling and the switch, against fake frontends (netback_fake.h)
 * that play correct and hostile.  What each test shows:
 *   check_table        nb_tx_check() on sizes/offsets/flags (XSA-423 class)
 *   switch_and_learn   broadcast to all, unicast to the learnt vif only,
 *                      to the stack by its MAC; every request answered
 *   multislot_refused  a 3-slot chain gets 3 ERRORs; then a frame is OKAY
 *   extra_info_refused head ERROR, extras NULL, device up
 *   bad_size_and_ref   ERROR each, device up, nothing mapped
 *   prod_jump_breaks   a producer a ring ahead breaks that vif only
 *   quota_refusal      maps past the domain's quota: ERROR, counted, one
 *                      per round while the other vifs are served (XSA-300)
 *   norx_bounded       a vif that posts no RX holds <= NB_QUEUE_MAX
 *                      frames; the rest are dropped and unmapped
 *   purge_releases     teardown releases every mapping of both sides
 *   csum_blank_filled  a UDP checksum left partial (NETTXF_csum_blank, as
 *                      Linux netfront sends) arrives complete
 */
#include "kernel/ktest.h"
#include "lib/checksum.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/netback_fake.h"

static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static unsigned int count_status(struct nbf *f, unsigned int i, int16_t st)
{
	netif_tx_response_t r;
	unsigned int n = 0;

	while (nbf_tx_rsp(f, i, &r))
		n += r.status == st;
	return n;
}

KTEST(netback_ring, check_table)
{
	static const struct {
		uint16_t off, size, flags;
		enum nb_tx_check want;
	} t[] = {
	    {0, 60, 0, NB_TX_OK},
	    {0, ETH_FRAME_MAX, 0, NB_TX_OK},
	    {4096 - 60, 60, 0, NB_TX_OK},
	    {0, 0, 0, NB_TX_BAD_SIZE},
	    {0, ETH_HLEN - 1, 0, NB_TX_BAD_SIZE},
	    {0, ETH_FRAME_MAX + 1, 0, NB_TX_BAD_SIZE},
	    {0, 65535, 0, NB_TX_BAD_SIZE},
	    {4096 - 59, 60, 0, NB_TX_BAD_SIZE},
	    {4096, 60, 0, NB_TX_BAD_SIZE},
	    {65535, 60, 0, NB_TX_BAD_SIZE},
	    {0, 60, NETTXF_more_data, NB_TX_MORE_DATA},
	    {0, 60, NETTXF_extra_info, NB_TX_EXTRA},
	    {0, 0, NETTXF_more_data, NB_TX_MORE_DATA},
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(t); i++) {
		netif_tx_request_t r = {
		    .offset = t[i].off, .size = t[i].size, .flags = t[i].flags};

		if (nb_tx_check(&r) != t[i].want)
			ktest_fail_at(__FILE__, __LINE__,
				      "case %u: off %u size %u flags %#x: %d",
				      i, t[i].off, t[i].size, t[i].flags,
				      nb_tx_check(&r));
	}
}

KTEST(netback_ring, switch_and_learn)
{
	struct nbf *f = nbf_up();
	netif_rx_response_t rr;

	KT_ASSERT(f);
	for (unsigned int i = 0; i < NBF_VIFS; i++)
		nbf_rx_post(f, i, 8);
	/* Vif 1 broadcasts: the stack and vifs 0 and 2 get it. */
	nbf_tx(f, 1, bcast, 0, 60, 0, 1);
	nbf_tx_publish(f, 1);
	nbf_round(f);
	KT_EXPECT_EQ(count_status(f, 1, NETIF_RSP_OKAY), 1);
	KT_EXPECT_EQ(f->stack_frames, 1);
	KT_EXPECT(nbf_rx_rsp(f, 0, &rr) && rr.status == 60);
	KT_EXPECT(nbf_rx_rsp(f, 2, &rr) && rr.status == 60);
	KT_EXPECT(!nbf_rx_rsp(f, 1, &rr));
	/* Vif 0 to vif 1's MAC, now learnt: vif 1 only, bytes intact. */
	nbf_tx(f, 0, f->fe[1].mac, 100, 200, 0, 7);
	nbf_tx_publish(f, 0);
	nbf_round(f);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_OKAY), 1);
	KT_EXPECT(nbf_rx_rsp(f, 1, &rr) && rr.status == 200);
	KT_EXPECT(!nbf_rx_rsp(f, 2, &rr));
	KT_EXPECT_EQ(f->stack_frames, 1);
	KT_EXPECT_EQ(f->nb.vif[0].st.to_vif, 1);
	/* To the stack's MAC: the stack only. */
	nbf_tx(f, 2, f->nb.port_mac, 0, 80, 0, 3);
	nbf_tx_publish(f, 2);
	nbf_round(f);
	KT_EXPECT_EQ(f->stack_frames, 2);
	KT_EXPECT_EQ(f->stack_len, 80);
	KT_EXPECT(!nbf_rx_rsp(f, 0, &rr));
	KT_EXPECT(!nbf_rx_rsp(f, 1, &rr));
	/* A frontend cannot claim the stack's MAC or a group address. */
	nbf_down(f);
}

KTEST(netback_ring, multislot_refused)
{
	struct nbf *f = nbf_up();

	KT_ASSERT(f);
	nbf_rx_post(f, 1, 8);
	nbf_tx(f, 0, bcast, 0, 200, NETTXF_more_data, 1);
	nbf_tx(f, 0, bcast, 0, 100, NETTXF_more_data, 2);
	nbf_tx_publish(f, 0);
	nbf_round(f); /* the chain's end not posted yet: still in it */
	nbf_tx(f, 0, bcast, 0, 60, 0, 3);
	nbf_tx(f, 0, bcast, 0, 60, 0, 4);
	nbf_tx_publish(f, 0);
	nbf_round(f);
	KT_EXPECT_EQ(f->nb.vif[0].st.err_multislot, 3);
	KT_EXPECT_EQ(f->nb.vif[0].st.tx_err, 3);
	KT_EXPECT_EQ(f->nb.vif[0].st.tx_ok, 1);
	KT_EXPECT(nb_vif_up(&f->nb.vif[0]));
	KT_EXPECT_EQ(f->maps, 1);
	nbf_down(f);
}

KTEST(netback_ring, extra_info_refused)
{
	struct nbf *f = nbf_up();
	netif_tx_request_t extra = {0};
	struct netif_extra_info *e = (struct netif_extra_info *)&extra;

	KT_ASSERT(f);
	nbf_tx(f, 0, bcast, 0, 60, NETTXF_extra_info, 1);
	e->type = XEN_NETIF_EXTRA_TYPE_GSO;
	e->flags = XEN_NETIF_EXTRA_FLAG_MORE;
	nbf_tx_raw(f, 0, &extra);
	e->flags = 0;
	nbf_tx_raw(f, 0, &extra);
	nbf_tx(f, 0, bcast, 0, 60, 0, 2);
	nbf_tx_publish(f, 0);
	nbf_round(f);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_NULL), 2);
	KT_EXPECT_EQ(f->nb.vif[0].st.err_extra, 1);
	KT_EXPECT_EQ(f->nb.vif[0].st.tx_err, 1);
	KT_EXPECT_EQ(f->nb.vif[0].st.tx_ok, 1);
	KT_EXPECT(nb_vif_up(&f->nb.vif[0]));
	/* An endless chain of extras breaks the device, nothing else. */
	nbf_tx(f, 0, bcast, 0, 60, NETTXF_extra_info, 3);
	e->flags = XEN_NETIF_EXTRA_FLAG_MORE;
	for (unsigned int k = 0; k < NB_MAX_EXTRAS + 1; k++)
		nbf_tx_raw(f, 0, &extra);
	nbf_tx_publish(f, 0);
	nbf_round(f);
	KT_EXPECT(!nb_vif_up(&f->nb.vif[0]));
	KT_EXPECT(nb_vif_up(&f->nb.vif[1]));
	nbf_down(f);
}

KTEST(netback_ring, bad_size_and_ref)
{
	struct nbf *f = nbf_up();
	netif_tx_request_t r = {.gref = 1, .offset = 0, .size = 60, .id = 9};

	KT_ASSERT(f);
	nbf_tx(f, 0, bcast, 0, 0, 0, 1);
	nbf_tx(f, 0, bcast, 0, 65535, 0, 2);
	nbf_tx(f, 0, bcast, 4000, 200, 0, 3);
	r.gref = NBF_REFS + 5; /* never granted */
	nbf_tx_raw(f, 0, &r);
	nbf_tx_publish(f, 0);
	nbf_round(f);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_ERROR), 4);
	KT_EXPECT_EQ(f->nb.vif[0].st.err_size, 3);
	KT_EXPECT_EQ(f->nb.vif[0].st.err_ref, 1);
	KT_EXPECT_EQ(f->maps, 0);
	KT_EXPECT(nb_vif_up(&f->nb.vif[0]));
	nbf_down(f);
}

KTEST(netback_ring, prod_jump_breaks)
{
	struct nbf *f = nbf_up();
	netif_rx_response_t rr;

	KT_ASSERT(f);
	nbf_rx_post(f, 1, 4);
	f->fe[0].tx.sring->req_prod += RING_SIZE(&f->fe[0].tx) + 1;
	nbf_round(f);
	KT_EXPECT(!nb_vif_up(&f->nb.vif[0]));
	KT_EXPECT_EQ(f->maps, 0);
	/* The others keep running. */
	nbf_tx(f, 2, bcast, 0, 60, 0, 1);
	nbf_tx_publish(f, 2);
	nbf_round(f);
	KT_EXPECT(nbf_rx_rsp(f, 1, &rr) && rr.status == 60);
	/* The RX ring's producer is checked the same way. */
	f->fe[1].rx.sring->req_prod += RING_SIZE(&f->fe[1].rx) + 1;
	nbf_tx(f, 2, bcast, 0, 60, 0, 2);
	nbf_tx_publish(f, 2);
	nbf_round(f);
	KT_EXPECT(!nb_vif_up(&f->nb.vif[1]));
	KT_EXPECT(nb_vif_up(&f->nb.vif[2]));
	nbf_down(f);
}

/* Vif 0 sends `n` unicast frames to vif 1 (learnt first). */
static void to_vif1(struct nbf *f, unsigned int n)
{
	nbf_tx(f, 1, bcast, 0, 60, 0, 1000);
	nbf_tx_publish(f, 1);
	nbf_round(f);
	(void)count_status(f, 1, NETIF_RSP_OKAY);
	for (unsigned int k = 0; k < n; k++) {
		nbf_tx(f, 0, f->fe[1].mac, 0, 60, 0, (uint16_t)k);
		nbf_tx_publish(f, 0);
		if (k % 16 == 15)
			nbf_round(f);
	}
	nbf_round(f);
}

KTEST(netback_ring, quota_refusal)
{
	struct nbf *f = nbf_up();

	KT_ASSERT(f);
	/* Vif 1 posts nothing: each frame holds its mapping, queued. */
	to_vif1(f, NBF_QUOTA + 8);
	KT_EXPECT_EQ(f->mapped[0], NBF_QUOTA);
	/* One refusal per round (XSA-300), the other 7 wait their turn... */
	KT_EXPECT_EQ(f->nb.vif[0].st.refused_map, 1);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_ERROR), 1);
	/* ...while vif 2 in the same round is served in full. */
	for (uint16_t k = 0; k < 4; k++)
		nbf_tx(f, 2, bcast, 0, 60, 0, k);
	nbf_tx_publish(f, 2);
	nbf_round(f);
	KT_EXPECT_EQ(count_status(f, 2, NETIF_RSP_OKAY), 4);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_ERROR), 1);
	for (unsigned int r = 0; r < 6; r++)
		nbf_round(f);
	KT_EXPECT_EQ(f->nb.vif[0].st.refused_map, 8);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_ERROR), 6);
	KT_EXPECT(nb_vif_up(&f->nb.vif[0]));
	/* Vif 1 posts buffers: the queue drains, the mappings go. */
	nbf_rx_post(f, 1, NBF_QUOTA);
	nbf_round(f);
	KT_EXPECT_EQ(f->mapped[0], 0);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_OKAY), NBF_QUOTA);
	KT_EXPECT_EQ(f->nb.vif[0].st.to_vif, NBF_QUOTA);
	nbf_down(f);
}

KTEST(netback_ring, norx_bounded)
{
	struct nbf *f = nbf_up();
	unsigned int held;

	KT_ASSERT(f);
	f->quota = 1000;
	/* Vifs 0 and 2 flood vif 1, which never posts a buffer. */
	to_vif1(f, 200);
	for (unsigned int k = 0; k < 200; k++) {
		nbf_tx(f, 2, f->fe[1].mac, 0, 60, 0, (uint16_t)k);
		if (k % 16 == 15) {
			nbf_tx_publish(f, 2);
			nbf_round(f);
		}
	}
	nbf_tx_publish(f, 2);
	nbf_round(f);
	held = f->mapped[0] + f->mapped[2];
	KT_EXPECT_EQ(f->nb.vif[1].q_len, NB_QUEUE_MAX);
	KT_EXPECT_EQ(held, NB_QUEUE_MAX);
	KT_EXPECT_EQ(f->nb.vif[1].st.rx_dropped, 400 - NB_QUEUE_MAX);
	/* ...and not for long: aged frames go, mappings with them. */
	f->now += NB_QUEUE_AGE_NS + 1;
	nbf_round(f);
	KT_EXPECT_EQ(f->nb.vif[1].q_len, 0);
	KT_EXPECT_EQ(f->mapped[0] + f->mapped[2], 0);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_OKAY), 200);
	KT_EXPECT_EQ(count_status(f, 2, NETIF_RSP_OKAY), 200);
	nbf_down(f);
}

KTEST(netback_ring, purge_releases)
{
	struct nbf *f = nbf_up();

	KT_ASSERT(f);
	to_vif1(f, 20);
	KT_EXPECT_EQ(f->mapped[0], 20);
	KT_EXPECT_EQ(f->nb.vif[1].q_len, 20);
	/* The destination goes: its queue is dropped, senders answered. */
	nb_rx_purge(&f->nb, &f->nb.vif[1]);
	KT_EXPECT_EQ(f->mapped[0], 0);
	KT_EXPECT_EQ(count_status(f, 0, NETIF_RSP_OKAY), 20);
	/* The sender goes: its frames waiting elsewhere are unmapped. */
	to_vif1(f, 10);
	KT_EXPECT_EQ(f->mapped[0], 10);
	nb_rx_purge(&f->nb, &f->nb.vif[0]);
	KT_EXPECT_EQ(f->mapped[0], 0);
	KT_EXPECT_EQ(f->nb.vif[1].q_len, 0);
	nbf_down(f);
}

KTEST(netback_ring, csum_blank_filled)
{
	struct nbf *f = nbf_up();
	uint32_t src = 0xc000020c, dst = 0xc000020a;
	uint16_t ulen = 8 + 21, sum;
	uint8_t *p, *ip, *udp;

	KT_ASSERT(f);
	nbf_tx(f, 0, f->nb.port_mac, 0, ETH_HLEN + 20 + ulen, NETTXF_csum_blank,
	       5);
	p = nbf_tx_page(f, 0, 5);
	ip = p + ETH_HLEN;
	udp = ip + 20;
	p[12] = 0x08;
	p[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = (uint8_t)(20 + ulen);
	ip[8] = 64;
	ip[9] = 17;
	for (int k = 0; k < 4; k++) {
		ip[12 + k] = (uint8_t)(src >> (24 - 8 * k));
		ip[16 + k] = (uint8_t)(dst >> (24 - 8 * k));
	}
	udp[0] = 0x30, udp[1] = 0x39, udp[2] = 0, udp[3] = 7;
	udp[4] = 0, udp[5] = (uint8_t)ulen;
	/* Partial: the folded pseudo-header sum, not complemented. */
	sum = (uint16_t)~csum_fold(csum_ipv4_pseudo(src, dst, 17, ulen, 0));
	udp[6] = (uint8_t)(sum >> 8);
	udp[7] = (uint8_t)sum;
	KT_EXPECT(!csum_udp_ipv4_ok(src, dst, udp, ulen));
	nbf_tx_publish(f, 0);
	nbf_round(f);
	KT_ASSERT(f->stack_frames == 1);
	KT_EXPECT(
	    csum_udp_ipv4_ok(src, dst, f->stack_frame + ETH_HLEN + 20, ulen));
	nbf_down(f);
}
