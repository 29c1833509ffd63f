/*
 * Request ids (MSA00).  mirage-net-xen < 1.4.2 derived TX ids in a way that
 * let two in-flight requests share one; the first response freed both
 * pages and the second page was refilled while the backend still read it.
 * Here an id has one owner from push to response, and a response may only
 * name an id whose request is in flight.
 *
 * The free list is FIFO: an answered id goes to the back, so it is reused
 * as late as possible, which keeps a late duplicate answer for it
 * recognisable (ANSWERED) for as long as possible.
 */
#include "drivers/netfront/netfront_priv.h"
#include "kernel/printk.h"
#include "lib/errno.h"

#define NO_ID 0xffff

void netfront_ids_init(struct netfront_ids *ids, unsigned int size)
{
	BUILD_BUG_ON(NETFRONT_TX_RING_SIZE > NETFRONT_MAX_IDS);
	BUILD_BUG_ON(NETFRONT_RX_RING_SIZE > NETFRONT_MAX_IDS);
	BUILD_BUG_ON(NETFRONT_MAX_IDS >= NO_ID);
	ASSERT(size && size <= NETFRONT_MAX_IDS);
	memset(ids, 0, sizeof(*ids));
	ids->size = (uint16_t)size;
	ids->nfree = (uint16_t)size;
	for (unsigned int i = 0; i < size; i++)
		ids->next[i] = (uint16_t)(i + 1 < size ? i + 1 : NO_ID);
	ids->head = 0;
	ids->tail = (uint16_t)(size - 1);
}

/*
 * The bug, for BUGGY=msa00: ids from a counter over a space smaller than
 * what can be in flight, whoever owns them.
 */
static int buggy_alloc(struct netfront_ids *ids)
{
	uint16_t id = (uint16_t)(ids->buggy_next++ % NETFRONT_MSA00_OFF_IDS);

	ids->state[id] = NETFRONT_ID_INFLIGHT;
	return id;
}

int netfront_id_alloc(struct netfront_ids *ids)
{
	uint16_t id;

	if (BUGGY(MSA00))
		return buggy_alloc(ids);
	if (!ids->nfree)
		return -ENOSPC;
	id = ids->head;
	ids->head = ids->next[id];
	if (--ids->nfree == 0)
		ids->head = ids->tail = NO_ID;
	ids->next[id] = NO_ID;
	/* MSA00: from here until its response, this id has one owner. */
	ASSERT(ids->state[id] != NETFRONT_ID_INFLIGHT);
	ids->state[id] = NETFRONT_ID_INFLIGHT;
	return id;
}

enum netfront_err netfront_id_check(const struct netfront_ids *ids, uint32_t id)
{
	/* BUGGY=msa00: any id goes (netfront_id_slot() folds it in). */
	if (BUGGY(MSA00))
		return NETFRONT_ERR_NONE;
	/* MSA00: a response names a request of ours that is in flight. */
	if (id >= ids->size)
		return NETFRONT_ERR_BAD_ID;
	switch (ids->state[id]) {
	case NETFRONT_ID_INFLIGHT:
		return NETFRONT_ERR_NONE;
	case NETFRONT_ID_ANSWERED:
		return NETFRONT_ERR_DUP_ID;
	default:
		return NETFRONT_ERR_STALE_ID;
	}
}

void netfront_id_release(struct netfront_ids *ids, uint16_t id)
{
	if (BUGGY(MSA00)) {
		ids->state[id] = NETFRONT_ID_ANSWERED;
		return;
	}
	/* Only ever called after netfront_id_check() said in flight. */
	ASSERT(id < ids->size && ids->state[id] == NETFRONT_ID_INFLIGHT);
	ids->state[id] = NETFRONT_ID_ANSWERED;
	ids->next[id] = NO_ID;
	if (ids->nfree++ == 0)
		ids->head = id;
	else
		ids->next[ids->tail] = id;
	ids->tail = id;
}
