/*
 * netback's rings of one vif, the Xen side of the xenbus handshake
 * (netback_xenbus.c calls these once the frontend published its rings):
 * map both rings through the quota-bounded map layer, bind the event
 * channel, and undo it all at teardown; the event handler.  Apart from
 * netback.c's life cycle so that the handshake does not call back into the
 * code that starts and services it (tools/cycles.allow had it as a cycle);
 * the host tests link their own versions of these two (tests/host/).
 */
#include "drivers/netback/netback_priv.h"
#include "kernel/printk.h"
#include "kernel/xen/evtchn.h"
#include "kernel/xen/gnttab/gnttab.h"
#include "lib/errno.h"

/* Interrupt context: indices only. */
static void vif_irq(evtchn_port_t p, void *arg)
{
	struct nb_vif *v = arg;
	bool work;

	v->st.events++;
	if (!nb_vif_up(v))
		return;
	work =
	    READ_ONCE(v->tx.sring->req_prod) != v->tx.req_cons ||
	    (v->q_head && READ_ONCE(v->rx.sring->req_prod) != v->rx.req_cons);
	if (!work) {
		/* XSA-391: a run of these is a storm; evtchn backs off. */
		v->st.spurious++;
		evtchn_note_spurious(p);
	}
	v->kick = true;
}

int nb_connect_rings(struct nb *n, struct nb_vif *v, grant_ref_t tx_ref,
		     grant_ref_t rx_ref, evtchn_port_t rport)
{
	evtchn_port_t local;
	int rc;

	/* XSA-300: the rings count against the frontend's quota too. */
	rc = gnttab_map(v->fe_id, tx_ref, false, &v->tx_m);
	if (rc)
		goto fail;
	rc = gnttab_map(v->fe_id, rx_ref, false, &v->rx_m);
	if (rc)
		goto unmap_tx;
	BACK_RING_INIT(&v->tx,
		       (netif_tx_sring_t *)gnttab_mapping_addr(&v->tx_m),
		       PAGE_SIZE);
	BACK_RING_INIT(&v->rx,
		       (netif_rx_sring_t *)gnttab_mapping_addr(&v->rx_m),
		       PAGE_SIZE);
	rc = evtchn_bind_interdomain(v->fe_id, rport, &local);
	if (rc)
		goto unmap_rx;
	v->port = local;
	v->broken = false;
	v->why = NULL;
	v->in_chain = false;
	v->extras = 0;
	v->state = NB_CONNECTED; /* the handler looks at the rings */
	rc = evtchn_bind(local, vif_irq, v);
	if (rc) {
		evtchn_close(local);
		goto unmap_rx;
	}
	v->port_bound = true;
	n->st.rings_mapped += 2;
	n->st.ports_bound++;
	return 0;

unmap_rx:
	if (gnttab_unmap(&v->rx_m))
		pr_err("netback: rx ring stays mapped\n");
unmap_tx:
	if (gnttab_unmap(&v->tx_m))
		pr_err("netback: tx ring stays mapped\n");
fail:
	v->state = NB_INITWAIT;
	pr_err("netback: vif %u/%u: cannot map rings / bind port %u (%d)\n",
	       v->fe_id, v->devid, rport, rc);
	return rc;
}

void nb_release(struct nb *n, struct nb_vif *v)
{
	/* No more events first, then the queues, then the rings. */
	if (v->port_bound) {
		evtchn_unbind(v->port);
		v->port_bound = false;
		n->st.ports_closed++;
	}
	nb_rx_purge(n, v);
	nb_fdb_forget(n, v);
	v->state = NB_CLOSED; /* before the rings go: nothing answers now */
	if (v->tx_m.mapped && gnttab_unmap(&v->tx_m) == 0)
		n->st.rings_unmapped++;
	if (v->rx_m.mapped && gnttab_unmap(&v->rx_m) == 0)
		n->st.rings_unmapped++;
	if (v->broken)
		n->st.broken++;
	v->st.teardowns++;
}
