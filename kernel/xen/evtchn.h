/*
 * Event channels, 2-level ABI, delivered through one upcall vector.
 * Handlers run in interrupt context with interrupts off; they must be
 * short.  A port that fires far more often than its handler can use is
 * masked for a back-off period and counted (XSA-391 principle: a peer's
 * event storm must not starve the kernel).
 */
#ifndef KERNEL_XEN_EVTCHN_H
#define KERNEL_XEN_EVTCHN_H

#include "lib/compiler.h"
#include <xen/event_channel.h>

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *arg);

/* Register the upcall vector and start delivery. */
int evtchn_init(void);

/* Attach a handler to a port we own and unmask it. */
int __must_check evtchn_bind(evtchn_port_t port, evtchn_handler_t fn,
			     void *arg);
/*
 * The same for a VIRQ no other domain can raise (the timer): never backed
 * off, because the back-off is undone by a timer (evtchn.c).
 */
int __must_check evtchn_bind_own(evtchn_port_t port, evtchn_handler_t fn,
				 void *arg);
/* Detach the handler, mask, and close the port. */
void evtchn_unbind(evtchn_port_t port);

int __must_check evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
int __must_check evtchn_bind_interdomain(domid_t remote, evtchn_port_t rport,
					 evtchn_port_t *port);
int __must_check evtchn_bind_virq(uint32_t virq, evtchn_port_t *port);
int evtchn_close(evtchn_port_t port);
int evtchn_send(evtchn_port_t port);
/* Xen's view of one of our ports: EVTCHNSTAT_* (>= 0) or -errno. */
int evtchn_status(evtchn_port_t port);
/* Ports below `limit` that Xen has open for us (not EVTCHNSTAT_closed). */
unsigned int evtchn_ports_open(evtchn_port_t limit);

/*
 * Called by a handler whose event brought no work: a run of these is an
 * event storm and earns the port a back-off (XSA-391).
 */
void evtchn_note_spurious(evtchn_port_t port);

void evtchn_mask(evtchn_port_t port);
void evtchn_unmask(evtchn_port_t port);
bool evtchn_is_pending(evtchn_port_t port);
void evtchn_clear_pending(evtchn_port_t port);
/*
 * Block until `port` is pending or `timeout_ns` passed (SCHEDOP_poll);
 * works with interrupts off.  Returns 0, or -ETIMEDOUT.
 */
int evtchn_poll(evtchn_port_t port, uint64_t timeout_ns);

struct evtchn_stats {
	uint64_t upcalls;  /* upcall interrupts taken */
	uint64_t events;   /* handler invocations */
	uint64_t spurious; /* no handler bound, or handler found no work */
	uint64_t storms;   /* times a port was masked for back-off */
	uint64_t backoff_unmasks;
};
void evtchn_get_stats(struct evtchn_stats *st);
/* Events delivered to one port since it was bound. */
uint64_t evtchn_port_events(evtchn_port_t port);

/* One port since it was bound (zeros for a port we do not track). */
struct evtchn_port_stats {
	uint64_t events;   /* handler invocations */
	uint64_t spurious; /* of which the handler found no work */
	uint64_t storms;   /* back-offs (budget or spurious run) */
	bool backed_off;   /* masked by a back-off right now */
};
void evtchn_get_port_stats(evtchn_port_t port, struct evtchn_port_stats *st);
/* The XSA-391 budget as handler runs per second per port. */
unsigned int evtchn_storm_budget_per_s(void);

#endif
