/*
 * The seam between network drivers (drivers/netfront) and the network
 * layer (kernel/net).  A driver registers a struct netdev; the stack sends
 * frames through ops->xmit and the driver hands received frames to
 * netdev_rx().  Frames are whole Ethernet frames without FCS.
 */
#ifndef KERNEL_NET_NETDEV_H
#define KERNEL_NET_NETDEV_H

#include "lib/compiler.h"

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_MTU	      1500
#define ETH_FRAME_MAX (ETH_HLEN + ETH_MTU)

struct netdev;

struct netdev_ops {
	/*
	 * Queue one frame for transmission; the driver copies it before
	 * returning (the caller's buffer is free again).  Returns 0, or
	 * -EAGAIN when the ring is full (caller may retry after
	 * netdev_poll()), -ENETDOWN when not connected / broken.
	 */
	int (*xmit)(struct netdev *dev, const void *frame, size_t len);
	/* Process completions and received frames without an interrupt. */
	void (*poll)(struct netdev *dev);
};

struct netdev_stats {
	uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
};

struct netdev {
	const char *name;
	uint8_t mac[ETH_ALEN];
	bool up;
	const struct netdev_ops *ops;
	struct netdev_stats stats;
	void *priv; /* the driver's */
	/* set by the stack when it attaches */
	void (*rx)(struct netdev *dev, const void *frame, size_t len);
	struct netdev *next;
};

/* Make a device known to the stack (drivers call this when connected). */
void netdev_register(struct netdev *dev);
void netdev_unregister(struct netdev *dev);
/* The first registered device, or NULL. */
struct netdev *netdev_first(void);
/*
 * Deliver a received frame to the stack; `frame` is only valid during
 * the call (the driver recycles its buffer afterwards).
 */
void netdev_rx(struct netdev *dev, const void *frame, size_t len);
/*
 * The frame's TCP/UDP checksum is not to be checked: its peer checked it,
 * or left it blank for a frame that never left the host (netif.h's
 * NETRXF_data_validated, NETRXF_csum_blank).  The IPv4 header's checksum
 * is still checked.
 */
#define NETDEV_RX_CSUM_OK 1u
/* netdev_rx() with NETDEV_RX_* flags for this frame. */
void netdev_rx_flags(struct netdev *dev, const void *frame, size_t len,
		     unsigned int flags);
/*
 * Frames netdev_rx() queued that the stack has not processed yet (a
 * driver's wait loop wakes for them, as for its own work).
 */
bool net_rxq_pending(void);
/*
 * Frames netdev_rx() can still queue now.  A driver that can leave frames
 * on its peer's ring (netback, issue 8) takes no more than this, so the
 * queue never drops what it was handed: the peer is pushed back instead.
 * Without a queue nothing would ever be queued: no bound (SIZE_MAX).
 */
size_t netdev_rx_room(void);

#endif
