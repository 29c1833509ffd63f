/*
 * kernel/net: a minimal IPv4 host stack over one Ethernet netdev.
 * Ethernet, ARP (replies, requests, a small cache with expiry, a
 * gratuitous announcement when the device comes up), IPv4 without
 * fragments, ICMP echo replies, UDP with per-port receive callbacks and an
 * echo service on NET_ECHO_PORT.  Our address comes from `ip=A.B.C.D/N`.
 *
 * Execution model (single CPU, no threads):
 * - netdev_rx() may be called by a driver in interrupt context.  It only
 *   copies the frame into a bounded receive queue (or drops and counts it
 *   when the queue is full) and returns: no parsing, no transmit, so a
 *   driver's xmit is never re-entered from its own interrupt.
 * - net_poll() does all the work in thread context: it lets the driver
 *   reap (ops->poll), drains the queue through Ethernet/ARP/IP/ICMP/UDP,
 *   sends replies, and runs ARP timers.  Receive callbacks run inside it
 *   and may send.  Nothing happens while nobody polls: tests that expect
 *   traffic poll, e.g. through net_wait().
 *
 * Every frame is input from another domain: each header length, total
 * length and offset is checked against what was received before use, with
 * comparisons that cannot overflow; every reason a frame is dropped has its
 * own counter in struct net_stats.
 *
 * Addresses and ports in this API are host-order numbers
 * (192.0.2.1 is 0xc0000201), as in lib/checksum.h.
 */
#ifndef KERNEL_NET_NET_H
#define KERNEL_NET_NET_H

#include "kernel/net/netdev.h"
#include "lib/compiler.h"

#define NET_ECHO_PORT 7
#define NET_IP(a, b, c, d)                                                     \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 |      \
	 (uint32_t)(d))
/* Largest UDP payload in one unfragmented frame: 1500 - 20 - 8. */
#define NET_UDP_MAX_PAYLOAD 1472
/* Largest ICMP echo data we send: 1500 - 20 - 8. */
#define NET_ICMP_MAX_DATA 1472

struct net_stats {
	/* Ethernet and the receive queue */
	uint64_t rx_frames, rx_bytes;  /* accepted into the queue */
	uint64_t rx_queue_full;	       /* dropped: queue full */
	uint64_t rx_no_queue;	       /* dropped: no device / no memory */
	uint64_t rx_runt, rx_oversize; /* shorter than a header / > max */
	uint64_t rx_not_for_us;	       /* destination MAC not ours/bcast */
	uint64_t rx_bad_src_mac;       /* source MAC multicast or ours */
	uint64_t rx_unknown_type;      /* ethertype neither ARP nor IPv4 */
	/* ARP */
	uint64_t arp_rx, arp_bad; /* bad htype/ptype/hlen/plen/op/len */
	uint64_t arp_bad_sender;  /* sender address unusable */
	uint64_t arp_not_for_us, arp_conflict;
	uint64_t arp_replies_sent, arp_requests_sent, arp_announces_sent;
	uint64_t arp_replies_rx, arp_learned, arp_evicted, arp_expired;
	uint64_t arp_unresolved;      /* gave up: no reply to requests */
	uint64_t arp_pending_dropped; /* queued frame replaced / lost */
	/* IPv4 */
	uint64_t ip_rx, ip_truncated, ip_bad_version, ip_bad_ihl;
	uint64_t ip_bad_len; /* total length vs header / frame */
	uint64_t ip_bad_csum, ip_fragments, ip_ttl_zero;
	uint64_t ip_not_for_us, ip_bad_src, ip_unknown_proto;
	/* ICMP */
	uint64_t icmp_rx, icmp_truncated, icmp_bad_csum;
	uint64_t icmp_echo_answered, icmp_echo_bcast_ignored;
	uint64_t icmp_echo_replies_rx, icmp_other;
	/* UDP */
	uint64_t udp_rx, udp_truncated, udp_bad_len, udp_bad_csum;
	uint64_t udp_no_port, udp_delivered, udp_echoed;
	/* Transmit */
	uint64_t tx_frames, tx_bytes;
	uint64_t tx_busy;     /* driver ring stayed full: dropped */
	uint64_t tx_errors;   /* driver refused (down, broken) */
	uint64_t tx_no_dev;   /* no device up, or no address */
	uint64_t tx_no_route; /* destination not on our subnet */
};

/* ---- Configuration ---- */

/*
 * Parse "A.B.C.D/N" (decimal, no spaces, 1 <= N <= 30).  Returns 0 with
 * *addr and *prefix set, or -EINVAL.  Refused: a malformed string,
 * address 0.0.0.0, loopback, multicast or class E, and the network or
 * broadcast address of its own subnet.
 */
int net_parse_cidr(const char *s, uint32_t *addr, unsigned int *prefix);
/* Set our address (the `ip=` key calls this); 0 or -EINVAL. */
int net_set_ipv4(uint32_t addr, unsigned int prefix);
/* Our address, or 0 when none was configured. */
uint32_t net_ipv4_addr(void);
/* A device is attached and up, and we have an address. */
bool net_ready(void);
/* The attached device (the first registered), or NULL. */
struct netdev *net_dev(void);
/* Clock for ARP timers, in monotonic ns (the kernel installs its own). */
void net_set_clock(uint64_t (*now_ns)(void));

/* ---- Running the stack ---- */

/* Reap the driver, process queued frames, run timers.  Thread context. */
void net_poll(void);
/*
 * Poll until cond(arg) is true or `timeout_ns` passed, sleeping until the
 * next interrupt when there is nothing to do.  cond is called in thread
 * context after each poll.  Returns 0 or -ETIMEDOUT.
 */
int net_wait(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns);

/* ---- ARP ---- */

/* Cached MAC of `ip` into mac: 0, or -ENOENT (no request is sent). */
int net_arp_lookup(uint32_t ip, uint8_t mac[ETH_ALEN]);
/* Look up, else request and poll until answered: 0, -ETIMEDOUT, -errno. */
int net_arp_resolve(uint32_t ip, uint8_t mac[ETH_ALEN], uint64_t timeout_ns);
/* Forget every cache entry (frames waiting on one are dropped). */
void net_arp_flush(void);

/* ---- UDP ---- */

/*
 * Receive callback: runs inside net_poll(); `data` is valid only during
 * the call.  May send (net_udp_send()).
 */
typedef void (*net_udp_rx_t)(uint32_t src_ip, uint16_t src_port,
			     uint16_t dst_port, const void *data, size_t len,
			     void *arg);
/* Deliver datagrams for `port` to cb: 0, -EADDRINUSE, -ENOSPC, -EINVAL. */
int net_udp_bind(uint16_t port, net_udp_rx_t cb, void *arg);
void net_udp_unbind(uint16_t port);
/*
 * Send one datagram (len <= NET_UDP_MAX_PAYLOAD) from our address.  When
 * the destination's MAC is not known yet, an ARP request goes out and the
 * frame waits (one per destination) until the reply: 0 is returned then.
 * Returns 0, -EMSGSIZE, -ENETUNREACH (not on our subnet), -ENETDOWN,
 * -EAGAIN (driver ring full, counted as tx_busy), or the driver's -errno.
 */
int net_udp_send(uint32_t dst_ip, uint16_t src_port, uint16_t dst_port,
		 const void *data, size_t len);

/* ---- ICMP ---- */

/* Send an echo request (len <= NET_ICMP_MAX_DATA); as net_udp_send(). */
int net_icmp_echo_send(uint32_t dst_ip, uint16_t id, uint16_t seq,
		       const void *data, size_t len);

/* ---- Statistics and test support ---- */

void net_get_stats(struct net_stats *st);
/*
 * Back to the state after boot, for tests: statistics zeroed, ARP cache
 * and receive queue emptied, UDP bindings but the echo service removed.
 * The device and the address stay.
 */
void net_reset(void);

#endif
