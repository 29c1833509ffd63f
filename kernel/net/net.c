/*
 * The top of the stack: device registration, the poll loop that runs
 * every layer in thread context, and reset.  The one file that calls down
 * into the protocols (eth input, ARP timers) and the receive queue; none
 * of them calls back up here.
 */
#include "kernel/arch.h"
#include "kernel/net/net_priv.h"
#include "kernel/printk.h"
#include "lib/string.h"

static struct netdev *devices;

void netdev_register(struct netdev *dev)
{
	bool on;

	dev->rx = netdev_rx;
	(void)net_rxq_alloc();
	on = arch_irq_save();
	dev->next = devices;
	devices = dev;
	if (!net_state.dev)
		net_state.dev = dev;
	arch_irq_restore(on);
	/* Announce ourselves from thread context, at the next poll. */
	net_state.announce = true;
	pr_info("net: %s registered, MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
		dev->name ? dev->name : "?", dev->mac[0], dev->mac[1],
		dev->mac[2], dev->mac[3], dev->mac[4], dev->mac[5]);
}

void netdev_unregister(struct netdev *dev)
{
	struct netdev **pp;
	bool on = arch_irq_save();

	for (pp = &devices; *pp; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			break;
		}
	}
	dev->next = NULL;
	if (net_state.dev == dev) {
		net_state.dev = devices;
		/* Queued frames and cached neighbours were that device's. */
		net_rxq_flush();
	}
	arch_irq_restore(on);
	if (!net_state.dev)
		net_arp_flush();
}

struct netdev *netdev_first(void)
{
	struct netdev *d = devices;

	while (d && d->next)
		d = d->next;
	return d;
}

static void drain(void)
{
	const uint8_t *frame;
	size_t len;
	unsigned int flags;
	/* Bounded: a peer flooding us cannot keep one poll running. */
	unsigned int budget = 256;

	while (budget-- && net_rxq_peek(&frame, &len, &flags)) {
		net_state.rx_ctx.csum_ok = flags & NETDEV_RX_CSUM_OK;
		net_eth_input(frame, len);
		net_state.rx_ctx.valid = false;
		net_state.rx_ctx.csum_ok = false;
		net_rxq_pop();
	}
}

void net_poll(void)
{
	static bool polling;
	struct netdev *d = net_state.dev;

	/* A receive callback that polls would re-enter the queue. */
	if (polling)
		return;
	polling = true;
	if (d && d->ops->poll)
		d->ops->poll(d);
	drain();
	if (net_state.announce && net_ready()) {
		net_state.announce = false;
		net_arp_announce();
	}
	net_arp_tick();
	polling = false;
}

void net_reset(void)
{
	net_rxq_flush();
	net_arp_flush();
	net_udp_reset();
	memset(&net_state.st, 0, sizeof(net_state.st));
	net_state.rx_ctx.valid = false;
}
