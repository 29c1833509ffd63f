/* SPDX-License-Identifier: MIT */
/*
 * traffic: the dom0 peer of the guest's net.* and msa01.no_canary_on_wire
 * tests and of `make bench`.  The guest drives it through xenstore, one
 * command at a time (its own directory, so dom0 needs no configuration):
 *
 *   guest writes  data/ktest-net/cmd    = "<seq> <verb> [arg...]"
 *   peer writes   data/ktest-net/result = "<seq> <text>"
 *
 * Verbs (addresses dotted quads, sizes in bytes, times in ms):
 *   arp IP                    ARP request from xenbr0 -> "ok MAC" | "fail ..."
 *   ping IP COUNT             ICMP echo, one at a time (next after the
 *                             reply or 1 s), data checked; late replies
 *                             count -> "recv=R sent=S bad=B late=L
 *                             first_lost=N|-1"
 *   udp-echo IP PORT MAX      one datagram of every size 1..MAX, reply
 *                             checked byte for byte
 *                             -> "ok=K sent=S bad=B lost=L retries=T
 *                             late=L"
 *   capture-start             capture on vif<domid>.0 -> "ok"
 *   capture-stop              -> "frames=F probes=P canary=C trailer=T"
 *   bench-rx IP PORT SIZE MS  blast datagrams at the guest for MS ms
 *                             (sendmmsg, 64 a call)
 *                             -> "sent=N ms=M dom0_irqs=I dom0_busy=B
 *                             dom0_steal=S" (per mille of dom0's CPU
 *                             time over the blast)
 *   bench-tx PORT             count datagrams arriving on PORT -> "ready"
 *   bench-tx-stop             -> "received=N span_us=U dom0_irqs=I"
 *
 * The first half of this header is the part without sockets or Xen
 * (traffic_scan.c), which tests/peer/test_traffic.c checks on the host;
 * the second, the network actions (traffic_net.c, traffic_ping.c,
 * traffic_bench.c).
 */
#ifndef TRAFFIC_H
#define TRAFFIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRAFFIC_VERB_MAX   16
#define TRAFFIC_ARG_MAX	   32
#define TRAFFIC_ARGS	   4
#define TRAFFIC_CMD_MAX	   128
#define TRAFFIC_RESULT_MAX 192

/* The canary the guest writes into its pool pages (MSA01). */
#define TRAFFIC_CANARY 0xc5
/* This many canary bytes in a row in a frame count as a leak. */
#define TRAFFIC_CANARY_RUN 8
/* UDP port of the guest's probe frames during a capture. */
#define TRAFFIC_PROBE_PORT 9999

struct traffic_cmd {
	uint32_t seq;
	char verb[TRAFFIC_VERB_MAX];
	char arg[TRAFFIC_ARGS][TRAFFIC_ARG_MAX];
	unsigned int nargs;
};

/*
 * Parse `len` bytes a guest wrote: "<seq> <verb> [arg...]", single
 * spaces, verb [a-z-], args printable without spaces, every field
 * bounded.  0, or -EINVAL for anything else.
 */
int traffic_parse_cmd(const char *s, size_t len, struct traffic_cmd *c);

/* What a capture saw of the guest's frames. */
struct traffic_capture {
	uint64_t frames;  /* from the guest's MAC */
	uint64_t probes;  /* of those, UDP to TRAFFIC_PROBE_PORT */
	uint64_t canary;  /* holding a run of TRAFFIC_CANARY bytes */
	uint64_t trailer; /* non-zero bytes after the IPv4 datagram */
};

/* Account one captured frame. */
void traffic_scan_frame(const uint8_t *f, size_t len, const uint8_t mac[6],
			struct traffic_capture *c);

/* The payload of datagram/echo number `n`: deterministic, varied. */
void traffic_pattern(uint8_t *buf, size_t len, uint32_t n);

/*
 * Sum over every CPU of the /proc/interrupts lines (text, NUL-terminated)
 * whose name starts with "vif<domid>.": the event channel notifications
 * this guest's netfront sent to netback.
 */
uint64_t traffic_vif_irqs(const char *text, unsigned int domid);

/* dom0's CPU time from /proc/stat's first line, in ticks. */
struct traffic_cpu {
	uint64_t total, idle, steal; /* idle includes iowait */
};
/* Parse /proc/stat's text (NUL-terminated): 0, or -1 if it is not. */
int traffic_cpu_parse(const char *text, struct traffic_cpu *c);

/* ---- Network actions (traffic_net.c): each writes its result text ---- */

/* Wait until fd is readable or ms passed: 1, 0 (timeout), -errno. */
int traffic_wait_readable(int fd, int ms);
/* Milliseconds until `deadline` (peer_now_ms() time), 0 if past. */
int traffic_ms_left(uint64_t deadline);
/* traffic_ping.c */
int traffic_arp(const char *bridge, uint32_t ip, char *res, size_t len);
int traffic_ping(uint32_t ip, uint32_t count, char *res, size_t len);
int traffic_udp_echo(uint32_t ip, uint16_t port, uint32_t max, char *res,
		     size_t len);
/* A packet socket on vif<domid>.0, or -errno. */
int traffic_capture_open(unsigned int domid, uint8_t guest_mac[6]);
/* Scan whatever the socket holds now (does not block). */
void traffic_capture_drain(int fd, const uint8_t mac[6],
			   struct traffic_capture *c);
/* Event notifications netback has had from this guest so far. */
uint64_t traffic_irqs_now(unsigned int domid);
/* traffic_bench.c: make bench's two directions */
int traffic_bench_rx(unsigned int domid, uint32_t ip, uint16_t port,
		     uint32_t size, uint32_t ms, char *res, size_t len);

/* The receiving end of bench-tx. */
struct traffic_sink {
	int fd;
	uint64_t received, first_us, last_us, irq0;
};
int traffic_bench_tx_open(uint16_t port, struct traffic_sink *s);
/* Count whatever arrived (does not block). */
void traffic_bench_tx_drain(struct traffic_sink *s);

#endif
