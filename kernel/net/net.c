/*
 * The stack's core: configuration (`ip=`), the poll loop, transmit, and
 * statistics.  The clock comes in through net_set_clock() so this file and
 * the protocol files build unchanged into the host unit tests; the kernel
 * glue (waiting, the kernel clock) is in net_kernel.c.
 */
#include "kernel/cmdline.h"
#include "kernel/net/net_priv.h"
#include "kernel/printk.h"
#include "lib/checksum.h"
#include "lib/errno.h"
#include "lib/string.h"

/* -EAGAIN from the driver: reap its completions and retry this often. */
#define TX_RETRIES 64

struct net_state net_state;

static uint8_t tx_frame[ETH_FRAME_MAX];

uint8_t *net_tx_frame(void)
{
	return tx_frame;
}

/*
 * The Internet checksum's partial sum of src (lib/checksum.h semantics),
 * copying it to dst on the way when dst is not NULL.  Eight bytes a step
 * at any alignment (unaligned loads are fine on x86; __builtin_memcpy of
 * a constant 8 is one move), where lib's portable csum_partial() and
 * memcpy() fall back to bytes: on the datagram path that is most of the
 * per-packet cost.  The 64-bit accumulator cannot overflow for any frame.
 */
static uint32_t csum_words(void *dst, const void *src, size_t len, uint32_t sum)
{
	const uint8_t *s = src;
	uint8_t *d = dst;
	uint64_t acc = sum;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		__builtin_memcpy(&w, s + i, 8);
		if (d)
			__builtin_memcpy(d + i, &w, 8);
		w = __builtin_bswap64(w);
		acc += (w >> 32) + (w & 0xffffffffU);
	}
	if (d)
		memcpy(d + i, s + i, len - i);
	acc = (acc & 0xffffffffU) + (acc >> 32);
	acc = (acc & 0xffffffffU) + (acc >> 32);
	/* The tail starts at an even offset: csum_partial() may go on. */
	return csum_partial(s + i, len - i, (uint32_t)acc);
}

uint32_t net_csum(const void *buf, size_t len, uint32_t sum)
{
	return csum_words(NULL, buf, len, sum);
}

uint32_t net_csum_copy(void *dst, const void *src, size_t len, uint32_t sum)
{
	return csum_words(dst, src, len, sum);
}

/* One decimal octet of a dotted quad: 1-3 digits, at most 255. */
static const char *parse_octet(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	int n = 0;

	while (*s >= '0' && *s <= '9' && n < 4) {
		v = v * 10 + (uint32_t)(*s++ - '0');
		n++;
	}
	if (n == 0 || n > 3 || v > 255)
		return NULL;
	*out = v;
	return s;
}

static bool usable_host_addr(uint32_t addr, unsigned int prefix)
{
	uint32_t mask = ~0U << (32 - prefix);
	uint8_t first = addr >> 24;

	if (first == 0 || first == 127 || first >= 224)
		return false; /* this-net, loopback, multicast, class E */
	return (addr & ~mask) != 0 && (addr & ~mask) != ~mask;
}

int net_parse_cidr(const char *s, uint32_t *addr, unsigned int *prefix)
{
	uint32_t a = 0, o, p;

	for (int i = 0; i < 4; i++) {
		s = parse_octet(s, &o);
		if (!s || *s != (i < 3 ? '.' : '/'))
			return -EINVAL;
		s++;
		a = a << 8 | o;
	}
	s = parse_octet(s, &p);
	/* /31 and /32 leave no room for the broadcast rules we apply. */
	if (!s || *s || p < 1 || p > 30 || !usable_host_addr(a, p))
		return -EINVAL;
	*addr = a;
	*prefix = p;
	return 0;
}

int net_set_ipv4(uint32_t addr, unsigned int prefix)
{
	if (prefix < 1 || prefix > 30 || !usable_host_addr(addr, prefix))
		return -EINVAL;
	net_state.ip = addr;
	net_state.mask = ~0U << (32 - prefix);
	net_state.announce = true;
	return 0;
}

static int set_ip(const char *v)
{
	uint32_t addr;
	unsigned int prefix;

	if (net_parse_cidr(v, &addr, &prefix)) {
		pr_err("net: ip=%s: want A.B.C.D/N, a host address, N 1-30\n",
		       v);
		return -EINVAL;
	}
	return net_set_ipv4(addr, prefix);
}
KPARAM("ip", set_ip);

uint32_t net_ipv4_addr(void)
{
	return net_state.ip;
}

struct netdev *net_dev(void)
{
	return net_state.dev;
}

bool net_ready(void)
{
	struct netdev *d = net_state.dev;

	return d && READ_ONCE(d->up) && net_state.ip;
}

void net_set_clock(uint64_t (*now_ns)(void))
{
	net_state.now_ns = now_ns;
}

int net_xmit(const void *frame, size_t len)
{
	struct netdev *d = net_state.dev;
	struct net_stats *st = &net_state.st;
	int rc = -ENETDOWN;

	if (!d || !READ_ONCE(d->up)) {
		st->tx_no_dev++;
		return -ENETDOWN;
	}
	for (int i = 0; i <= TX_RETRIES; i++) {
		rc = d->ops->xmit(d, frame, len);
		if (rc != -EAGAIN)
			break;
		/* Ring full: completions free slots; received frames only
		 * queue (netdev_rx), so this cannot recurse into us. */
		if (d->ops->poll)
			d->ops->poll(d);
	}
	if (!rc) {
		st->tx_frames++;
		st->tx_bytes += len;
	} else if (rc == -EAGAIN) {
		st->tx_busy++;
	} else {
		st->tx_errors++;
	}
	return rc;
}

static void drain(void)
{
	const uint8_t *frame;
	size_t len;
	/* Bounded: a peer flooding us cannot keep one poll running. */
	unsigned int budget = 256;

	while (budget-- && net_rxq_peek(&frame, &len)) {
		net_eth_input(frame, len);
		net_state.rx_ctx.valid = false;
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

void net_get_stats(struct net_stats *st)
{
	*st = net_state.st;
}

void net_reset(void)
{
	net_rxq_flush();
	net_arp_flush();
	net_udp_reset();
	memset(&net_state.st, 0, sizeof(net_state.st));
	net_state.rx_ctx.valid = false;
}
