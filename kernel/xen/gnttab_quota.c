/*
 * Accounting of foreign mappings (XSA-300): a per-peer quota and a global
 * cap, checked before anything is allocated or any hypercall made, so a
 * peer that floods us with grants to map costs one comparison per request
 * and cannot use up what other peers need.  Peers are tracked in a fixed
 * table; a slot is free while its count is 0.
 *
 * The key is the peer as the caller names it (gnttab.h, GNTTAB_PEER): the
 * caller learnt the domid from the device's xenstore entries, never from
 * the peer's own claim.
 */
#include "kernel/printk.h"
#include "kernel/xen/gnttab.h"
#include "lib/errno.h"
#include "lib/string.h"

void gnttab_quota_init(struct gnttab_quota *q, uint32_t quota, uint32_t cap)
{
	memset(q, 0, sizeof(*q));
	q->quota = quota;
	q->cap = cap;
}

static int find_peer(const struct gnttab_quota *q, gnttab_peer_t key)
{
	for (unsigned int i = 0; i < GNTTAB_MAP_MAX_PEERS; i++)
		if (q->peer[i].count && q->peer[i].key == key)
			return (int)i;
	return -1;
}

static int new_peer(struct gnttab_quota *q, gnttab_peer_t key)
{
	for (unsigned int i = 0; i < GNTTAB_MAP_MAX_PEERS; i++) {
		if (!q->peer[i].count) {
			q->peer[i].key = key;
			return (int)i;
		}
	}
	return -1;
}

uint32_t gnttab_quota_count(const struct gnttab_quota *q, gnttab_peer_t peer)
{
	int i = find_peer(q, peer);

	return i < 0 ? 0 : q->peer[i].count;
}

#ifdef KTEST_BUGGY_XSA300
/*
 * XSA-300 switched back on, for the tests to show failing: like Linux
 * before the fix, no bound on what one peer, or all of them, may map.
 */
static int check_limits(struct gnttab_quota *q, uint32_t peer_count)
{
	return 0;
}
#else
static int check_limits(struct gnttab_quota *q, uint32_t peer_count)
{
	/* XSA-300: one peer may not take more than its share... */
	if (peer_count >= q->quota) {
		q->refused_quota++;
		return -ENOSPC;
	}
	/* XSA-300: ...nor all peers together more than the cap. */
	if (q->total >= q->cap) {
		q->refused_cap++;
		return -ENOSPC;
	}
	return 0;
}
#endif

int gnttab_quota_charge(struct gnttab_quota *q, gnttab_peer_t peer)
{
	int i = find_peer(q, peer);
	int rc = check_limits(q, i < 0 ? 0 : q->peer[i].count);

	if (rc)
		return rc;
	if (i < 0)
		i = new_peer(q, peer);
	if (i < 0 || q->peer[i].count == UINT32_MAX || q->total == UINT32_MAX) {
		q->refused_peers++;
		return -ENOSPC;
	}
	q->peer[i].count++;
	q->total++;
	return 0;
}

int gnttab_quota_uncharge(struct gnttab_quota *q, gnttab_peer_t peer)
{
	int i = find_peer(q, peer);

	if (i < 0 || !q->total) {
		pr_err("gnttab: unmap accounting: peer %#x holds no mapping\n",
		       peer);
		return -EINVAL;
	}
	q->peer[i].count--;
	q->total--;
	return 0;
}
