/*
 * The guest's end of the dom0 traffic peer's protocol
 * (tests/peer/traffic.h): one command at a time through our xenstore
 * directory data/ktest-net, the stack polled while the peer works.
 * Shared by the net, msa01 and netbench suites.
 */
#ifndef TESTS_GUEST_NET_PEER_H
#define TESTS_GUEST_NET_PEER_H

#include "kernel/net/net.h"

#define NET_PEER_IP  NET_IP(192, 0, 2, 1) /* dom0's bridge xenbr0 */
#define NET_PEER_SEC (1000ULL * 1000 * 1000)

/*
 * Why the net tests cannot run here (a SKIP reason), or NULL when Xen,
 * an address, an up device and the traffic peer are all there.
 */
const char *net_peer_unavailable(void);
/*
 * Send the command (printf-style, without the sequence number) and poll
 * the stack until the peer's result arrives (copied into res, sequence
 * number stripped) or timeout_ns passed.  0, -ETIMEDOUT or -errno.
 */
int net_peer_call(char *res, size_t len, uint64_t timeout_ns, const char *fmt,
		  ...) __printf(4, 5);
/*
 * The two halves of net_peer_call(), for a caller that must not block on
 * xenstore while the peer works (a benchmark): send the command now...
 */
int net_peer_start(const char *fmt, ...) __printf(1, 2);
/* ...and poll the stack until its result came, as net_peer_call(). */
int net_peer_wait(char *res, size_t len, uint64_t timeout_ns);
/* The number after "key=" in a result; false when absent or malformed. */
bool net_peer_value(const char *res, const char *key, uint64_t *out);
/* Longest xenstore read while polling for a result so far, in ns. */
extern uint64_t net_peer_max_xs_ns;
/* Poll the stack for `ns` (answering whatever arrives). */
void net_peer_poll_for(uint64_t ns);

#endif
