/*
 * XSA-155 (https://xenbits.xen.org/xsa/advisory-155.html): frontends and
 * backends read a field of a shared ring slot more than once; a peer that
 * rewrites the slot between the check and the use gets an unchecked value
 * used (there: an offset and length read again for a copy).  The rule:
 * each response is copied once (RING_COPY_RESPONSE), the copy validated
 * and only the copy used.
 *
 * Detection without a race: hostile-netback rx-rewrite publishes a valid
 * RX answer (offset 0, 64 bytes), then waits for our word.  Our rx_done
 * hook runs after netfront copied and validated the answer and before it
 * uses it; it writes the slot's ring index into the RX ring's padding and
 * waits until the backend has rewritten the slot to offset 4000, length
 * 200 (past the page).  A kernel that reads the slot again at the use
 * (BUGGY=xsa155) delivers 200 bytes from offset 4000; ours delivers the
 * 64-byte frame from offset 0 it checked.
 */
#include "kernel/time.h"
#include "lib/string.h"
#include "tests/guest/netfront_test.h"
#include "tests/peer/nb_mailbox.h"

struct rw {
	unsigned int asked, rewritten, frames, bad;
	size_t bad_len;
	uintptr_t bad_off;
};

/* Interrupts are off: wait on the clock, at most NB_RW_WAIT_MS / 2. */
static void ask_rewrite(void *arg, uint16_t id, int16_t status)
{
	struct netfront *nf = netfront_dev();
	uint8_t *pad = nf->rx.sring->__pad;
	/* rx_pass consumed the slot before handing us its copy. */
	uint32_t want = nf->rx.rsp_cons;
	uint64_t until = time_now_ns() + NB_RW_WAIT_MS / 2 * NFT_MS;
	struct rw *r = arg;

	if (status < 0)
		return;
	r->asked++;
	__atomic_store_n((uint32_t *)(pad + NB_RW_ASK), want, __ATOMIC_RELEASE);
	while (time_now_ns() < until) {
		if (__atomic_load_n((uint32_t *)(pad + NB_RW_DONE),
				    __ATOMIC_ACQUIRE) == want) {
			r->rewritten++;
			return;
		}
	}
}

/* What reached the stack: the checked 64-byte frame at offset 0. */
static void check_frame(void *arg, const void *frame, size_t len)
{
	static const char text[] = "ktest-netback rx";
	const uint8_t *f = frame;
	struct rw *r = arg;

	r->frames++;
	if (((uintptr_t)f & (PAGE_SIZE - 1)) == 0 && len == 64 &&
	    f[12] == 0x88 && f[13] == 0xb5 &&
	    !memcmp(f + 14, text, sizeof(text) - 1))
		return;
	r->bad++;
	r->bad_len = len;
	r->bad_off = (uintptr_t)f & (PAGE_SIZE - 1);
}

KTEST(xsa155, rx_slot_rewritten_after_check)
{
	struct netfront *nf = netfront_dev();
	struct netfront_state ns;
	struct rw r = {0};
	uint8_t *pad;
	bool got;

	NFT_USE_HOSTILE("rx-rewrite", NULL, NULL);
	pad = nf->rx.sring->__pad;
	nf->hooks.arg = &r;
	nf->hooks.rx_done = ask_rewrite;
	nf->hooks.rx_frame = check_frame;
	__atomic_store_n((uint32_t *)(pad + NB_RW_ARM), NB_RW_ARMED,
			 __ATOMIC_RELEASE);
	/* Each probe we send is answered with one RX frame. */
	got = nft_provoke_rx(4);
	__atomic_store_n((uint32_t *)(pad + NB_RW_ARM), 0, __ATOMIC_RELEASE);
	nf->hooks.rx_done = NULL;
	nf->hooks.rx_frame = NULL;
	netfront_get_state(&ns);
	ktest_diag("%u answer(s) rewritten after our check, %u frame(s), %u "
		   "bad (last: offset %lu, %lu bytes)",
		   r.rewritten, r.frames, r.bad, (unsigned long)r.bad_off,
		   (unsigned long)r.bad_len);
	KT_EXPECT(got);
	/* The backend really did rewrite the slots we had checked... */
	KT_ASSERT(r.rewritten >= 1);
	/* ...and nothing of what it wrote afterwards was used. */
	KT_EXPECT_EQ(r.bad, 0);
	KT_EXPECT_EQ(r.frames, r.asked);
	KT_EXPECT(!ns.broken);
}
