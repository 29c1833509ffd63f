/*
 * Event-channel hypercalls: allocate, bind, close, send, status.  The
 * bottom of evtchn: nothing here looks at the shared info page (evtchn.c
 * does).
 */
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"

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

int evtchn_status(evtchn_port_t port)
{
	evtchn_status_t op = {.dom = DOMID_SELF, .port = port};
	int rc = xen_event_channel_op(EVTCHNOP_status, &op);

	return rc ? rc : (int)op.status;
}

unsigned int evtchn_ports_open(evtchn_port_t limit)
{
	unsigned int n = 0;

	for (evtchn_port_t p = 1; p < limit; p++) {
		int st = evtchn_status(p);

		/* Past the domain's last port: nothing more to count. */
		if (st < 0)
			break;
		n += st != EVTCHNSTAT_closed;
	}
	return n;
}
