/*
 * Suite `msa01`: MirageOS Security Advisory 01 (netchannel 1.10.0),
 * https://mirage.io/blog/MSA01; Linux XSA-403 is the same class.
 *
 * The bug: pages from netfront's shared pool were reused for new frames
 * without being cleared, so a writer that filled only part of a page sent
 * the previous frame's bytes to the backend (and header code that assumed
 * zeros computed bad checksums).
 *
 * The rule (drivers/netfront/netfront_tx.c, netfront_rx.c): every byte of
 * a page granted to the backend is either written for this use or zero.  TX:
 * the frame, then zeros to the end of the page; RX: the whole buffer
 * zeroed before each grant.  Pages are cleared at every use, never only
 * when first allocated.
 *
 * Detection: fill the pool with a canary (a large frame of canary bytes
 * goes out first, then every pooled page is poisoned), then send a short
 * frame / post fresh RX buffers from the poisoned pages, and check each
 * granted page twice: through the driver's hook just before the request
 * is pushed (tx_page_zeroed, rx_page_zeroed; any correct backend), and
 * at the real boundary, from dom0 (tx_clean_at_backend,
 * rx_clean_at_backend): hostile-netback maps every TX request's and RX
 * buffer's grant while it is outstanding, scans the whole page, and
 * publishes what it found outside the request's bytes in its backend
 * node `ktest-scan` (tests/peer/nb_ring.c).  Linux netback copies only a
 * request's bytes, so a stale byte never reaches the wire and dom0's
 * capture (msa01.no_canary_on_wire) cannot see this half of the rule.
 * On a BUGGY=msa01-zero build (pool pages granted as they are) all four
 * tests here fail.
 */
#include "kernel/net/netdev.h"
#include "kernel/xen/xenstore/xenstore.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "tests/guest/net_peer.h"
#include "tests/guest/netfront_test.h"

#define CANARY 0xc5 /* tests/peer/nb.h NB_CANARY */

static struct {
	unsigned int pages, dirty_pages, canary_bytes, frame_bad;
	/* Pool pages we filled with the canary, and how many came back. */
	const void *poisoned[NETFRONT_POOL_MAX];
	unsigned int npoisoned, hits;
	uint8_t fill;
} scan;

/* Fill every pooled page with the canary and remember which they were. */
static unsigned int poison_pool(struct netfront *nf)
{
	bool irq = netfront_lock();

	scan.npoisoned = netfront_pool_poison(nf, CANARY);
	for (unsigned int i = 0; i < scan.npoisoned; i++)
		scan.poisoned[i] = nf->pool[i];
	netfront_unlock(irq);
	return scan.npoisoned;
}

static bool was_poisoned(const void *page)
{
	for (unsigned int i = 0; i < scan.npoisoned; i++)
		if (scan.poisoned[i] == page)
			return true;
	return false;
}

/* Count what is not ours in [from, PAGE_SIZE). */
static void scan_page(const uint8_t *page, size_t from)
{
	unsigned int bad = 0;

	scan.pages++;
	scan.hits += was_poisoned(page);
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
	bool irq;
	int sent;

	NFT_NEED_GOOD();
	/* A full-size canary frame; once answered its page is pooled. */
	KT_ASSERT(nft_send_test(ETH_FRAME_MAX, CANARY) == 0);
	KT_ASSERT(nft_wait_tx_idle());
	memset(&scan, 0, sizeof(scan));
	/*
	 * Interrupts off from the poisoning to the push: the backend's RX
	 * answer to the canary frame, handled in between, refills RX from the
	 * pool and takes the poisoned page the short frame must get (seen in
	 * a one-thread QEMU, where that answer comes late).
	 */
	irq = netfront_lock();
	poisoned = poison_pool(nf);
	scan.fill = 0x5a;
	nf->hooks.tx_push = tx_push;
	sent = nft_send_test(60, 0x5a);
	nf->hooks.tx_push = NULL;
	netfront_unlock(irq);
	KT_ASSERT(poisoned >= 1);
	KT_EXPECT_EQ(sent, 0);
	KT_EXPECT(nft_wait_tx_idle());
	ktest_diag("%u pool page(s) poisoned; short frame's page: %u byte(s) "
		   "of canary after the frame",
		   poisoned, scan.canary_bytes);
	KT_EXPECT_EQ(scan.pages, 1);
	/* The short frame did get one of the poisoned pages. */
	KT_EXPECT_EQ(scan.hits, 1);
	KT_EXPECT_EQ(scan.frame_bad, 0);
	KT_EXPECT_EQ(scan.dirty_pages, 0);
}

static void rx_post(void *arg, uint16_t id, const void *page)
{
	/* MSA01: a buffer reaches the backend all zero. */
	scan_page(page, 0);
}

/* Enough for the pool to keep pages whatever RX refills take meanwhile. */
#define POOL_FILL 24

/* `n` frames of canary sent at once; once answered their pages are pooled. */
static bool fill_pool(unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (nft_send_test(ETH_FRAME_MAX, CANARY))
			return false;
	return nft_wait_tx_idle();
}

/* A batch of RX buffers posted now, from the poisoned pool first. */
static unsigned int post_poisoned_batch(struct netfront *nf)
{
	unsigned int target, poisoned;
	bool irq = netfront_lock();

	poisoned = poison_pool(nf);
	target = nf->rx_target;
	nf->rx_target = nf->st.rx_posted + NETFRONT_RX_BATCH;
	netfront_rx_refill(nf, true);
	nf->rx_target = target;
	netfront_unlock(irq);
	return poisoned;
}

KTEST(msa01, rx_page_zeroed)
{
	struct netfront *nf = netfront_dev();
	unsigned int poisoned, before, batch;

	NFT_NEED_GOOD();
	memset(&scan, 0, sizeof(scan));
	nf->hooks.rx_post = rx_post;
	/* Received frames leave their bytes in the recycled buffers. */
	KT_EXPECT(nft_provoke_rx(NETFRONT_RX_BATCH + 1));
	/* TX pages come back to the pool too; then post a batch from it. */
	KT_EXPECT(fill_pool(POOL_FILL));
	before = scan.pages;
	poisoned = post_poisoned_batch(nf);
	batch = scan.pages - before;
	nf->hooks.rx_post = NULL;
	ktest_diag("%u buffer(s) posted, the last %u from the pool: %u of "
		   "them poisoned pages (%u poisoned); %u dirty, %u canary "
		   "byte(s)",
		   scan.pages, batch, scan.hits, poisoned, scan.dirty_pages,
		   scan.canary_bytes);
	KT_EXPECT_EQ(batch, NETFRONT_RX_BATCH);
	/* The test proves something only if poisoned pages were posted. */
	KT_EXPECT(scan.hits >= 1);
	/* The pool is a stack: the batch takes poisoned pages first. */
	KT_EXPECT_EQ(scan.hits, MIN(poisoned, batch));
	KT_EXPECT_EQ(scan.dirty_pages, 0);
}

/* ---- at the backend: hostile-netback's scan of every granted page ---- */

enum {
	TX_PAGES,
	TX_DIRTY,
	TX_CANARY,
	TX_ERRORS,
	RX_PAGES,
	RX_DIRTY,
	RX_CANARY,
	RX_ERRORS,
	NSCAN
};
static const char *const scan_keys[NSCAN] = {
    "tx_pages", "tx_dirty", "tx_canary", "tx_errors",
    "rx_pages", "rx_dirty", "rx_canary", "rx_errors",
};
#define SHORT_FRAMES 16
#define SCAN_WAIT_NS (3 * NFT_TIMEOUT_NS)

/* The backend's counts (its node ktest-scan); false if unreadable. */
static bool read_scan(uint64_t v[NSCAN])
{
	char be[NETFRONT_PATH_MAX], path[NETFRONT_PATH_MAX + 16], buf[192];

	if (xs_read(XS_TXN_NIL, NETFRONT_DEV "/backend", be, sizeof(be)) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/ktest-scan", be);
	if (xs_read(XS_TXN_NIL, path, buf, sizeof(buf)) < 0)
		return false;
	for (unsigned int i = 0; i < NSCAN; i++)
		if (!net_peer_value(buf, scan_keys[i], &v[i]))
			return false;
	return true;
}

struct scan_goal {
	unsigned int key;
	uint64_t at_least;
	uint64_t v[NSCAN];
};

static bool scan_reached(void *arg)
{
	struct scan_goal *g = arg;

	return read_scan(g->v) && g->v[g->key] >= g->at_least;
}

/* Wait (the backend publishes every 100 ms) until v[key] >= at_least. */
static bool wait_scan(unsigned int key, uint64_t at_least, uint64_t v[NSCAN])
{
	struct scan_goal g = {.key = key, .at_least = at_least};
	bool ok = nft_wait_rings(scan_reached, &g, SCAN_WAIT_NS);

	memcpy(v, g.v, sizeof(g.v));
	return ok;
}

static bool never(void *arg)
{
	return false;
}

/*
 * The backend publishes every 100 ms: with nothing in flight for longer
 * than that, what it published last is exact, a baseline that no later
 * count can overtake before our own requests were scanned.
 */
static bool settled_scan(uint64_t v[NSCAN])
{
	if (!nft_wait_tx_idle())
		return false;
	nft_wait_rings(never, NULL, 300 * NFT_MS);
	return read_scan(v);
}

#define NEED_SCAN()                                                            \
	do {                                                                   \
		NFT_NEED_GOOD();                                               \
		if (!expect_netfront_mode("good"))                             \
			KT_SKIP("needs hostile-netback good (its page scan)"); \
	} while (0)

KTEST(msa01, tx_clean_at_backend)
{
	struct netfront *nf = netfront_dev();
	uint64_t a[NSCAN] = {0}, b[NSCAN] = {0};
	unsigned int poisoned = 0, sent = 0;

	NEED_SCAN();
	/* The node is there from the 1st RX frame at connect on. */
	KT_ASSERT(wait_scan(RX_PAGES, 1, a));
	KT_ASSERT(fill_pool(1));
	KT_ASSERT(settled_scan(a));
	memset(&scan, 0, sizeof(scan));
	scan.fill = 0x5a;
	nf->hooks.tx_push = tx_push;
	for (unsigned int i = 0; i < SHORT_FRAMES; i++) {
		/* Each short frame takes a pool page full of canary. */
		bool irq = netfront_lock();

		poisoned += poison_pool(nf) > 0;
		sent += nft_send_test(60, 0x5a) == 0;
		netfront_unlock(irq);
		KT_EXPECT(nft_wait_tx_idle());
	}
	nf->hooks.tx_push = NULL;
	KT_EXPECT(wait_scan(TX_PAGES, a[TX_PAGES] + sent, b));
	ktest_diag("backend scanned %lu TX page(s): %lu dirty, %lu canary "
		   "byte(s) outside the requests, %lu unmappable",
		   (unsigned long)(b[TX_PAGES] - a[TX_PAGES]),
		   (unsigned long)(b[TX_DIRTY] - a[TX_DIRTY]),
		   (unsigned long)(b[TX_CANARY] - a[TX_CANARY]),
		   (unsigned long)(b[TX_ERRORS] - a[TX_ERRORS]));
	KT_EXPECT_EQ(poisoned, SHORT_FRAMES);
	KT_EXPECT_EQ(sent, SHORT_FRAMES);
	KT_EXPECT_EQ(scan.hits, SHORT_FRAMES);
	KT_EXPECT(b[TX_PAGES] - a[TX_PAGES] >= sent);
	KT_EXPECT_EQ(b[TX_ERRORS] - a[TX_ERRORS], 0);
	KT_EXPECT_EQ(b[TX_DIRTY] - a[TX_DIRTY], 0);
	KT_EXPECT_EQ(b[TX_CANARY] - a[TX_CANARY], 0);
}

static bool rx_answered_up_to(void *arg)
{
	struct netfront *nf = netfront_dev();

	return (int32_t)(nf->rx.rsp_cons - *(RING_IDX *)arg) >= 0 ||
	       nf->state.broken;
}

KTEST(msa01, rx_clean_at_backend)
{
	struct netfront *nf = netfront_dev();
	uint64_t a[NSCAN] = {0}, b[NSCAN] = {0};
	unsigned int poisoned, rounds = 0;
	RING_IDX goal, cons0;

	NEED_SCAN();
	KT_ASSERT(wait_scan(RX_PAGES, 1, a));
	KT_ASSERT(fill_pool(POOL_FILL));
	KT_ASSERT(settled_scan(a));
	cons0 = nf->rx.rsp_cons;
	memset(&scan, 0, sizeof(scan));
	nf->hooks.rx_post = rx_post;
	poisoned = post_poisoned_batch(nf);
	nf->hooks.rx_post = NULL;
	goal = nf->rx.req_prod_pvt;
	/*
	 * The backend takes buffers in ring order: frames until it has
	 * answered every buffer up to the poisoned batch (one RX frame for
	 * each TX frame), so each was mapped and scanned before its answer.
	 */
	while (!rx_answered_up_to(&goal) && rounds++ < 16) {
		for (unsigned int i = 0; i < 32; i++)
			nft_send_test(60, 0x11);
		nft_wait_rings(rx_answered_up_to, &goal, NFT_TIMEOUT_NS / 5);
	}
	KT_EXPECT(rx_answered_up_to(&goal));
	KT_EXPECT(
	    wait_scan(RX_PAGES, a[RX_PAGES] + (uint32_t)(goal - cons0), b));
	ktest_diag("%u poisoned pool page(s) posted (%u poisoned); backend "
		   "scanned %lu RX buffer(s): %lu dirty, %lu canary byte(s), "
		   "%lu unmappable",
		   scan.hits, poisoned,
		   (unsigned long)(b[RX_PAGES] - a[RX_PAGES]),
		   (unsigned long)(b[RX_DIRTY] - a[RX_DIRTY]),
		   (unsigned long)(b[RX_CANARY] - a[RX_CANARY]),
		   (unsigned long)(b[RX_ERRORS] - a[RX_ERRORS]));
	KT_EXPECT(scan.hits >= 1);
	KT_EXPECT(b[RX_PAGES] - a[RX_PAGES] >= (uint32_t)(goal - cons0));
	KT_EXPECT_EQ(b[RX_ERRORS] - a[RX_ERRORS], 0);
	KT_EXPECT_EQ(b[RX_DIRTY] - a[RX_DIRTY], 0);
	KT_EXPECT_EQ(b[RX_CANARY] - a[RX_CANARY], 0);
}
