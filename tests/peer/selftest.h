/* SPDX-License-Identifier: MIT */
/*
 * peer-selftest: run in dom0 of the Xen test host (make test-peer-xen),
 * it plays the guest side of each peer's protocol with dom0 itself as the
 * "guest" (domid 0 grants to itself, binds event channels to itself), so
 * the peers are exercised end to end against real Xen, gntdev, gntalloc
 * and xenstored, before any guest kernel speaks the protocols.
 */
#ifndef SELFTEST_H
#define SELFTEST_H

#include <stdbool.h>
#include <sys/types.h>
#include <xenstore.h>

extern unsigned int st_failed;

#define ST_CHECK(cond, ...)                                                    \
	do {                                                                   \
		if (!(cond)) {                                                 \
			st_failed++;                                           \
			peer_log("FAIL %s:%d: %s", __FILE__, __LINE__, #cond); \
			peer_log(__VA_ARGS__);                                 \
		}                                                              \
	} while (0)

/* Start /peer/<prog> (next to us) with @argv; its pid, or -1. */
pid_t st_spawn(const char *prog, char *const argv[]);
/* SIGTERM @pid, wait (bounded); its exit status, or -1. */
int st_stop(pid_t pid);

/* Poll @path until it reads @want (prefix match if @prefix), @ms at most. */
bool st_wait_value(struct xs_handle *xs, const char *path, const char *want,
		   bool prefix, unsigned int ms);
/* Write a node; false on failure (logged). */
bool st_write(struct xs_handle *xs, const char *path, const char *value);

/* The two halves. */
void st_grant_holder(struct xs_handle *xs);
void st_netback(struct xs_handle *xs, const char *scenario);

#endif /* SELFTEST_H */
