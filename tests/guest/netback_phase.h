/*
 * Helpers of the driver-domain tests (tests/guest/netback_*_test.c): the
 * phase protocol of the dom0 orchestrator (data/ktest/phase, our ack in
 * data/ktest/ack) and views of the backend's vifs by frontend name.
 */
#ifndef TESTS_GUEST_NETBACK_PHASE_H
#define TESTS_GUEST_NETBACK_PHASE_H

#include "drivers/netback/netback.h"
#include "lib/compiler.h"

#define NBT_SEC	     1000000000ULL
#define NBT_PHASE_NS (120 * NBT_SEC) /* longest wait for one phase */

/*
 * Wait (serving all along) until the orchestrator's phase is `name` or a
 * later one: 0; -ENOENT when there is no orchestrator (no phase key: a
 * scenario of one backend and its own frontends); -ETIMEDOUT.
 */
int nbt_wait_phase(const char *name);
/* Write our ack of phase `name` (once per phase). */
void nbt_ack(const char *name);
/* Is there an orchestrator?  (Read once, the first time.) */
bool nbt_orchestrated(void);

/*
 * Does this scenario create good frontend `name`?  `netback.clients=` on
 * our command line lists them (default "dd-fe,dd-linux"): a scenario
 * without the Linux client says `netback.clients=dd-fe`, and the tests
 * of the one it lacks SKIP instead of waiting for it.
 */
bool nbt_client_expected(const char *name);
/* Is vif `v` one of frontend domain `name`'s (by name, else by MAC)? */
bool nbt_is(const struct netback_vif_info *v, const char *name);
/* Sum of the vifs of frontend domain `name` (connected or not). */
struct nbt_sum {
	unsigned int vifs, connected, broken;
	domid_t fe_id;
	uint64_t tx_ok, tx_err, rx_ok, rx_dropped, to_vif, to_stack;
	uint64_t err_ref, refused_map, refused_xen;
	uint32_t mapped;
};
void nbt_sum(const char *name, struct nbt_sum *s);
/* Serve until a vif of `name` is connected and has tx and rx: 0/-errno. */
int nbt_wait_served(const char *name, uint64_t timeout_ns);
/* Serve for `ns`, calling `sample` (may be NULL) about every 100 ms. */
void nbt_serve_for(uint64_t ns, void (*sample)(void *arg), void *arg);

#endif
