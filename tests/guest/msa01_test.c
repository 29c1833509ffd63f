/*
 * Suite `msa01`: MirageOS Security Advisory 01 (netchannel 1.10.0),
 * https://mirage.io/blog/MSA01; Linux XSA-403 is the same class.
 *
 * The bug: pages from netfront's shared pool were reused for new frames
 * without being cleared, so a writer that filled only part of a page sent
 * the previous frame's bytes to the backend (and header code that assumed
 * zeros computed bad checksums).
 *
 * The rule (drivers/netfront_tx.c, netfront_rx.c): every byte of a page
 * granted to the backend is either written for this use or zero.  TX:
 * the frame, then zeros to the end of the page; RX: the whole buffer
 * zeroed before each grant.  Pages are cleared at every use, never only
 * when first allocated.
 *
 * Detection: fill the pool with a canary (a large frame of canary bytes
 * goes out first, then every pooled page is poisoned), then send a short
 * frame / post fresh RX buffers, and scan each granted page through the
 * driver's hook just before the request is pushed.  msa01.no_canary_on_wire
 * (the net suite's) checks the same from dom0's side.  On a BUGGY=msa01
 * build (pool pages granted as they are) both tests here fail.
 */
#include "kernel/net/netdev.h"
#include "lib/errno.h"
#include "tests/guest/netfront_test.h"

#define CANARY 0xc5

static struct {
	unsigned int pages, dirty_pages, canary_bytes, frame_bad;
	size_t len;
	uint8_t fill;
} scan;

/* Count what is not ours in [from, PAGE_SIZE). */
static void scan_page(const uint8_t *page, size_t from)
{
	unsigned int bad = 0;

	scan.pages++;
	for (size_t i = from; i < PAGE_SIZE; i++) {
		if (page[i]) {
			bad++;
			scan.canary_bytes += page[i] == CANARY;
		}
	}
	scan.dirty_pages += bad != 0;
}

static void tx_push(void *arg, uint16_t id, const void *page, size_t len)
{
	const uint8_t *p = page;

	/* Our frame as sent (payload bytes after the 14-byte header)... */
	for (size_t i = 14; i < len; i++)
		scan.frame_bad += p[i] != scan.fill;
	/* ...then MSA01: zeros, nothing of the pool's past. */
	scan_page(p, len);
}

KTEST(msa01, tx_page_zeroed)
{
	struct netfront *nf = netfront_dev();
	unsigned int poisoned;

	NFT_NEED_GOOD();
	/* A full-size canary frame; once answered its page is pooled. */
	KT_ASSERT(nft_send_test(ETH_FRAME_MAX, CANARY) == 0);
	KT_ASSERT(nft_wait_tx_idle());
	poisoned = netfront_pool_poison(nf, CANARY);
	KT_ASSERT(poisoned >= 1);
	memset(&scan, 0, sizeof(scan));
	scan.fill = 0x5a;
	nf->hooks.tx_push = tx_push;
	KT_EXPECT_EQ(nft_send_test(60, 0x5a), 0);
	nf->hooks.tx_push = NULL;
	KT_EXPECT(nft_wait_tx_idle());
	ktest_diag("%u pool page(s) poisoned; short frame's page: %u byte(s) "
		   "of canary after the frame",
		   poisoned, scan.canary_bytes);
	KT_EXPECT_EQ(scan.pages, 1);
	KT_EXPECT_EQ(scan.frame_bad, 0);
	KT_EXPECT_EQ(scan.dirty_pages, 0);
}

static void rx_post(void *arg, uint16_t id, const void *page)
{
	/* MSA01: a buffer reaches the backend all zero. */
	scan_page(page, 0);
}

KTEST(msa01, rx_page_zeroed)
{
	struct netfront *nf = netfront_dev();
	unsigned int poisoned, target;
	bool irq;

	NFT_NEED_GOOD();
	memset(&scan, 0, sizeof(scan));
	nf->hooks.rx_post = rx_post;
	/* Received frames leave their bytes in the recycled buffers. */
	KT_EXPECT(nft_provoke_rx(NETFRONT_RX_BATCH + 1));
	/* Now the pool itself carries canaries; post a batch from it. */
	irq = netfront_lock();
	poisoned = netfront_pool_poison(nf, CANARY);
	target = nf->rx_target;
	nf->rx_target = nf->st.rx_posted + NETFRONT_RX_BATCH;
	netfront_rx_refill(nf, true);
	nf->rx_target = target;
	netfront_unlock(irq);
	nf->hooks.rx_post = NULL;
	ktest_diag("%u buffer(s) posted (%u pool page(s) poisoned first); "
		   "%u dirty, %u canary byte(s)",
		   scan.pages, poisoned, scan.dirty_pages, scan.canary_bytes);
	KT_EXPECT(scan.pages >= NETFRONT_RX_BATCH);
	KT_EXPECT_EQ(scan.dirty_pages, 0);
}
