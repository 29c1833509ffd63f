/*
 * The receive queue: netdev_rx(), the driver's way in (netdev.h), and the
 * consumer side net_poll() drains.
 *
 * netdev_rx() runs in the driver's interrupt handler as often as in thread
 * context, so it only copies the frame into a slot of a fixed ring and
 * returns; net_poll() consumes the ring in thread context.  The ring has
 * one consumer (net_poll, never nested) and producers in both contexts, so
 * a producer runs with interrupts off; the consumer publishes a freed slot
 * only after it has finished with the frame in it.
 *
 * The ring's pages are allocated when the first device registers, so a
 * kernel without a network device spends no memory on it.
 */
#include "kernel/arch.h"
#include "kernel/mm/mm.h"
#include "kernel/net/net_priv.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * At least netfront's RX ring (256): one interrupt can deliver a whole ring
 * of frames before the thread that drains us runs again.
 */
#define RXQ_ORDER 7 /* 512 KiB: 256 slots */
/* In a small guest a smaller ring beats none: down to 8 slots. */
#define RXQ_MIN_ORDER 2
#define RXQ_SLOT_SIZE 2048
#define RXQ_SLOTS_MAX ((PAGE_SIZE << RXQ_ORDER) / RXQ_SLOT_SIZE)

BUILD_BUG_ON(RXQ_SLOT_SIZE < ETH_FRAME_MAX + sizeof(uint64_t));
BUILD_BUG_ON((RXQ_SLOTS_MAX & (RXQ_SLOTS_MAX - 1)) != 0);

/* The frame 8-byte aligned: memcpy() then copies it a word at a time. */
struct rxq_slot {
	uint32_t len;
	uint32_t flags; /* NETDEV_RX_* */
	uint8_t data[RXQ_SLOT_SIZE - sizeof(uint64_t)];
};

/* Free-running indices; prod - cons <= rxq_slots (a power of two). */
static struct rxq_slot *rxq;
static uint32_t rxq_slots;
static uint32_t rxq_prod, rxq_cons;

int net_rxq_alloc(void)
{
	if (rxq)
		return 0; /* kept for good: a reconnect reuses it */
	for (unsigned int order = RXQ_ORDER; !rxq && order >= RXQ_MIN_ORDER;
	     order--) {
		rxq = mm_page_alloc(order);
		rxq_slots = (uint32_t)((PAGE_SIZE << order) / RXQ_SLOT_SIZE);
	}
	if (!rxq) {
		pr_err("net: no memory for the receive queue\n");
		return -ENOMEM;
	}
	if (rxq_slots < RXQ_SLOTS_MAX)
		pr_warn("net: receive queue of %u slots only\n", rxq_slots);
	rxq_prod = rxq_cons = 0;
	return 0;
}

void netdev_rx(struct netdev *dev, const void *frame, size_t len)
{
	netdev_rx_flags(dev, frame, len, 0);
}

void netdev_rx_flags(struct netdev *dev, const void *frame, size_t len,
		     unsigned int flags)
{
	struct net_stats *st = &net_state.st;
	struct rxq_slot *slot;
	bool on;

	/* The driver validated its ring; the length is still theirs. */
	if (len > ETH_FRAME_MAX) {
		st->rx_oversize++;
		return;
	}
	if (len < ETH_HLEN) {
		st->rx_runt++;
		return;
	}
	on = arch_irq_save();
	if (!rxq || dev != net_state.dev) {
		st->rx_no_queue++;
	} else if (rxq_prod - rxq_cons >= rxq_slots) {
		st->rx_queue_full++;
	} else {
		slot = &rxq[rxq_prod & (rxq_slots - 1)];
		memcpy(slot->data, frame, len);
		slot->len = (uint32_t)len;
		slot->flags = flags & NETDEV_RX_CSUM_OK;
		/* Slot contents before the index that publishes them. */
		wmb();
		rxq_prod++;
		st->rx_frames++;
		st->rx_bytes += len;
	}
	arch_irq_restore(on);
}

bool net_rxq_pending(void)
{
	return READ_ONCE(rxq_prod) != rxq_cons;
}

size_t netdev_rx_room(void)
{
	if (!rxq)
		return SIZE_MAX;
	return rxq_slots - (READ_ONCE(rxq_prod) - rxq_cons);
}

bool net_rxq_peek(const uint8_t **frame, size_t *len, unsigned int *flags)
{
	const struct rxq_slot *slot;

	if (!net_rxq_pending())
		return false;
	/* Pairs with the wmb() in netdev_rx(). */
	rmb();
	slot = &rxq[rxq_cons & (rxq_slots - 1)];
	*frame = slot->data;
	*len = slot->len;
	*flags = slot->flags;
	return true;
}

void net_rxq_pop(void)
{
	/* Done with the slot before a producer may reuse it. */
	barrier();
	/* A flush (device gone) may have emptied the ring meanwhile. */
	if (rxq_cons != READ_ONCE(rxq_prod))
		WRITE_ONCE(rxq_cons, rxq_cons + 1);
}

void net_rxq_flush(void)
{
	bool on = arch_irq_save();

	rxq_cons = rxq_prod;
	arch_irq_restore(on);
}
