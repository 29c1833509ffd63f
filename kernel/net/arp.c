/*
 * ARP (RFC 826) for IPv4 over Ethernet: answer requests for our address,
 * resolve neighbours through a small cache, announce ourselves when the
 * device comes up.
 *
 * Cache: ARP_ENTRIES entries, each INCOMPLETE (requested, waiting) or
 * REACHABLE (answered, valid for ARP_TTL_NS).  An unanswered request is
 * repeated every ARP_RETRY_NS, ARP_TRIES times in all, then given up.
 * When full, the oldest entry is evicted.  Each entry holds at most one
 * frame waiting for its resolution (the newest: an older one is dropped
 * and counted), sent as soon as the reply arrives.
 *
 * What we learn: RFC 826's merge rule (an entry we already have is
 * updated from any ARP packet its owner sends) plus a new entry for the
 * sender of a packet aimed at us.  Senders outside our subnet, with a
 * group MAC, or claiming our own address are refused and counted.
 */
#include "kernel/mm/mm.h"
#include "kernel/net/net_priv.h"
#include "lib/errno.h"
#include "lib/string.h"

#define ARP_ENTRIES  16
#define ARP_TTL_NS   (60ULL * 1000 * 1000 * 1000)
#define ARP_RETRY_NS (1000ULL * 1000 * 1000)
#define ARP_TRIES    3

#define ARP_HTYPE_ETH  1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2
/* 42 bytes of ARP, zero-padded to the shortest frame. */
#define ARP_FRAME_LEN ETH_ZLEN

enum arp_state { ARP_FREE, ARP_INCOMPLETE, ARP_REACHABLE };

struct arp_entry {
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	uint8_t state;	/* enum arp_state */
	uint8_t tries;	/* requests sent while INCOMPLETE */
	uint64_t stamp; /* REACHABLE: confirmed at; INCOMPLETE: last request */
	uint16_t pending_len;
	/* The one waiting frame (ETH_FRAME_MAX bytes): from the heap while a
	 * frame waits, not 1.5 KiB in each of the entries (issue 11). */
	uint8_t *pending;
};

static struct arp_entry cache[ARP_ENTRIES];
static const uint8_t bcast_mac[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct arp_entry *find(uint32_t ip)
{
	for (unsigned int i = 0; i < ARP_ENTRIES; i++)
		if (cache[i].state != ARP_FREE && cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

static void drop_pending(struct arp_entry *e)
{
	mm_free(e->pending);
	e->pending = NULL;
	e->pending_len = 0;
}

static void drop_entry(struct arp_entry *e)
{
	if (e->pending_len)
		net_state.st.arp_pending_dropped++;
	drop_pending(e);
	e->state = ARP_FREE;
}

/* A free entry for `ip`, evicting the oldest when the cache is full. */
static struct arp_entry *alloc_entry(uint32_t ip)
{
	struct arp_entry *victim = &cache[0];

	for (unsigned int i = 0; i < ARP_ENTRIES; i++) {
		if (cache[i].state == ARP_FREE) {
			victim = &cache[i];
			goto found;
		}
		if (cache[i].stamp < victim->stamp)
			victim = &cache[i];
	}
	net_state.st.arp_evicted++;
	drop_entry(victim);
found:
	memset(victim, 0, sizeof(*victim)); /* its buffer went with it */
	victim->ip = ip;
	return victim;
}

/* ARP packets are built on the stack: the shared transmit frame may hold
 * the datagram that is waiting for this very resolution. */
static int send_arp(uint16_t op, const uint8_t *eth_dst, const uint8_t *tha,
		    uint32_t tpa)
{
	uint8_t frame[ARP_FRAME_LEN] = {0};
	struct arp_pkt *a = (struct arp_pkt *)(frame + ETH_HLEN);

	net_eth_header(frame, eth_dst, ETH_P_ARP);
	a->htype = net_be16(ARP_HTYPE_ETH);
	a->ptype = net_be16(ETH_P_IPV4);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->oper = net_be16(op);
	memcpy(a->sha, net_state.dev->mac, ETH_ALEN);
	a->spa = net_be32(net_state.ip);
	memcpy(a->tha, tha, ETH_ALEN);
	a->tpa = net_be32(tpa);
	return net_xmit(frame, sizeof(frame));
}

static void send_request(struct arp_entry *e)
{
	static const uint8_t zero_mac[ETH_ALEN];

	e->tries++;
	e->stamp = net_now();
	if (!send_arp(ARP_OP_REQUEST, bcast_mac, zero_mac, e->ip))
		net_state.st.arp_requests_sent++;
}

static void confirm(struct arp_entry *e, const uint8_t *mac)
{
	memcpy(e->mac, mac, ETH_ALEN);
	e->state = ARP_REACHABLE;
	e->tries = 0;
	e->stamp = net_now();
	if (e->pending_len) {
		memcpy(e->pending, mac, ETH_ALEN); /* Ethernet destination */
		(void)net_xmit(e->pending, e->pending_len);
	}
	drop_pending(e);
}

void net_arp_input(const uint8_t *pkt, size_t len)
{
	struct net_stats *st = &net_state.st;
	struct arp_entry *e;
	struct arp_pkt a;
	uint32_t spa, tpa;
	uint16_t op;

	st->arp_rx++;
	/* Untrusted: a whole packet (padding may follow), copied once. */
	if (len < sizeof(a)) {
		st->arp_bad++;
		return;
	}
	memcpy(&a, pkt, sizeof(a));
	op = net_be16(a.oper);
	if (net_be16(a.htype) != ARP_HTYPE_ETH ||
	    net_be16(a.ptype) != ETH_P_IPV4 || a.hlen != ETH_ALEN ||
	    a.plen != 4 || (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)) {
		st->arp_bad++;
		return;
	}
	if (!net_state.ip) {
		st->arp_not_for_us++;
		return;
	}
	spa = net_be32(a.spa);
	tpa = net_be32(a.tpa);
	if (spa == net_state.ip) {
		st->arp_conflict++;
		return;
	}
	/* spa 0 is an address probe (RFC 5227): answer it, learn nothing. */
	if ((a.sha[0] & 1) || !memcmp(a.sha, net_state.dev->mac, ETH_ALEN) ||
	    (spa && !net_ip_is_neighbour(spa))) {
		st->arp_bad_sender++;
		return;
	}
	e = spa ? find(spa) : NULL;
	if (e)
		confirm(e, a.sha);
	if (tpa != net_state.ip) {
		st->arp_not_for_us++;
		return;
	}
	if (spa && !e) {
		confirm(alloc_entry(spa), a.sha);
		st->arp_learned++;
	}
	if (op == ARP_OP_REQUEST) {
		if (!send_arp(ARP_OP_REPLY, a.sha, a.sha, spa))
			st->arp_replies_sent++;
	} else {
		st->arp_replies_rx++;
	}
}

int net_arp_solicit(uint32_t ip)
{
	struct arp_entry *e;

	if (!net_ready())
		return -ENETDOWN;
	if (!net_ip_is_neighbour(ip))
		return -ENETUNREACH;
	e = find(ip);
	if (e && e->state == ARP_REACHABLE)
		return 0;
	if (!e) {
		e = alloc_entry(ip);
		e->state = ARP_INCOMPLETE;
	}
	if (!e->tries)
		send_request(e);
	return 0;
}

int net_arp_output(uint32_t ip, uint8_t *frame, size_t len)
{
	struct arp_entry *e = find(ip);

	if (e && e->state == ARP_REACHABLE) {
		net_eth_header(frame, e->mac, ETH_P_IPV4);
		return net_xmit(frame, len);
	}
	if (!e) {
		e = alloc_entry(ip);
		e->state = ARP_INCOMPLETE;
	}
	if (e->pending_len)
		net_state.st.arp_pending_dropped++;
	if (!e->pending && !(e->pending = mm_alloc(ETH_FRAME_MAX))) {
		/* No memory: this frame is lost, as a replaced one would be. */
		net_state.st.arp_pending_dropped++;
		e->pending_len = 0;
	} else {
		net_eth_header(frame, bcast_mac, ETH_P_IPV4);
		memcpy(e->pending, frame, len);
		e->pending_len = len;
	}
	if (!e->tries)
		send_request(e);
	return 0;
}

void net_arp_announce(void)
{
	/* Gratuitous request: sender and target are both our address. */
	if (!send_arp(ARP_OP_REQUEST, bcast_mac, (const uint8_t[ETH_ALEN]){0},
		      net_state.ip))
		net_state.st.arp_announces_sent++;
}

void net_arp_tick(void)
{
	uint64_t now = net_now();

	for (unsigned int i = 0; i < ARP_ENTRIES; i++) {
		struct arp_entry *e = &cache[i];

		if (e->state == ARP_REACHABLE && now - e->stamp >= ARP_TTL_NS) {
			net_state.st.arp_expired++;
			drop_entry(e);
		} else if (e->state == ARP_INCOMPLETE &&
			   now - e->stamp >= ARP_RETRY_NS) {
			if (e->tries < ARP_TRIES && net_ready()) {
				send_request(e);
				continue;
			}
			net_state.st.arp_unresolved++;
			drop_entry(e);
		}
	}
}

int net_arp_lookup(uint32_t ip, uint8_t mac[ETH_ALEN])
{
	struct arp_entry *e = find(ip);

	if (!e || e->state != ARP_REACHABLE)
		return -ENOENT;
	memcpy(mac, e->mac, ETH_ALEN);
	return 0;
}

void net_arp_flush(void)
{
	for (unsigned int i = 0; i < ARP_ENTRIES; i++) {
		drop_pending(&cache[i]);
		cache[i].state = ARP_FREE;
	}
}
