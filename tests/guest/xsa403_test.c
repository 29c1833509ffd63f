/*
 * XSA-403 (https://xenbits.xen.org/xsa/advisory-403.html): Linux's block
 * and network frontends granted pages that held more than the request:
 * unzeroed memory, or a sub-page buffer with unrelated data around it in
 * the same page, all of which the backend can read.  The rule: a granted
 * page holds this use's bytes and zeros only; netfront copies every TX
 * frame into a page of its own (zeroed around the frame) rather than
 * granting the caller's buffer.
 *
 * Detection at the real boundary: hostile-netback tx-scan reads the whole
 * page of every TX grant with a grant copy and answers NETIF_RSP_ERROR if
 * any byte outside the request's offset and length is not zero.  We send
 * frames from a buffer surrounded by a canary, as a stack's buffers are
 * surrounded by other data.  BUGGY=xsa403 grants the buffer's own page.
 */
#include "kernel/mm/mm.h"
#include "lib/string.h"
#include "tests/guest/netfront_test.h"

#define FRAMES	  8
#define FRAME_LEN 60
#define CANARY	  0xa5

KTEST(xsa403, tx_page_holds_only_the_frame)
{
	struct netfront_stats before, st;
	struct netfront_state nbefore, ns;
	uint8_t *buf;
	unsigned int i;

	NFT_USE_HOSTILE("tx-scan", NULL, NULL);
	/* The frames' source page, from the heap while it runs (issue 11). */
	buf = mm_page_alloc(0);
	KT_ASSERT(buf);
	netfront_get_stats(&before);
	netfront_get_state(&nbefore);
	/* Unrelated data all around the frames. */
	memset(buf, CANARY, PAGE_SIZE);
	for (i = 0; i < FRAMES; i++) {
		uint8_t *f = buf + 100 + 480 * i;

		memset(f, 0xff, 6); /* broadcast: the backend takes anything */
		memcpy(f + 6, nbefore.mac, 6);
		f[12] = 0x88;
		f[13] = 0xb5;
		KT_EXPECT_EQ(netfront_xmit(f, FRAME_LEN), 0);
		KT_EXPECT(nft_wait_tx_idle());
	}
	netfront_get_stats(&st);
	netfront_get_state(&ns);
	ktest_diag("%lu frame(s) answered OKAY, %lu ERROR (the backend saw "
		   "bytes beyond the frame)",
		   (unsigned long)(st.tx_packets - before.tx_packets),
		   (unsigned long)(st.tx_errors - before.tx_errors));
	/* The backend read every page whole and found only the frames. */
	KT_EXPECT_EQ(st.tx_errors, before.tx_errors);
	KT_EXPECT_EQ(st.tx_packets, before.tx_packets + FRAMES);
	KT_EXPECT(!ns.broken);
	mm_page_free(buf, 0);
}
