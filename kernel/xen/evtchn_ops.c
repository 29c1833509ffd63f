/* Event-channel hypercalls: allocate, bind, close, send, poll. */
#include "kernel/time.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "lib/errno.h"
#include <xen/sched.h>

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	evtchn_alloc_unbound_t op = {.dom = DOMID_SELF, .remote_dom = remote};
	int rc = xen_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	if (!rc)
		*port = op.port;
	return rc;
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t rport,
			    evtchn_port_t *port)
{
	evtchn_bind_interdomain_t op = {.remote_dom = remote,
					.remote_port = rport};
	int rc = xen_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	if (!rc)
		*port = op.local_port;
	return rc;
}

int evtchn_bind_virq(uint32_t virq, evtchn_port_t *port)
{
	evtchn_bind_virq_t op = {.virq = virq, .vcpu = 0};
	int rc = xen_event_channel_op(EVTCHNOP_bind_virq, &op);

	if (!rc)
		*port = op.port;
	return rc;
}

int evtchn_close(evtchn_port_t port)
{
	evtchn_close_t op = {.port = port};

	return xen_event_channel_op(EVTCHNOP_close, &op);
}

int evtchn_send(evtchn_port_t port)
{
	evtchn_send_t op = {.port = port};

	return xen_event_channel_op(EVTCHNOP_send, &op);
}

int evtchn_poll(evtchn_port_t port, uint64_t timeout_ns)
{
	uint64_t now = time_now_ns();
	struct sched_poll p = {.nr_ports = 1};
	int rc;

	if (evtchn_is_pending(port))
		return 0;
	set_xen_guest_handle(p.ports, &port);
	/* Xen's timeout is absolute system time; 0 would mean "forever". */
	p.timeout = now + (timeout_ns ? timeout_ns : 1);
	rc = xen_sched_op(SCHEDOP_poll, &p);
	if (rc)
		return rc;
	return evtchn_is_pending(port) ? 0 : -ETIMEDOUT;
}
