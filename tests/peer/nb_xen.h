/* SPDX-License-Identifier: MIT */
/*
 * hostile-netback's Xen side: the xenbus half (nb_xenbus.c: xenstore
 * nodes, the backend state machine's writes, reading what the frontend
 * published) and the connection (nb_conn.c: rings mapped with
 * libxengnttab, the event channel bound with libxenevtchn, and the
 * struct nb_ops that the ring core calls).
 */
#ifndef NB_XEN_H
#define NB_XEN_H

#include "nb.h"

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#define NB_PATH_MAX 96
/* Grants the hold-* scenarios keep mapped at once (8 MiB of a guest). */
#define NB_MAX_HELD 2048

struct nb_xb {
	struct xs_handle *xs;
	unsigned int domid;
	char fe[NB_PATH_MAX];	    /* /local/domain/<g>/device/vif/0 */
	char be[NB_PATH_MAX];	    /* /local/domain/0/backend/vif/<g>/0 */
	char fe_state[NB_PATH_MAX]; /* fe + "/state", the watched node */
	enum xenbus_state state;    /* ours, as last written */
	uint8_t mac[6];
};

/* What the frontend published before switching to Initialised/Connected. */
struct nb_fe_info {
	uint32_t tx_ref, rx_ref, evtchn;
};

/*
 * Create the frontend and backend directories for @domid's vif 0 as the
 * toolstack would (frontend owned by the guest and readable by dom0,
 * backend owned by dom0 and readable by the guest), with the backend in
 * InitWait; -EEXIST if the guest already has a vif 0.
 */
int nb_xb_create(struct nb_xb *xb, struct xs_handle *xs, unsigned int domid,
		 const uint8_t mac[6]);
/* Write our backend state; 0 or -errno. */
int nb_xb_set_state(struct nb_xb *xb, enum xenbus_state state);
/* The frontend's state (0..8), or -errno (-ENOENT: its node is gone). */
int nb_xb_fe_state(struct nb_xb *xb);
/* Read and validate the frontend's ring refs and event channel. */
int nb_xb_read_frontend(struct nb_xb *xb, struct nb_fe_info *fe);
/* Write @value at @leaf in the backend directory; 0 or -errno. */
int nb_xb_write(struct nb_xb *xb, const char *leaf, const char *value);
/* Remove @leaf of the backend directory (best effort). */
void nb_xb_remove(struct nb_xb *xb, const char *leaf);
/* Remove both directories (best effort, on exit). */
void nb_xb_destroy(struct nb_xb *xb);
/*
 * vanish: remove the backend directory alone, with no Closing first (a
 * backend that goes away under the frontend, XSA-465), and put it back,
 * in InitWait, as a new backend would.  0 or -errno.
 */
int nb_xb_vanish(struct nb_xb *xb);
int nb_xb_return(struct nb_xb *xb);

struct nb_conn {
	xengnttab_handle *gt;
	xenevtchn_handle *xce;
	unsigned int domid;
	bool up;
	void *tx_page, *rx_page;
	evtchn_port_t port; /* ours, bound to the guest's */
	void *held[NB_MAX_HELD];
	unsigned int nheld;
	uint64_t held_at_ms;
	bool close_requested; /* set by the core (close-mid) */
	unsigned int copy_errors;
	struct nb nb;
};

/* Open the grant and event channel handles; 0 or -errno. */
int nb_conn_open(struct nb_conn *c, unsigned int domid);
/* Map both rings, bind the event channel, attach the core. */
int nb_conn_up(struct nb_conn *c, const struct nb_fe_info *fe,
	       enum nb_mode mode, unsigned int storm, const uint8_t mac[6]);
/* Unbind and unmap (not the held grants); safe when already down. */
void nb_conn_down(struct nb_conn *c);
/* The event channel fd is readable: take the event, serve the rings. */
void nb_conn_event(struct nb_conn *c);
/* Unmap what hold-tx-grant kept mapped. */
void nb_conn_release_held(struct nb_conn *c);
/* Close the handles (after nb_conn_down and nb_conn_release_held). */
void nb_conn_close(struct nb_conn *c);

#endif /* NB_XEN_H */
