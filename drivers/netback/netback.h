/*
 * netback: the kernel as a Xen network backend (driver domain), chosen on
 * the command line with `netback=1`.  It serves every vif whose backend is
 * this domain: it watches backend/vif under its own home and, for each
 * backend/vif/<frontend-domid>/<devid>, runs the xenbus handshake of
 * xen/io/netif.h (features, InitWait, the frontend's rings and event
 * channel, Connected), then moves frames in copy mode: TX requests are
 * mapped through the quota-bounded map layer (kernel/xen/gnttab/gnttab.h,
 * XSA-300), RX frames go into the frontend's posted buffers by grant copy.
 * A small learning switch connects the frontends with each other and with
 * the kernel's own IP stack (kernel/net), whose device is netback's port.
 *
 * Everything a frontend writes is untrusted (XSA-155, backend side): ring
 * requests and producer indexes are copied once and validated, xenstore
 * keys parsed with bounds.  A violation breaks that one device with one
 * log line; the others keep running.  See netback_priv.h for the rules.
 */
#ifndef DRIVERS_NETBACK_NETBACK_H
#define DRIVERS_NETBACK_NETBACK_H

#include "lib/compiler.h"
#include <xen/xen.h>

/* Most vifs served at once. */
#define NETBACK_MAX_VIFS 16

/* Did the command line choose the backend role (netback=1)? */
bool netback_enabled(void);
/* Is the role up (watching backend/vif, port registered)? */
bool netback_ready(void);
/* Run the backend: xenstore events, rings, queues.  Thread context. */
void netback_service(void);
/*
 * Serve (net_poll, which runs netback_service through the port) until
 * cond(arg) or `timeout_ns`; sleeps until an event between rounds.
 * 0 or -ETIMEDOUT.
 */
int netback_wait(bool (*cond)(void *arg), void *arg, uint64_t timeout_ns);

/* One vif as the tests see it (a copy, taken with netback_vif_get). */
struct netback_vif_info {
	bool used, connected, broken;
	domid_t fe_id;
	uint32_t devid;
	char name[32];	 /* frontend's domain name ("domain" key), or "" */
	uint8_t mac[6];	 /* the frontend's MAC, as the toolstack wrote it */
	const char *why; /* broken: the reason; else NULL */
	uint64_t tx_ok, tx_err, rx_ok, rx_dropped;
	uint64_t err_size, err_ref, err_multislot, err_extra;
	uint64_t refused_map; /* maps refused by our quota/cap: -ENOSPC */
	uint64_t refused_xen; /* ... refused by Xen: maptrack full */
	uint64_t to_stack;    /* frames delivered to our IP stack */
	uint64_t to_vif;      /* frames switched to another frontend */
	uint64_t queued_max;  /* highest queue length seen for it */
	uint64_t events, spurious;
	uint32_t mapped; /* grant mappings held now (rings included) */
	uint32_t queued; /* frames waiting for its RX buffers now */
	uint64_t connects, teardowns;
	uint64_t break_logs; /* lines logged for breaking it: 0 or 1 */
};
/* Copy of slot `i` (0..NETBACK_MAX_VIFS-1); false if out of range. */
bool netback_vif_get(unsigned int i, struct netback_vif_info *out);

struct netback_stats {
	uint32_t vifs, connected;
	uint32_t frames_free, frames_total; /* pool of in-flight TX frames */
	uint64_t scans, broken, rings_mapped, rings_unmapped;
	uint64_t ports_bound, ports_closed;
	uint64_t stack_tx, stack_tx_dropped;
};
void netback_get_stats(struct netback_stats *st);

#endif
