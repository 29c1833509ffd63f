/*
 * The xenstore connection under Xen: the ring page and event channel the
 * domain builder set up (HVM_PARAM_STORE_PFN / _EVTCHN), the event
 * channel as the notify hook, wait_until() and the kernel clock as the
 * wait hook.  The event handler only counts: reading the ring is the
 * waiter's job (xs_conn.c), so nothing runs in interrupt context.
 */
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/hypercall.h"
#include "kernel/xen/xen.h"
#include "kernel/xen/xenstore/xs_priv.h"
#include <xen/hvm/params.h>

/* boot/head.S identity-maps the low 4 GiB; the ring page must be there. */
#define MAPPED_PFNS (0x100000000ULL >> PAGE_SHIFT)

static evtchn_port_t xs_port;
/* Bound once for good: closing the store port would lose xenstore. */
static bool xs_bound;
static struct xenstore_domain_interface *xs_intf;
/* xenstored's indices at the last event: hints, never used for data. */
static XENSTORE_RING_IDX irq_rsp_prod, irq_req_cons;

static void xs_irq(evtchn_port_t port, void *arg)
{
	XENSTORE_RING_IDX rsp = READ_ONCE(xs_intf->rsp_prod);
	XENSTORE_RING_IDX req = READ_ONCE(xs_intf->req_cons);

	xs_stats.irqs++;
	/*
	 * XSA-391: an event that moved neither of xenstored's indices brought
	 * nothing; reported, so a run of them backs the port off like any
	 * other peer's.
	 */
	if (rsp == irq_rsp_prod && req == irq_req_cons) {
		xs_stats.spurious_irqs++;
		evtchn_note_spurious(port);
	}
	irq_rsp_prod = rsp;
	irq_req_cons = req;
}

static void xen_notify(void *ctx)
{
	evtchn_send(xs_port);
}

static int xen_wait(bool (*cond)(void *), void *arg, uint64_t timeout_ns,
		    void *ctx)
{
	return wait_until(cond, arg, timeout_ns);
}

static uint64_t xen_now(void *ctx)
{
	return time_now_ns();
}

static const struct xs_transport xen_transport = {
    .notify = xen_notify,
    .wait = xen_wait,
    .now_ns = xen_now,
};

static int read_params(uint64_t *pfn, uint64_t *port)
{
	int rc = xen_hvm_get_param(HVM_PARAM_STORE_PFN, pfn);

	if (!rc)
		rc = xen_hvm_get_param(HVM_PARAM_STORE_EVTCHN, port);
	if (rc)
		return rc;
	if (!*pfn || *pfn >= MAPPED_PFNS || !*port || *port > UINT32_MAX) {
		pr_err("xenstore: no usable ring (pfn %#lx, port %lu)\n",
		       (unsigned long)*pfn, (unsigned long)*port);
		return -ENODEV;
	}
	return 0;
}

/* Our domid, as xenstore has it; also checks the connection works. */
static int read_domid(void)
{
	uint64_t id;
	int rc = xs_read_u64(XS_TXN_NIL, "domid", &id);

	if (rc)
		return rc;
	if (!id || id >= DOMID_FIRST_RESERVED) {
		pr_err("xenstore: implausible domid %lu\n", (unsigned long)id);
		return -EPROTO;
	}
	xen_set_domid((domid_t)id);
	return 0;
}

int xs_init(void)
{
	uint64_t pfn, port;
	int rc;

	if (!xen_present())
		return -ENODEV;
	if (xs_attached())
		return xs_connected() ? 0 : -EIO;
	rc = read_params(&pfn, &port);
	if (rc)
		return rc;
	xs_port = (evtchn_port_t)port;
	xs_intf = (void *)(uintptr_t)(pfn << PAGE_SHIFT);
	irq_rsp_prod = READ_ONCE(xs_intf->rsp_prod);
	irq_req_cons = READ_ONCE(xs_intf->req_cons);
	rc = xs_attach(xs_intf, &xen_transport);
	if (rc)
		return rc;
	if (!xs_bound) {
		rc = evtchn_bind(xs_port, xs_irq, NULL);
		if (rc)
			goto detach;
		xs_bound = true;
	}
	rc = read_domid();
	if (rc)
		goto detach;
	pr_info("xenstore: ring pfn %#lx port %u, domid %u\n",
		(unsigned long)pfn, xs_port, xen_domid());
	return 0;
detach:
	xs_detach();
	pr_err("xenstore: init failed: %d\n", rc);
	return rc;
}
