/*
 * The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of the data as 16-bit big-endian words.
 *
 * Every value here is a host-order number describing network-order data:
 * a folded checksum is stored into a header with a big-endian store, and
 * addresses are passed as numbers (192.168.0.1 is 0xc0a80001).  A partial
 * sum is an unfolded 32-bit accumulator that later calls continue.
 */
#ifndef LIB_CHECKSUM_H
#define LIB_CHECKSUM_H

#include "lib/compiler.h"

/*
 * Add `len` bytes at `buf` to the partial sum `sum` (0 to start).  Any
 * alignment and length are fine; an odd final byte counts as its high
 * half.  When a message is summed in pieces, every piece but the last must
 * have even length, as the words would otherwise straddle the pieces.
 */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum);
/* csum_partial() of src while copying it to dst (they must not overlap). */
uint32_t csum_partial_copy(void *dst, const void *src, size_t len,
			   uint32_t sum);

/* Fold a partial sum to 16 bits and complement it: the checksum field. */
uint16_t csum_fold(uint32_t sum);

/* Checksum of one buffer, e.g. an IPv4 header with its field zeroed. */
uint16_t csum_compute(const void *buf, size_t len);

/* Partial sum of the IPv4 pseudo-header (RFC 768, RFC 793). */
uint32_t csum_ipv4_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto,
			  uint16_t len, uint32_t sum);

/*
 * Checksum of a UDP datagram (header with its checksum field zeroed, and
 * payload, `len` bytes) over IPv4.  A computed 0 is returned as 0xffff,
 * since 0 on the wire means "no checksum" (RFC 768).  A receiver instead
 * sums the datagram as received, checksum included, and expects 0 from
 * csum_fold(): see csum_udp_ipv4_ok().
 */
uint16_t csum_udp_ipv4(uint32_t saddr, uint32_t daddr, const void *udp,
		       uint16_t len);

/* Does a received UDP datagram carry a correct (or no) checksum? */
bool csum_udp_ipv4_ok(uint32_t saddr, uint32_t daddr, const void *udp,
		      uint16_t len);

#endif
