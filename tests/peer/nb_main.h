/* SPDX-License-Identifier: MIT */
/*
 * hostile-netback's program state, shared by its main loop
 * (hostile-netback.c) and its mode channel (nb_switch.c): the command
 * line, the xenbus side, the connection, and what the current mode's
 * script has done so far.
 */
#ifndef NB_MAIN_H
#define NB_MAIN_H

#include "nb_xen.h"

#include <stdio.h>

struct nb_args {
	enum nb_mode mode;
	long domid; /* -1: $KTEST_DOMID, else discover */
	unsigned long timeout_ms;
	unsigned int storm;
	unsigned long hold_ms; /* 0: hold until exit (or the next switch) */
	bool have_mac;
	uint8_t mac[6];
	const char *ready_file;
};

/* How long a switch waits for a connected frontend to close. */
#define NB_SWITCH_WAIT_MS 10000

struct nb_main {
	struct nb_args a; /* a.mode/storm/hold_ms: what is served now */
	struct xs_handle *xs;
	struct nb_xb xb;
	struct nb_conn conn;
	uint8_t mac[6];
	char scan[160]; /* ktest-scan as last written */
	/* vanish: 1 removed with TX in flight, 2 back, 3 removed mid-connect,
	 * 4 back for good */
	int vanish;

	/* The mode channel (nb_switch.c). */
	unsigned int storm0;   /* --storm: a request without storm= */
	unsigned long hold0;   /* --hold, in ms: a request without hold= */
	uint32_t seq;	       /* last request served (0: the command line) */
	bool switching;	       /* waiting for the frontend to close */
	uint64_t switch_until; /* ... up to then */
	unsigned int close_s;  /* the request's close=, 0: NB_SWITCH_WAIT_MS */
	char req_path[NB_PATH_MAX], ack_path[NB_PATH_MAX];
};

/* The command line (nb_args.c): 0 or -EINVAL (then print nb_usage()). */
int nb_parse_args(int argc, char **argv, struct nb_args *a);
void nb_usage(FILE *f);

/* Write our backend state (logged). */
void nb_main_set_state(struct nb_main *m, enum xenbus_state s);

/* Watch the guest's data/ktest-nb/request; 0 or -errno. */
int nb_switch_init(struct nb_main *m);
/* A watch fired on @path: true if it was the request (handled). */
bool nb_switch_watch(struct nb_main *m, const char *path);
/* After the frontend's state @fe was handled: finish a switch. */
void nb_switch_frontend(struct nb_main *m, int fe);
/* Every tick: a switch waiting too long for the frontend is refused. */
void nb_switch_tick(struct nb_main *m);
/* Before Connected: backend node ktest-mode = "<seq> <mode>". */
void nb_switch_connecting(struct nb_main *m);

#endif /* NB_MAIN_H */
