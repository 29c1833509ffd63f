/*
 * The stack's kernel glue: the kernel clock for ARP timers, and the waits
 * that sleep between polls.  Not built into the host tests, which drive
 * net_poll() themselves with a fake clock.
 */
#include "kernel/init.h"
#include "kernel/net/net_priv.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "lib/errno.h"

/*
 * Longest sleep between two polls when no frame arrives: a driver that
 * reaps its rings only when polled still makes progress this often.
 */
#define NET_WAIT_TICK_NS (10ULL * 1000 * 1000)

static int net_kinit(void)
{
	/* Needs nothing but a clock, read later: safe in the first stage. */
	net_set_clock(time_now_ns);
	return 0;
}
KINIT(KINIT_EARLY_CONSOLE, net_kinit);

/* Called by wait_until() with interrupts off: only looks at indices. */
static bool frame_queued(void *arg)
{
	return net_rxq_pending();
}

int net_wait(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns)
{
	uint64_t start = time_now_ns();

	for (;;) {
		uint64_t waited;

		net_poll();
		if (cond(arg))
			return 0;
		waited = time_now_ns() - start;
		if (waited >= timeout_ns)
			return -ETIMEDOUT;
		(void)wait_until(frame_queued, NULL,
				 MIN(timeout_ns - waited, NET_WAIT_TICK_NS));
	}
}

/* One round of the cache's own retries. */
#define RESOLVE_STEP_NS (3ULL * 1000 * 1000 * 1000)

struct resolve {
	uint32_t ip;
	uint8_t *mac;
};

static bool resolved(void *arg)
{
	struct resolve *r = arg;

	return !net_arp_lookup(r->ip, r->mac);
}

int net_arp_resolve(uint32_t ip, uint8_t mac[ETH_ALEN], uint64_t timeout_ns)
{
	struct resolve r = {.ip = ip, .mac = mac};
	uint64_t start = time_now_ns();
	int rc;

	if (resolved(&r))
		return 0;
	/* The cache retries ARP_TRIES times and then forgets the entry:
	 * ask again until our own timeout. */
	for (;;) {
		uint64_t spent = time_now_ns() - start;

		if (spent >= timeout_ns)
			return -ETIMEDOUT;
		rc = net_arp_solicit(ip);
		if (rc)
			return rc;
		rc = net_wait(resolved, &r,
			      MIN(timeout_ns - spent, RESOLVE_STEP_NS));
		if (rc != -ETIMEDOUT)
			break;
	}
	return rc;
}
