/*
 * The stack's base, below every protocol file: its state and
 * configuration (`ip=`), our address and device, the transmit path, and
 * statistics.  Calls nothing of the stack above it: the poll loop and
 * device registration that drive the layers are net.c's.  The clock comes
 * in through net_set_clock() so the stack builds unchanged into the host
 * unit tests; the kernel glue (waiting, the kernel clock) is net_kernel.c.
 */
#include "kernel/cmdline.h"
#include "kernel/net/net_priv.h"
#include "kernel/printk.h"
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

void net_get_stats(struct net_stats *st)
{
	*st = net_state.st;
}
